"""What ``tematik themes``, ``tematik topics`` and ``tematik codebook check`` read: a finished
run's tables for the terminal views, and a codebook checked with the shipped lexicon's
stems."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from pipeline.errors import RunDirectoryError, UsageError
from pipeline.readers.codebook import Problem, check_codebook
from pipeline.resources import load_lexicon
from pipeline.runs import rundir
from pipeline.types import Codebook

# Each command imports what it shows where it shows it: 'tematik themes' reads tables and
# never needs the topic stage (scipy) or the normaliser (spaCy), which take seconds to import.

THEMES_TABLES = ("passages", "codings", "evidence", "theme_matrix")
SUPERVISED_TABLES = ("supervised_cv", "supervised_terms")


def themes_tables(run_dir: Path) -> tuple[Codebook, dict[str, pd.DataFrame]]:
    """What ``tematik themes`` shows of RUN: its codebook and the tables
    :data:`THEMES_TABLES`, and :data:`SUPERVISED_TABLES` when RUN trained the supervised
    coder (its manifest says so)."""
    manifest = rundir.open_run(run_dir)
    names = [*THEMES_TABLES, *(SUPERVISED_TABLES if manifest.get("supervised") else ())]
    return rundir.run_codebook(run_dir), {name: rundir.read_table(run_dir, name)
                                          for name in names}


def themes_text(run_dir: Path, *, theme: str | None = None, informant: str | None = None,
                mark: Callable[[str], str] | None = None, limit: int = 20) -> str:
    """What ``tematik themes`` prints: the themes of RUN (or the passages of one ``theme``),
    evidence marked with ``mark``, and the supervised coder's scores when RUN trained one."""
    from pipeline.report.views import supervised_view, themes_view

    book, tables = themes_tables(run_dir)
    try:
        text = themes_view(book, tables["passages"], tables["codings"], tables["evidence"],
                           tables["theme_matrix"], theme=theme, informant=informant,
                           limit=limit, **({"mark": mark} if mark else {}))
    except KeyError:
        ids = ", ".join(t.id for t in book.themes)
        raise UsageError(f"no theme '{theme}' in this run's codebook",
                         fix=f"Use one of: {ids}.") from None
    except LookupError:
        raise UsageError(f"no informant matches '{informant}'",
                         fix="Run 'tematik themes RUN' to see the informants.") from None
    if theme is None and "supervised_cv" in tables:
        text += "\n\n" + supervised_view(tables["supervised_cv"], tables["supervised_terms"])
    return text


def topics_text(run_dir: Path, *, topic: int | None = None, n_passages: int | None = None,
                by: str | None = None, k_report: bool = False, fmt: str = "text") -> str:
    """What ``tematik topics`` prints, as text, JSON or CSV (``fmt``): how K was chosen
    (``k_report``), the prevalence table ``by`` a field, or the topics with ``n_passages``
    representative passages each (all topics, or one)."""
    from pipeline.report import topicview as tv

    tables = read_topics(run_dir)
    if k_report:
        report = tables["k_report"]
        return tv.k_report_text(report) if fmt == "text" else tv.render(report, fmt)
    if by:
        frame = tv.prevalence_frame(tables, by)
        return tv.prevalence_text(frame) if fmt == "text" else tv.render(frame, fmt)
    n = n_passages or (10 if topic is not None else 3)
    records = tv.overview(tables, topic=topic, n_passages=n)
    return tv.overview_text(records) if fmt == "text" else tv.render(records, fmt)


def read_topics(run_dir: Path) -> dict[str, pd.DataFrame]:
    """The topic tables of a finished run, with its passages and transcripts.

    Raises :class:`UsageError` (exit 2) when ``run_dir`` is not a run directory and
    :class:`RunDirectoryError` (exit 1) when the run has no topics, saying why.
    """
    run_dir = Path(run_dir)
    if not (run_dir / rundir.MANIFEST).is_file():
        raise UsageError(f"no such run: {run_dir} (no manifest.json)",
                         fix="Give a run directory written by tematik run, e.g. runs/sample.")
    manifest = rundir.open_run(run_dir)
    info = manifest.get("topics") or {}
    assert isinstance(info, dict)
    if info.get("status") != "complete":
        why = info.get("reason") or ("topics were turned off (--topics 0)"
                                     if info.get("status") == "off" else
                                     "it was made before topics existed")
        raise RunDirectoryError(f"run {run_dir} has no topics: {why}",
                                fix="Re-run tematik run with --topics auto or --topics K.")
    names = [*info.get("tables", []), "passages", "transcripts"]
    return {name: rundir.read_table(run_dir, name) for name in names}


def check_file(path: Path) -> list[Problem]:
    """:func:`~pipeline.readers.codebook.check_codebook` with the stems of the shipped
    lexicon's normaliser."""
    from pipeline.stages.normalise import Normaliser

    normaliser = Normaliser(load_lexicon())

    def stem(word: str) -> str:
        form = normaliser.form(word)
        return "" if form.kind in ("punct", "number", "filler") else form.stem

    return check_codebook(path, stem)
