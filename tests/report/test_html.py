"""report.html: sections, escaping, what the codes are, quotes with evidence, the matrix,
languages, Indonesian words, no folders of the researcher's computer (the page in a real
browser: test_browser.py)."""

from __future__ import annotations

import base64
import html
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.config import DEFAULT_CORPUS
from pipeline.report.data import EN, ID, RunTables
from pipeline.report.figures import NAMES
from pipeline.report.html import SECTIONS, render_report
from pipeline.report.workbook import workbook_bytes
from pipeline.runs.reportfiles import load_run_tables


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
    # kappa with its landmark and interval under it
    assert re.search(r"\d,\d\d<span class=\"landmark\">[^<]+</span>"
                     r"<span class=\"ci\">\[-?\d,\d\d; -?\d,\d\d\]</span>", agreement)
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


def _section(page: str, name: str) -> str:
    return page.split(f"<section id=\"{name}\">")[1].split("</section>")[0]


def test_the_agreement_section_says_what_was_compared(compared: Path) -> None:
    tables = load_run_tables(compared,
                             json.loads((compared / "manifest.json").read_text("utf-8")))
    said = html.unescape(_section(render_report(tables, charts={}), "agreement"))
    assert ID["scope_touched"] in said and "Transkrip yang dibandingkan (" in said
    manifest = dict(tables.manifest)
    older = {k: v for k, v in manifest["compare"].items()  # type: ignore[union-attr]
             if not k.startswith("scope")}
    before = _section(render_report(RunTables({**manifest, "compare": older}, tables.tables,
                                              tables.codebook, tables.name), charts={}),
                      "agreement")
    assert ID["scope_touched"] not in before  # a run compared before scopes: nothing said
    manifest["compare"] = {**manifest["compare"], "scope": "touched",  # type: ignore[dict-item]
                           "scope_transcripts": ["01-kabag-umum", "02-kasubbag-tu"]}
    after = html.unescape(_section(render_report(RunTables(
        manifest, tables.tables, tables.codebook, tables.name), charts={}), "agreement"))
    assert ID["scope_touched"] in after
    assert "Transkrip yang dibandingkan (2): 01-kabag-umum, 02-kasubbag-tu." in after
    record = html.unescape(_section(render_report(RunTables(
        manifest, tables.tables, tables.codebook, tables.name), charts={}), "record"))
    assert ID["scope_name_touched"] in record
    notes = re.findall(r"<td class=\"note\"[^>]*><span class=\"v\">(.*?)</span>", after)
    assert any("sampel ulang" in n for n in notes) or not any(notes)
    assert not any("resamples" in n or "undefined" in n for n in notes)


def test_the_indonesian_page_reads_in_indonesian(compared: Path) -> None:
    from tests.report.test_labels import english_words

    page = _page(compared)
    body = page.split("<body>")[1]
    # the informants' own words, identifiers and file names are theirs, not the report's
    for tag in ("blockquote", "q", "code", "mark"):
        body = re.sub(rf"<{tag}\b.*?</{tag}>", " ", body, flags=re.S)
    disagreements = _section(page, "agreement").split(ID["disagreements"])[-1]
    body = body.replace(disagreements, " ")
    text = html.unescape(re.sub(r"<[^>]+>", " ", body))
    assert not english_words(text), sorted(set(english_words(text)))


def test_figures_are_numbered_and_say_what_they_show(sample_run: Path) -> None:
    page = html.unescape(_page(sample_run))
    captions = re.findall(r"<figcaption>(.*?)</figcaption>", page)
    assert len(captions) == len(NAMES)
    for n, caption in enumerate(captions, start=1):
        assert caption.startswith(f"<b>Gambar {n}.</b> ")
    matrix = next(c for c in captions if ID["matrix"] in c)
    assert "Angka di sel: jumlah petikan" in matrix and "warna: persentase" in matrix


def test_the_page_names_no_folder_of_the_researchers_computer(compared: Path) -> None:
    page = _page(compared)
    assert str(DEFAULT_CORPUS.resolve().parent) not in page
    assert str(compared.parent) not in page and str(Path.home()) + "/" not in page
