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
a heavy library (rich, openpyxl) until a renderer runs, and a format's module is imported only
when its functions are first asked for (``yiyang check -f json`` imports no HTML, XML or xlsx code).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import cast

from .base import BatchItem, RenderOptions
from .rollup import Rollup


@dataclass(frozen=True)
class Renderer:
    name: str
    description: str
    module: str  # the module of this package that renders the format, imported on first use
    has_render_one: bool = False
    has_render_summary: bool = False
    binary: bool = False

    def _functions(self) -> ModuleType:
        return importlib.import_module(f"{__name__}.{self.module}")

    @property
    def render(self) -> Callable[[Sequence[BatchItem], RenderOptions], str | bytes]:
        return cast("Callable[[Sequence[BatchItem], RenderOptions], str | bytes]", self._functions().render)

    @property
    def render_one(self) -> Callable[[BatchItem, RenderOptions], str] | None:
        if not self.has_render_one:
            return None
        return cast("Callable[[BatchItem, RenderOptions], str]", self._functions().render_one)

    @property
    def render_summary(self) -> Callable[[Rollup, RenderOptions], str | bytes] | None:
        if not self.has_render_summary:
            return None
        return cast("Callable[[Rollup, RenderOptions], str | bytes]", self._functions().render_summary)

    @property
    def streaming(self) -> bool:
        """Whether items can be written one at a time with ``render_one``."""
        return self.has_render_one


RENDERERS: dict[str, Renderer] = {
    r.name: r
    for r in (
        Renderer("table", "a readable table for the terminal (default)", "table", True, True),
        Renderer(
            "json", "the report JSON, one report (or error record) per line: JSON Lines", "json_lines", True, True
        ),
        Renderer("markdown", "a Markdown report for tickets and wikis", "markdown", True, True),
        Renderer("html", "a self-contained, printable HTML report (自查报告)", "html", False, True),
        Renderer("xlsx", "an Excel workbook for inspectors (needs -o)", "xlsx", False, True, True),
        Renderer("junit", "JUnit XML, one testsuite per snapshot, for CI dashboards", "junit"),
        Renderer("sarif", "one SARIF 2.1.0 log, for code-scanning dashboards", "sarif"),
    )
}


__all__ = ["RENDERERS", "BatchItem", "RenderOptions", "Renderer", "Rollup"]
