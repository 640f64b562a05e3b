"""The `mockhub` fixture points every huggingface_hub cache and token path at
the test's folder (issue 25): the Xet cache, the assets cache, the stored
tokens and XDG_CACHE_HOME were left where the developer's shell or an early
import of huggingface_hub had put them, so a test could read their tokens
and write their caches. huggingface_hub is not a dependency of this package:
an imported one is stood in for by a module with its constants."""

import os
import sys
import types

import pytest

PATH_VARIABLES = ("HF_HOME", "HF_HUB_CACHE", "HF_XET_CACHE", "HF_ASSETS_CACHE", "HF_TOKEN_PATH",
                  "HF_STORED_TOKENS_PATH", "XDG_CACHE_HOME")
PATH_CONSTANTS = ("HF_HOME", "HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE", "HF_XET_CACHE",
                  "HF_ASSETS_CACHE", "HUGGINGFACE_ASSETS_CACHE", "HF_TOKEN_PATH",
                  "HF_STORED_TOKENS_PATH")


@pytest.fixture
def developers_paths(monkeypatch, tmp_path_factory):
    """A developer's shell with every path variable set to their own folders."""
    home = tmp_path_factory.mktemp("developer")
    for name in PATH_VARIABLES:
        monkeypatch.setenv(name, str(home / name.lower()))
    return str(home)


@pytest.fixture
def imported_huggingface_hub(monkeypatch, developers_paths):
    """huggingface_hub imported before the fixture: its constants hold the
    developer's paths, read from the environment at import time."""
    constants = types.ModuleType("huggingface_hub.constants")
    for name in PATH_CONSTANTS:
        setattr(constants, name, os.path.join(developers_paths, name.lower()))
    constants.ENDPOINT = "https://huggingface.co"
    constants.HF_HUB_OFFLINE = True
    monkeypatch.setitem(sys.modules, "huggingface_hub.constants", constants)
    return constants


def _inside(path, folder):
    return os.path.commonpath([os.path.abspath(path), str(folder)]) == str(folder)


def test_every_cache_and_token_variable_names_the_tests_folder(developers_paths, mockhub,
                                                               tmp_path):
    for name in PATH_VARIABLES:
        assert _inside(os.environ[name], tmp_path), f"{name}={os.environ[name]}"
    assert os.environ["HF_HUB_CACHE"] == os.path.join(os.environ["HF_HOME"], "hub")
    assert os.path.isdir(os.environ["XDG_CACHE_HOME"])


def test_an_imported_huggingface_hub_has_every_path_constant_patched(imported_huggingface_hub,
                                                                     mockhub, tmp_path):
    for name in PATH_CONSTANTS:
        value = getattr(imported_huggingface_hub, name)
        assert _inside(value, tmp_path), f"{name}={value}"
    assert imported_huggingface_hub.HF_XET_CACHE == os.environ["HF_XET_CACHE"]
    assert imported_huggingface_hub.HF_STORED_TOKENS_PATH == os.environ["HF_STORED_TOKENS_PATH"]
    assert imported_huggingface_hub.ENDPOINT == mockhub.endpoint
    assert imported_huggingface_hub.HF_HUB_OFFLINE is False
