#!/usr/bin/env bash
# The sanitizer part of the landing check (.ci/run): builds the asan
# (AddressSanitizer + UBSan) and tsan presets whole, so a change that only
# breaks a sanitizer build cannot land, then runs their tests group by group,
# the hostile-input and Xet suites first, while the time budget lasts.
# GitHub CI runs both presets' full suites in its own jobs; here the budget
# keeps .ci/run well inside CI's time limit on a 2-core machine.
#   tools/sanitizers.sh [DEADLINE]   DEADLINE: unix seconds by which every test
#                                    group must have ended (default: now +
#                                    SANITIZER_MINUTES, default 40)
# A group that does not fit is named on a line of its own, never dropped
# silently; a failing group fails the script.
set -euo pipefail
cd "$(dirname "$0")/.."

deadline="${1:-$(($(date +%s) + ${SANITIZER_MINUTES:-40} * 60))}"

# One row a group: preset; a name; the minutes it needs at most on 2 cores
# (2026-12-07: asan's whole suite 5.5 min, 1.2 of it hostile input and Xet;
# tsan's 8.2 min, 3.1 of it hostile input and Xet; with margin); its ctest
# selection. A group starts only when its minutes are left before DEADLINE.
hostile='[Hh]ostile|[Xx]et'
groups=(
  "asan;hostile input and Xet;3;-R $hostile"
  "tsan;hostile input and Xet;5;-R $hostile"
  "asan;the rest of the suite;6;-E $hostile"
  "tsan;the rest of the suite;8;-E $hostile"
)

for preset in asan tsan; do
  start=$(date +%s)
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset"
  echo "sanitizers: $preset built in $(($(date +%s) - start)) s" >&2
done

set -f  # the selections hold regular expressions, not file patterns
not_run=()
for row in "${groups[@]}"; do
  IFS=';' read -r preset name minutes selection <<<"$row"
  left=$(((deadline - $(date +%s)) / 60))
  if [ "$left" -lt "$minutes" ]; then
    not_run+=("$preset: $name (needs ~$minutes min, $left min left)")
    continue
  fi
  echo "sanitizers: $preset, $name ($selection)" >&2
  start=$(date +%s)
  # shellcheck disable=SC2086  # the selection is a list of ctest arguments
  ctest --preset "$preset" $selection
  echo "sanitizers: $preset, $name took $(($(date +%s) - start)) s" >&2
done
for n in "${not_run[@]}"; do
  echo "sanitizers: NOT RUN for lack of time: $n (GitHub CI's sanitizer jobs run it)" >&2
done
