"""What check_action.py and check_release.py share: the project's version and
slug as CMakeLists.txt states them, YAML steps by name, a loopback HTTP server
for a release folder, a release tarball in the contract's layout, and running a
step's script with bash in a scrubbed environment (no HF_*, MOCKHUB_*,
GITHUB_*, RUNNER_* from the developer's shell)."""
import contextlib
import hashlib
import http.server
import os
import re
import shutil
import subprocess
import tarfile
import threading

import yaml


def load(path):
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def cmake_version(root):
    """project(mockhub VERSION x.y.z ...) of CMakeLists.txt."""
    return re.search(r"project\(mockhub\s+VERSION\s+([0-9.]+)",
                     read(os.path.join(root, "CMakeLists.txt"))).group(1)


def cmake_slug(root):
    """OWNER/REPO of CMakeLists.txt's HOMEPAGE_URL https://github.com/OWNER/REPO."""
    text = read(os.path.join(root, "CMakeLists.txt"))
    url = re.search(r"HOMEPAGE_URL\s+(https?://\S+)", text).group(1)
    return re.fullmatch(r"https://github\.com/([\w.-]+/[\w.-]+)", url).group(1)


def step(steps, name):
    """The step named `name` (None when absent)."""
    return next((s for s in steps if s.get("name") == name), None)


def tarball_name(version):
    return f"mockhub-{version}-linux-x86_64"


def scrubbed_env(**extra):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("HF_", "MOCKHUB_", "GITHUB_", "RUNNER_"))}
    env["PATH"] = "/usr/bin:/bin"
    env.update(extra)
    return env


def run_bash(script, env, cwd, timeout=120):
    return subprocess.run(["/bin/bash", "-c", script], env=env, cwd=cwd, capture_output=True,
                          text=True, timeout=timeout)


def write_sums(folder, names):
    """SHA256SUMS in sha256sum's format for `names` in `folder`."""
    lines = []
    for name in names:
        with open(os.path.join(folder, name), "rb") as f:
            lines.append(f"{hashlib.sha256(f.read()).hexdigest()}  {name}\n")
    with open(os.path.join(folder, "SHA256SUMS"), "w", encoding="utf-8") as f:
        f.writelines(lines)


def make_tarball(folder, version, mockhub, hubget, root):
    """The release tarball's layout around two binaries (those of this build
    when no release.sh dist is at hand): top folder, bin/, LICENSE, README.md
    (the share/ tree is release.sh's to test, not the action's)."""
    top = tarball_name(version)
    stage = os.path.join(folder, "stage", top)
    shutil.rmtree(os.path.join(folder, "stage"), ignore_errors=True)
    os.makedirs(os.path.join(stage, "bin"))
    for src, name in ((mockhub, "mockhub"), (hubget, "hubget")):
        # Without debug sections (a RelWithDebInfo build's are ~90 MB): the
        # tarball is made and unpacked several times per run.
        subprocess.run(["strip", "--strip-debug", "-o", os.path.join(stage, "bin", name), src],
                       check=True, timeout=60)
    for doc in ("LICENSE", "README.md"):
        shutil.copy2(os.path.join(root, doc), os.path.join(stage, doc))
    with tarfile.open(os.path.join(folder, top + ".tar.gz"), "w:gz") as tar:
        tar.add(stage, arcname=top)
    shutil.rmtree(os.path.join(folder, "stage"))
    return top + ".tar.gz"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        self.server.paths.append(self.path)


@contextlib.contextmanager
def serve(folder):
    """`folder` over http on 127.0.0.1, a port the kernel picks; yields
    (base URL, the request paths seen so far)."""
    handler = lambda *a, **k: _Quiet(*a, directory=folder, **k)  # noqa: E731
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.paths = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", server.paths
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def release_root(work, dist, version, name="releases-download"):
    """A folder laid out as <HOMEPAGE_URL>/releases/download: v<version>/ is `dist`."""
    top = os.path.join(work, name)
    shutil.rmtree(top, ignore_errors=True)
    os.makedirs(top)
    os.symlink(os.path.abspath(dist), os.path.join(top, "v" + version))
    return top


class InstallRun:
    """The action's "Install mockhub" script run once, as on a runner: its
    step env, RUNNER_TEMP, and the GITHUB_PATH and GITHUB_ENV files."""

    def __init__(self, script, work, label, step_env, runner=True):
        self.home = os.path.join(work, label)
        shutil.rmtree(self.home, ignore_errors=True)
        os.makedirs(self.home)
        env = scrubbed_env(**step_env)
        self.path_file = os.path.join(self.home, "github_path")
        self.env_file = os.path.join(self.home, "github_env")
        if runner:
            os.makedirs(os.path.join(self.home, "runner_temp"))
            env.update(RUNNER_TEMP=os.path.join(self.home, "runner_temp"),
                       GITHUB_PATH=self.path_file, GITHUB_ENV=self.env_file)
        self.done = run_bash(script, env, self.home)

    def lines(self, path):
        if not os.path.exists(path):
            return []
        return read(path).splitlines()

    def output(self):
        return f"exit {self.done.returncode}\n{self.done.stdout}\n{self.done.stderr}"
