"""The action's "Install mockhub" step run for real against a release folder
(a dist/ as tools/release.sh writes it, or check_action.py's tarball of this
build's binaries): served over loopback http and as file://, with the version
from the action's tag, from its checkout path, from the input; a checksum
mismatch, a branch ref, an unreleased and a malformed version fail it. Used by
check_action.py and check_release.py; each case reports through `check`."""
import os
import shutil
import subprocess

import workflow_kit as kit


def _good_install(check, who, run, version):
    """The step succeeded and left a working mockhub for the next steps."""
    if not check(run.done.returncode == 0, f"{who}: {run.output()}"):
        return None
    check(f"mockhub {version}" in run.done.stdout and f"hubget {version}" in run.done.stdout,
          f"{who}: `mockhub --version` and `hubget --version` not run: {run.output()}")
    paths = run.lines(run.path_file)
    if not check(len(paths) == 1, f"{who}: GITHUB_PATH holds {paths}, not one bin folder"):
        return None
    bindir = paths[0]
    check(bindir.startswith(os.path.join(run.home, "runner_temp", "mockhub") + os.sep),
          f"{who}: {bindir} is not under RUNNER_TEMP/mockhub")
    check(run.lines(run.env_file) == [f"MOCKHUB_BIN={bindir}/mockhub"],
          f"{who}: GITHUB_ENV holds {run.lines(run.env_file)}")
    said = subprocess.run([os.path.join(bindir, "mockhub"), "--version"], capture_output=True,
                          text=True, timeout=30).stdout.strip()
    check(said == f"mockhub {version}", f"{who}: the extracted mockhub says {said!r}")
    return bindir


def run_cases(script, dist, version, slug, work, check):
    """Every case against `dist` (which holds the tarball and SHA256SUMS of
    `version`); returns the bin folder the good install put on GITHUB_PATH."""
    tarball = kit.tarball_name(version) + ".tar.gz"
    top = kit.release_root(work, dist, version)
    nowhere = os.path.join(work, "not-an-action-checkout")
    tagged = {"MOCKHUB_VERSION": "", "MOCKHUB_ACTION_REF": "v" + version,
              "MOCKHUB_ACTION_REPOSITORY": slug, "MOCKHUB_SOURCE": nowhere}

    # The action at its release tag, downloading over http.
    with kit.serve(top) as (base, seen):
        run = kit.InstallRun(script, work, "install-tag", dict(tagged, MOCKHUB_RELEASE_BASE=base))
        bindir = _good_install(check, "install at the action's tag", run, version)
        for name in (tarball, "SHA256SUMS"):
            check(f"/v{version}/{name}" in seen,
                  f"install at the action's tag: never fetched v{version}/{name}: {seen}")

    # The same release with a SHA256SUMS whose digest for the tarball is wrong.
    bad = os.path.join(work, "dist-bad-sum")
    shutil.rmtree(bad, ignore_errors=True)
    os.makedirs(bad)
    os.symlink(os.path.join(os.path.abspath(dist), tarball), os.path.join(bad, tarball))
    with open(os.path.join(bad, "SHA256SUMS"), "w", encoding="utf-8") as f:
        f.write("0" * 64 + "  " + tarball + "\n")
    bad_top = kit.release_root(work, bad, version, "releases-download-bad")
    run = kit.InstallRun(script, work, "install-bad-sum",
                         dict(tagged, MOCKHUB_RELEASE_BASE="file://" + bad_top))
    check(run.done.returncode != 0, f"checksum mismatch: the step succeeded: {run.output()}")
    check("does not match" in run.done.stderr, f"checksum mismatch: not said: {run.output()}")
    check(not run.lines(run.path_file) and not run.lines(run.env_file),
          "checksum mismatch: GITHUB_PATH or GITHUB_ENV written")
    check(not os.path.exists(os.path.join(run.home, "runner_temp", "mockhub",
                                          kit.tarball_name(version))),
          "checksum mismatch: the tarball was extracted")

    # No action_ref/action_repository (a composite action's run step may see
    # none): both from the checkout path .../_actions/OWNER/REPO/vX.Y.Z;
    # file:// base; no RUNNER_TEMP, GITHUB_PATH or GITHUB_ENV (a temp folder).
    checkout = os.path.join(work, "_actions", slug, "v" + version)
    run = kit.InstallRun(script, work, "install-path-ref",
                         {"MOCKHUB_VERSION": "", "MOCKHUB_ACTION_REF": "",
                          "MOCKHUB_ACTION_REPOSITORY": "", "MOCKHUB_SOURCE": checkout,
                          "MOCKHUB_RELEASE_BASE": "file://" + top,
                          "TMPDIR": os.path.join(work, "install-path-ref")},
                         runner=False)
    check(run.done.returncode == 0 and f"mockhub {version}" in run.done.stdout,
          f"install with the tag from the checkout path: {run.output()}")

    # A branch ref with an explicit version (v-prefixed) installs that version.
    run = kit.InstallRun(script, work, "install-version",
                         dict(tagged, MOCKHUB_VERSION="v" + version, MOCKHUB_ACTION_REF="main",
                              MOCKHUB_RELEASE_BASE="file://" + top))
    _good_install(check, "install with version: v" + version, run, version)

    # A branch ref and no version: refused before any download, saying how.
    with kit.serve(top) as (base, seen):
        run = kit.InstallRun(script, work, "install-branch",
                             dict(tagged, MOCKHUB_ACTION_REF="main", MOCKHUB_RELEASE_BASE=base))
        check(run.done.returncode != 0, f"branch ref: the step succeeded: {run.output()}")
        check("pin" in run.done.stderr and "version: source" in run.done.stderr,
              f"branch ref: the message does not say to pin a tag or set version: source: "
              f"{run.output()}")
        check(not seen, f"branch ref: downloaded {seen}")

    # A version that was never released: said, nothing installed.
    run = kit.InstallRun(script, work, "install-unreleased",
                         dict(tagged, MOCKHUB_VERSION="9.9.9",
                              MOCKHUB_RELEASE_BASE="file://" + top))
    check(run.done.returncode != 0 and "release v9.9.9 has no" in run.done.stderr
          and not run.lines(run.path_file), f"unreleased version: not refused: {run.output()}")

    # A version that is neither x.y.z nor source never reaches a URL.
    run = kit.InstallRun(script, work, "install-bad-version",
                         dict(tagged, MOCKHUB_VERSION="1.0/../../x",
                              MOCKHUB_RELEASE_BASE="file://" + top))
    check(run.done.returncode != 0 and "version must be" in run.done.stderr,
          f"malformed version: not refused: {run.output()}")
    return bindir
