"""What remains to be done from ``as_of`` on: the plan (``yiyang plan``).

The plan is read off the same compiled rules as ``check``: each rule's :class:`Schedule` says which
version judges which period or event, the calendar periods come from :mod:`localtime`, the
activity counts from the ``period_count`` kind's own record reading, and the agreement and hazard
states from their check kinds' evidence. Nothing here restates a rule.

Items, by ``kind``:

- ``period_running``: the period containing ``as_of``, when it still lacks activities: how many,
  and its last day (本月尚需防火检查1次，截止2026-11-30).
- ``period_next``: each later period that starts on or before ``until``, with the count it needs.
- ``agreement_report``: an agreement still to be reported, with its deadline (``overdue`` if passed).
- ``hazard_rectify`` / ``hazard_plan``: an open hazard with its rectification deadline (``overdue``
  if passed), or one that needs a plan naming a responsible person and a deadline.
- ``in_force``: a rule, or a new version of one, that takes effect after ``as_of`` and by ``until``.
- ``data_missing``: a rule that cannot be judged because the snapshot lacks the named fields.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ._version import __version__
from .catalog import Catalog, CompiledRule
from .checks.base import SnapshotView, Status
from .checks.period_count import Params as PeriodParams
from .checks.period_count import _distinct_dates
from .conditions import holds
from .engine import Engine, SnapshotInput, evaluate_rule, to_facts
from .errors import InputError, JurisdictionError
from .facts import Facts
from .levels import Level
from .localtime import (
    PERIOD_LABELS,
    PeriodUnit,
    add_months,
    period_containing,
    periods_overlapping,
    today_in_shanghai,
)
from .report import CitationOut, EngineInfo, InstitutionRef, Text
from .vocabulary import ACTIVITY_LABELS

DEFAULT_HORIZON_MONTHS = 3

ItemKind = Literal[
    "period_running", "period_next", "agreement_report", "hazard_rectify", "hazard_plan", "in_force", "data_missing"
]
ItemState = Literal["due", "overdue", "info"]


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class PlanItem(_Out):
    kind: ItemKind
    state: ItemState = Field(description="due: to do by `due`; overdue: its day has passed; info: to know")
    rule_id: str
    rule_version: str | None
    level: Level
    title: Text
    citations: list[CitationOut]
    unit: str | None = Field(default=None, description="the period label, agreement id or hazard id")
    start: str | None = Field(default=None, description="the first day it can be done (a period's first day)")
    due: str | None = Field(default=None, description="the last day to do it")
    activity: str | None = None
    required: int | None = None
    done: int | None = None
    remaining: int | None = None
    missing: list[str] | None = Field(default=None, description="for data_missing: the snapshot fields needed")
    message: Text


class Plan(_Out):
    plan_version: Literal["1"] = "1"
    engine: EngineInfo
    jurisdiction: list[str]
    institution: InstitutionRef
    as_of: str
    until: str
    period: dict[str, str]
    items: list[PlanItem]
    notes: list[Text] = Field(default_factory=list)


_RUNNING_ZH: dict[PeriodUnit, str] = {
    PeriodUnit.MONTH: "本月",
    PeriodUnit.QUARTER: "本季度",
    PeriodUnit.HALF_YEAR: "本半年",
    PeriodUnit.YEAR: "本年度",
}


def default_until(as_of: date) -> date:
    """Three calendar months after ``as_of`` (clamped to the month's end)."""
    return add_months(as_of, DEFAULT_HORIZON_MONTHS)


def _item(rule: CompiledRule, version: str | None, message: Text, **fields: Any) -> PlanItem:
    return PlanItem.model_construct(
        rule_id=rule.id,
        rule_version=version,
        level=rule.level,
        title=rule.report_title,
        citations=list(rule.report_citations),
        message=message,
        **{
            "unit": None,
            "start": None,
            "due": None,
            "activity": None,
            "required": None,
            "done": None,
            "remaining": None,
            "missing": None,
            **fields,
        },
    )


def _period_items(rule: CompiledRule, view: SnapshotView, until: date) -> Iterator[PlanItem]:
    """The running period (if short) and the later ones up to ``until``, each under the version that
    will judge it: the one covering the whole period, as ``check`` requires."""
    as_of = view.as_of
    window_start = view.snapshot.period.start
    units = {v.params.period for v in rule.schedule.versions if isinstance(v.params, PeriodParams)}
    for unit in sorted(units, key=list(PeriodUnit).index):
        running = period_containing(unit, as_of)
        for period in periods_overlapping(unit, running.start, max(until, running.start)):
            version = rule.schedule.covering(period.start, period.end)
            if version is None or not isinstance(version.params, PeriodParams) or version.params.period is not unit:
                continue  # no one version judges the whole period: check does not judge it either
            params = version.params
            label = ACTIVITY_LABELS[params.activity]
            is_running = period.start <= as_of
            done = 0
            if is_running:
                # Counted as check counts: distinct records (same id once), in the window, by as_of.
                dates, _ = _distinct_dates(view.activities_by_kind.get(params.activity, ()))
                done = sum(1 for d in dates if max(period.start, window_start) <= d <= as_of)
            remaining = params.min_count - done
            if remaining <= 0:
                continue
            en_every = PERIOD_LABELS[unit][1]
            if is_running:
                message = Text.model_construct(
                    zh=f"{_RUNNING_ZH[unit]}尚需{label.zh}{remaining}次，截止{period.end}",
                    en=f"this {en_every} ({period.label}) still needs {remaining} {label.en}(s), by {period.end}",
                )
            else:
                message = Text.model_construct(
                    zh=f"{period.label}须开展{label.zh}{remaining}次（{period.start}至{period.end}）",
                    en=f"{period.label} needs {remaining} {label.en}(s) ({period.start} to {period.end})",
                )
            yield _item(
                rule,
                version.version,
                message,
                kind="period_running" if is_running else "period_next",
                state="due",
                unit=period.label,
                start=period.start.isoformat(),
                due=period.end.isoformat(),
                activity=params.activity.value,
                required=params.min_count,
                done=done,
                remaining=remaining,
            )


def _agreement_items(rule: CompiledRule, view: SnapshotView, evidence: dict[str, Any]) -> Iterator[PlanItem]:
    """Agreements the deadline check holds as pending or overdue on ``as_of``."""
    for record in evidence.get("records", []):
        state = record.get("state")
        if state not in ("pending", "overdue") or "due" not in record:
            continue
        version = rule.schedule.at(date.fromisoformat(record["signed"]))
        overdue = state == "overdue"
        due = record["due"]
        yield _item(
            rule,
            version.version if version else None,
            Text.model_construct(
                zh=(
                    f"协议 {record['id']} 已超过告知期限（{due}），应立即告知县级卫生健康和民政部门"
                    if overdue
                    else f"协议 {record['id']} 须于{due}前告知县级卫生健康和民政部门"
                ),
                en=(
                    f"agreement {record['id']} is past its reporting deadline ({due}): report it to the county "
                    "health and civil-affairs departments now"
                    if overdue
                    else f"report agreement {record['id']} to the county health and civil-affairs departments by {due}"
                ),
            ),
            kind="agreement_report",
            state="overdue" if overdue else "due",
            unit=record["id"],
            start=record["signed"],
            due=due,
        )


_PLAN_FIELD_ZH = {"responsible": "责任人", "deadline": "整改期限", "measures": "防范措施"}


def _hazard_items(rule: CompiledRule, view: SnapshotView, evidence: dict[str, Any]) -> Iterator[PlanItem]:
    """Open hazards in the ledger as the hazard check reads it on ``as_of``."""
    version = rule.schedule.at(view.as_of)
    if version is None:
        return
    params = version.params
    for entry in evidence.get("hazards", []):
        state = entry.get("state", "")
        if state not in ("open_with_plan", "open_without_plan", "overdue"):
            continue
        hazard_id = entry["id"]
        absent = entry.get("plan_missing") or []
        # Judged as check judged it: under the version in force when the hazard was found (named in
        # the evidence), and not at all for a hazard found before the rule took effect.
        found_under = next((v.params for v in rule.schedule.versions if v.version == entry.get("version")), params)
        needs_plan = not entry.get("found_before_in_force") and getattr(found_under, "require_plan_for_open", False)
        if absent and needs_plan:
            absent_zh = "、".join(_PLAN_FIELD_ZH.get(f, f) for f in absent)
            yield _item(
                rule,
                version.version,
                Text.model_construct(
                    zh=f"隐患 {hazard_id} 须立即制定整改方案，明确{absent_zh}",
                    en=f"hazard {hazard_id} needs a rectification plan now, giving: {', '.join(absent)}",
                ),
                kind="hazard_plan",
                state="overdue",
                unit=hazard_id,
                start=entry["found"],
                due=view.as_of.isoformat(),
            )
        deadline = entry.get("deadline")
        overdue = state == "overdue"
        if deadline is None:
            message = Text.model_construct(
                zh=f"隐患 {hazard_id}（{entry['found']}发现）尚未整改，应及时整改",
                en=f"hazard {hazard_id} (found {entry['found']}) is still open: rectify it in time",
            )
        elif overdue:
            message = Text.model_construct(
                zh=f"隐患 {hazard_id} 已超过整改期限（{deadline}），尚未整改",
                en=f"hazard {hazard_id} is past its rectification deadline ({deadline}) and still open",
            )
        else:
            message = Text.model_construct(
                zh=f"隐患 {hazard_id} 须于{deadline}前整改到位",
                en=f"rectify hazard {hazard_id} by {deadline}",
            )
        yield _item(
            rule,
            version.version,
            message,
            kind="hazard_rectify",
            state="overdue" if overdue else ("due" if deadline else "info"),
            unit=hazard_id,
            start=entry["found"],
            due=deadline,
        )


def _in_force_items(rule: CompiledRule, as_of: date, until: date) -> Iterator[PlanItem]:
    for version in rule.schedule.versions:
        if as_of < version.start <= until:
            first = version.start == rule.schedule.first_day
            yield _item(
                rule,
                version.version,
                Text.model_construct(
                    zh=f"{'本规则' if first else f'新版本 {version.version} '}自{version.start}起施行",
                    en=f"{'this rule' if first else f'version {version.version}'} is in force from {version.start}",
                ),
                kind="in_force",
                state="info",
                start=version.start.isoformat(),
                due=version.start.isoformat(),
            )


def _missing_item(rule: CompiledRule, view: SnapshotView, fields: list[str], applicability: bool) -> PlanItem:
    version = rule.schedule.at(view.as_of)
    what_zh = "无法判断是否适用" if applicability else "无法评估"
    what_en = "cannot tell whether it applies" if applicability else "cannot be judged"
    return _item(
        rule,
        version.version if version else None,
        Text.model_construct(
            zh=f"{what_zh}，请补充数据：{'、'.join(fields)}",
            en=f"{what_en}; add to the snapshot: {', '.join(fields)}",
        ),
        kind="data_missing",
        state="info",
        missing=fields,
    )


def _rule_items(rule: CompiledRule, view: SnapshotView, until: date) -> Iterator[PlanItem]:
    schedule = rule.schedule
    if schedule.first_day > until:
        return
    last = schedule.versions[-1].until
    if last is not None and last < view.as_of:
        return  # repealed before as_of: nothing remains to do
    applies = holds(rule.applies_to, view.snapshot, view.predicate_memo, view.as_of)
    if applies.value is False:
        return
    yield from _in_force_items(rule, view.as_of, until)
    if applies.value is None:
        yield _missing_item(rule, view, sorted(set(applies.missing)), applicability=True)
        return
    if rule.kind.name == "period_count":
        if view.snapshot.activities is None:
            yield _missing_item(rule, view, ["activities"], applicability=False)
            return
        yield from _period_items(rule, view, until)
        return
    if view.as_of < schedule.first_day:
        return  # the snapshot-level and event checks start on their first day: nothing to do before
    result = evaluate_rule(rule, view)
    if result.status is Status.INSUFFICIENT_DATA and result.evidence.get("missing"):
        yield _missing_item(rule, view, list(result.evidence["missing"]), applicability=False)
    elif rule.kind.name == "deadline_after_event":
        yield from _agreement_items(rule, view, result.evidence)
    elif rule.kind.name == "hazard_ledger":
        yield from _hazard_items(rule, view, result.evidence)


_KIND_ORDER = {k: i for i, k in enumerate(ItemKind.__args__)}  # type: ignore[attr-defined]
_STATE_ORDER = {"overdue": 0, "due": 1, "info": 2}


def make_plan(catalog: Catalog, snapshot: Facts, as_of: date, until: date | None = None) -> Plan:
    """A pure function of the compiled catalog, the snapshot and the two days."""
    end = until or default_until(as_of)
    if end < as_of:
        raise ValueError(f"until {end} is before as_of {as_of}")
    view = SnapshotView.of(snapshot, as_of)
    items = [item for rule in catalog.rules for item in _rule_items(rule, view, end)]
    items.sort(key=lambda i: (_STATE_ORDER[i.state], i.due or "9999", _KIND_ORDER[i.kind], i.rule_id, i.unit or ""))
    notes: list[Text] = []
    window_end = snapshot.period.end
    if window_end < as_of:
        notes.append(
            Text.model_construct(
                zh=f"快照的评估窗口止于{window_end}，早于评估日{as_of}：其后的记录可能未列入，已做的请补录",
                en=f"the snapshot's window ends on {window_end}, before as_of {as_of}: records after it may be "
                "missing; add what was done",
            )
        )
    if window_end < end:
        notes.append(
            Text.model_construct(
                zh=f"下次检查请将评估窗口延至{end}，并录入期间开展的各项记录",
                en=f"for the next check, extend the window to {end} and record what was done",
            )
        )
    return Plan.model_construct(
        plan_version="1",
        engine=EngineInfo.model_construct(name="yiyang-rules", version=__version__),
        jurisdiction=list(catalog.layers),
        institution=InstitutionRef.model_construct(id=snapshot.institution.id, name=snapshot.institution.name),
        as_of=as_of.isoformat(),
        until=end.isoformat(),
        period={"start": snapshot.period.start.isoformat(), "end": snapshot.period.end.isoformat()},
        items=items,
        notes=notes,
    )


def plan_snapshot(
    engine: Engine,
    snapshot: SnapshotInput,
    as_of: date | None = None,
    until: date | None = None,
    source: str | None = None,
) -> Plan:
    """The plan for one snapshot with the engine's catalogs, as ``Engine.check`` reads it: the same
    jurisdiction and the same ``as_of`` (the argument, else the snapshot's, else today)."""
    label = source or "<snapshot>"
    model = to_facts(snapshot, label)
    try:
        catalog = engine.catalog_for(model)
    except JurisdictionError as exc:
        raise InputError(label, [str(exc)]) from None
    day = as_of or model.as_of or today_in_shanghai()
    end = until or default_until(day)
    if end < day:
        raise InputError(label, [f"--until {end} is before as_of {day}"])
    return make_plan(catalog, model, day, end)
