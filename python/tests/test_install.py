"""The package as a user installs it: `pip install --no-index` into a fresh
`python3 -m venv --system-site-packages`, offline, with pip's build isolation.
From a checkout, pytest in the venv loads the plugin through its entry point;
a wheel that bundles a prefix puts `mockhub` and `hubget` on the venv's bin,
and each execs its bundled binary with the arguments."""

import os
import subprocess
import sys

import pytest

from conftest import FAKE_EXIT_CODES, PACKAGE, read_fake_argv

sys.path.insert(0, os.path.join(PACKAGE, "_build"))
import mockhub_backend  # noqa: E402  (the backend lives outside the package, on backend-path)

# Uses the fixture with no -p option and no conftest: only the entry point can provide it.
USES_THE_FIXTURE = '''
import os
import urllib.request

import mockhub as package


def test_the_installed_plugin_serves_the_fixture(mockhub):
    assert package.__file__.startswith(os.environ["VENV"] + os.sep), package.__file__
    with urllib.request.urlopen(mockhub.endpoint + "/_mockhub/health", timeout=10) as r:
        assert r.status == 200
'''

# Where the installed package finds the binaries, with no MOCKHUB_BIN and none on PATH.
LOOKUP = ("import mockhub; print(mockhub.bundled_binary('mockhub')); "
          "print(mockhub.bundled_binary('hubget')); print(mockhub.share_dir()); "
          "print(mockhub.find_mockhub())")


def clean_env(**extra):
    """The test's environment without what points into the checkout: the
    venv must find everything in itself."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "MOCKHUB_HUBGET") and not k.startswith("PYTEST_")}
    env.update(PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1")
    env.update(extra)
    return env


def run(args, env, timeout=300, **kwargs):
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=timeout,
                          **kwargs)


def make_venv(tmp_path):
    venv = tmp_path / "venv"
    done = run(["/usr/bin/python3", "-m", "venv", "--system-site-packages", str(venv)],
               clean_env())
    assert done.returncode == 0, done.stderr
    return venv


def pip_install(venv, what):
    done = run([str(venv / "bin" / "python"), "-m", "pip", "install", "--no-index", str(what)],
               clean_env())
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def test_pip_installs_the_checkout_offline_and_pytest_in_the_venv_finds_the_plugin(tmp_path):
    venv = make_venv(tmp_path)
    pip_install(venv, PACKAGE)
    assert not (venv / "bin" / "mockhub").exists(), "a pure wheel installs no mockhub command"
    assert os.environ.get("MOCKHUB_BIN"), "ctest gives this build's mockhub"
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "test_plugin.py").write_text(USES_THE_FIXTURE)
    done = run([str(venv / "bin" / "python"), "-m", "pytest", "-p", "no:cacheprovider", "-q",
                "test_plugin.py"], clean_env(VENV=str(venv)), cwd=tmp_path / "t")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout, done.stdout


def test_a_bundled_wheel_puts_commands_on_the_venvs_bin_that_exec_the_bundled_binaries(
        tmp_path, fake_prefix, monkeypatch):
    monkeypatch.setenv("MOCKHUB_WHEEL_PREFIX", str(fake_prefix))
    monkeypatch.setenv("MOCKHUB_WHEEL_PLATFORM", "linux_x86_64")
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    (tmp_path / "dist").mkdir()
    wheel = tmp_path / "dist" / mockhub_backend.build_wheel(str(tmp_path / "dist"))
    venv = make_venv(tmp_path)
    pip_install(venv, wheel)
    platlib = "import sysconfig; print(sysconfig.get_path('platlib'))"
    site = run([str(venv / "bin" / "python"), "-c", platlib], clean_env()).stdout.strip()
    bundled = os.path.join(site, "mockhub", "_prefix")

    path = f"{venv / 'bin'}:/usr/bin:/bin"
    for name, code in FAKE_EXIT_CODES.items():
        record = tmp_path / f"{name}.argv"
        env = clean_env(PATH=path, MOCKHUB_FAKE_ARGV=str(record))
        done = run([name, "download", "a repo", "--flag=ü", ""], env)
        assert done.returncode == code, done.stderr
        assert read_fake_argv(record) == [os.path.join(bundled, "bin", name), "download",
                                          "a repo", "--flag=ü", ""]

    env = clean_env(PATH=path)
    env.pop("MOCKHUB_BIN", None)
    done = run([str(venv / "bin" / "python"), "-c", LOOKUP], env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        os.path.join(bundled, "bin", "mockhub"), os.path.join(bundled, "bin", "hubget"),
        os.path.join(bundled, "share", "mockhub"), os.path.join(bundled, "bin", "mockhub")]


def test_an_editable_install_imports_the_checkouts_sources(tmp_path):
    venv = make_venv(tmp_path)
    done = run([str(venv / "bin" / "python"), "-m", "pip", "install", "--no-index", "-e",
                PACKAGE], clean_env())
    assert done.returncode == 0, done.stdout + done.stderr
    done = run([str(venv / "bin" / "python"), "-c", "import mockhub; print(mockhub.__file__)"],
               clean_env(), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == os.path.join(PACKAGE, "src", "mockhub", "__init__.py")


@pytest.mark.parametrize("name", sorted(FAKE_EXIT_CODES))
def test_a_launcher_without_its_bundled_binary_says_so(tmp_path, name):
    """What a pure installation's launcher module does if called: no exec, a message."""
    env = clean_env(PYTHONPATH=os.path.join(PACKAGE, "src"))
    done = run([sys.executable, "-c", f"import sys; from mockhub import _launch; "
                f"sys.exit(_launch.{name}())"], env)
    assert done.returncode == 127
    assert f"carries no {name} binary" in done.stderr
