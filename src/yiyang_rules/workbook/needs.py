"""Which facts a jurisdiction's rules need, found from the compiled rules themselves.

Two ways, joined: the fact paths written in a rule (its ``applies_to`` and every version's check
parameters), and what each rule reports missing when checked against a snapshot that says nothing
(a check kind may read a fact its parameters do not name, as ``hazard_ledger`` reads
``policies.hazard_ledger``). Reads no workbook library: ``yiyang rules facts`` uses it too.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, fields, is_dataclass
from datetime import date
from typing import Any

from ..catalog import Catalog, CompiledRule
from ..checks.base import SnapshotView
from ..conditions import FactTest, fact_path_field, holds, validate_fact_path
from ..engine import judge
from ..facts import Facts, Institution, Window
from ..vocabulary import (
    FIELD_LABELS,
    SHEET_LABELS,
    InstitutionKind,
    Label,
    fact_label,
    generic_path,
    sheet_of,
    where_to_fill,
)


@dataclass(frozen=True)
class Need:
    """One fact and the rules that read it."""

    path: str  # as in a finding's ``missing``: ``practices.cooperation_mechanism``
    label: Label
    sheet: Label
    place: Label
    rules: tuple[CompiledRule, ...]


def _fact_paths(value: Any) -> Iterator[str]:
    """Every string in a rule's parameters or condition that is a fact path."""
    if isinstance(value, FactTest):
        yield value.fact
    elif is_dataclass(value) and not isinstance(value, type):  # parameters and conditions
        for item in fields(value):
            yield from _fact_paths(getattr(value, item.name))
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _fact_paths(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _fact_paths(item)
    elif isinstance(value, str) and "." in value:
        try:
            validate_fact_path(value)
        except ValueError:
            return
        yield value


def _blank(day: date) -> Facts:
    institution = Institution(
        id="-", name="-", province="北京市", kinds=[InstitutionKind.ELDERLY_CARE, InstitutionKind.MEDICAL]
    )
    return Facts(schema_version="1", period=Window(start=day, end=day), institution=institution)


def _read_by(rule: CompiledRule) -> set[str]:
    paths = {fact_path_field(p) for p in _fact_paths(rule.applies_to)}
    paths |= set(holds(rule.applies_to, _blank(rule.schedule.first_day)).missing)
    for version in rule.schedule.versions:
        paths |= {fact_path_field(p) for p in _fact_paths(version.params)}
        view = SnapshotView.of(_blank(version.start), version.start)
        result = judge(rule.kind, rule.schedule, view)
        paths |= {p for p in result.evidence.get("missing", ()) if isinstance(p, str)}
    return paths


def _label(path: str) -> Label:
    found = fact_label(path.removeprefix("institution."))
    if found.zh != path.removeprefix("institution."):
        return found
    return FIELD_LABELS.get(path) or SHEET_LABELS.get(path) or Label(path, path)


def needs(catalog: Catalog) -> list[Need]:
    """Every yes/no fact the catalog's rules read, in the order of the rules that first read it."""
    readers: dict[str, list[CompiledRule]] = {}
    for rule in catalog.rules:
        for path in sorted(_read_by(rule)):
            if "[" in path or generic_path(path) != path:
                continue
            readers.setdefault(path, []).append(rule)
    return [Need(p, _label(p), sheet_of(p), where_to_fill(p), tuple(rules)) for p, rules in readers.items()]
