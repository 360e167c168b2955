"""Snapshot (or nothing) → workbook: the template and the exporter are one writer.

The template is the export of an empty snapshot. Every sheet gets a frozen, filterable header,
column widths that fit Chinese text, date formats on date columns and drop-down lists for every
closed vocabulary (the lists live on a hidden sheet, since a list typed into the rule is limited to
255 characters). The drop-downs warn rather than refuse: the reader also accepts codes and other
spellings, and it reports whatever it cannot read.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable
from datetime import date
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from pydantic_core import to_jsonable_python

from .._version import __version__
from ..catalog import Catalog
from ..errors import InputError, InputProblem
from ..jurisdiction import PROVINCES
from ..snapshot import Snapshot
from ..vocabulary import FIELD_LABELS, Label
from .exemptions_sheet import COLUMNS as EXEMPTION_COLUMNS
from .exemptions_sheet import EXEMPTIONS, INSTRUCTION
from .layout import CellKind, Column, RecordSheet, enum_labels, layout
from .names import FACT_COLUMNS, INSTRUCTIONS, LISTS, VALUES_COLUMNS, sheet_title
from .needs import Need, needs

_MAX_CELL = 32767
_FIRST_SERIAL_DAY = date(1900, 3, 1)  # before it, spreadsheet serials are not reliable: written as text
_DATE_FORMAT = "yyyy-mm-dd"
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_REQUIRED_FONT = Font(bold=True, color="C00000")
_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")
_TEXT_CHOICES: dict[str, list[str]] = {"institution.province": [p.name for p in PROVINCES]}
_YES_NO = {"zh": ("是", "否"), "en": ("yes", "no")}
_HAVE = {"zh": ("有", "无"), "en": ("yes", "no")}

_HINTS: dict[CellKind, Label] = {
    CellKind.TEXT: Label("文字", "text"),
    CellKind.ID: Label("编号（文字或数字）", "an id (text or number)"),
    CellKind.INT: Label("整数", "a whole number"),
    CellKind.BOOL: Label("是 / 否；留空 = 未知", "yes / no; blank = unknown"),
    CellKind.DATE: Label("日期，如 2026-03-05、2026/3/5、2026年3月5日", "a date, e.g. 2026-03-05"),
    CellKind.ENUM: Label("从下拉列表选择", "pick from the list"),
    CellKind.ENUM_LIST: Label("从下拉列表选择，多项用“、”分隔", "pick from the list; separate several with ';'"),
    CellKind.JSON: Label("供系统对接使用的 JSON 对象，一般留空", "a JSON object for vendors; usually blank"),
    CellKind.NUMBER: Label("数字", "a number"),
    CellKind.ANY: Label("JSON 值", "a JSON value"),
    CellKind.PRESENCE: Label(
        "留空 = 按表内记录；无 = 确实没有；有 = 有（须填写记录）",
        "blank = as the rows say; no = there are none; yes = there are (fill them in)",
    ),
}


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


class _Lists:
    """The hidden sheet of drop-down values: one column per list, created on first use."""

    def __init__(self, book: Workbook, lang: str) -> None:
        self.sheet = book.create_sheet(sheet_title(LISTS, lang))
        self.sheet.sheet_state = "hidden"
        self.columns: dict[tuple[str, ...], str] = {}

    def formula(self, values: Iterable[str]) -> str:
        items = tuple(values)
        if items not in self.columns:
            col = get_column_letter(len(self.columns) + 1)
            for row, value in enumerate(items, start=1):
                self.sheet[f"{col}{row}"] = value
            # Always quoted: a sheet name in another script than Latin is safest in quotes.
            title = self.sheet.title.replace("'", "''")
            self.columns[items] = f"'{title}'!${col}$1:${col}${len(items)}"
        return self.columns[items]


class _Writer:
    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.book = Workbook()
        self.problems: list[InputProblem] = []
        self.lists: _Lists | None = None

    def text(self, label: Label) -> str:
        return label.en if self.lang == "en" else label.zh

    def choices(self, column: Column) -> list[str] | None:
        if column.kind in (CellKind.BOOL,):
            return list(_YES_NO[self.lang])
        if column.kind is CellKind.PRESENCE:
            return list(_HAVE[self.lang])
        if column.kind in (CellKind.ENUM, CellKind.ENUM_LIST) and column.enum is not None:
            return [self.text(label) for label in enum_labels(column.enum).values()]
        return _TEXT_CHOICES.get(column.generic)

    def validate(self, ws: Worksheet, column: Column, cells: str) -> None:
        values = self.choices(column)
        if values is None:
            return
        assert self.lists is not None
        rule = DataValidation(type="list", formula1=f"={self.lists.formula(values)}", allow_blank=True)
        rule.errorStyle = "warning"
        rule.showErrorMessage = column.kind is not CellKind.ENUM_LIST
        rule.error = "不在下拉列表中，请核对" if self.lang == "zh" else "not in the list; please check"
        ws.add_data_validation(rule)
        rule.add(cells)

    # -- cell values ------------------------------------------------------------------------------
    def value(self, column: Column, value: Any, where: str) -> Any:
        """The cell content for a snapshot value (None: blank)."""
        if value is None:
            return None
        kind = column.kind
        if kind is CellKind.PRESENCE:
            have, none = _HAVE[self.lang]
            if column.of_list:
                return have if value else none
            return have
        if kind is CellKind.BOOL:
            yes, no = _YES_NO[self.lang]
            return yes if value else no
        if kind is CellKind.DATE:
            return value if value >= _FIRST_SERIAL_DAY else value.isoformat()
        if kind is CellKind.ENUM:
            return self.text(enum_labels(type(value))[value])
        if kind is CellKind.ENUM_LIST:
            return ("、" if self.lang == "zh" else "; ").join(self.text(enum_labels(type(v))[v]) for v in value)
        if kind is CellKind.JSON:
            value = json.dumps(value, ensure_ascii=False)
        if kind is CellKind.ANY:
            value = json.dumps(to_jsonable_python(value), ensure_ascii=False)
        if isinstance(value, str) and (ILLEGAL_CHARACTERS_RE.search(value) or len(value) > _MAX_CELL):
            self.problems.append(
                InputProblem(
                    where,
                    "holds control characters or more than 32767 characters: a spreadsheet cell cannot",
                    "含有控制字符或超过 32767 个字符，电子表格单元格无法容纳",
                )
            )
            return None
        return value

    def put(self, ws: Worksheet, row: int, col: int, column: Column, value: Any, where: str) -> None:
        content = self.value(column, value, where)
        if content is None:
            return
        cell = ws.cell(row=row, column=col, value=content)
        if isinstance(content, str):
            cell.data_type = "s"  # text, never a formula ("=…") or a formula error ("#N/A")
        if column.kind is CellKind.DATE and isinstance(content, date):
            cell.number_format = _DATE_FORMAT

    # -- sheets -----------------------------------------------------------------------------------
    def head(self, ws: Worksheet, titles: list[tuple[str, bool, str | None]]) -> None:
        for col, (title, required, hint) in enumerate(titles, start=1):
            cell = ws.cell(row=1, column=col, value=title)
            cell.font = _REQUIRED_FONT if required else _BOLD
            cell.fill = _HEADER_FILL
            cell.alignment = Alignment(vertical="center")
            if hint:
                cell.comment = Comment(hint, "yiyang")
            ws.column_dimensions[get_column_letter(col)].width = min(60, max(10, _width(title) + 4))
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = f"A1:{get_column_letter(len(titles))}1"

    def values_sheet(self, label: Label, columns: tuple[Column, ...], data: dict[str, Any]) -> None:
        ws = self.book.create_sheet(self.text(label))
        self.head(ws, [(self.text(t), False, None) for t in VALUES_COLUMNS])
        ws.auto_filter.ref = None
        widest = 10
        for row, column in enumerate(columns, start=2):
            name = ws.cell(row=row, column=1, value=column.header(self.lang))
            if column.required:
                name.font = _REQUIRED_FONT
            widest = max(widest, _width(column.header(self.lang)) + 2)
            self.put(ws, row, 2, column, _get(data, column.path), ".".join(column.path))
            hint = _HINTS[CellKind.ENUM if column.generic in _TEXT_CHOICES else column.kind]
            ws.cell(row=row, column=3, value=self.text(hint))
            self.validate(ws, column, f"B{row}")
            if column.kind is CellKind.DATE:
                ws.cell(row=row, column=2).number_format = _DATE_FORMAT
        ws.column_dimensions["A"].width = min(60, widest)
        ws.column_dimensions["B"].width = 36
        ws.column_dimensions["C"].width = 60

    def record_sheet(self, spec: RecordSheet, rows: list[tuple[str, dict[str, Any]]]) -> None:
        ws = self.book.create_sheet(self.text(spec.label))
        columns = ((spec.parent_key,) if spec.parent_key else ()) + spec.columns
        self.head(ws, [(c.header(self.lang), c.required, self.text(_HINTS[c.kind])) for c in columns])
        for number, (where, record) in enumerate(rows, start=2):
            for col, column in enumerate(columns, start=1):
                value = record.get("__parent__") if column is spec.parent_key else _get(record, column.path)
                if column.kind is CellKind.PRESENCE and column.of_list and value is not None:
                    value = bool(value)
                self.put(ws, number, col, column, value, f"{where}.{column.code}")
                if value is not None and column.kind in (CellKind.TEXT, CellKind.JSON):
                    letter = get_column_letter(col)
                    shown = _width(str(ws.cell(row=number, column=col).value))
                    ws.column_dimensions[letter].width = min(50, max(ws.column_dimensions[letter].width, shown + 2))
        for col, column in enumerate(columns, start=1):
            letter = get_column_letter(col)
            self.validate(ws, column, f"{letter}2:{letter}1048576")
            if column.kind is CellKind.DATE:
                ws.column_dimensions[letter].number_format = _DATE_FORMAT
                ws.column_dimensions[letter].width = max(ws.column_dimensions[letter].width, 14)

    def fact_sheet(self, catalog: Catalog, data: dict[str, Any]) -> None:
        spec = layout()
        ws = self.book.create_sheet(self.text(spec.fact_sheet))
        order = ("category", "label", "answer", "rules", "citations", "code")
        self.head(ws, [(self.text(FACT_COLUMNS[k].label), k == "answer", None) for k in order])
        ws.cell(row=1, column=3).comment = Comment(self.text(_HINTS[CellKind.BOOL]), "yiyang")
        sections = {s.key: s for s in spec.fact_sections}
        rows: list[tuple[str, str, Need | None]] = []
        listed: set[str] = set()
        for need in needs(catalog):
            section, _, key = need.path.partition(".")
            if section in sections:
                rows.append((section, key, need))
                listed.add(need.path)
        for fact_section in spec.fact_sections:
            for key in data.get(fact_section.key) or {}:
                if f"{fact_section.key}.{key}" not in listed:
                    rows.append((fact_section.key, str(key), None))
        for number, (section, key, wanted) in enumerate(rows, start=2):
            enum = sections[section].enum
            member = enum(key)
            answer = (data.get(section) or {}).get(member)
            ws.cell(row=number, column=1, value=self.text(FIELD_LABELS.get(section, Label(section, section))))
            ws.cell(row=number, column=2, value=self.text(sections[section].labels[member]))
            self.put(ws, number, 3, FACT_COLUMNS["answer"], answer, f"{section}.{key}")
            if wanted is not None:
                rules = "\n".join(f"{r.id} {self.text(Label(r.title.zh, r.title.en))}" for r in wanted.rules)
                cites = dict.fromkeys(f"{c.document} {c.article}" for r in wanted.rules for c in r.citations)
                ws.cell(row=number, column=4, value=rules)
                ws.cell(row=number, column=5, value="\n".join(cites))
            ws.cell(row=number, column=6, value=f"{section}.{key}")
            for col in (2, 4, 5):
                ws.cell(row=number, column=col).alignment = _WRAP
        self.validate(ws, FACT_COLUMNS["answer"], "C2:C1048576")
        for letter, width in zip("ABCDEF", (14, 44, 8, 48, 36, 40), strict=True):
            ws.column_dimensions[letter].width = width

    def exemptions_sheet(self, catalog: Catalog) -> None:
        """The 豁免 sheet, always empty: a snapshot has no exemptions. Row 1 says how to fill it in,
        row 2 is the header; the rule column offers the jurisdiction's rule ids."""
        ws = self.book.create_sheet(self.text(EXEMPTIONS))
        titles: list[tuple[str, bool, str | None]] = [
            (c.header(self.lang), c.required, self.text(_HINTS[c.kind])) for c in EXEMPTION_COLUMNS
        ]
        self.head(ws, titles)
        ws.insert_rows(1)
        note = ws.cell(row=1, column=1, value=self.text(INSTRUCTION))
        note.alignment = _WRAP
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(EXEMPTION_COLUMNS))
        ws.row_dimensions[1].height = 48
        ws.freeze_panes = "A3"
        ws.auto_filter.ref = f"A2:{get_column_letter(len(EXEMPTION_COLUMNS))}2"
        assert self.lists is not None
        for col, column in enumerate(EXEMPTION_COLUMNS, start=1):
            letter = get_column_letter(col)
            cells = f"{letter}3:{letter}1048576"
            if column.path == ("rule",):
                rule = DataValidation(
                    type="list", formula1=f"={self.lists.formula(r.id for r in catalog.rules)}", allow_blank=True
                )
                rule.errorStyle = "warning"
                rule.error = (
                    "不是本辖区的规则编号，请核对" if self.lang == "zh" else "not a rule id of this jurisdiction"
                )
                ws.add_data_validation(rule)
                rule.add(cells)
                ws.column_dimensions[letter].width = 34
            elif column.kind is CellKind.DATE:
                ws.column_dimensions[letter].number_format = _DATE_FORMAT
                ws.column_dimensions[letter].width = 14
            else:
                # Text, so that 2026-04 typed in the 事项/期间 column stays a period, not 1 April.
                ws.column_dimensions[letter].number_format = "@"
                ws.column_dimensions[letter].width = 22

    def instructions(self, catalog: Catalog, sheets: list[tuple[Label, str]]) -> None:
        ws = self.book.active
        assert ws is not None
        ws.title = self.text(INSTRUCTIONS)
        zh = self.lang != "en"
        jurisdiction = " + ".join(catalog.layers)
        lines = [
            ("医养结合自查台账" if zh else "医养结合 self-check workbook", _BOLD),
            (
                (f"适用规则：{jurisdiction}（{len(catalog.rules)} 条），由 yiyang-rules {__version__} 生成")
                if zh
                else f"Rules: {jurisdiction} ({len(catalog.rules)} rules), made by yiyang-rules {__version__}"
            ),
            (
                "填好后运行：yiyang check 本文件.xlsx（检查结果会指出需要补填或整改的表和单元格）"
                if zh
                else "When filled in, run: yiyang check this-file.xlsx"
            ),
            (
                "填写规则：留空表示“不知道/未提供”，不等于“没有”或“否”；确实没有的，请填“无”或“否”。"
                if zh
                else "Blank means unknown, never no: write no (or 无/否) where the answer is no."
            ),
            (
                "日期可写 2026-03-05、2026/3/5、2026.03.05 或 2026年3月5日；是/否可写 是/否、√/×、Y/N。"
                if zh
                else "Dates: 2026-03-05, 2026/3/5, 2026.03.05 or 2026年3月5日; yes/no: 是/否, √/×, Y/N."
            ),
            (
                "带 * 的列（红色表头）必填。可以调整列的顺序；不要改动表头文字。自用的工作表请以 # 开头命名。"
                if zh
                else "Columns marked * are required. Columns may be reordered; keep the header text. "
                "Name sheets of your own #…"
            ),
            ("", None),
            ("工作表" if zh else "Sheets", _BOLD),
        ]
        for row, line in enumerate(lines, start=1):
            text, font = line if isinstance(line, tuple) else (line, None)
            cell = ws.cell(row=row, column=1, value=text)
            if font is not None:
                cell.font = font
        row = len(lines) + 1
        for label, what in sheets:
            ws.cell(row=row, column=1, value=self.text(label)).font = _BOLD
            ws.cell(row=row, column=2, value=what)
            row += 1
        ws.column_dimensions["A"].width = 18
        ws.column_dimensions["B"].width = 100


