"""Workbook → snapshot. Tolerant of how people fill in cells; strict about everything else.

The reader turns each sheet into the snapshot's JSON form, remembering which cell each value came
from, then validates the result with the same strict model as a JSON snapshot. Every problem (a
cell it cannot read, a sheet or column it does not know, a value the model rejects) is reported
with its sheet and cell (``活动记录!B14``), all of them at once.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from io import BytesIO
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from pydantic import ValidationError

from ..errors import InputError, InputProblem, JurisdictionError
from ..jurisdiction import province_of
from ..snapshot import Snapshot
from ..vocabulary import FIELD_LABELS, Label, generic_path
from .cells import CellError, FormulaError, is_blank, normal, reader, shown
from .exemptions_sheet import EXEMPTIONS, is_exemptions_sheet
from .layout import CellKind, Column, Layout, RecordSheet, all_record_sheets, layout
from .names import FACT_COLUMNS, IGNORED_SHEETS, VALUES_HEADER, sheet_title

Loc = tuple[str | int, ...]
_SKIP_PREFIX = "#"
_HEADER_SEARCH_ROWS = 10


@dataclass
class _Collector:
    """Problems with a sort key (sheet order, row, column), and where each snapshot value came from."""

    problems: list[tuple[tuple[int, int, int, int], InputProblem]] = field(default_factory=list)
    locations: dict[Loc, tuple[str, tuple[int, int, int]]] = field(default_factory=dict)
    flagged: set[str] = field(default_factory=set)

    def add(self, ref: str, where: tuple[int, int, int], zh: str, en: str) -> None:
        if ref in self.flagged:
            return
        self.flagged.add(ref)
        self.problems.append(((*where, len(self.problems)), InputProblem(ref, en, zh)))

    def locate(self, loc: Loc, ref: str, where: tuple[int, int, int]) -> None:
        self.locations[loc] = (ref, where)

    def find(self, loc: Loc) -> tuple[str, tuple[int, int, int]] | None:
        if loc in self.locations:
            return self.locations[loc]
        longer = next((v for k, v in self.locations.items() if k[: len(loc)] == loc), None)
        if longer is not None:
            return longer
        for cut in range(len(loc) - 1, 0, -1):
            if loc[:cut] in self.locations:
                return self.locations[loc[:cut]]
        return None


def _matches(text: str, column: Column) -> bool:
    wanted = normal(text).rstrip("*")
    for suffix in ("(有/无)", "(yes/no)"):
        wanted = wanted.removesuffix(suffix)
    label = column.label
    return wanted in {normal(label.zh), normal(label.en), normal(column.code), normal(column.generic)}


def _find_column(text: str, columns: tuple[Column, ...]) -> Column | None:
    return next((c for c in columns if _matches(text, c)), None)


def _rows(sheet: Any) -> Iterator[tuple[int, tuple[Any, ...]]]:
    for number, row in enumerate(sheet.iter_rows(min_row=1, min_col=1), start=1):
        yield number, tuple(FormulaError(c.value) if c.data_type == "e" else c.value for c in row)


def _set(target: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for part in path[:-1]:
        target = target.setdefault(part, {})
    target[path[-1]] = value


def _has_under(target: dict[str, Any], path: tuple[str, ...]) -> bool:
    for part in path:
        if not isinstance(target, dict) or part not in target:
            return False
        target = target[part]
    return True


class _Reader:
    def __init__(self, source: str, lang_layout: Layout, epoch: datetime | None) -> None:
        self.source = source
        self.layout = lang_layout
        self.epoch = epoch
        self.out = _Collector()

    # -- one record: cells → nested dict -------------------------------------------------------
    def record(
        self,
        sheet: str,
        order: int,
        cells: list[tuple[Column, Any, int, int]],
        base: Loc,
    ) -> tuple[dict[str, Any], dict[tuple[str, ...], bool | None]]:
        """``cells``: (column, raw value, row, column number). Returns the record and its 有/无 answers."""
        data: dict[str, Any] = {}
        presence: dict[tuple[str, ...], bool | None] = {}
        for column, raw, row, col in cells:
            ref = f"{sheet}!{get_column_letter(col)}{row}"
            where = (order, row, col)
            self.out.locate((*base, *column.path), ref, where)
            if is_blank(raw):
                if column.kind is CellKind.PRESENCE:
                    presence[column.path] = None
                continue
            try:
                value = reader(column, self.epoch)(raw)
            except CellError as exc:
                label = column.label
                self.out.add(ref, where, f"「{label.zh}」{exc.zh}", f"{label.en}: {exc.en}")
                continue
            if column.kind is CellKind.PRESENCE:
                presence[column.path] = value
            elif column.kind is CellKind.ID and value == "":
                continue
            else:
                _set(data, column.path, value)
        # A required nested model (period, institution) is always there, so that each of its
        # missing fields is reported at its own cell.
        for column, *_ in cells:
            if column.required and len(column.path) > 1:
                target = data
                for part in column.path[:-1]:
                    target = target.setdefault(part, {})
        # An optional nested model with a 有/无 cell: 无 → absent, 有 → present even if empty.
        for column, raw, row, col in cells:
            if column.kind is not CellKind.PRESENCE or column.path not in presence:
                continue
            answer = presence[column.path]
            if column.of_list:
                continue
            ref = f"{sheet}!{get_column_letter(col)}{row}"
            filled = _has_under(data, column.path)
            if answer is False and filled:
                self.out.add(
                    ref,
                    (order, row, col),
                    f"「{column.label.zh}」填写了“{shown(raw)}”（无），但其下各项有内容；请删去其中之一",
                    f"{column.label.en} says {shown(raw)!r} (none) but its fields are filled in; remove one",
                )
            elif answer is True and not filled:
                _set(data, column.path, {})
        return data, presence

    # -- sheets ---------------------------------------------------------------------------------
    def values_sheet(
        self, ws: Any, name: str, order: int, columns: tuple[Column, ...]
    ) -> tuple[dict[str, Any], dict[tuple[str, ...], bool | None]]:
        cells: list[tuple[Column, Any, int, int]] = []
        seen: dict[Column, int] = {}
        for number, row in _rows(ws):
            label = row[0] if row else None
            value = row[1] if len(row) > 1 else None
            for col, extra in enumerate(row[3:], start=4):  # A item, B value, C notes: nothing else is read
                if not is_blank(extra):
                    self.out.add(
                        f"{name}!{get_column_letter(col)}{number}",
                        (order, number, col),
                        f"“{shown(extra)}”：本表只读取 B 列（填写）",
                        f"{shown(extra)!r}: this sheet reads column B only",
                    )
            if is_blank(label):
                if not is_blank(value):
                    self.out.add(
                        f"{name}!B{number}",
                        (order, number, 2),
                        f"“{shown(value)}”所在行的 A 列没有项目名称",
                        f"{shown(value)!r}: column A of this row names no item",
                    )
                continue
            text = str(label)
            if number == 1 and normal(text) in {normal(h) for h in VALUES_HEADER}:
                continue
            column = _find_column(text, columns)
            if column is None:
                known = "、".join(c.label.zh for c in columns)
                self.out.add(
                    f"{name}!A{number}",
                    (order, number, 1),
                    f"未知项目“{shown(label)}”；本表的项目有：{known}",
                    f"unknown item {shown(label)!r}; this sheet's items are: {', '.join(c.label.en for c in columns)}",
                )
                continue
            if column in seen:
                self.out.add(
                    f"{name}!A{number}",
                    (order, number, 1),
                    f"项目“{shown(label)}”重复（第 {seen[column]} 行已有）",
                    f"item {shown(label)!r} appears twice (also row {seen[column]})",
                )
                continue
            seen[column] = number
            cells.append((column, value, number, 2))
        for column in columns:
            if column not in seen:
                self.out.locate(tuple(column.path), name, (order, 0, 0))
        return self.record(name, order, cells, ())

    def header(
        self, ws: Any, name: str, order: int, columns: tuple[Column, ...], informative: tuple[str, ...] = ()
    ) -> tuple[int, dict[int, Column], list[tuple[int, tuple[Any, ...]]]] | None:
        rows = list(_rows(ws))
        header_at = None
        for index, (_, row) in enumerate(rows[:_HEADER_SEARCH_ROWS]):
            if any(isinstance(v, str) and _find_column(v, columns) for v in row):
                header_at = index
                break
        if header_at is None:
            if any(any(not is_blank(v) for v in row) for _, row in rows):
                expected = "、".join(c.header("zh") for c in columns)
                self.out.add(
                    name,
                    (order, 0, 0),
                    f"前 {_HEADER_SEARCH_ROWS} 行中找不到表头；表头应为：{expected}",
                    f"no header row in the first {_HEADER_SEARCH_ROWS} rows; expected: "
                    + ", ".join(c.header("en") for c in columns),
                )
            return None
        number, head = rows[header_at]
        mapping: dict[int, Column] = {}
        known_info = {normal(t) for t in informative}
        for col, text in enumerate(head, start=1):
            if is_blank(text):
                continue
            column = _find_column(str(text), columns)
            if column is None:
                if normal(str(text)) in known_info:
                    continue
                self.out.add(
                    f"{name}!{get_column_letter(col)}{number}",
                    (order, number, col),
                    f"未知列“{shown(text)}”；本表的列有：{'、'.join(c.header('zh') for c in columns)}"
                    f"（自用的列请删去，或另存到以 # 开头的工作表）",
                    f"unknown column {shown(text)!r}; this sheet's columns are: "
                    f"{', '.join(c.header('en') for c in columns)} (move columns of your own to a sheet named #…)",
                )
                continue
            if column in mapping.values():
                self.out.add(
                    f"{name}!{get_column_letter(col)}{number}",
                    (order, number, col),
                    f"列“{shown(text)}”重复",
                    f"column {shown(text)!r} appears twice",
                )
                continue
            mapping[col] = column
        for column in columns:
            if column.required and column not in mapping.values():
                self.out.add(
                    f"{name}!{number}:{number}",
                    (order, number, 0),
                    f"缺少必填列「{column.label.zh}」",
                    f"the required column {column.label.en!r} is missing",
                )
        return number, mapping, rows[header_at + 1 :]

    def record_sheet(
        self, ws: Any, name: str, order: int, spec: RecordSheet, base: Loc
    ) -> list[tuple[dict[str, Any], dict[tuple[str, ...], bool | None], int, str | None, Loc]]:
        """Each record with its 有/无 answers, its row, its parent id (child sheets) and its loc."""
        columns = spec.columns + ((spec.parent_key,) if spec.parent_key else ())
        found = self.header(ws, name, order, columns)
        if found is None:
            return []
        header_row, mapping, rows = found
        missing = [c for c in columns if c not in mapping.values()]
        records: list[tuple[dict[str, Any], dict[tuple[str, ...], bool | None], int, str | None, Loc]] = []
        for number, row in rows:
            if all(is_blank(v) for v in row):
                continue
            stray = [col for col, v in enumerate(row, start=1) if col not in mapping and not is_blank(v)]
            for col in stray:
                self.out.add(
                    f"{name}!{get_column_letter(col)}{number}",
                    (order, number, col),
                    f"“{shown(row[col - 1])}”所在的列没有表头",
                    f"{shown(row[col - 1])!r} is in a column without a header",
                )
            index = len(records)
            loc = (*base, index)
            self.out.locate(loc, f"{name}!A{number}", (order, number, 1))
            for column in missing:
                self.out.locate((*loc, *column.path), f"{name}!{header_row}:{header_row}", (order, header_row, 0))
            cells = [
                (column, row[col - 1] if col - 1 < len(row) else None, number, col) for col, column in mapping.items()
            ]
            data, presence = self.record(name, order, cells, loc)
            parent = data.pop("__parent__", None)
            records.append((data, presence, number, parent, loc))
        return records


def _list_presence(
    out: _Collector,
    answer: bool | None,
    count: int,
    ref: str | None,
    where: tuple[int, int, int],
    label: Label,
) -> bool | None:
    """Whether the list is given: 无 with rows, or 有 without rows, is a contradiction."""
    if answer is False and count:
        out.add(
            ref or "",
            where,
            f"「{label.zh}」填写了“无”，但有 {count} 条记录；请删去其中之一",
            f"{label.en} says none, but {count} records are filled in; remove one",
        )
    if answer is True and not count:
        out.add(
            ref or "",
            where,
            f"「{label.zh}」填写了“有”，但没有记录",
            f"{label.en} says yes, but no records are filled in",
        )
    if answer is None:
        return True if count else None
    return answer


_ZH_ERRORS: dict[str, str] = {
    "missing": "必填，未填写",
    "string_too_short": "不能为空",
    "too_short": "至少填写一项",
    "greater_than_equal": "不能小于 {ge}",
    "less_than_equal": "不能大于 {le}",
    "string_pattern_mismatch": "格式不符（应匹配 {pattern}）",
}


def _validation_problem(item: dict[str, Any]) -> tuple[str, str]:
    loc = tuple(p for p in item["loc"] if p != "[key]")
    path = ".".join(str(p) for p in loc if isinstance(p, str))
    label = FIELD_LABELS.get(generic_path(path), Label(path, path))
    ctx = item.get("ctx") or {}
    template = _ZH_ERRORS.get(item["type"])
    given = item.get("input")
    value = f"“{shown(given)}”" if isinstance(given, (str, int, float)) and item["type"] != "missing" else ""
    if template is not None:
        zh = f"「{label.zh}」{value}{template.format(**{k: str(v) for k, v in ctx.items()})}"
    elif item["type"] == "value_error":
        zh = f"「{label.zh}」数据前后矛盾：{ctx.get('error', item['msg'])}"
    else:
        zh = f"「{label.zh}」{value}不符合要求：{item['msg']}"
    en = f"{label.en}: {item['msg']}" + (f" (got {shown(given)!r})" if value else "")
    return zh, en


def _open(source: str, content: bytes | Path) -> Any:
    try:
        stream = BytesIO(content) if isinstance(content, bytes) else content
        return load_workbook(stream, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InputError(
            source,
            [
                InputProblem(
                    "",
                    f"not an .xlsx workbook that can be read ({exc}); save it as an Excel workbook (.xlsx)",
                    "无法作为 .xlsx 工作簿读取；旧版 .xls、WPS 的 .et 或 .ods 文件，请在 Excel / WPS 中“另存为”"
                    " Excel 工作簿（.xlsx）后再试",
                )
            ],
        ) from None


def read_workbook(content: bytes | Path, source: str | None = None) -> Snapshot:
    """The snapshot a workbook holds, or :class:`InputError` listing every cell at fault."""
    label = source or (str(content) if isinstance(content, Path) else "<workbook>")
    book = _open(label, content)
    try:
        return _read(book, label)
    finally:
        book.close()


def _handlers(spec: Layout) -> dict[str, tuple[str, Any]]:
    """Each sheet name (Chinese, English, field name) → what the sheet holds."""
    handlers: dict[str, tuple[str, Any]] = {}
    for values_label, columns in spec.values_sheets:
        for text in (values_label.zh, values_label.en):
            handlers[normal(text)] = ("values", (values_label, columns))
    for record in all_record_sheets():
        for text in (record.label.zh, record.label.en, record.key):
            handlers[normal(text)] = ("records", record)
    for text in (spec.fact_sheet.zh, spec.fact_sheet.en):
        handlers[normal(text)] = ("facts", spec.fact_sheet)
    return handlers


def _read(book: Any, source: str) -> Snapshot:
    spec = layout()
    rd = _Reader(source, spec, getattr(book, "epoch", None))
    handlers = _handlers(spec)
    ignored = {normal(t) for t in IGNORED_SHEETS}

    data: dict[str, Any] = dict(spec.constants)
    presence: dict[tuple[str, ...], bool | None] = {}
    presence_cells: dict[tuple[str, ...], tuple[str, tuple[int, int, int]]] = {}
    record_rows: dict[str, list[Any]] = {}
    facts: dict[str, dict[str, bool]] = {}
    seen: dict[int, str] = {}
    for order, ws in enumerate(book.worksheets):
        name = ws.title
        key = normal(name)
        # The 豁免 sheet is not part of the snapshot: exemptions_sheet reads it for `check`.
        if key in ignored or name.startswith(_SKIP_PREFIX) or is_exemptions_sheet(name):
            continue
        handler = handlers.get(key)
        if handler is None:
            known = "、".join(sheet_title(s, "zh") for s in _known_sheets())
            rd.out.add(
                name,
                (order, 0, 0),
                f"未知工作表“{name}”；工作表应为：{known}（自用的工作表请以 # 开头命名）",
                f"unknown sheet {name!r}; the sheets are: {', '.join(sheet_title(s, 'en') for s in _known_sheets())}"
                " (name sheets of your own #…)",
            )
            continue
        if id(handler[1]) in seen:
            rd.out.add(
                name,
                (order, 0, 0),
                f"工作表“{name}”与“{seen[id(handler[1])]}”重复",
                f"sheet {name!r} repeats {seen[id(handler[1])]!r}",
            )
            continue
        seen[id(handler[1])] = name
        kind, payload = handler
        if kind == "values":
            values, answers = rd.values_sheet(ws, name, order, payload[1])
            _merge(data, values)
            presence.update(answers)
            for column in payload[1]:
                if column.kind is CellKind.PRESENCE and column.path in rd.out.locations:
                    presence_cells[column.path] = rd.out.locations[column.path]
        elif kind == "records":
            record_rows[payload.key] = rd.record_sheet(ws, name, order, payload, (payload.key,))
        else:
            facts = _read_facts(rd, ws, name, order)
    _gather_lists(rd, spec, data, presence, presence_cells, record_rows, facts)
    snapshot = _validate(rd, data)
    if rd.out.problems:
        raise InputError(source, [p for _, p in sorted(rd.out.problems, key=lambda x: x[0])])
    assert snapshot is not None
    return snapshot


def _gather_lists(
    rd: _Reader,
    spec: Layout,
    data: dict[str, Any],
    presence: dict[tuple[str, ...], bool | None],
    presence_cells: dict[tuple[str, ...], tuple[str, tuple[int, int, int]]],
    record_rows: dict[str, list[Any]],
    facts: dict[str, dict[str, bool]],
) -> None:
    """Top-level lists (with their child lists) and fact sections, as their 有/无 cells say."""
    for record in spec.record_sheets:
        rows = record_rows.get(record.key, [])
        column = spec.record_presence[record.key]
        ref, where = presence_cells.get(column.path, ("", (0, 0, 0)))
        given = _list_presence(rd.out, presence.get(column.path), len(rows), ref, where, record.label)
        if given is None:
            continue
        items = [r[0] for r in rows]
        data[record.key] = items
        for child in record.children:
            _attach(rd, record, child, rows, record_rows.get(child.sheet.key, []))
    for section in spec.fact_sections:
        column = spec.fact_presence[section.key]
        ref, where = presence_cells.get(column.path, ("", (0, 0, 0)))
        answered = facts.get(section.key, {})
        label = Label(column.label.zh, column.label.en)
        given = _list_presence(rd.out, presence.get(column.path), len(answered), ref, where, label)
        if given is not None:
            data[section.key] = answered


def _known_sheets() -> list[Label]:
    spec = layout()
    return [
        *(label for label, _ in spec.values_sheets),
        *(r.label for r in all_record_sheets()),
        spec.fact_sheet,
        EXEMPTIONS,
    ]


def _merge(target: dict[str, Any], values: dict[str, Any]) -> None:
    for key, value in values.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        else:
            target[key] = value


def _attach(rd: _Reader, parent: RecordSheet, child: Any, parents: list[Any], children: list[Any]) -> None:
    """Tie each child row to its parent record by the parent's id."""
    by_id: dict[str, list[int]] = {}
    for index, (data, *_rest) in enumerate(parents):
        if isinstance(data.get("id"), str):
            by_id.setdefault(data["id"], []).append(index)
    grouped: dict[int, list[Any]] = {}
    for data, _presence, number, parent_id, loc in children:
        key_ref, where = rd.out.locations.get((*loc, "__parent__"), ("", (0, number, 0)))
        owners = by_id.get(parent_id or "", [])
        if len(owners) != 1:
            problem = "不存在" if not owners else f"在「{parent.label.zh}」中出现了 {len(owners)} 次，无法确定归属"
            problem_en = "does not exist" if not owners else f"appears {len(owners)} times in {parent.label.en}"
            rd.out.add(
                key_ref,
                where,
                f"编号“{parent_id}”的{parent.label.zh}{problem}",
                f"{parent.label.en} {parent_id!r} {problem_en}",
            )
            continue
        grouped.setdefault(owners[0], []).append((data, loc))
    for index, (data, presence, number, _pid, loc) in enumerate(parents):
        rows = grouped.get(index, [])
        ref, where = rd.out.locations.get((*loc, child.name), ("", (0, number, 0)))
        given = _list_presence(rd.out, presence.get((child.name,)), len(rows), ref, where, child.presence.label)
        if given is None:
            continue
        data[child.name] = [item for item, _ in rows]
        # Re-home the child cells' locations under their parent record for validation messages.
        for position, (_item, child_loc) in enumerate(rows):
            for path in ((), *(column.path for column in child.sheet.columns)):
                found = rd.out.locations.get((*child_loc, *path))
                if found is not None:
                    rd.out.locations[(*loc, child.name, position, *path)] = found


