"""The report as a reader sees it, in a real browser: a laptop (1400 x 900), a phone
(390 x 844) and A4 paper. What is asserted is what a reader would notice: the page does not
scroll sideways, every informant of the matrix is on the screen, the agreement table's note
column can be read, figures keep readable text, every table fits the printed page, and the
page loads nothing (its Content-Security-Policy is kept: measurements run as DevTools
evaluations). Screenshots and the PDF are kept in tests/artifacts/ for a person to look at.

Skipped where /usr/bin/chromium is missing (CI installs Debian's chromium as root).
"""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from pipeline.report.data import RunTables
from pipeline.report.html import render_report
from pipeline.runs.reportfiles import load_run_tables
from tests.conftest import ROOT
from tests.report.chromium import CHROMIUM, Browser

pytestmark = pytest.mark.slow  # a real browser: run with `pytest -m slow`, as CI does

ARTIFACTS = ROOT / "tests" / "artifacts"
A4_CONTENT_PX = 703  # 210 mm less the page's 2 x 12 mm margins, at 96 CSS px per inch

MEASURE = """(() => {
  const wide = (el) => el.scrollWidth > el.clientWidth + 1;
  const box = (el) => el.getBoundingClientRect();
  const agreement = document.querySelector('#agreement table.agreement');
  return {
    viewport: window.innerWidth,
    page: document.documentElement.scrollWidth,
    scrolling: Array.from(document.querySelectorAll('.scroll, figure .frame'))
      .filter(wide).map((el) => (el.querySelector('th, img') || el).textContent.slice(0, 40)
                                || el.querySelector('img').alt),
    tables: Array.from(document.querySelectorAll('main table'))
      .filter((t) => box(t).right > window.innerWidth + 1)
      .map((t) => (t.querySelector('th') || t).textContent.slice(0, 40)),
    matrixHeads: Array.from(document.querySelectorAll('table.matrix thead th'))
      .map((th) => [th.textContent, box(th).left, box(th).right, box(th).width]),
    matrixCells: document.querySelectorAll('table.matrix tbody td:not(.empty)').length,
    noteCells: agreement ? Array.from(agreement.querySelectorAll('td.note'))
      .map((td) => [box(td).width, box(td).height]) : [],
    agreementRows: agreement ? Array.from(agreement.querySelectorAll('tbody tr'))
      .map((tr) => box(tr).height) : [],
    agreementHeads: agreement ? Array.from(agreement.querySelectorAll('thead th'))
      .map((th) => [th.textContent, box(th).right]) : [],
    figures: Array.from(document.querySelectorAll('figure img'))
      .map((img) => [img.alt, box(img).width, img.naturalWidth]),
  };
})()"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip("no /usr/bin/chromium: install Debian's chromium package (.ci/run does "
                    "when it runs as root) to look at the report in a real browser")
    with Browser() as b:
        yield b


def _tables(folder: Path) -> RunTables:
    return load_run_tables(folder, json.loads((folder / "manifest.json").read_text("utf-8")))


@pytest.fixture(scope="module")
def crowded(sample_run: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample run's report with every informant twice (16 informants, the second of each
    in a transcript of its own): a matrix wider than any laptop shows in one table."""
    run = _tables(sample_run)
    tables = dict(run.tables)
    for name in ("passages", "theme_matrix", "codings", "transcripts"):
        frame = tables[name]
        twin = frame.assign(transcript_id="x" + frame["transcript_id"].astype(str))
        if "passage_id" in twin:
            twin = twin.assign(passage_id="x" + twin["passage_id"].astype(str))
        if "best_passage_id" in twin:
            twin = twin.assign(best_passage_id="x" + twin["best_passage_id"].astype(str))
        if "display" in twin:
            twin = twin.assign(display=twin["display"].astype(str) + " (kedua)")
        tables[name] = pd.concat([frame, twin], ignore_index=True)
    folder = tmp_path_factory.mktemp("crowded")
    page = render_report(RunTables(run.manifest, tables, run.codebook, "ramai"), charts={})
    (folder / "report.html").write_text(page, encoding="utf-8")
    return folder / "report.html"


