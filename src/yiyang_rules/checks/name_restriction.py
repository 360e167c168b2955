"""``name_restriction``: a term may appear in an institution's name only with qualifications.

国卫老龄发〔2024〕40号 (三): a medical institution without “养老服务” in its business scope, or an
elderly-care institution with neither a practice licence nor a clinic filing, must not use
“医养结合” in its name. Each registered kind of the institution must meet its own requirement.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from ..documents import normalise
from ..vocabulary import (
    INSTITUTION_KIND_LABELS,
    QUALIFICATION_LABELS,
    InstitutionKind,
    Qualification,
    where_to_fill_all,
)
from .base import CheckParams, Outcome, Schedule, SnapshotView, Status, current, outcome

KIND = "name_restriction"


class Params(CheckParams):
    kind: Literal["name_restriction"] = "name_restriction"
    term: str = Field(min_length=1)
    requires_any: dict[InstitutionKind, list[Qualification]] = Field(
        description="for each registered kind, the qualifications of which at least one is needed"
    )


def evaluate(schedule: Schedule[Params], view: SnapshotView) -> Outcome:
    version = current(schedule, view)
    if isinstance(version, Outcome):
        return version
    params = version.params
    institution = view.snapshot.institution
    evidence: dict[str, Any] = {"term": params.term, "name_uses_term": False}
    if normalise(params.term) not in normalise(institution.name):
        return outcome(
            Status.COMPLIANT,
            f"名称未使用“{params.term}”",
            f"the name does not use “{params.term}”",
            **evidence,
        )
    evidence["name_uses_term"] = True
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
            f"名称使用“{params.term}”，快照未提供：{where_to_fill_all(unknown).zh}",
            f"the name uses “{params.term}”; the snapshot does not give: {where_to_fill_all(unknown).en}",
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
    """Stricter means: the same term, and for every kind no more ways to qualify than before."""
    if normalise(new.term) != normalise(base.term):
        return None
    for kind, options in base.requires_any.items():
        tightened = new.requires_any.get(kind)
        if tightened is None or not set(tightened) <= set(options):
            return False
    return True
