"""``tematik run``: fit every stage on the researcher's transcripts and write a run directory.

The stages run in :func:`pipeline.runs.sequence.analyse` (fitting); this module writes what
they made through :mod:`pipeline.runs.rundir` (the coding tables as soon as coding is done,
so the workbook can begin while topics fit; then the topic model, the manifest and the
report).
"""

from __future__ import annotations

import hashlib
import json
import logging
import platform
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import cast

import pandas as pd

from pipeline import __version__
from pipeline.config import DEFAULT_CORPUS, RunConfig
from pipeline.errors import UsageError
from pipeline.parallel import one_thread_numerics
from pipeline.readers.codebook import codebook_yaml, load_codebook
from pipeline.readers.ingest import find_files, turns_frame
from pipeline.readers.sheets import read_coded
from pipeline.readers.speakers_file import read_speakers
from pipeline.report.data import labels
from pipeline.resources import DEFAULT_CODEBOOK
from pipeline.runs import rundir
from pipeline.runs.anonymise import key_bytes
from pipeline.runs.reportfiles import begin_workbook, write_report
from pipeline.runs.sequence import Analysis, analyse
from pipeline.stages.matrix import cooccurrence, theme_matrix
from pipeline.stages.supervised import SupervisedCoder
from pipeline.stages.themes import DictionaryResult
from pipeline.types import INFORMANT, Codebook, Corpus, SpeakerMap, Transcript

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]
"""``progress(stage, done, total)``: called as each stage starts (``done`` stages finished
of ``total``) and once at the end with stage "" and ``done == total``. The CLI draws a
progress bar with it; the library never prints."""
PACKAGES = ("spacy", "scikit-learn", "gensim", "pandas", "pyarrow", "numpy", "scipy", "click",
            "python-docx", "openpyxl", "xlsxwriter", "Sastrawi", "PyYAML", "defusedxml",
            "threadpoolctl", "matplotlib")
"""Every runtime dependency (pyproject.toml), whose versions the manifest records."""
CODING_TABLES = ("transcripts", "turns", "passages", "tokens", "evidence", "theme_scores",
                 "codings", "theme_matrix", "theme_cooccurrence")


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
class Stages:
    """Times each stage into ``timings`` and tells a :data:`Progress` callback."""

    timings: dict[str, float]
    progress: Progress | None = None
    total: int = 0
    done: int = 0

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        if self.progress is not None:
            self.progress(name, min(self.done, self.total), self.total)
        t0 = time.perf_counter()
        yield
        self.timings[name] = round(time.perf_counter() - t0, 4)
        self.done += 1
        log.info("stage %s: %.2f s", name, self.timings[name])

    def end(self) -> None:
        self.done = self.total
        if self.progress is not None:
            self.progress("", self.total, self.total)


def versions() -> dict[str, str]:
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
    # a bad speakers file fails before anything is written
    speakers = read_speakers(config.speakers) if corpus is None else None
    codebook = read_codebook(config.codebook)
    coded = (read_coded(config.train, text_column=config.train_text_column,
                        code_column=config.train_code_column,
                        options=("--train-text-column", "--train-code-column"))
             if config.train else None)
    labels(lang)  # an unknown language fails before anything is written
    out = Path(out) if out is not None else default_out()
    result = RunResult(out=out)
    # anon: the key's place is checked before anything is written (docs/privacy.md)
    result.key = (rundir.check_key_path(out, key_out, force=force) if config.anonymise
                  else None)
    stages = Stages(result.timings, progress,
                    total=6 + (2 if config.topics != 0 else 0) + (1 if coded is not None else 0)
                    + (1 if config.anonymise else 0))
    # perf: see one_thread_numerics
    with rundir.creating(out, force=force, private=config.anonymise) as work, \
            one_thread_numerics():
        analysis = _run_stages(corpus if corpus is not None else files, found_warnings, work,
                               config, codebook, coded, result, lang, stages, speakers)
        if analysis.anonymised is not None and result.key is not None:  # anon
            rundir.write_key(result.key, key_bytes(result.key, analysis.anonymised.key,
                                                   run=out))
        stages.end()
    return result


