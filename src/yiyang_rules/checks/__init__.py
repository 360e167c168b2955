"""The check vocabulary: each kind is a pure function in its own module with typed parameters.

A rule file selects a kind by its ``kind`` key and fills in the parameters; nothing is evaluated
from strings. ``KINDS`` is a plain table, built when this module is read, with no registration
side effects elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import Field

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
from .base import CheckParams, Outcome, Schedule, SnapshotView


@dataclass(frozen=True)
class CheckKind:
    name: str
    params: type[CheckParams]
    evaluate: Callable[[Schedule[Any], SnapshotView], Outcome]
    at_least_as_strict: Callable[[Any, Any], bool | None]
    summary: str


KINDS: dict[str, CheckKind] = {
    module.KIND: CheckKind(
        module.KIND,
        module.Params,
        module.evaluate,
        module.at_least_as_strict,
        (module.__doc__ or "").strip().splitlines()[0],
    )
    for module in (
        period_count,
        rate_limit,
        required_facts,
        name_restriction,
        deadline_after_event,
        record_coverage,
        hazard_ledger,
        distinct_count,
    )
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
    Field(discriminator="kind"),
]

__all__ = ["KINDS", "AnyCheck", "CheckKind"]
