"""Compile once, evaluate many: the engine holds immutable catalogs and checks snapshots as pure
functions of (catalog, snapshot, as_of).

The report JSON path (:meth:`Engine.check_json`, ``yiyang check --format json``) reads the checked
catalogs (checked_catalog.py) and imports neither the report models, the snapshot model nor the
rule files' (pydantic): those are imported where a caller asks for them (:meth:`Engine.check`,
:attr:`Engine.catalogs`, :func:`to_snapshot`) or an input is bad (the reference decoder).
"""

from __future__ import annotations

import json
import sys
import weakref
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar, cast

from ._version import __version__
from .catalog_cache import cached_catalogs
from .checked_catalog import CheckedCatalog, CheckedRule, LazyCatalogs
from .checks import CheckKind
from .checks.base import (
    Outcome,
    Ruled,
    Schedule,
    ScheduledVersion,
    SnapshotView,
    Status,
    TimeClass,
    UnitCheck,
    WholeCheck,
    not_in_force,
    outcome,
    places_to_fill,
)
from .conditions import Predicate, compile_condition
from .decoding import (
    Limits,
    calendar_problems,
    checked_text,
    deep_python_path,
    edge_dates,
    too_large,
    validate_json,
    window_problem,
)
from .errors import InputError, InputProblem, JurisdictionError, RuleCatalogError
from .facts import Facts, encode_facts, facts_from_model
from .facts_json import decode_facts
from .frozen import FrozenDict, FrozenList
from .jurisdiction import NATIONAL, layer_for, layer_named
from .localtime import today_in_shanghai
from .report_json import AssembledReport, assemble, rendered_body
from .resources import rules_dir as default_rules_dir

if TYPE_CHECKING:
    from .catalog import Catalog, CompiledRule
    from .report import Finding, Report, Text
    from .snapshot import Snapshot
    from .sourceref import SourceRef

SnapshotInput: TypeAlias = "Snapshot | Facts | Mapping[str, Any] | str | bytes | Path"
# A rule or catalog as the evaluator reads it: the full compiled one, or its checked form.
AnyRule: TypeAlias = "CompiledRule | CheckedRule"
AnyCatalog: TypeAlias = "Catalog | CheckedCatalog"


def _is_snapshot_model(value: object) -> bool:
    """Whether ``value`` is a :class:`~.snapshot.Snapshot`, without importing the model (and
    pydantic) for a value that cannot be one: none exists until the module has been imported."""
    module = sys.modules.get("yiyang_rules.snapshot")
    return module is not None and isinstance(value, module.Snapshot)


_NO_FILE = InputProblem("", "no such file (or not a regular file)", "文件不存在（或不是普通文件）")


def parse_snapshot(data: str | bytes, source: str = "<snapshot>", limits: Limits | None = None) -> Snapshot:
    """Validate JSON text strictly into the pydantic model. Duplicate keys, unknown keys and unknown
    values are errors; so are other encodings than UTF-8 (a UTF-8 byte-order mark is fine), and
    inputs past ``limits``. The engine reads :func:`parse_facts` instead (the same checks, the
    same errors, compiled)."""
    limits = limits or Limits.from_env()
    return validate_json(checked_text(data, source, limits), source, limits)


def parse_facts(data: str | bytes, source: str = "<snapshot>", limits: Limits | None = None) -> Facts:
    """:func:`parse_snapshot` as the engine's :class:`Facts`: what it accepts and every error are
    the same (facts_json.py)."""
    return decode_facts(data, source, limits or Limits.from_env())


def _json_default(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"cannot put {type(value).__name__} in a snapshot")


def to_snapshot(value: SnapshotInput, source: str | None = None, limits: Limits | None = None) -> Snapshot:
    """A Snapshot (the pydantic model) from a model, a mapping, JSON text or bytes, or a file path
    (a ``Path``, or a string that is not JSON text: a snapshot's JSON always starts with ``{``)."""
    from .snapshot import Snapshot  # noqa: PLC0415 - the pydantic model: only when asked for

    if isinstance(value, Snapshot):
        return value
    if isinstance(value, Facts):
        return Snapshot.model_validate_json(encode_facts(value))
    return _read(value, source, limits or Limits.from_env(), parse_snapshot)


