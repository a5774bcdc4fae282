#!/usr/bin/env bash
# The ABI guard: libtether's exported interface against the committed baseline of its
# ABI version (capi/abi/libtether.so.N.abi, N = TETHER_ABI_VERSION = the SONAME's
# number). Added functions, enumerators and fields appended to a struct (the options
# and stats structs grow at their end, behind struct_size) are the compatible changes
# the header promises; anything else abidiff reports (a removed function, a member
# moved, deleted or retyped, a changed parameter) fails: an incompatible change needs
# a new TETHER_ABI_VERSION, SOVERSION and baseline.
#   abi_check.sh LIB HEADER_DIR ABI_DIR              compare; 0 = compatible
#   abi_check.sh LIB HEADER_DIR ABI_DIR --write      write the baseline of LIB's version
#   abi_check.sh LIB HEADER_DIR ABI_DIR --expect-break TYPE
#                                                    0 only if the check fails naming TYPE
set -uo pipefail
lib=$1 headers=$2 abi_dir=$3 mode=${4:-} expect=${5:-}

version=$(sed -n 's/^#define TETHER_ABI_VERSION \([0-9][0-9]*\).*/\1/p' "$headers/tether.h")
[ -n "$version" ] || { echo "no TETHER_ABI_VERSION in $headers/tether.h"; exit 1; }
soname=$(readelf -d "$lib" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
if [ "$soname" != "libtether.so.$version" ]; then
  echo "SONAME $soname does not match TETHER_ABI_VERSION $version (want libtether.so.$version)"
  exit 1
fi
baseline=$abi_dir/libtether.so.$version.abi
dump() {
  abidw --exported-interfaces-only --headers-dir "$headers" --drop-private-types \
    --no-corpus-path --no-comp-dir-path --no-show-locs --type-id-style hash "$lib" "$@"
}

if [ "$mode" = --write ]; then
  dump --out-file "$baseline" && echo "wrote $baseline"
  exit
fi
if [ ! -f "$baseline" ]; then
  echo "no baseline for ABI version $version: commit one written by"
  echo "  $0 $lib $headers $abi_dir --write"
  exit 1
fi

# abidiff's status is a bit set: 4 = ABI change, 8 = incompatible change. Its
# suppression rules for "appended at the end" also hide reordered members (2.2), so
# the report is classified here: a change is compatible when every line of it is an
# added member, enumerator or the size growth that comes with them.
report=$(abidiff --no-added-syms "$baseline" "$lib")
rc=$?
[ $((rc & 3)) -eq 0 ] || { echo "abidiff failed (status $rc): $report"; exit 1; }
breaking=$(grep -E "offset changed|deletion|[1-9][0-9]* Removed|type of '|name of '|\
enumerator '.*' value changed" <<<"$report" || true)
# A shrunk struct breaks too: its size line names the smaller size second.
while read -r from to; do
  [ -n "$from" ] && [ "$to" -lt "$from" ] && breaking+=$'\n'"a struct shrank from $from to $to bits"
done < <(sed -nE 's/.*type size changed from ([0-9]+) to ([0-9]+) .*/\1 \2/p' <<<"$report")
[ $rc -eq 0 ] || [ -n "$breaking" ] || grep -qE "insertion" <<<"$report" ||
  breaking="a change not known to be compatible"

if [ "$mode" = --expect-break ]; then
  if [ -n "$breaking" ] && grep -q "struct $expect'" <<<"$report"; then
    echo "the check fails, as it must, on a changed $expect:"
    echo "$breaking"
    exit 0
  fi
  echo "expected the check to fail on $expect; abidiff status $rc:"
  echo "$report"
  exit 1
fi
if [ -n "$breaking" ]; then
  echo "libtether's ABI is incompatible with $baseline:"
  echo "$breaking"
  echo "$report"
  echo "An incompatible change needs TETHER_ABI_VERSION and SOVERSION raised and a new baseline."
  exit 1
fi
[ $rc -eq 0 ] || { echo "compatible additions since the baseline:"; echo "$report"; }
echo "ABI $version compatible with $baseline"
