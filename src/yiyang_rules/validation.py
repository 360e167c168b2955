"""``yiyang rules validate``: everything a rule maintainer's CI should check, every problem listed
with its file and line, not just the first."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .catalog import (
    NATIONAL,
    CompiledRule,
    LoadedRules,
    RuleSource,
    compile_catalog,
    load_rules,
    with_bundled_national,
)
from .checks import KINDS
from .checks.base import SnapshotView, Status
from .documents import Registry, load_registry
from .engine import evaluate_rule, to_snapshot
from .errors import InputError, Problem
from .examples import example_snapshot
from .rulefile import Example, OverlayOperation, RuleFile, major, version_spans


@dataclass(frozen=True)
class ExampleCase:
    """One rule example, runnable on its own (pytest collects these)."""

    rule_id: str
    layer: str
    index: int
    example: Example
    rule: CompiledRule
    source: RuleSource

    @property
    def case_id(self) -> str:
        return f"{self.rule_id}[{self.layer}:{self.index}:{self.example.name}]"

    def run(self) -> tuple[Status, str]:
        """The status the rule gives, and its English message."""
        raw = example_snapshot(self.example.snapshot, self.layer, self.example.as_of)
        snapshot = to_snapshot(raw, source=f"{self.source.path} examples[{self.index}]")
        as_of = snapshot.as_of or date.fromisoformat(str(raw["as_of"]))
        result = evaluate_rule(self.rule, SnapshotView.of(snapshot, as_of))
        return result.status, result.message.en


def example_cases(loaded: LoadedRules) -> Iterator[ExampleCase]:
    """Every example, run against the rule as compiled for the example's own layer."""
    for layer in loaded.layers:
        catalog = compile_catalog(loaded, (NATIONAL,) if layer == NATIONAL else (NATIONAL, layer))
        for rule_id, source in sorted(loaded.layer(layer).items()):
            compiled = catalog.get(rule_id)
            if compiled is None:
                continue
            for index, example in enumerate(source.rule.examples):
                yield ExampleCase(rule_id, layer, index, example, compiled, source)


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


def _overlay_problems(source: RuleSource, national: dict[str, RuleSource]) -> list[Problem]:
    rule = source.rule
    base = national.get(rule.id)
    problems = []
    if rule.overlay is None:
        if base is not None:
            problems.append(
                Problem(
                    str(source.path),
                    source.line_of("id"),
                    f"id {rule.id!r} is also a national rule: declare overlay (restate, tighten or retire) "
                    f"with base_version, or choose another id",
                )
            )
        return problems
    if base is None:
        problems.append(
            Problem(
                str(source.path),
                source.line_of("overlay"),
                f"overlay of {rule.id!r}, but there is no national rule with that id",
            )
        )
        return problems
    assert base.rule.versions
    latest = base.rule.versions[-1].version
    if major(rule.overlay.base_version) != major(latest):
        problems.append(
            Problem(
                str(source.path),
                source.line_of("overlay", "base_version"),
                f"written against {rule.id} {rule.overlay.base_version}, but the national rule is now {latest} "
                f"(a new major version): review this overlay, then set base_version: {latest}",
            )
        )
    elif rule.overlay.base_version not in {v.version for v in base.rule.versions}:
        problems.append(
            Problem(
                str(source.path),
                source.line_of("overlay", "base_version"),
                f"base_version {rule.overlay.base_version} is not a version of the national {rule.id}",
            )
        )
    if rule.overlay.operation is OverlayOperation.TIGHTEN and rule.versions:
        base_kind = base.rule.versions[-1].check.kind
        if rule.versions[0].check.kind != base_kind:
            problems.append(
                Problem(
                    str(source.path),
                    source.line_of("versions", 0, "check", "kind"),
                    f"a tighten keeps the national rule's check kind ({base_kind}); a different check is a "
                    "different obligation: give it its own id",
                )
            )
        problems.extend(_strictness_problems(source, base.rule))
        problems.extend(_identical_tighten_problems(source, base.rule))
    return problems


def _identical_tighten_problems(source: RuleSource, base: RuleFile) -> list[Problem]:
    """A tighten that changes nothing — every version's check equal to the national check in force
    at the same time, the same ``applies_to`` and the same level — is a restate: declaring it a
    tighten tells the reader the province asks more when it does not."""
    rule = source.rule
    assert base.versions and rule.versions
    same_scope = (rule.applies_to is None or rule.applies_to == base.applies_to) and (
        rule.level is None or rule.level == base.level
    )
    if not same_scope:
        return []
    base_spans = version_spans(base.versions)
    for version, start, until in version_spans(rule.versions):
        concurrent = [
            b
            for b, b_start, b_until in base_spans
            if (until is None or b_start <= until) and (b_until is None or start <= b_until)
        ]
        if not concurrent or any(b.check != version.check for b in concurrent):
            return []
    return [
        Problem(
            str(source.path),
            source.line_of("overlay", "operation"),
            f"tighten overlay of {rule.id} has the national check, applies_to and level unchanged: it is a "
            "restate (operation: restate, no versions; say in overlay.note how the province's wording differs)",
        )
    ]


def _strictness_problems(source: RuleSource, base: RuleFile) -> list[Problem]:
    """A tighten must be at least as strict as every national version in force at the same time,
    wherever that can be decided mechanically. Before the national rule existed there is nothing to
    be stricter than."""
    assert base.versions and source.rule.versions
    base_spans = version_spans(base.versions)
    problems = []
    for index, (version, start, until) in enumerate(version_spans(source.rule.versions)):
        for base_version, base_start, base_until in base_spans:
            overlaps = (until is None or base_start <= until) and (base_until is None or start <= base_until)
            if not overlaps or version.check.kind != base_version.check.kind:
                continue  # not at the same time, or a different kind of check: not comparable
            verdict = KINDS[base_version.check.kind].at_least_as_strict(version.check, base_version.check)
            if verdict is False:
                problems.append(
                    Problem(
                        str(source.path),
                        source.line_of("versions", index, "check"),
                        f"tighten overlay {version.version} is less strict than the national "
                        f"{base_version.version} ({base_version.check.kind}) in force at the same time: "
                        "a tighten may only make the rule stricter",
                    )
                )
    return problems


def _example_balance(source: RuleSource) -> list[Problem]:
    rule = source.rule
    if rule.overlay is not None and rule.overlay.operation is not OverlayOperation.TIGHTEN:
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
    versions = source.rule.versions or []
    if not versions:
        return []
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
    loaded = with_bundled_national(own)
    problems = list(own.problems)
    registry = registry or load_registry()
    national = loaded.layer(NATIONAL)
    for source in own.sources:
        problems.extend(_citation_problems(source, registry))
        problems.extend(_example_balance(source))
        problems.extend(_in_force_problems(source, registry))
        if source.layer != NATIONAL:
            problems.extend(_overlay_problems(source, national))
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
            if status is not case.example.expect:
                problems.append(
                    Problem(
                        str(case.source.path),
                        line,
                        f"example {case.example.name!r} expects {case.example.expect.value}, "
                        f"the rule gives {status.value}: {message}",
                    )
                )
    ordered = sorted(problems, key=lambda p: (p.file, p.line or 0))
    return ValidationResult(ordered, len(own.sources), examples_run)


def validate(
    directory: Path | None = None, run_examples: bool = True, registry: Registry | None = None
) -> list[Problem]:
    """Every problem of the rule files below ``directory``; see ``validate_pack``."""
    return validate_pack(directory, run_examples, registry).problems
