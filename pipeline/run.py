"""The one place that orders stages and persists artifacts.

A run writes into ``NAME.incomplete/`` beside its final directory, marked by an
``INCOMPLETE.txt`` file; only when every table and the manifest are written is it renamed to
``NAME``. A failed run leaves the marked incomplete directory (with the error in the marker),
never a directory that looks complete. Every file is written to a temporary name and renamed.
"""

from __future__ import annotations

import hashlib
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
from typing import cast

import pandas as pd

from pipeline import __version__
from pipeline.anonymise import Anonymised
from pipeline.anonymise_run import anonymise_corpus, check_key_path, write_key
from pipeline.codebook import DEFAULT_CODEBOOK, Codebook, codebook_yaml, load_codebook
from pipeline.config import DEFAULT_CORPUS, RunConfig
from pipeline.errors import RunDirectoryError, TematikError, UsageError
from pipeline.files import atomic_write, bytes_writer, write_csv, write_json, write_table
from pipeline.ingest import (
    Corpus,
    Transcript,
    find_files,
    read_files,
    transcripts_frame,
    turns_frame,
)
from pipeline.lock import run_lock
from pipeline.manual import read_coded
from pipeline.matrix import cooccurrence, theme_matrix
from pipeline.normalise import Normaliser, normalise
from pipeline.parallel import one_thread_numerics
from pipeline.reportdata import labels
from pipeline.reportfiles import begin_workbook, write_report
from pipeline.resources import load_lexicon
from pipeline.segment import passages_frame, segment
from pipeline.speakers import INFORMANT
from pipeline.supervised import SupervisedCoder, fit_coder
from pipeline.themes import (
    DictionaryCoder,
    DictionaryResult,
    code_passages,
)
from pipeline.topicmodels import TopicModel
from pipeline.topics import TooLittleTextError, TopicsResult, fit_topics, theme_seeds

log = logging.getLogger(__name__)

MARKER = "INCOMPLETE.txt"
Progress = Callable[[str, int, int], None]
"""``progress(stage, done, total)``: called as each stage starts (``done`` stages finished
of ``total``) and once at the end with stage "" and ``done == total``. The CLI draws a
progress bar with it; the library never prints."""
PACKAGES = ("spacy", "scikit-learn", "gensim", "pandas", "pyarrow", "numpy", "click",
            "python-docx", "openpyxl", "Sastrawi", "PyYAML", "matplotlib")


@dataclass
class RunResult:
    """What the CLI reports: where the run is, what it counted, how long each stage took."""

    out: Path
    counts: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    key: Path | None = None  # anonymised runs: the key file (outside the run directory)


def default_out(root: Path = Path("runs")) -> Path:
    return root / datetime.now().strftime("%Y%m%d-%H%M%S")


@dataclass
class _Steps:
    """Counts stages for a :data:`Progress` callback."""

    progress: Progress | None = None
    total: int = 0
    done: int = 0

    def start(self, name: str) -> None:
        if self.progress is not None:
            self.progress(name, min(self.done, self.total), self.total)

    def end(self) -> None:
        self.done = self.total
        if self.progress is not None:
            self.progress("", self.total, self.total)


