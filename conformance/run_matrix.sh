#!/usr/bin/env bash
# Runs tether-conformance against the C++ reference endpoint and every binding's
# reference endpoint that exists, then prints the matrix (case x language).
#
#   conformance/run_matrix.sh [LANGUAGE...]   languages: cpp python python-sdk go go-sdk node
#                                             node-sdk java java-sdk (default: all but java-sdk)
#
# The default is the columns that pass every case today; the others run by name
# (their open cases are listed in docs/conformance.md).
#
# python-sdk is not a reference endpoint but the official Python SDK (restate-sdk)
# behind tether's ASGI middleware (bindings/python/examples/sdk_service.py); go-sdk
# likewise the official Go SDK behind tethersdk.Wrap.
# node-sdk: the official TypeScript SDK behind tether's adapter
# (bindings/node/examples/sdk_service.mjs).
# java is the Java binding's Vert.x endpoint; java-sdk the official Java SDK
# (sdk-http-vertx) behind TetherRestate (one Vert.x loop runs HTTP/2, the SDK's state
# machine and, there, its handlers: a shared loop).
#
# Each endpoint is started on an ephemeral port, run through every case with its
# default limit (32 MiB), then restarted with --max-message-size 256 MiB for the large
# chunked case (5b), and stopped by pid on exit, failure included.
#
# An adapter column (X-sdk) also runs the same SDK service without tether (its stock
# mode, as tests/interop runs it) through case 8 first: the SDK keeps copies of its
# own output that no adapter can remove, so the adapter's case 8 is bounded by that
# growth plus one high watermark per call and the slack (--stock-growth; see
# docs/conformance.md, case 8). A language whose
# endpoint is not built or installed shows "n/a" (the Python column needs the binding
# in .cache/venv-python: `./run test python` installs it; the go and go-sdk columns
# need .cache/go/bin from `./run test go`: go is the binding's reference endpoint,
# go-sdk the official Go SDK behind tether's adapter; the node columns need
# bindings/node built: `./run test node`; the java columns bindings/java built:
# `./run test java`).
#
# Environment: TETHER_BUILD_DIR (default build), TETHER_PYTHON (default
# .cache/venv-python/bin/python), TETHER_GO_BIN (default .cache/go/bin). Exits non-zero
# when a cell is FAIL or ERR.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${TETHER_BUILD_DIR:-$ROOT/build}
RUNNER=$BUILD/tether-conformance
PYTHON=${TETHER_PYTHON:-$ROOT/.cache/venv-python/bin/python}
LARGE_LIMIT=$((256 * 1024 * 1024))
GO_BIN=${TETHER_GO_BIN:-$ROOT/.cache/go/bin}
NODE_BINDING=$ROOT/bindings/node
LANGUAGES=(cpp python python-sdk node node-sdk go go-sdk java)
JAVA_EXAMPLES=$ROOT/bindings/java/examples/target

