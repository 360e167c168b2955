"""Start-up (issue 9): ``yiyang check FILE --format json`` imports only what checking needs, builds
no pydantic validator for the models it does not validate with (their schemas are deferred), and the
lazy parts (the renderer registry, the package's public names) still behave as before."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from typing import Any

import pytest

import yiyang_rules
from yiyang_rules.render import RENDERERS
from yiyang_rules.resources import examples_dir

SAMPLE = examples_dir() / "beijing-sample.json"

_RUN_CHECK = """
import json, sys
sys.argv = ["yiyang", "check", sys.argv[1], "--format", "json"]
from yiyang_rules.cli.app import main
try:
    main()
except SystemExit:
    pass
sys.stdout.flush()
from pydantic import BaseModel
def subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from subclasses(sub)
built = sorted(
    {f"{c.__module__}.{c.__qualname__}" for c in subclasses(BaseModel) if c.__pydantic_complete__}
)
rule_file = sys.modules.get("yiyang_rules.rulefile")
print(json.dumps({
    "modules": sorted(sys.modules),
    "built": built,
    "rule_file_built": rule_file is not None and rule_file.RULE_FILE.pydantic_complete,
    "plugins_scanned": getattr(sys.modules.get("pydantic.plugin._loader"), "_plugins", None) is not None,
}), file=sys.stderr)
"""

NOT_ON_THE_CHECK_PATH = (
    "rich",
    "pendulum",
    "openpyxl",
    "jinja2",
    "starlette",
    "uvicorn",
    "yiyang_rules.workbook",
    "yiyang_rules.server.app",
    "yiyang_rules.render.html",
    "yiyang_rules.render.xlsx",
    "yiyang_rules.render.junit",
    "yiyang_rules.render.sarif",
    "yiyang_rules.render.markdown",
    "yiyang_rules.render.table",
    # Only for the commands or options that use them.
    "yiyang_rules.diff",
    "yiyang_rules.validation",
    "yiyang_rules.docs",
    "yiyang_rules.schemas",
    "yiyang_rules.plan",
    "yiyang_rules.compare",
    "yiyang_rules.render.exemptions_text",
    "yiyang_rules.render.labels",
)

# Models a check reads from the cache or decodes on the fast path, never validating with them:
# building their validators (tens of milliseconds) is left to the input that needs it.
DEFERRED_ON_THE_CHECK_PATH = (
    "yiyang_rules.snapshot.",
    "yiyang_rules.rulefile.",
    "yiyang_rules.conditions.",
    "yiyang_rules.checks.",
    "yiyang_rules.exemptions.",
)
# The report pieces report_json renders once per catalog with pydantic (the rest it writes itself).
REPORT_MODELS_SERIALISED = {
    "yiyang_rules.report.CitationOut",
    "yiyang_rules.report.EngineInfo",
    "yiyang_rules.report.Text",
}


def _a_check(*extra: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, *extra, "-c", _RUN_CHECK, str(SAMPLE)], capture_output=True, text=True, check=False
    )
    assert done.stdout.startswith('{"report_version":"1"'), done.stderr
    found: dict[str, Any] = json.loads(done.stderr.strip().splitlines()[-1])
    return found


def _modules_of_a_check(*extra: str) -> set[str]:
    return set(_a_check(*extra)["modules"])


def test_a_json_check_imports_no_renderer_workbook_server_or_heavy_library() -> None:
    modules = _modules_of_a_check()
    loaded = sorted(m for m in modules if m.startswith(NOT_ON_THE_CHECK_PATH))
    assert loaded == []
    # the report bytes it writes (the JSON Lines renderer itself is needed only for error records)
    assert "yiyang_rules.report_json" in modules


def test_a_cached_start_reads_no_yaml() -> None:
    _modules_of_a_check()  # fills the session's cache
    assert "yaml" not in _modules_of_a_check()


def test_a_cached_check_builds_no_validator_of_the_rule_snapshot_or_check_models() -> None:
    _a_check()  # fills the session's cache
    found = _a_check()
    assert not found["rule_file_built"]
    assert [name for name in found["built"] if name.startswith(DEFERRED_ON_THE_CHECK_PATH)] == []
    assert set(found["built"]) <= REPORT_MODELS_SERIALISED


def test_a_cached_check_builds_no_validator_at_all() -> None:
    _a_check()
    found = _a_check()
    assert found["built"] == []
    # typer builds its TypeAdapters with plugins disabled: only a model of ours would scan.
    assert not found["plugins_scanned"]


def test_deferred_models_still_validate_and_refuse() -> None:
    code = """
