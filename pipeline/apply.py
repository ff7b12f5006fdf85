"""Apply a finished run to new transcripts, without refitting anything.

``tematik apply RUN NEW ...`` ingests, segments and normalises the new transcripts with
RUN's settings, codes them with RUN's codebook and trained coder, places them in RUN's
topics with RUN's saved model (same topic numbers and labels), and writes a new run
directory whose manifest records that it was applied from RUN. Beside the new transcripts'
own tables, it writes the views that show them next to RUN's: the theme x informant matrix
and topic prevalence over both (``batch`` = ``run`` or ``new``) and ``saturation``: which
themes and topics the new interviews confirm, add or leave out. RUN is never modified.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pipeline import __version__
from pipeline.anonymise_run import anonymise_corpus, check_key_path, write_key
from pipeline.codebook import Codebook
from pipeline.config import RunConfig
from pipeline.errors import RunDirectoryError, TematikError
from pipeline.files import write_csv, write_json, write_table
from pipeline.ingest import (
    Transcript,
    Turn,
    find_files,
    read_files,
    transcripts_frame,
    turns_frame,
)
from pipeline.jobs import run_codebook
from pipeline.lock import run_lock
from pipeline.matrix import cooccurrence, theme_matrix, theme_rollup
from pipeline.normalise import Normaliser, normalise
from pipeline.parallel import one_thread_numerics
from pipeline.reportfiles import write_report
from pipeline.resources import Lexicon, load_lexicon
from pipeline.run import (
    MARKER,
    TOPICS_DIR,
    _finish,
    _prepare,
    _stage,
    _versions,
    input_records,
    load_supervised,
    load_topic_model,
    manifest_sha256,
    open_run,
    read_run_table,
    topic_labels,
    write_coding_tables,
)
from pipeline.segment import passages_frame, segment
from pipeline.supervised import SupervisedCoder
from pipeline.themes import DictionaryCoder, code_passages
from pipeline.topicmodels import TopicModel
from pipeline.topics import PASSAGE_TOPICS_COLUMNS, apply_model, prevalence

SATURATION_COLUMNS = ["kind", "id", "label", "run_passages", "run_share", "new_passages",
                      "new_share", "status"]
STATUS = {(True, True): "confirmed", (False, True): "new in the new interviews",
          (True, False): "not in the new interviews", (False, False): "absent"}


@dataclass
class ApplyResult:
    out: Path
    counts: dict[str, int] = field(default_factory=dict)
    saturation: pd.DataFrame = field(default_factory=pd.DataFrame)
    warnings: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)


def _check_version(manifest: dict[str, object], run_dir: Path) -> None:
    made = str(manifest.get("tematik_version", "?"))

    def major_minor(v: str) -> tuple[int, ...]:
        try:
            return tuple(int(p) for p in v.split(".")[:2])
        except ValueError:
            return (0,)

    if major_minor(made) > major_minor(__version__):
        raise RunDirectoryError(
            f"{run_dir} was made by tematik {made}, newer than this tematik {__version__}",
            fix="Upgrade tematik (pip install -U tematik) before applying this run.")
    if "codebook" not in manifest:
        raise RunDirectoryError(
            f"{run_dir} was made by tematik {made}, before runs kept their codebook and "
            "models", fix="Run 'tematik run' again on the original transcripts, then apply.")


def _rename_colliding(corpus_transcripts: Sequence[Transcript], turns: Sequence[Turn],
                      taken: set[str]) -> tuple[list[Transcript], list[Turn], list[str]]:
    """New transcripts whose id RUN already uses get ``-baru`` (new) appended."""
    renamed: dict[str, str] = {}
    notes = []
    for t in corpus_transcripts:
        if t.transcript_id in taken:
            new_id, n = f"{t.transcript_id}-baru", 2
            while new_id in taken or new_id in renamed.values():
                new_id, n = f"{t.transcript_id}-baru{n}", n + 1
            renamed[t.transcript_id] = new_id
            notes.append(f"transcript '{t.transcript_id}' is already in the run; the new one "
                         f"is '{new_id}'")
    transcripts = [replace(t, transcript_id=renamed.get(t.transcript_id, t.transcript_id))
                   for t in corpus_transcripts]
    new_turns = [replace(t, transcript_id=renamed.get(t.transcript_id, t.transcript_id))
                 for t in turns]
    return transcripts, new_turns, notes


def saturation(codebook_labels: dict[str, str], run_rolled: pd.DataFrame,
               new_rolled: pd.DataFrame, run_n: int, new_n: int,
               run_topics: pd.Series, new_topics: pd.Series,
               topic_labels: dict[int, str]) -> pd.DataFrame:
    """Per theme (passages coded with it or a sub-theme) and per topic (passages it leads):
    counts and shares in RUN's passages and in the new ones, and what the new interviews do
    to it (``STATUS``). Columns :data:`SATURATION_COLUMNS`."""
    rows = []
    for theme, label in codebook_labels.items():
        a = int((run_rolled["theme"] == theme).sum())
        b = int((new_rolled["theme"] == theme).sum())
        rows.append(("theme", theme, label, a, round(a / run_n, 4) if run_n else 0.0, b,
                     round(b / new_n, 4) if new_n else 0.0, STATUS[a > 0, b > 0]))
    for topic, label in topic_labels.items():
        a, b = int((run_topics == topic).sum()), int((new_topics == topic).sum())
        rows.append(("topic", str(topic), label, a, round(a / run_n, 4) if run_n else 0.0, b,
                     round(b / new_n, 4) if new_n else 0.0, STATUS[a > 0, b > 0]))
    return pd.DataFrame(rows, columns=SATURATION_COLUMNS)


def _lead_topic(passage_topics: pd.DataFrame) -> pd.Series:
    if not len(passage_topics):
        return pd.Series(dtype="int64")
    wide = passage_topics.pivot(index="passage_id", columns="topic", values="probability")
    return wide.idxmax(axis=1)


def apply_run(run_dir: Path, inputs: Sequence[Path], out: Path, *,
              force: bool = False) -> ApplyResult:
    """Apply RUN's settings and models to the transcripts in ``inputs``; write ``out``."""
    run_dir = Path(run_dir)
    manifest = open_run(run_dir)
    _check_version(manifest, run_dir)
    if Path(out).resolve() == run_dir.resolve():
        raise RunDirectoryError("--out is the run being applied",
                                fix="Give the applied run its own --out; RUN is never changed.")
    config = manifest.get("config")
    config = config if isinstance(config, dict) else {}
    codebook = run_codebook(run_dir)
    supervised = load_supervised(run_dir)
    topics_info = manifest.get("topics")
    has_topics = isinstance(topics_info, dict) and topics_info.get("status") == "complete"
    try:
        model = load_topic_model(run_dir) if has_topics else None
    except TematikError:
        raise
    except Exception as exc:  # a damaged model file: numpy/json raise many kinds
        raise RunDirectoryError(f"the topic model saved in {run_dir / TOPICS_DIR} cannot be "
                                f"read ({exc.__class__.__name__})",
                                fix="Run 'tematik run' again to save it afresh.") from exc
    files, found_warnings = find_files([Path(p) for p in inputs])
    old = {name: read_run_table(run_dir, name) for name in
           ("transcripts", "passages", "codings", "evidence")}
    result = ApplyResult(out=Path(out))
    lexicon = load_lexicon()
    if manifest.get("lexicon_sha256") != lexicon.digest:
        result.warnings.append("the lexicons changed since the run was made: spoken forms "
                               "may be normalised differently")
    # one run at a time per --out, as for tematik run (pipeline/lock.py)
    with run_lock(Path(out)), one_thread_numerics():
        work = _prepare(Path(out), force)
        try:
            _apply(run_dir, manifest, config, files, found_warnings, old, codebook,
                   supervised, model, lexicon, work, result)
        except BaseException as exc:
            marker = work / MARKER
            if marker.exists():
                with marker.open("a", encoding="utf-8") as fh:
                    fh.write(f"It stopped with: {exc.__class__.__name__}: {exc}\n")
            raise
        _finish(work, Path(out))
    return result


