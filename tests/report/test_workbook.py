"""workbook.xlsx: sheets, headers, filters, formula-like text."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from pipeline.config import DEFAULT_CORPUS
from pipeline.runs.compare import compare_run

MANUAL = DEFAULT_CORPUS / "_coding_manual.csv"


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
