"""A small client of mockhub's admin API (/_mockhub/... on the hub site).

Standard library only (urllib), so a test suite needs nothing beyond
pytest. Every error of the server (a 400 naming the JSON pointer of a bad
fault, a 404 for an unknown fault id) is raised as AdminError with the
server's text.
"""

import json
import urllib.error
import urllib.request


class AdminError(Exception):
    """The admin API refused a request; .status and .body say why."""

    def __init__(self, method, path, status, body):
        self.status = status
        self.body = body
        super().__init__(f"mockhub {method} {path}: HTTP {status}: {body.strip()}")


class AdminClient:
    """Calls /_mockhub/* on one mockhub site (the hub's base URL)."""

    def __init__(self, base_url, timeout=10.0):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def _call(self, method, path, payload=None):
        data = None if payload is None else json.dumps(payload).encode("utf-8")
        req = urllib.request.Request(self.base_url + path, data=data, method=method)
        if method in ("POST", "DELETE"):
            # The admin API refuses a POST or DELETE that does not say it is
            # JSON (no web page's form or simple fetch can say so).
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as res:
                body = res.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as e:
            raise AdminError(method, path, e.code, e.read().decode("utf-8", "replace")) from None
        return json.loads(body) if body.strip() else None

    def health(self):
        return self._call("GET", "/_mockhub/health")

    def journal(self):
        """Every journaled request, oldest first (dicts as in the README)."""
        return self._call("GET", "/_mockhub/requests")

    def clear_journal(self):
        self._call("DELETE", "/_mockhub/requests")

    def add_fault(self, fault):
        """Adds a fault (a dict in the scenario format) or a list of them;
        returns the id (or the list of ids). Attempts count from now."""
        answer = self._call("POST", "/_mockhub/faults", fault)
        ids = answer["ids"]
        return ids if isinstance(fault, list) else ids[0]

    def faults(self):
        return self._call("GET", "/_mockhub/faults")

    def remove_fault(self, fault_id):
        self._call("DELETE", "/_mockhub/faults/" + urllib.request.quote(str(fault_id), safe=""))

    def clear_faults(self):
        self._call("DELETE", "/_mockhub/faults")

    def step(self, step):
        """Applies one hub-change step of the scenario format, e.g.
        {"revoke_token": "hf_alice"} or {"advance_clock": 3600}."""
        return self._call("POST", "/_mockhub/steps", step)
