"""Between tematik's tables and REFI-QDA projects (:mod:`pipeline.readers.qdpx`).

- :func:`project_from_tables`: transcripts, codings (and passages) to a project with the
  transcripts as text sources, the themes as codes nested by their dotted ids, the
  codings by their users (``tematik`` unless the table says otherwise), each with its note
  (why it was coded: a :class:`NotedCoding`) and date, and the informants as cases with
  their metadata as variables (dates in ISO 8601, :func:`iso_date`).
- :func:`codings_frame`: a project's codings as one flat table.
- :func:`source_metadata`: informant metadata of each source, from its cases.
- :func:`themes_from_codes`: codebook themes (without cues) from REFI-QDA codes, so a
  ``.qdc`` can serve as a codebook.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, replace

import pandas as pd

from pipeline.readers.qdpx import (
    Case,
    Code,
    Coding,
    QdaProject,
    Source,
    User,
    stable_guid,
)
from pipeline.types import Codebook, Theme

TEMATIK_USER = "tematik"
CODINGS_COLUMNS = ["source", "source_guid", "code", "code_path", "code_guid", "theme", "user",
                   "user_guid", "start", "end", "text"]
METADATA_COLUMNS = ("informant", "role", "unit", "date", "place")
DATE_KEYS = ("date", "tanggal")
"""Metadata fields holding an interview's date: written in ISO 8601 when they can be read."""
MONTHS = {
    "januari": 1, "jan": 1, "january": 1, "februari": 2, "pebruari": 2, "feb": 2,
    "february": 2, "maret": 3, "mar": 3, "march": 3, "april": 4, "apr": 4, "mei": 5, "may": 5,
    "juni": 6, "jun": 6, "june": 6, "juli": 7, "jul": 7, "july": 7, "agustus": 8, "agu": 8,
    "agt": 8, "ags": 8, "aug": 8, "august": 8, "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10, "oct": 10, "october": 10, "november": 11, "nopember": 11,
    "nov": 11, "desember": 12, "des": 12, "dec": 12, "december": 12,
}
_DATE_PATTERNS = (
    (re.compile(r"\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b"), "ymd"),
    (re.compile(r"\b(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})\b"), "dmy"),
    (re.compile(r"\b(\d{1,2})\s+([A-Za-z]+)\.?\s+(\d{4})\b"), "d month y"),
    (re.compile(r"\b([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})\b"), "month d y"),
)


def iso_date(text: object) -> str | None:
    """The date in ``text`` as ISO 8601 (``2025-03-14``), or None when it holds none:
    ``14 Maret 2025``, ``Senin, 14 Maret 2025``, ``14/03/2025`` (day first, as Indonesians
    write it), ``2025-03-14``, ``March 14, 2025``; Indonesian and English month names and
    their short forms."""
    value = str(text or "")
    for pattern, order in _DATE_PATTERNS:
        for m in pattern.finditer(value):
            a, b, c = m.groups()
            try:
                if order == "ymd":
                    day = dt.date(int(a), int(b), int(c))
                elif order == "dmy":
                    day = dt.date(int(c), int(b), int(a))
                elif order == "d month y":
                    day = dt.date(int(c), MONTHS[b.casefold()], int(a))
                else:
                    day = dt.date(int(c), MONTHS[a.casefold()], int(b))
            except (KeyError, ValueError):
                continue
            return day.isoformat()
    return None


def iso_datetime(value: object) -> str:
    """A timestamp (a run's ``finished``: ``2026-12-03T01:42:20+00:00``) as the ISO 8601
    UTC form REFI-QDA projects carry (``2026-12-03T01:42:20Z``); "" when it is not one. A
    time without a zone is taken as UTC."""
    try:
        when = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return ""
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class NotedCoding(Coding):
    """A coding with what a QDA program shows beside it: ``note`` (why it was coded: the
    evidence and the score, as the coding's memo) and ``created`` (ISO 8601, UTC)."""

    note: str = ""
    created: str = ""


def code_guid(theme_id: str) -> str:
    """The GUID a theme's code gets in every project and codebook tematik writes."""
    return stable_guid("code", theme_id)


