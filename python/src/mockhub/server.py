"""Start and stop `mockhub serve` from Python.

The binary is MOCKHUB_BIN if set, else the one a wheel bundles
(mockhub/_prefix/bin/mockhub), else `mockhub` on PATH. The server listens
on free loopback ports (`--port 0`) and writes its variables to an env file
once every site accepts connections (`--env-file`): MockHub.start returns
only then, so a test never races the server's start-up.

The server's stdin is a pipe whose other end only this process holds, and
the server stops when it reads end of file (`--exit-with-stdin`): when the
test process dies, even by SIGKILL, the kernel closes that end and the
server goes with it instead of being orphaned on its ports.
"""

import os
import shutil
import signal
import subprocess
import tempfile
import time

from mockhub._bundle import bundled_binary
from mockhub.admin import AdminClient


class MockHubStartError(RuntimeError):
    """`mockhub serve` did not come up; the message carries its stderr."""


def find_mockhub():
    """The mockhub binary: MOCKHUB_BIN, then the bundled one, then PATH.
    Raises if none."""
    explicit = os.environ.get("MOCKHUB_BIN")
    if explicit:
        if not (os.path.isfile(explicit) and os.access(explicit, os.X_OK)):
            raise MockHubStartError(f"MOCKHUB_BIN={explicit} is not an executable file")
        return explicit
    bundled = bundled_binary("mockhub")
    if bundled:
        return bundled
    found = shutil.which("mockhub")
    if not found:
        raise MockHubStartError(
            "mockhub not found: MOCKHUB_BIN is not set, this installation of the mockhub "
            "package bundles no binary (a pure wheel or a checkout), and there is no mockhub "
            "on PATH. Install the wheel that carries the binaries (python/README.md, "
            "\"Install\"), install mockhub (the README's Install section), or set MOCKHUB_BIN "
            "to the binary"
        )
    return found


def _read_env_file(path):
    env = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            key, sep, value = line.rstrip("\n").partition("=")
            if sep:
                env[key] = value
    return env


class MockHub:
    """A running `mockhub serve` and its admin API.

    Attributes: endpoint (HF_ENDPOINT), cdn (MOCKHUB_CDN), env (every
    variable the server printed: HF_ENDPOINT, MOCKHUB_CDN, MOCKHUB_CAS,
    MOCKHUB_CA with TLS), admin (an AdminClient).
    """

    def __init__(self, process, env, workdir):
        self._process = process
        self._workdir = workdir
        self.env = env
        self.endpoint = env["HF_ENDPOINT"]
        self.cdn = env.get("MOCKHUB_CDN", "")
        self.admin = AdminClient(self.endpoint)

    @classmethod
    def start(cls, world=None, scenario=None, tls=False, extra_args=(), timeout=30.0):
        """Starts `mockhub serve` with a world or a scenario file (the demo
        world when neither is given) and waits until it is ready."""
        if world and scenario:
            raise ValueError("give a world or a scenario, not both")
        binary = find_mockhub()
        workdir = tempfile.mkdtemp(prefix="mockhub-py-")
        env_file = os.path.join(workdir, "mockhub.env")
        args = [binary, "serve", "--port", "0", "--env-file", env_file, "--exit-with-stdin"]
        if world:
            args += ["--world", os.fspath(world)]
        if scenario:
            args += ["--scenario", os.fspath(scenario)]
        if tls:
            args.append("--tls")
        args += list(extra_args)
        log = open(os.path.join(workdir, "mockhub.log"), "wb")
        try:
            # The write end is close-on-exec: no other child of ours inherits it.
            process = subprocess.Popen(
                args, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=log
            )
        finally:
            log.close()
        deadline = time.monotonic() + timeout
        while not os.path.exists(env_file):
            if process.poll() is not None:
                process.stdin.close()
                err = cls._log_text(workdir)
                shutil.rmtree(workdir, ignore_errors=True)
                raise MockHubStartError(
                    f"mockhub serve exited with {process.returncode} at start-up: {err}"
                )
            if time.monotonic() > deadline:
                process.kill()
                process.wait()
                process.stdin.close()
                err = cls._log_text(workdir)
                shutil.rmtree(workdir, ignore_errors=True)
                raise MockHubStartError(f"mockhub serve not ready within {timeout} s: {err}")
            time.sleep(0.01)  # polls for the env file, which appears whole (renamed into place)
        return cls(process, _read_env_file(env_file), workdir)

    @staticmethod
    def _log_text(workdir):
        try:
            with open(os.path.join(workdir, "mockhub.log"), encoding="utf-8", errors="replace") as f:
                return f.read().strip()[-2000:]
        except OSError:
            return ""

    def log(self):
        """The server's log so far (one line per request; never a whole token)."""
        return self._log_text(self._workdir)

    # The admin API, shortened.
    def journal(self):
        return self.admin.journal()

    def clear_journal(self):
        self.admin.clear_journal()

    def add_fault(self, fault):
        return self.admin.add_fault(fault)

    def remove_fault(self, fault_id):
        self.admin.remove_fault(fault_id)

    def clear_faults(self):
        self.admin.clear_faults()

    def faults(self):
        return self.admin.faults()

    def step(self, step):
        return self.admin.step(step)

    def stop(self, timeout=10.0):
        """SIGTERM, then SIGKILL after `timeout`; idempotent."""
        if self._process.poll() is None:
            self._process.send_signal(signal.SIGTERM)
            try:
                self._process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        if not self._process.stdin.closed:
            self._process.stdin.close()
        shutil.rmtree(self._workdir, ignore_errors=True)

    @property
    def returncode(self):
        return self._process.poll()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        return False
