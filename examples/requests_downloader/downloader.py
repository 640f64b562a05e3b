"""A small Hugging Face downloader built on `requests`: the kind of code a
project writes instead of depending on huggingface_hub, and the example
that mockhub's Python package is tested with.

It does what the Hub's download protocol asks (see the README of this
folder): a HEAD of the resolve URL for the commit, ETag and size; the body
from wherever the Hub redirects, with the token sent only to the Hub's own
host; a partial file kept as NAME.part and resumed with a Range; bounded
retries of 429, 5xx and broken connections, honouring Retry-After; the size
and (for LFS files) the sha256 checked before the file takes its name; a
file name that would land outside the destination folder refused.
"""

import hashlib
import os
import re
import time
from urllib.parse import quote, urlparse

import requests

RETRIES = 5
MAX_WAIT = 10.0  # seconds: the longest Retry-After honoured
CHUNK = 1 << 16  # written as it arrives: a reset loses little


class HubError(requests.HTTPError):
    """An HTTP failure of the Hub or the CDN; .response is the answer."""


class NotAHubError(Exception):
    """The endpoint answered, but not like the Hub (a proxy, a mirror)."""


class IntegrityError(Exception):
    """The bytes are not the file the Hub announced (size or sha256)."""


class UnsafePathError(ValueError):
    """A file name (given or listed by the server) that would land outside
    the destination folder."""


def contained_path(dest_dir, filename):
    """dest_dir/filename, refused unless it stays inside dest_dir once
    `..` and symlinks are resolved. The Hub's names are relative POSIX
    paths; a server (or a caller) may send anything else."""
    parts = filename.split("/") if isinstance(filename, str) else [""]
    if (not filename or filename.startswith("/") or "\\" in filename or ".." in parts
            or any(ord(c) < 0x20 or ord(c) == 0x7F for c in filename)):
        raise UnsafePathError(f"refusing file name {filename!r}: not a relative path inside "
                              "the destination folder")
    base = os.path.realpath(dest_dir)
    final = os.path.realpath(os.path.join(base, filename))
    if os.path.commonpath([base, final]) != base or final == base:
        raise UnsafePathError(f"refusing file name {filename!r}: it resolves outside {dest_dir}")
    return final


def _prefix(repo_type):
    return {"model": "", "dataset": "datasets/", "space": "spaces/"}[repo_type]


def _fail(response):
    text = response.headers.get("X-Error-Message") or response.reason or ""
    raise HubError(f"HTTP {response.status_code} from {urlparse(response.url).netloc}: {text}",
                   response=response)


def _wait(response, attempt):
    value = response.headers.get("Retry-After", "") if response is not None else ""
    delay = float(value) if value.isdigit() else min(0.2 * 2 ** attempt, 2.0)
    time.sleep(min(delay, MAX_WAIT))


