"""A run's report files: ``report.html``, ``workbook.xlsx`` and ``figures/*.png|svg``, made
from the run's tables (issue 6; docs/report.md).

perf (issue 7): the workbook and the figures do not depend on each other, so where workers
can be forked they are made by one worker process per core, the largest piece first (the
workbook: 7 s of a 1,000-interview run), and the page is put together from their results.
The files are the same bytes either way.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from pipeline.codebook import Codebook, load_codebook
from pipeline.figures import NAMES as FIGURE_NAMES
from pipeline.figures import TITLE_KEYS, Chart, draw_chart, make_charts, undrawn
from pipeline.files import atomic_write, bytes_writer
from pipeline.parallel import can_fork, cores, map_in_order
from pipeline.report import render_report
from pipeline.reportdata import RunTables, labels
from pipeline.workbook import workbook_bytes

REPORT_TABLES = ("transcripts", "passages", "codings", "evidence", "theme_matrix",
                 "theme_cooccurrence", "topic_terms", "passage_topics", "topic_summary",
                 "topic_prevalence", "k_report", "agreement", "agreement_pairs",
                 "disagreements", "saturation")
FIGURES_DIR = "figures"


def load_run_tables(folder: Path, manifest: dict[str, object], name: str = "",
                    codebook: Codebook | None = None) -> RunTables:
    """The tables of the run in ``folder`` that the report shows (those it has), its
    manifest and codebook (read from the run's ``codebook.yaml`` unless given)."""
    folder = Path(folder)
    tables = {t: pd.read_parquet(folder / f"{t}.parquet") for t in REPORT_TABLES
              if (folder / f"{t}.parquet").is_file()}
    book = folder / "codebook.yaml"
    if codebook is None and book.is_file():
        codebook = load_codebook(book)
    return RunTables(manifest, tables, codebook, name or folder.name)


def _saved_charts(folder: Path, lang: str) -> dict[str, Chart] | None:
    """The figures already in ``folder/figures/``, or None when any is missing."""
    t = labels(lang)
    charts = {}
    for name in FIGURE_NAMES:
        png, svg = folder / f"{name}.png", folder / f"{name}.svg"
        if png.is_file() and svg.is_file():
            charts[name] = Chart(name, t[TITLE_KEYS[name]], png.read_bytes(), svg.read_bytes())
        elif png.exists() or svg.exists():
            return None
    return charts or None


def write_report(folder: Path, manifest: dict[str, object], *, lang: str = "id",
                 name: str = "", reuse_figures: bool = False,
                 codebook: Codebook | None = None) -> dict[str, object]:
    """Write ``report.html``, ``workbook.xlsx`` and ``figures/*.png|svg`` of the run in
    ``folder`` from its tables (each file atomically; figures the run no longer has data
    for are removed). ``reuse_figures`` keeps the figures already written in ``lang``
    (after a comparison, which changes none of them). ``codebook`` is the run's, when it
    is at hand. Returns the manifest's ``report`` entry."""
    folder = Path(folder)
    run_tables = load_run_tables(folder, manifest, name, codebook)
    figures_dir = folder / FIGURES_DIR
    previous = manifest.get("report")
    same_lang = isinstance(previous, dict) and previous.get("lang") == lang
    saved = (_saved_charts(figures_dir, lang) if reuse_figures and same_lang else None)
    to_draw = undrawn(run_tables, lang) if saved is None else []
    made = _make(run_tables, lang, [WORKBOOK, *to_draw])
    drawn = {n: c for n in to_draw if isinstance(c := made[n], Chart | None)}
    charts = saved if saved is not None else make_charts(run_tables, lang, drawn=drawn)
    if saved is None:
        figures_dir.mkdir(exist_ok=True)
        for chart in charts.values():
            atomic_write(figures_dir / f"{chart.name}.png", bytes_writer(chart.png))
            atomic_write(figures_dir / f"{chart.name}.svg", bytes_writer(chart.svg))
        for stale in FIGURE_NAMES:
            if stale not in charts:
                for suffix in (".png", ".svg"):
                    (figures_dir / f"{stale}{suffix}").unlink(missing_ok=True)
    page = render_report(run_tables, lang=lang, charts=charts).encode("utf-8")
    atomic_write(folder / "report.html", bytes_writer(page))
    workbook = made[WORKBOOK]
    assert isinstance(workbook, bytes)
    atomic_write(folder / "workbook.xlsx", bytes_writer(workbook))
    files = ["report.html", "workbook.xlsx"] + [
        f"{FIGURES_DIR}/{n}{s}" for n in charts for s in (".png", ".svg")]
    return {"lang": lang, "files": files}


WORKBOOK = "workbook"
_JOB: tuple[RunTables, str] | None = None
"""The run and language the pieces are made for (forked workers inherit it)."""


def _set_job(run: RunTables | None, lang: str = "id") -> None:
    global _JOB
    _JOB = None if run is None else (run, lang)


def _piece(name: str) -> bytes | Chart | None:
    """The workbook's bytes, or the figure ``name``, of the run in :data:`_JOB`."""
    assert _JOB is not None
    run, lang = _JOB
    return workbook_bytes(run) if name == WORKBOOK else draw_chart(name, run, lang)


def _make(run: RunTables, lang: str, pieces: Sequence[str]) -> dict[str, bytes | Chart | None]:
    """Each piece (:data:`WORKBOOK` or a figure's name) made, in worker processes where they
    can be forked (spawned ones would first spend seconds importing)."""
    jobs = min(cores(), len(pieces)) if can_fork() else 1
    _set_job(run, lang)
    try:
        made = map_in_order(_piece, pieces, jobs, initializer=_set_job, initargs=(run, lang))
    finally:
        _set_job(None)
    return dict(zip(pieces, made, strict=True))
