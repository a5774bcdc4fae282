#!/usr/bin/env bash
# The two programs end to end: tether-endpoint on a free port, tether-probe against
# it (table and Prometheus file; an endpoint that accepts no extension is reported),
# and their usage errors.
#   cli_test.sh BUILD_DIR
set -euo pipefail
build=$1
work=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
# start NAME ARGS...: an endpoint on a free port; sets url.
start() {
  local name=$1
  shift
  "$build/tether-endpoint" --port 0 "$@" >"$work/$name.out" &
  pids+=($!)
  for _ in $(seq 200); do
    grep -q '^listening on 127.0.0.1:[0-9]' "$work/$name.out" && break
    sleep 0.05
  done
  url="http://$(sed -n 's/^listening on //p' "$work/$name.out")"
}

# An endpoint that accepts no tether extension: the probe says so at once.
start plain --extensions ""
rc=0
"$build/tether-probe" "$url" --duration 5 2>"$work/plain.err" || rc=$?
cat "$work/plain.err"
[ "$rc" -eq 1 ] && grep -q 'extension not accepted: this endpoint answers no Pings' "$work/plain.err"

start endpoint
"$build/tether-probe" "$url" --duration 1 --interval 20 --streams 2 \
  --prometheus "$work/metrics.txt" >"$work/probe.out"
cat "$work/probe.out"
grep -q '^probe .* healthy' "$work/probe.out"
grep -q '^tether_ping_rtt_seconds_count' "$work/metrics.txt"
grep -q '^tether_deployment_state' "$work/metrics.txt"

fails() { # fails CODE COMMAND...: the command exits with CODE
  local want=$1 rc=0
  shift
  "$@" >/dev/null 2>&1 || rc=$?
  [ "$rc" -eq "$want" ] || { echo "exit $rc, want $want: $*"; return 1; }
}
fails 2 "$build/tether-endpoint"
fails 2 "$build/tether-endpoint" --port 70000
fails 2 "$build/tether-endpoint" --port 0 --dispatch-threads 0
fails 2 "$build/tether-probe"
fails 2 "$build/tether-probe" "$url" --streams 0
fails 2 "$build/tether-probe" demo --bogus 1
fails 1 "$build/tether-probe" http://nowhere
fails 1 "$build/tether-probe" http://127.0.0.1:1 --duration 1
echo "cli: ok"
