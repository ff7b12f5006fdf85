"""Subtitles, Word files and spreadsheets as researchers have them, read into labelled lines
or tables of strings."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pandas as pd
import pytest

from pipeline.errors import InputFileError
from pipeline.limits import InputLimits
from pipeline.readers.formats import (
    docx_to_text,
    find_column,
    pick_column,
    read_bounded,
    read_sheet,
    read_table,
    subtitles_to_text,
)
from tests.conftest import write


def test_a_one_column_sheet_keeps_commas_in_its_texts(tmp_path: Path) -> None:
    sheet = write(tmp_path / "k.csv", "kutipan\nSaya lapor ke pimpinan, terus pulang.\n")
    assert read_sheet(sheet)["kutipan"].tolist() == ["Saya lapor ke pimpinan, terus pulang."]
    shifted = write(tmp_path / "g.csv", "kode,kutipan\nsdm,nggak ada diklat, Mas\n")
    with pytest.raises(InputFileError, match="more fields than the header"):
        read_sheet(shifted)


# -- subtitles ---------------------------------------------------------------------------------


def test_vtt_cues_of_one_voice_become_one_turn_without_tags_or_notes() -> None:
    vtt = ("WEBVTT\n\n00:00:01.000 --> 00:00:03.500\n<v Peneliti>Mas Rudi udah lama di sini?\n\n"
           "00:00:04.000 --> 00:00:06.000\n<v.loud Rudi>ya <i>kurang lebih</i> tiga tahun lah\n\n"
           "00:00:06.000 --> 00:00:08.000\n<v Rudi>eh, awalnya di TU gitu\n\n"
           "NOTE catatan transkriptor, bukan ucapan\n")
    text, voices = subtitles_to_text(vtt)
    assert text == ("Peneliti: Mas Rudi udah lama di sini?\n"
                    "Rudi: ya kurang lebih tiga tahun lah\neh, awalnya di TU gitu\n")
    assert voices == {"Peneliti", "Rudi"}


def test_srt_labels_in_cues_are_trusted_and_a_repeated_label_continues_the_turn() -> None:
    srt = ("1\n00:00:01,000 --> 00:00:03,000\nPENELITI: Mbak Dewi honorer ya?\n\n"
           "2\n00:00:03,500 --> 00:00:05,000\nDEWI: Iya, udah lima tahun.\n\n"
           "3\n00:00:05,000 --> 00:00:07,000\nDEWI: Gajinya ya gitu lah, pas-pasan.\n\n"
           "4\n00:00:07,000 --> 00:00:08,000\nnggak cukup, Mbak.\n")
    text, voices = subtitles_to_text(srt)
    assert text == ("PENELITI: Mbak Dewi honorer ya?\nDEWI: Iya, udah lima tahun.\n"
                    "Gajinya ya gitu lah, pas-pasan.\nnggak cukup, Mbak.\n")
    assert voices == {"PENELITI", "DEWI"}


# -- Word --------------------------------------------------------------------------------------


def docx_bytes(document: docx.document.Document) -> bytes:
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def test_a_numbered_question_and_answer_table_gives_the_turns_in_order() -> None:
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "Transkrip Wawancara - Rahasia"
    document.sections[0].footer.paragraphs[0].text = "Halaman 1"
    document.add_paragraph("Informan: Ibu Sri Wahyuni")
    rows = [("No", "Pertanyaan", "Jawaban"),
            ("1.", "Gimana kondisi sarananya, Bu?", "Printernya rusak, udah dua bulan gitu."),
            ("2.", "Udah dilaporin?", "Udah, tapi ya anggarannya belum turun, Mas.")]
    table = document.add_table(rows=0, cols=3)
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = value
    text, names = docx_to_text(docx_bytes(document), "sarana.docx")
    assert text == ("Informan: Ibu Sri Wahyuni\n"
                    "Pertanyaan: Gimana kondisi sarananya, Bu?\n"
                    "Jawaban: Printernya rusak, udah dua bulan gitu.\n"
                    "Pertanyaan: Udah dilaporin?\n"
                    "Jawaban: Udah, tapi ya anggarannya belum turun, Mas.\n")
    assert names == {"Pertanyaan", "Jawaban"}


def test_a_speaker_table_with_a_header_row_gives_labelled_lines() -> None:
    document = docx.Document()
    table = document.add_table(rows=0, cols=2)
    for who, said in (("Pembicara", "Ucapan"), ("**Pewawancara**", "Gimana, Pak?"),
                      ("[Pak Joko]:", "Ya, ehm, lumayan lah.")):
        cells = table.add_row().cells
        cells[0].text, cells[1].text = who, said
    text, names = docx_to_text(docx_bytes(document), "a.docx")
    assert text == "Pewawancara: Gimana, Pak?\nPak Joko: Ya, ehm, lumayan lah.\n"
    assert names == {"Pewawancara", "Pak Joko"}


def test_an_empty_word_file_says_so() -> None:
    with pytest.raises(InputFileError, match="the Word file has no text"):
        docx_to_text(docx_bytes(docx.Document()), "kosong.docx")


# -- sheets ------------------------------------------------------------------------------------


def test_a_csv_from_an_indonesian_excel_uses_semicolons_and_cp1252() -> None:
    data = ("Pembicara;Teks\nPeneliti;Gimana, Pak?\n"
            "Pak Joko;Ya \u201clumayan\u201d, Caf\u00e9-nya rame\n")
    frame, encoding, notes = read_table(data.encode("cp1252"), "a.csv", ".csv")
    assert encoding == "cp1252" and notes == ()
    assert frame.columns.tolist() == ["Pembicara", "Teks"]
    assert frame["Teks"].tolist() == ["Gimana, Pak?", "Ya \u201clumayan\u201d, Café-nya rame"]


def test_an_unclosed_quote_names_the_line_and_too_many_rows_the_limit() -> None:
    with pytest.raises(InputFileError, match="malformed CSV") as info:
        read_table(b'kode,kutipan\nsdm,"nggak ada diklat\nx,y\n', "a.csv", ".csv")
    assert "quotes" in str(info.value.fix)
    rows = "kutipan\n" + "".join(f"jawaban {i}\n" for i in range(4))
    with pytest.raises(InputFileError, match="more than 3 rows"):
        read_table(rows.encode(), "a.csv", ".csv", InputLimits(max_table_rows=3))


def test_an_xlsx_sheet_is_read_as_strings(tmp_path: Path) -> None:
    pd.DataFrame({"kode": ["sdm", "sarana"], "nomor": [1, 2]}).to_excel(
        tmp_path / "k.xlsx", index=False)
    frame = read_sheet(tmp_path / "k.xlsx")
    assert frame.to_dict("list") == {"kode": ["sdm", "sarana"], "nomor": ["1", "2"]}


def test_a_sheet_of_another_kind_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match=r"expected a \.csv or \.xlsx file, got '\.ods'"):
        read_sheet(write(tmp_path / "k.ods", "x"))


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = write(tmp_path / "besar.txt", "I: ya gitu\n" * 20)
    assert read_bounded(path, "besar.txt") == path.read_bytes()
    with pytest.raises(InputFileError, match="more than the limit of 100"):
        read_bounded(path, "besar.txt", InputLimits(max_file_bytes=100))
    with pytest.raises(InputFileError, match="cannot be read"):
        read_bounded(tmp_path / "hilang.txt", "hilang.txt")


def test_columns_are_found_without_case_or_spaces_and_a_missing_one_lists_the_rest() -> None:
    frame = pd.DataFrame(columns=[" Kutipan ", "KODE"])
    assert find_column(frame, ["teks", "kutipan"]) == " Kutipan "
    assert find_column(frame, ["teks"]) is None
    assert pick_column(frame, "Kode", "k.csv", option="--code-column") == "KODE"
    with pytest.raises(InputFileError, match=r"has no column 'teks' \(its columns: "
                       r"' Kutipan ', 'KODE'\)") as info:
        pick_column(frame, "teks", "k.csv", option="--text-column")
    assert "--text-column" in str(info.value.fix)
