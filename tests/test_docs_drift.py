"""The generated reference docs are current: `python -m yiyang_rules.docs` rewrites them."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from yiyang_rules import vocabulary
from yiyang_rules.checks import KINDS
from yiyang_rules.docs import generated_docs

ROOT = Path(__file__).resolve().parents[1]
DOCS = generated_docs()


@pytest.mark.parametrize("relative", sorted(DOCS))
def test_committed_doc_is_current(relative: str) -> None:
    path = ROOT / relative
    assert path.is_file(), f"run: python -m yiyang_rules.docs  ({relative} is missing)"
    assert path.read_text(encoding="utf-8") == DOCS[relative], (
        f"run: python -m yiyang_rules.docs  ({relative} is stale)"
    )


def test_every_layer_and_kind_has_its_doc() -> None:
    layers = {p.name for p in (ROOT / "rules").iterdir() if p.is_dir()}
    assert {f"docs/rules/{layer}.md" for layer in layers} <= set(DOCS)
    kinds = DOCS["docs/check-kinds.md"]
    assert all(f"## {name}" in kinds for name in KINDS)


def test_a_rule_doc_says_whom_it_binds_quotes_and_versions() -> None:
    national = DOCS["docs/rules/national.md"]
    section = national.split("### `fire.inspection-monthly`", 1)[1].split("\n### ", 1)[0]
    assert "**Binds:** 医养结合机构" in section
    assert "“每月至少组织1次防火检查”" in section
    assert "| 1.0.0 | 2025-12-25 |" in section
    beijing = DOCS["docs/rules/beijing.md"]
    assert "## Tightened" in beijing and "**Overlay note:**" in beijing


def test_a_changed_rule_changes_its_doc(tmp_path: Path) -> None:
    pack = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", pack)
    path = pack / "national" / "fire.inspection-monthly.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("min_count: 1", "min_count: 2"), encoding="utf-8")
    changed = generated_docs(pack)
    assert changed["docs/rules/national.md"] != DOCS["docs/rules/national.md"]
    assert '"min_count": 2' in changed["docs/rules/national.md"]


def test_the_snapshot_doc_lists_every_field_and_vocabulary_key() -> None:
    text = DOCS["docs/snapshot.md"]
    schema = json.loads((ROOT / "schemas" / "snapshot.schema.json").read_text(encoding="utf-8"))
    for name in schema["properties"]:
        assert f"| `{name}` |" in text
    for definition in schema["$defs"].values():
        for value in definition.get("enum", []):
            assert f"| `{value}` |" in text, value
    assert "Asia/Shanghai" in text and "Unknown is not false" in text


def test_every_vocabulary_term_is_declared_once_with_both_languages() -> None:
    terms = [
        value
        for value in vars(vocabulary).values()
        if isinstance(value, type) and issubclass(value, vocabulary.Term) and value is not vocabulary.Term
    ]
    assert len(terms) >= 9
    for vocabulary_type in terms:
        for term in vocabulary_type:
            assert term.label.zh and term.label.en, term
        keys = [t.value for t in vocabulary_type]
        assert len(keys) == len(set(keys)), vocabulary_type
    with pytest.raises(TypeError, match="needs its Chinese term and English gloss"):

        class Broken(vocabulary.Term):  # a term without its English gloss does not load
            ONLY_ZH = "only_zh", "中文"


def test_one_command_regenerates_every_generated_file(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "yiyang_rules.docs", str(tmp_path)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    written = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    assert "schemas/rule.schema.json" in written and "docs/check-kinds.md" in written
    for relative in written:
        assert (tmp_path / relative).read_bytes() == (ROOT / relative).read_bytes(), f"{relative} is stale"
