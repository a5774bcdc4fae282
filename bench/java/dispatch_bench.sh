#!/usr/bin/env bash
# Ping turnaround and 1 KiB message dispatch through the Java binding against the same
# loops through C (bench/python/dispatch_loop.c, the Python comparison's C side), in one
# run: medians of per-op means, and the ratios (target: Java at most 3x C).
#
#   bench/java/dispatch_bench.sh   env: TETHER_BUILD_DIR (build), BATCHES (101), OPS (1000)
# Needs bindings/java built (./run test java).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "$ROOT" && realpath -m "${TETHER_BUILD_DIR:-build}")
BATCHES=${BATCHES:-101}
OPS=${OPS:-1000}
JAR=$ROOT/bindings/java/tether/target/tether-0.1.0.jar
[ -f "$JAR" ] || { echo "dispatch_bench: $JAR is not built (./run test java)" >&2; exit 1; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

cc -O2 -std=c11 -Wall -Werror -I"$ROOT/capi/include" "$ROOT/bench/python/dispatch_loop.c" \
  -L"$BUILD/capi" -ltether -Wl,-rpath,"$BUILD/capi" -o "$WORK/dispatch_loop"
"$WORK/dispatch_loop" "$BATCHES" "$OPS" >"$WORK/c.txt"
java -cp "$JAR" "$ROOT/bench/java/DispatchBench.java" "$BATCHES" "$OPS" >"$WORK/java.txt"

echo "dispatch through Java vs C: median ns per op over $BATCHES batches of $OPS"
printf '%-28s %10s %10s %8s\n' loop C Java ratio
while read -r loop java_ns; do
  c_loop=${loop%-direct}
  c_ns=$(awk -v l="$c_loop" '$1 == l { print $2 }' "$WORK/c.txt")
  awk -v l="$loop" -v c="$c_ns" -v j="$java_ns" 'BEGIN {
    printf "%-28s %10.1f %10.1f %7.2fx %s\n", l, c, j, j / c, (j / c <= 3 ? "(target <= 3x: met)" : "(target <= 3x: NOT met)")
  }'
done <"$WORK/java.txt"
