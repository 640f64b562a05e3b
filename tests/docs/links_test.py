#!/usr/bin/python3
"""The repository stands alone: no markdown file it tracks points outside it.

Fails on, in any tracked .md file:
  * an http:// or https:// URL to a host other than loopback (127.x, localhost,
    [::1]), in a link or anywhere in the text, code blocks included: a source
    outside the repository is cited as text (owner/repo#N, a file, a version);
  * a link (inline, reference definition or <autolink>) of any other scheme,
    or a relative one that climbs out of the repository's root or names a file
    or folder the repository does not track;
  * a `../` path in a code span that climbs out of the root, and any mention of
    the `shared/` folder the specification once lived in beside the checkout
    (also in tracked source files);
  * a relative link's #fragment that names no heading (GitHub's slugs) or
    explicit anchor of its target .md file.

Usage: links_test.py SOURCE_DIR   (runs the checks on small texts first, then
on SOURCE_DIR's tracked files)
"""
import os
import re
import subprocess
import sys
import tempfile
import unittest

ROOT = None

# A port may be a placeholder (`http://127.0.0.1:PORT`).
LOOPBACK = re.compile(r"^(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\w*)?$", re.I)
URL = re.compile(r"https?://[^\s)\]>\"'`]*", re.I)
FENCE = re.compile(r"^\s*(```|~~~)")
INLINE_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
REF_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$")
AUTOLINK = re.compile(r"<([a-z][a-z0-9+.-]*:[^>\s]+)>", re.I)
CODE_SPAN = re.compile(r"(`+)(.+?)\1")
CLIMB = re.compile(r"(?<![\w.])((?:\.\./)+[\w./-]*)")
# The folder beside the checkout that the specification used to live in,
# spelt in two pieces so that this file does not match itself.
SHARED = re.compile("(\\.\\./|/work/)" + "shared/")
HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
ANCHOR = re.compile(r"<a\s+(?:name|id)=\"([^\"]+)\"", re.I)
SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)


def tracked_files(root):
    """Tracked files (git ls-files), or every file outside .git and build/."""
    try:
        out = subprocess.run(["git", "-C", root, "ls-files", "-z"], capture_output=True,
                             check=True, timeout=60).stdout
        return sorted(p for p in out.decode("utf-8").split("\0") if p)
    except (OSError, subprocess.CalledProcessError):
        found = []
        for base, dirs, files in os.walk(root):
            dirs[:] = [d for d in dirs if d not in (".git", "build", "dist")]
            for f in files:
                found.append(os.path.relpath(os.path.join(base, f), root))
        return sorted(found)


