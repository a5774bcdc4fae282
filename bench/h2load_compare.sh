#!/usr/bin/env bash
# The same h2load load against tether-endpoint and the Restate TypeScript SDK
# (bench/ts_sdk), one after the other in one run: requests/s, latency percentiles and
# the ratio. The body is a pre-encoded V5 Start + InputCommand("hello") posted to
# /invoke/Echo/echo; each endpoint's answer is decoded once first (200, Output + End).
#
# With the argument go-sdk it compares the official Go SDK behind tether's adapter with
# the same SDK without it (bindings/go/examples/sdk-echo, built into TETHER_GO_BIN by
# ./run test go): the adapter's cost, target at most 10% fewer requests/s.
#
#   bench/h2load_compare.sh [go-sdk]  env: REQUESTS (20000) CLIENTS (8) STREAMS (8, per client)
#                                       TETHER_BUILD_DIR (build) TETHER_GO_BIN (.cache/go/bin)
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TS=$ROOT/bench/ts_sdk
BUILD=$(cd "$ROOT" && realpath -m "${TETHER_BUILD_DIR:-build}")
REQUESTS=${REQUESTS:-20000}
CLIENTS=${CLIENTS:-8}
STREAMS=${STREAMS:-8}
CONTENT_TYPE=application/vnd.restate.invocation.v5

PIDS=()
WORK=$(mktemp -d)
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null; done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

die() {
  echo "h2load_compare: $*" >&2
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
  # The TypeScript SDK prints its line before the socket accepts: wait for it.
  local port=${URL##*:}
  until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do sleep 0.1; done
}

# load NAME URL: prints "req/s p50 p90 p99" (latencies in microseconds).
load() {
  local name=$1 url=$2/invoke/Echo/echo out
  h2load -n 2000 -c "$CLIENTS" -m "$STREAMS" -t 1 -d "$WORK/body" -H "content-type: $CONTENT_TYPE" \
    "$url" >/dev/null 2>&1 # warm-up (JIT, connection pools)
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
GO_BIN=${TETHER_GO_BIN:-$ROOT/.cache/go/bin}
MODE=${1:-ts-sdk}
case $MODE in
  ts-sdk) [ -x "$BUILD/tether-endpoint" ] || die "$BUILD/tether-endpoint is not built (./run build)" ;;
  go-sdk) [ -x "$GO_BIN/sdk-echo" ] || die "$GO_BIN/sdk-echo is not built (./run test go)" ;;
  *) die "unknown comparison $MODE (ts-sdk, go-sdk)" ;;
esac
if [ ! -d "$TS/node_modules/@restatedev/restate-sdk" ]; then
  (cd "$TS" && npm ci --no-audit --no-fund --loglevel=error) >&2 || die "npm ci in $TS failed"
fi
node "$TS/make_body.mjs" "$WORK/body" hello || die "could not write the request body"

# table A B: prints the two endpoints' figures (A_RPS... and B_RPS... set by the caller).
table() {
  printf '%-16s %12s %10s %10s %10s\n' endpoint req/s p50_us p90_us p99_us
  printf '%-16s %12s %10s %10s %10s\n' "$1" "$A_RPS" "$A_P50" "$A_P90" "$A_P99"
  printf '%-16s %12s %10s %10s %10s\n' "$2" "$B_RPS" "$B_P50" "$B_P90" "$B_P99"
}

if [ "$MODE" = go-sdk ]; then
  start go-sdk-tether "$GO_BIN/sdk-echo" --port 0
  A_URL=$URL
  start go-sdk "$GO_BIN/sdk-echo" --tether=false --port 0
  B_URL=$URL
  node "$TS/check.mjs" "$A_URL" || die "the Go SDK behind tether gave a wrong answer"
  node "$TS/check.mjs" "$B_URL" || die "the Go SDK gave a wrong answer"
  echo "h2load: $REQUESTS requests, $CLIENTS connections x $STREAMS streams, 1 thread; body $(stat -c %s "$WORK/body") bytes ($CONTENT_TYPE)"
  read -r A_RPS A_P50 A_P90 A_P99 < <(load go-sdk-tether "$A_URL") || exit 1
  read -r B_RPS B_P50 B_P90 B_P99 < <(load go-sdk "$B_URL") || exit 1
  table go-sdk+tether go-sdk
  awk -v a="$A_RPS" -v b="$B_RPS" 'BEGIN {
    printf "ratio go-sdk+tether/go-sdk: %.3fx requests/s (target >= 0.90: %s)\n", a / b, (a / b >= 0.9 ? "met" : "NOT met")
  }'
  exit 0
fi

start tether "$BUILD/tether-endpoint" --port 0
TETHER_URL=$URL
# The SDK logs two INFO lines per invocation by default; tether logs none.
RESTATE_LOGGING=ERROR start ts-sdk node "$TS/echo_service.mjs" "$(free_port)"
TS_URL=$URL

node "$TS/check.mjs" "$TETHER_URL" || die "tether-endpoint gave a wrong answer"
node "$TS/check.mjs" "$TS_URL" || die "the TypeScript SDK gave a wrong answer"

echo "h2load: $REQUESTS requests, $CLIENTS connections x $STREAMS streams, 1 thread; body $(stat -c %s "$WORK/body") bytes ($CONTENT_TYPE)"
read -r T_RPS T_P50 T_P90 T_P99 < <(load tether "$TETHER_URL") || exit 1
read -r S_RPS S_P50 S_P90 S_P99 < <(load ts-sdk "$TS_URL") || exit 1
printf '%-16s %12s %10s %10s %10s\n' endpoint req/s p50_us p90_us p99_us
printf '%-16s %12s %10s %10s %10s\n' tether-endpoint "$T_RPS" "$T_P50" "$T_P90" "$T_P99"
printf '%-16s %12s %10s %10s %10s\n' ts-sdk "$S_RPS" "$S_P50" "$S_P90" "$S_P99"
awk -v t="$T_RPS" -v s="$S_RPS" -v tp="$T_P50" -v sp="$S_P50" 'BEGIN {
  ratio = t / s
  printf "ratio tether/ts-sdk: %.2fx requests/s, %.2fx lower p50 latency (target >= 3x: %s)\n",
    ratio, sp / (tp > 0 ? tp : 1), (ratio >= 3 ? "met" : "NOT met")
}'
