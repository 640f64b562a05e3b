#!/usr/bin/env bash
# Xet benchmarks (issue 9, item 10): hubget's Xet path against
# @huggingface/hub's downloadFile and against its own LFS path, mockhub's
# memory serving 8 Xet downloads, and the first reconstruction of a 10 GiB
# file. Every figure is a ratio against a peer in the same run. See README.md.
#
#   tests/bench/xet.sh [--mockhub PATH] [--hubget PATH] [--build-dir DIR]
#                      [--markdown FILE] [--rounds N] [--runs N]
#                      [--memory warm|cold] [--only a,b,c,d] [--strict]
#                      [--force] [--no-install]
#
# Loopback only (hub 127.0.0.1, CDN 127.0.0.2, CAS 127.0.0.3). Exit 0 when it
# ran (missed goals show as MISS), 1 on a broken run, 3 with --strict when a
# goal was missed.
set -euo pipefail
export LC_ALL=C

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
MOCKHUB=""
HUBGET=""
BUILD_DIR="$ROOT/build/bench"
MARKDOWN=""
ROUNDS=3        # interleaved rounds of figures A and B, best of each kept
RUNS=5          # fresh server starts per file in figure D (median)
MEMORY=warm     # page-cache state before each timed download (see hubget.sh)
ONLY="a,b,c,d"
STRICT=0
FORCE=0
INSTALL=1
GIB=$((1024 * 1024 * 1024))
JS_DIR="$ROOT/tests/js"

usage() { sed -n '2,15s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --mockhub) MOCKHUB=$2; shift 2 ;;
    --hubget) HUBGET=$2; shift 2 ;;
    --build-dir) BUILD_DIR=$2; shift 2 ;;
    --markdown) MARKDOWN=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --memory) MEMORY=$2; shift 2 ;;
    --only) ONLY=$2; shift 2 ;;
    --strict) STRICT=1; shift ;;
    --force) FORCE=1; shift ;;
    --no-install) INSTALL=0; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "xet.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done
[[ "$ROUNDS" =~ ^[0-9]+$ && "$ROUNDS" -ge 1 && "$ROUNDS" -le 10 ]] \
  || { echo "xet.sh: --rounds must be 1..10" >&2; exit 2; }
[[ "$RUNS" =~ ^[0-9]+$ && "$RUNS" -ge 1 && "$RUNS" -le 21 ]] \
  || { echo "xet.sh: --runs must be 1..21" >&2; exit 2; }
[[ "$MEMORY" == warm || "$MEMORY" == cold ]] || { echo "xet.sh: --memory takes warm or cold" >&2; exit 2; }
[[ "$ONLY" =~ ^[abcd](,[abcd])*$ ]] || { echo "xet.sh: --only takes a list of a,b,c,d" >&2; exit 2; }
want() { [[ ",$ONLY," == *",$1,"* ]]; }
WANT_AB=0; { want a || want b; } && WANT_AB=1

