"""Adapters that contain themselves (issue 25, N2): `adapter.safe_join`, and
the shipped adapters run as processes against a small hostile HTTP server
(the mock's world loader refuses such names, so it cannot serve them). A
file name from the step or from the server's listing that could land
outside the adapter's output folder ends the step as invalid_argument,
with nothing written outside that folder and nothing fetched for it."""

import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from conftest import EXAMPLE, ROOT
from mockhub import adapter

CURL_ADAPTER = os.path.join(ROOT, "scenarios", "adapters", "curl-adapter.sh")
# "{tmp}" is the test's folder: an absolute name that would land beside
# the adapter's output folder, not in the machine's /tmp.
HOSTILE_NAMES = ["../../../escape", "../../escape", "a/../../../../escape", "{tmp}/escape-abs",
                 "..", "a\\..\\..\\escape", "bad\x01name", "\\server\\share"]


@pytest.mark.parametrize("name", ["config.json", "a/b/c.bin", "weights.-x", "--local-dir"])
def test_safe_join_keeps_a_relative_name_inside(tmp_path, name):
    joined = adapter.safe_join(str(tmp_path), name)
    assert joined == os.path.join(os.path.realpath(tmp_path), name)


@pytest.mark.parametrize("name", HOSTILE_NAMES + ["", "a//b", "./a", "a/.", "C:evil", "x\x00y"])
def test_safe_join_refuses_a_name_that_could_climb_out(tmp_path, name):
    with pytest.raises(adapter.UnsafePathError, match="refusing file name"):
        adapter.safe_join(str(tmp_path), name.replace("{tmp}", str(tmp_path)))


def test_safe_join_refuses_a_symlink_that_points_outside(tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "elsewhere").mkdir()
    os.symlink(tmp_path / "elsewhere", tmp_path / "out" / "link")
    with pytest.raises(adapter.UnsafePathError, match="resolves outside"):
        adapter.safe_join(str(tmp_path / "out"), "link/authorized_keys")


def test_an_unsafe_name_is_the_outcome_invalid_argument(tmp_path):
    kind, status, message = adapter.outcome_for(adapter.UnsafePathError("refusing file name 'x'"))
    assert (kind, status) == ("invalid_argument", None)


class HostileHub:
    """Answers like the Hub, with `names` as the snapshot's listing and
    `status` (with the body b"chosen bytes") for every file request."""

    def __init__(self, names, status=200):
        self.requests = []
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self, with_body):
                hub.requests.append((self.command, self.path))
                if self.path.startswith("/api/"):
                    body = json.dumps({"id": "o/r", "sha": "a" * 40,
                                       "siblings": [{"rfilename": n} for n in names]}).encode()
                    code, ctype = 200, "application/json"
                else:
                    body, code, ctype = b"chosen bytes", status, "application/octet-stream"
                self.send_response(code)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("X-Repo-Commit", "a" * 40)
                self.send_header("ETag", '"0123abcd"')
                self.end_headers()
                if with_body:
                    self.wfile.write(body)

            def do_GET(self):
                self._answer(True)

            def do_HEAD(self):
                self._answer(False)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(10)

    def file_requests(self):
        return [r for r in self.requests if not r[1].startswith("/api/")]


def _run_adapter(command, args, tmp_path, endpoint):
    """The adapter as `mockhub run` starts it: cwd a fresh folder deep
    inside tmp_path (so that a name climbing out lands in tmp_path), a
    scrubbed environment; its outcome line."""
    work = tmp_path / "a" / "b" / "c" / "work"
    work.mkdir(parents=True)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path / "home"),
           "HF_HOME": str(tmp_path / "home" / "hf"), "HF_ENDPOINT": endpoint,
           "PYTHONPATH": os.path.join(ROOT, "python", "src"), "PYTHONDONTWRITEBYTECODE": "1"}
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    run = subprocess.run(command + args, cwd=work, env=env, capture_output=True, text=True,
                         timeout=60)
    lines = [line for line in run.stdout.splitlines() if line.strip()]
    assert lines, run.stderr
    return json.loads(lines[-1]), run


