"""From the bytes of a snapshot file to checked JSON text, before any model sees it.

Two jobs, both shared by the library and the command line (``Engine.check(bytes | path)`` and
``yiyang check`` go through here alike):

- *decode*: UTF-8, with or without a byte-order mark. Files as Chinese users' tools really save them
  — GB18030/GBK from a Chinese Windows, UTF-16 from Notepad or Excel's "Unicode text" — are
  recognised and refused with a message that says what the file is and how to convert it, instead of
  "not valid JSON".
- *scan*: one pass of the standard JSON parser that keeps nothing of the document (every object is
  replaced by its nesting height as soon as it is read, so memory stays small whatever the size)
  and finds what pydantic's parser would let through or cannot place: duplicate keys, nesting deeper
  than the limit, integers too large for a 64-bit number, ``NaN``/``Infinity`` — each with its field
  path.

The limits themselves (size, depth, window length) are :class:`Limits`: documented defaults,
overridable per engine or per call, and by environment variables.
"""

from __future__ import annotations

import codecs
import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

import msgspec

from .errors import InputError, InputProblem, SettingsError, format_loc
from .facts import Facts

if TYPE_CHECKING:
    from .snapshot import Snapshot

# ---------------------------------------------------------------------------------------------
# Limits


@dataclass(frozen=True)
class Limits:
    """Ceilings on one input, so that a hostile or mistaken file is refused with a clear message
    instead of exhausting memory. Each has an environment variable that overrides its default
    (read when :meth:`from_env` runs, i.e. when an engine is loaded without explicit limits).

    - ``max_snapshot_bytes`` (``YIYANG_MAX_SNAPSHOT_BYTES``, default 64 MB): the size of one
      snapshot's JSON. Checking takes about eight times the size in memory (bench/README.md).
    - ``max_depth`` (``YIYANG_MAX_DEPTH``, default 64): how deeply objects and arrays may nest,
      ``extensions`` included. A snapshot itself needs five levels.
    - ``max_window_years`` (``YIYANG_MAX_WINDOW_YEARS``, default 100): the longest ``period``
      window. A report lists every calendar period of the window for each periodic rule, so its
      size grows with the window: 100 years is about 350 KB of JSON, 8,000 years 27 MB.
    """

    max_snapshot_bytes: int = 64_000_000
    max_depth: int = 64
    max_window_years: int = 100

    ENV: ClassVar[dict[str, str]] = {
        "max_snapshot_bytes": "YIYANG_MAX_SNAPSHOT_BYTES",
        "max_depth": "YIYANG_MAX_DEPTH",
        "max_window_years": "YIYANG_MAX_WINDOW_YEARS",
    }

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise SettingsError(f"Limits.{item.name} must be a positive whole number, not {value!r}")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Limits:
        """The defaults, each overridden by its environment variable when that is set."""
        env = os.environ if environ is None else environ
        values: dict[str, int] = {}
        for name, variable in cls.ENV.items():
            text = env.get(variable, "").strip()
            if text:
                try:
                    values[name] = int(text)
                except ValueError:
                    raise SettingsError(f"environment variable {variable}={text!r} is not a whole number") from None
                if values[name] <= 0:
                    raise SettingsError(f"environment variable {variable}={text!r} must be a positive whole number")
        return cls(**values)


# ---------------------------------------------------------------------------------------------
# Decoding

_CONVERT_EN = (
    "save it as UTF-8 (WPS/Excel/Notepad: Save As, encoding UTF-8) "
    "or convert it: iconv -f {enc} -t UTF-8 {name} > out.json"
)
_CONVERT_ZH = (
    "请另存为 UTF-8 编码（WPS/Excel/记事本：另存为，编码选 UTF-8），或转换：iconv -f {enc} -t UTF-8 {name} > out.json"
)


def _wrong_encoding(source: str, what_en: str, what_zh: str, iconv_name: str) -> InputError:
    name = source if source and not source.startswith("<") else "FILE"
    return InputError(
        source,
        [
            InputProblem(
                "",
                f"the file is {what_en}, not UTF-8: " + _CONVERT_EN.format(enc=iconv_name, name=name),
                f"文件编码是 {what_zh}，不是 UTF-8：" + _CONVERT_ZH.format(enc=iconv_name, name=name),
            )
        ],
    )


