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
#   bench/h2load_compare.sh [go-sdk|node-sdk|java-sdk]  env: REQUESTS (20000) CLIENTS (8) STREAMS (8, per client)
#                                       TETHER_BUILD_DIR (build) TETHER_GO_BIN (.cache/go/bin)
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
  ts-sdk) [ -x "$BUILD/tether-endpoint" ] || die "$BUILD/tether-endpoint is not built (./run build)" ;;
  go-sdk) [ -x "$GO_BIN/sdk-echo" ] || die "$GO_BIN/sdk-echo is not built (./run test go)" ;;
  node-sdk) [ -f "$ROOT/bindings/node/build/Release/tether.node" ] || die "the Node binding is not built (./run test node)" ;;
  java-sdk) [ -f "$ROOT/bindings/java/examples/target/classpath.txt" ] || die "bindings/java is not built (./run test java)" ;;
  *) die "unknown comparison $MODE (ts-sdk, go-sdk, node-sdk, java-sdk)" ;;
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
  read -r A_RPS A_P50 A_P90 A_P99 < <(load java-sdk-tether "$A_URL" 5000) || exit 1 # (JIT warm-up)
  read -r B_RPS B_P50 B_P90 B_P99 < <(load java-sdk "$B_URL" 5000) || exit 1
  table java-sdk+tether java-sdk
  awk -v a="$A_RPS" -v b="$B_RPS" 'BEGIN {
    printf "ratio java-sdk+tether/java-sdk: %.3fx requests/s (target >= 0.90: %s)\n", a / b, (a / b >= 0.9 ? "met" : "NOT met")
  }'
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
  read -r A_RPS A_P50 A_P90 A_P99 < <(load node-sdk-tether "$A_URL") || exit 1
  read -r B_RPS B_P50 B_P90 B_P99 < <(load node-sdk "$B_URL") || exit 1
  read -r N_RPS N_P50 N_P90 N_P99 < <(load node-endpoint "$N_URL") || exit 1
  table node-sdk+tether node-sdk
  printf '%-16s %12s %10s %10s %10s\n' node-endpoint "$N_RPS" "$N_P50" "$N_P90" "$N_P99"
  awk -v a="$A_RPS" -v b="$B_RPS" -v n="$N_RPS" 'BEGIN {
    printf "ratio node-sdk+tether/node-sdk: %.3fx requests/s (target >= 0.90: %s)\n", a / b, (a / b >= 0.9 ? "met" : "NOT met")
    printf "ratio node-endpoint/node-sdk: %.2fx requests/s\n", n / b
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

echo "h2load: $REQUESTS requests, $CLIENTS connections x $STREAMS streams, 1 thread; body $(stat -c %s "$WORK/body") bytes ($CONTENT_TYPE)"
read -r T_RPS T_P50 T_P90 T_P99 < <(load tether "$TETHER_URL") || exit 1
read -r S_RPS S_P50 S_P90 S_P99 < <(load ts-sdk "$TS_URL") || exit 1
read -r N_RPS N_P50 N_P90 N_P99 < <(load nghttpd "http://127.0.0.1:$NGHTTPD_PORT") || exit 1
printf '%-16s %12s %10s %10s %10s\n' endpoint req/s p50_us p90_us p99_us
printf '%-16s %12s %10s %10s %10s\n' tether-endpoint "$T_RPS" "$T_P50" "$T_P90" "$T_P99"
printf '%-16s %12s %10s %10s %10s\n' nghttpd-static "$N_RPS" "$N_P50" "$N_P90" "$N_P99"
printf '%-16s %12s %10s %10s %10s\n' ts-sdk "$S_RPS" "$S_P50" "$S_P90" "$S_P99"
awk -v t="$T_RPS" -v s="$S_RPS" -v n="$N_RPS" -v tp="$T_P50" -v sp="$S_P50" 'BEGIN {
  ratio = t / s
  printf "ratio tether/nghttpd-static: %.2fx requests/s (target >= 0.5x: %s)\n",
    t / n, (t / n >= 0.5 ? "met" : "NOT met")
  printf "ratio tether/ts-sdk: %.2fx requests/s, %.2fx lower p50 latency (target >= 20x: %s)\n",
    ratio, sp / (tp > 0 ? tp : 1), (ratio >= 20 ? "met" : "NOT met")
}'
