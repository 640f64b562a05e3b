"""The package's build backend (python/_build/mockhub_backend.py), called as
pip and python3-build call it: the pure wheel, the wheel that bundles an
installation prefix, their RECORD and metadata, the sdist, and the refusals."""

import base64
import csv
import hashlib
import io
import os
import re
import stat
import subprocess
import sys
import tarfile
import zipfile

import pytest

from conftest import PACKAGE, ROOT

sys.path.insert(0, os.path.join(PACKAGE, "_build"))
import mockhub_backend  # noqa: E402  (the backend lives outside the package, on backend-path)

PLATFORM = "manylinux_2_17_x86_64.manylinux2014_x86_64"
DIST_INFO = f"mockhub-{mockhub_backend.version()}.dist-info"
MODULES = ("__init__", "_bundle", "_launch", "adapter", "admin", "pytest_plugin", "server")


@pytest.fixture
def pure_env(monkeypatch):
    monkeypatch.delenv("MOCKHUB_WHEEL_PREFIX", raising=False)
    monkeypatch.delenv("MOCKHUB_WHEEL_PLATFORM", raising=False)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


@pytest.fixture
def bundle_env(pure_env, monkeypatch, fake_prefix):
    monkeypatch.setenv("MOCKHUB_WHEEL_PREFIX", str(fake_prefix))
    monkeypatch.setenv("MOCKHUB_WHEEL_PLATFORM", PLATFORM)
    return fake_prefix


def build(tmp_path, hook=mockhub_backend.build_wheel):
    out = tmp_path / "dist"
    out.mkdir(parents=True, exist_ok=True)
    return out / hook(str(out))


def text(wheel, name):
    return wheel.read(name).decode("utf-8")


def mode(wheel, name):
    return stat.S_IMODE(wheel.getinfo(name).external_attr >> 16)


def assert_record_verifies(wheel):
    """RECORD lists every member but itself with its sha256 and size, and
    the member's bytes match."""
    rows = list(csv.reader(io.StringIO(text(wheel, f"{DIST_INFO}/RECORD"))))
    assert sorted(r[0] for r in rows) == sorted(wheel.namelist())
    for name, digest, size in rows:
        if name == f"{DIST_INFO}/RECORD":
            assert (digest, size) == ("", "")
            continue
        data = wheel.read(name)
        expected = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
        assert digest == "sha256=" + expected.decode(), name
        assert size == str(len(data)), name


def test_the_pure_wheel_holds_the_package_and_its_pytest_plugin_and_no_console_script(
        tmp_path, pure_env):
    path = build(tmp_path)
    assert path.name == f"mockhub-{mockhub_backend.version()}-py3-none-any.whl"
    with zipfile.ZipFile(path) as wheel:
        names = wheel.namelist()
        for module in MODULES:
            assert f"mockhub/{module}.py" in names
        assert not [n for n in names if "_prefix" in n or "__pycache__" in n], names
        assert text(wheel, f"{DIST_INFO}/entry_points.txt") == (
            "[pytest11]\nmockhub = mockhub.pytest_plugin\n")
        assert text(wheel, f"{DIST_INFO}/WHEEL").splitlines() == [
            "Wheel-Version: 1.0", "Generator: mockhub_backend", "Root-Is-Purelib: true",
            "Tag: py3-none-any"]
        assert f"{DIST_INFO}/LICENSE" in names
        assert_record_verifies(wheel)


def test_the_metadata_is_2_1_with_the_readme_as_description(tmp_path, pure_env):
    with zipfile.ZipFile(build(tmp_path)) as wheel:
        metadata = text(wheel, f"{DIST_INFO}/METADATA")
    headers, _, body = metadata.partition("\n\n")
    fields = [line.split(": ", 1) for line in headers.splitlines()]
    assert fields[:3] == [["Metadata-Version", "2.1"], ["Name", "mockhub"],
                          ["Version", mockhub_backend.version()]]
    names = {name for name, _ in fields}
    assert {"Summary", "License", "Requires-Python", "Classifier"} <= names
    assert ["Requires-Python", ">=3.9"] in fields
    assert ["Classifier", "Framework :: Pytest"] in fields
    with open(os.path.join(PACKAGE, "README.md"), encoding="utf-8") as f:
        assert body == f.read()