def _utf16_without_bom(data: bytes) -> str | None:
    """'LE' or 'BE' when the text looks like UTF-16 without a byte-order mark: JSON starts with an
    ASCII character, so one of its first two bytes is NUL."""
    head = data[:64]
    if len(head) < 2 or b"\x00" not in head:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) >= len(odd) // 2 and even.count(0) == 0:
        return "LE"
    if even.count(0) >= len(even) // 2 and odd.count(0) == 0:
        return "BE"
    return None


def check_encoding(data: bytes, source: str) -> bytes:
    """The bytes of UTF-8 JSON, a UTF-8 byte-order mark dropped. A byte-order mark or the NUL bytes
    of UTF-16/32 are refused here, cheaply; whether the rest is valid UTF-8 is found while parsing
    (see :func:`explain_undecodable`), so a large file is not decoded one extra time."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :]
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise _wrong_encoding(source, "UTF-32 (with a byte-order mark)", "UTF-32（带 BOM）", "UTF-32")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        marked = "LE" if data.startswith(codecs.BOM_UTF16_LE) else "BE"
        raise _wrong_encoding(
            source,
            f"UTF-16 {marked} (with a byte-order mark; what Notepad and Excel call 'Unicode')",
            f"UTF-16 {marked}（带 BOM，记事本和 Excel 所称的“Unicode”）",
            "UTF-16",
        )
    if (order := _utf16_without_bom(data)) is not None:
        raise _wrong_encoding(
            source, f"UTF-16 {order} (without a byte-order mark)", f"UTF-16 {order}（无 BOM）", f"UTF-16{order}"
        )
    return data


def explain_undecodable(data: bytes, source: str, bad: int) -> InputError:
    """Why bytes that are not UTF-8 (the first bad byte at ``bad``) cannot be read: GB18030/GBK
    text, with how to convert it, or where the first unreadable byte is."""
    try:
        data.decode("gb18030")
    except UnicodeDecodeError:
        line = data.count(b"\n", 0, bad) + 1
        column = bad - (data.rfind(b"\n", 0, bad) + 1) + 1
        return InputError(
            source,
            [
                InputProblem(
                    "",
                    f"not UTF-8 text: byte 0x{data[bad]:02x} at line {line} column {column} "
                    "cannot be read; save the file as UTF-8",
                    f"不是 UTF-8 文本：第 {line} 行第 {column} 列的字节 0x{data[bad]:02x} 无法读取；"
                    "请另存为 UTF-8 编码",
                )
            ],
        )
    return _wrong_encoding(
        source, "in GB18030/GBK (the Chinese Windows encoding)", "GB18030/GBK（中文 Windows 默认编码）", "GB18030"
    )


# ---------------------------------------------------------------------------------------------
# Scanning

MAX_INTEGER = 2**63 - 1  # what a Java long, a database BIGINT and most JSON readers hold
# One input with thousands of faults gets the first hundred and a count of the rest: the list
# stays readable, and nothing is dropped without saying so.
MAX_PROBLEMS = 100


# The largest integer a snapshot's own fields accept; inside ``extensions`` (free-form) integers up
# to MAX_DIGITS digits are kept as they are.
MAX_DIGITS = 4300  # Python's own limit for reading an integer from text

_SOFT = "soft"  # a problem that does not apply inside ``extensions``
_HARD = "hard"
_DEPTH = "depth"  # hard, and reported once: at the node where nesting first passes the limit


class _Flaw:
    """Problems found below a node (each path built leaf first, reversed at the end), and the
    node's nesting height, so that problems that ``extensions`` forgives can be dropped."""

    __slots__ = ("height", "items", "more")

    def __init__(self, items: list[tuple[list[str | int], str, str, str]], height: int = 0) -> None:
        self.items = items
        self.height = height
        self.more = 0  # problems found but not kept (past MAX_PROBLEMS)

    def under(self, step: str | int) -> _Flaw:
        for path, *_rest in self.items:
            path.append(step)
        return self

    def forgiven(self) -> _Flaw | None:
        """This flaw as found inside ``extensions``: None when nothing is left."""
        kept = [item for item in self.items if item[3] != _SOFT]
        if not kept:
            return None
        self.items = kept
        return self


