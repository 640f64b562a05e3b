#!/usr/bin/python3
"""The release wheel as a CI job uses it (issue 20, item 4c): installed with
`pip install --no-index` into a fresh `python3 -m venv --system-site-packages`
and, with PATH reduced to the venv's bin, /usr/bin and /bin and no
MOCKHUB_BIN, (1) `mockhub --version` and `hubget --version` from the venv
print the version, (2) the bundled mockhub runs the bundled scenario of a
stale HF_TOKEN on a public repo with the bundled hubget, (3) a pytest file
using the `mockhub` fixture (found through the wheel's pytest11 entry point,
serving from the bundled binary) reproduces the stale-token 401 on a public
repo and checks it in the journal.

    wheel_venv_test.py --dist DIR --source DIR --work DIR

DIR holds exactly one `mockhub-<version>-py3-none-manylinux*.whl`, <version>
being CMakeLists.txt's project VERSION. WORK is emptied first. Prints each
check and what failed; exits 1 when one did.
"""

import argparse
import glob
import os
import re
import shutil
import subprocess
import sys

# A user's test: the fixture with no -p option, no conftest, no MOCKHUB_BIN.
STALE_TOKEN_TEST = '''
"""A revoked token on a public model: the Hub's 401, for the raw request and
for the bundled hubget, and the journal saying so."""
import json
import os
import subprocess
import urllib.error
import urllib.request

import pytest

import mockhub as package

REPO = "InvokeAI/clip-vit-large-patch14"
MESSAGE = "Invalid credentials in Authorization header"
TARGET = f"/{REPO}/resolve/main/config.json"


def test_the_fixture_serves_from_the_bundled_binary(mockhub):
    bundled = package.bundled_binary("mockhub")
    assert bundled and bundled.startswith(os.environ["WHEEL_TEST_VENV"] + os.sep), bundled
    assert package.find_mockhub() == bundled, "the bundled binary, before the venv's launcher"
    server = os.readlink(f"/proc/{mockhub.env['MOCKHUB_PID']}/exe")
    assert os.path.realpath(server) == os.path.realpath(bundled)
    assert os.path.isfile(os.path.join(package.share_dir(), "scenarios", "schema.json"))


def test_a_revoked_token_on_a_public_model_gets_the_hubs_401(mockhub):
    with urllib.request.urlopen(mockhub.endpoint + TARGET, timeout=10) as anonymous:
        assert anonymous.status == 200, "the model is public"
    request = urllib.request.Request(mockhub.endpoint + TARGET,
                                     headers={"Authorization": "Bearer hf_revoked"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 401
    assert refused.value.headers["X-Error-Message"] == MESSAGE
    assert json.loads(refused.value.read()) == {"error": MESSAGE}
    # The journal (which waits for responses still being recorded): the
    # anonymous GET served, the one with the token refused with the message.
    entries = mockhub.journal()
    rows = sorted((("authorization" in e["request_headers"]), e["server"], e["method"],
                   e["target"], e["status"]) for e in entries)
    assert rows == [(False, "hub", "GET", TARGET, 200), (True, "hub", "GET", TARGET, 401)]
    with_token = [e for e in entries if "authorization" in e["request_headers"]][0]
    assert with_token["response_headers"]["x-error-message"] == MESSAGE


def test_the_bundled_hubget_with_a_revoked_hf_token_says_invalid_token(mockhub, tmp_path):
    env = dict(os.environ, HF_TOKEN="hf_revoked")
    done = subprocess.run(["hubget", "--quiet", "download", REPO, "config.json"], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 3, done.stderr  # hubget's exit code for a rejected token
    assert "invalid_token" in done.stderr and MESSAGE in done.stderr
    assert "HF_TOKEN" in done.stderr
    entries = mockhub.journal()
    assert {(e["server"], e["status"]) for e in entries} == {("hub", 401)}, entries
    assert all(e["target"] == TARGET for e in entries)
    assert not os.listdir(os.path.join(os.environ["HF_HUB_CACHE"]))
'''

# What the job's environment must not carry into the venv.
_DROPPED = ("MOCKHUB_", "PYTHON", "PYTEST_", "HF_", "HUGGING", "VIRTUAL_ENV", "PIP_")


