#!/usr/bin/env bash
# The third-party parts of the portable build (tools/release.sh, preset "portable") that
# Debian 12 ships only as source. Everything else comes from the -dev packages' static
# libraries (libssl.a, libcrypto.a, liblz4.a, libz.a, libcares.a).
#   - libcurl: Debian's libcurl.a needs Kerberos, LDAP, libssh2, libpsl... for which Debian
#     ships no static library. This builds curl from Debian's source package for http and
#     https only, with c-ares as its resolver: a static hubget then resolves host names
#     without glibc's NSS (which a static binary cannot load soundly), and reads
#     /etc/resolv.conf and /etc/hosts itself.
#   - cpp-httplib: Debian's -dev package ships a header split from its shared library; the
#     source package holds the whole header, compiled into the binary.
#   tools/portable-deps.sh [DIR]   DIR: where to build (default build/portable-deps); writes
#                                  DIR/prefix/{include,lib} and DIR/VERSIONS
# Runs as root or through sudo for apt-get. apt-get source needs a deb-src entry: one with the
# same archive, suites, components and key as the machine's deb entry is added when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

dir="$(realpath -m "${1:-build/portable-deps}")"
prefix="$dir/prefix"
# Static libraries and build tools. libc-ares-dev: libcares.a. zlib1g-dev: libz.a.
PACKAGES=(build-essential dpkg-dev libssl-dev liblz4-dev libc-ares-dev zlib1g-dev)

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"


# A deb-src twin of every deb entry, so `apt-get source` fetches from the same archive the
# binaries come from: deb822 stanzas ("Types: deb", Debian 12's format) become a .sources
# file, one-line "deb ..." entries (sources.list) a .list file.
ensure_deb_src() {
  if apt-get source --print-uris -qq curl >/dev/null 2>&1; then return 0; fi
  local stanzas lines  # (a missing file is no entry: `|| true` under pipefail)
  stanzas="$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
    awk 'BEGIN { RS = ""; ORS = "\n\n" } /(^|\n)Types:[^\n]*deb([ \n]|$)/ {
           gsub(/Types:[^\n]*/, "Types: deb-src"); print }' || true)"
  lines="$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
    sed -n 's/^[[:space:]]*deb[[:space:]]/deb-src /p' || true)"
  if [ -z "$stanzas" ] && [ -z "$lines" ]; then
    echo "portable-deps: no deb entry in /etc/apt to mirror; add a deb-src entry by hand" >&2
    exit 1
  fi
  echo "portable-deps: adding deb-src twins of the deb entries under /etc/apt/sources.list.d" >&2
  [ -z "$stanzas" ] ||
    printf '%s\n' "$stanzas" | $sudo tee /etc/apt/sources.list.d/mockhub-deb-src.sources >/dev/null
  [ -z "$lines" ] ||
    printf '%s\n' "$lines" | $sudo tee /etc/apt/sources.list.d/mockhub-deb-src.list >/dev/null
  $sudo apt-get update -qq
}

# Fetches and unpacks Debian's source package $1 into $dir/src once; prints its folder.
fetch_source() {
  local pkg="$1" found
  found="$(find "$dir/src" -maxdepth 1 -type d -name "$pkg-[0-9]*" 2>/dev/null | head -n1)"
  if [ -z "$found" ]; then
    (cd "$dir/src" && apt-get source -qq "$pkg" >&2)
    found="$(find "$dir/src" -maxdepth 1 -type d -name "$pkg-[0-9]*" | head -n1)"
  fi
  printf '%s\n' "$found"
}

build_curl() {
  local srcdir="$1" build="$dir/build-curl"
  rm -rf "$build" && mkdir -p "$build"
  # http and https only; every protocol and library not needed is off, so the static link
  # needs nothing Debian lacks a static library for. The CA bundle default is Debian's;
  # hubget looks for the running system's bundle itself (client/src/http/system_ca.cc).
  (cd "$build" && "$srcdir/configure" --prefix="$prefix" --libdir="$prefix/lib" \
      --disable-shared --enable-static --with-pic \
      --with-openssl --enable-ares --with-zlib \
      --without-brotli --without-zstd --without-nghttp2 --without-nghttp3 --without-ngtcp2 \
      --without-libidn2 --without-libpsl --without-libssh2 --without-librtmp \
      --without-gssapi --without-libgsasl \
      --disable-ldap --disable-ldaps --disable-rtsp --disable-dict --disable-telnet \
      --disable-tftp --disable-pop3 --disable-imap --disable-smtp --disable-smb \
      --disable-gopher --disable-mqtt --disable-ftp --disable-file --disable-manual \
      --disable-alt-svc --disable-ntlm-wb --disable-docs \
      --with-ca-bundle=/etc/ssl/certs/ca-certificates.crt --with-ca-path=/etc/ssl/certs \
      >configure.log 2>&1) || { tail -n 30 "$build/configure.log" >&2; exit 1; }
  make -C "$build/lib" -j2 -s >"$build/make.log" 2>&1 || { tail -n 30 "$build/make.log" >&2; exit 1; }
  make -C "$build/lib" -s install >>"$build/make.log" 2>&1
  make -C "$build/include" -s install >>"$build/make.log" 2>&1
}

tools/install-missing.sh "${PACKAGES[@]}"
ensure_deb_src
mkdir -p "$dir/src" "$prefix/include" "$prefix/lib"

curl_src="$(fetch_source curl)"
httplib_src="$(fetch_source cpp-httplib)"
versions="curl $(basename "$curl_src"); cpp-httplib $(basename "$httplib_src")"
if [ -f "$dir/VERSIONS" ] && [ "$(cat "$dir/VERSIONS")" = "$versions" ] &&
   [ -f "$prefix/lib/libcurl.a" ] && [ -f "$prefix/include/httplib.h" ]; then
  echo "portable-deps: up to date ($versions)" >&2
  exit 0
fi
start=$(date +%s)
build_curl "$curl_src"
cp "$httplib_src/httplib.h" "$prefix/include/httplib.h"
printf '%s\n' "$versions" >"$dir/VERSIONS"
echo "portable-deps: built $versions in $(($(date +%s) - start)) s" >&2
