#!/usr/bin/env bash
# hubget benchmarks (issue 3 item 13): every ratio measured side by side in
# this run, against `mockhub serve` on loopback. See README.md here.
#
#   tests/bench/hubget.sh [--build-dir DIR] [--hubget PATH] [--mockhub PATH]
#                         [--rounds N] [--markdown FILE] [--no-4g] [--force]
#                         [--no-install]
#
# 1. 1 GiB LFS file into hubget's cache (sha256 verified) vs
#    `curl -o FILE URL && openssl dgst -sha256 FILE` on the same CDN URL
#    (goal: hubget >= 2x faster), and vs `openssl dgst -sha256 FILE` alone
#    (goal: hubget <= 1.25x). Interleaved rounds, best of each.
# 2. hubget's peak RSS for 1 GiB and 4 GiB (goal < 32 MiB).
# 3. snapshot of 1,000 small files: files/s, and from mockhub's journal at
#    most one HEAD and one GET per file.
# Refuses to run while another tests/bench script runs (--force to override);
# prints the load and the busiest other processes before and after.
set -euo pipefail
export LC_ALL=C

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD_DIR="$ROOT/build/bench-hubget"
HUBGET=""
MOCKHUB=""
ROUNDS=3
MARKDOWN=""
FOUR_GIB=1
FORCE=0
INSTALL=1
GIB=$((1024 * 1024 * 1024))

usage() { sed -n '2,17s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --build-dir) BUILD_DIR=$2; shift 2 ;;
    --hubget) HUBGET=$2; shift 2 ;;
    --mockhub) MOCKHUB=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --markdown) MARKDOWN=$2; shift 2 ;;
    --no-4g) FOUR_GIB=0; shift ;;
    --force) FORCE=1; shift ;;
    --no-install) INSTALL=0; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "hubget.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done
[[ "$ROUNDS" =~ ^[0-9]+$ && "$ROUNDS" -ge 1 && "$ROUNDS" -le 10 ]] \
  || { echo "hubget.sh: --rounds must be 1..10" >&2; exit 2; }

