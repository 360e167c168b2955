"""What every renderer receives: the items of a run (a report, or the input error in its place) and
the options the user chose. Shared by the command line (which builds the items), the renderers (which
format them) and any other front end (the service).

A renderer module exposes ``render(items, options) -> str | bytes`` for a whole run; renderers whose
output can be streamed one snapshot at a time (JSON Lines, table, markdown) also expose
``render_one(item, options) -> str``, so a batch of thousands is never held in memory for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from ..checks.base import Status
from ..errors import InputError
from ..sourceref import SourceRef

if TYPE_CHECKING:
    # Only named: the JSON path of ``yiyang check`` carries items without importing the report
    # models (and pydantic with them).
    from ..report import Report

Lang = Literal["zh", "en"]
FailOn = Literal["mandatory", "recommended", "insufficient"]


@dataclass(frozen=True)
class RenderOptions:
    lang: Lang = "zh"
    # Only findings with these statuses are shown (``--status``); None shows all.
    statuses: frozenset[Status] | None = None
    # A roll-up (one row per institution and per rule) instead of, or before, the reports.
    summary: bool = False
    # Terminal width for the table (None: ask the terminal), and whether to colour it.
    width: int | None = None
    color: bool = False
    # What fails the run (``--fail-on``): formats with a pass/fail notion (JUnit) fail exactly these.
    fail_on: FailOn = "mandatory"


@dataclass(frozen=True)
class BatchItem:
    """One input of a run: either its report or the input error that stopped it. ``source`` says
    where it came from (the file, and the line number in a ``.jsonl`` batch)."""

    source: SourceRef
    report: Report | None = None
    error: InputError | None = None

    def __post_init__(self) -> None:
        if (self.report is None) == (self.error is None):
            raise ValueError("a batch item holds exactly one of a report and an error")