def _huge_number(text: str, severity: str) -> _Flaw:
    digits = text.lstrip("-")
    largest = MAX_INTEGER if severity == _SOFT else f"{MAX_DIGITS} digits"
    return _Flaw(
        [
            (
                [],
                f"the number {digits[:12]}… ({len(digits)} digits) is too large; the largest accepted is {largest}",
                f"数字 {digits[:12]}…（{len(digits)} 位）过大；最大可接受 {largest}",
                severity,
            )
        ]
    )


def _parse_int(text: str) -> Any:
    # Length first: int() of a very long digit string is itself slow (and refused past 4,300 digits).
    if len(text) > MAX_DIGITS:
        return _huge_number(text, _HARD)
    if len(text) > 18 and abs(int(text)) > MAX_INTEGER:
        return _huge_number(text, _SOFT)
    return None


def _parse_constant(text: str) -> _Flaw:
    return _Flaw([([], f"{text} is not a JSON number", f"{text} 不是 JSON 允许的数值", _HARD)])


def _too_deep(limit: int) -> _Flaw:
    return _Flaw(
        [
            (
                [],
                f"nested deeper than {limit} levels of objects and arrays (the limit is YIYANG_MAX_DEPTH)",
                f"对象和数组嵌套超过 {limit} 层（上限见 YIYANG_MAX_DEPTH）",
                _DEPTH,
            )
        ]
    )


def _reports_depth(flaws: list[_Flaw]) -> bool:
    return any(item[3] == _DEPTH for flaw in flaws for item in flaw.items)


def _merge(flaws: list[_Flaw], height: int) -> _Flaw:
    items = [item for flaw in flaws for item in flaw.items]
    merged = _Flaw(items[:MAX_PROBLEMS], height)
    merged.more = sum(flaw.more for flaw in flaws) + max(0, len(items) - MAX_PROBLEMS)
    return merged


def _list_height(values: list[Any], limit: int) -> int | _Flaw:
    """The nesting height of a parsed array whose objects are already heights or flaws; iterative,
    so an array nested a thousand times deep does not exhaust the stack."""
    flaws: list[_Flaw] = []
    best = 1
    # (list, index path from ``values``, height of this list counting from 1)
    stack: list[tuple[list[Any], tuple[int, ...], int]] = [(values, (), 1)]
    while stack:
        current, where, height = stack.pop()
        best = max(best, height)
        for index, item in enumerate(current):
            if item is None or item.__class__ in (str, bool, float):
                continue
            if item.__class__ is int:  # an object's height
                best = max(best, height + item)
            elif item.__class__ is list:
                stack.append((item, (*where, index), height + 1))
            elif isinstance(item, _Flaw):
                best = max(best, height + item.height)
                for step in reversed((*where, index)):
                    item.under(step)
                flaws.append(item)
    if best > limit and not _reports_depth(flaws):
        flaws.append(_too_deep(limit))
    if flaws:
        return _merge(flaws, best)
    return best


def _object_hook(limit: int) -> Any:
    def hook(pairs: list[tuple[str, Any]]) -> int | _Flaw:
        seen: set[str] = set()
        flaws: list[_Flaw] = []
        height = 1
        for key, value in pairs:
            if key in seen:
                flaws.append(
                    _Flaw(
                        [
                            (
                                [key],
                                f"duplicate key {key!r}: a JSON object may name a key only once",
                                f"键 {key!r} 重复：同一个 JSON 对象中每个键只能出现一次",
                                _HARD,
                            )
                        ]
                    )
                )
                continue
            seen.add(key)
            if value is None or value.__class__ in (str, bool, float):
                continue
            if value.__class__ is int:
                height = max(height, value + 1)
                continue
            measured = _list_height(value, limit) if value.__class__ is list else value
            if measured.__class__ is int:
                height = max(height, measured + 1)
                continue
            if isinstance(measured, _Flaw):
                height = max(height, measured.height + 1)
                kept = measured.forgiven() if key == "extensions" else measured
                if kept is not None:
                    flaws.append(kept.under(key))
        if height > limit and not _reports_depth(flaws):
            flaws.append(_too_deep(limit))
        if flaws:
            return _merge(flaws, height)
        return height

    return hook