def to_facts(value: SnapshotInput, source: str | None = None, limits: Limits | None = None) -> Facts:
    """:func:`to_snapshot` as the engine's :class:`Facts`: the same inputs, checks and errors."""
    if isinstance(value, Facts):
        return value
    if _is_snapshot_model(value):
        return facts_from_model(cast("Snapshot", value))
    readable = cast("Mapping[str, Any] | str | bytes | Path", value)
    return _read(readable, source, limits or Limits.from_env(), parse_facts)


_Parsed = TypeVar("_Parsed")


def _read(
    value: Mapping[str, Any] | str | bytes | Path,
    source: str | None,
    limits: Limits,
    parse: Callable[[str | bytes, str, Limits], _Parsed],
) -> _Parsed:
    if isinstance(value, str) and not value.lstrip().lstrip("\ufeff").startswith("{") and value.strip():
        value = Path(value)
    if isinstance(value, Path):
        label = source or str(value)
        try:
            if not value.is_file():
                raise InputError(label, [_NO_FILE])
            size = value.stat().st_size
            if size > limits.max_snapshot_bytes:
                raise too_large(label, size, limits)
            text = value.read_bytes()
        except OSError as exc:
            raise InputError(
                label, [InputProblem("", f"cannot read the file: {exc.strerror}", f"无法读取文件：{exc.strerror}")]
            ) from None
        return parse(text, label, limits)
    if isinstance(value, (str, bytes)):
        return parse(value, source or "<snapshot>", limits)
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
    return parse(encoded, label, limits)


def _finding(
    rule: CompiledRule, result: Outcome, view: SnapshotView, finding: type[Finding], text: type[Text]
) -> Finding:
    # model_construct: every part comes from validated rules and outcomes; re-validating them
    # would cost more than the whole check. The model classes come from the caller, which imports
    # them once per report (the JSON path never imports them).
    version = rule.schedule.at(view.as_of) or rule.schedule.versions[-1]
    return finding.model_construct(
        rule_id=rule.id,
        rule_version=version.version,
        status=result.status,
        level=rule.level,
        title=rule.report_title,
        message=text.model_construct(zh=result.message.zh, en=result.message.en),
        evidence=result.evidence,
        citations=list(rule.report_citations),
        layers=list(rule.layers),
        overlay=rule.operation.value if rule.operation is not None else None,
    )


def evaluate_rule(rule: AnyRule, view: SnapshotView) -> Outcome:
    """Applicability first (three-valued), then the rule's check under its schedule."""
    # evaluator(rule), its hit inline: this is called for every rule of every snapshot.
    entry = _EVALUATORS.get(id(rule))
    if entry is not None and entry[0]() is rule:
        return entry[1](view)
    return evaluator(rule)(view)


# --- Compile once, evaluate many. Each compiled rule becomes one closure, built the first time the
# rule is evaluated and kept beside it (not on it: catalogs are pickled into the catalog cache, and
# stay immutable): what the rule's shape fixes (its first day, its applicability condition, its
# kind's time class, a single version's parameters) is decided once, not per snapshot.

RuleEvaluator = Callable[[SnapshotView], Outcome]

# Each memo below holds outcomes keyed by exactly what the outcome is computed from; bounded, since
# a long-running service sees unboundedly many snapshots (a full memo is emptied and refilled).
MEMO_LIMIT = 256


def _remember(memo: dict[Hashable, Outcome], key: Hashable, result: Outcome) -> Outcome:
    if len(memo) >= MEMO_LIMIT:
        memo.clear()
    memo[key] = result
    return result


def _frozen(value: Any) -> Any:
    if isinstance(value, dict):
        # Scalars (most values) are taken as they are, without a call each.
        return FrozenDict({k: _frozen(v) if isinstance(v, (dict, list)) else v for k, v in value.items()})
    if isinstance(value, list):
        return FrozenList([_frozen(v) if isinstance(v, (dict, list)) else v for v in value])
    return value


