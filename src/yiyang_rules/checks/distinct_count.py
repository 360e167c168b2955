"""``distinct_count``: at least N distinct items, optionally spread over at least M categories.

国卫办老龄发〔2025〕29号 (十一): “4类6项以上的中医适宜技术” — at least 6 techniques in at least 4
categories. Names and categories are compared after NFKC and whitespace removal.

A technique belongs to one category. The same technique listed under several categories is a data
conflict, never extra categories: the check counts the categories every possible reading gives
(``low``: only techniques listed under one category) and the most any one reading can give
(``high``: each technique assigned to one of its categories, a bipartite matching). If even ``low``
meets the requirement it is met; if not even ``high`` does, it is not; otherwise the conflict
decides the outcome and the answer is ``insufficient_data`` until the list is corrected. Conflicts
are always listed in the evidence (``category_conflicts``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from ..declared import Spec
from ..documents import normalise
from .base import CheckParams, Outcome, SnapshotView, Status, missing, outcome

KIND = "distinct_count"


@dataclass(frozen=True, slots=True, kw_only=True)
class Params(CheckParams):
    kind: Literal["distinct_count"] = "distinct_count"
    records: Annotated[Literal["tcm_techniques"], Spec("the records counted")] = "tcm_techniques"
    min_items: Annotated[int, Spec("at least this many distinct items (by name)", ge=1)]
    min_categories: Annotated[int | None, Spec("spread over at least this many categories", ge=1)] = None


def _max_matching(options: dict[str, set[str]]) -> int:
    """How many categories can be covered when each technique counts in one of its categories."""
    owner: dict[str, str] = {}

    def place(name: str, seen: set[str]) -> bool:
        for category in sorted(options[name]):
            if category in seen:
                continue
            seen.add(category)
            if category not in owner or place(owner[category], seen):
                owner[category] = name
                return True
        return False

    return sum(1 for name in sorted(options) if place(name, set()))


def category_bounds(pairs: Iterable[tuple[str, str]]) -> tuple[int, int, dict[str, list[str]]]:
    """(categories certain under every reading, the most any reading gives, the conflicts) for
    (technique, category) pairs, compared after normalisation."""
    options: dict[str, set[str]] = {}
    for name, category in pairs:
        options.setdefault(normalise(name), set()).add(normalise(category))
    certain = {next(iter(cats)) for cats in options.values() if len(cats) == 1}
    conflicts = {name: sorted(cats) for name, cats in sorted(options.items()) if len(cats) > 1}
    return len(certain), _max_matching(options), conflicts


# Everything the outcome depends on (:func:`reads`): each technique's (name, category) as listed;
# None: the snapshot does not list them.
Readings = tuple[tuple[str, str], ...]


def reads(params: Params, view: SnapshotView) -> Readings | None:
    techniques = view.snapshot.tcm_techniques
    if techniques is None:
        return None
    return tuple([(t.name, t.category) for t in techniques])


def evaluate(params: Params, view: SnapshotView) -> Outcome:
    """The list as it stands on ``as_of``, under the version the engine chose."""
    return verdict(params, reads(params, view))


def verdict(params: Params, techniques: Readings | None) -> Outcome:
    """The outcome from the readings alone (:func:`reads`)."""
    if techniques is None:
        return missing("tcm_techniques", "中医适宜技术清单", "the list of TCM techniques")
    names = sorted({normalise(name) for name, _ in techniques})
    low, high, conflicts = category_bounds(techniques)
    certain_categories = sorted(
        {normalise(category) for name, category in techniques if normalise(name) not in conflicts}
    )
    evidence: dict[str, Any] = {
        "items": len(names),
        "categories": low,
        "category_names": certain_categories,
        "min_items": params.min_items,
        "min_categories": params.min_categories,
    }
    if conflicts:
        evidence["category_conflicts"] = conflicts
        evidence["categories_at_most"] = high
    need_zh = (f"{params.min_categories}类" if params.min_categories else "") + f"{params.min_items}项以上"
    need_en = f"at least {params.min_items} items" + (
        f" in at least {params.min_categories} categories" if params.min_categories else ""
    )
    enough_items = len(names) >= params.min_items
    need = params.min_categories
    if enough_items and need is not None and low < need <= high:
        listed = "；".join(f"{name}（{'、'.join(cats)}）" for name, cats in conflicts.items())
        listed_en = "; ".join(f"{name} ({', '.join(cats)})" for name, cats in conflicts.items())
        return outcome(
            Status.INSUFFICIENT_DATA,
            f"同一技术列在多个类别：{listed}；每项技术只能计入一类，类别数为{low}至{high}，"
            f"能否达到{need_zh}取决于其归类，请更正清单",
            f"techniques listed under several categories: {listed_en}; each counts in one category only, "
            f"so there are {low} to {high} categories and whether {need_en} is met depends on the list's "
            "correction",
            missing=["tcm_techniques"],
            **evidence,
        )
    enough = enough_items and (need is None or low >= need)
    status = Status.COMPLIANT if enough else Status.NON_COMPLIANT
    verb_zh, verb_en = ("达到", "meets") if enough else ("未达到", "falls short of")
    counted = low if enough or not conflicts else high
    note_zh = "（同一技术列在多个类别的，只计一类）" if conflicts else ""
    note_en = " (a technique listed under several categories counts in one)" if conflicts else ""
    return outcome(
        status,
        f"开展{counted}类{len(names)}项，{verb_zh}{need_zh}{note_zh}",
        f"{len(names)} items in {counted} categories {verb_en} {need_en}{note_en}",
        **evidence,
    )


def at_least_as_strict(new: Params, base: Params) -> bool | None:
    if new.min_items < base.min_items:
        return False
    if base.min_categories is None:
        return True
    return new.min_categories is not None and new.min_categories >= base.min_categories
