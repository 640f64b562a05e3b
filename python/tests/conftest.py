"""Shared helpers of the package's tests. The plugin itself is loaded the
way a user of a checkout loads it: `-p mockhub.pytest_plugin` (ctest passes
it), so these tests use the `mockhub` fixture exactly as documented."""

import hashlib
import os
import sys

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
EXAMPLE = os.path.join(ROOT, "examples", "requests_downloader")
SCENARIOS = os.path.join(ROOT, "scenarios")
CLIP = "InvokeAI/clip-vit-large-patch14"
PACKAGE = os.path.join(ROOT, "python")

# A stand-in for an installed binary: records its $0 and arguments (NUL
# separated) in $MOCKHUB_FAKE_ARGV and exits with its own code.
FAKE_BINARY = """#!/bin/sh
printf '%s\\0' "$0" "$@" > "$MOCKHUB_FAKE_ARGV"
exit {code}
"""
FAKE_EXIT_CODES = {"mockhub": 7, "hubget": 8}


@pytest.fixture
def downloader_module():
    """The example downloader (examples/requests_downloader/downloader.py)."""
    sys.path.insert(0, EXAMPLE)
    try:
        import downloader

        yield downloader
    finally:
        sys.path.remove(EXAMPLE)


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_executable(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    os.chmod(path, 0o755)


@pytest.fixture
def fake_prefix(tmp_path):
    """An installation prefix as `cmake --install` lays it out, with shell
    scripts for binaries: bin/mockhub, bin/hubget, share/mockhub/..."""
    prefix = tmp_path / "prefix"
    for name, code in FAKE_EXIT_CODES.items():
        write_executable(str(prefix / "bin" / name), FAKE_BINARY.format(code=code))
    worlds = prefix / "share" / "mockhub" / "worlds"
    worlds.mkdir(parents=True)
    (worlds / "demo.json").write_text('{"repos": []}\n')
    write_executable(str(prefix / "share" / "mockhub" / "scenarios" / "adapters" / "a.sh"),
                     "#!/bin/sh\n")
    (prefix / "share" / "mockhub" / "scenarios" / "adapters" / "a.json").write_text("{}\n")
    return prefix


def read_fake_argv(path):
    with open(path, "rb") as f:
        return f.read().decode("utf-8").split("\0")[:-1]
