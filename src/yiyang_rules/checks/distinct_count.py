"""``distinct_count``: at least N distinct items, optionally spread over at least M categories.

国卫办老龄发〔2025〕29号 (十一): “4类6项以上的中医适宜技术” — at least 6 techniques in at least 4
categories. Names and categories are compared after NFKC and whitespace removal.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ..documents import normalise
from .base import CheckParams, Outcome, Schedule, SnapshotView, Status, current, missing, outcome

KIND = "distinct_count"


class Params(CheckParams):
    kind: Literal["distinct_count"] = "distinct_count"
    records: Literal["tcm_techniques"] = "tcm_techniques"
    min_items: int = Field(ge=1)
    min_categories: int | None = Field(default=None, ge=1)


def evaluate(schedule: Schedule[Params], view: SnapshotView) -> Outcome:
    version = current(schedule, view)
    if isinstance(version, Outcome):
        return version
    params = version.params
    techniques = view.snapshot.tcm_techniques
    if techniques is None:
        return missing("tcm_techniques", "中医适宜技术清单", "the list of TCM techniques")
    names = sorted({normalise(t.name) for t in techniques})
    categories = sorted({normalise(t.category) for t in techniques})
    evidence = {
        "items": len(names),
        "categories": len(categories),
        "category_names": categories,
        "min_items": params.min_items,
        "min_categories": params.min_categories,
    }
    need_zh = (f"{params.min_categories}类" if params.min_categories else "") + f"{params.min_items}项以上"
    need_en = f"at least {params.min_items} items" + (
        f" in at least {params.min_categories} categories" if params.min_categories else ""
    )
    enough = len(names) >= params.min_items and (
        params.min_categories is None or len(categories) >= params.min_categories
    )
    status = Status.COMPLIANT if enough else Status.NON_COMPLIANT
    verb_zh, verb_en = ("达到", "meets") if enough else ("未达到", "falls short of")
    return outcome(
        status,
        f"开展{len(categories)}类{len(names)}项，{verb_zh}{need_zh}",
        f"{len(names)} items in {len(categories)} categories {verb_en} {need_en}",
        **evidence,
    )


def at_least_as_strict(new: Params, base: Params) -> bool | None:
    if new.min_items < base.min_items:
        return False
    if base.min_categories is None:
        return True
    return new.min_categories is not None and new.min_categories >= base.min_categories
