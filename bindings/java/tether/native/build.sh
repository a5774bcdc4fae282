#!/usr/bin/env bash
# Builds the native side of the Java binding into TARGET (Maven's target/):
#   generated-sources/tether    the SWIG-generated low-level classes (dev.tether.jni)
#                               and the exception classes generated from tether_status_table()
#   generated-resources/tether  dev/tether/native/<platform>/{libtether.so.0,libtether_jni.so}
# It links the core build in $TETHER_BUILD_DIR when that holds capi/libtether.so (./run
# builds the core once in build/); otherwise it builds the core's tether target itself
# into TARGET/core.
#
#   native/build.sh TARGET
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=${TETHER_ROOT:-$(cd "$HERE/../../../.." && pwd)}
TARGET=$1
JOBS=${TETHER_JOBS:-2}
command -v swig >/dev/null || { echo "swig not found (Debian package swig)" >&2; exit 1; }
if [ -z "${JAVA_HOME:-}" ]; then
  JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
  export JAVA_HOME
fi
[ -f "$JAVA_HOME/include/jni.h" ] || { echo "no jni.h under JAVA_HOME=$JAVA_HOME (a JDK is needed)" >&2; exit 1; }
command -v cmake >/dev/null || { echo "cmake not found (Debian package cmake)" >&2; exit 1; }

CORE=${TETHER_BUILD_DIR:-}
if [ -z "$CORE" ] || [ ! -f "$CORE/capi/libtether.so" ]; then
  CORE=$TARGET/core
  if [ ! -f "$CORE/CMakeCache.txt" ]; then
    cmake -S "$ROOT" -B "$CORE" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTETHER_BUILD_TESTS=OFF \
      -DTETHER_BUILD_BENCH=OFF >/dev/null
  fi
  cmake --build "$CORE" --target tether -j "$JOBS" >/dev/null
fi
CORE=$(cd "$CORE" && pwd)

cmake -S "$HERE" -B "$TARGET/native" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DTETHER_ROOT="$ROOT" -DTETHER_BUILD_DIR="$CORE" \
  -DTETHER_JAVA_SOURCES="$TARGET/generated-sources/tether" \
  -DTETHER_JAVA_RESOURCES="$TARGET/generated-resources/tether" >/dev/null
cmake --build "$TARGET/native" -j "$JOBS" >/dev/null
