"""tematik code: a sheet of texts coded without a run."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from pipeline.cli import main
from tests.conftest import write


def test_code_command_codes_a_sheet_of_survey_answers(tmp_path: Path) -> None:
    sheet = write(tmp_path / "jawaban.csv",
                  "no;jawaban\nR1;Pelayanannya ramah, nggak nunggu lama.\nR2;\n"
                  "R3;Atasan saya jadi teladan, selalu kasih contoh.\nR4;Ya biasa aja sih.\n")
    out = tmp_path / "hasil.csv"
    result = CliRunner().invoke(main, ["code", str(sheet), "--text-column", "Jawaban",
                                       "--id-column", "no", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "coded 2 of 3 texts" in result.output and "R2 is empty" in result.output
    table = pd.read_csv(out, encoding="utf-8-sig", dtype=str)
    assert list(table.columns) == ["id", "theme", "label", "score", "probability", "method",
                                   "evidence", "evidence_spans"]
    # friendly and quick: one dimension of performance, not both the answer touches
    assert len(table[table["id"] == "R1"]) == 1
    assert set(table.loc[table["id"] == "R1", "theme"]) <= {"kinerja.responsivitas",
                                                            "kinerja.kualitas_pelayanan"}
    assert "kepemimpinan" in set(table.loc[table["id"] == "R3", "theme"])
    again = CliRunner().invoke(main, ["code", str(sheet), "--text-column", "jawaban",
                                      "--out", str(out)])
    assert again.exit_code == 1 and "already exists" in again.output


def test_code_command_reads_xlsx_and_names_a_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "kutipan.xlsx"
    pd.DataFrame({"kutipan": ["Printernya rusak, internetnya lemot, komputernya jadul."]}
                 ).to_excel(path, index=False)
    ok = CliRunner().invoke(main, ["code", str(path), "--text-column", "kutipan",
                                   "--out", str(tmp_path / "a.csv")])
    assert ok.exit_code == 0, ok.output
    table = pd.read_csv(tmp_path / "a.csv", encoding="utf-8-sig", dtype=str)
    assert table["id"].tolist() == ["2"] and table["theme"].tolist() == ["sarana_prasarana"]
    bad = CliRunner().invoke(main, ["code", str(path), "--text-column", "teks",
                                    "--out", str(tmp_path / "b.csv")])
    assert bad.exit_code == 1
    assert "has no column 'teks' (its columns: 'kutipan')" in bad.output
    assert "--text-column" in bad.output and not (tmp_path / "b.csv").exists()


def test_code_leaves_a_text_without_evidence_uncoded_unless_told_to_fall_back(
        tmp_path: Path) -> None:
    sheet = write(tmp_path / "k.csv", "kutipan\nYa pimpinan kami, eh, gitu lah orangnya, Mas.\n"
                  "Ya gitu aja sih, Mas.\n")
    strict = CliRunner().invoke(main, ["code", str(sheet), "--text-column", "kutipan",
                                       "--out", str(tmp_path / "a.csv")])
    assert strict.exit_code == 0, strict.output
    assert "coded 0 of 2 texts; 2 (100%) left uncoded" in strict.output
    out = CliRunner().invoke(main, ["code", str(sheet), "--text-column", "kutipan",
                                    "--fallback", "--out", str(tmp_path / "b.csv")])
    assert out.exit_code == 0, out.output
    table = pd.read_csv(tmp_path / "b.csv", encoding="utf-8-sig", dtype=str)
    assert table[["id", "theme"]].values.tolist() == [["2", "kepemimpinan"]]


def test_code_checks_its_input_first_and_names_what_is_wrong(tmp_path: Path) -> None:
    def code(sheet: Path, *more: str) -> tuple[int, str]:
        result = CliRunner().invoke(main, ["code", str(sheet), "--text-column", "jawaban",
                                           "--out", str(tmp_path / "kode.csv"), *more])
        return result.exit_code, result.output

    missing = tmp_path / "jawaban.csv"
    assert code(missing) == (2, f"Error: input not found: {missing}. Check the path.\n")
    (tmp_path / "kode.csv").write_text("id\n", encoding="utf-8")  # an output already there
    project = write(tmp_path / "skripsi.qdpx", "PK")
    assert code(project) == (2, f"Error: {project} is a REFI-QDA project, not a .csv or .xlsx "
                             "sheet. Give a .csv or .xlsx sheet: a REFI-QDA project goes to "
                             "'tematik run PROJECT.qdpx' (its texts) or 'tematik compare RUN "
                             "PROJECT.qdpx' (its codings).\n")
    header = write(tmp_path / "kosong.csv", "responden,jawaban\n")
    assert code(header) == (1, f"Error: {header}: only a header ('responden', 'jawaban'), no "
                            "rows below it. Add one row per text below the header.\n")
    blank = write(tmp_path / "kosong2.csv", "responden,jawaban\nR1,\nR2,  \n")
    assert code(blank) == (1, f"Error: {blank}: every cell of column 'jawaban' is empty. Give "
                           "the column that holds the texts with --text-column.\n")
    sheet = write(tmp_path / "isi.csv",
                  'responden,jawaban\nR1,"Ya gitu, pelayanannya udah cepet kok, gak nunggu."\n')
    assert code(sheet, "--train", "latih.csv") == (
        2, "Error: coded passages file not found: latih.csv. Check the path given to "
        "--train.\n")
    assert code(sheet) == (1, f"Error: {tmp_path / 'kode.csv'} already exists. Choose another "
                           "--out, or add --force to replace it.\n")
