"""A terminal table: status, rule id, title and a one-line reason, violations first."""

from __future__ import annotations

import shutil
from io import StringIO

from ..checks.base import Status
from ..report import Report
from .labels import LEVEL_TEXT, STATUS_MARK, STATUS_ORDER, STATUS_TEXT, pick

_STYLE = {
    Status.COMPLIANT: "green",
    Status.NON_COMPLIANT: "bold red",
    Status.INSUFFICIENT_DATA: "yellow",
    Status.NOT_APPLICABLE: "dim",
}

_HEAD = {
    "zh": ("状态", "规则", "级别", "义务", "原因", "机构", "适用层级", "评估日", "评估窗口"),
    "en": ("status", "rule", "level", "obligation", "reason", "institution", "layers", "as of", "window"),
}


def render(report: Report, lang: str = "zh", width: int | None = None, color: bool = False) -> str:
    head = _HEAD["en" if lang == "en" else "zh"]
    # rich is imported here, not at module level: `--format json` batches never pay for it.
    from rich.console import Console  # noqa: PLC0415
    from rich.table import Table  # noqa: PLC0415

    # The terminal's width when there is one (COLUMNS is honoured), else 160: a line per finding.
    width = width or max(100, shutil.get_terminal_size((160, 24)).columns)
    buffer = StringIO()
    console = Console(file=buffer, width=width, force_terminal=color, color_system="standard" if color else None)
    console.print(
        f"{head[5]}: {report.institution.name} ({report.institution.id})  "
        f"{head[6]}: {' + '.join(report.jurisdiction)}  {head[7]}: {report.as_of}  "
        f"{head[8]}: {report.period['start']} – {report.period['end']}",
        highlight=False,
        markup=False,
    )
    table = Table(show_lines=False, expand=False)
    for name in head[:5]:
        table.add_column(name, overflow="fold")
    for finding in sorted(report.findings, key=lambda f: (STATUS_ORDER[f.status], f.level.value, f.rule_id)):
        table.add_row(
            f"{STATUS_MARK[finding.status]} {pick(STATUS_TEXT[finding.status], lang)}",
            finding.rule_id,
            pick(LEVEL_TEXT[finding.level.value], lang),
            pick(finding.title, lang),
            pick(finding.message, lang),
            style=_STYLE[finding.status],
        )
    console.print(table)
    counts = report.summary
    parts = [
        f"{pick(STATUS_TEXT[s], lang)} {getattr(counts, s.value)}"
        for s in (Status.NON_COMPLIANT, Status.INSUFFICIENT_DATA, Status.COMPLIANT, Status.NOT_APPLICABLE)
    ]
    console.print(" · ".join(parts), highlight=False, markup=False)
    return buffer.getvalue()
