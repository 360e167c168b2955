"""The optional 豁免 (Exemptions) sheet of the ledger workbook.

One row per exemption, one column per key of the exemptions file (``rule``, ``institution``,
``unit``, ``reason``, ``approved_by``, ``document``, ``granted``, ``expires``). Cells are read as
tolerantly as the other sheets (dates in every spelling the reader accepts, ids typed as numbers,
full-width digits, stray spaces); the entries are then checked exactly as strictly as an
exemptions file, and every problem names its cell (``豁免!C5``) in Chinese and English.

A snapshot has no exemptions: :func:`~yiyang_rules.workbook.reader.read_workbook` skips this sheet,
the exporter writes it empty, and ``yiyang check`` applies its rows through
:func:`read_workbook_exemptions` exactly like ``--exemptions FILE``.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from ..errors import InputError, InputProblem
from ..exemptions import DEFAULT_MAX_MONTHS, Exemption, ExemptionFileError, exemptions_from_records
from ..localtime import add_months
from ..vocabulary import Label
from .cells import CellError, is_blank, normal, reader
from .layout import CellKind, Column, layout

EXEMPTIONS = Label("豁免", "Exemptions")
INSTRUCTION = Label(
    "每行一项经批准的豁免（整改期）：规则编号从下拉列表选择；机构编号留空 = 本台账的机构；"
    "事项/期间留空 = 该规则的全部问题，填写期间（如 2026-04、2026-Q2、2026-H1、2026）"
    "或老年人、隐患、协议编号则只豁免该项。"
    "豁免不改变检查结论，只单独标明。",
    "One approved exemption (整改期) per row: pick the rule id from the list; institution blank = this workbook's "
    "institution; unit blank = the whole finding, or a period (2026-04, 2026-Q2, 2026-H1, 2026) or a resident, "
    "hazard or agreement id for that one only. An exemption does not change a finding's status; it is shown apart.",
)


def _column(key: str, kind: CellKind, required: bool, zh: str) -> Column:
    # The English header is the contract key itself, so a sheet filled in by a program reads too.
    return Column((key,), f"exemptions.{key}", kind, required, title=Label(zh, key))


# In the order of the contract's keys. ``unit`` is an id-like cell: 2026 typed as a number is the
# year 2026, and a cell Excel turned into a date (2026-04 → 1 April) is an error, never a guess.
COLUMNS: tuple[Column, ...] = (
    _column("rule", CellKind.ID, True, "规则编号"),
    _column("institution", CellKind.ID, False, "机构编号"),
    _column("unit", CellKind.ID, False, "事项/期间"),
    _column("reason", CellKind.TEXT, True, "理由"),
    _column("approved_by", CellKind.TEXT, True, "批准单位"),
    _column("document", CellKind.TEXT, True, "批复文号"),
    _column("granted", CellKind.DATE, True, "批准日期"),
    _column("expires", CellKind.DATE, True, "截止日期"),
)
_BY_KEY = {column.path[0]: column for column in COLUMNS}


def is_exemptions_sheet(title: str) -> bool:
    return normal(title) in {normal(EXEMPTIONS.zh), normal(EXEMPTIONS.en)}


def _problem(ref: str, key: str | None, zh: str, en: str) -> InputProblem:
    if key is None:
        return InputProblem(ref, en, zh)
    label = _BY_KEY[key].label
    return InputProblem(ref, f"{label.en}: {en}", f"「{label.zh}」{zh}")


def _exemption_rows(book: Any, source: str) -> tuple[str, list[tuple[int, dict[str, tuple[Any, str]]]], list[Any]]:
    """The sheet's name, its non-blank rows (row number, key → (raw value, cell)) and header problems."""
    # The snapshot reader's header search, with its messages (unknown, repeated, missing columns).
    from .reader import _Reader  # noqa: PLC0415 - reader imports this module

    sheets = [ws for ws in book.worksheets if is_exemptions_sheet(ws.title)]
    if not sheets:
        return EXEMPTIONS.zh, [], []
    order = book.worksheets.index(sheets[0])
    name = sheets[0].title
    rd = _Reader(source, layout(), getattr(book, "epoch", None))
    found = rd.header(sheets[0], name, order, COLUMNS)
    problems: list[Any] = [p for _, p in sorted(rd.out.problems, key=lambda x: x[0])]
    for extra in sheets[1:]:
        problems.append(
            InputProblem(extra.title, f"sheet {extra.title!r} repeats {name!r}", f"工作表“{extra.title}”与“{name}”重复")
        )
    if found is None:
        return name, [], problems
    _header_row, mapping, rows = found
    out: list[tuple[int, dict[str, tuple[Any, str]]]] = []
    for number, row in rows:
        if all(is_blank(v) for v in row):
            continue
        for col, value in enumerate(row, start=1):
            if col not in mapping and not is_blank(value):
                problems.append(
                    InputProblem(
                        f"{name}!{get_column_letter(col)}{number}",
                        f"{value!r} is in a column without a header",
                        f"“{value}”所在的列没有表头",
                    )
                )
        cells = {
            column.path[0]: (row[col - 1] if col - 1 < len(row) else None, f"{name}!{get_column_letter(col)}{number}")
            for col, column in mapping.items()
        }
        for column in COLUMNS:
            cells.setdefault(column.path[0], (None, f"{name}!{number}:{number}"))
        out.append((number, cells))
    return name, out, problems


