#!/usr/bin/env bash
# h2load against the official Python SDK (restate-sdk on hypercorn,
# bindings/python/examples/sdk_service.py) with and without tether's ASGI middleware,
# in one run: requests/s and latency percentiles of each, rounds alternated, medians,
# and the ratio. Target: at most 10% fewer requests/s with the middleware.
#
#   bench/python/sdk_h2load.sh     env: REQUESTS (5000) ROUNDS (3) CLIENTS (4)
#                                       STREAMS (8, per client) TETHER_PYTHON
# The body is a V5 Start + InputCommand("hello") posted to /invoke/Echo/echo, with no
# tether-extensions offer (what a Restate server sends); each server's answer is
# decoded once first (200, Output "hello" + End).
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PYTHON=${TETHER_PYTHON:-$ROOT/.cache/venv-python/bin/python}
SERVICE=$ROOT/bindings/python/examples/sdk_service.py
REQUESTS=${REQUESTS:-5000}
ROUNDS=${ROUNDS:-3}
CLIENTS=${CLIENTS:-4}
STREAMS=${STREAMS:-8}
CONTENT_TYPE=application/vnd.restate.invocation.v5

WORK=$(mktemp -d)
# shellcheck source=bench/h2load_lib.sh
source "$ROOT/bench/h2load_lib.sh"

"$PYTHON" -c 'import tether.asgi, restate, hypercorn' 2>/dev/null ||
  die "$PYTHON lacks tether, restate-sdk or hypercorn (./run test python installs them)"
"$PYTHON" -c '
import sys
from tether import wire
open(sys.argv[1], "wb").write(wire.start() + wire.input_command(b"hello"))' "$WORK/body" ||
  die "could not write the request body"

# check URL: one invocation, its answer decoded.
check() {
  "$PYTHON" - "$1" "$WORK/body" "$ROOT/bindings/python/tests" <<'PY'
import sys
sys.path.insert(0, sys.argv[3])
from h2c import Client
from conftest import messages
from tether import wire
port = int(sys.argv[1].rsplit(":", 1)[1])
with Client(port) as client:
    r = client.finish(client.request("POST", "/invoke/Echo/echo",
                                     {"content-type": "application/vnd.restate.invocation.v5"},
                                     open(sys.argv[2], "rb").read()))
out = messages(bytes(r.body))
assert r.status == 200 and [m[0] for m in out] == [0x0401, 0x0003], (r.status, out)
assert wire.fields(wire.fields(out[0][1])[14][0]) == {1: [b"hello"]}, out
PY
}

RESTATE_LOGGING=ERROR start stock "$PYTHON" "$SERVICE" --port 0 --stock
STOCK_URL=$URL
RESTATE_LOGGING=ERROR start tether "$PYTHON" "$SERVICE" --port 0
TETHER_URL=$URL
check "$STOCK_URL" || die "the stock SDK gave a wrong answer"
check "$TETHER_URL" || die "the SDK behind the middleware gave a wrong answer"

echo "h2load: $ROUNDS rounds x $REQUESTS requests per server, $CLIENTS connections x $STREAMS streams, 1 thread; body $(stat -c %s "$WORK/body") bytes ($CONTENT_TYPE)"
: >"$WORK/stock.rounds"
: >"$WORK/tether.rounds"
for round in $(seq "$ROUNDS"); do
  warmup=0
  [ "$round" = 1 ] && warmup=1000
  # One measurement per call: the rounds alternate between the two servers.
  ROUNDS=1 load stock "$STOCK_URL" "$warmup" >>"$WORK/stock.rounds" || exit 1
  ROUNDS=1 load tether "$TETHER_URL" "$warmup" >>"$WORK/tether.rounds" || exit 1
done
# median COLUMN FILE
median() { cut -d' ' -f"$1" "$2" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
printf '%-22s %12s %10s %10s %10s\n' server req/s p50_us p90_us p99_us
for name in stock tether; do
  label="restate-sdk"
  [ "$name" = tether ] && label="restate-sdk + tether"
  printf '%-22s %12s %10s %10s %10s\n' "$label" "$(median 1 "$WORK/$name.rounds")" \
    "$(median 2 "$WORK/$name.rounds")" "$(median 3 "$WORK/$name.rounds")" "$(median 4 "$WORK/$name.rounds")"
done
awk -v t="$(median 1 "$WORK/tether.rounds")" -v s="$(median 1 "$WORK/stock.rounds")" 'BEGIN {
  loss = 100 * (1 - t / s)
  printf "with the middleware: %.2fx the requests/s of the stock SDK (%.1f%% fewer; target at most 10%%: %s)\n",
    t / s, loss, (loss <= 10 ? "met" : "NOT met")
}'
