"""A terminal table: violations first, then what needs data, then the rest; a "need more
information" section groups the insufficient-data findings by the fact the snapshot lacks.

At 100 columns and more each finding is a table row; below, a stacked layout (one block per
finding) avoids wrapping every cell into a column of single characters. Colour only when the
front end asks for it (a TTY, and ``NO_COLOR`` unset); ``NO_COLOR`` is honoured here too.

The layout is plain text measured in terminal cells (a Chinese character takes two), with ANSI
colour added only when asked: no markup language is involved, so an id such as ``[/]`` or
``[bold]x[/bold]`` is printed as it is, and every string goes through :func:`~.text.printable`
(ESC and the other control characters made visible) before it reaches the terminal.
"""

from __future__ import annotations

import os
import shutil
import unicodedata
from collections.abc import Sequence
from functools import cache

from ..checks.base import Status
from ..report import Finding, Report
from .base import BatchItem, Lang, RenderOptions
from .labels import LEVEL_TEXT, STATUS_MARK, STATUS_ORDER, STATUS_TEXT, pick
from .rollup import STATUSES, Rollup, rollup
from .text import (
    citation_line,
    group_by_missing,
    missing_text,
    printable,
    report_of,
    source_text,
    unique_citations,
)

# Below this many columns the five-column table wraps every cell; findings are stacked instead.
STACK_BELOW = 100

# ANSI SGR parameters.
_STYLE = {
    Status.COMPLIANT: "32",
    Status.NON_COMPLIANT: "1;31",
    Status.INSUFFICIENT_DATA: "33",
    Status.NOT_APPLICABLE: "2",
}
BOLD, BOLD_YELLOW, DIM, BOLD_RED = "1", "1;33", "2", "1;31"
GAP = "  "

_WORDS = {
    "zh": {
        "status": "状态",
        "rule": "规则",
        "level": "级别",
        "obligation": "义务",
        "reason": "原因",
        "citation": "依据",
        "institution": "机构",
        "layers": "适用层级",
        "as_of": "评估日",
        "window": "评估窗口",
        "source": "来源",
        "need_info": "需补充信息（按快照缺少的信息归组）",
        "other": "其他",
        "error": "输入有误",
        "hidden": "条结论未按 --status 显示",
        "failing": "不合规机构数",
        "mandatory_violations": "强制性违规",
        "inputs": "输入",
        "checked": "已检查",
        "input_errors": "输入错误",
        "with_mandatory_violations": "有强制性违规的机构",
    },
    "en": {
        "status": "status",
        "rule": "rule",
        "level": "level",
        "obligation": "obligation",
        "reason": "reason",
        "citation": "citation",
        "institution": "institution",
        "layers": "layers",
        "as_of": "as of",
        "window": "window",
        "source": "source",
        "need_info": "Need more information (grouped by what the snapshot lacks)",
        "other": "other",
        "error": "bad input",
        "hidden": "finding(s) hidden by --status",
        "failing": "institutions failing",
        "mandatory_violations": "mandatory violations",
        "inputs": "inputs",
        "checked": "checked",
        "input_errors": "input errors",
        "with_mandatory_violations": "with mandatory violations",
    },
}


@cache
def _char_width(char: str) -> int:
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


# Chinese line breaking: a line never starts with closing punctuation nor ends with opening.
_CLOSING = frozenset("）〕】」』》〉、。，；：！？”’)]},.;:!?%")
_OPENING = frozenset("（〔【「『《〈“‘([{")


def _breakable(before: str, after: str) -> bool:
    """Whether a line may break between two characters (not inside a Latin word)."""
    if before in _OPENING or after in _CLOSING:
        return False
    return _char_width(before) == 2 or _char_width(after) == 2


