"""Laws of layering, for any bundled national rule and any chain of restates and retires."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from yiyang_rules.catalog import compile_all, load_rules
from yiyang_rules.jurisdiction import layer_for, region_prefix
from yiyang_rules.loading import LayerPack, LoadedRules, RuleSource
from yiyang_rules.rulefile import RULE_FILE, Rule
from yiyang_rules.snapshot import Institution
from yiyang_rules.vocabulary import InstitutionKind
from yiyang_rules.yamlfile import LoadedYaml

BUNDLED = load_rules()
NATIONAL_RULES = sorted(s.rule.id for s in BUNDLED.sources if s.layer == "national")
LEVELS = ("p", "c", "d")  # a province, a city, a district: each over the one before


def _overlay(rule_id: str, operation: str, base_version: str, level: int) -> RuleSource:
    data = {
        "id": rule_id,
        "overlay": {"operation": operation, "base_version": base_version},
        "citations": [{"document": f"D{level}", "article": "一", "quote": f"quote of level {level}"}],
    }
    return RuleSource(
        Path(f"{LEVELS[level]}/{rule_id}.yaml"), LEVELS[level], RULE_FILE.validate_python(data), LoadedYaml(data, {})
    )


@settings(max_examples=60, deadline=None)
@given(
    rule_id=st.sampled_from(NATIONAL_RULES),
    operations=st.lists(st.sampled_from(["restate", "retire", None]), min_size=1, max_size=3),
)
def test_restate_keeps_the_rule_and_retire_removes_it_above(rule_id: str, operations: list[str | None]) -> None:
    national = next(s for s in BUNDLED.sources if s.layer == "national" and s.rule.id == rule_id)
    assert isinstance(national.rule, Rule)
    version = national.rule.versions[-1].version
    sources = [s for s in BUNDLED.sources if s.layer == "national"]
    packs = {}
    for level, operation in enumerate(operations):
        parent = "national" if level == 0 else LEVELS[level - 1]
        packs[LEVELS[level]] = LayerPack(LEVELS[level], Path(LEVELS[level]), parent)
        if operation is not None:
            sources.append(_overlay(rule_id, operation, version, level))
    loaded = LoadedRules(tuple(sources), (), packs)
    catalogs = compile_all(loaded)
    base = catalogs["national"].get(rule_id)
    assert base is not None
    retired_at = next((i for i, op in enumerate(operations) if op == "retire"), None)
    for level in range(len(operations)):
        layer = LEVELS[level]
        assert loaded.chain(layer) == ("national", *LEVELS[: level + 1])
        compiled = catalogs[layer].get(rule_id)
        if retired_at is not None and level >= retired_at:
            assert compiled is None, (layer, operations)  # gone at the retiring level and above
            continue
        assert compiled is not None
        # a restate changes neither the check nor its history; it adds its own citation
        assert compiled.schedule == base.schedule and compiled.history == base.history
        restated = [i for i, op in enumerate(operations[: level + 1]) if op == "restate"]
        assert [c.document for c in compiled.citations[len(base.citations) :]] == [f"D{i}" for i in restated]
        assert compiled.layers == ("national", *(LEVELS[i] for i in restated))
        # every other rule is untouched at every level
        assert len(catalogs[layer].rules) == len(catalogs["national"].rules)


@settings(max_examples=200, deadline=None)
@given(
    city=st.integers(1, 30),
    county=st.integers(1, 30),
    areas=st.sets(st.sampled_from(["130000", "130100", "130102", "130200", "110100"]), max_size=5),
    with_province_layer=st.booleans(),
)
def test_the_most_specific_covering_layer_judges(
    city: int, county: int, areas: set[str], with_province_layer: bool
) -> None:
    code = f"13{city:02d}{county:02d}"
    regions = {area: f"area-{area}" for area in areas}
    layers = {"national", *regions.values(), *(["hebei"] if with_province_layer else [])}
    institution = Institution(id="i", name="n", region_code=code, kinds=[InstitutionKind.MEDICAL])
    chosen = layer_for(institution, layers, regions)
    covering = [area for area in areas if code.startswith(region_prefix(area))]
    if covering:
        assert chosen == regions[max(covering, key=lambda a: len(region_prefix(a)))]
    else:
        assert chosen == ("hebei" if with_province_layer else "national")
