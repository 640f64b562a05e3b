#!/usr/bin/env bash
# Builds a release from this checkout into dist/ (what .github/workflows/release.yml attaches
# to a tagged release, and what the `portable` tests check):
#   mockhub-<v>-linux-x86_64.tar.gz   bin/{mockhub,hubget}, share/ as `cmake --install` lays
#                                     it out, LICENSE, README.md, under one top folder
#   mockhub_<v>_amd64.deb             the same files under /usr
#   mockhub-<v>-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl
#                                     the Python package carrying both binaries and share/
#   SHA256SUMS                        sha256sum's format, one line per file above
# The binaries are the portable build (preset "portable", cmake/Portable.cmake): static,
# they run on any x86_64 Linux kernel >= 3.2 with no library from the machine (docs/portable.md).
#   tools/release.sh [--out DIR]      DIR defaults to dist/; it is emptied first
# Needs Debian 12 (its static libraries and source packages); installs what is missing as
# root or through sudo. SOURCE_DATE_EPOCH (default: the last commit's time) fixes every
# timestamp in the archives, so two runs on one commit give the same bytes.
set -euo pipefail
cd "$(dirname "$0")/.."
src="$PWD"

out="$src/dist"
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$(realpath -m "$2")"; shift 2 ;;
    --out=*) out="$(realpath -m "${1#--out=}")"; shift ;;
    *) echo "usage: $0 [--out DIR]" >&2; exit 2 ;;
  esac
done

# python3-build: the wheel (python/, its own stdlib-only backend, no build isolation).
PACKAGES=(cmake ninja-build pkg-config g++ nlohmann-json3-dev libcli11-dev dpkg-dev
          python3-build file)
tools/install-missing.sh "${PACKAGES[@]}"

if [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then
  echo "release: warning: the checkout has uncommitted changes; a release is built from a clean clone" >&2
fi
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 315532800)}"

# 1. The static binaries. ccache (when installed) serves a rebuild of the same sources.
tools/portable-deps.sh build/portable-deps
if command -v ccache >/dev/null 2>&1; then
  export CMAKE_CXX_COMPILER_LAUNCHER="${CMAKE_CXX_COMPILER_LAUNCHER:-ccache}"
  export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$src}" CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-1}"
fi
cmake --preset portable >/dev/null
cmake --build --preset portable
version="$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' build/portable/CMakeCache.txt)"
[ -n "$version" ] || { echo "release: no project version in build/portable/CMakeCache.txt" >&2; exit 1; }
for bin in build/portable/mockhub/mockhub build/portable/client/hubget; do
  if ! file -b "$bin" | grep -q "static-pie linked"; then
    echo "release: $bin is not static-pie: $(file -b "$bin")" >&2
    exit 1
  fi
done

# 2. The installation the archives hold, stripped.
stage="$src/build/portable/stage"
rm -rf "$stage"
cmake --install build/portable --prefix "$stage" --strip >/dev/null

rm -rf "$out"
mkdir -p "$out"

# 3. The tarball: one top folder, reproducible (sorted, fixed owner and times, gzip -n).
name="mockhub-$version-linux-x86_64"
tree="$(mktemp -d)"
trap 'rm -rf "$tree"' EXIT
cp -a "$stage" "$tree/$name"
cp LICENSE README.md "$tree/$name/"
tar -C "$tree" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" \
    --format=gnu -cf - "$name" | gzip -9n >"$out/$name.tar.gz"

# 4. The Debian package of the same build (its Depends: none, the binaries are static).
(cd build/portable && cpack -G DEB -B "$tree/cpack" >/dev/null)
cp "$tree"/cpack/mockhub_"$version"_amd64.deb "$out/"

# 5. The wheel: the Python package with this installation inside (python/README.md).
MOCKHUB_WHEEL_PREFIX="$stage" \
MOCKHUB_WHEEL_PLATFORM=manylinux_2_17_x86_64.manylinux2014_x86_64 \
  /usr/bin/python3 -m build --wheel --no-isolation --outdir "$out" python >/dev/null

# 6. The checksums the action verifies.
(cd "$out" && sha256sum -- *.tar.gz *.deb *.whl >SHA256SUMS)
echo "release: $out" >&2
(cd "$out" && ls -l --time-style=+ -- * | awk '{ printf "  %10d  %s\n", $5, $NF }') >&2
