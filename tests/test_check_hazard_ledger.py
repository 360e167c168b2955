"""``hazard_ledger``: national (keep a ledger; open hazards listed) and Beijing (plan and deadline)."""

from __future__ import annotations

from typing import Any

import pytest

from yiyang_rules.checks import KINDS, hazard_ledger
from yiyang_rules.checks.base import Outcome, Status
from yiyang_rules.engine import judge
from yiyang_rules.errors import InputError

NATIONAL = hazard_ledger.Params()
BEIJING = hazard_ledger.Params(require_plan_for_open=True, overdue_is_violation=True)


def hazard(hid: str, found: str = "2026-03-01", rectified: str | None = None, **plan: Any) -> dict[str, Any]:
    record: dict[str, Any] = {"id": hid, "found": found}
    if rectified is not None:
        record["rectified"] = rectified
    if plan:
        record["plan"] = plan
    return record


@pytest.fixture
def run(build: Any) -> Any:
    def _run(
        hazards: list[dict[str, Any]] | None,
        params: hazard_ledger.Params = NATIONAL,
        ledger: bool | None = True,
        as_of: str = "2026-07-15",
    ) -> Outcome:
        policies = None if ledger is None else {"hazard_ledger": ledger}
        view = build.view(as_of=as_of, hazards=hazards, policies=policies)
        return judge(KINDS[hazard_ledger.KIND], build.schedule(params), view)

    return _run


def states(result: Outcome) -> dict[str, str]:
    return {h["id"]: h["state"] for h in result.evidence["hazards"]}


# --- national -----------------------------------------------------------------------------------


def test_national_open_hazards_are_listed_not_failed(run: Any) -> None:
    result = run([hazard("h1"), hazard("h2", rectified="2026-03-05"), hazard("h3", deadline="2026-04-01")])
    assert result.status is Status.COMPLIANT
    assert states(result) == {"h1": "open_without_plan", "h2": "rectified", "h3": "overdue"}
    assert "h1" in result.message.en and "h3" in result.message.en
    assert "violations" not in result.evidence


def test_national_ledger_without_hazards(run: Any) -> None:
    result = run([])
    assert result.status is Status.COMPLIANT
    assert result.evidence["hazards"] == []


def test_ledger_declared_false_is_non_compliant(run: Any) -> None:
    result = run([], ledger=False)
    assert result.status is Status.NON_COMPLIANT
    assert result.evidence["ledger"] is False
    # The declaration wins over listed hazards.
    assert run([hazard("h1")], ledger=False).status is Status.NON_COMPLIANT


def test_ledger_unknown_is_insufficient_data(run: Any) -> None:
    for hazards in (None, []):
        result = run(hazards, ledger=None)
        assert result.status is Status.INSUFFICIENT_DATA
        assert result.evidence["missing"] == ["policies.hazard_ledger"]


def test_listed_hazards_show_a_ledger_is_kept(run: Any) -> None:
    result = run([hazard("h1", rectified="2026-03-02")], ledger=None)
    assert result.status is Status.COMPLIANT
    assert result.evidence["ledger"] is True


def test_declared_ledger_without_the_list(run: Any) -> None:
    result = run(None, ledger=True)
    assert result.status is Status.COMPLIANT
    assert result.evidence["hazards_missing"] is True


# --- beijing: a plan with a responsible person and a deadline; overdue is a violation ------------


@pytest.mark.parametrize(
    "plan",
    [
        {},
        {"measures": "更换灭火器"},
        {"responsible": "张工"},
        {"deadline": "2026-08-01"},
    ],
)
def test_beijing_open_hazard_without_responsible_or_deadline_fails(run: Any, plan: dict[str, Any]) -> None:
    result = run([hazard("h1", **plan)], BEIJING)
    assert result.status is Status.NON_COMPLIANT
    assert result.evidence["violations"] == ["h1"]
    assert result.evidence["hazards"][0]["plan_missing"]


def test_beijing_open_hazard_with_a_plan_and_a_future_deadline_passes(run: Any) -> None:
    result = run([hazard("h1", responsible="张工", deadline="2026-08-01")], BEIJING)
    assert result.status is Status.COMPLIANT
    assert states(result) == {"h1": "open_with_plan"}
    assert result.evidence["hazards"][0]["deadline"] == "2026-08-01"


def test_beijing_deadline_on_as_of_is_not_yet_overdue(run: Any) -> None:
    result = run([hazard("h1", responsible="张工", deadline="2026-07-15")], BEIJING)
    assert result.status is Status.COMPLIANT
    assert states(result) == {"h1": "open_with_plan"}


def test_beijing_overdue_deadline_fails(run: Any) -> None:
    result = run([hazard("h1", responsible="张工", deadline="2026-07-14")], BEIJING)
    assert result.status is Status.NON_COMPLIANT
    assert states(result) == {"h1": "overdue"}
    assert result.evidence["violations"] == ["h1"]


def test_beijing_rectified_on_time_passes(run: Any) -> None:
    on_deadline = hazard("h1", rectified="2026-04-01", responsible="张工", deadline="2026-04-01")
    without_plan = hazard("h2", rectified="2026-03-01")  # rectified at once: no plan needed
    result = run([on_deadline, without_plan], BEIJING)
    assert result.status is Status.COMPLIANT
    assert states(result) == {"h1": "rectified", "h2": "rectified"}


