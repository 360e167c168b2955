"""Render a report as HTML and photograph it in headless Chromium: a PNG of the first page and a PDF.

    python tools/html_snapshot.py [SNAPSHOT.json|.jsonl ...] [--lang en] [--out DIR]

Without snapshots it uses the bundled sample. Writes report.html, report.png and report.pdf in DIR
(default: ./html-snapshot). Uses /usr/bin/chromium (or $CHROMIUM) with a fresh profile and no
network; exits 2 with a message if Chromium is not installed. CI runs it so a person can look.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from yiyang_rules.engine import Engine
from yiyang_rules.errors import InputError
from yiyang_rules.render import RENDERERS
from yiyang_rules.render.base import BatchItem, RenderOptions
from yiyang_rules.report import SourceRef
from yiyang_rules.resources import examples_dir

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]


def chromium() -> str | None:
    candidate = os.environ.get("CHROMIUM") or "/usr/bin/chromium"
    return candidate if Path(candidate).exists() else shutil.which("chromium")


def items_of(paths: list[Path]) -> list[BatchItem]:
    engine = Engine.load()
    items: list[BatchItem] = []
    for path in paths:
        lines = path.read_text(encoding="utf-8").splitlines() if path.suffix == ".jsonl" else [None]
        for number, line in enumerate(lines, start=1):
            source = SourceRef(file=str(path), line=number if line is not None else None)
            data = line if line is not None else path.read_bytes()
            if line is not None and not line.strip():
                continue
            try:
                items.append(BatchItem(source, engine.check(data, source=str(path))))
            except InputError as exc:
                items.append(BatchItem(source, error=exc))
    return items


def shoot(browser: str, html_path: Path, png: Path, pdf: Path, width: int = 1000, height: int = 1400) -> None:
    """Screenshot (the first screenful) and print to PDF, each in a fresh profile."""
    url = html_path.resolve().as_uri()
    for extra in (
        [f"--screenshot={png}", f"--window-size={width},{height}"],
        [f"--print-to-pdf={pdf}", "--no-pdf-header-footer"],
    ):
        with tempfile.TemporaryDirectory(prefix="yiyang-chromium-") as profile:
            subprocess.run(
                [browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *extra, url],
                check=True,
                capture_output=True,
                timeout=120,
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("snapshots", nargs="*", type=Path)
    parser.add_argument("--lang", choices=("zh", "en"), default="zh")
    parser.add_argument("--out", type=Path, default=Path("html-snapshot"))
    args = parser.parse_args()
    browser = chromium()
    if browser is None:
        print("error: Chromium not found (/usr/bin/chromium, or set $CHROMIUM)", file=sys.stderr)
        return 2
    paths = args.snapshots or [examples_dir() / "beijing-sample.json"]
    items = items_of(paths)
    args.out.mkdir(parents=True, exist_ok=True)
    html_path = args.out / "report.html"
    html_path.write_text(str(RENDERERS["html"].render(items, RenderOptions(lang=args.lang))), encoding="utf-8")
    png, pdf = args.out / "report.png", args.out / "report.pdf"
    shoot(browser, html_path, png, pdf)
    print(json.dumps({"html": str(html_path), "png": str(png), "pdf": str(pdf)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
