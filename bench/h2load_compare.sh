#!/usr/bin/env bash
# The same h2load load against tether-endpoint, nghttpd and the Restate TypeScript SDK
# (bench/ts_sdk), one after the other in one run: requests/s, latency percentiles and
# the ratios. The body is a pre-encoded V5 Start + InputCommand("hello") posted to
# /invoke/Echo/echo; each endpoint's answer is decoded once first (200, Output + End).
# nghttpd (Debian nghttp2-server) serves tether-endpoint's own answer to that request
# as a static file: the HTTP/2 layer's ceiling for the same bytes on this machine.
#
# With the argument go-sdk it compares the official Go SDK behind tether's adapter with
# the same SDK without it (bindings/go/examples/sdk-echo, built into TETHER_GO_BIN by
# ./run test go): the adapter's cost, target at most 10% fewer requests/s.
#
# With node-sdk: the official TypeScript SDK behind tether's adapter against the same
# service without it (bindings/node/examples/sdk_service.mjs, after ./run test node),
# target at most 10% fewer requests/s, and the Node reference endpoint beside them.
#
# With java-sdk: the official Java SDK (sdk-http-vertx) behind TetherRestate against the
# same service without it (bindings/java/examples SdkEchoService, after ./run test java),
# target at most 10% fewer requests/s.
#
# With sweep: tether-endpoint and nghttpd static at each load of SWEEP (connections x
# streams per connection), one "sweep: C M TETHER_RPS NGHTTPD_RPS" line each (the plot
# of docs/performance.md, bench/plot.sh h2load_sweep).
#
# Each load is measured ROUNDS times (median requests/s and the spread).
#
#   bench/h2load_compare.sh [go-sdk|node-sdk|java-sdk|sweep]  env: REQUESTS (20000) CLIENTS (8) STREAMS (8, per client)
#                     ROUNDS (3) SWEEP ("1x1 1x8 4x8 8x8 8x32") TETHER_BUILD_DIR (build) TETHER_GO_BIN (.cache/go/bin)
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TS=$ROOT/bench/ts_sdk
BUILD=$(cd "$ROOT" && realpath -m "${TETHER_BUILD_DIR:-build}")
REQUESTS=${REQUESTS:-20000}
CLIENTS=${CLIENTS:-8}
STREAMS=${STREAMS:-8}
CONTENT_TYPE=application/vnd.restate.invocation.v5

WORK=$(mktemp -d)
# shellcheck source=bench/h2load_lib.sh
source "$ROOT/bench/h2load_lib.sh"

GO_BIN=${TETHER_GO_BIN:-$ROOT/.cache/go/bin}
MODE=${1:-ts-sdk}
case $MODE in
  ts-sdk | sweep) [ -x "$BUILD/tether-endpoint" ] || die "$BUILD/tether-endpoint is not built (./run build)" ;;
  go-sdk) [ -x "$GO_BIN/sdk-echo" ] || die "$GO_BIN/sdk-echo is not built (./run test go)" ;;
  node-sdk) [ -f "$ROOT/bindings/node/build/Release/tether.node" ] || die "the Node binding is not built (./run test node)" ;;
  java-sdk) [ -f "$ROOT/bindings/java/examples/target/classpath.txt" ] || die "bindings/java is not built (./run test java)" ;;
  *) die "unknown comparison $MODE (ts-sdk, go-sdk, node-sdk, java-sdk, sweep)" ;;
esac
if [ ! -d "$TS/node_modules/@restatedev/restate-sdk" ]; then
  (cd "$TS" && npm ci --no-audit --no-fund --loglevel=error) >&2 || die "npm ci in $TS failed"
fi
node "$TS/make_body.mjs" "$WORK/body" hello || die "could not write the request body"

row() { printf '%-16s %12s %10s %10s %10s %8s\n' "$@"; }
# table A B: prints the two endpoints' figures (A_RPS... and B_RPS... set by the caller).
table() {
  row endpoint req/s p50_us p90_us p99_us spread%
  row "$1" "$A_RPS" "$A_P50" "$A_P90" "$A_P99" "$A_SPREAD"
  row "$2" "$B_RPS" "$B_P50" "$B_P90" "$B_P99" "$B_SPREAD"
}

