"""workbook.xlsx: sheets, headers, filters, formula-like text."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from pipeline.config import DEFAULT_CORPUS, RunConfig
from pipeline.runs.compare import compare_run
from pipeline.runs.run import run
from tests.conftest import write

MANUAL = DEFAULT_CORPUS / "_coding_manual.csv"


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