_SHEET_PURPOSE: dict[str, Label] = {
    "values": Label(
        "机构基本信息、资质、评估期间；以及各台账“有/无”的说明", "the institution, its qualifications, the period"
    ),
    "records": Label("每行一条记录", "one row per record"),
    "items": Label("每行一个项目，在 B 列填写", "one item per row, filled in column B"),
    "facts": Label(
        "本辖区规则需要的制度、设施和工作做法，逐项回答 是/否", "the systems, facilities and practices the rules need"
    ),
    "exemptions": Label(
        "可选：经批准的豁免（整改期），每行一项；检查时单独标明，不计入不合规（不属于快照，导入 JSON 时不含）",
        "optional: approved exemptions, one per row; check shows them apart (not part of a snapshot)",
    ),
}


def _get(data: Any, path: tuple[str, ...]) -> Any:
    for part in path:
        if not isinstance(data, dict) or part not in data:
            return None
        data = data[part]
    return data


def write_workbook(snapshot: Snapshot | None, catalog: Catalog, lang: str = "zh") -> bytes:
    """The workbook for ``snapshot`` (the blank template when None), laid out for ``catalog``."""
    spec = layout()
    data: dict[str, Any] = snapshot.model_dump(exclude_unset=True) if snapshot is not None else {}
    if snapshot is not None:
        data = {k: getattr(snapshot, k) if k in ("policies", "facilities", "practices") else v for k, v in data.items()}
    writer = _Writer(lang)
    purposes: list[tuple[Label, str]] = []
    writer.lists = None
    writer.instructions(catalog, [])  # the first sheet; its table is filled in at the end
    writer.lists = _Lists(writer.book, lang)
    values = dict(spec.values_sheets)
    first_label, first_columns = spec.values_sheets[0]
    presence = {c.path[0]: c for c in (*spec.record_presence.values(), *spec.fact_presence.values())}
    values_data = dict(data)
    for key in presence:
        values_data[key] = data.get(key)
    writer.values_sheet(first_label, first_columns, values_data)
    purposes.append((first_label, writer.text(_SHEET_PURPOSE["values"])))
    for record in spec.record_sheets:
        items = data.get(record.key) or []
        writer.record_sheet(record, [(f"{record.key}[{i}]", item) for i, item in enumerate(items)])
        purposes.append((record.label, writer.text(_SHEET_PURPOSE["records"])))
        for child in record.children:
            rows = _child_rows(writer, record, child.name, items)
            writer.record_sheet(child.sheet, rows)
            purposes.append((child.sheet.label, writer.text(_SHEET_PURPOSE["records"])))
    for label, columns in list(values.items())[1:]:
        writer.values_sheet(label, columns, data)
        purposes.append((label, writer.text(_SHEET_PURPOSE["items"])))
    writer.fact_sheet(catalog, data)
    purposes.append((spec.fact_sheet, writer.text(_SHEET_PURPOSE["facts"])))
    writer.exemptions_sheet(catalog)
    purposes.append((EXEMPTIONS, writer.text(_SHEET_PURPOSE["exemptions"])))
    # The 说明 sheet's table of sheets, now that they exist.
    instructions = writer.book.worksheets[0]
    start = instructions.max_row + 1
    for row, (label, what) in enumerate(purposes, start=start):
        instructions.cell(row=row, column=1, value=writer.text(label)).font = _BOLD
        instructions.cell(row=row, column=2, value=what)
    # The lists sheet last, so the visible sheets come first.
    lists_sheet = writer.lists.sheet
    writer.book.move_sheet(lists_sheet, offset=len(writer.book.worksheets) - 1 - writer.book.index(lists_sheet))
    if writer.problems:
        raise InputError("<snapshot>", writer.problems)
    buffer = BytesIO()
    writer.book.save(buffer)
    return buffer.getvalue()


def _child_rows(
    writer: _Writer, parent: RecordSheet, name: str, items: list[dict[str, Any]]
) -> list[tuple[str, dict[str, Any]]]:
    rows: list[tuple[str, dict[str, Any]]] = []
    ids = [item.get("id") for item in items]
    for index, item in enumerate(items):
        children = item.get(name) or []
        if children and ids.count(item.get("id")) > 1:
            writer.problems.append(
                InputProblem(
                    f"{parent.key}[{index}].id",
                    f"the id {item.get('id')!r} is not unique: its {name} cannot be tied to it in a workbook",
                    f"编号“{item.get('id')}”不唯一，其{name}无法在工作簿中对应",
                )
            )
        for position, child in enumerate(children):
            rows.append((f"{parent.key}[{index}].{name}[{position}]", {**child, "__parent__": item.get("id")}))
    return rows
