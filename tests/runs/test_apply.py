"""tematik apply: new transcripts into a finished analysis, without refitting."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.config import DEFAULT_CORPUS, RunConfig
from pipeline.errors import RunDirectoryError
from pipeline.runs.apply import apply_run
from pipeline.runs.run import run
from pipeline.runs.rundir import lock_path
from tests.conftest import write


def digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


RUN_TEXT = {
    "a.txt": "P: Gimana pimpinan di sini?\nI: Pimpinan kami jadi teladan, Mas, datang paling "
             "pagi, turun langsung ke lapangan. Atasan juga tegas kalau ada yang telat.\n"
             "P: Fasilitasnya?\nI: Printernya rusak, komputernya jadul, internetnya lemot "
             "banget.\n",
    "b.txt": "P: Kalau kepemimpinan?\nI: Ya, beliau ngasih contoh, eh, selalu ngasih arahan "
             "yang jelas. Gaya kepemimpinannya demokratis.\nP: Sarana?\nI: Kendaraan dinas "
             "udah tua, AC ruangan mati, nggak ada anggaran buat perbaikan.\n",
}


def test_applying_a_run_to_its_own_inputs_gives_its_own_results(trained_run: Path,
                                                                 tmp_path: Path) -> None:
    before = digest(trained_run)
    result = apply_run(trained_run, [DEFAULT_CORPUS], tmp_path / "lagi")
    assert digest(trained_run) == before  # RUN is never touched
    out = result.out

    def strip(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.assign(passage_id=frame["passage_id"].str.replace("-baru:", ":"))

    mine = strip(pd.read_parquet(out / "codings.parquet")).drop(
        columns=["transcript_id"]).reset_index(drop=True)
    theirs = pd.read_parquet(trained_run / "codings.parquet").drop(columns=["transcript_id"])
    pd.testing.assert_frame_equal(mine, theirs)
    new_topics = strip(pd.read_parquet(out / "passage_topics.parquet"))
    old_topics = pd.read_parquet(trained_run / "passage_topics.parquet")
    joined = old_topics.merge(new_topics, on=["passage_id", "topic"], suffixes=("", "_new"))
    assert len(joined) == len(old_topics)
    assert (joined["probability"] - joined["probability_new"]).abs().max() < 1e-6
    for name in ("topic_summary", "topic_terms"):  # same topic numbers and labels
        pd.testing.assert_frame_equal(pd.read_parquet(out / f"{name}.parquet"),
                                      pd.read_parquet(trained_run / f"{name}.parquet"))
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    raw = (trained_run / "manifest.json").read_bytes()
    assert manifest["applied_from"]["manifest_sha256"] == hashlib.sha256(raw).hexdigest()
    assert any("already in the run" in w for w in result.warnings)
    saturation = result.saturation
    assert set(saturation.loc[saturation["kind"] == "theme", "status"]) <= {
        "confirmed", "absent"}


def test_saturation_marks_what_new_interviews_add(tmp_path: Path) -> None:
    for name, text in RUN_TEXT.items():
        write(tmp_path / "awal" / name, text)
    base = run([tmp_path / "awal"], tmp_path / "r", config=RunConfig(topics=0)).out
    write(tmp_path / "baru" / "c.txt",
          "P: Pimpinannya gimana?\nI: Pimpinan jadi teladan, turun langsung, ngasih contoh.\n"
          "P: Pelatihan?\nI: Nggak pernah ada diklat, Mas. Bimtek juga nggak pernah, "
          "kompetensi pegawai kurang, pendidikannya cuma SMA.\n")
    result = apply_run(base, [tmp_path / "baru"], tmp_path / "ap")
    status = result.saturation.set_index("id")["status"]
    assert status["kepemimpinan"] == "confirmed"
    assert status["sdm"] == "new in the new interviews"
    assert status["sarana_prasarana"] == "not in the new interviews"
    matrix = pd.read_parquet(result.out / "theme_matrix.parquet")
    assert set(matrix.loc[matrix["transcript_id"] == "c", "batch"]) == {"new"}
    assert set(matrix.loc[matrix["transcript_id"] == "a", "batch"]) == {"run"}
    out = CliRunner().invoke(main, ["apply", str(base), str(tmp_path / "baru"), "--out",
                                    str(tmp_path / "ap2")])
    assert out.exit_code == 0, out.output
    assert "New in the new interviews: theme sdm" in out.output


def test_damaged_or_newer_runs_give_clear_errors(trained_run: Path, tmp_path: Path) -> None:
    broken = tmp_path / "rusak"
    shutil.copytree(trained_run, broken)
    (broken / "topics" / "arrays.npz").write_bytes(b"not numpy")
    out = CliRunner().invoke(main, ["apply", str(broken), str(DEFAULT_CORPUS), "--out",
                                    str(tmp_path / "x")])
    assert out.exit_code == 1 and "cannot be read" in out.output
    assert "Traceback" not in out.output and not (tmp_path / "x").exists()
    (broken / "topics" / "arrays.npz").unlink()
    (broken / "supervised" / "model.json").write_text("{", encoding="utf-8")
    with pytest.raises(RunDirectoryError, match="cannot be read"):
        apply_run(broken, [DEFAULT_CORPUS], tmp_path / "y")
    manifest = json.loads((broken / "manifest.json").read_text(encoding="utf-8"))
    manifest["tematik_version"] = "9.0.0"
    (broken / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(RunDirectoryError, match=r"made by tematik 9\.0\.0, newer"):
        apply_run(broken, [DEFAULT_CORPUS], tmp_path / "z")
    with pytest.raises(RunDirectoryError, match="--out is the run being applied"):
        apply_run(trained_run, [DEFAULT_CORPUS], trained_run)


def test_an_applied_run_reports_what_the_new_interviews_add(trained_run: Path,
                                                            tmp_path: Path) -> None:
    result = apply_run(trained_run, [DEFAULT_CORPUS / "01-kabag-umum.txt"], tmp_path / "ap")
    page = (result.out / "report.html").read_text(encoding="utf-8")
    assert '<section id="saturation">' in page and "Saturasi" in page
    assert "01-kabag-umum-baru" in page and "02-kasubbag-tu" in page  # new beside old


def test_apply_refuses_an_out_another_live_run_is_writing(trained_run: Path,
                                                          tmp_path: Path) -> None:
    out = tmp_path / "runs" / "baru"
    lock = lock_path(out)
    lock.parent.mkdir(parents=True, exist_ok=True)
    lock.write_text(json.dumps({"pid": os.getppid(), "host": socket.gethostname()}),
                    encoding="utf-8")  # a live process that is not this one
    outcome = CliRunner().invoke(main, ["apply", str(trained_run),
                                        str(DEFAULT_CORPUS / "01-kabag-umum.txt"),
                                        "--out", str(out)])
    assert outcome.exit_code == 1
    assert outcome.output.startswith(f"Error: another tematik run (process {os.getppid()} ")
    assert not out.exists() and not out.with_name("baru.incomplete").exists()
    assert lock.exists()
