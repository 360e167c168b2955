"""``name_restriction``: a term may appear in an institution's name only with qualifications.

国卫老龄发〔2024〕40号 (三): a medical institution without “养老服务” in its business scope, or an
elderly-care institution with neither a practice licence nor a clinic filing, must not use
“医养结合”**等**可能产生歧义或者误导公众的名称 in its name. Each registered kind of the institution
must meet its own requirement.

The 等 reaches beyond the literal term, but whether another name misleads is a human judgement. So a
name with a listed close variant (``similar_terms``, e.g. 医养) is judged like the term when the
institution holds the qualifications (``compliant``: it may use the term itself), and otherwise is
``insufficient_data`` with ``needs_review: true`` — never ``compliant``, never a mechanical violation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from ..declared import Spec
from ..documents import normalise
from ..vocabulary import (
    INSTITUTION_KIND_LABELS,
    QUALIFICATION_LABELS,
    InstitutionKind,
    Qualification,
)
from .base import CheckParams, Outcome, SnapshotView, Status, outcome, places_to_fill

KIND = "name_restriction"


@dataclass(frozen=True, slots=True, kw_only=True)
class Params(CheckParams):
    kind: Literal["name_restriction"] = "name_restriction"
    term: Annotated[str, Spec("the term restricted in an institution's name (医养结合)", min_length=1)]
    requires_any: Annotated[
        dict[InstitutionKind, list[Qualification]],
        Spec("for each registered kind, the qualifications of which at least one is needed"),
    ]
    similar_terms: Annotated[
        list[str],
        Spec(
            "close variants (e.g. 医养) that may mislead as the term does: a name with one, held by an "
            "institution without the qualifications, is insufficient_data flagged for review"
        ),
    ] = field(default_factory=list)


def _qualification_gaps(params: Params, view: SnapshotView) -> tuple[list[str], list[str]]:
    """The registered kinds that lack every qualifying option, and the unknown qualification fields."""
    institution = view.snapshot.institution
    lacking: list[str] = []
    unknown: list[str] = []
    for kind in institution.kinds:
        needed = params.requires_any.get(kind)
        if not needed:
            continue
        values = [getattr(institution.qualifications, q.value) for q in needed]
        if any(v is True for v in values):
            continue
        if all(v is False for v in values):
            lacking.append(kind.value)
        else:
            unknown.extend(
                f"institution.qualifications.{q.value}" for q, v in zip(needed, values, strict=True) if v is None
            )
    return lacking, unknown


def _similar_term_outcome(params: Params, view: SnapshotView, variant: str) -> Outcome:
    lacking, unknown = _qualification_gaps(params, view)
    evidence: dict[str, Any] = {"term": params.term, "name_uses_term": False, "similar_term": variant}
    if not lacking and not unknown:
        return outcome(
            Status.COMPLIANT,
            f"名称使用与“{params.term}”相近的“{variant}”，机构具备相应资质",
            f"the name uses “{variant}”, close to “{params.term}”, and the institution holds the qualifications",
            **evidence,
        )
    if lacking:
        return outcome(
            Status.INSUFFICIENT_DATA,
            f"名称使用与“{params.term}”相近的“{variant}”，机构不具备使用“{params.term}”的资质；"
            "是否属于可能产生歧义或者误导公众的名称，需人工判定",
            f"the name uses “{variant}”, close to “{params.term}”, without the qualifications to use "
            f"“{params.term}”: whether it may mislead the public needs a human review",
            needs_review=True,
            lacking_for=lacking,
            **evidence,
        )
    return outcome(
        Status.INSUFFICIENT_DATA,
        f"名称使用与“{params.term}”相近的“{variant}”，快照未提供：{'、'.join(unknown)}",
        f"the name uses “{variant}”, close to “{params.term}”; the snapshot does not give: {', '.join(unknown)}",
        needs_review=True,
        missing=unknown,
        **evidence,
    )


def evaluate(params: Params, view: SnapshotView) -> Outcome:
    """The name as registered on ``as_of``, under the version the engine chose."""
    institution = view.snapshot.institution
    evidence: dict[str, Any] = {"term": params.term, "name_uses_term": False}
    name = normalise(institution.name)
    if normalise(params.term) not in name:
        variant = next((v for v in params.similar_terms if normalise(v) in name), None)
        if variant is not None:
            return _similar_term_outcome(params, view, variant)
        return outcome(
            Status.COMPLIANT,
            f"名称未使用“{params.term}”",
            f"the name does not use “{params.term}”",
            **evidence,
        )
    evidence["name_uses_term"] = True
    lacking, unknown = _qualification_gaps(params, view)
    if lacking:
        parts_zh = [
            f"{INSTITUTION_KIND_LABELS[InstitutionKind(k)].zh}缺少"
            + "或".join(QUALIFICATION_LABELS[q].zh for q in params.requires_any[InstitutionKind(k)])
            for k in lacking
        ]
        parts_en = [
            f"as {INSTITUTION_KIND_LABELS[InstitutionKind(k)].en} it lacks "
            + " or ".join(QUALIFICATION_LABELS[q].en for q in params.requires_any[InstitutionKind(k)])
            for k in lacking
        ]
        return outcome(
            Status.NON_COMPLIANT,
            f"名称使用“{params.term}”，但{'；'.join(parts_zh)}",
            f"the name uses “{params.term}” but {'; '.join(parts_en)}",
            lacking_for=lacking,
            **evidence,
        )
    if unknown:
        return outcome(
            Status.INSUFFICIENT_DATA,
            f"名称使用“{params.term}”，快照未提供：{places_to_fill(unknown).zh}",
            f"the name uses “{params.term}”; the snapshot does not give: {places_to_fill(unknown).en}",
            missing=unknown,
            **evidence,
        )
    return outcome(
        Status.COMPLIANT,
        f"名称使用“{params.term}”，且具备相应资质",
        f"the name uses “{params.term}” and the institution holds the qualifications",
        **evidence,
    )


def at_least_as_strict(new: Params, base: Params) -> bool | None:
    """Stricter means: the same term, at least the same close variants, and for every kind no more
    ways to qualify than before."""
    if normalise(new.term) != normalise(base.term):
        return None
    if not {normalise(t) for t in base.similar_terms} <= {normalise(t) for t in new.similar_terms}:
        return False  # fewer names sent for review
    for kind, options in base.requires_any.items():
        tightened = new.requires_any.get(kind)
        if tightened is None or not set(tightened) <= set(options):
            return False
    return True
