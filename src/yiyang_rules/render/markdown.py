"""A Markdown report: a summary and a table of findings per snapshot, violations first, then a
"need more information" list grouped by the fact the snapshot lacks.

Data is escaped: Markdown and HTML punctuation gets a backslash or an entity, and control
characters are made visible, so an id such as ``<b>|x`` stays text in any Markdown viewer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..checks.base import Status
from .base import BatchItem, RenderOptions
from .labels import LEVEL_TEXT, STATUS_MARK, STATUS_ORDER, STATUS_TEXT, pick
from .rollup import STATUSES, Rollup, rollup
from .text import citation_line, group_by_missing, missing_text, printable, report_of, source_text, unique_citations

_SPECIAL = re.compile(r"([\\`*_\[\]|~])")

_WORDS = {
    "zh": ("机构", "适用层级", "评估日", "评估窗口", "来源", "状态", "规则", "级别", "义务", "原因", "依据",
           "需补充信息", "输入有误", "不合规机构数", "强制性违规", "其他"),
    "en": ("institution", "layers", "as of", "window", "source", "status", "rule", "level", "obligation", "reason",
           "citation", "Need more information", "Bad input", "institutions failing", "mandatory violations", "other"),
}  # fmt: skip


def md(text: object) -> str:
    """Escape one piece of data for Markdown (and the HTML a Markdown viewer would pass through)."""
    safe = printable(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _SPECIAL.sub(r"\\\1", safe)


def render_one(item: BatchItem, options: RenderOptions) -> str:
    lang = options.lang
    w = _WORDS[lang]
    report = report_of(item)
    if report is None:
        assert item.error is not None
        lines = [f"# {w[12]}: {md(source_text(item))}", ""]
        for problem in item.error.problems:
            where = f"{md(problem.path)}: " if problem.path else ""
            lines.append(f"- {where}{md(problem.message(lang))}")
        return "\n".join(lines) + "\n\n"
    lines = [
        f"# {md(report.institution.name)} ({md(report.institution.id)})",
        "",
        f"- {w[1]}: {md(' + '.join(report.jurisdiction))}",
        f"- {w[2]}: {md(report.as_of)}; {w[3]}: {md(report.period['start'])} – {md(report.period['end'])}",
        f"- {w[4]}: {md(source_text(item))}",
        "- " + ", ".join(f"{pick(STATUS_TEXT[s], lang)}: {getattr(report.summary, s.value)}" for s in STATUSES),
        "",
        f"| {w[5]} | {w[6]} | {w[7]} | {w[8]} | {w[9]} | {w[10]} |",
        "|---|---|---|---|---|---|",
    ]
    shown = [f for f in report.findings if options.statuses is None or f.status in options.statuses]
    for finding in sorted(shown, key=lambda f: (STATUS_ORDER[f.status], f.level.value, f.rule_id)):
        cite = "; ".join(dict.fromkeys(citation_line(c) for c in unique_citations(finding.citations)))
        lines.append(
            f"| {STATUS_MARK[finding.status]} {pick(STATUS_TEXT[finding.status], lang)} | {md(finding.rule_id)} "
            f"| {pick(LEVEL_TEXT[finding.level.value], lang)} | {md(pick(finding.title, lang))} "
            f"| {md(pick(finding.message, lang))} | {md(cite)} |"
        )
    if options.statuses is None or Status.INSUFFICIENT_DATA in options.statuses:
        groups = group_by_missing([report])
        if groups:
            lines += ["", f"## {w[11]}", ""]
            for path, entries in groups.items():
                rules = ", ".join(md(r) for r in dict.fromkeys(f.rule_id for _, f in entries))
                lines.append(f"- {md(missing_text(path, lang)) if path else w[15]}: {rules}")
    return "\n".join(lines) + "\n\n"


def render_summary(summary: Rollup, options: RenderOptions) -> str:
    lang = options.lang
    w = _WORDS[lang]
    marks = " | ".join(f"{STATUS_MARK[s]} {pick(STATUS_TEXT[s], lang)}" for s in STATUSES)
    lines = [f"| {w[4]} | {w[0]} | {marks} | {w[14]} |", "|---|---|" + "---|" * len(STATUSES) + "---|"]
    for row in summary.institutions:
        if row.error is not None:
            message = "; ".join(str(p["message"][lang]) for p in row.error)  # type: ignore[index]
            lines.append(f"| {md(row.source)} | {w[12]}: {md(message)} |" + " |" * (len(STATUSES) + 1))
            continue
        counts = " | ".join(str(row.counts.get(s, 0)) for s in STATUSES)
        violations = ", ".join(md(r) for r in row.mandatory_violations)
        lines.append(f"| {md(row.source)} | {md(row.name)} ({md(row.institution_id)}) | {counts} | {violations} |")
    lines += ["", f"| {w[6]} | {w[7]} | {w[13]} | {w[8]} |", "|---|---|---|---|"]
    for rule in summary.rule_rows():
        lines.append(
            f"| {md(rule.rule_id)} | {pick(LEVEL_TEXT[rule.level.value], lang)} | {rule.failing} "
            f"| {md(pick(rule.title, lang))} |"
        )
    return "\n".join(lines) + "\n"


def render(items: Sequence[BatchItem], options: RenderOptions) -> str:
    if options.summary:
        return render_summary(rollup(items), options)
    return "".join(render_one(item, options) for item in items)
