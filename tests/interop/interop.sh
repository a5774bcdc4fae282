#!/usr/bin/env bash
# Runs tether endpoints against a real Restate server (npm @restatedev/restate-server,
# the version pinned in package-lock.json): installs it into .cache/interop, starts it
# on loopback with a fresh base directory and its default ports (ingress 8080, admin
# 9070, fabric 5122), then for each endpoint (build/tether-endpoint, and every
# binding's reference endpoint that is built) registers it through the admin API,
# invokes it through the ingress and checks the answers. Everything it starts is
# stopped by pid on exit, failure included.
#
#   tests/interop/interop.sh [ENDPOINT...]   endpoints: cpp python python-sdk python-sdk-stock
#                                            go go-sdk go-sdk-stock node node-sdk
#                                            node-sdk-stock java java-sdk java-sdk-stock
#                                            (default: all found)
#
# python-sdk, go-sdk and node-sdk are the official Python, Go and TypeScript SDKs behind
# tether's adapters; python-sdk-stock is the Python service without it, checked for the
# failure tether fixes (an oversize output retried, never completed); go-sdk-stock and
# node-sdk-stock are checked likewise.
# java-sdk is the official Java SDK (sdk-http-vertx) behind TetherRestate; java-sdk-stock
# the same service without it, checked like python-sdk-stock.
#
# Environment: TETHER_BUILD_DIR (default build), INTEROP_CACHE (default .cache/interop),
# TETHER_GO_BIN (default .cache/go/bin).
# Prints one line per check and "N passed, M failed"; exits non-zero on any failure.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$ROOT/tests/interop
CACHE=${INTEROP_CACHE:-$ROOT/.cache/interop}
BUILD=$(cd "$ROOT" && realpath -m "${TETHER_BUILD_DIR:-build}")
ADMIN=http://127.0.0.1:9070
INGRESS=http://127.0.0.1:8080
LIMIT=33554432 # the endpoints' default output limit (32 MiB), named in the 413 message
MiB=1048576
# Invocation bodies are bytes: the SDKs check the ingress content type against their serde.
OCTETS="content-type: application/octet-stream"
GO_BIN=${TETHER_GO_BIN:-$ROOT/.cache/go/bin} # the Go endpoints, built by ./run test go

PIDS=()
WORK=""
PASSED=0
FAILED=0

cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null; done
  [ -n "$WORK" ] && rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

pass() { PASSED=$((PASSED + 1)); printf 'PASS %s\n' "$*"; }
fail() { FAILED=$((FAILED + 1)); printf 'FAIL %s\n' "$*"; }
note() { printf '  %s\n' "$*"; }

install_server() {
  local arch
  case "$(uname -m)" in
    x86_64) arch=x64 ;;
    aarch64) arch=arm64 ;;
    *) echo "no restate-server package for $(uname -m)" >&2; return 1 ;;
  esac
  SERVER=$CACHE/node_modules/@restatedev/restate-server-linux-$arch/bin/restate-server
  mkdir -p "$CACHE"
  if [ -x "$SERVER" ] && cmp -s "$HERE/package-lock.json" "$CACHE/package-lock.json"; then
    return 0
  fi
  echo "installing the Restate server into $CACHE" >&2
  cp "$HERE/package.json" "$HERE/package-lock.json" "$CACHE/" &&
    (cd "$CACHE" && SCARF_ANALYTICS=false npm ci --no-audit --no-fund --loglevel=error) >&2 &&
    [ -x "$SERVER" ]
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# wait_for SECONDS COMMAND...: retries COMMAND every 0.2 s until it succeeds.
wait_for() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}

start_server() {
  local port
  for port in 8080 9070 5122; do
    if port_busy "$port"; then
      echo "port $port is in use: another Restate server runs here; stop it first" >&2
      return 1
    fi
  done
  WORK=$(mktemp -d "$CACHE/run.XXXXXX")
  "$SERVER" --base-dir "$WORK/base" --no-logo --bind-ip 127.0.0.1 --listen-mode tcp \
    >"$WORK/server.log" 2>&1 &
  PIDS+=($!)
  if ! wait_for 60 curl -sf -o /dev/null "$ADMIN/health" ||
    ! wait_for 60 curl -sf -o /dev/null "$INGRESS/restate/health"; then
    echo "the Restate server did not become healthy; its log:" >&2
    tail -n 20 "$WORK/server.log" >&2
    return 1
  fi
}

