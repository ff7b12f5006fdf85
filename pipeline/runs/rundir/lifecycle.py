"""The run directory's lifecycle: locking it, creating it, writing its files atomically, and
opening a finished run by its manifest. The files a run holds (tables, codebook, figures,
fitted models) and those beside it (exports, the key) are in
:mod:`pipeline.runs.rundir.contents`; :mod:`pipeline.runs.rundir` re-exports both, and only
that package touches run directories.

A run is written into ``NAME.incomplete/`` beside its final directory, marked by an
``INCOMPLETE.txt`` file, while ``.NAME.lock`` (beside it, holding the process id and host)
keeps a second run off the same ``--out``. Only when every table and the manifest are
written is it renamed to ``NAME`` (:func:`creating`). A failed run leaves the marked
incomplete directory with the error in the marker, never a directory that looks complete.
Every file is written to a temporary name and renamed (:func:`atomic_write`), so a reader
never sees half of one; an existing run or output is never replaced without ``force``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import socket
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from pipeline.errors import RunDirectoryError, TematikError, UsageError

log = logging.getLogger(__name__)

MARKER = "INCOMPLETE.txt"
MANIFEST = "manifest.json"

# -- writing files atomically -----------------------------------------------------------------


def atomic_write(path: Path, write: Callable[[Path], object]) -> None:
    """Call ``write(tmp)`` and rename ``tmp`` to ``path``: readers never see half a file."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def write_bytes(path: Path, data: bytes) -> None:
    """``data`` into ``path`` atomically."""
    atomic_write(path, lambda p: p.write_bytes(data))


def write_text(path: Path, text: str) -> None:
    atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))


def write_table(folder: Path, name: str, frame: pd.DataFrame) -> None:
    """``folder/name.parquet``."""
    atomic_write(folder / f"{name}.parquet",
                 lambda p: frame.to_parquet(p, index=False, engine="pyarrow"))


def write_csv(folder: Path, name: str, frame: pd.DataFrame) -> None:
    """CSV in UTF-8 with BOM, so Excel shows Indonesian text correctly."""
    atomic_write(folder / f"{name}.csv", csv_writer(frame))


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """``frame`` as CSV in UTF-8 with BOM and ``\\n`` line ends (Excel reads it right)."""
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8-sig")


def csv_writer(frame: pd.DataFrame) -> Callable[[Path], object]:
    return lambda p: Path(p).write_bytes(csv_bytes(frame))


def write_json(path: Path, data: object) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    write_text(path, text)


# -- one run at a time per --out ----------------------------------------------------------


def lock_path(out: Path) -> Path:
    """Where the lock of run directory ``out`` lives: ``.NAME.lock`` beside it."""
    out = Path(out)
    return out.with_name(f".{out.name}.lock")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, owned by someone else
        return True
    return True