def _read_facts(rd: _Reader, ws: Any, name: str, order: int) -> dict[str, dict[str, bool]]:
    spec = layout()
    code_col, label_col, answer_col = FACT_COLUMNS["code"], FACT_COLUMNS["label"], FACT_COLUMNS["answer"]
    columns = (code_col, label_col, answer_col)
    informative = tuple(t for key in ("category", "rules", "citations") for t in FACT_COLUMNS[key].label)
    found = rd.header(ws, name, order, columns, informative)
    if found is None:
        return {}
    header_row, mapping, rows = found
    if answer_col not in mapping.values():
        rd.out.add(
            f"{name}!{header_row}:{header_row}",
            (order, header_row, 0),
            f"缺少「{answer_col.label.zh}」列",
            f"the column {answer_col.label.en!r} is missing",
        )
        return {}
    by_code: dict[str, tuple[str, str]] = {}
    by_label: dict[str, list[tuple[str, str]]] = {}
    for section in spec.fact_sections:
        for member, label in section.labels.items():
            by_code[normal(f"{section.key}.{member.value}")] = (section.key, member.value)
            for text in (label.zh, label.en):
                by_label.setdefault(normal(text), []).append((section.key, member.value))
    where_col = {column.code: col for col, column in mapping.items()}
    answers: dict[str, dict[str, bool]] = {}
    answered_at: dict[tuple[str, str], int] = {}
    for number, row in rows:

        def cell(key: str, row: tuple[Any, ...] = row) -> Any:
            col = where_col.get(key)
            return row[col - 1] if col is not None and col - 1 < len(row) else None

        code, text, answer = cell("code"), cell("label"), cell("answer")
        if all(is_blank(v) for v in (code, text, answer)):
            continue
        fact = _identify(rd, name, order, number, where_col, code, text, answer, by_code, by_label)
        if fact is None or is_blank(answer):
            continue
        col = where_col["answer"]
        ref = f"{name}!{get_column_letter(col)}{number}"
        rd.out.locate(fact, ref, (order, number, col))
        if fact in answered_at:
            rd.out.add(
                ref,
                (order, number, col),
                f"该事项已在第 {answered_at[fact]} 行回答过",
                f"this fact is already answered on row {answered_at[fact]}",
            )
            continue
        try:
            value = reader(answer_col)(answer)
        except CellError as exc:
            rd.out.add(ref, (order, number, col), exc.zh, exc.en)
            continue
        answered_at[fact] = number
        answers.setdefault(fact[0], {})[fact[1]] = value
    return answers


