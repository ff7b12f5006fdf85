"""tematik report and tematik export: a finished run's report rewritten, the run as a
REFI-QDA project."""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pandas as pd
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.config import DEFAULT_CORPUS
from pipeline.readers.codebook import load_codebook
from pipeline.readers.qdpx import read_qdpx, stable_guid
from pipeline.readers.qdpx_tables import codings_frame as qdpx_codings
from pipeline.readers.qdpx_tables import iso_datetime
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


def test_export_tells_why_each_passage_was_coded(sample_copy: Path, tmp_path: Path) -> None:
    # In NVivo or ATLAS.ti a coding of tematik's shows its evidence and score beside it, and
    # every date in the project is ISO 8601.
    compare_run(sample_copy, MANUAL, n_resamples=0)
    target = tmp_path / "proyek.qdpx"
    out = CliRunner().invoke(main, ["export", str(sample_copy), "--qdpx", str(target)])
    assert out.exit_code == 0, out.output
    qde = zipfile.ZipFile(target).read("project.qde").decode("utf-8")
    root = ET.fromstring(qde)
    ns = {"q": "urn:QDA-XML:project:1.0"}
    users = {u.get("guid"): u.get("name") for u in root.iterfind(".//q:User", ns)}
    selections = list(root.iterfind(".//q:PlainTextSelection", ns))
    codings = pd.read_parquet(sample_copy / "codings.parquet")
    notes = [s.findtext("q:Description", "", ns) for s in selections
             if users[s.get("creatingUser")] == "tematik"]
    assert len(notes) == len(codings)
    for note in notes:
        assert re.match(r"Kode otomatis tematik \((kamus buku kode|model ucapan informan|"
                        r"kamus buku kode dan model ucapan informan)\), bukan kode peneliti\.",
                        note), note
        assert re.search(r"Bukti: .+\. Skor \d+,\d\d \(ambang 1,5\)\.( Peluang [01],\d\d\.)?$",
                         note), note
    evidence = {f"Bukti: {e}. " for e in codings["evidence"]}
    assert all(any(e in n for e in evidence) for n in notes)
    assert any("pertanyaan: " in n for n in notes)  # the interviewer's words, marked
    manual = [s for s in selections if users[s.get("creatingUser")] == "manual"]
    assert manual and all(s.find("q:Description", ns) is None for s in manual)
    dates = re.findall(r'DateTime="([^"]+)"', qde)
    assert dates and all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", d) for d in dates)
    finished = json.loads((sample_copy / "manifest.json").read_text("utf-8"))["finished"]
    assert set(dates) == {iso_datetime(finished)}  # when the run finished, in UTC
    case_dates = [v.findtext("q:TextValue", "", ns) for v in root.iterfind(".//q:VariableValue", ns)
                  if v.find("q:VariableRef", ns).get("targetGUID") == stable_guid(  # type: ignore[union-attr]
                      "variable", "date")]
    assert sorted(case_dates) == ["2025-03-14", "2025-03-15", "2025-04-22"]  # "14 Maret 2025"


def test_export_refuses_a_file_name_the_qda_tools_would_not_open(sample_run: Path,
                                                                  tmp_path: Path) -> None:
    for option, name, suffix in (("--qdpx", "proyek.csv", ".qdpx"),
                                 ("--qdc", "kodebuk.xml", ".qdc")):
        result = CliRunner().invoke(main, ["export", str(sample_run), option,
                                           str(tmp_path / name)])
        assert result.exit_code == 2 and "Traceback" not in result.output
        assert f"does not end in {suffix}" in result.output
        assert f"for example {Path(name).with_suffix(suffix).name}" in result.output
    assert not list(tmp_path.iterdir())