if [ "$MODE" = go-sdk ]; then
  start go-sdk-tether "$GO_BIN/sdk-echo" --port 0
  A_URL=$URL
  start go-sdk "$GO_BIN/sdk-echo" --tether=false --port 0
  B_URL=$URL
  node "$TS/check.mjs" "$A_URL" || die "the Go SDK behind tether gave a wrong answer"
  node "$TS/check.mjs" "$B_URL" || die "the Go SDK gave a wrong answer"
  echo "h2load: $REQUESTS requests, $CLIENTS connections x $STREAMS streams, 1 thread; body $(stat -c %s "$WORK/body") bytes ($CONTENT_TYPE)"
  read -r A_RPS A_P50 A_P90 A_P99 A_SPREAD < <(load go-sdk-tether "$A_URL") || exit 1
  read -r B_RPS B_P50 B_P90 B_P99 B_SPREAD < <(load go-sdk "$B_URL") || exit 1
  table go-sdk+tether go-sdk
  figure "go-sdk+tether/go-sdk" "$A_RPS" "$A_SPREAD" go-sdk "$B_RPS" "$B_SPREAD" 0.9
  exit 0
fi

if [ "$MODE" = java-sdk ]; then
  JAVA_TARGET=$ROOT/bindings/java/examples/target
  JAVA_CP="$JAVA_TARGET/tether-examples-0.1.0.jar:$(cat "$JAVA_TARGET/classpath.txt")"
  start java-sdk-tether java -cp "$JAVA_CP" dev.tether.examples.SdkEchoService --tether --port 0
  A_URL=$URL
  start java-sdk java -cp "$JAVA_CP" dev.tether.examples.SdkEchoService --port 0
  B_URL=$URL
  node "$TS/check.mjs" "$A_URL" || die "the Java SDK behind tether gave a wrong answer"
  node "$TS/check.mjs" "$B_URL" || die "the Java SDK gave a wrong answer"
  echo "h2load: $REQUESTS requests, $CLIENTS connections x $STREAMS streams, 1 thread; body $(stat -c %s "$WORK/body") bytes ($CONTENT_TYPE)"
  read -r A_RPS A_P50 A_P90 A_P99 A_SPREAD < <(load java-sdk-tether "$A_URL" 5000) || exit 1 # (JIT warm-up)
  read -r B_RPS B_P50 B_P90 B_P99 B_SPREAD < <(load java-sdk "$B_URL" 5000) || exit 1
  table java-sdk+tether java-sdk
  figure "java-sdk+tether/java-sdk" "$A_RPS" "$A_SPREAD" java-sdk "$B_RPS" "$B_SPREAD" 0.9
  exit 0
fi

if [ "$MODE" = node-sdk ]; then
  NODE=$ROOT/bindings/node
  # The SDK logs two INFO lines per invocation by default; tether logs none.
  RESTATE_LOGGING=ERROR start node-sdk-tether node "$NODE/examples/sdk_service.mjs" --port 0
  A_URL=$URL
  RESTATE_LOGGING=ERROR start node-sdk node "$NODE/examples/sdk_service.mjs" --port 0 --stock
  B_URL=$URL
  start node-endpoint node "$NODE/examples/endpoint.mjs" --port 0
  N_URL=$URL
  for u in "$A_URL" "$B_URL" "$N_URL"; do node "$TS/check.mjs" "$u" || die "$u gave a wrong answer"; done
  echo "h2load: $REQUESTS requests, $CLIENTS connections x $STREAMS streams, 1 thread; body $(stat -c %s "$WORK/body") bytes ($CONTENT_TYPE)"
  read -r A_RPS A_P50 A_P90 A_P99 A_SPREAD < <(load node-sdk-tether "$A_URL") || exit 1
  read -r B_RPS B_P50 B_P90 B_P99 B_SPREAD < <(load node-sdk "$B_URL") || exit 1
  read -r N_RPS N_P50 N_P90 N_P99 N_SPREAD < <(load node-endpoint "$N_URL") || exit 1
  table node-sdk+tether node-sdk
  row node-endpoint "$N_RPS" "$N_P50" "$N_P90" "$N_P99" "$N_SPREAD"
  figure "node-sdk+tether/node-sdk" "$A_RPS" "$A_SPREAD" node-sdk "$B_RPS" "$B_SPREAD" 0.9
  awk -v n="$N_RPS" -v b="$B_RPS" 'BEGIN { printf "ratio node-endpoint/node-sdk: %.2fx requests/s\n", n / b }'
  exit 0
