#!/usr/bin/python3
"""The README's background session, as it stands there, under /bin/sh.

The fenced sh block of README.md that starts `mockhub serve --background` is
taken from the README (never a copy), its `build/dev/...` paths replaced by
this build's binaries; hubget is reached through a stand-in that records the
HF_ENDPOINT and MOCKHUB_PID it was started with, then runs the real hubget
only when HF_ENDPOINT is a loopback address (a stand-in never reaches the
network). Checked:
  * every client the script starts sees the mock's HF_ENDPOINT and its
    MOCKHUB_PID (issue 20: `eval` of plain assignments exported nothing, so
    hubget went to huggingface.co with the token);
  * the download gets the mock's 401 for the revoked token;
  * the background server is gone once the script ends;
  * when the server fails to start, the script stops before any client runs;
  * every sh block of a tracked README that starts `mockhub serve --background`
    has `set -e` and a `${HF_ENDPOINT:?...}` guard between the start and its
    next line, so none can reach huggingface.co after a failed start.

Usage: readme_session_test.py README.md MOCKHUB_BIN HUBGET_BIN
"""
import os
import re
import shlex
import signal
import subprocess
import sys
import tempfile
import time
import unittest

README = MOCKHUB = HUBGET = None
MOCKHUB_PATH = "build/dev/mockhub/mockhub"
HUBGET_PATH = "build/dev/client/hubget"


def session_block(text):
    """The one ```sh block holding `serve --background`."""
    blocks = re.findall(r"^```sh\n(.*?)^```", text, re.S | re.M)
    found = [b for b in blocks if "serve --background" in b]
    if len(found) != 1:
        raise AssertionError("README.md has %d sh blocks with `serve --background`, expected 1"
                             % len(found))
    return found[0]


def write_executable(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    os.chmod(path, 0o755)


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open("/proc/%d/stat" % pid, encoding="utf-8") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


class ReadmeSessionTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name
        self.record = os.path.join(self.dir, "clients.txt")
        os.mkdir(os.path.join(self.dir, "home"))
        with open(README, encoding="utf-8") as f:
            self.block = session_block(f.read())
        self.pids = []

    def tearDown(self):
        for pid in self.pids:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        self.tmp.cleanup()

    def stand_in_hubget(self):
        path = os.path.join(self.dir, "hubget")
        write_executable(path, """#!/bin/sh
printf '%%s|%%s|%%s\\n' "${HF_ENDPOINT-unset}" "${MOCKHUB_PID-unset}" "$1" >> %s
case "$HF_ENDPOINT" in
  http://127.0.0.1:*) exec %s "$@" ;;
esac
echo "stand-in: HF_ENDPOINT is not the mock's; hubget not run" >&2
exit 97
""" % (shlex.quote(self.record), shlex.quote(HUBGET)))
        return path

    def run_block(self, mockhub):
        for path in (MOCKHUB_PATH, HUBGET_PATH):
            self.assertIn(path, self.block, "the README's session no longer runs " + path)
        rest = self.block.replace(MOCKHUB_PATH, "").replace(HUBGET_PATH, "")
        self.assertNotIn("build/", rest, "a path of the README's session that the test does not map")
        script = self.block.replace(MOCKHUB_PATH, shlex.quote(mockhub))
        script = script.replace(HUBGET_PATH, shlex.quote(self.stand_in_hubget()))
        env = {"PATH": "/usr/bin:/bin", "HOME": os.path.join(self.dir, "home"),
               "TMPDIR": self.dir, "LC_ALL": "C.UTF-8"}
        return subprocess.run(["/bin/sh", "-c", script], cwd=self.dir, env=env,
                              capture_output=True, text=True, timeout=120, check=False)

    def clients(self):
        if not os.path.exists(self.record):
            return []
        with open(self.record, encoding="utf-8") as f:
            return [line.rstrip("\n").split("|") for line in f]

    def test_clients_see_the_mock_and_the_server_stops_at_the_end(self):
        run = self.run_block(MOCKHUB)
        clients = self.clients()
        for _, pid, _ in clients:
            if pid.isdigit():
                self.pids.append(int(pid))
        said = "exit %d\nstdout:\n%s\nstderr:\n%s" % (run.returncode, run.stdout, run.stderr)
        self.assertEqual(run.returncode, 0, said)
        self.assertEqual([c[2] for c in clients], ["download", "doctor"], said)
        for endpoint, pid, command in clients:
            self.assertRegex(endpoint, r"^http://127\.0\.0\.1:\d+$",
                             "hubget %s saw HF_ENDPOINT=%s" % (command, endpoint))
            self.assertRegex(pid, r"^\d+$", "hubget %s saw MOCKHUB_PID=%s" % (command, pid))
        self.assertEqual(len({c[0] for c in clients}), 1, clients)
        self.assertIn("Invalid credentials in Authorization header", run.stderr, said)
        pid = int(clients[0][1])
        deadline = time.monotonic() + 10
        while alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertFalse(alive(pid), "the background server outlived the script")

    def test_no_client_runs_when_the_server_does_not_start(self):
        failing = os.path.join(self.dir, "mockhub")
        write_executable(failing, "#!/bin/sh\necho 'mockhub: cannot bind the hub site' >&2\n"
                                  "exit 2\n")
        run = self.run_block(failing)
        self.assertNotEqual(run.returncode, 0, run.stdout + run.stderr)
        self.assertEqual(self.clients(), [], "a client ran without the mock")
        self.assertIn("mockhub did not start", run.stderr)


class EveryBackgroundExampleIsGuardedTest(unittest.TestCase):
    def test_set_e_and_the_endpoint_guard_come_before_any_client(self):
        root = os.path.dirname(os.path.abspath(README))
        readmes = subprocess.run(["git", "-C", root, "ls-files", "*.md"], capture_output=True,
                                 text=True, timeout=60, check=True).stdout.split()
        starts = 0
        for rel in readmes:
            with open(os.path.join(root, rel), encoding="utf-8") as f:
                text = f.read()
            for block in re.findall(r"^\s*```sh\n(.*?)^\s*```", text, re.S | re.M):
                lines = [line.split("#", 1)[0].strip() for line in block.splitlines()]
                lines = [line for line in lines if line]
                for i, line in enumerate(lines):
                    if "serve --background" not in line:
                        continue
                    starts += 1
                    where = "%s: the block of `%s`" % (rel, line)
                    self.assertIn("set -e", lines[:i], where + " has no `set -e` before it")
                    self.assertTrue(i + 1 < len(lines) and lines[i + 1].startswith(': "${HF_ENDPOINT:?'),
                                    where + ": the next line must be the HF_ENDPOINT guard")
        self.assertGreaterEqual(starts, 2, "the README and mockhub/README.md both show one")


if __name__ == "__main__":
    README, MOCKHUB, HUBGET = sys.argv[1:4]
    del sys.argv[1:4]
    unittest.main()
