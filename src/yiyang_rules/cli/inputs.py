"""What ``yiyang check`` reads: snapshot files, ``.jsonl`` batches, folders, workbooks and stdin.

Each input becomes a stream of :class:`Raw` snapshots (bytes not yet parsed, with their source) or,
where the input itself is wrong (missing, empty, unreadable), a :class:`BatchItem` holding the error
in its place, so the output stays aligned with the input. Nothing is read before it is needed: a
``.jsonl`` file and stdin are streamed line by line.

- ``FILE.json`` (or any other name): one snapshot.
- ``FILE.jsonl``: one snapshot per line; blank lines are skipped, line numbers are the file's own.
- ``FOLDER``: every ``.json``, ``.jsonl`` and ``.xlsx`` inside it and its subfolders, in sorted
  path order (so the order is the same on every machine); hidden files and folders (``.git``) and
  Excel's lock files (``~$…``) are skipped.
- ``FILE.xlsx``: a workbook, through :func:`workbook_inputs`.
- ``-``: stdin, either one JSON document (pretty-printed or not) or JSON Lines.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..decoding import EMPTY_INPUT as EMPTY
from ..errors import InputError, InputProblem
from ..render.base import BatchItem
from ..sourceref import SourceRef

STDIN = "-"
STDIN_NAME = "<stdin>"
SNAPSHOT_SUFFIXES = (".json", ".jsonl")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".et", ".ods")
FOLDER_SUFFIXES = SNAPSHOT_SUFFIXES + WORKBOOK_SUFFIXES
_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class Raw:
    """One snapshot's bytes, not yet parsed, and where they came from."""

    source: SourceRef
    data: bytes
    # The workbook it was read from: its 豁免 sheet (exemptions) applies to its report.
    workbook: Path | None = None

    @property
    def label(self) -> str:
        return label_of(self.source)


def _source(file: str, line: int | None) -> SourceRef:
    return SourceRef(file, line)


def label_of(source: SourceRef) -> str:
    return f"{source.file}:{source.line}" if source.line is not None else source.file


Entry = Raw | BatchItem


def error_item(file: str, line: int | None, *problems: str | InputProblem) -> BatchItem:
    source = _source(file, line)
    return BatchItem(source=source, error=InputError(label_of(source), problems))


def read_inputs(arguments: Sequence[str], stdin: BinaryIO | None = None) -> Iterator[Entry]:
    """Every snapshot of every argument, in order."""
    for argument in arguments:
        if argument == STDIN:
            yield from stdin_inputs(stdin)
            continue
        path = Path(argument)
        if path.is_dir():
            yield from folder_inputs(path)
        else:
            yield from file_inputs(path)


def folder_files(folder: Path) -> list[Path]:
    """The snapshot and workbook files under ``folder``, sorted by their path inside it."""
    found: list[Path] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if name.startswith((".", "~$")) or not name.lower().endswith(FOLDER_SUFFIXES):
                continue
            found.append(Path(root) / name)
    return sorted(found, key=lambda p: p.relative_to(folder).parts)


def folder_inputs(folder: Path) -> Iterator[Entry]:
    try:
        files = folder_files(folder)
    except OSError as exc:
        yield error_item(str(folder), None, f"cannot read the folder: {exc.strerror}")
        return
    if not files:
        yield error_item(
            str(folder),
            None,
            InputProblem(
                "",
                "the folder holds no .json, .jsonl or .xlsx file: there is nothing to check",
                "文件夹中没有 .json、.jsonl 或 .xlsx 文件：没有可检查的内容",
            ),
        )
        return
    for path in files:
        yield from file_inputs(path)


def file_inputs(path: Path) -> Iterator[Entry]:
    name = str(path)
    suffix = path.suffix.lower()
    if not path.exists():
        yield error_item(name, None, InputProblem("", "no such file or folder", "文件或文件夹不存在"))
        return
    if suffix in WORKBOOK_SUFFIXES:
        yield from workbook_inputs(path)
        return
    try:
        if suffix == ".jsonl":
            with path.open("rb", buffering=0) as handle:
                yield from _lines(name, _split_lines(handle))
            return
        data = path.read_bytes()
    except OSError as exc:
        yield error_item(name, None, f"cannot read the file: {exc.strerror}")
        return
    yield from _document(name, data)


def _document(name: str, data: bytes) -> Iterator[Entry]:
    data = data.removeprefix(_BOM)
    if not data.strip():
        yield error_item(name, None, EMPTY)
        return
    yield Raw(_source(name, None), data)


# Bytes read at a time from a .jsonl file. Iterating a buffered file finds each line's end in
# Python-level steps over every byte and, for a line longer than its 8 KiB buffer (a snapshot is
# tens of KB), copies it in pieces; one large read and bytes.find (memchr) cut the same lines.
READ_BLOCK = 1 << 20


