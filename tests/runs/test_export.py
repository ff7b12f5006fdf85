"""tematik report and tematik export: a finished run's report rewritten, the run as a
REFI-QDA project."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.config import DEFAULT_CORPUS
from pipeline.readers.codebook import load_codebook
from pipeline.readers.qdpx import read_qdpx
from pipeline.readers.qdpx_tables import codings_frame as qdpx_codings
from pipeline.runs.compare import compare_run


def test_tematik_report_rewrites_the_same_bytes(sample_run: Path, tmp_path: Path) -> None:
    copy = tmp_path / "sample"
    shutil.copytree(sample_run, copy)
    for path in [copy / "report.html", copy / "workbook.xlsx", *(copy / "figures").iterdir()]:
        path.unlink()
    result = CliRunner().invoke(main, ["report", str(copy)])
    assert result.exit_code == 0, result.output
    for name in ["report.html", "workbook.xlsx",
                 *(f"figures/{p.name}" for p in (sample_run / "figures").iterdir())]:
        assert (copy / name).read_bytes() == (sample_run / name).read_bytes(), name
    assert not [p for p in copy.rglob(".*tmp*")]


def test_report_of_a_folder_that_is_not_a_run(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["report", str(tmp_path)])
    assert result.exit_code == 1
    assert "no readable manifest.json" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "report.html").exists()


MANUAL = DEFAULT_CORPUS / "_coding_manual.csv"


def test_export_round_trips_every_coding_exactly(sample_copy: Path, tmp_path: Path) -> None:
    compare_run(sample_copy, MANUAL, n_resamples=0)
    target = tmp_path / "proyek.qdpx"
    out = CliRunner().invoke(main, ["export", str(sample_copy), "--qdpx", str(target),
                                    "--qdc", str(tmp_path / "kode.qdc")])
    assert out.exit_code == 0, out.output
    project = read_qdpx(target)
    back = qdpx_codings(project, codebook=load_codebook(sample_copy / "codebook.yaml"))
    transcripts = pd.read_parquet(sample_copy / "transcripts.parquet")
    assert {s.name for s in project.sources} >= set(transcripts["transcript_id"]) or len(
        project.sources) == len(transcripts)
    texts = {s.name: s.text for s in project.sources}
    assert sorted(texts.values()) == sorted(transcripts["text"])
    passages = pd.read_parquet(sample_copy / "passages.parquet").set_index("passage_id")
    codings = pd.read_parquet(sample_copy / "codings.parquet")
    ours = {(int(passages.loc[p, "start"]), int(passages.loc[p, "end"]), t)
            for p, t in zip(codings["passage_id"], codings["theme"], strict=True)}
    mine = back[back["user"] == "tematik"]
    assert set(zip(mine["start"], mine["end"], mine["theme"], strict=True)) == ours
    assert set(back["user"]) == {"tematik", "manual"}
    again = CliRunner().invoke(main, ["export", str(sample_copy), "--qdpx", str(target)])
    assert again.exit_code == 1 and "already exists" in again.output