def shared(result: Outcome) -> Outcome:
    """An outcome handed to many snapshots: its evidence frozen (no reader can change what another
    snapshot's report shows), its JSON rendered once."""
    kept = Outcome(result.status, result.message, _frozen(result.evidence))
    return Outcome(kept.status, kept.message, kept.evidence, rendered_body(kept))


def _unknown_applicability(missing: Iterable[str]) -> Outcome:
    fields = sorted(set(missing))
    places = places_to_fill(fields)
    return outcome(
        Status.INSUFFICIENT_DATA,
        f"无法判断是否适用，快照未提供：{places.zh}",
        f"cannot tell whether the rule applies; the snapshot does not give: {places.en}",
        missing=fields,
    )


_NOT_APPLICABLE = shared(
    outcome(Status.NOT_APPLICABLE, "本机构不属于该规则的适用对象", "the rule does not bind this institution")
)


def compile_rule(rule: AnyRule) -> RuleEvaluator:
    """The rule as one function of a snapshot view: :func:`evaluate_rule` without re-reading the rule."""
    first_day = rule.schedule.first_day
    # Not yet in force on as_of: no period before as_of can have been under it either.
    before = shared(not_in_force(first_day))
    judged = compile_judge(rule.kind, rule.schedule)
    condition = rule.applies_to
    if condition is Predicate.ANY_INSTITUTION:

        def unconditional(view: SnapshotView) -> Outcome:
            return before if view.as_of < first_day else judged(view)

        return unconditional
    # An unknown applicability's outcome depends only on the fields that leave it unknown.
    unknown: dict[Hashable, Outcome] = {}
    applicable = compile_condition(condition)
    # A named predicate is most rules' condition, mostly answered already for this snapshot.
    predicate = condition if isinstance(condition, Predicate) else None

    def conditional(view: SnapshotView) -> Outcome:
        if view.as_of < first_day:
            return before
        applies = view.predicate_memo.get(predicate) if predicate is not None else None
        if applies is None:
            applies = applicable(view.snapshot, view.predicate_memo, view.as_of)
        if applies.value is True:
            return judged(view)
        if applies.value is False:
            return _NOT_APPLICABLE
        found = unknown.get(applies.missing)
        if found is None:
            found = _remember(unknown, applies.missing, shared(_unknown_applicability(applies.missing)))
        return found

    return conditional


def compile_judge(kind: CheckKind, schedule: Schedule[Any]) -> RuleEvaluator:
    """:func:`judge` for one kind and schedule, for a view whose as_of is on or after the schedule's
    first day (the rule's closure has said "not yet in force" before). A schedule of one open-ended
    version is specialised: that version is in force on every such day and covers any span that
    starts on or after its first day."""
    timing = kind.timing
    versions = schedule.versions
    only = versions[0] if len(versions) == 1 and versions[0].until is None else None
    if isinstance(timing, UnitCheck) and only is not None:
        units, judge_units = timing.units, timing.judge
        params, start, version = only.params, only.start, only.version

        def split(view: SnapshotView) -> tuple[list[Ruled[Any, Any]], list[Any]]:
            as_of = view.as_of
            ruled: list[Ruled[Any, Any]] = []
            later: list[Any] = []
            run: list[Any] = []
            run_in_force: bool | None = None
            for unit in units(params, view):
                first = unit.first
                if first > as_of:
                    later.append(unit)
                    continue
                in_force = start <= first
                if in_force is not run_in_force:
                    run = []
                    ruled.append(Ruled(run, params, version) if in_force else Ruled(run, None, None))
                    run_in_force = in_force
                run.append(unit)
            return ruled, later

        unit_reads, unit_verdict = timing.reads, timing.verdict
        if unit_reads is None or unit_verdict is None:

            def per_unit(view: SnapshotView) -> Outcome:
                ruled, later = split(view)
                return judge_units(params, ruled, later, view)

            return per_unit
        # The outcome is verdict(params, readings): memoised by the readings.
        memo: dict[Hashable, Outcome] = {}

        def per_unit_memoised(view: SnapshotView) -> Outcome:
            ruled, later = split(view)
            key = unit_reads(params, ruled, later, view)
            found = memo.get(key)
            if found is None:
                found = _remember(memo, key, shared(unit_verdict(params, key)))
            return found

        return per_unit_memoised
    if not isinstance(timing, WholeCheck):
        return lambda view: judge(kind, schedule, view)
    if timing.time is TimeClass.WINDOW:
        return _compile_window(kind, timing, schedule)
    reads, verdict = timing.reads, timing.verdict
    if reads is None or verdict is None:
        if only is not None:
            params, judge_whole = only.params, timing.judge
            return lambda view: judge_whole(params, view)
        return lambda view: judge(kind, schedule, view)
    # The outcome is verdict(params, readings): memoised per version by the readings.
    compile_reads = timing.compile_reads
    memoised = {id(v): _memoised(v.params, reads, verdict, compile_reads) for v in versions}
    if only is not None:
        return memoised[id(only)]

    def scheduled(view: SnapshotView) -> Outcome:
        version = schedule.at(view.as_of)
        if version is None:
            return _not_in_force_on_as_of(schedule, view)
        return memoised[id(version)](view)

    return scheduled


