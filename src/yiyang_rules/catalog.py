"""Compile what :mod:`yiyang_rules.loading` read, layer by layer, into immutable catalogs.

A layer's catalog is compiled along its chain (national → province → city): national rules, then
each layer's overlays and own rules (any id not below). *restate* keeps the rule and adds the
layer's citations; *tighten* replaces the check from the overlay's first in-force day on (earlier
periods keep the versions below); *retire* removes the rule from that layer and the layers above.
The reading functions are re-exported here for callers that import them from this module.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import timedelta
from functools import cached_property
from pathlib import Path
from typing import Any

from .checks import KINDS, CheckKind
from .checks.base import Schedule, ScheduledVersion
from .conditions import Condition
from .frozen import FrozenDict, FrozenList
from .jurisdiction import NATIONAL
from .levels import Level, OverlayOperation
from .loading import (
    PACK_FILE,
    RULE_SUFFIXES,
    LayerPack,
    LoadedRules,
    RuleSource,
    load_pack,
    load_rules,
    read_rule_file,
    with_bundled,
    with_bundled_national,
)
from .report import CitationOut, Text
from .rulefile import (
    Citation,
    Example,
    Localized,
    Restate,
    Retire,
    Rule,
    RuleVersion,
    Tighten,
    version_spans,
)


@dataclass(frozen=True)
class VersionInfo:
    version: str
    start: Any
    until: Any
    basis: str
    layer: str
    changes: str | None


@dataclass(frozen=True)
class CompiledRule:
    id: str
    title: Localized
    level: Level
    applies_to: Condition
    citations: tuple[Citation, ...]
    kind: CheckKind
    schedule: Schedule[Any]
    layers: tuple[str, ...]
    operation: OverlayOperation | None
    history: tuple[VersionInfo, ...]
    examples: tuple[tuple[str, Example], ...] = field(repr=False)
    sources: tuple[Path, ...] = field(repr=False)
    overlay_base: str | None = None  # the version below that the last overlay was written against
    notes: str | None = None  # the maintainers' notes: the last layer's that has any

    # Built once per compiled rule and shared by its findings (all frozen): the hot path of a
    # batch builds only what differs between snapshots.
    @cached_property
    def report_title(self) -> Text:
        return Text.model_construct(zh=self.title.zh, en=self.title.en)

    @cached_property
    def report_citations(self) -> tuple[CitationOut, ...]:
        return tuple(
            CitationOut.model_construct(document=c.document, article=c.article, quote=c.quote) for c in self.citations
        )


@dataclass(frozen=True)
class Catalog:
    """The compiled rules of one jurisdiction. Immutable; safe to share between threads."""

    layers: tuple[str, ...]
    rules: tuple[CompiledRule, ...]
    retired: tuple[str, ...] = ()

    def get(self, rule_id: str) -> CompiledRule | None:
        return next((r for r in self.rules if r.id == rule_id), None)


def _schedule(
    spans: Iterable[tuple[RuleVersion, Any, Any, str]],
) -> tuple[Schedule[Any], tuple[VersionInfo, ...]]:
    versions = []
    history = []
    for version, start, until, layer in spans:
        versions.append(ScheduledVersion(version.version, start, until, version.check))
        history.append(VersionInfo(version.version, start, until, version.in_force.basis, layer, version.changes))
    return Schedule(tuple(versions)), tuple(history)


def _own_rule(source: RuleSource, rule: Rule) -> CompiledRule:
    schedule, history = _schedule((v, s, u, source.layer) for v, s, u in version_spans(rule.versions))
    return CompiledRule(
        id=rule.id,
        title=rule.title,
        level=rule.level,
        applies_to=rule.applies_to,
        citations=tuple(rule.citations),
        kind=KINDS[rule.versions[0].check.kind],
        schedule=schedule,
        layers=(source.layer,),
        operation=None,
        history=history,
        examples=tuple((source.layer, e) for e in rule.examples),
        sources=(source.path,),
        notes=rule.notes,
    )


def _apply_overlay(base: CompiledRule, overlay: RuleSource, rule: Restate | Tighten | Retire) -> CompiledRule | None:
    operation = rule.overlay.operation
    if isinstance(rule, Retire):
        return None
    examples = base.examples + tuple((overlay.layer, e) for e in rule.examples)
    common: dict[str, Any] = {
        "citations": base.citations + tuple(rule.citations),
        "layers": (*base.layers, overlay.layer),
        "operation": operation,
        "examples": examples,
        "sources": (*base.sources, overlay.path),
        "overlay_base": rule.overlay.base_version,
        "notes": rule.notes or base.notes,
    }
    if isinstance(rule, Restate):
        return CompiledRule(
            id=base.id,
            title=rule.title or base.title,
            level=base.level,
            applies_to=base.applies_to,
            kind=base.kind,
            schedule=base.schedule,
            history=base.history,
            **common,
        )
    first = rule.versions[0].in_force.from_
    kind = KINDS[rule.versions[0].check.kind]
    # National versions keep judging the periods before the province's version took effect (a
    # tighten keeps the check kind; validation reports one that does not, and it keeps nothing).
    kept_versions: list[ScheduledVersion[Any]] = []
    kept_history: list[VersionInfo] = []
    for scheduled, info in zip(base.schedule.versions, base.history, strict=True):
        if scheduled.start >= first or kind is not base.kind:
            continue
        day_before = first - timedelta(days=1)
        until = scheduled.until if scheduled.until is not None and scheduled.until < first else day_before
        kept_versions.append(ScheduledVersion(scheduled.version, scheduled.start, until, scheduled.params))
        kept_history.append(VersionInfo(info.version, info.start, until, info.basis, info.layer, info.changes))
    schedule, history = _schedule((v, s, u, overlay.layer) for v, s, u in version_spans(rule.versions))
    return CompiledRule(
        id=base.id,
        title=rule.title or base.title,
        level=rule.level or base.level,
        applies_to=rule.applies_to if rule.applies_to is not None else base.applies_to,
        kind=kind,
        schedule=Schedule((*kept_versions, *schedule.versions)),
        history=(*kept_history, *history),
        **common,
    )


def _freeze(value: Any, seen: set[int]) -> Any:
    """``value`` with every list and dict inside it (through pydantic models and dataclasses: the
    parameters and conditions)
    replaced by a frozen one, in place: frozen models stop reassignment, not ``params.x.append``."""
    if isinstance(value, (FrozenList, FrozenDict)) or id(value) in seen:
        return value
    if isinstance(value, list):
        return FrozenList(_freeze(item, seen) for item in value)
    if isinstance(value, tuple):
        return tuple(_freeze(item, seen) for item in value)
    if isinstance(value, dict):
        return FrozenDict({key: _freeze(item, seen) for key, item in value.items()})
    if hasattr(type(value), "model_fields"):  # a pydantic model (citations, examples), not imported here
        seen.add(id(value))
        for name in type(value).model_fields:
            current = getattr(value, name)
            frozen = _freeze(current, seen)
            if frozen is not current:
                object.__setattr__(value, name, frozen)
    elif is_dataclass(value) and not isinstance(value, type):
        seen.add(id(value))
        for item in fields(value):
            current = getattr(value, item.name)
            frozen = _freeze(current, seen)
            if frozen is not current:
                object.__setattr__(value, item.name, frozen)
    return value


def compile_catalog(loaded: LoadedRules, layers: tuple[str, ...]) -> Catalog:
    """National rules, then each further layer's overlays and own rules, in order (``layers`` is a
    chain, :meth:`LoadedRules.chain`)."""
    compiled: dict[str, CompiledRule] = {
        rid: _own_rule(s, s.rule) for rid, s in sorted(loaded.layer(NATIONAL).items()) if isinstance(s.rule, Rule)
    }
    retired: list[str] = []
    for layer in layers:
        if layer == NATIONAL:
            continue
        for rule_id, source in sorted(loaded.layer(layer).items()):
            rule = source.rule
            if isinstance(rule, Rule):
                if rule_id not in compiled:
                    compiled[rule_id] = _own_rule(source, rule)
                continue
            base = compiled.get(rule_id)
            if base is None:
                continue  # reported by validation: an overlay whose base is missing
            result = _apply_overlay(base, source, rule)
            if result is None:
                del compiled[rule_id]
                retired.append(rule_id)
            else:
                compiled[rule_id] = result
    seen: set[int] = set()
    for compiled_rule in compiled.values():
        _freeze(compiled_rule, seen)
    return Catalog(layers=layers, rules=tuple(compiled.values()), retired=tuple(retired))


def compile_all(loaded: LoadedRules) -> dict[str, Catalog]:
    """One catalog per layer, each compiled along its chain; keyed by layer name."""
    return {layer: compile_catalog(loaded, loaded.chain(layer)) for layer in loaded.layers}


# Reading lives in loading.py; its names stay importable from here, as before the split.
__all__ = [
    "NATIONAL",
    "PACK_FILE",
    "RULE_SUFFIXES",
    "Catalog",
    "CompiledRule",
    "FrozenDict",
    "FrozenList",
    "LayerPack",
    "LoadedRules",
    "RuleSource",
    "VersionInfo",
    "compile_all",
    "compile_catalog",
    "load_pack",
    "load_rules",
    "read_rule_file",
    "with_bundled",
    "with_bundled_national",
]
