"""The check vocabulary: each kind is a pure function in its own module with typed parameters.

A rule file selects a kind by its ``kind`` key and fills in the parameters; nothing is evaluated
from strings. Each kind declares its time class (``base.TimeClass``); the engine alone picks the rule
version that judges each thing and hands the kind only parameters. ``KINDS`` is a plain table, built
when this module is read, with no registration side effects elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from ..declared import Spec
from . import (
    deadline_after_event,
    distinct_count,
    hazard_ledger,
    name_restriction,
    period_count,
    rate_limit,
    record_coverage,
    required_facts,
)
from .base import TimeClass, Timing, UnitCheck, WholeCheck


@dataclass(frozen=True)
class CheckKind:
    name: str
    params: Any  # a CheckParams model, or a discriminated union of them
    timing: Timing
    at_least_as_strict: Callable[[Any, Any], bool | None]
    summary: str


_TIMINGS: tuple[tuple[Any, Timing], ...] = (
    (
        period_count,
        UnitCheck(TimeClass.PERIODS, period_count.units, period_count.judge, period_count.reads, period_count.verdict),
    ),
    (rate_limit, WholeCheck(TimeClass.WINDOW, rate_limit.evaluate, rate_limit.reads, rate_limit.verdict)),
    (
        required_facts,
        WholeCheck(
            TimeClass.SNAPSHOT,
            required_facts.evaluate,
            required_facts.reads,
            required_facts.verdict,
            required_facts.compile_reads,
        ),
    ),
    (name_restriction, WholeCheck(TimeClass.SNAPSHOT, name_restriction.evaluate)),
    (deadline_after_event, UnitCheck(TimeClass.EVENTS, deadline_after_event.units, deadline_after_event.judge)),
    (
        record_coverage,
        UnitCheck(
            TimeClass.EVENTS,
            record_coverage.units,
            record_coverage.judge,
            record_coverage.reads,
            record_coverage.verdict,
        ),
    ),
    (hazard_ledger, UnitCheck(TimeClass.EVENTS, hazard_ledger.units, hazard_ledger.judge)),
    (
        distinct_count,
        WholeCheck(TimeClass.SNAPSHOT, distinct_count.evaluate, distinct_count.reads, distinct_count.verdict),
    ),
)

KINDS: dict[str, CheckKind] = {
    module.KIND: CheckKind(
        module.KIND,
        module.Params,
        timing,
        module.at_least_as_strict,
        (module.__doc__ or "").strip().splitlines()[0],
    )
    for module, timing in _TIMINGS
}

AnyCheck = Annotated[
    period_count.Params
    | rate_limit.Params
    | required_facts.Params
    | name_restriction.Params
    | deadline_after_event.Params
    | record_coverage.Params
    | hazard_ledger.Params
    | distinct_count.Params,
    Spec(discriminator="kind"),
]

__all__ = ["KINDS", "AnyCheck", "CheckKind"]