def _split_lines(handle: BinaryIO, block_size: int = READ_BLOCK) -> Iterator[bytes]:
    """The lines of ``handle`` as iterating it gives them: each ends with its ``\n`` (the last one
    may not); only ``\n`` ends a line. A line longer than a block is joined once, from its parts."""
    pending: list[bytes] = []  # the start of a line not yet ended, read in earlier blocks
    read = handle.read
    while block := read(block_size):
        find = block.find
        start = 0
        end = find(b"\n")
        while end >= 0:
            if pending:
                pending.append(block[start : end + 1])
                yield b"".join(pending)
                pending.clear()
            else:
                yield block[start : end + 1]
            start = end + 1
            end = find(b"\n", start)
        if start < len(block):
            pending.append(block[start:])
    if pending:
        yield b"".join(pending)


def _lines(name: str, lines: Iterable[bytes], first_number: int = 1) -> Iterator[Entry]:
    """The non-blank lines of a JSON Lines stream, each with its line number."""
    seen = False
    for number, text in enumerate(lines, start=first_number):
        line = text.removeprefix(_BOM) if number == 1 else text
        # Blank means empty or only ASCII whitespace, as ``line.strip()`` has it, without copying a
        # snapshot's line (tens of KB) to find out: isspace stops at the first other character.
        if line and not line.isspace():
            seen = True
            yield Raw(_source(name, number), line)
    if not seen:
        yield error_item(name, None, EMPTY)


def _looks_like_one_line_object(line: bytes) -> bool:
    """A whole JSON object on one line (a snapshot is an object); a pretty-printed document's lines
    are never that, except an empty ``{}``, which is no snapshot anyway."""
    text = line.strip()
    return len(text) > 2 and text.startswith(b"{") and text.endswith(b"}")


def stdin_inputs(stream: BinaryIO | None) -> Iterator[Entry]:
    """stdin as JSON Lines when its first non-blank line is a whole JSON object on its own (streamed);
    otherwise as one JSON document, unless that does not parse and a later line is a whole object
    (JSON Lines whose first line is broken)."""
    if stream is None:
        import sys  # noqa: PLC0415 - only stdin needs it

        stream = sys.stdin.buffer
        if sys.stdin.isatty():  # someone typed `yiyang check -` without a pipe: say what it waits for
            sys.stderr.write("reading snapshots from stdin (end with Ctrl-D; Ctrl-C to stop)\n")
    head: list[bytes] = []
    for line in stream:
        head.append(line.removeprefix(_BOM) if not head else line)
        if line.strip():
            break
    if not head or not head[-1].strip():
        yield error_item(STDIN_NAME, None, EMPTY)
        return
    if _looks_like_one_line_object(head[-1]):
        yield from _lines(STDIN_NAME, _chain(head, stream))
        return
    rest = stream.read()
    whole = b"".join(head) + rest
    try:
        json.loads(whole)
    except ValueError:
        others = whole.splitlines(keepends=True)
        if any(_looks_like_one_line_object(line) for line in others[len(head) :]):
            yield from _lines(STDIN_NAME, others)
            return
    yield Raw(_source(STDIN_NAME, None), whole)


def _chain(head: list[bytes], rest: Iterable[bytes]) -> Iterator[bytes]:
    yield from head
    yield from rest


def workbook_inputs(path: Path) -> Iterator[Entry]:
    """An Excel workbook (the 台账 of ``yiyang template``): read tolerantly by
    :mod:`yiyang_rules.workbook` into one snapshot, or an error naming sheet and cell. ``.xls``,
    ``.et`` and ``.ods`` get a message saying to save as ``.xlsx``. openpyxl is imported only here,
    so checking JSON never pays for it."""
    from ..workbook.reader import workbook_json  # noqa: PLC0415 - openpyxl only for workbooks

    try:
        yield Raw(_source(str(path), None), workbook_json(path, str(path)), workbook=path)
    except InputError as exc:
        yield BatchItem(source=_source(str(path), None), error=exc)
    except Exception as exc:  # a broken workbook must not stop the batch
        yield error_item(str(path), None, f"cannot read the workbook: {type(exc).__name__}: {exc}")


def count_inputs(arguments: Sequence[str]) -> int | None:
    """How many entries :func:`read_inputs` will give, when that is cheap to know (for the progress
    bar); None when stdin or a workbook is among the inputs."""
    total = 0
    for argument in arguments:
        if argument == STDIN:
            return None
        path = Path(argument)
        paths = folder_files(path) if path.is_dir() else [path]
        for file in paths:
            suffix = file.suffix.lower()
            if suffix in WORKBOOK_SUFFIXES:
                return None
            if suffix != ".jsonl":
                total += 1
                continue
            try:
                with file.open("rb") as handle:
                    total += max(1, sum(1 for line in handle if line.strip()))
            except OSError:
                total += 1
    return total