def test_the_package_version_is_cmakes_project_version():
    with open(os.path.join(ROOT, "CMakeLists.txt"), encoding="utf-8") as f:
        cmake = re.search(r"project\(mockhub\s+VERSION\s+([0-9.]+)", f.read())
    assert cmake, "CMakeLists.txt has no project(mockhub VERSION x.y.z)"
    import mockhub

    assert mockhub_backend.version() == cmake.group(1) == mockhub.__version__


def test_a_bundled_wheel_carries_the_prefix_whole_with_its_executables_0755(
        tmp_path, bundle_env):
    path = build(tmp_path)
    assert path.name == f"mockhub-{mockhub_backend.version()}-py3-none-{PLATFORM}.whl"
    with zipfile.ZipFile(path) as wheel:
        bundled = sorted(n for n in wheel.namelist() if n.startswith("mockhub/_prefix/"))
        assert bundled == [
            "mockhub/_prefix/bin/hubget",
            "mockhub/_prefix/bin/mockhub",
            "mockhub/_prefix/share/mockhub/scenarios/adapters/a.json",
            "mockhub/_prefix/share/mockhub/scenarios/adapters/a.sh",
            "mockhub/_prefix/share/mockhub/worlds/demo.json",
        ]
        for name in bundled:
            info = wheel.getinfo(name)
            assert info.create_system == 3 and stat.S_ISREG(info.external_attr >> 16), name
        assert mode(wheel, "mockhub/_prefix/bin/mockhub") == 0o755
        assert mode(wheel, "mockhub/_prefix/bin/hubget") == 0o755
        assert mode(wheel, "mockhub/_prefix/share/mockhub/scenarios/adapters/a.sh") == 0o755
        assert mode(wheel, "mockhub/_prefix/share/mockhub/worlds/demo.json") == 0o644
        assert mode(wheel, "mockhub/server.py") == 0o644
        assert wheel.read("mockhub/_prefix/bin/hubget") == (bundle_env / "bin/hubget").read_bytes()
        assert_record_verifies(wheel)


def test_a_bundled_wheel_is_platform_tagged_and_has_the_two_console_scripts(
        tmp_path, bundle_env):
    with zipfile.ZipFile(build(tmp_path)) as wheel:
        assert text(wheel, f"{DIST_INFO}/WHEEL").splitlines() == [
            "Wheel-Version: 1.0", "Generator: mockhub_backend", "Root-Is-Purelib: false",
            "Tag: py3-none-manylinux_2_17_x86_64", "Tag: py3-none-manylinux2014_x86_64"]
        assert text(wheel, f"{DIST_INFO}/entry_points.txt") == (
            "[pytest11]\nmockhub = mockhub.pytest_plugin\n\n"
            "[console_scripts]\nmockhub = mockhub._launch:mockhub\n"
            "hubget = mockhub._launch:hubget\n")


@pytest.mark.parametrize("missing", ["mockhub", "hubget"])
def test_a_prefix_without_a_binary_is_refused_naming_it(tmp_path, bundle_env, missing):
    os.remove(bundle_env / "bin" / missing)
    with pytest.raises(mockhub_backend.BuildError, match=f"no executable bin/{missing}$"):
        build(tmp_path)
    assert not list((tmp_path / "dist").iterdir())


def test_a_binary_that_is_not_executable_is_refused(tmp_path, bundle_env):
    os.chmod(bundle_env / "bin" / "hubget", 0o644)
    with pytest.raises(mockhub_backend.BuildError, match="no executable bin/hubget$"):
        build(tmp_path)


@pytest.mark.parametrize("variable, value, refusal", [
    ("MOCKHUB_WHEEL_PLATFORM", None, "without MOCKHUB_WHEEL_PLATFORM"),
    ("MOCKHUB_WHEEL_PLATFORM", "any", "is not a platform tag"),
    ("MOCKHUB_WHEEL_PLATFORM", "linux x86_64", "is not a platform tag"),
    ("MOCKHUB_WHEEL_PREFIX", None, "without MOCKHUB_WHEEL_PREFIX"),
])
def test_the_backend_refuses_to_guess_a_platform(tmp_path, bundle_env, monkeypatch,
                                                  variable, value, refusal):
    if value is None:
        monkeypatch.delenv(variable)
    else:
        monkeypatch.setenv(variable, value)
    with pytest.raises(mockhub_backend.BuildError, match=refusal):
        build(tmp_path)


