"""Start-up (issue 9): ``yiyang check FILE --format json`` imports only what checking needs, and the
lazy parts (the renderer registry, the package's public names) still behave as before."""

from __future__ import annotations

import importlib
import subprocess
import sys

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
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
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
)


def _modules_of_a_check(*extra: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, *extra, "-c", _RUN_CHECK, str(SAMPLE)], capture_output=True, text=True, check=False
    )
    import json  # noqa: PLC0415

    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def test_a_json_check_imports_no_renderer_workbook_server_or_heavy_library() -> None:
    modules = _modules_of_a_check()
    loaded = sorted(m for m in modules if m.startswith(NOT_ON_THE_CHECK_PATH))
    assert loaded == []
    assert "yiyang_rules.render.json_lines" in modules  # the format it does use


def test_a_cached_start_reads_no_yaml() -> None:
    _modules_of_a_check()  # fills the session's cache
    assert "yaml" not in _modules_of_a_check()


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
