"""Shared fixtures: the shipped lexicon, one normaliser per session, file builders."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from pipeline.resources import Lexicon, load_lexicon
from pipeline.stages.normalise import Normaliser

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"
DATA = Path(__file__).resolve().parent / "data"


def pytest_configure(config: pytest.Config) -> None:
    """Each test worker (pytest -n) on a core of its own, when there are cores enough: a
    run sizes its worker processes by the cores it may use, and two test workers that each
    fork a process per core would fight over them. tests/test_parallel.py gives its tests
    two cores back to check that work split over processes is the work done in one."""
    worker, count = (os.environ.get("PYTEST_XDIST_WORKER", ""),
                     os.environ.get("PYTEST_XDIST_WORKER_COUNT", ""))
    if worker.startswith("gw") and count.isdigit() and hasattr(os, "sched_setaffinity"):
        allowed = sorted(os.sched_getaffinity(0))
        if len(allowed) >= int(count) > 1:
            os.sched_setaffinity(0, {allowed[int(worker[2:]) % len(allowed)]})


@pytest.fixture(scope="session")
def lexicon() -> Lexicon:
    return load_lexicon()


@pytest.fixture(scope="session")
def normaliser(lexicon: Lexicon) -> Normaliser:
    return Normaliser(lexicon)


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


SCRIPT = "<script>alert(1)</script>"


@pytest.fixture(scope="session")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[tuple[str, int, int]]]:
    """Two short interviews, one with markup in an answer and one with an answer that
    looks like a spreadsheet formula; no topic model. The run (read only) and the progress
    it reported, (stage, done, total) per call."""
    import json

    from pipeline.config import RunConfig
    from pipeline.runs.run import run

    def build(folder: Path) -> None:
        write(folder / "in" / "01-bu-sari.txt",
              "P: Eh, gimana Bu soal pimpinan di sini?\n"
              f"I: Ya, pimpinan kita itu, ehm, memberi contoh gitu lho. {SCRIPT} Kalau apel "
              "pagi beliau udah ada duluan, disiplin banget.\n"
              "P: Terus pelayanannya gimana?\n"
              "I: Pelayanan ke masyarakat udah cepat sih, nggak ribet lagi, kan pakai "
              "aplikasi.\n")
        write(folder / "in" / "02-pak-budi.txt",
              "P: Kalau soal laporan, Pak?\n"
              "I: =1+1 ya gitu, laporan kinerja kita kirim tiap bulan, nggak pernah telat "
              "kok.\n")
        calls: list[tuple[str, int, int]] = []
        run([folder / "in"], folder / "run", config=RunConfig(topics=0),
            progress=lambda stage, done, total: calls.append((stage, done, total)))
        (folder / "progress.json").write_text(json.dumps(calls), encoding="utf-8")

    folder = shared_folder(tmp_path_factory, "tiny", build)
    calls = [tuple(c) for c in json.loads((folder / "progress.json").read_text("utf-8"))]
    return folder / "run", calls  # type: ignore[return-value]


# -- runs shared by the tests that read them (built once per session; never changed) -----


def shared_folder(tmp_path_factory: pytest.TempPathFactory, name: str,
                  build: Callable[[Path], object]) -> Path:
    """The folder ``name`` that ``build(folder)`` fills, filled once for the whole test
    session: the test workers (pytest -n) share it, the first to need it builds it and the
    others wait for it (where files can be locked; elsewhere each worker builds its own).
    For what tests only read."""
    base = tmp_path_factory.getbasetemp()
    try:
        import fcntl
    except ImportError:  # Windows: one per worker
        fcntl = None  # type: ignore[assignment]
    root = base.parent if fcntl and os.environ.get("PYTEST_XDIST_WORKER") else base
    folder = root / f"shared-{name}"
    with open(root / f"shared-{name}.lock", "w") as lock:
        if fcntl:
            fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / "DONE").exists():
            if folder.exists():  # a worker failed while building it
                shutil.rmtree(folder)
            folder.mkdir()
            build(folder)
            (folder / "DONE").touch()
    return folder


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``tematik run`` on the sample corpus with the default settings. Read only: a test
    that changes a run takes :func:`sample_copy`."""
    from pipeline.runs.run import run

    return shared_folder(tmp_path_factory, "sample",
                         lambda folder: run([], folder / "sample")) / "sample"


@pytest.fixture()
def sample_copy(sample_run: Path, tmp_path: Path) -> Path:
    """A copy of :func:`sample_run` this test may change (compare writes into a run)."""
    copy = tmp_path / "sample"
    shutil.copytree(sample_run, copy)
    return copy


@pytest.fixture(scope="session")
def trained_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample corpus with six topics and the supervised coder trained on its manual
    coding. Read only."""
    from pipeline.config import DEFAULT_CORPUS, RunConfig
    from pipeline.runs.run import run

    config = RunConfig(topics=6, train=DEFAULT_CORPUS / "_coding_manual.csv")
    return shared_folder(tmp_path_factory, "trained",
                         lambda folder: run([], folder / "trained", config=config)) / "trained"