def _compile_window(kind: CheckKind, timing: WholeCheck, schedule: Schedule[Any]) -> RuleEvaluator:
    """:func:`judge` of a window measure: each version's outcome (which says that version, as
    ``judge`` does) memoised by the readings."""
    reads, verdict = timing.reads, timing.verdict
    if reads is None or verdict is None:
        return lambda view: judge(kind, schedule, view)
    under = {
        id(v): _memoised(v.params, reads, _saying_version(verdict, v.version), timing.compile_reads)
        for v in schedule.versions
    }

    def windowed(view: SnapshotView) -> Outcome:
        first, last = _window_span(view)
        version = schedule.covering(first, last)
        if version is None:
            return _window_not_covered(schedule, first, last)
        return under[id(version)](view)

    return windowed


def _saying_version(verdict: Callable[[Any, Any], Outcome], version: str) -> Callable[[Any, Any], Outcome]:
    def said(params: Any, readings: Any) -> Outcome:
        result = verdict(params, readings)
        result.evidence.setdefault("version", version)
        return result

    return said


def _memoised(
    params: Any,
    reads: Callable[[Any, SnapshotView], Hashable],
    verdict: Callable[[Any, Any], Outcome],
    compile_reads: Callable[[Any], Callable[[SnapshotView], Hashable]] | None,
) -> RuleEvaluator:
    """One version's outcome, memoised by its readings: a hit costs the readings and a lookup."""
    read = compile_reads(params) if compile_reads is not None else lambda view: reads(params, view)
    memo: dict[Hashable, Outcome] = {}

    def memoised(view: SnapshotView) -> Outcome:
        key = read(view)
        found = memo.get(key)
        if found is None:
            found = _remember(memo, key, shared(verdict(params, key)))
        return found

    return memoised


_EVALUATORS: dict[int, tuple[weakref.ref[AnyRule], RuleEvaluator]] = {}


def evaluator(rule: AnyRule) -> RuleEvaluator:
    """The rule's compiled closure, built the first time it is asked for (the entry goes when the
    rule does)."""
    key = id(rule)
    entry = _EVALUATORS.get(key)
    if entry is not None and entry[0]() is rule:
        return entry[1]
    built = compile_rule(rule)
    _EVALUATORS[key] = (weakref.ref(rule, lambda _ref, key=key: _EVALUATORS.pop(key, None)), built)  # type: ignore[misc]
    return built


_PROGRAMS: dict[int, tuple[weakref.ref[AnyCatalog], tuple[RuleEvaluator, ...]]] = {}


def program(catalog: AnyCatalog) -> tuple[RuleEvaluator, ...]:
    """Every rule of the catalog compiled, in the catalog's order."""
    key = id(catalog)
    entry = _PROGRAMS.get(key)
    if entry is not None and entry[0]() is catalog:
        return entry[1]
    built = tuple(evaluator(rule) for rule in catalog.rules)
    _PROGRAMS[key] = (weakref.ref(catalog, lambda _ref, key=key: _PROGRAMS.pop(key, None)), built)  # type: ignore[misc]
    return built


