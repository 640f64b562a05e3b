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