class Checks:
    """Prints each check as it ends; remembers what failed."""

    def __init__(self):
        self.failed = []

    def __call__(self, name, ok, detail=""):
        print(f"{'ok' if ok else 'FAILED'}: {name}" + ("" if ok or not detail else f"\n{detail}"),
              flush=True)
        if not ok:
            self.failed.append(name)
        return ok


def cmake_version(source):
    with open(os.path.join(source, "CMakeLists.txt"), encoding="utf-8") as f:
        match = re.search(r"project\(mockhub\s+VERSION\s+([0-9.]+)", f.read())
    if not match:
        raise SystemExit(f"{source}/CMakeLists.txt has no project(mockhub VERSION x.y.z)")
    return match.group(1)


def venv_env(venv):
    env = {k: v for k, v in os.environ.items() if not k.startswith(_DROPPED)}
    env["PATH"] = f"{venv}/bin:/usr/bin:/bin"
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env["WHEEL_TEST_VENV"] = venv
    return env


def run(args, env, timeout=300, cwd=None):
    try:
        return subprocess.run(args, env=env, cwd=cwd, capture_output=True, text=True,
                              timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as error:
        return subprocess.CompletedProcess(args, -1, "", str(error))


def output(done):
    return f"exit {done.returncode}\n{done.stdout}{done.stderr}".rstrip()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dist", required=True)
    parser.add_argument("--source", required=True)
    parser.add_argument("--work", required=True)
    args = parser.parse_args()
    version = cmake_version(args.source)
    wheels = glob.glob(os.path.join(args.dist, f"mockhub-{version}-py3-none-manylinux*.whl"))
    if len(wheels) != 1:
        held = sorted(os.listdir(args.dist)) if os.path.isdir(args.dist) else "no such folder"
        print(f"FAILED: {args.dist} holds {len(wheels)} mockhub-{version}-py3-none-manylinux*.whl "
              f"(expected one): {held}")
        return 1
    work = os.path.abspath(args.work)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    venv = os.path.join(work, "venv")
    env = venv_env(venv)
    check = Checks()

    done = run(["/usr/bin/python3", "-m", "venv", "--system-site-packages", venv], env)
    if not check("python3 -m venv --system-site-packages", done.returncode == 0, output(done)):
        return 1
    done = run([f"{venv}/bin/python", "-m", "pip", "install", "--no-index", wheels[0]], env)
    if not check(f"pip install --no-index {os.path.basename(wheels[0])}", done.returncode == 0,
                 output(done)):
        return 1

    for name in ("mockhub", "hubget"):
        found = shutil.which(name, path=env["PATH"])
        check(f"{name} on PATH is the venv's", found == f"{venv}/bin/{name}", f"found {found}")
        done = run([name, "--version"], env, timeout=30)
        check(f"{name} --version prints {name} {version}",
              done.returncode == 0 and done.stdout.strip() == f"{name} {version}", output(done))

    # The bundled mockhub runs a scenario of the bundled library with the
    # hubget installed beside it: the prefix is whole inside the package.
    done = run([f"{venv}/bin/python", "-c", "import mockhub; print(mockhub.share_dir())"], env,
               cwd=work)
    scenario = os.path.join(done.stdout.strip(), "scenarios", "s02-stale-hf-token-env-public.json")
    done = run(["mockhub", "run", scenario], env, cwd=work)
    check("mockhub run of the bundled s02-stale-hf-token-env-public.json passes",
          done.returncode == 0 and "1 passed, 0 failed" in done.stdout, output(done))

    tests = os.path.join(work, "tests")
    os.makedirs(tests)
    with open(os.path.join(tests, "test_stale_token.py"), "w", encoding="utf-8") as f:
        f.write(STALE_TOKEN_TEST)
    done = run([f"{venv}/bin/python", "-m", "pytest", "-p", "no:cacheprovider", "-v",
                "--tb=short", f"--basetemp={work}/pytest-tmp", "test_stale_token.py"],
               env, cwd=tests)
    check("pytest with the mockhub fixture: the stale-token 401 and its journal",
          done.returncode == 0 and " 3 passed" in done.stdout, output(done))

    if check.failed:
        print(f"{len(check.failed)} check(s) failed: {'; '.join(check.failed)}")
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
