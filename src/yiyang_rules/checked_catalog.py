"""What checking a snapshot reads of a compiled catalog, and nothing more: each rule's id, level,
applicability, check kind and schedule, and the report JSON fragments rendered once per catalog.

A :class:`~.catalog.Catalog` also holds what the rules commands, the docs, the examples and the
report model read (titles and citations as the rule files' models, examples with whole snapshots,
history, sources): pydantic objects. The engine keeps this form beside it, cached on its own
(catalog_cache.py), so that ``yiyang check --format json`` and ``Engine.check_json`` load neither
those models nor pydantic; the full catalogs are loaded when something asks for them
(``Engine.catalogs``, the report model path). Both are compiled from the same rules in one go.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .checks import KINDS, CheckKind
from .checks.base import Schedule
from .conditions import Condition
from .levels import Level

if TYPE_CHECKING:
    from .catalog import Catalog, CompiledRule
    from .report_json import CatalogJson


@dataclass(frozen=True)
class CheckedRule:
    """One compiled rule as the engine evaluates it (the fields of :class:`~.catalog.CompiledRule`
    it reads, the same objects)."""

    id: str
    level: Level
    applies_to: Condition
    kind_name: str  # a key of checks.KINDS: the kind's functions are code, not cached data
    schedule: Schedule[Any]

    @property
    def kind(self) -> CheckKind:
        return KINDS[self.kind_name]

    @classmethod
    def of(cls, rule: CompiledRule) -> CheckedRule:
        return cls(rule.id, rule.level, rule.applies_to, rule.kind.name, rule.schedule)


@dataclass(frozen=True)
class CheckedCatalog:
    """One layer's compiled rules as the engine evaluates them, in the catalog's order, with the
    report's fragments (report_json.py) of every rule."""

    layers: tuple[str, ...]
    rules: tuple[CheckedRule, ...]
    json: CatalogJson

    @classmethod
    def of(cls, catalog: Catalog) -> CheckedCatalog:
        from .report_json import CatalogJson  # noqa: PLC0415 - report_json reads this module

        return cls(catalog.layers, tuple(CheckedRule.of(rule) for rule in catalog.rules), CatalogJson.of(catalog))


class LazyCatalogs(Mapping[str, "Catalog"]):
    """The full catalogs by layer, loaded the first time one is asked for: the layer names are known
    from the start (those of the checked catalogs), so listing or testing them loads nothing.
    Read-only, like the mapping it stands for; safe to share between threads."""

    def __init__(self, layers: tuple[str, ...], load: Callable[[], Mapping[str, Catalog]]) -> None:
        self._layers = layers
        self._load: Callable[[], Mapping[str, Catalog]] | None = load
        self._loaded: Mapping[str, Catalog] | None = None
        self._lock = threading.Lock()

    def _catalogs(self) -> Mapping[str, Catalog]:
        loaded = self._loaded
        if loaded is None:
            with self._lock:
                if self._loaded is None:
                    assert self._load is not None
                    self._loaded = self._load()
                    self._load = None  # what it held (the cache entry's bytes) can go
                loaded = self._loaded
        return loaded

    def __getitem__(self, layer: str) -> Catalog:
        if layer not in self._layers:
            raise KeyError(layer)
        return self._catalogs()[layer]

    def __contains__(self, layer: object) -> bool:
        return layer in self._layers

    def __iter__(self) -> Iterator[str]:
        return iter(self._layers)

    def __len__(self) -> int:
        return len(self._layers)

    def __repr__(self) -> str:
        state = "loaded" if self._loaded is not None else "not loaded yet"
        return f"LazyCatalogs({list(self._layers)!r}, {state})"
