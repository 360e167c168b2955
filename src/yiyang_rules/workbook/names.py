"""Names of the workbook's own sheets and columns that are not snapshot fields."""

from __future__ import annotations

from ..vocabulary import Label
from .layout import CellKind, Column

INSTRUCTIONS = Label("说明", "Instructions")
LISTS = Label("下拉选项", "Lists")  # hidden: the values of the drop-down lists
IGNORED_SHEETS = (INSTRUCTIONS.zh, INSTRUCTIONS.en, LISTS.zh, LISTS.en)

# The label / value sheets (机构信息, 质量指标): column A names the item, B holds the value.
VALUES_COLUMNS = (Label("项目", "item"), Label("填写", "value"), Label("说明", "notes"))
VALUES_HEADER = tuple(text for label in VALUES_COLUMNS[:1] for text in label)


def _fact_column(key: str, kind: CellKind, title: Label) -> Column:
    return Column((key,), f"facts.{key}", kind, False, title=title)


# The questionnaire (制度与设施): one row per fact. Only code (or label) and answer are read;
# the others explain the row.
FACT_COLUMNS: dict[str, Column] = {
    "category": _fact_column("category", CellKind.TEXT, Label("类别", "category")),
    "label": _fact_column("label", CellKind.TEXT, Label("事项", "fact")),
    "answer": _fact_column("answer", CellKind.BOOL, Label("回答", "answer")),
    "code": _fact_column("code", CellKind.ID, Label("代码", "code")),
    "rules": _fact_column("rules", CellKind.TEXT, Label("相关规则", "rules")),
    "citations": _fact_column("citations", CellKind.TEXT, Label("依据", "citations")),
}

FACT_CATEGORIES: dict[str, Label] = {
    "policies": Label("制度", "written system"),
    "facilities": Label("设施", "facility"),
    "practices": Label("工作机制与做法", "practice"),
}


def sheet_title(label: Label, lang: str) -> str:
    return label.en if lang == "en" else label.zh
