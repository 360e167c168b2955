"""Compile once, evaluate many: the engine holds immutable catalogs and checks snapshots as pure
functions of (catalog, snapshot, as_of)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ._version import __version__
from .catalog import NATIONAL, Catalog, CompiledRule, LoadedRules, compile_catalog, load_rules
from .checks.base import Outcome, SnapshotView, Status, not_in_force, outcome
from .conditions import holds
from .errors import InputError, JurisdictionError, RuleCatalogError, format_loc
from .jurisdiction import province_of, resolve_province
from .localtime import today_in_shanghai
from .report import EngineInfo, Finding, InstitutionRef, Report, Summary, Text
from .snapshot import Snapshot
from .vocabulary import where_to_fill_all

SnapshotInput = Snapshot | Mapping[str, Any] | str | bytes | Path


def _reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _describe_error(item: Mapping[str, Any]) -> str:
    loc = [part for part in item["loc"] if part != "[key]"]
    where = format_loc(loc) or "(top level)"
    kind = item["type"]
    if kind == "extra_forbidden":
        return f"{where}: unknown field; check the spelling (custom data goes under an 'extensions' object)"
    if kind == "missing":
        return f"{where}: required field is missing"
    if kind == "json_invalid":
        return f"not valid JSON: {item['msg'].removeprefix('Invalid JSON: ')}"
    if kind == "enum" and "[key]" in item["loc"]:
        return f"{where}: unknown key; {item['msg'].replace('Input should be', 'use one of')}"
    return f"{where}: {item['msg']}"


def parse_snapshot(data: str | bytes, source: str = "<snapshot>") -> Snapshot:
    """Validate JSON text strictly. Duplicate keys, unknown keys and unknown values are errors."""
    try:
        json.loads(data, object_pairs_hook=_reject_duplicate_keys)
    except _DuplicateKey as exc:
        raise InputError(source, [f"duplicate key {exc.key!r}: a JSON object may name a key only once"]) from None
    except ValueError as exc:
        raise InputError(source, [f"not valid JSON: {exc}"]) from None
    try:
        return Snapshot.model_validate_json(data)
    except ValidationError as exc:
        raise InputError(source, [_describe_error(e) for e in exc.errors()]) from None


def _json_default(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"cannot put {type(value).__name__} in a snapshot")


def to_snapshot(value: SnapshotInput, source: str | None = None) -> Snapshot:
    """A Snapshot from a model, a mapping, JSON text or bytes, or a file path (a ``Path``, or a
    string that is not JSON text: a snapshot's JSON always starts with ``{``)."""
    if isinstance(value, Snapshot):
        return value
    if isinstance(value, str) and not value.lstrip().startswith("{"):
        value = Path(value)
    if isinstance(value, Path):
        try:
            text = value.read_bytes()
        except OSError as exc:
            raise InputError(str(value), [f"cannot read the file: {exc.strerror}"]) from None
        return parse_snapshot(text, source or str(value))
    if isinstance(value, (str, bytes)):
        return parse_snapshot(value, source or "<snapshot>")
    # A mapping (from a vendor's code or a YAML example): through JSON, so the same strict rules apply.
    try:
        encoded = json.dumps(value, default=_json_default, ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        raise InputError(source or "<snapshot>", [f"not representable as JSON: {exc}"]) from None
    return parse_snapshot(encoded, source or "<snapshot>")


def _finding(rule: CompiledRule, result: Outcome, view: SnapshotView) -> Finding:
    # model_construct: every part comes from validated rules and outcomes; re-validating them
    # would cost more than the whole check.
    version = rule.schedule.at(view.as_of) or rule.schedule.versions[-1]
    return Finding.model_construct(
        rule_id=rule.id,
        rule_version=version.version,
        status=result.status,
        level=rule.level,
        title=rule.report_title,
        message=Text.model_construct(zh=result.message.zh, en=result.message.en),
        evidence=result.evidence,
        citations=list(rule.report_citations),
        layers=list(rule.layers),
        overlay=rule.operation.value if rule.operation is not None else None,
    )


def evaluate_rule(rule: CompiledRule, view: SnapshotView) -> Outcome:
    """Applicability first (three-valued), then the rule's check under its schedule."""
    # Not yet in force on as_of: no period before as_of can have been under it either.
    if view.as_of < rule.schedule.first_day:
        return not_in_force(rule.schedule.first_day)
    applies = holds(rule.applies_to, view.snapshot, view.predicate_memo)
    if applies.value is False:
        return outcome(Status.NOT_APPLICABLE, "本机构不属于该规则的适用对象", "the rule does not bind this institution")
    if applies.value is None:
        missing = sorted(set(applies.missing))
        places = where_to_fill_all(missing)
        return outcome(
            Status.INSUFFICIENT_DATA,
            f"无法判断是否适用，快照未提供：{places.zh}",
            f"cannot tell whether the rule applies; the snapshot does not give: {places.en}",
            missing=missing,
        )
    return rule.kind.evaluate(rule.schedule, view)


def evaluate(catalog: Catalog, snapshot: Snapshot, as_of: date) -> Report:
    """A pure function: the same catalog, snapshot and date give the same report."""
    view = SnapshotView.of(snapshot, as_of)
    findings = [_finding(rule, evaluate_rule(rule, view), view) for rule in catalog.rules]
    counts = dict.fromkeys(Status, 0)
    for finding in findings:
        counts[finding.status] += 1
    return Report.model_construct(
        report_version="1",
        engine=EngineInfo.model_construct(name="yiyang-rules", version=__version__),
        jurisdiction=list(catalog.layers),
        as_of=as_of.isoformat(),
        period={"start": snapshot.period.start.isoformat(), "end": snapshot.period.end.isoformat()},
        institution=InstitutionRef.model_construct(id=snapshot.institution.id, name=snapshot.institution.name),
        summary=Summary.model_construct(
            compliant=counts[Status.COMPLIANT],
            non_compliant=counts[Status.NON_COMPLIANT],
            insufficient_data=counts[Status.INSUFFICIENT_DATA],
            not_applicable=counts[Status.NOT_APPLICABLE],
        ),
        findings=findings,
    )


@dataclass(frozen=True)
class Engine:
    """Compiled catalogs for every layer combination, built once; ``check`` is thread-safe."""

    catalogs: Mapping[str, Catalog]
    forced: str | None = None

    @classmethod
    def load(cls, jurisdiction: str | None = None, rules_dir: Path | None = None) -> Engine:
        """Load and compile the rules. ``jurisdiction`` forces one (``national``, ``beijing``, …);
        without it each snapshot's own province decides."""
        loaded = load_rules(rules_dir)
        if loaded.problems:
            raise RuleCatalogError(loaded.problems)
        forced = None
        if jurisdiction is not None:
            forced = NATIONAL if jurisdiction.strip().lower() == NATIONAL else resolve_province(jurisdiction).slug
        return cls(_compile_all(loaded), forced)

    def catalog_for(self, snapshot: Snapshot) -> Catalog:
        key = self.forced or province_of(snapshot.institution).slug
        return self.catalogs.get(key, self.catalogs[NATIONAL])

    def check(self, snapshot: SnapshotInput, as_of: date | None = None, source: str | None = None) -> Report:
        """``as_of`` overrides the snapshot's own; the default is today in Asia/Shanghai."""
        label = source or (str(snapshot) if isinstance(snapshot, Path) else "<snapshot>")
        model = to_snapshot(snapshot, label)
        try:
            catalog = self.catalog_for(model)
        except JurisdictionError as exc:
            raise InputError(label, [str(exc)]) from None
        day = as_of or model.as_of or today_in_shanghai()
        return evaluate(catalog, model, day)


def _compile_all(loaded: LoadedRules) -> dict[str, Catalog]:
    catalogs = {NATIONAL: compile_catalog(loaded, (NATIONAL,))}
    for layer in loaded.layers:
        if layer != NATIONAL:
            catalogs[layer] = compile_catalog(loaded, (NATIONAL, layer))
    return catalogs
