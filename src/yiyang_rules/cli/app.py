"""The ``yiyang`` command line (contract section 4).

Exit codes: 0 no mandatory obligation is non_compliant; 1 at least one is (``--fail-on`` widens
this); 2 the input or the command is wrong, or the output could not be written (a clear message on
stderr naming the file and the field path, never a traceback). 2 outranks 1. In a batch, every
snapshot that can be checked is checked; a bad one is reported and makes the exit code 2 at the
end. The batch pipeline is in :mod:`.batch`; this module only parses options.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .. import __version__
from ..catalog import NATIONAL, Catalog, load_pack
from ..engine import Engine
from ..errors import JurisdictionError
from ..jurisdiction import ACCEPTED_FORMS, layer_named, resolve_province
from .batch import EXIT_BAD_INPUT
from .check_cmd import (
    DEFAULT_EXEMPTION_MAX_MONTHS,
    CheckArgs,
    CheckFailure,
    OutputFormat,
    load_engine,
    run_check_command,
)
from .config import FailOn, Language
from .entry import run_guarded
from .rules_views import Lang, ListFormat, ShowFormat, diff_json, diff_text, list_json, list_table, show_json, show_text

RULES_HELP = "a rules folder (a pack from another repository is read over the bundled rules)"

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


def _load_engine(jurisdiction: str | None, where: str = "--jurisdiction", rules_dir: Path | None = None) -> Engine:
    try:
        return load_engine(jurisdiction, where, rules_dir)
    except CheckFailure as exc:
        raise _fail(str(exc)) from None


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
    exemption_max_months: Annotated[
        int, typer.Option(help="longest exemption allowed, in months")
    ] = DEFAULT_EXEMPTION_MAX_MONTHS,
    rules_dir: Annotated[Path | None, typer.Option("--rules", help=RULES_HELP)] = None,
) -> None:
    """Check snapshots; exit 1 when an obligation --fail-on counts is not met, 2 on bad input."""
    args = CheckArgs(
        snapshots=snapshots,
        jurisdiction=jurisdiction,
        as_of=as_of,
        output_format=output_format,
        output=output,
        lang=lang,
        status=status,
        summary=summary,
        fail_on=fail_on,
        workers=workers,
        progress=progress,
        config=config,
        exemptions_file=exemptions_file,
        exemption_max_months=exemption_max_months,
        rules_dir=rules_dir,
    )
    try:
        code = run_check_command(args)
    except CheckFailure as exc:
        raise _fail(str(exc)) from None
    raise typer.Exit(code)


def _catalog(engine: Engine, jurisdiction: str | None) -> Catalog:
    if jurisdiction is None:
        return engine.catalogs[NATIONAL]
    try:
        return engine.catalogs[layer_named(jurisdiction, engine.catalogs, engine.regions)]
    except JurisdictionError as exc:
        raise _fail(f"--jurisdiction: {exc}") from None


@rules_app.command("list")
def list_rules(
    jurisdiction: Annotated[
        str | None, typer.Option("--jurisdiction", "-j", help="national, a province, or a layer of the pack")
    ] = None,
    output_format: Annotated[ListFormat, typer.Option("--format", "-f")] = ListFormat.TABLE,
    lang: Annotated[Lang, typer.Option("--lang")] = Lang.ZH,
    rules_dir: Annotated[Path | None, typer.Option("--rules", help=RULES_HELP)] = None,
) -> None:
    """The rules a jurisdiction holds."""
    catalog = _catalog(_load_engine(None, rules_dir=rules_dir), jurisdiction)
    typer.echo(list_json(catalog) if output_format is ListFormat.JSON else list_table(catalog, lang))


@rules_app.command("show")
def show_rule(
    rule_id: Annotated[str, typer.Argument(help="the rule id, e.g. fire.inspection-monthly")],
    jurisdiction: Annotated[
        str | None, typer.Option("--jurisdiction", "-j", help="show the rule as a layer compiles it")
    ] = None,
    output_format: Annotated[ShowFormat, typer.Option("--format", "-f")] = ShowFormat.TEXT,
    rules_dir: Annotated[Path | None, typer.Option("--rules", help=RULES_HELP)] = None,
) -> None:
    """A rule's citations with quotes, applicability, version history and examples."""
    engine = _load_engine(None, rules_dir=rules_dir)
    first = _catalog(engine, jurisdiction)
    order = [first, *(c for c in engine.catalogs.values() if c is not first)]
    rule = next((found for catalog in order if (found := catalog.get(rule_id)) is not None), None)
    if rule is None:
        raise _fail(f"no rule {rule_id!r}; `yiyang rules list` shows the ids")
    typer.echo(show_json(rule) if output_format is ShowFormat.JSON else show_text(rule))


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