def user_guid(name: str) -> str:
    return stable_guid("user", name)


def codes_from_themes(codebook: Codebook | None, theme_ids: Iterable[str] = ()) -> tuple[Code, ...]:
    """The codebook's themes (in its order) and any other ``theme_ids``, as nested codes.

    A theme's parent is its ``parent`` field, else its dotted prefix (``kinerja`` for
    ``kinerja.responsivitas``), created when missing. Codebook themes are named by their
    Indonesian label and described by their definitions.
    """
    themes: dict[str, Theme | None] = {t.id: t for t in (codebook.themes if codebook else ())}
    pending = sorted(set(theme_ids) - set(themes))
    while pending:
        tid = pending.pop(0)
        themes.setdefault(tid, None)
        if "." in tid:
            prefix = tid.rsplit(".", 1)[0]
            if prefix not in themes and prefix not in pending:
                pending.append(prefix)
    parents: dict[str, str | None] = {}
    for tid, theme in themes.items():
        parent: str | None = theme.parent if theme is not None else None
        if parent is None and "." in tid and tid.rsplit(".", 1)[0] in themes:
            parent = tid.rsplit(".", 1)[0]
        parents[tid] = parent if parent in themes else None

    def build(tid: str) -> Code:
        theme = themes[tid]
        name = theme.label_id if theme is not None else tid.rsplit(".", 1)[-1]
        description = "\n\n".join(
            d for d in ((theme.definition, theme.definition_en) if theme else ()) if d)
        parent = parents[tid]
        return Code(code_guid(tid), name, code_guid(parent) if parent else None, description,
                    children=tuple(build(c) for c in themes if parents[c] == tid))

    return tuple(build(tid) for tid in themes if parents[tid] is None)


def _resolve_codings(codings: pd.DataFrame, passages: pd.DataFrame | None,
                     default_user: str) -> list[tuple[str, int, int, str, str, str]]:
    """(transcript_id, start, end, theme, user, note) for every row of ``codings``."""
    if "theme" not in codings.columns:
        raise ValueError("the codings table needs a 'theme' column")
    spans: dict[str, tuple[str, int, int]] = {}
    if passages is not None and len(passages):
        spans = {str(p): (str(t), int(s), int(e)) for p, t, s, e in zip(
            passages["passage_id"], passages["transcript_id"], passages["start"],
            passages["end"], strict=True)}
    user_col = next((c for c in ("user", "coder") if c in codings.columns), None)
    out = []
    for row in codings.to_dict("records"):
        pid = str(row.get("passage_id", "") or "")
        tid = str(row.get("transcript_id", "") or "") or (
            spans[pid][0] if pid in spans else pid.rsplit(":", 1)[0])
        start, end = row.get("start"), row.get("end")
        if start is None or end is None or pd.isna(start) or pd.isna(end):
            if pid not in spans:
                raise ValueError(f"coding {row} has no start/end and its passage "
                                 f"{pid!r} is not in the passages table")
            start, end = spans[pid][1], spans[pid][2]
        if not tid:
            raise ValueError(f"coding {row} names neither a transcript_id nor a passage_id")
        value = row[user_col] if user_col else None
        user = str(value).strip() if isinstance(value, str) and value.strip() else default_user
        note = row.get("note")
        out.append((tid, int(start), int(end), str(row["theme"]), user,
                    note.strip() if isinstance(note, str) else ""))
    return out


def _metadata(row: dict[Hashable, object]) -> dict[str, str]:
    out: dict[str, str] = {}
    raw = row.get("metadata")
    if isinstance(raw, str) and raw.strip():
        loaded = json.loads(raw)
        if isinstance(loaded, dict):
            out.update({str(k): str(v) for k, v in loaded.items() if str(v).strip()})
    for col in METADATA_COLUMNS:
        value = row.get(col)
        if isinstance(value, str) and value.strip():
            out.setdefault(col, value.strip())
    for key in DATE_KEYS:
        if key in out:
            out[key] = iso_date(out[key]) or out[key]
    return out