log() { printf '[xet-bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# ---------------------------------------------------------------- other work
others() { pgrep -af 'tests/bench/' | grep -v -e "^$$ " -e 'xet.sh' || true; }
busy() {
  echo "load average $(cut -d' ' -f1-3 /proc/loadavg); busiest other processes:"
  ps -eo pid=,pcpu=,comm= --sort=-pcpu | awk -v self=$$ '$1 != self && NR <= 6 { printf "  %s %s%% %s\n", $1, $2, $3 }'
}
OTHERS=$(others)
if [[ -n "$OTHERS" ]]; then
  log "another benchmark is running:"; echo "$OTHERS" >&2
  [[ $FORCE -eq 1 ]] || die "not measuring while it runs (use --force to measure anyway)"
fi
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
BUSY_BEFORE=$(busy)

# ---------------------------------------------------------------- tools
SUDO=""
[[ $(id -u) -eq 0 ]] || SUDO="sudo"
APT_UPDATED=0
need_pkgs() {  # need_pkgs package:command...
  local missing=() spec
  for spec in "$@"; do
    command -v "${spec#*:}" >/dev/null 2>&1 || missing+=("${spec%%:*}")
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  [[ $INSTALL -eq 1 ]] || die "missing packages: ${missing[*]} (run without --no-install)"
  log "installing ${missing[*]}"
  if [[ $APT_UPDATED -eq 0 ]]; then
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null; APT_UPDATED=1
  fi
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
}
need_pkgs curl:curl jq:jq time:/usr/bin/time coreutils:timeout procps:pgrep
if want a; then
  need_pkgs nodejs:node npm:npm
  if [[ ! -f "$JS_DIR/node_modules/@huggingface/hub/package.json" ]]; then
    [[ $INSTALL -eq 1 ]] || die "no $JS_DIR/node_modules (run npm ci --prefix tests/js, or without --no-install)"
    log "npm ci --prefix tests/js"
    timeout 600 npm ci --prefix "$JS_DIR" --no-audit --no-fund >/dev/null || die "npm ci failed"
  fi
  JS_VERSION=$(jq -r .version "$JS_DIR/node_modules/@huggingface/hub/package.json")
fi

# ---------------------------------------------------------------- binaries
if [[ -z "$HUBGET" || -z "$MOCKHUB" ]]; then
  need_pkgs cmake:cmake ninja-build:ninja g++:g++ pkg-config:pkg-config
  log "building hubget and mockhub (Release) in $BUILD_DIR"
  cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null \
    || die "cmake configure failed"
  timeout 1200 ninja -C "$BUILD_DIR" -j2 mockhub hubget_cli >/dev/null || die "build failed"
  HUBGET=${HUBGET:-$BUILD_DIR/client/hubget}
  MOCKHUB=${MOCKHUB:-$BUILD_DIR/mockhub/mockhub}
fi
[[ -x "$HUBGET" && -x "$MOCKHUB" ]] || die "missing binaries: $HUBGET $MOCKHUB"
build_type() {  # the CMAKE_BUILD_TYPE of the build tree holding a binary
  local t
  t=$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$(dirname "$(dirname "$1")")/CMakeCache.txt" 2>/dev/null)
  echo "${t:-unknown}"
}
HUBGET_TYPE=$(build_type "$HUBGET")
MOCKHUB_TYPE=$(build_type "$MOCKHUB")
[[ $HUBGET_TYPE == Release ]] || log "warning: $HUBGET is a $HUBGET_TYPE build, not Release"
[[ $MOCKHUB_TYPE == Release ]] || log "warning: $MOCKHUB is a $MOCKHUB_TYPE build, not Release"

# ---------------------------------------------------------------- scratch and cleanup
WORK=$(mktemp -d "${TMPDIR:-/tmp}/xet-bench.XXXXXX")
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
forget_pid() {
  local keep=() p
  for p in "${PIDS[@]}"; do [[ "$p" == "$1" ]] || keep+=("$p"); done
  PIDS=("${keep[@]+"${keep[@]}"}")
}
avail_kib=$(df -Pk "$WORK" | awk 'NR == 2 { print $4 }')
need_gib=4; want c && need_gib=10  # figure C holds 8 downloads of 1 GiB at once
[[ $avail_kib -gt $((need_gib * 1024 * 1024)) ]] || die "need ${need_gib} GiB free in $WORK"

calc() { awk "BEGIN { printf \"%.${2:-3}f\", $1 }"; }
now_ns() { date +%s%N; }
median() { sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
verdict() { if awk "BEGIN { exit !($1) }"; then echo PASS; else echo MISS; fi; }

# ---------------------------------------------------------------- worlds
# A, B, C: a 1 GiB Xet file with LZ4 chunks, and a plain LFS file of the same
# size (another seed, another repo) in the same world.
cat >"$WORK/world.json" <<'EOF'
{
  "version": 1,
  "about": "Xet benchmark world: a 1 GiB Xet-backed file (LZ4 chunks) and a 1 GiB plain LFS file.",
  "repos": {
    "bench/xet": {"files": {"model.bin": {"size": 1073741824, "seed": 5, "storage": "xet", "compression": "lz4"}}},
    "bench/lfs": {"files": {"model.bin": {"size": 1073741824, "seed": 9}}}
  }
}
EOF
# D: a 10 GiB synthetic Xet file and the 1 MiB peer (different seeds: a
# synthetic stream's xorbs are shared by every file of its seed).
cat >"$WORK/world-recon.json" <<'EOF'
{
  "version": 1,
  "about": "Xet benchmark world: a 10 GiB and a 1 MiB Xet-backed synthetic file (LZ4).",
  "repos": {
    "bench/recon": {"files": {
      "big.bin": {"size": 10737418240, "seed": 7, "storage": "xet", "compression": "lz4"},
      "small.bin": {"size": 1048576, "seed": 8, "storage": "xet", "compression": "lz4"}
    }}
  }
}
EOF
# The JS peer: downloadFile (XetBlob when the hub answers the Xet probe), the
# blob streamed to a file. Prints {size, seconds, type}.
cat >"$WORK/download.mjs" <<'EOF'
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { createWriteStream } from "node:fs";
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
const [jsDir, hubUrl, repo, path, out] = process.argv.slice(2);
const require = createRequire(`${jsDir}/package.json`);
const { downloadFile } = await import(pathToFileURL(require.resolve("@huggingface/hub")).href);
const t0 = process.hrtime.bigint();
const blob = await downloadFile({ repo, path, hubUrl });
if (!blob) throw new Error(`downloadFile(${path}) returned null`);
await pipeline(Readable.fromWeb(blob.stream()), createWriteStream(out));
const t1 = process.hrtime.bigint();
console.log(JSON.stringify({ size: blob.size, seconds: Number(t1 - t0) / 1e9, type: blob.constructor.name }));
EOF

# ---------------------------------------------------------------- mockhub
# start_mockhub WORLD: sets MH_PID, HUB, CDN, CAS (its first three stdout lines).
start_mockhub() {
  local out="$WORK/mockhub.out" i
  : >"$out"
  "$MOCKHUB" serve --world "$1" --port 0 --cdn-host 127.0.0.2 --cas-host 127.0.0.3 >"$out" 2>/dev/null &
  MH_PID=$!
  PIDS+=("$MH_PID")
  for i in $(seq 1 400); do
    grep -q '^MOCKHUB_CAS=' "$out" && break
    kill -0 "$MH_PID" 2>/dev/null || die "mockhub exited at start-up"
    sleep 0.025
  done
  HUB=$(sed -n 's/^HF_ENDPOINT=//p' "$out")
  CDN=$(sed -n 's/^MOCKHUB_CDN=//p' "$out")
  CAS=$(sed -n 's/^MOCKHUB_CAS=//p' "$out")
  [[ -n "$HUB" && -n "$CDN" && -n "$CAS" ]] || die "mockhub printed no URLs"
  curl -sf -o /dev/null --max-time 5 --retry 20 --retry-delay 0 --retry-connrefused "$HUB/_mockhub/health" \
    || die "mockhub not healthy"
}
stop_mockhub() {
  kill -TERM "$MH_PID" 2>/dev/null || true
  wait "$MH_PID" 2>/dev/null || true
  forget_pid "$MH_PID"
}
TICK=$(getconf CLK_TCK)
mock_cpu() { awk -v t="$TICK" '{ printf "%.3f", ($14 + $15) / t }' "/proc/$MH_PID/stat"; }
head_field() {  # head_field REPO FILE HEADER: one header of a HEAD on /resolve
  curl -sI --retry 60 --max-time 300 "$HUB/$1/resolve/main/$2" | tr -d '\r"' \
    | awk -v h="$(tr 'A-Z' 'a-z' <<<"$3"):" 'tolower($1) == h { print $2 }'
}

# Page-cache state before each timed download: every downloader writes 1 GiB
# of new pages, and on this VM (free page reporting) their price depends on
# what was freed recently; hubget.sh explains. warm: 2 GiB written and
# deleted first (as bare metal always is); cold: sync and 3 s of rest.
prepare() {
  sync
  if [[ $MEMORY == warm ]]; then
    dd if=/dev/zero of="$WORK/scratch" bs=1M count=2048 status=none
    rm -f "$WORK/scratch"
    sync
  else
    sleep 3
  fi
}

# hubget_run NAME REPO XET(true|false) [ARGS]: a fresh HF_HOME, one download
# of model.bin; prints "seconds max_rss_kib user_s sys_s mockhub_cpu_s" and
# checks the result (ok, the path taken, the blob named by its sha256).
hubget_run() {
  local name=$1 repo=$2 xet=$3 home="$WORK/hf-$1" t0 t1 m0 m1 blob
  shift 3
  rm -rf "$home"; mkdir -p "$home"
  m0=$(mock_cpu)
  t0=$(now_ns)
  env -i PATH="$PATH" HOME="$WORK" HF_HOME="$home" HF_HUB_CACHE="$home/hub" HF_ENDPOINT="$HUB" \
    timeout 600 /usr/bin/time -f '%M %U %S' -o "$WORK/$name.rss" \
    "$HUBGET" --json --quiet download "$repo" model.bin "$@" >"$WORK/$name.json" 2>"$WORK/$name.err" \
    || { cat "$WORK/$name.err" >&2; die "hubget $repo $* failed"; }
  t1=$(now_ns)
  m1=$(mock_cpu)
  jq -e '.ok == true' "$WORK/$name.json" >/dev/null || die "hubget $repo: $(tail -1 "$WORK/$name.json")"
  [[ "$(jq -r '.xet // false' "$WORK/$name.json")" == "$xet" ]] \
    || die "hubget $repo $*: expected xet=$xet, got $(tail -1 "$WORK/$name.json")"
  blob=$(readlink -f "$(jq -r '.paths[0]' "$WORK/$name.json")")
  [[ "$(basename "$blob")" == "${SHA[$repo]}" && $(stat -c %s "$blob") -eq $GIB ]] \
    || die "hubget's blob for $repo is not the verified 1 GiB file"
  rm -rf "$home"
  echo "$(calc "($t1 - $t0) / 1e9") $(tail -1 "$WORK/$name.rss") $(calc "$m1 - $m0")"
}
# js_run CHECK(0|1): downloadFile of bench/xet's model.bin to a file; prints
# "seconds internal_seconds max_rss_kib"; checks the size (and the sha256 with 1).
js_run() {
  local t0 t1 out="$WORK/js.bin" sum
  rm -f "$out"
  t0=$(now_ns)
  timeout 600 /usr/bin/time -f '%M' -o "$WORK/js.rss" \
    node "$WORK/download.mjs" "$JS_DIR" "$HUB" bench/xet model.bin "$out" >"$WORK/js.json" 2>"$WORK/js.err" \
    || { tail -20 "$WORK/js.err" >&2; die "downloadFile failed"; }
  t1=$(now_ns)
  [[ "$(jq -r .type "$WORK/js.json")" == XetBlob ]] || die "downloadFile did not take the Xet path: $(cat "$WORK/js.json")"
  [[ $(stat -c %s "$out") -eq $GIB ]] || die "downloadFile wrote $(stat -c %s "$out") bytes"
  if [[ $1 -eq 1 ]]; then
    sum=$(sha256sum "$out" | cut -d' ' -f1)
    [[ "$sum" == "${SHA[bench/xet]}" ]] || die "downloadFile's bytes have sha256 $sum"
  fi
  rm -f "$out"
  echo "$(calc "($t1 - $t0) / 1e9") $(calc "$(jq -r .seconds "$WORK/js.json")") $(tail -1 "$WORK/js.rss")"
}

ROWS=()
NOTES=()
declare -A SHA

# ---------------------------------------------------------------- A and B
if [[ $WANT_AB -eq 1 ]]; then
  start_mockhub "$WORK/world.json"
  log "mockhub at $HUB (CDN $CDN, CAS $CAS), pid $MH_PID"
  SHA[bench/xet]=$(head_field bench/xet model.bin X-Linked-Etag)
  t0=$(now_ns)
  SHA[bench/lfs]=$(head_field bench/lfs model.bin X-Linked-Etag)  # the LFS etag: sha256 on first use
  LFS_HEAD_S=$(calc "($(now_ns) - $t0) / 1e9")
  [[ ${#SHA[bench/xet]} -eq 64 && ${#SHA[bench/lfs]} -eq 64 ]] || die "no sha256 etags"
  # Warm-up, not counted: the mock compresses a xorb's chunks when it is
  # first asked for, and computes the Xet file's sha256 on first use.
  log "warm-up: one hubget Xet download (the mock compresses the xorbs on first use)"
  res=$(hubget_run warm bench/xet true)
  read -r FIRST_XET _ _ _ FIRST_XET_MOCK <<<"$res"
  log "   first Xet download $FIRST_XET s (mockhub CPU $FIRST_XET_MOCK s); first HEAD of the LFS file $LFS_HEAD_S s"

  declare -A RUN  # RUN[kind] = lines "seconds ..." per round
  KINDS=(xet lfs bridge)
  want a && KINDS+=(js)
  for r in $(seq 1 "$ROUNDS"); do
    # rotate the order each round so no side always follows the same one
    order=("${KINDS[@]:$(((r - 1) % ${#KINDS[@]}))}" "${KINDS[@]:0:$(((r - 1) % ${#KINDS[@]}))}")
    line="round $r:"
    for k in "${order[@]}"; do
      prepare
      case $k in
        xet) res=$(hubget_run xet bench/xet true) ;;
        lfs) res=$(hubget_run lfs bench/lfs false) ;;
        bridge) res=$(hubget_run bridge bench/xet false --no-xet) ;;
        js) res=$(js_run $((r == 1))) ;;
      esac
      RUN[$k]+="$res"$'\n'
      line+=" $k ${res%% *} s"
    done
    log "$line"
  done
  best() { grep -v '^$' <<<"${RUN[$1]}" | sort -g -k1,1 | head -1; }
  rounds_of() { grep -v '^$' <<<"${RUN[$1]}" | cut -d' ' -f1 | paste -sd' '; }
  read -r XET_S XET_RSS XET_U XET_SY XET_M <<<"$(best xet)"
  read -r LFS_S LFS_RSS LFS_U LFS_SY LFS_M <<<"$(best lfs)"
  read -r BR_S _ BR_U BR_SY BR_M <<<"$(best bridge)"
  stop_mockhub

  if want a; then
    read -r JS_S JS_IN JS_RSS <<<"$(best js)"
    A_RATIO=$(calc "$JS_S / $XET_S" 2)
    ROWS+=("A. 1 GiB Xet file (LZ4), hubget vs @huggingface/hub $JS_VERSION downloadFile + write, best of $ROUNDS|$XET_S s|$JS_S s|${A_RATIO}x|>= 3x|$(verdict "$A_RATIO >= 3")")
    NOTES+=("A: downloadFile alone (inside node, without its start-up): $JS_IN s in its best round; node's max RSS $(calc "$JS_RSS / 1024" 1) MiB; rounds (s): $(rounds_of js)")
  fi
  if want b; then
    B_RATIO=$(calc "$XET_S / $LFS_S" 2)
    ROWS+=("B. hubget Xet path vs its LFS path, 1 GiB each, best of $ROUNDS|$XET_S s|$LFS_S s|$B_RATIO|<= 1.3|$(verdict "$B_RATIO <= 1.3")")
  fi
  ROWS+=("   reference: hubget --no-xet (bridge, plain bytes) on the Xet file|$BR_S s|-|$(calc "$BR_S / $LFS_S" 2) of LFS|-|-")
  NOTES+=("hubget rounds (s): Xet $(rounds_of xet); LFS $(rounds_of lfs); bridge $(rounds_of bridge)")
  NOTES+=("CPU in the best round (user+sys s): hubget Xet $(calc "$XET_U + $XET_SY") (mockhub $XET_M), hubget LFS $(calc "$LFS_U + $LFS_SY") (mockhub $LFS_M), bridge $(calc "$BR_U + $BR_SY") (mockhub $BR_M)")
  NOTES+=("hubget max RSS: Xet $(calc "$XET_RSS / 1024" 1) MiB, LFS $(calc "$LFS_RSS / 1024" 1) MiB")
  NOTES+=("warm-up, not counted: the first Xet download after start-up took $FIRST_XET s (mockhub CPU $FIRST_XET_MOCK s); the first HEAD of the LFS file $LFS_HEAD_S s (its lazy sha256)")
fi

# ---------------------------------------------------------------- C
if want c; then
  start_mockhub "$WORK/world.json"  # fresh: VmHWM covers start-up, compression and the downloads
  SHA[bench/xet]=$(head_field bench/xet model.bin X-Linked-Etag)
  log "C. 8 concurrent hubget Xet downloads of the 1 GiB file from a fresh mockhub (pid $MH_PID)"
  prepare
  t0=$(now_ns)
  C_PIDS=()
  for i in 1 2 3 4 5 6 7 8; do
    home="$WORK/hf-c$i"; rm -rf "$home"; mkdir -p "$home"
    env -i PATH="$PATH" HOME="$WORK" HF_HOME="$home" HF_HUB_CACHE="$home/hub" HF_ENDPOINT="$HUB" \
      timeout 600 "$HUBGET" --json --quiet download bench/xet model.bin >"$WORK/c$i.json" 2>"$WORK/c$i.err" &
    C_PIDS+=("$!"); PIDS+=("$!")
  done
  C_FAIL=0
  for p in "${C_PIDS[@]}"; do wait "$p" || C_FAIL=$((C_FAIL + 1)); forget_pid "$p"; done
  C_S=$(calc "($(now_ns) - $t0) / 1e9")
  C_HWM=$(awk '/^VmHWM:/ { print $2 }' "/proc/$MH_PID/status")
  C_RSS=$(awk '/^VmRSS:/ { print $2 }' "/proc/$MH_PID/status")
  for i in 1 2 3 4 5 6 7 8; do
    jq -e '.ok == true and .xet == true' "$WORK/c$i.json" >/dev/null 2>&1 || C_FAIL=$((C_FAIL + 1))
    blob=$(readlink -f "$(jq -r '.paths[0]' "$WORK/c$i.json" 2>/dev/null)" 2>/dev/null || true)
    [[ -n "$blob" && "$(basename "$blob")" == "${SHA[bench/xet]}" ]] || C_FAIL=$((C_FAIL + 1))
    rm -rf "$WORK/hf-c$i"
  done
  [[ $C_FAIL -eq 0 ]] || { cat "$WORK"/c*.err >&2; die "$C_FAIL checks of the 8 concurrent downloads failed"; }
  stop_mockhub
  ROWS+=("C. mockhub peak memory (VmHWM), 8 concurrent hubget Xet downloads of 1 GiB|$(calc "$C_HWM / 1024" 1) MiB|-|-|< 64 MiB|$(verdict "$C_HWM < 65536")")
  NOTES+=("C: the 8 downloads took $C_S s together ($(calc "8 * 1024 / $C_S" 0) MiB/s aggregate), each verified; mockhub RSS after them $(calc "$C_RSS / 1024" 1) MiB")
fi

# ---------------------------------------------------------------- D
# recon_once FILE: a fresh server, its CAS token, one timed reconstruction of
# the whole file and one more (cached); sets ONE="first_ms again_ms bytes".
recon_once() {
  local hash tok r code total size again
  start_mockhub "$WORK/world-recon.json"
  hash=$(head_field bench/recon "$1" X-Xet-Hash)
  [[ ${#hash} -eq 64 ]] || die "no X-Xet-Hash for $1"
  tok=$(curl -sf --max-time 30 "$HUB/api/models/bench/recon/xet-read-token/main" | jq -r .accessToken)
  [[ "$tok" == eyJ* ]] || die "no CAS token"
  r=$(timeout 120 curl -s -o "$WORK/recon.json" --max-time 110 -H "Authorization: Bearer $tok" \
        -w '%{http_code} %{time_total} %{size_download}' "$CAS/v2/reconstructions/$hash")
  read -r code total size <<<"$r"
  [[ "$code" == 200 ]] && jq -e '.terms | length > 0' "$WORK/recon.json" >/dev/null \
    || die "reconstruction of $1 gave HTTP $code"
  again=$(timeout 120 curl -s -o /dev/null --max-time 110 -H "Authorization: Bearer $tok" \
            -w '%{time_total}' "$CAS/v2/reconstructions/$hash")
  stop_mockhub
  ONE="$(calc "$total * 1000" 2) $(calc "$again * 1000" 2) $size"
}
if want d; then
  log "D. first reconstruction of a 10 GiB Xet file vs a 1 MiB one, $RUNS fresh starts each"
  recon_once small.bin  # warm-up, not counted
  : >"$WORK/d-big.txt"; : >"$WORK/d-small.txt"
  for i in $(seq 1 "$RUNS"); do  # alternated
    if (( i % 2 )); then
      recon_once big.bin; big=$ONE; recon_once small.bin; small=$ONE
    else
      recon_once small.bin; small=$ONE; recon_once big.bin; big=$ONE
    fi
    echo "$big" >>"$WORK/d-big.txt"; echo "$small" >>"$WORK/d-small.txt"
    log "   run $i: 10 GiB ${big%% *} ms, 1 MiB ${small%% *} ms"
  done
  D_MS=$(awk '{ print $1 }' "$WORK/d-big.txt" | median)
  D_REF=$(awk '{ print $1 }' "$WORK/d-small.txt" | median)
  D_AGAIN=$(awk '{ print $2 }' "$WORK/d-big.txt" | median)
  D_BYTES=$(awk 'NR == 1 { print $3 }' "$WORK/d-big.txt")
  ROWS+=("D. first reconstruction of a 10 GiB Xet file (vs a 1 MiB one), median of $RUNS fresh starts|$D_MS ms|$D_REF ms|$(calc "$D_MS / $D_REF" 1)|< 100 ms|$(verdict "$D_MS < 100")")
  NOTES+=("D runs (ms): 10 GiB $(awk '{ printf "%s ", $1 }' "$WORK/d-big.txt")| 1 MiB $(awk '{ printf "%s ", $1 }' "$WORK/d-small.txt"); the same request again on the same server: $D_AGAIN ms (median); the 10 GiB answer is $D_BYTES bytes of JSON")
fi

# ---------------------------------------------------------------- report
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
BUSY_AFTER=$(busy)
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
HEADER="Xet benchmarks, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, kernel $(uname -r), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'); script at commit $COMMIT; hubget $HUBGET ($HUBGET_TYPE), mockhub $MOCKHUB ($MOCKHUB_TYPE); memory $MEMORY; node $(node --version 2>/dev/null || echo -); load average before $LOAD_BEFORE, after $LOAD_AFTER"
echo
echo "$HEADER"
printf '%-96s %10s %10s %12s %9s %5s\n' figure value peer ratio goal result
for row in "${ROWS[@]}"; do
  IFS='|' read -r f a b r g v <<<"$row"
  printf '%-96s %10s %10s %12s %9s %5s\n' "$f" "$a" "$b" "$r" "$g" "$v"
done
for n in "${NOTES[@]}"; do echo "  - $n"; done
echo "other benchmarks at the start: ${OTHERS:-none}"
echo "before: $BUSY_BEFORE"
echo "after:  $BUSY_AFTER"
if [[ -n "$MARKDOWN" ]]; then
  {
    echo "$HEADER."
    echo
    echo "| figure | value | peer | ratio | goal | result |"
    echo "|---|---:|---:|---:|---|---|"
    for row in "${ROWS[@]}"; do
      IFS='|' read -r f a b r g v <<<"$row"
      echo "| $f | $a | $b | $r | $g | $v |"
    done
    echo
    for n in "${NOTES[@]}"; do echo "- $n"; done
    echo
    echo '```'
    echo "other benchmarks at the start: ${OTHERS:-none}"
    echo "before: $BUSY_BEFORE"
    echo "after:  $BUSY_AFTER"
    echo '```'
  } >"$MARKDOWN"
fi
if [[ $STRICT -eq 1 ]] && printf '%s\n' "${ROWS[@]}" | grep -q '|MISS$'; then exit 3; fi
exit 0
