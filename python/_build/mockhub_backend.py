"""The mockhub package's PEP 517 build backend, in the tree and standard
library only: `pip install ./python` needs nothing from an index (build
isolation installs `requires = []`), and Debian's python3-build builds the
wheel offline with --no-isolation.

Two wheels come out of the same sources:
  - without MOCKHUB_WHEEL_PREFIX, a pure `py3-none-any` wheel: the package
    and its pytest11 entry point, no console scripts (a pure wheel must not
    shadow a mockhub already on PATH; the fixture finds that one);
  - with MOCKHUB_WHEEL_PREFIX=P (an installation: P/bin/mockhub,
    P/bin/hubget, P/share/...), P whole as package data under
    mockhub/_prefix/ (so the bundled mockhub finds hubget beside it and
    share/ next to bin/, exactly as installed), tagged
    `py3-none-$MOCKHUB_WHEEL_PLATFORM` (required: the backend does not guess
    what the binaries need), with `mockhub` and `hubget` console scripts that
    exec the bundled binaries (mockhub/_launch.py).

The metadata lives here, not in pyproject.toml's [project]: Python 3.9 and
3.10 have no TOML parser, and the backend must run there. The version is
src/mockhub/__init__.py's __version__, which a test holds equal to CMake's
project VERSION.
"""

import os
import re

import mockhub_archive
from mockhub_archive import Entry

NAME = "mockhub"
SUMMARY = ("Drive mockhub, an offline mock of the Hugging Face Hub's download path, "
           "from Python and pytest")
LICENSE = "Apache-2.0"
REQUIRES_PYTHON = ">=3.9"
CLASSIFIERS = (
    "Framework :: Pytest",
    "License :: OSI Approved :: Apache Software License",
    "Programming Language :: Python :: 3",
    "Topic :: Software Development :: Testing",
)
PYTEST_PLUGIN = "mockhub = mockhub.pytest_plugin"
# The binaries a bundled wheel must carry, each with a console script.
BINARIES = ("mockhub", "hubget")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = os.path.join(ROOT, "src", "mockhub")
_PLATFORM_TAG = re.compile(r"[a-z0-9_]+(\.[a-z0-9_]+)*")


class BuildError(Exception):
    """The wheel cannot be built as asked; the message says why."""


def version():
    with open(os.path.join(PACKAGE, "__init__.py"), encoding="utf-8") as f:
        match = re.search(r'^__version__ = "([^"]+)"$', f.read(), re.MULTILINE)
    if not match:
        raise BuildError("src/mockhub/__init__.py has no __version__ = \"...\" line")
    return match.group(1)


def _dist_info():
    return f"{NAME}-{version()}.dist-info"


def _bundle():
    """(prefix, platform) when MOCKHUB_WHEEL_PREFIX is set, else None."""
    prefix = os.environ.get("MOCKHUB_WHEEL_PREFIX", "")
    platform = os.environ.get("MOCKHUB_WHEEL_PLATFORM", "")
    if not prefix:
        if platform:
            raise BuildError("MOCKHUB_WHEEL_PLATFORM is set without MOCKHUB_WHEEL_PREFIX: "
                             "a wheel without binaries is py3-none-any")
        return None
    if not platform:
        raise BuildError("MOCKHUB_WHEEL_PREFIX is set without MOCKHUB_WHEEL_PLATFORM: give the "
                         "platform tag the bundled binaries are true for (for instance "
                         "manylinux_2_17_x86_64.manylinux2014_x86_64)")
    if platform == "any" or not _PLATFORM_TAG.fullmatch(platform):
        raise BuildError("MOCKHUB_WHEEL_PLATFORM is not a platform tag for binaries "
                         "(lowercase letters, digits, '_' and '.', and not 'any')")
    if not os.path.isabs(prefix):
        # A frontend runs the backend in the source folder, not where the
        # command was typed: a relative path would name another folder.
        raise BuildError("MOCKHUB_WHEEL_PREFIX is a relative path; give an absolute one")
    if not os.path.isdir(prefix):
        raise BuildError("MOCKHUB_WHEEL_PREFIX is not a directory")
    for name in BINARIES:
        binary = os.path.join(prefix, "bin", name)
        if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
            raise BuildError(f"MOCKHUB_WHEEL_PREFIX has no executable bin/{name}")
    return prefix, platform


def _readme():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        return f.read()


def _license_file():
    """LICENSE beside pyproject.toml (an sdist), else the checkout's (the
    parent folder, when it is the repository: it has CMakeLists.txt)."""
    here = os.path.join(ROOT, "LICENSE")
    if os.path.isfile(here):
        return here
    checkout = os.path.dirname(ROOT)
    if os.path.isfile(os.path.join(checkout, "CMakeLists.txt")):
        path = os.path.join(checkout, "LICENSE")
        if os.path.isfile(path):
            return path
    return None


