"""The HTML report: structure (parsed), escaping, the calendar strips, no network, a batch with a
cover, and a real browser: headless Chromium renders it to PNG and PDF."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

from render_items import HOSTILE_ID, HOSTILE_NAME, ROOT, bad_item, batch, hostile_item, sample_item
from yiyang_rules.checks.base import Status
from yiyang_rules.render import RENDERERS
from yiyang_rules.render.base import BatchItem, RenderOptions
from yiyang_rules.render.text import printable, unique_citations
from yiyang_rules.vocabulary import fact_label

VOID = {"meta", "br", "img", "input", "link", "hr", "rect", "line", "path"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node] = field(default_factory=list)
    text: str = ""

    def all(self, tag: str | None = None, **attrs: str) -> list[Node]:
        found = []
        for child in self.children:
            if (tag is None or child.tag == tag) and all(
                v in child.attrs.get(k.rstrip("_"), "").split() or child.attrs.get(k.rstrip("_")) == v
                for k, v in attrs.items()
            ):
                found.append(child)
            found.extend(child.all(tag, **attrs))
        return found

    def content(self) -> str:
        return self.text + "".join(c.content() for c in self.children)


class _Tree(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        assert self.stack[-1].tag == tag, f"</{tag}> closes <{self.stack[-1].tag}>"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(Node("#text", {}, text=data))


def parse(text: str | bytes) -> Node:
    assert isinstance(text, str)
    tree = _Tree()
    tree.feed(text)
    tree.close()
    assert tree.stack == [tree.root], "unclosed elements"
    return tree.root


def html_of(items: list[BatchItem] | tuple[BatchItem, ...], **options: object) -> str:
    text = RENDERERS["html"].render(list(items), RenderOptions(**options))  # type: ignore[arg-type]
    assert isinstance(text, str)
    return text


def test_one_report_has_its_sections_in_order() -> None:
    page = parse(html_of([sample_item()]))
    headings = [h.content() for h in page.all("h2")]
    assert headings[0] == "结论概览"
    assert headings[1] == "周期性义务日历"
    assert headings[2].startswith("需整改（3）")
    assert headings[3].startswith("需补充信息")
    assert headings[4].startswith("其他结论")
    assert headings[-1] == "签字确认"
    (title,) = page.all("h1")
    assert title.content() == "北京市海淀区示例颐养中心"
    cards = {c.attrs["data-status"]: c.content() for c in page.all("div", class_="card")}
    assert cards["non_compliant"].startswith("3")


def test_non_compliant_cards_carry_reason_evidence_fix_and_each_citation_once() -> None:
    item = sample_item()
    assert item.report is not None
    page = parse(html_of([item]))
    fix_now = page.all("section", class_="fix-now")[0]
    cards = {a.attrs["data-rule"]: a for a in fix_now.all("article")}
    expected = {f.rule_id: f for f in item.report.findings if f.status is Status.NON_COMPLIANT}
    assert set(cards) == set(expected)
    for rule_id, card in cards.items():
        blocks = {b.all("cite")[0].content(): [p.content() for p in b.all("p")] for b in card.all("blockquote")}
        citations = unique_citations(expected[rule_id].citations)
        # One block per article, each of its quotes once, nothing else.
        assert len(blocks) == len(card.all("blockquote"))
        assert sorted(q for quotes in blocks.values() for q in quotes) == sorted(c.quote for c in citations)
        for citation in citations:
            assert citation.quote in blocks[f"{citation.document} {citation.article}"]
        assert card.all("div", class_="fix")
    assert "R-0002" in cards["admission.assessment"].all("div", class_="fix")[0].content()
    assert "2026-04" in cards["fire.inspection-monthly"].all("div", class_="fix")[0].content()


def test_the_calendar_strip_has_one_cell_per_period_coloured_by_state() -> None:
    item = sample_item()
    assert item.report is not None
    finding = next(f for f in item.report.findings if f.rule_id == "fire.inspection-monthly")
    page = parse(html_of([item]))
    strip = next(s for s in page.all("div", class_="strip") if s.attrs.get("data-rule") == finding.rule_id)
    cells = strip.all("g", class_="cell")
    assert [(c.attrs["data-period"], c.attrs["data-state"]) for c in cells] == [
        (p["period"], p["state"]) for p in finding.evidence["periods"]
    ]
    april = next(c for c in cells if c.attrs["data-period"] == "2026-04")
    assert april.all("rect")[0].attrs["fill"] == "#c62828"
    assert [t.content() for t in april.all("text")] == ["4月", "0/1"]
    drill = next(s for s in page.all("div", class_="strip") if s.attrs.get("data-rule") == "fire.drill-semiannual")
    assert [c.attrs["data-state"] for c in drill.all("g", class_="cell")] == ["met", "open"]


def test_need_more_information_names_the_missing_facts_in_chinese() -> None:
    page = parse(html_of([sample_item()]))
    section = page.all("section", class_="need-info")[0]
    groups = {li.attrs["data-missing"]: li.content() for li in section.all("li") if "data-missing" in li.attrs}
    assert fact_label("practices.multidisciplinary_team").zh in groups["practices.multidisciplinary_team"]
    assert "team.multidisciplinary" in groups["practices.multidisciplinary_team"]
    assert "residents[].service_plan" in groups


def test_nothing_is_fetched_from_the_network() -> None:
    text = html_of(batch()[:5])
    page = parse(text)
    assert not page.all("script") and not page.all("link") and not page.all("img") and not page.all("iframe")
    for node in page.all():
        for name in ("src", "href"):
            value = node.attrs.get(name, "")
            assert not value or value.startswith("#"), value
    assert not re.search(r"url\((?!#)", text) and "@import" not in text


def test_ids_and_names_are_data_never_markup() -> None:
    text = html_of([hostile_item()])
    page = parse(text)
    assert not page.all("script")
    assert all(b.content().isdigit() for b in page.all("b"))  # only the summary cards' own numbers
    assert page.all("h1")[0].content() == printable(HOSTILE_NAME)
    assert printable(HOSTILE_ID) in page.content()
    assert "\x1b" not in text and "\u202e" not in text
    assert page.all("section", class_="report")[0].attrs["data-institution"] == printable(HOSTILE_ID)


def test_a_batch_has_a_cover_and_one_page_per_institution() -> None:
    items = batch()[:12]
    page = parse(html_of(items))
    pages = page.all("section", class_="page")
    assert pages[0].attrs["class"] == "page cover"
    assert len(pages) == 1 + len(items)
    assert "error" in pages[3].attrs["class"].split()  # the bad line, in its place
    links = [a.attrs["href"] for a in pages[0].all("a")]
    targets = {n.attrs["id"] for n in page.all() if "id" in n.attrs}
    assert links and all(link[1:] in targets for link in links)
    cover_rows = pages[0].all("tr", **{"data-institution": items[0].report.institution.id})  # type: ignore[union-attr]
    assert len(cover_rows) == 1


def test_summary_alone_is_the_cover_and_english_is_english() -> None:
    page = parse(html_of(batch()[:6], summary=True, lang="en"))
    assert [s.attrs["class"] for s in page.all("section", class_="page")] == ["page cover"]
    assert page.all("html")[0].attrs["lang"] == "en"
    assert page.all("h1")[0].content().startswith("Compliance check")


def test_a_bad_input_alone_is_a_page_that_says_so() -> None:
    page = parse(html_of([bad_item()]))
    assert page.all("ul", class_="errors")[0].content()


def _snapshot_tool():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("html_snapshot", ROOT / "tools" / "html_snapshot.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(
    # In CI (.ci/run installs Chromium) a missing browser is a failure, not a skip.
    not Path("/usr/bin/chromium").exists() and shutil.which("chromium") is None and not os.environ.get("CI"),
    reason="headless Chromium is not installed (Debian package chromium); .ci/run installs it",
)
@pytest.mark.parametrize("items", ["sample", "batch"])
def test_chromium_renders_it_to_png_and_pdf(tmp_path: Path, items: str) -> None:
    tool = _snapshot_tool()
    chosen = [sample_item()] if items == "sample" else list(batch()[:4])
    html_path = tmp_path / "report.html"
    html_path.write_text(html_of(chosen), encoding="utf-8")
    png, pdf = tmp_path / "report.png", tmp_path / "report.pdf"
    tool.shoot(tool.chromium(), html_path, png, pdf)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png.read_bytes()[16:20], "big"), int.from_bytes(png.read_bytes()[20:24], "big")
    assert (width, height) == (1000, 1400)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
    # One institution's report is several A4 pages; a batch adds a cover and a page break each.
    assert pages >= (2 if items == "sample" else 1 + len(chosen) * 2)
    try:
        from PIL import Image  # noqa: PLC0415
    except ImportError:
        return
    colours = Image.open(png).convert("RGB").getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 50  # text, cards and the calendar, not a blank page


def test_a_window_over_two_years_gets_one_calendar_row_per_year() -> None:
    from render_items import check, sample_data  # noqa: PLC0415
    from yiyang_rules.report import SourceRef  # noqa: PLC0415

    data = sample_data()
    data["period"] = {"start": "2025-04-01", "end": "2026-08-31"}
    page = parse(html_of([check(data, SourceRef(file="two-years.json"))]))
    strip = next(s for s in page.all("div", class_="strip") if s.attrs.get("data-rule") == "fire.inspection-monthly")
    (svg,) = strip.all("svg")
    assert [t.content() for t in svg.all("text", class_="year")] == ["2025", "2026"]
    cells = {c.attrs["data-period"]: c.all("rect")[0].attrs for c in svg.all("g", class_="cell")}
    assert len(cells) == 17
    # April 2025 and April 2026 share a column, a row apart; the strip is at most twelve months wide.
    assert cells["2025-04"]["x"] == cells["2026-04"]["x"]
    assert float(cells["2026-04"]["y"]) > float(cells["2025-04"]["y"])
    assert float(svg.attrs["width"]) <= 40 + 12 * 50