fi

start tether "$BUILD/tether-endpoint" --port 0
TETHER_URL=$URL
node "$TS/check.mjs" "$TETHER_URL" || die "tether-endpoint gave a wrong answer"
command -v nghttpd >/dev/null || die "nghttpd not found (Debian package nghttp2-server)"
mkdir -p "$WORK/static/invoke/Echo"
nghttp -d "$WORK/body" -H "content-type: $CONTENT_TYPE" "$TETHER_URL/invoke/Echo/echo" \
  >"$WORK/static/invoke/Echo/echo" || die "could not fetch tether-endpoint's answer"
NGHTTPD_PORT=$(free_port)
nghttpd --no-tls -d "$WORK/static" "$NGHTTPD_PORT" >"$WORK/nghttpd.log" 2>&1 &
PIDS+=($!)
until (exec 3<>"/dev/tcp/127.0.0.1/$NGHTTPD_PORT") 2>/dev/null; do
  kill -0 "${PIDS[-1]}" 2>/dev/null || die "nghttpd did not start: $(tail -n 3 "$WORK/nghttpd.log")"
  sleep 0.1
done

if [ "$MODE" = sweep ]; then
  echo "h2load: $REQUESTS requests per load, 1 thread, median of ${ROUNDS:-3} runs; body $(stat -c %s "$WORK/body") bytes"
  row load tether_req/s spread% nghttpd_req/s spread% ratio
  for point in ${SWEEP:-1x1 1x8 4x8 8x8 8x32}; do
    CLIENTS=${point%x*} STREAMS=${point#*x}
    read -r T_RPS _ _ _ T_SPREAD < <(load tether "$TETHER_URL") || exit 1
    read -r N_RPS _ _ _ N_SPREAD < <(load nghttpd "http://127.0.0.1:$NGHTTPD_PORT") || exit 1
    row "$point" "$T_RPS" "$T_SPREAD" "$N_RPS" "$N_SPREAD" "$(awk -v t="$T_RPS" -v n="$N_RPS" 'BEGIN { printf "%.2fx", t / n }')"
    echo "sweep: $CLIENTS $STREAMS $T_RPS $N_RPS"
  done
  exit 0
fi

# The SDK logs two INFO lines per invocation by default; tether logs none.
RESTATE_LOGGING=ERROR start ts-sdk node "$TS/echo_service.mjs" "$(free_port)"
TS_URL=$URL
node "$TS/check.mjs" "$TS_URL" || die "the TypeScript SDK gave a wrong answer"

echo "h2load: $REQUESTS requests, $CLIENTS connections x $STREAMS streams, 1 thread, median of ${ROUNDS:-3} runs; body $(stat -c %s "$WORK/body") bytes ($CONTENT_TYPE)"
read -r T_RPS T_P50 T_P90 T_P99 T_SPREAD < <(load tether "$TETHER_URL") || exit 1
read -r S_RPS S_P50 S_P90 S_P99 S_SPREAD < <(load ts-sdk "$TS_URL") || exit 1
read -r N_RPS N_P50 N_P90 N_P99 N_SPREAD < <(load nghttpd "http://127.0.0.1:$NGHTTPD_PORT") || exit 1
row endpoint req/s p50_us p90_us p99_us spread%
row tether-endpoint "$T_RPS" "$T_P50" "$T_P90" "$T_P99" "$T_SPREAD"
row nghttpd-static "$N_RPS" "$N_P50" "$N_P90" "$N_P99" "$N_SPREAD"
row ts-sdk "$S_RPS" "$S_P50" "$S_P90" "$S_P99" "$S_SPREAD"
figure "tether-endpoint/nghttpd static" "$T_RPS" "$T_SPREAD" "nghttpd static" "$N_RPS" "$N_SPREAD" 0.5
figure "tether-endpoint/TypeScript SDK" "$T_RPS" "$T_SPREAD" "TypeScript SDK" "$S_RPS" "$S_SPREAD" 20
awk -v tp="$T_P50" -v sp="$S_P50" 'BEGIN {
  printf "p50 latency: tether-endpoint %.2fx lower than the TypeScript SDK\n", sp / (tp > 0 ? tp : 1)
}'
