"""Strict YAML: safe constructors only, duplicate keys rejected, a line number for every path."""

from __future__ import annotations

import codecs
import errno
import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Path_ = tuple[str | int, ...]


class YamlError(Exception):
    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(frozen=True)
class LoadedYaml:
    data: Any
    lines: dict[Path_, int]

    def line_of(self, path: Sequence[str | int]) -> int | None:
        """The line of the deepest node of ``path`` that exists in the file."""
        key = tuple(path)
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key[:-1]
        return self.lines.get((), None)


# A rule file is a few hundred nodes; aliases may repeat parts of it, within reason. Past these a
# file is refused (an alias "billion laughs" of 2.6 KB would otherwise expand to gigabytes).
MAX_NODES = 100_000
MAX_DEPTH = 64
MAX_FILE_BYTES = 1_000_000
MAX_INTEGER = 2**63 - 1


def load_yaml_text(text: str) -> LoadedYaml:
    """Parse strict YAML (safe constructors, no duplicate keys, a line for every path)."""
    from ._yamlparse import parse_yaml_text  # noqa: PLC0415 - PyYAML only when YAML is read

    return parse_yaml_text(text)


def decode_yaml_bytes(data: bytes) -> str:
    """UTF-8 text (a byte-order mark is accepted); other encodings are a YamlError naming the line
    of the first byte that cannot be read, and what the file probably is."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in data[:64]:
        raise YamlError("the file is UTF-16 (or another wide encoding), not UTF-8: save it as UTF-8", 1)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        try:
            data.decode("gb18030")
            what = "it looks like GB18030/GBK: convert it with iconv -f GB18030 -t UTF-8, or save it as UTF-8"
        except UnicodeDecodeError:
            what = "save it as UTF-8"
        raise YamlError(f"not UTF-8 text (byte 0x{data[exc.start]:02x} on this line): {what}", line) from None


def read_regular_file(path: Path, root: Path | None = None, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of ``path`` if it is a regular file (inside ``root`` when given), else OSError with
    a reason and nothing read: a symbolic link out of the pack, a FIFO (which would block forever),
    a device or a socket is never opened for reading, so its contents cannot leak into a log."""
    if root is not None:
        resolved = path.resolve()
        if not resolved.is_relative_to(root.resolve()):
            raise OSError(errno.EPERM, "a symbolic link that leads out of the pack; not read")
    info = path.stat()
    if not stat.S_ISREG(info.st_mode):
        raise OSError(errno.EPERM, "not a regular file (a FIFO, device or socket); not read")
    if info.st_size > limit:
        raise OSError(errno.EFBIG, f"{info.st_size:,} bytes, more than the {limit:,} a rule file may have")
    # O_NONBLOCK: should the file be swapped for a FIFO after the check, opening it still returns.
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise OSError(errno.EPERM, "not a regular file; not read")
        return handle.read(limit + 1)[:limit]


def load_yaml_file(path: Path, root: Path | None = None) -> LoadedYaml:
    return load_yaml_text(decode_yaml_bytes(read_regular_file(path, root)))
