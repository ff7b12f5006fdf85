"""report.html: sections, escaping, quotes with evidence, the matrix, languages, and the page
in a real browser."""

from __future__ import annotations

import base64
import html
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.config import DEFAULT_CORPUS, RunConfig
from pipeline.report import data as reportdata
from pipeline.report.data import EN, ID, RunTables
from pipeline.report.figures import MAKERS, NAMES
from pipeline.report.html import SECTIONS, render_report
from pipeline.report.workbook import workbook_bytes
from pipeline.runs.compare import compare_run
from pipeline.runs.reportfiles import load_run_tables
from pipeline.runs.run import run
from tests.conftest import ROOT, write

MANUAL = DEFAULT_CORPUS / "_coding_manual.csv"


ARTIFACTS = ROOT / "tests" / "artifacts"


CHROMIUM = Path("/usr/bin/chromium")


SCRIPT = "<script>alert(1)</script>"


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