def _run_stages(source: Sequence[tuple[Path, str]] | Corpus, found_warnings: list[str],
                work: Path, config: RunConfig, codebook: Codebook, coded: pd.DataFrame | None,
                result: RunResult, lang: str, stages: Stages,
                speakers: SpeakerMap | None) -> Analysis:
    started = datetime.now(UTC).isoformat(timespec="seconds")
    with ExitStack() as later:
        workbook = []

        def write(analysis: Analysis) -> None:
            result.warnings.extend(analysis.warnings)
            result.skipped.extend(analysis.corpus.skipped)
            with stages("write"):
                write_coding_tables(work, analysis, *displays(analysis, codebook))
                for name, coder in analysis.learned.items():
                    rundir.save_learned(work, name, coder)
                rundir.write_codebook(work, codebook_yaml(codebook)
                                      if Path(config.codebook).suffix.lower() == ".qdc"
                                      else Path(config.codebook).read_text(encoding="utf-8"))
            # perf: the workbook's big sheets are written in a worker while topics fit
            workbook.append(later.enter_context(begin_workbook(work)))

        analysis = analyse(source, config, codebook, found_warnings=found_warnings,
                           coded=coded, stage=stages, after_coding=write, speakers=speakers)
        topics_info = _topics_entry(analysis, config, work, result, stages)
        passages, tokens, codings = analysis.passages, analysis.tokens, analysis.codings
        informants = {(t.transcript_id, t.who) for t in analysis.corpus.turns
                      if t.role == INFORMANT}
        result.counts.update(
            transcripts=len(analysis.corpus.transcripts),
            informants=len(informants),
            turns=len(analysis.corpus.turns),
            passages=len(passages),
            tokens=len(tokens),
            words=(int(tokens["kind"].isin(["word", "stop", "filler"]).sum()) if len(tokens)
                   else 0),
            codings=len(codings),
            coded_passages=int(codings["passage_id"].nunique()),
            **({"topics": analysis.topics.model.n_topics} if analysis.topics else {}),
        )
        if not passages:
            result.warnings.append("no informant passages were found; the tables are empty")
        supervised, done = analysis.learned.get("supervised"), analysis.anonymised
        manifest = {
            "tematik_version": __version__,
            "status": "complete",
            "started": started,
            "finished": datetime.now(UTC).isoformat(timespec="seconds"),
            "config": config.to_dict(),
            "seed": config.seed,
            "lexicon_sha256": analysis.lexicon.digest,
            "informant_model": analysis.informant_model,
            "supervised": None if not isinstance(supervised, SupervisedCoder) or coded is None
            else {
                "train": str(config.train), "passages": len(coded),
                "train_sha256": hashlib.sha256(Path(str(config.train)).read_bytes()).hexdigest(),
                "themes": list(supervised.classes_), "untrainable": supervised.untrainable_,
                "files": ["supervised/model.json", "supervised_terms.parquet",
                          "supervised_cv.parquet"]},
            "codebook": {"name": codebook.name, "version": codebook.version,
                         "path": str(config.codebook), "sha256": codebook.sha256,
                         "themes": [t.id for t in codebook.themes]},
            "packages": versions(),
            "inputs": input_records(analysis.corpus.transcripts),
            "speakers": [{"path": str(p), "sha256": hashlib.sha256(Path(p).read_bytes())
                          .hexdigest()} for p in config.speakers],
            "skipped": result.skipped,
            "warnings": result.warnings,
            "counts": result.counts,
            "timings_s": result.timings,
            "tables": [*CODING_TABLES, *cast(list[str], topics_info["tables"])],
            "topics": topics_info,
        }
        if done is not None:  # anon: counts only; every string scrubbed of names and ids
            manifest["anonymised"] = dict(done.counts)
            manifest = done.scrub_data(manifest)
            result.warnings[:] = map(done.scrub, result.warnings)
            result.skipped[:] = map(done.scrub, result.skipped)
        with stages("report"):
            # The report sees the manifest as it will be read back (tuples become lists).
            as_saved = json.loads(json.dumps(manifest, ensure_ascii=False, sort_keys=True))
            manifest["report"] = write_report(work, as_saved, lang=lang, codebook=codebook,
                                              name=work.name.removesuffix(".incomplete"),
                                              workbook=workbook[0] if workbook else None)
    rundir.write_manifest(work, manifest)
    return analysis


