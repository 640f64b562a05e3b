"""The package as a user installs it: a wheel that Debian's setuptools
builds offline, whose pytest11 entry point names the plugin."""

import os
import shutil
import zipfile

from setuptools import build_meta  # python3-setuptools, installed by quickstart.sh

PACKAGE = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))


def test_the_wheel_builds_offline_and_registers_the_pytest_plugin(tmp_path):
    source = tmp_path / "src"
    shutil.copytree(PACKAGE, source, ignore=shutil.ignore_patterns("tests", "__pycache__"))
    cwd = os.getcwd()
    os.chdir(source)
    try:
        name = build_meta.build_wheel(str(tmp_path / "dist"))
    finally:
        os.chdir(cwd)
    with zipfile.ZipFile(tmp_path / "dist" / name) as wheel:
        names = wheel.namelist()
        entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
        text = wheel.read(entry_points).decode()
    assert "[pytest11]" in text and "mockhub = mockhub.pytest_plugin" in text
    for module in ("admin", "server", "pytest_plugin", "adapter", "__init__"):
        assert f"mockhub/{module}.py" in names
