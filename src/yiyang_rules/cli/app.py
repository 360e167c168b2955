"""The ``yiyang`` command line (contract section 4).

Exit codes: 0 no mandatory obligation is non_compliant; 1 at least one is (``--fail-on`` widens
this); 2 the input or the command is wrong, or the output could not be written (a clear message on
stderr naming the file and the field path, never a traceback). 2 outranks 1. In a batch, every
snapshot that can be checked is checked; a bad one is reported and makes the exit code 2 at the
end. The batch pipeline is in :mod:`.batch`; this module only parses options.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from .. import __version__
from ..catalog import NATIONAL, load_rules
from ..checks.base import Status
from ..conditions import describe
from ..engine import Engine
from ..errors import JurisdictionError, RuleCatalogError, YiyangError
from ..jurisdiction import ACCEPTED_FORMS, resolve_province
from ..localtime import parse_local_date
from ..render import RENDERERS
from ..render.base import RenderOptions
from .batch import EXIT_BAD_INPUT, CheckRun, UsageError, default_workers, run_check
from .config import ConfigError, FailOn, Language, load_config
from .output import _silence_stdout, use_utf8_stdio

if TYPE_CHECKING:
    from ..exemptions import Exemption

    OutputFormat = str
else:
    # The formats are the renderer registry's names; an enum makes typer list them and refuse others.
    OutputFormat = StrEnum("OutputFormat", {name: name for name in RENDERERS})

app = typer.Typer(
    name="yiyang",
    help="Check 医养结合 institutions against versioned, cited policy rules.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
rules_app = typer.Typer(help="List, show, diff and validate the rule files.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(EXIT_BAD_INPUT)


def _load_engine(jurisdiction: str | None, where: str = "--jurisdiction") -> Engine:
    try:
        return Engine.load(jurisdiction)
    except JurisdictionError as exc:
        raise _fail(f"{where}: {exc}") from None
    except RuleCatalogError as exc:
        raise _fail(f"the rule files do not load (run `yiyang rules validate`):\n{exc}") from None


def _as_of(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return parse_local_date(text)
    except Exception:  # pendulum raises several types for bad text
        raise _fail(f"--as-of {text!r} is not a date; use YYYY-MM-DD") from None


def _statuses(text: str | None) -> frozenset[Status] | None:
    if text is None:
        return None
    names = [part.strip() for part in text.split(",") if part.strip()]
    known = {s.value: s for s in Status}
    unknown = [n for n in names if n not in known]
    if unknown or not names:
        raise _fail(f"--status {text!r}: use a comma-separated list of {', '.join(known)}")
    return frozenset(known[n] for n in names)


@app.command()
def check(
    snapshots: Annotated[
        list[str],
        typer.Argument(
            help="snapshot .json files, .jsonl batches (one per line), folders, .xlsx workbooks, or - for stdin",
            show_default=False,
        ),
    ],
    jurisdiction: Annotated[
        str | None,
        typer.Option("--jurisdiction", "-j", help="national, or a province (default: the snapshot's own)"),
    ] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="evaluation date YYYY-MM-DD")] = None,
    output_format: Annotated[
        OutputFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="output format (default: table)",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="write here instead of stdout (replaced only on success)")
    ] = None,
    lang: Annotated[Language | None, typer.Option("--lang", help="language of the report (default: zh)")] = None,
    status: Annotated[
        str | None,
        typer.Option("--status", help="show only findings with these statuses, e.g. non_compliant,insufficient_data"),
    ] = None,
    summary: Annotated[bool, typer.Option("--summary", help="a roll-up: one row per institution and per rule")] = False,
    fail_on: Annotated[
        FailOn | None,
        typer.Option("--fail-on", help="what makes the exit code 1 (default: mandatory)", show_default=False),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option("--workers", min=1, help="worker processes (default: the number of cores; 1: in process)"),
    ] = None,
    progress: Annotated[
        bool | None,
        typer.Option("--progress/--no-progress", help="progress bar on stderr (default: on a terminal)"),
    ] = None,
    config: Annotated[
        Path | None, typer.Option("--config", help="settings file (default: yiyang.toml or pyproject.toml, upwards)")
    ] = None,
    exemptions_file: Annotated[
        Path | None, typer.Option("--exemptions", help="YAML file of approved exemptions (豁免/整改期)")
    ] = None,
    exemption_max_months: Annotated[int, typer.Option(help="longest exemption allowed, in months")] = 12,
) -> None:
    """Check snapshots; exit 1 when an obligation --fail-on counts is not met, 2 on bad input."""
    try:
        settings = load_config(RENDERERS, explicit=config)
    except ConfigError as exc:
        raise _fail(str(exc)) from None
    where = "--jurisdiction" if jurisdiction else f"{settings.origin}: jurisdiction"
    loaded: list[Engine] = []

    def engine() -> Engine:
        if not loaded:
            loaded.append(_load_engine(jurisdiction or settings.jurisdiction, where))
        return loaded[0]

    exemptions: tuple[Exemption, ...] = ()
    if exemptions_file is not None:
        from .exemption_opts import ExemptionRun  # noqa: PLC0415 - only runs with --exemptions need it

        exemptions = ExemptionRun.load(exemptions_file, engine(), exemption_max_months).exemptions
    run = CheckRun(
        inputs=tuple(snapshots),
        format=str(output_format or settings.format or "table"),
        options=RenderOptions(
            lang="en" if (lang or settings.lang) is Language.en else "zh",
            statuses=_statuses(status),
            summary=summary,
            color=_color(output),
            fail_on=(fail_on or settings.fail_on or FailOn.mandatory).value,
        ),
        jurisdiction=jurisdiction or settings.jurisdiction,
        as_of=_as_of(as_of),
        output=output,
        fail_on=fail_on or settings.fail_on or FailOn.mandatory,
        workers=workers or settings.workers or default_workers(),
        progress=progress,
        exemptions=exemptions,
        exemption_max_months=exemption_max_months,
    )
    try:
        code = run_check(run, load_engine=engine)
    except UsageError as exc:
        raise _fail(str(exc)) from None
    raise typer.Exit(code)


def _color(output: Path | None) -> bool:
    """Colour only for a terminal, and never when NO_COLOR is set (https://no-color.org)."""
    if output is not None and str(output) != "-":
        return False
    return sys.stdout is not None and sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def _catalog_layers(jurisdiction: str | None) -> str:
    if jurisdiction is None or jurisdiction.strip().lower() == NATIONAL:
        return NATIONAL
    try:
        return resolve_province(jurisdiction).slug
    except JurisdictionError as exc:
        raise _fail(f"--jurisdiction: {exc}") from None


@rules_app.command("list")
def list_rules(
    jurisdiction: Annotated[str | None, typer.Option("--jurisdiction", "-j", help="national or a province")] = None,
    output_format: Annotated[str, typer.Option("--format", "-f", help="table or json")] = "table",
    lang: Annotated[str, typer.Option("--lang")] = "zh",
) -> None:
    """The rules a jurisdiction holds."""
    engine = _load_engine(None)
    layer = _catalog_layers(jurisdiction)
    catalog = engine.catalogs.get(layer, engine.catalogs[NATIONAL])
    rows = [
        {
            "id": r.id,
            "version": r.schedule.versions[-1].version,
            "level": r.level.value,
            "kind": r.kind.name,
            "layers": list(r.layers),
            "overlay": r.operation.value if r.operation else None,
            "title": {"zh": r.title.zh, "en": r.title.en},
        }
        for r in catalog.rules
    ]
    if output_format == "json":
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if output_format != "table":
        raise _fail(f"--format {output_format!r} is unknown; use table or json")
    for rule in catalog.rules:
        layers = "+".join(rule.layers) + (f" ({rule.operation.value})" if rule.operation else "")
        title = rule.title.en if lang == "en" else rule.title.zh
        typer.echo(f"{rule.id:<44} {rule.level.value:<12} {layers:<26} {title}")
    typer.echo(f"{len(rows)} rules in {' + '.join(catalog.layers)}")


@rules_app.command("show")
def show_rule(
    rule_id: Annotated[str, typer.Argument(help="the rule id, e.g. fire.inspection-monthly")],
    jurisdiction: Annotated[
        str | None, typer.Option("--jurisdiction", "-j", help="show the rule as a province compiles it")
    ] = None,
    output_format: Annotated[str, typer.Option("--format", "-f", help="text or json")] = "text",
) -> None:
    """A rule's citations with quotes, applicability, version history and examples."""
    engine = _load_engine(None)
    layer = _catalog_layers(jurisdiction)
    order = [layer] + [k for k in engine.catalogs if k != layer]
    rule = next((c.get(rule_id) for k in order if (c := engine.catalogs[k]).get(rule_id)), None)
    if rule is None:
        raise _fail(f"no rule {rule_id!r}; `yiyang rules list` shows the ids")
    applies = describe(rule.applies_to)
    data: dict[str, Any] = {
        "id": rule.id,
        "title": {"zh": rule.title.zh, "en": rule.title.en},
        "level": rule.level.value,
        "layers": list(rule.layers),
        "overlay": rule.operation.value if rule.operation else None,
        "applies_to": {"zh": applies.zh, "en": applies.en},
        "check_kind": rule.kind.name,
        "citations": [c.model_dump() for c in rule.citations],
        "versions": [
            {
                "version": h.version,
                "from": h.start.isoformat(),
                "until": h.until.isoformat() if h.until else None,
                "layer": h.layer,
                "basis": h.basis,
                "changes": h.changes,
                "check": v.params.model_dump(mode="json"),
            }
            for h, v in zip(rule.history, rule.schedule.versions, strict=True)
        ],
        "examples": [
            {"layer": layer_name, "name": e.name, "expect": e.expect.value} for layer_name, e in rule.examples
        ],
    }
    if output_format == "json":
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    lines = [
        f"{rule.id}  [{rule.level.value}]  layers: {' + '.join(rule.layers)}"
        + (f" ({data['overlay']} of national {rule.overlay_base})" if data["overlay"] else ""),
        f"  {rule.title.zh}",
        f"  {rule.title.en}",
        f"applies to: {applies.zh}",
        f"            {applies.en}",
        "citations:",
        *[f"  {c.document} {c.article}：“{c.quote}”" for c in rule.citations],
        "versions:",
    ]
    for version in data["versions"]:
        until = version["until"] or "—"
        lines.append(f"  {version['version']:<16} {version['from']} → {until}  ({version['layer']})")
        lines.append(f"      basis: {version['basis']}")
        if version["changes"]:
            lines.append(f"      changes: {version['changes']}")
        lines.append(f"      check: {json.dumps(version['check'], ensure_ascii=False)}")
    lines.append("examples:")
    lines.extend(f"  [{e['layer']}] {e['name']} → {e['expect']}" for e in data["examples"])
    typer.echo("\n".join(lines))


@rules_app.command("validate")
def validate_rules(
    directory: Annotated[Path | None, typer.Argument(help="the rules folder (default: the bundled rules)")] = None,
    skip_examples: Annotated[bool, typer.Option("--skip-examples", help="do not run the examples")] = False,
) -> None:
    """Schema, ids = file stems, versions, citations against the sources, overlays, examples."""
    from ..validation import validate_pack  # noqa: PLC0415 - only this command needs it

    if directory is not None and not directory.is_dir():
        raise _fail(f"{directory}: no such rules directory")
    result = validate_pack(directory, run_examples=not skip_examples)
    for problem in result.problems:
        typer.echo(str(problem))
    typer.echo(f"{result.rule_files} rule files, {result.examples_run} examples: {len(result.problems)} problem(s)")
    raise typer.Exit(1 if result.problems else 0)


@rules_app.command("diff")
def diff_layers(
    base: Annotated[str, typer.Argument(help="the base layer: national")],
    layer: Annotated[str, typer.Argument(help="a province layer, e.g. beijing or shaanxi")],
    output_format: Annotated[str, typer.Option("--format", "-f", help="text or json")] = "text",
) -> None:
    """What a province restates, tightens, adds or retires."""
    from ..diff import layer_diff  # noqa: PLC0415 - only this command needs it

    loaded = load_rules()
    if loaded.problems:
        raise _fail("the rule files do not load (run `yiyang rules validate`)")
    try:
        slug = resolve_province(layer).slug
    except JurisdictionError:
        raise _fail(f"{layer!r} is not a province; use {ACCEPTED_FORMS}") from None
    try:
        changes = layer_diff(loaded, base.strip().lower(), slug)
    except ValueError as exc:
        raise _fail(str(exc)) from None
    if output_format == "json":
        typer.echo(json.dumps([c.as_dict() for c in changes], ensure_ascii=False, indent=2))
        return
    if not changes:
        typer.echo(f"{slug}: no overlay; the national rules apply unchanged")
        return
    marks = {"tighten": "~", "add": "+", "retire": "-", "restate": "="}
    for change in changes:
        typer.echo(f"{marks[change.operation]} {change.operation:<8} {change.rule_id}  {change.title_zh}")
        for cite in change.citations:
            typer.echo(f"      {cite}")
        if change.operation == "tighten":
            typer.echo(f"      national {change.base_version}: {json.dumps(change.base_check, ensure_ascii=False)}")
            typer.echo(f"      {slug} from {change.in_force_from}: {json.dumps(change.new_check, ensure_ascii=False)}")
        elif change.operation == "add":
            typer.echo(f"      from {change.in_force_from}: {json.dumps(change.new_check, ensure_ascii=False)}")
        for field_change in change.changes:  # applies_to, title, notes changed by an overlay
            before, after = field_change.before, field_change.after
            if field_change.field in ("applies_to", "title"):
                before = before["zh"] if before else "—"
                after = after["zh"]
            typer.echo(f"      {field_change.field}: national: {before}")
            typer.echo(f"      {field_change.field}: {slug}: {after}")
    counts = {op: sum(1 for c in changes if c.operation == op) for op in marks}
    typer.echo(", ".join(f"{n} {op}" for op, n in counts.items()))


@app.command()
def version() -> None:
    """Print the engine version."""
    typer.echo(f"yiyang-rules {__version__}")


def main() -> None:
    """Console entry point: domain errors become exit 2 with a message, never a traceback; so does
    output that cannot be written (a closed pipe, a full disk), which is never a violation (1)."""
    use_utf8_stdio()
    try:
        app()
    except SystemExit as exc:
        # typer (like click) turns a closed stdout pipe into exit 1 and wraps stdout in a
        # PacifyFlushWrapper: recognise that, and say what happened with exit 2 instead.
        if exc.code == 1 and type(sys.stdout).__name__ == "PacifyFlushWrapper":
            _closed_pipe()
        raise
    except YiyangError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:
        _closed_pipe()
    except OSError as exc:  # writing the output failed (a full disk, a device error), or a file read
        if exc.filename is None:
            _silence_stdout()
            typer.echo(f"error: stdout: cannot write: {exc.strerror or exc}", err=True)
        else:
            typer.echo(f"error: {exc.filename}: {exc.strerror or exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)


def _closed_pipe() -> NoReturn:
    # The reader went away (`yiyang rules list | head`). The output is incomplete: exit 2 with a
    # message; stdout is pointed at /dev/null so the interpreter's last flush stays quiet.
    _silence_stdout()
    sys.stderr.write("error: stdout: the reader closed the pipe before the output was complete\n")
    sys.exit(EXIT_BAD_INPUT)


# Workbook commands (template, import, export, rules facts) live in their own module.
from .workbook_cmds import register as _register_workbook_commands  # noqa: E402

_register_workbook_commands(app, rules_app)

# `yiyang serve` (the HTTP service): the command imports the server only when it runs.
from .serve_cmd import serve  # noqa: E402

app.command()(serve)

# `yiyang plan` and `yiyang compare` (what is due next; what changed since the last check).
from .plan_cmds import register as _register_plan_commands  # noqa: E402

_register_plan_commands(app)
