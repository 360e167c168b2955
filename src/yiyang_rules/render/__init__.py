"""Report renderers: a registry of ``render(report, lang) -> str`` functions, one per format.

Renderers depend on the core (the report model); the core never imports them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..report import Report
from . import json_lines, markdown, sarif, table


@dataclass(frozen=True)
class Renderer:
    name: str
    render: Callable[[Report, str], str]
    description: str


RENDERERS: dict[str, Renderer] = {
    r.name: r
    for r in (
        Renderer("table", table.render, "a readable table for the terminal (default)"),
        Renderer("json", json_lines.render, "the contract's report JSON, one report per line"),
        Renderer("markdown", markdown.render, "a Markdown report for tickets and wikis"),
        Renderer("sarif", sarif.render, "SARIF 2.1.0, for code-scanning dashboards"),
    )
}

__all__ = ["RENDERERS", "Renderer"]
