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
#    (goal: hubget <= 1.25x). Interleaved rounds, best of each, in two
#    memory states (cold, warm: see "memory states" below), with the CPU
#    time of hubget and of mockhub, and what that CPU time allows on this
#    machine's cores.
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

usage() { sed -n '2,20s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; }
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
need_gib=$((FOUR_GIB ? 7 : 4))
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
  curl -sI --retry 60 --max-time 300 "$HUB/$1/resolve/main/model.bin" | tr -d '\r' \
    | sed -n 's/^[Ll]ocation: //p'
}
etag_of() {
  curl -sI --retry 60 --max-time 300 "$HUB/$1/resolve/main/model.bin" | tr -d '\r"' \
    | sed -n 's/^[Xx]-[Ll]inked-[Ee]tag: //p'
}

# The mock computes a synthetic file's sha256 on first use: do that now.
log "warming up (mockhub hashes the synthetic files once)"
SHA1G=$(etag_of bench/one-gib)
[[ ${#SHA1G} -eq 64 ]] || die "no sha256 etag for bench/one-gib"

# The mock's CPU time so far, in seconds (user + system).
TICK=$(getconf CLK_TCK)
mock_cpu() { awk -v t="$TICK" '{ printf "%.3f", ($14 + $15) / t }' "/proc/$MH_PID/stat"; }

# hubget_run NAME REPO [ARGS]: runs hubget with a fresh HF_HOME (made before
# the caller prepares the memory state); prints "seconds max_rss_kib
# user_s sys_s mock_cpu_s" (mockhub's CPU while hubget ran); checks the result.
hubget_home() { rm -rf "$WORK/hf-$1"; mkdir -p "$WORK/hf-$1"; }
hubget_run() {
  local name=$1 repo=$2 home="$WORK/hf-$1" t0 t1 m0 m1
  shift 2
  [[ -d "$home" ]] || hubget_home "$name"
  m0=$(mock_cpu)
  t0=$(now_ns)
  env -i PATH="$PATH" HOME="$WORK" HF_HOME="$home" HF_HUB_CACHE="$home/hub" HF_ENDPOINT="$HUB" \
    timeout 600 /usr/bin/time -f '%M %U %S' -o "$WORK/$name.rss" \
    "$HUBGET" --json --quiet download "$repo" "$@" >"$WORK/$name.json" 2>"$WORK/$name.err" \
    || { cat "$WORK/$name.err" >&2; die "hubget $repo failed"; }
  t1=$(now_ns)
  m1=$(mock_cpu)
  jq -e '.ok == true' "$WORK/$name.json" >/dev/null || die "hubget $repo: $(tail -1 "$WORK/$name.json")"
  echo "$(calc "($t1 - $t0) / 1e9" 3) $(tail -1 "$WORK/$name.rss") $(calc "$m1 - $m0" 3)"
}

# ---------------------------------------------------------------- memory states
# Writing 1 GiB puts 1 GiB of new pages in the page cache, and on a VM with
# free page reporting (virtio-balloon; Firecracker here) what a new page costs
# depends on the past: memory freed in the last ~2 s is still the guest's and
# cheap to reuse; memory freed earlier has been handed back to the host, and
# each page of it costs a host fault when touched again (dd of 1 GiB into the
# page cache: ~0.3 s of system time warm, 1-2 s cold, on this machine). Both
# peers write the file, so every timed command starts from the same state,
# and the run measures both:
#   cold: sync, then 3 s for freed memory to go back to the host;
#   warm: sync, then 2 GiB written to a scratch file and deleted, so the
#         kernel hands out recently freed memory, as on bare metal (mostly:
#         the `dd` reference row shows how warm each state really was).
# On a machine without page reporting the two states measure the same thing.
REPORTING="no"
if [[ -d /sys/bus/virtio/drivers/virtio_balloon ]]; then
  order=$(sed -n 's/.*page_reporting\.page_reporting_order=\([0-9]*\).*/\1/p' /proc/cmdline)
  REPORTING="virtio_balloon present${order:+, page_reporting_order=$order}"
fi
prepare() {  # prepare STATE
  sync
  case "$1" in
    cold) sleep 3 ;;
    warm)
      dd if=/dev/zero of="$WORK/scratch" bs=1M count=2048 status=none
      rm -f "$WORK/scratch"
      ;;
  esac
}
# The page cache's own price in this state: seconds of `dd` writing 1 GiB.
dd_write() {
  local t0 t1
  rm -f "$WORK/dd.bin"
  t0=$(now_ns)
  dd if=/dev/zero of="$WORK/dd.bin" bs=1M count=1024 status=none
  t1=$(now_ns)
  rm -f "$WORK/dd.bin"
  calc "($t1 - $t0) / 1e9" 3
}

# ---------------------------------------------------------------- figure 1: 1 GiB
# Per state and round, each command after prepare(): hubget; curl -o then
# openssl; openssl alone (reads the page cache: no new pages); dd (the write
# floor); curl to /dev/null (the CDN's own pace, a reference).
declare -A HG CO OS DD CN
HG_RSS1=()
STATES=(cold warm)
for state in "${STATES[@]}"; do
  log "1 GiB, memory $state: $ROUNDS rounds of hubget, curl+openssl, openssl alone, dd"
  for r in $(seq 1 "$ROUNDS"); do
    hubget_home one
    prepare "$state"
    read -r t rss u sy m < <(hubget_run one bench/one-gib model.bin)
    blob=$(readlink -f "$(jq -r '.paths[0]' "$WORK/one.json")")
    [[ "$(basename "$blob")" == "$SHA1G" && $(stat -c %s "$blob") -eq $GIB ]] \
      || die "hubget's blob is not the verified 1 GiB file"
    rm -rf "$WORK/hf-one"
    HG[$state]+="$t $(calc "$u + $sy" 3) $m"$'\n'
    HG_RSS1+=("$rss")

    url=$(cdn_url bench/one-gib)
    rm -f "$WORK/curl.bin"
    prepare "$state"
    t0=$(now_ns)
    timeout 600 curl -s -o "$WORK/curl.bin" "$url"
    t1=$(now_ns)
    sum=$(openssl dgst -sha256 "$WORK/curl.bin" | awk '{ print $NF }')
    t2=$(now_ns)
    [[ "$sum" == "$SHA1G" ]] || die "curl's file has sha256 $sum"
    CO[$state]+="$(calc "($t2 - $t0) / 1e9" 3) $(calc "($t1 - $t0) / 1e9" 3)"$'\n'

    t0=$(now_ns)
    openssl dgst -sha256 "$WORK/curl.bin" >/dev/null
    t1=$(now_ns)
    OS[$state]+="$(calc "($t1 - $t0) / 1e9" 3)"$'\n'
    rm -f "$WORK/curl.bin"

    prepare "$state"
    DD[$state]+="$(dd_write)"$'\n'

    url=$(cdn_url bench/one-gib)
    t0=$(now_ns)
    timeout 600 curl -s -o /dev/null "$url"
    t1=$(now_ns)
    CN[$state]+="$(calc "($t1 - $t0) / 1e9" 3)"$'\n'
    log "  $state round $r: hubget $t s (cpu $u u + $sy s, mockhub $m s, rss $rss KiB)," \
      "curl+openssl $(tail -2 <<<"${CO[$state]}" | head -1 | cut -d' ' -f1) s," \
      "openssl $(tail -2 <<<"${OS[$state]}" | head -1) s, dd $(tail -2 <<<"${DD[$state]}" | head -1) s"
  done
done
RSS1=$(printf '%s\n' "${HG_RSS1[@]}" | sort -g | tail -1)

# best ROWS: the row with the smallest first field (a round's figures stay together).
best() { grep -v '^$' <<<"$1" | sort -g -k1,1 | head -1; }
# rounds ROWS: the first fields, space-separated, for the record.
rounds() { grep -v '^$' <<<"$1" | cut -d' ' -f1 | paste -sd' '; }
declare -A R  # R[state,figure]
NPROC=$(nproc)
for state in "${STATES[@]}"; do
  read -r R[$state,hg] R[$state,hgcpu] R[$state,mock] <<<"$(best "${HG[$state]}")"
  read -r R[$state,co] R[$state,cu] <<<"$(best "${CO[$state]}")"
  R[$state,os]=$(best "${OS[$state]}")
  R[$state,dd]=$(best "${DD[$state]}")
  R[$state,cn]=$(best "${CN[$state]}")
  R[$state,speedup]=$(calc "${R[$state,co]} / ${R[$state,hg]}")
  R[$state,vs]=$(calc "${R[$state,hg]} / ${R[$state,os]}")
  # What 2x asks of hubget, and the least wall time hubget's and mockhub's
  # CPU work in that round allows on this many cores.
  R[$state,need]=$(calc "${R[$state,co]} / 2" 3)
  R[$state,floor]=$(calc "(${R[$state,hgcpu]} + ${R[$state,mock]}) / $NPROC" 3)
done

# ---------------------------------------------------------------- figure 3: snapshot (before the 4 GiB run)
log "snapshot of 1,000 small files"
curl -s -X DELETE -H 'Content-Type: application/json' "$HUB/_mockhub/requests" >/dev/null
hubget_home snap
# After the deletes of the 1 GiB rounds: let their writeback and the file
# system's discards settle (ext4 mounted with `discard` delays the journal
# commits that 1,000 file creations need).
prepare cold
read -r TS _ < <(hubget_run snap bench/small-files)
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

# ---------------------------------------------------------------- figure 2: 4 GiB RSS
RSS4="-" T4="-"
if [[ $FOUR_GIB -eq 1 ]]; then
  log "4 GiB: one hubget run for peak RSS"
  etag_of bench/four-gib >/dev/null  # the mock hashes it first
  hubget_home four
  prepare none
  read -r T4 RSS4 _ < <(hubget_run four bench/four-gib model.bin)
  rm -rf "$WORK/hf-four"
fi

BUSY_AFTER=$(busy)

# ---------------------------------------------------------------- report
ok() { awk "BEGIN { exit !($1) }" && echo OK || echo MISS; }
row() {  # row LABEL FIELD [SUFFIX]: one value per memory state
  local line="| $1 |" state
  for state in "${STATES[@]}"; do line+=" ${R[$state,$2]}${3:-} |"; done
  echo "$line"
}
goal_row() {  # goal_row LABEL FIELD CONDITION-WITH-X GOAL
  local line="| $1 |" state
  for state in "${STATES[@]}"; do
    line+=" ${R[$state,$2]}x $(ok "${3//X/${R[$state,$2]}}") |"
  done
  echo "$line $4 |"
}
TABLE="| 1 GiB LFS file, best of $ROUNDS rounds (s) | cold memory | warm memory | goal |
|---|---|---|---|
$(row "hubget into its cache, sha256 verified" hg) |
$(row "\`curl -o\` then \`openssl dgst -sha256\`, same URL" co) |
$(row "  of which \`curl -o\`" cu) |
$(row "\`openssl dgst -sha256\` alone on the file" os) |
$(goal_row "speed-up of hubget over curl+openssl" speedup "X >= 2" ">= 2x")
$(goal_row "hubget time / openssl alone" vs "X <= 1.25" "<= 1.25x")
$(row "CPU time of hubget (user+sys) in its best round" hgcpu) |
$(row "CPU time of mockhub serving it" mock) |
$(row "2x asks hubget for at most (curl+openssl)/2" need) |
$(row "least time hubget's and mockhub's CPU time allow on $NPROC cores" floor) |
$(row "reference: \`dd\` writing 1 GiB to the page cache" dd) |
$(row "reference: \`curl -o /dev/null\` (the CDN's own pace)" cn) |

| figure | value | goal | |
|---|---|---|---|
| hubget peak RSS, 1 GiB (max of all rounds) | $(calc "$RSS1 / 1024" 1) MiB | < 32 MiB | $(ok "$RSS1 < 32768") |
| hubget peak RSS, 4 GiB | $([[ $RSS4 == - ]] && echo - || echo "$(calc "$RSS4 / 1024" 1) MiB ($T4 s)") | < 32 MiB | $([[ $RSS4 == - ]] && echo - || ok "$RSS4 < 32768") |
| snapshot of 1,000 small files | $TS s, $FPS files/s | | |
| requests per file in that snapshot (worst file) | $MAX_HEAD HEAD, $MAX_GET GET (+ $N_API API calls) | <= 1 each | $(ok "$MAX_HEAD <= 1 && $MAX_GET <= 1") |"

ROUNDS_LINE=""
for state in "${STATES[@]}"; do
  ROUNDS_LINE+="$state: hubget $(rounds "${HG[$state]}"); curl+openssl $(rounds "${CO[$state]}");"
  ROUNDS_LINE+=" openssl $(rounds "${OS[$state]}"); dd $(rounds "${DD[$state]}"). "
done
HEADER="hubget benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $NPROC cores, kernel $(uname -r), page reporting: $REPORTING"
FOOTER="rounds (s): $ROUNDS_LINE
other benchmarks running at the start: ${OTHERS:-none}
before: $BUSY_BEFORE
after:  $BUSY_AFTER"

echo
echo "$HEADER"
echo "$TABLE"
echo
echo "$FOOTER"
if [[ -n "$MARKDOWN" ]]; then
  {
    echo "$HEADER."
    echo
    echo "$TABLE"
    echo
    echo '```'
    echo "$FOOTER"
    echo '```'
  } >"$MARKDOWN"
fi
