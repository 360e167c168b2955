"""Workbook commands: ``template``, ``import``, ``export`` and ``rules facts``.

openpyxl is imported inside the commands, so that ``yiyang check x.json`` starts without it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from ..catalog import NATIONAL, Catalog
from ..engine import Engine
from ..errors import InputError, JurisdictionError, RuleCatalogError
from .rules_views import FactsFormat, Lang, facts_json, facts_markdown, facts_table

EXIT_BAD_INPUT = 2
_LANG_HELP = "zh or en: the workbook's sheet names, headers and labels"


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(EXIT_BAD_INPUT)


def _lang(lang: str) -> str:
    if lang not in ("zh", "en"):
        raise _fail(f"--lang {lang!r} is unknown; use zh or en")
    return lang


def report_problems(error: InputError, lang: str) -> None:
    """Every problem on its own line: ``error: 台账.xlsx: 活动记录!B14: 「日期」…``."""
    for problem in error.problems:
        where = f"{problem.path}: " if problem.path else ""
        typer.echo(f"error: {error.source}: {where}{problem.message(lang)}", err=True)


_RULES_HELP = "a rules folder (a pack from another repository is read over the bundled rules)"


def _catalog(jurisdiction: str | None, engine: Engine | None = None, rules_dir: Path | None = None) -> Catalog:
    from ..jurisdiction import layer_named  # noqa: PLC0415

    if engine is None:
        if rules_dir is not None and not rules_dir.is_dir():
            raise _fail(f"--rules {rules_dir}: no such rules directory")
        try:
            engine = Engine.load(rules_dir=rules_dir)
        except RuleCatalogError as exc:
            raise _fail(f"the rule files do not load (run `yiyang rules validate`):\n{exc}") from None
    if jurisdiction is None:
        return engine.catalogs[NATIONAL]
    try:
        return engine.catalogs[layer_named(jurisdiction, engine.catalogs, engine.regions)]
    except JurisdictionError as exc:
        raise _fail(f"--jurisdiction: {exc}") from None


def _write_bytes(path: Path, content: bytes) -> None:
    try:
        path.write_bytes(content)
    except OSError as exc:
        raise _fail(f"{path}: {exc.strerror}") from None


def template(
    jurisdiction: Annotated[
        str | None, typer.Option("--jurisdiction", "-j", help="national (default) or a province: 北京, beijing, 110000")
    ] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="the .xlsx to write")] = None,
    lang: Annotated[str, typer.Option("--lang", help=_LANG_HELP)] = "zh",
    rules_dir: Annotated[Path | None, typer.Option("--rules", help=_RULES_HELP)] = None,
) -> None:
    """Write a blank self-check workbook (台账模板) for a jurisdiction's rules."""
    from ..workbook.writer import write_workbook  # noqa: PLC0415 - openpyxl only for workbooks

    catalog = _catalog(jurisdiction, rules_dir=rules_dir)
    target = output or Path(f"yiyang-{'-'.join(catalog.layers[1:]) or NATIONAL}.xlsx")
    _write_bytes(target, write_workbook(None, catalog, _lang(lang)))
    typer.echo(f"{target}", err=True)


def import_workbook(
    workbook: Annotated[Path, typer.Argument(help="a filled-in workbook (.xlsx)")],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="write the snapshot JSON here")] = None,
    lang: Annotated[str, typer.Option("--lang", help="zh or en, for error messages")] = "zh",
) -> None:
    """Read a workbook into a snapshot JSON; every unreadable cell is reported (exit 2)."""
    from ..workbook.reader import read_workbook  # noqa: PLC0415

    _lang(lang)
    if not workbook.is_file():
        raise _fail(f"{workbook}: no such file")
    try:
        snapshot = read_workbook(workbook, str(workbook))
    except InputError as exc:
        report_problems(exc, lang)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    _note_exemptions(workbook, lang)
    text = json.dumps(snapshot.model_dump(mode="json", exclude_unset=True), ensure_ascii=False, indent=2) + "\n"
    if output is None:
        sys.stdout.write(text)
    else:
        _write_bytes(output, text.encode())


def _note_exemptions(workbook: Path, lang: str) -> None:
    """A snapshot has no exemptions: rows on the 豁免 sheet are left out of the JSON, and said so."""
    from ..workbook.exemptions_sheet import exemption_row_count  # noqa: PLC0415

    count = exemption_row_count(workbook)
    if not count:
        return
    if lang == "zh":
        message = (
            f"「豁免」表有 {count} 行豁免，豁免不属于快照，未写入 JSON；检查时 yiyang check {workbook} 会应用这些豁免"
        )
    else:
        message = (
            f"the Exemptions sheet has {count} rows; exemptions are not part of a snapshot and are left out of "
            f"the JSON; `yiyang check {workbook}` applies them"
        )
    typer.echo(f"note: {workbook}: {message}", err=True)


def export(
    snapshot: Annotated[Path, typer.Argument(help="a snapshot .json")],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="the .xlsx to write")] = None,
    jurisdiction: Annotated[
        str | None,
        typer.Option("--jurisdiction", "-j", help="whose questionnaire to include (default: the snapshot's province)"),
    ] = None,
    lang: Annotated[str, typer.Option("--lang", help=_LANG_HELP)] = "zh",
) -> None:
    """Write a snapshot as a workbook, to review and correct it in Excel or WPS."""
    from ..workbook.writer import write_workbook  # noqa: PLC0415

    _lang(lang)
    engine = Engine.load()
    try:
        model = _to_snapshot(snapshot)
        catalog = _catalog(jurisdiction, engine) if jurisdiction else engine.catalog_for(model)
        content = write_workbook(model, catalog, lang)
    except InputError as exc:
        report_problems(InputError(str(snapshot), exc.problems), lang)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except JurisdictionError as exc:
        raise _fail(f"{snapshot}: {exc}") from None
    target = output or snapshot.with_suffix(".xlsx")
    _write_bytes(target, content)
    typer.echo(f"{target}", err=True)


def _to_snapshot(path: Path) -> Any:
    from ..engine import to_snapshot  # noqa: PLC0415

    return to_snapshot(path)


def rules_facts(
    jurisdiction: Annotated[str | None, typer.Option("--jurisdiction", "-j", help="national or a province")] = None,
    output_format: Annotated[FactsFormat, typer.Option("--format", "-f")] = FactsFormat.TABLE,
    lang: Annotated[Lang, typer.Option("--lang")] = Lang.ZH,
    rules_dir: Annotated[Path | None, typer.Option("--rules", help=_RULES_HELP)] = None,
) -> None:
    """What a jurisdiction's rules need (yes/no facts, ledgers, figures): where each is filled in, which
    rules read it, and their citations."""
    from ..workbook.needs import needs  # noqa: PLC0415

    catalog = _catalog(jurisdiction, rules_dir=rules_dir)
    found = needs(catalog)
    if output_format is FactsFormat.JSON:
        typer.echo(facts_json(found))
    elif output_format is FactsFormat.MARKDOWN:
        typer.echo(facts_markdown(found, lang))
    else:
        typer.echo(facts_table(found, lang, catalog))


def register(app: typer.Typer, rules_app: typer.Typer) -> None:
    app.command("template")(template)
    app.command("import")(import_workbook)
    app.command("export")(export)
    rules_app.command("facts")(rules_facts)
