"""A MockHub's server dies with the process that started it (issue 25, N15):
a test process killed with SIGKILL (a CI timeout, a developer's kill -9)
runs no cleanup, and the server used to stay, orphaned, on its ports."""

import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

SRC = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "src"))

# Starts a MockHub, prints the server's pid and folder, then waits to be killed.
PARENT = """
import sys, time
from mockhub import MockHub
hub = MockHub.start()
print(hub.env["MOCKHUB_PID"], hub._workdir, flush=True)
time.sleep(120)
"""


def _state(pid):
    """The process's state letter ('Z': a zombie), or None once it is gone."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return None


def _ended_within(pid, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if _state(pid) in (None, "Z"):
            return True
        time.sleep(0.05)
    return False


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_the_server_exits_when_the_process_that_started_it_is_killed(sig):
    env = dict(os.environ, PYTHONPATH=SRC + os.pathsep + os.environ.get("PYTHONPATH", ""))
    parent = subprocess.Popen([sys.executable, "-c", PARENT], env=env,
                              stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
    server_pid = None
    workdir = None
    try:
        line = parent.stdout.readline()
        assert line, "the parent did not start a MockHub"
        server_pid, workdir = int(line.split()[0]), line.split()[1]
        assert _state(server_pid) not in (None, "Z"), "the server runs"
        parent.send_signal(sig)
        parent.wait(timeout=10)
        assert _ended_within(server_pid, 5), "the server outlived its parent"
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
        if server_pid is not None and _state(server_pid) not in (None, "Z"):
            os.kill(server_pid, signal.SIGKILL)
        if workdir:
            shutil.rmtree(workdir, ignore_errors=True)