# --- Time: which version judges what (docs/semantics.md, "Time"). The one place that reads a
# rule's schedule: every kind declares its time class and is handed parameters, never versions.


def judge(kind: CheckKind, schedule: Schedule[Any], view: SnapshotView) -> Outcome:
    """One kind under one schedule, with the version chosen by the kind's time class."""
    timing = kind.timing
    if isinstance(timing, WholeCheck):
        if timing.time is TimeClass.SNAPSHOT:
            version = schedule.at(view.as_of)
            if version is None:
                return _not_in_force_on_as_of(schedule, view)
            return timing.judge(version.params, view)
        first, last = _window_span(view)
        version = schedule.covering(first, last)
        if version is None:
            return _window_not_covered(schedule, first, last)
        # The finding's rule_version is the one in force on as_of; a window may have been judged
        # under an earlier one, so say which.
        return _saying_version(timing.judge, version.version)(version.params, view)
    # Periods and events: each unit under the version in force for the whole of its span; a unit
    # that starts after as_of has not happened yet and is handed back as such, never judged.
    as_of = view.as_of
    ruled: list[Ruled[Any, Any]] = []
    later: list[Any] = []
    run: list[Any] = []
    run_version: ScheduledVersion[Any] | bool | None = False  # False: no run yet
    for unit in timing.units(schedule.versions[-1].params, view):
        first = unit.first
        if first > as_of:
            later.append(unit)
            continue
        version = schedule.covering(first, unit.last)
        if version is not run_version:
            run = []
            ruled.append(Ruled(run, None, None) if version is None else Ruled(run, version.params, version.version))
            run_version = version
        run.append(unit)
    return timing.judge(schedule.versions[-1].params, ruled, later, view)


def _not_in_force_on_as_of(schedule: Schedule[Any], view: SnapshotView) -> Outcome:
    if view.as_of < schedule.first_day:
        return not_in_force(schedule.first_day)
    return outcome(
        Status.NOT_APPLICABLE,
        "该规则在评估日已不再施行",
        "the rule is no longer in force on the evaluation date",
    )


def _window_span(view: SnapshotView) -> tuple[date, date]:
    """The days a window measure describes: the window, cut at as_of (nothing later is known)."""
    start, end = view.window
    return start, max(start, min(end, view.as_of))


def _window_not_covered(schedule: Schedule[Any], first: date, last: date) -> Outcome:
    """No one version was in force for the whole window. The measure is one number over the whole
    window and cannot be split: if no version was in force on any day of it the rule did not apply
    then (``not_applicable``); if the window is partly outside the rule's time or spans two
    versions, it could be judged on a window inside one version, which is data the institution
    can give (``insufficient_data``)."""
    window = {"start": first.isoformat(), "end": last.isoformat()}
    overlapping: list[ScheduledVersion[Any]] = [
        v for v in schedule.versions if v.start <= last and (v.until is None or first <= v.until)
    ]
    if not overlapping:
        return outcome(
            Status.NOT_APPLICABLE,
            f"评估窗口（{first.isoformat()}至{last.isoformat()}）内该规则均未施行",
            f"the rule was not in force on any day of the window ({first.isoformat()} to {last.isoformat()})",
            window=window,
            in_force_from=schedule.first_day.isoformat(),
        )
    evidence: dict[str, Any] = {
        "window": window,
        "in_force_from": overlapping[0].start.isoformat(),
        "versions_in_window": [
            {"version": v.version, "from": v.start.isoformat(), "until": v.until.isoformat() if v.until else None}
            for v in overlapping
        ],
    }
    if first < overlapping[0].start:
        before_end = (overlapping[0].start - timedelta(days=1)).isoformat()
        evidence["window_before_in_force"] = {"start": first.isoformat(), "end": before_end}
        return outcome(
            Status.INSUFFICIENT_DATA,
            f"评估窗口中{first.isoformat()}至{before_end}早于该规则施行（{overlapping[0].start.isoformat()}），"
            "整个窗口的指标无法拆分，不予评判；请提供自施行之日起的窗口数据",
            f"the part of the window from {first.isoformat()} to {before_end} predates the rule "
            f"(in force from {overlapping[0].start.isoformat()}); a measure over the whole window cannot be "
            "split, so it is not judged: give a window that starts on or after that day",
            **evidence,
        )
    return outcome(
        Status.INSUFFICIENT_DATA,
        "评估窗口跨越该规则的不同版本（或其失效日），整个窗口的指标无法拆分，不予评判",
        "the window spans more than one version of the rule (or its end); a measure over the whole window "
        "cannot be split, so it is not judged",
        **evidence,
    )


