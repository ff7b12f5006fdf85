"""What a run directory holds and what tematik writes beside it: reading and removing its
tables, its copy of the codebook, the report's figures, the fitted topic model and learned
coders, exports and coded sheets outside a run, and the anonymisation key. Every write goes
through :func:`pipeline.runs.rundir.lifecycle.atomic_write`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from pipeline.errors import RunDirectoryError, TematikError, UsageError
from pipeline.readers.codebook import load_codebook
from pipeline.runs.rundir.lifecycle import (
    atomic_write,
    open_run,
    write_bytes,
    write_table,
    write_text,
)
from pipeline.types import Codebook

if TYPE_CHECKING:
    from pipeline.stages.coders import LearnedCoder
    from pipeline.stages.topicmodels import TopicModel

# The topic model (gensim, scipy) and the learned coders (scikit-learn) are imported where they
# are loaded: the commands that only read a run's tables (themes, topics) start without them.

CODEBOOK = "codebook.yaml"
TOPICS_DIR = "topics"
FIGURES_DIR = "figures"
KEY_SUFFIX = ".key.csv"

# -- a finished run's tables ----------------------------------------------------------------


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


# -- files outside a run: exports and coded sheets ------------------------------------


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
