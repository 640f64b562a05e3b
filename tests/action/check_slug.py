#!/usr/bin/python3
"""The repository's slug is written by hand once, as CMakeLists.txt's
HOMEPAGE_URL (https://github.com/OWNER/REPO). Everywhere else it appears (the
action, the example workflow, the READMEs, docs/) it must be that slug, and a
release it names (uses: OWNER/REPO@vX.Y.Z, .../releases/download/vX.Y.Z,
mockhub==X.Y.Z, gh release download vX.Y.Z --repo OWNER/REPO) must be the project's VERSION, so a fork or a version bump
cannot leave a copy behind. The check also proves it would notice: a
mismatching line of each kind must be reported (self_check).

Usage: check_slug.py REPO_ROOT
"""
import os
import re
import sys

import workflow_kit as kit

SCANNED = ["action.yml", "README.md", "python/README.md", "examples", "docs",
           ".github/workflows"]
# Files that must name the slug at least once (what a user copies from).
MUST_NAME = {"action.yml", "README.md", "examples/github-actions/mockhub.yml"}
TEXT = (".md", ".yml", ".yaml", ".json", ".py", ".sh", ".txt")


def files(root):
    for entry in SCANNED:
        path = os.path.join(root, entry)
        if os.path.isfile(path):
            yield entry
        for folder, _, names in os.walk(path):
            for name in sorted(names):
                if name.endswith(TEXT):
                    yield os.path.relpath(os.path.join(folder, name), root)


def patterns(repo):
    """(what, regex with groups owner and optionally version) per way of naming it."""
    name = re.escape(repo)
    tail = r"(?![\w.-])"
    return [
        ("uses:", re.compile(r"uses:\s*([\w.-]+)/" + name + r"@([\w.-]+)")),
        ("a GitHub URL", re.compile(r"github\.com/([\w.-]+)/" + name + tail)),
        ("a checkout", re.compile(r"repository:\s*([\w.-]+)/" + name + tail)),
        ("gh --repo", re.compile(r"--repo[ =]([\w.-]+)/" + name + tail)),
    ]


def problems(path, text, slug, version):
    """What in `text` names another slug or another release; and how often the slug occurs."""
    owner, repo = slug.split("/")
    found, named = [], 0
    for lineno, line in enumerate(text.splitlines(), 1):
        for what, regex in patterns(repo):
            for m in regex.finditer(line):
                named += 1
                if m.group(1) != owner:
                    found.append(f"{path}:{lineno}: {what} names {m.group(1)}/{repo}, "
                                 f"not {slug} (CMakeLists.txt's HOMEPAGE_URL)")
                if what == "uses:" and m.group(2) != "v" + version:
                    found.append(f"{path}:{lineno}: uses {slug}@{m.group(2)}, not v{version}")
        for m in re.finditer(r"releases/download/v([\w.-]+?)/|mockhub==([\w.]+)|"
                             r"gh release download v([\w.-]+)", line):
            named_version = m.group(1) or m.group(2) or m.group(3)
            if named_version != version:
                found.append(f"{path}:{lineno}: names release {named_version}, "
                             f"not {version} (CMakeLists.txt's VERSION)")
    return found, named


def self_check(slug, version):
    """Lines that name another owner or another release are reported (the
    check would notice a disagreement), and the right ones are not."""
    repo = slug.split("/")[1]
    wrong = [f"- uses: someone-else/{repo}@v{version}",
             f"see https://github.com/someone-else/{repo} for",
             f"repository: someone-else/{repo}",
             f"- uses: {slug}@v{version}.9",
             f"https://github.com/{slug}/releases/download/v9.9.9/x",
             "pip install mockhub==9.9.9",
             f"gh release download v{version} --repo someone-else/{repo}",
             f"gh release download v9.9.9 --repo {slug}"]
    right = (f"- uses: {slug}@v{version}\nhttps://github.com/{slug}/releases/download/"
             f"v{version}/x\nrepository: {slug}\ngh release download v{version} --repo {slug}\n")
    failures = [f"check_slug.py: does not notice {line!r}" for line in wrong
                if not problems("self-check", line, slug, version)[0]]
    found, named = problems("self-check", right, slug, version)
    if found or named != 4:
        failures.append(f"check_slug.py: on the right names: {found}, {named} of 4 seen")
    return failures


def main():
    root = sys.argv[1]
    slug, version = kit.cmake_slug(root), kit.cmake_version(root)
    failures, scanned = self_check(slug, version), 0
    for path in files(root):
        text = kit.read(os.path.join(root, path))
        found, named = problems(path, text, slug, version)
        failures += found
        scanned += 1
        if path in MUST_NAME and not named:
            failures.append(f"{path}: never names {slug}")
    for path in MUST_NAME:
        if not os.path.isfile(os.path.join(root, path)):
            failures.append(f"{path}: missing")
    for f in failures:
        print("FAIL:", f)
    print(f"{len(failures)} problem(s): {scanned} files against {slug} and v{version}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
