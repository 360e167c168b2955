"""Load rule files strictly and compile them, layer by layer, into immutable catalogs.

``rules/national`` holds the base rules; ``rules/<province>`` holds that province's overlays (a
file whose stem is a national id) and its own rules (any other stem). Compiling applies the
overlays: *restate* keeps the rule and adds the province's citations; *tighten* replaces the
check from the overlay's first in-force day on (earlier periods keep the national version);
*retire* removes the rule from that province.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import timedelta
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pydantic import BaseModel, ValidationError

from .checks import KINDS, CheckKind
from .checks.base import Schedule, ScheduledVersion
from .conditions import Condition
from .errors import Problem, format_loc
from .jurisdiction import NATIONAL as NATIONAL  # noqa: PLC0414 - re-exported: the lowest layer
from .report import CitationOut, Text
from .resources import rules_dir
from .rulefile import (
    RULE_FILE,
    AnyRuleFile,
    Citation,
    Example,
    Level,
    Localized,
    OverlayOperation,
    PackFile,
    Restate,
    Retire,
    Rule,
    RuleVersion,
    Tighten,
    version_spans,
)
from .yamlfile import LoadedYaml, YamlError, load_yaml_file

# Rule files end in .yaml or .yml, in any case (Windows tools save `.YAML`): all of them are read,
# so that no rule is skipped silently; two spellings of one id are a duplicate id.
RULE_SUFFIXES = frozenset({".yaml", ".yml"})


@dataclass(frozen=True)
class RuleSource:
    """One rule file as read from disk."""

    path: Path
    layer: str
    rule: AnyRuleFile
    yaml: LoadedYaml

    def line_of(self, *loc: str | int) -> int | None:
        return self.yaml.line_of(loc)


PACK_FILE = "pack.yaml"
SOURCES_FOLDER = "sources"


@dataclass(frozen=True)
class LayerPack:
    """One layer folder: where it sits (``pack.yaml``) and whether it brings its own documents."""

    name: str
    folder: Path
    parent: str | None  # None for national
    region_code: str | None = None
    title: Localized | None = None

    @property
    def sources(self) -> Path | None:
        """``<layer>/sources/`` when it holds a ``registry.yaml``: the layer's own documents."""
        folder = self.folder / SOURCES_FOLDER
        return folder if (folder / "registry.yaml").is_file() else None


@dataclass(frozen=True)
class LoadedRules:
    sources: tuple[RuleSource, ...]
    problems: tuple[Problem, ...]
    packs: Mapping[str, LayerPack] = field(default_factory=dict)

    def layer(self, name: str) -> dict[str, RuleSource]:
        return {s.rule.id: s for s in self.sources if s.layer == name}

    @property
    def layers(self) -> tuple[str, ...]:
        """Every layer, each after the layers below it (national first)."""
        names = {s.layer for s in self.sources} | set(self.packs)
        names.discard(NATIONAL)
        return (NATIONAL, *sorted(names, key=lambda n: (len(self.chain(n)), n)))

    def parent(self, name: str) -> str | None:
        if name == NATIONAL:
            return None
        pack = self.packs.get(name)
        return pack.parent if pack is not None else NATIONAL

    def chain(self, name: str) -> tuple[str, ...]:
        """The layers that make ``name``'s catalog, national first: ``(national, hebei, shijiazhuang)``.
        A parent that is missing or a loop ends the chain at national (``load_rules`` reports it)."""
        chain = [name]
        current = name
        while current != NATIONAL:
            parent = self.parent(current)
            if parent is None or parent in chain or (parent != NATIONAL and parent not in self._known):
                chain.append(NATIONAL)
                break
            chain.append(parent)
            current = parent
        return tuple(reversed(chain))

    @property
    def _known(self) -> set[str]:
        return {s.layer for s in self.sources} | set(self.packs) | {NATIONAL}

    def source_folders(self, name: str) -> tuple[Path, ...]:
        """The folders of own documents along ``name``'s chain, lowest first."""
        return tuple(
            folder for layer in self.chain(name) if (pack := self.packs.get(layer)) and (folder := pack.sources)
        )

    def region_layers(self) -> dict[str, str]:
        """Layers bound to an area below a province: region_code → layer."""
        return {pack.region_code: name for name, pack in self.packs.items() if pack.region_code is not None}


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


def _data_path(data: Any, loc: tuple[str | int, ...]) -> tuple[str | int, ...]:
    """Drop pydantic's union tags (``period_count``, ``function-after[...]``) from an error location,
    keeping the keys that exist in the file, and a final key that does not (an unknown key)."""
    kept: list[str | int] = []
    current = data
    for index, part in enumerate(loc):
        present = (isinstance(current, dict) and part in current) or (
            isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current)
        )
        if present:
            current = current[part]
            kept.append(part)
        elif index == len(loc) - 1:
            kept.append(part)
    return tuple(kept)


