"""The document registry: numbers, dates, bundled source texts, article spans and quote search.

Quotes are matched after Unicode NFKC and the removal of all whitespace on both sides, because the
PDF-extracted texts break lines mid-sentence and mix full-width and half-width punctuation.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import cache
from pathlib import Path

from .resources import sources_dir
from .yamlfile import decode_yaml_bytes, load_yaml_file, read_regular_file

_WHITESPACE = re.compile(r"\s+")
_SECTION = re.compile(r"^([一二三四五六七八九十]+)、")
_ARTICLE = re.compile(r"^[（(]\s*([一二三四五六七八九十]+)\s*[)）]")


def normalise(text: str) -> str:
    """NFKC, then drop every whitespace character."""
    return _WHITESPACE.sub("", unicodedata.normalize("NFKC", text))


@dataclass(frozen=True)
class ArticleSpan:
    label: str
    start: int
    end: int


@dataclass(frozen=True)
class QuoteMatch:
    found: bool
    article_ok: bool
    closest: str = ""
    found_in: tuple[str, ...] = ()


@dataclass(frozen=True)
class Document:
    number: str
    file: str
    sha256: str
    title: str
    issuer: str
    layer: str
    date: dt.date | None
    date_note: str
    in_force_no_later_than: dt.date | None
    text: str = field(repr=False)
    normalised: str = field(repr=False)
    articles: tuple[ArticleSpan, ...] = field(repr=False)

    @property
    def actual_sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @property
    def text_changed(self) -> bool:
        return self.actual_sha256 != self.sha256

    @property
    def known_in_force_from(self) -> dt.date | None:
        """The earliest day the document is known to be in force: its date, else what is known."""
        return self.date or self.in_force_no_later_than

    def article(self, label: str) -> ArticleSpan | None:
        wanted = normalise(label)
        for span in self.articles:
            if normalise(span.label) == wanted:
                return span
        return None

    def find_quote(self, quote: str, label: str) -> QuoteMatch:
        needle = normalise(quote)
        span = self.article(label)
        if needle and needle in self.normalised:
            if span is not None and needle in self.normalised[span.start : span.end]:
                return QuoteMatch(True, True)
            holders = tuple(a.label for a in self.articles if needle in self.normalised[a.start : a.end])
            return QuoteMatch(True, False, found_in=holders)
        return QuoteMatch(False, span is not None, closest=self.closest_passage(needle))

    def closest_passage(self, needle: str) -> str:
        """The passage of the source most like ``needle``, anchored on their longest common run."""
        if not needle:
            return ""
        matcher = SequenceMatcher(None, self.normalised, needle, autojunk=False)
        match = matcher.find_longest_match(0, len(self.normalised), 0, len(needle))
        start = max(0, match.a - match.b)
        return self.normalised[start : start + len(needle) + 4]


def _article_spans(text: str, extra: list[dict[str, str]]) -> tuple[ArticleSpan, ...]:
    """Sections (``七``) and numbered articles (``七（二十四）``) found at line starts."""
    marks: list[tuple[int, str, bool]] = []  # (offset in normalised text, label, is_section)
    offset = 0
    section = ""
    for line in text.splitlines():
        stripped = line.strip()
        if m := _SECTION.match(stripped):
            section = m.group(1)
            marks.append((offset, section, True))
        elif (m := _ARTICLE.match(stripped)) and section:
            marks.append((offset, f"{section}（{m.group(1)}）", False))
        offset += len(normalise(line))
    total = offset
    normalised = normalise(text)
    for item in extra:
        pos = normalised.find(normalise(item["marker"]))
        if pos >= 0:
            marks.append((pos, item["label"], True))
    marks.sort()
    spans: list[ArticleSpan] = []
    if marks and marks[0][0] > 0:
        spans.append(ArticleSpan("前言", 0, marks[0][0]))
    for index, (start, label, is_section) in enumerate(marks):
        # A section runs to the next section; an article to the next mark of any kind.
        later = [m for m in marks[index + 1 :] if m[2] or not is_section]
        end = later[0][0] if later else total
        spans.append(ArticleSpan(label, start, end))
    return tuple(spans)


@dataclass(frozen=True)
class Registry:
    documents: dict[str, Document]

    def get(self, number: str) -> Document | None:
        return self.documents.get(number) or self._by_normalised().get(normalise(number))

    @cache  # noqa: B019 - the registry is immutable and lives as long as the process
    def _by_normalised(self) -> dict[str, Document]:
        return {normalise(k): v for k, v in self.documents.items()}

    def __hash__(self) -> int:
        return id(self)


class RegistryError(ValueError):
    """A ``registry.yaml`` that does not load; ``problems`` name the file and line."""

    def __init__(self, problems: list[tuple[str, int | None, str]]) -> None:
        super().__init__("; ".join(f"{f}:{line or ''}: {m}" for f, line, m in problems))
        self.problems = problems


def _read_registry(folder: Path) -> dict[str, Document]:
    """The documents of one ``registry.yaml``, read with the rule files' strict loader and checked
    field by field (a registry in a pack from another repository is input like any rule file)."""
    from pydantic import ValidationError  # noqa: PLC0415 - only validation and packs read registries

    from .rulefile import SourceRegistry  # noqa: PLC0415

    path = folder / "registry.yaml"
    loaded = load_yaml_file(path, folder)
    try:
        registry = SourceRegistry.model_validate(loaded.data)
    except ValidationError as exc:
        problems = []
        for item in exc.errors():
            loc = tuple(item["loc"])
            where = ".".join(str(p) for p in loc)
            problems.append((str(path), loaded.line_of(loc), f"{where}: {item['msg']}" if where else item["msg"]))
        raise RegistryError(problems) from None
    documents: dict[str, Document] = {}
    for index, entry in enumerate(registry.documents):
        try:
            raw = read_regular_file(folder / entry.file, folder, limit=20_000_000)
        except OSError as exc:
            line = loaded.line_of(("documents", index, "file"))
            raise RegistryError([(str(path), line, f"documents[{index}].file {entry.file!r}: {exc}")]) from None
        text = decode_yaml_bytes(raw)
        documents[entry.number] = Document(
            number=entry.number,
            file=entry.file,
            sha256=entry.sha256,
            title=entry.title,
            issuer=entry.issuer,
            layer=entry.layer,
            date=entry.date,
            date_note=entry.date_note,
            in_force_no_later_than=entry.in_force_no_later_than,
            text=text,
            normalised=normalise(text),
            articles=_article_spans(text, [a.model_dump() for a in entry.extra_articles]),
        )
    return documents


@cache
def load_registry(directory: Path | None = None) -> Registry:
    """The bundled registry (or the one in ``directory``)."""
    return Registry(_read_registry(directory or sources_dir()))


def layered_registry(folders: tuple[Path, ...]) -> Registry:
    """The bundled registry with each pack folder's own ``registry.yaml`` over it, in order: a pack
    from another repository cites its own documents by their numbers. Read again when a folder's
    files change (a maintainer editing a pack in a long-running process)."""
    return _layered_registry(tuple((folder, _signature(folder)) for folder in folders))


def _signature(folder: Path) -> tuple[tuple[str, int, int], ...]:
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return ()
    signature = []
    for entry in entries:
        try:
            stat = entry.stat()
        except OSError:
            continue
        signature.append((entry.name, stat.st_mtime_ns, stat.st_size))
    return tuple(signature)


@cache
def _layered_registry(folders: tuple[tuple[Path, tuple[tuple[str, int, int], ...]], ...]) -> Registry:
    documents = dict(load_registry().documents)
    for folder, _ in folders:
        documents.update(_read_registry(folder))
    return Registry(documents)
