"""Reading one cell the way people and spreadsheet programs really fill it in.

Each reader takes the cell's value as openpyxl gives it (str, int, float, bool, datetime, None)
and returns the snapshot's JSON value, or raises :class:`CellError` with what was expected, in
Chinese and English. Nothing is guessed: ``26/3/5`` and ``3/5/2026`` are errors, not dates.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from ..localtime import parse_local_date
from ..vocabulary import Label
from .layout import CellKind, Column, enum_labels

YES = frozenset({"是", "有", "√", "✓", "✔", "对", "y", "yes", "true", "t", "1", "☑"})
NO = frozenset({"否", "无", "×", "✗", "✘", "x", "错", "n", "no", "false", "f", "0", "☐"})
LIST_SEPARATORS = re.compile(r"[、,，;；\n]")
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_INTEGER = re.compile(r"^[+-]?\d+$")
_EXCEL_EPOCH = date(1899, 12, 30)
_LAST_SERIAL = 2958465  # 9999-12-31
_FIRST_RELIABLE_SERIAL = 61  # 1900-03-01
_BLANK = re.compile(r"^\s*$")


class CellError(ValueError):
    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en


def normal(text: str) -> str:
    """For matching codes and labels: NFKC (full-width → ASCII), no spaces, lower case."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).casefold()


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and _BLANK.match(value) is not None)