# The "http://HOST:PORT" of a server's "listening on [http://]HOST:PORT" line, if printed yet.
listening_url() {
  local address
  address=$(grep -oE 'listening on (http://)?[0-9.]+:[0-9]+' "$1" | head -n 1 | grep -oE '[0-9.]+:[0-9]+$')
  [ -n "$address" ] && echo "http://$address"
}

# start_endpoint NAME COMMAND...: runs an endpoint that prints "listening on HOST:PORT" once
# it listens; sets ENDPOINT_URL.
start_endpoint() {
  local name=$1 log
  shift
  log="$WORK/endpoint-$name.log"
  "$@" >"$log" 2>&1 &
  PIDS+=($!)
  ENDPOINT_PID=$!
  ENDPOINT_URL=""
  local deadline=$((SECONDS + 30))
  while [ -z "$ENDPOINT_URL" ]; do
    ENDPOINT_URL=$(listening_url "$log")
    if [ -z "$ENDPOINT_URL" ]; then
      if ! kill -0 "$ENDPOINT_PID" 2>/dev/null || [ "$SECONDS" -ge "$deadline" ]; then
        tail -n 5 "$log" | sed 's/^/  /'
        return 1
      fi
      sleep 0.2
    fi
  done
}

stop_endpoint() {
  kill "$ENDPOINT_PID" 2>/dev/null
  wait "$ENDPOINT_PID" 2>/dev/null
}

register() {
  local answer
  answer=$(curl -sS -m 30 -X POST "$ADMIN/deployments" -H 'content-type: application/json' \
    -d "{\"uri\": \"$1\", \"force\": true}" 2>&1)
  if jq -e '.services[] | select(.name == "Echo")' >/dev/null 2>&1 <<<"$answer"; then
    note "registered $1: protocol $(jq -r '"v\(.min_protocol_version)..v\(.max_protocol_version)"' <<<"$answer")"
    return 0
  fi
  note "registration of $1 failed: ${answer:0:300}"
  return 1
}

query() {
  curl -sS -m 10 -X POST "$ADMIN/query" -H 'content-type: application/json' \
    -H 'accept: application/json' -d "$(jq -n --arg q "$1" '{query: $q}')"
}

check_echo() {
  local body="hello from the interop test, $1" answer
  answer=$(curl -sS -m 30 -X POST -H "$OCTETS" "$INGRESS/Echo/echo" --data-binary "$body" 2>&1)
  if [ "$answer" = "$body" ]; then pass "$1 Echo/echo returns its input"; else
    fail "$1 Echo/echo returned: ${answer:0:200}"
  fi
}

check_big_ok() {
  local size=$((20 * MiB)) code got
  code=$(curl -sS -m 60 -o "$WORK/big-ok" -w '%{http_code}' -X POST -H "$OCTETS" "$INGRESS/Echo/big" \
    --data-binary "$size" 2>&1)
  got=$(stat -c %s "$WORK/big-ok" 2>/dev/null || echo 0)
  if [ "$code" = 200 ] && [ "$got" = "$size" ]; then
    pass "$1 Echo/big 20 MiB succeeds ($got bytes)"
  else
    fail "$1 Echo/big 20 MiB: HTTP $code, $got bytes"
  fi
  rm -f "$WORK/big-ok"
}

