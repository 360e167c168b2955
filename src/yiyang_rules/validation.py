"""``yiyang rules validate``: everything a rule maintainer's CI should check, every problem listed
with its file and line, not just the first."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from .catalog import (
    Catalog,
    CompiledRule,
    LoadedRules,
    RuleSource,
    compile_all,
    load_rules,
    with_bundled,
)
from .checks.base import ScheduledVersion, SnapshotView, Status
from .documents import Registry, RegistryError, layered_registry
from .engine import evaluate_rule, to_facts
from .errors import InputError, Problem
from .examples import example_snapshot
from .rulefile import Example, Restate, Retire, Rule, Tighten, major, version_spans
from .yamlfile import YamlError


@dataclass(frozen=True)
class ExampleCase:
    """One rule example, runnable on its own (pytest collects these)."""

    rule_id: str
    layer: str
    index: int
    example: Example
    rule: CompiledRule
    source: RuleSource
    region_code: str | None = None  # an area layer's examples are located in its area

    @property
    def case_id(self) -> str:
        return f"{self.rule_id}[{self.layer}:{self.index}:{self.example.name}]"

    def run(self) -> tuple[Status, str]:
        """The status the rule gives, and its English message."""
        raw = example_snapshot(self.example.snapshot, self.layer, self.example.as_of, self.region_code)
        snapshot = to_facts(raw, source=f"{self.source.path} examples[{self.index}]")
        as_of = snapshot.as_of or date.fromisoformat(str(raw["as_of"]))
        result = evaluate_rule(self.rule, SnapshotView.of(snapshot, as_of))
        return result.status, result.message.en


def example_cases(loaded: LoadedRules) -> Iterator[ExampleCase]:
    """Every example, run against the rule as compiled for the example's own layer."""
    catalogs = compile_all(loaded)
    for layer in loaded.layers:
        catalog = catalogs[layer]
        for rule_id, source in sorted(loaded.layer(layer).items()):
            compiled = catalog.get(rule_id)
            if compiled is None:
                continue
            for index, example in enumerate(source.rule.examples):
                pack = loaded.packs.get(layer)
                region = pack.region_code if pack is not None else None
                yield ExampleCase(rule_id, layer, index, example, compiled, source, region)


def _citation_problems(source: RuleSource, registry: Registry) -> list[Problem]:
    problems = []
    for index, citation in enumerate(source.rule.citations):
        line = source.line_of("citations", index, "quote")
        document = registry.get(citation.document)
        if document is None:
            known = "、".join(registry.documents)
            problems.append(
                Problem(
                    str(source.path),
                    source.line_of("citations", index, "document"),
                    f"citations[{index}].document {citation.document!r} is not in the registry; known: {known}",
                )
            )
            continue
        if document.text_changed:
            problems.append(
                Problem(
                    str(source.path),
                    line,
                    f"cites {document.number}, whose source text {document.file} changed since it was pinned "
                    f"(sha256 {document.actual_sha256[:12]}… ≠ {document.sha256[:12]}…): re-verify this rule",
                )
            )
        if document.article(citation.article) is None:
            labels = " ".join(a.label for a in document.articles)
            problems.append(
                Problem(
                    str(source.path),
                    source.line_of("citations", index, "article"),
                    f"citations[{index}].article {citation.article!r} is not an article of {document.number}; "
                    f"its articles: {labels}",
                )
            )
            continue
        match = document.find_quote(citation.quote, citation.article)
        if not match.found:
            problems.append(
                Problem(
                    str(source.path),
                    line,
                    f"citations[{index}].quote is not verbatim in {document.number}; closest passage: "
                    f"“{match.closest}”",
                )
            )
        elif not match.article_ok:
            where = "、".join(match.found_in) or "another part of the text"
            problems.append(
                Problem(
                    str(source.path),
                    source.line_of("citations", index, "article"),
                    f"citations[{index}].quote is in {where}, not in {citation.article}",
                )
            )
    return problems


