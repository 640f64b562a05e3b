#!/bin/sh
# The adapter contract in a few lines of shell, with curl as the downloader:
# one GET per file (curl follows redirects and, since 7.58, drops a custom
# Authorization header when a redirect changes host), the outcome as the
# contract's JSON line. No resume, no hash check, no retries, no snapshots:
# curl.adapter.json declares what that costs.
set -u
# fail KIND MESSAGE: the outcome line, and exit. json_text escapes a text
# for a JSON string (quotes, backslashes; control characters dropped).
json_text() { printf '%s' "$1" | tr -d '\000-\037\177' | sed 's/[\\"]/\\&/g'; }
fail() {
  printf '{"ok":false,"error":"%s","status":%s,"message":"%s"}\n' \
    "$1" "${status:-null}" "$(json_text "$2")"
  exit 1
}
status=null
token=${HF_TOKEN:-${HUGGING_FACE_HUB_TOKEN:-}}
tokfile=${HF_TOKEN_PATH:-${HF_HOME:-$HOME/.cache/huggingface}/token}
[ -z "$token" ] && [ -f "$tokfile" ] && token=$(tr -d ' \t\r\n' < "$tokfile")
case ${1:-} in --token=*) token=${1#--token=}; shift ;; esac
action=${1:-}; [ $# -gt 0 ] && shift
# The contract: options first, each as --name=VALUE, then `--`, then the
# repo and the files ("$@" once the loop is done). Nothing after `--` is
# read as an option, whatever it starts with.
rev=main; type=model
while [ $# -gt 0 ]; do
  case $1 in
    --) shift; break ;;
    --revision=*) rev=${1#--revision=} ;;
    --repo-type=*) type=${1#--repo-type=} ;;
    --include=*|--exclude=*) ;;
    *) fail invalid_argument "unexpected argument before --: $1" ;;
  esac
  shift
done
repo=${1:-}; [ $# -gt 0 ] && shift
prefix=""; [ "$type" = dataset ] && prefix=datasets/; [ "$type" = space ] && prefix=spaces/
auth=""; [ -n "$token" ] && auth="Authorization: Bearer $token"

# fetch URL OUT: sets status, code (X-Error-Code), msg (X-Error-Message).
fetch() {
  hdr=$(mktemp)
  status=$(curl -s -L --max-time 60 ${auth:+-H "$auth"} -D "$hdr" -o "$2" -w '%{http_code}' "$1"); rc=$?
  code=$(grep -i '^x-error-code:' "$hdr" | tail -1 | cut -d' ' -f2- | tr -d '\r')
  msg=$(grep -i '^x-error-message:' "$hdr" | tail -1 | cut -d' ' -f2- | tr -d '\r"')
  rm -f "$hdr"
  # No HTTP status when the transfer failed (curl writes 000, not JSON).
  [ "$rc" -eq 28 ] && { status=null; fail timeout "curl timed out"; }
  [ "$rc" -ne 0 ] && { status=null; fail network "curl exit $rc"; }
  case "$status" in 2??) return 0 ;; esac
  case "$status/$code/$msg" in
    401/*/Invalid\ credentials*) fail invalid_token "$msg" ;;
    401/*/*expired*) fail token_expired "$msg" ;;
    401/GatedRepo/*) fail gated_auth_required "$msg" ;;
    403/GatedRepo/*) fail gated_not_authorized "$msg" ;;
    401/*) fail auth_required "$msg" ;;
    403/*/*disabled*) fail disabled "$msg" ;;
    404/RepoNotFound/*) fail repo_not_found "$msg" ;;
    404/RevisionNotFound/*) fail revision_not_found "$msg" ;;
    404/EntryNotFound/*) fail entry_not_found "$msg" ;;
    429/*) fail rate_limited "HTTP 429" ;;
    5??/*) fail server_error "HTTP $status" ;;
    *) fail forbidden "HTTP $status $msg" ;;
  esac
}

# unsafe NAME: why NAME cannot be joined onto a folder (hubget's rules for a
# repo path), or nothing. NUL cannot reach a shell argument at all.
unsafe() {
  case $1 in
    '') echo "it is empty" ;;
    *[[:cntrl:]]*) echo "it contains a control character" ;;
    *\\*) echo "it contains a backslash" ;;
    /*) echo "it is absolute" ;;
    ..|../*|*/..|*/../*) echo "it has a '..' component" ;;
    .|./*|*/.|*/./*|*//*|*/) echo "it has an empty or '.' component" ;;
  esac
}

# inside ROOT PATH: PATH, symlinks and `..` resolved, is below ROOT.
inside() {
  real=$(realpath -m -- "$2") || return 1
  case $real in "$1"/?*) return 0 ;; esac
  return 1
}

case $action in
  whoami) fetch "$HF_ENDPOINT/api/whoami-v2" /dev/null; echo '{"ok":true}' ;;
  info) fetch "$HF_ENDPOINT/api/${type}s/$repo/revision/$rev" /dev/null; echo '{"ok":true}' ;;
  download)
    [ $# -eq 0 ] && fail invalid_argument "snapshots are not supported"
    root=$(realpath -m -- "$PWD/out")
    # Every name is checked before anything is fetched or written.
    why=$(unsafe "$repo")
    [ -n "$why" ] && fail invalid_argument "refusing repo id $repo: $why"
    for f in "$@"; do
      why=$(unsafe "$f")
      [ -n "$why" ] && fail invalid_argument "refusing file name $f: $why"
      inside "$root" "$root/$repo/$f" || fail invalid_argument "refusing file name $f: it resolves outside $root"
    done
    paths=""
    for f in "$@"; do
      out="$root/$repo/$f"; mkdir -p -- "$(dirname -- "$out")"
      inside "$root" "$out" || fail invalid_argument "refusing file name $f: it resolves outside $root"
      fetch "$HF_ENDPOINT/$prefix$repo/resolve/$rev/$f" "$out"
      paths="$paths${paths:+,}\"$(json_text "$out")\""
    done
    echo "{\"ok\":true,\"paths\":[$paths]}" ;;
  *) fail invalid_argument "unknown action $action" ;;
esac
