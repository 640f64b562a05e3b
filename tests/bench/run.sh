#!/usr/bin/env bash
# mockhub benchmarks: each figure is measured in this run, side by side with
# nginx on the same machine where a reference makes sense. See README.md here.
#
#   tests/bench/run.sh [--mockhub PATH] [--build-dir DIR] [--markdown FILE]
#                      [--duration SECONDS] [--rounds N] [--wait-idle SECONDS]
#                      [--only first-get] [--strict] [--no-install]
#
# All traffic stays on loopback (hub 127.0.0.1, CDN 127.0.0.2, nginx
# 127.0.0.1). Exit 0 when it ran (goals missed are shown as MISS), 1 on a
# broken run, 3 with --strict when a goal was missed.
set -euo pipefail
export LC_ALL=C  # a decimal point, not a comma, in every figure

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
MOCKHUB=""
BUILD_DIR="$ROOT/build/bench"
MARKDOWN=""
DURATION=10       # seconds of each request-rate run
ROUNDS=2          # request-rate runs per side (ABBA order), best kept
WAIT_IDLE=0       # seconds to wait at most for other work on the machine to stop
STRICT=0
INSTALL=1
ONLY=all          # or first-get: figure 5 alone (no nginx, no 1 GiB files)
FIRST_GET_RUNS=7  # fresh server starts per world in figure 5
GIB=$((1024 * 1024 * 1024))

usage() { sed -n '2,12s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --mockhub) MOCKHUB=$2; shift 2 ;;
    --build-dir) BUILD_DIR=$2; shift 2 ;;
    --markdown) MARKDOWN=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --wait-idle) WAIT_IDLE=$2; shift 2 ;;
    --only) ONLY=$2; shift 2 ;;
    --strict) STRICT=1; shift ;;
    --no-install) INSTALL=0; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done
[[ "$DURATION" =~ ^[0-9]+$ && "$DURATION" -ge 1 && "$DURATION" -le 120 ]] \
  || { echo "run.sh: --duration must be 1..120" >&2; exit 2; }
[[ "$WAIT_IDLE" =~ ^[0-9]+$ && "$WAIT_IDLE" -le 3600 ]] \
  || { echo "run.sh: --wait-idle must be 0..3600" >&2; exit 2; }
[[ "$ROUNDS" =~ ^[0-9]+$ && "$ROUNDS" -ge 1 && "$ROUNDS" -le 10 ]] \
  || { echo "run.sh: --rounds must be 1..10" >&2; exit 2; }
[[ "$ONLY" == all || "$ONLY" == first-get ]] \
  || { echo "run.sh: --only takes first-get" >&2; exit 2; }

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# ---------------------------------------------------------------- tools
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
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
# wrk cannot measure HEAD (its parser waits for the Content-Length body that a
# HEAD response never has), so ab (apache2-utils) measures HEAD; wrk measures GET.
if [[ $ONLY == all ]]; then
  need_pkgs nginx:nginx wrk:wrk curl:curl apache2-utils:ab coreutils:timeout procps:pgrep
else
  need_pkgs curl:curl coreutils:timeout
fi

# ---------------------------------------------------------------- scratch space and cleanup
WORK=$(mktemp -d "${TMPDIR:-/tmp}/mockhub-bench.XXXXXX")
chmod 755 "$WORK"   # nginx workers may run as another user
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [[ -f "$WORK/nginx/nginx.pid" ]]; then
    kill -TERM "$(cat "$WORK/nginx/nginx.pid")" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

forget_pid() {  # drop a pid that has been waited for
  local keep=() p
  for p in "${PIDS[@]}"; do [[ "$p" == "$1" ]] || keep+=("$p"); done
  PIDS=("${keep[@]+"${keep[@]}"}")
}

