"""The exemptions part of a human-readable report: what each exemption did, shown separately from
the findings (which keep their real status)."""

from __future__ import annotations

from ..report import ExemptionOutcome, Report
from .labels import pick

STATE_TEXT: dict[str, tuple[str, str]] = {
    "applied": ("已适用", "applied"),
    "expired": ("已到期", "expired"),
    "not_yet_granted": ("未生效", "not yet in effect"),
    "unmatched": ("未匹配", "matches nothing"),
}


def outcome_line(outcome: ExemptionOutcome, lang: str) -> str:
    a = outcome.approval
    state = STATE_TEXT[outcome.state][1 if lang == "en" else 0]
    unit = a.unit or ("整项" if lang != "en" else "whole finding")
    where = f"  ({a.source})" if a.source else ""
    return f"  [{state}] {a.rule} / {unit}: {pick(outcome.message, lang)}{where}"


def render_section(report: Report, lang: str = "zh", markdown: bool = False) -> str:
    """Empty when the report was made without exemptions or none names this institution."""
    if not report.exemptions:
        return ""
    head = "豁免（整改期）" if lang != "en" else "Exemptions"
    lines = [f"## {head}" if markdown else f"{head}:"]
    lines.extend(("-" + line[1:]) if markdown else line for line in (outcome_line(o, lang) for o in report.exemptions))
    return "\n".join(lines) + "\n\n"