def _holder(path: Path) -> dict[str, object] | None:
    """The lock's content, or None when it cannot be read (being written, or garbage)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def is_stale(path: Path) -> bool:
    """A lock whose process is gone (on this host), or that holds no process at all."""
    holder = _holder(path)
    if holder is None:  # garbage, or a lock being written this instant
        try:
            return time.time() - path.stat().st_mtime > 5
        except OSError:
            return True
    pid = holder.get("pid")
    if holder.get("host") != socket.gethostname():
        return False  # another machine's run on a shared folder: never taken over
    return not (isinstance(pid, int) and _alive(pid))


@contextmanager
def run_lock(out: Path) -> Iterator[Path]:
    """Hold the lock of run directory ``out`` for the duration of the block.

    A lock left by a run that was killed (its process no longer exists on this host) is
    stale: it is taken over, with a note in the log. Raises :class:`RunDirectoryError` when
    another live run holds it, or when the folder beside ``out`` cannot be written.
    """
    path = lock_path(out)
    me = json.dumps({"pid": os.getpid(), "host": socket.gethostname()})
    for _ in range(2):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            if not is_stale(path):
                holder = _holder(path) or {}
                raise RunDirectoryError(
                    f"another tematik run (process {holder.get('pid', '?')} on "
                    f"{holder.get('host', '?')}) is writing {out}",
                    fix=f"Wait for it to finish, or choose another --out. If no such run "
                    f"is going on, delete {path}.") from None
            log.warning("removing the stale lock %s left by a run that was stopped", path)
            path.unlink(missing_ok=True)
            continue
        except OSError as exc:
            raise unwritable(out, exc) from exc
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(me)
        break
    else:  # pragma: no cover - another process took the stale lock between our two tries
        raise RunDirectoryError(f"another tematik run has just started writing {out}",
                                fix="Wait for it to finish, or choose another --out.")
    try:
        yield path
    finally:
        if _holder(path) == json.loads(me):
            path.unlink(missing_ok=True)


# -- creating a run directory ---------------------------------------------------------------


def unwritable(out: Path, exc: OSError) -> RunDirectoryError:
    return RunDirectoryError(
        f"cannot write the run directory {out} ({exc.strerror})",
        fix="Check that the folder is writable and the disk is not full, or choose "
        "another --out.")


def disk_error(out: Path, exc: OSError) -> RunDirectoryError:
    """A write that failed (disk full, folder read-only) as a message a researcher can act
    on; earlier runs are left as they were."""
    reason = exc.strerror or exc.__class__.__name__
    return RunDirectoryError(
        f"cannot write the run directory {out} ({reason})",
        fix="Free some disk space or choose a writable --out; earlier runs are untouched and "
        "the unfinished one is marked INCOMPLETE.")


def check_new(out: Path, *, force: bool) -> None:
    """Refuse an ``out`` that exists without ``force``, or that is not a folder."""
    if out.exists() and not force:
        raise RunDirectoryError(
            f"run directory already exists: {out}",
            fix="Choose another --out, or add --force to replace it.",
        )
    if out.exists() and not out.is_dir():
        raise RunDirectoryError(f"{out} exists and is not a directory",
                                fix="Choose another --out.")


def _prepare(out: Path, force: bool) -> Path:
    check_new(out, force=force)
    work = out.with_name(out.name + ".incomplete")
    if work.exists():
        # hostile: a run killed between mkdir and the marker leaves an empty folder.
        if not (work / MARKER).exists() and any(work.iterdir()):
            raise RunDirectoryError(
                f"{work} exists and was not made by tematik",
                fix="Move it away or choose another --out.",
            )
        shutil.rmtree(work)
    try:
        work.mkdir(parents=True)
        (work / MARKER).write_text(
            "This run has not finished. Its tables may be missing or partial.\n",
            encoding="utf-8",
        )
    except OSError as exc:
        raise unwritable(out, exc) from exc
    return work


def _finish(work: Path, out: Path) -> None:
    (work / MARKER).unlink()
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        os.replace(out, old)
    os.replace(work, out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


@contextmanager
def creating(out: Path, *, force: bool = False, private: bool = False) -> Iterator[Path]:
    """Create the run directory ``out``: hold its lock, yield ``NAME.incomplete/`` to write
    into, and rename it to ``out`` when the block ends (replacing an old ``out`` only with
    ``force``, and only then). When the block fails, the marker says why (without the
    message when the run is ``private``: anonymised runs' messages may hold names), a failed
    write becomes a message a researcher can act on, and the error goes on."""
    out = Path(out)
    with run_lock(out):
        work = _prepare(out, force)
        try:
            yield work
        except BaseException as exc:
            marker = work / MARKER
            try:
                if marker.exists():
                    with marker.open("a", encoding="utf-8") as fh:
                        fh.write(f"It stopped with: {exc.__class__.__name__}\n" if private else
                                 f"It stopped with: {exc.__class__.__name__}: {exc}\n")
            except OSError:
                pass  # the disk that just failed may refuse the note too
            if isinstance(exc, OSError) and not isinstance(exc, TematikError):
                raise disk_error(out, exc) from exc
            raise
        try:
            _finish(work, out)
        except OSError as exc:
            raise disk_error(out, exc) from exc


def copy_into(source_run: Path, work: Path, names: Sequence[str]) -> None:
    """Copy the files and folders ``names`` of ``source_run`` (those it has) into ``work``."""
    for name in names:
        source = Path(source_run) / name
        if source.is_dir():
            shutil.copytree(source, work / name)
        elif source.exists():
            shutil.copyfile(source, work / name)


# -- reading a finished run ---------------------------------------------------------------


def open_run(folder: Path) -> dict[str, object]:
    """The manifest of the finished run in ``folder``; a clear error when it is not one."""
    folder = Path(folder)
    if not folder.is_dir():
        incomplete = folder.with_name(folder.name + ".incomplete")
        if incomplete.exists():  # a run that failed: the data must change, not the path
            raise RunDirectoryError(f"no run directory at {folder}: the run did not finish "
                                    f"(see {incomplete / MARKER})",
                                    fix="Run 'tematik run' again with --force.")
        raise UsageError(f"{'not a folder' if folder.exists() else 'run not found'}: {folder}",
                         fix="Give the folder 'tematik run' printed as its run directory "
                         "(for example runs/sample).")
    if (folder / MARKER).exists():
        raise RunDirectoryError(f"{folder} is a run that did not finish",
                                fix="Run 'tematik run' again with --force.")
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RunDirectoryError(f"{folder} has no readable manifest.json, so it is not a "
                                "tematik run", fix="Give a folder made by 'tematik run'.") from exc
    if not isinstance(manifest, dict):
        raise RunDirectoryError(f"{folder}/manifest.json is not a tematik manifest",
                                fix="Give a folder made by 'tematik run'.")
    return manifest


def write_manifest(folder: Path, manifest: Mapping[str, object]) -> None:
    write_json(Path(folder) / MANIFEST, manifest)


def manifest_sha256(folder: Path) -> str:
    """SHA-256 of a run's manifest: how an applied or refitted run names the run it came
    from."""
    return hashlib.sha256((Path(folder) / MANIFEST).read_bytes()).hexdigest()
