"""``tematik report`` and ``tematik export``: a finished run's report written again, and the
run as a REFI-QDA project or codebook for NVivo, ATLAS.ti, MAXQDA and QualCoder."""

from __future__ import annotations

from pathlib import Path
from typing import cast

import pandas as pd

from pipeline.errors import UsageError
from pipeline.readers.qdpx_tables import iso_datetime, project_from_tables
from pipeline.report.data import report_lang, run_threshold
from pipeline.report.qdpx_write import coding_note, qdc_bytes, qdpx_bytes
from pipeline.runs import rundir
from pipeline.runs.reportfiles import write_report


def report_run(run_dir: Path, *, lang: str = "id") -> list[Path]:
    """Rewrite the report of the finished run in ``run_dir`` from its tables:
    ``report.html``, ``workbook.xlsx`` and ``figures/``, with labels in ``lang``. Records
    the language in the manifest's ``report`` entry and returns the files written."""
    run_dir = Path(run_dir)
    manifest = rundir.open_run(run_dir)
    info = write_report(run_dir, manifest, lang=lang)
    manifest["report"] = info
    rundir.write_manifest(run_dir, manifest)
    return [run_dir / str(f) for f in cast(list[str], info["files"])]


def export_run(run_dir: Path, *, qdpx: Path | None = None, qdc: Path | None = None,
               force: bool = False) -> list[Path]:
    """Write the run as a REFI-QDA project (``qdpx``: transcripts as sources, themes as
    codes, tematik's codings and any compared manual coding) and/or its codebook (``qdc``).
    Each of tematik's codings carries a note saying it is automatic, its evidence and its
    score (in the language of the run's report), dated when the run finished.
    """
    if qdpx is None and qdc is None:
        raise UsageError("nothing to export", fix="Give --qdpx FILE and/or --qdc FILE.")
    for target, suffix, what in ((qdpx, ".qdpx", "a REFI-QDA project"),
                                 (qdc, ".qdc", "a REFI-QDA codebook")):
        if target is not None and target.suffix.lower() != suffix:
            raise UsageError(f"{target} does not end in {suffix}, and {what} must: NVivo, "
                             "ATLAS.ti, MAXQDA and QualCoder open it by that name",
                             fix=f"Give a file name ending in {suffix}, for example "
                             f"{target.with_suffix(suffix).name}.")
    manifest = rundir.open_run(run_dir)
    for target in (qdpx, qdc):
        if target is not None:
            rundir.check_output(target, force=force)
    codebook = rundir.run_codebook(run_dir)
    transcripts = rundir.read_table(run_dir, "transcripts")
    passages = rundir.read_table(run_dir, "passages")
    lang, threshold = report_lang(manifest), run_threshold(manifest)
    codings = rundir.read_table(run_dir, "codings").assign(user="tematik")
    codings["note"] = [coding_note(e, s, m, p, threshold=threshold, lang=lang) for e, s, m, p
                       in zip(codings["evidence"], codings["score"], codings["method"],
                              codings["probability"], strict=True)]
    if rundir.has_table(run_dir, "manual_segments"):
        manual = rundir.read_table(run_dir, "manual_segments")
        manual = manual.rename(columns={"coder": "user"})[
            ["transcript_id", "theme", "start", "end", "user"]]
        auto = codings.merge(passages[["passage_id", "start", "end"]], on="passage_id")
        codings = pd.concat([auto, manual], ignore_index=True)
    project = project_from_tables(transcripts, codings, codebook=codebook, passages=passages,
                                  name=Path(run_dir).name,
                                  created=iso_datetime(manifest.get("finished", "")))
    written = []
    if qdpx is not None:
        written.append(rundir.write_output(Path(qdpx), qdpx_bytes(project)))
    if qdc is not None:
        written.append(rundir.write_output(Path(qdc), qdc_bytes(project.codes)))
    return written
