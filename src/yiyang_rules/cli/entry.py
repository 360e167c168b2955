"""The ``yiyang`` console entry: a plain ``yiyang check`` starts without typer, click or rich.

Building the typer application costs about a tenth of a second before any work (importing typer,
then a click command for every command and a pydantic adapter for every option of ``check``): most
of the start-up budget of a one-snapshot check (issue 9). So :func:`parse_check` reads the common
``check`` command lines itself, and :func:`main` runs them through the same
:func:`.check_cmd.run_check_command` the typer command runs. Whatever it is not sure of (help, an
unknown or repeated option, ``--``, a value typer would refuse or that might mean something else, a
usage error found before the run starts) goes to the typer application unchanged, which then
behaves exactly as it always has. tests/test_lean_check_cli.py compares the two parsers.
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn, TextIO, cast

from ..errors import YiyangError
from ..render import RENDERERS
from .batch import EXIT_BAD_INPUT
from .check_cmd import CheckArgs, CheckFailure, OutputFormat, run_check_command
from .config import FailOn, Language
from .output import _silence_stdout, use_utf8_stdio

# Options that take a value, by every name click knows them by, with the CheckArgs field they fill.
_VALUE_OPTIONS = {
    "-j": "jurisdiction",
    "--jurisdiction": "jurisdiction",
    "--as-of": "as_of",
    "-f": "output_format",
    "--format": "output_format",
    "-o": "output",
    "--output": "output",
    "--lang": "lang",
    "--status": "status",
    "--fail-on": "fail_on",
    "--workers": "workers",
    "--config": "config",
    "--rules": "rules_dir",
}
_FLAGS = {"--summary": ("summary", True), "--progress": ("progress", True), "--no-progress": ("progress", False)}
_PATHS = {"output", "config", "rules_dir"}
# Longest --workers value taken here: a whole number of any length is typer's to judge.
_MAX_WORKER_DIGITS = 6


class _Decline(Exception):
    """The lean parser is not sure: typer reads the command line."""


def _well_formed(text: str) -> bool:
    """Text that is not valid Unicode (bytes of argv the locale could not decode come in as lone
    surrogates) is left to typer, whose conversions decide what it means."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _path(value: str) -> Path:
    # typer's Path options: any text is a path, but one that exists must be readable.
    if not value:
        raise _Decline
    try:
        os.stat(value)
    except OSError:
        return Path(value)
    if not os.access(value, os.R_OK):
        raise _Decline
    return Path(value)


def _convert(field: str, value: str) -> object:
    if field in _PATHS:
        return _path(value)
    if field == "workers":
        if not (value.isascii() and value.isdigit() and len(value) <= _MAX_WORKER_DIGITS) or int(value) < 1:
            raise _Decline
        return int(value)
    if field == "output_format":
        if value not in RENDERERS:
            raise _Decline
        return OutputFormat(value)
    if field == "lang":
        if value not in {member.value for member in Language}:
            raise _Decline
        return Language(value)
    if field == "fail_on":
        if value not in {member.value for member in FailOn}:
            raise _Decline
        return FailOn(value)
    return value


def _completion_requested() -> bool:
    # click answers shell completion when `_<PROG>_COMPLETE` is set: typer's business.
    return any(name.startswith("_") and name.endswith("_COMPLETE") for name in os.environ)


def parse_check(argv: Sequence[str]) -> CheckArgs | None:
    """The options of ``check ...`` exactly as typer would convert them, or None when typer must
    read the command line. Options may come before, between or after the inputs (click allows
    that); a value is the next argument or follows ``=`` on a long option, as in click."""
    if len(argv) < 2 or argv[0] != "check" or _completion_requested():
        return None
    inputs: list[str] = []
    values: dict[str, object] = {}
    rest = iter(argv[1:])
    try:
        for arg in rest:
            if not _well_formed(arg):
                return None
            if arg == "-" or not arg.startswith("-"):
                inputs.append(arg)  # "-" is stdin: an input to click too
                continue
            name, equals, attached = arg.partition("=") if arg.startswith("--") else (arg, "", "")
            if name in _FLAGS:
                field, flag = _FLAGS[name]
                if equals:  # click refuses a value for a flag
                    return None
                value: object = flag
            elif name in _VALUE_OPTIONS:
                field = _VALUE_OPTIONS[name]
                text = attached if equals else next(rest, None)
                # click takes the next argument whatever it looks like; one that looks like an
                # option is more likely a mistake, which typer's messages explain better.
                if text is None or not _well_formed(text) or (text.startswith("-") and text != "-"):
                    return None
                value = _convert(field, text)
            else:  # --help, --exemptions, --, an unknown option, -fjson: typer's
                return None
            if field in values:  # repeated: click keeps the last; typer says nothing either way
                return None
            values[field] = value
    except _Decline:
        return None
    if not inputs:
        return None
    return CheckArgs(snapshots=inputs, **values)  # type: ignore[arg-type]