@contextmanager
def _stage(name: str, timings: dict[str, float], steps: _Steps | None = None) -> Iterator[None]:
    if steps is not None:
        steps.start(name)
    t0 = time.perf_counter()
    yield
    timings[name] = round(time.perf_counter() - t0, 4)
    if steps is not None:
        steps.done += 1
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
    lang: str = "id",
    progress: Progress | None = None,
    key_out: Path | None = None,
    corpus: Corpus | None = None,
) -> RunResult:
    """Run every stage on ``inputs`` (files and folders; ``corpus/`` when empty) into ``out``.

    The run ends with the report (``report.html``, ``workbook.xlsx``, ``figures/``; labels
    in ``lang``). ``progress`` is told as each stage starts (see :data:`Progress`).
    ``corpus``: transcripts already read (``tematik anonymise`` re-runs a run's stored
    ones) instead of ``inputs``. With ``config.anonymise``, the key goes to ``key_out``
    (default ``OUT.key.csv`` beside the run directory; never inside it).

    Raises :class:`UsageError` for missing inputs, :class:`RunDirectoryError` when ``out``
    exists without ``force``, :class:`InputFileError` when no file could be read.
    """
    config = config or RunConfig()
    if not inputs and corpus is None:
        if not DEFAULT_CORPUS.is_dir():
            raise UsageError(f"no INPUT given and the sample corpus is missing: {DEFAULT_CORPUS}",
                             fix="Give a folder or files of transcripts.")
        inputs = [DEFAULT_CORPUS]
    # Fail on a bad path or codebook before anything is written.
    files, found_warnings = (find_files([Path(p) for p in inputs]) if corpus is None
                             else ([], []))
    codebook = read_codebook(config.codebook)
    coded = (read_coded(config.train, text_column=config.train_text_column,
                        code_column=config.train_code_column,
                        options=("--train-text-column", "--train-code-column"))
             if config.train else None)
    labels(lang)  # an unknown language fails before anything is written
    out = Path(out) if out is not None else default_out()
    result = RunResult(out=out)
    # anon: the key's place is checked before anything is written (docs/privacy.md)
    result.key = check_key_path(out, key_out, force=force) if config.anonymise else None
    # hostile: one run at a time per --out (pipeline/lock.py); perf: see one_thread_numerics
    with run_lock(out), one_thread_numerics():
        work = _prepare(out, force)
        try:
            steps = _Steps(progress, total=6 + (2 if config.topics != 0 else 0)
                           + (1 if coded is not None else 0) + (1 if config.anonymise else 0))
            done = _run_stages(files, found_warnings, work, config, codebook, coded, result,
                               lang, steps, corpus)
            if done is not None and result.key is not None:  # anon
                write_key(result.key, done.key, run=out)
            steps.end()
        except BaseException as exc:
            marker = work / MARKER
            try:
                if marker.exists():
                    with marker.open("a", encoding="utf-8") as fh:
                        fh.write(f"It stopped with: {exc.__class__.__name__}\n"
                                 if config.anonymise else
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
    return result


def disk_error(out: Path, exc: OSError) -> RunDirectoryError:
    """A write that failed (disk full, folder read-only) as a message a researcher can act
    on; earlier runs are left as they were."""
    reason = exc.strerror or exc.__class__.__name__
    return RunDirectoryError(
        f"cannot write the run directory {out} ({reason})",
        fix="Free some disk space or choose a writable --out; earlier runs are untouched and "
        "the unfinished one is marked INCOMPLETE.")


def _run_stages(
    files: list[tuple[Path, str]], found_warnings: list[str], work: Path, config: RunConfig,
    codebook: Codebook, coded: pd.DataFrame | None, result: RunResult, lang: str = "id",
    steps: _Steps | None = None, corpus: Corpus | None = None,
) -> Anonymised | None:
    timings = result.timings
    started = datetime.now(UTC).isoformat(timespec="seconds")
    if corpus is None:
        with _stage("ingest", timings, steps):
            corpus = read_files(files, found_warnings,
                                interviewer_labels=config.interviewer_labels,
                                limits=config.limits)  # hostile: limits
    lexicon = load_lexicon(config.models_dir)
    normaliser = Normaliser(lexicon)
    done = None
    if config.anonymise:  # anon: before segmenting, so every offset is into the new text
        with _stage("anonymise", timings, steps):
            corpus, coded, done = anonymise_corpus(corpus, [s for _, s in files], coded,
                                                   normaliser)
    result.warnings.extend(corpus.warnings)
    result.skipped.extend(corpus.skipped)
    with _stage("segment", timings, steps):
        passages = segment(corpus.transcripts, corpus.turns, window_words=config.window_words,
                           filler_words=lexicon.fillers)
    with _stage("normalise", timings, steps):
        tokens = normalise(passages, normaliser)
    passages_df = passages_frame(passages)
    supervised = None
    cueless = [t.id for t in codebook.themes if not t.keywords and not t.phrases]
    if cueless and coded is None:
        result.warnings.append(f"{len(cueless)} theme(s) of the codebook have no keywords or "
                               f"phrases, so nothing codes them: {', '.join(cueless[:8])}"
                               f"{' ...' if len(cueless) > 8 else ''}. Give --train with "
                               "your coded passages to learn them.")
    if coded is not None:
        with _stage("train", timings, steps):
            supervised = fit_coder(coded, normaliser, themes=[t.id for t in codebook.themes],
                                   random_state=config.seed)
        unknown = sorted(set(supervised.classes_) - {t.id for t in codebook.themes})
        if unknown:
            result.warnings.append(f"{config.train}: codes that are not themes of the codebook "
                                   f"are learned by the supervised coder only: "
                                   f"{', '.join(unknown)}")
        result.warnings.extend(f"{config.train}: theme '{t}' not trained: {why}"
                               for t, why in sorted(supervised.untrainable_.items())
                               if t in set().union(*coded["codes"]))
    with _stage("themes", timings, steps):
        coder = DictionaryCoder(codebook, normaliser, threshold=config.threshold)
        matched, codings = code_passages(passages_df, tokens, coder, supervised)
        matrix = theme_matrix(codings, passages_df, matched.evidence, codebook)
        together = cooccurrence(codings, passages_df)
    with _stage("write", timings, steps):
        transcripts = transcripts_frame(corpus.transcripts, corpus.turns)
        write_coding_tables(work, transcripts, turns_frame(corpus.turns), passages_df, tokens,
                            matched, codings, matrix, together)
        if supervised is not None:
            _write_supervised(work, supervised)
        codebook_text = (codebook_yaml(codebook) if Path(config.codebook).suffix.lower() == ".qdc"
                         else Path(config.codebook).read_text(encoding="utf-8"))
        atomic_write(work / "codebook.yaml",
                     lambda p: p.write_text(codebook_text, encoding="utf-8"))
    # perf: the workbook's big sheets are written in a worker while topics fit
    with begin_workbook(work) as workbook:
        topics_info = _topics_stage(passages_df, tokens, transcripts, work, config, codebook,
                                    normaliser, result, steps)
        informants = {(t.transcript_id, t.speaker) for t in corpus.turns if t.role == INFORMANT}
        result.counts.update(
            transcripts=len(corpus.transcripts),
            informants=len(informants),
            turns=len(corpus.turns),
            passages=len(passages),
            tokens=len(tokens),
            words=(int(tokens["kind"].isin(["word", "stop", "filler"]).sum()) if len(tokens)
                   else 0),
            codings=len(codings),
            coded_passages=int(codings["passage_id"].nunique()),
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
            "supervised": None if supervised is None or coded is None else {
                "train": str(config.train), "passages": len(coded),
                "train_sha256": hashlib.sha256(Path(str(config.train)).read_bytes()).hexdigest(),
                "themes": list(supervised.classes_), "untrainable": supervised.untrainable_,
                "files": ["supervised/model.json", "supervised_terms.parquet",
                          "supervised_cv.parquet"]},
            "codebook": {"name": codebook.name, "version": codebook.version,
                         "path": str(config.codebook), "sha256": codebook.sha256,
                         "themes": [t.id for t in codebook.themes]},
            "packages": _versions(),
            "inputs": input_records(corpus.transcripts),
            "skipped": result.skipped,
            "warnings": result.warnings,
            "counts": result.counts,
            "timings_s": timings,
            "tables": ["transcripts", "turns", "passages", "tokens", "evidence", "theme_scores",
                       "codings", "theme_matrix", "theme_cooccurrence",
                       *cast(list[str], topics_info["tables"])],
            "topics": topics_info,
        }
        if done is not None:  # anon: counts only; every string scrubbed of names and ids
            manifest["anonymised"] = dict(done.counts)
            manifest = done.scrub_data(manifest)
            result.warnings[:] = map(done.scrub, result.warnings)
            result.skipped[:] = map(done.scrub, result.skipped)
        with _stage("report", timings, steps):
            # The report sees the manifest as it will be read back (tuples become lists).
            as_saved = json.loads(json.dumps(manifest, ensure_ascii=False, sort_keys=True))
            manifest["report"] = write_report(work, as_saved, lang=lang, codebook=codebook,
                                              name=work.name.removesuffix(".incomplete"),
                                              workbook=workbook)
    write_json(work / "manifest.json", manifest)
    return done


def write_coding_tables(folder: Path, transcripts: pd.DataFrame, turns: pd.DataFrame,
                        passages: pd.DataFrame, tokens: pd.DataFrame, matched: DictionaryResult,
                        codings: pd.DataFrame, matrix: pd.DataFrame,
                        together: pd.DataFrame) -> None:
    """The tables every run directory holds, from transcripts to the theme displays (Parquet,
    and CSV for the ones a researcher opens in Excel; codings.csv carries the passage text).
    ``tematik run`` and ``tematik apply`` both write them here."""
    write_table(folder, "transcripts", transcripts)
    write_table(folder, "turns", turns)
    write_table(folder, "passages", passages)
    write_csv(folder, "passages", passages)
    write_table(folder, "tokens", tokens)
    write_table(folder, "evidence", matched.evidence)
    write_table(folder, "theme_scores", matched.scores)
    write_table(folder, "codings", codings)
    write_csv(folder, "codings", codings.merge(passages[["passage_id", "text"]],
                                               on="passage_id", how="left"))
    write_table(folder, "theme_matrix", matrix)
    write_csv(folder, "theme_matrix", matrix)
    write_table(folder, "theme_cooccurrence", together)


def input_records(transcripts: Sequence[Transcript]) -> list[dict[str, str]]:
    """The manifest's ``inputs``: each transcript's id, source path, format, encoding and
    SHA-256."""
    return [{"transcript_id": t.transcript_id, "path": t.source, "format": t.format,
             "encoding": t.encoding, "sha256": t.sha256} for t in transcripts]


def topic_labels(run_dir: Path) -> dict[int, str]:
    """Each topic's label in the run in ``run_dir`` (its ``topic_summary``)."""
    summary = read_run_table(run_dir, "topic_summary")
    return {int(t): str(x) for t, x in zip(summary["topic"], summary["label"], strict=True)}


def manifest_sha256(folder: Path) -> str:
    """SHA-256 of a run's manifest: how an applied or refitted run names the run it came
    from."""
    return hashlib.sha256((Path(folder) / "manifest.json").read_bytes()).hexdigest()


def _write_supervised(folder: Path, coder: SupervisedCoder) -> None:
    """The trained coder as plain JSON (never pickle), its indicative terms and its
    cross-validated scores."""
    (folder / "supervised").mkdir(exist_ok=True)
    text = json.dumps(coder.to_dict(), ensure_ascii=False, sort_keys=True)
    atomic_write(folder / "supervised" / "model.json",
                 lambda p: p.write_text(text, encoding="utf-8"))
    write_table(folder, "supervised_terms", coder.top_terms())
    write_table(folder, "supervised_cv", coder.cv_report_)


def load_supervised(run_dir: Path) -> SupervisedCoder | None:
    """The supervised coder a run trained, or None when it trained none."""
    path = Path(run_dir) / "supervised" / "model.json"
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RunDirectoryError(f"{path} cannot be read ({exc.__class__.__name__})",
                                fix="The run is damaged: run 'tematik run' again.") from exc
    return SupervisedCoder.from_dict(data)


def read_codebook(path: Path) -> Codebook:
    """A YAML codebook, or a REFI-QDA codebook (.qdc) whose codes that match themes of the
    default codebook by name take their cues."""
    path = Path(path)
    if path.suffix.lower() != ".qdc":
        return load_codebook(path)
    from pipeline.qdpx import read_qdc
    from pipeline.qdpx_tables import codebook_from_codes

    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        raise UsageError(f"cannot read codebook {path} ({exc.strerror})",
                         fix="Check the path given to --codebook.") from exc
    return codebook_from_codes(read_qdc(path), name=path.stem, sha256=digest,
                               reference=load_codebook(DEFAULT_CODEBOOK))


# -- reading a finished run ---------------------------------------------------------------


def open_run(folder: Path) -> dict[str, object]:
    """The manifest of the finished run in ``folder``; a clear error when it is not one."""
    folder = Path(folder)
    if not folder.is_dir():
        incomplete = folder.with_name(folder.name + ".incomplete")
        hint = (f" ({incomplete} exists: that run did not finish)" if incomplete.exists()
                else "")
        raise RunDirectoryError(f"no run directory at {folder}{hint}",
                                fix="Give the folder 'tematik run' printed as its run "
                                "directory.")
    if (folder / MARKER).exists():
        raise RunDirectoryError(f"{folder} is a run that did not finish",
                                fix="Run 'tematik run' again with --force.")
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RunDirectoryError(f"{folder} has no readable manifest.json, so it is not a "
                                "tematik run", fix="Give a folder made by 'tematik run'.") from exc
    if not isinstance(manifest, dict):
        raise RunDirectoryError(f"{folder}/manifest.json is not a tematik manifest",
                                fix="Give a folder made by 'tematik run'.")
    return manifest


def read_run_table(folder: Path, name: str) -> pd.DataFrame:
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


# -- topics (issue 3; docs/topics.md) ----------------------------------------------------------

TOPICS_DIR = "topics"


def _topics_stage(passages: pd.DataFrame, tokens: pd.DataFrame, transcripts: pd.DataFrame,
                  work: Path, config: RunConfig, codebook: Codebook, normaliser: Normaliser,
                  result: RunResult, steps: _Steps | None = None) -> dict[str, object]:
    """Fit and write the topic tables and model; too little text is a warning, not a failure.

    Returns the manifest's ``topics`` entry (with the table names under ``tables``)."""
    if config.topics == 0:
        return {"status": "off", "tables": []}
    seeds = None
    with _stage("topics", result.timings, steps):
        if config.seed_topics:
            seeds = theme_seeds(codebook, lambda w: normaliser.stem(normaliser.word(w)))
        try:
            fitted = fit_topics(passages, tokens, k=config.topics, model=config.topic_model,
                                seed=config.seed, seed_terms=seeds, transcripts=transcripts)
        except TooLittleTextError as exc:
            result.warnings.append(f"no topic model: {exc}")
            return {"status": "skipped", "reason": str(exc), "tables": []}
    with _stage("write topics", result.timings, steps):
        save_topics(work, fitted)
    result.warnings.extend(fitted.notes)
    result.counts["topics"] = fitted.model.n_topics
    return {"status": "complete", "model": config.topic_model, "k": fitted.model.n_topics,
            "seed_themes": list(fitted.model.seed_themes), "dir": TOPICS_DIR,
            "files": sorted(fitted.model.to_files()), "tables": list(fitted.tables())}


def save_topics(folder: Path, fitted: TopicsResult) -> None:
    """Write the topic tables into ``folder`` and the model into ``folder/topics/``."""
    for name, frame in fitted.tables().items():
        write_table(folder, name, frame)
    model_dir = folder / TOPICS_DIR
    model_dir.mkdir(exist_ok=True)
    for name, data in fitted.model.to_files().items():
        atomic_write(model_dir / name, bytes_writer(data))


def load_topic_model(run_dir: Path) -> TopicModel:
    """The topic model saved in ``run_dir/topics/`` (to apply it to new transcripts)."""
    folder = Path(run_dir) / TOPICS_DIR
    if not (folder / "model.json").is_file():
        raise UsageError(f"{run_dir} has no saved topic model",
                         fix="Run tematik run with --topics auto or --topics K.")
    return TopicModel.from_files({p.name: p.read_bytes() for p in folder.iterdir()
                                  if p.is_file() and not p.name.startswith(".")})


def read_topics(run_dir: Path) -> dict[str, pd.DataFrame]:
    """The topic tables of a finished run, with its passages and transcripts.

    Raises :class:`UsageError` (exit 2) when ``run_dir`` is not a run directory and
    :class:`RunDirectoryError` (exit 1) when the run has no topics, saying why.
    """
    run_dir = Path(run_dir)
    manifest_path = run_dir / "manifest.json"
    if not manifest_path.is_file():
        raise UsageError(f"no such run: {run_dir} (no manifest.json)",
                         fix="Give a run directory written by tematik run, e.g. runs/sample.")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    info = manifest.get("topics") or {}
    if info.get("status") != "complete":
        why = info.get("reason") or ("topics were turned off (--topics 0)"
                                     if info.get("status") == "off" else
                                     "it was made before topics existed")
        raise RunDirectoryError(f"run {run_dir} has no topics: {why}",
                                fix="Re-run tematik run with --topics auto or --topics K.")
    names = [*info.get("tables", []), "passages", "transcripts"]
    return {name: pd.read_parquet(run_dir / f"{name}.parquet") for name in names}
