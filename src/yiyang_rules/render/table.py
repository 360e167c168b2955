"""A terminal table: violations first, then what needs data, then the rest; a "need more
information" section groups the insufficient-data findings by the fact the snapshot lacks.

At 100 columns and more each finding is a table row; below, a stacked layout (one block per
finding) avoids wrapping every cell into a column of single characters. Colour only when the
front end asks for it (a TTY, and ``NO_COLOR`` unset); ``NO_COLOR`` is honoured here too.

Every string from a snapshot or a report goes into rich as a ``Text`` (never parsed as markup) after
:func:`~.text.printable` (control characters made visible).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from io import StringIO
from typing import TYPE_CHECKING

from ..checks.base import Status
from ..report import Finding, Report
from .base import BatchItem, Lang, RenderOptions
from .labels import LEVEL_TEXT, STATUS_MARK, STATUS_ORDER, STATUS_TEXT, pick
from .rollup import STATUSES, Rollup, rollup
from .text import (
    citation_line,
    group_by_missing,
    missing_text,
    printable,
    report_of,
    source_text,
    unique_citations,
)

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

# Below this many columns the five-column table wraps every cell; findings are stacked instead.
STACK_BELOW = 100

_STYLE = {
    Status.COMPLIANT: "green",
    Status.NON_COMPLIANT: "bold red",
    Status.INSUFFICIENT_DATA: "yellow",
    Status.NOT_APPLICABLE: "dim",
}

_WORDS = {
    "zh": {
        "status": "状态",
        "rule": "规则",
        "level": "级别",
        "obligation": "义务",
        "reason": "原因",
        "citation": "依据",
        "institution": "机构",
        "layers": "适用层级",
        "as_of": "评估日",
        "window": "评估窗口",
        "source": "来源",
        "need_info": "需补充信息（按快照缺少的信息归组）",
        "other": "其他",
        "error": "输入有误",
        "hidden": "条结论未按 --status 显示",
        "failing": "不合规机构数",
        "mandatory_violations": "强制性违规",
        "inputs": "输入",
        "checked": "已检查",
        "input_errors": "输入错误",
        "with_mandatory_violations": "有强制性违规的机构",
    },
    "en": {
        "status": "status",
        "rule": "rule",
        "level": "level",
        "obligation": "obligation",
        "reason": "reason",
        "citation": "citation",
        "institution": "institution",
        "layers": "layers",
        "as_of": "as of",
        "window": "window",
        "source": "source",
        "need_info": "Need more information (grouped by what the snapshot lacks)",
        "other": "other",
        "error": "bad input",
        "hidden": "finding(s) hidden by --status",
        "failing": "institutions failing",
        "mandatory_violations": "mandatory violations",
        "inputs": "inputs",
        "checked": "checked",
        "input_errors": "input errors",
        "with_mandatory_violations": "with mandatory violations",
    },
}


def _console(options: RenderOptions, buffer: StringIO) -> tuple[Console, int]:
    # rich is imported here, not at module level: `--format json` batches never pay for it.
    from rich.console import Console  # noqa: PLC0415

    width = options.width or shutil.get_terminal_size((160, 24)).columns
    color = options.color and not os.environ.get("NO_COLOR")
    console = Console(
        file=buffer,
        width=width,
        force_terminal=color,
        no_color=not color,
        color_system="standard" if color else None,
        highlight=False,
        emoji=False,
        markup=False,
    )
    return console, width


def _data(text: object, style: str = "") -> Text:
    from rich.text import Text  # noqa: PLC0415

    return Text(printable(text), style=style)


def _shown(report: Report, options: RenderOptions) -> list[Finding]:
    findings = [f for f in report.findings if options.statuses is None or f.status in options.statuses]
    return sorted(findings, key=lambda f: (STATUS_ORDER[f.status], f.level.value, f.rule_id))


def _citations(finding: Finding) -> str:
    return "; ".join(dict.fromkeys(citation_line(c) for c in unique_citations(finding.citations)))


def _header(console: Console, report: Report, words: dict[str, str], source: str) -> None:
    console.print(
        _data(
            f"{words['institution']}: {report.institution.name} ({report.institution.id})  "
            f"{words['layers']}: {' + '.join(report.jurisdiction)}  {words['as_of']}: {report.as_of}  "
            f"{words['window']}: {report.period['start']} – {report.period['end']}  {words['source']}: {source}",
            "bold",
        )
    )


def _wide(console: Console, findings: list[Finding], lang: Lang, words: dict[str, str]) -> None:
    from rich.table import Table  # noqa: PLC0415

    table = Table(show_lines=False, expand=False)
    for key in ("status", "rule", "level", "obligation", "reason", "citation"):
        table.add_column(words[key], overflow="fold")
    for finding in findings:
        table.add_row(
            _data(f"{STATUS_MARK[finding.status]} {pick(STATUS_TEXT[finding.status], lang)}"),
            _data(finding.rule_id),
            _data(pick(LEVEL_TEXT[finding.level.value], lang)),
            _data(pick(finding.title, lang)),
            _data(pick(finding.message, lang)),
            _data(_citations(finding)),
            style=_STYLE[finding.status],
        )
    console.print(table)


def _stacked(console: Console, findings: list[Finding], lang: Lang, words: dict[str, str]) -> None:
    for finding in findings:
        style = _STYLE[finding.status]
        console.print(
            _data(
                f"{STATUS_MARK[finding.status]} {pick(STATUS_TEXT[finding.status], lang)} · "
                f"{pick(LEVEL_TEXT[finding.level.value], lang)} · {finding.rule_id}",
                style,
            )
        )
        console.print(_data(f"  {pick(finding.title, lang)}"))
        console.print(_data(f"  {words['reason']}: {pick(finding.message, lang)}"))
        cites = _citations(finding)
        if cites:
            console.print(_data(f"  {words['citation']}: {cites}", "dim"))


def _need_info(console: Console, report: Report, options: RenderOptions, words: dict[str, str]) -> None:
    if options.statuses is not None and Status.INSUFFICIENT_DATA not in options.statuses:
        return
    groups = group_by_missing([report])
    if not groups:
        return
    console.print()
    console.print(_data(words["need_info"], "bold yellow"))
    for path, entries in groups.items():
        label = missing_text(path, options.lang) if path else words["other"]
        console.print(_data(f"  • {label}", "yellow"))
        console.print(_data("      " + ", ".join(dict.fromkeys(f.rule_id for _, f in entries))))


def _counts_line(report: Report, lang: Lang) -> str:
    return " · ".join(f"{pick(STATUS_TEXT[s], lang)} {getattr(report.summary, s.value)}" for s in STATUSES)


def render_one(item: BatchItem, options: RenderOptions) -> str:
    buffer = StringIO()
    console, width = _console(options, buffer)
    words = _WORDS[options.lang]
    report = report_of(item)
    if report is None:
        assert item.error is not None
        for problem in item.error.problems:
            where = f"{problem.path}: " if problem.path else ""
            console.print(
                _data(f"{words['error']}: {source_text(item)}: {where}{problem.message(options.lang)}", "bold red")
            )
        console.print()
        return buffer.getvalue()
    _header(console, report, words, source_text(item))
    findings = _shown(report, options)
    (_stacked if width < STACK_BELOW else _wide)(console, findings, options.lang, words)
    _need_info(console, report, options, words)
    line = _counts_line(report, options.lang)
    hidden = len(report.findings) - len(findings)
    if hidden:
        line += f"  ({hidden} {words['hidden']})"
    console.print(_data(line))
    console.print()
    return buffer.getvalue()


def render_summary(summary: Rollup, options: RenderOptions) -> str:
    from rich.table import Table  # noqa: PLC0415

    buffer = StringIO()
    console, width = _console(options, buffer)
    words = _WORDS[options.lang]
    lang = options.lang
    institutions = Table(title=_data(words["institution"], "bold"), expand=False)
    narrow = width < STACK_BELOW
    columns = [words["source"], words["institution"]] if not narrow else [words["institution"]]
    for name in (*columns, *(STATUS_MARK[s] for s in STATUSES), words["mandatory_violations"]):
        institutions.add_column(name, overflow="fold")
    for row in summary.institutions:
        first = [_data(row.source)] if not narrow else []
        if row.error is not None:
            message = "; ".join(str(p["message"][lang]) for p in row.error)  # type: ignore[index]
            institutions.add_row(*first, _data(f"{words['error']}: {message}", "bold red"), *[_data("")] * 5)
            continue
        institutions.add_row(
            *first,
            _data(f"{row.name} ({row.institution_id})"),
            *(_data(row.counts.get(s, 0), _STYLE[s] if row.counts.get(s, 0) else "") for s in STATUSES),
            _data(", ".join(row.mandatory_violations), "bold red"),
        )
    console.print(institutions)
    rules = Table(title=_data(words["rule"], "bold"), expand=False)
    for name in (words["rule"], words["level"], words["failing"], *(STATUS_MARK[s] for s in STATUSES[1:])):
        rules.add_column(name, overflow="fold")
    if not narrow:
        rules.add_column(words["obligation"], overflow="fold")
    for rule in summary.rule_rows():
        cells = [
            _data(rule.rule_id),
            _data(pick(LEVEL_TEXT[rule.level.value], lang)),
            _data(rule.failing, "bold red" if rule.failing else ""),
            *(_data(rule.counts.get(s, 0)) for s in STATUSES[1:]),
        ]
        if not narrow:
            cells.append(_data(pick(rule.title, lang)))
        rules.add_row(*cells)
    console.print(rules)
    totals = summary.totals()
    console.print(_data(" · ".join(f"{words[k]} {v}" for k, v in totals.items()), "bold"))
    return buffer.getvalue()


def render(items: Sequence[BatchItem], options: RenderOptions) -> str:
    if options.summary:
        return render_summary(rollup(items), options)
    return "".join(render_one(item, options) for item in items)
