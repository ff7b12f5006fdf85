"""``tematik compare``: score a run's coding against a researcher's manual coding and write
the agreement tables into the run (its report is rewritten to show them)."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

import pandas as pd

from pipeline.agreement.compare import MACHINE, CompareResult, compare, learning_curve
from pipeline.config import RunConfig
from pipeline.errors import RunDirectoryError, UsageError
from pipeline.readers.manual import (
    ManualCoding,
    map_codes,
    read_manual_qdpx,
    read_manual_sheet,
    read_mapping,
)
from pipeline.resources import load_lexicon
from pipeline.runs import rundir
from pipeline.runs.reportfiles import write_report
from pipeline.stages.normalise import Normaliser
from pipeline.types import Codebook

COMPARE_TABLES = ("agreement", "agreement_pairs", "disagreements", "manual_segments",
                  "learning_curve")


def read_manual(path: Path, transcripts: pd.DataFrame, passages: pd.DataFrame,
                codebook: Codebook, *, min_similarity: float = 0.8) -> ManualCoding:
    """A manual coding from a .csv/.xlsx sheet or a REFI-QDA .qdpx project."""
    path = Path(path)
    if not path.is_file():
        raise UsageError(f"manual coding not found: {path}",
                         fix="Give the path of a .csv, .xlsx or .qdpx file.")
    if path.suffix.lower() == ".qdpx":
        return read_manual_qdpx(path, transcripts, codebook, min_similarity=min_similarity)
    return read_manual_sheet(path, transcripts, passages, min_similarity=min_similarity)


def compare_run(
    run_dir: Path,
    manual_path: Path,
    *,
    mapping_path: Path | None = None,
    unit: str = "passage",
    min_overlap: float = 0.5,
    n_resamples: int = 1000,
    lang: str = "en",
    force: bool = False,
    train_on_manual: bool = False,
) -> CompareResult:
    """Score the run's coding against ``manual_path`` and write the agreement tables into
    the run directory (``agreement``, ``agreement_pairs`` with 2+ manual coders,
    ``disagreements``, ``manual_segments``; parquet and CSV) and a ``compare`` entry in
    its manifest. With ``train_on_manual``, also the learning curve
    (:func:`pipeline.agreement.compare.learning_curve`) as ``learning_curve``."""
    run_dir = Path(run_dir)
    manifest = rundir.open_run(run_dir)
    if not force and any(rundir.has_csv(run_dir, t) for t in COMPARE_TABLES):
        raise RunDirectoryError(f"{run_dir} already holds a comparison",
                                fix="Add --force to replace it.")
    codebook = rundir.run_codebook(run_dir)
    tables = {name: rundir.read_table(run_dir, name) for name in
              ("transcripts", "passages", "codings", "evidence")}
    manual = read_manual(manual_path, tables["transcripts"], tables["passages"], codebook)
    segments = manual.segments
    notes = list(manual.warnings)
    if (segments["coder"] == MACHINE).any():
        notes.append(f"codings by user '{MACHINE}' in {manual_path} are tematik's own (an "
                     "export); they are not a manual coder and were left out")
        segments = segments[segments["coder"] != MACHINE]
        manual = replace(manual, segments=segments,
                         coders=tuple(c for c in manual.coders if c != MACHINE))
    mapping = read_mapping(mapping_path) if mapping_path else {}
    themes = [t.id for t in codebook.themes]
    mapped = segments.assign(theme=map_codes(segments["code"], mapping, themes))
    unmapped = {str(k): int(v) for k, v in
                mapped.loc[mapped["theme"] == "", "code"].value_counts().items()}
    mapped = mapped[mapped["theme"] != ""]
    if mapped.empty:
        raise UsageError(
            f"none of the codes in {manual_path} is a theme of the run's codebook "
            f"(codes: {', '.join(sorted(map(str, unmapped))[:10])})",
            fix="Give --map FILE, a CSV with columns code,theme mapping your codes to "
            f"theme ids ({', '.join(themes[:5])}, ...).")
    saved = manifest.get("config")
    config = RunConfig.from_saved(saved if isinstance(saved, dict) else {},
                                  codebook=rundir.codebook_path(run_dir))
    texts = {str(t): str(x) for t, x in zip(tables["transcripts"]["transcript_id"],
                                            tables["transcripts"]["text"], strict=True)}
    comparison = compare(tables["passages"], tables["codings"], tables["evidence"], codebook,
                         mapped, unit=unit, min_overlap=min_overlap, n_resamples=n_resamples,
                         random_state=config.seed, lang=lang,
                         lengths={t: len(x) for t, x in texts.items()})
    written = []
    outputs = {"agreement": comparison.agreement, "disagreements": comparison.disagreements,
               "manual_segments": mapped.reset_index(drop=True)}
    if len(comparison.pairwise):
        outputs["agreement_pairs"] = comparison.pairwise
    curve = None
    if train_on_manual:
        curve = learning_curve(tables["passages"], rundir.read_table(run_dir, "tokens"),
                               codebook, mapped, texts,
                               Normaliser(load_lexicon(config.models_dir)),
                               threshold=config.threshold, min_overlap=min_overlap,
                               random_state=config.seed)
        outputs["learning_curve"] = curve
    rundir.remove_tables(run_dir, [t for t in COMPARE_TABLES if t not in outputs])
    for name, frame in outputs.items():
        rundir.write_table(run_dir, name, frame)
        rundir.write_csv(run_dir, name, frame)
        written.append(run_dir / f"{name}.csv")
    raw = Path(manual_path).read_bytes()
    manifest["compare"] = {
        "manual": str(manual_path), "manual_sha256": hashlib.sha256(raw).hexdigest(),
        "mapping": str(mapping_path) if mapping_path else None, "unit": unit,
        "min_overlap": min_overlap, "reference": comparison.reference,
        "coders": list(manual.coders), "themes": list(comparison.themes),
        "units": comparison.units, "segments": len(mapped),
        "unlocated": len(manual.unlocated), "unmapped_codes": unmapped,
        "tables": sorted(outputs),
    }
    previous = manifest.get("report")
    report_lang = str(previous.get("lang", "id")) if isinstance(previous, dict) else "id"
    manifest["report"] = write_report(run_dir, manifest, lang=report_lang, reuse_figures=True,
                                      codebook=codebook)
    written += [run_dir / "report.html", run_dir / "workbook.xlsx"]
    rundir.write_manifest(run_dir, manifest)
    warnings = notes + list(comparison.notes)
    return CompareResult(comparison, manual, unmapped, written, warnings, curve)
