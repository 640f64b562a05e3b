"""Which mockhub the fixture starts (mockhub.find_mockhub): MOCKHUB_BIN, then
the binary a wheel bundles, then PATH; and when none, an error that names
all three. The bundle is a fake prefix put where an installed wheel has it."""

import os

import pytest

import mockhub
from mockhub import MockHubStartError, _bundle, find_mockhub
from conftest import write_executable


@pytest.fixture
def empty_path(tmp_path, monkeypatch):
    """A PATH with one empty folder; returns the folder, to put a mockhub in."""
    folder = tmp_path / "path"
    folder.mkdir()
    monkeypatch.setenv("PATH", str(folder))
    monkeypatch.delenv("MOCKHUB_BIN", raising=False)
    return folder


@pytest.fixture
def bundled(fake_prefix, monkeypatch):
    monkeypatch.setattr(_bundle, "_PREFIX", str(fake_prefix))
    return fake_prefix


def test_mockhub_bin_beats_the_bundled_binary(empty_path, bundled, tmp_path, monkeypatch):
    explicit = tmp_path / "explicit" / "mockhub"
    write_executable(str(explicit), "#!/bin/sh\n")
    monkeypatch.setenv("MOCKHUB_BIN", str(explicit))
    assert find_mockhub() == str(explicit)


def test_the_bundled_binary_beats_a_mockhub_on_path(empty_path, bundled):
    write_executable(str(empty_path / "mockhub"), "#!/bin/sh\n")
    assert find_mockhub() == str(bundled / "bin" / "mockhub")
    assert mockhub.bundled_binary("hubget") == str(bundled / "bin" / "hubget")
    assert mockhub.share_dir() == str(bundled / "share" / "mockhub")


def test_without_a_bundle_a_mockhub_on_path_is_found(empty_path, tmp_path, monkeypatch):
    monkeypatch.setattr(_bundle, "_PREFIX", str(tmp_path / "no-prefix"))
    write_executable(str(empty_path / "mockhub"), "#!/bin/sh\n")
    assert find_mockhub() == str(empty_path / "mockhub")
    assert mockhub.bundled_binary("mockhub") is None and mockhub.share_dir() is None


def test_with_none_of_the_three_the_error_names_each(empty_path, tmp_path, monkeypatch):
    monkeypatch.setattr(_bundle, "_PREFIX", str(tmp_path / "no-prefix"))
    with pytest.raises(MockHubStartError) as missing:
        find_mockhub()
    message = str(missing.value)
    for what in ("MOCKHUB_BIN is not set", "bundles no binary", "no mockhub on PATH"):
        assert what in message


def test_only_the_two_bundled_binaries_have_names():
    with pytest.raises(ValueError, match="mockhub or hubget"):
        mockhub.bundled_binary("curl")