WORK=$(mktemp -d "${TMPDIR:-/tmp}/tether-conformance.XXXXXX")
ENDPOINT_PID=""
cleanup() {
  [ -n "$ENDPOINT_PID" ] && kill "$ENDPOINT_PID" 2>/dev/null && wait "$ENDPOINT_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# endpoint_command LANGUAGE: sets CMD (the endpoint, listening on an ephemeral port)
# and LOOP (separate: HTTP/2 runs apart from the dispatch loop; shared: one loop;
# apart: the dispatch loop never runs a handler).
# Returns 1 with the reason on stdout when that endpoint is not available.
endpoint_command() {
  case $1 in
    cpp)
      [ -x "$BUILD/tether-endpoint" ] || { echo "$BUILD/tether-endpoint is not built"; return 1; }
      CMD=("$BUILD/tether-endpoint" --port 0)
      LOOP=separate
      ;;
    python)
      if ! [ -x "$PYTHON" ] || ! "$PYTHON" -c 'import tether, hypercorn' 2>/dev/null; then
        echo "the Python binding is not installed in $PYTHON (./run test python)"
        return 1
      fi
      CMD=("$PYTHON" "$ROOT/bindings/python/examples/endpoint.py" --port 0)
      LOOP=shared
      ;;
    python-sdk)
      if ! [ -x "$PYTHON" ] || ! "$PYTHON" -c 'import tether.asgi, restate, hypercorn' 2>/dev/null; then
        echo "the Python binding or restate-sdk is not installed in $PYTHON (./run test python)"
        return 1
      fi
      CMD=("$PYTHON" "$ROOT/bindings/python/examples/sdk_service.py" --port 0)
      LOOP=shared
      ;;
    go)
      [ -x "$GO_BIN/endpoint" ] || { echo "$GO_BIN/endpoint is not built (./run test go)"; return 1; }
      CMD=("$GO_BIN/endpoint" --port 0)
      LOOP=separate
      ;;
    go-sdk)
      [ -x "$GO_BIN/sdk-echo" ] || { echo "$GO_BIN/sdk-echo is not built (./run test go)"; return 1; }
      CMD=("$GO_BIN/sdk-echo" --port 0)
      LOOP=apart # sdk-go runs each handler on a goroutine apart from its input loop
      ;;
    node | node-sdk)
      if ! [ -f "$NODE_BINDING/build/Release/tether.node" ]; then
        echo "the Node binding is not built in $NODE_BINDING (./run test node)"
        return 1
      fi
      CMD=(node "$NODE_BINDING/examples/endpoint.mjs" --port 0)
      [ "$1" = node-sdk ] && CMD=(node "$NODE_BINDING/examples/sdk_service.mjs" --port 0)
      LOOP=shared
      ;;
    java | java-sdk)
      local jar=$JAVA_EXAMPLES/tether-examples-0.1.0.jar
      if ! [ -f "$jar" ] || ! [ -f "$JAVA_EXAMPLES/classpath.txt" ] || ! command -v java >/dev/null; then
        echo "the Java examples are not built in $JAVA_EXAMPLES (./run test java)"
        return 1
      fi
      if [ "$1" = java ]; then
        CMD=(java -cp "$jar:$(cat "$JAVA_EXAMPLES/classpath.txt")" dev.tether.examples.EchoEndpoint --port 0)
        LOOP=separate
      else
        CMD=(java -cp "$jar:$(cat "$JAVA_EXAMPLES/classpath.txt")" dev.tether.examples.SdkEchoService --tether --port 0)
        LOOP=shared
      fi
      ;;
    *)
      echo "no reference endpoint for $1"
      return 1
      ;;
  esac
}

# stock_command LANGUAGE: sets CMD to the SDK service of an adapter column without
# tether (the stock mode tests/interop checks); returns 1 for a column that is no adapter.
stock_command() {
  endpoint_command "$1" >/dev/null || return 1
  case $1 in
    python-sdk) CMD=("${CMD[@]}" --stock) ;;
    node-sdk) CMD=("${CMD[@]}" --stock) ;;
    go-sdk) CMD=("$GO_BIN/sdk-echo" --tether=false --port 0) ;;
    java-sdk)
      local jar=$JAVA_EXAMPLES/tether-examples-0.1.0.jar
      CMD=(java -cp "$jar:$(cat "$JAVA_EXAMPLES/classpath.txt")" dev.tether.examples.SdkEchoService --port 0)
      ;;
    *) return 1 ;;
  esac
}

# stock_growth LANGUAGE: prints the RSS growth (bytes) of the stock SDK on case 8,
# nothing when LANGUAGE is no adapter column or the growth was not measured.
stock_growth() {
  local lang=$1 growth
  stock_command "$lang" || return 0
  echo "== $lang without tether, case 8 only: ${CMD[*]} (loop $LOOP)" >&2
  start_endpoint "$WORK/$lang-stock.log" >&2 || return 0
  "$RUNNER" "$URL" --loop "$LOOP" --pid "$ENDPOINT_PID" --case 8 --json "$WORK/$lang-stock.json" >&2
  stop_endpoint
  growth=$(verdicts "$WORK/$lang-stock.json" | awk '$1 == 8 { print $4 }')
  if [ -z "$growth" ]; then
    echo "== $lang: the stock SDK's growth on case 8 was not measured; the reference bound applies" >&2
  fi
  echo "$growth"
}

