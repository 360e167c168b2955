"""Report renderers: a registry of output formats, one module each.

Every format renders a whole run: ``render(items, options) -> str | bytes``, where ``items`` are the
run's :class:`~.base.BatchItem` (a report, or the input error in its place) in input order.

- ``streaming`` formats (JSON Lines, table, Markdown) also have ``render_one(item, options) -> str``:
  a front end writes each item as it comes, so a batch of thousands is never held in memory.
- ``binary`` formats (xlsx) return bytes and need a file (``-o``).
- formats with ``render_summary(rollup, options)`` render the roll-up (``--summary``): a front end
  feeds each item to a :class:`~.rollup.Rollup` (counts only, small) and renders it at the end.
  ``render(items, options)`` with ``options.summary`` gives the same text from a list.

Renderers depend on the core (the report model); the core never imports them. Nothing here imports
a heavy library (rich, openpyxl) until a renderer runs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from . import html, json_lines, junit, markdown, sarif, table, xlsx
from .base import BatchItem, RenderOptions
from .rollup import Rollup


@dataclass(frozen=True)
class Renderer:
    name: str
    description: str
    render: Callable[[Sequence[BatchItem], RenderOptions], str | bytes]
    render_one: Callable[[BatchItem, RenderOptions], str] | None = None
    render_summary: Callable[[Rollup, RenderOptions], str | bytes] | None = None
    binary: bool = False

    @property
    def streaming(self) -> bool:
        """Whether items can be written one at a time with ``render_one``."""
        return self.render_one is not None


RENDERERS: dict[str, Renderer] = {
    r.name: r
    for r in (
        Renderer(
            "table",
            "a readable table for the terminal (default)",
            table.render,
            table.render_one,
            table.render_summary,
        ),
        Renderer(
            "json",
            "the report JSON, one report (or error record) per line: JSON Lines",
            json_lines.render,
            json_lines.render_one,
            json_lines.render_summary,
        ),
        Renderer(
            "markdown",
            "a Markdown report for tickets and wikis",
            markdown.render,
            markdown.render_one,
            markdown.render_summary,
        ),
        Renderer("html", "a self-contained, printable HTML report (自查报告)", html.render, None, html.render_summary),
        Renderer("xlsx", "an Excel workbook for inspectors (needs -o)", xlsx.render, None, xlsx.render_summary, True),
        Renderer("junit", "JUnit XML, one testsuite per snapshot, for CI dashboards", junit.render),
        Renderer("sarif", "one SARIF 2.1.0 log, for code-scanning dashboards", sarif.render),
    )
}

__all__ = ["RENDERERS", "BatchItem", "RenderOptions", "Renderer", "Rollup"]