@rules_app.command("docs")
def rules_docs(
    directory: Annotated[Path, typer.Argument(help="the rules folder of a pack")],
    output: Annotated[Path, typer.Option("--output", "-o", help="the folder to write rules/<layer>.md into")],
) -> None:
    """Reference pages for a pack's layers: whom each rule binds, quotes, versions, examples, overlays."""
    from ..docs import layer_docs  # noqa: PLC0415 - only this command needs it

    if not directory.is_dir():
        raise _fail(f"{directory}: no such rules directory")
    try:
        pages = layer_docs(directory)
    except ValueError as exc:
        raise _fail(f"the rule files do not load (run `yiyang rules validate {directory}`):\n{exc}") from None
    for relative, text in pages.items():
        path = output / Path(relative).relative_to("docs")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise _fail(f"--output {path}: {exc.strerror}") from None
        typer.echo(str(path))


@rules_app.command("diff")
def diff_layers(
    base: Annotated[str, typer.Argument(help="the layer below: national, or a city's province")],
    layer: Annotated[str, typer.Argument(help="a layer: a province (beijing, shaanxi) or a layer of the pack")],
    output_format: Annotated[ShowFormat, typer.Option("--format", "-f")] = ShowFormat.TEXT,
    rules_dir: Annotated[Path | None, typer.Option("--rules", help=RULES_HELP)] = None,
) -> None:
    """What a layer restates, tightens, adds or retires of the layer below it."""
    from ..diff import layer_diff  # noqa: PLC0415 - only this command needs it

    if rules_dir is not None and not rules_dir.is_dir():
        raise _fail(f"--rules {rules_dir}: no such rules directory")
    loaded = load_pack(rules_dir)
    if loaded.problems:
        raise _fail("the rule files do not load (run `yiyang rules validate`)")
    try:
        name = layer_named(layer, loaded.layers, loaded.region_layers())
        base_name = layer_named(base, loaded.layers, loaded.region_layers())
    except JurisdictionError:
        raise _fail(f"{layer!r} is not a province nor a layer of the pack; use {ACCEPTED_FORMS}") from None
    if name == NATIONAL and layer.strip().lower() != NATIONAL:
        # A province with no layer of its own: nothing overlays national there.
        typer.echo(diff_text([], NATIONAL, resolve_province(layer).slug))
        return
    try:
        changes = layer_diff(loaded, base_name, name)
    except ValueError as exc:
        raise _fail(str(exc)) from None
    typer.echo(diff_json(changes) if output_format is ShowFormat.JSON else diff_text(changes, base_name, name))


@app.command()
def version() -> None:
    """Print the engine version."""
    typer.echo(f"yiyang-rules {__version__}")


def main() -> None:
    """The typer command line, for every command; ``yiyang`` itself starts at :func:`.entry.main`,
    which runs a plain ``check`` without typer and hands everything else to this."""
    run_guarded(app)


# Workbook commands (template, import, export, rules facts) live in their own module.
from .workbook_cmds import register as _register_workbook_commands  # noqa: E402

_register_workbook_commands(app, rules_app)

# `yiyang serve` (the HTTP service): the command imports the server only when it runs.
from .serve_cmd import serve  # noqa: E402

app.command()(serve)

# `yiyang plan` and `yiyang compare` (what is due next; what changed since the last check).
from .plan_cmds import register as _register_plan_commands  # noqa: E402

_register_plan_commands(app)
