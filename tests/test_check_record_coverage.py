"""``record_coverage``: every record in scope meets a requirement; residents are named by id only."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest

from yiyang_rules.checks import KINDS, record_coverage
from yiyang_rules.checks.base import Outcome, Status
from yiyang_rules.engine import judge

Scope = record_coverage.Scope
Requirement = record_coverage.Requirement

ADMISSION = record_coverage.ResidentCoverage(
    records="residents", scope=Scope.ADMITTED_IN_WINDOW, requirement=Requirement.ADMISSION_ASSESSMENT
)


def resident(rid: str, admitted: str, *assessments: tuple[str, str], unknown: bool = False, **more: Any) -> dict:
    record: dict[str, Any] = {"id": rid, "admitted": admitted, **more}
    if not unknown:
        record["assessments"] = [{"kind": kind, "date": day} for kind, day in assessments]
    return record


@pytest.fixture
def run(build: Any) -> Any:
    def _run(
        residents: list[dict[str, Any]] | None,
        params: record_coverage.AnyCoverage = ADMISSION,
        as_of: str = "2026-07-15",
        **sections: Any,
    ) -> Outcome:
        view = build.view(as_of=as_of, residents=residents, **sections)
        return judge(KINDS[record_coverage.KIND], build.schedule(params), view)

    return _run


def test_every_resident_admitted_in_the_window_assessed_is_compliant(run: Any) -> None:
    result = run(
        [
            resident("r1", "2026-02-01", ("admission", "2026-02-01")),
            resident("r2", "2026-03-10", ("admission", "2026-03-12"), ("dynamic", "2026-05-01")),
        ]
    )
    assert result.status is Status.COMPLIANT
    assert result.evidence["in_scope"] == 2


def test_resident_without_admission_assessment_is_non_compliant_naming_only_the_id(run: Any) -> None:
    result = run(
        [
            resident("r1", "2026-02-01", ("admission", "2026-02-01")),
            resident("r2", "2026-03-10"),
            resident("r3", "2026-04-10", ("dynamic", "2026-04-20")),  # a dynamic one is not an admission one
        ]
    )
    assert result.status is Status.NON_COMPLIANT
    assert result.evidence["lacking"] == ["r2", "r3"]
    assert "r2" in result.message.zh and "r3" in result.message.en
    assert "r1" not in json.dumps(result.evidence) + result.message.zh + result.message.en


def _keys_and_scalars(value: Any) -> tuple[set[str], list[Any]]:
    keys: set[str] = set()
    scalars: list[Any] = []
    if isinstance(value, dict):
        for key, item in value.items():
            keys.add(key)
            more_keys, more_scalars = _keys_and_scalars(item)
            keys |= more_keys
            scalars += more_scalars
    elif isinstance(value, list):
        for item in value:
            more_keys, more_scalars = _keys_and_scalars(item)
            keys |= more_keys
            scalars += more_scalars
    else:
        scalars.append(value)
    return keys, scalars


def test_evidence_never_carries_personal_fields(run: Any) -> None:
    secret = {"name": "张三丰", "id_card": "110101193901011234", "phone": "13800138000"}
    residents = [
        resident("R-A", "2026-03-05", age=87, discharged="2026-05-06", extensions=secret),
        resident("R-B", "2026-04-09", ("admission", "2026-04-09"), age=92, service_plan=True, extensions=secret),
        resident("R-C", "2026-04-19", unknown=True, age=79, extensions=secret),
    ]
    personal_keys = {"age", "admitted", "discharged", "assessments", "service_plan", "extensions", *secret}
    for result in (run(residents), run(residents[1:]), run(residents[2:])):
        keys, scalars = _keys_and_scalars(result.evidence)
        assert not keys & personal_keys, keys
        assert not {87, 92, 79} & {v for v in scalars if isinstance(v, int)}
        text = json.dumps(result.evidence, ensure_ascii=False) + result.message.zh + result.message.en
        for value in (*secret.values(), "2026-03-05", "2026-04-09", "2026-04-19", "2026-05-06"):
            assert value not in text, (value, text)


def test_residents_admitted_before_the_window_are_out_of_scope(run: Any) -> None:
    assert run([resident("old", "2025-12-31")]).status is Status.NOT_APPLICABLE
    result = run([resident("old", "2025-12-31"), resident("new", "2026-01-01", ("admission", "2026-01-01"))])
    assert result.status is Status.COMPLIANT
    assert result.evidence["in_scope"] == 1


def test_residents_admitted_after_the_window_or_after_as_of_are_out_of_scope(run: Any) -> None:
    assert run([resident("later", "2026-07-01")]).status is Status.NOT_APPLICABLE
    result = run([resident("future", "2026-05-10")], as_of="2026-05-01")
    assert result.status is Status.NOT_APPLICABLE


def test_assessments_absent_is_insufficient_data(run: Any) -> None:
    result = run([resident("r1", "2026-02-01", unknown=True)])
    assert result.status is Status.INSUFFICIENT_DATA
    assert result.evidence["unknown"] == ["r1"]


def test_a_known_gap_outweighs_an_unknown(run: Any) -> None:
    result = run([resident("r1", "2026-02-01", unknown=True), resident("r2", "2026-02-02")])
    assert result.status is Status.NON_COMPLIANT
    assert result.evidence["lacking"] == ["r2"]
    assert result.evidence["unknown"] == ["r1"]


def test_residents_absent_is_insufficient_data(run: Any) -> None:
    result = run(None)
    assert result.status is Status.INSUFFICIENT_DATA
    assert result.evidence["missing"] == ["residents"]


def test_nobody_in_scope_is_not_applicable(run: Any) -> None:
    assert run([]).status is Status.NOT_APPLICABLE


def test_within_days(run: Any) -> None:
    week = replace(ADMISSION, within_days=7)
    assert run([resident("r1", "2026-02-01", ("admission", "2026-02-08"))], week).status is Status.COMPLIANT
    late = run([resident("r1", "2026-02-01", ("admission", "2026-02-09"))], week)
    assert late.status is Status.NON_COMPLIANT
    assert late.evidence["lacking"] == ["r1"]


def test_offset_date_time_admission_on_the_window_start(run: Any) -> None:
    # 2025-12-31T16:30Z is 2026-01-01 00:30 in Shanghai: admitted inside the window.
    result = run([resident("r1", "2025-12-31T16:30:00Z")])
    assert result.evidence["in_scope"] == 1
    assert result.status is Status.NON_COMPLIANT


def test_service_plan_is_unknown_when_absent(run: Any) -> None:
    plan = replace(ADMISSION, requirement=Requirement.SERVICE_PLAN)
    assert run([resident("r1", "2026-02-01", service_plan=True)], plan).status is Status.COMPLIANT
    without = run([resident("r1", "2026-02-01", service_plan=False)], plan)
    assert without.status is Status.NON_COMPLIANT
    assert without.evidence["lacking"] == ["r1"]
    assert run([resident("r1", "2026-02-01")], plan).status is Status.INSUFFICIENT_DATA


def test_agreement_clauses(run: Any) -> None:
    dispute = record_coverage.AgreementCoverage(
        records="agreements", scope=Scope.ALL, requirement=Requirement.DISPUTE_CLAUSE
    )
    base = {"partner": "p", "signed": "2026-01-10"}
    agreements = [{"id": "a1", **base, "dispute_clause": True}, {"id": "a2", **base, "dispute_clause": False}]
    result = run(None, dispute, agreements=agreements)
    assert result.status is Status.NON_COMPLIANT
    assert result.evidence["lacking"] == ["a2"]
    unknown = run(None, dispute, agreements=[{"id": "a3", **base}])
    assert unknown.status is Status.INSUFFICIENT_DATA
    assert run(None, dispute, agreements=[]).status is Status.NOT_APPLICABLE
    assert run(None, dispute).evidence["missing"] == ["agreements"]


def test_expired_agreements_renewed_or_terminated(run: Any) -> None:
    renewal = record_coverage.AgreementCoverage(
        records="agreements", scope=Scope.EXPIRED_BY_AS_OF, requirement=Requirement.RENEWED_OR_TERMINATED
    )
    base = {"partner": "p", "signed": "2025-01-10", "expires": "2026-01-09"}
    assert run(None, renewal, agreements=[{"id": "a1", **base, "renewed": "2026-01-05"}]).status is Status.COMPLIANT
    assert run(None, renewal, agreements=[{"id": "a1", **base, "terminated": "2026-01-09"}]).status is Status.COMPLIANT
    # Past its expiry with neither renewal nor termination recorded: not renewed in writing.
    lapsed = run(None, renewal, agreements=[{"id": "a1", **base}])
    assert lapsed.status is Status.NON_COMPLIANT
    assert lapsed.evidence["lacking"] == ["a1"]
    current = [{"id": "a1", "partner": "p", "signed": "2026-01-10", "expires": "2027-01-09"}]
    assert run(None, renewal, agreements=current).status is Status.NOT_APPLICABLE


def test_not_in_force_on_as_of_is_not_applicable(build: Any) -> None:
    sched = build.schedule(build.version(ADMISSION, start="2027-01-01"))
    view = build.view(residents=[resident("r1", "2026-02-01")])
    assert judge(KINDS[record_coverage.KIND], sched, view).status is Status.NOT_APPLICABLE


def test_assessment_dated_after_as_of_has_not_happened_yet(run: Any) -> None:
    result = run([resident("r1", "2026-06-01", ("admission", "2026-07-20"))], as_of="2026-07-15")
    assert result.status is not Status.COMPLIANT


# --- time: evidence belongs to its record, events judged under their own version ---------------


@pytest.mark.parametrize(
    ("assessed", "status"),
    [
        ("2026-01-31", Status.COMPLIANT),  # 30 days before admission
        ("2026-01-30", Status.NON_COMPLIANT),  # 31 days before: an earlier stay
        ("2026-04-01", Status.COMPLIANT),  # 30 days after
        ("2026-04-02", Status.NON_COMPLIANT),  # 31 days after: not the assessment at admission
    ],
)
def test_an_admission_assessment_belongs_to_the_admission_within_30_days(
    run: Any, assessed: str, status: Status
) -> None:
    result = run([resident("r1", "2026-03-02", ("admission", assessed))])
    assert result.status is status
    assert record_coverage.ASSESSMENT_DAYS_BEFORE == record_coverage.ASSESSMENT_DAYS_AFTER == 30


def test_a_missing_assessment_is_pending_until_the_time_allowed_has_passed(run: Any) -> None:
    people = [resident("r1", "2026-02-01", ("admission", "2026-02-01")), resident("r2", "2026-06-20")]
    result = run(people, as_of="2026-07-15", period={"start": "2026-01-01", "end": "2026-06-30"})
    assert result.status is Status.COMPLIANT and result.evidence["pending"] == ["r2"]
    assert run(people, as_of="2026-07-21").status is Status.NON_COMPLIANT  # 2026-06-20 + 30 days passed


def test_within_days_of_the_version_in_force_on_the_admission_decides(build: Any) -> None:
    strict = replace(ADMISSION, within_days=3)
    sched = build.schedule(
        build.version(ADMISSION, start="2020-01-01", until="2026-03-31", name="1.0.0"),
        build.version(strict, start="2026-04-01", name="2.0.0"),
    )
    people = [
        resident("early", "2026-03-02", ("admission", "2026-03-20")),  # 18 days: fine under 1.0.0
        resident("late", "2026-04-02", ("admission", "2026-04-20")),  # 18 days: too late under 2.0.0
    ]
    result = judge(KINDS[record_coverage.KIND], sched, build.view(residents=people))
    assert result.status is Status.NON_COMPLIANT and result.evidence["lacking"] == ["late"]


def test_admissions_before_the_rule_and_after_as_of_are_out_of_scope(build: Any) -> None:
    sched = build.schedule(build.version(ADMISSION, start="2026-03-01"))
    people = [resident("before", "2026-02-28"), resident("after", "2026-07-20")]
    view = build.view(as_of="2026-07-15", residents=people, period={"start": "2026-01-01", "end": "2026-07-31"})
    result = judge(KINDS[record_coverage.KIND], sched, view)
    assert result.status is Status.NOT_APPLICABLE
    assert result.evidence["before_in_force"] == ["before"] and result.evidence["after_as_of"] == ["after"]


RENEWAL = record_coverage.AgreementCoverage(
    records="agreements", scope=Scope.EXPIRED_BY_AS_OF, requirement=Requirement.RENEWED_OR_TERMINATED
)
CLAUSE = record_coverage.AgreementCoverage(
    records="agreements", scope=Scope.ALL, requirement=Requirement.DISPUTE_CLAUSE
)


def agreement(aid: str, signed: str, **more: Any) -> dict[str, Any]:
    return {"id": aid, "partner": "某社区卫生服务中心", "signed": signed, **more}


@pytest.mark.parametrize(
    ("renewal", "status"),
    [
        ({"renewed": "2026-07-15"}, Status.COMPLIANT),  # on as_of: done
        ({"renewed": "2026-07-16"}, Status.NON_COMPLIANT),  # after as_of: not yet
        ({"terminated": "2026-07-16"}, Status.NON_COMPLIANT),
        ({"terminated": "2026-03-31"}, Status.COMPLIANT),
    ],
)
def test_renewals_and_terminations_count_only_on_or_before_as_of(
    run: Any, renewal: dict[str, str], status: Status
) -> None:
    result = run(None, RENEWAL, agreements=[agreement("a1", "2025-04-01", expires="2026-03-31", **renewal)])
    assert result.status is status


def test_the_lapse_is_the_day_after_expiry(run: Any) -> None:
    on = run(None, RENEWAL, agreements=[agreement("a1", "2025-07-15", expires="2026-07-14")])
    assert on.status is Status.NON_COMPLIANT  # lapsed on 2026-07-15 = as_of
    not_yet = run(None, RENEWAL, agreements=[agreement("a1", "2025-07-16", expires="2026-07-15")])
    assert not_yet.status is Status.NOT_APPLICABLE and not_yet.evidence["after_as_of"] == ["a1"]


def test_a_rule_about_live_agreements_skips_ended_ones_and_lists_them(run: Any) -> None:
    deals = [
        agreement("lapsed", "2024-01-01", expires="2026-07-14", dispute_clause=False),
        agreement("terminated", "2024-01-01", terminated="2026-07-15", dispute_clause=False),
        agreement("renewed", "2024-01-01", expires="2025-12-31", renewed="2026-01-05", dispute_clause=True),
        agreement("expires-today", "2024-01-01", expires="2026-07-15", dispute_clause=True),
    ]
    result = run(None, CLAUSE, agreements=deals)
    assert result.status is Status.COMPLIANT and result.evidence["in_scope"] == 2
    assert result.evidence["ended"] == ["lapsed", "terminated"]


def test_an_agreement_signed_before_the_rule_is_not_judged_at_its_lapse(build: Any) -> None:
    sched = build.schedule(build.version(RENEWAL, start="2020-12-11"))
    deals = [agreement("old", "2020-12-10", expires="2021-12-09"), agreement("new", "2020-12-11", expires="2021-12-10")]
    result = judge(KINDS[record_coverage.KIND], sched, build.view(agreements=deals))
    assert result.status is Status.NON_COMPLIANT
    assert result.evidence["lacking"] == ["new"] and result.evidence["before_in_force"] == ["old"]
