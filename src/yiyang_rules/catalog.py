"""Load rule files strictly and compile them, layer by layer, into immutable catalogs.

``rules/national`` holds the base rules; ``rules/<province>`` holds that province's overlays (a
file whose stem is a national id) and its own rules (any other stem). Compiling applies the
overlays: *restate* keeps the rule and adds the province's citations; *tighten* replaces the
check from the overlay's first in-force day on (earlier periods keep the national version);
*retire* removes the rule from that province.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import timedelta
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .checks import KINDS, CheckKind
from .checks.base import Schedule, ScheduledVersion
from .conditions import Condition
from .errors import Problem, format_loc
from .report import CitationOut, Text
from .resources import rules_dir
from .rulefile import (
    Citation,
    Example,
    Level,
    Localized,
    OverlayOperation,
    RuleFile,
    RuleVersion,
    version_spans,
)
from .yamlfile import LoadedYaml, YamlError, load_yaml_file

NATIONAL = "national"
# Rule files end in .yaml or .yml, in any case (Windows tools save `.YAML`): all of them are read,
# so that no rule is skipped silently; two spellings of one id are a duplicate id.
RULE_SUFFIXES = frozenset({".yaml", ".yml"})


@dataclass(frozen=True)
class RuleSource:
    """One rule file as read from disk."""

    path: Path
    layer: str
    rule: RuleFile
    yaml: LoadedYaml

    def line_of(self, *loc: str | int) -> int | None:
        return self.yaml.line_of(loc)


@dataclass(frozen=True)
class LoadedRules:
    sources: tuple[RuleSource, ...]
    problems: tuple[Problem, ...]

    def layer(self, name: str) -> dict[str, RuleSource]:
        return {s.rule.id: s for s in self.sources if s.layer == name}

    @property
    def layers(self) -> tuple[str, ...]:
        names = {s.layer for s in self.sources}
        return (NATIONAL, *sorted(n for n in names if n != NATIONAL))


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
    overlay_base: str | None = None  # the national version a province overlay was written against

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


def _problem_from_validation(path: Path, loaded: LoadedYaml, error: ValidationError) -> list[Problem]:
    problems = []
    for item in error.errors():
        loc = _data_path(loaded.data, tuple(item["loc"]))
        where = format_loc(loc)
        message = item["msg"]
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
        rule = RuleFile.model_validate(loaded.data)
    except ValidationError as exc:
        return None, _problem_from_validation(path, loaded, exc)
    problems = []
    if rule.id != path.stem:
        problems.append(
            Problem(str(path), loaded.line_of(("id",)), f"id {rule.id!r} differs from the file stem {path.stem!r}")
        )
    return RuleSource(path, layer, rule, loaded), problems


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
    for layer_dir in layer_dirs:
        if not layer_dir.resolve().is_relative_to(root.resolve()):
            problems.append(Problem(str(layer_dir), None, "a symbolic link that leads out of the pack; not read"))
            continue
        try:
            entries = sorted(layer_dir.iterdir())
        except OSError as exc:
            problems.append(Problem(str(layer_dir), None, f"cannot list the folder: {exc.strerror}"))
            continue
        for path in entries:
            if path.name.startswith(".") or path.suffix.lower() not in RULE_SUFFIXES:
                continue  # README.md, .DS_Store and the like are not rules
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
    return LoadedRules(tuple(sources), tuple(problems))


def with_bundled_national(loaded: LoadedRules) -> LoadedRules:
    """A pack without a ``national`` folder (a province pack kept in another repository) is read on
    top of the bundled national rules, so that its overlays have their base."""
    if loaded.layer(NATIONAL):
        return loaded
    bundled = load_rules()
    national = tuple(s for s in bundled.sources if s.layer == NATIONAL)
    return LoadedRules(national + loaded.sources, loaded.problems)


def _schedule(
    spans: Iterable[tuple[RuleVersion, Any, Any, str]],
) -> tuple[Schedule[Any], tuple[VersionInfo, ...]]:
    versions = []
    history = []
    for version, start, until, layer in spans:
        versions.append(ScheduledVersion(version.version, start, until, version.check))
        history.append(VersionInfo(version.version, start, until, version.in_force.basis, layer, version.changes))
    return Schedule(tuple(versions)), tuple(history)


def _own_rule(source: RuleSource) -> CompiledRule:
    rule = source.rule
    assert rule.versions and rule.title and rule.level and rule.applies_to is not None
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
    )


def _apply_overlay(base: CompiledRule, overlay: RuleSource) -> CompiledRule | None:
    rule = overlay.rule
    assert rule.overlay is not None
    operation = rule.overlay.operation
    if operation is OverlayOperation.RETIRE:
        return None
    examples = base.examples + tuple((overlay.layer, e) for e in rule.examples)
    common: dict[str, Any] = {
        "citations": base.citations + tuple(rule.citations),
        "layers": (*base.layers, overlay.layer),
        "operation": operation,
        "examples": examples,
        "sources": (*base.sources, overlay.path),
        "overlay_base": rule.overlay.base_version,
    }
    if operation is OverlayOperation.RESTATE:
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
    assert rule.versions
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
    """National rules, then each further layer's overlays and own rules, in order."""
    compiled: dict[str, CompiledRule] = {rid: _own_rule(s) for rid, s in sorted(loaded.layer(NATIONAL).items())}
    retired: list[str] = []
    for layer in layers:
        if layer == NATIONAL:
            continue
        for rule_id, source in sorted(loaded.layer(layer).items()):
            if source.rule.overlay is None:
                if rule_id not in compiled:
                    compiled[rule_id] = _own_rule(source)
                continue
            base = compiled.get(rule_id)
            if base is None:
                continue  # reported by validation: an overlay whose base is missing
            result = _apply_overlay(base, source)
            if result is None:
                del compiled[rule_id]
                retired.append(rule_id)
            else:
                compiled[rule_id] = result
    seen: set[int] = set()
    for rule in compiled.values():
        _freeze(rule, seen)
    return Catalog(layers=layers, rules=tuple(compiled.values()), retired=tuple(retired))
