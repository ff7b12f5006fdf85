"""Ingest: read the researcher's transcript files into transcripts and speaker turns.

The one stage that reads input files. Every transcript keeps its normalised source text
(NFC, ``\\n`` line ends, invisible characters removed); every turn keeps offsets into it such
that ``transcript.text[turn.start:turn.end] == turn.text``.

Formats: ``.txt``/``.md`` (speaker-labelled lines, see :mod:`pipeline.speakers`), ``.docx``
(paragraphs and Speaker | Utterance tables), ``.vtt``/``.srt`` (cues merged into turns),
``.csv``/``.xlsx`` (one row per turn).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import os
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from pipeline import speakers as sp
from pipeline.archive import check_container
from pipeline.errors import InputFileError, UsageError
from pipeline.limits import DEFAULT_INPUT_LIMITS, InputLimits
from pipeline.textdecode import check_length, normalise_text
from pipeline.textdecode import decode as decode_text

__all__ = ["Corpus", "Transcript", "Turn", "decode", "find_files", "ingest", "normalise_text",
           "pick_column", "read_file", "read_files", "read_sheet", "slug", "table_to_turns",
           "transcripts_frame", "turns_frame"]

log = logging.getLogger(__name__)

TEXT_SUFFIXES = frozenset({".txt", ".md"})
SUBTITLE_SUFFIXES = frozenset({".vtt", ".srt"})
TABLE_SUFFIXES = frozenset({".csv", ".xlsx"})
SUPPORTED = TEXT_SUFFIXES | SUBTITLE_SUFFIXES | TABLE_SUFFIXES | {".docx", ".qdpx"}
IGNORED_NAMES = frozenset({"readme.md", "readme.txt", "license", "license.txt", ".ds_store"})

SPEAKER_COLUMNS = ("speaker", "pembicara", "penutur", "nama", "pelaku", "sumber")
TEXT_COLUMNS = ("text", "teks", "ucapan", "utterance", "isi", "transkrip", "kutipan", "jawaban")
TRANSCRIPT_COLUMNS = ("transcript", "transkrip_id", "transcript_id", "wawancara", "dokumen",
                      "informan", "file")
ROLE_COLUMNS = ("role", "peran")
INTERVIEWER_ROLES = frozenset({"interviewer", "peneliti", "pewawancara", "penanya", "p", "q"})



@dataclass(frozen=True)
class Transcript:
    """One interview. ``text`` is the normalised source text all offsets point into."""

    transcript_id: str
    source: str
    format: str
    encoding: str
    sha256: str
    text: str
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Turn:
    """One speaker turn; ``text == transcript.text[start:end]``."""

    transcript_id: str
    turn: int
    speaker: str
    role: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Corpus:
    """What ingest found: transcripts, their turns, and what it had to say about the files."""

    transcripts: tuple[Transcript, ...]
    turns: tuple[Turn, ...]
    warnings: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()


# ----------------------------------------------------------------------------- discovery


def find_files(inputs: Sequence[Path]) -> tuple[list[tuple[Path, str]], list[str]]:
    """Supported files under ``inputs`` (recursive), with the name each is reported by.

    Returns ``(files, warnings)``; unsupported files are skipped with a warning.
    Raises :class:`UsageError` for a missing path, or when nothing usable is found.
    """
    found: list[tuple[Path, str]] = []
    warnings: list[str] = []
    for raw in inputs:
        path = Path(raw)
        if not path.exists():
            raise UsageError(
                f"input not found: {raw}",
                fix="Check the path, or run without INPUT to use corpus/.",
            )
        if path.is_file():
            if path.suffix.lower() not in SUPPORTED:
                warnings.append(f"{raw}: skipped, unsupported file type '{path.suffix}'")
                continue
            found.append((path, str(raw)))
            continue
        if not path.is_dir():
            warnings.append(f"{raw}: skipped, not a regular file or folder (a device or pipe)")
            continue
        seen_dirs: set[Path] = set()
        for sub in sorted(_walk(path, seen_dirs, path, Path(raw), warnings)):
            name = sub.name.lower()
            parts = sub.relative_to(path).parts
            if any(part.startswith((".", "_", "~$")) for part in parts) or name in IGNORED_NAMES:
                continue  # hidden, Office lock files, and files the researcher set aside
            shown = str(Path(raw) / sub.relative_to(path))
            if sub.suffix.lower() in SUPPORTED:
                found.append((sub, shown))
            elif sub.suffix:
                warnings.append(f"{shown}: skipped, unsupported file type '{sub.suffix}'")
    if not found:
        listed = ", ".join(str(p) for p in inputs)
        raise UsageError(
            f"no transcripts found in {listed}",
            fix=f"tematik reads {', '.join(sorted(SUPPORTED))} files.",
        )
    return found, warnings


def _walk(folder: Path, seen: set[Path], top: Path, shown_top: Path,
          warnings: list[str]) -> Iterable[Path]:
    """Regular files under ``folder``; a folder reached twice through symbolic links (a
    loop) is entered once, an unreadable folder is reported and left out."""
    shown = shown_top / folder.relative_to(top)
    try:
        real = folder.resolve(strict=True)
        entries = sorted(folder.iterdir())
    except (OSError, RuntimeError) as exc:
        why = getattr(exc, "strerror", None) or "symbolic link loop"
        warnings.append(f"{shown}: skipped, the folder cannot be read ({why})")
        return
    if real in seen:
        warnings.append(f"{shown}: skipped, a symbolic link back to a folder already read")
        return
    seen.add(real)
    for entry in entries:
        if entry.is_dir():
            yield from _walk(entry, seen, top, shown_top, warnings)
        elif entry.is_file():
            yield entry
        elif entry.is_symlink() and entry.suffix.lower() in SUPPORTED:
            warnings.append(f"{shown_top / entry.relative_to(top)}: skipped, a symbolic link "
                            "that leads nowhere (or to itself)")


# ----------------------------------------------------------------------------- decoding


def decode(data: bytes, path: str) -> tuple[str, str]:
    """Bytes to normalised text: ``(text, encoding)``; see :func:`pipeline.textdecode.decode`."""
    text, encoding, _ = decode_text(data, path)
    return text, encoding


# ----------------------------------------------------------------------------- readers


def ingest(inputs: Sequence[Path], *, interviewer_labels: Iterable[str] = (),
           limits: InputLimits = DEFAULT_INPUT_LIMITS) -> Corpus:
    """Read every supported file under ``inputs``; a bad file is skipped with a warning.

    Raises :class:`UsageError` when no path exists or no file is usable, and
    :class:`InputFileError` when every file failed (the first failure is named).
    """
    files, warnings = find_files(inputs)
    return read_files(files, warnings, interviewer_labels=interviewer_labels, limits=limits)


def read_files(
    files: Sequence[tuple[Path, str]],
    warnings: Sequence[str] = (),
    *,
    interviewer_labels: Iterable[str] = (),
    limits: InputLimits = DEFAULT_INPUT_LIMITS,
) -> Corpus:
    """Read the ``(path, shown name)`` pairs :func:`find_files` returned into a corpus.

    A file that cannot be read is skipped (listed in ``skipped`` with the reason) and the
    others are read; a failure tematik did not foresee is reported the same way, with the
    kind of error, rather than ending the run."""
    warnings = list(warnings)
    interviewers = frozenset(interviewer_labels)
    transcripts: list[Transcript] = []
    turns: list[Turn] = []
    skipped: list[str] = []
    errors: list[InputFileError] = []
    used_ids: set[str] = set()
    ready = _read_ahead(files, interviewers, limits)
    for (path, shown), done in zip(files, ready, strict=True):
        try:
            read = done if done is not None else read_file(path, shown, interviewers,
                                                           limits=limits)
        except InputFileError as exc:
            errors.append(exc)
            skipped.append(str(exc))
            continue
        except (Exception, RecursionError) as exc:  # a reader's failure we did not foresee
            log.debug("reading %s failed", shown, exc_info=True)
            error = InputFileError(
                shown, f"could not be read ({exc.__class__.__name__}: {str(exc)[:200]})",
                fix="Open and save it again in the program that made it; if that does not "
                    "help, report this message to the tematik developers.")
            errors.append(error)
            skipped.append(str(error))
            continue
        for transcript, raw_turns, notes in read:
            tid = _unique_id(transcript.transcript_id, used_ids)
            transcript = replace(transcript, transcript_id=tid)
            transcripts.append(transcript)
            where = transcript.source
            warnings.extend(f"{where}: {note}" for note in notes)
            if not any(t.role == sp.INFORMANT for t in raw_turns):
                warnings.append(f"{where}: no informant turns found; it gives no passages")
            for i, t in enumerate(raw_turns):
                turns.append(Turn(tid, i, t.speaker, t.role, t.start, t.end,
                                  transcript.text[t.start : t.end]))
    if not transcripts and errors:
        raise errors[0]
    log.info("ingested %d transcripts, %d turns", len(transcripts), len(turns))
    return Corpus(tuple(transcripts), tuple(turns), tuple(warnings), tuple(skipped))


# perf (issue 7): with many files, worker processes read them, one per core; results come
# back in file order, and a file that fails in a worker is read again here, so the corpus,
# its warnings and its errors are the same as when reading one file after the other.
PARALLEL_MIN_FILES = 24


def _read_ahead(files: Sequence[tuple[Path, str]], interviewers: frozenset[str],
                limits: InputLimits) -> list[Read | None]:
    from pipeline.parallel import cores, map_in_order

    jobs = cores() if len(files) >= PARALLEL_MIN_FILES else 1
    if jobs <= 1:
        return [None] * len(files)
    return map_in_order(_read_or_none, [(p, s, interviewers, limits) for p, s in files], jobs)


def _read_or_none(task: tuple[Path, str, frozenset[str], InputLimits]) -> Read | None:
    path, shown, interviewers, limits = task
    try:
        return read_file(path, shown, interviewers, limits=limits)
    except Exception:  # read again by the caller, which reports it
        return None


def _unique_id(tid: str, used: set[str]) -> str:
    candidate, n = tid, 2
    while candidate in used:
        candidate = f"{tid}-{n}"
        n += 1
    used.add(candidate)
    return candidate


def slug(name: str) -> str:
    """A transcript id from a file name: lowercase, ASCII-safe, stable."""
    norm = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    norm = re.sub(r"[^A-Za-z0-9]+", "-", norm).strip("-").lower()
    return norm or "transkrip"


Read = list[tuple[Transcript, tuple[sp.RawTurn, ...], tuple[str, ...]]]


def read_file(path: Path, shown: str, interviewers: frozenset[str] = frozenset(), *,
              limits: InputLimits = DEFAULT_INPUT_LIMITS) -> Read:
    """Read one file into one or more transcripts (a table or a .qdpx may hold several).

    ``interviewers``: speaker labels to treat as the interviewer's, beyond the usual ones.
    """
    data = read_bounded(path, shown, limits)
    digest = hashlib.sha256(data).hexdigest()
    suffix = path.suffix.lower()
    fmt = suffix.lstrip(".")
    tid = slug(path.stem)
    if suffix == ".qdpx":
        from pipeline.ingest_qdpx import read_project

        return read_project(path, shown, digest, interviewers, limits)
    if suffix in TABLE_SUFFIXES:
        frame, encoding, notes = _read_table(data, shown, suffix, limits)
        read = [
            (Transcript(slug(f"{tid}-{key}") if key else tid, shown, fmt, encoding, digest,
                        text, {}), turns, notes)
            for key, text, turns in table_to_turns(frame, shown, interviewers)
        ]
        if not read:
            raise InputFileError(shown, "the table has no rows with text",
                                 fix="Fill in the text column, one row per turn.")
        return read
    names: frozenset[str] = frozenset()
    notes = ()
    if suffix == ".docx":
        text, names = docx_to_text(data, shown, limits)
        encoding = "docx"
    else:
        text, encoding, notes = decode_text(data, shown, limits)
        if suffix in SUBTITLE_SUFFIXES:
            text, names = subtitles_to_text(text)
    parsed = sp.parse_turns(text, speakers=names, interviewers=interviewers)
    return [(Transcript(tid, shown, fmt, encoding, digest, text, parsed.metadata),
             parsed.turns, (*notes, *parsed.warnings))]


def read_bounded(path: Path, shown: str, limits: InputLimits = DEFAULT_INPUT_LIMITS) -> bytes:
    """The bytes of ``path``, refused (before reading) when over ``limits.max_file_bytes``."""
    try:
        with Path(path).open("rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if size > limits.max_file_bytes:
                raise InputFileError(
                    shown, f"the file is {size:,} bytes, more than the limit of "
                    f"{limits.max_file_bytes:,}",
                    fix="Split it, or raise InputLimits.max_file_bytes (pipeline/limits.py).")
            return fh.read(limits.max_file_bytes + 1)
    except OSError as exc:
        raise InputFileError(shown, f"cannot be read ({exc.strerror})",
                             fix="Check the file's permissions.") from exc


_TIMING_RE = re.compile(r"^\s*(\d{1,2}:)?\d{1,2}:\d{2}[.,]\d{1,3}\s*-->\s*")
_VOICE_RE = re.compile(r"<v(?:\.[\w.-]+)?\s+([^>]+)>")
_TAG_RE = re.compile(r"</?[^>\n]{1,40}>")


def subtitles_to_text(raw: str) -> tuple[str, frozenset[str]]:
    """WebVTT/SRT cues to labelled lines; consecutive cues of one voice become one turn."""
    lines_out: list[str] = []
    voices: set[str] = set()
    current: str | None = None
    blocks = re.split(r"\n\s*\n", raw)
    for block in blocks:
        rows = block.strip("\n").split("\n")
        timing = next((i for i, row in enumerate(rows) if _TIMING_RE.match(row)), None)
        if timing is None:
            continue
        cue = " ".join(row.strip() for row in rows[timing + 1 :] if row.strip())
        voice = _VOICE_RE.search(cue)
        cue = " ".join(_TAG_RE.sub("", cue).split())
        if not cue:
            continue
        if voice:
            name = " ".join(voice.group(1).split())
            voices.add(name)
            if name != current:
                lines_out.append(f"{name}: {cue}")
                current = name
                continue
        else:
            label = sp.LINE_LABEL_RE.match(cue)
            if label:
                # A speaker named at the start of a cue: trusted like a voice tag.
                current = None
                voices.add(sp.clean_label(label.group("label")))
        lines_out.append(cue)
    return "\n".join(lines_out) + "\n", frozenset(voices)


_WORD_FIX = "Open it in Word or LibreOffice and save it again as .docx."
_EXCEL_FIX = "Open it in Excel or LibreOffice and save it again as .xlsx."


def docx_to_text(data: bytes, shown: str,
                 limits: InputLimits = DEFAULT_INPUT_LIMITS) -> tuple[str, frozenset[str]]:
    """Body paragraphs and tables of a Word file, in order, as labelled lines.

    Headers, footers and page numbers live outside the body and are ignored. A table of
    two or more columns is read as Speaker | Utterance rows. The file passes the archive
    checks of :func:`pipeline.archive.check_container` (sizes, ratios, paths, no DTD)
    before python-docx opens it.
    """
    import docx
    from docx.table import Table

    check_container(data, shown, what="Word file", fix=_WORD_FIX, limits=limits.archive)
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InputFileError(
            shown, f"not a readable Word file ({exc.__class__.__name__})",
            fix="Open it in Word or LibreOffice and save it again as .docx.",
        ) from exc
    except Exception as exc:  # python-docx raises its own PackageNotFoundError, lxml errors
        raise InputFileError(
            shown, f"not a readable Word file ({exc.__class__.__name__}: {exc})",
            fix="Open it in Word or LibreOffice and save it again as .docx.",
        ) from exc
    out: list[str] = []
    names: set[str] = set()
    for block in document.iter_inner_content():
        if not isinstance(block, Table):
            out.append(block.text)
            continue
        for row in block.rows:
            cells, seen = [], set()
            for cell in row.cells:
                if id(cell._tc) not in seen:
                    seen.add(id(cell._tc))
                    cells.append(cell.text.strip())
            if len(cells) < 2:
                out.extend(cells)
                continue
            who, said = cells[0], "\n".join(c for c in cells[1:] if c)
            if who.lower() in SPEAKER_COLUMNS or not said:
                continue
            who = sp.clean_label(who)
            if who and len(who) <= 80:
                names.add(who)
                out.append(f"{who}: {said}")
            else:
                out.append(said)
    text = normalise_text("\n".join(out)) + "\n"
    check_length(text, shown, limits)
    if not text.strip():
        raise InputFileError(shown, "the Word file has no text", fix=_WORD_FIX)
    return text, frozenset(names)


def _read_table(data: bytes, shown: str, suffix: str,
                limits: InputLimits = DEFAULT_INPUT_LIMITS
                ) -> tuple[pd.DataFrame, str, tuple[str, ...]]:
    """A sheet as a DataFrame of strings: ``(frame, encoding, notes)``."""
    notes: tuple[str, ...] = ()
    if suffix == ".xlsx":
        check_container(data, shown, what="Excel workbook", fix=_EXCEL_FIX,
                        limits=limits.archive)
        try:
            frame = pd.read_excel(io.BytesIO(data), dtype=str, keep_default_na=False,
                                  nrows=limits.max_table_rows + 1)
        except Exception as exc:  # openpyxl raises many kinds for a bad workbook
            raise InputFileError(
                shown, f"not a readable Excel workbook ({exc.__class__.__name__})",
                fix=_EXCEL_FIX,
            ) from exc
        encoding = "xlsx"
    else:
        text, encoding, notes = decode_text(data, shown, limits)
        header = text.split("\n", 1)[0]
        sep = max(",;\t", key=header.count)  # Excel in Indonesian locales writes ';'
        if not header.count(sep):
            sep = "\x1f"  # one column: a comma inside a quote is not a separator
        try:
            frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False,
                                nrows=limits.max_table_rows + 1)
        except (pd.errors.ParserError, csv.Error, pd.errors.EmptyDataError) as exc:
            found = re.search(r"(line|row) (\d+)", str(exc))
            line = None
            if found:  # pandas counts rows from 0 with the header as row 0
                line = int(found.group(2)) + (found.group(1) == "row")
            raise InputFileError(
                shown, f"malformed CSV ({str(exc).splitlines()[0]})", line=line,
                fix="Check the quotes on that line (a quote opened and never closed "
                    "swallows the rest of the file), or save the sheet again as CSV (UTF-8).",
            ) from exc
        if not isinstance(frame.index, pd.RangeIndex):  # rows longer than the header
            raise InputFileError(
                shown, f"more fields than the header ({len(frame.columns)} "
                "columns); a separator inside a text is probably not quoted", line=2,
                fix=f"Put texts that contain '{sep}' in double quotes, or save the sheet "
                "again as CSV (UTF-8) from Excel or LibreOffice.")
    if len(frame) > limits.max_table_rows:
        raise InputFileError(
            shown, f"the table has more than {limits.max_table_rows:,} rows, the limit",
            fix="Split it, or raise InputLimits.max_table_rows (pipeline/limits.py).")
    return frame, encoding, notes


def read_sheet(path: Path) -> pd.DataFrame:
    """A researcher's spreadsheet (.csv in any common encoding and separator, or .xlsx) as
    a DataFrame of strings. Raises :class:`InputFileError` naming the file."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".tsv", ".xlsx"):
        raise InputFileError(path, f"expected a .csv or .xlsx file, got '{suffix or path.name}'",
                             fix="Save the sheet as CSV (UTF-8) or as an Excel .xlsx workbook.")
    return _read_table(read_bounded(path, str(path)), str(path), suffix)[0]