def _apply(run_dir: Path, manifest: dict[str, object], config: dict[str, Any],
           files: list[tuple[Path, str]], found_warnings: list[str],
           old: dict[str, pd.DataFrame], codebook: Codebook,
           supervised: SupervisedCoder | None, model: TopicModel | None, lexicon: Lexicon,
           work: Path, result: ApplyResult) -> None:
    timings = result.timings
    labels = config.get("interviewer_labels") or ()
    with _stage("ingest", timings):
        corpus = read_files(files, found_warnings, interviewer_labels=tuple(labels))
    normaliser = Normaliser(lexicon)
    done = None
    if manifest.get("anonymised"):  # RUN holds no names: neither may what is added to it
        key = check_key_path(result.out, None, force=True)
        with _stage("anonymise", timings):
            corpus, _, done = anonymise_corpus(corpus, [s for _, s in files], None,
                                               normaliser)
        write_key(key, done.key, run=result.out)
        result.warnings.append(
            f"the run is anonymised, so the new transcripts are too (key: {key}); their "
            "pseudonyms are their own: 'Informan A' of a new transcript is not 'Informan A' "
            "of the run")
    result.warnings.extend(corpus.warnings)
    transcripts, turns, notes = _rename_colliding(
        corpus.transcripts, corpus.turns, set(old["transcripts"]["transcript_id"]))
    result.warnings.extend(notes)
    with _stage("segment", timings):
        passages = segment(transcripts, turns, window_words=int(config.get("window_words", 120)),
                           filler_words=lexicon.fillers)
    with _stage("normalise", timings):
        tokens = normalise(passages, normaliser)
    passages_df = passages_frame(passages)
    with _stage("themes", timings):
        coder = DictionaryCoder(codebook, normaliser,
                                threshold=float(config.get("threshold", 1.5)))
        matched, codings = code_passages(passages_df, tokens, coder, supervised)
    passage_topics = pd.DataFrame(columns=PASSAGE_TOPICS_COLUMNS)
    if model is not None:
        with _stage("topics", timings):
            passage_topics = apply_model(model, passages_df, tokens)
    transcripts_df = transcripts_frame(transcripts, turns)
    both_passages = pd.concat([old["passages"].assign(batch="run"),
                               passages_df.assign(batch="new")], ignore_index=True)
    both_codings = pd.concat([old["codings"], codings], ignore_index=True)
    both_evidence = pd.concat([old["evidence"], matched.evidence], ignore_index=True)
    matrix = theme_matrix(both_codings, both_passages, both_evidence, codebook)
    new_ids = set(transcripts_df["transcript_id"])
    matrix.insert(3, "batch", ["new" if t in new_ids else "run"
                               for t in matrix["transcript_id"]])
    run_topics = (read_run_table(run_dir, "passage_topics") if model is not None
                  else pd.DataFrame(columns=PASSAGE_TOPICS_COLUMNS))
    informant = both_passages["role"] == "informant"
    sat = saturation(
        {t.id: t.label_id for t in codebook.themes},
        theme_rollup(old["codings"], codebook), theme_rollup(codings, codebook),
        int((informant & (both_passages["batch"] == "run")).sum()),
        int((informant & (both_passages["batch"] == "new")).sum()),
        _lead_topic(run_topics), _lead_topic(passage_topics),
        topic_labels(run_dir) if model is not None else {})
    with _stage("write", timings):
        write_coding_tables(work, transcripts_df, turns_frame(turns), passages_df, tokens,
                            matched, codings, matrix,
                            cooccurrence(both_codings, both_passages))
        write_table(work, "saturation", sat)
        write_csv(work, "saturation", sat)
        for name in ("codebook.yaml", "supervised", TOPICS_DIR, "topic_terms.parquet",
                     "topic_summary.parquet", "k_report.parquet", "supervised_terms.parquet",
                     "supervised_cv.parquet"):
            source = run_dir / name
            if source.is_dir():
                shutil.copytree(source, work / name)
            elif source.exists():
                shutil.copyfile(source, work / name)
        if model is not None:
            old_transcripts = old["transcripts"]
            both_transcripts = pd.concat([old_transcripts, transcripts_df], ignore_index=True)
            both_topics = pd.concat([run_topics, passage_topics], ignore_index=True)
            write_table(work, "passage_topics", passage_topics)
            write_table(work, "topic_prevalence",
                        prevalence(both_topics, both_passages, both_transcripts))
    result.counts.update(transcripts=len(transcripts), turns=len(turns),
                         passages=len(passages), tokens=len(tokens), codings=len(codings))
    result.saturation = sat
    topics_entry = manifest.get("topics")
    new_manifest = {
        "tematik_version": __version__, "status": "complete",
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "applied_from": {"run": str(run_dir), "manifest_sha256": manifest_sha256(run_dir),
                         "tematik_version": manifest.get("tematik_version")},
        "config": config, "seed": manifest.get("seed"), "lexicon_sha256": lexicon.digest,
        "codebook": manifest.get("codebook"), "supervised": manifest.get("supervised"),
        "topics": ({**topics_entry, "applied": True} if isinstance(topics_entry, dict)
                   else topics_entry),
        "packages": _versions(),
        "inputs": input_records(transcripts),
        "warnings": result.warnings, "counts": result.counts, "timings_s": timings,
    }
    as_saved = json.loads(json.dumps(new_manifest, default=str))
    if done is not None:
        as_saved["anonymised"] = dict(done.counts)
        as_saved = done.scrub_data(as_saved)
        result.warnings[:] = map(done.scrub, result.warnings)
    with _stage("report", timings):
        as_saved["report"] = write_report(work, as_saved, lang="id", codebook=codebook,
                                          name=Path(result.out).name)
    write_json(work / "manifest.json", as_saved)


