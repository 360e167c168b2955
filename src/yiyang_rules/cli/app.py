"""The ``yiyang`` command line (contract section 4).

Exit codes: 0 no mandatory obligation is non_compliant; 1 at least one is; 2 the input or the
command is wrong (a clear message on stderr naming the file and the field path, never a traceback).
In a batch, every snapshot that can be checked is checked; a bad one is reported and makes the
exit code 2 at the end.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, TextIO

import typer

from .. import __version__
from ..catalog import NATIONAL, Catalog, load_pack
from ..engine import Engine
from ..errors import InputError, JurisdictionError, RuleCatalogError, YiyangError
from ..jurisdiction import ACCEPTED_FORMS, layer_named, resolve_province
from ..localtime import parse_local_date
from ..render import RENDERERS
from .rules_views import Lang, ListFormat, ShowFormat, diff_json, diff_text, list_json, list_table, show_json, show_text

EXIT_OK, EXIT_VIOLATION, EXIT_BAD_INPUT = 0, 1, 2
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


def _report_input_error(error: InputError, lang: str = "en") -> None:
    for problem in error.problems:
        where = f"{problem.path}: " if problem.path else ""
        typer.echo(f"error: {error.source}: {where}{problem.message(lang)}", err=True)


def _load_engine(jurisdiction: str | None, rules_dir: Path | None = None) -> Engine:
    if rules_dir is not None and not rules_dir.is_dir():
        raise _fail(f"--rules {rules_dir}: no such rules directory")
    try:
        return Engine.load(jurisdiction, rules_dir)
    except JurisdictionError as exc:
        raise _fail(f"--jurisdiction: {exc}") from None
    except RuleCatalogError as exc:
        raise _fail(f"the rule files do not load (run `yiyang rules validate`):\n{exc}") from None


def _as_of(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return parse_local_date(text)
    except Exception:  # pendulum raises several types for bad text
        raise _fail(f"--as-of {text!r} is not a date; use YYYY-MM-DD") from None


@dataclass(frozen=True)
class _Item:
    source: str
    data: bytes


def _snapshot_items(path: Path) -> Iterator[_Item | InputError]:
    """The snapshots of one file: a .jsonl file gives one per line, streamed."""
    if not path.is_file():
        yield InputError(str(path), ["no such file"])
        return
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".et", ".ods"):
        from ..workbook.reader import workbook_json  # noqa: PLC0415 - openpyxl only for workbooks

        try:
            yield _Item(str(path), workbook_json(path, str(path)))
        except InputError as exc:
            yield exc
        return
    if path.suffix.lower() == ".jsonl":
        with path.open("rb") as handle:
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    yield _Item(f"{path}:{number}", line)
        return
    try:
        yield _Item(str(path), path.read_bytes())
    except OSError as exc:
        yield InputError(str(path), [f"cannot read the file: {exc.strerror}"])


@contextmanager
def _output(path: Path | None) -> Iterator[TextIO]:
    if path is None:
        yield sys.stdout
        return
    try:
        handle = path.open("w", encoding="utf-8")
    except OSError as exc:
        raise _fail(f"--output {path}: {exc.strerror}") from None
    with handle:
        yield handle


@app.command()
def check(
    snapshots: Annotated[list[Path], typer.Argument(help="snapshot .json files, or .jsonl with one per line")],
    jurisdiction: Annotated[
        str | None,
        typer.Option("--jurisdiction", "-j", help="national, or a province (default: the snapshot's own)"),
    ] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="evaluation date YYYY-MM-DD")] = None,
    output_format: Annotated[str, typer.Option("--format", "-f", help=f"one of: {', '.join(RENDERERS)}")] = "table",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="write here instead of stdout")] = None,
    lang: Annotated[str, typer.Option("--lang", help="zh or en, for table, markdown and sarif")] = "zh",
    exemptions_file: Annotated[Path | None, typer.Option("--exemptions", help="YAML file of exemptions")] = None,
    exemption_max_months: Annotated[int, typer.Option(help="longest exemption allowed, in months")] = 12,
    rules_dir: Annotated[Path | None, typer.Option("--rules", help=RULES_HELP)] = None,
) -> None:
    """Check snapshots; exit 1 when a mandatory obligation is not met, 2 on bad input."""
    from .exemption_opts import ExemptionRun  # noqa: PLC0415 - only runs with --exemptions need it

    renderer = RENDERERS.get(output_format)
    if renderer is None:
        raise _fail(f"--format {output_format!r} is unknown; use one of: {', '.join(RENDERERS)}")
    if lang not in ("zh", "en"):
        raise _fail(f"--lang {lang!r} is unknown; use zh or en")
    day = _as_of(as_of)
    engine = _load_engine(jurisdiction, rules_dir)
    exemptions = ExemptionRun.load(exemptions_file, engine, exemption_max_months)
    violated = bad_input = False
    with _output(output) as out:
        for path in snapshots:
            for item in _snapshot_items(path):
                if isinstance(item, InputError):
                    _report_input_error(item, lang)
                    bad_input = True
                    continue
                try:
                    report = engine.check(item.data, as_of=day, source=item.source)
                except InputError as exc:
                    _report_input_error(exc, lang)
                    bad_input = True
                    continue
                report = exemptions.apply(report)
                out.write(renderer.render(report, lang) + exemptions.section(report, output_format, lang))
                violated = violated or bool(report.mandatory_violations)
    exemptions.finish()
    if bad_input:
        raise typer.Exit(EXIT_BAD_INPUT)
    raise typer.Exit(EXIT_VIOLATION if violated else EXIT_OK)


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
    catalog = _catalog(_load_engine(None, rules_dir), jurisdiction)
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
    engine = _load_engine(None, rules_dir)
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
    """Console entry point: domain errors become exit 2 with a message, never a traceback."""
    try:
        app()
    except YiyangError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:
        # The reader went away (`yiyang check batch.jsonl | head`): stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(EXIT_VIOLATION)


# Workbook commands (template, import, export, rules facts) live in their own module.
from .workbook_cmds import register as _register_workbook_commands  # noqa: E402

_register_workbook_commands(app, rules_app)

# `yiyang serve` (the HTTP service): the command imports the server only when it runs.
from .serve_cmd import serve  # noqa: E402

app.command()(serve)

# `yiyang plan` and `yiyang compare` (what is due next; what changed since the last check).
from .plan_cmds import register as _register_plan_commands  # noqa: E402

_register_plan_commands(app)
