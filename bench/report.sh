#!/usr/bin/env bash
# Writes docs/performance.md: every benchmark of ./run bench, in one run, each with the
# command that printed it and its own output (which sets each figure against a peer
# or a limit measured in the same run). The machine, the date and its load head the
# page, since the absolute figures move with them; the ratios are what to compare.
#
#   bench/report.sh OUT STEP...   STEP: "title|command[|plot]" run from the repository root
#
# A benchmark states its figures in lines of its own output of the form
#   figure: WHAT | OURS | PEER OR LIMIT (same run) | RATIO | TARGET: met / NOT met
# which become the table at the head of its section and of the page. A step with a
# plot names a kind of bench/plot.sh, which draws the step's output as an SVG next to
# OUT (docs/perf-KIND.svg) and the section shows it.
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
summary=$(mktemp "${TMPDIR:-/tmp}/tether-summary.XXXXXX")
verdicts=$(mktemp "${TMPDIR:-/tmp}/tether-verdicts.XXXXXX")
sections=$(mktemp "${TMPDIR:-/tmp}/tether-sections.XXXXXX")
trap 'rm -f "$tmp" "$page" "$summary" "$verdicts" "$sections"' EXIT

# The figure lines of a benchmark's output as markdown table rows.
figure_rows() {
  sed -n 's/^figure: *//p' "$1" | awk -F' *[|] *' '{ printf "| %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5 }'
}
table_head() {
  echo "| figure | ours | peer or limit (same run) | ratio | target |"
  echo "|---|---|---|---|---|"
}
# Escape codes and the chatter of binding builds and package managers are no figure.
clean_output() {
  sed -e 's/\x1b\[[0-9;]*m//g' "$1" |
    grep -v -E '^(\[[0-9]+/[0-9]+\]|npm (warn|notice)|-- |figure: )' |
    sed 's/^\*\*\*WARNING\*\*\* Library was built as DEBUG.*/(google-benchmark: "Library was built as DEBUG" is about Debian'"'"'s libbenchmark itself; tether is built as in the header)/'
}

build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' build/CMakeCache.txt 2>/dev/null)
build_flags=$(grep -m 1 -oE -- '-O[0-3s]( -g)?( -DNDEBUG)?' build/build.ninja 2>/dev/null)
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
memory=$(awk '/^MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)
{
  echo "# Performance report"
  echo
  echo "Written by \`./run bench\` (bench/report.sh); do not edit by hand. Each section is"
  echo "one benchmark: its figures against the peer or limit measured in the same run,"
  echo "then the command and what it printed. Compare ratios; absolute figures move with"
  echo "the machine and its load. How each one works and what it targets:"
  echo "docs/benchmarks.md."
  echo
  echo "| | |"
  echo "|---|---|"
  echo "| date | $(date -u '+%Y-%m-%d %H:%M UTC') |"
  echo "| machine | $(nproc) cores ($cpu), $memory, $(uname -sr) |"
  echo "| compiler | $(c++ --version | head -n 1) |"
  echo "| tether build | build/, ${build_type:-unknown} (${build_flags:-flags unknown}) |"
  echo "| commit | $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (with local changes)') |"
  echo "| load average at the start | $(cut -d' ' -f1-3 /proc/loadavg) |"
  echo
} >"$page"

failed=0
for step in "$@"; do
  IFS='|' read -r title command plot <<<"$step"
  printf '\033[1m==> bench %s\033[0m\n' "$title"
  start=$(date +%s)
  bash -c "$command" 2>&1 | tee "$tmp"
  status=${PIPESTATUS[0]}
  figure_rows "$tmp" >>"$summary"
  # A benchmark without figure lines: its verdict lines, as it printed them.
  grep -q '^figure:' "$tmp" ||
    grep -E 'target.*(met|OVER)|(met|OVER).*target' "$tmp" | awk -v t="$title" '{ print "| " t " | " $0 " |" }' >>"$verdicts"
  {
    echo "## $title"
    echo
    if grep -q '^figure:' "$tmp"; then
      table_head
      figure_rows "$tmp"
      echo
    fi
    if [ -n "$plot" ]; then
      svg=perf-$plot.svg
      if why=$(bench/plot.sh "$plot" "$tmp" "$(dirname "$out")/$svg" 2>&1); then
        echo "![$title]($svg)"
      else
        echo "(no plot: $(tail -n 1 <<<"$why"))"
      fi
      echo
    fi
    echo "\`$command\` ($(($(date +%s) - start)) s$([ "$status" = 0 ] || echo ", FAILED with status $status"))"
    echo
    echo '```'
    clean_output "$tmp"
    echo '```'
    echo
  } >>"$sections"
  [ "$status" = 0 ] || failed=1
done
{
  echo "## Summary"
  echo
  table_head
  cat "$summary"
  echo
  if [ -s "$verdicts" ]; then
    echo "Targets stated by benchmarks that print no figure lines:"
    echo
    echo "| benchmark | verdict |"
    echo "|---|---|"
    cat "$verdicts"
    echo
  fi
  cat "$sections"
  echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
} >>"$page"
mv "$page" "$out"
echo "wrote $out"
exit $failed
