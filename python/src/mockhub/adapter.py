"""The adapter kit: turn any Python downloader into a `mockhub run --adapter`.

An adapter is a command that `mockhub run` calls once per client step with
hubget's grammar appended (scenarios/README.md, "The adapter contract"):

    [--token=T] download [--revision=R] [--repo-type=T] [--include=P]... [--exclude=P]... -- REPO [FILES...]
    [--token=T] info [--revision=R] [--repo-type=T] -- REPO
    [--token=T] whoami

Options come first, each value joined to its name with `=` (a value that
starts with `-` is still a value); everything after `--` is a positional,
even `--local-dir`. The older `--name VALUE` form and options after the
repo are still read when there is no `--`, for commands typed by hand.

and whose last stdout line is one JSON object: {"ok": true, "paths": [...]}
or {"ok": false, "error": "<kind>", "status": 401, "message": "..."}. With
this module an adapter is a handler and one call:

    from mockhub import adapter

    def handle(action):          # an adapter.Action
        if action.name == "download":
            return [my_download(action.repo, f, action.revision, action.token) for f in action.files]
        ...

    if __name__ == "__main__":
        raise SystemExit(adapter.run(handle))

`run` parses the arguments, calls the handler, prints the outcome line and
maps an exception to an outcome kind with `outcome_for`: by class name
(huggingface_hub's exception classes, requests' and httpx's, Python's own),
then by HTTP status and the Hub's X-Error-Message. A whole token never
reaches the outcome line: every token the adapter could know is masked.

A file name comes from the scenario or from the server (a snapshot's
`siblings[].rfilename`): `safe_join(folder, name)` joins it onto the
adapter's output folder or raises UnsafePathError (outcome kind
`invalid_argument`, as hubget reports such a name) when it could land
outside it.
"""

import json
import os
import re
import sys
from dataclasses import dataclass, field
from typing import List, Optional

ACTIONS = ("download", "info", "whoami")
REPO_TYPES = ("model", "dataset", "space")


class UsageError(ValueError):
    """The arguments do not follow the contract."""


@dataclass
class Action:
    name: str  # download, info, whoami
    repo: Optional[str] = None
    files: List[str] = field(default_factory=list)
    revision: Optional[str] = None  # None: the default branch
    repo_type: str = "model"
    include: List[str] = field(default_factory=list)
    exclude: List[str] = field(default_factory=list)
    token: Optional[str] = None  # given with --token (the "argument" source)


OPTIONS = ("--revision", "--repo-type", "--include", "--exclude")


def _take_option(action, name, value):
    if name == "--revision":
        action.revision = value
    elif name == "--repo-type":
        if value not in REPO_TYPES:
            raise UsageError(f"--repo-type must be one of {', '.join(REPO_TYPES)}")
        action.repo_type = value
    else:
        getattr(action, name[2:]).append(value)


def parse_args(argv=None):
    """The contract's command line as an Action; UsageError when it is not.
    After `--` every argument is a positional, whatever it looks like."""
    args = list(sys.argv[1:] if argv is None else argv)
    token = None
    if args[:1] and args[0].startswith("--token="):
        token, args = args[0][len("--token="):], args[1:]
    elif args[:1] == ["--token"]:
        if len(args) < 2:
            raise UsageError("--token needs a value")
        token, args = args[1], args[2:]
    if not args or args[0] not in ACTIONS:
        raise UsageError(f"expected one of {', '.join(ACTIONS)}, got {args[:1]}")
    action = Action(name=args.pop(0), token=token)
    positional = []
    while args:
        arg = args.pop(0)
        if arg == "--":
            positional.extend(args)
            break
        name, eq, value = arg.partition("=")
        if name in OPTIONS and eq:
            _take_option(action, name, value)
        elif arg in OPTIONS:
            if not args:
                raise UsageError(f"{arg} needs a value")
            _take_option(action, arg, args.pop(0))
        elif arg.startswith("-"):
            raise UsageError(f"unknown option {arg} (a name starting with '-' goes after '--')")
        else:
            positional.append(arg)
    if action.name == "whoami":
        if positional:
            raise UsageError("whoami takes no repo")
        return action
    if not positional:
        raise UsageError(f"{action.name} needs a repo id")
    action.repo = positional.pop(0)
    if action.name == "info" and positional:
        raise UsageError("info takes no file names")
    action.files = positional
    return action


