#!/usr/bin/env python3
"""What tools/release.sh puts in dist/, checked as a user receives it (issue 20, 2 and 4b).

- dist/ holds exactly the tarball, the .deb, the wheel and SHA256SUMS, named after the
  version in CMakeLists.txt, and SHA256SUMS verifies every other file.
- The tarball has one top folder with bin/mockhub, bin/hubget, the scenario library with its
  schema and adapters, the demo world, LICENSE and README.md; the .deb ships the same
  binaries under /usr/bin and depends on nothing; the wheel carries both binaries.
- No shipped ELF file needs a glibc symbol newer than the documented floor (2.31; the
  binaries are static, so none at all) or any shared library. The checker is first run on a
  dynamic binary of this machine (/usr/bin/curl, which needs GLIBC_2.34), and must reject it:
  a checker that accepts everything fails the test.

  release_contents_test.py --dist DIR --source DIR --work DIR
"""
import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile

FLOOR = (2, 31)


def fail(message):
    print("FAIL: " + message, flush=True)
    sys.exit(1)


def project_version(source):
    with open(os.path.join(source, "CMakeLists.txt")) as f:
        found = re.search(r"project\(mockhub VERSION ([0-9.]+)", f.read())
    if not found:
        fail("no project(mockhub VERSION ...) in CMakeLists.txt")
    return found.group(1)


def elf_problems(path):
    """Why `path` would not run on glibc 2.31 with nothing else installed ([] if it would)."""
    problems = []
    symbols = subprocess.run(["objdump", "-T", path], capture_output=True, text=True)
    newest = None
    for major, minor in re.findall(r"GLIBC_(\d+)\.(\d+)", symbols.stdout):
        version = (int(major), int(minor))
        newest = version if newest is None or version > newest else newest
    if newest and newest > FLOOR:
        problems.append(f"needs GLIBC_{newest[0]}.{newest[1]} (floor {FLOOR[0]}.{FLOOR[1]})")
    dynamic = subprocess.run(["readelf", "-d", path], capture_output=True, text=True)
    needed = re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", dynamic.stdout)
    if needed:
        problems.append("needs shared libraries " + ", ".join(needed))
    return problems


def is_elf(path):
    with open(path, "rb") as f:
        return f.read(4) == b"\x7fELF"


def check_checker():
    control = shutil.which("curl", path="/usr/bin")
    if not control or not elf_problems(control):
        fail(f"the ELF checker found nothing wrong with {control}, a dynamic binary that "
             "needs GLIBC_2.34: it cannot tell a portable binary from another")
    print(f"ok: the checker rejects {control}: {'; '.join(elf_problems(control))}")


def check_listing(dist, version):
    tarball = f"mockhub-{version}-linux-x86_64.tar.gz"
    deb = f"mockhub_{version}_amd64.deb"
    wheel = f"mockhub-{version}-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"
    want = sorted([tarball, deb, wheel, "SHA256SUMS"])
    got = sorted(os.listdir(dist))
    if got != want:
        fail(f"dist/ holds {got}, expected {want}")
    sums = {}
    with open(os.path.join(dist, "SHA256SUMS")) as f:
        for line in f:
            digest, name = line.rstrip("\n").split("  ", 1)
            sums[name] = digest
    if sorted(sums) != sorted([tarball, deb, wheel]):
        fail(f"SHA256SUMS names {sorted(sums)}")
    for name, digest in sums.items():
        with open(os.path.join(dist, name), "rb") as f:
            if hashlib.sha256(f.read()).hexdigest() != digest:
                fail(f"SHA256SUMS does not match {name}")
    print(f"ok: dist/ holds {', '.join(want)}; SHA256SUMS verifies")
    return tarball, deb, wheel


def check_tarball(dist, tarball, work, version):
    top = f"mockhub-{version}-linux-x86_64"
    with tarfile.open(os.path.join(dist, tarball)) as tar:
        names = set(tar.getnames())
        if {n.split("/")[0] for n in names} != {top}:
            fail(f"the tarball's top folders are {sorted({n.split('/')[0] for n in names})}")
        for need in ("bin/mockhub", "bin/hubget", "share/mockhub/scenarios/schema.json",
                     "share/mockhub/scenarios/adapters/curl-adapter.sh",
                     "share/mockhub/worlds/demo.json", "share/doc/mockhub/LICENSE",
                     "LICENSE", "README.md"):
            if f"{top}/{need}" not in names:
                fail(f"the tarball has no {top}/{need}")
        for member in tar.getmembers():
            if member.name.startswith(f"{top}/bin/") and member.isfile():
                if not member.mode & 0o111:
                    fail(f"{member.name} is not executable in the tarball")
        tar.extractall(os.path.join(work, "tarball"))
    print(f"ok: the tarball lays out {top}/bin, share/mockhub, LICENSE and README.md")
    return [os.path.join(work, "tarball", top, "bin", b) for b in ("mockhub", "hubget")]


def check_deb(dist, deb, work):
    fields = subprocess.run(["dpkg-deb", "-f", os.path.join(dist, deb)], capture_output=True,
                            text=True, check=True).stdout
    if re.search(r"^(Pre-)?Depends:", fields, re.M):
        fail("the .deb of static binaries declares Depends:\n" + fields)
    root = os.path.join(work, "deb")
    subprocess.run(["dpkg-deb", "-x", os.path.join(dist, deb), root], check=True)
    bins = [os.path.join(root, "usr", "bin", b) for b in ("mockhub", "hubget")]
    for b in bins:
        if not os.path.isfile(b):
            fail(f"the .deb has no /usr/bin/{os.path.basename(b)}")
    print("ok: the .deb ships /usr/bin/mockhub and /usr/bin/hubget and depends on nothing")
    return bins


def check_wheel(dist, wheel, work):
    root = os.path.join(work, "wheel")
    with zipfile.ZipFile(os.path.join(dist, wheel)) as z:
        z.extractall(root)
    elves = [os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs
             if is_elf(os.path.join(d, f))]
    names = sorted(os.path.basename(e) for e in elves)
    if names != ["hubget", "mockhub"]:
        fail(f"the wheel's ELF files are {names}, expected hubget and mockhub")
    print("ok: the wheel carries mockhub and hubget")
    return elves


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dist", required=True)
    parser.add_argument("--source", required=True)
    parser.add_argument("--work", required=True)
    args = parser.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(args.work)
    check_checker()
    version = project_version(args.source)
    tarball, deb, wheel = check_listing(args.dist, version)
    elves = check_tarball(args.dist, tarball, args.work, version)
    elves += check_deb(args.dist, deb, args.work)
    elves += check_wheel(args.dist, wheel, args.work)
    for path in elves:
        problems = elf_problems(path)
        if problems:
            fail(f"{os.path.relpath(path, args.work)}: {'; '.join(problems)}")
    print(f"ok: none of the {len(elves)} shipped ELF files needs a shared library or a glibc "
          f"symbol (floor {FLOOR[0]}.{FLOOR[1]})")


if __name__ == "__main__":
    main()
