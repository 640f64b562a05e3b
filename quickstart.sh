#!/usr/bin/env bash
# The two commands of the README's quick start, on a fresh Debian 12 machine:
#   ./quickstart.sh demo   build, then run the main job on the embedded demo world
#   ./quickstart.sh test   build and run every test (what .ci/run and CI call)
#   ./quickstart.sh deps   only install what is missing (CI's sanitizer jobs)
#   ./quickstart.sh sanitizers [DEADLINE]
#                          build the asan and tsan presets, run their tests by priority
#                          until DEADLINE (unix seconds; tools/sanitizers.sh); .ci/run calls it
#   ./quickstart.sh fuzz   build the fuzz preset (clang, libFuzzer) and run each fuzzer for
#                          FUZZ_SECONDS (default 60) over its seed corpus (tests/fuzz)
# Each installs the Debian packages it is missing first (as root, or via sudo).
set -euo pipefail
cd "$(dirname "$0")"

# chromium: tests/runner/report_browser_test.cc renders the HTML report in it (headless).
# python3-yaml: tests/action/check_action.py parses action.yml. dpkg-dev: dpkg-shlibdeps, the
# .deb's Depends (tests/install).
# python3-pytest, python3-requests: the Python package (python/tests) and
# its example downloader (examples/requests_downloader, ctest adapter.requests).
# tmux: tests/client/tmux_progress_test.cc runs hubget in a real terminal.
# python3-build, python3-venv, libc-ares-dev, zlib1g-dev, file: the release the portable tests
# check (tests/portable: tools/release.sh builds the static binaries, the wheel, the tarball;
# the wheel is installed into a fresh venv).
# ccache: a second build of the same sources (another preset's objects are not shared, but a
# rebuilt checkout's are) takes a fraction of the first; see use_ccache.
PACKAGES=(cmake ninja-build pkg-config g++ libcpp-httplib-dev nlohmann-json3-dev
          libcurl4-openssl-dev libssl-dev libgtest-dev libgmock-dev libcli11-dev liblz4-dev curl
          chromium python3-yaml dpkg-dev python3-pytest python3-requests
          tmux ccache python3-build python3-venv libc-ares-dev zlib1g-dev file)

# The fuzz preset's compiler; libFuzzer's runtime is only a Recommends of clang-14.
FUZZ_PACKAGES=(clang-14 libclang-rt-14-dev)

install_missing() { tools/install-missing.sh "$@"; }

# Compiles through ccache when the caller has not chosen a launcher: paths are taken relative
# to this checkout and the build folder is not hashed, so another clone of the same commit
# (CI's) reuses the objects of this one.
use_ccache() {
  command -v ccache >/dev/null 2>&1 || return 0
  export CMAKE_CXX_COMPILER_LAUNCHER="${CMAKE_CXX_COMPILER_LAUNCHER:-ccache}"
  export CMAKE_C_COMPILER_LAUNCHER="${CMAKE_C_COMPILER_LAUNCHER:-ccache}"
  export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}" CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-1}"
}

# The JavaScript conformance check needs Node.js and the pinned npm packages.
prepare_js() {
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || install_missing nodejs npm
  if [ -f tests/js/package-lock.json ]; then
    npm ci --prefix tests/js --no-audit --no-fund --loglevel=error >&2
  fi
}

case "${1:-}" in
  deps)  # used by CI jobs that run a sanitizer preset
    install_missing "${PACKAGES[@]}"
    prepare_js
    ;;
  demo)
    install_missing "${PACKAGES[@]}"
    use_ccache
    cmake --preset release >/dev/null
    cmake --build --preset release --target mockhub hubget_cli
    exec tools/demo.sh build/release
    ;;
  test)
    install_missing "${PACKAGES[@]}"
    prepare_js
    use_ccache
    cmake --workflow --preset ci
    ;;
  sanitizers)
    install_missing "${PACKAGES[@]}"
    prepare_js
    use_ccache
    exec tools/sanitizers.sh "${@:2}"
    ;;
  fuzz)
    install_missing "${PACKAGES[@]}" "${FUZZ_PACKAGES[@]}"
    exec tools/fuzz.sh "${FUZZ_SECONDS:-60}" "${@:2}"
    ;;
  *)
    echo "usage: $0 demo|test|deps|sanitizers|fuzz" >&2
    exit 2
    ;;
esac
