#!/usr/bin/python3
"""The example downloader (downloader.py) behind mockhub's adapter contract,
written with mockhub's adapter kit: `mockhub run --adapter
requests.adapter.json scenarios/` runs the scenario library against it.

Files go to ./downloads (the client's working directory is the scenario's
temporary folder) and are reported in the outcome line's "paths". Every
name, the step's and those the server lists in a snapshot, goes through
`adapter.safe_join` before anything is fetched: a name that could land
outside ./downloads (`../x`, `/etc/x`, a backslash, a control character)
ends the step as `invalid_argument` with nothing written.
"""

import fnmatch
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in a checkout
HERE = os.path.dirname(os.path.abspath(__file__))
try:
    from mockhub import adapter
except ImportError:  # from a checkout: the package's source folder
    sys.path.insert(0, os.path.join(HERE, "..", "..", "python", "src"))
    from mockhub import adapter

sys.path.insert(0, HERE)
import downloader  # noqa: E402

KINDS = {"IntegrityError": "integrity", "NotAHubError": "not_a_hub"}


def token_for(action):
    """--token, then HF_TOKEN, then the token file, as huggingface_hub does."""
    if action.token:
        return action.token.strip()
    for name in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"):
        if os.environ.get(name, "").strip():
            return os.environ[name].strip()
    path = os.environ.get("HF_TOKEN_PATH") or os.path.join(
        os.environ.get("HF_HOME", os.path.expanduser("~/.cache/huggingface")), "token")
    try:
        with open(path, encoding="utf-8") as f:
            return f.read().strip() or None
    except OSError:
        return None


def handle(action):
    hub = downloader.Downloader(os.environ["HF_ENDPOINT"], token_for(action))
    kind = {"model": "models", "dataset": "datasets", "space": "spaces"}[action.repo_type]
    revision = action.revision or "main"
    if action.name == "whoami":
        hub.api("/api/whoami-v2")
        return []
    if action.name == "info":
        hub.api(f"/api/{kind}/{action.repo}/revision/{revision}")
        return []
    files = action.files
    if not files:
        info = hub.api(f"/api/{kind}/{action.repo}/revision/{revision}")
        files = [s.get("rfilename") for s in info.get("siblings", [])]  # the server's names
        if action.include:
            files = [f for f in files if any(fnmatch.fnmatch(f, p) for p in action.include)]
        files = [f for f in files if not any(fnmatch.fnmatch(f, p) for p in action.exclude)]
    dest = os.path.join(os.getcwd(), "downloads")
    for f in files:  # all of them first: a hostile listing fails before any write
        adapter.safe_join(dest, f)
    return [hub.download(action.repo, f, dest, revision, action.repo_type) for f in files]


if __name__ == "__main__":
    raise SystemExit(adapter.run(handle, extra_kinds=KINDS))
