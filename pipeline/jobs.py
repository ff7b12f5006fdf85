"""Commands that work beside a run: code a sheet of texts, compare a run with a manual
coding, export a run as a REFI-QDA project. Like :mod:`pipeline.run`, these are the only
places (with it) that read and write files; the stages they call stay pure.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import cast

import pandas as pd

from pipeline.codebook import DEFAULT_CODEBOOK, Codebook, load_codebook
from pipeline.compare import MACHINE, Comparison, compare, learning_curve
from pipeline.config import RunConfig
from pipeline.errors import InputFileError, RunDirectoryError, UsageError
from pipeline.files import atomic_write, write_csv, write_json, write_table
from pipeline.ingest_formats import pick_column, read_sheet
from pipeline.manual import (
    ManualCoding,
    map_codes,
    read_coded,
    read_manual_qdpx,
    read_manual_sheet,
    read_mapping,
)
from pipeline.normalise import Normaliser, normalise
from pipeline.qdpx_tables import project_from_tables
from pipeline.qdpx_write import write_qdc, write_qdpx
from pipeline.reportfiles import write_report
from pipeline.resources import load_lexicon
from pipeline.run import (
    open_run,
    read_run_table,
)
from pipeline.segment import passages_frame, text_passage
from pipeline.supervised import fit_coder
from pipeline.themes import (
    DEFAULT_THRESHOLD,
    EXCERPT_FALLBACK,
    DictionaryCoder,
    code_passages,
)

# -- coding a list of texts without a run --------------------------------------------------


@dataclass
class CodeResult:
    """What ``tematik code`` reports: the codings written and what was skipped."""

    out: Path
    texts: int
    coded: int
    codings: pd.DataFrame
    warnings: list[str] = field(default_factory=list)


CODE_COLUMNS = ["id", "theme", "label", "score", "probability", "method", "evidence",
                "evidence_spans"]


def code_file(
    path: Path,
    out: Path,
    *,
    text_column: str,
    id_column: str | None = None,
    codebook_path: Path | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    force: bool = False,
    train: Path | None = None,
    train_text_column: str | None = None,
    train_code_column: str | None = None,
    random_state: int = 42,
    fallback: bool = True,
) -> CodeResult:
    """Code every text in the ``text_column`` of the sheet ``path`` and write ``out`` (CSV):
    one row per text and theme, columns ``CODE_COLUMNS`` (evidence offsets index the text
    cell). Texts are identified by ``id_column`` or by their line number in the sheet.
    With ``train`` (a CODED file), a supervised coder learns from it and is combined with
    the codebook. With ``fallback`` (the default), a text no theme reaches the threshold for
    still gets its best theme when that has an ordinary cue's score
    (:data:`pipeline.themes.EXCERPT_FALLBACK`): excerpts are picked because they are about
    something."""
    path, out = Path(path), Path(out)
    if out.exists() and not force:
        raise RunDirectoryError(f"{out} already exists",
                                fix="Choose another --out, or add --force to replace it.")
    if codebook_path is not None and str(codebook_path).lower() == "none":
        if train is None:
            raise UsageError("--codebook none codes nothing without --train",
                             fix="Give --train CODED, or a codebook.")
        codebook = Codebook("none", "0", (), "")
    else:
        codebook = load_codebook(codebook_path or DEFAULT_CODEBOOK)
    coded = (read_coded(train, text_column=train_text_column, code_column=train_code_column,
                        options=("--train-text-column", "--train-code-column"))
             if train else None)
    frame = read_sheet(path)
    text_col = pick_column(frame, text_column, path, option="--text-column")
    ids = ([str(i + 2) for i in range(len(frame))] if id_column is None else
           [str(v).strip() for v in frame[pick_column(frame, id_column, path,
                                                      option="--id-column")]])
    seen: dict[str, int] = {}
    for row, value in enumerate(ids, start=2):
        if value in seen:
            raise InputFileError(path, f"id {value!r} appears twice (lines {seen[value]} and "
                                 f"{row})", line=row,
                                 fix="Give every text its own id, or leave out --id-column.")
        seen[value] = row
    units, warnings = [], []
    for pid, text in zip(ids, frame[text_col], strict=True):
        text = str(text)
        if not text.strip():
            warnings.append(f"{path}: text {pid} is empty and was not coded")
            continue
        units.append(text_passage(pid, path.stem, text))
    normaliser = Normaliser(load_lexicon())
    tokens = normalise(units, normaliser)
    supervised = (fit_coder(coded, normaliser, themes=[t.id for t in codebook.themes],
                            random_state=random_state) if coded is not None else None)
    coder = DictionaryCoder(codebook, normaliser, threshold=threshold,
                            fallback=EXCERPT_FALLBACK if fallback else None)
    _, codings = code_passages(passages_frame(units), tokens, coder, supervised)
    labels = {t.id: t.label_id for t in codebook.themes}
    table = codings.rename(columns={"passage_id": "id"}).assign(
        label=[labels.get(t, t) for t in codings["theme"]])[CODE_COLUMNS]
    out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(out, lambda p: table.to_csv(p, index=False, encoding="utf-8-sig",
                                             lineterminator="\n"))
    return CodeResult(out, len(units), int(table["id"].nunique()), table, warnings)




# -- compare a run with a manual coding ----------------------------------------------------

COMPARE_TABLES = ("agreement", "agreement_pairs", "disagreements", "manual_segments",
                  "learning_curve")


@dataclass
class CompareResult:
    """What ``tematik compare`` prints: the comparison, what could not be used, the files."""

    comparison: Comparison
    manual: ManualCoding
    unmapped: dict[str, int]
    written: list[Path]
    warnings: list[str] = field(default_factory=list)
    curve: pd.DataFrame | None = None


def run_codebook(run_dir: Path) -> Codebook:
    """The codebook a run used (its copy in the run directory)."""
    path = Path(run_dir) / "codebook.yaml"
    if not path.exists():
        raise RunDirectoryError(f"the run {run_dir} has no codebook.yaml (made before "
                                "tematik coded themes)", fix="Run 'tematik run' again.")
    return load_codebook(path)


THEMES_TABLES = ("passages", "codings", "evidence", "theme_matrix")
SUPERVISED_TABLES = ("supervised_cv", "supervised_terms")


def themes_tables(run_dir: Path) -> tuple[Codebook, dict[str, pd.DataFrame]]:
    """What ``tematik themes`` shows of RUN: its codebook and the tables
    :data:`THEMES_TABLES`, and :data:`SUPERVISED_TABLES` when RUN trained the supervised
    coder (its manifest says so)."""
    manifest = open_run(run_dir)
    names = [*THEMES_TABLES, *(SUPERVISED_TABLES if manifest.get("supervised") else ())]
    return run_codebook(run_dir), {name: read_run_table(run_dir, name) for name in names}


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
    (:func:`pipeline.compare.learning_curve`) as ``learning_curve``."""
    run_dir = Path(run_dir)
    manifest = open_run(run_dir)
    if not force and any((run_dir / f"{t}.csv").exists() for t in COMPARE_TABLES):
        raise RunDirectoryError(f"{run_dir} already holds a comparison",
                                fix="Add --force to replace it.")
    codebook = run_codebook(run_dir)
    tables = {name: read_run_table(run_dir, name) for name in
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
                                  codebook=run_dir / "codebook.yaml")
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
        curve = learning_curve(tables["passages"], read_run_table(run_dir, "tokens"),
                               codebook, mapped, texts,
                               Normaliser(load_lexicon(config.models_dir)),
                               threshold=config.threshold, min_overlap=min_overlap,
                               random_state=config.seed)
        outputs["learning_curve"] = curve
    for name in COMPARE_TABLES:
        for suffix in (".parquet", ".csv"):
            stale = run_dir / f"{name}{suffix}"
            if name not in outputs and stale.exists():
                stale.unlink()
    for name, frame in outputs.items():
        write_table(run_dir, name, frame)
        write_csv(run_dir, name, frame)
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
    write_json(run_dir / "manifest.json", manifest)
    warnings = notes + list(comparison.notes)
    return CompareResult(comparison, manual, unmapped, written, warnings, curve)


