"""The report: report.html, figures/ and workbook.xlsx, from a real run of the sample corpus,
a comparison with a manual coding, and a small adversarial corpus."""

from __future__ import annotations

import base64
import html
import json
import os
import re
import shutil
import signal
import subprocess
import time
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from pipeline.cli import main
from pipeline.config import DEFAULT_CORPUS, RunConfig
from pipeline.report import data as reportdata
from pipeline.report.data import EN, ID, RunTables
from pipeline.report.figures import MAKERS, NAMES
from pipeline.report.html import SECTIONS, render_report
from pipeline.report.workbook import workbook_bytes
from pipeline.runs.compare import compare_run
from pipeline.runs.reportfiles import begin_workbook, load_run_tables
from pipeline.runs.run import run
from tests.conftest import write

MANUAL = DEFAULT_CORPUS / "_coding_manual.csv"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
SCRIPT = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return run([], tmp_path_factory.mktemp("runs") / "sample").out


@pytest.fixture(scope="module")
def compared(sample_run: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample run compared with two manual coders (Rina and Andi)."""
    folder = tmp_path_factory.mktemp("compared")
    copy = folder / "sample"
    shutil.copytree(sample_run, copy)
    manual = pd.read_csv(MANUAL)
    both = pd.concat([manual.assign(coder="Rina"), manual.iloc[::2].assign(coder="Andi")])
    both.to_csv(folder / "dua.csv", index=False)
    compare_run(copy, folder / "dua.csv", n_resamples=50)
    return copy


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[tuple[str, int, int]]]:
    """Two short interviews, one with markup in an answer and one with an answer that
    looks like a spreadsheet formula; no topic model. Returns the run and its progress."""
    folder = tmp_path_factory.mktemp("tiny")
    write(folder / "in" / "01-bu-sari.txt",
          "P: Eh, gimana Bu soal pimpinan di sini?\n"
          f"I: Ya, pimpinan kita itu, ehm, memberi contoh gitu lho. {SCRIPT} Kalau apel "
          "pagi beliau udah ada duluan, disiplin banget.\n"
          "P: Terus pelayanannya gimana?\n"
          "I: Pelayanan ke masyarakat udah cepat sih, nggak ribet lagi, kan pakai aplikasi.\n")
    write(folder / "in" / "02-pak-budi.txt",
          "P: Kalau soal laporan, Pak?\n"
          "I: =1+1 ya gitu, laporan kinerja kita kirim tiap bulan, nggak pernah telat kok.\n")
    calls: list[tuple[str, int, int]] = []
    out = run([folder / "in"], folder / "run", config=RunConfig(topics=0),
              progress=lambda stage, done, total: calls.append((stage, done, total))).out
    return out, calls


class _Refs(HTMLParser):
    """Every tag and every attribute value that could make a browser load something."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.refs: list[str] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self._in_style = tag == "style"
        for name, value in attrs:
            if value is None:
                continue
            if name in ("src", "href", "xlink:href", "srcset", "action", "poster", "data",
                        "background", "formaction", "manifest", "ping", "cite"):
                self.refs.append(value)
            if name == "style":
                self.styles.append(value)
            if name == "http-equiv" and value.lower() == "refresh":
                self.refs.append("meta refresh")

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.styles.append(data)


def _refs(page: str) -> _Refs:
    parser = _Refs()
    parser.feed(page)
    parser.close()
    return parser


def _assert_loads_nothing(page: str) -> None:
    parsed = _refs(page)
    assert not {"script", "link", "iframe", "object", "embed", "base", "frame",
                "audio", "video", "source"} & set(parsed.tags)
    for ref in parsed.refs:
        assert ref.startswith(("#", "data:")), ref
    for style in parsed.styles:
        assert "@import" not in style
        for url in re.findall(r"url\(\s*['\"]?([^'\")]*)", style):
            assert url.startswith(("#", "data:")), url
    # The figures are SVG documents of their own: they must not load anything either.
    for ref in parsed.refs:
        if ref.startswith("data:image/svg+xml;base64,"):
            svg = base64.b64decode(ref.split(",", 1)[1]).decode("utf-8")
            inner = _refs(svg)
            assert "script" not in inner.tags and "foreignobject" not in inner.tags
            assert all(r.startswith(("#", "data:")) for r in inner.refs)


def _sections(page: str) -> set[str]:
    return set(re.findall(r"<section id=\"(\w+)\">", page))


def _page(folder: Path) -> str:
    return (folder / "report.html").read_text(encoding="utf-8")


def test_run_writes_the_report_the_workbook_and_every_figure(sample_run: Path) -> None:
    manifest = json.loads((sample_run / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["report"]["lang"] == "id"
    assert "report" in manifest["timings_s"]
    for name in NAMES:  # the sample run has themes and an automatic choice of K
        assert (sample_run / "figures" / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        svg = (sample_run / "figures" / f"{name}.svg").read_text(encoding="utf-8")
        assert svg.lstrip().startswith("<?xml") and "<svg" in svg
        assert f"figures/{name}.png" in manifest["report"]["files"]
    assert zipfile.is_zipfile(sample_run / "workbook.xlsx")
    page = _page(sample_run)
    assert _sections(page) == {"corpus", "themes", "topics", "record"}
    assert "Laporan analisis tematik" in page and "<html lang=\"id\">" in page


def test_report_loads_nothing_from_outside(compared: Path) -> None:
    page = _page(compared)
    _assert_loads_nothing(page)
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert page.count("data:image/svg+xml;base64,") == len(NAMES)


def test_the_checker_catches_external_references() -> None:
    for bad in ('<img src="http://x.invalid/a.png">', '<link rel="stylesheet" href="a.css">',
                '<div style="background: url(https://x.invalid/b.png)"></div>',
                '<a href="https://x.invalid">x</a>', "<script>1</script>"):
        with pytest.raises(AssertionError):
            _assert_loads_nothing(f"<html><body>{bad}</body></html>")


def test_markup_in_a_transcript_is_shown_as_text(tiny: tuple[Path, list[object]]) -> None:
    out, _ = tiny
    page = _page(out)
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    _assert_loads_nothing(page)


def test_sections_follow_the_data_the_run_has(sample_run: Path, compared: Path,
                                              tiny: tuple[Path, list[object]]) -> None:
    assert _sections(_page(tiny[0])) == {"corpus", "themes", "record"}  # --topics 0
    assert _sections(_page(sample_run)) == {"corpus", "themes", "topics", "record"}
    page = _page(compared)
    assert _sections(page) == set(SECTIONS) - {"saturation"}  # only applied runs have it
    agreement = page.split("<section id=\"agreement\">")[1].split("</section>")[0]
    for label in (ID["agreement"], ID["coder_pairs"], ID["disagreements"], "Rina – Andi",
                  "sedang", ID["missed by tematik"]):
        assert label in agreement
    assert re.search(r"\d,\d\d \[\d,\d\d; \d,\d\d\]", agreement)  # kappa with its interval
    manifest = json.loads((compared / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["report"]["lang"] == "id"


def test_an_empty_run_gives_a_report_without_crashing(tiny: tuple[Path, list[object]]) -> None:
    out, _ = tiny
    full = load_run_tables(out, json.loads((out / "manifest.json").read_text("utf-8")))
    empty = RunTables(full.manifest, {k: v.iloc[0:0] for k, v in full.tables.items()},
                      full.codebook, "kosong")
    page = render_report(empty, lang="en", charts={})
    assert "corpus" in _sections(page)
    assert workbook_bytes(empty)[:2] == b"PK"


def test_best_quotes_mark_the_evidence_and_name_the_informant(sample_run: Path) -> None:
    page = _page(sample_run)
    themes = page.split("<section id=\"themes\">")[1].split("</section>")[0]
    codings = pd.read_parquet(sample_run / "codings.parquet")
    evidence = {w.strip().casefold() for e in codings["evidence"] for w in str(e).split(";")}
    marks = re.findall(r"<mark>(.*?)</mark>", themes)
    assert len(marks) > 20
    for mark in marks:
        words = mark.casefold()
        assert words in evidence or any(words in e or e in words for e in evidence), mark
    quotes = re.findall(r"<blockquote>.*?</blockquote>", themes)
    speakers = set(pd.read_parquet(sample_run / "passages.parquet")["display"])
    assert quotes and all(any(s in q for s in speakers) for q in quotes)
    assert "Bapak Drs. H. Ahmad Rasyid, M.Si., Kepala Bagian Umum" in themes


def test_the_matrix_shows_the_best_quote_in_each_cell(sample_run: Path) -> None:
    page = _page(sample_run)
    matrix = page.split("<table class=\"matrix\">")[1].split("</table>")[0]
    cells = pd.read_parquet(sample_run / "theme_matrix.parquet")
    quoted = cells[cells["passages"] > 0]
    assert len(quoted) > 50
    for quote in quoted["best_quote"]:
        assert f"<q>{html.escape(quote, quote=True)}</q>" in matrix


def test_a_large_run_shows_the_informants_with_most_passages(
        sample_run: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # An archive of 1,000 informants cannot be a table of 1,000 columns: the matrix and
    # the heatmaps keep the informants who said most, and the report says how many.
    monkeypatch.setattr(reportdata, "MAX_SHOWN", 3)
    tables = load_run_tables(sample_run,
                             json.loads((sample_run / "manifest.json").read_text("utf-8")))
    page = render_report(tables, charts={})
    matrix = page.split("<table class=\"matrix\">")[1].split("</table>")[0]
    m = pd.read_parquet(sample_run / "theme_matrix.parquet")
    per_informant = m.drop_duplicates(["transcript_id", "display"])
    assert len(per_informant) > 3
    most = per_informant.nlargest(3, "informant_passages", keep="first")
    least = per_informant.nsmallest(1, "informant_passages").iloc[0]
    head = matrix.split("</thead>")[0]
    assert head.count("<th>") == 1 + 3
    for speaker in most["display"]:
        assert f"<th>{html.escape(speaker)}<br>" in head
    assert f"<th>{html.escape(least.display)}<br>" not in head
    assert ID["shown_informants"].format(shown=3, total=len(per_informant)) in page
    chart = MAKERS["theme_informant"](tables, "id")
    assert chart is not None and chart.png.startswith(b"\x89PNG")


def test_report_lang_en_switches_the_labels(sample_run: Path, tmp_path: Path) -> None:
    copy = tmp_path / "sample"
    shutil.copytree(sample_run, copy)
    result = CliRunner().invoke(main, ["report", str(copy), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert f"wrote {copy / 'report.html'}" in result.output
    page = _page(copy)
    assert "<html lang=\"en\">" in page and EN["title"] in page and ID["title"] not in page
    for key in ("corpus", "themes", "topics", "record", "matrix", "k_selection"):
        assert EN[key] in page
    assert (copy / "figures" / "k_selection.png").read_bytes() != (
        sample_run / "figures" / "k_selection.png").read_bytes()  # axis labels in English
    manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["report"]["lang"] == "en"


def test_tematik_report_rewrites_the_same_bytes(sample_run: Path, tmp_path: Path) -> None:
    copy = tmp_path / "sample"
    shutil.copytree(sample_run, copy)
    for path in [copy / "report.html", copy / "workbook.xlsx", *(copy / "figures").iterdir()]:
        path.unlink()
    result = CliRunner().invoke(main, ["report", str(copy)])
    assert result.exit_code == 0, result.output
    for name in ["report.html", "workbook.xlsx",
                 *(f"figures/{p.name}" for p in (sample_run / "figures").iterdir())]:
        assert (copy / name).read_bytes() == (sample_run / name).read_bytes(), name
    assert not [p for p in copy.rglob(".*tmp*")]


def test_figures_are_deterministic_and_carry_no_dates(sample_run: Path) -> None:
    tables = load_run_tables(sample_run,
                             json.loads((sample_run / "manifest.json").read_text("utf-8")))
    for name in ("theme_informant", "k_selection"):
        first, second = MAKERS[name](tables, "id"), MAKERS[name](tables, "id")
        assert first is not None and second is not None
        assert first.png == second.png and first.svg == second.svg
        assert first.png == (sample_run / "figures" / f"{name}.png").read_bytes()
        assert b"Software" not in first.png and b"tIME" not in first.png
        assert b"<dc:date>" not in first.svg and b"Matplotlib v" not in first.svg


def test_workbook_sheets_have_frozen_headers_filters_and_widths(compared: Path) -> None:
    book = load_workbook(compared / "workbook.xlsx")
    assert book.sheetnames == ["run", "transcripts", "passages", "codings", "theme_matrix",
                               "theme_cooccurrence", "topics", "topic_terms",
                               "topic_prevalence", "k_report", "agreement", "agreement_pairs",
                               "disagreements"]
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A1:"), sheet.title
        assert sheet["A1"].font.bold
    passages = book["passages"]
    header = [c.value for c in passages[1]]
    text_col = passages.cell(row=1, column=header.index("text") + 1).column_letter
    # Excel stores a width in characters plus its cell padding (80 -> 80.71)
    assert 40 <= passages.column_dimensions[text_col].width <= 81
    assert passages[f"{text_col}2"].alignment.wrap_text
    id_col = passages.cell(row=1, column=header.index("passage_id") + 1).column_letter
    assert 15 <= passages.column_dimensions[id_col].width <= 40
    assert passages.max_row == len(pd.read_parquet(compared / "passages.parquet")) + 1
    codings = book["codings"]
    assert {"evidence", "evidence_spans", "text"} <= {c.value for c in codings[1]}
    assert book["disagreements"].max_row == len(
        pd.read_parquet(compared / "disagreements.parquet")) + 1
    assert "transcripts" in book.sheetnames and "text" not in [
        c.value for c in book["transcripts"][1]]


def test_workbook_keeps_formula_like_answers_as_text(tiny: tuple[Path, list[object]]) -> None:
    out, _ = tiny
    sheet = load_workbook(out / "workbook.xlsx")["passages"]
    header = [c.value for c in sheet[1]]
    texts = [sheet.cell(row=r, column=header.index("text") + 1) for r in
             range(2, sheet.max_row + 1)]
    formula = [c for c in texts if str(c.value).startswith("=1+1")]
    assert formula and all(c.data_type == "s" for c in formula)
    with zipfile.ZipFile(out / "workbook.xlsx") as z:
        assert not any("<f>" in z.read(n).decode("utf-8") for n in z.namelist()
                       if n.startswith("xl/worksheets/"))


def test_run_reports_progress_stage_by_stage(tiny: tuple[Path, list[tuple[str, int, int]]]
                                             ) -> None:
    _, calls = tiny
    stages = [stage for stage, _, _ in calls]
    assert stages == ["ingest", "segment", "normalise", "themes", "write", "report", ""]
    assert [done for _, done, _ in calls] == [0, 1, 2, 3, 4, 5, 6]
    assert {total for _, _, total in calls} == {6}


def test_report_of_a_folder_that_is_not_a_run(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["report", str(tmp_path)])
    assert result.exit_code == 1
    assert "no readable manifest.json" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "report.html").exists()


def test_labels_exist_in_both_languages() -> None:
    assert set(ID) == set(EN)
    assert all(ID[k] and EN[k] for k in ID)


def test_the_report_renders_in_a_headless_browser(compared: Path, tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        pytest.skip("no /usr/bin/chromium: install Debian's chromium package (.ci/run does "
                    "when it runs as root) to render the report in a real browser")
    url = (compared / "report.html").resolve().as_uri()
    base = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}",
            "--enable-logging=stderr", "--v=0"]
    shot = tmp_path / "report.png"
    done = subprocess.run([*base, f"--screenshot={shot}", "--window-size=1280,900", url],
                          capture_output=True, text=True, timeout=120, check=False)
    dom = subprocess.run([*base, "--dump-dom", url], capture_output=True, text=True,
                         timeout=120, check=False)
    console = [line for line in (done.stderr + dom.stderr).splitlines()
               if ":CONSOLE" in line or "Refused to" in line or "net::ERR" in line]
    assert not console, console
    for section in [s for s in SECTIONS if s != "saturation"]:
        assert f"<section id=\"{section}\">" in dom.stdout
    assert "<mark>" in dom.stdout and "<script" not in dom.stdout.lower()
    from PIL import Image

    with Image.open(shot) as image:
        assert image.size == (1280, 900)
        colours = image.convert("RGB").getcolors(maxcolors=100_000)
        assert colours is None or len(colours) > 20  # text and tables, not a blank page
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copyfile(shot, ARTIFACTS / "report.png")
    (ARTIFACTS / "report-chromium-stderr.txt").write_text(done.stderr, encoding="utf-8")


def test_ctrl_c_leaves_the_workbook_worker_to_the_run(sample_run: Path,
                                                       capfd: pytest.CaptureFixture[str]
                                                       ) -> None:
    # Ctrl-C reaches every process of the run; the worker writing the workbook must not
    # answer it with a traceback on the researcher's terminal: the run stops it.
    with begin_workbook(sample_run) as book:
        if book is None:
            pytest.skip("workers are not forked here")
        time.sleep(0.5)  # let the worker start
        os.kill(book._process.pid, signal.SIGINT)
        time.sleep(0.5)
        assert book._process.is_alive()
    assert not book._process.is_alive()
    assert "Traceback" not in capfd.readouterr().err