# -- refitting deliberately: tematik run --from RUN ----------------------------------------

MATCH_COLUMNS = ["topic", "label", "run_topic", "run_label", "overlap"]


def config_from_run(run_dir: Path, overrides: Mapping[str, Any] | None = None,
                    ) -> tuple[RunConfig, list[Path]]:
    """RUN's configuration (its copy of the codebook) with ``overrides`` (RunConfig fields
    the user gave) on top, and RUN's input files: what ``tematik run --from RUN`` runs."""
    run_dir = Path(run_dir)
    manifest = open_run(run_dir)
    _check_version(manifest, run_dir)
    saved = manifest.get("config")
    config = RunConfig.from_saved(saved if isinstance(saved, dict) else {},
                                  codebook=run_dir / "codebook.yaml")
    config = replace(config, **(overrides or {}))
    inputs = manifest.get("inputs")
    paths = sorted({Path(str(i["path"])) for i in inputs if isinstance(i, dict)}
                   ) if isinstance(inputs, list) else []
    return config, paths


def topic_matching(run_terms: pd.DataFrame, new_terms: pd.DataFrame,
                   run_labels: dict[int, str], new_labels: dict[int, str],
                   n_terms: int = 15) -> pd.DataFrame:
    """Each new topic paired with the old topic it moved from: one-to-one matching that
    maximises the overlap (Jaccard) of their top ``n_terms`` terms. Columns
    :data:`MATCH_COLUMNS`; a new topic with no partner has run_topic 0 and overlap 0."""
    from scipy.optimize import linear_sum_assignment

    def tops(frame: pd.DataFrame) -> dict[int, set[str]]:
        out: dict[int, set[str]] = {}
        for topic, _rank, term in sorted(zip(frame["topic"].astype(int), frame["rank"],
                                            frame["term"].astype(str), strict=True)):
            if len(out.setdefault(topic, set())) < n_terms:
                out[topic].add(term)
        return out

    old, new = tops(run_terms), tops(new_terms)
    new_ids, old_ids = sorted(new), sorted(old)
    score = np.zeros((len(new_ids), len(old_ids)))
    for i, a in enumerate(new_ids):
        for j, b in enumerate(old_ids):
            score[i, j] = len(new[a] & old[b]) / len(new[a] | old[b]) if new[a] | old[b] else 0
    rows_i, cols_j = linear_sum_assignment(-score) if score.size else ([], [])
    pair = {new_ids[i]: (old_ids[j], float(score[i, j])) for i, j in zip(rows_i, cols_j,
                                                                         strict=True)}
    rows = []
    for topic in new_ids:
        old_topic, overlap = pair.get(topic, (0, 0.0))
        rows.append((topic, new_labels.get(topic, ""), old_topic,
                     run_labels.get(old_topic, ""), round(overlap, 4)))
    return pd.DataFrame(rows, columns=MATCH_COLUMNS)


def record_refit(new_run: Path, run_dir: Path) -> pd.DataFrame | None:
    """After ``tematik run --from RUN``: write how far the topics moved (``topic_matching``)
    into the new run and note RUN in its manifest. None when either run has no topics."""
    new_run, run_dir = Path(new_run), Path(run_dir)
    manifest = open_run(new_run)
    refit: dict[str, object] = {"run": str(run_dir), "manifest_sha256": manifest_sha256(run_dir)}
    manifest["refit_from"] = refit
    table = None
    if (new_run / "topic_terms.parquet").exists() and (run_dir / "topic_terms.parquet").exists():
        table = topic_matching(read_run_table(run_dir, "topic_terms"),
                               read_run_table(new_run, "topic_terms"),
                               topic_labels(run_dir), topic_labels(new_run))
        write_table(new_run, "topic_matching", table)
        write_csv(new_run, "topic_matching", table)
        refit["mean_overlap"] = round(float(table["overlap"].mean()), 4)
    write_json(new_run / "manifest.json", manifest)
    return table
