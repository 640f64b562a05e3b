#!/usr/bin/env bash
# The main job on the embedded demo world (README quick start, first command):
# 1. reproduce the InvokeAI 5.6.0 report live: `mockhub serve` with the demo
#    world, hubget with a stale token in the token file, then without it;
# 2. run the whole scenario library against hubget and print the table.
set -euo pipefail
build=${1:?usage: tools/demo.sh BUILD_DIR}
cd "$(dirname "$0")/.."
mockhub=$build/mockhub/mockhub
hubget=$build/client/hubget

work=$(mktemp -d)
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

echo "== mockhub serve (embedded demo world) =="
mkfifo "$work/out"
"$mockhub" serve --port 0 >"$work/out" 2>"$work/requests.log" &
server_pid=$!
exec 3<"$work/out"
read -r -t 10 line <&3 || { echo "mockhub serve did not start" >&2; exit 1; }
endpoint=${line#HF_ENDPOINT=}
read -r -t 5 cdn <&3 || true
echo "hub: $endpoint   ${cdn/MOCKHUB_CDN=/cdn: }"

# A clean, private environment: nothing of the user's token or cache.
run_hubget() {
  env -i PATH="$PATH" HOME="$work/home" HF_HOME="$work/home/hf" HF_ENDPOINT="$endpoint" \
    HF_HUB_DISABLE_PROGRESS_BARS=1 "$hubget" "$@"
}
mkdir -p "$work/home/hf"

echo
echo "== InvokeAI#7615: a stale token in the token file, on a public repo =="
printf 'hf_revoked\n' >"$work/home/hf/token"
echo "\$ hubget download InvokeAI/clip-vit-large-patch14 config.json model.safetensors"
run_hubget download InvokeAI/clip-vit-large-patch14 config.json model.safetensors || echo "(exit $?)"

echo
echo "== the same, with the token removed =="
rm "$work/home/hf/token"
run_hubget download InvokeAI/clip-vit-large-patch14 config.json model.safetensors

echo
echo "== what the mock saw (tokens are never logged whole) =="
cat "$work/requests.log"
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""

echo
echo "== the scenario library against hubget =="
"$mockhub" run --client "$hubget --json" scenarios/ 2>/dev/null
