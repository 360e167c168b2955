"""Rule packs from other repositories: every broken file is a problem with file and line, the other
files are still validated, nothing outside the pack is read, and the compiled engine cannot be
changed by its caller.

The committed corpus is tests/corpus/packs/national/ with expected.json (file → line, message);
encodings, links, FIFOs and large files are made here, in tmp_path.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from yiyang_rules import Engine, RuleCatalogError
from yiyang_rules.catalog import load_rules
from yiyang_rules.declared import to_json_data
from yiyang_rules.validation import validate_pack
from yiyang_rules.yamlfile import YamlError, decode_yaml_bytes, load_yaml_text

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus" / "packs"
EXPECTED: dict[str, dict[str, Any]] = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))
BUNDLED = HERE.parent / "rules" / "national"
GOOD = "medication.self-brought-policy.yaml"
SECRET = "TOP-SECRET-LINE-7f3a"


def _cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "yiyang_rules", *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
        timeout=120,  # a FIFO opened for reading would hang here
    )


def _valid_rule(rule_id: str) -> str:
    text = (BUNDLED / "zoning.separate-areas.yaml").read_text(encoding="utf-8")
    return text.replace("id: zoning.separate-areas", f"id: {rule_id}")


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    """The committed bad files, one good bundled rule, and the generated bad cases."""
    root = tmp_path / "pack"
    national = root / "national"
    shutil.copytree(CORPUS / "national", national)
    shutil.copy(BUNDLED / GOOD, national / GOOD)
    outside = tmp_path / "secret.yaml"
    outside.write_text(f"id: x.secret\nnotes: {SECRET}\n", encoding="utf-8")
    (national / "x.link-out.yaml").symlink_to(outside)
    os.mkfifo(national / "x.fifo.yaml")
    (national / "x.directory.yaml").mkdir()
    (national / "x.gbk.yaml").write_bytes("id: x.gbk\nnotes: 消防安全\n".encode("gbk"))
    (national / "x.utf16.yaml").write_bytes("id: x.utf16\n".encode("utf-16"))
    (national / "x.deep-flow.yaml").write_text("id: x.deep-flow\nnotes: " + "[" * 50_000 + "]" * 50_000, "utf-8")
    (national / "x.too-large.yaml").write_text("id: x.too-large\nnotes: |\n" + "  padding\n" * 120_000, "utf-8")
    (national / "x.bom.yml").write_bytes(b"\xef\xbb\xbf" + _valid_rule("x.bom").encode("utf-8"))
    (national / "x.upper.YAML").write_text(_valid_rule("x.upper"), "utf-8")
    (national / "README.md").write_text("not a rule\n", "utf-8")
    other = tmp_path / "elsewhere"
    other.mkdir()
    (other / "x.elsewhere.yaml").write_text(f"notes: {SECRET}\n", "utf-8")
    (root / "beijing").symlink_to(other, target_is_directory=True)
    return root


GENERATED = {
    "x.link-out.yaml": "leads out of the pack",
    "x.fifo.yaml": "not a regular file",
    "x.directory.yaml": "not a regular file",
    "x.gbk.yaml": "GB18030/GBK",
    "x.utf16.yaml": "UTF-16",
    "x.deep-flow.yaml": "nested deeper than 64 levels",
    "x.too-large.yaml": "more than the 1,000,000 a rule file may have",
}


def test_every_broken_file_is_listed_with_file_and_line_and_the_rest_still_validated(pack: Path) -> None:
    result = validate_pack(pack)
    by_file: dict[str, list[str]] = {}
    for problem in result.problems:
        by_file.setdefault(Path(problem.file).name, []).append(str(problem))
    for name, expected in EXPECTED.items():
        where = f"{pack / 'national' / name}:{expected['line']}" if expected["line"] else str(pack / "national" / name)
        assert any(p.startswith(where) and expected["message"] in p for p in by_file.get(name, [])), (
            name,
            by_file.get(name),
        )
    for name, message in GENERATED.items():
        assert any(message in p for p in by_file.get(name, [])), (name, by_file.get(name))
    assert "beijing" in by_file and "leads out of the pack" in by_file["beijing"][0]
    # The good files were read and their examples run: .yml with a byte-order mark and .YAML too.
    for good in (GOOD, "x.bom.yml", "x.upper.YAML"):
        assert good not in by_file, by_file.get(good)
    assert result.rule_files == 4  # the good rule, x.bom, x.upper and x.wrong-id (read; its id is wrong)
    assert result.examples_run >= 9
    assert "README.md" not in by_file
    assert all(SECRET not in str(p) for p in result.problems)


def test_the_cli_lists_them_exits_1_never_hangs_never_leaks(pack: Path) -> None:
    done = _cli("rules", "validate", pack)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert SECRET not in done.stdout + done.stderr
    for name in (*EXPECTED, *GENERATED):
        assert str(pack / "national" / name) in done.stdout, name
    assert f"{len(EXPECTED) + len(GENERATED) + 1} problem(s)" in done.stdout


def test_engine_load_of_a_broken_pack_is_a_rule_catalog_error(pack: Path) -> None:
    with pytest.raises(RuleCatalogError) as caught:
        Engine.load(rules_dir=pack)
    assert len(caught.value.problems) == len(EXPECTED) + len(GENERATED) + 1  # and the linked layer
    assert SECRET not in str(caught.value)


def test_a_link_that_stays_inside_the_pack_is_read(tmp_path: Path) -> None:
    national = tmp_path / "pack" / "national"
    national.mkdir(parents=True)
    shared = tmp_path / "pack" / "shared"  # a folder of the pack that holds no layer of its own rules
    shared.mkdir()
    (shared / "x.inside.txt").write_text(_valid_rule("x.inside"), "utf-8")
    (national / "x.inside.yaml").symlink_to(shared / "x.inside.txt")
    loaded = load_rules(tmp_path / "pack")
    assert loaded.problems == ()
    assert [s.rule.id for s in loaded.sources] == ["x.inside"]


# --- the compiled engine is deeply immutable ---------------------------------------------------


def test_the_compiled_engine_cannot_be_changed_by_its_caller() -> None:
    engine = Engine.load()
    catalog = engine.catalogs["beijing"]
    rule = next(r for r in catalog.rules if r.id == "safety.hazard-ledger")
    params: Any = rule.schedule.versions[0].params
    attempts = [
        lambda: engine.catalogs.__setitem__("national", catalog),  # type: ignore[index]
        lambda: setattr(engine, "forced", "beijing"),
        lambda: setattr(catalog, "rules", ()),
        lambda: setattr(rule, "level", "recommended"),
        lambda: setattr(rule.schedule.versions[0], "params", None),
        lambda: setattr(params, "plan_fields", []),
        lambda: params.plan_fields.append("measures"),
        lambda: params.plan_fields.__setitem__(0, "measures"),
        params.plan_fields.clear,
        lambda: setattr(rule.title, "zh", "改"),
        lambda: setattr(rule.citations[0], "quote", "改"),
    ]
    naming = next(r for r in catalog.rules if r.kind.name == "name_restriction")
    requires: Any = naming.schedule.versions[0].params.requires_any  # type: ignore[attr-defined]
    attempts += [requires.clear, lambda: requires.update({}), lambda: next(iter(requires.values())).pop()]
    facts = next(r for r in catalog.rules if r.kind.name == "required_facts")
    attempts.append(lambda: facts.schedule.versions[0].params.facts.append(None))  # type: ignore[attr-defined]
    example = next(r for r in catalog.rules if r.examples).examples[0][1]
    attempts.append(lambda: example.snapshot.__setitem__("as_of", "2000-01-01"))
    before = [r.id for r in catalog.rules]
    for attempt in attempts:
        with pytest.raises((TypeError, AttributeError, ValidationError, dataclasses.FrozenInstanceError)):
            attempt()
    assert [r.id for r in catalog.rules] == before
    assert params.plan_fields == ["responsible", "deadline"]


def test_frozen_parameters_still_read_serialise_and_copy_as_plain_values() -> None:
    import copy  # noqa: PLC0415
    import pickle  # noqa: PLC0415

    engine = Engine.load()
    rule = next(r for r in engine.catalogs["national"].rules if r.id == "safety.hazard-ledger")
    params: Any = rule.schedule.versions[0].params
    assert json.loads(json.dumps(to_json_data(params)))["plan_fields"] == ["responsible", "deadline"]
    assert pickle.loads(pickle.dumps(params)) == params
    mutable = copy.deepcopy(params.plan_fields)
    mutable.append("measures")
    assert type(mutable) is list and params.plan_fields == ["responsible", "deadline"]
    assert pickle.loads(pickle.dumps(params.plan_fields)) == ["responsible", "deadline"]


# --- fuzz: whatever a rule file holds, a loaded document or a YamlError with a line -------------


SCALE = max(1, int(os.environ.get("YIYANG_FUZZ_EXAMPLES", "1") or "1"))
YAML_PIECES = st.sampled_from(
    [
        "a: ",
        "- ",
        "&x ",
        "*x ",
        "<<: *x\n",
        "!!set ",
        "!foo ",
        "? ",
        "[",
        "]",
        "{",
        "}",
        ", ",
        "\n",
        "  ",
        "\t",
        "2026-02-30",
        "99999999999999999999999",
        "'",
        '"',
        "|\n",
        "#",
        "---\n",
        "...\n",
        "%YAML 1.1\n",
        ": ",
        "é",
        "\x00",
    ]
)


@settings(max_examples=200 * SCALE, deadline=None)
@given(pieces=st.lists(YAML_PIECES, max_size=40), raw=st.binary(max_size=60))
def test_any_rule_file_text_loads_or_is_a_yaml_error(pieces: list[str], raw: bytes) -> None:
    for attempt in ("".join(pieces), raw):
        try:
            text = decode_yaml_bytes(attempt.encode("utf-8") if isinstance(attempt, str) else attempt)
            load_yaml_text(text)
        except YamlError as error:
            assert error.message