_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def _deepest_point(text: str, limit: int) -> tuple[int, int]:
    """Line and column where nesting first passes ``limit`` (only used when the parser's own stack
    gave out first, so speed matters less than not recursing)."""
    depth = 0
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > limit:
                start = match.start()
                return text.count("\n", 0, start) + 1, start - (text.rfind("\n", 0, start) + 1) + 1
        elif token in "]}":
            depth -= 1
    return 1, 1


def more_problems(count: int) -> InputProblem:
    """The line that stands for problems past the first MAX_PROBLEMS."""
    return InputProblem(
        "",
        f"… and {count:,} more problems; the first {MAX_PROBLEMS} are listed",
        f"……另有 {count:,} 处问题；以上仅列出前 {MAX_PROBLEMS} 处",
    )


def capped(problems: list[InputProblem], more: int = 0) -> list[InputProblem]:
    """At most MAX_PROBLEMS problems, then one line counting the rest."""
    extra = more + max(0, len(problems) - MAX_PROBLEMS)
    kept = problems[:MAX_PROBLEMS]
    return [*kept, more_problems(extra)] if extra else kept


def _problems(flaw: _Flaw) -> list[InputProblem]:
    listed = [InputProblem(format_loc(list(reversed(path))) or "(top level)", en, zh) for path, en, zh, _ in flaw.items]
    return capped(listed, flaw.more)


def scan_json(text: str | bytes, source: str, limits: Limits) -> None:
    """Raise :class:`InputError` for what the model's parser would accept or cannot place: invalid
    JSON (with line and column), duplicate keys, too deep nesting, too large integers, NaN."""
    try:
        result = json.loads(
            text,
            object_pairs_hook=_object_hook(limits.max_depth),
            parse_int=_parse_int,
            parse_float=lambda _text: None,
            parse_constant=_parse_constant,
        )
    except UnicodeDecodeError as exc:
        assert isinstance(text, bytes)
        raise explain_undecodable(text, source, exc.start) from None
    except RecursionError:
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        line, column = _deepest_point(text, limits.max_depth)
        flaw = _too_deep(limits.max_depth)
        _path, en, zh, _severity = flaw.items[0]
        where = f"line {line} column {column}"
        raise InputError(source, [InputProblem(where, en, f"第 {line} 行第 {column} 列：{zh}")]) from None
    except json.JSONDecodeError as exc:
        raise InputError(
            source,
            [
                InputProblem(
                    "",
                    f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}",
                    f"不是有效的 JSON：第 {exc.lineno} 行第 {exc.colno} 列（{exc.msg}）",
                )
            ],
        ) from None
    if isinstance(result, list):
        result = _list_height(result, limits.max_depth)
    if isinstance(result, _Flaw):
        raise InputError(source, _problems(result))


EMPTY_INPUT = InputProblem("", "the input is empty: nothing to check", "输入为空：没有可检查的内容")


def too_large(source: str, size: int, limits: Limits) -> InputError:
    most = limits.max_snapshot_bytes
    return InputError(
        source,
        [
            InputProblem(
                "",
                f"the snapshot is {size:,} bytes, more than the limit of {most:,} (YIYANG_MAX_SNAPSHOT_BYTES)",
                f"快照大小 {size:,} 字节，超过上限 {most:,} 字节（YIYANG_MAX_SNAPSHOT_BYTES）",
            )
        ],
    )


def checked_text(data: str | bytes, source: str, limits: Limits) -> str | bytes:
    """The JSON text of a snapshot, its size, encoding and emptiness checked (a UTF-8 byte-order
    mark dropped): what both decoders read."""
    if len(data) > limits.max_snapshot_bytes:
        raise too_large(source, len(data), limits)
    text = check_encoding(data, source) if isinstance(data, bytes) else data.removeprefix("\ufeff")
    if not text.strip():
        raise InputError(source, [EMPTY_INPUT])
    return text


