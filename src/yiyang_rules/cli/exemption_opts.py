"""``check --exemptions FILE``: the file read once, before any input, with the engine's rule ids.

Applying the exemptions to each report, the text section after each report and the warning about
exemptions for no institution of the run all live in :mod:`.batch`, which every input goes through.
"""

from __future__ import annotations

from pathlib import Path

import typer

from ..engine import Engine
from ..exemptions import Exemption, ExemptionFileError, load_exemptions

EXIT_BAD_INPUT = 2


def load_exemption_file(path: Path, engine: Engine, max_months: int) -> tuple[Exemption, ...]:
    """Exit 2 with every problem (file:line) when the file is wrong."""
    if max_months < 1:
        typer.echo("error: --exemption-max-months must be at least 1", err=True)
        raise typer.Exit(EXIT_BAD_INPUT)
    known = engine.rule_ids
    try:
        return load_exemptions(path, known, max_months)
    except ExemptionFileError as exc:
        for problem in exc.problems:
            typer.echo(f"error: {problem}", err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None
