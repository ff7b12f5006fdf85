"""What the report reads from a run: the record without the researcher's folders,
the configuration as rows, how the codes were made."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from pipeline.config import RunConfig
from pipeline.report.data import (
    RunTables,
    agreement_summary,
    coding_method,
    compare_scope,
    config_rows,
    informants,
    input_files,
    record,
    short_path,
)
from pipeline.runs.reportfiles import load_run_tables
from pipeline.runs.run import run
from tests.thesis_fixtures import FOLDER


def _tables(folder: Path) -> RunTables:
    return load_run_tables(folder, json.loads((folder / "manifest.json").read_text("utf-8")))


def test_paths_are_shown_without_the_researchers_folders() -> None:
    root = ["home", "siti", "skripsi", "transkrip"]
    assert short_path("/home/siti/skripsi/transkrip/01-bu-sari.docx", root) == \
        "transkrip/01-bu-sari.docx"
    assert short_path("/home/siti/skripsi/transkrip/batch2/02.txt", root) == \
        "transkrip/batch2/02.txt"
    assert short_path("/home/siti/models/codebooks/kinerja.yaml", root) == "kinerja.yaml"
    assert short_path("C:\\Users\\Siti\\Skripsi\\koding.xlsx") == "koding.xlsx"
    assert short_path("\\\\server\\share\\koding.csv") == "koding.csv"
    assert short_path("../../rahasia/koding.csv") == "koding.csv"
    assert short_path("corpus/_coding_manual.csv") == "corpus/_coding_manual.csv"
    assert short_path("") == ""


def test_the_record_holds_no_absolute_path(compared: Path) -> None:
    run = _tables(compared)
    shown = [v for _, v in record(run)] + [v for _, v in config_rows(run, "id")]
    shown += list(input_files(run)["path"])
    home = str(Path.home())
    for value in shown:
        assert not value.startswith(("/", "~")) and not re.match(r"^[A-Za-z]:\\", value)
        assert home not in value and str(compared.parent) not in value, value
    assert all(p.startswith("corpus/0") for p in input_files(run)["path"])


def test_the_configuration_is_rows_not_a_json_blob(compared: Path) -> None:
    rows = dict(config_rows(_tables(compared), "id"))
    assert "limits" not in rows and rows["limits.archive.max_entries"] == "10.000"
    assert rows["threshold"] == "1,5" and rows["anonymise"] == "tidak"
    assert rows["speakers"] == "–" and rows["codebook"] == "kinerja-aparatur.yaml"
    assert not any(v.startswith(("{", "[")) for v in rows.values())
    assert dict(config_rows(_tables(compared), "en"))["threshold"] == "1.5"


def test_how_the_codes_were_made(compared: Path, trained_run: Path) -> None:
    method = coding_method(_tables(compared))
    assert (method.kind, method.threshold) == ("dictionary", 1.5)
    assert method.codebook.startswith("kinerja-aparatur")
    trained = coding_method(_tables(trained_run))
    assert trained.kind == "combined" and trained.train == "corpus/_coding_manual.csv"
    assert trained.trained_passages > 50
    summary = agreement_summary(_tables(compared))
    assert summary is not None and summary.reference == "dua.csv"
    assert 0 < summary.kappa < 1 and summary.units > 100
    assert agreement_summary(_tables(trained_run)) is None


def test_the_scope_of_a_comparison_is_read_defensively(compared: Path) -> None:
    run = _tables(compared)
    info = dict(run.manifest["compare"])  # type: ignore[call-overload]
    assert compare_scope(run)[1]  # compare writes the transcripts it compared
    base = {k: v for k, v in info.items()
            if k not in ("scope", "transcripts", "scope_transcripts")}
    assert compare_scope(RunTables({"compare": base})) == ("", [])
    assert compare_scope(RunTables({"compare": {**base, "scope": "touched",
                                                "scope_transcripts": ["01-kabag-umum"]}})) == (
        "touched", ["01-kabag-umum"])
    # a run compared before the key was scope_transcripts
    assert compare_scope(RunTables({"compare": {**base, "scope": "touched",
                                                "transcripts": ["01-kabag-umum"]}})) == (
        "touched", ["01-kabag-umum"])
    assert compare_scope(RunTables({"compare": {**base, "scope": 3,
                                                "scope_transcripts": 4}})) == ("", [])
    assert compare_scope(RunTables({"compare": "garbled"})) == ("", [])


def test_two_informants_of_one_transcript_are_listed_with_their_own_positions(
        tmp_path: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    shutil.copy(FOLDER / "05_dua_informan_header.txt", source)
    out = run([source], tmp_path / "run", config=RunConfig(topics=0)).out
    table = informants(_tables(out)).set_index("display")
    assert table.loc["Yuliani, S.Sos.", "role"] == "Kepala Subbagian Umum dan Kepegawaian"
    assert table.loc["Rudi Hartono, S.E.", "role"] == "Staf Subbagian Keuangan"
