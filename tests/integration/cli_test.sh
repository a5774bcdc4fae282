#!/usr/bin/env bash
# The two programs end to end: tether-endpoint on a free port, tether-probe against
# it (table and Prometheus file), and their usage errors.
#   cli_test.sh BUILD_DIR
set -euo pipefail
build=$1
work=$(mktemp -d)
"$build/tether-endpoint" --port 0 >"$work/endpoint.out" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 200); do
  grep -q '^listening on 127.0.0.1:[0-9]' "$work/endpoint.out" && break
  sleep 0.05
done
url="http://$(sed -n 's/^listening on //p' "$work/endpoint.out")"

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
