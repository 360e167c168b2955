"""Compile once, evaluate many: the engine holds immutable catalogs and checks snapshots as pure
functions of (catalog, snapshot, as_of)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pydantic import ValidationError

from ._version import __version__
from .catalog import NATIONAL, Catalog, CompiledRule, LoadedRules, compile_catalog, load_rules
from .checks.base import Outcome, SnapshotView, Status, not_in_force, outcome
from .conditions import holds
from .decoding import (
    MAX_PROBLEMS,
    Limits,
    calendar_problems,
    capped,
    check_encoding,
    deep_python_path,
    describe_validation_error,
    edge_dates,
    scan_json,
    window_problem,
)
from .errors import InputError, InputProblem, JurisdictionError, RuleCatalogError
from .jurisdiction import province_of, resolve_province
from .localtime import today_in_shanghai
from .report import EngineInfo, Finding, InstitutionRef, Report, Summary, Text
from .snapshot import Snapshot

SnapshotInput = Snapshot | Mapping[str, Any] | str | bytes | Path


_EMPTY = InputProblem("", "the input is empty: nothing to check", "输入为空：没有可检查的内容")
_NO_FILE = InputProblem("", "no such file (or not a regular file)", "文件不存在（或不是普通文件）")


def parse_snapshot(data: str | bytes, source: str = "<snapshot>", limits: Limits | None = None) -> Snapshot:
    """Validate JSON text strictly. Duplicate keys, unknown keys and unknown values are errors; so
    are other encodings than UTF-8 (a UTF-8 byte-order mark is fine), and inputs past ``limits``."""
    limits = limits or Limits.from_env()
    if len(data) > limits.max_snapshot_bytes:
        raise _too_large(source, len(data), limits)
    text = check_encoding(data, source) if isinstance(data, bytes) else data.removeprefix("\ufeff")
    if not text.strip():
        raise InputError(source, [_EMPTY])
    # One pass that keeps nothing (duplicate keys, depth, huge numbers), then pydantic's own parser
    # builds the model: the document never exists as a tree of Python dicts.
    scan_json(text, source, limits)
    try:
        return Snapshot.model_validate_json(text)
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_input=False)
        raise InputError(
            source,
            capped(
                [describe_validation_error(e) for e in errors[:MAX_PROBLEMS]],
                len(errors) - min(len(errors), MAX_PROBLEMS),
            ),
        ) from None


def _too_large(source: str, size: int, limits: Limits) -> InputError:
    most = limits.max_snapshot_bytes
    return InputError(
        source,
        [
            InputProblem(
                "",
                f"the snapshot is {size:,} bytes, more than the limit of {most:,} (YIYANG_MAX_SNAPSHOT_BYTES)",
                f"快照大小 {size:,} 字节，超过上限 {most:,} 字节（YIYANG_MAX_SNAPSHOT_BYTES）",
            )
        ],
    )


def _json_default(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"cannot put {type(value).__name__} in a snapshot")


def to_snapshot(value: SnapshotInput, source: str | None = None, limits: Limits | None = None) -> Snapshot:
    """A Snapshot from a model, a mapping, JSON text or bytes, or a file path (a ``Path``, or a
    string that is not JSON text: a snapshot's JSON always starts with ``{``)."""
    if isinstance(value, Snapshot):
        return value
    limits = limits or Limits.from_env()
    if isinstance(value, str) and not value.lstrip().lstrip("\ufeff").startswith("{") and value.strip():
        value = Path(value)
    if isinstance(value, Path):
        label = source or str(value)
        try:
            if not value.is_file():
                raise InputError(label, [_NO_FILE])
            size = value.stat().st_size
            if size > limits.max_snapshot_bytes:
                raise _too_large(label, size, limits)
            text = value.read_bytes()
        except OSError as exc:
            raise InputError(
                label, [InputProblem("", f"cannot read the file: {exc.strerror}", f"无法读取文件：{exc.strerror}")]
            ) from None
        return parse_snapshot(text, label, limits)
    if isinstance(value, (str, bytes)):
        return parse_snapshot(value, source or "<snapshot>", limits)
    # A mapping (from a vendor's code or a YAML example): through JSON, so the same strict rules apply.
    label = source or "<snapshot>"
    too_deep = deep_python_path(value, limits.max_depth)
    if too_deep is not None:
        raise InputError(
            label,
            [
                InputProblem(
                    too_deep,
                    f"nested deeper than {limits.max_depth} levels of objects and arrays "
                    "(the limit is YIYANG_MAX_DEPTH)",
                    f"对象和数组嵌套超过 {limits.max_depth} 层（上限见 YIYANG_MAX_DEPTH）",
                )
            ],
        )
    try:
        encoded = json.dumps(value, default=_json_default, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError, RecursionError) as exc:
        raise InputError(
            label, [InputProblem("", f"not representable as JSON: {exc}", f"无法表示为 JSON：{exc}")]
        ) from None
    return parse_snapshot(encoded, label, limits)


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
        return outcome(
            Status.INSUFFICIENT_DATA,
            f"无法判断是否适用，快照未提供：{'、'.join(missing)}",
            f"cannot tell whether the rule applies; the snapshot does not give: {', '.join(missing)}",
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
    limits: Limits = field(default_factory=Limits.from_env)

    @classmethod
    def load(
        cls, jurisdiction: str | None = None, rules_dir: Path | None = None, limits: Limits | None = None
    ) -> Engine:
        """Load and compile the rules. ``jurisdiction`` forces one (``national``, ``beijing``, …);
        without it each snapshot's own province decides. ``limits`` caps one snapshot's size, depth
        and window (default: :class:`Limits` with the ``YIYANG_MAX_*`` environment variables)."""
        loaded = load_rules(rules_dir)
        if loaded.problems:
            raise RuleCatalogError(loaded.problems)
        forced = None
        if jurisdiction is not None:
            forced = NATIONAL if jurisdiction.strip().lower() == NATIONAL else resolve_province(jurisdiction).slug
        return cls(MappingProxyType(_compile_all(loaded)), forced, limits or Limits.from_env())

    def catalog_for(self, snapshot: Snapshot) -> Catalog:
        key = self.forced or province_of(snapshot.institution).slug
        return self.catalogs.get(key, self.catalogs[NATIONAL])

    def check(
        self,
        snapshot: SnapshotInput,
        as_of: date | None = None,
        source: str | None = None,
        limits: Limits | None = None,
    ) -> Report:
        """``as_of`` overrides the snapshot's own; the default is today in Asia/Shanghai. ``limits``
        overrides the engine's for this call. Bad input of any kind is an :class:`InputError`."""
        label = source or (str(snapshot) if isinstance(snapshot, Path) else "<snapshot>")
        limits = limits or self.limits
        model = to_snapshot(snapshot, source, limits)
        try:
            catalog = self.catalog_for(model)
        except JurisdictionError as exc:
            raise InputError(label, [InputProblem("institution", str(exc), f"无法确定所在省份：{exc}")]) from None
        window = window_problem(model, limits)
        if window is not None:
            raise InputError(label, [window])
        day = as_of or model.as_of or today_in_shanghai()
        late = calendar_problems(model, day, "as_of" if as_of is None and model.as_of is not None else "--as-of")
        if late:
            raise InputError(label, late)
        try:
            return evaluate(catalog, model, day)
        except (OverflowError, ValueError) as exc:
            # Period and deadline arithmetic near 0001-01-01 or 9999-12-31 leaves the calendar
            # (OverflowError from timedelta, ValueError "year 0 is out of range" from date()).
            # Any other ValueError is a bug of ours and must not pass for bad input.
            if isinstance(exc, ValueError) and "out of range" not in str(exc):
                raise
            edges = "; ".join(edge_dates(model, day)) or "a date near 0001-01-01 or 9999-12-31"
            raise InputError(
                label,
                [
                    InputProblem(
                        "",
                        f"dates too near the ends of the calendar for the rules' periods and deadlines: {edges}",
                        f"日期过于接近公历的起止（公元 1 年或 9999 年），无法计算规则的期间和期限：{edges}",
                    )
                ],
            ) from None


def _compile_all(loaded: LoadedRules) -> dict[str, Catalog]:
    catalogs = {NATIONAL: compile_catalog(loaded, (NATIONAL,))}
    for layer in loaded.layers:
        if layer != NATIONAL:
            catalogs[layer] = compile_catalog(loaded, (NATIONAL, layer))
    return catalogs