check_big_refused() {
  local size=$((40 * MiB)) code started elapsed_ms body id row status
  started=$(date +%s%N)
  code=$(curl -sS -m 10 -D "$WORK/big-headers" -o "$WORK/big-body" -w '%{http_code}' \
    -X POST -H "$OCTETS" "$INGRESS/Echo/big" --data-binary "$size" 2>&1)
  elapsed_ms=$((($(date +%s%N) - started) / 1000000))
  body=$(head -c 600 "$WORK/big-body" 2>/dev/null)
  if [ "$code" != 200 ] && [ "$code" != 000 ] && grep -q "$LIMIT" <<<"$body"; then
    pass "$1 Echo/big 40 MiB fails in ${elapsed_ms} ms (HTTP $code): $body"
  else
    fail "$1 Echo/big 40 MiB: HTTP $code after ${elapsed_ms} ms: ${body:0:300}"
  fi
  id=$(grep -i '^x-restate-id:' "$WORK/big-headers" | tr -d '\r' | awk '{print $2}')
  if [ -z "$id" ]; then
    fail "$1 Echo/big 40 MiB: no x-restate-id header to look the invocation up"
    return
  fi
  # The ingress answers before the status table is updated: look for a few seconds.
  local deadline=$((SECONDS + 10))
  while :; do
    row=$(query "SELECT status, retry_count, completion_result, completion_failure FROM sys_invocation WHERE id = '$id'")
    status=$(jq -r '.rows[0].status // empty' <<<"$row" 2>/dev/null)
    [ "$status" = completed ] || [ "$SECONDS" -ge "$deadline" ] && break
    sleep 0.5
  done
  if [ "$status" = completed ]; then
    pass "$1 sys_invocation shows $id completed: $(jq -c '.rows[0]' <<<"$row")"
  else
    fail "$1 sys_invocation for $id: ${row:0:300}"
  fi
}

# The stock SDK on the 40 MiB case: the server refuses the output and retries the
# invocation; 10 s later it is still not completed. (Sent with /send, so its id is known.)
check_big_retried() {
  local size=$((40 * MiB)) id row status retries
  id=$(curl -sS -m 10 -X POST -H "$OCTETS" "$INGRESS/Echo/big/send" --data-binary "$size" | jq -r '.invocationId // empty')
  if [ -z "$id" ]; then
    fail "$1 Echo/big/send 40 MiB gave no invocation id"
    return
  fi
  sleep 10
  row=$(query "SELECT status, retry_count, last_failure FROM sys_invocation WHERE id = '$id'")
  status=$(jq -r '.rows[0].status // empty' <<<"$row" 2>/dev/null)
  retries=$(jq -r '.rows[0].retry_count // 0' <<<"$row" 2>/dev/null)
  if [ -n "$status" ] && [ "$status" != completed ] && [ "$retries" -ge 1 ]; then
    pass "$1 Echo/big 40 MiB without tether: not completed after 10 s, retried: $(jq -c '.rows[0]' <<<"$row" | head -c 400)"
  else
    fail "$1 Echo/big 40 MiB without tether: ${row:0:300}"
  fi
  curl -sS -m 10 -o /dev/null -X PATCH "$ADMIN/invocations/$id/kill" 2>/dev/null
}

check_concurrent() {
  local answer
  answer=$(node "$HERE/concurrent.mjs" "$INGRESS/Echo/echo" 200 2>&1)
  if [ $? -eq 0 ]; then pass "$1 200 concurrent Echo/echo invocations: $answer"; else
    fail "$1 200 concurrent Echo/echo invocations: $answer"
  fi
}

# send_blocks N MS: N Echo/block invocations of MS milliseconds each, sent through the
# ingress without waiting for them; prints their invocation ids.
send_blocks() {
  local i
  for i in $(seq "$1"); do
    curl -sS -m 10 -X POST -H "$OCTETS" "$INGRESS/Echo/block/send" --data-binary "$2" | jq -r '.invocationId'
  done
}

# endpoint_open: open_invocations in the endpoint's /stats.
endpoint_open() { curl -s --http2-prior-knowledge -m 5 "$ENDPOINT_URL/stats" | jq -r '.open_invocations // 0'; }
open_at_least() { [ "$(endpoint_open)" -ge "$1" ]; }

