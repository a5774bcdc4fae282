#!/usr/bin/env bash
# Every program's command line (CLI11): --help and --version answer on stdout with
# status 0; an unknown option, a bad value or a missing argument is refused with the
# reason and the usage on stderr, status 2.
#   cli_options_test.sh BUILD_DIR
set -uo pipefail
build=$1
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
failed=0
version=$(sed -n 's/^project(tether VERSION \([0-9.]*\).*/\1/p' "$(dirname "$0")/../../CMakeLists.txt")

# check WANT_STATUS STREAM PATTERN COMMAND...: exit status and a line matching PATTERN
# on STREAM (out or err); the other stream must stay empty.
check() {
  local want=$1 stream=$2 pattern=$3 rc=0
  shift 3
  "$@" >"$out" 2>"$err" || rc=$?
  local file=$out other=$err
  [ "$stream" = err ] && file=$err other=$out
  if [ "$rc" -ne "$want" ] || ! grep -qE -- "$pattern" "$file" || [ -s "$other" ]; then
    echo "FAIL: $* -> exit $rc (want $want), want /$pattern/ on std$stream"
    sed 's/^/  out: /' "$out" | head -n 5
    sed 's/^/  err: /' "$err" | head -n 5
    failed=1
  fi
}

for program in tether-probe tether-endpoint tether-conformance; do
  check 0 out "^Usage: $program" "$build/$program" --help
  check 0 out "^$program $version\$" "$build/$program" --version
  args=(--bogus)
  [ "$program" = tether-endpoint ] && args=(--port 0 --bogus)  # --port is required
  check 2 err "^$program: .*--bogus" "$build/$program" "${args[@]}"
  grep -q "^Usage: $program" "$err" || { echo "FAIL: $program --bogus prints no usage"; failed=1; }
done

check 0 out '^Usage: .*demo' "$build/tether-probe" demo --help
check 2 err '^tether-probe: .*--svg' "$build/tether-probe" demo --svg
check 2 err '^tether-probe: missing URL or command' "$build/tether-probe"
check 2 err '^tether-probe: .*--streams' "$build/tether-probe" http://127.0.0.1:1 --streams 0
check 2 err '^tether-probe: .*--streams' "$build/tether-probe" http://127.0.0.1:1 --streams -3
check 2 err '^tether-probe: .*--protocol-version' "$build/tether-probe" http://127.0.0.1:1 \
  --protocol-version 9
check 2 err '^tether-endpoint: .*--port' "$build/tether-endpoint"
check 2 err '^tether-endpoint: .*--port' "$build/tether-endpoint" --port 70000
check 2 err '^tether-endpoint: .*--port' "$build/tether-endpoint" --port -1
check 2 err '^tether-endpoint: .*--dispatch-threads' "$build/tether-endpoint" --port 0 \
  --dispatch-threads 0
check 2 err '^tether-endpoint: --extensions: .*token' "$build/tether-endpoint" --port 0 \
  --extensions 'ping/1; q=1'
check 2 err '^tether-conformance: the endpoint.s URL is required' "$build/tether-conformance"
check 2 err '^tether-conformance: .*--loop' "$build/tether-conformance" http://127.0.0.1:1 \
  --loop both
[ "$failed" -eq 0 ] && echo "cli options: ok"
exit "$failed"