def outcomes(catalog: AnyCatalog, view: SnapshotView) -> list[tuple[AnyRule, Outcome]]:
    """Every rule of the catalog judged on one snapshot, in the catalog's order."""
    rules: tuple[AnyRule, ...] = catalog.rules
    return [(rule, run(view)) for rule, run in zip(rules, program(catalog), strict=True)]


def report_of(catalog: Catalog, snapshot: Facts, as_of: date, findings: list[Finding]) -> Report:
    """The report model of ``findings`` (one per rule of ``catalog``)."""
    from .report import EngineInfo, InstitutionRef, Report, Summary  # noqa: PLC0415

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


def evaluate(catalog: Catalog, snapshot: Facts | Snapshot, as_of: date) -> Report:
    """A pure function: the same catalog, snapshot and date give the same report."""
    facts = to_facts(snapshot)
    view = SnapshotView.of(facts, as_of)
    from .report import Finding, Text  # noqa: PLC0415 - the report models: only on this path

    runs = zip(catalog.rules, program(catalog), strict=True)
    findings = [_finding(rule, run(view), view, Finding, Text) for rule, run in runs]
    return report_of(catalog, facts, as_of, findings)


def evaluate_assembled(
    catalog: AnyCatalog,
    snapshot: Facts | Snapshot,
    as_of: date,
    source: SourceRef | None = None,
    end: bytes = b"",
    one_line: bool = False,
) -> AssembledReport:
    """The same report as :func:`evaluate`, as its JSON (``model_dump_json()``) in UTF-8 bytes
    followed by ``end``, assembled from pre-rendered fragments without building the report's
    models; with the institution and the (level, status) pairs of the findings (``one_line``: see
    :func:`.report_json.assemble`)."""
    facts = to_facts(snapshot)
    view = SnapshotView.of(facts, as_of)
    return assemble(catalog, facts, as_of, outcomes(catalog, view), source, end, one_line)


