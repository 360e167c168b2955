"""An Excel workbook for inspectors (needs ``-o``): sheets to sort, filter and forward.

- 汇总 (Summary): one row per input (institution, counts per status, mandatory violations; an input
  that could not be checked says why);
- 机构×规则 (Matrix): institutions down, rules across, each cell the status, coloured;
- 规则统计 (Rules): one row per rule, how many institutions got each status, its citations;
- 不合规明细 (Non-compliant): one row per non-compliant finding with the reason, the evidence, the
  periods or records concerned and every cited article with its quote;
- 需补充信息 (Need information): one row per insufficient-data finding with what is missing;
- 输入错误 (Input errors), when there are any: one row per problem, with where.

Headers are Chinese (English with ``--lang en``), dates are date cells, every sheet has an
autofilter and frozen header panes. ``--summary`` leaves out the two per-finding sheets.

Data is always written as text: a name that starts with ``=`` is never a formula, and control
characters (which Excel files cannot hold) are shown as ``\\xNN``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from functools import cache
from io import BytesIO
from typing import TYPE_CHECKING, Any

from ..checks.base import Status
from ..report import Finding
from .base import BatchItem, Lang, RenderOptions
from .labels import LEVEL_TEXT, STATUS_TEXT, pick
from .rollup import STATUSES, Rollup, rollup
from .text import missing_facts, missing_text, printable, report_of, source_text, unique_citations

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

FILLS = {
    Status.NON_COMPLIANT: ("FFCDD2", "B71C1C"),
    Status.INSUFFICIENT_DATA: ("FFF59D", "5D4037"),
    Status.COMPLIANT: ("C8E6C9", "1B5E20"),
    Status.NOT_APPLICABLE: ("EEEEEE", "616161"),
}

H: dict[str, dict[str, str]] = {
    "zh": {
        "summary": "汇总",
        "matrix": "机构×规则",
        "rules": "规则统计",
        "details": "不合规明细",
        "need_info": "需补充信息",
        "errors": "输入错误",
        "source": "来源",
        "name": "机构名称",
        "id": "机构标识",
        "jurisdiction": "适用层级",
        "as_of": "评估日",
        "start": "窗口起",
        "end": "窗口止",
        "mandatory_count": "强制性违规数",
        "mandatory_rules": "强制性违规规则",
        "recommended_rules": "倡导性未达规则",
        "rule": "规则",
        "level": "级别",
        "title": "义务",
        "failing": "不合规机构数",
        "citations": "依据（文号 条款）",
        "quotes": "原文",
        "version": "规则版本",
        "reason": "原因",
        "units": "涉及（周期/记录/事项）",
        "evidence": "证据",
        "missing": "缺少的信息",
        "where": "位置",
        "problem": "问题",
        "error": "输入有误",
    },
    "en": {
        "summary": "Summary",
        "matrix": "Matrix",
        "rules": "Rules",
        "details": "Non-compliant",
        "need_info": "Need information",
        "errors": "Input errors",
        "source": "source",
        "name": "institution",
        "id": "institution id",
        "jurisdiction": "jurisdiction",
        "as_of": "as of",
        "start": "window start",
        "end": "window end",
        "mandatory_count": "mandatory violations",
        "mandatory_rules": "mandatory rules not met",
        "recommended_rules": "recommended rules not met",
        "rule": "rule",
        "level": "level",
        "title": "obligation",
        "failing": "institutions failing",
        "citations": "citations",
        "quotes": "quotes",
        "version": "rule version",
        "reason": "reason",
        "units": "periods / records concerned",
        "evidence": "evidence",
        "missing": "missing",
        "where": "where",
        "problem": "problem",
        "error": "bad input",
    },
}


@cache
def _status_style(status: Status) -> tuple[Any, Any]:
    """One fill and one font per status, shared by every cell (openpyxl hashes each new style)."""
    from openpyxl.styles import Font, PatternFill  # noqa: PLC0415

    fill, ink = FILLS[status]
    return PatternFill("solid", fgColor=fill), Font(color=ink, bold=status is Status.NON_COMPLIANT)


def _safe(value: Any) -> Any:
    """Cell values: numbers and dates as they are, everything else as visible text."""
    if value is None or isinstance(value, bool | int | float | date):
        return value
    return printable(value, keep_newlines=True)


class _Sheet:
    """A worksheet written row by row: text stays text, headers bold, filter and panes at the end."""

    def __init__(self, sheet: Worksheet, headers: list[str], widths: list[int], freeze: str = "A2") -> None:
        from openpyxl.styles import Alignment, Font, PatternFill  # noqa: PLC0415

        self.sheet = sheet
        self.sheet.append([_safe(h) for h in headers])
        for cell in self.sheet[1]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="ECEFF1")
            cell.alignment = Alignment(vertical="top", wrap_text=True)
        for index, width in enumerate(widths, start=1):
            self.sheet.column_dimensions[self._letter(index)].width = width
        self.freeze = freeze
        # openpyxl's max_row scans every cell; counting here keeps a large batch linear.
        self.rows = 1

    @staticmethod
    def _letter(index: int) -> str:
        from openpyxl.utils import get_column_letter  # noqa: PLC0415

        return str(get_column_letter(index))

    def append(self, values: list[Any], statuses: dict[int, Status] | None = None) -> None:
        self.sheet.append([_safe(v) for v in values])
        self.rows += 1
        row = self.rows
        for column, value in enumerate(values, start=1):
            cell = self.sheet.cell(row=row, column=column)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
            elif isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
        for column, status in (statuses or {}).items():
            cell = self.sheet.cell(row=row, column=column)
            cell.fill, cell.font = _status_style(status)

    def finish(self) -> None:
        self.sheet.freeze_panes = self.freeze
        self.sheet.auto_filter.ref = self.sheet.dimensions


def _date(text: str | None) -> date | str | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return text


def _units(finding: Finding) -> str:
    evidence = finding.evidence
    units: list[str] = []
    for key in ("short_periods", "lacking", "violations", "unknown"):
        value = evidence.get(key)
        if isinstance(value, list):
            units.extend(str(v) for v in value)
    return "、".join(dict.fromkeys(units))


def _summary_sheets(book: Any, summary: Rollup, lang: Lang) -> None:
    h = H[lang]
    status_heads = [pick(STATUS_TEXT[s], lang) for s in STATUSES]
    sheet = _Sheet(
        book.active,
        [h["source"], h["name"], h["id"], h["jurisdiction"], h["as_of"], h["start"], h["end"], *status_heads,
         h["mandatory_count"], h["mandatory_rules"], h["recommended_rules"]],
        [28, 30, 22, 16, 12, 12, 12, 8, 8, 8, 8, 10, 40, 30],
        freeze="C2",
    )  # fmt: skip
    sheet.sheet.title = h["summary"]
    for row in summary.institutions:
        if row.error is not None:
            message = "; ".join(str(p["message"][lang]) for p in row.error)  # type: ignore[index]
            sheet.append([row.source, f"{h['error']}: {message}"])
            continue
        period = row.period or ("", "")
        counts = [row.counts.get(s, 0) for s in STATUSES]
        sheet.append(
            [row.source, row.name, row.institution_id, " + ".join(row.jurisdiction), _date(row.as_of),
             _date(period[0]), _date(period[1]), *counts, len(row.mandatory_violations),
             ", ".join(row.mandatory_violations), ", ".join(row.recommended_violations)],
            {8: Status.NON_COMPLIANT} if row.mandatory_violations else None,
        )  # fmt: skip
    sheet.finish()

    rules = summary.rule_rows()
    rule_ids = sorted(summary.rules)
    matrix = _Sheet(
        book.create_sheet(h["matrix"]),
        [h["source"], h["name"], h["id"], *rule_ids],
        [24, 28, 20, *[14] * len(rule_ids)],
        freeze="D2",
    )
    from openpyxl.comments import Comment  # noqa: PLC0415

    # Each rule column's header says, on hover, what the obligation is.
    for column, rule_id in enumerate(rule_ids, start=4):
        rule = summary.rules[rule_id]
        note = f"{rule.title.zh}\n{rule.title.en}\n{pick(LEVEL_TEXT[rule.level.value], lang)}"
        matrix.sheet.cell(row=1, column=column).comment = Comment(printable(note, keep_newlines=True), "yiyang-rules")
    for row in summary.institutions:
        if row.error is not None:
            continue
        cells: list[Any] = [row.source, row.name, row.institution_id]
        colours: dict[int, Status] = {}
        for column, rule_id in enumerate(rule_ids, start=4):
            status = row.statuses.get(rule_id)
            cells.append(pick(STATUS_TEXT[status], lang) if status else "")
            if status is not None:
                colours[column] = status
        matrix.append(cells, colours)
    matrix.finish()

    per_rule = _Sheet(
        book.create_sheet(h["rules"]),
        [h["rule"], h["level"], h["title"], h["failing"], *status_heads[1:], h["citations"], h["quotes"]],
        [34, 8, 40, 12, 8, 8, 8, 40, 80],
        freeze="B2",
    )
    for rule in rules:
        per_rule.append(
            [
                rule.rule_id,
                pick(LEVEL_TEXT[rule.level.value], lang),
                pick(rule.title, lang),
                rule.failing,
                *(rule.counts.get(s, 0) for s in STATUSES[1:]),
                "\n".join(f"{c.document} {c.article}" for c in rule.citations),
                "\n".join(f"{c.document} {c.article}：{c.quote}" for c in rule.citations),
            ],
            {4: Status.NON_COMPLIANT} if rule.failing else None,
        )
    per_rule.finish()


def _error_sheet(book: Any, summary: Rollup, lang: Lang) -> None:
    h = H[lang]
    problems = [(row.source, p) for row in summary.institutions if row.error for p in row.error]
    if problems:
        errors = _Sheet(book.create_sheet(h["errors"]), [h["source"], h["where"], h["problem"]], [30, 30, 80])
        for source, problem in problems:
            errors.append([source, str(problem["path"]), str(problem["message"][lang])])  # type: ignore[index]
        errors.finish()


def _detail_sheets(book: Any, items: Sequence[BatchItem], lang: Lang, statuses: frozenset[Status] | None) -> None:
    h = H[lang]
    details = _Sheet(
        book.create_sheet(h["details"]),
        [h["source"], h["name"], h["id"], h["as_of"], h["rule"], h["level"], h["title"], h["reason"], h["units"],
         h["citations"], h["quotes"], h["evidence"], h["version"]],
        [24, 28, 20, 12, 30, 8, 36, 50, 24, 36, 80, 60, 10],
        freeze="C2",
    )  # fmt: skip
    need = _Sheet(
        book.create_sheet(h["need_info"]),
        [h["source"], h["name"], h["id"], h["rule"], h["level"], h["title"], h["missing"], h["reason"]],
        [24, 28, 20, 30, 8, 36, 50, 50],
        freeze="C2",
    )
    for item in items:
        report = report_of(item)
        if report is None:
            continue
        head = [source_text(item), report.institution.name, report.institution.id]
        for finding in report.findings:
            if statuses is not None and finding.status not in statuses:
                continue
            level = pick(LEVEL_TEXT[finding.level.value], lang)
            if finding.status is Status.NON_COMPLIANT:
                cites = unique_citations(finding.citations)
                details.append(
                    [*head, _date(report.as_of), finding.rule_id, level, pick(finding.title, lang),
                     pick(finding.message, lang), _units(finding),
                     "\n".join(f"{c.document} {c.article}" for c in cites),
                     "\n".join(f"{c.document} {c.article}：{c.quote}" for c in cites),
                     json.dumps(finding.evidence, ensure_ascii=False, sort_keys=True), finding.rule_version],
                    {5: Status.NON_COMPLIANT},
                )  # fmt: skip
            elif finding.status is Status.INSUFFICIENT_DATA:
                missing = "\n".join(missing_text(p, lang) for p in missing_facts(finding))
                need.append(
                    [*head, finding.rule_id, level, pick(finding.title, lang), missing, pick(finding.message, lang)],
                    {4: Status.INSUFFICIENT_DATA},
                )
    details.finish()
    need.finish()


def _workbook(summary: Rollup, items: Sequence[BatchItem] | None, options: RenderOptions) -> bytes:
    from openpyxl import Workbook  # noqa: PLC0415 - only this format needs it

    book = Workbook()
    _summary_sheets(book, summary, options.lang)
    if items is not None:
        _detail_sheets(book, items, options.lang, options.statuses)
    _error_sheet(book, summary, options.lang)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def render_summary(summary: Rollup, options: RenderOptions) -> bytes:
    return _workbook(summary, None, options)


def render(items: Sequence[BatchItem], options: RenderOptions) -> bytes:
    return _workbook(rollup(items), None if options.summary else items, options)