def pick_column(frame: pd.DataFrame, name: str, shown: Path | str, *, option: str) -> str:
    """The column of ``frame`` called ``name`` (case and spaces ignored), or an error that
    lists the columns there are."""
    found = find_column(frame, [name.strip().lower()])
    if found is None:
        have = ", ".join(repr(str(c)) for c in frame.columns) or "none"
        raise InputFileError(shown, f"has no column {name!r} (its columns: {have})",
                             fix=f"Give the right column name with {option}.")
    return found


def find_column(frame: pd.DataFrame, names: Sequence[str]) -> str | None:
    """The first column of ``frame`` called one of ``names`` (lowercase; the column's
    name compared without case or surrounding spaces), or None."""
    lowered = {str(c).strip().lower(): str(c) for c in frame.columns}
    for name in names:
        if name in lowered:
            return lowered[name]
    return None


def table_to_turns(
    frame: pd.DataFrame, shown: str, interviewers: frozenset[str] = frozenset()
) -> list[tuple[str, str, tuple[sp.RawTurn, ...]]]:
    """Rows of (speaker, text) to composed transcripts: ``[(key, text, turns)]``."""
    text_col = find_column(frame, TEXT_COLUMNS)
    speaker_col = find_column(frame, SPEAKER_COLUMNS)
    if text_col is None or speaker_col is None:
        missing = "text" if text_col is None else "speaker"
        present = ", ".join(str(c) for c in frame.columns) or "(none)"
        wanted = TEXT_COLUMNS if text_col is None else SPEAKER_COLUMNS
        raise InputFileError(
            shown, f"no {missing} column; the columns present are: {present}",
            fix=f"Name the {missing} column one of: {', '.join(wanted)}.",
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
            role = sp.INTERVIEWER if value in INTERVIEWER_ROLES else sp.INFORMANT
        who = " ".join(normalise_text(str(row[speaker_col])).split())
        rows = groups.setdefault(key, [])
        if not who and rows:  # an empty (or merged) speaker cell: the speaker goes on
            who, role = rows[-1][0], role or rows[-1][1]
        rows.append((who, role, said))
    single = len(groups) == 1
    return [("" if single else key, *compose_turns(rows, interviewers))
            for key, rows in groups.items()]


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
    declared = {sp.label_core(lab): sp.INTERVIEWER for lab in interviewers}
    guessed = sp.assign_roles([lab for lab, _ in labelled], sp.question_share(labelled),
                              declared)
    turns = tuple(
        sp.RawTurn(who or "Informan", role or guessed.get(who, sp.INFORMANT), start, end)
        for who, role, start, end in spans
    )
    return text, turns


def transcripts_frame(transcripts: Sequence[Transcript], turns: Sequence[Turn]) -> pd.DataFrame:
    """The ``transcripts`` table.

    Columns: transcript_id, source, format, encoding, sha256, informant, role, unit, date,
    place, metadata (JSON of every header field), n_turns, n_informant_turns, text.
    """
    n_turns: dict[str, int] = {}
    n_inf: dict[str, int] = {}
    for t in turns:
        n_turns[t.transcript_id] = n_turns.get(t.transcript_id, 0) + 1
        n_inf[t.transcript_id] = n_inf.get(t.transcript_id, 0) + (t.role == sp.INFORMANT)
    rows = [
        {
            "transcript_id": t.transcript_id, "source": t.source, "format": t.format,
            "encoding": t.encoding, "sha256": t.sha256,
            **{k: t.metadata.get(k, "") for k in ("informant", "role", "unit", "date", "place")},
            "metadata": json.dumps(t.metadata, ensure_ascii=False, sort_keys=True),
            "n_turns": n_turns.get(t.transcript_id, 0),
            "n_informant_turns": n_inf.get(t.transcript_id, 0),
            "text": t.text,
        }
        for t in transcripts
    ]
    columns = ["transcript_id", "source", "format", "encoding", "sha256", "informant", "role",
               "unit", "date", "place", "metadata", "n_turns", "n_informant_turns", "text"]
    return pd.DataFrame(rows, columns=columns)


def turns_frame(turns: Sequence[Turn]) -> pd.DataFrame:
    """The ``turns`` table. Columns: transcript_id, turn, speaker, role, start, end, text."""
    columns = ["transcript_id", "turn", "speaker", "role", "start", "end", "text"]
    return pd.DataFrame([t.__dict__ for t in turns], columns=columns)
