#!/usr/bin/env bash
# Builds the fuzz preset and runs every fuzzer of tests/fuzz for SECONDS each
# (default 60) over its committed seed corpus; new inputs go to a scratch
# directory, never into the corpus. Fails on the first crash, leaving the
# crashing input in build/fuzz/findings/<fuzzer>/. CI's fuzz job runs this.
#   tools/fuzz.sh [SECONDS [FUZZER...]]   (default: every fuzzer)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
fuzzers=("$@")
[ ${#fuzzers[@]} -gt 0 ] || fuzzers=(site_fuzzer world_loader_fuzzer scenario_loader_fuzzer
                                     hubget_headers_fuzzer hubget_json_fuzzer hubget_xorb_fuzzer
                                     hubget_reconstruction_fuzzer)
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz
# The loaders' inputs stay at 4 KiB: deep nesting is a stack overflow until
# their JSON depth limit lands (tests/fuzz/README.md).
declare -A max_len=([world_loader_fuzzer]=4096 [scenario_loader_fuzzer]=4096)
for f in "${fuzzers[@]}"; do
  out="build/fuzz/findings/$f"
  mkdir -p "$out/new"
  echo "fuzz: $f for ${seconds} s" >&2
  (cd "$out" && "$OLDPWD/build/fuzz/tests/fuzz/$f" -max_total_time="$seconds" -rss_limit_mb=2048 \
     -timeout=30 -max_len="${max_len[$f]:-65536}" -print_final_stats=1 \
     new "$OLDPWD/tests/fuzz/corpus/$f")
done
