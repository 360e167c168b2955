"""yiyang-rules: China's 医养结合 policy documents as versioned, cited, machine-checkable rules.

>>> from yiyang_rules import Engine
>>> engine = Engine.load()                 # compile the bundled rules once
>>> report = engine.check("snapshot.json") # doctest: +SKIP
"""

from ._version import __version__
from .catalog import Catalog, CompiledRule
from .checks.base import Status
from .engine import Engine, evaluate, parse_facts, parse_snapshot, to_facts, to_snapshot
from .errors import InputError, JurisdictionError, RuleCatalogError, YiyangError
from .facts import Facts
from .report import Finding, Report
from .snapshot import Snapshot

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