def test_a_relative_prefix_is_refused(tmp_path, bundle_env, monkeypatch):
    monkeypatch.chdir(bundle_env.parent)
    monkeypatch.setenv("MOCKHUB_WHEEL_PREFIX", bundle_env.name)
    with pytest.raises(mockhub_backend.BuildError, match="is a relative path"):
        build(tmp_path)


def test_a_symbolic_link_in_the_prefix_is_refused(tmp_path, bundle_env):
    os.symlink("mockhub", bundle_env / "bin" / "mockhub-link")
    refusal = r"^bin/mockhub-link \(in mockhub/_prefix\) is a symbolic link"
    with pytest.raises(mockhub_backend.BuildError, match=refusal):
        build(tmp_path)


def test_two_builds_are_identical_and_dated_source_date_epoch(tmp_path, bundle_env, monkeypatch):
    first = build(tmp_path / "a").read_bytes()
    assert build(tmp_path / "b").read_bytes() == first
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14T22:13:20Z
    with zipfile.ZipFile(build(tmp_path / "c")) as wheel:
        assert {i.date_time for i in wheel.infolist()} == {(2023, 11, 14, 22, 13, 20)}
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    with zipfile.ZipFile(io.BytesIO(first)) as wheel:
        assert {i.date_time for i in wheel.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert wheel.namelist()[:-1] == sorted(wheel.namelist()[:-1])


def test_prepare_metadata_writes_the_dist_info_of_the_wheel(tmp_path, bundle_env):
    metadata_dir = tmp_path / "metadata"
    metadata_dir.mkdir()
    assert mockhub_backend.prepare_metadata_for_build_wheel(str(metadata_dir)) == DIST_INFO
    prepared = sorted(p.name for p in (metadata_dir / DIST_INFO).iterdir())
    with zipfile.ZipFile(build(tmp_path)) as wheel:
        for name in prepared:
            assert (metadata_dir / DIST_INFO / name).read_bytes() == wheel.read(
                f"{DIST_INFO}/{name}"), name
    assert prepared == ["LICENSE", "METADATA", "WHEEL", "entry_points.txt"]


def test_no_hook_asks_for_a_build_dependency():
    for hook in ("wheel", "sdist", "editable"):
        assert getattr(mockhub_backend, f"get_requires_for_build_{hook}")({}) == []


def test_the_sdist_builds_the_same_wheel_as_the_checkout(tmp_path, pure_env):
    sdist = build(tmp_path, mockhub_backend.build_sdist)
    top = f"mockhub-{mockhub_backend.version()}"
    assert sdist.name == f"{top}.tar.gz"
    with tarfile.open(sdist) as tar:
        names = tar.getnames()
        assert f"{top}/PKG-INFO" in names and f"{top}/pyproject.toml" in names
        assert f"{top}/_build/mockhub_backend.py" in names and f"{top}/LICENSE" in names
        assert not [n for n in names if "/tests/" in n], names
        tar.extractall(tmp_path / "unpacked")
    # The sdist's own backend, in a process of its own, as a frontend runs it.
    source = tmp_path / "unpacked" / top
    out = tmp_path / "from-sdist"
    out.mkdir()
    hook = ("import sys; sys.path.insert(0, '_build'); import mockhub_backend; "
            f"print(mockhub_backend.build_wheel({str(out)!r}))")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run([sys.executable, "-c", hook], cwd=source, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    name = done.stdout.strip()
    assert (out / name).read_bytes() == build(tmp_path).read_bytes()


def test_python3_build_without_isolation_gives_the_same_bundled_wheel(tmp_path, bundle_env):
    """The command tools/release.sh runs (Debian's python3-build), in a process of its own."""
    out = tmp_path / "frontend"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run(["/usr/bin/python3", "-m", "build", "--wheel", "--no-isolation",
                           "--outdir", str(out), PACKAGE], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr + "\n(needs Debian's python3-build)"
    built = build(tmp_path)
    assert [p.name for p in out.iterdir()] == [built.name]
    assert (out / built.name).read_bytes() == built.read_bytes()
