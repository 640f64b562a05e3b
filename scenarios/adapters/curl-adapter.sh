#!/bin/sh
# The adapter contract in a few lines of shell, with curl as the downloader:
# one GET per file (curl follows redirects and, since 7.58, drops a custom
# Authorization header when a redirect changes host), the outcome as the
# contract's JSON line. No resume, no hash check, no retries, no snapshots:
# curl.adapter.json declares what that costs.
set -u
token=${HF_TOKEN:-${HUGGING_FACE_HUB_TOKEN:-}}
tokfile=${HF_TOKEN_PATH:-${HF_HOME:-$HOME/.cache/huggingface}/token}
[ -z "$token" ] && [ -f "$tokfile" ] && token=$(tr -d ' \t\r\n' < "$tokfile")
[ "${1:-}" = "--token" ] && { token=$2; shift 2; }
action=$1; shift
repo=${1:-}; [ $# -gt 0 ] && shift
rev=main; type=model; files=""
while [ $# -gt 0 ]; do
  case $1 in
    --revision) rev=$2; shift 2 ;;
    --repo-type) type=$2; shift 2 ;;
    --include|--exclude) shift 2 ;;
    *) files="$files $1"; shift ;;
  esac
done
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
  [ $rc -eq 28 ] && { status=null; fail timeout "curl timed out"; }
  [ $rc -ne 0 ] && { status=null; fail network "curl exit $rc"; }
  case $status in 2??) return 0 ;; esac
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
fail() { printf '{"ok":false,"error":"%s","status":%s,"message":"%s"}\n' "$1" "${status:-null}" "$2"; exit 1; }

case $action in
  whoami) fetch "$HF_ENDPOINT/api/whoami-v2" /dev/null; echo '{"ok":true}' ;;
  info) fetch "$HF_ENDPOINT/api/${type}s/$repo/revision/$rev" /dev/null; echo '{"ok":true}' ;;
  download)
    [ -z "$files" ] && { status=null; fail invalid_argument "snapshots are not supported"; }
    paths=""
    for f in $files; do
      out="$PWD/out/$repo/$f"; mkdir -p "$(dirname "$out")"
      fetch "$HF_ENDPOINT/$prefix$repo/resolve/$rev/$f" "$out"
      paths="$paths${paths:+,}\"$out\""
    done
    echo "{\"ok\":true,\"paths\":[$paths]}" ;;
  *) status=null; fail invalid_argument "unknown action $action" ;;
esac