def test_beijing_rectified_late_fails(run: Any) -> None:
    result = run([hazard("h1", rectified="2026-04-02", responsible="张工", deadline="2026-04-01")], BEIJING)
    assert result.status is Status.NON_COMPLIANT
    assert states(result) == {"h1": "rectified_late"}
    assert result.evidence["violations"] == ["h1"]


def test_rectification_after_as_of_does_not_count_yet(run: Any) -> None:
    record = hazard("h1", rectified="2026-07-20", responsible="张工", deadline="2026-07-01")
    result = run([record], BEIJING, as_of="2026-07-15")
    assert states(result) == {"h1": "overdue"}
    assert result.status is Status.NON_COMPLIANT
    assert run([record], BEIJING, as_of="2026-07-20").evidence["hazards"][0]["state"] == "rectified_late"


def test_national_params_never_fail_late_rectification(run: Any) -> None:
    result = run([hazard("h1", rectified="2026-04-02", responsible="张工", deadline="2026-04-01")])
    assert result.status is Status.COMPLIANT
    assert states(result) == {"h1": "rectified_late"}


def test_only_the_violating_hazards_are_named(run: Any) -> None:
    result = run(
        [
            hazard("ok", responsible="张工", deadline="2026-09-01"),
            hazard("late", found="2026-02-01", responsible="李工", deadline="2026-03-01"),
            hazard("noplan", found="2026-05-01"),
            hazard("done", rectified="2026-03-03"),
        ],
        BEIJING,
    )
    assert result.status is Status.NON_COMPLIANT
    assert result.evidence["violations"] == ["late", "noplan"]  # in the order found


def test_plan_only_required_without_overdue_rule(run: Any) -> None:
    plan_only = hazard_ledger.Params(require_plan_for_open=True)
    assert run([hazard("h1", responsible="张工", deadline="2026-03-01")], plan_only).status is Status.COMPLIANT
    assert run([hazard("h1", responsible="张工")], plan_only).status is Status.NON_COMPLIANT


def test_empty_responsible_is_an_input_error(build: Any) -> None:
    with pytest.raises(InputError):
        build.snapshot(hazards=[hazard("h1", responsible="", deadline="2026-08-01")])


def test_not_in_force_on_as_of_is_not_applicable(build: Any) -> None:
    sched = build.schedule(build.version(BEIJING, start="2027-01-01"))
    view = build.view(policies={"hazard_ledger": False})
    assert judge(KINDS[hazard_ledger.KIND], sched, view).status is Status.NOT_APPLICABLE


def test_beijing_hazard_list_absent_is_insufficient_data(run: Any) -> None:
    result = run(None, BEIJING, ledger=True)
    assert result.status is Status.INSUFFICIENT_DATA


def test_hazard_list_absent_never_claims_no_open_hazard(run: Any) -> None:
    result = run(None, NATIONAL, ledger=True)
    assert "no open hazard" not in result.message.en
    assert "无未整改隐患" not in result.message.zh


def test_hazard_found_after_as_of_is_not_yet_a_violation(run: Any) -> None:
    result = run([hazard("h1", found="2026-08-01")], BEIJING, as_of="2026-07-15")
    assert result.status is Status.COMPLIANT


# --- time: each hazard's duties under the version in force when they arose ----------------------


def test_a_hazard_found_before_the_rule_owes_no_plan_under_it(build: Any) -> None:
    sched = build.schedule(build.version(BEIJING, start="2026-03-01"))
    view = build.view(hazards=[hazard("old", found="2026-02-28")], policies={"hazard_ledger": True})
    result = judge(KINDS[hazard_ledger.KIND], sched, view)
    assert result.status is Status.COMPLIANT
    entry = result.evidence["hazards"][0]
    assert entry["found_before_in_force"] is True and entry["version"] is None
    found_on_the_day = build.view(hazards=[hazard("new", found="2026-03-01")], policies={"hazard_ledger": True})
    assert judge(KINDS[hazard_ledger.KIND], sched, found_on_the_day).status is Status.NON_COMPLIANT


@pytest.mark.parametrize(
    ("deadline", "status"), [("2026-02-27", Status.COMPLIANT), ("2026-02-28", Status.NON_COMPLIANT)]
)
def test_a_passed_deadline_is_judged_under_the_version_of_the_day_after_it(
    build: Any, deadline: str, status: Status
) -> None:
    national = build.version(NATIONAL, start="2020-01-01", until="2026-02-28", name="1.0.0")
    beijing = build.version(BEIJING, start="2026-03-01", name="1.1.0+beijing")
    item = hazard("h", found="2026-02-01", responsible="张三", deadline=deadline)
    view = build.view(hazards=[item], policies={"hazard_ledger": True})
    assert judge(KINDS[hazard_ledger.KIND], build.schedule(national, beijing), view).status is status


def test_a_rectification_after_as_of_leaves_the_hazard_overdue(run: Any) -> None:
    item = hazard("h", found="2026-05-01", rectified="2026-07-16", responsible="张三", deadline="2026-06-30")
    result = run([item], BEIJING)
    assert result.status is Status.NON_COMPLIANT and states(result) == {"h": "overdue"}