@dataclass(frozen=True)
class Engine:
    """Compiled catalogs for every layer combination, built once; ``check`` is thread-safe.

    ``catalogs`` are the full compiled catalogs (what the rules commands, docs and the report model
    read); ``checked`` their checked form (checked_catalog.py), which is what ``check_json`` and
    ``check_assembled`` evaluate. :meth:`load` gives a ``catalogs`` mapping that loads the full
    catalogs only when one is first asked for; given only ``catalogs``, ``checked`` is derived
    from them."""

    catalogs: Mapping[str, Catalog]
    forced: str | None = None
    limits: Limits = field(default_factory=Limits.from_env)
    regions: Mapping[str, str] = field(default_factory=dict)  # area layers: region code → layer name
    checked: Mapping[str, CheckedCatalog] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if not self.checked:
            checked = {key: CheckedCatalog.of(catalog) for key, catalog in self.catalogs.items()}
            object.__setattr__(self, "checked", MappingProxyType(checked))

    @classmethod
    def load(
        cls, jurisdiction: str | None = None, rules_dir: Path | None = None, limits: Limits | None = None
    ) -> Engine:
        """Load and compile the rules. ``jurisdiction`` forces one (``national``, ``beijing``, …);
        without it each snapshot's own province decides. ``limits`` caps one snapshot's size, depth
        and window (default: :class:`Limits` with the ``YIYANG_MAX_*`` environment variables)."""

        def build() -> tuple[dict[str, Catalog], tuple[dict[str, CheckedCatalog], dict[str, str]]]:
            from .catalog import compile_all, load_pack  # noqa: PLC0415 - reading rule files: no cache entry

            loaded = load_pack(rules_dir)
            if loaded.problems:
                raise RuleCatalogError(loaded.problems)
            catalogs = compile_all(loaded)
            checked = {key: CheckedCatalog.of(catalog) for key, catalog in catalogs.items()}
            return catalogs, (checked, loaded.region_layers())

        (checked, regions), full = cached_catalogs(rules_dir or default_rules_dir(), build)
        forced = None if jurisdiction is None else layer_named(jurisdiction, checked, regions)
        return cls(
            LazyCatalogs(tuple(checked), full),
            forced,
            limits or Limits.from_env(),
            MappingProxyType(regions),
            MappingProxyType(checked),
        )

    @cached_property
    def rule_ids(self) -> frozenset[str]:
        """Every rule id of every layer: what an exemption may name."""
        return frozenset(rule.id for catalog in self.checked.values() for rule in catalog.rules)

    def _layer_for(self, snapshot: Facts | Snapshot) -> str:
        key = self.forced or layer_for(snapshot.institution, self.checked, self.regions)
        return key if key in self.checked else NATIONAL

    def catalog_for(self, snapshot: Facts | Snapshot) -> Catalog:
        return self.catalogs[self._layer_for(snapshot)]

    def check(
        self,
        snapshot: SnapshotInput,
        as_of: date | None = None,
        source: str | None = None,
        limits: Limits | None = None,
    ) -> Report:
        """``as_of`` overrides the snapshot's own; the default is today in Asia/Shanghai. ``limits``
        overrides the engine's for this call. Bad input of any kind is an :class:`InputError`."""
        model, layer, day, label = self._prepare(snapshot, as_of, source, limits)
        catalog = self.catalogs[layer]
        return _guarded(label, model, day, lambda: evaluate(catalog, model, day))

    def check_json(
        self,
        snapshot: SnapshotInput,
        as_of: date | None = None,
        source: str | None = None,
        limits: Limits | None = None,
        located: SourceRef | None = None,
    ) -> bytes:
        """What ``check(...).model_dump_json()`` gives (with ``source`` set to ``located``), as
        UTF-8 bytes, without building the report's models: the path of the CLI's JSON Lines and
        the HTTP service. Same arguments and errors as :meth:`check`."""
        return self.check_assembled(snapshot, as_of, source, limits, located).data

    def check_assembled(
        self,
        snapshot: SnapshotInput,
        as_of: date | None = None,
        source: str | None = None,
        limits: Limits | None = None,
        located: SourceRef | None = None,
        end: bytes = b"",
        one_line: bool = False,
    ) -> AssembledReport:
        """:meth:`check_json` (its bytes followed by ``end``, e.g. a line's newline), with the
        institution and the verdicts of the findings. ``one_line``: U+0085, U+2028 and U+2029
        written as escapes, as the JSON Lines output has them (render.json_lines.one_line)."""
        model, layer, day, label = self._prepare(snapshot, as_of, source, limits)
        checked = self.checked[layer]
        return _guarded(label, model, day, lambda: evaluate_assembled(checked, model, day, located, end, one_line))

    def _prepare(
        self, snapshot: SnapshotInput, as_of: date | None, source: str | None, limits: Limits | None
    ) -> tuple[Facts, str, date, str]:
        """The snapshot's facts, the layer that judges it, the evaluation day and its label."""
        label = source or (str(snapshot) if isinstance(snapshot, Path) else "<snapshot>")
        limits = limits or self.limits
        model = to_facts(snapshot, source, limits)
        try:
            layer = self._layer_for(model)
        except JurisdictionError as exc:
            raise InputError(label, [InputProblem("institution", str(exc), f"无法确定所在省份：{exc}")]) from None
        window = window_problem(model, limits)
        if window is not None:
            raise InputError(label, [window])
        day = as_of or model.as_of or today_in_shanghai()
        late = calendar_problems(model, day, "as_of" if as_of is None and model.as_of is not None else "--as-of")
        if late:
            raise InputError(label, late)
        return model, layer, day, label


_T = TypeVar("_T")


def _guarded(label: str, model: Facts, day: date, run: Callable[[], _T]) -> _T:
    try:
        return run()
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
