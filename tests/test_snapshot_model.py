"""The snapshot (contract section 1): strict input, errors naming the field path, local dates."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from yiyang_rules.engine import parse_snapshot, to_snapshot
from yiyang_rules.errors import InputError
from yiyang_rules.examples import merge
from yiyang_rules.vocabulary import ActivityKind, PolicyKey

MINIMAL: dict[str, Any] = {
    "schema_version": "1",
    "period": {"start": "2026-01-01", "end": "2026-06-30"},
    "institution": {"id": "TEST-0001", "name": "测试颐养院", "province": "hebei", "kinds": ["elderly_care"]},
}


def _text(patch: dict[str, Any]) -> str:
    return json.dumps(merge(MINIMAL, patch), ensure_ascii=False)


def _error(patch: dict[str, Any]) -> InputError:
    with pytest.raises(InputError) as caught:
        parse_snapshot(_text(patch), source="snap.json")
    return caught.value


def test_minimal_snapshot_parses_and_leaves_everything_unknown() -> None:
    snap = parse_snapshot(_text({}))
    assert snap.period.start == date(2026, 1, 1)
    assert snap.period.end == date(2026, 6, 30)
    assert snap.as_of is None
    for section in (
        "activities",
        "residents",
        "quality",
        "policies",
        "facilities",
        "practices",
        "hazards",
        "tcm_techniques",
        "agreements",
        "extensions",
    ):
        assert getattr(snap, section) is None, section
    q = snap.institution.qualifications
    assert (q.medical_practice_license, q.clinic_filing, q.elderly_care_filing) == (None, None, None)


def test_absent_list_differs_from_empty_list() -> None:
    assert parse_snapshot(_text({})).activities is None
    assert parse_snapshot(_text({"activities": []})).activities == []


@pytest.mark.parametrize(
    ("patch", "path"),
    [
        pytest.param({"colour": "red"}, "colour", id="unknown-top-level-key"),
        pytest.param({"institution": {"nmae": "x"}}, "institution.nmae", id="unknown-nested-key"),
        pytest.param(
            {"activities": [{"kind": "fire_inspetion", "date": "2026-01-05"}]},
            "activities[0].kind",
            id="unknown-activity-kind",
        ),
        pytest.param(
            {"activities": [{"kind": "fire_inspection", "date": "2026-01-05", "when": "am"}]},
            "activities[0].when",
            id="unknown-activity-key",
        ),
        pytest.param({"policies": {"hazard_ledgr": True}}, "policies.hazard_ledgr", id="unknown-policy-key"),
        pytest.param({"facilities": {"zoned": True}}, "facilities.zoned", id="unknown-facility-key"),
        pytest.param({"practices": {"magic": True}}, "practices.magic", id="unknown-practice-key"),
        pytest.param({"period": {"start": "2026-07-01", "end": "2026-06-30"}}, "period", id="start-after-end"),
        pytest.param(
            {"quality": {"pressure_ulcers": {"residents": 3, "new_grade2_plus": 4}}},
            "quality.pressure_ulcers",
            id="ulcers-exceed-residents",
        ),
        pytest.param(
            {"quality": {"pressure_ulcers": {"residents": -1, "new_grade2_plus": 0}}},
            "quality.pressure_ulcers.residents",
            id="negative-count",
        ),
        pytest.param(
            {"quality": {"pressure_ulcers": {"residents": 10.5, "new_grade2_plus": 0}}},
            "quality.pressure_ulcers.residents",
            id="fractional-count",
        ),
        pytest.param(
            {"activities": [{"kind": "fire_inspection", "date": "2026-02-30"}]},
            "activities[0].date",
            id="impossible-date",
        ),
        pytest.param(
            {"residents": [{"id": "r1", "admitted": "2026-01-02"}, {"id": "r2", "admitted": "2026/01/02"}]},
            "residents[1].admitted",
            id="bad-date-format",
        ),
        pytest.param({"policies": {"hazard_ledger": "true"}}, "policies.hazard_ledger", id="string-for-bool"),
        pytest.param(
            {"institution": {"qualifications": {"clinic_filing": "yes"}}},
            "institution.qualifications.clinic_filing",
            id="string-for-qualification",
        ),
        pytest.param({"institution": {"public": 1}}, "institution.public", id="int-for-bool"),
        pytest.param({"institution": {"kinds": ["hospital"]}}, "institution.kinds[0]", id="unknown-kind"),
        pytest.param({"institution": {"kinds": []}}, "institution.kinds", id="no-kinds"),
        pytest.param(
            {"institution": {"primary_care_type": "hospital"}},
            "institution.primary_care_type",
            id="unknown-primary-care-type",
        ),
        pytest.param({"institution": {"region_code": "11010"}}, "institution.region_code", id="bad-region"),
        pytest.param({"schema_version": "2"}, "schema_version", id="wrong-schema-version"),
        pytest.param(
            {
                "residents": [
                    {"id": "r1", "admitted": "2026-01-02", "assessments": [{"kind": "entry", "date": "2026-01-02"}]}
                ]
            },
            "residents[0].assessments[0].kind",
            id="unknown-assessment-kind",
        ),
        pytest.param(
            {"hazards": [{"id": "h1", "found": "2026-01-02", "plan": {"owner": "张三"}}]},
            "hazards[0].plan.owner",
            id="unknown-hazard-plan-key",
        ),
        pytest.param(
            {"agreements": [{"id": "a1", "partner": "p", "signed": "2026-01-02", "reported": True}]},
            "agreements[0].reported",
            id="bool-for-date",
        ),
        pytest.param({"tcm_techniques": [{"name": "艾灸"}]}, "tcm_techniques[0].category", id="missing-field"),
        pytest.param({"as_of": "2026-13-01"}, "as_of", id="bad-as-of"),
    ],
)
def test_invalid_snapshot_names_the_field_path(patch: dict[str, Any], path: str) -> None:
    error = _error(patch)
    assert any(str(problem).startswith(path) for problem in error.problems), error.problems
    assert path in str(error)
    assert str(error).startswith("snap.json: ")


def test_missing_required_field_is_named() -> None:
    data = merge(MINIMAL, {"institution": {"kinds": None}})
    with pytest.raises(InputError) as caught:
        parse_snapshot(json.dumps(data))
    assert any(str(p).startswith("institution.kinds") and "missing" in str(p) for p in caught.value.problems)


def test_institution_needs_province_or_region_code() -> None:
    error = _error({"institution": {"province": None}})
    assert any(str(p).startswith("institution") for p in error.problems)
    assert parse_snapshot(_text({"institution": {"province": None, "region_code": "110105"}}))


def test_unknown_enum_message_lists_the_known_values() -> None:
    error = _error({"activities": [{"kind": "fire_inspetion", "date": "2026-01-05"}]})
    assert "fire_inspection" in str(error)
    error = _error({"policies": {"hazard_ledgr": True}})
    assert "hazard_ledger" in str(error)


def test_every_problem_is_reported_not_just_the_first() -> None:
    error = _error(
        {
            "colour": "red",
            "activities": [
                {"kind": "fire_inspection", "date": "2026-01-05"},
                {"kind": "fire_inspetion", "date": "2026-01-05"},
                {"kind": "fire_drill", "date": "2026-02-30"},
            ],
        }
    )
    text = str(error)
    for path in ("colour", "activities[1].kind", "activities[2].date"):
        assert path in text
    assert len(error.problems) >= 3


@pytest.mark.parametrize(
    "text",
    [
        '{"schema_version": "1", "schema_version": "1"}',
        json.dumps(MINIMAL)[:-1] + ', "period": {"start": "2026-01-01", "end": "2026-06-30"}}',
        '{"schema_version": "1", "institution": {"id": "a", "id": "b"}}',
    ],
)
def test_duplicate_json_keys_are_rejected(text: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_snapshot(text)
    assert "duplicate key" in str(caught.value)


@pytest.mark.parametrize("text", ["", "{", "[1, 2]", "not json", '{"schema_version": "1",}'])
def test_not_a_snapshot_object(text: str) -> None:
    with pytest.raises(InputError):
        parse_snapshot(text)


def test_extensions_accept_anything_everywhere() -> None:
    anything = {"vendor": {"nested": [1, "two", None, {"deep": True}]}, "n": 3.5, "flag": None}
    snap = parse_snapshot(
        _text(
            {
                "extensions": anything,
                "institution": {"extensions": anything},
                "activities": [{"kind": "fire_drill", "date": "2026-01-05", "extensions": anything}],
                "residents": [{"id": "r1", "admitted": "2026-01-02", "extensions": anything}],
                "hazards": [{"id": "h1", "found": "2026-01-02", "extensions": anything}],
                "agreements": [{"id": "a1", "partner": "p", "signed": "2026-01-02", "extensions": anything}],
            }
        )
    )
    assert snap.extensions == anything
    assert snap.activities is not None and snap.activities[0].extensions == anything


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-03-31", date(2026, 3, 31)),
        ("2026-03-31T20:30:00Z", date(2026, 4, 1)),  # the contract's example
        ("2026-03-31T23:30:00+08:00", date(2026, 3, 31)),
        ("2026-03-31T23:30:00", date(2026, 3, 31)),  # naive: local time
        ("2026-03-31T16:00:00Z", date(2026, 4, 1)),
        ("2026-03-31T15:59:59Z", date(2026, 3, 31)),
        ("2026-03-31T11:00:00-05:00", date(2026, 4, 1)),
        ("2026-03-31T00:30:00+09:00", date(2026, 3, 30)),
    ],
)
def test_dates_and_offset_date_times_become_shanghai_dates(value: str, expected: date) -> None:
    snap = parse_snapshot(
        _text(
            {
                "as_of": value,
                "activities": [{"kind": "fire_inspection", "date": value}],
                "hazards": [{"id": "h1", "found": value, "plan": {"deadline": value}}],
                "agreements": [{"id": "a1", "partner": "p", "signed": value, "reported": value}],
            }
        )
    )
    assert snap.as_of == expected
    assert snap.activities is not None and snap.activities[0].date == expected
    assert snap.hazards is not None and snap.hazards[0].plan is not None
    assert snap.hazards[0].found == expected and snap.hazards[0].plan.deadline == expected
    assert snap.agreements is not None and snap.agreements[0].reported == expected
    assert type(snap.activities[0].date) is date


def test_window_bounds_accept_offset_date_times() -> None:
    snap = parse_snapshot(_text({"period": {"start": "2025-12-31T16:00:00Z", "end": "2026-06-30T23:59:59+08:00"}}))
    assert (snap.period.start, snap.period.end) == (date(2026, 1, 1), date(2026, 6, 30))


def test_window_of_one_day_is_valid() -> None:
    snap = parse_snapshot(_text({"period": {"start": "2026-03-01", "end": "2026-03-01"}}))
    assert snap.period.start == snap.period.end


def test_ulcers_equal_to_residents_is_valid() -> None:
    snap = parse_snapshot(_text({"quality": {"pressure_ulcers": {"residents": 4, "new_grade2_plus": 4}}}))
    assert snap.quality is not None and snap.quality.pressure_ulcers is not None


def test_every_documented_enum_value_is_accepted() -> None:
    snap = parse_snapshot(
        _text(
            {
                "activities": [{"kind": k.value, "date": "2026-01-05"} for k in ActivityKind],
                "policies": {k.value: True for k in PolicyKey},
                "institution": {"kinds": ["elderly_care", "medical"], "primary_care_type": "township_health_center"},
            }
        )
    )
    assert snap.activities is not None and len(snap.activities) == len(ActivityKind)


def test_to_snapshot_accepts_a_mapping_with_date_objects() -> None:
    data = merge(MINIMAL, {"activities": [{"kind": "fire_drill", "date": "2026-01-05"}]})
    data["period"] = {"start": date(2026, 1, 1), "end": date(2026, 3, 31)}
    snap = to_snapshot(data)
    assert snap.period.end == date(2026, 3, 31)
    assert to_snapshot(snap) is snap


def test_to_snapshot_mapping_errors_are_input_errors() -> None:
    with pytest.raises(InputError) as caught:
        to_snapshot(merge(MINIMAL, {"activities": [{"kind": "fire_inspetion", "date": "2026-01-05"}]}))
    assert "activities[0].kind" in str(caught.value)


@pytest.mark.parametrize("value", ["20260331", "0", "1774900000"])
def test_digit_strings_are_not_dates(value: str) -> None:
    try:
        snap = parse_snapshot(_text({"activities": [{"kind": "fire_inspection", "date": value}]}))
    except InputError as error:
        assert "activities[0].date" in str(error)
        return
    # Reading the ISO 8601 basic format would be acceptable too; a 1970 date never is.
    assert snap.activities is not None
    assert value == "20260331"
    assert snap.activities[0].date == date(2026, 3, 31)
