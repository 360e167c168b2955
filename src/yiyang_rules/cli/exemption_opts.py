"""``check --exemptions FILE``: load once, apply to every report of the run, report the unused ones.

Kept apart from ``app.py`` so that the ``check`` command needs only a few lines for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import typer

from ..engine import Engine
from ..exemptions import (
    Exemption,
    ExemptionFileError,
    apply_exemptions,
    by_institution,
    load_exemptions,
    unused_institutions,
)
from ..render.exemptions_text import render_section
from ..report import Report

EXIT_BAD_INPUT = 2

# Formats whose report already carries the exemptions as data (JSON, SARIF): no text section.
_TEXT_FORMATS = {"table": False, "markdown": True}


@dataclass
class ExemptionRun:
    exemptions: tuple[Exemption, ...] = ()
    seen: set[str] = field(default_factory=set)
    grouped: dict[str, tuple[Exemption, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.grouped = by_institution(self.exemptions)

    @classmethod
    def load(cls, path: Path | None, engine: Engine, max_months: int) -> ExemptionRun:
        """Exit 2 with every problem (file:line) when the file is wrong."""
        if path is None:
            return cls()
        if max_months < 1:
            typer.echo("error: --exemption-max-months must be at least 1", err=True)
            raise typer.Exit(EXIT_BAD_INPUT)
        known = {rule.id for catalog in engine.catalogs.values() for rule in catalog.rules}
        try:
            return cls(load_exemptions(path, known, max_months))
        except ExemptionFileError as exc:
            for problem in exc.problems:
                typer.echo(f"error: {problem}", err=True)
            raise typer.Exit(EXIT_BAD_INPUT) from None

    @property
    def active(self) -> bool:
        return bool(self.exemptions)

    def apply(self, report: Report) -> Report:
        if not self.active:
            return report
        self.seen.add(report.institution.id)
        return apply_exemptions(report, self.grouped.get(report.institution.id, ()))

    def section(self, report: Report, output_format: str, lang: str) -> str:
        if not self.active or output_format not in _TEXT_FORMATS:
            return ""
        return render_section(report, lang, markdown=_TEXT_FORMATS[output_format])

    def finish(self) -> None:
        """Exemptions for institutions that no report of the run is about match nothing: say so."""
        for exemption in unused_institutions(self.exemptions, self.seen):
            e = exemption.entry
            typer.echo(
                f"warning: {exemption.source}: exemption for {e.rule} at institution {e.institution!r} "
                "matches nothing: no snapshot of this run is about that institution",
                err=True,
            )
