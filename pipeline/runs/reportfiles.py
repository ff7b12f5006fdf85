"""A run's report files: ``report.html``, ``workbook.xlsx`` and ``figures/*.png|svg``, made
from the run's tables (issue 6; docs/report.md).

perf (issue 7): the workbook and the figures do not depend on each other, so where workers
can be forked they are made by one worker process per core, the largest piece first (the
workbook: 7 s of a 1,000-interview run), and the page is put together from their results.
The files are the same bytes either way.
"""

from __future__ import annotations

import io
import multiprocessing
import signal
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from multiprocessing.connection import Connection
from pathlib import Path
from typing import cast

from pipeline.parallel import can_fork, cores, map_shared
from pipeline.report.data import RunTables, labels
from pipeline.report.figures import NAMES as FIGURE_NAMES
from pipeline.report.figures import TITLE_KEYS, Chart, draw_chart, make_charts
from pipeline.report.html import render_report
from pipeline.report.workbook import Book, sheets, workbook_bytes
from pipeline.runs import rundir
from pipeline.types import Codebook

REPORT_TABLES = ("transcripts", "passages", "codings", "evidence", "theme_matrix",
                 "theme_cooccurrence", "topic_terms", "passage_topics", "topic_summary",
                 "topic_prevalence", "k_report", "agreement", "agreement_pairs",
                 "disagreements", "saturation")


def load_run_tables(folder: Path, manifest: Mapping[str, object], name: str = "",
                    codebook: Codebook | None = None,
                    tables: Sequence[str] = REPORT_TABLES) -> RunTables:
    """The ``tables`` of the run in ``folder`` (by default those the report shows; those it
    has), its manifest and codebook (read from the run's ``codebook.yaml`` unless given)."""
    folder = Path(folder)
    frames = rundir.read_tables(folder, tables)
    if codebook is None:
        codebook = rundir.read_codebook_if_any(folder)
    return RunTables(manifest, frames, codebook, name or folder.name)


def _saved_charts(folder: Path, lang: str) -> dict[str, Chart] | None:
    """The figures already in the run in ``folder``, or None when any is missing."""
    t = labels(lang)
    found = rundir.read_figures(folder, FIGURE_NAMES)
    charts = {name: Chart(name, t[TITLE_KEYS[name]], png, svg)
              for name, (png, svg) in (found or {}).items()}
    return charts or None


def write_report(folder: Path, manifest: dict[str, object], *, lang: str = "id",
                 name: str = "", reuse_figures: bool = False,
                 codebook: Codebook | None = None,
                 workbook: BackgroundWorkbook | None = None) -> dict[str, object]:
    """Write ``report.html``, ``workbook.xlsx`` and ``figures/*.png|svg`` of the run in
    ``folder`` from its tables (each file atomically; figures the run no longer has data
    for are removed). ``reuse_figures`` keeps the figures already written in ``lang``
    (after a comparison, which changes none of them). ``codebook`` is the run's, when it
    is at hand; ``workbook``, the workbook begun while the run went on. Returns the
    manifest's ``report`` entry."""
    folder = Path(folder)
    run_tables = load_run_tables(folder, manifest, name, codebook)
    previous = manifest.get("report")
    same_lang = isinstance(previous, dict) and previous.get("lang") == lang
    saved = (_saved_charts(folder, lang) if reuse_figures and same_lang else None)
    if workbook is not None:
        workbook.send(run_tables)  # it closes the file while the figures are drawn
    pending = [] if workbook else [WORKBOOK]  # made beside the figures, in the same workers
    made: dict[str, bytes | Chart | None] = {}

    def draw(names: Sequence[str]) -> dict[str, Chart | None]:
        made.update(_make(run_tables, lang, [*pending, *names]))
        pending.clear()
        return {n: cast("Chart | None", made[n]) for n in names}

    charts = saved if saved is not None else make_charts(run_tables, lang, draw=draw)
    if pending:  # the figures were reused: the workbook alone
        made.update(_make(run_tables, lang, pending))
    figures = {c.name: (c.png, c.svg) for c in charts.values()}
    if saved is None:
        figure_files = rundir.write_figures(folder, figures, FIGURE_NAMES)
    else:
        figure_files = [f"{rundir.FIGURES_DIR}/{n}{s}" for n in figures for s in (".png", ".svg")]
    page = render_report(run_tables, lang=lang, charts=charts).encode("utf-8")
    rundir.write_bytes(folder / "report.html", page)
    book = workbook.finish() if workbook else made[WORKBOOK]
    assert isinstance(book, bytes)
    rundir.write_bytes(folder / "workbook.xlsx", book)
    return {"lang": lang, "files": ["report.html", "workbook.xlsx", *figure_files]}


