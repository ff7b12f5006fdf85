"""A researcher's sheets: checked before they are read, and CODED files of passages to train
on."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pipeline.errors import InputFileError, TematikError, UsageError
from pipeline.readers.sheets import read_coded, read_user_sheet
from tests.conftest import write


def test_a_sheet_is_checked_before_it_is_read(tmp_path: Path) -> None:
    def error(path: Path) -> str:
        with pytest.raises(TematikError) as err:
            read_user_sheet(path, what="manual coding", rows="one row per coded segment")
        return f"{err.value.exit_code} {err.value}"

    assert error(tmp_path / "koding.csv") == (
        f"2 manual coding not found: {tmp_path / 'koding.csv'}. Check the path.")
    assert error(tmp_path) == f"2 {tmp_path} is a folder, not a manual coding. Give a .csv or " \
        ".xlsx file."
    project = write(tmp_path / "skripsi.qdpx", "PK")
    assert error(project) == (
        f"2 {project} is a REFI-QDA project, not a .csv or .xlsx sheet. Give a .csv or .xlsx "
        "sheet: a REFI-QDA project goes to 'tematik run PROJECT.qdpx' (its texts) or "
        "'tematik compare RUN PROJECT.qdpx' (its codings).")
    pdf = write(tmp_path / "lampiran.pdf", "%PDF")
    assert error(pdf).startswith(f"2 {pdf} is a PDF, not a .csv or .xlsx sheet. Give a .csv "
                                 "or .xlsx sheet: copy its table into a spreadsheet")
    assert error(write(tmp_path / "kosong.csv", "")) == (
        f"1 {tmp_path / 'kosong.csv'}: the file is empty. Save the sheet again with its "
        "header and one row per coded segment.")
    assert error(write(tmp_path / "spasi.csv", "\n  \n")) == (  # blank, not empty
        f"1 {tmp_path / 'spasi.csv'}: the file is empty. Save the sheet again with its header "
        "and rows.")
    assert error(write(tmp_path / "kepala.csv", "transkrip,kode,kutipan\n")) == (
        f"1 {tmp_path / 'kepala.csv'}: only a header ('transkrip', 'kode', 'kutipan'), no "
        "rows below it. Add one row per coded segment below the header.")
    workbook = tmp_path / "dua-sheet.xlsx"
    with pd.ExcelWriter(workbook) as sheets:
        pd.DataFrame().to_excel(sheets, sheet_name="Petunjuk", index=False)
        pd.DataFrame({"kutipan": ["ya gitu"]}).to_excel(sheets, sheet_name="Data", index=False)
    assert error(workbook) == (
        f"1 {workbook}: the first sheet is empty. tematik reads the first sheet of a "
        "workbook: put the header and one row per coded segment there.")


# ----------------------------------------------------------------------------- CODED files


def test_read_coded_csv_merges_rows_and_splits_codes(tmp_path: Path) -> None:
    path = write(tmp_path / "coded.csv", (
        "kutipan,kode\n"
        '"Pimpinan kasih contoh, pegawai ikut disiplin.",kepemimpinan; budaya_organisasi\n'
        "Printernya rusak.,sarana_prasarana\n"
        '"Pimpinan kasih contoh, pegawai ikut disiplin.",motivasi\n'
        ",\n"
        "Saya kerja sepuluh tahun.,\n"
    ))
    coded = read_coded(path, text_column="Kutipan", code_column="kode")
    assert list(coded.columns) == ["id", "text", "codes", "lines"]
    assert coded["codes"].tolist() == [
        ("budaya_organisasi", "kepemimpinan", "motivasi"), ("sarana_prasarana",), ()]
    assert coded["lines"].tolist() == [(2, 4), (3,), (6,)]
    assert coded["id"].tolist() == ["line2", "line3", "line6"]


def test_read_coded_xlsx_with_ids(tmp_path: Path) -> None:
    path = tmp_path / "coded.xlsx"
    pd.DataFrame({"id": ["P1", "P2", "P1"], "teks": ["atasan tegas", "ya gitu", "atasan tegas"],
                  "tema": ["kepemimpinan", "", "motivasi;kepemimpinan"]}).to_excel(
        path, index=False)
    coded = read_coded(path, text_column="teks", code_column="tema", id_column="id")
    assert coded["id"].tolist() == ["P1", "P2"]
    assert coded["codes"].tolist() == [("kepemimpinan", "motivasi"), ()]
    pd.DataFrame({"teks": ["atasan tegas", ""], "tema": ["kepemimpinan", "motivasi"]}).to_excel(
        path, index=False)
    with pytest.raises(InputFileError, match=r"coded\.xlsx, line 3: codes motivasi but no text"):
        read_coded(path, text_column="teks", code_column="tema")


def test_read_coded_bad_files_name_the_problem(tmp_path: Path) -> None:
    path = write(tmp_path / "coded.csv", "teks,tema\natasan tegas,kepemimpinan\n")
    with pytest.raises(InputFileError) as err:
        read_coded(path, text_column="kutipan", code_column="tema")
    assert str(err.value) == (f"{path}: has no column 'kutipan' (its columns: 'teks', 'tema'). "
                              "Give the right column name with --text-column.")
    with pytest.raises(UsageError, match=r"coded\.txt is a text file, not a \.csv or \.xlsx "
                       r"sheet\. Give --train a \.csv or \.xlsx sheet"):
        read_coded(write(tmp_path / "coded.txt", "x"), text_column="teks", code_column="tema",
                   options=("--train-text-column", "--train-code-column"))
    with pytest.raises(UsageError, match=r"coded passages file not found: .*absent\.csv\. "
                       "Check the path.$"):
        read_coded(tmp_path / "absent.csv", text_column="teks", code_column="tema")
    with pytest.raises(InputFileError, match="line 3: codes motivasi but no text"):
        read_coded(write(tmp_path / "gap.csv", "teks,tema\natasan tegas,kepemimpinan\n,motivasi\n"),
                   text_column="teks", code_column="tema")
    with pytest.raises(InputFileError, match="no coded passages"):
        read_coded(write(tmp_path / "blank.csv", "teks,tema\n,\n"), text_column="teks",
                   code_column="tema")


def test_read_coded_finds_the_columns_by_name(tmp_path: Path) -> None:
    path = write(tmp_path / "coded.csv", "transkrip;kode;kutipan\nw1;sdm;Nggak pernah diklat.\n")
    coded = read_coded(path)
    assert coded[["text", "codes"]].values.tolist() == [["Nggak pernah diklat.", ("sdm",)]]
    with pytest.raises(InputFileError, match="no code column found"):
        read_coded(write(tmp_path / "x.csv", "kutipan,catatan\nabc,def\n"))