def _closed_pipe() -> NoReturn:
    # The reader went away (`yiyang rules list | head`). The output is incomplete: exit 2 with a
    # message; stdout is pointed at /dev/null so the interpreter's last flush stays quiet.
    _silence_stdout()
    sys.stderr.write("error: stdout: the reader closed the pipe before the output was complete\n")
    sys.exit(EXIT_BAD_INPUT)


def _echo_error(message: str) -> None:
    # The function the typer commands print their messages with, whichever front end ran.
    from typer import echo  # noqa: PLC0415 - an error path; a plain check never loads typer

    echo(message, err=True)


def run_guarded(command: Callable[[], object]) -> None:
    """Run a front end: domain errors become exit 2 with a message, never a traceback; so does
    output that cannot be written (a closed pipe, a full disk), which is never a violation (1)."""
    use_utf8_stdio()
    try:
        command()
    except SystemExit as exc:
        # typer (like click) turns a closed stdout pipe into exit 1 and wraps stdout in a
        # PacifyFlushWrapper: recognise that, and say what happened with exit 2 instead.
        if exc.code == 1 and type(sys.stdout).__name__ == "PacifyFlushWrapper":
            _closed_pipe()
        raise
    except YiyangError as exc:
        _echo_error(f"error: {exc}")
        sys.exit(EXIT_BAD_INPUT)
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:
        _closed_pipe()
    except OSError as exc:  # writing the output failed (a full disk, a device error), or a file read
        if exc.filename is None:
            _silence_stdout()
            _echo_error(f"error: stdout: cannot write: {exc.strerror or exc}")
        else:
            _echo_error(f"error: {exc.filename}: {exc.strerror or exc}")
        sys.exit(EXIT_BAD_INPUT)


def _typer_app() -> None:
    from .app import app  # noqa: PLC0415 - only when the lean path hands over

    app()


class _PipeClosedStream:
    """A stream whose ``flush`` ignores a closed pipe, as click's ``PacifyFlushWrapper`` (which
    typer's main uses) does: the interpreter's last flush at exit then prints no second error. Ours,
    so that nothing here depends on a private module of typer's or a deprecated name of click's."""

    def __init__(self, wrapped: TextIO) -> None:
        self._wrapped = wrapped

    def flush(self) -> None:
        try:
            self._wrapped.flush()
        except OSError as exc:
            if exc.errno != errno.EPIPE:
                raise

    def __getattr__(self, name: str) -> object:
        return getattr(self._wrapped, name)


def _run_lean(args: CheckArgs) -> None:
    """``run_check_command`` wrapped as typer's ``main`` wraps a command, so every ending (exit
    code, Ctrl-C, a closed pipe) is the one the typer command has."""
    try:
        code = run_check_command(args)
    except CheckFailure:
        # A usage error, found before any input was read or output opened: the typer command reads
        # the same command line again and reports it as it always has.
        code = None
    except KeyboardInterrupt:
        sys.exit(130)
    except EOFError:
        _aborted()
    except OSError as exc:
        if exc.errno == errno.EPIPE:
            # What typer's main does with a closed pipe, to the letter: run_guarded takes it from there.
            sys.stdout = cast(TextIO, _PipeClosedStream(sys.stdout))
            sys.stderr = cast(TextIO, _PipeClosedStream(sys.stderr))
            sys.exit(1)
        raise
    if code is None:
        _typer_app()
        return
    sys.exit(code)


def _aborted() -> NoReturn:
    # typer's main on EOFError: an empty line, then "Aborted" (rich's, as this application has it).
    from typer import core, echo  # noqa: PLC0415

    echo(file=sys.stderr)
    if core.HAS_RICH:
        from typer import rich_utils  # noqa: PLC0415

        rich_utils.rich_abort_error()
    else:
        echo("Aborted!", file=sys.stderr)
    sys.exit(1)


def main() -> None:
    """Console entry point of ``yiyang`` (and ``python -m yiyang_rules``)."""
    args = parse_check(sys.argv[1:])
    if args is None:
        run_guarded(_typer_app)
        return
    run_guarded(lambda: _run_lean(args))
