#!/usr/bin/env bash
# Writes docs/performance.md: every benchmark of ./run bench, in one run, each with the
# command that printed it and its own output (which sets each figure against a peer
# or a limit measured in the same run). The machine, the date and its load head the
# page, since the absolute figures move with them; the ratios are what to compare.
#
#   bench/report.sh OUT STEP...   STEP: "title|command" run from the repository root
#
# ./run bench builds first and passes the steps (so every binding is built its usual
# way); a step that fails is reported as failed in the page and the run goes on.
set -uo pipefail
out=$1
shift
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
tmp=$(mktemp "${TMPDIR:-/tmp}/tether-report.XXXXXX")
page=$(mktemp "${TMPDIR:-/tmp}/tether-page.XXXXXX")
trap 'rm -f "$tmp" "$page"' EXIT

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
memory=$(awk '/^MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)
{
  echo "# Performance report"
  echo
  echo "Written by \`./run bench\` (bench/report.sh); do not edit by hand. Each section is"
  echo "one benchmark: the command, then what it printed. Every benchmark measures its"
  echo "peer or limit in the same run, so compare ratios; absolute figures move with the"
  echo "machine and its load. How each one works and what it targets: docs/benchmarks.md."
  echo
  echo "| | |"
  echo "|---|---|"
  echo "| date | $(date -u '+%Y-%m-%d %H:%M UTC') |"
  echo "| machine | $(nproc) cores ($cpu), $memory, $(uname -sr) |"
  echo "| compiler | $(c++ --version | head -n 1) |"
  echo "| commit | $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (with local changes)') |"
  echo "| load average at the start | $(cut -d' ' -f1-3 /proc/loadavg) |"
  echo
} >"$page"

failed=0
for step in "$@"; do
  title=${step%%|*} command=${step#*|}
  printf '\033[1m==> bench %s\033[0m\n' "$title"
  start=$(date +%s)
  bash -c "$command" 2>&1 | tee "$tmp"
  status=${PIPESTATUS[0]}
  {
    echo "## $title"
    echo "\`$command\` ($(($(date +%s) - start)) s$([ "$status" = 0 ] || echo ", FAILED with status $status"))"
    echo
    echo '```'
    # The binding builds' and package managers' chatter is not a figure.
    grep -v -E '^(\[[0-9]+/[0-9]+\]|npm (warn|notice)|-- )' "$tmp"
    echo '```'
    echo
  } >>"$page"
  [ "$status" = 0 ] || failed=1
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$page"
mv "$page" "$out"
trap 'rm -f "$tmp"' EXIT
echo "wrote $out"
exit $failed
