"""The compiled catalogs cached on disk, so that rule YAML is read and validated only when it changes.

The key is a SHA-256 of everything the compiled catalogs are made of: the rule files (every file
below the rules directory), the package's own files (the check kinds' code, the bundled source
texts), the package version and the Python version. Any change gives a new key, hence a new entry;
an entry is never updated in place. The cache is a convenience and never an error: an unreadable,
unwritable, corrupt or foreign entry is ignored and the rules are compiled as without a cache.

The key reads every byte of those files on each start, on purpose. Measured on the project's
shared 2-core VM: about 8 ms for ~210 files and 1 MB (walking 2 ms, reading 5 ms, hashing under
1 ms), against 90-130 ms for compiling the rules. A key from file sizes and modification times
would save most of those 8 ms but can miss a change: an edit that keeps the size within one mtime
tick, a checkout or ``rsync -t``/``cp -p`` that restores an older mtime, a file replaced by one with
the same size and time. A stale entry would check snapshots against rules that are no longer on
disk, which is worse than any start-up cost, so the contents stay in the key.

On by default. Where: ``$YIYANG_CACHE_DIR``, else ``$XDG_CACHE_HOME/yiyang-rules``, else
``~/.cache/yiyang-rules``. ``YIYANG_NO_CACHE=1`` turns it off. Entries are pickles, read only when
the file belongs to the current user and is not writable by others (a pickle runs code when
loaded, so an entry someone else could write is not trusted).

An entry holds two pickles of one build: first the *lean* part (what checking a snapshot reads:
checked_catalog.py, no pydantic object in it), then the *full* catalogs (the rule files' models,
examples, history: pydantic objects). A start unpickles the lean part only; the full part stays as
bytes in memory and is unpickled when first asked for, so both always come from the same build.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar, cast

from ._version import __version__
from .resources import rules_dir as default_rules_dir

_Full = TypeVar("_Full")
_Lean = TypeVar("_Lean")
_PACKAGE = Path(__file__).resolve().parent
_FORMAT = "2"  # bump when the entry's layout changes
_LENGTH = 8  # bytes of the lean part's length, at the start of an entry


def cache_dir() -> Path | None:
    """The cache folder, or None when caching is off (``YIYANG_NO_CACHE=1``, or no home folder to
    put it in). On by default since the worker pool's hang with fast-starting workers was fixed
    (docs/decisions.md)."""
    if os.environ.get("YIYANG_NO_CACHE", "").strip() not in ("", "0"):
        return None
    explicit = os.environ.get("YIYANG_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except (RuntimeError, KeyError, OSError):  # no HOME and no password-database entry
            return None
    return Path(base) / "yiyang-rules"


def _files(root: Path) -> list[tuple[str, str]]:
    """Every file under ``root`` as (its path relative to root, its full path), in a fixed order.
    Plain strings, not Paths: this runs on every start over a couple of hundred files."""
    top = str(root)
    prefix = len(os.path.join(top, ""))  # os.walk joins each folder below onto top
    found: list[tuple[str, str]] = []
    for folder, dirs, names in os.walk(top):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__" and not d.startswith("."))
        below = folder[prefix:]
        for name in sorted(names):
            if not name.endswith((".pyc", ".pyo")):
                found.append((os.path.join(below, name), os.path.join(folder, name)))
    return found


def _content(path: str) -> bytes:
    """A file's bytes; only regular files are opened (opening a FIFO would wait for a writer)."""
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            return f"\0not a regular file: {stat.S_IFMT(info.st_mode)}".encode()
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        return f"\0unreadable: {exc.errno}".encode()


def cache_key(rules_root: Path) -> str:
    """A digest of every input of the compiled catalogs (see the module's docstring)."""
    digest = hashlib.sha256()
    digest.update(f"{_FORMAT}\0{__version__}\0{sys.version}\0{rules_root.resolve()}\0".encode())
    # The bundled rules too: a pack from another repository is read over them.
    tops = dict.fromkeys(p.resolve() for p in (rules_root, default_rules_dir(), _PACKAGE))
    for top in tops:
        for relative, path in _files(top):
            data = _content(path)
            digest.update(relative.encode() + b"\0" + len(data).to_bytes(8, "big") + data)
        digest.update(b"\1")
    return digest.hexdigest()


def _trusted(path: Path) -> bool:
    try:
        info = path.stat()
    except OSError:
        return False
    owner_ok = not hasattr(os, "getuid") or info.st_uid == os.getuid()
    return stat.S_ISREG(info.st_mode) and owner_ok and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def cached_catalogs(rules_root: Path, build: Callable[[], tuple[_Full, _Lean]]) -> tuple[_Lean, Callable[[], _Full]]:
    """The lean part and a function that returns the full part (see the module's docstring): from
    the cache when an entry for exactly these inputs exists, else from ``build()`` (which raises on
    bad rules: nothing is cached then), stored for next time when possible. A full part that cannot
    be unpickled when asked for (an entry damaged after its lean part was read) is built again."""
    folder = cache_dir()
    if folder is None:
        return _built(build())
    try:
        entry = folder / f"catalogs-{cache_key(rules_root)}.pickle"
    except OSError:
        return _built(build())
    if _trusted(entry):
        try:
            data = entry.read_bytes()
            lean_end = _LENGTH + int.from_bytes(data[:_LENGTH], "big")
            lean = pickle.loads(memoryview(data)[_LENGTH:lean_end])
            if lean is not None and len(data) > lean_end:
                return cast("_Lean", lean), _later(data, lean_end, build)
        except Exception:
            pass
    full, lean = build()
    _store(folder, entry, full, lean)
    return lean, lambda: full


def _built(parts: tuple[_Full, _Lean]) -> tuple[_Lean, Callable[[], _Full]]:
    full, lean = parts
    return lean, lambda: full


def _later(data: bytes, start: int, build: Callable[[], tuple[_Full, _Lean]]) -> Callable[[], _Full]:
    def full() -> _Full:
        try:
            return cast("_Full", pickle.loads(memoryview(data)[start:]))
        except Exception:
            return build()[0]

    return full


KEEP = 8  # entries kept: a few rule packs or versions side by side, not every edit ever made


def _prune(folder: Path, keep: Path) -> None:
    entries = sorted(folder.glob("catalogs-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in [e for e in entries if e != keep][KEEP - 1 :]:
        old.unlink(missing_ok=True)


def _store(folder: Path, entry: Path, full: object, lean: object) -> None:
    try:
        lean_bytes = pickle.dumps(lean, protocol=pickle.HIGHEST_PROTOCOL)
        full_bytes = pickle.dumps(full, protocol=pickle.HIGHEST_PROTOCOL)
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, temp = tempfile.mkstemp(prefix=".catalogs-", dir=folder)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(len(lean_bytes).to_bytes(_LENGTH, "big") + lean_bytes + full_bytes)
            os.replace(temp, entry)  # atomic: a reader sees the whole entry or none
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        _prune(folder, entry)
    except Exception:
        return