def _metadata():
    lines = [
        "Metadata-Version: 2.1",
        f"Name: {NAME}",
        f"Version: {version()}",
        f"Summary: {SUMMARY}",
        f"License: {LICENSE}",
        f"Requires-Python: {REQUIRES_PYTHON}",
    ]
    lines += [f"Classifier: {c}" for c in CLASSIFIERS]
    lines.append("Description-Content-Type: text/markdown")
    return "\n".join(lines) + "\n\n" + _readme()


def _tags(platform):
    # A compressed platform tag (a.b) is one Tag line per platform.
    return [f"py3-none-{p}" for p in (platform or "any").split(".")]


def _wheel_file(platform):
    lines = ["Wheel-Version: 1.0", "Generator: mockhub_backend",
             f"Root-Is-Purelib: {'false' if platform else 'true'}"]
    lines += [f"Tag: {tag}" for tag in _tags(platform)]
    return "\n".join(lines) + "\n"


def _entry_points(bundled):
    text = f"[pytest11]\n{PYTEST_PLUGIN}\n"
    if bundled:
        text += "\n[console_scripts]\n"
        text += "".join(f"{name} = mockhub._launch:{name}\n" for name in BINARIES)
    return text


def _dist_info_entries(bundle):
    dist_info = _dist_info()
    entries = [
        Entry(f"{dist_info}/METADATA", _metadata().encode("utf-8")),
        Entry(f"{dist_info}/WHEEL", _wheel_file(bundle and bundle[1]).encode("utf-8")),
        Entry(f"{dist_info}/entry_points.txt", _entry_points(bool(bundle)).encode("utf-8")),
    ]
    license_path = _license_file()
    if license_path:
        entries.append(Entry.from_file(f"{dist_info}/LICENSE", license_path))
    return entries


def _tree(folder, archive_prefix, keep=lambda name: True):
    """Entries for every file under `folder`, named `archive_prefix/relative`.
    A symbolic link is refused: a wheel cannot hold one."""
    entries = []
    for parent, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for name in dirs + files:
            path = os.path.join(parent, name)
            if os.path.islink(path):
                relative = os.path.relpath(path, folder)
                raise BuildError(f"{relative} (in {archive_prefix}) is a symbolic link; "
                                 "a wheel cannot hold one")
        for name in files:
            path = os.path.join(parent, name)
            relative = os.path.relpath(path, folder).replace(os.sep, "/")
            if keep(relative):
                entries.append(Entry.from_file(f"{archive_prefix}/{relative}", path))
    return entries


def _package_entries():
    return _tree(PACKAGE, "mockhub", keep=lambda name: name.endswith(".py"))


def _wheel_name(platform):
    return f"{NAME}-{version()}-py3-none-{platform or 'any'}.whl"


# PEP 517 hooks.

def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def get_requires_for_build_editable(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    for entry in _dist_info_entries(_bundle()):
        path = os.path.join(metadata_directory, *entry.name.split("/"))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(entry.data)
    return _dist_info()


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    bundle = _bundle()
    entries = _package_entries() + _dist_info_entries(bundle)
    if bundle:
        entries += _tree(bundle[0], "mockhub/_prefix")
    name = _wheel_name(bundle and bundle[1])
    mockhub_archive.write_wheel(os.path.join(wheel_directory, name), entries, _dist_info())
    return name


def prepare_metadata_for_build_editable(metadata_directory, config_settings=None):
    if _bundle():
        raise BuildError("an editable install carries no binaries: unset MOCKHUB_WHEEL_PREFIX")
    return prepare_metadata_for_build_wheel(metadata_directory, config_settings)


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    """`pip install -e ./python`: a .pth file that puts src/ on sys.path."""
    if _bundle():
        raise BuildError("an editable install carries no binaries: unset MOCKHUB_WHEEL_PREFIX")
    pth = Entry("_mockhub_editable.pth", (os.path.join(ROOT, "src") + "\n").encode("utf-8"))
    name = _wheel_name(None)
    mockhub_archive.write_wheel(os.path.join(wheel_directory, name),
                                [pth] + _dist_info_entries(None), _dist_info())
    return name


def build_sdist(sdist_directory, config_settings=None):
    """The sources a wheel is built from (the package, this backend, the
    README and pyproject.toml, the license) and PKG-INFO; not the tests,
    which need the whole repository."""
    top = f"{NAME}-{version()}"
    entries = _package_entries()
    entries = [Entry(f"{top}/src/{e.name}", e.data, e.mode) for e in entries]
    entries += _tree(os.path.join(ROOT, "_build"), f"{top}/_build",
                     keep=lambda name: name.endswith(".py"))
    for name in ("pyproject.toml", "README.md"):
        entries.append(Entry.from_file(f"{top}/{name}", os.path.join(ROOT, name)))
    license_path = _license_file()
    if license_path:
        entries.append(Entry.from_file(f"{top}/LICENSE", license_path))
    entries.append(Entry(f"{top}/PKG-INFO", _metadata().encode("utf-8")))
    name = f"{top}.tar.gz"
    mockhub_archive.write_sdist(os.path.join(sdist_directory, name), entries)
    return name
