"""The report files of a run: report.html, workbook.xlsx and figures/, made beside the run
(the workbook in a worker)."""

from __future__ import annotations

import json
import os
import re
import signal
import time
import zipfile
from pathlib import Path

import pytest

import pipeline.runs.reportfiles as reportfiles
from pipeline.report.figures import NAMES
from pipeline.runs.reportfiles import begin_workbook
from pipeline.runs.run import run
from tests.conftest import write


def _sections(page: str) -> set[str]:
    return set(re.findall(r"<section id=\"(\w+)\">", page))


def _page(folder: Path) -> str:
    return (folder / "report.html").read_text(encoding="utf-8")


def test_run_writes_the_report_the_workbook_and_every_figure(sample_run: Path) -> None:
    manifest = json.loads((sample_run / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["report"]["lang"] == "id"
    assert "report" in manifest["timings_s"]
    for name in NAMES:  # the sample run has themes and an automatic choice of K
        assert (sample_run / "figures" / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        svg = (sample_run / "figures" / f"{name}.svg").read_text(encoding="utf-8")
        assert svg.lstrip().startswith("<?xml") and "<svg" in svg
        assert f"figures/{name}.png" in manifest["report"]["files"]
    assert zipfile.is_zipfile(sample_run / "workbook.xlsx")
    page = _page(sample_run)
    assert _sections(page) == {"corpus", "themes", "topics", "record"}
    assert "Laporan analisis tematik" in page and "<html lang=\"id\">" in page


def test_ctrl_c_leaves_the_workbook_worker_to_the_run(sample_run: Path,
                                                       capfd: pytest.CaptureFixture[str],
                                                       monkeypatch: pytest.MonkeyPatch
                                                       ) -> None:
    # Ctrl-C reaches every process of the run; the worker writing the workbook must not
    # answer it with a traceback on the researcher's terminal: the run stops it.
    monkeypatch.setattr(reportfiles, "cores", lambda: 2)  # this test worker may have one
    with begin_workbook(sample_run) as book:
        if book is None:
            pytest.skip("workers are not forked here")
        time.sleep(0.5)  # let the worker start
        os.kill(book._process.pid, signal.SIGINT)
        time.sleep(0.5)
        assert book._process.is_alive()
    assert not book._process.is_alive()
    assert "Traceback" not in capfd.readouterr().err


def test_a_run_that_fails_after_coding_leaves_no_worker_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The workbook is begun in a worker process once the coding tables are written; a run
    # that stops later (here in the topic stage) must stop that worker too.
    import multiprocessing

    import pipeline.runs.sequence as sequence_module

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("topics on fire")

    monkeypatch.setattr(sequence_module, "_fit_topics", broken)
    src = write(tmp_path / "a.txt", "P: Gimana apel paginya?\nI: Ya udah rutin, tiap hari "
                "kita apel pagi, gitu.\n")
    with pytest.raises(RuntimeError, match="topics on fire"):
        run([src], tmp_path / "run")
    assert not multiprocessing.active_children()
    assert not (tmp_path / "run").exists()
    assert (tmp_path / "run.incomplete" / "codings.parquet").is_file()
    assert not (tmp_path / "run.incomplete" / "workbook.xlsx").exists()
