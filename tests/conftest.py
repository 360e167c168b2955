"""Builders shared by the engine tests.

Check kinds are tested as pure functions: a ``Schedule`` of ``ScheduledVersion``s carrying the kind's
``Params``, and a ``SnapshotView`` of a snapshot parsed through ``yiyang_rules.engine.to_facts``
(so the strict input rules apply to test data too). The builders are plain functions, handed to
tests through the session-scoped ``build`` fixture (session scope keeps them usable from
hypothesis tests).
"""

from __future__ import annotations

import copy
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from yiyang_rules.checks.base import CheckParams, Schedule, ScheduledVersion, SnapshotView
from yiyang_rules.engine import to_facts, to_snapshot
from yiyang_rules.examples import merge
from yiyang_rules.snapshot import Snapshot

# The compiled-catalog cache is on by default; the test session (and every command it starts, which
# inherits the environment) keeps its entries in a folder of its own, never in the user's
# ~/.cache. A test that sets YIYANG_CACHE_DIR or YIYANG_NO_CACHE itself (monkeypatch) wins.
_SESSION_CACHE = tempfile.mkdtemp(prefix="yiyang-test-cache-")
os.environ["YIYANG_CACHE_DIR"] = _SESSION_CACHE


@pytest.fixture(scope="session", autouse=True)
def _session_catalog_cache() -> Iterator[None]:
    yield
    shutil.rmtree(_SESSION_CACHE, ignore_errors=True)


DEFAULT_AS_OF = "2026-07-15"

# The least a snapshot must say: no optional section at all, so every fact is unknown.
MINIMAL: dict[str, Any] = {
    "schema_version": "1",
    "period": {"start": "2026-01-01", "end": "2026-06-30"},
    "institution": {
        "id": "TEST-0001",
        "name": "测试颐养院",
        "province": "hebei",
        "kinds": ["elderly_care"],
    },
}

# A 医养结合机构 (国卫办老龄发〔2025〕29号 (三)): clinic filing plus elderly-care filing.
YIYANG_QUALIFICATIONS: dict[str, bool] = {
    "medical_practice_license": False,
    "clinic_filing": True,
    "elderly_care_filing": True,
    "business_scope_includes_elderly_care": True,
}


def as_date(value: str | date) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def snapshot_dict(patch: dict[str, Any] | None = None, **sections: Any) -> dict[str, Any]:
    """``MINIMAL`` with ``patch`` merged in; keyword sections replace top-level keys outright."""
    data: dict[str, Any] = merge(MINIMAL, patch or {})
    for key, value in sections.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = copy.deepcopy(value)
    return data


def snapshot(patch: dict[str, Any] | None = None, **sections: Any) -> Snapshot:
    return to_snapshot(snapshot_dict(patch, **sections))


def view(patch: dict[str, Any] | None = None, as_of: str | date = DEFAULT_AS_OF, **sections: Any) -> SnapshotView:
    return SnapshotView.of(to_facts(snapshot_dict(patch, **sections)), as_date(as_of))


def version(
    params: CheckParams, start: str | date = "2020-01-01", until: str | date | None = None, name: str = "1.0.0"
) -> ScheduledVersion[Any]:
    return ScheduledVersion(name, as_date(start), None if until is None else as_date(until), params)


def schedule(*items: CheckParams | ScheduledVersion[Any]) -> Schedule[Any]:
    """Bare params become one open-ended version in force since 2020-01-01."""
    return Schedule(tuple(item if isinstance(item, ScheduledVersion) else version(item) for item in items))


@dataclass(frozen=True)
class Builders:
    minimal: dict[str, Any]
    yiyang_qualifications: dict[str, bool]

    d = staticmethod(as_date)
    merge = staticmethod(merge)
    snapshot_dict = staticmethod(snapshot_dict)
    snapshot = staticmethod(snapshot)
    view = staticmethod(view)
    version = staticmethod(version)
    schedule = staticmethod(schedule)


@pytest.fixture(scope="session")
def build() -> Builders:
    return Builders(copy.deepcopy(MINIMAL), dict(YIYANG_QUALIFICATIONS))
