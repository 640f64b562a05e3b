#!/usr/bin/env bash
# clang-tidy over mockhub/ and client/ with the repository's .clang-tidy,
# from the compile commands of a configured build (default build/ci):
#   tools/tidy.sh [BUILD_DIR]
# Exit 0 when clean; the findings are printed otherwise. Tests are not
# checked (gtest macros trip bugprone checks by design).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build/ci}
[ -f "$BUILD/compile_commands.json" ] || { echo "tidy: configure $BUILD first (cmake --preset ci)" >&2; exit 2; }
TIDY=$(command -v run-clang-tidy-14 || command -v run-clang-tidy || true)
[ -n "$TIDY" ] || { echo "tidy: run-clang-tidy not found (apt-get install clang-tidy-14)" >&2; exit 2; }
# Every source of the two components, by its path under this checkout (not
# tests/, not generated files in the build folder).
root=$(pwd | sed 's/[][\.*^$+?(){}|]/\\&/g')
exec "$TIDY" -quiet -p "$BUILD" -j "$(nproc)" "^$root/(mockhub|client)/.*\.cc\$"
