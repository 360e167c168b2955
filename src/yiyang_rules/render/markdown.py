"""A Markdown report: a summary and one section per finding that needs attention."""

from __future__ import annotations

from ..checks.base import Status
from ..report import Report
from .labels import STATUS_MARK, STATUS_ORDER, STATUS_TEXT, pick


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(report: Report, lang: str = "zh") -> str:
    lines = [
        f"# {report.institution.name} ({report.institution.id})",
        "",
        f"- jurisdiction: {' + '.join(report.jurisdiction)}",
        f"- as of: {report.as_of}; window: {report.period['start']} – {report.period['end']}",
        "- " + ", ".join(f"{s.value}: {getattr(report.summary, s.value)}" for s in Status),
        "",
        "| status | rule | obligation | reason | citation |",
        "|---|---|---|---|---|",
    ]
    for finding in sorted(report.findings, key=lambda f: (STATUS_ORDER[f.status], f.rule_id)):
        cite = "; ".join(f"{c.document} {c.article}" for c in finding.citations)
        lines.append(
            f"| {STATUS_MARK[finding.status]} {pick(STATUS_TEXT[finding.status], lang)} | `{finding.rule_id}` "
            f"| {_cell(pick(finding.title, lang))} | {_cell(pick(finding.message, lang))} | {_cell(cite)} |"
        )
    return "\n".join(lines) + "\n\n"
