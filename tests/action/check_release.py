#!/usr/bin/python3
"""Checks .github/workflows/release.yml, which can only run on GitHub, as far
as it can be checked here: parsed with PyYAML, it runs on v* tags only, reads
the repository and writes only what it must (contents for the release, an
OIDC token for PyPI), attaches every asset of the release contract (its file
globs expanded in a real dist/: each matches one asset, together all four),
hands the wheel to a PyPI job that publishes by trusted publishing (no
password or token input, environment pypi). Every script step is either run
here for real (the tag check with fake GITHUB_REFs; the SHA256SUMS check on
the dist, a tampered copy, one missing an asset and one with a stray file) or
named in NOT_RUN with the reason; the action's install step runs against the
dist served over loopback (install_cases.py).

Usage: check_release.py --source DIR --work DIR (--dist DIR | --fake-dist MOCKHUB HUBGET)
--dist takes tools/release.sh's output (the portable_dist fixture); --fake-dist
builds one from this build's binaries with the contract's names (the .deb and
the wheel then are placeholders: only their names and digests matter here).
"""
import argparse
import glob
import os
import re
import shutil
import sys

import install_cases
import workflow_kit as kit

# The script steps that cannot run here, and why.
NOT_RUN = {
    None: "the container's first apt-get (an unnamed step)",
    "Dependencies": "quickstart.sh deps installs packages (done on this machine already)",
    "dist/ (tools/release.sh) and the portable tests on it":
        "it is the ctest run this check is part of",
}

failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
    return ok


def assets(version):
    return [f"mockhub-{version}-linux-x86_64.tar.gz", f"mockhub_{version}_amd64.deb",
            f"mockhub-{version}-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
            "SHA256SUMS"]


def fake_dist(work, version, mockhub, hubget, root):
    dist = os.path.join(work, "fake-dist")
    shutil.rmtree(dist, ignore_errors=True)
    os.makedirs(dist)
    names = [kit.make_tarball(dist, version, mockhub, hubget, root)]
    for name in assets(version)[1:3]:
        with open(os.path.join(dist, name), "w", encoding="utf-8") as f:
            f.write(f"placeholder for {name}\n")
        names.append(name)
    kit.write_sums(dist, names)
    return dist


def expand(pattern, dist, env):
    """A `with:` path of the workflow, its ${{ env.X }} replaced, globbed in dist."""
    text = re.sub(r"\$\{\{\s*env\.(\w+)\s*\}\}", lambda m: env.get(m.group(1), "?"), pattern)
    check(text.startswith(env["DIST"] + "/"), f"release: {pattern} is not under $DIST")
    inside = text[len(env["DIST"]) + 1:]
    return sorted(os.path.basename(p) for p in glob.glob(os.path.join(dist, inside)))


def check_shape(doc, dist, version):
    trigger = doc.get("on", doc.get(True))  # YAML 1.1 reads a bare `on` as true
    check(trigger == {"push": {"tags": ["v*"]}}, f"release: the trigger is {trigger}, not v* tags")
    check(doc.get("permissions") == {"contents": "read"},
          "release: the workflow's default permissions are not contents: read")
    jobs = doc.get("jobs", {})
    build, pypi = jobs.get("dist", {}), jobs.get("pypi", {})
    check(build.get("container") == "debian:12", "release: the dist job is not in debian:12")
    check(build.get("permissions") == {"contents": "write"},
          f"release: the dist job's permissions are {build.get('permissions')}")
    steps = build.get("steps", [])
    runs = " ".join(s.get("run", "") for s in steps)
    check(re.search(r"cmake --preset ci\b", runs) and
          re.search(r"ctest --preset ci -L portable\b", runs),
          "release: the portable tests are not run")
    order = [s.get("name") for s in steps]
    for first, then in (("The tag is v<CMake VERSION>", "Dependencies"),
                        ("dist/ (tools/release.sh) and the portable tests on it",
                         "SHA256SUMS lists the four assets and holds"),
                        ("SHA256SUMS lists the four assets and holds",
                         "Attach the assets to the tag's GitHub release")):
        check(first in order and then in order and order.index(first) < order.index(then),
              f"release: {first!r} does not come before {then!r}")

    env = dict(build.get("env", {}))
    upload = kit.step(steps, "Attach the assets to the tag's GitHub release") or {}
    check(re.fullmatch(r"softprops/action-gh-release@v\d+", upload.get("uses", "")),
          f"release: the upload uses {upload.get('uses')}, not softprops/action-gh-release@vN")
    files = (upload.get("with") or {}).get("files", "")
    files = [line.strip() for line in files.splitlines() if line.strip()]
    check((upload.get("with") or {}).get("fail_on_unmatched_files") is True,
          "release: the upload does not fail on an unmatched file")
    attached = []
    for pattern in files:
        hits = expand(pattern, dist, env)
        check(len(hits) == 1, f"release: {pattern} matches {hits} in the dist, not one file")
        attached += hits
    check(sorted(attached) == sorted(assets(version)),
          f"release: attaches {sorted(attached)}, the contract has {sorted(assets(version))}")

    keep = kit.step(steps, "Keep the wheel for the PyPI job") or {}
    kept = expand((keep.get("with") or {}).get("path", ""), dist, env)
    check(keep.get("uses", "").startswith("actions/upload-artifact@")
          and kept == [assets(version)[2]],
          f"release: the artifact for PyPI holds {kept}, not the wheel")

    check(pypi.get("needs") == "dist", "release: the pypi job does not wait for dist")
    environment = pypi.get("environment")
    name = environment.get("name") if isinstance(environment, dict) else environment
    check(name == "pypi", "release: the pypi job is not in the environment pypi")
    check(pypi.get("permissions") == {"id-token": "write"},
          f"release: the pypi job's permissions are {pypi.get('permissions')}, not id-token: write")
    psteps = pypi.get("steps", [])
    fetch = next((s for s in psteps
                  if s.get("uses", "").startswith("actions/download-artifact@")), {})
    check((fetch.get("with") or {}).get("name") == (keep.get("with") or {}).get("name"),
          "release: the pypi job does not download the wheel's artifact")
    publish = next((s for s in psteps
                    if s.get("uses", "").startswith("pypa/gh-action-pypi-publish@")), None)
    if check(publish, "release: no pypa/gh-action-pypi-publish step"):
        given = publish.get("with") or {}
        check(not [k for k in given if re.search(r"password|token|user", k)],
              f"release: the publish step passes credentials ({sorted(given)}): "
              "use trusted publishing")
        check(given.get("packages-dir", "dist/").rstrip("/") ==
              (fetch.get("with") or {}).get("path", "").rstrip("/"),
              "release: the publish step does not read the downloaded wheel's folder")
    check("secrets." not in str(pypi), "release: the pypi job reads a secret")
    return steps, env