def _files_outside(tmp_path, folder):
    """Every file under tmp_path but outside the adapter's output folder
    (`folder`, relative to its working directory)."""
    allowed = str(tmp_path / "a" / "b" / "c" / "work" / folder) + os.sep
    return [os.path.join(d, f) for d, _, files in os.walk(tmp_path) for f in files
            if not os.path.join(d, f).startswith(allowed)]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_the_example_refuses_a_name_the_server_lists_in_a_snapshot(tmp_path, name):
    with HostileHub(["config.json", name.replace("{tmp}", str(tmp_path))]) as hub:
        line, run = _run_adapter([sys.executable, os.path.join(EXAMPLE, "adapter.py")],
                                 ["download", "--", "o/r"], tmp_path, hub.url)
    assert line["ok"] is False, run.stdout + run.stderr
    assert line["error"] == "invalid_argument"
    assert "refusing file name" in line["message"]
    assert hub.file_requests() == []  # the whole listing is checked before any fetch
    assert _files_outside(tmp_path, "downloads") == []


def test_the_example_downloads_a_snapshot_whose_names_are_safe(tmp_path):
    with HostileHub(["config.json", "sub/weights.bin"]) as hub:
        line, run = _run_adapter([sys.executable, os.path.join(EXAMPLE, "adapter.py")],
                                 ["download", "--", "o/r"], tmp_path, hub.url)
    assert line["ok"] is True, run.stdout + run.stderr
    downloads = os.path.realpath(tmp_path / "a" / "b" / "c" / "work" / "downloads")
    assert sorted(line["paths"]) == [os.path.join(downloads, "config.json"),
                                     os.path.join(downloads, "sub", "weights.bin")]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_the_example_refuses_a_name_given_by_the_step(tmp_path, name):
    with HostileHub([]) as hub:
        line, run = _run_adapter([sys.executable, os.path.join(EXAMPLE, "adapter.py")],
                                 ["download", "--", "o/r", name], tmp_path, hub.url)
    assert (line["ok"], line["error"]) == (False, "invalid_argument"), run.stdout + run.stderr
    assert hub.file_requests() == []
    assert _files_outside(tmp_path, "downloads") == []


def test_the_downloader_itself_refuses_a_name_that_climbs_out(tmp_path, downloader_module):
    # The module on its own, as a project would use it: no request is sent.
    with HostileHub([]) as hub:
        d = downloader_module.Downloader(hub.url)
        with pytest.raises(downloader_module.UnsafePathError):
            d.download("o/r", "../../escape", str(tmp_path / "dest"))
    assert hub.requests == []


@pytest.mark.parametrize("status", [200, 500])
@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_the_curl_adapter_writes_nothing_outside_its_folder(tmp_path, name, status):
    # With a `status` fault curl still writes the body it got: the name
    # must be refused before the fetch, whatever the server answers.
    with HostileHub([], status=status) as hub:
        line, run = _run_adapter(["/bin/sh", CURL_ADAPTER],
                                 ["download", "--", "o/r", "config.json", name], tmp_path, hub.url)
    assert (line["ok"], line["error"]) == (False, "invalid_argument"), run.stdout + run.stderr
    assert "refusing file name" in line["message"]
    assert hub.file_requests() == []  # every name is checked before the first fetch
    assert _files_outside(tmp_path, "out") == []


def test_the_curl_adapter_takes_a_name_after_the_double_dash_as_a_file(tmp_path):
    with HostileHub([]) as hub:
        line, run = _run_adapter(["/bin/sh", CURL_ADAPTER],
                                 ["download", "--revision=v1", "--", "o/r", "--local-dir"],
                                 tmp_path, hub.url)
    assert line["ok"] is True, run.stdout + run.stderr
    assert hub.file_requests() == [("GET", "/o/r/resolve/v1/--local-dir")]
    out = os.path.realpath(tmp_path / "a" / "b" / "c" / "work" / "out" / "o" / "r" / "--local-dir")
    assert line["paths"] == [out]
    with open(out, "rb") as f:
        assert f.read() == b"chosen bytes"