def _read(
    book: Any,
    source: str,
    institution: str | None,
    known_rules: Collection[str] | None,
    max_months: int,
) -> tuple[Exemption, ...]:
    name, rows, problems = _exemption_rows(book, source)
    epoch = getattr(book, "epoch", None)
    records: list[tuple[str, dict[str, Any], dict[str, str]]] = []
    for number, cells in rows:
        values: dict[str, Any] = {}
        refs = {key: ref for key, (_raw, ref) in cells.items()}
        row_problems: list[InputProblem] = []
        for key, (raw, ref) in cells.items():
            column = _BY_KEY[key]
            if is_blank(raw):
                continue
            try:
                value = reader(column, epoch)(raw)
            except CellError as exc:
                row_problems.append(_problem(ref, key, exc.zh, exc.en))
                continue
            value = value.strip() if isinstance(value, str) else value
            if value != "":
                values[key] = value
        if "institution" not in values and institution is not None:
            values["institution"] = institution
        for key, column in _BY_KEY.items():
            if key in values or any(p.path == refs[key] for p in row_problems):
                continue
            if column.required:
                row_problems.append(_problem(refs[key], key, "必填，未填写", "required, but blank"))
            elif key == "institution":
                row_problems.append(
                    _problem(
                        refs[key],
                        key,
                        "未填写，且无法从「机构信息」读出本机构编号",
                        "blank, and the workbook's own institution id cannot be read",
                    )
                )
        row_problems.extend(_checks(values, refs, known_rules, max_months))
        problems.extend(row_problems)
        if not row_problems:
            records.append((f"{source}!{name}!{number}", values, refs))
    if problems:
        raise InputError(source, problems)
    try:
        return exemptions_from_records(records, known_rules, max_months)
    except ExemptionFileError as exc:  # the shared strict gate: anything the checks above missed
        raise InputError(source, [InputProblem(p.file, p.message) for p in exc.problems]) from None


def _checks(
    values: dict[str, Any], refs: dict[str, str], known_rules: Collection[str] | None, max_months: int
) -> list[InputProblem]:
    """The exemptions file's strict checks, worded for a sheet (both languages)."""
    found: list[InputProblem] = []
    rule = values.get("rule")
    if known_rules is not None and isinstance(rule, str) and rule not in known_rules:
        found.append(
            _problem(
                refs["rule"],
                "rule",
                f"没有编号为“{rule}”的规则；请从下拉列表选择（`yiyang rules list` 列出全部规则）",
                f"no rule {rule!r}; pick one from the list (`yiyang rules list` shows the ids)",
            )
        )
    granted, expires = values.get("granted"), values.get("expires")
    if isinstance(granted, str) and isinstance(expires, str):
        start, end = date.fromisoformat(granted), date.fromisoformat(expires)
        if end < start:
            found.append(
                _problem(
                    refs["expires"],
                    "expires",
                    f"{end} 早于批准日期 {start}",
                    f"{end} is before granted {start}",
                )
            )
        elif end > add_months(start, max_months):
            found.append(
                _problem(
                    refs["expires"],
                    "expires",
                    f"{end} 距批准日期 {start} 超过 {max_months} 个月（豁免的最长期限）",
                    f"{end} is more than {max_months} months after granted {start} (the maximum horizon)",
                )
            )
    return found


def read_workbook_exemptions(
    content: bytes | Path,
    known_rules: Collection[str] | None = None,
    *,
    source: str | None = None,
    institution: str | None = None,
    max_months: int = DEFAULT_MAX_MONTHS,
) -> tuple[Exemption, ...]:
    """The exemptions of a workbook's 豁免 sheet (none when it has no such sheet), validated as
    strictly as an exemptions file; :class:`InputError` lists every cell at fault (``豁免!C5``).

    ``known_rules``: the rule ids an entry may name. ``institution``: the id a blank 机构编号 cell
    stands for; when None it is read from the workbook itself (the snapshot is read for it, and
    its own problems are raised if it cannot be). ``source`` names the workbook in messages and in
    each exemption's ``source`` (``台账.xlsx!豁免!3``).
    """
    from .reader import _open, _read_snapshot  # noqa: PLC0415 - reader imports this module

    label = source or (str(content) if isinstance(content, Path) else "<workbook>")
    book = _open(label, content)
    try:
        if institution is None and _needs_institution(book, label):
            institution = _read_snapshot(book, label).institution.id
        return _read(book, label, institution, known_rules, max_months)
    finally:
        book.close()


def _needs_institution(book: Any, source: str) -> bool:
    _name, rows, _problems = _exemption_rows(book, source)
    return any(is_blank(cells["institution"][0]) for _, cells in rows)


def exemption_row_count(content: bytes | Path) -> int:
    """How many rows the 豁免 sheet fills in (unvalidated): ``yiyang import`` says they are not part of
    a snapshot."""
    from .reader import _open  # noqa: PLC0415

    book = _open("<workbook>", content)
    try:
        return len(_exemption_rows(book, "<workbook>")[1])
    finally:
        book.close()
