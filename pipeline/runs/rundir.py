"""The run directory: the one module that creates, locks, reads, writes, hashes or renames run
directories, and writes the files tematik makes beside them (an export, a coded sheet, the
anonymisation key).

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
from typing import TYPE_CHECKING

import pandas as pd

from pipeline.errors import RunDirectoryError, TematikError, UsageError
from pipeline.readers.codebook import load_codebook
from pipeline.types import Codebook

if TYPE_CHECKING:
    from pipeline.stages.coders import LearnedCoder
    from pipeline.stages.topicmodels import TopicModel

# The topic model (gensim, scipy) and the learned coders (scikit-learn) are imported where they
# are loaded: the commands that only read a run's tables (themes, topics) start without them.

log = logging.getLogger(__name__)

MARKER = "INCOMPLETE.txt"
MANIFEST = "manifest.json"
CODEBOOK = "codebook.yaml"
TOPICS_DIR = "topics"
FIGURES_DIR = "figures"
KEY_SUFFIX = ".key.csv"

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


def csv_writer(frame: pd.DataFrame) -> Callable[[Path], object]:
    return lambda p: frame.to_csv(p, index=False, encoding="utf-8-sig", lineterminator="\n")


def write_json(path: Path, data: object) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    write_text(path, text)


def check_output(path: Path, *, force: bool, option: str = "") -> Path:
    """``path`` for a file tematik is about to write outside a run directory (an export, a
    coded sheet): refused when it exists and ``force`` is not given."""
    path = Path(path)
    if path.exists() and not force:
        other = f"another {option}" if option else "another file"
        raise RunDirectoryError(f"{path} already exists",
                                fix=f"Choose {other}, or add --force to replace it.")
    return path


def write_output(path: Path, data: bytes, *, make_folder: bool = False) -> Path:
    """Write a file outside a run directory (an export, a coded sheet) atomically, synced to
    disk, in its folder (created with ``make_folder``). A failed write is a
    :class:`TematikError` naming the file."""
    path = Path(path)

    def synced(tmp: Path) -> None:
        with tmp.open("wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())

    try:
        if make_folder:
            path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, synced)
    except OSError as exc:
        raise TematikError(f"cannot write {path} ({exc.strerror})",
                           fix="Check that the folder exists and is writable, and that "
                               "the disk is not full.") from exc
    return path


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


def has_table(folder: Path, name: str) -> bool:
    return (Path(folder) / f"{name}.parquet").is_file()


def read_table(folder: Path, name: str) -> pd.DataFrame:
    """Table ``name`` of the run in ``folder``, or an error saying which run lacks it."""
    path = Path(folder) / f"{name}.parquet"
    if not path.exists():
        manifest = open_run(folder)
        raise RunDirectoryError(
            f"the run {folder} has no '{name}' table (made by tematik "
            f"{manifest.get('tematik_version', '?')})",
            fix="Run 'tematik run' again with this version of tematik to make it.")
    try:
        return pd.read_parquet(path)
    except (OSError, ValueError) as exc:
        raise RunDirectoryError(f"{path} cannot be read ({exc.__class__.__name__})",
                                fix="The run is damaged: run 'tematik run' again.") from exc


def read_tables(folder: Path, names: Sequence[str]) -> dict[str, pd.DataFrame]:
    """Those of the tables ``names`` the run in ``folder`` has (the others are left out)."""
    folder = Path(folder)
    return {name: pd.read_parquet(folder / f"{name}.parquet") for name in names
            if (folder / f"{name}.parquet").is_file()}


def remove_tables(folder: Path, names: Sequence[str]) -> None:
    """Delete the tables ``names`` (Parquet and CSV) from the run in ``folder``."""
    for name in names:
        for suffix in (".parquet", ".csv"):
            (Path(folder) / f"{name}{suffix}").unlink(missing_ok=True)


def has_csv(folder: Path, name: str) -> bool:
    return (Path(folder) / f"{name}.csv").exists()


def run_codebook(folder: Path) -> Codebook:
    """The codebook a run used (its copy in the run directory)."""
    path = Path(folder) / CODEBOOK
    if not path.exists():
        raise RunDirectoryError(f"the run {folder} has no codebook.yaml (made before "
                                "tematik coded themes)", fix="Run 'tematik run' again.")
    return load_codebook(path)


def codebook_path(folder: Path) -> Path:
    return Path(folder) / CODEBOOK


def write_codebook(folder: Path, text: str) -> None:
    write_text(Path(folder) / CODEBOOK, text)


def read_codebook_if_any(folder: Path) -> Codebook | None:
    path = Path(folder) / CODEBOOK
    return load_codebook(path) if path.is_file() else None


# -- the report's figures -----------------------------------------------------------------


def read_figures(folder: Path, names: Sequence[str]) -> dict[str, tuple[bytes, bytes]] | None:
    """The figures ``names`` already in the run's ``figures/`` (PNG and SVG bytes), or None
    when any is half there."""
    figures_dir = Path(folder) / FIGURES_DIR
    found = {}
    for name in names:
        png, svg = figures_dir / f"{name}.png", figures_dir / f"{name}.svg"
        if png.is_file() and svg.is_file():
            found[name] = (png.read_bytes(), svg.read_bytes())
        elif png.exists() or svg.exists():
            return None
    return found


def write_figures(folder: Path, figures: Mapping[str, tuple[bytes, bytes]],
                  names: Sequence[str]) -> list[str]:
    """Write ``figures`` (name -> PNG and SVG bytes) into the run's ``figures/`` and remove
    those of ``names`` the run no longer has data for; the files written, relative to the
    run."""
    figures_dir = Path(folder) / FIGURES_DIR
    figures_dir.mkdir(exist_ok=True)
    for name, (png, svg) in figures.items():
        write_bytes(figures_dir / f"{name}.png", png)
        write_bytes(figures_dir / f"{name}.svg", svg)
    for stale in names:
        if stale not in figures:
            for suffix in (".png", ".svg"):
                (figures_dir / f"{stale}{suffix}").unlink(missing_ok=True)
    return [f"{FIGURES_DIR}/{n}{s}" for n in figures for s in (".png", ".svg")]


# -- fitted models ----------------------------------------------------------------------------


def save_topic_model(folder: Path, model: TopicModel) -> None:
    """The topic model into ``folder/topics/`` (JSON and .npz; never pickle)."""
    model_dir = Path(folder) / TOPICS_DIR
    model_dir.mkdir(exist_ok=True)
    for name, data in model.to_files().items():
        write_bytes(model_dir / name, data)


def load_topic_model(folder: Path) -> TopicModel:
    """The topic model saved in ``folder/topics/`` (to apply it to new transcripts)."""
    model_dir = Path(folder) / TOPICS_DIR
    if not (model_dir / "model.json").is_file():
        raise UsageError(f"{folder} has no saved topic model",
                         fix="Run tematik run with --topics auto or --topics K.")
    from pipeline.stages.topicmodels import TopicModel

    try:
        return TopicModel.from_files({p.name: p.read_bytes() for p in model_dir.iterdir()
                                      if p.is_file() and not p.name.startswith(".")})
    except TematikError:
        raise
    except Exception as exc:  # a damaged model file: numpy/json raise many kinds
        raise RunDirectoryError(f"the topic model saved in {model_dir} cannot be read "
                                f"({exc.__class__.__name__})",
                                fix="Run 'tematik run' again to save it afresh.") from exc


def save_learned(folder: Path, name: str, coder: LearnedCoder) -> None:
    """A learned coder (:data:`pipeline.stages.coders.LEARNED`) as plain JSON in
    ``NAME/model.json`` (never pickle), its indicative terms (``NAME_terms``) and its
    cross-validated scores (``NAME_cv``)."""
    (Path(folder) / name).mkdir(exist_ok=True)
    write_text(Path(folder) / name / "model.json",
               json.dumps(coder.to_dict(), ensure_ascii=False, sort_keys=True))
    write_table(folder, f"{name}_terms", coder.top_terms())
    write_table(folder, f"{name}_cv", coder.cv_report_)


def load_learned(folder: Path) -> dict[str, LearnedCoder]:
    """The learned coders a run saved, by name (none when it learned none)."""
    from pipeline.stages.coders import LEARNED

    found = {}
    for name, learner in LEARNED.items():
        path = Path(folder) / name / "model.json"
        if not path.exists():
            continue
        try:
            found[name] = learner.load(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError) as exc:
            raise RunDirectoryError(f"{path} cannot be read ({exc.__class__.__name__})",
                                    fix="The run is damaged: run 'tematik run' again.") from exc
    return found


# -- the anonymisation key (docs/privacy.md) ------------------------------------------------


def default_key_path(out: Path) -> Path:
    """``runs/NAME`` -> ``runs/NAME.key.csv``: beside the run directory, not in it."""
    out = Path(out)
    return out.with_name(out.name + KEY_SUFFIX)


def check_key_path(out: Path, key_out: Path | None, *, force: bool = False) -> Path:
    """The key file for the run ``out``: ``key_out`` or :func:`default_key_path`.

    Raises :class:`UsageError` when it would lie inside the run directory (or its
    ``.incomplete`` twin), and :class:`RunDirectoryError` when it exists without ``force``.
    """
    key = Path(key_out) if key_out is not None else default_key_path(out)
    resolved = key.resolve()
    for folder in (Path(out), Path(out).with_name(Path(out).name + ".incomplete")):
        if resolved == folder.resolve() or resolved.is_relative_to(folder.resolve()):
            raise UsageError(
                f"the key file {key} is inside the run directory {out}",
                fix="The key holds the real names: give --key-out a path outside the run "
                "directory, e.g. " + str(default_key_path(out)) + ".")
    if key.suffix.lower() not in (".csv", ".json"):
        raise UsageError(f"the key file {key} must end in .csv or .json",
                         fix=f"Give --key-out a .csv or .json path, e.g. "
                         f"{default_key_path(out)}.")
    if key.exists() and not force:
        raise RunDirectoryError(f"key file already exists: {key}",
                                fix="Keep it (it belongs to another run) and give another "
                                "--key-out, or add --force to replace it.")
    return key


def write_key(path: Path, data: bytes) -> None:
    """The key file, readable by its owner only, atomically."""
    path = Path(path)

    def owner_only(tmp: Path) -> None:
        with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as fh:
            fh.write(data)

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, owner_only)
    except OSError as exc:
        raise RunDirectoryError(f"cannot write the key file {path} ({exc.strerror})",
                                fix="Check that its folder is writable, or give another "
                                "--key-out.") from exc