# check_completed_once NAME WHAT IDS_FILE: every invocation listed completed, once: one
# row per id in sys_invocation, status completed, a successful result. Waits up to 3 min
# for the runtime's retries.
check_completed_once() {
  local ids count rows done_count=0 deadline=$((SECONDS + 180))
  count=$(grep -c . "$3")
  ids=$(sed "s/.*/'&'/" "$3" | paste -sd,)
  while :; do
    rows=$(query "SELECT id, status, completion_result, retry_count FROM sys_invocation WHERE id IN ($ids)")
    done_count=$(jq '[.rows[] | select(.status == "completed" and .completion_result == "success")] | length' <<<"$rows" 2>/dev/null || echo 0)
    [ "$done_count" = "$count" ] || [ "$SECONDS" -ge "$deadline" ] && break
    sleep 1
  done
  local distinct retried
  distinct=$(jq '[.rows[].id] | unique | length' <<<"$rows" 2>/dev/null || echo 0)
  retried=$(jq '[.rows[] | select(.retry_count > 0)] | length' <<<"$rows" 2>/dev/null || echo '?')
  if [ "$count" -gt 0 ] && [ "$done_count" = "$count" ] && [ "$distinct" = "$count" ] &&
    [ "$(jq '.rows | length' <<<"$rows")" = "$count" ]; then
    pass "$1 $2: $done_count/$count completed exactly once ($retried retried by the runtime)"
  else
    fail "$1 $2: $done_count/$count completed, $distinct distinct rows: ${rows:0:400}"
  fi
}

# restart_endpoint NAME COMMAND...: the endpoint again, on the port it had.
restart_endpoint() {
  local name=$1 port=${ENDPOINT_URL##*:}
  shift
  start_endpoint "$name-restarted" "$@" --port "$port"
}

# SIGTERM with invocations in flight: the endpoint stops accepting, sends GOAWAY, lets the
# running handlers finish within its shutdown deadline and ends the rest with a
# retryable ErrorMessage; restarted on the same port, the runtime completes every
# invocation exactly once.
check_sigterm() {
  local command=("$BUILD/tether-endpoint" --dispatch-threads 16 --shutdown-timeout-ms 3000)
  send_blocks 100 1500 >"$WORK/sigterm-ids"
  wait_for 30 open_at_least 16 ||
    note "fewer than 16 invocations open before SIGTERM"
  note "SIGTERM with $(endpoint_open) invocations open"
  kill -TERM "$ENDPOINT_PID"
  wait "$ENDPOINT_PID"
  local code=$?
  grep -E 'shutdown' "$WORK/endpoint-$1.log" | tail -n 2 | sed 's/^/  /'
  [ "$code" = 0 ] || fail "$1 tether-endpoint exited $code after SIGTERM"
  restart_endpoint "$1" "${command[@]}" || { fail "$1 restart after SIGTERM"; return; }
  check_completed_once "$1" "SIGTERM with 100 in flight" "$WORK/sigterm-ids"
}

# SIGKILL with 200 invocations in flight, restarted on the same port: each completes
# exactly once, through the runtime's retries.
check_sigkill() {
  local command=("$BUILD/tether-endpoint" --dispatch-threads 16)
  send_blocks 200 1000 >"$WORK/sigkill-ids"
  wait_for 30 open_at_least 16 ||
    note "fewer than 16 invocations open before SIGKILL"
  note "SIGKILL with $(endpoint_open) invocations open"
  kill -KILL "$ENDPOINT_PID"
  wait "$ENDPOINT_PID" 2>/dev/null
  restart_endpoint "$1" "${command[@]}" || { fail "$1 restart after SIGKILL"; return; }
  check_completed_once "$1" "SIGKILL with 200 in flight" "$WORK/sigkill-ids"
}

# endpoint_command NAME: the command line of an endpoint, empty when it is not built.
endpoint_command() {
  case $1 in
    cpp)
      [ -x "$BUILD/tether-endpoint" ] &&
        echo "$BUILD/tether-endpoint --port 0 --dispatch-threads 16 --shutdown-timeout-ms 3000"
      ;;
    python)
      local py=$ROOT/.cache/venv-python/bin/python
      [ -x "$py" ] && "$py" -c 'import tether' 2>/dev/null &&
        echo "$py $ROOT/bindings/python/examples/endpoint.py --port 0"
      ;;
    python-sdk | python-sdk-stock)
      local py=$ROOT/.cache/venv-python/bin/python flag=""
      [ "$1" = python-sdk-stock ] && flag=--stock
      [ -x "$py" ] && "$py" -c 'import tether.asgi, restate' 2>/dev/null &&
        echo "$py $ROOT/bindings/python/examples/sdk_service.py --port 0 $flag"
      ;;
    go) [ -x "$GO_BIN/endpoint" ] && echo "$GO_BIN/endpoint --port 0" ;;
    go-sdk) [ -x "$GO_BIN/sdk-echo" ] && echo "$GO_BIN/sdk-echo --port 0" ;;
    go-sdk-stock) [ -x "$GO_BIN/sdk-echo" ] && echo "$GO_BIN/sdk-echo --tether=false --port 0" ;;
    node | node-sdk | node-sdk-stock)
      local dir=$ROOT/bindings/node
      [ -f "$dir/build/Release/tether.node" ] || return 0
      case $1 in
        node) echo "node $dir/examples/endpoint.mjs --port 0" ;;
        node-sdk) echo "node $dir/examples/sdk_service.mjs --port 0" ;;
        node-sdk-stock) echo "node $dir/examples/sdk_service.mjs --port 0 --stock" ;;
      esac
      ;;
    java | java-sdk | java-sdk-stock)
      local target=$ROOT/bindings/java/examples/target main=dev.tether.examples.EchoEndpoint args=""
      [ "$1" = java-sdk ] && main=dev.tether.examples.SdkEchoService args=--tether
      [ "$1" = java-sdk-stock ] && main=dev.tether.examples.SdkEchoService
      [ -f "$target/tether-examples-0.1.0.jar" ] && [ -f "$target/classpath.txt" ] &&
        echo "java -cp $target/tether-examples-0.1.0.jar:$(cat "$target/classpath.txt") $main $args --port 0"
      ;;
  esac
}