WORKBOOK = "workbook"


def _piece(job: tuple[RunTables, str], name: str) -> bytes | Chart | None:
    """The workbook's bytes, or the figure ``name``, of the run and language in ``job``."""
    run, lang = job
    return workbook_bytes(run) if name == WORKBOOK else draw_chart(name, run, lang)


def _make(run: RunTables, lang: str, pieces: Sequence[str]) -> dict[str, bytes | Chart | None]:
    """Each piece (:data:`WORKBOOK` or a figure's name) made, in worker processes where they
    can be forked (spawned ones would first spend seconds importing)."""
    jobs = min(cores(), len(pieces)) if can_fork() else 1
    return dict(zip(pieces, map_shared(_piece, (run, lang), pieces, jobs), strict=True))


class BackgroundWorkbook:
    """``workbook.xlsx`` begun in a forked worker process as soon as the coding tables are
    in ``folder``, while this process fits topics: its big sheets (transcripts, passages,
    codings, the theme displays; 7 s of a 1,000-interview run) are written on the core the
    topic model leaves idle. :meth:`send` gives it the rest (the manifest, the topic and
    agreement sheets) and :meth:`finish` returns the file's bytes, the same as
    :func:`workbook_bytes`.
    Use :func:`begin_workbook`, which gives None where workers cannot be forked."""

    def __init__(self, folder: Path) -> None:
        context = multiprocessing.get_context("fork")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_background, args=(child, Path(folder)),
                                        daemon=True)
        self._process.start()
        child.close()

    def send(self, run: RunTables) -> None:
        """Send the rest of the run; the worker then closes the file on its own."""
        late = {n: f for n, f in sheets(run).items() if n not in EARLY_SHEETS}
        self._conn.send((dict(run.manifest), late))

    def finish(self) -> bytes:
        """Wait for the file (after :meth:`send`)."""
        status, payload = self._conn.recv()
        self._process.join()
        if status != "ok":
            raise RuntimeError(f"writing workbook.xlsx failed: {payload}")
        return cast(bytes, payload)

    def cancel(self) -> None:
        """Stop the worker if it is still running (the run failed before its report)."""
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()
        self._conn.close()


EARLY_SHEETS = ("transcripts", "passages", "codings", "theme_matrix", "theme_cooccurrence")
"""The sheets a :class:`BackgroundWorkbook` writes before the run ends (the first of
:data:`~pipeline.report.workbook.SHEETS`, from tables written before topics)."""


@contextmanager
def begin_workbook(folder: Path) -> Iterator[BackgroundWorkbook | None]:
    """A :class:`BackgroundWorkbook` for the run in ``folder`` while the block runs (None
    where workers are not forked: there the report stage makes the workbook). A worker
    the block did not finish with (it raised) is stopped."""
    book = BackgroundWorkbook(folder) if can_fork() and cores() > 1 else None
    try:
        yield book
    finally:
        if book is not None:
            book.cancel()


def _background(conn: Connection, folder: Path) -> None:
    # Ctrl-C is the run's to handle: it stops this worker (cancel) on its way out.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        buffer = io.BytesIO()
        book = Book(buffer)
        book.add(sheets(load_run_tables(folder, {}, tables=EARLY_SHEETS)))
        manifest, late = conn.recv()
        book.add(late)
        book.finish(RunTables(manifest))
        conn.send(("ok", buffer.getvalue()))
    except EOFError:  # the run stopped: nothing to finish
        pass
    except Exception as exc:  # reported by finish(), in the run's process
        conn.send(("error", f"{exc.__class__.__name__}: {exc}"))
    finally:
        conn.close()