def _overlay_problems(source: RuleSource, below: Catalog) -> list[Problem]:
    """An overlay against the rule as the layers below compile it; an own rule must not reuse an id
    from below. ``below`` is the catalog of the layer's parent (for a province: national)."""
    rule = source.rule
    base = below.get(rule.id)
    below_name = below.layers[-1]
    if isinstance(rule, Rule):
        if base is None:
            return []
        return [
            Problem(
                str(source.path),
                source.line_of("id"),
                f"id {rule.id!r} is also a {base.layers[-1]} rule: declare overlay (restate, tighten or retire) "
                f"with base_version, or choose another id",
            )
        ]
    if base is None:
        retired = " (retired there)" if rule.id in below.retired else ""
        return [
            Problem(
                str(source.path),
                source.line_of("overlay"),
                f"overlay of {rule.id!r}, but there is no {below_name} rule with that id{retired}",
            )
        ]
    problems = []
    versions = [v.version for v in base.schedule.versions]
    latest = versions[-1]
    if major(rule.overlay.base_version) != major(latest):
        problems.append(
            Problem(
                str(source.path),
                source.line_of("overlay", "base_version"),
                f"written against {rule.id} {rule.overlay.base_version}, but the {below_name} rule is now {latest} "
                f"(a new major version): review this overlay, then set base_version: {latest}",
            )
        )
    elif rule.overlay.base_version not in versions:
        problems.append(
            Problem(
                str(source.path),
                source.line_of("overlay", "base_version"),
                f"base_version {rule.overlay.base_version} is not a version of the {below_name} {rule.id}",
            )
        )
    if isinstance(rule, Tighten):
        if rule.versions[0].check.kind != base.kind.name:
            problems.append(
                Problem(
                    str(source.path),
                    source.line_of("versions", 0, "check", "kind"),
                    f"a tighten keeps the {below_name} rule's check kind ({base.kind.name}); a different check is "
                    "a different obligation: give it its own id",
                )
            )
        problems.extend(_strictness_problems(source, rule, base, below_name))
        problems.extend(_identical_tighten_problems(source, rule, base))
    return problems


def _overlapping(start: date, until: date | None, base: CompiledRule) -> list[ScheduledVersion[Any]]:
    return [
        b
        for b in base.schedule.versions
        if (until is None or b.start <= until) and (b.until is None or start <= b.until)
    ]


def _identical_tighten_problems(source: RuleSource, rule: Tighten, base: CompiledRule) -> list[Problem]:
    """A tighten that changes nothing — every version's check equal to the check below in force
    at the same time, the same ``applies_to`` and the same level — is a restate: declaring it a
    tighten tells the reader the layer asks more when it does not."""
    same_scope = (rule.applies_to is None or rule.applies_to == base.applies_to) and (
        rule.level is None or rule.level == base.level
    )
    if not same_scope:
        return []
    for version, start, until in version_spans(rule.versions):
        concurrent = _overlapping(start, until, base)
        if not concurrent or any(b.params != version.check for b in concurrent):
            return []
    return [
        Problem(
            str(source.path),
            source.line_of("overlay", "operation"),
            f"tighten overlay of {rule.id} has the check, applies_to and level of the layer below unchanged: it is "
            "a restate (operation: restate, no versions; say in overlay.note how the layer's wording differs)",
        )
    ]


def _strictness_problems(source: RuleSource, rule: Tighten, base: CompiledRule, below_name: str) -> list[Problem]:
    """A tighten must be at least as strict as every version below it in force at the same time,
    wherever that can be decided mechanically. Before the rule below existed there is nothing to
    be stricter than."""
    problems = []
    for index, (version, start, until) in enumerate(version_spans(rule.versions)):
        for base_version in _overlapping(start, until, base):
            if version.check.kind != base.kind.name:
                continue  # a different kind of check: not comparable
            verdict = base.kind.at_least_as_strict(version.check, base_version.params)
            if verdict is False:
                problems.append(
                    Problem(
                        str(source.path),
                        source.line_of("versions", index, "check"),
                        f"tighten overlay {version.version} is less strict than the {below_name} "
                        f"{base_version.version} ({base.kind.name}) in force at the same time: "
                        "a tighten may only make the rule stricter",
                    )
                )
    return problems


def _example_balance(source: RuleSource) -> list[Problem]:
    rule = source.rule
    if isinstance(rule, (Restate, Retire)):
        return []
    statuses = {e.expect for e in rule.examples}
    lacking = [s.value for s in (Status.COMPLIANT, Status.NON_COMPLIANT) if s not in statuses]
    if not lacking:
        return []
    return [
        Problem(
            str(source.path),
            source.line_of("examples") or source.line_of("id"),
            f"add at least one example that expects {' and one that expects '.join(lacking)}",
        )
    ]


