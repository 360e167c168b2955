"""``rules validate`` catches what a rule maintainer can get wrong, with file and line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from yiyang_rules.catalog import load_rules
from yiyang_rules.documents import load_registry, normalise
from yiyang_rules.engine import Engine
from yiyang_rules.resources import sources_dir
from yiyang_rules.validation import validate

ROOT = Path(__file__).resolve().parents[1]
FIRE = (ROOT / "rules/national/fire.inspection-monthly.yaml").read_text(encoding="utf-8")
HAZARD = (ROOT / "rules/national/safety.hazard-ledger.yaml").read_text(encoding="utf-8")


def make_pack(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "rules"
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def messages(root: Path, **kwargs: object) -> list[str]:
    return [str(p) for p in validate(root, **kwargs)]  # type: ignore[arg-type]


def test_a_clean_pack_has_no_problems(tmp_path: Path) -> None:
    assert messages(make_pack(tmp_path, {"national/fire.inspection-monthly.yaml": FIRE})) == []


def test_an_altered_quote_fails_with_the_closest_passage_and_its_line(tmp_path: Path) -> None:
    altered = FIRE.replace("quote: 每月至少组织1次防火检查", "quote: 每月至少组织2次防火检查")
    root = make_pack(tmp_path, {"national/fire.inspection-monthly.yaml": altered})
    found = messages(root)
    assert len(found) == 1
    line = altered.splitlines().index("    quote: 每月至少组织2次防火检查") + 1
    assert f"fire.inspection-monthly.yaml:{line}:" in found[0]
    assert "not verbatim" in found[0] and "每月至少组织1次防火检查" in found[0]


def test_altering_one_character_of_any_bundled_quote_is_caught() -> None:
    registry = load_registry()
    loaded = load_rules(ROOT / "rules")
    checked = 0
    for source in loaded.sources:
        for citation in source.rule.citations:
            document = registry.get(citation.document)
            assert document is not None
            text = normalise(citation.quote)
            middle = len(text) // 2
            altered = text[:middle] + ("囧" if text[middle] != "囧" else "囗") + text[middle + 1 :]
            assert not document.find_quote(altered, citation.article).found, (source.path, citation.quote)
            checked += 1
    assert checked >= 14


def test_a_wrong_article_label_names_where_the_quote_really_is(tmp_path: Path) -> None:
    wrong = FIRE.replace("article: 七（二十四）", "article: 七（二十三）", 1)
    found = messages(make_pack(tmp_path, {"national/fire.inspection-monthly.yaml": wrong}))
    assert any("七（二十四）" in m and "not in 七（二十三）" in m for m in found), found


def test_an_article_label_that_does_not_exist_lists_the_real_ones(tmp_path: Path) -> None:
    wrong = FIRE.replace("article: 七（二十四）", "article: 九（九十九）", 1)
    found = messages(make_pack(tmp_path, {"national/fire.inspection-monthly.yaml": wrong}))
    assert any("is not an article of" in m and "七（二十四）" in m for m in found), found


def test_a_duplicate_key_is_an_error_with_both_lines(tmp_path: Path) -> None:
    doubled = FIRE.replace("level: mandatory\n", "level: mandatory\nlevel: recommended\n")
    found = messages(make_pack(tmp_path, {"national/fire.inspection-monthly.yaml": doubled}))
    assert len(found) == 1 and "duplicate key 'level'" in found[0] and "first at line" in found[0]


def test_an_id_that_differs_from_its_file_stem(tmp_path: Path) -> None:
    found = messages(make_pack(tmp_path, {"national/fire.inspection-weekly.yaml": FIRE}))
    assert any("differs from the file stem 'fire.inspection-weekly'" in m for m in found), found


def test_a_duplicate_id_across_layers_without_overlay(tmp_path: Path) -> None:
    root = make_pack(
        tmp_path, {"national/fire.inspection-monthly.yaml": FIRE, "beijing/fire.inspection-monthly.yaml": FIRE}
    )
    assert any("is also a national rule: declare overlay" in m for m in messages(root))


def test_a_rule_without_a_failing_example(tmp_path: Path) -> None:
    head, _, _ = FIRE.partition("  - name: april has no inspection")
    found = messages(make_pack(tmp_path, {"national/fire.inspection-monthly.yaml": head}), run_examples=False)
    assert any("add at least one example that expects non_compliant" in m for m in found), found


def test_an_example_whose_expectation_is_wrong(tmp_path: Path) -> None:
    wrong = FIRE.replace(
        "  - name: april has no inspection\n    expect: non_compliant",
        "  - name: april has no inspection\n    expect: compliant",
    )
    found = messages(make_pack(tmp_path, {"national/fire.inspection-monthly.yaml": wrong}))
    assert any("expects compliant, the rule gives non_compliant" in m and "2026-04" in m for m in found), found


BEIJING_CITATION = """citations:
  - document: 京卫老龄〔2025〕3号
    article: 六（二十）
    quote: 每月至少组织1次防火检查