def cell_width(text: str) -> int:
    """How many terminal columns ``text`` takes."""
    if text.isascii():  # printable ASCII (control characters were made visible): one column each
        return len(text)
    return sum(_char_width(c) for c in text)


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` columns: Latin text breaks at spaces, Chinese between characters
    (never before closing or after opening punctuation), a word longer than the line is cut."""
    width = max(1, width)
    if "  " not in text and not text.startswith(" ") and cell_width(text) <= width:
        return [text.rstrip()]
    lines: list[str] = []
    line, used = "", 0
    word, word_used = "", 0

    def flush_word() -> None:
        nonlocal line, used, word, word_used
        while word_used > width:  # a word longer than a line: cut it
            cut, cut_used = "", 0
            for char in word:
                # At least one character per line, even a wide one in a one-column cell.
                if cut and cut_used + _char_width(char) > width:
                    break
                cut, cut_used = cut + char, cut_used + _char_width(char)
            if line:
                lines.append(line.rstrip())
            lines.append(cut)
            line, used = "", 0
            word, word_used = word[len(cut) :], word_used - cut_used
        if used + word_used > width:
            lines.append(line.rstrip())
            line, used = word.lstrip(), cell_width(word.lstrip())
        else:
            line, used = line + word, used + word_used
        word, word_used = "", 0

    for char in text:
        if char == " ":
            flush_word()
            if line:
                word, word_used = " ", 1
                flush_word()
            continue
        if word and _breakable(word[-1], char):
            flush_word()
        word, word_used = word + char, word_used + _char_width(char)
    flush_word()
    if line.strip() or not lines:
        lines.append(line.rstrip())
    return lines


class _Out:
    def __init__(self, options: RenderOptions) -> None:
        self.width = options.width or shutil.get_terminal_size((160, 24)).columns
        self.color = options.color and not os.environ.get("NO_COLOR")
        self.parts: list[str] = []

    def paint(self, text: str, style: str) -> str:
        return f"\x1b[{style}m{text}\x1b[0m" if self.color and style else text

    def line(self, text: object = "", style: str = "", indent: int = 0) -> None:
        """A line of data (made printable), wrapped to the width, continuation lines indented."""
        pad = " " * indent
        for piece in wrap(printable(text), self.width - indent):
            self.parts.append(self.paint(pad + piece, style) + "\n")

    def grid(self, heads: list[str], rows: list[tuple[list[str], str]], fixed: dict[int, int]) -> None:
        """Columns separated by two spaces: fixed widths where given (capped by content), the rest
        share what is left. Rows are (cells, style)."""
        count = len(heads)
        cells = [[printable(c) for c in row] for row, _ in rows]
        natural = [max([cell_width(h), *(cell_width(r[i]) for r in cells)]) for i, h in enumerate(heads)]
        widths = [min(fixed[i], natural[i]) if i in fixed else 0 for i in range(count)]
        free = [i for i in range(count) if i not in fixed]
        room = self.width - sum(widths) - len(GAP) * (count - 1)
        # Share the room by need, a long column counting no more than 40 (the citations would
        # otherwise crowd out the obligation and the reason).
        need = {i: min(natural[i], 40) for i in free}
        wanted = sum(need.values()) or 1
        for i in free:
            widths[i] = max(min(8, natural[i]), min(natural[i], room * need[i] // wanted))
        spare = room - sum(widths[i] for i in free)
        for i in sorted(free, key=lambda i: natural[i] - widths[i], reverse=True):
            extra = min(spare, natural[i] - widths[i])
            if extra > 0:
                widths[i] += extra
                spare -= extra
        # Still too wide (a narrow terminal): take from the widest column, down to 4 columns each.
        while sum(widths) + len(GAP) * (count - 1) > self.width and max(widths) > 4:
            widest = widths.index(max(widths))
            widths[widest] -= 1
        self._row(heads, widths, BOLD)
        self.parts.append(GAP.join("─" * w for w in widths) + "\n")
        for row, (_, style) in zip(cells, rows, strict=True):
            self._row(row, widths, style)

    def _row(self, row: list[str], widths: list[int], style: str) -> None:
        wrapped = [wrap(cell, width) for cell, width in zip(row, widths, strict=True)]
        for number in range(max(len(w) for w in wrapped)):
            pieces = []
            for lines, width in zip(wrapped, widths, strict=True):
                piece = lines[number] if number < len(lines) else ""
                pieces.append(piece + " " * (width - cell_width(piece)))
            self.parts.append(self.paint(GAP.join(pieces).rstrip(), style) + "\n")

    def text(self) -> str:
        return "".join(self.parts)


def _shown(report: Report, options: RenderOptions) -> list[Finding]:
    findings = [f for f in report.findings if options.statuses is None or f.status in options.statuses]
    return sorted(findings, key=lambda f: (STATUS_ORDER[f.status], f.level.value, f.rule_id))


def _citations(finding: Finding) -> str:
    return "; ".join(dict.fromkeys(citation_line(c) for c in unique_citations(finding.citations)))


def _header(out: _Out, report: Report, words: dict[str, str], source: str) -> None:
    out.line(
        f"{words['institution']}: {report.institution.name} ({report.institution.id})  "
        f"{words['layers']}: {' + '.join(report.jurisdiction)}  {words['as_of']}: {report.as_of}  "
        f"{words['window']}: {report.period['start']} – {report.period['end']}  {words['source']}: {source}",
        BOLD,
    )


def _status(finding: Finding, lang: Lang) -> str:
    return f"{STATUS_MARK[finding.status]} {pick(STATUS_TEXT[finding.status], lang)}"


def _wide(out: _Out, findings: list[Finding], lang: Lang, words: dict[str, str]) -> None:
    heads = [words[k] for k in ("status", "rule", "level", "obligation", "reason", "citation")]
    rows = [
        (
            [
                _status(f, lang),
                f.rule_id,
                pick(LEVEL_TEXT[f.level.value], lang),
                pick(f.title, lang),
                pick(f.message, lang),
                _citations(f),
            ],
            _STYLE[f.status],
        )
        for f in findings
    ]
    out.grid(heads, rows, {0: 18, 1: 40, 2: 12})


def _stacked(out: _Out, findings: list[Finding], lang: Lang, words: dict[str, str]) -> None:
    for finding in findings:
        level = pick(LEVEL_TEXT[finding.level.value], lang)
        out.line(f"{_status(finding, lang)} · {level} · {finding.rule_id}", _STYLE[finding.status])
        out.line(f"  {pick(finding.title, lang)}", indent=2)
        out.line(f"  {words['reason']}: {pick(finding.message, lang)}", indent=2)
        cites = _citations(finding)
        if cites:
            out.line(f"  {words['citation']}: {cites}", DIM, indent=2)


def _need_info(out: _Out, report: Report, options: RenderOptions, words: dict[str, str]) -> None:
    if options.statuses is not None and Status.INSUFFICIENT_DATA not in options.statuses:
        return
    groups = group_by_missing([report])
    if not groups:
        return
    out.line()
    out.line(words["need_info"], BOLD_YELLOW)
    for path, entries in groups.items():
        label = missing_text(path, options.lang) if path else words["other"]
        out.line(f"  • {label}", _STYLE[Status.INSUFFICIENT_DATA], indent=4)
        out.line("      " + ", ".join(dict.fromkeys(f.rule_id for _, f in entries)), indent=6)


def _counts_line(report: Report, lang: Lang) -> str:
    return " · ".join(f"{pick(STATUS_TEXT[s], lang)} {getattr(report.summary, s.value)}" for s in STATUSES)


def render_one(item: BatchItem, options: RenderOptions) -> str:
    out = _Out(options)
    words = _WORDS[options.lang]
    report = report_of(item)
    if report is None:
        assert item.error is not None
        for problem in item.error.problems:
            where = f"{problem.path}: " if problem.path else ""
            out.line(f"{words['error']}: {source_text(item)}: {where}{problem.message(options.lang)}", BOLD_RED)
        out.line()
        return out.text()
    _header(out, report, words, source_text(item))
    findings = _shown(report, options)
    (_stacked if out.width < STACK_BELOW else _wide)(out, findings, options.lang, words)
    _need_info(out, report, options, words)
    line = _counts_line(report, options.lang)
    hidden = len(report.findings) - len(findings)
    if hidden:
        line += f"  ({hidden} {words['hidden']})"
    out.line(line)
    out.line()
    return out.text()


def render_summary(summary: Rollup, options: RenderOptions) -> str:
    out = _Out(options)
    words = _WORDS[options.lang]
    lang = options.lang
    narrow = out.width < STACK_BELOW
    marks = [STATUS_MARK[s] for s in STATUSES]
    heads = ([] if narrow else [words["source"]]) + [words["institution"], *marks, words["mandatory_violations"]]
    rows: list[tuple[list[str], str]] = []
    for row in summary.institutions:
        first = [] if narrow else [row.source]
        if row.error is not None:
            message = "; ".join(str(p["message"][lang]) for p in row.error)  # type: ignore[index]
            rows.append(([*first, words["error"], "", "", "", "", message], BOLD_RED))
            continue
        counts = [str(row.counts.get(s, 0)) for s in STATUSES]
        style = _STYLE[Status.NON_COMPLIANT] if row.mandatory_violations else ""
        rows.append(
            ([*first, f"{row.name} ({row.institution_id})", *counts, ", ".join(row.mandatory_violations)], style)
        )
    out.line(words["institution"], BOLD)
    out.grid(heads, rows, {})
    out.line()
    out.line(words["rule"], BOLD)
    rule_heads = [words["rule"], words["level"], words["failing"], *marks[1:]] + (
        [] if narrow else [words["obligation"]]
    )
    rule_rows: list[tuple[list[str], str]] = []
    for rule in summary.rule_rows():
        cells = [
            rule.rule_id,
            pick(LEVEL_TEXT[rule.level.value], lang),
            str(rule.failing),
            *(str(rule.counts.get(s, 0)) for s in STATUSES[1:]),
        ]
        if not narrow:
            cells.append(pick(rule.title, lang))
        rule_rows.append((cells, _STYLE[Status.NON_COMPLIANT] if rule.failing else ""))
    out.grid(rule_heads, rule_rows, {0: 40, 1: 12})
    out.line()
    totals = summary.totals()
    out.line(" · ".join(f"{words[k]} {v}" for k, v in totals.items()), BOLD)
    out.line("  ".join(f"{STATUS_MARK[s]} {pick(STATUS_TEXT[s], lang)}" for s in STATUSES), DIM)
    return out.text()


def render(items: Sequence[BatchItem], options: RenderOptions) -> str:
    if options.summary:
        return render_summary(rollup(items), options)
    return "".join(render_one(item, options) for item in items)