def shown(value: Any) -> str:
    """The value as the person sees it, for messages."""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _number_text(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_text(value: Any) -> str:
    """Free text is kept as typed; a number or date the program turned the text into is written back."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return _number_text(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    raise CellError(f"无法读取为文本（{type(value).__name__}）", f"cannot read as text ({type(value).__name__})")


def _date_formatted(value: Any) -> None:
    """A number typed into a cell formatted as a date comes back as a date: say so."""
    if isinstance(value, (datetime, date)):
        raise CellError(
            f"单元格为日期格式（显示为 {shown(value)}），不是编号或数字；请把该列设为“常规”或“文本”格式后重新填写",
            f"the cell is formatted as a date (shows {shown(value)}), not an id or number; "
            "format the column as General or Text and type the value again",
        )


def read_id(value: Any) -> str:
    """An identifier: 1001 and 1001.0 are "1001"; full-width digits and surrounding spaces go."""
    _date_formatted(value)
    if isinstance(value, bool):
        raise CellError(
            f"“{shown(value)}”不是编号；应为文字或数字编号", f"{shown(value)!r} is not an id; expected text or a number"
        )
    if isinstance(value, (int, float)):
        return _number_text(value)
    return unicodedata.normalize("NFKC", str(value)).strip()


def read_int(value: Any) -> int:
    _date_formatted(value)
    if isinstance(value, bool):
        raise CellError(f"“{shown(value)}”不是整数", f"{shown(value)!r} is not a whole number")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip()
        if _INTEGER.match(text):
            return int(text)
        if re.match(r"^[+-]?\d+\.0*$", text):
            return int(float(text))
    raise CellError(f"“{shown(value)}”不是整数；应填写整数，如 12", f"{shown(value)!r} is not a whole number, e.g. 12")


def read_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        text = normal(value)
        if text in YES:
            return True
        if text in NO:
            return False
    raise CellError(
        f"“{shown(value)}”不是是/否；应填写 是 或 否（也可写 √/×、Y/N）",
        f"{shown(value)!r} is not yes/no; use 是 or 否 (or √/×, Y/N, yes/no)",
    )


def excel_serial(value: float, epoch: datetime | None = None) -> date:
    """A spreadsheet date serial (days since 1899-12-30, or since 1904-01-01 for Mac workbooks)."""
    base = epoch.date() if epoch is not None and epoch.year == 1904 else _EXCEL_EPOCH
    # Serials below 61 fall before 1900-03-01, where Excel counts a 29 February 1900 that never was.
    first = 0 if base != _EXCEL_EPOCH else _FIRST_RELIABLE_SERIAL
    if not first <= value <= _LAST_SERIAL:
        raise CellError(f"“{shown(value)}”不是日期", f"{shown(value)!r} is not a date")
    return base + timedelta(days=int(value))


_DATE_HINT = Label(
    "应为日期，如 2026-03-05、2026/3/5、2026.03.05 或 2026年3月5日",
    "expected a date such as 2026-03-05, 2026/3/5, 2026.03.05 or 2026年3月5日",
)


def read_date(value: Any, epoch: datetime | None = None) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        raise CellError(
            f"“{shown(value)}”不是日期；{_DATE_HINT.zh}", f"{shown(value)!r} is not a date; {_DATE_HINT.en}"
        )
    if isinstance(value, (int, float)):
        try:
            return excel_serial(value, epoch).isoformat()
        except CellError:
            raise CellError(
                f"“{shown(value)}”不是日期；{_DATE_HINT.zh}", f"{shown(value)!r} is not a date; {_DATE_HINT.en}"
            ) from None
    text = unicodedata.normalize("NFKC", str(value)).strip()
    match = _DATE.match(text)
    try:
        if match:
            return date(int(match[1]), int(match[2]), int(match[3])).isoformat()
        if "T" in text or ":" in text:
            return parse_local_date(text).isoformat()
    except Exception:  # pendulum and date() raise several types for impossible dates
        pass
    raise CellError(f"“{shown(value)}”不是日期；{_DATE_HINT.zh}", f"{shown(value)!r} is not a date; {_DATE_HINT.en}")


def _choices(enum: type[StrEnum]) -> dict[str, StrEnum]:
    table: dict[str, StrEnum] = {}
    for member, label in enum_labels(enum).items():
        for spelling in (member.value, label.zh, label.en):
            table.setdefault(normal(spelling), member)
    return table


def read_enum(value: Any, enum: type[StrEnum]) -> str:
    if isinstance(value, str):
        found = _choices(enum).get(normal(value))
        if found is not None:
            return found.value
    labels = enum_labels(enum)
    zh = "、".join(label.zh for label in labels.values())
    en = ", ".join(f"{label.en} ({member.value})" for member, label in labels.items())
    raise CellError(f"“{shown(value)}”不在可选范围内；应为：{zh}", f"{shown(value)!r} is not one of: {en}")


def read_enum_list(value: Any, enum: type[StrEnum]) -> list[str]:
    parts = [p for p in LIST_SEPARATORS.split(str(value)) if p.strip()]
    return [read_enum(p, enum) for p in parts]


def read_json(value: Any) -> dict[str, Any]:
    try:
        data = json.loads(str(value))
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise CellError(
            f'“{shown(value)[:60]}”不是 JSON 对象；应为 {{"键": 值}} 形式',
            f'{shown(value)[:60]!r} is not a JSON object; expected {{"key": value}}',
        )
    return data


def read_number(value: Any) -> int | float:
    _date_formatted(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip()
        if _INTEGER.match(text):
            return int(text)
        try:
            return float(text)
        except ValueError:
            pass
    raise CellError(f"“{shown(value)}”不是数字", f"{shown(value)!r} is not a number")


def read_any(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        raise CellError(f"“{shown(value)[:60]}”不是 JSON", f"{shown(value)[:60]!r} is not JSON") from None


class FormulaError(str):
    """A cell stored as a formula error (``#VALUE!``…): what a spreadsheet shows when a formula
    fails, never a value. Told apart by the cell's type, not its text, so that a text cell that
    happens to read ``#N/A`` stays text."""

    __slots__ = ()


def reader(column: Column, epoch: datetime | None = None) -> Callable[[Any], Any]:
    """The reader for a non-blank cell of ``column``."""
    read = _reader(column, epoch)

    def checked(value: Any) -> Any:
        if isinstance(value, FormulaError):
            raise CellError(
                f"单元格是公式错误“{value.strip()}”，不是数据", f"the cell holds the formula error {value.strip()!r}"
            )
        return read(value)

    return checked


def _reader(column: Column, epoch: datetime | None) -> Callable[[Any], Any]:
    kind = column.kind
    if kind is CellKind.TEXT:
        return read_text
    if kind is CellKind.ID:
        return read_id
    if kind is CellKind.INT:
        return read_int
    if kind in (CellKind.BOOL, CellKind.PRESENCE):
        return read_bool
    if kind is CellKind.DATE:
        return lambda v: read_date(v, epoch)
    if kind is CellKind.JSON:
        return read_json
    if kind is CellKind.NUMBER:
        return read_number
    if kind is CellKind.ANY:
        return read_any
    assert column.enum is not None
    enum = column.enum
    if kind is CellKind.ENUM:
        return lambda v: read_enum(v, enum)
    return lambda v: read_enum_list(v, enum)
