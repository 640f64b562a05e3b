"""The `mockhub` fixture and the admin client, through a real `mockhub serve`:
every fixture method, faults and steps at run time, the environment a test
sees, and the ways to choose what is served."""

import json
import os

import pytest
import requests

from conftest import CLIP, SCENARIOS, sha256_of
from mockhub import AdminError


@pytest.fixture
def users_own_setup(monkeypatch):
    """What a developer's shell has: a real token and their own endpoint."""
    monkeypatch.setenv("HF_TOKEN", "hf_the_developers_real_token")
    monkeypatch.setenv("HF_ENDPOINT", "https://huggingface.co")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


def test_the_test_sees_the_mock_and_none_of_the_users_variables(users_own_setup, mockhub, tmp_path):
    assert "HF_TOKEN" not in os.environ
    assert "HF_HUB_OFFLINE" not in os.environ
    assert os.environ["HF_ENDPOINT"] == mockhub.endpoint == mockhub.env["HF_ENDPOINT"]
    assert mockhub.endpoint.startswith("http://127.")
    assert os.environ["MOCKHUB_CDN"] == mockhub.cdn != mockhub.endpoint
    assert os.environ["HF_HOME"].startswith(str(tmp_path))
    assert os.environ["HF_HUB_CACHE"] == os.path.join(os.environ["HF_HOME"], "hub")
    assert requests.get(mockhub.endpoint + "/_mockhub/health", timeout=10).status_code == 200


def test_journal_lists_each_request_and_clear_journal_empties_it(mockhub):
    r = requests.get(f"{mockhub.endpoint}/api/models/{CLIP}", timeout=10)
    assert r.status_code == 200
    entries = mockhub.journal()
    assert [(e["server"], e["method"], e["status"]) for e in entries] == [("hub", "GET", 200)]
    assert entries[0]["target"] == f"/api/models/{CLIP}"
    mockhub.clear_journal()
    assert mockhub.journal() == []


def test_a_cdn_reset_added_at_run_time_is_resumed_by_the_downloader(mockhub, tmp_path,
                                                                     downloader_module):
    fault = {"server": "cdn", "method": "GET", "when": {"first": 1},
             "do": {"cut": {"after_percent": 50, "mode": "reset"}}}
    fault_id = mockhub.add_fault(fault)
    assert isinstance(fault_id, str)
    hub = downloader_module.Downloader(mockhub.endpoint)
    path = hub.download(CLIP, "model.safetensors", str(tmp_path / "out"))
    cdn_gets = [e for e in mockhub.journal() if e["server"] == "cdn" and e["method"] == "GET"]
    assert [e["status"] for e in cdn_gets] == [200, 206], cdn_gets
    assert "fault:cut" in cdn_gets[0]["flags"]
    resumed_from = cdn_gets[1]["request_headers"]["range"]
    assert resumed_from.startswith("bytes=") and resumed_from != "bytes=0-", resumed_from
    head = requests.head(f"{mockhub.endpoint}/{CLIP}/resolve/main/model.safetensors",
                         allow_redirects=False, timeout=10)
    assert sha256_of(path) == head.headers["X-Linked-Etag"].strip('"')
    listed = mockhub.faults()["faults"]
    assert [(f["id"], f["fired"]) for f in listed] == [(fault_id, 1)]


def test_faults_can_be_listed_removed_one_by_one_and_cleared(mockhub):
    status_503 = {"server": "hub", "path": "/api/*", "do": {"status": {"code": 503}}}
    first, second = mockhub.add_fault([status_503, dict(status_503, path="/nothing")])
    assert [f["id"] for f in mockhub.faults()["faults"]] == [first, second]
    assert requests.get(f"{mockhub.endpoint}/api/models/{CLIP}", timeout=10).status_code == 503
    mockhub.remove_fault(first)
    assert [f["id"] for f in mockhub.faults()["faults"]] == [second]
    assert requests.get(f"{mockhub.endpoint}/api/models/{CLIP}", timeout=10).status_code == 200
    mockhub.clear_faults()
    assert mockhub.faults()["faults"] == []
    with pytest.raises(AdminError) as unknown:
        mockhub.remove_fault(first)
    assert unknown.value.status == 404


def test_a_bad_fault_is_refused_with_the_pointer_of_the_mistake(mockhub):
    with pytest.raises(AdminError) as refused:
        mockhub.add_fault({"server": "cdn", "do": {"explode": {}}})
    assert refused.value.status == 400
    assert json.loads(refused.value.body)["pointer"] == "/do/explode"
    assert mockhub.faults()["faults"] == []


def test_a_step_revokes_a_token_while_the_server_runs(mockhub):
    def whoami():
        return requests.get(mockhub.endpoint + "/api/whoami-v2", timeout=10,
                            headers={"Authorization": "Bearer hf_alice"})

    assert whoami().json()["name"] == "alice"
    answer = mockhub.step({"revoke_token": "hf_alice"})
    assert answer["step"] == "revoke_token"
    refused = whoami()
    assert refused.status_code == 401
    assert refused.headers["X-Error-Message"] == "Invalid credentials in Authorization header"
    with pytest.raises(AdminError) as client_action:
        mockhub.step({"download": {"repo": CLIP}})
    assert client_action.value.status == 400


@pytest.mark.mockhub(scenario=os.path.join(SCENARIOS, "s11-429-on-cdn-get.json"))
def test_a_marker_serves_a_scenario_with_its_faults(mockhub):
    assert mockhub.faults()["faults"], "the scenario's faults are live"


@pytest.mark.parametrize(
    "mockhub", [{"world": os.path.join(os.path.dirname(__file__), "data", "world.json")}],
    indirect=True)
def test_a_parameter_serves_a_world_file(mockhub):
    r = requests.get(mockhub.endpoint + "/api/models/py/only-here", timeout=10)
    assert r.status_code == 200
    assert requests.get(f"{mockhub.endpoint}/api/models/{CLIP}", timeout=10).status_code == 401


def test_tls_sets_the_ca_for_python_clients(request, tmp_path):
    from mockhub import MockHub

    with MockHub.start(tls=True) as hub:
        assert hub.endpoint.startswith("https://")
        assert os.path.isfile(hub.env["MOCKHUB_CA"])
        r = requests.get(hub.endpoint + "/_mockhub/health", verify=hub.env["MOCKHUB_CA"],
                         timeout=10)
        assert r.status_code == 200
    assert hub.returncode is not None, "the server stopped with the block"
