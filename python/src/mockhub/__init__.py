"""Drive mockhub from Python: start `mockhub serve`, steer it while it runs.

    from mockhub import MockHub
    with MockHub.start(scenario="scenarios/s11-429-on-cdn-get.json") as hub:
        os.environ.update(hub.env)
        hub.add_fault({"server": "cdn", "do": {"status": {"code": 503}}, "when": {"first": 1}})
        ...
        assert any(e["status"] == 503 for e in hub.journal())

The pytest fixture is in mockhub.pytest_plugin, the adapter kit in
mockhub.adapter. A wheel that carries the binaries says where they are:
bundled_binary("mockhub" | "hubget") and share_dir() (None without them).
"""

from mockhub._bundle import bundled_binary, share_dir
from mockhub.admin import AdminClient, AdminError
from mockhub.server import MockHub, MockHubStartError, find_mockhub

__all__ = [
    "AdminClient",
    "AdminError",
    "MockHub",
    "MockHubStartError",
    "bundled_binary",
    "find_mockhub",
    "share_dir",
]
__version__ = "0.1.0"