def project_from_tables(
    transcripts: pd.DataFrame,
    codings: pd.DataFrame,
    *,
    codebook: Codebook | None = None,
    passages: pd.DataFrame | None = None,
    name: str = "tematik",
    default_user: str = TEMATIK_USER,
    created: str = "",
) -> QdaProject:
    """A project from the ``transcripts`` table (transcript_id, text; informant and
    metadata when present) and a ``codings`` table. The cases are the informants, named as
    everywhere else (the ``display`` names of ``passages``, when given; else the header's
    informant, else the transcript id).

    ``codings`` columns: ``theme`` (a theme id), and ``transcript_id`` or ``passage_id``;
    ``start``/``end`` (offsets into the transcript text; taken from ``passages`` when
    missing); optional ``user`` or ``coder`` (default ``default_user``). Manual codings
    go in the same table under their coders' names. An optional ``note`` column is each
    coding's memo (for tematik's codings: the evidence and the score, so a researcher in
    NVivo or ATLAS.ti sees why a passage was coded); ``created`` (ISO 8601, UTC: see
    :func:`iso_datetime`) dates ``default_user``'s codings. Both come back as
    :class:`NotedCoding`. The cases' ``date`` is written in ISO 8601 where it can be read
    (:func:`iso_date`).
    """
    rows = transcripts.to_dict("records")
    people: dict[str, list[str]] = {}  # each transcript's informants by their display names
    if passages is not None and "display" in passages:
        spoken = passages[passages["role"] == "informant"]
        for tid, who in zip(spoken["transcript_id"].astype(str), spoken["display"].astype(str),
                            strict=True):
            if who and who not in people.setdefault(tid, []):
                people[tid].append(who)
    sources: list[Source] = []
    cases_by_name: dict[str, tuple[dict[str, str], list[str]]] = {}
    texts: dict[str, str] = {}
    for row in rows:
        tid, text = str(row["transcript_id"]), str(row["text"])
        guid = stable_guid("source", tid)
        texts[tid] = text
        sources.append(Source(guid, tid, text))
        meta = _metadata(row)
        for case in people.get(tid) or [meta.get("informant") or tid]:
            found = cases_by_name.setdefault(case, ({}, []))
            for key, value in meta.items():
                found[0].setdefault(key, value)
            found[1].append(guid)
    resolved = _resolve_codings(codings, passages, default_user)
    for tid, start, end, theme, *_ in resolved:
        if tid not in texts:
            raise ValueError(f"a coding of theme {theme!r} names transcript {tid!r}, which "
                             "is not in the transcripts table")
        if not 0 <= start <= end <= len(texts[tid]):
            raise ValueError(f"coding {start}-{end} of theme {theme!r} lies outside "
                             f"transcript {tid!r} ({len(texts[tid])} characters)")
    user_names = [default_user, *sorted({r[4] for r in resolved} - {default_user})]
    users = tuple(User(user_guid(u), u, u) for u in user_names)
    codes = codes_from_themes(codebook, (r[3] for r in resolved))
    project_codings = tuple(
        NotedCoding(stable_guid("source", tid), start, end, code_guid(theme), user_guid(user),
                    note=note, created=created if user == default_user else "")
        for tid, start, end, theme, user, note in resolved)
    cases = tuple(Case(stable_guid("case", case), case, variables, tuple(refs))
                  for case, (variables, refs) in cases_by_name.items())
    return QdaProject(name=name, users=users, codes=codes, sources=tuple(sources),
                      codings=project_codings, cases=cases,
                      description=codebook.description if codebook else "")