run_endpoint() {
  local name=$1 command
  command=$(endpoint_command "$name")
  if [ -z "$command" ]; then
    if [ "$name" = cpp ]; then fail "cpp: $BUILD/tether-endpoint is not built"; else
      echo "skip $name: its reference endpoint is not built"
    fi
    return
  fi
  echo "== $name: $command"
  # shellcheck disable=SC2086 # the command is a plain word list
  if ! start_endpoint "$name" $command; then
    fail "$name endpoint did not start"
    return
  fi
  note "listening on $ENDPOINT_URL"
  if ! register "$ENDPOINT_URL"; then
    fail "$name registration"
    stop_endpoint
    return
  fi
  local failed_before=$FAILED
  check_echo "$name"
  check_big_ok "$name"
  case $name in
    python-sdk-stock | go-sdk-stock | node-sdk-stock | java-sdk-stock) check_big_retried "$name" ;;
    *) check_big_refused "$name" ;;
  esac
  check_concurrent "$name"
  if [ "$name" = cpp ]; then
    check_sigterm "$name"
    check_sigkill "$name"
  fi
  if [ "$FAILED" -gt "$failed_before" ]; then
    note "last lines of the $name endpoint's log:"
    tail -n 8 "$WORK/endpoint-$name.log" | sed 's/^/    /'
    note "invocations not completed: $(query "SELECT target, status, last_failure FROM sys_invocation WHERE status != 'completed'" | head -c 600)"
  fi
  stop_endpoint
}

main() {
  local endpoints=("$@")
  # (the stock SDKs last: their refused invocation is retried against the latest deployment)
  [ ${#endpoints[@]} -gt 0 ] || endpoints=(cpp python go node java python-sdk go-sdk node-sdk java-sdk
    python-sdk-stock go-sdk-stock node-sdk-stock java-sdk-stock)
  if ! install_server || ! start_server; then
    fail "Restate server setup"
  else
    echo "Restate server $("$SERVER" --version 2>/dev/null | head -n 1) on 127.0.0.1 (base dir $WORK/base)"
    local name
    for name in "${endpoints[@]}"; do run_endpoint "$name"; done
  fi
  echo "$PASSED passed, $FAILED failed"
  [ "$FAILED" -eq 0 ] && [ "$PASSED" -gt 0 ]
}

main "$@"
