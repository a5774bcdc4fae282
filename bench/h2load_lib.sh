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
  address=$(grep -oE 'listening on (http://)?[0-9.]+:[0-9]+' "$1" | head -n 1 | grep -oE '[0-9.]+:[0-9]+$')
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

# load NAME URL [WARMUP]: prints "req/s p50 p90 p99" (latencies in microseconds) of
# REQUESTS posts of $WORK/body to URL/invoke/Echo/echo, after WARMUP (2000) unmeasured ones.
load() {
  local name=$1 url=$2/invoke/Echo/echo warmup=${3:-2000} out
  [ "$warmup" -gt 0 ] && h2load -n "$warmup" -c "$CLIENTS" -m "$STREAMS" -t 1 -d "$WORK/body" \
    -H "content-type: $CONTENT_TYPE" "$url" >/dev/null 2>&1 # warm-up (JIT, connection pools)
  out=$(h2load -n "$REQUESTS" -c "$CLIENTS" -m "$STREAMS" -t 1 -d "$WORK/body" \
    -H "content-type: $CONTENT_TYPE" --log-file="$WORK/$name.latency" "$url" 2>&1)
  grep -q "status codes: $REQUESTS 2xx" <<<"$out" ||
    die "$name: not every request answered 2xx: $(grep -E 'requests:|status codes:' <<<"$out")"
  local rps
  rps=$(sed -nE 's/^finished in .*, ([0-9.]+) req\/s.*/\1/p' <<<"$out")
  cut -f3 "$WORK/$name.latency" | sort -n | awk -v rps="$rps" '
    { v[NR] = $1 }
    END { printf "%s %d %d %d\n", rps, v[int(NR * 0.50)], v[int(NR * 0.90)], v[int(NR * 0.99)] }'
}

command -v h2load >/dev/null || die "h2load not found (Debian package nghttp2-client)"