def slug(text):
    """GitHub's heading anchor: markup dropped, lower case, punctuation other
    than '-' and '_' removed, spaces as '-'."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)  # a link keeps its text
    text = re.sub(r"<[^>]+>", "", text).replace("`", "").lower()
    text = "".join(ch for ch in text if ch.isalnum() or ch in " -_")
    return text.replace(" ", "-")


def anchors(text):
    """Every anchor a file offers: heading slugs (repeats get -1, -2, ...),
    and explicit <a name|id="...">."""
    seen, out, fenced = {}, set(), False
    for line in text.splitlines():
        if FENCE.match(line):
            fenced = not fenced
            continue
        if fenced:
            continue
        out.update(ANCHOR.findall(line))
        m = HEADING.match(line)
        if not m:
            continue
        base = slug(m.group(2))
        n = seen.get(base, 0)
        seen[base] = n + 1
        out.add(base if n == 0 else "%s-%d" % (base, n))
    return out


def prose_lines(text):
    """(line number, line with code spans blanked) outside fenced blocks."""
    fenced = False
    for number, line in enumerate(text.splitlines(), 1):
        if FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            yield number, CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line)


def link_targets(text):
    for number, line in prose_lines(text):
        for rx in (INLINE_LINK, REF_DEF, AUTOLINK):
            for target in rx.findall(line):
                yield number, target


class Checker:
    """The rules above over one tree: `files` are paths relative to `root`."""

    def __init__(self, root, files):
        self.root = os.path.realpath(root)
        self.files = set(files)
        self.dirs = {os.path.dirname(f) for f in files}
        for d in list(self.dirs):
            while d:
                d = os.path.dirname(d)
                self.dirs.add(d)
        self.anchor_cache = {}

    def read(self, rel):
        with open(os.path.join(self.root, rel), encoding="utf-8") as f:
            return f.read()

    def anchors_of(self, rel):
        if rel not in self.anchor_cache:
            self.anchor_cache[rel] = anchors(self.read(rel))
        return self.anchor_cache[rel]

    def inside(self, md, path):
        """The repository-relative form of `path` written in `md`, or None
        when it climbs out of the root."""
        base = "" if path.startswith("/") else os.path.dirname(md)
        joined = os.path.normpath(os.path.join(base, path.lstrip("/")))
        if joined == ".":
            return ""
        if joined == ".." or joined.startswith("../") or os.path.isabs(joined):
            return None
        return joined

    def check_url(self, where, url):
        host = re.sub(r"^https?://", "", url, flags=re.I).split("/", 1)[0].split("?")[0]
        # A URL quoted in a sentence may end in its punctuation ("...:9:").
        host = host.split("#")[0].rsplit("@", 1)[-1].rstrip(".,:;")
        if host and not LOOPBACK.match(host):
            return ["%s: a URL that leaves the repository: %s (cite it as text)" % (where, url)]
        return []

    def check_link(self, md, number, target):
        where = "%s:%d" % (md, number)
        if SCHEME.match(target):
            if re.match(r"https?:", target, re.I):
                return self.check_url(where, target)
            return ["%s: a link that leaves the repository: %s" % (where, target)]
        path, _, fragment = target.partition("#")
        path = path.split("?", 1)[0]
        rel = self.inside(md, path) if path else md
        if rel is None:
            return ["%s: a link that climbs out of the repository: %s" % (where, target)]
        if rel and rel not in self.files and rel not in self.dirs:
            return ["%s: a link to %s, which the repository does not have" % (where, target)]
        if fragment and rel.endswith(".md") and rel in self.files:
            if fragment.lower() not in self.anchors_of(rel):
                return ["%s: %s has no heading for #%s" % (where, rel, fragment)]
        return []

    def check_markdown(self, md):
        text = self.read(md)
        problems = []
        for number, line in enumerate(text.splitlines(), 1):
            where = "%s:%d" % (md, number)
            for url in URL.findall(line):
                problems += self.check_url(where, url)
            if SHARED.search(line):
                problems.append("%s: names the shared/ folder outside the repository "
                                "(the specification is docs/)" % where)
            for span in CODE_SPAN.findall(line):
                for path in CLIMB.findall(span[1]):
                    if self.inside(md, path) is None:
                        problems.append("%s: a path that climbs out of the repository: %s"
                                        % (where, path))
        for number, target in link_targets(text):
            if target:
                problems += self.check_link(md, number, target)
        return problems

    def check_source(self, rel):
        try:
            text = self.read(rel)
        except (UnicodeDecodeError, OSError):
            return []
        return ["%s:%d: names the shared/ folder outside the repository" % (rel, n)
                for n, line in enumerate(text.splitlines(), 1) if SHARED.search(line)]

    def check(self):
        problems = []
        for rel in sorted(self.files):
            if rel.endswith(".md"):
                problems += self.check_markdown(rel)
            elif rel != "tests/docs/links_test.py":
                problems += self.check_source(rel)
        return problems


class RulesTest(unittest.TestCase):
    """The checker on small trees: each rule fails where it should."""

    def problems(self, files):
        with tempfile.TemporaryDirectory() as root:
            for rel, text in files.items():
                os.makedirs(os.path.join(root, os.path.dirname(rel)), exist_ok=True)
                with open(os.path.join(root, rel), "w", encoding="utf-8") as f:
                    f.write(text)
            return Checker(root, list(files)).check()

    def test_links_inside_pass(self):
        found = self.problems({
            "README.md": "# Top\n## The `hub` site\nSee [b](docs/b.md#the-b-part), [t](#the-hub-site),"
                         " [d](docs/), [loop](http://127.0.0.1:8080/x), `https://` alone.\n",
            "docs/b.md": "# The B part\n[up](../README.md#top)\n```\n[not](a-link.md)\n```\n",
        })
        self.assertEqual(found, [])

    def test_urls_to_other_hosts_fail_in_links_and_text(self):
        found = self.problems({"a.md": "[x](https://example.org/a)\n```\ncurl http://hf.co/x\n```\n"})
        self.assertEqual(len(found), 3, found)  # the link twice (text and link), the code block once
        self.assertTrue(all("leaves the repository" in p for p in found), found)

    def test_climbing_out_and_missing_targets_fail(self):
        found = self.problems({"d/a.md": "[s](../../spec.md) [m](missing.md) `../../x/y.md` ok\n"})
        self.assertEqual(len(found), 3, found)
        self.assertIn("climbs out", found[0])
        self.assertIn("climbs out", found[1])
        self.assertIn("does not have", found[2])

    def test_the_shared_folder_fails_in_markdown_and_sources(self):
        shared = "../" + "shared/hub-protocol.md"
        found = self.problems({"a.md": "see `docs/x` and `" + shared + "`\n",
                               "src/x.cc": "// per " + shared + " §3\n"})
        self.assertEqual(len(found), 3, found)  # the .md: shared/ and a climbing path; the .cc
        self.assertTrue(any(p.startswith("src/x.cc:1") for p in found), found)

    def test_a_fragment_without_its_heading_fails(self):
        found = self.problems({"a.md": "# One\n[x](b.md#two) [y](#one) [z](#zero)\n",
                               "b.md": "# Three\n"})
        self.assertEqual(len(found), 2, found)
        self.assertIn("#two", found[0])
        self.assertIn("#zero", found[1])

    def test_other_schemes_fail(self):
        found = self.problems({"a.md": "[m](mailto:a@b.c) <ftp://x/y>\n"})
        self.assertEqual(len(found), 2, found)


class RepositoryTest(unittest.TestCase):
    def test_no_markdown_leaves_the_repository(self):
        problems = Checker(ROOT, tracked_files(ROOT)).check()
        self.assertEqual(problems, [], "\n" + "\n".join(problems))


if __name__ == "__main__":
    ROOT = sys.argv.pop(1)
    unittest.main()
