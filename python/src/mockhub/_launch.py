"""The `mockhub` and `hubget` console scripts of a wheel that carries the
binaries: each replaces its own process with the bundled binary (os.execv),
arguments, exit code, signals and stdin unchanged, as ruff's and cmake's
wheels do. The binary's /proc/self/exe is then the bundled file, so the
bundled mockhub finds the hubget beside it.
"""

import os
import sys

from mockhub._bundle import bundled_binary


def _exec(name):
    path = bundled_binary(name)
    if path is None:
        sys.stderr.write(f"{name}: this installation of the mockhub package carries no {name} "
                         "binary (mockhub/_prefix/bin/); reinstall the wheel that bundles it\n")
        return 127
    os.execv(path, [path] + sys.argv[1:])
    return 127  # not reached: execv returns only by raising


def mockhub():
    return _exec("mockhub")


def hubget():
    return _exec("hubget")
