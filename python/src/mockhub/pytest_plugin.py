"""The pytest plugin: a fixture `mockhub` that runs `mockhub serve` for a test.

Installed, it registers itself (entry point `pytest11`, name `mockhub`);
from a checkout, load it with `-p mockhub.pytest_plugin` and `src/` on
PYTHONPATH. Choose what the server serves with a marker or a parameter:

    @pytest.mark.mockhub(scenario="scenarios/s11-429-on-cdn-get.json")
    def test_retries(mockhub): ...

    @pytest.mark.parametrize("mockhub", [{"world": "my-world.json"}], indirect=True)
    def test_it(mockhub): ...

Without either, the demo world. The fixture yields a mockhub.MockHub
(`endpoint`, `cdn`, `env`, `journal()`, `add_fault(dict)`, `clear_faults()`,
`step(dict)`, `clear_journal()`) and, for the test's duration, removes every
HF_* and HUGGING_FACE_HUB_* variable of the user's and sets HF_ENDPOINT,
MOCKHUB_CDN and, with TLS, the CA variables, and points every cache and token
path huggingface_hub has at the test's tmp_path: HF_HOME, HF_HUB_CACHE,
HF_XET_CACHE, HF_ASSETS_CACHE, HF_TOKEN_PATH, HF_STORED_TOKENS_PATH (under
tmp_path/hf-home) and XDG_CACHE_HOME (tmp_path/xdg-cache, where
huggingface_hub and other libraries put what has no variable of its own), so
a test never reads the developer's token nor writes their caches.
huggingface_hub reads HF_ENDPOINT and these paths when it is first imported
(into huggingface_hub.constants): if it is already imported when the fixture
starts, the fixture also patches those constants (ENDPOINT,
HUGGINGFACE_CO_URL_TEMPLATE, HF_HOME, HF_HUB_CACHE, HUGGINGFACE_HUB_CACHE,
HF_XET_CACHE, HF_ASSETS_CACHE, HUGGINGFACE_ASSETS_CACHE, HF_TOKEN_PATH,
HF_STORED_TOKENS_PATH, HF_HUB_OFFLINE) for the test; code that copied them
into its own globals at import time must be imported inside the test instead.
"""

import os
import sys

import pytest

from mockhub.server import MockHub

_SCRUBBED_PREFIXES = ("HF_", "HUGGING_FACE_HUB_", "HUGGINGFACE_")
_CA_VARIABLES = ("SSL_CERT_FILE", "CURL_CA_BUNDLE", "REQUESTS_CA_BUNDLE", "NODE_EXTRA_CA_CERTS")


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "mockhub(world=None, scenario=None, tls=False): what the `mockhub` fixture serves",
    )


def _options(request):
    options = {}
    marker = request.node.get_closest_marker("mockhub")
    if marker is not None:
        options.update(marker.kwargs)
    param = getattr(request, "param", None)
    if isinstance(param, dict):
        options.update(param)
    elif isinstance(param, (str, os.PathLike)):
        options["world"] = param
    unknown = set(options) - {"world", "scenario", "tls", "extra_args"}
    if unknown:
        raise pytest.UsageError(f"mockhub: unknown option(s) {sorted(unknown)}")
    return options


def _paths(tmp_path):
    """Every cache and token path of huggingface_hub, under the test's folder:
    the environment variable and its value."""
    hf_home = str(tmp_path / "hf-home")
    return {
        "HF_HOME": hf_home,
        "HF_HUB_CACHE": os.path.join(hf_home, "hub"),
        "HF_XET_CACHE": os.path.join(hf_home, "xet"),
        "HF_ASSETS_CACHE": os.path.join(hf_home, "assets"),
        "HF_TOKEN_PATH": os.path.join(hf_home, "token"),
        "HF_STORED_TOKENS_PATH": os.path.join(hf_home, "stored_tokens"),
        "XDG_CACHE_HOME": str(tmp_path / "xdg-cache"),
    }


def _patch_huggingface_hub(monkeypatch, endpoint, paths):
    constants = sys.modules.get("huggingface_hub.constants")
    if constants is None:
        return
    values = {
        "ENDPOINT": endpoint,
        "HUGGINGFACE_CO_URL_TEMPLATE": endpoint + "/{repo_id}/resolve/{revision}/{filename}",
        "HF_HOME": paths["HF_HOME"],
        "HF_HUB_CACHE": paths["HF_HUB_CACHE"],
        "HUGGINGFACE_HUB_CACHE": paths["HF_HUB_CACHE"],
        "HF_XET_CACHE": paths["HF_XET_CACHE"],
        "HF_ASSETS_CACHE": paths["HF_ASSETS_CACHE"],
        "HUGGINGFACE_ASSETS_CACHE": paths["HF_ASSETS_CACHE"],
        "HF_TOKEN_PATH": paths["HF_TOKEN_PATH"],
        "HF_STORED_TOKENS_PATH": paths["HF_STORED_TOKENS_PATH"],
        "HF_HUB_OFFLINE": False,
    }
    for name, value in values.items():
        if hasattr(constants, name):
            monkeypatch.setattr(constants, name, value)


@pytest.fixture
def mockhub(request, tmp_path, monkeypatch):
    options = _options(request)
    for name in list(os.environ):
        if name.startswith(_SCRUBBED_PREFIXES):
            monkeypatch.delenv(name)
    hub = MockHub.start(**options)
    try:
        paths = _paths(tmp_path)
        os.makedirs(paths["HF_HUB_CACHE"], exist_ok=True)
        os.makedirs(paths["XDG_CACHE_HOME"], exist_ok=True)
        monkeypatch.setenv("HF_ENDPOINT", hub.endpoint)
        for name, value in paths.items():
            monkeypatch.setenv(name, value)
        monkeypatch.setenv("HF_HUB_DISABLE_TELEMETRY", "1")
        for name, value in hub.env.items():
            if name.startswith("MOCKHUB_"):
                monkeypatch.setenv(name, value)
        if "MOCKHUB_CA" in hub.env:
            for name in _CA_VARIABLES:
                monkeypatch.setenv(name, hub.env["MOCKHUB_CA"])
        _patch_huggingface_hub(monkeypatch, hub.endpoint, paths)
        yield hub
    finally:
        hub.stop()