def displays(analysis: Analysis, codebook: Codebook) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The theme x informant matrix and the co-occurrence of themes of the run's own
    passages."""
    return (theme_matrix(analysis.codings, analysis.passages_df, analysis.matched.evidence,
                         codebook),
            cooccurrence(analysis.codings, analysis.passages_df))


def _topics_entry(analysis: Analysis, config: RunConfig, work: Path, result: RunResult,
                  stages: Stages) -> dict[str, object]:
    """Write the fitted topic model and its tables; the manifest's ``topics`` entry (with the
    table names under ``tables``)."""
    if config.topics == 0:
        return {"status": "off", "tables": []}
    if analysis.topics is None:
        result.warnings.append(f"no topic model: {analysis.topics_skipped}")
        return {"status": "skipped", "reason": analysis.topics_skipped, "tables": []}
    fitted = analysis.topics
    with stages("write topics"):
        for name, frame in fitted.tables().items():
            rundir.write_table(work, name, frame)
        rundir.save_topic_model(work, fitted.model)
    result.warnings.extend(fitted.notes)
    return {"status": "complete", "model": config.topic_model, "k": fitted.model.n_topics,
            "seed_themes": list(fitted.model.seed_themes), "dir": rundir.TOPICS_DIR,
            "files": sorted(fitted.model.to_files()), "tables": list(fitted.tables())}


def write_coding_tables(folder: Path, analysis: Analysis, matrix: pd.DataFrame,
                        together: pd.DataFrame) -> None:
    """The tables every run directory holds, from transcripts to the theme displays (Parquet,
    and CSV for the ones a researcher opens in Excel; codings.csv carries the passage text).
    ``tematik run`` and ``tematik apply`` both write them here."""
    passages = analysis.passages_df
    matched: DictionaryResult = analysis.matched
    rundir.write_table(folder, "transcripts", analysis.transcripts_df)
    rundir.write_table(folder, "turns", turns_frame(analysis.corpus.turns))
    rundir.write_table(folder, "passages", passages)
    rundir.write_csv(folder, "passages", passages)
    rundir.write_table(folder, "tokens", analysis.tokens)
    rundir.write_table(folder, "evidence", matched.evidence)
    rundir.write_table(folder, "theme_scores", matched.scores)
    rundir.write_table(folder, "codings", analysis.codings)
    rundir.write_csv(folder, "codings", analysis.codings.merge(
        passages[["passage_id", "text"]], on="passage_id", how="left"))
    rundir.write_table(folder, "theme_matrix", matrix)
    rundir.write_csv(folder, "theme_matrix", matrix)
    rundir.write_table(folder, "theme_cooccurrence", together)


def input_records(transcripts: Sequence[Transcript]) -> list[dict[str, str]]:
    """The manifest's ``inputs``: each transcript's id, source path, format, encoding and
    SHA-256."""
    return [{"transcript_id": t.transcript_id, "path": t.source, "format": t.format,
             "encoding": t.encoding, "sha256": t.sha256} for t in transcripts]


def read_codebook(path: Path) -> Codebook:
    """A YAML codebook, or a REFI-QDA codebook (.qdc) whose codes that match themes of the
    default codebook by name take their cues."""
    path = Path(path)
    if path.suffix.lower() != ".qdc":
        return load_codebook(path)
    from pipeline.readers.qdpx import read_qdc
    from pipeline.readers.qdpx_tables import codebook_from_codes

    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        raise UsageError(f"cannot read codebook {path} ({exc.strerror})",
                         fix="Check the path given to --codebook.") from exc
    return codebook_from_codes(read_qdc(path), name=path.stem, sha256=digest,
                               reference=load_codebook(DEFAULT_CODEBOOK))
