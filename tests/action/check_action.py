#!/usr/bin/python3
"""Checks the composite action (action.yml) against the consumer example
(examples/github-actions/mockhub.yml): both parse as YAML, the action's steps
are the example's last steps with the same names, shell, condition (the
action's adds `inputs.scenarios != ''` to the run and upload steps: empty
scenarios only installs), action and script text (inputs only replace the
example's literal env values and `with` values), every input is declared once
and used, the example runs on ubuntu-latest without a container and checks
mockhub out before building it, the build dependencies are among
quickstart.sh's, and the options the scripts pass exist in `mockhub run
--help`. Then, for real with bash: the install step against a release folder
made of this build's binaries (install_cases.py: the action's tag, a checksum
mismatch, a branch ref...), and the "Run the scenarios" script with the
mockhub that install put on GITHUB_PATH, which writes the JUnit and HTML
reports.

Usage: check_action.py REPO_ROOT MOCKHUB_BIN HUBGET_BIN WORK_DIR
"""
import os
import re
import shutil
import subprocess
import sys

import install_cases
import workflow_kit as kit

failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
    return ok


def load(path):
    return kit.load(path)


def without_scenarios_clause(condition):
    """An action step's `if` less the clause that skips it with no scenarios."""
    if condition is None:
        return None
    rest = re.sub(r"\s*&&\s*inputs\.scenarios != ''|^inputs\.scenarios != ''$", "", condition)
    return rest or None


def input_refs(text):
    return set(re.findall(r"\$\{\{\s*inputs\.([A-Za-z0-9_-]+)\s*\}\}", text))


def script_lines(script):
    """The lines of a script, continuation lines joined, comments dropped."""
    joined = re.sub(r"\\\n\s*", " ", script)
    return [l.split(" #")[0].strip() for l in joined.splitlines()
            if l.strip() and not l.strip().startswith("#")]


