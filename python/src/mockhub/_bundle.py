"""The mockhub installation a wheel may carry (mockhub/_prefix/: bin/mockhub,
bin/hubget, share/mockhub/...), found beside this file.

A wheel built with MOCKHUB_WHEEL_PREFIX holds a whole `cmake --install`
prefix here, so the bundled mockhub finds the hubget beside it and share/
next to bin/ as an installed one does. A pure wheel or a checkout has none:
every function then returns None.
"""

import os

_PREFIX = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_prefix")
_BINARIES = ("mockhub", "hubget")


def bundled_binary(name):
    """The path of the bundled `mockhub` or `hubget`, or None when this
    installation carries no binaries."""
    if name not in _BINARIES:
        raise ValueError(f"no bundled binary is called {name!r}: {' or '.join(_BINARIES)}")
    path = os.path.join(_PREFIX, "bin", name)
    if os.path.isfile(path) and os.access(path, os.X_OK):
        return path
    return None


def share_dir():
    """The bundled share/mockhub folder (scenarios/, worlds/), or None."""
    path = os.path.join(_PREFIX, "share", "mockhub")
    return path if os.path.isdir(path) else None