def validate_json(text: str | bytes, source: str, limits: Limits) -> Snapshot:
    """The pydantic model of checked text (:func:`checked_text`), or every problem as an
    :class:`InputError`: the reference path, whose messages are the contract's."""
    # One pass that keeps nothing (duplicate keys, depth, huge numbers), then pydantic's own parser
    # builds the model: the document never exists as a tree of Python dicts.
    scan_json(text, source, limits)
    # The pydantic model only here: the engine's fast decoder (facts_json.py) comes here for a
    # snapshot it refuses, so a valid snapshot is checked without importing pydantic.
    from pydantic import ValidationError  # noqa: PLC0415

    from .snapshot import Snapshot  # noqa: PLC0415

    try:
        return Snapshot.model_validate_json(text)
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_input=False)
        raise InputError(
            source,
            capped(
                [describe_validation_error(e) for e in errors[:MAX_PROBLEMS]],
                len(errors) - min(len(errors), MAX_PROBLEMS),
            ),
        ) from None


def deep_python_path(value: Any, limit: int) -> str | None:
    """The field path where a Python structure (a vendor's dict) first nests deeper than ``limit``,
    found without recursion; None when it does not."""
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(value, ())]
    while stack:
        node, path = stack.pop()
        items: Iterable[tuple[Any, Any]]
        if isinstance(node, Mapping):
            items = node.items()
        elif isinstance(node, (list, tuple)):
            items = enumerate(node)
        else:
            continue
        if len(path) >= limit:  # this container is at depth len(path) + 1
            return format_loc(path) or "(top level)"
        stack.extend((child, (*path, key if isinstance(key, int) else str(key))) for key, child in items)
    return None


# ---------------------------------------------------------------------------------------------
# Limits on a validated snapshot: its window and its dates


def window_problem(snapshot: Facts, limits: Limits) -> InputProblem | None:
    start, end = snapshot.period.start, snapshot.period.end
    years = end.year - start.year - ((end.month, end.day) < (start.month, start.day))
    if years < limits.max_window_years:
        return None
    most = limits.max_window_years
    return InputProblem(
        "period",
        f"the window {start} to {end} is {years} years long; the limit is under {most} years "
        "(YIYANG_MAX_WINDOW_YEARS): the report lists every period of the window",
        f"检查期间 {start} 至 {end} 长达 {years} 年，上限为不足 {most} 年（YIYANG_MAX_WINDOW_YEARS）：报告会逐期列出",
    )


# The rules count periods and deadlines forward from the window and the evaluation date (a year's
# periods, a deadline months later): a window or an as_of this close to 9999-12-31 would run past
# the last day a date can hold, so it is refused up front, whatever the rules (before, whether it
# failed depended on the data).
LAST_CHECKED_YEAR = 9899


def calendar_problems(snapshot: Facts, as_of: date, as_of_path: str) -> list[InputProblem]:
    problems = []
    for path, day in (
        ("period.start", snapshot.period.start),
        ("period.end", snapshot.period.end),
        (as_of_path, as_of),
    ):
        if day.year > LAST_CHECKED_YEAR:
            problems.append(
                InputProblem(
                    path,
                    f"{day.isoformat()} is too late to check: dates after {LAST_CHECKED_YEAR}-12-31 are refused, "
                    "because the rules' periods and deadlines would run past 9999-12-31",
                    f"{day.isoformat()} 过晚，无法检查：不接受 {LAST_CHECKED_YEAR}-12-31 之后的日期"
                    "（规则的期间和期限会超出 9999-12-31）",
                )
            )
    return problems


def edge_dates(snapshot: Facts, as_of: date) -> list[str]:
    """The snapshot's dates within a century of the calendar's ends, where the rules' period and
    deadline arithmetic leaves the years 1 to 9999."""
    found: list[str] = []

    def visit(node: Any, path: str) -> None:
        if isinstance(node, date):
            if node.year <= 100 or node.year >= 9900:
                found.append(f"{path or 'as_of'} = {node.isoformat()}")
        elif isinstance(node, msgspec.Struct):
            for name in node.__struct_fields__:
                visit(getattr(node, name), f"{path}.{name}" if path else name)
        elif isinstance(node, (list, tuple)):
            for index, item in enumerate(node):
                visit(item, f"{path}[{index}]")

    visit(as_of, "as_of")
    visit(snapshot, "")
    return sorted(set(found))


# ---------------------------------------------------------------------------------------------
# Validation errors, in English and Chinese

