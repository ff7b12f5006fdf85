"""``tematik compare``: score a run's coding against a researcher's manual coding and write
the agreement tables into the run (its report is rewritten to show them)."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

import pandas as pd

from pipeline.agreement.compare import (
    MACHINE,
    CompareResult,
    Scope,
    compare,
    learning_curve,
)
from pipeline.config import RunConfig
from pipeline.errors import InputFileError, RunDirectoryError, TematikError, UsageError
from pipeline.readers.manual import (
    ManualCoding,
    map_codes,
    read_manual_qdpx,
    read_manual_sheet,
    read_mapping,
)
from pipeline.readers.sheets import SHEET_SUFFIXES, read_user_sheet
from pipeline.report.data import report_lang
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
    check_manual_path(path)
    if path.suffix.lower() == ".qdpx":
        return read_manual_qdpx(path, transcripts, codebook, min_similarity=min_similarity)
    return read_manual_sheet(path, transcripts, passages, min_similarity=min_similarity)


def check_manual_path(path: Path) -> None:
    """:class:`UsageError` (exit 2) for a manual coding that does not exist, is a folder or is
    not a sheet or a REFI-QDA project; checked before anything else is read."""
    if not path.exists() or path.is_dir():
        raise UsageError(f"{path} is a folder, not a manual coding" if path.exists() else
                         f"manual coding not found: {path}",
                         fix="Give the path of a .csv, .xlsx or .qdpx file.")
    if path.suffix.lower() not in (*SHEET_SUFFIXES, ".qdpx"):
        read_user_sheet(path, what="manual coding", rows="one row per coded segment")


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
    scope: str = "touched",
) -> CompareResult:
    """Score the run's coding against ``manual_path`` and write the agreement tables into
    the run directory (``agreement``, ``agreement_pairs`` with 2+ manual coders,
    ``disagreements``, ``manual_segments``; parquet and CSV) and a ``compare`` entry in
    its manifest. With ``train_on_manual``, also the learning curve
    (:func:`pipeline.agreement.compare.learning_curve`) as ``learning_curve``.

    ``scope``: ``"touched"`` scores each manual coder on the transcripts their coding
    touched (on the passages it names, for a sheet of passage ids); ``"all"`` on every
    informant passage of the run (:class:`pipeline.agreement.compare.Scope`). Every input is
    checked before the run is changed or an earlier comparison refused."""
    run_dir = Path(run_dir)
    manifest = rundir.open_run(run_dir)
    check_manual_path(Path(manual_path))
    given = read_mapping(mapping_path) if mapping_path else {}
    codebook = rundir.run_codebook(run_dir)
    mapping = {**theme_names(codebook), **_checked(given, codebook, mapping_path)}
    tables = {name: rundir.read_table(run_dir, name) for name in
              ("transcripts", "passages", "codings", "evidence")}
    manual = read_manual(manual_path, tables["transcripts"], tables["passages"], codebook)
    segments = manual.segments
    notes = list(manual.warnings)
    own = int((segments["coder"] == MACHINE).sum())
    if own:
        notes.append(f"codings by user '{MACHINE}' in {manual_path} are tematik's own (an "
                     "export); they are not a manual coder and were left out")
        segments = segments[segments["coder"] != MACHINE]
        manual = replace(manual, segments=segments,
                         coders=tuple(c for c in manual.coders if c != MACHINE),
                         judged=manual.judged[manual.judged["coder"] != MACHINE])
    if segments.empty:
        raise _nothing_to_compare(manual_path, manual, own)
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
            f"themes ({', '.join(themes[:5])}, ...), or name the codes like the themes: an "
            "id, the last part of one (responsivitas) or a label (Kualitas Pelayanan).")
    if not force and any(rundir.has_csv(run_dir, t) for t in COMPARE_TABLES):
        raise RunDirectoryError(f"{run_dir} already holds a comparison",
                                fix="Add --force to replace it.")
    judged = manual.judged
    by = "passage" if len(judged) and (judged["passage_id"] != "").all() else "transcript"
    column = "passage_id" if by == "passage" else "transcript_id"
    chosen = Scope(scope, by, {str(c): frozenset(g[column].astype(str))
                               for c, g in judged.groupby("coder", sort=False)})
    saved = manifest.get("config")
    config = RunConfig.from_saved(saved if isinstance(saved, dict) else {},
                                  codebook=rundir.codebook_path(run_dir))
    texts = {str(t): str(x) for t, x in zip(tables["transcripts"]["transcript_id"],
                                            tables["transcripts"]["text"], strict=True)}
    comparison = compare(tables["passages"], tables["codings"], tables["evidence"], codebook,
                         mapped, unit=unit, min_overlap=min_overlap, n_resamples=n_resamples,
                         random_state=config.seed, lang=lang,
                         lengths={t: len(x) for t, x in texts.items()}, scope=chosen)
    written = []
    outputs = {"agreement": comparison.agreement, "disagreements": comparison.disagreements,
               "manual_segments": mapped.reset_index(drop=True)}
    if len(comparison.pairwise):
        outputs["agreement_pairs"] = comparison.pairwise
    curve = None
    if train_on_manual:
        curve = learning_curve(tables["passages"], rundir.read_table(run_dir, "tokens"),
                               codebook, mapped, texts,
                               Normaliser.shared(load_lexicon(config.models_dir)),
                               threshold=config.threshold, min_overlap=min_overlap,
                               random_state=config.seed, scope=chosen)
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
        "units": comparison.units, "units_all": comparison.units_all,
        "scope": scope, "scope_by": by if scope == "touched" else None,
        "scope_transcripts": list(comparison.scope_transcripts),
        "scope_left_out": list(comparison.scope_left_out),
        "scope_passages": list(comparison.scope_passages),
        "segments": len(mapped),
        "unlocated": len(manual.unlocated), "unmapped_codes": unmapped,
        "tables": sorted(outputs),
    }
    manifest["report"] = write_report(run_dir, manifest, lang=report_lang(manifest),
                                      reuse_figures=True,
                                      codebook=codebook)
    written += [run_dir / "report.html", run_dir / "workbook.xlsx"]
    rundir.write_manifest(run_dir, manifest)
    warnings = notes + list(comparison.notes)
    return CompareResult(comparison, manual, unmapped, written, warnings, curve)


def theme_names(codebook: Codebook) -> dict[str, str]:
    """The names a researcher may give a theme as a code, without a mapping: its label in
    either language and the last part of its id (``Kualitas Pelayanan``, ``responsivitas``),
    case ignored; a name two themes share is left out."""
    names: dict[str, set[str]] = {}
    for theme in codebook.themes:
        for name in (theme.label_id, theme.label_en, theme.id.rsplit(".", 1)[-1]):
            if name.strip():
                names.setdefault(name.strip().casefold(), set()).add(theme.id)
    return {name: next(iter(ids)) for name, ids in names.items() if len(ids) == 1}


def _checked(mapping: dict[str, str], codebook: Codebook,
             path: Path | None) -> dict[str, str]:
    """``mapping`` with each theme it maps to as the codebook's id (a label or the last part
    of an id is accepted); :class:`InputFileError` naming the code whose theme is not in
    the codebook, and the closest theme."""
    from pipeline.runs.show import find_theme

    out = {}
    for code, theme in mapping.items():
        try:
            out[code] = find_theme(codebook, theme)
        except UsageError as exc:
            said = exc.message  # "no theme ...; did you mean ...?" or "... may be any of ..."
            hint = (said[said.index("; did you mean"):] if "; did you mean" in said else
                    "" if said.startswith("no theme") else f" ({said})")
            raise InputFileError(path or "--map", f"code '{code}' maps to '{theme}', which is "
                                 f"not a theme of the run's codebook{hint}", fix=exc.fix) from None
    return out


def _nothing_to_compare(path: Path, manual: ManualCoding, own: int) -> TematikError:
    """Why a manual coding gave no segment to compare, and what to do."""
    if own and not manual.unlocated:
        return InputFileError(path, f"holds only tematik's own codings (user '{MACHINE}', "
                              "an export of a run), no manual coding",
                              fix="Code the project in your QDA program under your own user "
                              "name, then export it again.")
    if manual.unlocated:
        first = manual.unlocated[0]
        return InputFileError(path, f"none of its {len(manual.unlocated)} quote(s) was found "
                              f"in the run's transcripts (line {first.row}, "
                              f"{first.transcript_id}, is {first.similarity:.0%} alike to the "
                              "closest text)",
                              fix="Check that the quotes are copied from these transcripts "
                              "and that each row names the transcript its quote is from.")
    return InputFileError(path, "no row has a code",
                          fix="Fill in the code column, one row per coded segment.")
