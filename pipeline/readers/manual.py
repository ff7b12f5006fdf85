"""Manual coding in: a researcher's coded segments placed on a run's transcripts.

Reads a CSV/XLSX sheet with one row per coded segment (a transcript column, a code column
and either a passage id, start/end character offsets, or the quoted text) or a REFI-QDA
project (.qdpx) exported by NVivo, ATLAS.ti, MAXQDA or QualCoder, and returns
:class:`ManualCoding`: every segment as character offsets into the run's transcript texts.

Quotes are found tolerantly: case, whitespace, punctuation and quote marks are ignored, an
ellipsis (``...``) in a quote stands for omitted words, and a quote that differs in a few
words (a filler dropped, a word corrected) is accepted when at least ``min_similarity`` of
it matches. Quotes that cannot be placed are reported with the closest passage found.
Sheets are checked before they are read by :func:`pipeline.readers.sheets.read_user_sheet`;
a MAPPING sheet maps the researcher's codes to the codebook's themes (:func:`map_codes`).
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.errors import InputFileError
from pipeline.readers.decode import normalise_map
from pipeline.readers.formats import find_column, slug
from pipeline.readers.qdpx import read_qdpx
from pipeline.readers.qdpx_tables import codings_frame as qdpx_codings
from pipeline.readers.sheets import CODE_NAMES, QUOTE_NAMES, read_user_sheet
from pipeline.types import Codebook

SEGMENT_COLUMNS = ["transcript_id", "code", "coder", "start", "end", "located_by",
                   "similarity", "row"]
TRANSCRIPT_NAMES = ("transcript", "transkrip", "transcript_id", "file", "source", "document",
                    "dokumen", "sumber", "informan", "informant")
PASSAGE_NAMES = ("passage_id", "passage", "petikan_id")
CODER_NAMES = ("coder", "pengode", "user", "koder", "researcher", "peneliti")
_ELLIPSIS_RE = re.compile(r"\.{3,}|…|\[\s*\.+\s*\]|\(\s*\.+\s*\)")
_WORD_RE = re.compile(r"\w+")


@dataclass(frozen=True)
class Unlocated:
    """A quote that could not be placed: where it came from and the closest text found."""

    row: int
    transcript_id: str
    code: str
    quote: str
    closest: str
    similarity: float


JUDGED_COLUMNS = ["coder", "transcript_id", "passage_id"]


@dataclass(frozen=True)
class ManualCoding:
    """Segments (columns :data:`SEGMENT_COLUMNS`; ``row`` is the sheet line), problems, and
    what each coder judged: ``judged`` (columns :data:`JUDGED_COLUMNS`) has a row for every
    transcript a coder's rows name (placed or not), and, for a row that names a passage by
    its id, that passage (``passage_id``; "" for a row found by quote or offsets). A row
    naming a passage with no code says the coder judged it to hold no theme."""

    segments: pd.DataFrame
    unlocated: tuple[Unlocated, ...] = ()
    warnings: tuple[str, ...] = ()
    coders: tuple[str, ...] = field(default=())
    judged: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=JUDGED_COLUMNS))


# -- locating quotes ------------------------------------------------------------------------


class TextIndex:
    """A transcript reduced to lowercase letters and digits, with the offset of each kept
    character in the original text, so a quote can be found whatever its spacing,
    punctuation or case."""

    def __init__(self, text: str) -> None:
        self.text = text
        kept = [(i, ch) for i, ch in enumerate(text.casefold()) if ch.isalnum()]
        self.flat = "".join(ch for _, ch in kept)
        self.offsets = np.array([i for i, _ in kept], dtype=np.int64)
        words = [(m.start(), m.end(), m.group().casefold()) for m in _WORD_RE.finditer(text)]
        self.word_starts = [s for s, _, _ in words]
        self.word_ends = [e for _, e, _ in words]
        self.words = [w for _, _, w in words]

    def exact(self, fragment: str, after: int = 0) -> tuple[int, int] | None:
        """(start, end) in the original text of ``fragment``'s first occurrence at or after
        original offset ``after``, ignoring everything but letters and digits."""
        flat = "".join(ch for ch in fragment.casefold() if ch.isalnum())
        if not flat:
            return None
        begin = int(np.searchsorted(self.offsets, after))
        i = self.flat.find(flat, begin)
        if i < 0:
            return None
        return int(self.offsets[i]), int(self.offsets[i + len(flat) - 1]) + 1

    def closest(self, quote: str) -> tuple[int, int, float]:
        """The window of words most like ``quote``: (start, end, similarity 0..1)."""
        target = [w.casefold() for w in _WORD_RE.findall(quote)]
        n = len(target)
        if not n or not self.words:
            return 0, 0, 0.0
        wanted = Counter(target)
        best: list[tuple[int, int]] = []
        window: Counter[str] = Counter(self.words[:n])
        for i in range(max(1, len(self.words) - n + 1)):
            if i:
                window[self.words[i - 1]] -= 1
                if i + n - 1 < len(self.words):
                    window[self.words[i + n - 1]] += 1
            best.append((sum((window & wanted).values()), i))
        best.sort(key=lambda b: (-b[0], b[1]))
        top = (0, 0, 0.0)
        joined = " ".join(target)
        for _, i in best[:5]:
            for size in (n - 2, n, n + 2):
                j = min(len(self.words), i + max(1, size))
                ratio = SequenceMatcher(None, joined, " ".join(self.words[i:j]),
                                        autojunk=False).ratio()
                if ratio > top[2]:
                    top = (self.word_starts[i], self.word_ends[j - 1], ratio)
        return top

    def locate(self, quote: str, min_similarity: float) -> tuple[int, int, str, float]:
        """(start, end, how, similarity) of ``quote``; how is ``quote``, ``fuzzy`` or ``""``
        (not placed: start/end are then the closest window)."""
        fragments = [f for f in _ELLIPSIS_RE.split(quote) if any(c.isalnum() for c in f)]
        spans: list[tuple[int, int]] = []
        cursor = 0
        for fragment in fragments:
            span = self.exact(fragment, cursor)
            if span is None:
                break
            spans.append(span)
            cursor = span[1]
        if fragments and len(spans) == len(fragments):
            return spans[0][0], spans[-1][1], "quote", 1.0
        start, end, ratio = self.closest(quote)
        return start, end, ("fuzzy" if ratio >= min_similarity else ""), round(ratio, 3)


# -- reading manual codings ------------------------------------------------------------------

def transcript_lookup(transcripts: pd.DataFrame) -> dict[str, str]:
    """Every name a researcher may use for a transcript (id, file name, file stem, slug of
    either, case ignored) -> transcript id."""
    names: dict[str, str] = {}
    for tid, source in zip(transcripts["transcript_id"], transcripts["source"], strict=True):
        path = Path(str(source))
        for name in (tid, path.name, path.stem, slug(path.stem), slug(path.name)):
            names.setdefault(str(name).casefold(), str(tid))
    return names


def read_manual_sheet(
    path: Path,
    transcripts: pd.DataFrame,
    passages: pd.DataFrame,
    *,
    min_similarity: float = 0.8,
    default_coder: str = "manual",
) -> ManualCoding:
    """Read a CSV/XLSX manual coding and place each row on the run's transcripts.

    Columns (names matched without case; Indonesian names accepted): transcript, code, and
    one of passage_id, start+end, quote; optionally coder. A cell with several codes
    separated by ``;`` gives one segment per code. A row naming a passage with no code is a
    passage judged to hold no theme (``judged``). Rows naming a transcript or passage the
    run does not have, or with nothing to place, are skipped with a warning naming their
    lines. Raises :class:`InputFileError` for a sheet without the columns needed, with
    offsets outside a transcript, or with no row the run has.
    """
    frame = read_user_sheet(path, what="manual coding", rows="one row per coded segment")
    t_col, c_col = find_column(frame, TRANSCRIPT_NAMES), find_column(frame, CODE_NAMES)
    q_col, p_col = find_column(frame, QUOTE_NAMES), find_column(frame, PASSAGE_NAMES)
    s_col = find_column(frame, ("start", "mulai", "awal"))
    e_col = find_column(frame, ("end", "akhir", "selesai"))
    coder_col = find_column(frame, CODER_NAMES)
    have = ", ".join(repr(str(c)) for c in frame.columns) or "none"
    if c_col is None:
        raise InputFileError(path, f"no code column (its columns: {have})",
                             fix="Name the column with the codes 'code' (or 'kode').")
    if p_col is None and t_col is None:
        raise InputFileError(path, f"no transcript column (its columns: {have})",
                             fix="Add a 'transcript' column with the transcript's file name.")
    if p_col is None and q_col is None and (s_col is None or e_col is None):
        raise InputFileError(path, f"no passage_id, start/end or quote column (its columns: "
                             f"{have})", fix="Add a 'quote' column with the coded text, or "
                             "'start' and 'end' character offsets, or a 'passage_id'.")
    names = transcript_lookup(transcripts)
    texts = dict(zip(transcripts["transcript_id"], transcripts["text"], strict=True))
    spans = {pid: (str(t), int(s), int(e)) for pid, t, s, e in zip(
        passages["passage_id"], passages["transcript_id"], passages["start"], passages["end"],
        strict=True)}
    indexes: dict[str, TextIndex] = {}
    rows: list[tuple[str, str, str, int, int, str, float, int]] = []
    judged: list[tuple[str, str, str]] = []
    unlocated: list[Unlocated] = []
    unknown: dict[tuple[str, str], list[int]] = {}  # (what, name) -> lines
    empty: list[int] = []
    for n, record in enumerate(frame.to_dict("records"), start=2):
        codes = [c.strip() for c in str(record[c_col]).split(";") if c.strip()]
        coder = str(record[coder_col]).strip() if coder_col and str(record[coder_col]).strip() \
            else default_coder
        pid = str(record[p_col]).strip() if p_col else ""
        if pid:
            if pid not in spans:
                unknown.setdefault(("passage", pid), []).append(n)
                continue
            tid, start, end = spans[pid]
            judged.append((coder, tid, pid))
            rows += [(tid, c, coder, start, end, "passage_id", 1.0, n) for c in codes]
            continue
        if not codes:
            continue
        raw_tid = str(record[t_col]).strip() if t_col else ""
        tid = names.get(raw_tid.casefold(), "")
        if not tid:
            unknown.setdefault(("transcript", raw_tid), []).append(n)
            continue
        text = texts[tid]
        if s_col and e_col and str(record[s_col]).strip() and str(record[e_col]).strip():
            try:
                start, end = int(float(record[s_col])), int(float(record[e_col]))
            except ValueError:
                raise InputFileError(path, "start/end are not whole numbers", line=n,
                                     fix="Write character offsets as whole numbers.") from None
            if not 0 <= start < end <= len(text):
                raise InputFileError(path, f"offsets {start}-{end} are outside the transcript "
                                     f"({len(text)} characters)", line=n,
                                     fix="Check that the offsets count characters of this "
                                     "transcript's text.")
            judged.append((coder, tid, ""))
            rows += [(tid, c, coder, start, end, "offsets", 1.0, n) for c in codes]
            continue
        quote = str(record[q_col]).strip() if q_col else ""
        if not quote:
            empty.append(n)
            continue
        judged.append((coder, tid, ""))
        index = indexes.get(tid) or indexes.setdefault(tid, TextIndex(text))
        start, end, how, ratio = index.locate(quote, min_similarity)
        if not how:
            unlocated += [Unlocated(n, tid, c, quote, " ".join(text[start:end].split()), ratio)
                          for c in codes]
            continue
        rows += [(tid, c, coder, start, end, how, ratio, n) for c in codes]
    warnings = [_unknown_warning(path, what, name, lines, transcripts, list(spans))
                for (what, name), lines in unknown.items()]
    if empty:
        warnings.append(f"{path}, {_lines(empty)}: a code but no quote, offsets or passage id "
                        "to place it, so skipped. Fill in the coded text in the "
                        f"{q_col or 'quote'!r} column.")
    if not judged:
        named = [f"{what} {name!r} on {_lines(lines)}" for (what, name), lines in
                 unknown.items() if name][:5]
        known = ", ".join(sorted(transcripts["transcript_id"].astype(str))[:8])
        raise InputFileError(
            path, f"none of the transcripts or passages it names is in this run "
            f"({', '.join(named)})" if named else "no row has a code with a transcript and "
            "a quote, offsets or passage id to place it",
            fix=f"Check that the coding belongs to this run (its transcripts: {known}) and "
            "name each transcript by its file name or id.")
    segments = pd.DataFrame(rows, columns=SEGMENT_COLUMNS)
    return ManualCoding(segments, tuple(unlocated), tuple(warnings),
                        tuple(dict.fromkeys(segments["coder"])),
                        pd.DataFrame(judged, columns=JUDGED_COLUMNS).drop_duplicates())


def _lines(lines: Sequence[int]) -> str:
    shown = ", ".join(map(str, lines[:10])) + (f" and {len(lines) - 10} more"
                                                 if len(lines) > 10 else "")
    return f"line{'s' if len(lines) > 1 else ''} {shown}"


def _unknown_warning(path: Path, what: str, name: str, lines: Sequence[int],
                     transcripts: pd.DataFrame, passage_ids: Sequence[str]) -> str:
    """The warning for rows naming a transcript or passage the run does not have: which
    lines, and the closest name the run has."""
    if what == "transcript":
        known = sorted(transcripts["transcript_id"].astype(str))
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.5)
        hint = (f"Did you mean '{close[0]}'? Use a transcript's file name or id, as in the "
                "run's transcripts.csv." if close else "Use a transcript's file name or id "
                f"(e.g. {', '.join(known[:8])}).")
    else:
        close = difflib.get_close_matches(name, list(passage_ids), n=1, cutoff=0.8)
        hint = (f"Did you mean '{close[0]}'? " if close else "") + (
            "Use passage ids from the run's passages.csv.")
    label = f"{what} {name!r} is not in this run" if name else f"no {what} named"
    skipped = "these rows were" if len(lines) > 1 else "the row was"
    return f"{path}, {_lines(lines)}: {label}, so {skipped} skipped. {hint}"


def read_mapping(path: Path) -> dict[str, str]:
    """A MAPPING sheet: columns ``code`` and ``theme`` (many codes may map to one theme)."""
    frame = read_user_sheet(path, what="mapping", rows="one row per code (code,theme)",
                            option="--map")
    c_col = find_column(frame, (*CODE_NAMES[:2], "manual"))
    t_col = find_column(frame, ("theme", "tema"))
    if c_col is None or t_col is None or c_col == t_col:
        have = ", ".join(repr(str(c)) for c in frame.columns) or "none"
        raise InputFileError(path, f"a mapping needs columns 'code' and 'theme' (its columns: "
                             f"{have})", fix="Write one row per manual code: code,theme.")
    return {str(c).strip().casefold(): str(t).strip()
            for c, t in zip(frame[c_col], frame[t_col], strict=True) if str(c).strip()}


def map_codes(codes: pd.Series, mapping: Mapping[str, str], themes: Sequence[str]) -> pd.Series:
    """Theme id for each manual code: the mapping (by the full code path, then each parent
    from the nearest up), else the code itself when it is a theme id or label, else ""."""
    ids = {t.casefold(): t for t in themes}

    def one(code: str) -> str:
        parts = [p for p in re.split(r"[/\\>]", code) if p.strip()] or [code]
        for k in range(len(parts), 0, -1):
            key = "/".join(p.strip() for p in parts[:k]).casefold()
            leaf = parts[k - 1].strip().casefold()
            for candidate in (key, leaf):
                if candidate in mapping:
                    return mapping[candidate]
                if candidate in ids:
                    return ids[candidate]
        return ""

    return codes.astype(str).map(one)


def read_manual_qdpx(path: Path, transcripts: pd.DataFrame, codebook: Codebook | None = None,
                     *, min_similarity: float = 0.8) -> ManualCoding:
    """The codings of a REFI-QDA project, placed on the run's transcripts.

    A source is matched to a transcript by name (file name or stem, case ignored); a source
    whose text equals the transcript's keeps its offsets; a source whose normalised text
    (:func:`pipeline.readers.decode.normalise_text`, as ``tematik run PROJECT.qdpx`` makes it)
    equals the transcript's has its offsets carried over by
    :func:`pipeline.readers.decode.normalise_map`; otherwise each coded stretch is found in
    the transcript by its text (as :func:`read_manual_sheet` finds quotes). The code
    is the theme id for codes tematik wrote, else the code path (``Parent/Child``); the
    coder is the coding's user.
    """
    project = read_qdpx(path)
    frame = qdpx_codings(project, codebook=codebook)
    names = transcript_lookup(transcripts)
    texts = dict(zip(transcripts["transcript_id"], transcripts["text"], strict=True))
    sources = {s.name: s for s in project.sources}
    warnings = list(project.warnings)
    rows: list[tuple[str, str, str, int, int, str, float, int]] = []
    unlocated: list[Unlocated] = []
    missing: set[str] = set()
    indexes: dict[str, TextIndex] = {}
    maps: dict[str, np.ndarray | None] = {}
    judged: list[tuple[str, str, str]] = []
    for n, rec in enumerate(frame.to_dict("records"), start=1):
        name = str(rec["source"])
        tid = names.get(name.casefold()) or names.get(Path(name).stem.casefold(), "")
        if not tid:
            missing.add(name)
            continue
        judged.append((str(rec["user"]), tid, ""))
        code = str(rec["theme"] or rec["code_path"])
        source = sources.get(name)
        start, end = int(rec["start"]), int(rec["end"])
        if source is not None and source.text == texts[tid]:
            rows.append((tid, code, str(rec["user"]), start, end, "offsets", 1.0, n))
            continue
        if source is not None:
            if name not in maps:
                normalised, positions = normalise_map(source.text)
                maps[name] = positions if normalised == texts[tid] else None
            moved = maps[name]
            if moved is not None:
                rows.append((tid, code, str(rec["user"]), int(moved[start]), int(moved[end]),
                             "offsets", 1.0, n))
                continue
        index = indexes.get(tid) or indexes.setdefault(tid, TextIndex(texts[tid]))
        s, e, how, ratio = index.locate(str(rec["text"]), min_similarity)
        if how:
            rows.append((tid, code, str(rec["user"]), s, e, how, ratio, n))
        else:
            unlocated.append(Unlocated(n, tid, code, str(rec["text"]),
                                       " ".join(texts[tid][s:e].split()), ratio))
    if missing:
        warnings.append(f"{path}: sources not among the run's transcripts, so their codings "
                        f"were skipped: {', '.join(sorted(missing))}. Name each source like "
                        "a transcript of the run (its file name)")
    segments = pd.DataFrame(rows, columns=SEGMENT_COLUMNS)
    return ManualCoding(segments, tuple(unlocated), tuple(warnings),
                        tuple(dict.fromkeys(segments["coder"])),
                        pd.DataFrame(judged, columns=JUDGED_COLUMNS).drop_duplicates())
