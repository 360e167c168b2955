"""Layers: the core (models, catalog, checks, engine) never imports the CLI or the renderers, and
importing the library registers nothing and reads no file."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from yiyang_rules.render import RENDERERS

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "yiyang_rules"
OUTER = {"cli", "render", "server"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:  # relative: resolve against the file's package
                parts = path.relative_to(PACKAGE).parent.parts
                base = parts[: len(parts) - (node.level - 1)] if node.level > 1 else parts
                module = ".".join((*base, module)) if module else ".".join(base)
            found.add(module.removeprefix("yiyang_rules."))
        elif isinstance(node, ast.Import):
            found.update(alias.name.removeprefix("yiyang_rules.") for alias in node.names)
    return found


def test_the_core_never_imports_the_cli_the_renderers_or_the_server() -> None:
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        top = path.relative_to(PACKAGE).parts[0]
        if top in OUTER or path.name == "__main__.py":
            continue
        bad = {m for m in _imports(path) if m.split(".")[0] in OUTER}
        if bad:
            offenders.append(f"{path.relative_to(PACKAGE)} imports {sorted(bad)}")
    assert offenders == []


def test_importing_the_library_loads_no_cli_renderer_or_rule_file() -> None:
    code = (
        "import sys, yiyang_rules, yiyang_rules.engine;"
        "outer = ('yiyang_rules.cli', 'yiyang_rules.render', 'yiyang_rules.server',"
        " 'typer', 'rich', 'starlette', 'uvicorn');"
        "print(sorted(m for m in sys.modules if m.startswith(outer)))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_renderers_are_a_registry_of_render_functions() -> None:
    assert {"table", "json", "markdown", "sarif"} <= set(RENDERERS)
    assert all(callable(r.render) for r in RENDERERS.values())


def test_the_server_is_an_outer_layer_over_the_core() -> None:
    """The service uses the engine and the report, like the CLI does, but never the CLI itself."""
    offenders = []
    for path in (PACKAGE / "server").rglob("*.py"):
        bad = {m for m in _imports(path) if m.split(".")[0] == "cli"}
        if bad:
            offenders.append(f"{path.relative_to(PACKAGE)} imports {sorted(bad)}")
    assert offenders == []
    assert {"engine", "report"} <= {m for p in (PACKAGE / "server").rglob("*.py") for m in _imports(p)}
