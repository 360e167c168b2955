"""The plan as an iCalendar file (RFC 5545) that calendar apps can import or subscribe to.

One all-day ``VEVENT`` per item with a day to keep (``due``): the rule's title and the task in the
summary, the citation in the description, and a ``VALARM`` reminder a few days before (on the day
itself for an item already overdue, which is placed on ``as_of``). UIDs are derived from the
institution, rule, item kind and unit, so a re-generated calendar updates the same events instead
of adding copies.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

from ..localtime import SHANGHAI
from ..plan import Plan, PlanItem
from .labels import pick

REMINDER_DAYS = 3
_PRODID = "-//yiyang-rules//plan//ZH"


def _escape(text: str) -> str:
    for raw, escaped in (("\\", "\\\\"), (";", "\\;"), (",", "\\,"), ("\r\n", "\\n"), ("\n", "\\n")):
        text = text.replace(raw, escaped)
    return text


def _fold(line: str) -> str:
    """Lines of at most 75 octets, continued with CRLF and a space; never inside a UTF-8 character."""
    out: list[str] = []
    current = ""
    size = 0
    limit = 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            out.append(current)
            current, size, limit = " ", 1, 75
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def _uid(plan: Plan, item: PlanItem) -> str:
    key = "|".join((plan.institution.id, item.rule_id, item.kind, item.unit or "", item.due or ""))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32] + "@yiyang-rules"


def _stamp(plan: Plan) -> str:
    # Deterministic: the start of as_of in Asia/Shanghai, in UTC (a DTSTAMP must be a UTC date-time).
    day = date.fromisoformat(plan.as_of)
    start = datetime(day.year, day.month, day.day, tzinfo=SHANGHAI)
    return start.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _event(plan: Plan, item: PlanItem, lang: str) -> list[str]:
    assert item.due is not None
    overdue = item.state == "overdue"
    day = date.fromisoformat(plan.as_of if overdue else item.due)
    prefix = ("逾期：" if lang != "en" else "OVERDUE: ") if overdue else ""
    summary = f"{prefix}{pick(item.message, lang)}"
    cites = "; ".join(f"{c.document} {c.article}：{c.quote}" for c in item.citations)
    description = "\n".join(
        (
            f"{pick(item.title, lang)} [{item.rule_id} {item.rule_version or ''}]".rstrip(),
            f"{plan.institution.name} ({plan.institution.id})",
            cites,
        )
    )
    trigger = "PT0S" if overdue else f"-P{REMINDER_DAYS}D"
    return [
        "BEGIN:VEVENT",
        f"UID:{_uid(plan, item)}",
        f"DTSTAMP:{_stamp(plan)}",
        f"DTSTART;VALUE=DATE:{day.strftime('%Y%m%d')}",
        f"DTEND;VALUE=DATE:{(day + timedelta(days=1)).strftime('%Y%m%d')}",
        f"SUMMARY:{_escape(summary)}",
        f"DESCRIPTION:{_escape(description)}",
        f"CATEGORIES:{_escape(item.level.value)},{_escape(item.kind)}",
        "TRANSP:TRANSPARENT",
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        f"TRIGGER:{trigger}",
        f"DESCRIPTION:{_escape(summary)}",
        "END:VALARM",
        "END:VEVENT",
    ]


def render(plans: Iterable[Plan], lang: str = "zh") -> str:
    """One calendar for every plan of a run (a batch gives one calendar for all institutions)."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{_PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_escape('医养结合合规计划' if lang != 'en' else 'Compliance plan')}",
    ]
    for plan in plans:
        for item in plan.items:
            if item.due is not None and item.state in ("due", "overdue"):
                lines.extend(_event(plan, item, lang))
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)
