"""tematik compare: the command, its files, a .qdpx manual coding, the learning curve."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.config import DEFAULT_CORPUS
from pipeline.runs.compare import compare_run
from pipeline.runs.export import export_run
from tests.conftest import write

MANUAL = DEFAULT_CORPUS / "_coding_manual.csv"


def test_cli_compare_prints_agreement_and_refuses_to_overwrite(sample_copy: Path) -> None:
    runner = CliRunner()
    out = runner.invoke(main, ["compare", str(sample_copy), str(MANUAL), "--resamples", "50"])
    assert out.exit_code == 0, out.output
    for expected in ("Agreement of tematik with manual", "kappa", "substantial",
                     "Disagreements:", "micro", "Landis & Koch",
                     "Scope: the 8 transcript(s) your coding touched"):
        assert expected in out.output
    assert ("Landmarks: kappa < 0 poor, 0.00-0.20 slight, 0.21-0.40 fair, 0.41-0.60 moderate, "
            "0.61-0.80 substantial, 0.81-1.00 almost perfect (Landis & Koch 1977); alpha >= "
            "0.800 reliable, 0.667-0.799 tentative, < 0.667 unreliable (Krippendorff 2004)."
            ) in out.output
    again = runner.invoke(main, ["compare", str(sample_copy), str(MANUAL)])
    assert again.exit_code == 1
    assert again.output == (f"Error: {sample_copy} already holds a comparison. Add --force to "
                            "replace it.\n")
    # the inputs are checked first: a missing file is named, not the earlier comparison
    missing = runner.invoke(main, ["compare", str(sample_copy), "koding-saya.csv"])
    assert missing.exit_code == 2
    assert missing.output == ("Error: manual coding not found: koding-saya.csv. Give the path "
                              "of a .csv, .xlsx or .qdpx file.\n")
    no_map = runner.invoke(main, ["compare", str(sample_copy), str(MANUAL), "--map", "peta.csv"])
    assert no_map.exit_code == 2
    assert no_map.output == ("Error: mapping not found: peta.csv. Check the path given to "
                             "--map.\n")
    indonesian = runner.invoke(main, ["compare", str(sample_copy), str(MANUAL), "--lang", "id",
                                      "--resamples", "0", "--force"])
    assert "kappa < 0 buruk, 0.00-0.20 rendah" in indonesian.output
    assert "alpha >= 0.800 andal, 0.667-0.799 tentatif, < 0.667 tidak andal" in indonesian.output


def test_cli_compare_explains_codes_that_match_no_theme(sample_copy: Path,
                                                        tmp_path: Path) -> None:
    path = write(tmp_path / "k.csv", "transcript,code,quote\n01-kabag-umum,Lainnya,"
                 "Saya ini prinsipnya satu: keteladanan.\n")
    out = CliRunner().invoke(main, ["compare", str(sample_copy), str(path)])
    assert out.exit_code == 2
    assert "none of the codes" in out.output and "--map" in out.output
    missing = CliRunner().invoke(main, ["compare", str(sample_copy), str(tmp_path / "x.csv")])
    assert missing.exit_code == 2 and "manual coding not found" in missing.output
    header = write(tmp_path / "kosong.csv", "transkrip,kode,kutipan\n")
    empty = CliRunner().invoke(main, ["compare", str(sample_copy), str(header)])
    assert empty.exit_code == 1
    assert empty.output == (f"Error: {header}: only a header ('transkrip', 'kode', 'kutipan'), "
                            "no rows below it. Add one row per coded segment below the "
                            "header.\n")
    word = write(tmp_path / "koding.docx", "PK")
    wrong = CliRunner().invoke(main, ["compare", str(sample_copy), str(word)])
    assert wrong.exit_code == 2
    assert wrong.output.startswith(f"Error: {word} is a Word document, not a .csv or .xlsx "
                                   "sheet. Give a .csv or .xlsx sheet: copy its table")


STUDENT = ("transkrip,kode,kutipan\n"
           "01-kabag-umum,kepemimpinan,Saya ini prinsipnya satu: keteladanan.\n"
           "01-kabag-umum,kinerja.akuntabilitas,"
           "\"saya minta diperbaiki, dan saya tegur secara tertulis\"\n"
           "06-warga-kepala-desa,kinerja.kualitas_pelayanan,\"Kalau sikapnya, ramah lah, "
           "sopan.\"\n"
           "wawancara-09,kepemimpinan,ya gitu lah pokoknya\n")


def test_a_student_with_three_quotes_is_scored_on_the_two_transcripts_they_coded(
        sample_copy: Path, tmp_path: Path) -> None:
    sheet = write(tmp_path / "koding-mahasiswa.csv", STUDENT)
    out = CliRunner().invoke(main, ["compare", str(sample_copy), str(sheet), "--resamples", "0"])
    assert out.exit_code == 0, out.output
    manifest = json.loads((sample_copy / "manifest.json").read_text(encoding="utf-8"))["compare"]
    assert manifest["scope"] == "touched" and manifest["scope_by"] == "transcript"
    assert manifest["scope_transcripts"] == ["01-kabag-umum", "06-warga-kepala-desa"]
    assert len(manifest["scope_left_out"]) == 6 and manifest["scope_passages"] == []
    passages = pd.read_parquet(sample_copy / "passages.parquet")
    touched = passages["transcript_id"].isin(manifest["scope_transcripts"])
    assert manifest["units"] == touched.sum() and manifest["units_all"] == len(passages)
    assert (f"Scope: the 2 transcript(s) your coding touched (01-kabag-umum, "
            f"06-warga-kepala-desa); {touched.sum()} of {len(passages)} passages compared, 6 "
            "transcript(s) left out.") in out.output
    assert "Use --scope all to count every transcript" in out.output
    # the row naming a transcript the run lacks is skipped with a warning, not an abort
    assert (f"Note: {sheet}, line 5: transcript 'wawancara-09' is not in this run, so the row "
            "was skipped.") in out.output
    dis = pd.read_csv(sample_copy / "disagreements.csv", encoding="utf-8-sig")
    assert set(dis["transcript_id"]) <= set(manifest["scope_transcripts"])
    agreement = pd.read_csv(sample_copy / "agreement.csv", encoding="utf-8-sig")
    touched_kappa = agreement.loc[agreement["level"] == "micro", "kappa"].item()
    everything = CliRunner().invoke(main, ["compare", str(sample_copy), str(sheet), "--scope",
                                           "all", "--resamples", "0", "--force"])
    assert everything.exit_code == 0, everything.output
    assert "Scope: every transcript of the run (8)" in everything.output
    manifest = json.loads((sample_copy / "manifest.json").read_text(encoding="utf-8"))["compare"]
    assert manifest["scope"] == "all" and manifest["units"] == len(passages)
    agreement = pd.read_csv(sample_copy / "agreement.csv", encoding="utf-8-sig")
    assert agreement.loc[agreement["level"] == "micro", "kappa"].item() < touched_kappa


def test_a_sheet_of_passage_ids_is_scored_on_the_passages_it_names(sample_copy: Path,
                                                                    tmp_path: Path) -> None:
    sheet = write(tmp_path / "petikan.csv", "passage_id,kode\n01-kabag-umum:004,kepemimpinan\n"
                  "01-kabag-umum:005,kinerja.akuntabilitas\n01-kabag-umum:006,\n")
    result = compare_run(sample_copy, sheet, n_resamples=0)
    assert result.comparison.units == 3
    assert result.comparison.scope_passages == ("01-kabag-umum:004", "01-kabag-umum:005",
                                                "01-kabag-umum:006")
    manifest = json.loads((sample_copy / "manifest.json").read_text(encoding="utf-8"))["compare"]
    assert manifest["scope_by"] == "passage" and len(manifest["scope_passages"]) == 3


def test_a_project_holding_only_tematiks_own_codings_says_so(sample_copy: Path,
                                                            tmp_path: Path) -> None:
    target = tmp_path / "ekspor.qdpx"
    export_run(sample_copy, qdpx=target)
    out = CliRunner().invoke(main, ["compare", str(sample_copy), str(target)])
    assert out.exit_code == 1
    assert out.output == (f"Error: {target}: holds only tematik's own codings (user 'tematik', "
                          "an export of a run), no manual coding. Code the project in your QDA "
                          "program under your own user name, then export it again.\n")


def test_compare_reads_a_qdpx_project(sample_copy: Path, tmp_path: Path) -> None:
    """A researcher codes in a QDA tool and exports: our own export stands in for it."""
    compare_run(sample_copy, MANUAL, n_resamples=0)
    target = tmp_path / "proyek.qdpx"
    export_run(sample_copy, qdpx=target)
    from_csv = compare_run(sample_copy, MANUAL, n_resamples=0, force=True)
    result = compare_run(sample_copy, target, n_resamples=0, force=True)
    assert result.manual.coders == ("manual",)  # tematik's own codings are not a coder
    assert any("user 'tematik'" in w for w in result.warnings)
    assert result.comparison.reference == "manual"
    pd.testing.assert_frame_equal(result.comparison.agreement, from_csv.comparison.agreement)


@pytest.mark.slow  # the supervised coder trained and cross-validated twenty times
def test_train_on_manual_prints_a_learning_curve(sample_copy: Path) -> None:
    out = CliRunner().invoke(main, ["compare", str(sample_copy), str(MANUAL), "--resamples", "0",
                                    "--train-on-manual"])
    assert out.exit_code == 0, out.output
    assert "Learning curve" in out.output
    curve = pd.read_csv(sample_copy / "learning_curve.csv", encoding="utf-8-sig")
    assert curve["share"].tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert curve["method"].tolist() == ["dictionary"] + ["combined"] * 4
    assert curve["training_passages"].is_monotonic_increasing
    assert curve["kappa"].between(-1, 1).all()


def test_codes_named_like_a_theme_need_no_map_and_a_map_to_no_theme_is_refused(
        sample_copy: Path, tmp_path: Path) -> None:
    sheet = write(tmp_path / "kode.csv", "transkrip,kode,kutipan\n"
                  "01-kabag-umum,Kualitas Pelayanan,\"Saya minta semua dilayani dengan senyum, "
                  "dengan ramah, dan ada kepastian.\"\n"
                  "01-kabag-umum,Responsivitas,\"Jangan sampai orang datang, disuruh balik "
                  "besok\"\n"
                  "01-kabag-umum,Gaya Pimpinan,Saya ini prinsipnya satu: keteladanan.\n")
    result = compare_run(sample_copy, sheet, n_resamples=0)
    assert set(result.comparison.themes) == {"kinerja.kualitas_pelayanan",
                                             "kinerja.responsivitas"}
    assert result.unmapped == {"Gaya Pimpinan": 1}
    mapping = write(tmp_path / "peta.csv", "code,theme\nGaya Pimpinan,Leadership\n")
    mapped = compare_run(sample_copy, sheet, mapping_path=mapping, n_resamples=0, force=True)
    assert "kepemimpinan" in mapped.comparison.themes and not mapped.unmapped
    typo = write(tmp_path / "salah.csv", "code,theme\nGaya Pimpinan,kepemimpinnan\n")
    out = CliRunner().invoke(main, ["compare", str(sample_copy), str(sheet), "--map", str(typo),
                                    "--force"])
    assert out.exit_code == 1
    assert out.output.startswith(
        f"Error: {typo}: code 'gaya pimpinan' maps to 'kepemimpinnan', which is not a theme of "
        "the run's codebook; did you mean 'kepemimpinan' (Kepemimpinan)? Give a theme's id, "
        "the last part of it, or its label: kepemimpinan, ")
