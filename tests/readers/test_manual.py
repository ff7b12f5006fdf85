"""Reading a researcher's manual coding and placing it on the run's transcripts."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pipeline.errors import InputFileError
from pipeline.readers.manual import TextIndex, map_codes, read_manual_sheet, read_mapping
from tests.conftest import write

TEXT = (
    "P: Gimana kepemimpinan di sini, Bu?\n"
    "I: Ya, eh, bapaknya itu turun langsung, Mbak. Nggak cuma nyuruh dari ruangan.\n"
    "P: Kalau pelayanannya?\n"
    "I: Pelayanan ke warga, ehm, masih lambat. Warga nunggu lama di loket, kadang sampai "
    "siang.\n"
)


@pytest.fixture()
def run_tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    transcripts = pd.DataFrame({"transcript_id": ["w01-kasi"], "source": ["data/W01 Kasi.docx"],
                                "text": [TEXT]})
    first = TEXT.index("Ya, eh")
    second = TEXT.index("Pelayanan ke")
    passages = pd.DataFrame({
        "passage_id": ["w01-kasi:001", "w01-kasi:002"], "transcript_id": ["w01-kasi"] * 2,
        "start": [first, second], "end": [TEXT.index("\nP: Kalau"), len(TEXT) - 1]})
    return transcripts, passages


def test_quotes_are_found_despite_case_spacing_and_quote_marks(
        tmp_path: Path, run_tables: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    sheet = write(tmp_path / "kode.csv",
                  'transkrip,kode,kutipan\n'
                  'W01 Kasi.docx,kepemimpinan,"“Bapaknya itu   TURUN langsung, mbak”"\n'
                  'w01-kasi,kinerja.responsivitas,warga nunggu lama di loket\n')
    coding = read_manual_sheet(sheet, *run_tables)
    assert not coding.unlocated
    seg = coding.segments
    assert TEXT[seg.loc[0, "start"]:seg.loc[0, "end"]] == "bapaknya itu turun langsung, Mbak"
    assert TEXT[seg.loc[1, "start"]:seg.loc[1, "end"]] == "Warga nunggu lama di loket"
    assert set(seg["located_by"]) == {"quote"} and set(seg["coder"]) == {"manual"}


def test_an_ellipsis_stands_for_omitted_words(
        tmp_path: Path, run_tables: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    sheet = write(tmp_path / "k.csv", "transcript,code,quote\n"
                  "w01-kasi,kinerja.responsivitas,Pelayanan ke warga ... masih lambat […] "
                  "sampai siang\n")
    seg = read_manual_sheet(sheet, *run_tables).segments
    assert TEXT[seg.loc[0, "start"]:seg.loc[0, "end"]].startswith("Pelayanan ke warga, ehm")
    assert TEXT[seg.loc[0, "start"]:seg.loc[0, "end"]].endswith("sampai siang")


def test_a_quote_with_small_differences_is_placed_and_a_wrong_one_reported(
        tmp_path: Path, run_tables: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    sheet = write(tmp_path / "k.csv", "transcript,code,quote\n"
                  # the researcher dropped the filler and standardised a word
                  "w01-kasi,kinerja.responsivitas,Pelayanan ke warga masih lambat. Warga "
                  "menunggu lama di loket\n"
                  "w01-kasi,sdm,Pegawainya belum pernah ikut pelatihan sama sekali\n")
    coding = read_manual_sheet(sheet, *run_tables)
    seg = coding.segments
    assert list(seg["located_by"]) == ["fuzzy"] and seg.loc[0, "similarity"] >= 0.8
    assert "nunggu lama di loket" in TEXT[seg.loc[0, "start"]:seg.loc[0, "end"]]
    assert len(coding.unlocated) == 1
    lost = coding.unlocated[0]
    assert (lost.row, lost.code) == (3, "sdm") and lost.similarity < 0.8 and lost.closest


def test_offsets_passage_ids_several_codes_and_coders(
        tmp_path: Path, run_tables: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    start = TEXT.index("Warga nunggu")
    sheet = write(tmp_path / "k.csv", "transcript,code,start,end,passage_id,coder\n"
                  f"w01-kasi,kinerja.responsivitas,{start},{start + 17},,Rina\n"
                  ",kepemimpinan; motivasi,,,w01-kasi:001,Andi\n")
    seg = read_manual_sheet(sheet, *run_tables).segments
    assert list(seg["code"]) == ["kinerja.responsivitas", "kepemimpinan", "motivasi"]
    assert list(seg["located_by"]) == ["offsets", "passage_id", "passage_id"]
    assert TEXT[seg.loc[0, "start"]:seg.loc[0, "end"]] == "Warga nunggu lama"
    assert set(seg["coder"]) == {"Rina", "Andi"}


@pytest.mark.parametrize(("body", "message"), [
    ("transcript,quote\nw01-kasi,x\n", "no code column (its columns: 'transcript', 'quote')"),
    ("transcript,code,quote\nw09,sdm,apa\n", "none of the transcripts or passages it names is "
     "in this run (transcript 'w09' on line 2)"),
    ("transcript,code,start,end\nw01-kasi,sdm,10,99999\n", "line 2: offsets 10-99999 are "
     "outside the transcript"),
    ("passage_id,code\nw01-kasi:077,sdm\n", "(passage 'w01-kasi:077' on line 2)"),
])
def test_bad_sheets_name_the_file_line_and_problem(
        tmp_path: Path, run_tables: tuple[pd.DataFrame, pd.DataFrame], body: str,
        message: str) -> None:
    sheet = write(tmp_path / "k.csv", body)
    with pytest.raises(InputFileError) as err:
        read_manual_sheet(sheet, *run_tables)
    assert str(sheet) in str(err.value) and message in str(err.value)


def test_rows_naming_what_the_run_lacks_are_skipped_with_a_warning_naming_them(
        tmp_path: Path, run_tables: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    sheet = write(tmp_path / "k.csv", "transkrip,kode,kutipan\n"
                  "w01-kasi,kepemimpinan,bapaknya itu turun langsung\n"
                  "w01-kasih,sdm,Nggak cuma nyuruh dari ruangan\n"
                  "w77 Lurah,sdm,udah gitu aja\n"
                  "w77 Lurah,motivasi,ya gimana ya\n"
                  "w01-kasi,kinerja.responsivitas,\n")
    coding = read_manual_sheet(sheet, *run_tables)
    assert coding.segments[["transcript_id", "code"]].values.tolist() == [
        ["w01-kasi", "kepemimpinan"]]
    assert list(coding.warnings) == [
        f"{sheet}, line 3: transcript 'w01-kasih' is not in this run, so the row was skipped. "
        "Did you mean 'w01-kasi'? Use a transcript's file name or id, as in the run's "
        "transcripts.csv.",
        f"{sheet}, lines 4, 5: transcript 'w77 Lurah' is not in this run, so these rows were "
        "skipped. Use a transcript's file name or id (e.g. w01-kasi).",
        f"{sheet}, line 6: a code but no quote, offsets or passage id to place it, so skipped. "
        "Fill in the coded text in the 'kutipan' column.",
    ]
    assert coding.judged.values.tolist() == [["manual", "w01-kasi", ""]]


def test_a_passage_named_without_a_code_was_judged_to_hold_no_theme(
        tmp_path: Path, run_tables: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    sheet = write(tmp_path / "petikan.csv", "passage_id,kode,pengode\n"
                  "w01-kasi:001,kepemimpinan,Sari\nw01-kasi:002,,Sari\n")
    coding = read_manual_sheet(sheet, *run_tables)
    assert coding.segments["code"].tolist() == ["kepemimpinan"]
    assert coding.judged.values.tolist() == [["Sari", "w01-kasi", "w01-kasi:001"],
                                             ["Sari", "w01-kasi", "w01-kasi:002"]]


def test_mapping_maps_codes_and_their_children_by_parent(tmp_path: Path) -> None:
    mapping = read_mapping(write(tmp_path / "map.csv", "code,theme\n"
                                 "Gaya Kepemimpinan,kepemimpinan\n"
                                 "Kinerja/Kecepatan,kinerja.responsivitas\n"
                                 "Fasilitas,sarana_prasarana\n"))
    codes = pd.Series(["gaya kepemimpinan", "Kinerja/Kecepatan", "Fasilitas/Printer rusak",
                       "sdm", "Kepemimpinan", "Lain-lain"])
    themes = ["kepemimpinan", "kinerja.responsivitas", "sarana_prasarana", "sdm"]
    assert map_codes(codes, mapping, themes).tolist() == [
        "kepemimpinan", "kinerja.responsivitas", "sarana_prasarana", "sdm", "kepemimpinan", ""]


def test_text_index_maps_back_to_original_offsets() -> None:
    index = TextIndex("Ya... “Kerja sama” itu\u00a0penting, kan?")
    start, end = index.exact("kerja sama itu penting") or (0, 0)
    assert index.text[start:end] == "Kerja sama” itu\u00a0penting"
