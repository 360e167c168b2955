"""A pack from another repository: three levels (national → hebei → shijiazhuang), each level
restating, tightening, adding and retiring, each citing its own documents (tests/fixtures/packs/chain)."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from yiyang_rules.catalog import compile_all, load_pack
from yiyang_rules.cli.app import app
from yiyang_rules.engine import Engine
from yiyang_rules.examples import example_snapshot
from yiyang_rules.validation import validate, validate_pack

CHAIN = Path(__file__).resolve().parent / "fixtures" / "packs" / "chain"


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.load(rules_dir=CHAIN)


def test_the_pack_validates_with_its_own_documents() -> None:
    result = validate_pack(CHAIN)
    assert [str(p) for p in result.problems] == []
    assert result.rule_files == 8
    assert result.examples_run == 8


def test_layers_chain_through_pack_yaml() -> None:
    loaded = load_pack(CHAIN)
    assert loaded.chain("shijiazhuang") == ("national", "hebei", "shijiazhuang")
    assert loaded.chain("hebei") == ("national", "hebei")
    assert loaded.chain("beijing") == ("national", "beijing")  # bundled layers stay available
    assert loaded.layers.index("hebei") < loaded.layers.index("shijiazhuang")
    assert loaded.region_layers() == {"130100": "shijiazhuang"}


def test_each_level_restates_tightens_adds_and_retires() -> None:
    catalogs = compile_all(load_pack(CHAIN))
    national, hebei, city = catalogs["national"], catalogs["hebei"], catalogs["shijiazhuang"]
    # retire
    assert national.get("psychology.lecture-yearly") is not None
    assert hebei.get("psychology.lecture-yearly") is None and "psychology.lecture-yearly" in hebei.retired
    assert city.get("psychology.lecture-yearly") is None
    assert hebei.get("education.health-monthly") is not None
    assert city.get("education.health-monthly") is None and "education.health-monthly" in city.retired
    # add
    assert national.get("emergency.drill-quarterly") is None
    assert hebei.get("emergency.drill-quarterly") is not None
    assert hebei.get("safety.training-monthly") is None
    added = city.get("safety.training-monthly")
    assert added is not None and added.layers == ("shijiazhuang",)
    # restate: the rule as below, with this level's citation added
    restated = city.get("emergency.drill-quarterly")
    assert restated is not None and restated.layers == ("hebei", "shijiazhuang")
    assert [c.document for c in restated.citations] == ["冀测试〔2026〕1号", "石测试〔2026〕2号"]
    assert restated.schedule == hebei.get("emergency.drill-quarterly").schedule  # type: ignore[union-attr]
    education = hebei.get("education.health-monthly")
    assert education is not None and education.citations[-1].document == "冀测试〔2026〕1号"
    # tighten over tighten: each level's version judges from its own first day
    fire = city.get("fire.inspection-monthly")
    assert fire is not None and fire.layers == ("national", "hebei", "shijiazhuang")
    spans = [(v.version, v.start, v.until, v.params.min_count) for v in fire.schedule.versions]
    assert spans == [
        ("1.0.0", date(2025, 12, 25), date(2025, 12, 31), 1),
        ("1.1.0+hebei", date(2026, 1, 1), date(2026, 2, 28), 2),
        ("1.2.0+shijiazhuang", date(2026, 3, 1), None, 3),
    ]
    assert [h.layer for h in fire.history] == ["national", "hebei", "shijiazhuang"]


def _snapshot(**institution: Any) -> bytes:
    raw = example_snapshot(
        {
            "period": {"start": "2026-03-01", "end": "2026-03-31"},
            "activities": [
                {"id": "f1", "kind": "fire_inspection", "date": "2026-03-03"},
                {"id": "f2", "kind": "fire_inspection", "date": "2026-03-13"},
            ],
        },
        "hebei",
        "2026-04-05",
    )
    raw["institution"].pop("province", None)
    raw["institution"].update(institution)
    return json.dumps(raw, ensure_ascii=False).encode()


@pytest.mark.parametrize(
    ("institution", "layers", "fire"),
    [
        ({"region_code": "130102"}, ["national", "hebei", "shijiazhuang"], "non_compliant"),  # in the city
        ({"region_code": "130203"}, ["national", "hebei"], "compliant"),  # another city of the province
        ({"province": "河北省"}, ["national", "hebei"], "compliant"),  # no region code: the province
        ({"province": "hebei", "region_code": "130100"}, ["national", "hebei", "shijiazhuang"], "non_compliant"),
    ],
)
def test_the_most_specific_layer_judges(
    engine: Engine, institution: dict[str, str], layers: list[str], fire: str
) -> None:
    report = engine.check(_snapshot(**institution))
    assert report.jurisdiction == layers
    finding = next(f for f in report.findings if f.rule_id == "fire.inspection-monthly")
    assert finding.status.value == fire
    if "shijiazhuang" in layers:
        assert finding.citations[-1].document == "石测试〔2026〕2号"  # the pack's own document, in the report
        assert "safety.training-monthly" in {f.rule_id for f in report.findings}
        assert "education.health-monthly" not in {f.rule_id for f in report.findings}


def test_a_forced_layer_by_name(engine: Engine) -> None:
    forced = Engine.load("shijiazhuang", CHAIN)
    assert forced.check(_snapshot(province="beijing")).jurisdiction == ["national", "hebei", "shijiazhuang"]
    assert engine.check(_snapshot(province="beijing")).jurisdiction == ["national", "beijing"]


def test_the_cli_uses_the_pack(tmp_path: Path) -> None:
    runner = CliRunner()
    snapshot = tmp_path / "s.json"
    snapshot.write_bytes(_snapshot(region_code="130102"))
    checked = runner.invoke(app, ["check", str(snapshot), "--rules", str(CHAIN), "-f", "json"])
    assert checked.exit_code == 1, checked.output
    assert json.loads(checked.stdout)["jurisdiction"] == ["national", "hebei", "shijiazhuang"]
    listed = runner.invoke(app, ["rules", "list", "--rules", str(CHAIN), "-j", "shijiazhuang", "-f", "json"])
    assert listed.exit_code == 0
    assert "safety.training-monthly" in {r["id"] for r in json.loads(listed.stdout)}
    shown = runner.invoke(app, ["rules", "show", "fire.inspection-monthly", "--rules", str(CHAIN), "-j", "130100"])
    assert shown.exit_code == 0, shown.output
    diffed = runner.invoke(app, ["rules", "diff", "hebei", "shijiazhuang", "--rules", str(CHAIN), "-f", "json"])
    assert diffed.exit_code == 0, diffed.output
    assert sorted(c["operation"] for c in json.loads(diffed.stdout)) == ["add", "restate", "retire", "tighten"]
    wrong_base = runner.invoke(app, ["rules", "diff", "national", "shijiazhuang", "--rules", str(CHAIN)])
    assert wrong_base.exit_code == 2 and "use `hebei` as the base" in wrong_base.output
    validated = runner.invoke(app, ["rules", "validate", str(CHAIN)])
    assert validated.exit_code == 0, validated.output
    missing = runner.invoke(app, ["rules", "list", "--rules", str(tmp_path / "nope")])
    assert missing.exit_code == 2


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "pack"
    shutil.copytree(CHAIN, target)
    return target


def _messages(root: Path) -> list[str]:
    return [str(p) for p in validate(root, run_examples=False)]


def test_a_quote_not_in_the_packs_own_document_is_caught(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    path = root / "shijiazhuang" / "safety.training-monthly.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("每月至少开展1次全员", "每周至少开展1次全员"), encoding="utf-8"
    )
    found = _messages(root)
    assert (
        len(found) == 1
        and "safety.training-monthly.yaml:" in found[0]
        and "not verbatim in 石测试〔2026〕2号" in found[0]
    )


def test_an_overlay_of_a_rule_retired_below_is_caught(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    (root / "shijiazhuang" / "psychology.lecture-yearly.yaml").write_text(
        (root / "hebei" / "psychology.lecture-yearly.yaml")
        .read_text(encoding="utf-8")
        .replace("冀测试〔2026〕1号", "石测试〔2026〕2号")
        .replace("心理健康知识讲座的频次由各市另行规定", "医养结合机构每季度至少开展1次应急演练")
        .replace("四（一）", "二（一）"),
        encoding="utf-8",
    )
    found = _messages(root)
    assert any("no hebei rule with that id (retired there)" in m for m in found), found


def test_a_city_tighten_looser_than_its_province_is_caught(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    path = root / "shijiazhuang" / "fire.inspection-monthly.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("min_count: 3}", "min_count: 1}"), encoding="utf-8")
    found = _messages(root)
    assert any("less strict than the hebei 1.1.0+hebei" in m for m in found), found


def test_an_own_rule_reusing_an_id_from_below_is_caught(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    shutil.copy(
        root / "hebei" / "emergency.drill-quarterly.yaml", root / "shijiazhuang" / "emergency.drill-quarterly.yaml"
    )
    found = _messages(root)
    assert any("is also a hebei rule: declare overlay" in m for m in found), found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("parent: henan\n", "parent 'henan' is not a layer"),
        ("parent: shijiazhuang\n", "loop"),
        ("parent: hebei\nregion_code: 1301\n", "region_code"),
        ("parent: hebei\ncolour: red\n", "colour"),
        ("parent: [hebei\n", "pack.yaml:"),
    ],
)
def test_a_bad_pack_yaml_is_a_problem_with_its_file(tmp_path: Path, text: str, expected: str) -> None:
    root = _copy(tmp_path)
    target = root / ("hebei" if "shijiazhuang" in text else "shijiazhuang") / "pack.yaml"
    target.write_text(text, encoding="utf-8")
    found = _messages(root)
    assert any(expected in m and "pack.yaml" in m for m in found), found
    runner = CliRunner()
    assert runner.invoke(app, ["rules", "list", "--rules", str(root)]).exit_code == 2


@pytest.mark.parametrize(
    ("find", "replace", "expected"),
    [
        ("sha256: ", "sha256: 00", "sha256"),
        ("file: shijiazhuang-fixture.txt", "file: missing.txt", "missing.txt"),
        ("    issuer:", "    colour: red\n    issuer:", "colour"),
        ("documents:", "documents: [", "registry.yaml"),
    ],
)
def test_a_bad_pack_registry_is_a_problem_not_a_traceback(
    tmp_path: Path, find: str, replace: str, expected: str
) -> None:
    root = _copy(tmp_path)
    registry = root / "shijiazhuang" / "sources" / "registry.yaml"
    registry.write_text(registry.read_text(encoding="utf-8").replace(find, replace, 1), encoding="utf-8")
    found = _messages(root)
    assert any(expected in m and "registry.yaml" in m for m in found), found
    # the province's documents still count: its rules are not reported for the city's broken registry
    assert not any("/hebei/" in m for m in found), found


def test_a_changed_pack_document_names_the_rules_to_reverify(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    text = root / "hebei" / "sources" / "hebei-fixture.txt"
    text.write_text(text.read_text(encoding="utf-8") + "\n六、补充\n", encoding="utf-8")
    found = _messages(root)
    assert any("hebei-fixture.txt changed since it was pinned" in m for m in found), found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("parent: hebei\nregion_code: '610100'\n", "lies in shaanxi, but the layer overlays hebei"),
        ("parent: hebei\nregion_code: '990100'\n", "names no province"),
    ],
)
def test_an_area_layer_binds_an_area_of_its_province(tmp_path: Path, text: str, expected: str) -> None:
    root = _copy(tmp_path)
    (root / "shijiazhuang" / "pack.yaml").write_text(text, encoding="utf-8")
    assert any(expected in m for m in _messages(root))


def test_two_layers_cannot_bind_one_area(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    (root / "gaocheng").mkdir()
    (root / "gaocheng" / "pack.yaml").write_text("parent: hebei\nregion_code: '130100'\n", encoding="utf-8")
    assert any("is also bound by shijiazhuang" in m for m in _messages(root))


def test_a_pack_gets_reference_pages_for_its_own_layers(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["rules", "docs", str(CHAIN), "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "rules").iterdir()) == ["hebei.md", "shijiazhuang.md"]
    city = (tmp_path / "rules" / "shijiazhuang.md").read_text(encoding="utf-8")
    assert city.startswith("# Rules: 石家庄市（测试） — Shijiazhuang (test fixture)")
    assert "over national → hebei" in city
    assert "“医养结合机构每月至少组织3次防火检查”" in city and "| 1.2.0+shijiazhuang | 2026-03-01 |" in city
    assert "## Retired" in city and "`education.health-monthly`" in city
    broken = _copy(tmp_path / "b")
    (broken / "hebei" / "pack.yaml").write_text("parent: nowhere\n", encoding="utf-8")
    failed = CliRunner().invoke(app, ["rules", "docs", str(broken), "-o", str(tmp_path / "out")])
    assert failed.exit_code == 2 and "nowhere" in failed.output


def test_an_edited_pack_document_is_read_again_in_the_same_process(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    assert _messages(root) == []
    text = root / "shijiazhuang" / "sources" / "shijiazhuang-fixture.txt"
    text.write_text(text.read_text(encoding="utf-8").replace("至少组织3次", "至少组织4次"), encoding="utf-8")
    found = _messages(root)
    assert any("shijiazhuang-fixture.txt changed since it was pinned" in m for m in found), found
    assert any("not verbatim" in m for m in found), found


def test_a_city_pack_gets_its_own_workbook_questions(tmp_path: Path) -> None:
    runner = CliRunner()
    facts = runner.invoke(app, ["rules", "facts", "--rules", str(CHAIN), "-j", "shijiazhuang", "-f", "json"])
    assert facts.exit_code == 0, facts.output
    target = tmp_path / "city.xlsx"
    made = runner.invoke(app, ["template", "--rules", str(CHAIN), "-j", "130100", "-o", str(target)])
    assert made.exit_code == 0, made.output
    sheet = openpyxl.load_workbook(target)["说明"]
    assert any("national + hebei + shijiazhuang" in str(c.value) for row in sheet.iter_rows() for c in row)
