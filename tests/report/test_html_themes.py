"""The report's themes section: what the codes are, the theme x informant matrix with a
quote in every cell, and the best quotes per theme with their evidence marked."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from pipeline.report import data as reportdata
from pipeline.report import html_themes
from pipeline.report.data import EN, ID, RunTables
from pipeline.report.figures import MAKERS
from pipeline.report.html import render_report
from pipeline.report.html_themes import question_words, themes_section
from pipeline.runs.reportfiles import load_run_tables


def _page(folder: Path) -> str:
    return (folder / "report.html").read_text(encoding="utf-8")


def _section(page: str, name: str) -> str:
    return page.split(f"<section id=\"{name}\">")[1].split("</section>")[0]


def _tables(folder: Path) -> RunTables:
    return load_run_tables(folder, json.loads((folder / "manifest.json").read_text("utf-8")))


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


def _matrix_tables(page: str) -> list[str]:
    return [part.split("</table>")[0] for part in
            page.split("<table class=\"matrix cards\">")[1:]]


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def test_the_matrix_quotes_a_full_sentence_with_its_evidence(sample_run: Path) -> None:
    # "Kekeluargaan." is no evidence: a cell's quote is the sentence with the evidence and
    # its neighbours, at least 12 words where the passage has them, the evidence marked.
    page = _page(sample_run)
    tables = _matrix_tables(page)
    cells = pd.read_parquet(sample_run / "theme_matrix.parquet")
    passages = pd.read_parquet(sample_run / "passages.parquet").set_index("passage_id")
    quoted = cells[cells["passages"] > 0]
    found = re.findall(r"<td [^>]*title=\"([^\"]+)\">(.*?)</td>", "".join(tables))
    assert len(found) == len(quoted) > 50
    short = 0
    for pid, body in found:
        quote = re.search(r"<q>(.*?)</q>", body)
        assert quote is not None, body
        said = _text(quote.group(1)).split()
        available = len(str(passages.loc[pid, "text"]).split())
        assert len(said) >= min(12, available), (pid, said)
        assert len(said) <= 40 + 2  # and never the whole of a long answer (… marks a cut)
        short += len(said) < 12
    assert short <= 2  # only passages shorter than 12 words
    assert sum("<mark>" in body for _, body in found) >= 0.9 * len(found)
    for pid, body in found:  # the informant's own words, from the cell's best passage
        said = _text(re.search(r"<q>(.*?)</q>", body).group(1)).strip("… ")  # type: ignore[union-attr]
        assert " ".join(said.split()) in " ".join(str(passages.loc[pid, "text"]).split())


def test_a_large_run_shows_the_informants_with_most_passages(
        sample_run: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # An archive of 1,000 informants cannot be a table of 1,000 columns: the matrix and
    # the heatmaps keep the informants who said most, and the report says how many.
    monkeypatch.setattr(reportdata, "MAX_SHOWN", 3)
    tables = load_run_tables(sample_run,
                             json.loads((sample_run / "manifest.json").read_text("utf-8")))
    page = render_report(tables, charts={})
    (matrix,) = _matrix_tables(page)
    m = pd.read_parquet(sample_run / "theme_matrix.parquet")
    per_informant = m.drop_duplicates(["transcript_id", "display"])
    assert len(per_informant) > 3
    most = per_informant.nlargest(3, "informant_passages", keep="first")
    least = per_informant.nsmallest(1, "informant_passages").iloc[0]
    head = matrix.split("</thead>")[0]
    assert head.count("<th scope=\"col\">") == 1 + 3
    for speaker in most["display"]:
        assert f"<th scope=\"col\">{html.escape(speaker)}" in head
    assert f"<th scope=\"col\">{html.escape(least.display)}" not in head
    assert ID["shown_informants"].format(shown=3, total=len(per_informant)) in page
    chart = MAKERS["theme_informant"](tables, "id")
    assert chart is not None and chart.png.startswith(b"\x89PNG")


def test_the_report_says_what_the_codes_are(sample_run: Path, compared: Path,
                                            trained_run: Path) -> None:
    # Without it a reader takes tematik's codes for the researcher's own coding.
    page = _page(sample_run)
    head = page.split("</header>")[0]
    assert ID["auto_codes"] in head and "href=\"#method\"" in head
    method = _section(page, "themes").split("<div class=\"method\" id=\"method\">")[1]
    method = html.unescape(method.split("</div>")[0])
    assert "dibuat otomatis oleh tematik, bukan oleh peneliti" in method
    assert "kata kunci dan frasa buku kode kinerja-aparatur" in method
    assert "ambang 1,5" in method and "pertanyaan pewawancara" in method  # what a score is
    assert re.search(r"\d+ dari \d+ petikan informan dikode", method)
    assert ID["method_no_agreement"] in method  # not yet compared: says so
    # how the informant-speech model weighs in: the dimension, and what it leaves uncoded
    assert "memilih dimensi kinerja" in method and "di bawah 0,2" in method
    compared_method = html.unescape(_section(_page(compared), "themes").split("</div>")[0])
    assert re.search(r"Dibandingkan dengan pengodean manual \(dua\.csv\) pada 105 unit: kappa "
                     r"Cohen \d,\d\d \((rendah|cukup|sedang|substansial)\), F1 \d,\d\d\.",
                     compared_method)
    assert "<a href=\"#agreement\">" in compared_method
    trained = html.unescape(_section(_page(trained_run), "themes").split("</div>")[0])
    assert "dilatih pada pengodean peneliti (corpus/_coding_manual.csv" in trained


def test_the_english_report_says_so_too(sample_run: Path) -> None:
    tables = load_run_tables(sample_run,
                             json.loads((sample_run / "manifest.json").read_text("utf-8")))
    page = html.unescape(render_report(tables, lang="en", charts={}))
    assert "made automatically by tematik, not by the researcher" in page
    assert "threshold 1.5" in page


def test_the_matrix_is_cut_into_balanced_tables_that_show_everyone(
        sample_run: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tables = _tables(sample_run)
    monkeypatch.setattr(html_themes, "MATRIX_COLUMNS", 2)
    section = themes_section(tables, ID, "id", {})
    assert section is not None
    parts = _matrix_tables(section)
    people = tables.table("theme_matrix").drop_duplicates(["transcript_id", "display"])
    heads = [re.findall(r"<th scope=\"col\">", p.split("</thead>")[0]) for p in parts]
    widths = [len(h) - 1 for h in heads]  # less the theme column
    assert len(parts) == -(-len(people) // 2) and sum(widths) == len(people)
    assert max(widths) - min(widths) <= 1
    assert ID["matrix_part"].format(n=1, of=len(parts)) in parts[0]


def test_a_run_without_codings_has_no_themes_section(sample_run: Path) -> None:
    tables = _tables(sample_run)
    empty = RunTables(tables.manifest, {k: v for k, v in tables.tables.items()
                                        if k not in ("codings", "theme_matrix")},
                      tables.codebook, tables.name)
    assert themes_section(empty, EN, "en", {}) is None
    assert themes_section(tables, EN, "en", {}) is not None


def test_question_words_are_the_evidence_from_the_interviewers_question() -> None:
    evidence = "teladan; pertanyaan: kepemimpinan; kasih contoh; pertanyaan:gaya pimpin"
    assert question_words(evidence) == ["kepemimpinan", "gaya pimpin"]
    assert question_words("teladan; beliau") == []
    assert question_words(None) == []
