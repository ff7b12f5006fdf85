"""The one place that orders stages and persists artifacts.

A run writes into ``NAME.incomplete/`` beside its final directory, marked by an
``INCOMPLETE.txt`` file; only when every table and the manifest are written is it renamed to
``NAME``. A failed run leaves the marked incomplete directory (with the error in the marker),
never a directory that looks complete. Every file is written to a temporary name and renamed.
"""

from __future__ import annotations

import json
import logging
import os
import platform
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import pandas as pd

from pipeline import __version__
from pipeline.config import DEFAULT_CORPUS, RunConfig
from pipeline.errors import RunDirectoryError, UsageError
from pipeline.ingest import find_files, read_files, transcripts_frame, turns_frame
from pipeline.normalise import Normaliser, normalise
from pipeline.resources import load_lexicon
from pipeline.segment import passages_frame, segment
from pipeline.speakers import INFORMANT

log = logging.getLogger(__name__)

MARKER = "INCOMPLETE.txt"
PACKAGES = ("spacy", "scikit-learn", "gensim", "pandas", "pyarrow", "numpy", "click",
            "python-docx", "openpyxl", "Sastrawi", "PyYAML")


@dataclass
class RunResult:
    """What the CLI reports: where the run is, what it counted, how long each stage took."""

    out: Path
    counts: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def default_out(root: Path = Path("runs")) -> Path:
    return root / datetime.now().strftime("%Y%m%d-%H%M%S")


def atomic_write(path: Path, write: Callable[[Path], object]) -> None:
    """Call ``write(tmp)`` and rename ``tmp`` to ``path``: readers never see half a file."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def write_table(folder: Path, name: str, frame: pd.DataFrame) -> None:
    atomic_write(folder / f"{name}.parquet",
                 lambda p: frame.to_parquet(p, index=False, engine="pyarrow"))


def write_csv(folder: Path, name: str, frame: pd.DataFrame) -> None:
    """CSV in UTF-8 with BOM, so Excel shows Indonesian text correctly."""
    atomic_write(folder / f"{name}.csv",
                 lambda p: frame.to_csv(p, index=False, encoding="utf-8-sig", lineterminator="\n"))


def write_json(path: Path, data: object) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))


@contextmanager
def _stage(name: str, timings: dict[str, float]) -> Iterator[None]:
    t0 = time.perf_counter()
    yield
    timings[name] = round(time.perf_counter() - t0, 4)
    log.info("stage %s: %.2f s", name, timings[name])


def _prepare(out: Path, force: bool) -> Path:
    if out.exists() and not force:
        raise RunDirectoryError(
            f"run directory already exists: {out}",
            fix="Choose another --out, or add --force to replace it.",
        )
    if out.exists() and not out.is_dir():
        raise RunDirectoryError(f"{out} exists and is not a directory",
                                fix="Choose another --out.")
    work = out.with_name(out.name + ".incomplete")
    if work.exists():
        if not (work / MARKER).exists():
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
        raise RunDirectoryError(
            f"cannot write the run directory {out} ({exc.strerror})",
            fix="Check that the folder is writable and the disk is not full, or choose "
            "another --out.",
        ) from exc
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


def _versions() -> dict[str, str]:
    found = {"python": platform.python_version(), "tematik": __version__}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def run(
    inputs: Sequence[Path] = (),
    out: Path | None = None,
    *,
    config: RunConfig | None = None,
    force: bool = False,
) -> RunResult:
    """Run every stage on ``inputs`` (files and folders; ``corpus/`` when empty) into ``out``.

    Raises :class:`UsageError` for missing inputs, :class:`RunDirectoryError` when ``out``
    exists without ``force``, :class:`InputFileError` when no file could be read.
    """
    config = config or RunConfig()
    if not inputs:
        if not DEFAULT_CORPUS.is_dir():
            raise UsageError(f"no INPUT given and the sample corpus is missing: {DEFAULT_CORPUS}",
                             fix="Give a folder or files of transcripts.")
        inputs = [DEFAULT_CORPUS]
    # Fail on a bad path before anything is written.
    files, found_warnings = find_files([Path(p) for p in inputs])
    out = Path(out) if out is not None else default_out()
    result = RunResult(out=out)
    work = _prepare(out, force)
    try:
        _run_stages(files, found_warnings, work, config, result)
    except BaseException as exc:
        marker = work / MARKER
        if marker.exists():
            with marker.open("a", encoding="utf-8") as fh:
                fh.write(f"It stopped with: {exc.__class__.__name__}: {exc}\n")
        raise
    _finish(work, out)
    return result


def _run_stages(
    files: list[tuple[Path, str]], found_warnings: list[str], work: Path, config: RunConfig,
    result: RunResult,
) -> None:
    timings = result.timings
    started = datetime.now(UTC).isoformat(timespec="seconds")
    with _stage("ingest", timings):
        corpus = read_files(files, found_warnings,
                            interviewer_labels=config.interviewer_labels)
    result.warnings.extend(corpus.warnings)
    result.skipped.extend(corpus.skipped)
    lexicon = load_lexicon(config.models_dir)
    with _stage("segment", timings):
        passages = segment(corpus.transcripts, corpus.turns, window_words=config.window_words,
                           filler_words=lexicon.fillers)
    with _stage("normalise", timings):
        tokens = normalise(passages, Normaliser(lexicon))
    with _stage("write", timings):
        transcripts = transcripts_frame(corpus.transcripts, corpus.turns)
        passages_df = passages_frame(passages)
        write_table(work, "transcripts", transcripts)
        write_table(work, "turns", turns_frame(corpus.turns))
        write_table(work, "passages", passages_df)
        write_table(work, "tokens", tokens)
        write_csv(work, "passages", passages_df)
    informants = {(t.transcript_id, t.speaker) for t in corpus.turns if t.role == INFORMANT}
    result.counts.update(
        transcripts=len(corpus.transcripts),
        informants=len(informants),
        turns=len(corpus.turns),
        passages=len(passages),
        tokens=len(tokens),
        words=int((tokens["kind"].isin(["word", "stop", "filler"])).sum()) if len(tokens) else 0,
    )
    if not passages:
        result.warnings.append("no informant passages were found; the tables are empty")
    manifest = {
        "tematik_version": __version__,
        "status": "complete",
        "started": started,
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "config": config.to_dict(),
        "seed": config.seed,
        "lexicon_sha256": lexicon.digest,
        "packages": _versions(),
        "inputs": [
            {"transcript_id": t.transcript_id, "path": t.source, "format": t.format,
             "encoding": t.encoding, "sha256": t.sha256}
            for t in corpus.transcripts
        ],
        "skipped": result.skipped,
        "warnings": result.warnings,
        "counts": result.counts,
        "timings_s": timings,
        "tables": ["transcripts", "turns", "passages", "tokens"],
    }
    write_json(work / "manifest.json", manifest)
