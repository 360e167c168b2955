"""yiyang-rules: China's 医养结合 policy documents as versioned, cited, machine-checkable rules.

>>> from yiyang_rules import Engine
>>> engine = Engine.load()                 # compile the bundled rules once
>>> report = engine.check("snapshot.json") # doctest: +SKIP

The public names are imported when first used (PEP 562), so ``import yiyang_rules.cli.app`` or a
worker process pays only for the modules it needs.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:
    from .catalog import Catalog, CompiledRule
    from .checks.base import Status
    from .engine import Engine, evaluate, parse_facts, parse_snapshot, to_facts, to_snapshot
    from .errors import InputError, JurisdictionError, RuleCatalogError, YiyangError
    from .facts import Facts
    from .report import Finding, Report
    from .snapshot import Snapshot

# public name -> the module that defines it
_LAZY: dict[str, str] = {
    "Catalog": "catalog",
    "CompiledRule": "catalog",
    "Status": "checks.base",
    "Engine": "engine",
    "evaluate": "engine",
    "parse_facts": "engine",
    "to_facts": "engine",
    "Facts": "facts",
    "parse_snapshot": "engine",
    "to_snapshot": "engine",
    "InputError": "errors",
    "JurisdictionError": "errors",
    "RuleCatalogError": "errors",
    "YiyangError": "errors",
    "Finding": "report",
    "Report": "report",
    "Snapshot": "snapshot",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


__all__ = [
    "Catalog",
    "CompiledRule",
    "Engine",
    "Facts",
    "Finding",
    "InputError",
    "JurisdictionError",
    "Report",
    "RuleCatalogError",
    "Snapshot",
    "Status",
    "YiyangError",
    "__version__",
    "evaluate",
    "parse_facts",
    "parse_snapshot",
    "to_facts",
    "to_snapshot",
]