def codings_frame(project: QdaProject, *, codebook: Codebook | None = None) -> pd.DataFrame:
    """One row per coding; columns in :data:`CODINGS_COLUMNS`.

    ``code_path`` joins the code names from the top with ``/``; ``theme`` is the theme id
    when the code is one tematik wrote (a theme of ``codebook``, or a code named by the
    parts of a dotted id), else empty; ``text`` is the coded text.
    """
    paths: dict[str, tuple[str, ...]] = {}
    for code in project.all_codes():
        paths[code.guid] = (*paths.get(code.parent or "", ()), code.name)
    themes = {code_guid(t.id): t.id for t in (codebook.themes if codebook else ())}
    for guid, parts in paths.items():
        dotted = ".".join(parts)
        if guid not in themes and code_guid(dotted) == guid:
            themes[guid] = dotted
    sources = {s.guid: s for s in project.sources}
    users = {u.guid: u.name for u in project.users}
    rows = []
    for c in project.codings:
        source = sources.get(c.source_guid)
        if source is None:
            continue
        path = paths.get(c.code_guid, (c.code_guid,))
        rows.append({
            "source": source.name, "source_guid": c.source_guid, "code": path[-1],
            "code_path": "/".join(path), "code_guid": c.code_guid,
            "theme": themes.get(c.code_guid, ""), "user": users.get(c.user_guid, c.user_guid),
            "user_guid": c.user_guid, "start": c.start, "end": c.end,
            "text": source.text[c.start : c.end],
        })
    frame = pd.DataFrame(rows, columns=CODINGS_COLUMNS)
    return frame.astype({"start": "int64", "end": "int64"})


def source_metadata(project: QdaProject) -> dict[str, dict[str, str]]:
    """For each source guid: ``case`` (the name of its case) and the variables of its
    cases and of the source itself (the source's own win)."""
    out: dict[str, dict[str, str]] = {s.guid: {} for s in project.sources}
    for case in project.cases:
        for ref in case.source_refs:
            if ref in out:
                out[ref].setdefault("case", case.name)
                for key, value in case.variables.items():
                    out[ref].setdefault(key, value)
    for s in project.sources:
        out[s.guid].update(s.variables)
    return out


def _theme_slug(name: str) -> str:
    norm = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    norm = re.sub(r"[^a-z0-9]+", "_", norm).strip("_")
    return norm if norm[:1].isalpha() else f"kode_{norm}".rstrip("_")


def themes_from_codes(codes: Sequence[Code]) -> tuple[Theme, ...]:
    """Themes for the codes (parents first): ids from the names (``Kualitas Pelayanan``
    under ``Kinerja`` -> ``kinerja.kualitas_pelayanan``), labels the names, definitions the
    descriptions. They carry no keywords: the dictionary coder cannot code them."""
    themes: list[Theme] = []
    used: set[str] = set()

    def walk(level: Sequence[Code], parent: str | None) -> None:
        for code in level:
            base = (f"{parent}." if parent else "") + _theme_slug(code.name)
            tid, n = base, 2
            while tid in used:
                tid, n = f"{base}_{n}", n + 1
            used.add(tid)
            themes.append(Theme(id=tid, label_id=code.name, label_en=code.name,
                                parent=parent, definition=code.description))
            walk(code.children, tid)

    walk(codes, None)
    return tuple(themes)


def codebook_from_codes(codes: Sequence[Code], *, name: str, sha256: str,
                        reference: Codebook | None = None) -> Codebook:
    """A codebook from a REFI-QDA code tree (:func:`themes_from_codes`). A code whose name
    is the label or id of a ``reference`` theme (case ignored) takes that theme's id and
    cues, so a researcher's "Kepemimpinan" or "Kualitas Pelayanan" is coded by tematik's
    dictionary; other codes have no cues (the supervised coder can learn them)."""
    known: dict[str, Theme] = {}
    for theme in reference.themes if reference else ():
        for key in (theme.id, theme.label_id, theme.label_en, theme.id.rsplit(".", 1)[-1]):
            known.setdefault(key.casefold(), theme)
    ids: dict[str, str] = {}
    themes = []
    for theme in themes_from_codes(codes):
        match = known.get(theme.label_id.casefold())
        parent = ids.get(theme.parent or "", theme.parent)
        if match is not None and match.id not in ids.values():
            ids[theme.id] = match.id
            themes.append(replace(match, parent=parent, label_id=theme.label_id,
                                  label_en=theme.label_en,
                                  definition=theme.definition or match.definition))
        else:
            ids[theme.id] = theme.id
            themes.append(replace(theme, parent=parent))
    return Codebook(name, "qdc", tuple(themes), sha256,
                    "Codebook read from a REFI-QDA codebook (.qdc).")
