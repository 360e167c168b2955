"""``required_facts``: written systems, plans, facilities or practices that must (not) be in place.

Each item names a fact path (``policies.emergency_plan``) and the value it must have; ``when``
restricts an item to some institutions (Shaanxi's physical separation binds medical institutions
only). An unknown fact is ``insufficient_data``; a wrong one is ``non_compliant``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Literal

from ..conditions import (
    Condition,
    FactPath,
    compile_condition,
    fact_path_field,
    fact_reader,
)
from ..declared import FORBID_EXTRA, Spec
from ..vocabulary import fact_label, sheet_of
from .base import CheckParams, Outcome, SnapshotView, Status, outcome, places_to_fill

KIND = "required_facts"


@dataclass(frozen=True, slots=True, kw_only=True)
class FactRequirement:
    __pydantic_config__: ClassVar[dict[str, Any]] = FORBID_EXTRA
    fact: Annotated[
        FactPath,
        Spec("a fact path: policies.<key>, facilities.<key>, practices.<key> or qualifications.<key>"),
    ]
    expected: Annotated[bool, Spec("the value the fact must have (false: must not be so)")] = True
    when: Annotated[Condition | None, Spec("only institutions of this condition need the fact")] = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Params(CheckParams):
    kind: Literal["required_facts"] = "required_facts"
    facts: Annotated[list[FactRequirement], Spec("every one of these must hold", min_length=1)]


def _describe(requirement: FactRequirement) -> tuple[str, str]:
    label = fact_label(requirement.fact)
    sheet = sheet_of(requirement.fact)
    zh, en = f"{label.zh}（「{sheet.zh}」）", f"{label.en} (the “{sheet.en}” sheet)"
    if requirement.expected:
        return zh, en
    return f"不得存在：{zh}", f"must not: {en}"


# One reading per requirement: (whether it applies: True, False or None when unknown; the fields
# that leave that unknown; the fact's value, None when unknown or not read).
Reading = tuple[bool | None, tuple[str, ...], bool | None]


def reads(params: Params, view: SnapshotView) -> tuple[Reading, ...]:
    """Everything :func:`verdict` depends on: each requirement's ``when`` and its fact. The engine
    prepares :func:`compile_reads` once per version; this is the same for a single call."""
    return compile_reads(params)(view)


# The reading of an item that applies, by its fact's value: shared, not built per snapshot.
_APPLIES: dict[bool | None, Reading] = {value: (True, (), value) for value in (True, False, None)}
_ONE: dict[bool | None, tuple[Reading, ...]] = {value: (reading,) for value, reading in _APPLIES.items()}


def compile_reads(params: Params) -> Callable[[SnapshotView], tuple[Reading, ...]]:
    """The readings for one version's parameters, each item's condition and fact path prepared
    once, so a memo lookup costs little more than building its key."""
    readers = tuple(fact_reader(r.fact) for r in params.facts)
    if len(params.facts) == 1 and params.facts[0].when is None:
        # Most rules name one fact: its three readings, built once.
        (read,) = readers

        def single(view: SnapshotView) -> tuple[Reading, ...]:
            return _ONE[read(view.snapshot)]

        return single
    if all(r.when is None for r in params.facts):

        def unconditional(view: SnapshotView) -> tuple[Reading, ...]:
            snapshot = view.snapshot
            return tuple([_APPLIES[read(snapshot)] for read in readers])

        return unconditional
    steps = tuple(
        (None if r.when is None else compile_condition(r.when), read)
        for r, read in zip(params.facts, readers, strict=True)
    )

    def conditional(view: SnapshotView) -> tuple[Reading, ...]:
        snapshot, memo, as_of = view.snapshot, view.predicate_memo, view.as_of
        out: list[Reading] = []
        for when, read in steps:
            if when is not None:
                applies = when(snapshot, memo, as_of)
                if applies.value is not True:
                    out.append((applies.value, applies.missing, None))
                    continue
            out.append(_APPLIES[read(snapshot)])
        return tuple(out)

    return conditional


def evaluate(params: Params, view: SnapshotView) -> Outcome:
    """Facts as they stand on ``as_of``, under the version the engine chose (in force on ``as_of``)."""
    return verdict(params, reads(params, view))


def verdict(params: Params, readings: tuple[Reading, ...]) -> Outcome:
    """The outcome from the readings alone (:func:`reads`)."""
    items: list[dict[str, Any]] = []
    failed: list[FactRequirement] = []
    unknown: list[str] = []
    for requirement, (applies, unknown_when, value) in zip(params.facts, readings, strict=True):
        if applies is False:
            continue
        if applies is None:
            unknown.extend(unknown_when)
            continue
        items.append({"fact": requirement.fact, "expected": requirement.expected, "actual": value})
        if value is None:
            unknown.append(fact_path_field(requirement.fact))
        elif value != requirement.expected:
            failed.append(requirement)
    if failed:
        zh = "；".join(_describe(r)[0] for r in failed)
        en = "; ".join(_describe(r)[1] for r in failed)
        return outcome(
            Status.NON_COMPLIANT,
            f"不符合：{zh}",
            f"not met: {en}",
            facts=items,
            failed=[r.fact for r in failed],
            **({"missing": unknown} if unknown else {}),
        )
    if unknown:
        places = places_to_fill(unknown)
        return outcome(
            Status.INSUFFICIENT_DATA,
            f"快照未提供：{places.zh}",
            f"the snapshot does not give: {places.en}",
            facts=items,
            missing=unknown,
        )
    if not items:
        return outcome(
            Status.NOT_APPLICABLE, "本机构不适用其中任何一项", "none of the items applies to this institution"
        )
    checked = {i["fact"] for i in items}
    zh = "；".join(_describe(r)[0] for r in params.facts if r.fact in checked)
    en = "; ".join(_describe(r)[1] for r in params.facts if r.fact in checked)
    return outcome(Status.COMPLIANT, f"符合：{zh}", f"met: {en}", facts=items)


def at_least_as_strict(new: Params, base: Params) -> bool | None:
    """Stricter means: every unconditional base requirement is still required unconditionally."""
    required = {(r.fact, r.expected) for r in new.facts if r.when is None}
    return all((r.fact, r.expected) in required for r in base.facts if r.when is None)