def main():
    root, mockhub, hubget, work = sys.argv[1:5]
    version, slug = kit.cmake_version(root), kit.cmake_slug(root)
    os.makedirs(work, exist_ok=True)
    action_path = os.path.join(root, "action.yml")
    example_path = os.path.join(root, "examples/github-actions/mockhub.yml")
    action = load(action_path)
    example = load(example_path)
    with open(action_path, encoding="utf-8") as f:
        action_text = f.read()

    check(action.get("name") and action.get("description"), "action.yml: name and description")
    runs = action.get("runs", {})
    check(runs.get("using") == "composite", "action.yml: runs.using is composite")
    steps = runs.get("steps", [])
    check(len(steps) >= 3, "action.yml: install, run and upload steps")

    inputs = action.get("inputs", {})
    used = input_refs(action_text)
    for name, spec in inputs.items():
        check(name in used, f"action.yml: input {name} is never used")
        check("description" in spec, f"action.yml: input {name} has no description")
        if spec.get("required"):
            check("default" not in spec, f"action.yml: required input {name} has a default")
        else:
            check("default" in spec, f"action.yml: optional input {name} has no default")
    for name in used - set(inputs):
        check(False, f"action.yml: ${{{{ inputs.{name} }}}} is not declared")

    check(not inputs.get("scenarios", {}).get("required") and
          inputs.get("scenarios", {}).get("default") == "",
          "action.yml: scenarios is optional and empty by default (install only)")
    for name in ("Run the scenarios", "Upload the JUnit and HTML reports"):
        cond = (kit.step(steps, name) or {}).get("if") or ""
        check("inputs.scenarios != ''" in cond, f"action.yml: step {name!r} runs with no scenarios")
    check("if" not in (kit.step(steps, "Install mockhub") or {}),
          "action.yml: the install step is conditional")

    job = example.get("jobs", {}).get("scenarios", {})
    check(job.get("runs-on") == "ubuntu-latest" and "container" not in job,
          "example: the job runs on ubuntu-latest, no container")
    job_steps = job.get("steps", [])
    tail = job_steps[len(job_steps) - len(steps):] if len(job_steps) >= len(steps) else []
    check([s.get("name") for s in tail] == [s.get("name") for s in steps],
          "example: its last steps are the action's steps, in order: "
          f"{[s.get('name') for s in steps]} vs {[s.get('name') for s in tail]}")
    for mine, theirs in zip(steps, tail):
        name = mine.get("name")
        for key in ("run", "shell", "uses"):
            check(mine.get(key) == theirs.get(key), f"step {name!r}: {key} differs")
        check(without_scenarios_clause(mine.get("if")) == theirs.get("if"),
              f"step {name!r}: if differs ({mine.get('if')!r} vs {theirs.get('if')!r})")
        if "run" in mine:
            check(mine.get("shell") == "bash", f"step {name!r}: a composite run step needs shell")
        for key in ("env", "with"):
            check(set(mine.get(key, {})) == set(theirs.get(key, {})),
                  f"step {name!r}: the {key} names differ")

    # version: source builds the checkout the example makes before installing.
    names = [s.get("name") for s in job_steps]
    install_at = names.index("Install mockhub") if "Install mockhub" in names else 0
    source = (kit.step(job_steps, "Install mockhub") or {}).get("env", {}).get("MOCKHUB_SOURCE")
    checkouts = [s for s in job_steps[:install_at]
                 if str(s.get("uses", "")).startswith("actions/checkout@")
                 and (s.get("with") or {}).get("repository") == slug]
    check(len(checkouts) == 1 and checkouts[0]["with"].get("path") == source,
          f"example: no step checks {slug} out into {source!r} before 'Install mockhub'")

    by_name = {s.get("name"): s for s in steps}
    install = by_name.get("Install mockhub", {}).get("run", "")
    run_step = by_name.get("Run the scenarios", {})
    check(install and run_step, "action.yml: steps 'Install mockhub' and 'Run the scenarios'")

    # The build dependencies stay those of quickstart.sh.
    with open(os.path.join(root, "quickstart.sh"), encoding="utf-8") as f:
        quick = f.read()
    packages = set(re.search(r"PACKAGES=\(([^)]*)\)", quick).group(1).split())
    apt_lines = [l for l in script_lines(install) if "apt-get install" in l]
    check(apt_lines, "install: apt-get install lines")
    for line in apt_lines:
        for pkg in line.split("apt-get install", 1)[1].split():
            if pkg[0] in "-/$" or pkg == "ca-certificates":
                continue
            check(pkg in packages, f"install: {pkg} is not in quickstart.sh PACKAGES")
    with open(os.path.join(root, "CMakeLists.txt"), encoding="utf-8") as f:
        cmakelists = f.read()
    for opt in re.findall(r"-D(MOCKHUB_[A-Z_]+)=", install):
        check(f"option({opt} " in cmakelists,
              f"install: -D{opt} is not an option of CMakeLists.txt")

    # The options the run step passes are mockhub run's.
    help_text = subprocess.run([mockhub, "run", "--help"], capture_output=True, text=True,
                               timeout=30).stdout
    run_lines = [l for l in script_lines(run_step.get("run", "")) if l.startswith("mockhub run ")]
    check(len(run_lines) == 1, "run: one `mockhub run` command")
    run_words = " ".join(run_lines).split()
    opts = [w.lstrip("${").split(":+")[-1] for w in run_words if re.match(r"^(\$\{\w+:\+)?-", w)]
    check(opts, "run: passes options")
    for opt in opts:
        check(re.search(r"(^|[\s,])" + re.escape(opt) + r"[\s,]", help_text),
              f"run: {opt} is not an option of `mockhub run`")
    for opt in ("--junit", "--html"):
        check(opt in opts, f"run: the step writes {opt}")

    # The install step for real, against a release of this build's binaries.
    dist = os.path.join(work, "dist")
    shutil.rmtree(dist, ignore_errors=True)
    os.makedirs(dist)
    kit.write_sums(dist, [kit.make_tarball(dist, version, mockhub, hubget, root)])
    bindir = install_cases.run_cases(install, dist, version, slug, work, check)

    # The run step's script for real, with what install put on GITHUB_PATH
    # (that mockhub drives the hubget beside it): the curl adapter, then hubget.
    if not bindir:
        check(False, "run step: not run, the install failed")
        bindir = os.path.dirname(mockhub)
    scenario = os.path.join(root, "scenarios/s05-missing-repo-401-vs-404.json")
    for adapter in (os.path.join(root, "scenarios/adapters/curl.adapter.json"), ""):
        junit = os.path.join(work, "junit.xml")
        html = os.path.join(work, "report.html")
        for f in (junit, html):
            if os.path.exists(f):
                os.remove(f)
        env = kit.scrubbed_env(PATH=bindir + ":/usr/bin:/bin", MOCKHUB_SCENARIOS=scenario,
                               MOCKHUB_ADAPTER=adapter, MOCKHUB_JOBS="0", MOCKHUB_JUNIT=junit,
                               MOCKHUB_HTML=html)
        done = kit.run_bash(run_step.get("run", ""), env, work, timeout=240)
        who = adapter or "hubget"
        check(done.returncode == 0,
              f"run step with {who}: exit {done.returncode}\n{done.stdout}\n{done.stderr}")
        check(os.path.exists(junit) and "<testsuite" in kit.read(junit),
              f"run step with {who}: no JUnit at {junit}")
        check(os.path.exists(html) and "<html" in kit.read(html).lower(),
              f"run step with {who}: no HTML report at {html}")

    for f in failures:
        print("FAIL:", f)
    print(f"{len(failures)} problem(s) in action.yml / examples/github-actions/mockhub.yml")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
