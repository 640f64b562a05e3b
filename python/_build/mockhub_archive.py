"""Reproducible archives for the mockhub build backend: a wheel (a zip with
RECORD) and an sdist (a gzipped tar), standard library only.

The same inputs give the same bytes: entries are sorted, every timestamp is
SOURCE_DATE_EPOCH (1980-01-01, the zip format's first day, when it is unset
or earlier), owners are 0 and modes are 0644 or 0755. A zip entry carries
its Unix mode with the regular-file bit, which is what pip reads to keep an
executable executable.
"""

import base64
import csv
import gzip
import hashlib
import io
import os
import stat
import tarfile
import time
import zipfile

_ZIP_EPOCH = 315532800  # 1980-01-01T00:00:00Z, the earliest time a zip entry holds


def build_time():
    """The archives' timestamp, seconds since the epoch."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return _ZIP_EPOCH
    try:
        return max(int(value), _ZIP_EPOCH)
    except ValueError:
        raise ValueError(f"SOURCE_DATE_EPOCH={value!r} is not a number of seconds") from None


def file_mode(path):
    """0755 for a file anyone may execute, 0644 otherwise."""
    return 0o755 if os.stat(path).st_mode & 0o111 else 0o644


def record_hash(data):
    """RECORD's digest: sha256, URL-safe base64 without padding."""
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
    return "sha256=" + digest.decode("ascii")


class Entry:
    """One member of an archive: its name in the archive, bytes and mode."""

    def __init__(self, name, data, mode=0o644):
        self.name = name
        self.data = data
        self.mode = mode

    @classmethod
    def from_file(cls, name, path):
        with open(path, "rb") as f:
            return cls(name, f.read(), file_mode(path))


def write_wheel(path, entries, dist_info):
    """Writes the wheel at `path`: the entries sorted by name, then
    `dist_info`/RECORD listing each with its hash and size."""
    names = [e.name for e in entries]
    if len(set(names)) != len(names):
        raise ValueError("two wheel entries share a name")
    entries = sorted(entries, key=lambda e: e.name)
    record_name = f"{dist_info}/RECORD"
    rows = [(e.name, record_hash(e.data), str(len(e.data))) for e in entries]
    rows.append((record_name, "", ""))
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows(rows)
    entries.append(Entry(record_name, text.getvalue().encode("utf-8")))
    date_time = time.gmtime(build_time())[:6]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as wheel:
        for entry in entries:
            info = zipfile.ZipInfo(entry.name, date_time)
            info.create_system = 3  # Unix: external_attr holds the mode
            info.external_attr = (stat.S_IFREG | entry.mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            wheel.writestr(info, entry.data)


def write_sdist(path, entries):
    """Writes the sdist at `path`: a gzipped tar of the entries, sorted."""
    mtime = build_time()
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for entry in sorted(entries, key=lambda e: e.name):
            info = tarfile.TarInfo(entry.name)
            info.size = len(entry.data)
            info.mode = entry.mode
            info.mtime = mtime
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            tar.addfile(info, io.BytesIO(entry.data))
    with open(path, "wb") as out:
        # filename="" and a fixed mtime: gzip's header names nothing and dates nothing.
        with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=mtime) as gz:
            gz.write(raw.getvalue())
