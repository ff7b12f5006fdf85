"""What ``tematik themes``, ``tematik topics`` and ``tematik codebook check`` read: a finished
run's tables for the terminal views, and a codebook checked with the shipped lexicon's
stems."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from pipeline.errors import RunDirectoryError, UsageError
from pipeline.readers.codebook import Problem, check_codebook
from pipeline.resources import DEFAULT_CODEBOOK, load_lexicon
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
    """What ``tematik themes`` prints: the themes of RUN (or the passages of one ``theme``,
    found by :func:`find_theme`), evidence marked with ``mark``, and the supervised coder's
    scores when RUN trained one."""
    from pipeline.report.views import supervised_view, themes_view

    book, tables = themes_tables(run_dir)
    if theme is not None:
        theme = find_theme(book, theme, extra=tuple(tables["codings"]["theme"].astype(str)))
    try:
        text = themes_view(book, tables["passages"], tables["codings"], tables["evidence"],
                           tables["theme_matrix"], theme=theme, informant=informant,
                           limit=limit, **({"mark": mark} if mark else {}))
    except LookupError:
        from pipeline.stages.segment import display_of

        informants = tables["passages"][tables["passages"]["role"] == "informant"]
        names = list(dict.fromkeys(f"{name} ({tid})" for tid, name in zip(
            informants["transcript_id"], display_of(informants), strict=True)))
        raise UsageError(f"no informant matches '{informant}'",
                         fix="Give part of an informant's name or transcript id: "
                         f"{'; '.join(names[:8])}{'; ...' if len(names) > 8 else ''}.") from None
    if theme is None and "supervised_cv" in tables:
        text += "\n\n" + supervised_view(tables["supervised_cv"], tables["supervised_terms"])
    return text


def _key(name: str) -> str:
    """A theme name as it is compared: case, underscores, hyphens and spacing ignored."""
    return " ".join(name.casefold().replace("_", " ").replace("-", " ").split())


def find_theme(codebook: Codebook, wanted: str, *, extra: tuple[str, ...] = ()) -> str:
    """The id of the theme ``wanted`` names: its id (``kinerja.responsivitas``), the last part
    of its id (``responsivitas``) or its label in either language (``Kualitas Pelayanan``),
    case, underscores and spacing ignored. ``extra``: theme ids known beyond the codebook
    (those only a supervised coder codes).

    Raises :class:`UsageError` naming the closest theme when none matches, and the
    candidates when the name fits several.
    """
    import difflib

    ids = list(dict.fromkeys([*(t.id for t in codebook.themes), *extra]))
    names: dict[str, list[str]] = {}  # name -> the ids it may mean
    for tid in ids:
        theme = next((t for t in codebook.themes if t.id == tid), None)
        labels = (theme.label_id, theme.label_en) if theme else ()
        for name in (tid, tid.rsplit(".", 1)[-1], *labels):
            if name and tid not in names.setdefault(_key(name), []):
                names[_key(name)].append(tid)
    if wanted in ids:
        return wanted
    found = names.get(_key(wanted), [])
    if len(found) == 1:
        return found[0]
    if found:
        raise UsageError(f"'{wanted}' may be any of the themes {', '.join(found)}",
                         fix="Give the theme's full id.")
    label = {t.id: t.label_id for t in codebook.themes}
    close = difflib.get_close_matches(_key(wanted), list(names), n=1, cutoff=0.6)
    guess = names[close[0]][0] if close else None
    hint = f"; did you mean '{guess}' ({label.get(guess, guess)})?" if guess else ""
    raise UsageError(f"no theme '{wanted}' in this run's codebook{hint}",
                     fix="Give a theme's id, the last part of it, or its label: "
                     f"{', '.join(ids)}.")


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

    Raises :class:`RunDirectoryError` (exit 1) when the run has no topics, saying why and
    what to do (and :func:`pipeline.runs.rundir.open_run`'s errors for a folder that is not a
    finished run).
    """
    import re

    run_dir = Path(run_dir)
    manifest = rundir.open_run(run_dir)
    info = manifest.get("topics") or {}
    assert isinstance(info, dict)
    status = info.get("status")
    if status == "off":
        raise RunDirectoryError(f"run {run_dir} has no topics: it was made with --topics 0",
                                fix=f"Fit them in a new run: 'tematik run --from {run_dir} "
                                "--topics auto --out NEW'.")
    if status != "complete":
        # The reason was the run's own warning, with advice for 'tematik run' ("or run
        # without topics") that contradicts what this command was asked: left out.
        advice = re.compile(r"\s*Add transcripts, or run without topics \(--topics 0\)\.?\s*$")
        why = advice.sub("", str(info.get("reason") or "")).strip() or (
            "it was made before tematik modelled topics")
        raise RunDirectoryError(f"run {run_dir} has no topics: {why}",
                                fix="Its themes are there: 'tematik themes "
                                f"{run_dir}'. For topics, add transcripts and run "
                                "'tematik run' again.")
    names = [*info.get("tables", []), "passages", "transcripts"]
    return {name: rundir.read_table(run_dir, name) for name in names}


def codebook_to_check(path: Path | None) -> Path:
    """The codebook ``tematik codebook check`` checks: ``path``, or the default codebook."""
    path = DEFAULT_CODEBOOK if path is None else Path(path)
    if not path.is_file():
        raise UsageError(f"codebook not found: {path}", fix="Check the path of the codebook "
                         "(a .yaml file), or leave it out to check the default codebook.")
    return path


def check_file(path: Path) -> list[Problem]:
    """:func:`~pipeline.readers.codebook.check_codebook` with the stems of the shipped
    lexicon's normaliser."""
    from pipeline.stages.normalise import Normaliser

    normaliser = Normaliser.shared(load_lexicon())

    def stem(word: str) -> str:
        form = normaliser.form(word)
        return "" if form.kind in ("punct", "number", "filler") else form.stem

    return check_codebook(path, stem)