# ---------------------------------------------------------------- mockhub binary
if [[ -z "$MOCKHUB" ]]; then
  need_pkgs cmake:cmake ninja-build:ninja g++:g++ pkg-config:pkg-config
  if [[ $INSTALL -eq 1 ]]; then
    # The project's build dependencies (Debian packages only); dpkg -s is quiet when present.
    deps=(libcpp-httplib-dev nlohmann-json3-dev libcurl4-openssl-dev libssl-dev libcli11-dev
          libgtest-dev libgmock-dev)
    missing=()
    for p in "${deps[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
    if [[ ${#missing[@]} -gt 0 ]]; then
      log "installing ${missing[*]}"
      $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
      $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >/dev/null
    fi
  fi
  log "building mockhub (Release) in $BUILD_DIR"
  cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DMOCKHUB_BUILD_TESTS=OFF \
    >"$WORK/build.log" 2>&1 \
    || { cat "$WORK/build.log" >&2; die "cmake configure failed"; }
  # In the background and waited for, so a signal stops the script (and, by
  # the trap, the build) at once instead of after the build.
  timeout 900 ninja -C "$BUILD_DIR" -j2 mockhub >>"$WORK/build.log" 2>&1 &
  BUILD_PID=$!
  PIDS+=("$BUILD_PID")
  wait "$BUILD_PID" || { tail -30 "$WORK/build.log" >&2; die "build failed"; }
  forget_pid "$BUILD_PID"
  MOCKHUB="$BUILD_DIR/mockhub/mockhub"
fi
[[ -x "$MOCKHUB" ]] || die "no mockhub binary at $MOCKHUB"
grep -q 'CMAKE_BUILD_TYPE:STRING=Release' "$(dirname "$(dirname "$MOCKHUB")")/CMakeCache.txt" 2>/dev/null \
  || log "warning: $MOCKHUB does not look like a Release build"

# ---------------------------------------------------------------- helpers
# awk does the float arithmetic.
calc() { awk "BEGIN { printf \"%.${2:-3}f\", $1 }"; }
median() { sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
max_of() { sort -g | tail -1; }

wait_http() {  # wait_http URL: until it answers 2xx, at most 10 s
  local i
  for i in $(seq 1 200); do
    curl -sf -o /dev/null --max-time 1 "$1" && return 0
    sleep 0.05
  done
  return 1
}

# start_mockhub WORLD: sets MH_PID, HUB, CDN. stdout goes to a file (its first
# lines are the URLs), stderr (one line per request) to /dev/null.
start_mockhub() {
  local out="$WORK/mockhub.out" i
  : >"$out"
  "$MOCKHUB" serve --world "$1" --port 0 --cdn-host 127.0.0.2 >"$out" 2>/dev/null &
  MH_PID=$!
  PIDS+=("$MH_PID")
  for i in $(seq 1 200); do
    [[ $(grep -c '' "$out") -ge 2 ]] && break
    kill -0 "$MH_PID" 2>/dev/null || die "mockhub exited at start-up"
    sleep 0.05
  done
  HUB=$(sed -n 's/^HF_ENDPOINT=//p' "$out")
  CDN=$(sed -n 's/^MOCKHUB_CDN=//p' "$out")
  [[ -n "$HUB" && -n "$CDN" ]] || die "mockhub printed no URLs"
  wait_http "$HUB/_mockhub/health" || die "mockhub not healthy"
}
stop_mockhub() {
  kill -TERM "$MH_PID" 2>/dev/null || true
  wait "$MH_PID" 2>/dev/null || true
  forget_pid "$MH_PID"
}

signed_url() {  # the signed CDN URL from a HEAD on resolve; a file above 64 MiB is hashed in the
  # background and answered 503 + Retry-After until its sha256 is known: curl retries, as clients do
  curl -sI --retry 30 --max-time 120 "$HUB/bench/big/resolve/main/model.bin" \
    | tr -d '\r' | sed -n 's/^[Ll]ocation: //p'
}

download_speed() {  # bytes/s of one GET to /dev/null; checks the size
  local r
  r=$(timeout 300 curl -s -o /dev/null --max-time 280 -w '%{http_code} %{size_download} %{speed_download}' "$1")
  read -r code size speed <<<"$r"
  [[ "$code" == 200 && "$size" == "$GIB" ]] || die "download of $1 gave HTTP $code, $size bytes"
  echo "$speed"
}

# ---------------------------------------------------------------- fixtures
idle_percent() {  # share of CPU time idle over one second, from /proc/stat
  local a b
  read -ra a </proc/stat; sleep 1; read -ra b </proc/stat
  local i total=0 idle
  for i in 1 2 3 4 5 6 7 8; do total=$((total + b[i] - a[i])); done
  idle=$((b[4] - a[4] + b[5] - a[5]))
  echo $((total > 0 ? idle * 100 / total : 100))
}
if [[ $WAIT_IDLE -gt 0 ]]; then
  deadline=$((SECONDS + WAIT_IDLE)) quiet=0
  while [[ $SECONDS -lt $deadline ]]; do
    if [[ $(idle_percent) -ge 90 ]]; then quiet=$((quiet + 1)); else quiet=0; fi
    [[ $quiet -ge 5 ]] && break
  done
  [[ $quiet -ge 5 ]] && log "the machine is idle" || log "warning: still busy after ${WAIT_IDLE}s; measuring anyway"
fi
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
log "machine: $(nproc) cores, kernel $(uname -r), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), load $LOAD_BEFORE"
cat >"$WORK/world.json" <<'EOF'
{
  "version": 1,
  "about": "Benchmark world: one small regular file and one 1 GiB synthetic LFS file.",
  "repos": {
    "bench/big": {
      "files": {
        "config.json": "{\n  \"architectures\": [\"BenchModel\"],\n  \"hidden_size\": 1024,\n  \"model_type\": \"bench\"\n}\n",
        "model.bin": {"size": 1073741824, "seed": 9}
      }
    }
  }
}
EOF

# ---------------------------------------------------------------- 5. first small GET, big world
# A world must not cost what nobody asks for: the CDN's first GET of a 1 KiB
# file must not hash (or otherwise touch) the 2 GiB files beside it. Each run
# is a fresh server (so the GET is the object's first), the HEAD on /resolve
# gives the signed URL, and curl times the one GET. The peer is the same GET
# in the same world without the big files.
cat >"$WORK/world-first-get-big.json" <<'EOF'
{
  "version": 1,
  "about": "Benchmark world: two 2 GiB synthetic LFS files and a 1 KiB one in one repo.",
  "repos": {
    "bench/first-get": {
      "files": {
        "big-1.bin": {"size": 2147483648, "seed": 21},
        "big-2.bin": {"size": 2147483648, "seed": 22},
        "small.bin": {"size": 1024, "seed": 23}
      }
    }
  }
}
EOF
cat >"$WORK/world-first-get-small.json" <<'EOF'
{
  "version": 1,
  "about": "Benchmark world: the 1 KiB synthetic LFS file alone.",
  "repos": {"bench/first-get": {"files": {"small.bin": {"size": 1024, "seed": 23}}}}
}
EOF
# first_get_once WORLD: a fresh server, one HEAD and one timed GET; sets
# ONE_RUN="GET-ms HEAD-ms". (Not in a $(...) subshell: the server it starts
# must be known to the cleanup trap.)
first_get_once() {
  local t0 head_ms url r code size total
  start_mockhub "$1"
  t0=$EPOCHREALTIME
  url=$(curl -sI --max-time 30 "$HUB/bench/first-get/resolve/main/small.bin" \
    | tr -d '\r' | sed -n 's/^[Ll]ocation: //p')
  head_ms=$(calc "($EPOCHREALTIME - $t0) * 1000" 2)
  [[ "$url" == http://127.0.0.2:* ]] || die "no signed CDN URL for small.bin (got '$url')"
  r=$(timeout 60 curl -s -o /dev/null --max-time 50 -w '%{http_code} %{size_download} %{time_total}' "$url")
  read -r code size total <<<"$r"
  [[ "$code" == 200 && "$size" == 1024 ]] || die "first GET of small.bin gave HTTP $code, $size bytes"
  stop_mockhub
  ONE_RUN="$(calc "$total * 1000" 3) $head_ms"
}
first_get_figure() {  # sets FG_MS FG_REF_MS FG_RATIO FG_HEAD_MS FG_REF_HEAD_MS FG_RUNS V5
  local i big small
  log "5. first CDN GET of a 1 KiB file beside two 2 GiB files, $FIRST_GET_RUNS fresh starts per world"
  first_get_once "$WORK/world-first-get-big.json"  # warm-up, not counted
  : >"$WORK/first-get-big.txt"
  : >"$WORK/first-get-small.txt"
  for i in $(seq 1 "$FIRST_GET_RUNS"); do  # alternated, so both see the same machine state
    if (( i % 2 )); then
      first_get_once "$WORK/world-first-get-big.json"; big=$ONE_RUN
      first_get_once "$WORK/world-first-get-small.json"; small=$ONE_RUN
    else
      first_get_once "$WORK/world-first-get-small.json"; small=$ONE_RUN
      first_get_once "$WORK/world-first-get-big.json"; big=$ONE_RUN
    fi
    echo "$big" >>"$WORK/first-get-big.txt"
    echo "$small" >>"$WORK/first-get-small.txt"
    log "   run $i: GET ${big% *} ms with the big files, ${small% *} ms without (HEAD ${big#* } / ${small#* } ms)"
  done
  FG_MS=$(calc "$(awk '{ print $1 }' "$WORK/first-get-big.txt" | median)" 2)
  FG_REF_MS=$(calc "$(awk '{ print $1 }' "$WORK/first-get-small.txt" | median)" 2)
  FG_HEAD_MS=$(calc "$(awk '{ print $2 }' "$WORK/first-get-big.txt" | median)" 1)
  FG_REF_HEAD_MS=$(calc "$(awk '{ print $2 }' "$WORK/first-get-small.txt" | median)" 1)
  FG_RATIO=$(calc "$FG_MS / $FG_REF_MS" 2)
  FG_RUNS="$(awk '{ printf "%s ", $1 }' "$WORK/first-get-big.txt")| without: $(awk '{ printf "%s ", $1 }' "$WORK/first-get-small.txt")"
  V5=$(verdict "$FG_MS < 50")
  log "   median $FG_MS ms with the big files, $FG_REF_MS ms without (ratio $FG_RATIO)"
}
first_get_row() {
  echo "first CDN GET of 1 KiB beside two 2 GiB files, median of $FIRST_GET_RUNS|$FG_MS ms|-|$FG_RATIO|< 50 ms|$V5"
}
first_get_notes() {
  echo "figure 5's ratio is against the same GET in a world without the 2 GiB files: $FG_REF_MS ms (median)"
  echo "figure 5's HEAD on /resolve before the GET, curl's start-up included (median): $FG_HEAD_MS ms with the big files, $FG_REF_HEAD_MS ms without; GET runs (ms): $FG_RUNS"
}

# ---------------------------------------------------------------- summary (printed at the end)
verdict() { if awk "BEGIN { exit !($1) }"; then echo PASS; else echo MISS; fi; }
mib() { calc "$1 / 1048576" 0; }
# report: prints ROWS and NOTES (and writes them as markdown with
# --markdown); exits 3 with --strict when VERDICTS holds a MISS, else 0.
report() {
  local machine commit row n f a b r g v
  machine="$(nproc) cores, kernel $(uname -r), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  if [[ "$MOCKHUB" == "$BUILD_DIR/mockhub/mockhub" ]]; then
    commit="commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
    [[ -n "$(git -C "$ROOT" status --porcelain -- mockhub 2>/dev/null)" ]] && commit+=" + local changes in mockhub/"
  else
    commit="binary $MOCKHUB"
  fi
  echo
  echo "mockhub benchmarks ($(date -u +%Y-%m-%dT%H:%MZ), $commit)"
  echo "machine: $machine"
  if [[ $ONLY == all ]]; then
    echo "nginx $(nginx -v 2>&1 | sed 's/.*nginx\///'), $(curl --version | head -1 | cut -d' ' -f1-2), $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2), ab $(ab -V | head -1 | sed 's/.*Version //; s/ .*//')"
  else
    curl --version | head -1 | cut -d' ' -f1-2
  fi
  printf '%-62s %16s %16s %7s %12s %6s\n' figure mockhub nginx ratio goal result
  for row in "${ROWS[@]}"; do
    IFS='|' read -r f a b r g v <<<"$row"
    printf '%-62s %16s %16s %7s %12s %6s\n' "$f" "$a" "$b" "$r" "$g" "$v"
  done
  for n in "${NOTES[@]}"; do echo "  - $n"; done

  if [[ -n "$MARKDOWN" ]]; then
    {
      if [[ $ONLY == all ]]; then
        echo "Measured $(date -u +%Y-%m-%d), $commit, on $machine; $(nginx -v 2>&1 | sed 's/.*: //')."
      else
        echo "Measured $(date -u +%Y-%m-%d), $commit, on $machine (--only $ONLY)."
      fi
      echo
      echo "| figure | mockhub | nginx | ratio | goal | result |"
      echo "|---|---:|---:|---:|---|---|"
      for row in "${ROWS[@]}"; do
        IFS='|' read -r f a b r g v <<<"$row"
        echo "| $f | $a | $b | $r | $g | $v |"
      done
      echo
      for n in "${NOTES[@]}"; do echo "- $n"; done
    } >"$MARKDOWN"
    log "markdown written to $MARKDOWN"
  fi

  if [[ $STRICT -eq 1 && "$VERDICTS" == *MISS* ]]; then exit 3; fi
  exit 0
}
load_note() {
  echo "load average before / after the run: $LOAD_BEFORE / $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine makes figures noisy)"
}

if [[ $ONLY == first-get ]]; then
  first_get_figure
  ROWS=("$(first_get_row)")
  mapfile -t NOTES < <(first_get_notes; load_note)
  VERDICTS=$V5
  report
fi

log "writing nginx's own 1 GiB file"
mkdir -p "$WORK/nginx/www" "$WORK/nginx/tmp" "$WORK/nginx/logs"
head -c "$GIB" /dev/urandom >"$WORK/nginx/www/big.bin"
# The same small file mockhub serves as config.json.
printf '{\n  "architectures": ["BenchModel"],\n  "hidden_size": 1024,\n  "model_type": "bench"\n}\n' \
  >"$WORK/nginx/www/config.json"
chmod -R a+rX "$WORK/nginx/www"

start_nginx() {  # nginx with its own config and prefix; a random free-looking port
  local _ port user_line=""
  [[ $(id -u) -eq 0 ]] && user_line="user root;"
  for _ in 1 2 3 4 5; do
    port=$((20000 + RANDOM % 30000))
    # Debian's defaults where they matter: sendfile, tcp_nopush, workers = cores.
    # Logging goes to /dev/null as mockhub's does in this script.
    cat >"$WORK/nginx/nginx.conf" <<EOF
$user_line
worker_processes auto;
daemon off;
master_process on;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
  default_type application/octet-stream;
  access_log /dev/null;
  sendfile on;
  tcp_nopush on;
  keepalive_timeout 65;
  keepalive_requests 10000;
  client_body_temp_path $WORK/nginx/tmp/body;
  proxy_temp_path $WORK/nginx/tmp/proxy;
  fastcgi_temp_path $WORK/nginx/tmp/fastcgi;
  uwsgi_temp_path $WORK/nginx/tmp/uwsgi;
  scgi_temp_path $WORK/nginx/tmp/scgi;
  server {
    listen 127.0.0.1:$port;
    root $WORK/nginx/www;
  }
}
EOF
    nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" 2>>"$WORK/nginx/logs/stderr.log" &
    NGINX_PID=$!
    PIDS+=("$NGINX_PID")
    NGINX="http://127.0.0.1:$port"
    if wait_http "$NGINX/config.json"; then return 0; fi
    kill -TERM "$NGINX_PID" 2>/dev/null || true
    wait "$NGINX_PID" 2>/dev/null || true
    forget_pid "$NGINX_PID"
  done
  cat "$WORK/nginx/logs/stderr.log" >&2 || true
  die "nginx did not start"
}
stop_nginx() {
  kill -TERM "$NGINX_PID" 2>/dev/null || true
  wait "$NGINX_PID" 2>/dev/null || true
  forget_pid "$NGINX_PID"
}

start_nginx
log "nginx $(nginx -v 2>&1 | sed 's/.*nginx\///') on $NGINX"
start_mockhub "$WORK/world.json"
log "mockhub on $HUB, CDN $CDN"

# ---------------------------------------------------------------- 1. CDN throughput
# The first HEAD of an LFS file computes its sha256 (the ETag) once: time it,
# then keep it out of the figure.
t0=$EPOCHREALTIME
URL=$(signed_url)
FIRST_HEAD_MS=$(calc "($EPOCHREALTIME - $t0) * 1000" 0)
[[ "$URL" == http://127.0.0.2:* ]] || die "no signed CDN URL from resolve (got '$URL')"
log "1. CDN throughput (first HEAD of the 1 GiB file took $FIRST_HEAD_MS ms: lazy sha256)"
# Warm-up, untimed: nginx's file into the page cache, mockhub's first GET.
download_speed "$NGINX/big.bin" >/dev/null
download_speed "$(signed_url)" >/dev/null
MH_SPEEDS=() NG_SPEEDS=()
for run in 1 2 3; do  # interleaved, so both see the same machine state
  MH_SPEEDS+=("$(download_speed "$(signed_url)")")
  NG_SPEEDS+=("$(download_speed "$NGINX/big.bin")")
  log "   run $run: mockhub $(calc "${MH_SPEEDS[-1]} / 1048576" 0) MiB/s, nginx $(calc "${NG_SPEEDS[-1]} / 1048576" 0) MiB/s"
done
MH_TPUT=$(printf '%s\n' "${MH_SPEEDS[@]}" | max_of)
NG_TPUT=$(printf '%s\n' "${NG_SPEEDS[@]}" | max_of)
TPUT_RATIO=$(calc "$MH_TPUT / $NG_TPUT")

# ---------------------------------------------------------------- 2. HEAD req/s
# ab: 4 keep-alive connections, HEAD (-i), time-limited (-t; -n after it lifts
# the default 50000 cap). Same small file on both sides. (wrk cannot do HEAD:
# its parser waits for the Content-Length body a HEAD response never has.)
cpu_ticks() {  # cpu_ticks PID...: user+system clock ticks of the processes, all threads
  local p t=0
  for p in "$@"; do t=$((t + $(awk '{ print $14 + $15 }' "/proc/$p/stat"))); done
  echo "$t"
}
# Each prints "requests/s server-CPU-µs/request"; the second figure is less
# sensitive to other load on the machine than the first.
ab_rps() {  # ab_rps URL PID...
  local url=$1 out failed non2xx c0 c1 n
  shift
  c0=$(cpu_ticks "$@")
  out=$(timeout $((DURATION + 30)) ab -q -k -i -c 4 -t "$DURATION" -n 100000000 "$url" 2>&1) \
    || { echo "$out" >&2; die "ab failed on $url"; }
  c1=$(cpu_ticks "$@")
  failed=$(sed -n 's/^Failed requests: *//p' <<<"$out")
  non2xx=$(sed -n 's/^Non-2xx responses: *//p' <<<"$out")
  [[ "${failed:-0}" == 0 && -z "$non2xx" ]] || { echo "$out" >&2; die "ab saw failures on $url"; }
  n=$(sed -n 's/^Complete requests: *//p' <<<"$out")
  echo "$(sed -n 's/^Requests per second: *\([0-9.]*\).*/\1/p' <<<"$out") $(calc "($c1 - $c0) * 1000000 / $TICKS / $n" 1)"
}
# GET of the same small file with wrk (2 threads, 4 connections), for
# reference: what a client that reads config.json over keep-alive sees.
wrk_rps() {  # wrk_rps URL PID...
  local url=$1 out c0 c1 n
  shift
  c0=$(cpu_ticks "$@")
  out=$(timeout $((DURATION + 30)) wrk -t 2 -c 4 -d "${DURATION}s" "$url" 2>&1) \
    || { echo "$out" >&2; die "wrk failed on $url"; }
  c1=$(cpu_ticks "$@")
  if grep -q 'Non-2xx' <<<"$out"; then echo "$out" >&2; die "wrk saw non-2xx answers on $url"; fi
  n=$(sed -n 's/^ *\([0-9]*\) requests in .*/\1/p' <<<"$out")
  echo "$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' <<<"$out") $(calc "($c1 - $c0) * 1000000 / $TICKS / $n" 1)"
}
# Rates are measured in ABBA rounds (mockhub, nginx, nginx, mockhub, ...) and
# the best of each side is kept, so a neighbour's load hits both alike.
rate_rounds() {  # rate_rounds FN MH_URL NG_URL: sets MH_RATE NG_RATE MH_CPU NG_CPU RATES
  local fn=$1 r a b ng_pids
  ng_pids=$(pgrep -P "$NGINX_PID" | tr '\n' ' ')
  [[ -n "$ng_pids" ]] || die "no nginx workers"
  MH_RATE=0 NG_RATE=0 MH_CPU="" NG_CPU="" RATES=""
  for r in $(seq 1 "$ROUNDS"); do
    if (( r % 2 )); then
      a=$($fn "$2" "$MH_PID"); b=$($fn "$3" $ng_pids)
    else
      b=$($fn "$3" $ng_pids); a=$($fn "$2" "$MH_PID")
    fi
    [[ -n "${a% *}" && -n "${b% *}" ]] || die "$fn printed no rate"
    log "   round $r: mockhub $(calc "${a% *}" 0) req/s (${a#* } CPU-us/req), nginx $(calc "${b% *}" 0) req/s (${b#* } CPU-us/req)"
    RATES+="$(calc "${a% *}" 0)/$(calc "${b% *}" 0) "
    MH_RATE=$(printf '%s\n' "$MH_RATE" "${a% *}" | max_of)
    NG_RATE=$(printf '%s\n' "$NG_RATE" "${b% *}" | max_of)
    MH_CPU+="${a#* } " NG_CPU+="${b#* } "
  done
  MH_CPU=$(printf '%s\n' $MH_CPU | median) NG_CPU=$(printf '%s\n' $NG_CPU | median)
}
TICKS=$(getconf CLK_TCK)
log "2. HEAD /resolve keep-alive, ab -k -i -c 4 -t $DURATION, $ROUNDS rounds"
curl -sfI "$HUB/bench/big/resolve/main/config.json" >/dev/null || die "HEAD on config.json failed"
rate_rounds ab_rps "$HUB/bench/big/resolve/main/config.json" "$NGINX/config.json"
MH_HEAD=$MH_RATE NG_HEAD=$NG_RATE HEAD_RATES=$RATES MH_HEAD_CPU=$MH_CPU NG_HEAD_CPU=$NG_CPU
HEAD_RATIO=$(calc "$MH_HEAD / $NG_HEAD")

log "2b. GET /resolve keep-alive, wrk -t2 -c4 -d${DURATION}s, $ROUNDS rounds (reference)"
rate_rounds wrk_rps "$HUB/bench/big/resolve/main/config.json" "$NGINX/config.json"
MH_GET=$MH_RATE NG_GET=$NG_RATE GET_RATES=$RATES MH_GET_CPU=$MH_CPU NG_GET_CPU=$NG_CPU
GET_RATIO=$(calc "$MH_GET / $NG_GET")
# The journal keeps requests in memory (the newest 100,000): what the runs
# above left behind.
JOURNAL_RSS=$(calc "$(awk '/^VmRSS:/ { print $2 }' "/proc/$MH_PID/status") / 1024" 1)
log "   mockhub RSS after the request-rate runs: $JOURNAL_RSS MiB"

stop_mockhub

# ---------------------------------------------------------------- 4. peak RSS
# A fresh process, so VmHWM covers start-up, the sha256 and the 8 downloads.
log "4. peak RSS while serving 8 concurrent 1 GiB downloads"
start_mockhub "$WORK/world.json"
URL=$(signed_url)
parallel_download() {  # parallel_download URL: 8 curls at once; prints aggregate bytes/s
  local url=$1 i pids=() t0 bad=0
  t0=$EPOCHREALTIME
  for i in 1 2 3 4 5 6 7 8; do
    timeout 600 curl -s -o /dev/null --max-time 580 -w '%{http_code} %{size_download}\n' "$url" \
      >"$WORK/par.$i" &
    pids+=("$!")
    PIDS+=("$!")
  done
  for i in "${pids[@]}"; do wait "$i" || bad=1; forget_pid "$i"; done
  for i in 1 2 3 4 5 6 7 8; do [[ $(cat "$WORK/par.$i") == "200 $GIB" ]] || bad=1; done
  [[ $bad -eq 0 ]] || die "a parallel download failed: $(cat "$WORK"/par.*)"
  calc "8 * $GIB / ($EPOCHREALTIME - $t0)" 0
}
MH_PAR=$(parallel_download "$URL")
MH_HWM_KB=$(awk '/^VmHWM:/ { print $2 }' "/proc/$MH_PID/status")
MH_HWM=$(calc "$MH_HWM_KB / 1024" 1)
log "   mockhub VmHWM $MH_HWM MiB, aggregate $(calc "$MH_PAR / 1048576" 0) MiB/s"
# nginx for reference: the sum of its processes' VmHWM (master and workers).
NG_PAR=$(parallel_download "$NGINX/big.bin")
NG_HWM_KB=0
for p in $(cat "$WORK/nginx/nginx.pid") $(pgrep -P "$(cat "$WORK/nginx/nginx.pid")" || true); do
  kb=$(awk '/^VmHWM:/ { print $2 }' "/proc/$p/status" 2>/dev/null || echo 0)
  NG_HWM_KB=$((NG_HWM_KB + ${kb:-0}))
done
NG_HWM=$(calc "$NG_HWM_KB / 1024" 1)
log "   nginx VmHWM (all processes) $NG_HWM MiB, aggregate $(calc "$NG_PAR / 1048576" 0) MiB/s"
stop_mockhub
stop_nginx

# ---------------------------------------------------------------- 3. start-up
# From just before the fork to the answer of /_mockhub/health, with bash
# builtins only (a FIFO for the first line, /dev/tcp for the request), so no
# helper process is timed. The embedded demo world, as `mockhub serve` runs.
log "3. start-up to ready, 20 runs"
mkfifo "$WORK/startup.fifo"
startup_once() {
  local t0 t_line t_ready line port status=""
  t0=$EPOCHREALTIME
  "$MOCKHUB" serve --port 0 --cdn-host 127.0.0.2 >"$WORK/startup.fifo" 2>/dev/null &
  local pid=$!
  PIDS+=("$pid")
  exec 4<"$WORK/startup.fifo"
  IFS= read -r -t 5 line <&4 || die "mockhub printed nothing within 5 s"
  t_line=$EPOCHREALTIME
  port=${line##*:}
  local _
  for _ in $(seq 1 500); do
    if exec 5<>"/dev/tcp/127.0.0.1/$port" 2>/dev/null; then
      printf 'GET /_mockhub/health HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nConnection: close\r\n\r\n' "$port" >&5
      IFS= read -r -t 5 status <&5 || true
      exec 5<&-
      [[ "$status" == "HTTP/1.1 200"* ]] && break
    fi
  done
  t_ready=$EPOCHREALTIME
  [[ "$status" == "HTTP/1.1 200"* ]] || die "health never answered 200"
  exec 4<&-
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  forget_pid "$pid"
  echo "$(calc "($t_ready - $t0) * 1000" 2) $(calc "($t_line - $t0) * 1000" 2)"
}
startup_once >/dev/null   # warm the binary into the page cache
: >"$WORK/startup.txt"
for i in $(seq 1 20); do startup_once >>"$WORK/startup.txt"; done
START_MS=$(calc "$(awk '{ print $1 }' "$WORK/startup.txt" | median)" 1)
START_LINE_MS=$(calc "$(awk '{ print $2 }' "$WORK/startup.txt" | median)" 1)
START_MAX=$(awk '{ print $1 }' "$WORK/startup.txt" | max_of)
log "   median $START_MS ms to healthy ($START_LINE_MS ms to the first line), max $START_MAX ms"

first_get_figure

# ---------------------------------------------------------------- summary
V1=$(verdict "$TPUT_RATIO >= 0.8")
V2=$(verdict "$HEAD_RATIO >= 0.5")
V3=$(verdict "$START_MS < 50")
V4=$(verdict "$MH_HWM_KB < 64 * 1024")
VERDICTS="$V1$V2$V3$V4$V5"
ROWS=(
  "CDN GET 1 GiB synthetic LFS, curl -o /dev/null, best of 3|$(mib "$MH_TPUT") MiB/s|$(mib "$NG_TPUT") MiB/s|$TPUT_RATIO|>= 0.8|$V1"
  "HEAD /resolve small file, keep-alive, ab -k -i -c4 ${DURATION}s|$(calc "$MH_HEAD" 0) req/s|$(calc "$NG_HEAD" 0) req/s|$HEAD_RATIO|>= 0.5|$V2"
  "GET /resolve small file, keep-alive, wrk -t2 -c4 ${DURATION}s|$(calc "$MH_GET" 0) req/s|$(calc "$NG_GET" 0) req/s|$GET_RATIO|(reference)|-"
  "mockhub serve start-up to healthy, median of 20|$START_MS ms|-|-|< 50 ms|$V3"
  "peak RSS (VmHWM), 8 concurrent 1 GiB downloads|$MH_HWM MiB|$NG_HWM MiB|-|< 64 MiB|$V4"
  "$(first_get_row)"
)
NOTES=(
  "first HEAD of the 1 GiB LFS file (lazy sha256 for the ETag): $FIRST_HEAD_MS ms"
  "start-up to the first stdout line (median): $START_LINE_MS ms; slowest start-up: $START_MAX ms"
  "8 concurrent downloads, aggregate: mockhub $(mib "$MH_PAR") MiB/s, nginx $(mib "$NG_PAR") MiB/s"
  "CDN runs (MiB/s): mockhub $(for s in "${MH_SPEEDS[@]}"; do printf '%s ' "$(mib "$s")"; done)| nginx $(for s in "${NG_SPEEDS[@]}"; do printf '%s ' "$(mib "$s")"; done)"
  "rounds, mockhub/nginx req/s: HEAD ${HEAD_RATES% }; GET ${GET_RATES% }"
  "server CPU per request (median of rounds): HEAD mockhub $MH_HEAD_CPU us, nginx $NG_HEAD_CPU us (ratio $(calc "$NG_HEAD_CPU / $MH_HEAD_CPU")); GET mockhub $MH_GET_CPU us, nginx $NG_GET_CPU us"
  "mockhub RSS after the request-rate runs (the request journal included): $JOURNAL_RSS MiB"
)
mapfile -t -O "${#NOTES[@]}" NOTES < <(first_get_notes; load_note)
report
