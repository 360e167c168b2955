"""``yiyang plan`` and ``yiyang compare``: what is due next, and what changed since the last check.

Registered on the main app by :func:`register`; heavy imports happen inside the commands, so the
start-up of other commands does not pay for them.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from ..errors import InputError

EXIT_OK, EXIT_VIOLATION, EXIT_BAD_INPUT = 0, 1, 2

PLAN_FORMATS = ("table", "json", "ics", "html")
COMPARE_FORMATS = ("table", "json", "html")


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(EXIT_BAD_INPUT)


def _report_input_error(error: InputError) -> None:
    for problem in error.problems:
        typer.echo(f"error: {error.source}: {problem}", err=True)


def _day(option: str, text: str | None) -> date | None:
    from .check_cmd import CheckFailure, date_option  # noqa: PLC0415

    try:
        return date_option(option, text)
    except CheckFailure as exc:
        raise _fail(str(exc)) from None


def _snapshots(path: Path) -> Iterator[tuple[str, bytes] | InputError]:
    """The snapshots of one file: a ``.jsonl`` file gives one per line."""
    if not path.is_file():
        yield InputError(str(path), ["no such file"])
        return
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield InputError(str(path), [f"cannot read the file: {exc.strerror}"])
        return
    if path.suffix.lower() == ".jsonl":
        for number, line in enumerate(data.splitlines(), start=1):
            if line.strip():
                yield f"{path}:{number}", line
        return
    yield str(path), data


def _write(output: Path | None, text: str) -> None:
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        output.write_text(text, encoding="utf-8", newline="")
    except OSError as exc:
        raise _fail(f"--output {output}: {exc.strerror}") from None


def plan(
    snapshots: Annotated[list[Path], typer.Argument(help="snapshot .json files, or .jsonl with one per line")],
    until: Annotated[str | None, typer.Option("--until", help="plan up to this day (default: 3 months on)")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="plan from this day (default: the snapshot's)")] = None,
    jurisdiction: Annotated[
        str | None, typer.Option("--jurisdiction", "-j", help="national, or a province (default: the snapshot's)")
    ] = None,
    output_format: Annotated[str, typer.Option("--format", "-f", help="table, json, ics or html")] = "table",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="write here instead of stdout")] = None,
    lang: Annotated[str, typer.Option("--lang", help="zh or en")] = "zh",
) -> None:
    """What remains to be done from as_of on: running and next periods, deadlines, missing data."""
    from ..engine import Engine  # noqa: PLC0415
    from ..errors import JurisdictionError, RuleCatalogError  # noqa: PLC0415
    from ..plan import Plan, plan_snapshot  # noqa: PLC0415
    from ..render import plan_ics, plan_text  # noqa: PLC0415

    if output_format not in PLAN_FORMATS:
        raise _fail(f"--format {output_format!r} is unknown; use one of: {', '.join(PLAN_FORMATS)}")
    if lang not in ("zh", "en"):
        raise _fail(f"--lang {lang!r} is unknown; use zh or en")
    start = _day("--as-of", as_of)
    end = _day("--until", until)
    try:
        engine = Engine.load(jurisdiction)
    except JurisdictionError as exc:
        raise _fail(f"--jurisdiction: {exc}") from None
    except RuleCatalogError as exc:
        raise _fail(f"the rule files do not load (run `yiyang rules validate`):\n{exc}") from None
    plans: list[Plan] = []
    bad_input = False
    for path in snapshots:
        for item in _snapshots(path):
            if isinstance(item, InputError):
                _report_input_error(item)
                bad_input = True
                continue
            source, data = item
            try:
                plans.append(plan_snapshot(engine, data, start, end, source=source))
            except InputError as exc:
                _report_input_error(exc)
                bad_input = True
    renderers = {
        "table": plan_text.render_table,
        "json": plan_text.render_json,
        "html": plan_text.render_html,
        "ics": plan_ics.render,
    }
    if plans:
        _write(output, renderers[output_format](plans, lang))
    raise typer.Exit(EXIT_BAD_INPUT if bad_input else EXIT_OK)


def compare(
    old: Annotated[Path, typer.Argument(help="the earlier reports: `check --format json` output (JSON or JSON Lines)")],
    new: Annotated[Path, typer.Argument(help="the later report(s), same forms")],
    output_format: Annotated[str, typer.Option("--format", "-f", help="table, json or html")] = "table",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="write here instead of stdout")] = None,
    lang: Annotated[str, typer.Option("--lang", help="zh or en")] = "zh",
    fail_on_new: Annotated[
        bool, typer.Option("--fail-on-new", help="exit 1 only when NEW has a mandatory violation OLD did not have")
    ] = False,
    show_unchanged: Annotated[bool, typer.Option("--all", help="also list unchanged findings (table, html)")] = False,
) -> None:
    """Classify every finding of two runs: new, resolved, still open, changed, added or retired."""
    from ..compare import compare_reports, read_reports  # noqa: PLC0415
    from ..render import compare_text  # noqa: PLC0415

    if output_format not in COMPARE_FORMATS:
        raise _fail(f"--format {output_format!r} is unknown; use one of: {', '.join(COMPARE_FORMATS)}")
    if lang not in ("zh", "en"):
        raise _fail(f"--lang {lang!r} is unknown; use zh or en")
    try:
        comparison = compare_reports(read_reports(old), read_reports(new))
    except InputError as exc:
        _report_input_error(exc)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    if output_format == "json":
        text = compare_text.render_json(comparison, lang)
    elif output_format == "html":
        text = compare_text.render_html(comparison, lang, show_unchanged)
    else:
        text = compare_text.render_table(comparison, lang, show_unchanged)
    _write(output, text)
    failed = fail_on_new and comparison.new_mandatory_violations > 0
    raise typer.Exit(EXIT_VIOLATION if failed else EXIT_OK)


def register(app: typer.Typer) -> None:
    app.command("plan")(plan)
    app.command("compare")(compare)
