"""Rule examples: small snapshots that a rule must judge as stated, run by ``rules validate`` and
collected by pytest (``pytest -k <rule-id>``).

An example's ``snapshot`` is merged onto ``BASE_EXAMPLE``: maps merge key by key, lists replace,
and ``null`` removes a key (to make a fact unknown). Examples of a province file run under that
province; national examples run in a province with no overlay (Hebei), i.e. national rules alone.
"""

from __future__ import annotations

import copy
from typing import Any

BASE_EXAMPLE: dict[str, Any] = {
    "schema_version": "1",
    "as_of": "2026-07-15",
    "period": {"start": "2026-01-01", "end": "2026-06-30"},
    "institution": {
        "id": "EXAMPLE-0001",
        "name": "示例颐养院",
        "province": "hebei",
        "kinds": ["elderly_care"],
        "qualifications": {
            "medical_practice_license": False,
            "clinic_filing": True,
            "elderly_care_filing": True,
            "business_scope_includes_elderly_care": True,
        },
    },
}

NATIONAL_EXAMPLE_PROVINCE = "hebei"


def merge(base: Any, patch: Any) -> Any:
    if isinstance(base, dict) and isinstance(patch, dict):
        merged = dict(base)
        for key, value in patch.items():
            if value is None:
                merged.pop(key, None)
            elif key in merged:
                merged[key] = merge(merged[key], value)
            else:
                merged[key] = copy.deepcopy(value)
        return merged
    return copy.deepcopy(patch)


def example_snapshot(
    patch: dict[str, Any], layer: str, as_of: Any = None, region_code: str | None = None
) -> dict[str, Any]:
    """The base example with ``patch`` merged onto it, located in ``layer``: a province layer by its
    name, an area layer (a city) by its ``region_code``."""
    if region_code is not None:
        location: dict[str, Any] = {"province": None, "region_code": region_code}
    else:
        location = {"province": NATIONAL_EXAMPLE_PROVINCE if layer == "national" else layer}
    base = merge(BASE_EXAMPLE, {"institution": location})
    snapshot: dict[str, Any] = merge(base, patch)
    if as_of is not None:
        snapshot["as_of"] = as_of
    return snapshot