def run_tag_step(script, root, version):
    for ref, ok in ((f"refs/tags/v{version}", True), (f"refs/tags/v{version}.1", False),
                    ("refs/tags/v9.9.9", False), ("refs/heads/main", False),
                    (f"refs/tags/{version}", False)):
        done = kit.run_bash(script, kit.scrubbed_env(GITHUB_REF=ref), root)
        check((done.returncode == 0) == ok,
              f"tag step with GITHUB_REF={ref}: exit {done.returncode} {done.stderr}")
        if not ok:
            check(f"v{version}" in done.stderr, f"tag step with {ref}: the error does not name "
                  f"v{version}: {done.stderr}")


def dist_variant(work, dist, label, change):
    """A copy of dist (symlinks) with `change(folder)` applied."""
    folder = os.path.join(work, label)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    for name in os.listdir(dist):
        os.symlink(os.path.join(os.path.abspath(dist), name), os.path.join(folder, name))
    change(folder)
    return folder


def tamper(folder, name):
    target = os.path.join(folder, name)
    data = bytearray(open(target, "rb").read())
    data[len(data) // 2] ^= 1
    os.remove(target)
    with open(target, "wb") as f:
        f.write(data)


def run_sums_step(script, root, dist, work, version):
    deb = assets(version)[1]
    cases = [("dist", dist, True),
             ("a tampered .deb",
              dist_variant(work, dist, "dist-tampered", lambda f: tamper(f, deb)), False),
             ("no .deb", dist_variant(work, dist, "dist-missing",
                                      lambda f: os.remove(os.path.join(f, deb))), False),
             ("a stray file", dist_variant(work, dist, "dist-stray",
                                           lambda f: open(os.path.join(f, "x.txt"), "w").close()),
              False)]
    for label, folder, ok in cases:
        done = kit.run_bash(script, kit.scrubbed_env(DIST=folder), root)
        check((done.returncode == 0) == ok,
              f"SHA256SUMS step on {label}: exit {done.returncode}\n{done.stdout}{done.stderr}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--source", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--dist")
    parser.add_argument("--fake-dist", nargs=2, metavar=("MOCKHUB", "HUBGET"))
    args = parser.parse_args()
    root, work = os.path.abspath(args.source), os.path.abspath(args.work)
    os.makedirs(work, exist_ok=True)
    version, slug = kit.cmake_version(root), kit.cmake_slug(root)
    if args.dist:
        dist = os.path.abspath(args.dist)
    elif args.fake_dist:
        dist = fake_dist(work, version, *args.fake_dist, root)
    else:
        parser.error("--dist or --fake-dist")
    if not os.path.isfile(os.path.join(dist, "SHA256SUMS")):
        print(f"FAIL: no SHA256SUMS in {dist} (is the portable_dist fixture set up?)")
        return 1

    doc = kit.load(os.path.join(root, ".github/workflows/release.yml"))
    steps, _ = check_shape(doc, dist, version)
    ran = {"The tag is v<CMake VERSION>", "SHA256SUMS lists the four assets and holds"}
    for s in steps:
        if "run" in s:
            check(s.get("name") in ran or s.get("name") in NOT_RUN,
                  f"release: the script step {s.get('name')!r} is neither run here nor in NOT_RUN")
    run_tag_step((kit.step(steps, "The tag is v<CMake VERSION>") or {}).get("run", "false"),
                 root, version)
    run_sums_step((kit.step(steps, "SHA256SUMS lists the four assets and holds") or {})
                  .get("run", "false"), root, dist, work, version)

    # The action's install step against this dist, as a user's job would meet it.
    action = kit.load(os.path.join(root, "action.yml"))
    install = kit.step(action.get("runs", {}).get("steps", []), "Install mockhub") or {}
    install_cases.run_cases(install.get("run", "false"), dist, version, slug, work, check)

    for f in failures:
        print("FAIL:", f)
    print(f"{len(failures)} problem(s) in .github/workflows/release.yml against {dist}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
