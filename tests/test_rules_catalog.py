"""The bundled rule files: ids equal stems and are unique, citations hold, overlays compile."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from yiyang_rules.catalog import NATIONAL, compile_catalog, load_rules
from yiyang_rules.checks.base import Status
from yiyang_rules.rulefile import Level, Restate, Retire, Rule
from yiyang_rules.validation import validate

ROOT = Path(__file__).resolve().parents[1]
RULE_FILES = sorted((ROOT / "rules").glob("*/*.yaml"))
CORE_IDS = {
    "fire.inspection-monthly": NATIONAL,
    "fire.drill-semiannual": NATIONAL,
    "education.health-monthly": NATIONAL,
    "psychology.lecture-yearly": NATIONAL,
    "infection.drill-yearly": NATIONAL,
    "quality.pressure-ulcer-rate": NATIONAL,
    "naming.yiyang-title": NATIONAL,
    "tcm.appropriate-techniques": NATIONAL,
    "admission.assessment": NATIONAL,
    "medication.self-brought-policy": NATIONAL,
    "safety.hazard-ledger": NATIONAL,
    "agreement.report-within-month": NATIONAL,
    "zoning.separate-areas": NATIONAL,
    "facility.color-steel-plate-ban": "shaanxi",
}


def test_the_bundled_rules_validate_without_problems() -> None:
    problems = validate()
    assert problems == [], "\n".join(map(str, problems))


@pytest.mark.parametrize("path", RULE_FILES, ids=[f"{p.parent.name}/{p.stem}" for p in RULE_FILES])
def test_id_equals_file_stem(path: Path) -> None:
    loaded = load_rules(ROOT / "rules")
    source = next(s for s in loaded.sources if s.path == path)
    assert source.rule.id == path.stem


def test_ids_are_unique_within_each_layer_and_province_files_declare_their_overlays() -> None:
    loaded = load_rules(ROOT / "rules")
    per_layer = Counter((s.layer, s.rule.id) for s in loaded.sources)
    assert [k for k, n in per_layer.items() if n > 1] == []
    national = loaded.layer(NATIONAL)
    for source in loaded.sources:
        if source.layer != NATIONAL and source.rule.id in national:
            assert not isinstance(source.rule, Rule), f"{source.path} shadows a national id without overlay"


@pytest.mark.parametrize(("rule_id", "layer"), sorted(CORE_IDS.items()))
def test_core_obligations_exist_with_their_contract_ids(rule_id: str, layer: str) -> None:
    loaded = load_rules(ROOT / "rules")
    assert rule_id in loaded.layer(layer)


def test_every_rule_has_a_citation_level_and_in_force_date() -> None:
    loaded = load_rules(ROOT / "rules")
    for layer in loaded.layers:
        catalog = compile_catalog(loaded, (NATIONAL,) if layer == NATIONAL else (NATIONAL, layer))
        for rule in catalog.rules:
            assert rule.citations
            assert rule.level in (Level.MANDATORY, Level.RECOMMENDED)
            assert rule.schedule.versions and rule.history[0].basis


def test_every_rule_has_a_passing_and_a_failing_example() -> None:
    loaded = load_rules(ROOT / "rules")
    for source in loaded.sources:
        if isinstance(source.rule, (Restate, Retire)):
            continue
        expects = {e.expect for e in source.rule.examples}
        assert {Status.COMPLIANT, Status.NON_COMPLIANT} <= expects, source.path