log() { printf '[hubget-bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# ---------------------------------------------------------------- other work
others() {  # other benchmark scripts, not this one
  pgrep -af 'tests/bench' | grep -v -e "^$$ " -e 'hubget.sh' || true
}
busy() {  # load and the busiest processes, for the record
  echo "load average $(cut -d' ' -f1-3 /proc/loadavg); busiest other processes:"
  ps -eo pid=,pcpu=,comm= --sort=-pcpu | awk -v self=$$ '$1 != self && NR <= 6 { printf "  %s %s%% %s\n", $1, $2, $3 }'
}
OTHERS=$(others)
if [[ -n "$OTHERS" ]]; then
  log "another benchmark is running:"; echo "$OTHERS" >&2
  [[ $FORCE -eq 1 ]] || die "not measuring while it runs (use --force to measure anyway)"
fi
BUSY_BEFORE=$(busy)

# ---------------------------------------------------------------- tools
SUDO=""
[[ $(id -u) -eq 0 ]] || SUDO="sudo"
need_pkgs() {  # need_pkgs package:command...
  local missing=() spec
  for spec in "$@"; do
    command -v "${spec#*:}" >/dev/null 2>&1 || missing+=("${spec%%:*}")
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  [[ $INSTALL -eq 1 ]] || die "missing packages: ${missing[*]}"
  log "installing ${missing[*]}"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
}
need_pkgs curl:curl openssl:openssl time:/usr/bin/time jq:jq coreutils:timeout procps:pgrep

# ---------------------------------------------------------------- binaries (Release)
if [[ -z "$HUBGET" || -z "$MOCKHUB" ]]; then
  need_pkgs cmake:cmake ninja-build:ninja g++:g++
  log "building hubget and mockhub (Release) in $BUILD_DIR"
  cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null \
    || die "cmake configure failed"
  timeout 1200 ninja -C "$BUILD_DIR" -j2 mockhub hubget_cli >/dev/null || die "build failed"
  HUBGET=${HUBGET:-$BUILD_DIR/client/hubget}
  MOCKHUB=${MOCKHUB:-$BUILD_DIR/mockhub/mockhub}
fi
[[ -x "$HUBGET" && -x "$MOCKHUB" ]] || die "missing binaries: $HUBGET $MOCKHUB"
for b in "$HUBGET" "$MOCKHUB"; do
  cache="$(dirname "$(dirname "$b")")/CMakeCache.txt"
  grep -q 'CMAKE_BUILD_TYPE:STRING=Release' "$cache" 2>/dev/null \
    || log "warning: $b does not look like a Release build"
done

# ---------------------------------------------------------------- scratch and cleanup
WORK=$(mktemp -d "${TMPDIR:-/tmp}/hubget-bench.XXXXXX")
MH_PID=""
cleanup() {
  exec 3<&- 2>/dev/null || true
  if [[ -n "$MH_PID" ]]; then
    kill -TERM "$MH_PID" 2>/dev/null || true
    wait "$MH_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
avail_kib=$(df -Pk "$WORK" | awk 'NR == 2 { print $4 }')
need_gib=$((FOUR_GIB ? 7 : 3))
[[ $avail_kib -gt $((need_gib * 1024 * 1024)) ]] || die "need ${need_gib} GiB free in $WORK"

calc() { awk "BEGIN { printf \"%.${2:-2}f\", $1 }"; }
now_ns() { date +%s%N; }
min_of() { sort -g | head -1; }

# ---------------------------------------------------------------- the world
{
  echo '{"version": 1, "about": "hubget benchmark world", "hub": {"tree_page_size": 1000},'
  echo ' "repos": {'
  echo '  "bench/one-gib": {"files": {"model.bin": {"size": 1073741824, "seed": 9}}},'
  echo '  "bench/four-gib": {"files": {"model.bin": {"size": 4294967296, "seed": 10}}},'
  echo '  "bench/small-files": {"files": {'
  for i in $(seq 1 1000); do
    printf '    "data/file-%04d.txt": "small file %d\\n"%s\n' "$i" "$i" "$([[ $i -lt 1000 ]] && echo ,)"
  done
  echo '  }}}}'
} >"$WORK/world.json"

# mockhub's first stdout line is HF_ENDPOINT=...: read it from a FIFO (a
# blocking read with a timeout, no polling).
mkfifo "$WORK/mockhub.out"
"$MOCKHUB" serve --world "$WORK/world.json" --port 0 --cdn-host 127.0.0.2 \
  >"$WORK/mockhub.out" 2>/dev/null &
MH_PID=$!
exec 3<"$WORK/mockhub.out"
read -r -t 20 line <&3 || die "mockhub printed nothing"
HUB=${line#HF_ENDPOINT=}
read -r -t 5 line <&3 || true
[[ "$HUB" == http://* ]] || die "unexpected mockhub output: $line"
log "mockhub at $HUB (pid $MH_PID)"

cdn_url() {  # signed CDN URL of a repo's model.bin (fresh each call)
  curl -sI --max-time 300 "$HUB/$1/resolve/main/model.bin" | tr -d '\r' \
    | sed -n 's/^[Ll]ocation: //p'
}
etag_of() {
  curl -sI --max-time 300 "$HUB/$1/resolve/main/model.bin" | tr -d '\r"' \
    | sed -n 's/^[Xx]-[Ll]inked-[Ee]tag: //p'
}

# The mock computes a synthetic file's sha256 on first use: do that now.
log "warming up (mockhub hashes the synthetic files once)"
SHA1G=$(etag_of bench/one-gib)
[[ ${#SHA1G} -eq 64 ]] || die "no sha256 etag for bench/one-gib"

# hubget_run NAME REPO [ARGS]: runs hubget with a fresh HF_HOME; prints
# "seconds max_rss_kib"; checks the result.
hubget_run() {
  local name=$1 repo=$2 home="$WORK/hf-$1" t0 t1 rss
  shift 2
  rm -rf "$home"
  mkdir -p "$home"
  sync  # settle writeback of earlier runs' files before timing (both sides)
  t0=$(now_ns)
  env -i PATH="$PATH" HOME="$WORK" HF_HOME="$home" HF_HUB_CACHE="$home/hub" HF_ENDPOINT="$HUB" \
    timeout 600 /usr/bin/time -f '%M' -o "$WORK/$name.rss" \
    "$HUBGET" --json --quiet download "$repo" "$@" >"$WORK/$name.json" 2>"$WORK/$name.err" \
    || { cat "$WORK/$name.err" >&2; die "hubget $repo failed"; }
  t1=$(now_ns)
  jq -e '.ok == true' "$WORK/$name.json" >/dev/null || die "hubget $repo: $(tail -1 "$WORK/$name.json")"
  rss=$(tail -1 "$WORK/$name.rss")
  echo "$(calc "($t1 - $t0) / 1e9" 3) $rss"
}

# ---------------------------------------------------------------- 1. 1 GiB
log "1 GiB: $ROUNDS interleaved rounds of hubget, curl+openssl, openssl alone"
HG_T=() CO_T=() OS_T=() CN_T=() HG_RSS1=()
for r in $(seq 1 "$ROUNDS"); do
  read -r t rss < <(hubget_run one bench/one-gib model.bin)
  blob=$(readlink -f "$(jq -r '.paths[0]' "$WORK/one.json")")
  [[ "$(basename "$blob")" == "$SHA1G" && $(stat -c %s "$blob") -eq $GIB ]] \
    || die "hubget's blob is not the verified 1 GiB file"
  rm -rf "$WORK/hf-one"
  sync
  HG_T+=("$t") HG_RSS1+=("$rss")

  url=$(cdn_url bench/one-gib)
  rm -f "$WORK/curl.bin"
  sync
  t0=$(now_ns)
  timeout 600 curl -s -o "$WORK/curl.bin" "$url"
  sum=$(openssl dgst -sha256 "$WORK/curl.bin" | awk '{ print $NF }')
  t1=$(now_ns)
  [[ "$sum" == "$SHA1G" ]] || die "curl's file has sha256 $sum"
  CO_T+=("$(calc "($t1 - $t0) / 1e9" 3)")

  t0=$(now_ns)
  openssl dgst -sha256 "$WORK/curl.bin" >/dev/null
  t1=$(now_ns)
  OS_T+=("$(calc "($t1 - $t0) / 1e9" 3)")
  rm -f "$WORK/curl.bin"

  # Reference, no goal: how fast the mock's CDN serves at all (a floor for
  # any client), curl into /dev/null.
  url=$(cdn_url bench/one-gib)
  t0=$(now_ns)
  timeout 600 curl -s -o /dev/null "$url"
  t1=$(now_ns)
  CN_T+=("$(calc "($t1 - $t0) / 1e9" 3)")
  log "  round $r: hubget ${HG_T[-1]} s (rss ${rss} KiB), curl+openssl ${CO_T[-1]} s, openssl ${OS_T[-1]} s, curl to /dev/null ${CN_T[-1]} s"
done
HG=$(printf '%s\n' "${HG_T[@]}" | min_of)
CO=$(printf '%s\n' "${CO_T[@]}" | min_of)
OS=$(printf '%s\n' "${OS_T[@]}" | min_of)
CN=$(printf '%s\n' "${CN_T[@]}" | min_of)
RSS1=$(printf '%s\n' "${HG_RSS1[@]}" | sort -g | tail -1)
SPEEDUP=$(calc "$CO / $HG")
VS_OPENSSL=$(calc "$HG / $OS")

# ---------------------------------------------------------------- 2. 4 GiB RSS
RSS4="-" T4="-"
if [[ $FOUR_GIB -eq 1 ]]; then
  log "4 GiB: one hubget run for peak RSS"
  etag_of bench/four-gib >/dev/null  # the mock hashes it first
  read -r T4 RSS4 < <(hubget_run four bench/four-gib model.bin)
  rm -rf "$WORK/hf-four"
fi

# ---------------------------------------------------------------- 3. snapshot
log "snapshot of 1,000 small files"
curl -s -X DELETE "$HUB/_mockhub/requests" >/dev/null
read -r TS RSSS < <(hubget_run snap bench/small-files)
NFILES=$(jq '.paths | length' "$WORK/snap.json")
[[ "$NFILES" -eq 1000 ]] || die "snapshot gave $NFILES files"
FPS=$(calc "$NFILES / $TS" 0)
curl -s "$HUB/_mockhub/requests" >"$WORK/journal.json"
# Per file: HEADs and GETs on /resolve/; the worst file counts.
read -r MAX_HEAD MAX_GET N_API < <(jq -r '
  (.entries? // .) as $e
  | [$e[] | select(.target | test("/resolve/"))
          | {p: (.target | sub("\\?.*"; "") | sub("^.*/resolve/[^/]+/"; "")), m: .method}]
  | group_by(.p)
  | [ (map([.[] | select(.m == "HEAD")] | length) | max),
      (map([.[] | select(.m == "GET")] | length) | max) ]
  + [ [$e[] | select(.target | startswith("/api/"))] | length ]
  | @tsv' "$WORK/journal.json")

BUSY_AFTER=$(busy)

# ---------------------------------------------------------------- report
ok() { awk "BEGIN { exit !($1) }" && echo OK || echo MISS; }
TABLE="| figure | value | goal | |
|---|---|---|---|
| 1 GiB LFS, hubget into its cache (sha256 verified), best of $ROUNDS | $HG s ($(calc "1024 / $HG" 0) MiB/s) | | |
| same URL, \`curl -o\` then \`openssl dgst -sha256\` | $CO s | | |
| \`openssl dgst -sha256\` alone on the file | $OS s | | |
| reference: \`curl -o /dev/null\` of the same URL (the CDN's own pace) | $CN s ($(calc "1024 / $CN" 0) MiB/s) | | |
| speed-up of hubget over curl+openssl | ${SPEEDUP}x | >= 2x | $(ok "$SPEEDUP >= 2") |
| hubget time / openssl alone | ${VS_OPENSSL}x | <= 1.25x | $(ok "$VS_OPENSSL <= 1.25") |
| hubget peak RSS, 1 GiB (max of rounds) | $(calc "$RSS1 / 1024" 1) MiB | < 32 MiB | $(ok "$RSS1 < 32768") |
| hubget peak RSS, 4 GiB | $([[ $RSS4 == - ]] && echo - || echo "$(calc "$RSS4 / 1024" 1) MiB ($T4 s)") | < 32 MiB | $([[ $RSS4 == - ]] && echo - || ok "$RSS4 < 32768") |
| snapshot of 1,000 small files | $TS s, $FPS files/s | | |
| requests per file in that snapshot (worst file) | $MAX_HEAD HEAD, $MAX_GET GET (+ $N_API API calls) | <= 1 each | $(ok "$MAX_HEAD <= 1 && $MAX_GET <= 1") |"

echo
echo "hubget benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(uname -r)"
echo "rounds (s): hubget ${HG_T[*]}; curl+openssl ${CO_T[*]}; openssl ${OS_T[*]}; curl to /dev/null ${CN_T[*]}"
echo "$TABLE"
echo
echo "other benchmarks running at the start: ${OTHERS:-none}"
echo "before: $BUSY_BEFORE"
echo "after:  $BUSY_AFTER"
if [[ -n "$MARKDOWN" ]]; then
  {
    echo "Run of $(date -u +%Y-%m-%dT%H:%MZ) ($(nproc) cores; rounds in s: hubget ${HG_T[*]};"
    echo "curl+openssl ${CO_T[*]}; openssl ${OS_T[*]})."
    echo
    echo "$TABLE"
    echo
    echo '```'
    echo "other benchmarks running at the start: ${OTHERS:-none}"
    echo "before: $BUSY_BEFORE"
    echo "after:  $BUSY_AFTER"
    echo '```'
  } >"$MARKDOWN"
fi