# What a key that does not belong to a shape is told (pydantic says only "extra inputs").
_SHAPE_WORDS = {
    "rule": "a rule (a file without overlay)",
    "restate": "a restate overlay (it leaves the rule unchanged)",
    "tighten": "a tighten overlay",
    "retire": "a retire overlay (it removes the rule)",
}


def _problem_from_validation(path: Path, loaded: LoadedYaml, error: ValidationError) -> list[Problem]:
    problems = []
    for item in error.errors():
        raw_loc = tuple(item["loc"])
        loc = _data_path(loaded.data, raw_loc)
        where = format_loc(loc)
        message = item["msg"]
        if item["type"] == "extra_forbidden" and raw_loc and raw_loc[0] in _SHAPE_WORDS and len(raw_loc) == 2:
            message = f"{message}: {_SHAPE_WORDS[str(raw_loc[0])]} has no {raw_loc[1]}"
        elif item["type"] == "overlay_operation":
            loc = ("overlay", "operation") if isinstance(loaded.data.get("overlay"), dict) else ("overlay",)
            where = format_loc(loc)
        if where:
            message = f"{where}: {message}"
        problems.append(Problem(str(path), loaded.line_of(loc), message))
    return problems


def read_rule_file(path: Path, layer: str, root: Path | None = None) -> tuple[RuleSource | None, list[Problem]]:
    """One rule file, or the problems that keep it from loading. Only a regular file (inside
    ``root`` when given) is read; see :func:`yamlfile.read_regular_file`."""
    try:
        loaded = load_yaml_file(path, root)
    except YamlError as exc:
        return None, [Problem(str(path), exc.line, exc.message)]
    except OSError as exc:
        return None, [Problem(str(path), None, f"cannot read: {exc.strerror or exc}")]
    if not isinstance(loaded.data, dict):
        return None, [Problem(str(path), 1, "a rule file is a YAML mapping with id, title, level, …")]
    try:
        rule = RULE_FILE.validate_python(loaded.data)
    except ValidationError as exc:
        return None, _problem_from_validation(path, loaded, exc)
    problems = []
    if rule.id != path.stem:
        problems.append(
            Problem(str(path), loaded.line_of(("id",)), f"id {rule.id!r} differs from the file stem {path.stem!r}")
        )
    return RuleSource(path, layer, rule, loaded), problems


def _read_pack_file(layer_dir: Path, root: Path) -> tuple[LayerPack, list[Problem]]:
    path = layer_dir / PACK_FILE
    default = LayerPack(layer_dir.name, layer_dir, None if layer_dir.name == NATIONAL else NATIONAL)
    if not path.exists():
        return default, []
    try:
        loaded = load_yaml_file(path, root)
    except YamlError as exc:
        return default, [Problem(str(path), exc.line, exc.message)]
    except OSError as exc:
        return default, [Problem(str(path), None, f"cannot read: {exc.strerror or exc}")]
    try:
        pack = PackFile.model_validate(loaded.data if loaded.data is not None else {})
    except ValidationError as exc:
        return default, _problem_from_validation(path, loaded, exc)
    if layer_dir.name == NATIONAL:
        return default, [Problem(str(path), loaded.line_of(("parent",)), "national is the lowest layer: no pack.yaml")]
    return LayerPack(layer_dir.name, layer_dir, pack.parent, pack.region_code, pack.title), []


def _chain_problems(loaded: LoadedRules) -> list[Problem]:
    problems = []
    known = {s.layer for s in loaded.sources} | set(loaded.packs) | {NATIONAL}
    for name, pack in sorted(loaded.packs.items()):
        if pack.parent is None:
            continue
        where = str(pack.folder / PACK_FILE)
        if pack.parent not in known:
            problems.append(
                Problem(where, None, f"parent {pack.parent!r} is not a layer of this pack or the bundled one")
            )
            continue
        seen = [name]
        current: str | None = pack.parent
        while current is not None and current != NATIONAL:
            if current in seen:
                problems.append(
                    Problem(where, None, f"layers overlay each other in a loop: {' → '.join(seen)} → {current}")
                )
                break
            seen.append(current)
            current = loaded.parent(current)
    return problems


