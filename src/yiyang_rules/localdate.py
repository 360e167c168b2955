"""The contract's date type for pydantic models: ``YYYY-MM-DD`` or an ISO 8601 date-time, as its
Asia/Shanghai date. Apart from :mod:`.localtime` so that calendar arithmetic does not import pydantic."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from .localtime import DateOutOfRange, to_shanghai_date

_DATE_MESSAGE = "Input should be a date YYYY-MM-DD or an ISO 8601 date-time such as 2026-03-31T20:30:00+08:00"
_DATE_TEXT = r"^\d{4}-\d{2}-\d{2}$"
_DATETIME_TEXT = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|z|[+-]\d{2}:?\d{2})?$"


def _shanghai_date(value: date | datetime) -> date:
    try:
        return to_shanghai_date(value)
    except DateOutOfRange as exc:
        raise PydanticCustomError(
            "date_out_of_range",
            "{value} falls outside the years 1 to 9999 in Asia/Shanghai time",
            {"value": exc.value.isoformat()},
        ) from None


class _LocalDateAnnotation:
    """Pydantic type: ``YYYY-MM-DD`` or an ISO 8601 date-time, normalised to the Shanghai date.

    Text must have one of the two ISO shapes before pydantic parses it (on its own pydantic reads a
    digit string as a Unix timestamp: "20260331" → 1970-08-23); date objects (from YAML) pass as
    they are. All of it runs inside pydantic-core: no Python call per date. One custom error, so a
    bad date is reported at the field's own path, e.g. ``activities[3].date``.
    """

    @classmethod
    def __get_pydantic_core_schema__(cls, _source: Any, _handler: GetCoreSchemaHandler) -> Any:
        date_text = core_schema.chain_schema(
            [core_schema.str_schema(pattern=_DATE_TEXT), core_schema.date_schema(strict=False)]
        )
        datetime_text = core_schema.chain_schema(
            [core_schema.str_schema(pattern=_DATETIME_TEXT), core_schema.datetime_schema(strict=False)]
        )
        text = core_schema.union_schema(
            [date_text, datetime_text],
            mode="left_to_right",
            custom_error_type="local_date",
            custom_error_message=_DATE_MESSAGE,
        )
        objects = core_schema.union_schema(
            [core_schema.date_schema(strict=True), core_schema.datetime_schema(strict=True), text],
            mode="left_to_right",
            custom_error_type="local_date",
            custom_error_message=_DATE_MESSAGE,
        )
        either = core_schema.json_or_python_schema(json_schema=text, python_schema=objects)
        return core_schema.no_info_after_validator_function(_shanghai_date, either)

    @classmethod
    def __get_pydantic_json_schema__(cls, _schema: Any, _handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        return {
            "anyOf": [{"type": "string", "format": "date"}, {"type": "string", "format": "date-time"}],
            "description": "YYYY-MM-DD, or a date-time (one with an offset becomes its Asia/Shanghai date)",
        }


LocalDate = Annotated[date, _LocalDateAnnotation]
