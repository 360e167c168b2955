"""Where a report goes: stdout or a file, always as UTF-8, never half-written.

- stdout gets UTF-8 bytes whatever the locale says (a GBK or C console must not turn a ``✓`` into a
  traceback that exits 1, which would read as a violation).
- ``-o FILE`` is written to a temporary file in the same folder and renamed over FILE only when the
  whole run succeeded, so a failed or interrupted run leaves the old file (or none), never half a
  report. A target that is not a regular file (``/dev/stdout``, a FIFO, ``/dev/full``) is written
  directly: there is nothing to rename over.
- A write that fails (disk full, the reader of a pipe went away) becomes :class:`OutputError`, which
  the command turns into a message and exit 2.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
import tempfile
from pathlib import Path
from types import TracebackType
from typing import BinaryIO


class OutputError(Exception):
    """The report could not be written; the message says where and why."""


def _describe(exc: OSError, where: str) -> str:
    if isinstance(exc, BrokenPipeError) or exc.errno == errno.EPIPE:
        return f"{where}: the reader closed the pipe before the report was complete; output stopped"
    if exc.errno == errno.ENOSPC:
        return f"{where}: no space left on the device; the report was not written"
    return f"{where}: cannot write: {exc.strerror or exc}"


def same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


class Sink:
    """A byte sink opened with ``with``: ``write`` text (encoded as UTF-8) or bytes; on a clean exit
    the file is committed, on an exception it is discarded."""

    def __init__(self, target: Path | None) -> None:
        self.target = None if target is None or str(target) == "-" else target
        self.where = "stdout" if self.target is None else str(self.target)
        self._handle: BinaryIO | None = None
        self._temp: Path | None = None
        self.broken_pipe = False

    def __enter__(self) -> Sink:
        if self.target is None:
            self._handle = sys.stdout.buffer
            return self
        try:
            mode = self.target.stat().st_mode if self.target.exists() else None
            if mode is not None and not stat.S_ISREG(mode):
                self._handle = self.target.open("wb")  # a device or FIFO: write through
                return self
            folder = self.target.parent
            descriptor, name = tempfile.mkstemp(prefix=f".{self.target.name}.", suffix=".tmp", dir=folder)
        except OSError as exc:
            raise OutputError(_describe(exc, self.where)) from None
        self._temp = Path(name)
        self._handle = os.fdopen(descriptor, "wb")
        return self

    def write(self, data: str | bytes) -> None:
        assert self._handle is not None, "write outside `with`"
        try:
            self._handle.write(data.encode("utf-8") if isinstance(data, str) else data)
        except OSError as exc:
            self._fail(exc)

    def flush(self) -> None:
        if self._handle is None:
            return
        try:
            self._handle.flush()
        except OSError as exc:
            self._fail(exc)

    def _fail(self, exc: OSError) -> None:
        if self.target is None and (isinstance(exc, BrokenPipeError) or exc.errno == errno.EPIPE):
            self.broken_pipe = True
            _silence_stdout()
        raise OutputError(_describe(exc, self.where)) from None

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, trace: TracebackType | None
    ) -> None:
        handle, self._handle = self._handle, None
        if handle is None:
            return
        if self.target is None:
            if kind is None:
                try:
                    handle.flush()
                except OSError as error:
                    self._fail(error)
            return
        try:
            if kind is None:
                handle.flush()
                if self._temp is not None:
                    os.fsync(handle.fileno())
            handle.close()
        except OSError as error:
            self._discard()
            with contextlib.suppress(OSError):
                handle.close()
            raise OutputError(_describe(error, self.where)) from None
        if kind is not None:
            self._discard()
            return
        if self._temp is not None:
            try:
                _set_default_mode(self._temp, self.target)
                os.replace(self._temp, self.target)
            except OSError as error:
                self._discard()
                raise OutputError(_describe(error, self.where)) from None
            self._temp = None

    def _discard(self) -> None:
        if self._temp is not None:
            with contextlib.suppress(OSError):
                self._temp.unlink()
            self._temp = None


def _set_default_mode(temp: Path, target: Path) -> None:
    """mkstemp makes the file private (0600); a report gets the mode of the file it replaces, or
    what a plain ``open()`` would give (0666 less the umask)."""
    if target.exists():
        mode = stat.S_IMODE(target.stat().st_mode)
    else:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    os.chmod(temp, mode)


def _silence_stdout() -> None:
    """After the reader of stdout went away, point stdout at /dev/null so the interpreter's final
    flush does not print a second error."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def use_utf8_stdio() -> None:
    """Make text written through ``sys.stdout`` UTF-8 whatever the locale (for the commands that
    print with ``typer.echo``); stderr keeps the console's encoding but can no longer fail on a
    character it lacks."""
    for stream, encoding in ((sys.stdout, "utf-8"), (sys.stderr, None)):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is None:
            continue
        with contextlib.suppress(ValueError, OSError):
            if encoding:
                reconfigure(encoding=encoding)
            else:
                reconfigure(errors="backslashreplace")
