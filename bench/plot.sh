#!/usr/bin/env bash
# Draws one benchmark's output as an SVG with gnuplot (Debian gnuplot-nox), for the
# curves of docs/performance.md (bench/report.sh):
#   bench/plot.sh idle_streams OUTPUT SVG   bytes per idle stream against the stream count
#                                          (the table of bench/idle_streams --counts ...)
#   bench/plot.sh h2load_sweep OUTPUT SVG   requests/s against connections x streams
#                                          ("sweep:" lines of bench/h2load_compare.sh sweep)
set -euo pipefail
kind=$1 output=$2 svg=$3
command -v gnuplot >/dev/null || {
  echo "gnuplot not found (Debian package gnuplot-nox; ./run bench installs it)" >&2
  exit 1
}
data=$(mktemp "${TMPDIR:-/tmp}/tether-plot.XXXXXX")
trap 'rm -f "$data"' EXIT

case $kind in
  idle_streams)
    # Rows "STREAMS  RSS MiB  BYTES": the stream count and the bytes per stream.
    awk '$1 ~ /^[0-9]+$/ && $3 == "MiB" && $4 ~ /^[0-9]+$/ { print $1, $4 }' "$output" >"$data"
    setup='set xlabel "idle streams (Start + one Ping each)"; set ylabel "endpoint RSS added per stream (bytes)";
      set yrange [0:*]; target = 2048'
    plot='plot "'$data'" using 1:2 with linespoints title "tether-endpoint", target with lines dashtype 2 title "target (2 KiB)"'
    ;;
  h2load_sweep)
    # "sweep: CONNECTIONS STREAMS TETHER_RPS NGHTTPD_RPS"
    awk '$1 == "sweep:" { print $2 "x" $3, $4, $5 }' "$output" >"$data"
    setup='set xlabel "h2load connections x streams per connection"; set ylabel "requests/s";
      set yrange [0:*]; set style data linespoints'
    plot='plot "'$data'" using 0:2:xtic(1) title "tether-endpoint", "" using 0:3 title "nghttpd static (same answer)"'
    ;;
  *)
    echo "unknown plot $kind (idle_streams, h2load_sweep)" >&2
    exit 1
    ;;
esac
[ -s "$data" ] || {
  echo "no $kind rows in the benchmark's output" >&2
  exit 1
}
gnuplot <<EOF
set terminal svg size 720,420 font "sans,12" background "white"
set output "$svg"
set key top left
set grid
$setup
$plot
EOF