class UnsafePathError(ValueError):
    """A file name that could land outside the folder it is joined onto."""


def _name_problem(name):
    """Why `name` is no relative path to join onto a folder, or ""; the
    rules of hubget's ValidateRepoPath."""
    if not isinstance(name, str) or not name:
        return "it is empty or not a string"
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in name):
        return "it contains NUL or a control character"
    if "\\" in name:
        return "it contains a backslash"
    if name.startswith("/"):
        return "it is absolute"
    if len(name) >= 2 and name[1] == ":" and name[0].isalpha():
        return "it has a drive letter"
    parts = name.split("/")
    if ".." in parts:
        return "it has a '..' component"
    if any(p in ("", ".") for p in parts):
        return "it has an empty or '.' component"
    return ""


def safe_join(root, name):
    """`root`/`name` for a relative file name, checked to stay under `root`
    once symlinks are resolved; UnsafePathError (kind invalid_argument)
    otherwise. Use it for every name a scenario or a server gives."""
    problem = _name_problem(name)
    if problem:
        raise UnsafePathError(f"refusing file name {name!r}: {problem}")
    base = os.path.realpath(root)
    joined = os.path.realpath(os.path.join(base, name))
    if os.path.commonpath([base, joined]) != base or joined == base:
        raise UnsafePathError(f"refusing file name {name!r}: it resolves outside {root}")
    return joined


# Class name -> kind, checked along the exception's MRO (most derived first).
# huggingface_hub's classes as listed in hub-protocol.md section 3; status-
# dependent ones (GatedRepoError, RepositoryNotFoundError, HfHubHTTPError)
# are refined in outcome_for.
CLASS_KINDS = {
    # huggingface_hub
    "RevisionNotFoundError": "revision_not_found",
    "LocalEntryNotFoundError": "offline_not_cached",  # before EntryNotFoundError (its base)
    "OfflineModeIsEnabled": "offline_not_cached",
    "RemoteEntryNotFoundError": "entry_not_found",
    "EntryNotFoundError": "entry_not_found",
    "GatedRepoError": "gated",
    "DisabledRepoError": "disabled",
    "BucketNotFoundError": "repo_not_found",
    "RepositoryNotFoundError": "repository_not_found",
    "FileMetadataError": "not_a_hub",
    "HFValidationError": "invalid_argument",
    "BadRequestError": "http",
    "HfHubHTTPError": "http",
    # requests, httpx, urllib3 (timeouts before connection errors: ConnectTimeout is both)
    "ConnectTimeout": "timeout",
    "ReadTimeout": "timeout",
    "Timeout": "timeout",
    "TimeoutException": "timeout",
    "TimeoutError": "timeout",
    "SSLError": "network",
    "ConnectError": "network",
    "ConnectionError": "network",
    "ChunkedEncodingError": "network",
    "ContentDecodingError": "network",
    "ProtocolError": "network",
    "RemoteProtocolError": "network",
    "TooManyRedirects": "http_error",
    "HTTPError": "http",
    "HTTPStatusError": "http",
    # Python
    "KeyboardInterrupt": "cancelled",
    "UsageError": "invalid_argument",
    "UnsafePathError": "invalid_argument",
    "ValueError": "invalid_argument",
    "OSError": "io",
}


def status_of(exc):
    """The HTTP status an exception carries (requests/httpx .response,
    urllib's .code, an explicit .status), else None."""
    response = getattr(exc, "response", None)
    for candidate in (getattr(response, "status_code", None), getattr(exc, "status", None),
                      getattr(exc, "code", None), getattr(exc, "status_code", None)):
        if isinstance(candidate, int) and 100 <= candidate <= 599:
            return candidate
    return None


def server_message_of(exc):
    """The Hub's own text: huggingface_hub's .server_message, else the
    response's X-Error-Message."""
    text = getattr(exc, "server_message", None)
    if text:
        return str(text)
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    if headers is not None:
        try:
            return headers.get("X-Error-Message") or ""
        except AttributeError:
            return ""
    return ""


# The Hub's X-Error-Code values (hub-protocol.md section 3).
ERROR_CODE_KINDS = {
    "RevisionNotFound": "revision_not_found",
    "EntryNotFound": "entry_not_found",
    "RepoNotFound": "repo_not_found",
}


