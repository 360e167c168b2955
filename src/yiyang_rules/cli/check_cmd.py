"""What ``yiyang check`` does once its options are parsed: the one implementation both front ends run.

The typer command (:mod:`.app`) and the lean start-up path (:mod:`.entry`) parse the command line
into :class:`CheckArgs` and call :func:`run_check_command`. This module imports neither typer, click
nor rich, so a plain ``yiyang check`` never pays for them.

Every usage error is raised as :class:`CheckFailure` before anything is read from the inputs or
written to the output: the typer command prints it as ``error: <message>`` with exit 2, and the
lean path hands the whole command line to the typer command, which then says it exactly as before.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from ..checks.base import Status
from ..engine import Engine
from ..errors import JurisdictionError, RuleCatalogError
from ..localtime import parse_local_date
from ..render import RENDERERS
from ..render.base import RenderOptions
from .batch import CheckRun, UsageError, default_workers, run_check
from .config import ConfigError, FailOn, Language, load_config

if TYPE_CHECKING:
    from ..exemptions import Exemption

    OutputFormat = str
else:
    # The formats are the renderer registry's names; an enum makes typer list them and refuse others.
    OutputFormat = StrEnum("OutputFormat", {name: name for name in RENDERERS})

DEFAULT_EXEMPTION_MAX_MONTHS = 12


class CheckFailure(Exception):
    """The command line asks for something impossible; raised before any input is read."""


@dataclass(frozen=True)
class CheckArgs:
    """The options of ``yiyang check`` as typer converts them; the field names are the typer
    command's parameter names, so the two parsers can be compared field by field."""

    snapshots: list[str]
    jurisdiction: str | None = None
    as_of: str | None = None
    output_format: OutputFormat | None = None
    output: Path | None = None
    lang: Language | None = None
    status: str | None = None
    summary: bool = False
    fail_on: FailOn | None = None
    workers: int | None = None
    progress: bool | None = None
    config: Path | None = None
    exemptions_file: Path | None = None
    exemption_max_months: int = DEFAULT_EXEMPTION_MAX_MONTHS
    rules_dir: Path | None = None


def load_engine(jurisdiction: str | None, where: str = "--jurisdiction", rules_dir: Path | None = None) -> Engine:
    if rules_dir is not None and not rules_dir.is_dir():
        raise CheckFailure(f"--rules {rules_dir}: no such rules directory")
    try:
        return Engine.load(jurisdiction, rules_dir)
    except JurisdictionError as exc:
        raise CheckFailure(f"{where}: {exc}") from None
    except RuleCatalogError as exc:
        raise CheckFailure(f"the rule files do not load (run `yiyang rules validate`):\n{exc}") from None


def date_option(option: str, text: str | None) -> date | None:
    """A date given on the command line (``--as-of``, ``--until``), read as the snapshot's dates are."""
    if text is None:
        return None
    try:
        return parse_local_date(text)
    except Exception:  # ValueError for text that is not a date; whatever else: still bad text, no traceback
        raise CheckFailure(f"{option} {text!r} is not a date; use YYYY-MM-DD") from None


def _statuses(text: str | None) -> frozenset[Status] | None:
    if text is None:
        return None
    names = [part.strip() for part in text.split(",") if part.strip()]
    known = {s.value: s for s in Status}
    unknown = [n for n in names if n not in known]
    if unknown or not names:
        raise CheckFailure(f"--status {text!r}: use a comma-separated list of {', '.join(known)}")
    return frozenset(known[n] for n in names)


def _color(output: Path | None) -> bool:
    """Colour only for a terminal, and never when NO_COLOR is set (https://no-color.org)."""
    if output is not None and str(output) != "-":
        return False
    return sys.stdout is not None and sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def run_check_command(args: CheckArgs) -> int:
    """Check the snapshots; returns the exit code. Raises CheckFailure for a usage error, always
    before an input is read or the output is opened."""
    try:
        settings = load_config(RENDERERS, explicit=args.config)
    except ConfigError as exc:
        raise CheckFailure(str(exc)) from None
    jurisdiction = args.jurisdiction
    where = "--jurisdiction" if jurisdiction else f"{settings.origin}: jurisdiction"
    loaded: list[Engine] = []

    def engine() -> Engine:
        if not loaded:
            loaded.append(load_engine(jurisdiction or settings.jurisdiction, where, args.rules_dir))
        return loaded[0]

    exemptions: tuple[Exemption, ...] = ()
    if args.exemptions_file is not None:
        # Only runs with --exemptions need it; it reports its own errors (and exits 2) through typer,
        # which the lean path never reaches: it leaves --exemptions to the typer command.
        from .exemption_opts import load_exemption_file  # noqa: PLC0415

        exemptions = load_exemption_file(args.exemptions_file, engine(), args.exemption_max_months)
    fail_on = args.fail_on or settings.fail_on or FailOn.mandatory
    run = CheckRun(
        inputs=tuple(args.snapshots),
        format=str(args.output_format or settings.format or "table"),
        options=RenderOptions(
            lang="en" if (args.lang or settings.lang) is Language.en else "zh",
            statuses=_statuses(args.status),
            summary=args.summary,
            color=_color(args.output),
            fail_on=fail_on.value,
        ),
        jurisdiction=jurisdiction or settings.jurisdiction,
        as_of=date_option("--as-of", args.as_of),
        output=args.output,
        fail_on=fail_on,
        workers=args.workers or settings.workers or default_workers(),
        progress=args.progress,
        exemptions=exemptions,
        exemption_max_months=args.exemption_max_months,
        rules_dir=args.rules_dir,
    )
    try:
        return run_check(run, load_engine=engine)
    except UsageError as exc:
        raise CheckFailure(str(exc)) from None
