"""Transcripts kept as tables: question | answer columns, details above the header row."""

from __future__ import annotations

from pathlib import Path

import docx
import openpyxl

from pipeline.readers.ingest import ingest
from pipeline.types import INFORMANT, INTERVIEWER
from tests.conftest import write

QA = [("Bagaimana peran BPBD dalam penanganan banjir?",
       "Kita yang koordinasi, Mas, dari peringatan dini sampai evakuasi.\n"
       "Logistik juga kita yang siapin, tenda, perahu karet."),
      ("Wilayah mana yang paling sering terdampak?",
       "Yang di bantaran Sungai Cisadane, eh, tiap tahun pasti kena.")]


def test_word_table_no_p_n_with_details_and_legend(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Nama Informan : Teguh Santoso")
    document.add_paragraph("Jabatan : Kepala Seksi Kedaruratan")
    table = document.add_table(rows=1, cols=3)
    for cell, text in zip(table.rows[0].cells, ("No", "P", "N"), strict=True):
        cell.text = text
    for n, (q, a) in enumerate(QA, 1):
        cells = table.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = f"{n}.", q, a
    document.add_paragraph("Keterangan: P = Peneliti, N = Narasumber")
    document.save(str(tmp_path / "bpbd.docx"))
    corpus = ingest([tmp_path / "bpbd.docx"])
    assert [(t.speaker, t.who, t.role) for t in corpus.turns] == [
        ("P", "Peneliti", INTERVIEWER), ("N", "Teguh Santoso", INFORMANT)] * 2
    assert corpus.turns[1].text == QA[0][1]  # both paragraphs of the cell
    assert "Keterangan" not in " ".join(t.text for t in corpus.turns)


def test_sheet_with_a_details_block_above_pertanyaan_jawaban(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Nama Informan : Rudi Setiawan"])
    sheet.append(["Jabatan : Kepala Puskesmas Karang Anyar"])
    sheet.append(["Pewawancara : Laila Fitriani"])
    sheet.append([])
    sheet.append(["No", "Pertanyaan", "Jawaban"])
    for n, (q, a) in enumerate(QA, 1):
        sheet.append([n, q, a])
    book.save(tmp_path / "akreditasi.xlsx")
    corpus = ingest([tmp_path / "akreditasi.xlsx"])
    [transcript] = corpus.transcripts
    assert transcript.metadata["informant"] == "Rudi Setiawan"
    assert [(t.speaker, t.who, t.role) for t in corpus.turns] == [
        ("Pertanyaan", "Laila Fitriani", INTERVIEWER), ("Jawaban", "Rudi Setiawan", INFORMANT)
    ] * 2
    assert [t.text for t in corpus.turns[:2]] == list(QA[0])


def test_csv_question_and_answer_columns(tmp_path: Path) -> None:
    rows = "\n".join(f'"{q}";"{a}"' for q, a in QA)
    corpus = ingest([write(tmp_path / "qa.csv", f"pertanyaan;jawaban\n{rows}\n")])
    assert [t.role for t in corpus.turns] == [INTERVIEWER, INFORMANT] * 2
    assert corpus.turns[3].text == QA[1][1]