import sys
from pydantic import TypeAdapter, ValidationError
from yiyang_rules.conditions import AllOf, Not, Predicate
from yiyang_rules.rulefile import RULE_FILE
from yiyang_rules.snapshot import Window
assert not Window.__pydantic_complete__
assert not RULE_FILE.pydantic_complete
condition = TypeAdapter(AllOf).validate_python({"all_of": ["medical", {"not": "public"}]})
assert condition.all_of[1] == Not(Predicate.PUBLIC)
try:
    Window.model_validate({"start": "2026-02-01", "end": "2026-01-01"})
except ValidationError as exc:
    print(exc.errors()[0]["type"])
try:
    RULE_FILE.validate_python({"id": "fire.drill"})
except ValidationError as exc:
    print(exc.errors()[0]["type"])
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["window_order", "missing"]


@pytest.mark.parametrize("name", sorted(RENDERERS))
def test_the_registry_says_which_functions_each_format_has(name: str) -> None:
    renderer = RENDERERS[name]
    module = importlib.import_module(f"yiyang_rules.render.{renderer.module}")
    assert renderer.render is module.render
    assert renderer.streaming == hasattr(module, "render_one")
    assert (renderer.render_one is None) != hasattr(module, "render_one")
    assert (renderer.render_summary is None) != hasattr(module, "render_summary")


@pytest.mark.parametrize("name", yiyang_rules.__all__)
def test_every_public_name_is_importable(name: str) -> None:
    assert getattr(yiyang_rules, name) is not None
    assert name in dir(yiyang_rules)


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError):
        _ = yiyang_rules.NoSuchThing  # type: ignore[attr-defined]


# --- What imports pydantic (issue 9): a JSON check and Engine.check_json import none of pydantic,
# its companions, typer, rich or PyYAML. Pydantic validates rule files and builds the Report model;
# the cached check path needs neither.

_HEAVY = ("pydantic", "pydantic_core", "annotated_types", "typer", "click", "rich", "yaml")

_WHO_IMPORTS = """
import builtins, json, sys
heavy = set(sys.argv[1].split(","))
importers = {}
plain_import = builtins.__import__

def noting(name, globals=None, locals=None, fromlist=(), level=0):
    top = name.split(".")[0]
    if level == 0 and top in heavy and globals is not None:
        importer = globals.get("__name__") or ""
        if importer.startswith("yiyang_rules"):
            importers.setdefault(importer, set()).add(top)
    return plain_import(name, globals, locals, fromlist, level)

builtins.__import__ = noting
what, target = sys.argv[2], sys.argv[3]
if what == "cli":
    sys.argv = ["yiyang", "check", target, "--format", "json", "-o", sys.argv[4]]
    from yiyang_rules.cli.entry import main
    try:
        main()
    except SystemExit:
        pass
else:
    from yiyang_rules.engine import Engine
    assert Engine.load().check_json(target).startswith(b'{"report_version":"1"')
print(json.dumps({
    "importers": {k: sorted(v) for k, v in importers.items()},
    "loaded": sorted(m for m in sys.modules if m.split(".")[0] in heavy),
}))
"""


def _who_imports(*args: str) -> dict[str, Any]:
    command = [sys.executable, "-c", _WHO_IMPORTS, ",".join(_HEAVY), *args]
    subprocess.run(command, capture_output=True, text=True, check=True)  # fills the session's cache
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    found: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def _modules_importing_pydantic(found: dict[str, Any]) -> list[str]:
    return sorted(found["importers"])


def _jsonl(tmp_path: Any) -> str:
    batch = tmp_path / "batch.jsonl"
    line = json.dumps(json.loads(SAMPLE.read_text(encoding="utf-8")), ensure_ascii=False)
    batch.write_text(line + "\n" + line + "\n", encoding="utf-8")
    return str(batch)


@pytest.mark.parametrize("jsonl", [False, True], ids=["json", "jsonl"])
def test_a_json_check_imports_no_pydantic(tmp_path: Any, jsonl: bool) -> None:
    target = _jsonl(tmp_path) if jsonl else str(SAMPLE)
    output = tmp_path / "out.jsonl"
    found = _who_imports("cli", target, str(output))
    assert output.read_text(encoding="utf-8").startswith('{"report_version":"1"')
    importers = _modules_importing_pydantic(found)
    assert importers == []
    assert found["loaded"] == []


def test_check_json_imports_no_pydantic() -> None:
    found = _who_imports("library", str(SAMPLE))
    importers = _modules_importing_pydantic(found)
    assert importers == []
    assert found["loaded"] == []


def test_the_import_watch_sees_an_import_of_pydantic() -> None:
    # The watch above must be able to fail: the report model path imports pydantic from report.py.
    code = _WHO_IMPORTS.replace('check_json(target).startswith(b\'{"report_version":"1"\')', "check(target)")
    command = [sys.executable, "-c", code, ",".join(_HEAVY), "library", str(SAMPLE)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    importers = json.loads(done.stdout.strip().splitlines()[-1])["importers"]
    assert "yiyang_rules.report" in importers