def _identify(
    rd: _Reader,
    name: str,
    order: int,
    number: int,
    where_col: dict[str, int],
    code: Any,
    text: Any,
    answer: Any,
    by_code: dict[str, tuple[str, str]],
    by_label: dict[str, list[tuple[str, str]]],
) -> tuple[str, str] | None:
    """The fact a questionnaire row is about: by its code, else by its (unique) label."""

    def complain(key: str, zh: str, en: str) -> None:
        col = where_col[key]
        rd.out.add(f"{name}!{get_column_letter(col)}{number}", (order, number, col), zh, en)

    if not is_blank(code):
        fact = by_code.get(normal(str(code)))
        if fact is None:
            complain("code", f"未知事项代码“{shown(code)}”", f"unknown fact code {shown(code)!r}")
        return fact
    if not is_blank(text):
        candidates = by_label.get(normal(str(text)), [])
        if len(candidates) == 1:
            return candidates[0]
        complain(
            "label",
            f"无法识别事项“{shown(text)}”" + ("（名称不唯一，请填写代码列）" if candidates else ""),
            f"unknown fact {shown(text)!r}" + (" (ambiguous: fill in the code column)" if candidates else ""),
        )
        return None
    complain(
        "answer",
        f"回答“{shown(answer)}”所在行没有事项名称或代码",
        f"the answer {shown(answer)!r} has no fact name or code on its row",
    )
    return None


