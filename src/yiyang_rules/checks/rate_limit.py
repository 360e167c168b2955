"""``rate_limit``: a measured rate must stay within a bound (inclusive by default).

“控制在5%以内” includes 5% itself. Exact arithmetic (fractions), so 2/40 is exactly 5%. A zero
denominator is ``insufficient_data``. A window measure: the engine judges it only if one version of
the rule was in force for the whole evaluation window (docs/semantics.md, "Time").
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Annotated, Literal

from ..declared import Spec
from ..vocabulary import Label
from .base import CheckParams, Outcome, SnapshotView, Status, missing, outcome

KIND = "rate_limit"


class Measure(StrEnum):
    PRESSURE_ULCER_GRADE2_PLUS_INCIDENCE = "pressure_ulcer_grade2_plus_incidence"
    STAFF_TRAINING_COVERAGE = "staff_training_coverage"


class Bound(StrEnum):
    AT_MOST = "at_most"
    AT_LEAST = "at_least"


_MEASURES: dict[Measure, tuple[str, Label]] = {
    Measure.PRESSURE_ULCER_GRADE2_PLUS_INCIDENCE: (
        "quality.pressure_ulcers",
        Label("Ⅱ度及以上压疮新发生率", "incidence of new grade II+ pressure ulcers"),
    ),
    Measure.STAFF_TRAINING_COVERAGE: (
        "quality.training",
        Label("管理人员、专业技术人员培训覆盖率", "training coverage of managers and professional staff"),
    ),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Params(CheckParams):
    kind: Literal["rate_limit"] = "rate_limit"
    measure: Annotated[Measure, Spec("the rate measured, from the snapshot's quality section")]
    bound: Annotated[Bound, Spec("at_most: the rate may not exceed the limit; at_least: may not fall below")] = (
        Bound.AT_MOST
    )
    limit: Annotated[Decimal, Spec("a ratio: 0.05 for 5%", ge=0, le=1)]
    inclusive: Annotated[bool, Spec("whether the limit itself is allowed (控制在5%以内 includes 5%)")] = True


def _fraction(view: SnapshotView, measure: Measure) -> tuple[int, int] | None:
    quality = view.snapshot.quality
    if quality is None:
        return None
    if measure is Measure.PRESSURE_ULCER_GRADE2_PLUS_INCIDENCE:
        ulcers = quality.pressure_ulcers
        return None if ulcers is None else (ulcers.new_grade2_plus, ulcers.residents)
    training = quality.training
    return None if training is None else (training.staff_trained, training.staff_in_scope)


def _within(value: Fraction, params: Params) -> bool:
    limit = Fraction(params.limit)
    if params.bound is Bound.AT_MOST:
        return value <= limit if params.inclusive else value < limit
    return value >= limit if params.inclusive else value > limit


def _percent(value: Fraction) -> str:
    return f"{float(value) * 100:.2f}%"


def reads(params: Params, view: SnapshotView) -> tuple[int, int] | None:
    """Everything :func:`verdict` depends on: the measure's numerator and denominator (None: the
    snapshot does not give them)."""
    return _fraction(view, params.measure)


def evaluate(params: Params, view: SnapshotView) -> Outcome:
    """The window's measure, under the version the engine chose (in force for the whole window)."""
    return verdict(params, reads(params, view))


def verdict(params: Params, pair: tuple[int, int] | None) -> Outcome:
    """The outcome from the readings alone (:func:`reads`)."""
    field_path, label = _MEASURES[params.measure]
    if pair is None:
        return missing(field_path, label.zh + "数据", label.en + " data")
    numerator, denominator = pair
    limit_text = _percent(Fraction(params.limit))
    evidence = {
        "measure": params.measure.value,
        "numerator": numerator,
        "denominator": denominator,
        "limit": str(params.limit),
        "bound": params.bound.value,
        "inclusive": params.inclusive,
    }
    if denominator == 0:
        return outcome(
            Status.INSUFFICIENT_DATA,
            f"{label.zh}：分母为0，无法计算",
            f"{label.en}: the denominator is 0, so there is no rate",
            **evidence,
        )
    value = Fraction(numerator, denominator)
    evidence["rate"] = _percent(value)
    relation_zh = "不超过" if params.bound is Bound.AT_MOST else "不低于"
    relation_en = "at most" if params.bound is Bound.AT_MOST else "at least"
    if _within(value, params):
        return outcome(
            Status.COMPLIANT,
            f"{label.zh} {numerator}/{denominator} = {_percent(value)}，{relation_zh}{limit_text}",
            f"{label.en} {numerator}/{denominator} = {_percent(value)}, {relation_en} {limit_text}",
            **evidence,
        )
    return outcome(
        Status.NON_COMPLIANT,
        f"{label.zh} {numerator}/{denominator} = {_percent(value)}，应{relation_zh}{limit_text}",
        f"{label.en} {numerator}/{denominator} = {_percent(value)}, should be {relation_en} {limit_text}",
        **evidence,
    )


def at_least_as_strict(new: Params, base: Params) -> bool | None:
    if new.measure != base.measure or new.bound != base.bound:
        return None
    if new.limit == base.limit:
        return new.inclusive <= base.inclusive
    return new.limit < base.limit if new.bound is Bound.AT_MOST else new.limit > base.limit