# start_endpoint LOG ARGS...: runs CMD plus ARGS; waits for "listening on [http://]HOST:PORT".
start_endpoint() {
  local log=$1
  shift
  "${CMD[@]}" "$@" >"$log" 2>&1 &
  ENDPOINT_PID=$!
  URL=""
  local deadline=$((SECONDS + 30))
  until [ -n "$URL" ]; do
    URL=$(sed -nE 's#^listening on (http://)?([0-9.]+:[0-9]+).*#http://\2#p' "$log" | head -n 1)
    [ -n "$URL" ] && break
    if ! kill -0 "$ENDPOINT_PID" 2>/dev/null || [ "$SECONDS" -ge "$deadline" ]; then
      echo "the endpoint did not start:" && tail -n 5 "$log" | sed 's/^/  /'
      stop_endpoint
      return 1
    fi
    sleep 0.2
  done
}

stop_endpoint() {
  [ -n "$ENDPOINT_PID" ] || return 0
  kill "$ENDPOINT_PID" 2>/dev/null
  wait "$ENDPOINT_PID" 2>/dev/null
  ENDPOINT_PID=""
}

# run_language LANGUAGE: writes $WORK/LANGUAGE.json (every case) and
# $WORK/LANGUAGE-large.json (case 5b under the larger limit); an adapter column's
# case 8 is bounded by its stock SDK's growth, measured first.
run_language() {
  local lang=$1 growth bound=()
  growth=$(stock_growth "$lang")
  endpoint_command "$lang" >/dev/null
  [ -n "$growth" ] && bound=(--stock-growth "$growth")
  echo "== $lang: ${CMD[*]} (loop $LOOP)"
  start_endpoint "$WORK/$lang.log" || return 1
  "$RUNNER" "$URL" --loop "$LOOP" --pid "$ENDPOINT_PID" "${bound[@]}" --json "$WORK/$lang.json"
  stop_endpoint
  start_endpoint "$WORK/$lang-large.log" --max-message-size "$LARGE_LIMIT" || return 1
  "$RUNNER" "$URL" --loop "$LOOP" --pid "$ENDPOINT_PID" --case 5b \
    --max-message-size "$LARGE_LIMIT" --json "$WORK/$lang-large.json"
  stop_endpoint
  return 0
}

# verdicts FILE: "NUMBER ID VERDICT" per case (the runner reads its own JSON report).
verdicts() { [ -f "$1" ] && "$RUNNER" --verdicts "$1"; }

[ -x "$RUNNER" ] || { echo "$RUNNER is not built (./run build)" >&2; exit 2; }
[ $# -gt 0 ] && LANGUAGES=("$@")

declare -A CELL # "LANGUAGE NUMBER" -> verdict
ROWS=()         # "NUMBER ID" in case order
NOTES=()
while read -r number id _; do ROWS+=("$number $id"); done < <("$RUNNER" --list)

for lang in "${LANGUAGES[@]}"; do
  if ! why=$(endpoint_command "$lang"); then
    NOTES+=("$lang: n/a, $why")
    continue
  fi
  endpoint_command "$lang" >/dev/null
  run_language "$lang"
  for file in "$WORK/$lang.json" "$WORK/$lang-large.json"; do
    while read -r number _ verdict _; do
      # The large case counts only from the run under the larger limit.
      [ "$number" = 5b ] && [ "$file" = "$WORK/$lang.json" ] && continue
      CELL["$lang $number"]=$verdict
    done < <(verdicts "$file")
  done
done

echo
echo "== conformance matrix"
printf '%-18s' case
for lang in "${LANGUAGES[@]}"; do printf ' %-10s' "$lang"; done
echo
passed=0 failed=0
for row in "${ROWS[@]}"; do
  number=${row%% *}
  printf '%-18s' "$row"
  for lang in "${LANGUAGES[@]}"; do
    cell=n/a
    if endpoint_command "$lang" >/dev/null; then cell=${CELL["$lang $number"]:-ERR}; fi
    case $cell in
      PASS) passed=$((passed + 1)) ;;
      FAIL | ERR) failed=$((failed + 1)) ;;
    esac
    printf ' %-10s' "$cell"
  done
  echo
done
for note in "${NOTES[@]}"; do echo "$note"; done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
