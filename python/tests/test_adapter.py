"""The adapter kit: the contract's arguments, exception -> outcome kinds
(huggingface_hub's classes by name, HTTP statuses and the Hub's headers),
token masking, and the example adapter end to end through `mockhub run`."""

import io
import json
import os
import subprocess
import xml.etree.ElementTree as ET

import pytest

from conftest import EXAMPLE, SCENARIOS
from mockhub import adapter
from mockhub.server import find_mockhub


def test_the_contracts_command_lines_parse():
    a = adapter.parse_args(["--token=hf_x", "download", "--revision=v1", "--repo-type=dataset",
                            "--include=*.json", "--exclude=*.md", "--", "org/m", "a.json", "b.bin"])
    assert (a.name, a.repo, a.files, a.revision, a.repo_type, a.token) == (
        "download", "org/m", ["a.json", "b.bin"], "v1", "dataset", "hf_x")
    assert (a.include, a.exclude) == (["*.json"], ["*.md"])
    assert adapter.parse_args(["whoami"]).name == "whoami"
    assert adapter.parse_args(["info", "--", "org/m"]).repo == "org/m"


def test_the_older_form_typed_by_hand_still_parses():
    a = adapter.parse_args(["--token", "hf_x", "download", "org/m", "a.json", "--revision", "v1"])
    assert (a.repo, a.files, a.revision, a.token) == ("org/m", ["a.json"], "v1", "hf_x")


def test_after_the_double_dash_everything_is_a_positional():
    a = adapter.parse_args(["download", "--revision=-x", "--", "org/m", "--local-dir", "/any/dir",
                            "--revision=v9", "--"])
    assert a.files == ["--local-dir", "/any/dir", "--revision=v9", "--"]
    assert a.revision == "-x"  # a value starting with '-' is still a value
    assert a.repo == "org/m" and a.include == []


@pytest.mark.parametrize("argv", [[], ["fly"], ["download"], ["whoami", "org/m"],
                                  ["info", "org/m", "file"], ["download", "r", "--bogus"],
                                  ["download", "r", "--repo-type", "tree"], ["--token"],
                                  ["download", "--local-dir=/x", "--", "r"],
                                  ["download", "-x", "--", "r"]])
def test_arguments_outside_the_contract_are_a_usage_error(argv):
    with pytest.raises(adapter.UsageError):
        adapter.parse_args(argv)


class _Response:
    def __init__(self, status, headers=None):
        self.status_code = status
        self.headers = headers or {}


def _hub_error(class_name, status=None, headers=None, base=Exception):
    """An exception of huggingface_hub's class name, carrying a response as
    HfHubHTTPError does (the kit matches by name: no import needed)."""
    cls = type(class_name, (base,), {})
    exc = cls("text")
    if status is not None:
        exc.response = _Response(status, headers)
    return exc


@pytest.mark.parametrize("name,status,headers,kind", [
    ("GatedRepoError", 401, {"X-Error-Code": "GatedRepo"}, "gated_auth_required"),
    ("GatedRepoError", 403, {"X-Error-Code": "GatedRepo"}, "gated_not_authorized"),
    ("RepositoryNotFoundError", 404, {"X-Error-Code": "RepoNotFound"}, "repo_not_found"),
    ("RepositoryNotFoundError", 401, {}, "auth_required"),
    ("RepositoryNotFoundError", 401,
     {"X-Error-Message": 'User Access Token "old-laptop" is expired'}, "token_expired"),
    ("RevisionNotFoundError", 404, {}, "revision_not_found"),
    ("RemoteEntryNotFoundError", 404, {}, "entry_not_found"),
    ("LocalEntryNotFoundError", None, None, "offline_not_cached"),
    ("DisabledRepoError", 403, {}, "disabled"),
    ("HfHubHTTPError", 401, {"X-Error-Message": "Invalid credentials in Authorization header"},
     "invalid_token"),
    ("HfHubHTTPError", 429, {}, "rate_limited"),
    ("HfHubHTTPError", 503, {}, "server_error"),
    ("HTTPError", 404, {"X-Error-Code": "EntryNotFound"}, "entry_not_found"),
    ("ReadTimeout", None, None, "timeout"),
    ("ConnectionError", None, None, "network"),
])
def test_exceptions_map_to_outcome_kinds(name, status, headers, kind):
    got, got_status, _ = adapter.outcome_for(_hub_error(name, status, headers))
    assert got == kind
    assert got_status == status


def test_a_subclass_maps_like_its_huggingface_hub_base():
    base = type("GatedRepoError", (Exception,), {})
    exc = type("MyGatedError", (base,), {})("x")
    exc.response = _Response(403, {"X-Error-Code": "GatedRepo"})
    assert adapter.outcome_for(exc)[0] == "gated_not_authorized"


def test_the_outcome_line_never_holds_a_whole_token(monkeypatch):
    monkeypatch.setenv("HF_TOKEN", "hf_from_the_environment_123")
    out = io.StringIO()

    def handler(action):
        raise ValueError(f"bad token {action.token} and hf_from_the_environment_123")

    assert adapter.run(handler, ["--token=hf_given_as_argument", "whoami"], out=out) == 1
    line = json.loads(out.getvalue().strip().splitlines()[-1])
    assert line["ok"] is False and line["error"] == "invalid_argument"
    assert "hf_given_as_argument" not in line["message"]
    assert "hf_from_the_environment_123" not in line["message"]


def test_a_successful_handler_prints_its_paths(tmp_path):
    out = io.StringIO()
    target = tmp_path / "f.json"
    assert adapter.run(lambda action: [str(target)], ["download", "--", "o/r", "f.json"],
                       out=out) == 0
    assert json.loads(out.getvalue()) == {"ok": True, "paths": [str(target)]}


def test_the_example_adapter_passes_scenarios_through_mockhub_run(tmp_path):
    junit = tmp_path / "junit.xml"
    files = [os.path.join(SCENARIOS, name + ".json") for name in (
        "s01-invokeai-stale-token-file", "s13-cut-reset-resumed", "s04-gated-not-approved-then-approved",
        "s10-resume-partial-incomplete")]
    run = subprocess.run(
        [find_mockhub(), "run", "--adapter", os.path.join(EXAMPLE, "requests.adapter.json"),
         "--junit", str(junit), *files],
        capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    cases = {c.get("name"): c for c in ET.parse(junit).getroot().iter("testcase")}
    assert set(cases) == {os.path.basename(f)[:-5] for f in files}
    # A declared failure is reported per check, with its reason.
    waived = cases["s10-resume-partial-incomplete"].findall("properties/property")
    assert waived and all("no huggingface_hub cache" in p.get("value") for p in waived)
    assert cases["s13-cut-reset-resumed"].find("failure") is None
    assert cases["s13-cut-reset-resumed"].find("skipped") is None