def _in_force_problems(source: RuleSource, registry: Registry) -> list[Problem]:
    """A rule may not be enforced before the earliest day its documents are known to be in force."""
    if not isinstance(source.rule, (Rule, Tighten)):
        return []
    versions = source.rule.versions
    known = [
        day
        for c in source.rule.citations
        if (document := registry.get(c.document)) is not None and (day := document.known_in_force_from) is not None
    ]
    if not known:
        return []
    earliest = min(known)
    first, start, _ = version_spans(versions)[0]
    if start < earliest:
        return [
            Problem(
                str(source.path),
                source.line_of("versions", 0, "in_force", "from"),
                f"{first.version} is in force from {start}, before its documents are known to be "
                f"in force ({earliest}): no retroactive enforcement",
            )
        ]
    return []


def _registry_problems(exc: Exception, folder: Path) -> list[Problem]:
    if isinstance(exc, RegistryError):
        return [Problem(file, line, message) for file, line, message in exc.problems]
    if isinstance(exc, YamlError):
        return [Problem(str(folder / "registry.yaml"), exc.line, exc.message)]
    return [Problem(str(folder), None, f"cannot read the layer's documents: {exc}")]


@dataclass(frozen=True)
class ValidationResult:
    problems: list[Problem]
    rule_files: int
    examples_run: int


def validate_pack(
    directory: Path | None = None, run_examples: bool = True, registry: Registry | None = None
) -> ValidationResult:
    """Every problem of the rule files below ``directory`` (default: the bundled rules), with how
    much was checked. A pack with no national folder of its own is checked against the bundled
    national rules."""
    own = load_rules(directory)
    loaded = with_bundled(own)
    problems = list(loaded.problems)
    catalogs = compile_all(loaded)
    registries: dict[str, Registry] = {}
    for source in own.sources:
        layer_registry = registry or registries.get(source.layer)
        if layer_registry is None:
            readable = []
            for folder in loaded.source_folders(source.layer):
                try:
                    layered_registry((folder,))
                except (RegistryError, YamlError, OSError) as exc:
                    problems.extend(_registry_problems(exc, folder))
                    continue  # its documents are missing below; the other layers' still count
                readable.append(folder)
            layer_registry = registries[source.layer] = layered_registry(tuple(readable))
        problems.extend(_citation_problems(source, layer_registry))
        problems.extend(_example_balance(source))
        problems.extend(_in_force_problems(source, layer_registry))
        chain = loaded.chain(source.layer)
        if len(chain) > 1:  # judged against the layer below (national when the parent is broken)
            problems.extend(_overlay_problems(source, catalogs[chain[-2]]))
    examples_run = 0
    if run_examples:
        own_files = {s.path for s in own.sources}
        for case in example_cases(loaded):
            if case.source.path not in own_files:
                continue
            examples_run += 1
            line = case.source.line_of("examples", case.index)
            try:
                status, message = case.run()
            except InputError as exc:
                problems.append(Problem(str(case.source.path), line, f"example {case.example.name!r}: {exc}"))
                continue
            except (ArithmeticError, ValueError, TypeError) as exc:
                # A parameter the model allows but the arithmetic cannot take (a deadline past
                # 9999-12-31): a problem of this file, and the other files are still checked.
                problems.append(
                    Problem(
                        str(case.source.path),
                        line,
                        f"example {case.example.name!r} cannot be evaluated: {type(exc).__name__}: {exc}",
                    )
                )
                continue
            if status is not case.example.expect:
                problems.append(
                    Problem(
                        str(case.source.path),
                        line,
                        f"example {case.example.name!r} expects {case.example.expect.value}, "
                        f"the rule gives {status.value}: {message}",
                    )
                )
    unique = list(dict.fromkeys(problems))  # a pack registry's problem is found once per rule file
    ordered = sorted(unique, key=lambda p: (p.file, p.line or 0))
    return ValidationResult(ordered, len(own.sources), examples_run)


def validate(
    directory: Path | None = None, run_examples: bool = True, registry: Registry | None = None
) -> list[Problem]:
    """Every problem of the rule files below ``directory``; see ``validate_pack``."""
    return validate_pack(directory, run_examples, registry).problems
