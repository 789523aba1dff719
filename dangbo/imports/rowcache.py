"""The rows of an XLSX file, kept between its dry run and its apply.

An import reads its file twice: the dry run checks every row, then the confirmed apply reads and
checks them again inside its transaction (the registry may have changed in between, so the checks
are repeated; the file has not). Parsing a worksheet's XML is most of a dry run, so the rows the
streaming reader yields are stored once, keyed by the SHA-256 of the file's bytes, and the next
read of the same content replays them.

- Where: DANGBO_IMPORT_ROWS_DIR (default var/cache/import-rows), one file per content digest.
- Format: frames of pickled rows, each preceded by its length and an HMAC under the SECRET_KEY.
  Every frame is verified before the first row is replayed, so a file changed by anyone else is
  read again from the workbook and never unpickled.
- Complete or absent: an entry is written under a temporary name and renamed only after its end
  frame, so a read that stopped early (a refused header, an error) leaves nothing.
- Entries older than DANGBO_IMPORT_ROWS_TTL hours (default 24) are removed when one is stored.
- Memory: rows are written and replayed a frame (FRAME rows) at a time.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import pickle
import struct
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

from django.conf import settings
from django.utils.crypto import salted_hmac

FRAME = 2000
_SALT = "dangbo.imports.rowcache"
_HEAD = struct.Struct(">Q32s")  # payload length, HMAC-SHA256 of (content digest, frame number, payload)
_FORMAT = b"dangbo-rows-1\n"

Rows = Iterator[tuple[int, tuple]]


def _dir() -> Path:
    return Path(settings.DANGBO_IMPORT_ROWS_DIR)


def _mac(key: str, number: int, payload: bytes) -> bytes:
    """Binds a frame to its file's content and its place: frames cannot be reordered, dropped or
    moved to another entry. The end frame (empty payload) seals the count."""
    return salted_hmac(_SALT, f"{key}:{number}:".encode() + payload, algorithm="sha256").digest()


def digest(path) -> str | None:
    """SHA-256 of the file at `path`; None for anything that is not a readable file path."""
    if not isinstance(path, str | os.PathLike):
        return None
    h = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(1 << 20):
                h.update(chunk)
    except OSError:
        return None
    return h.hexdigest()


def _frames(fh, key: str) -> Iterator[bytes | None]:
    """The verified payloads of an entry; None for a bad or truncated one (then stop)."""
    if fh.read(len(_FORMAT)) != _FORMAT:
        yield None
        return
    number = 0
    while True:
        head = fh.read(_HEAD.size)
        if len(head) != _HEAD.size:
            yield None
            return
        size, mac = _HEAD.unpack(head)
        payload = fh.read(size)
        if len(payload) != size or not hmac.compare_digest(mac, _mac(key, number, payload)):
            yield None
            return
        if not size:
            return
        yield payload
        number += 1


def _replay(entry: Path, key: str) -> Rows | None:
    try:
        with open(entry, "rb") as fh:
            if any(p is None for p in _frames(fh, key)):
                return None
    except OSError:
        return None

    def rows() -> Rows:
        with open(entry, "rb") as fh:
            for payload in _frames(fh, key):
                yield from pickle.loads(payload)  # noqa: S301 (verified with the SECRET_KEY's HMAC above)

    return rows()


def _sweep(folder: Path) -> None:
    cutoff = time.time() - 3600 * settings.DANGBO_IMPORT_ROWS_TTL
    for old in folder.iterdir():
        with contextlib.suppress(OSError):
            if old.stat().st_mtime < cutoff:
                old.unlink()


def cached_rows(path, parse: Callable[[], Rows], *, version: str) -> Rows:
    """The rows `parse()` yields for the file at `path`, replayed from the entry of its content if
    a complete one exists, else parsed and stored while they stream. `version` names the reader
    (its entries are not replayed by another version of it)."""
    key = digest(path)
    if key is None:
        yield from parse()
        return
    key = hashlib.sha256(f"{key}:{version}".encode()).hexdigest()
    folder = _dir()
    entry = folder / key
    replay = _replay(entry, key) if entry.exists() else None
    if replay is not None:
        yield from replay
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _sweep(folder)
        tmp = folder / f".{key}.{os.getpid()}.{uuid.uuid4().hex}"
        out = open(tmp, "wb")  # noqa: SIM115 (closed in the finally below)
    except OSError:  # no writable cache: parse as if there were none
        yield from parse()
        return
    done = False
    try:
        out.write(_FORMAT)
        frame: list[tuple[int, tuple]] = []
        number = 0
        for row in parse():
            frame.append(row)
            if len(frame) >= FRAME:
                _write(out, key, number, pickle.dumps(frame, protocol=pickle.HIGHEST_PROTOCOL))
                frame, number = [], number + 1
            yield row
        if frame:
            _write(out, key, number, pickle.dumps(frame, protocol=pickle.HIGHEST_PROTOCOL))
            number += 1
        _write(out, key, number, b"")
        done = True
    finally:
        out.close()
        with contextlib.suppress(OSError):
            if done:
                os.replace(tmp, entry)
            else:
                tmp.unlink()


def _write(out, key: str, number: int, payload: bytes) -> None:
    out.write(_HEAD.pack(len(payload), _mac(key, number, payload)))
    out.write(payload)
