"""Status names and marks shared by the human-readable renderers."""

from __future__ import annotations

from ..checks.base import Status
from ..report import Text

STATUS_TEXT: dict[Status, Text] = {
    Status.COMPLIANT: Text(zh="合规", en="compliant"),
    Status.NON_COMPLIANT: Text(zh="不合规", en="non-compliant"),
    Status.INSUFFICIENT_DATA: Text(zh="数据不足", en="insufficient data"),
    Status.NOT_APPLICABLE: Text(zh="不适用", en="not applicable"),
}

STATUS_MARK: dict[Status, str] = {
    Status.COMPLIANT: "✓",
    Status.NON_COMPLIANT: "✗",
    Status.INSUFFICIENT_DATA: "?",
    Status.NOT_APPLICABLE: "-",
}

# Violations first, then what needs data, then the rest.
STATUS_ORDER: dict[Status, int] = {
    Status.NON_COMPLIANT: 0,
    Status.INSUFFICIENT_DATA: 1,
    Status.COMPLIANT: 2,
    Status.NOT_APPLICABLE: 3,
}

LEVEL_TEXT: dict[str, Text] = {
    "mandatory": Text(zh="强制", en="mandatory"),
    "recommended": Text(zh="倡导", en="recommended"),
}


def pick(text: Text, lang: str) -> str:
    return text.en if lang == "en" else text.zh