class Downloader:
    def __init__(self, endpoint, token=None, timeout=None):
        self.endpoint = endpoint.rstrip("/")
        self.token = token
        # huggingface_hub's variable: a stalled transfer is abandoned (and
        # resumed) after this many idle seconds.
        self.timeout = timeout or float(os.environ.get("HF_HUB_DOWNLOAD_TIMEOUT") or 10)
        self.session = requests.Session()
        self.session.trust_env = True

    def _headers(self, url):
        # The token goes to the Hub's own host only, never to the CDN.
        same_host = urlparse(url).netloc == urlparse(self.endpoint).netloc
        return {"Authorization": f"Bearer {self.token}"} if self.token and same_host else {}

    def _request(self, method, url, **kwargs):
        """One request with bounded retries of 429 and 5xx (a broken
        connection is retried by the caller, which knows what to resume)."""
        headers = {**self._headers(url), **kwargs.pop("headers", {})}
        for attempt in range(RETRIES + 1):
            r = self.session.request(method, url, headers=headers, timeout=self.timeout,
                                     allow_redirects=False, **kwargs)
            if (r.status_code == 429 or r.status_code >= 500) and attempt < RETRIES:
                r.close()
                _wait(r, attempt)
                continue
            return r
        raise AssertionError("unreachable")

    def api(self, path):
        url = self.endpoint + path
        for _ in range(5):  # a renamed repo's API redirects on the Hub
            r = self._request("GET", url)
            if r.status_code not in (301, 302, 307, 308):
                break
            url = requests.compat.urljoin(url, r.headers["Location"])
            if urlparse(url).netloc != urlparse(self.endpoint).netloc:
                break
        if r.status_code != 200:
            _fail(r)
        return r.json()

    def metadata(self, repo, filename, revision="main", repo_type="model"):
        """(commit, etag, size, location) from a HEAD of the resolve URL."""
        url = (f"{self.endpoint}/{_prefix(repo_type)}{repo}/resolve/"
               f"{quote(revision, safe='')}/{quote(filename)}")
        for _ in range(5):  # relative redirects of renamed repos stay on the Hub
            r = self._request("HEAD", url)
            if r.status_code in (301, 302, 307, 308) and not r.headers.get("X-Linked-Etag"):
                target = requests.compat.urljoin(url, r.headers["Location"])
                if urlparse(target).netloc != urlparse(self.endpoint).netloc:
                    break
                url = target
                continue
            break
        if r.status_code >= 400:
            _fail(r)
        etag = (r.headers.get("X-Linked-Etag") or r.headers.get("ETag") or "").strip('"')
        etag = re.sub(r"^W/", "", etag).strip('"')
        size = int(r.headers.get("X-Linked-Size") or r.headers.get("Content-Length") or 0)
        commit = r.headers.get("X-Repo-Commit")
        if not commit or not etag:
            raise NotAHubError(f"{urlparse(url).netloc} did not answer like the Hub "
                               "(no X-Repo-Commit or ETag): check HF_ENDPOINT and any proxy")
        location = requests.compat.urljoin(url, r.headers.get("Location") or url)
        return commit, etag, size, location

    def download(self, repo, filename, dest_dir, revision="main", repo_type="model"):
        final = contained_path(dest_dir, filename)  # before any request
        commit, etag, size, url = self.metadata(repo, filename, revision, repo_type)
        os.makedirs(os.path.dirname(final) or ".", exist_ok=True)
        part = final + ".part"
        for attempt in range(RETRIES + 1):
            have = os.path.getsize(part) if os.path.exists(part) else 0
            headers = {"Range": f"bytes={have}-"} if have else {}
            try:
                self._fetch(url, part, have, headers)
                if not size or os.path.getsize(part) >= size:
                    break
                # A body cut short without an error (urllib3 1.x does not
                # enforce Content-Length): resume it like a broken one.
                if attempt == RETRIES:
                    break
            except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError,
                    requests.Timeout):
                if attempt == RETRIES:
                    raise
                _wait(None, attempt)
            except HubError as e:
                # A signed CDN URL that expired: ask the Hub for a fresh one.
                if e.response.status_code != 403 or attempt == RETRIES:
                    raise
                commit, etag, size, url = self.metadata(repo, filename, revision, repo_type)
        got = os.path.getsize(part)
        if size and got != size:
            os.remove(part)
            raise IntegrityError(f"{filename}: got {got} bytes, the Hub announced {size}")
        if re.fullmatch(r"[0-9a-f]{64}", etag) and _sha256(part) != etag:
            os.remove(part)
            raise IntegrityError(f"{filename}: sha256 differs from the Hub's ETag")
        os.replace(part, final)
        return final

    def _fetch(self, url, part, have, headers):
        for _ in range(5):  # the Hub's redirect to the CDN
            r = self._request("GET", url, headers=headers, stream=True)
            if r.status_code in (301, 302, 307, 308):
                url = requests.compat.urljoin(url, r.headers["Location"])
                continue
            break
        if r.status_code == 416 and have:
            os.remove(part)  # the partial is not a prefix of this file
            raise requests.ConnectionError("416: partial discarded, restarting")
        if r.status_code not in (200, 206):
            _fail(r)
        mode = "ab" if r.status_code == 206 else "wb"
        with r, open(part, mode) as out:
            for block in r.iter_content(CHUNK):
                out.write(block)


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()
