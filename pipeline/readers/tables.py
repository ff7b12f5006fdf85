"""Transcripts kept as tables (``.csv``, ``.xlsx``): one row per turn (a speaker column and
a text column), or one row per question with its answer (``No | Pertanyaan | Jawaban``).

Above the table's header row a sheet may hold the informant's details (``Nama Informan :
...`` in the first column, as a thesis appendix does): they become the transcript's metadata.
:mod:`pipeline.readers.ingest` calls :func:`table_to_turns`.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from pipeline.errors import InputFileError
from pipeline.readers.decode import normalise_text
from pipeline.readers.formats import (
    ANSWER_COLUMNS,
    QUESTION_COLUMNS,
    SPEAKER_COLUMNS,
    TEXT_COLUMNS,
    find_column,
)
from pipeline.stages import speakers as sp
from pipeline.stages.header import metadata_fields
from pipeline.types import INFORMANT, INTERVIEWER

TRANSCRIPT_COLUMNS = ("transcript", "transkrip_id", "transcript_id", "wawancara", "dokumen",
                      "informan", "file")
ROLE_COLUMNS = ("role", "peran")
INTERVIEWER_ROLES = frozenset({"interviewer", "peneliti", "pewawancara", "penanya", "p", "q"})
HEADER_SEARCH = 30
"""Rows searched for the header row when the first row is not one (a details block above)."""

Composed = tuple[str, str, tuple[sp.RawTurn, ...], dict[str, str]]


def locate_header(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """The table under its real header row, and the lines above it (a details block).

    The header is the first row (the frame's columns, or one of its first rows) that names
    a text column, or a question and an answer column."""
    def is_header(cells: Sequence[str]) -> bool:
        low = [str(c).strip().lower() for c in cells]
        return any(c in TEXT_COLUMNS for c in low) or (
            any(c in QUESTION_COLUMNS for c in low) and any(c in ANSWER_COLUMNS for c in low))

    if is_header([str(c) for c in frame.columns]):
        return frame, []
    above = [" ".join(str(c) for c in frame.columns if not str(c).startswith("Unnamed:"))]
    for i in range(min(HEADER_SEARCH, len(frame))):
        cells = [str(c) for c in frame.iloc[i].tolist()]
        if is_header(cells):
            body = frame.iloc[i + 1:].reset_index(drop=True)
            body.columns = pd.Index([c.strip() or f"kolom {j + 1}" for j, c in enumerate(cells)])
            return body, [line for line in above if line.strip()]
        above.append(" ".join(c for c in cells if c.strip()))
    return frame, []


def table_to_turns(
    frame: pd.DataFrame, shown: str, interviewers: frozenset[str] = frozenset()
) -> list[Composed]:
    """Rows to composed transcripts: ``[(key, text, turns, metadata)]``."""
    frame, above = locate_header(frame)
    meta: dict[str, str] = {}
    for line in above:
        for name, value, _ in metadata_fields(line):
            meta.setdefault(name, value)
    text_col = find_column(frame, TEXT_COLUMNS)
    speaker_col = find_column(frame, SPEAKER_COLUMNS)
    question_col = find_column(frame, QUESTION_COLUMNS)
    answer_col = find_column(frame, ANSWER_COLUMNS)
    if speaker_col is None and question_col is not None and answer_col is not None:
        return [("", *compose_turns(_qa_rows(frame, question_col, answer_col), interviewers),
                 meta)]
    if text_col is None or speaker_col is None:
        missing = "text" if text_col is None else "speaker"
        present = ", ".join(str(c) for c in frame.columns) or "(none)"
        wanted = TEXT_COLUMNS if text_col is None else SPEAKER_COLUMNS
        raise InputFileError(
            shown, f"no {missing} column; the columns present are: {present}",
            fix=f"Name the {missing} column one of: {', '.join(wanted)} (or give a question "
                "and an answer column: Pertanyaan, Jawaban).",
        )
    key_col = find_column(frame, TRANSCRIPT_COLUMNS)
    role_col = find_column(frame, ROLE_COLUMNS)
    groups: dict[str, list[tuple[str, str | None, str]]] = {}
    for _, row in frame.iterrows():
        said = normalise_text(str(row[text_col])).strip()
        if not said:
            continue
        key = str(row[key_col]).strip() if key_col else ""
        role = None
        if role_col:
            value = str(row[role_col]).strip().lower()
            role = INTERVIEWER if value in INTERVIEWER_ROLES else INFORMANT
        who = " ".join(normalise_text(str(row[speaker_col])).split())
        rows = groups.setdefault(key, [])
        if not who and rows:  # an empty (or merged) speaker cell: the speaker goes on
            who, role = rows[-1][0], role or rows[-1][1]
        rows.append((who, role, said))
    single = len(groups) == 1
    return [("" if single else key, *compose_turns(rows, interviewers), dict(meta))
            for key, rows in groups.items()]


def _qa_rows(frame: pd.DataFrame, question_col: str, answer_col: str
             ) -> list[tuple[str, str | None, str]]:
    """One question and its answer per row, labelled by the columns' names."""
    rows: list[tuple[str, str | None, str]] = []
    asker, answerer = sp.clean_label(str(question_col)), sp.clean_label(str(answer_col))
    for _, row in frame.iterrows():
        for label, role, col in ((asker, INTERVIEWER, question_col),
                                 (answerer, INFORMANT, answer_col)):
            said = normalise_text(str(row[col])).strip()
            if said:
                rows.append((label, role, said))
    return rows


def compose_turns(
    rows: Sequence[tuple[str, str | None, str]], interviewers: frozenset[str] = frozenset()
) -> tuple[str, tuple[sp.RawTurn, ...]]:
    """Write ``(speaker, role, text)`` rows as ``Speaker: text`` lines, with offsets.

    Consecutive rows of one speaker continue the same turn. Roles missing from the rows
    are assigned from the labels and from who asks the questions.
    """
    parts: list[str] = []
    pos = 0
    spans: list[tuple[str, str | None, int, int]] = []
    for who, role, said in rows:
        if spans and spans[-1][0] == who and who:
            parts.append("\n")
            pos += 1
            start = spans.pop()[2]
        else:
            if parts:
                parts.append("\n\n")
                pos += 2
            label = f"{who}: " if who else ""
            parts.append(label)
            pos += len(label)
            start = pos
        parts.append(said)
        pos += len(said)
        spans.append((who, role, start, pos))
    text = "".join(parts) + "\n"
    labelled = [(who, text[start:end]) for who, _, start, end in spans]
    declared = {sp.label_core(lab): INTERVIEWER for lab in interviewers}
    guessed = sp.assign_roles([lab for lab, _ in labelled], sp.question_share(labelled),
                              declared)
    turns = tuple(
        sp.RawTurn(who or "Informan", role or guessed.get(who, INFORMANT), start, end)
        for who, role, start, end in spans
    )
    return text, turns