"""


def test_an_overlay_whose_base_is_missing(tmp_path: Path) -> None:
    overlay = "id: fire.inspection-weekly\noverlay: {operation: restate, base_version: 1.0.0}\n" + BEIJING_CITATION
    root = make_pack(
        tmp_path, {"national/fire.inspection-monthly.yaml": FIRE, "beijing/fire.inspection-weekly.yaml": overlay}
    )
    assert any("there is no national rule with that id" in m for m in messages(root))


def test_an_overlay_written_against_an_older_major_version_must_be_reviewed(tmp_path: Path) -> None:
    bumped = FIRE.replace("  - version: 1.0.0", "  - version: 2.0.0")
    overlay = "id: fire.inspection-monthly\noverlay: {operation: restate, base_version: 1.0.0}\n" + BEIJING_CITATION
    root = make_pack(
        tmp_path, {"national/fire.inspection-monthly.yaml": bumped, "beijing/fire.inspection-monthly.yaml": overlay}
    )
    assert any("review this overlay" in m and "2.0.0" in m for m in messages(root, run_examples=False))


def _tighten(check: str) -> str:
    return (
        "id: fire.inspection-monthly\noverlay: {operation: tighten, base_version: 1.0.0}\n"
        + BEIJING_CITATION
        + "versions:\n  - version: 1.1.0+beijing\n    in_force: {from: 2025-12-25, basis: test}\n"
        + "    check: "
        + check
        + "\n"
        + "examples:\n  - {name: a, expect: compliant}\n  - {name: b, expect: non_compliant}\n"
    )


@pytest.mark.parametrize(
    ("check", "loosened"),
    [
        ("{kind: period_count, activity: fire_inspection, period: quarter, min_count: 1}", True),
        ("{kind: period_count, activity: fire_inspection, period: month, min_count: 2}", False),
    ],
)
def test_a_tighten_that_loosens_the_base_is_caught(tmp_path: Path, check: str, loosened: bool) -> None:
    root = make_pack(
        tmp_path,
        {"national/fire.inspection-monthly.yaml": FIRE, "beijing/fire.inspection-monthly.yaml": _tighten(check)},
    )
    found = messages(root, run_examples=False)
    assert any("less strict than the national" in m for m in found) is loosened, found


def test_a_changed_source_text_names_every_rule_that_cites_it(tmp_path: Path) -> None:
    sources = tmp_path / "sources"
    shutil.copytree(sources_dir(), sources)
    text_file = sources / "001_55fdf136070379ab.txt"
    text_file.write_text(text_file.read_text(encoding="utf-8") + "\n附：更正。\n", encoding="utf-8")
    registry = load_registry(sources)
    root = make_pack(
        tmp_path,
        {"national/fire.inspection-monthly.yaml": FIRE, "national/safety.hazard-ledger.yaml": HAZARD},
    )
    found = messages(root, run_examples=False, registry=registry)
    changed = [m for m in found if "changed since it was pinned" in m]
    assert {Path(m.split(":")[0]).name for m in changed} == {
        "fire.inspection-monthly.yaml",
        "safety.hazard-ledger.yaml",
    }


def test_every_problem_is_listed_not_just_the_first(tmp_path: Path) -> None:
    doubled = FIRE.replace("level: mandatory\n", "level: mandatory\nlevel: recommended\n")
    altered = HAZARD.replace("建立隐患台账并及时整改\n", "建立隐患台帐并及时整改\n")
    root = make_pack(
        tmp_path,
        {"national/fire.inspection-monthly.yaml": doubled, "national/safety.hazard-ledger.yaml": altered},
    )
    found = messages(root, run_examples=False)
    assert any("fire.inspection-monthly.yaml" in m for m in found)
    assert any("safety.hazard-ledger.yaml" in m and "closest passage" in m for m in found)


def test_an_unknown_check_parameter_points_at_its_line(tmp_path: Path) -> None:
    typo = FIRE.replace("      min_count: 1", "      min_cout: 1")
    found = messages(make_pack(tmp_path, {"national/fire.inspection-monthly.yaml": typo}))
    line = typo.splitlines().index("      min_cout: 1") + 1
    assert any(f":{line}:" in m and "min_cout" in m for m in found), found


def test_enforcing_before_the_document_is_in_force_is_caught(tmp_path: Path) -> None:
    early = FIRE.replace("from: 2025-12-25", "from: 2025-01-01")
    found = messages(make_pack(tmp_path, {"national/fire.inspection-monthly.yaml": early}), run_examples=False)
    assert any("no retroactive enforcement" in m for m in found), found


def test_a_province_pack_from_another_repository_overlays_the_bundled_national_rules(tmp_path: Path) -> None:
    overlay = "id: fire.inspection-monthly\noverlay: {operation: restate, base_version: 1.0.0}\n" + BEIJING_CITATION
    root = make_pack(tmp_path, {"beijing/fire.inspection-monthly.yaml": overlay})
    assert messages(root) == []
    broken = make_pack(tmp_path / "b", {"beijing/fire.inspection-weekly.yaml": overlay.replace("monthly", "weekly")})
    assert any("there is no national rule with that id" in m for m in messages(broken))


def test_a_tighten_is_compared_only_with_the_national_version_in_force_at_the_same_time(tmp_path: Path) -> None:
    # National from 2025-12-25; a Beijing version that ends before then may not be weaker than nothing.
    early = FIRE
    looser_then_stricter = (
        "id: fire.inspection-monthly\noverlay: {operation: tighten, base_version: 1.0.0}\n"
        + BEIJING_CITATION
        + "versions:\n"
        + "  - version: 1.0.0+beijing\n    in_force: {from: 2025-12-25, until: 2025-12-31, basis: test}\n"
        + "    check: {kind: period_count, activity: fire_inspection, period: quarter, min_count: 1}\n"
        + "  - version: 1.1.0+beijing\n    in_force: {from: 2026-01-01, basis: test}\n"
        + "    check: {kind: period_count, activity: fire_inspection, period: month, min_count: 1}\n"
        + "examples:\n  - {name: a, expect: compliant}\n  - {name: b, expect: non_compliant}\n"
    )
    root = make_pack(
        tmp_path,
        {"national/fire.inspection-monthly.yaml": early, "beijing/fire.inspection-monthly.yaml": looser_then_stricter},
    )
    found = [m for m in messages(root, run_examples=False) if "less strict" in m]
    assert len(found) == 1 and "1.0.0+beijing" in found[0]  # overlaps national 1.0.0 in its last week
    later = looser_then_stricter.replace("from: 2025-12-25, until: 2025-12-31", "from: 2025-01-01, until: 2025-12-24")
    root = make_pack(
        tmp_path / "later",
        {"national/fire.inspection-monthly.yaml": early, "beijing/fire.inspection-monthly.yaml": later},
    )
    assert not [m for m in messages(root, run_examples=False) if "less strict" in m]


def test_a_tighten_must_keep_the_check_kind(tmp_path: Path) -> None:
    other_kind = _tighten("{kind: required_facts, facts: [{fact: policies.hazard_ledger}]}")
    root = make_pack(
        tmp_path, {"national/fire.inspection-monthly.yaml": FIRE, "beijing/fire.inspection-monthly.yaml": other_kind}
    )
    assert any("a tighten keeps the national rule's check kind (period_count)" in m for m in messages(root))


@pytest.mark.parametrize(
    ("check", "identical"),
    [
        ("{kind: period_count, activity: fire_inspection, period: month, min_count: 1}", True),
        ("{kind: period_count, activity: fire_inspection, period: month, min_count: 2}", False),
    ],
)
def test_a_tighten_identical_to_the_base_must_be_a_restate(tmp_path: Path, check: str, identical: bool) -> None:
    root = make_pack(
        tmp_path,
        {"national/fire.inspection-monthly.yaml": FIRE, "beijing/fire.inspection-monthly.yaml": _tighten(check)},
    )
    found = messages(root, run_examples=False)
    assert any("it is a restate" in m for m in found) is identical, found


def test_a_tighten_with_the_same_check_but_a_wider_scope_is_a_tighten(tmp_path: Path) -> None:
    same = "{kind: period_count, activity: fire_inspection, period: month, min_count: 1}"
    wider = _tighten(same).replace("overlay:", "applies_to: any_institution\noverlay:")
    root = make_pack(
        tmp_path, {"national/fire.inspection-monthly.yaml": FIRE, "beijing/fire.inspection-monthly.yaml": wider}
    )
    assert not any("it is a restate" in m for m in messages(root, run_examples=False))


def test_no_bundled_tighten_is_a_restate_in_disguise() -> None:
    assert not [str(p) for p in validate(run_examples=False) if "it is a restate" in str(p)]


ASSESSMENT = (ROOT / "rules/national/admission.assessment.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("find", "replace", "field"),
    [
        # agreements have no admission assessment: this crashed `rules validate` (AttributeError)
        ("records: residents", "records: agreements", "requirement"),
        # residents do not expire: this silently found no records
        ("scope: admitted_in_window", "scope: expired_by_as_of", "scope"),
    ],
)
def test_check_parameters_that_cannot_be_combined_are_a_problem_not_a_crash(
    tmp_path: Path, find: str, replace: str, field: str
) -> None:
    assert find in ASSESSMENT
    text = ASSESSMENT.replace(find, replace).replace(
        # with an agreement in an example, the old single-shape model crashed with AttributeError
        "examples:\n",
        "examples:\n  - name: an agreement\n    expect: compliant\n    snapshot:\n"
        "      agreements: [{id: A1, partner: p, signed: 2026-03-01}]\n",
        1,
    )
    root = make_pack(tmp_path, {"national/admission.assessment.yaml": text})
    found = messages(root)
    assert found, "an impossible combination must be reported"
    assert any(f"check.{field}" in m for m in found), found
    assert all("admission.assessment.yaml:" in m for m in found)


BEIJING_FIRE = (ROOT / "rules/beijing/fire.inspection-monthly.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # each shape has only its own keys: a restate cannot carry versions, a retire no level
        (
            BEIJING_FIRE
            + FIRE.split("notes:")[0]
            .split("citations:")[0]
            .replace("id: fire.inspection-monthly", "")
            .replace("# yaml-language-server: $schema=../../schemas/rule.schema.json", ""),
            "a restate overlay",
        ),
        (BEIJING_FIRE.replace("operation: restate", "operation: retire") + "level: mandatory\n", "level: Extra inputs"),
        (BEIJING_FIRE.replace("operation: restate", "operation: tighten"), "versions: Field required"),
        (BEIJING_FIRE.replace("operation: restate", "operation: restat"), "overlay.operation: must be restate"),
        (FIRE.replace("level: mandatory\n", ""), "level: Field required"),
        (FIRE + "overlay: null\n", "overlay: Extra inputs"),
    ],
    ids=[
        "restate-with-title-level",
        "retire-with-level",
        "tighten-without-versions",
        "unknown-operation",
        "rule-without-level",
        "rule-with-null-overlay",
    ],
)
def test_each_rule_file_shape_accepts_only_its_own_keys(tmp_path: Path, text: str, expected: str) -> None:
    layer = "national" if "overlay:\n" not in text else "beijing"
    files = {"national/fire.inspection-monthly.yaml": FIRE} if layer == "beijing" else {}
    files[f"{layer}/fire.inspection-monthly.yaml"] = text
    found = messages(make_pack(tmp_path, files), run_examples=False)
    assert any(expected in m and f"{layer}/fire.inspection-monthly.yaml:" in m for m in found), found


def test_a_city_pack_over_a_bundled_province(tmp_path: Path) -> None:
    """A pack from another repository whose city layer overlays the bundled beijing layer."""
    root = make_pack(
        tmp_path,
        {
            "dongcheng/pack.yaml": "parent: beijing\nregion_code: '110101'\n",
            "dongcheng/fire.inspection-monthly.yaml": BEIJING_FIRE,
        },
    )
    assert messages(root) == []
    engine = Engine.load(rules_dir=root)
    rule = engine.catalogs["dongcheng"].get("fire.inspection-monthly")
    assert rule is not None and rule.layers == ("national", "beijing", "dongcheng")
    broken = make_pack(tmp_path / "2", {"dongcheng/pack.yaml": "parent: beijing\n", "dongcheng/x.yaml": "id: x\n"})
    assert any("dongcheng/x.yaml" in m for m in messages(broken))  # its own files are validated
