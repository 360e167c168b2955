"""Exemptions in a request: ``?exemptions=envelope`` makes the body of ``POST /v1/check`` (and each
line of ``POST /v1/check/batch``) an envelope ``{"snapshot": {...}, "exemptions": [...]}``.

Each entry of ``exemptions`` has exactly the keys of an exemptions file (rule, institution, unit,
reason, approved_by, document, granted, expires) and is validated by the same code as the file
(:func:`yiyang_rules.exemptions.validate_entry`); the report gets the same fields as
``yiyang check --exemptions FILE``. Without the flag the body is the bare snapshot, as before, so
existing callers are unchanged. An envelope rather than a header or a query value: a list of
approvals can be long (a header or a URL has a small limit), and a Java client builds one JSON body
with the library it already uses for the snapshot.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import date
from typing import Any, Literal

from ..engine import Engine
from ..errors import InputError, InputProblem
from ..exemptions import DEFAULT_MAX_MONTHS, Exemption, apply_exemptions, validate_entry
from ..report import Report

# The value of the ``exemptions`` query parameter that selects the envelope; the only one.
ENVELOPE = "envelope"
ENVELOPE_KEYS = ("snapshot", "exemptions")

EnvelopeCode = Literal["invalid_exemptions", "invalid_snapshot"]


class EnvelopeError(Exception):
    """The envelope or its exemptions are wrong (``invalid_exemptions``), or the snapshot inside it
    is (``invalid_snapshot``, paths under ``snapshot.``)."""

    def __init__(self, code: EnvelopeCode, problems: list[InputProblem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.code: EnvelopeCode = code
        self.problems = problems


def _problem(path: str, en: str, zh: str) -> InputProblem:
    return InputProblem(path, en, zh)


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise ValueError(f"duplicate key {key!r}")
        seen[key] = value
    return seen


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")  # Python's json would accept NaN and Infinity


def _decode(body: bytes) -> dict[str, Any]:
    def bad(en: str, zh: str) -> EnvelopeError:
        return EnvelopeError("invalid_exemptions", [_problem("", en, zh)])

    try:
        text = body.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        raise bad("the body is not UTF-8 text", "请求体不是 UTF-8 文本") from None
    if not text.strip():
        raise bad(
            'the body is empty; with ?exemptions=envelope it is {"snapshot": {...}, "exemptions": [...]}',
            '请求体为空；使用 ?exemptions=envelope 时请求体为 {"snapshot": {...}, "exemptions": [...]}',
        )
    try:
        data = json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_no_constant)
    except RecursionError:
        raise bad("the body is nested too deeply", "请求体嵌套过深") from None
    except ValueError as exc:  # JSONDecodeError is a ValueError, as is a duplicate key
        raise bad(f"the body is not valid JSON: {exc}", f"请求体不是有效的 JSON：{exc}") from None
    if not isinstance(data, dict):
        raise bad(
            'with ?exemptions=envelope the body is an object {"snapshot": {...}, "exemptions": [...]}',
            '使用 ?exemptions=envelope 时请求体为对象 {"snapshot": {...}, "exemptions": [...]}',
        )
    problems = [
        _problem(
            key,
            "unknown key; the envelope has only snapshot and exemptions",
            "未知的键；信封只有 snapshot 和 exemptions",
        )
        for key in data
        if key not in ENVELOPE_KEYS
    ]
    problems += [_problem(key, "required key is missing", "缺少必需的键") for key in ENVELOPE_KEYS if key not in data]
    # Never a string: the engine would read a string that is not JSON as a file path.
    if "snapshot" in data and not isinstance(data["snapshot"], dict):
        problems.append(_problem("snapshot", "must be an object (the snapshot)", "必须是对象（快照）"))
    if "exemptions" in data and not isinstance(data["exemptions"], list):
        problems.append(_problem("exemptions", "must be a list (it may be empty)", "必须是列表（可以为空）"))
    if problems:
        raise EnvelopeError("invalid_exemptions", problems)
    return data


def _split(message: str, label: str) -> tuple[str, str]:
    """``exemptions[0].expires: text`` (as :func:`validate_entry` words it) into path and text."""
    if message.startswith(label):
        path, sep, text = message.partition(": ")
        if sep:
            return path, text
    return label, message


def parse_exemption_list(
    entries: list[Any], known_rules: Collection[str], max_months: int, source: str
) -> tuple[Exemption, ...]:
    """Every entry validated as an entry of the exemptions file; every problem collected."""
    problems: list[InputProblem] = []
    found: list[Exemption] = []
    for index, raw in enumerate(entries):
        label = f"exemptions[{index}]"
        # The approval's ``source`` in the report: the request (and batch line) and the entry's index.
        where = f"{source}:{label}"
        locate = lambda loc, where=where: (where, None)  # noqa: E731 - one line, bound per entry
        exemption, entry_problems = validate_entry(raw, label, locate, known_rules, max_months)
        for item in entry_problems:
            path, text = _split(item.message, label)
            problems.append(_problem(path, text, f"豁免条目有误：{text}"))
        if exemption is not None and not entry_problems:
            found.append(exemption)
    if problems:
        raise EnvelopeError("invalid_exemptions", problems)
    return tuple(found)


def check_envelope(
    engine: Engine,
    body: bytes,
    as_of: date | None,
    source: str,
    max_months: int = DEFAULT_MAX_MONTHS,
) -> Report:
    """The report of the envelope's snapshot with its exemptions applied, as ``yiyang check
    --exemptions FILE`` gives it. Every exemption must name the snapshot's institution: one for
    another institution would match nothing here, and is refused rather than dropped."""
    data = _decode(body)
    known = engine.rule_ids
    exemptions = parse_exemption_list(data["exemptions"], known, max_months, source)
    try:
        report = engine.check(data["snapshot"], as_of=as_of, source=source)
    except InputError as exc:
        inside = [_problem(f"snapshot.{p.path}" if p.path else "snapshot", p.en, p.zh) for p in exc.problems]
        raise EnvelopeError("invalid_snapshot", inside) from None
    institution = report.institution.id
    strangers = [
        _problem(
            f"exemptions[{index}].institution",
            f"{x.entry.institution!r} is not the snapshot's institution {institution!r}",
            f"{x.entry.institution!r} 不是快照中的机构 {institution!r}",
        )
        for index, x in enumerate(exemptions)
        if x.entry.institution != institution
    ]
    if strangers:
        raise EnvelopeError("invalid_exemptions", strangers)
    return apply_exemptions(report, exemptions)
