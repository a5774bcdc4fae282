#!/usr/bin/env bash
# Builds the harness against the core build's libtether and runs it; arguments go to
# the harness (--messages N --runs R --read-size B --protocol V).
#   bench/peers/shared_core/run.sh [ARGS...]    (after ./run build)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
export TETHER_LIB_DIR="${TETHER_LIB_DIR:-$root/build/capi}"
# Crates and build output stay in the repository's git-ignored cache.
export CARGO_HOME="${CARGO_HOME:-$root/.cache/cargo}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/.cache/cargo-target}"
cargo=$(command -v cargo || echo "$HOME/.cargo/bin/cargo")
if [ ! -x "$cargo" ]; then
  echo "cargo not found: install Rust (rustup, or apt-get install cargo)" >&2
  exit 1
fi
if [ ! -e "$TETHER_LIB_DIR/libtether.so" ]; then
  echo "no libtether.so in $TETHER_LIB_DIR: run ./run build first" >&2
  exit 1
fi
"$cargo" build --release --quiet --locked --manifest-path "$here/Cargo.toml" -j 2
exec "$CARGO_TARGET_DIR/release/tether-shared-core-bench" "$@"
