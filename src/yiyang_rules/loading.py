"""Reading a rules folder: rule files (strictly, every problem listed) and the layers' ``pack.yaml``.

This module only *reads*; :mod:`yiyang_rules.catalog` compiles what it read into catalogs. A rules
folder holds one folder per layer. ``national`` is the lowest; every other layer overlays its
parent (``pack.yaml``: ``parent``, default ``national``) and may bind an area below a province
(``region_code``). A layer may carry its own documents in ``<layer>/sources/registry.yaml``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pydantic import ValidationError

from .errors import Problem, format_loc
from .jurisdiction import NATIONAL, PROVINCES
from .resources import rules_dir
from .rulefile import RULE_FILE, AnyRuleFile, Localized, PackFile
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


PROVINCE_CODES = {p.code: p for p in PROVINCES}
PROVINCE_SLUGS = frozenset(p.slug for p in PROVINCES)

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


def _as_model_error(kind: str, message: str, context: Mapping[str, Any] | None) -> tuple[str, str]:
    """A check's parameters and a condition are plain dataclasses (yiyang_rules.declared), which
    pydantic reports in its own words for a dataclass: an author reads what the models said, the
    same for every part of a rule file."""
    if kind == "unexpected_keyword_argument":
        return "extra_forbidden", "Extra inputs are not permitted"
    if kind == "dataclass_type" and context is not None:
        return "model_type", f"Input should be a valid dictionary or instance of {context['class_name']}"
    return kind, message


def _problem_from_validation(path: Path, loaded: LoadedYaml, error: ValidationError) -> list[Problem]:
    problems = []
    for item in error.errors():
        raw_loc = tuple(item["loc"])
        loc = _data_path(loaded.data, raw_loc)
        where = format_loc(loc)
        kind, message = _as_model_error(item["type"], item["msg"], item.get("ctx"))
        if kind == "extra_forbidden" and raw_loc and raw_loc[0] in _SHAPE_WORDS and len(raw_loc) == 2:
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
        problems.extend(_region_problems(loaded, name, pack, where))
    return problems


def _region_problems(loaded: LoadedRules, name: str, pack: LayerPack, where: str) -> list[Problem]:
    """An area layer's code names a province, the one its chain overlays (if any), and no other
    layer binds the same area: otherwise which layer judges an institution would be ambiguous."""
    if pack.region_code is None:
        return []
    province = PROVINCE_CODES.get(pack.region_code[:2] + "0000")
    if province is None:
        return [Problem(where, None, f"region_code {pack.region_code!r} names no province (first two digits)")]
    problems = []
    provinces_below = [layer for layer in loaded.chain(name)[:-1] if layer in PROVINCE_SLUGS]
    if provinces_below and provinces_below[-1] != province.slug:
        problems.append(
            Problem(
                where,
                None,
                f"region_code {pack.region_code} lies in {province.slug}, but the layer overlays "
                f"{provinces_below[-1]}: set parent to a layer of {province.slug}",
            )
        )
    same = sorted(other for other, p in loaded.packs.items() if other != name and p.region_code == pack.region_code)
    if same:
        problems.append(Problem(where, None, f"region_code {pack.region_code} is also bound by {', '.join(same)}"))
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
