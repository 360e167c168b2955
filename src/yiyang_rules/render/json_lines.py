"""The contract's report JSON, compact, one report per line (so batches are JSON Lines)."""

from __future__ import annotations

from ..report import Report


def render(report: Report, lang: str = "zh") -> str:
    return report.model_dump_json() + "\n"
