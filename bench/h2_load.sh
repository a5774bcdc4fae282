#!/usr/bin/env bash
# Load benchmark of an invocation endpoint with h2load (Debian nghttp2-client): POSTs a
# pre-encoded Start + InputCommand body to Echo/echo and reports requests/s and
# latency percentiles (from h2load's per-request log).
#   bench/h2_load.sh [URL]     URL of a running endpoint (e.g. http://127.0.0.1:9080);
#                              without it, build/tether-endpoint is started on a free port.
# Environment: REQUESTS (100000), CLIENTS (4), STREAMS per client (32), THREADS (1),
# INPUT (the echoed value), VERSION (protocol version of the content type, 8; a peer
# that stops at V5..V7, such as the TypeScript SDK, needs a lower one), BUILD (build dir holding tether-probe, tether-endpoint),
# LABEL (the name printed on the result line).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
REQUESTS=${REQUESTS:-100000}
CLIENTS=${CLIENTS:-4}
STREAMS=${STREAMS:-32}
THREADS=${THREADS:-1}
INPUT=${INPUT:-hello}
VERSION=${VERSION:-8}
URL=${1:-}
LABEL=${LABEL:-${URL:-tether-endpoint}}

work=$(mktemp -d)
endpoint_pid=""
cleanup() {
  [ -n "$endpoint_pid" ] && kill "$endpoint_pid" 2>/dev/null && wait "$endpoint_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

"$BUILD/tether-probe" body "$INPUT" >"$work/body"

if [ -z "$URL" ]; then
  "$BUILD/tether-endpoint" --port 0 >"$work/endpoint.out" &
  endpoint_pid=$!
  for _ in $(seq 100); do
    grep -q '^listening on' "$work/endpoint.out" 2>/dev/null && break
    sleep 0.05
  done
  URL="http://$(sed -n 's/^listening on //p' "$work/endpoint.out")"
fi

h2load -n "$REQUESTS" -c "$CLIENTS" -m "$STREAMS" -t "$THREADS" -d "$work/body" \
  -H "content-type: application/vnd.restate.invocation.v$VERSION" --log-file "$work/log" \
  "$URL/invoke/Echo/echo" >"$work/h2load.out"

rps=$(sed -n 's/^finished in .*, \([0-9.]*\) req\/s.*/\1/p' "$work/h2load.out")
# Log lines: start time (us), HTTP status, duration (us).
awk '{ print $3 }' "$work/log" | sort -n >"$work/durations"
count=$(wc -l <"$work/durations")
not_ok=$(awk '$2 != 200' "$work/log" | wc -l)
pct() { awk -v n="$count" -v q="$1" 'NR == (int(n * q) > 0 ? int(n * q) : 1) { printf "%.3f", $1 / 1000 }' "$work/durations"; }
printf '%-28s %10s req/s  latency ms: p50 %s  p90 %s  p99 %s  max %s  (%s requests, %s not 200)\n' \
  "$LABEL" "$rps" "$(pct 0.5)" "$(pct 0.9)" "$(pct 0.99)" "$(pct 1.0)" "$count" "$not_ok"