# -- rewrite a run's report (docs/report.md) -------------------------------------------------


def report_run(run_dir: Path, *, lang: str = "id") -> list[Path]:
    """Rewrite the report of the finished run in ``run_dir`` from its tables:
    ``report.html``, ``workbook.xlsx`` and ``figures/``, with labels in ``lang``. Records
    the language in the manifest's ``report`` entry and returns the files written."""
    run_dir = Path(run_dir)
    manifest = open_run(run_dir)
    info = write_report(run_dir, manifest, lang=lang)
    manifest["report"] = info
    write_json(run_dir / "manifest.json", manifest)
    return [run_dir / str(f) for f in cast(list[str], info["files"])]


# -- export a run as a REFI-QDA project ----------------------------------------------------


def export_run(run_dir: Path, *, qdpx: Path | None = None, qdc: Path | None = None,
               force: bool = False) -> list[Path]:
    """Write the run as a REFI-QDA project (``qdpx``: transcripts as sources, themes as
    codes, tematik's codings and any compared manual coding) and/or its codebook (``qdc``).
    """
    if qdpx is None and qdc is None:
        raise UsageError("nothing to export", fix="Give --qdpx FILE and/or --qdc FILE.")
    open_run(run_dir)
    for target in (qdpx, qdc):
        if target is not None and Path(target).exists() and not force:
            raise RunDirectoryError(f"{target} already exists",
                                    fix="Choose another file, or add --force to replace it.")
    codebook = run_codebook(run_dir)
    transcripts = read_run_table(run_dir, "transcripts")
    passages = read_run_table(run_dir, "passages")
    codings = read_run_table(run_dir, "codings").assign(user="tematik")
    manual_path = Path(run_dir) / "manual_segments.parquet"
    if manual_path.exists():
        manual = pd.read_parquet(manual_path)
        manual = manual.rename(columns={"coder": "user"})[
            ["transcript_id", "theme", "start", "end", "user"]]
        auto = codings.merge(passages[["passage_id", "start", "end"]], on="passage_id")
        codings = pd.concat([auto, manual], ignore_index=True)
    project = project_from_tables(transcripts, codings, codebook=codebook, passages=passages,
                                  name=Path(run_dir).name)
    written = []
    if qdpx is not None:
        written.append(write_qdpx(project, Path(qdpx)))
    if qdc is not None:
        written.append(write_qdc(project.codes, Path(qdc)))
    return written
