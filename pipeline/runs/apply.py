"""Apply a finished run to new transcripts, without refitting anything.

``tematik apply RUN NEW ...`` runs the stage sequence (:func:`pipeline.runs.sequence.analyse`)
on the new transcripts with RUN's settings and RUN's fitted models: its codebook and trained
coder code them, its saved topic model places them in its topics (same topic numbers and
labels). It writes a new run directory whose manifest records that it was applied from RUN.
Beside the new transcripts' own tables, it writes the views that show them next to RUN's:
the theme x informant matrix and topic prevalence over both (``batch`` = ``run`` or
``new``) and ``saturation``: which themes and topics the new interviews confirm, add or
leave out. RUN is never modified.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from pipeline import __version__
from pipeline.config import RunConfig
from pipeline.errors import RunDirectoryError
from pipeline.parallel import one_thread_numerics
from pipeline.readers.ingest import find_files
from pipeline.resources import load_lexicon
from pipeline.runs import rundir
from pipeline.runs.anonymise import key_bytes
from pipeline.runs.reportfiles import write_report
from pipeline.runs.run import Stages, input_records, versions, write_coding_tables
from pipeline.runs.sequence import Analysis, Fitted, analyse
from pipeline.stages.matrix import cooccurrence, theme_matrix, theme_rollup
from pipeline.stages.topics import PASSAGE_TOPICS_COLUMNS, prevalence
from pipeline.types import Codebook

SATURATION_COLUMNS = ["kind", "id", "label", "run_passages", "run_share", "new_passages",
                      "new_share", "status"]
STATUS = {(True, True): "confirmed", (False, True): "new in the new interviews",
          (True, False): "not in the new interviews", (False, False): "absent"}
COPIED = ("codebook.yaml", "supervised", rundir.TOPICS_DIR, "topic_terms.parquet",
          "topic_summary.parquet", "k_report.parquet", "supervised_terms.parquet",
          "supervised_cv.parquet")
"""What an applied run copies from RUN: its codebook, fitted models and their tables."""


@dataclass
class ApplyResult:
    out: Path
    counts: dict[str, int] = field(default_factory=dict)
    saturation: pd.DataFrame = field(default_factory=pd.DataFrame)
    warnings: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)


def check_version(manifest: dict[str, object], run_dir: Path) -> None:
    """Refuse a run made by a newer tematik, or one too old to hold its codebook."""
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


def topic_labels(run_dir: Path) -> dict[int, str]:
    """Each topic's label in the run in ``run_dir`` (its ``topic_summary``)."""
    summary = rundir.read_table(run_dir, "topic_summary")
    return {int(t): str(x) for t, x in zip(summary["topic"], summary["label"], strict=True)}


def apply_run(run_dir: Path, inputs: Sequence[Path], out: Path, *,
              force: bool = False) -> ApplyResult:
    """Apply RUN's settings and models to the transcripts in ``inputs``; write ``out``."""
    run_dir = Path(run_dir)
    manifest = rundir.open_run(run_dir)
    check_version(manifest, run_dir)
    if Path(out).resolve() == run_dir.resolve():
        raise RunDirectoryError("--out is the run being applied",
                                fix="Give the applied run its own --out; RUN is never changed.")
    saved = manifest.get("config")
    config = RunConfig.from_saved(saved if isinstance(saved, dict) else {},
                                  codebook=rundir.codebook_path(run_dir))
    codebook = rundir.run_codebook(run_dir)
    topics_info = manifest.get("topics")
    has_topics = isinstance(topics_info, dict) and topics_info.get("status") == "complete"
    files, found_warnings = find_files([Path(p) for p in inputs])
    old = {name: rundir.read_table(run_dir, name) for name in
           ("transcripts", "passages", "codings", "evidence")}
    fitted = Fitted(learned=rundir.load_learned(run_dir),
                    topic_model=rundir.load_topic_model(run_dir) if has_topics else None,
                    transcript_ids=frozenset(old["transcripts"]["transcript_id"]),
                    anonymised=bool(manifest.get("anonymised")))
    result = ApplyResult(out=Path(out))
    if manifest.get("lexicon_sha256") != load_lexicon(config.models_dir).digest:
        result.warnings.append("the lexicons changed since the run was made: spoken forms "
                               "may be normalised differently")
    # one run at a time per --out, as for tematik run
    with rundir.creating(Path(out), force=force, private=fitted.anonymised) as work, \
            one_thread_numerics():
        stages = Stages(result.timings)
        analysis = analyse(files, config, codebook, found_warnings=found_warnings,
                           fitted=fitted, stage=stages)
        if analysis.anonymised is not None:  # RUN holds no names: neither may what is added
            key = rundir.check_key_path(result.out, None, force=True)
            rundir.write_key(key, key_bytes(key, analysis.anonymised.key, run=result.out))
            result.warnings.append(
                f"the run is anonymised, so the new transcripts are too (key: {key}); their "
                "pseudonyms are their own: 'Informan A' of a new transcript is not "
                "'Informan A' of the run")
        result.warnings.extend(analysis.warnings)
        _write(run_dir, manifest, old, codebook, analysis, fitted, work, result, stages)
    return result


