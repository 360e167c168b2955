"""docs/coverage.md cannot drift from rules/: every article of every document has a row, in order,
and every rule that cites an article is listed in that article's row."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from yiyang_rules.catalog import load_rules
from yiyang_rules.documents import load_registry, normalise

COVERAGE = Path(__file__).resolve().parents[1] / "docs" / "coverage.md"
RULES = Path(__file__).resolve().parents[1] / "rules"
_ROW = re.compile(r"^\|\s*([^|]+?)\s*\|\s*([^|]*?)\s*\|\s*(.+?)\s*\|\s*$")


def parse_coverage(path: Path = COVERAGE) -> dict[str, list[tuple[str, set[str], str]]]:
    """document number → [(article label, rule ids, disposition)] in file order."""
    sections: dict[str, list[tuple[str, set[str], str]]] = {}
    current: list[tuple[str, set[str], str]] | None = None
    registry = load_registry()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            number = line[3:].split()[0]
            document = registry.get(number)
            current = sections.setdefault(document.number, []) if document else None
            continue
        match = _ROW.match(line)
        if current is None or match is None or match.group(1) in ("article", "---"):
            continue
        ids = set(re.findall(r"`([a-z0-9.-]+)`", match.group(2)))
        current.append((match.group(1), ids, match.group(3)))
    return sections


def test_every_document_has_a_section() -> None:
    assert set(parse_coverage()) == set(load_registry().documents)


def test_every_article_appears_in_order_with_a_disposition() -> None:
    sections = parse_coverage()
    for number, document in load_registry().documents.items():
        rows = sections[number]
        assert [normalise(r[0]) for r in rows] == [normalise(a.label) for a in document.articles], number
        assert all(len(r[2]) > 3 for r in rows), f"{number}: a row without a disposition"


def uncovered(rules: Path | None = None, coverage: Path = COVERAGE) -> list[str]:
    """Citations whose article row in the coverage does not list the citing rule."""
    sections = parse_coverage(coverage)
    missing = []
    for source in load_rules(rules).sources:
        for citation in source.rule.citations:
            document = load_registry().get(citation.document)
            assert document is not None
            row = next(r for r in sections[document.number] if normalise(r[0]) == normalise(citation.article))
            if source.rule.id not in row[1]:
                missing.append(f"{source.rule.id} ({source.layer}) → {document.number} {citation.article}")
    return missing


def test_every_cited_article_lists_the_rule() -> None:
    missing = uncovered()
    assert missing == [], "add these rule ids to docs/coverage.md:\n" + "\n".join(missing)


def test_a_rule_added_without_a_coverage_entry_is_caught(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    text = (RULES / "national" / "fire.drill-semiannual.yaml").read_text(encoding="utf-8")
    (rules / "national" / "fire.drill-quarterly.yaml").write_text(
        text.replace("id: fire.drill-semiannual", "id: fire.drill-quarterly"), encoding="utf-8"
    )
    assert uncovered(rules) == ["fire.drill-quarterly (national) → 国卫办老龄发〔2025〕29号 七（二十四）"]


def test_every_rule_id_named_in_the_coverage_exists() -> None:
    known = {s.rule.id for s in load_rules().sources}
    named = {rule_id for rows in parse_coverage().values() for _, ids, _ in rows for rule_id in ids}
    assert named - known == set()
