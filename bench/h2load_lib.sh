# Shared by the h2load comparisons (sourced): servers started by pid and stopped on
# exit, and one h2load measurement. The caller sets WORK (a scratch directory holding
# the request body as $WORK/body), CONTENT_TYPE, REQUESTS, CLIENTS and STREAMS.

PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null; done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

die() {
  echo "$(basename "$0"): $*" >&2
  exit 1
}

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# The "http://HOST:PORT" of a server's "listening on [http://]HOST:PORT" line, if printed yet.
listening_url() {
  local address
  # (the shell may not have created the log yet: no line then, and no message)
  address=$(grep -soE 'listening on (http://)?[0-9.]+:[0-9]+' "$1" | head -n 1 | grep -oE '[0-9.]+:[0-9]+$')
  [ -n "$address" ] && echo "http://$address"
}

# start NAME COMMAND...: runs a server that prints "listening on HOST:PORT"; sets URL.
start() {
  local name=$1 log=$WORK/$1.log deadline=$((SECONDS + 30))
  shift
  "$@" >"$log" 2>&1 &
  PIDS+=($!)
  URL=""
  until [ -n "$URL" ]; do
    URL=$(listening_url "$log")
    [ -n "$URL" ] && break
    kill -0 "${PIDS[-1]}" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ] ||
      die "$name did not start: $(tail -n 3 "$log")"
    sleep 0.2
  done
  # Some servers print their line before the socket accepts: wait for it.
  local port=${URL##*:}
  until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do sleep 0.1; done
}

# load NAME URL [WARMUP]: prints "req/s p50 p90 p99 spread" (latencies in microseconds)
# of ROUNDS (default 3) runs of REQUESTS posts of $WORK/body to URL/invoke/Echo/echo,
# after WARMUP (2000) unmeasured ones: the run of median requests/s, and the spread
# of requests/s over the runs ((max - min) / median, in percent).
load() {
  local name=$1 url=$2/invoke/Echo/echo warmup=${3:-2000} out round
  [ "$warmup" -gt 0 ] && h2load -n "$warmup" -c "$CLIENTS" -m "$STREAMS" -t 1 -d "$WORK/body" \
    -H "content-type: $CONTENT_TYPE" "$url" >/dev/null 2>&1 # warm-up (JIT, connection pools)
  : >"$WORK/$name.runs"
  for ((round = 0; round < ${ROUNDS:-3}; round++)); do
    out=$(h2load -n "$REQUESTS" -c "$CLIENTS" -m "$STREAMS" -t 1 -d "$WORK/body" \
      -H "content-type: $CONTENT_TYPE" --log-file="$WORK/$name.latency" "$url" 2>&1)
    grep -q "status codes: $REQUESTS 2xx" <<<"$out" ||
      die "$name: not every request answered 2xx: $(grep -E 'requests:|status codes:' <<<"$out")"
    local rps
    rps=$(sed -nE 's/^finished in .*, ([0-9.]+) req\/s.*/\1/p' <<<"$out")
    cut -f3 "$WORK/$name.latency" | sort -n | awk -v rps="$rps" '
      { v[NR] = $1 }
      END { printf "%s %d %d %d\n", rps, v[int(NR * 0.50)], v[int(NR * 0.90)], v[int(NR * 0.99)] }' \
      >>"$WORK/$name.runs"
  done
  sort -n "$WORK/$name.runs" | awk '
    { r[NR] = $0; rps[NR] = $1 }
    END { m = int((NR + 1) / 2); printf "%s %.1f\n", r[m], (rps[NR] - rps[1]) * 100 / rps[m] }'
}

# figure WHAT OURS_RPS OURS_SPREAD PEER PEER_RPS PEER_SPREAD TARGET_RATIO: the ratio
# line and the "figure:" line (bench/report.sh) of OURS against PEER in requests/s.
figure() {
  awk -v what="$1" -v a="$2" -v as="$3" -v peer="$4" -v b="$5" -v bs="$6" -v t="$7" 'BEGIN {
    verdict = (a / b >= t ? "met" : "NOT met")
    printf "ratio %s: %.3fx requests/s (target >= %sx: %s)\n", what, a / b, t, verdict
    printf "figure: %s | %.0f req/s (spread %s%%) | %s %.0f req/s (spread %s%%) | %.3fx | >= %sx: %s\n",
      what, a, as, peer, b, bs, a / b, t, verdict
  }'
}

command -v h2load >/dev/null || die "h2load not found (Debian package nghttp2-client)"