def load_rules(directory: Path | None = None) -> LoadedRules:
    """Read every ``<layer>/*.yaml`` below ``directory``; collect every problem, not just the first."""
    root = directory or rules_dir()
    sources: list[RuleSource] = []
    problems: list[Problem] = []
    if not root.is_dir():
        return LoadedRules((), (Problem(str(root), None, "no such rules directory"),))
    try:
        layer_dirs = sorted(p for p in root.iterdir() if p.is_dir())
    except OSError as exc:
        return LoadedRules((), (Problem(str(root), None, f"cannot list the folder: {exc.strerror}"),))
    packs: dict[str, LayerPack] = {}
    for layer_dir in layer_dirs:
        if not layer_dir.resolve().is_relative_to(root.resolve()):
            problems.append(Problem(str(layer_dir), None, "a symbolic link that leads out of the pack; not read"))
            continue
        pack, found_in_pack = _read_pack_file(layer_dir, root)
        packs[pack.name] = pack
        problems.extend(found_in_pack)
        try:
            entries = sorted(layer_dir.iterdir())
        except OSError as exc:
            problems.append(Problem(str(layer_dir), None, f"cannot list the folder: {exc.strerror}"))
            continue
        for path in entries:
            if path.name.startswith(".") or path.suffix.lower() not in RULE_SUFFIXES or path.name == PACK_FILE:
                continue  # README.md, .DS_Store, the layer's pack.yaml and the like are not rules
            source, found = read_rule_file(path, layer_dir.name, root)
            problems.extend(found)
            if source is not None:
                sources.append(source)
    seen: dict[tuple[str, str], RuleSource] = {}
    for source in sources:
        key = (source.layer, source.rule.id)
        if key in seen:
            problems.append(
                Problem(
                    str(source.path),
                    source.line_of("id"),
                    f"duplicate id {source.rule.id!r} (also {seen[key].path})",
                )
            )
        seen[key] = source
    return LoadedRules(tuple(sources), tuple(problems), MappingProxyType(packs))


def with_bundled(loaded: LoadedRules) -> LoadedRules:
    """The rules a pack is used with. A pack without a ``national`` folder (a province or city pack
    kept in another repository) is read on top of the bundled rules — national and every bundled
    layer it does not define itself — so that its overlays have their base and a city pack may name
    a bundled province as its parent. A pack with its own ``national`` folder is complete and used
    alone. Layers whose parent is missing, or which overlay each other in a loop, are problems."""
    if not loaded.layer(NATIONAL):
        bundled = load_rules()
        own_layers = {s.layer for s in loaded.sources} | set(loaded.packs)
        kept = tuple(s for s in bundled.sources if s.layer not in own_layers)
        packs = {name: pack for name, pack in bundled.packs.items() if name not in own_layers} | dict(loaded.packs)
        loaded = LoadedRules(kept + loaded.sources, loaded.problems, MappingProxyType(packs))
    return LoadedRules(loaded.sources, (*loaded.problems, *_chain_problems(loaded)), loaded.packs)


def load_pack(directory: Path | None = None) -> LoadedRules:
    """:func:`load_rules`, then :func:`with_bundled`: what ``Engine.load`` and the CLI use."""
    return with_bundled(load_rules(directory))


with_bundled_national = with_bundled  # the name used before layers chained


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


def _refuse(self: object, *_args: object, **_kwargs: object) -> Any:
    raise TypeError(f"a compiled rule's {type(self).__name__} cannot be changed (the engine is immutable)")


class FrozenList(list[Any]):
    """A list inside a compiled rule's parameters: still a list to readers and to pydantic's
    serialiser, but every change raises TypeError. Copies (``copy``, ``deepcopy``) are plain lists."""

    append = extend = insert = pop = remove = clear = sort = reverse = _refuse
    __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse

    def __copy__(self) -> list[Any]:
        return list(self)

    def __deepcopy__(self, memo: dict[int, Any]) -> list[Any]:
        return copy.deepcopy(list(self), memo)

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenList, (list(self),))


class FrozenDict(dict[Any, Any]):
    """A mapping inside a compiled rule (parameters, example snapshots): every change raises."""

    clear = pop = popitem = setdefault = update = _refuse
    __setitem__ = __delitem__ = __ior__ = _refuse

    def __copy__(self) -> dict[Any, Any]:
        return dict(self)

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[Any, Any]:
        return copy.deepcopy(dict(self), memo)

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenDict, (dict(self),))


def _freeze(value: Any, seen: set[int]) -> Any:
    """``value`` with every list and dict inside it (through pydantic models and dataclasses)
    replaced by a frozen one, in place: frozen models stop reassignment, not ``params.x.append``."""
    if isinstance(value, (FrozenList, FrozenDict)) or id(value) in seen:
        return value
    if isinstance(value, list):
        return FrozenList(_freeze(item, seen) for item in value)
    if isinstance(value, tuple):
        return tuple(_freeze(item, seen) for item in value)
    if isinstance(value, dict):
        return FrozenDict({key: _freeze(item, seen) for key, item in value.items()})
    if isinstance(value, BaseModel):
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
