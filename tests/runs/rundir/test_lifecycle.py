"""Interrupted and concurrent runs: a killed ``tematik run`` leaves nothing that looks
complete, its stale lock is taken over, and the next run ends with the same tables as an
uninterrupted one; a second run on the same ``--out`` refuses while the first is alive."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.config import DEFAULT_CORPUS, RunConfig
from pipeline.errors import RunDirectoryError
from pipeline.runs.run import run
from pipeline.runs.rundir import MARKER, lock_path, open_run
from tests.conftest import write

ROOT = Path(__file__).resolve().parents[3]
CONFIG = RunConfig(topics=0)
INPUTS = sorted(p for p in DEFAULT_CORPUS.iterdir() if p.suffix in (".txt", ".docx"))[:3]


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _write_lock(out: Path, pid: int) -> Path:
    path = lock_path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"pid": pid, "host": socket.gethostname()}), encoding="utf-8")
    return path


def test_a_second_run_on_the_same_out_refuses_while_the_first_is_alive(tmp_path: Path) -> None:
    out = tmp_path / "runs" / "a"
    lock = _write_lock(out, os.getppid())  # a live process that is not this one
    outcome = CliRunner().invoke(main, ["run", "--out", str(out), "--topics", "0"])
    assert outcome.exit_code == 1
    assert outcome.output.startswith(f"Error: another tematik run (process {os.getppid()} on ")
    assert f"delete {lock}" in outcome.output
    assert not out.exists() and not out.with_name("a.incomplete").exists()
    assert lock.exists()  # the other run's lock is left alone


def test_a_stale_lock_from_a_killed_run_is_taken_over(tmp_path: Path) -> None:
    out = tmp_path / "runs" / "a"
    lock = _write_lock(out, _dead_pid())
    run(INPUTS, out, config=CONFIG)
    assert open_run(out)["status"] == "complete"
    assert not lock.exists()


def _tables(folder: Path) -> dict[str, pd.DataFrame]:
    manifest = open_run(folder)
    names = manifest["tables"]
    assert isinstance(names, list)
    return {str(n): pd.read_parquet(folder / f"{n}.parquet") for n in names}


@pytest.mark.slow
def test_killing_a_real_run_leaves_nothing_that_looks_complete(tmp_path: Path) -> None:
    """SIGKILL at three points (just started; first table written; codings written), three
    processes at once to save time; then a rerun with --force on each."""
    points = {"started": "", "first table": "transcripts.parquet",
              "codings": "codings.parquet"}
    procs: dict[str, tuple[subprocess.Popen[bytes], Path]] = {}
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for point in points:
        out = tmp_path / point.replace(" ", "-")
        procs[point] = (subprocess.Popen(
            [sys.executable, "-c", "from pipeline.cli import main; main()", "run",
             *map(str, INPUTS), "--out", str(out), "--topics", "0", "-q"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL), out)
    interrupted = []
    waiting = dict(procs)
    end = time.monotonic() + 120
    while waiting and time.monotonic() < end:  # watch all three at once
        for point, (proc, out) in list(waiting.items()):
            work = out.with_name(out.name + ".incomplete")
            if proc.poll() is not None:
                del waiting[point]
            elif (work / points[point]).exists():
                os.kill(proc.pid, signal.SIGKILL)
                interrupted.append(point)
                del waiting[point]
        time.sleep(0.001)
    for proc, _ in procs.values():
        proc.wait(timeout=60)
    assert "started" in interrupted
    reference = tmp_path / "reference"
    run(INPUTS, reference, config=CONFIG)
    expected = _tables(reference)
    for point, (_, out) in procs.items():
        if point in interrupted:
            # Nothing that looks like a finished run: no run directory, only the marked
            # incomplete one (empty when killed before its marker), and no manifest.
            assert not out.exists()
            work = out.with_name(out.name + ".incomplete")
            assert (work / MARKER).exists() or not any(work.iterdir())
            assert not (work / "manifest.json").exists()
            with pytest.raises(RunDirectoryError, match="did not finish"):
                open_run(out)
            assert lock_path(out).exists()  # left by the killed process: stale
        run(INPUTS, out, config=CONFIG, force=True)
        got = _tables(out)
        assert sorted(got) == sorted(expected)
        for name, frame in expected.items():
            pd.testing.assert_frame_equal(got[name], frame, obj=f"{point}: {name}")
        assert not lock_path(out).exists()
        assert not out.with_name(out.name + ".incomplete").exists()


def test_an_empty_incomplete_folder_from_a_run_killed_at_once_is_replaced(
        tmp_path: Path) -> None:
    out = tmp_path / "runs" / "a"
    out.with_name("a.incomplete").mkdir(parents=True)  # killed between mkdir and marker
    run(INPUTS, out, config=CONFIG)
    assert open_run(out)["status"] == "complete"
    stranger = tmp_path / "runs" / "b.incomplete"
    (stranger / "thesis").mkdir(parents=True)  # not tematik's, not empty: left alone
    with pytest.raises(RunDirectoryError, match="was not made by tematik"):
        run(INPUTS, tmp_path / "runs" / "b", config=CONFIG)
    assert (stranger / "thesis").is_dir()


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_sigterm_and_sigint_leave_a_marked_incomplete_run(tmp_path: Path,
                                                          sig: signal.Signals) -> None:
    """Ctrl-C (SIGINT) and a polite kill (SIGTERM) after the first table: no finished-looking
    run, and a rerun with --force gives the uninterrupted tables."""
    out = tmp_path / "r"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-c", "from pipeline.cli import main; main()", "run",
         *map(str, INPUTS), "--out", str(out), "--topics", "0", "-q"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    work = out.with_name(out.name + ".incomplete")
    end = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < end:
        if (work / "transcripts.parquet").exists():
            os.kill(proc.pid, sig)
            break
        time.sleep(0.001)
    _, err = proc.communicate(timeout=60)
    if proc.returncode == 0:
        pytest.skip("the run finished before the signal arrived")
    assert b"Traceback" not in err
    assert not out.exists() and (work / MARKER).exists()
    assert not (work / "manifest.json").exists()
    if sig == signal.SIGINT:
        assert "KeyboardInterrupt" in (work / MARKER).read_text(encoding="utf-8")
        assert not lock_path(out).exists()  # released on the way out
    run(INPUTS, out, config=CONFIG, force=True)
    reference = run(INPUTS, tmp_path / "ref", config=CONFIG).out
    for name, frame in _tables(reference).items():
        pd.testing.assert_frame_equal(_tables(out)[name], frame, obj=name)


def test_existing_run_is_not_overwritten_without_force(tmp_path: Path) -> None:
    src = write(tmp_path / "in" / "a.txt", "P: Gimana?\nI: Pelayanannya cepet, Mas.\n")
    out = tmp_path / "run"
    run([src], out)
    before = (out / "passages.parquet").read_bytes()
    with pytest.raises(RunDirectoryError, match=r"already exists.*--force"):
        run([src], out)
    assert (out / "passages.parquet").read_bytes() == before
    write(src, "P: Gimana?\nI: Sekarang lambat, antre lama.\n")
    run([src], out, force=True)
    assert (out / "passages.parquet").read_bytes() != before


def test_a_failed_run_leaves_a_marked_incomplete_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pipeline.runs.sequence as sequence_module

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(sequence_module, "normalise", broken)
    src = write(tmp_path / "a.txt", "P: Gimana?\nI: Baik.\n")
    with pytest.raises(RuntimeError):
        run([src], tmp_path / "run")
    assert not (tmp_path / "run").exists()
    marker = tmp_path / "run.incomplete" / MARKER
    assert "disk on fire" in marker.read_text(encoding="utf-8")
    assert not (tmp_path / "run.incomplete" / "manifest.json").exists()
    monkeypatch.undo()
    run([src], tmp_path / "run")  # the next run cleans the incomplete directory up
    assert not (tmp_path / "run.incomplete").exists()


def test_a_full_disk_is_a_clear_error_and_the_earlier_run_survives(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    from click.testing import CliRunner

    from pipeline.cli import main
    from pipeline.runs import rundir

    out = tmp_path / "r"
    run(INPUTS, out, config=RunConfig(topics=0))
    before = (out / "codings.parquet").read_bytes()
    real = rundir.write_table

    def full(folder: Path, name: str, frame: object) -> None:
        if name == "codings":
            raise OSError(errno.ENOSPC, "No space left on device")
        real(folder, name, frame)  # type: ignore[arg-type]

    monkeypatch.setattr(rundir, "write_table", full)
    result = CliRunner().invoke(main, ["run", *map(str, INPUTS), "--out", str(out), "--force",
                                       "--topics", "0"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "No space left on device" in result.output and "Free some disk space" in result.output
    assert (out / "codings.parquet").read_bytes() == before  # the earlier run is intact
    assert (tmp_path / "r.incomplete" / MARKER).exists()