def error_code_of(exc):
    """The Hub's X-Error-Code of the response an exception carries, or ""."""
    headers = getattr(getattr(exc, "response", None), "headers", None)
    try:
        return (headers.get("X-Error-Code") or "") if headers is not None else ""
    except AttributeError:
        return ""


def kind_for_status(status, server_message="", error_code=""):
    """An HTTP failure's kind from its status, the Hub's X-Error-Code and its
    X-Error-Message."""
    text = (server_message or "").lower()
    if error_code == "GatedRepo":
        return "gated_not_authorized" if status == 403 else "gated_auth_required"
    if error_code in ERROR_CODE_KINDS:
        return ERROR_CODE_KINDS[error_code]
    if status == 401:
        if "invalid credentials" in text:
            return "invalid_token"
        if "expired" in text:
            return "token_expired"
        return "auth_required"
    if status == 403:
        return "disabled" if "disabled" in text else "forbidden"
    if status == 408:
        return "timeout"
    if status == 429:
        return "rate_limited"
    if status is not None and 500 <= status <= 599:
        return "server_error"
    return "http_error"


def outcome_for(exc, extra_kinds=None):
    """(kind, status, message) for an exception a downloader raised.
    `extra_kinds` maps more class names to kinds (checked first)."""
    table = {**CLASS_KINDS, **dict(extra_kinds or {})}
    status = status_of(exc)
    message = str(exc) or type(exc).__name__
    server = server_message_of(exc)
    kind = "http_error"
    for cls in type(exc).__mro__:
        if cls.__name__ in table:
            kind = table[cls.__name__]
            break
    else:
        return "http_error" if status else "io", status, message
    if kind == "gated":
        kind = "gated_not_authorized" if status == 403 else "gated_auth_required"
    elif kind == "repository_not_found":
        # The Hub answers 401 for a missing or private repo without a token,
        # and huggingface_hub turns an expired-token 401 into this class too.
        if status == 401:
            kind = "token_expired" if "expired" in server.lower() else "auth_required"
        else:
            kind = "repo_not_found"
    elif kind == "http":
        kind = kind_for_status(status, server, error_code_of(exc)) if status else "network"
    return kind, status, message


def _secrets(action):
    values = [action.token] if action and action.token else []
    for name in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"):
        if os.environ.get(name):
            values.append(os.environ[name].strip())
    path = os.environ.get("HF_TOKEN_PATH") or os.path.join(
        os.environ.get("HF_HOME", os.path.expanduser("~/.cache/huggingface")), "token")
    try:
        with open(path, encoding="utf-8") as f:
            values.append(f.read().strip())
    except OSError:
        pass
    return [v for v in values if len(v) >= 4]


def mask(text, secrets):
    """`text` with every secret, and anything shaped like a Hub token,
    reduced to its first four characters."""
    for secret in sorted(set(secrets), key=len, reverse=True):
        text = text.replace(secret, secret[:4] + "***")
    return re.sub(r"\bhf_[A-Za-z0-9]{4,}", lambda m: m.group(0)[:5] + "***", text)


def outcome_line(ok, paths=(), error=None, status=None, message="", secrets=()):
    if ok:
        return json.dumps({"ok": True, "paths": [os.path.abspath(p) for p in paths]})
    return json.dumps({"ok": False, "error": error, "status": status,
                       "message": mask(message, secrets)})


def run(handler, argv=None, extra_kinds=None, out=None):
    """Parses the contract's arguments, calls handler(action) (which returns
    the downloaded files' paths, or None), prints the outcome line on `out`
    (stdout) and returns the exit code (0 ok, 1 failure; mockhub reads only
    the line)."""
    out = out or sys.stdout
    action = None
    try:
        action = parse_args(argv)
        paths = handler(action) or []
        line = outcome_line(True, paths)
        code = 0
    except BaseException as exc:  # noqa: B902 - every failure becomes an outcome line
        if isinstance(exc, SystemExit):
            raise
        kind, status, message = outcome_for(exc, extra_kinds)
        line = outcome_line(False, error=kind, status=status, message=message,
                            secrets=_secrets(action))
        code = 1
    out.flush()
    print(line, file=out, flush=True)
    return code