def _write(run_dir: Path, manifest: dict[str, object], old: dict[str, pd.DataFrame],
           codebook: Codebook, analysis: Analysis, fitted: Fitted, work: Path,
           result: ApplyResult, stages: Stages) -> None:
    """The new transcripts' tables, the views over RUN's and theirs, the manifest and the
    report."""
    passages_df, codings = analysis.passages_df, analysis.codings
    passage_topics = analysis.passage_topics
    both_passages = pd.concat([old["passages"].assign(batch="run"),
                               passages_df.assign(batch="new")], ignore_index=True)
    both_codings = pd.concat([old["codings"], codings], ignore_index=True)
    both_evidence = pd.concat([old["evidence"], analysis.matched.evidence], ignore_index=True)
    matrix = theme_matrix(both_codings, both_passages, both_evidence, codebook)
    new_ids = set(analysis.transcripts_df["transcript_id"])
    matrix.insert(3, "batch", ["new" if t in new_ids else "run"
                               for t in matrix["transcript_id"]])
    model = fitted.topic_model
    run_topics = (rundir.read_table(run_dir, "passage_topics") if model is not None
                  else pd.DataFrame(columns=PASSAGE_TOPICS_COLUMNS))
    informant = both_passages["role"] == "informant"
    sat = saturation(
        {t.id: t.label_id for t in codebook.themes},
        theme_rollup(old["codings"], codebook), theme_rollup(codings, codebook),
        int((informant & (both_passages["batch"] == "run")).sum()),
        int((informant & (both_passages["batch"] == "new")).sum()),
        _lead_topic(run_topics), _lead_topic(passage_topics),
        topic_labels(run_dir) if model is not None else {})
    with stages("write"):
        write_coding_tables(work, analysis, matrix, cooccurrence(both_codings, both_passages))
        rundir.write_table(work, "saturation", sat)
        rundir.write_csv(work, "saturation", sat)
        rundir.copy_into(run_dir, work, COPIED)
        if model is not None:
            both_transcripts = pd.concat([old["transcripts"], analysis.transcripts_df],
                                         ignore_index=True)
            both_topics = pd.concat([run_topics, passage_topics], ignore_index=True)
            rundir.write_table(work, "passage_topics", passage_topics)
            rundir.write_table(work, "topic_prevalence",
                               prevalence(both_topics, both_passages, both_transcripts))
    result.counts.update(transcripts=len(analysis.corpus.transcripts),
                         turns=len(analysis.corpus.turns), passages=len(analysis.passages),
                         tokens=len(analysis.tokens), codings=len(codings))
    result.saturation = sat
    topics_entry = manifest.get("topics")
    new_manifest = {
        "tematik_version": __version__, "status": "complete",
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "applied_from": {"run": str(run_dir), "manifest_sha256": rundir.manifest_sha256(run_dir),
                         "tematik_version": manifest.get("tematik_version")},
        "config": manifest.get("config"), "seed": manifest.get("seed"),
        "lexicon_sha256": analysis.lexicon.digest,
        "codebook": manifest.get("codebook"), "supervised": manifest.get("supervised"),
        "topics": ({**topics_entry, "applied": True} if isinstance(topics_entry, dict)
                   else topics_entry),
        "packages": versions(),
        "inputs": input_records(analysis.corpus.transcripts),
        "warnings": result.warnings, "counts": result.counts, "timings_s": result.timings,
    }
    as_saved = json.loads(json.dumps(new_manifest, default=str))
    done = analysis.anonymised
    if done is not None:
        as_saved["anonymised"] = dict(done.counts)
        as_saved = done.scrub_data(as_saved)
        result.warnings[:] = map(done.scrub, result.warnings)
    with stages("report"):
        as_saved["report"] = write_report(work, as_saved, lang="id", codebook=codebook,
                                          name=Path(result.out).name)
    rundir.write_manifest(work, as_saved)
