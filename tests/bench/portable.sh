#!/usr/bin/env bash
# The portable (static) binaries against the Release build, in one run (issue 20): run.sh,
# hubget.sh and xet.sh each run with both builds' mockhub and hubget, one after the other,
# and every figure is printed side by side with the ratio portable / Release.
#
#   tests/bench/portable.sh [--release DIR] [--portable DIR] [--markdown FILE] [--quick]
#
# DIR: a build folder holding mockhub/mockhub and client/hubget (defaults build/release,
# built with the release preset, and build/portable, built with tools/portable-deps.sh and
# the portable preset). --quick: fewer rounds and no 4 GiB download (about 15 minutes
# instead of 35). A figure is marked when the portable build is more than 10% worse on it:
# slower for times, lower for rates, higher for memory. Loopback only, like the scripts it runs.
set -euo pipefail
export LC_ALL=C
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
RELEASE="$ROOT/build/release"
PORTABLE="$ROOT/build/portable"
MARKDOWN=""
QUICK=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --release) RELEASE=$2; shift 2 ;;
    --portable) PORTABLE=$2; shift 2 ;;
    --markdown) MARKDOWN=$2; shift 2 ;;
    --quick) QUICK=1; shift ;;
    *) sed -n '2,12s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2; exit 2 ;;
  esac
done

cd "$ROOT"
if [[ ! -x "$RELEASE/mockhub/mockhub" ]]; then
  cmake --preset release >/dev/null && cmake --build --preset release --target mockhub hubget_cli
fi
if [[ ! -x "$PORTABLE/mockhub/mockhub" ]]; then
  tools/portable-deps.sh && cmake --preset portable >/dev/null && cmake --build --preset portable
fi

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
run_s=(--duration 10 --rounds 2)
hubget_s=(--rounds 3)
xet_s=(--rounds 3 --runs 5)
if [[ $QUICK == 1 ]]; then
  run_s=(--duration 5 --rounds 1)
  hubget_s=(--rounds 2 --no-4g)
  xet_s=(--rounds 2 --runs 3)
fi
for script in run hubget xet; do
  for build in release portable; do
    dir=$RELEASE; [[ $build == portable ]] && dir=$PORTABLE
    args=()
    case $script in
      run) args=("${run_s[@]}" --mockhub "$dir/mockhub/mockhub") ;;
      hubget) args=("${hubget_s[@]}" --force --mockhub "$dir/mockhub/mockhub" --hubget "$dir/client/hubget") ;;
      xet) args=("${xet_s[@]}" --force --mockhub "$dir/mockhub/mockhub" --hubget "$dir/client/hubget") ;;
    esac
    echo "portable.sh: $script.sh with the $build build" >&2
    "tests/bench/$script.sh" "${args[@]}" --markdown "$out/$script-$build.md" >"$out/$script-$build.log" 2>&1 ||
      { tail -n 20 "$out/$script-$build.log" >&2; exit 1; }
  done
done

# Pairs the numeric cells of the two builds' tables (same table, row and column) and prints
# portable / Release. Peer columns (nginx, curl, @huggingface/hub) come along: they are the
# same program in both runs, so their ratio shows the run's noise.
/usr/bin/python3 - "$out" "$MARKDOWN" <<'EOF'
import re, sys, os
out, markdown = sys.argv[1], sys.argv[2]
number = re.compile(r"(-?\d+(?:\.\d+)?)\s*(MiB/s|req/s|files/s|ms|MiB|s|x)?\b")
higher = {"MiB/s", "req/s", "files/s", "x"}
lower = {"ms", "MiB", "s"}

def tables(path):
    rows, table = {}, 0
    for line in open(path):
        if not line.startswith("|"):
            table += 1
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if set(cells[0]) <= set("-: "):
            continue
        rows[(table, cells[0])] = cells[1:]
    return rows

lines = ["| script | figure | column | Release | portable | portable / Release | |",
         "|---|---|---:|---:|---:|---:|---|"]
worse = 0
for script in ("run", "hubget", "xet"):
    a = tables(os.path.join(out, f"{script}-release.md"))
    b = tables(os.path.join(out, f"{script}-portable.md"))
    header = {}
    for key, cells in a.items():
        if key not in b:
            continue
        if not header.get(key[0]):
            header[key[0]] = cells  # the table's first row names its columns
            continue
        for col, (x, y) in enumerate(zip(cells, b[key])):
            mx, my = number.search(x), number.search(y)
            if not mx or not my or float(mx.group(1)) == 0:
                continue
            name = header[key[0]][col] if col < len(header[key[0]]) else str(col)
            unit = mx.group(2) or ("s" if "(s)" in key[1] + name else "")
            ratio = float(my.group(1)) / float(mx.group(1))
            bad = (unit in higher and ratio < 0.9) or (unit in lower and ratio > 1.1)
            worse += bad
            lines.append(f"| {script}.sh | {key[1]} | {name} | {x} | {y} | {ratio:.3f} | "
                         f"{'worse by >10%' if bad else ''} |")
text = "\n".join(lines) + "\n"
print(text)
print(f"{worse} figure(s) worse by more than 10%")
if markdown:
    open(markdown, "w").write(text)
EOF
