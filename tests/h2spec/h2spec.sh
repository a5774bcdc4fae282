#!/usr/bin/env bash
# h2spec (HTTP/2 conformance, RFC 7540/7541) against tether-endpoint and, as the
# yardstick, against nghttpd on the same machine: every case nghttpd passes must pass
# on tether-endpoint. h2spec is built from this folder's pinned go.mod into .cache/bin.
#   h2spec.sh BUILD_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$(cd "$1" && pwd)
bin=$root/.cache/bin/h2spec
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

if [ ! -x "$bin" ]; then
  (cd "$here" && GOPATH=$root/.cache/go GOMODCACHE=$root/.cache/go/mod GOFLAGS=-mod=mod \
    go build -o "$bin" github.com/summerwind/h2spec/cmd/h2spec)
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_port() {
  for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.05
  done
  echo "nothing listens on $1" >&2
  return 1
}

mkdir -p "$work/docroot"
echo hello >"$work/docroot/index.html"
port=$(free_port)
nghttpd --no-tls -a 127.0.0.1 -d "$work/docroot" "$port" >"$work/nghttpd.log" 2>&1 &
pids+=($!)
wait_port "$port"
"$bin" -h 127.0.0.1 -p "$port" -o 2 -j "$work/nghttpd.xml" >"$work/nghttpd.txt" 2>&1 || true

"$build/tether-endpoint" --port 0 >"$work/endpoint.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
  grep -q '^listening on' "$work/endpoint.log" && break
  sleep 0.05
done
port=$(sed -n 's/^listening on .*:\([0-9]*\)$/\1/p' "$work/endpoint.log")
[ -n "$port" ] || { cat "$work/endpoint.log"; exit 1; }
"$bin" -h 127.0.0.1 -p "$port" -o 2 -j "$work/tether.xml" >"$work/tether.txt" 2>&1 || true
kill -0 "${pids[1]}" || { echo "tether-endpoint died under h2spec"; exit 1; }

python3 - "$work/nghttpd.xml" "$work/tether.xml" "$work/tether.txt" <<'PY'
import sys
import xml.etree.ElementTree as ET

def cases(path):
    result = {}
    for case in ET.parse(path).getroot().iter("testcase"):
        passed = not any(child.tag in ("error", "failure", "skipped") for child in case)
        result[f'{case.get("package")} {case.get("classname")}'] = passed
    return result

nghttpd, tether = cases(sys.argv[1]), cases(sys.argv[2])
if len(nghttpd) < 100 or len(tether) != len(nghttpd):
    sys.exit(f"h2spec ran {len(nghttpd)} cases on nghttpd, {len(tether)} on tether-endpoint")
yardstick = [c for c, ok in nghttpd.items() if ok]
missed = [c for c in yardstick if not tether[c]]
print(f"h2spec: tether-endpoint passes {sum(tether.values())}/{len(tether)} cases, "
      f"nghttpd {len(yardstick)}/{len(nghttpd)}; of nghttpd's, tether-endpoint fails {len(missed)}")
for c in missed:
    print("  fails:", c)
for c in (c for c, ok in tether.items() if ok and not nghttpd[c]):
    print("  passes where nghttpd fails:", c)
if missed:
    print(open(sys.argv[3]).read()[-4000:])
sys.exit(1 if missed else 0)
PY