# pydantic's error types that snapshots produce, and this package's own (snapshot.py, localtime.py):
# (English, Chinese), formatted with the error's context.
_MESSAGES: dict[str, tuple[str, str]] = {
    "missing": ("required field is missing", "缺少必填字段"),
    "extra_forbidden": (
        "unknown field; check the spelling (custom data goes under an 'extensions' object)",
        "未知字段，请检查拼写（自定义数据请放在 extensions 对象中）",
    ),
    "enum": ("unknown value; use one of {expected}", "未知取值；可用的取值：{expected}"),
    "literal_error": ("must be {expected}", "取值必须是 {expected}"),
    "local_date": (
        "must be a date YYYY-MM-DD or an ISO 8601 date-time such as 2026-03-31T20:30:00+08:00",
        "应为日期 YYYY-MM-DD，或 ISO 8601 日期时间（如 2026-03-31T20:30:00+08:00）",
    ),
    "date_out_of_range": (
        "{value} falls outside the years 1 to 9999 in Asia/Shanghai time",
        "{value} 换算为北京时间后超出公元 1 年至 9999 年的范围",
    ),
    "string_type": ("must be text (a string in quotes)", "应为文本（带引号的字符串）"),
    "int_type": ("must be a whole number", "应为整数"),
    "int_from_float": ("must be a whole number", "应为整数"),
    "int_parsing": ("must be a whole number", "应为整数"),
    "bool_type": ("must be true or false", "应为 true 或 false"),
    "list_type": ("must be an array [ … ]", "应为数组 [ … ]"),
    "dict_type": ("must be an object { … }", "应为对象 { … }"),
    "model_type": ("must be an object { … }", "应为对象 { … }"),
    "model_attributes_type": ("must be an object { … }", "应为对象 { … }"),
    "greater_than_equal": ("must be at least {ge}", "不得小于 {ge}"),
    "less_than_equal": ("must be at most {le}", "不得大于 {le}"),
    "too_short": ("must have at least {min_length} item(s)", "至少需要 {min_length} 项"),
    "string_too_short": ("must not be empty", "不能为空"),
    "string_pattern_mismatch": ("must match the pattern {pattern}", "格式应符合 {pattern}"),
    "window_order": (
        "period.start {start} is after period.end {end}; start <= end",
        "period.start（{start}）晚于 period.end（{end}）；开始日期不得晚于结束日期",
    ),
    "location_missing": (
        "give institution.province or institution.region_code",
        "请填写 institution.province 或 institution.region_code",
    ),
    "count_exceeds": (
        "{part} ({part_value}) exceeds {whole} ({whole_value})",
        "{part}（{part_value}）大于 {whole}（{whole_value}）",
    ),
    "duplicate_id": (
        "id '{id}' is already used by entry [{first}]: list each one once",
        "编号 '{id}' 与第 [{first}] 项重复：每项只能列出一次",
    ),
}


def _format(template: str, context: Mapping[str, Any]) -> str:
    try:
        return template.format(**context)
    except (KeyError, IndexError, ValueError):
        return template


def describe_validation_error(item: Mapping[str, Any]) -> InputProblem:
    """One pydantic error of a snapshot as an :class:`InputProblem`: its field path, English and
    Chinese. Unknown error types keep pydantic's English, with a Chinese lead-in."""
    raw_loc = tuple(item["loc"])
    loc: list[str | int] = [part for part in raw_loc if part != "[key]"]
    kind = str(item["type"])
    context = dict(item.get("ctx") or {})
    if kind == "duplicate_id":
        loc += [int(context["index"]), "id"]
    where = format_loc(loc) or "(top level)"
    if kind == "enum" and "[key]" in raw_loc:
        return InputProblem(
            where,
            _format("unknown key; use one of {expected}", context),
            _format("未知的键；可用的键：{expected}", context),
        )
    if kind == "json_invalid":
        detail = str(item["msg"]).removeprefix("Invalid JSON: ")
        return InputProblem("", f"not valid JSON: {detail}", f"不是有效的 JSON：{detail}")
    if kind in _MESSAGES:
        en, zh = _MESSAGES[kind]
        return InputProblem(where, _format(en, context), _format(zh, context))
    message = str(item["msg"]).removeprefix("Value error, ")
    return InputProblem(where, message, f"取值无效：{message}")