def _keep(path: Path, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copyfile(path, ARTIFACTS / name)


def _shot(browser: Browser, tmp_path: Path, name: str, selector: str = "") -> None:
    """A screenshot of the viewport (or of the element ``selector``, whole) to keep."""
    path = tmp_path / name
    if selector:
        box = browser.evaluate(f"(() => {{ const r = document.querySelector({json.dumps(selector)})"
                               ".getBoundingClientRect(); return [r.left + scrollX, "
                               "r.top + scrollY, r.width, r.height]; })()")
        data = browser.send("Page.captureScreenshot", format="png", captureBeyondViewport=True,
                            clip={"x": 0, "y": max(0, box[1] - 8),
                                  "width": browser.evaluate("innerWidth"),
                                  "height": min(box[3] + 16, 6000), "scale": 1})["data"]
        path.write_bytes(base64.b64decode(data))
    else:
        browser.screenshot(path)
    _keep(path, name)


def _measure(browser: Browser) -> dict[str, Any]:
    found = browser.evaluate(MEASURE)
    assert isinstance(found, dict)
    return found


def test_on_a_laptop_everything_is_on_the_screen(browser: Browser, compared: Path,
                                                 tmp_path: Path) -> None:
    browser.open(compared / "report.html", 1400, 900)
    m = _measure(browser)
    assert m["page"] <= m["viewport"] == 1400
    assert not m["scrolling"] and not m["tables"]
    # every informant of the matrix, in tables that fit
    heads = [h for h in m["matrixHeads"] if h[0] not in ("Tema", "Theme")]
    people = {str(d) for d in pd.read_parquet(compared / "theme_matrix.parquet")["display"]}
    assert {p for p in people if any(h[0].startswith(p) for h in heads)} == people
    assert all(h[2] <= 1400 and h[3] >= 150 for h in heads), heads
    # the agreement table: the note column wide enough to read, rows of a few lines, F1 shown
    assert m["noteCells"] and all(w >= 200 for w, _ in m["noteCells"]), m["noteCells"]
    assert max(m["agreementRows"]) < 140, m["agreementRows"]
    assert all(right <= 1400 for _, right in m["agreementHeads"])
    assert not browser.problems()  # nothing refused, nothing logged
    _shot(browser, tmp_path, "report-1400.png")
    _shot(browser, tmp_path, "report-1400-method.png", "#method")
    _shot(browser, tmp_path, "report-1400-matrix.png", "table.matrix")
    _shot(browser, tmp_path, "report-1400-agreement.png", "#agreement table.agreement")


def test_a_matrix_of_many_informants_fits_in_parts(browser: Browser, crowded: Path,
                                                   tmp_path: Path) -> None:
    browser.open(crowded, 1400, 900)
    m = _measure(browser)
    heads = [h for h in m["matrixHeads"] if h[0] not in ("Tema", "Theme")]
    assert len(heads) == 16 and all(h[2] <= 1400 for h in heads), heads
    assert m["page"] <= 1400 and not m["scrolling"]
    _shot(browser, tmp_path, "report-1400-matrix-16.png", "#themes")


def test_on_a_phone_nothing_scrolls_sideways(browser: Browser, compared: Path,
                                             tmp_path: Path) -> None:
    browser.open(compared / "report.html", 390, 844, mobile=True, scale=2)
    m = _measure(browser)
    assert m["viewport"] == 390 and m["page"] <= 390
    # tables become cards; only figures scroll, inside their frame, at a readable size
    assert not m["tables"], m["tables"]
    scrolling = [s for s in m["scrolling"] if s not in {f[0] for f in m["figures"]}]
    assert not scrolling, scrolling
    for alt, shown, natural in m["figures"]:  # never shrunk below 80% (10 pt text: 10.7 px)
        assert shown >= 0.79 * natural or shown >= 340, (alt, shown, natural)
    assert browser.evaluate("document.querySelectorAll('.swipe').length") >= 1
    _shot(browser, tmp_path, "report-390.png")
    _shot(browser, tmp_path, "report-390-matrix.png", "table.matrix")
    _shot(browser, tmp_path, "report-390-figure.png", "#fig-theme_informant")
    _shot(browser, tmp_path, "report-390-agreement.png", "#agreement")


def test_the_printed_report_fits_a4(browser: Browser, compared: Path, tmp_path: Path) -> None:
    browser.open(compared / "report.html", A4_CONTENT_PX, 1000, media="print")
    m = _measure(browser)
    assert m["page"] <= A4_CONTENT_PX
    assert not m["tables"] and not m["scrolling"], (m["tables"], m["scrolling"])
    assert all(right <= A4_CONTENT_PX for _, right in m["agreementHeads"])
    pdf = tmp_path / "report.pdf"
    browser.pdf(pdf)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    sizes = {tuple(round(float(x)) for x in box.split()[2:4]) for box in
             re.findall(rb"/MediaBox\s*\[([\d.\s]+)\]", data)}
    assert sizes == {(595, 842)}, sizes  # A4 in points, every page
    _keep(pdf, "report.pdf")
    if shutil.which("pdftoppm"):  # the first pages as pictures, for a person to look at
        subprocess.run(["pdftoppm", "-r", "60", "-png", "-l", "8", str(pdf),
                        str(ARTIFACTS / "report-print")], check=True, timeout=120)