def _validate(rd: _Reader, data: dict[str, Any]) -> Snapshot | None:
    try:
        snapshot = Snapshot.model_validate_json(json.dumps(data, ensure_ascii=False))
    except ValidationError as exc:
        for item in exc.errors():
            loc = tuple(p for p in item["loc"] if p != "[key]")
            found = rd.out.find(loc)
            ref, where = found if found is not None else ("", (0, 0, 0))
            zh, en = _validation_problem(dict(item))
            rd.out.add(ref, where, zh, en)
        return None
    try:
        province_of(snapshot.institution)
    except JurisdictionError as exc:
        found = rd.out.find(("institution", "province")) or rd.out.find(("institution", "region_code"))
        ref, where = found if found is not None else ("", (0, 0, 0))
        rd.out.add(ref, where, f"无法确定所在省份：{exc}", str(exc))
        return None
    return snapshot


def _read_snapshot(book: Any, source: str) -> Snapshot:
    """The snapshot of an open workbook (for the 豁免 sheet's default institution id)."""
    return _read(book, source)


def workbook_json(content: bytes | Path, source: str | None = None) -> bytes:
    """The snapshot JSON a workbook holds (for the command line's ``check``)."""
    return read_workbook(content, source).model_dump_json(exclude_unset=True).encode()
