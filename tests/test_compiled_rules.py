"""The compiled rules (engine.compile_rule) and their memos against the plain evaluation.

A memoised outcome is keyed by what it is computed from: an unknown applicability by the fields
that leave it unknown, a ``required_facts`` verdict by its readings (``reads``). These tests change
every fact, qualification and institution kind a rule can read, one at a time, on generated
snapshots, and check (1) that the compiled, memoised rule gives the outcome of the plain evaluation
(the engine's path before rules were compiled: ``holds`` then ``judge``, nothing memoised), after
the memos were filled by earlier snapshots, and (2) that two snapshots with the same readings never
have different outcomes under ``required_facts`` as it was before the split (an independent
reference that reads the snapshot itself): a change that changes the outcome changes the key.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from render_items import _bench
from yiyang_rules.catalog import Catalog, CompiledRule
from yiyang_rules.checks import rate_limit, required_facts
from yiyang_rules.checks.base import (
    Outcome,
    Schedule,
    ScheduledVersion,
    SnapshotView,
    Status,
    missing,
    not_in_force,
    outcome,
    places_to_fill,
)
from yiyang_rules.conditions import compile_condition, fact_path_field, fact_reader, fact_value, holds
from yiyang_rules.engine import Engine, compile_judge, evaluator, judge, parse_facts, program
from yiyang_rules.report_json import rendered_body
from yiyang_rules.vocabulary import FACT_KEYS, FactSection, InstitutionKind


def plain_evaluate_rule(rule: CompiledRule, view: SnapshotView) -> Outcome:
    """The evaluation without compiled closures or memos (the engine's code before them)."""
    if view.as_of < rule.schedule.first_day:
        return not_in_force(rule.schedule.first_day)
    applies = holds(rule.applies_to, view.snapshot, None, view.as_of)
    if applies.value is False:
        return outcome(Status.NOT_APPLICABLE, "本机构不属于该规则的适用对象", "the rule does not bind this institution")
    if applies.value is None:
        missing = sorted(set(applies.missing))
        places = places_to_fill(missing)
        return outcome(
            Status.INSUFFICIENT_DATA,
            f"无法判断是否适用，快照未提供：{places.zh}",
            f"cannot tell whether the rule applies; the snapshot does not give: {places.en}",
            missing=missing,
        )
    return judge(rule.kind, rule.schedule, view)


def unsplit_required_facts(params: required_facts.Params, view: SnapshotView) -> Outcome:
    """``required_facts`` as it was before it was split into ``reads`` and ``verdict``: an
    independent reference, reading the snapshot directly."""
    items: list[dict[str, Any]] = []
    failed: list[required_facts.FactRequirement] = []
    unknown: list[str] = []
    for requirement in params.facts:
        if requirement.when is not None:
            applies = holds(requirement.when, view.snapshot, as_of=view.as_of)
            if applies.value is False:
                continue
            if applies.value is None:
                unknown.extend(applies.missing)
                continue
        value = fact_value(view.snapshot, requirement.fact)
        items.append({"fact": requirement.fact, "expected": requirement.expected, "actual": value})
        if value is None:
            unknown.append(fact_path_field(requirement.fact))
        elif value != requirement.expected:
            failed.append(requirement)
    describe = required_facts._describe
    if failed:
        return outcome(
            Status.NON_COMPLIANT,
            "不符合：" + "；".join(describe(r)[0] for r in failed),
            "not met: " + "; ".join(describe(r)[1] for r in failed),
            facts=items,
            failed=[r.fact for r in failed],
            **({"missing": unknown} if unknown else {}),
        )
    if unknown:
        places = places_to_fill(unknown)
        return outcome(
            Status.INSUFFICIENT_DATA,
            f"快照未提供：{places.zh}",
            f"the snapshot does not give: {places.en}",
            facts=items,
            missing=unknown,
        )
    if not items:
        return outcome(
            Status.NOT_APPLICABLE, "本机构不适用其中任何一项", "none of the items applies to this institution"
        )
    checked = {i["fact"] for i in items}
    zh = "；".join(describe(r)[0] for r in params.facts if r.fact in checked)
    en = "; ".join(describe(r)[1] for r in params.facts if r.fact in checked)
    return outcome(Status.COMPLIANT, f"符合：{zh}", f"met: {en}", facts=items)


def _json(result: Outcome) -> tuple[Status, str]:
    # rendered afresh from the outcome's message and evidence, not from a cached rendering
    plain = Outcome(result.status, result.message, result.evidence)
    return result.status, rendered_body(plain)


def _variants(base: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The snapshot, then one change at a time of everything a fact-only outcome can read."""
    yield base
    for section, keys in FACT_KEYS.items():
        for key in sorted(keys):
            for value in (True, False, None):
                changed = copy.deepcopy(base)
                if section is FactSection.QUALIFICATIONS:
                    holder = changed["institution"].setdefault("qualifications", {})
                else:
                    holder = changed.get(section.value) or {}
                    changed[section.value] = holder
                if value is None:
                    holder.pop(key, None)
                else:
                    holder[key] = value
                yield changed
    for kinds in ([InstitutionKind.MEDICAL], [InstitutionKind.ELDERLY_CARE], list(InstitutionKind)):
        changed = copy.deepcopy(base)
        changed["institution"]["kinds"] = [k.value for k in kinds]
        yield changed
    for public in (True, False, None):
        changed = copy.deepcopy(base)
        if public is None:
            changed["institution"].pop("public", None)
        else:
            changed["institution"]["public"] = public
        yield changed
    for section in ("policies", "facilities", "practices"):
        changed = copy.deepcopy(base)
        changed[section] = None
        yield changed


def _snapshots(count: int) -> Iterator[dict[str, Any]]:
    make: Any = _bench().make_snapshot
    for seed, i in [(0, n) for n in range(count)] + [(7, n) for n in range(count)]:
        yield from _variants(make(seed, i))


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.load()


def test_compiled_rules_give_the_plain_outcomes(engine: Engine) -> None:
    compared = 0
    memoised = 0
    for snapshot in _snapshots(4):
        model = parse_facts(json.dumps(snapshot, ensure_ascii=False))
        catalog = engine.catalog_for(model)
        for as_of in (model.as_of or date(2026, 12, 31), date(2020, 1, 1)):
            compiled = SnapshotView.of(model, as_of)
            plain = SnapshotView.of(model, as_of)
            for rule, run in zip(catalog.rules, program(catalog), strict=True):
                got = run(compiled)
                memoised += got.rendered is not None
                assert _json(got) == _json(plain_evaluate_rule(rule, plain)), (rule.id, as_of)
                # the rendering a shared outcome carries is its message's and evidence's
                if got.rendered is not None:
                    assert got.rendered == _json(got)[1]
                compared += 1
    assert compared > 10_000
    assert memoised > compared // 3  # the memos are used, so their hits were compared


def test_same_readings_same_outcome(engine: Engine) -> None:
    """The key is complete: over every variant, equal readings never give different outcomes, and
    every fact a requirement names changes the readings when it changes the outcome."""
    catalogs: list[Catalog] = list({id(c): c for c in engine.catalogs.values()}.values())
    rules = [
        (rule, version.params)
        for catalog in catalogs
        for rule in catalog.rules
        if rule.kind.name == required_facts.KIND
        for version in rule.schedule.versions
    ]
    assert rules
    seen: dict[tuple[int, Any], tuple[Status, str]] = {}
    keys_per_rule: dict[int, set[Any]] = {}
    for snapshot in _snapshots(3):
        model = parse_facts(json.dumps(snapshot, ensure_ascii=False))
        view = SnapshotView.of(model, model.as_of or date(2026, 12, 31))
        for _rule, params in rules:
            key = required_facts.reads(params, view)
            # the compiled reading (what the engine calls) reads the same
            assert required_facts.compile_reads(params)(view) == key
            result = _json(unsplit_required_facts(params, SnapshotView.of(model, view.as_of)))
            assert seen.setdefault((id(params), key), result) == result
            assert _json(required_facts.verdict(params, key)) == result
            keys_per_rule.setdefault(id(params), set()).add(key)
    # the variants reach several readings of every rule, and unknown conditions (``when``) among them
    assert all(len(keys) > 1 for keys in keys_per_rule.values())
    assert any(reading[0] is None for keys in keys_per_rule.values() for key in keys for reading in key)


def test_a_shared_outcome_cannot_be_changed(engine: Engine) -> None:
    snapshot = next(_snapshots(1))
    model = parse_facts(json.dumps(snapshot, ensure_ascii=False))
    catalog = engine.catalog_for(model)
    view = SnapshotView.of(model, model.as_of or date(2026, 12, 31))
    shared = [o for o in (run(view) for run in program(catalog)) if o.rendered is not None]
    assert shared
    for result in shared:
        with pytest.raises(TypeError):
            result.evidence["changed"] = True


def test_one_closure_per_rule(engine: Engine) -> None:
    catalog = engine.catalogs["national"]
    assert program(catalog) is program(catalog)
    assert all(evaluator(rule) is run for rule, run in zip(catalog.rules, program(catalog), strict=True))


def _conditions(engine: Engine) -> list[Any]:
    """Every condition the catalogs hold: rules' applicability and required_facts' ``when``."""
    found: dict[str, Any] = {}
    for catalog in engine.catalogs.values():
        for rule in catalog.rules:
            found.setdefault(repr(rule.applies_to), rule.applies_to)
            for version in rule.schedule.versions:
                if rule.kind.name == required_facts.KIND:
                    for requirement in version.params.facts:
                        if requirement.when is not None:
                            found.setdefault(repr(requirement.when), requirement.when)
    return list(found.values())


def test_compiled_conditions_and_facts_read_as_holds_and_fact_value(engine: Engine) -> None:
    conditions = _conditions(engine)
    # not only named predicates: fact tests and all_of / any_of / not are among them
    assert len({type(c).__name__ for c in conditions}) >= 3
    compiled = [(c, compile_condition(c)) for c in conditions]
    readers = [
        (f"{section.value}.{key}", fact_reader(f"{section.value}.{key}"))
        for section, keys in FACT_KEYS.items()
        for key in sorted(keys)
    ]
    answers: set[Any] = set()
    for snapshot in _snapshots(2):
        model = parse_facts(json.dumps(snapshot, ensure_ascii=False))
        for as_of in (model.as_of or date(2026, 12, 31), date(2020, 1, 1), None):
            memo: dict[Any, Any] = {}
            for condition, run in compiled:
                want = holds(condition, model, None, as_of)
                assert run(model, memo, as_of) == want, condition
                answers.add(want.value)
        for path, read in readers:
            value = read(model)
            assert value == fact_value(model, path), path
            answers.add(value)
    assert answers == {True, False, None}


def test_agreement_in_force_reads_as_the_model_method() -> None:
    """The engine's Facts and the pydantic model say the same of every agreement on every day
    around its dates (both state the rule through ``facts.agreement_in_force``)."""
    from datetime import timedelta  # noqa: PLC0415

    from yiyang_rules.engine import parse_snapshot  # noqa: PLC0415

    outcomes: set[bool] = set()
    make: Any = _bench().make_snapshot
    for index in range(60):
        text = json.dumps(make(3, index), ensure_ascii=False)
        facts, model = parse_facts(text), parse_snapshot(text)
        for agreement, modelled in zip(facts.agreements or (), model.agreements or (), strict=True):
            days = [agreement.signed, agreement.expires, agreement.renewed, agreement.terminated]
            for day in {d + timedelta(days=k) for d in days if d is not None for k in (-1, 0, 1)}:
                got = agreement.in_force_on(day)
                assert got == modelled.in_force_on(day), (agreement, day)
                outcomes.add(got)
    assert outcomes == {True, False}


def unsplit_rate_limit(params: rate_limit.Params, view: SnapshotView) -> Outcome:
    """``rate_limit`` as it was before it was split into ``reads`` and ``verdict``: an independent
    reference, reading the snapshot directly."""
    field_path, label = rate_limit._MEASURES[params.measure]
    quality = view.snapshot.quality
    pair: tuple[int, int] | None = None
    if quality is not None and params.measure is rate_limit.Measure.PRESSURE_ULCER_GRADE2_PLUS_INCIDENCE:
        ulcers = quality.pressure_ulcers
        pair = None if ulcers is None else (ulcers.new_grade2_plus, ulcers.residents)
    elif quality is not None:
        training = quality.training
        pair = None if training is None else (training.staff_trained, training.staff_in_scope)
    if pair is None:
        return missing(field_path, label.zh + "数据", label.en + " data")
    numerator, denominator = pair
    percent = rate_limit._percent
    evidence: dict[str, Any] = {
        "measure": params.measure.value,
        "numerator": numerator,
        "denominator": denominator,
        "limit": str(params.limit),
        "bound": params.bound.value,
        "inclusive": params.inclusive,
    }
    if denominator == 0:
        return outcome(
            Status.INSUFFICIENT_DATA,
            f"{label.zh}：分母为0，无法计算",
            f"{label.en}: the denominator is 0, so there is no rate",
            **evidence,
        )
    value = Fraction(numerator, denominator)
    evidence["rate"] = percent(value)
    at_most = params.bound is rate_limit.Bound.AT_MOST
    limit = Fraction(params.limit)
    within = (
        (value <= limit if params.inclusive else value < limit)
        if at_most
        else (value >= limit if params.inclusive else value > limit)
    )
    relation_zh, relation_en = ("不超过", "at most") if at_most else ("不低于", "at least")
    shown = f"{numerator}/{denominator} = {percent(value)}"
    if within:
        return outcome(
            Status.COMPLIANT,
            f"{label.zh} {shown}，{relation_zh}{percent(limit)}",
            f"{label.en} {shown}, {relation_en} {percent(limit)}",
            **evidence,
        )
    return outcome(
        Status.NON_COMPLIANT,
        f"{label.zh} {shown}，应{relation_zh}{percent(limit)}",
        f"{label.en} {shown}, should be {relation_en} {percent(limit)}",
        **evidence,
    )


def _quality_variants(base: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The snapshot with its quality section absent, empty, and with measures on, below and above
    the limits (a zero denominator among them), in windows of 2025, 2026 and across both."""
    qualities: list[dict[str, Any] | None] = [None, {}]
    for residents, new in [(0, 0), (100, 5), (100, 6), (40, 2), (40, 1), (7, 0), (3, 3), (100, 3)]:
        qualities.append({"pressure_ulcers": {"residents": residents, "new_grade2_plus": new}})
        qualities.append({"training": {"staff_in_scope": residents, "staff_trained": new}})
    for quality in qualities:
        for start, end in [("2025-01-01", "2025-12-31"), ("2026-01-01", "2026-12-31"), ("2025-07-01", "2026-06-30")]:
            changed = copy.deepcopy(base)
            changed["quality"] = quality
            changed["period"] = {"start": start, "end": end}
            yield changed


def test_rate_limit_memo_gives_the_plain_outcomes(engine: Engine) -> None:
    """A window measure is memoised per version by its readings: the compiled rule gives the plain
    evaluation's outcome (the version that judged it named), and equal readings never give
    different outcomes of the unsplit reference, for the catalogs' rules and for a rule of two
    versions whose windows fall under one, the other, or both."""
    from yiyang_rules.checks import KINDS  # noqa: PLC0415

    kind = KINDS[rate_limit.KIND]
    first = rate_limit.Params(measure=rate_limit.Measure.PRESSURE_ULCER_GRADE2_PLUS_INCIDENCE, limit=Decimal("0.05"))
    second = rate_limit.Params(
        measure=rate_limit.Measure.PRESSURE_ULCER_GRADE2_PLUS_INCIDENCE, limit=Decimal("0.03"), inclusive=False
    )
    two_versions = Schedule(
        (
            ScheduledVersion("1.0.0", date(2024, 1, 1), date(2025, 12, 31), first),
            ScheduledVersion("2.0.0", date(2026, 1, 1), None, second),
        )
    )
    training = rate_limit.Params(
        measure=rate_limit.Measure.STAFF_TRAINING_COVERAGE, bound=rate_limit.Bound.AT_LEAST, limit=Decimal("0.9")
    )
    schedules = [rule.schedule for catalog in engine.catalogs.values() for rule in catalog.rules if rule.kind is kind]
    schedules += [two_versions, Schedule((ScheduledVersion("1.0.0", date(2020, 1, 1), None, training),))]
    compiled = [(schedule, compile_judge(kind, schedule)) for schedule in schedules]
    seen: dict[tuple[int, Any], tuple[Status, str]] = {}
    statuses: set[Status] = set()
    versions: set[Any] = set()
    make: Any = _bench().make_snapshot
    for index in range(3):
        for snapshot in _quality_variants(make(0, index)):
            model = parse_facts(json.dumps(snapshot, ensure_ascii=False))
            view = SnapshotView.of(model, date(2027, 1, 10))
            for schedule, run in compiled:
                got = _json(run(view))
                assert got == _json(judge(kind, schedule, SnapshotView.of(model, view.as_of)))
                covering = schedule.covering(model.period.start, model.period.end)
                if covering is None:
                    continue
                reference = unsplit_rate_limit(covering.params, view)
                reference.evidence.setdefault("version", covering.version)
                assert got == _json(reference)
                key = rate_limit.reads(covering.params, view)
                assert seen.setdefault((id(covering.params), key), got) == got
                statuses.add(got[0])
                versions.add(covering.version)
    # every verdict is reached, under both versions of the two-version rule
    assert statuses == set(Status) - {Status.NOT_APPLICABLE}
    assert {"1.0.0", "2.0.0"} <= versions


def test_record_and_list_memos_give_the_plain_outcomes(engine: Engine) -> None:
    """``record_coverage`` (memoised by the ids it sorts) and ``distinct_count`` (by the techniques
    listed): the compiled rule's outcome is the plain evaluation's, on snapshots that share
    readings and on evaluation days that move records between pending, due, ended and not yet
    begun, with a technique listed under two categories now and then."""
    kinds = {"record_coverage", "distinct_count"}
    make: Any = _bench().make_snapshot
    compared = 0
    hits = 0
    seen: set[int] = set()
    for index in range(30):
        snapshot = make(11, index)
        if index % 3 == 0 and snapshot.get("tcm_techniques"):
            first = snapshot["tcm_techniques"][0]
            snapshot["tcm_techniques"].append({**first, "category": first["category"] + "类二"})
        if index % 7 == 0:
            snapshot.pop("tcm_techniques", None)
        model = parse_facts(json.dumps(snapshot, ensure_ascii=False))
        catalog = engine.catalog_for(model)
        for as_of in (date(2026, 3, 15), date(2026, 12, 31), date(2027, 1, 20), date(2028, 6, 1)):
            compiled = SnapshotView.of(model, as_of)
            plain = SnapshotView.of(model, as_of)
            for rule, run in zip(catalog.rules, program(catalog), strict=True):
                if rule.kind.name not in kinds:
                    continue
                got = run(compiled)
                assert _json(got) == _json(plain_evaluate_rule(rule, plain)), (rule.id, as_of)
                compared += 1
                if got.rendered is not None:
                    hits += id(got) in seen
                    seen.add(id(got))
    assert compared > 500
    assert hits > 50  # outcomes handed out again from the memos were among those compared
