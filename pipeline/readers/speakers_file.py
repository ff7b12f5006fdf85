"""Speakers files (``--speakers FILE``): who each speaker label is.

A CSV/XLSX sheet or a YAML file with one row per label::

    label,person,role,display
    SPEAKER_00,pak_harjono,informant,Pak Harjono
    SPEAKER_01,peneliti,interviewer,Peneliti
    SPEAKER_03,pak_harjono,informant,Pak Harjono

``label`` is required (as the transcript writes it; case and spacing do not matter); rows with
the same ``person`` are one person (a diarizer that split one voice in two, two labels of one
informant); ``role`` is ``interviewer``/``informant`` (or ``peneliti``, ``pewawancara``,
``informan``, ``narasumber``, ...; empty: decided from the text); ``display`` is the name shown
everywhere (empty: the person's other rows, else ``person``, else the label). An optional
``transcript`` column limits a row to one transcript (its file name or id); a file named
``NAME.speakers.csv`` applies to the transcript ``NAME`` only. YAML: a list of such rows, or
a mapping ``label: {person: ..., role: ..., display: ...}`` (or ``label: display``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from pipeline.errors import InputFileError, UsageError
from pipeline.readers.formats import find_column, read_sheet, slug
from pipeline.types import INFORMANT, INTERVIEWER, SpeakerEntry, SpeakerMap

SUFFIXES = (".csv", ".xlsx", ".yaml", ".yml")
SPEAKERS_FILE_RE = re.compile(r"\.speakers\.(?:csv|xlsx|ya?ml)$", re.I)
"""How a speakers file is named when it sits among the transcripts (never read as one)."""
COLUMNS = {
    "label": ("label", "speaker", "pembicara", "label_asli"),
    "person": ("person", "orang", "id", "person_id"),
    "role": ("role", "peran"),
    "display": ("display", "nama", "name", "tampilan", "display_name"),
    "transcript": ("transcript", "transkrip", "transcript_id", "file", "wawancara"),
}
ROLE_VALUES = {
    INTERVIEWER: ("interviewer", "peneliti", "pewawancara", "penanya", "moderator",
                  "fasilitator"),
    INFORMANT: ("informant", "informan", "narasumber", "responden", "partisipan",
                "participant", "subjek"),
}
_FIX = ("A speakers file has the columns label,person,role,display (and optionally "
        "transcript); role is interviewer or informant. See docs/formats.md, 'Speakers files'.")


def transcript_slug(name: str) -> str:
    """A transcript id from a file name or an id (the rule ingest names transcripts by):
    ``Wawancara 3.srt`` -> ``wawancara-3``."""
    return slug(re.sub(r"\.(?:txt|md|docx|vtt|srt|csv|xlsx|json)$", "", name.strip(),
                       flags=re.I))


def read_speakers(paths: Sequence[Path]) -> SpeakerMap:
    """The rows of every speakers file in ``paths``, checked. Raises :class:`InputFileError`
    naming the file and line of the first problem."""
    entries: list[SpeakerEntry] = []
    for path in paths:
        path = Path(path)
        if not path.is_file():
            raise UsageError(f"speakers file not found: {path}",
                             fix="Check the path given to --speakers")
        scope = ""
        named = SPEAKERS_FILE_RE.search(path.name)
        if named:
            scope = transcript_slug(path.name[: named.start()])
        rows = _yaml_rows(path) if path.suffix.lower() in (".yaml", ".yml") else \
            _sheet_rows(path)
        entries.extend(_entries(rows, path, scope))
    return SpeakerMap(tuple(entries), tuple(str(p) for p in paths))


def _sheet_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    if path.suffix.lower() not in (".csv", ".xlsx"):
        raise InputFileError(path, f"a speakers file must be .csv, .xlsx or .yaml, got "
                             f"'{path.suffix}'", fix=_FIX)
    frame = read_sheet(path)
    found = {key: find_column(frame, names) for key, names in COLUMNS.items()}
    if found["label"] is None:
        have = ", ".join(str(c) for c in frame.columns) or "none"
        raise InputFileError(path, f"no label column (its columns: {have})", fix=_FIX)
    rows = []
    for i, record in enumerate(frame.to_dict("records")):
        rows.append((i + 2, {key: str(record[col]).strip() for key, col in found.items()
                             if col is not None}))
    return rows


def _yaml_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        raise InputFileError(path, f"not valid YAML ({exc.__class__.__name__})",
                             line=None if line is None else line + 1, fix=_FIX) from exc
    if isinstance(data, dict) and isinstance(data.get("speakers"), list | dict):
        data = data["speakers"]
    items: list[Any]
    if isinstance(data, dict):
        items = [{"label": k, **(v if isinstance(v, dict) else {"display": v})}
                 for k, v in data.items()]
    elif isinstance(data, list):
        items = data
    else:
        raise InputFileError(path, "expected a list of rows or a mapping of labels", fix=_FIX)
    rows = []
    for i, item in enumerate(items, 1):
        if not isinstance(item, dict):
            raise InputFileError(path, f"entry {i} is not a mapping", fix=_FIX)
        unknown = sorted(set(map(str, item)) - {n for names in COLUMNS.values() for n in names})
        if unknown:
            raise InputFileError(path, f"entry {i} has unknown fields: {', '.join(unknown)}",
                                 fix=_FIX)
        row = {key: str(item[n]).strip() for key, names in COLUMNS.items() for n in names
               if item.get(n) is not None}
        rows.append((i, row))
    return rows


def _role(value: str, path: Path, line: int | None) -> str | None:
    low = value.strip().lower()
    if not low:
        return None
    for role, words in ROLE_VALUES.items():
        if low in words:
            return role
    raise InputFileError(path, f"unknown role {value!r}", line=line,
                         fix="Write interviewer (peneliti, pewawancara) or informant "
                             "(informan, narasumber), or leave it empty.")


def _entries(rows: list[tuple[int, dict[str, str]]], path: Path,
             scope: str) -> list[SpeakerEntry]:
    yaml_file = path.suffix.lower() in (".yaml", ".yml")

    def at(line: int) -> dict[str, Any]:
        return {"line": None if yaml_file else line}

    def entry(line: int) -> str:
        return f"entry {line} " if yaml_file else ""
    displays: dict[str, str] = {}
    roles: dict[str, str] = {}
    parsed = []
    seen: dict[tuple[str, str], int] = {}
    for line, row in rows:
        label = " ".join(row.get("label", "").split())
        if not label:
            if any(row.values()):
                raise InputFileError(path, f"{entry(line)}has no label", **at(line), fix=_FIX)
            continue
        transcript = transcript_slug(row["transcript"]) if row.get("transcript") else scope
        key = (label.lower(), transcript)
        if key in seen:
            raise InputFileError(path, f"{entry(line)}label {label!r} is given twice (first "
                                 f"at {'entry' if yaml_file else 'line'} {seen[key]})",
                                 **at(line),
                                 fix="Keep one row per label (add a transcript column to "
                                     "tell transcripts apart).")
        seen[key] = line
        person = row.get("person", "")
        role = _role(row.get("role", ""), path, at(line)["line"])
        display = row.get("display", "")
        if person and role and roles.setdefault(person, role) != role:
            raise InputFileError(path, f"{entry(line)}person {person!r} is given two roles",
                                 **at(line),
                                 fix="Give every row of one person the same role.")
        if person and display:
            displays.setdefault(person, display)
        parsed.append((label, person, role, display, transcript))
    out = []
    for label, person, role, display, transcript in parsed:
        shown = display or displays.get(person, "") or person
        out.append(SpeakerEntry(label, person or shown or label, role or roles.get(person),
                                shown, transcript))
    return out
