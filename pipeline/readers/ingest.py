"""Ingest: read the researcher's transcript files into transcripts and speaker turns.

The one stage that reads input files. Every transcript keeps its normalised source text
(NFC, ``\\n`` line ends, invisible characters removed); every turn keeps offsets into it such
that ``transcript.text[turn.start:turn.end] == turn.text``.

Formats: ``.txt``/``.md`` (speaker-labelled lines, see :mod:`pipeline.stages.speakers`), ``.docx``
(paragraphs, Speaker | Utterance tables and question | answer tables), ``.vtt``/``.srt``
(cues merged into turns), read by :mod:`pipeline.readers.formats`; ``.json`` (whisper and
WhisperX) by :mod:`pipeline.readers.whisper`; ``.csv``/``.xlsx`` (one row per turn, or per
question and answer) by :mod:`pipeline.readers.tables`; ``.qdpx`` by
:mod:`pipeline.readers.qdpx_sources`. Text pasted from a PDF loses its line numbers and page
footers first (:func:`pipeline.stages.layout.clean_layout`); every transcript's speakers get
their display names (:func:`pipeline.stages.persons.resolve_persons`), with the rows of a
speakers file (:mod:`pipeline.readers.speakers_file`) when one is given.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

import pandas as pd

from pipeline.config import PARALLEL_MIN_FILES
from pipeline.errors import InputFileError, UsageError
from pipeline.limits import DEFAULT_INPUT_LIMITS, InputLimits
from pipeline.readers.decode import decode as decode_text
from pipeline.readers.decode import normalise_text
from pipeline.readers.formats import (
    docx_to_text,
    read_bounded,
    read_table,
    slug,
    subtitles_to_text,
)
from pipeline.readers.speakers_file import SPEAKERS_FILE_RE
from pipeline.readers.tables import table_to_turns
from pipeline.readers.whisper import whisper_to_text
from pipeline.stages import speakers as sp
from pipeline.stages.labels import label_key
from pipeline.stages.layout import clean_layout
from pipeline.stages.persons import header_people, resolve_persons
from pipeline.types import INFORMANT, Corpus, SpeakerMap, Transcript, Turn

__all__ = ["Corpus", "Transcript", "Turn", "decode", "find_files", "ingest", "normalise_text",
           "read_file", "read_files", "slug", "transcripts_frame", "turns_frame"]

log = logging.getLogger(__name__)

TEXT_SUFFIXES = frozenset({".txt", ".md"})
SUBTITLE_SUFFIXES = frozenset({".vtt", ".srt"})
TABLE_SUFFIXES = frozenset({".csv", ".xlsx"})
SUPPORTED = TEXT_SUFFIXES | SUBTITLE_SUFFIXES | TABLE_SUFFIXES | {".docx", ".qdpx", ".json"}
NO_INFORMANT_WARNING = "no informant turns found"
"""Words of the warning on a transcript without informant speech (``tematik turns`` flags
it)."""
IGNORED_NAMES = frozenset({"readme.md", "readme.txt", "license", "license.txt", ".ds_store"})









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
            raise UsageError(f"input not found: {raw}",
                             fix="Check the path of the transcripts (a file or a folder).")
        if path.is_file():
            if SPEAKERS_FILE_RE.search(path.name):
                warnings.append(f"{raw}: skipped, a speakers file (not a transcript); give it "
                                "with --speakers to use it")
                continue
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
            if SPEAKERS_FILE_RE.search(name):
                warnings.append(f"{shown}: skipped, a speakers file (not a transcript); give "
                                "it with --speakers to use it")
            elif sub.suffix.lower() in SUPPORTED:
                found.append((sub, shown))
            elif sub.suffix:
                warnings.append(f"{shown}: skipped, unsupported file type '{sub.suffix}'")
    if not found:
        raise _nothing_found(inputs, warnings)
    return found, warnings


# What to do with a file tematik does not read: (what it is, how to make it readable).
_CONVERT = {
    ".pdf": ("a PDF", "open a PDF in Word or LibreOffice and save it as .docx, or copy its "
             "text into a .txt file"),
    ".doc": ("an old Word file", "open a .doc in Word or LibreOffice and save it as .docx"),
    ".rtf": ("a rich-text file", "open an .rtf in Word or LibreOffice and save it as .docx"),
    ".odt": ("a LibreOffice document", "save an .odt as .docx from LibreOffice"),
    ".pages": ("a Pages document", "export a Pages document as Word (.docx)"),
    ".xls": ("an old Excel workbook", "save an .xls as .xlsx"),
    ".ods": ("a LibreOffice sheet", "save an .ods as .xlsx"),
    ".tsv": ("a tab-separated table", "save a .tsv as .csv or .xlsx"),
    ".html": ("a web page", "save a web page's text as .txt"),
    ".htm": ("a web page", "save a web page's text as .txt"),
}
_AUDIO = frozenset({".mp3", ".m4a", ".wav", ".ogg", ".opus", ".aac", ".flac", ".mp4", ".mkv",
                    ".webm", ".mov", ".amr"})
_TRANSCRIBE = ("a recording", "transcribe a recording first (tematik reads Whisper and "
               "WhisperX .json, and .vtt/.srt subtitles)")


def _nothing_found(inputs: Sequence[Path], warnings: Sequence[str]) -> UsageError:
    """The error for inputs that hold no transcript: the files seen that tematik does not
    read, each named with what it is and how to convert it, or why nothing was found."""
    listed = ", ".join(str(p) for p in inputs)
    reads = f"Files tematik reads: {', '.join(sorted(SUPPORTED))}."
    marker = ": skipped, unsupported file type "
    unread = [w.split(marker)[0] for w in warnings if marker in w]
    if not unread:
        others = "; ".join(warnings[:3])
        return UsageError(f"no transcripts found in {listed}"
                          + (f" ({others})" if others else ""),
                          fix=f"Put the transcripts there, or give the folder that holds them. "
                          f"{reads}")
    named: list[str] = []
    advice: dict[str, None] = {}  # each piece of advice once, in order
    for name in unread:
        suffix = Path(name).suffix.lower()
        kind, how = (_TRANSCRIBE if suffix in _AUDIO else
                     _CONVERT.get(suffix, (f"a '{suffix}' file", "")))
        named.append(f"{name} ({kind})")
        if how:
            advice.setdefault(how, None)
    shown = ", ".join(named[:5]) + (f" and {len(named) - 5} more" if len(named) > 5 else "")
    them = "them" if len(unread) > 1 else "it"
    convert = f"Convert {them}: {'; '.join(advice)}. " if advice else ""
    return UsageError(f"no transcripts found in {listed}: tematik does not read {shown}",
                      fix=convert + reads)


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
    """Bytes to normalised text: ``(text, encoding)``; see
    :func:`pipeline.readers.decode.decode`."""
    text, encoding, _ = decode_text(data, path)
    return text, encoding


# ----------------------------------------------------------------------------- readers


def ingest(inputs: Sequence[Path], *, interviewer_labels: Iterable[str] = (),
           limits: InputLimits = DEFAULT_INPUT_LIMITS,
           speakers: SpeakerMap | None = None) -> Corpus:
    """Read every supported file under ``inputs``; a bad file is skipped with a warning.

    Raises :class:`UsageError` when no path exists or no file is usable, and
    :class:`InputFileError` when every file failed (the first failure is named).
    """
    files, warnings = find_files(inputs)
    return read_files(files, warnings, interviewer_labels=interviewer_labels, limits=limits,
                      speakers=speakers)


def read_files(
    files: Sequence[tuple[Path, str]],
    warnings: Sequence[str] = (),
    *,
    interviewer_labels: Iterable[str] = (),
    limits: InputLimits = DEFAULT_INPUT_LIMITS,
    speakers: SpeakerMap | None = None,
) -> Corpus:
    """Read the ``(path, shown name)`` pairs :func:`find_files` returned into a corpus.

    A file that cannot be read is skipped (listed in ``skipped`` with the reason) and the
    others are read; a failure tematik did not foresee is reported the same way, with the
    kind of error, rather than ending the run. ``speakers``: the speakers files' rows (a
    label that no transcript has is reported)."""
    warnings = list(warnings)
    interviewers = frozenset(interviewer_labels)
    transcripts: list[Transcript] = []
    turns: list[Turn] = []
    skipped: list[str] = []
    errors: list[InputFileError] = []
    used_ids: set[str] = set()
    speakers = speakers or SpeakerMap()
    ready = _read_ahead(files, interviewers, limits, speakers)
    for (path, shown), done in zip(files, ready, strict=True):
        try:
            read = done if done is not None else read_file(path, shown, interviewers,
                                                           limits=limits, speakers=speakers)
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
            if not any(t.role == INFORMANT for t in raw_turns):
                warnings.append(f"{where}: {NO_INFORMANT_WARNING}; it gives no passages")
            for i, t in enumerate(raw_turns):
                turns.append(Turn(tid, i, t.speaker, t.role, t.start, t.end,
                                  transcript.text[t.start : t.end], t.display))
    if not transcripts and errors:
        raise errors[0]
    warnings.extend(unused_speakers(speakers, turns))
    log.info("ingested %d transcripts, %d turns", len(transcripts), len(turns))
    return Corpus(tuple(transcripts), tuple(turns), tuple(warnings), tuple(skipped))




def unused_speakers(speakers: SpeakerMap, turns: Sequence[Turn]) -> list[str]:
    """A note for each speakers-file label no transcript uses (a typing error, or a file
    meant for other transcripts)."""
    used = {(t.transcript_id, label_key(t.speaker)) for t in turns}
    used_any = {key for _, key in used}
    missing = [e.label for e in speakers.entries
               if ((e.transcript, label_key(e.label)) not in used if e.transcript
                   else label_key(e.label) not in used_any)]
    if not missing:
        return []
    files = ", ".join(speakers.sources)
    return [f"{files}: label(s) not found in any transcript: {', '.join(missing)}"]


def _read_ahead(files: Sequence[tuple[Path, str]], interviewers: frozenset[str],
                limits: InputLimits, speakers: SpeakerMap) -> list[Read | None]:
    from pipeline.parallel import cores, map_in_order

    jobs = cores() if len(files) >= PARALLEL_MIN_FILES else 1
    if jobs <= 1:
        return [None] * len(files)
    return map_in_order(_read_or_none,
                        [(p, s, interviewers, limits, speakers) for p, s in files], jobs)


def _read_or_none(task: tuple[Path, str, frozenset[str], InputLimits, SpeakerMap]
                  ) -> Read | None:
    path, shown, interviewers, limits, speakers = task
    try:
        return read_file(path, shown, interviewers, limits=limits, speakers=speakers)
    except Exception:  # read again by the caller, which reports it
        return None


def _unique_id(tid: str, used: set[str]) -> str:
    candidate, n = tid, 2
    while candidate in used:
        candidate = f"{tid}-{n}"
        n += 1
    used.add(candidate)
    return candidate




Read = list[tuple[Transcript, tuple[sp.RawTurn, ...], tuple[str, ...]]]


def read_file(path: Path, shown: str, interviewers: frozenset[str] = frozenset(), *,
              limits: InputLimits = DEFAULT_INPUT_LIMITS,
              speakers: SpeakerMap | None = None) -> Read:
    """Read one file into one or more transcripts (a table or a .qdpx may hold several).

    ``interviewers``: speaker labels to treat as the interviewer's, beyond the usual ones;
    ``speakers``: the speakers files' rows (roles, persons and display names of labels).
    """
    data = read_bounded(path, shown, limits)
    digest = hashlib.sha256(data).hexdigest()
    suffix = path.suffix.lower()
    fmt = suffix.lstrip(".")
    tid = slug(path.stem)
    speakers = speakers or SpeakerMap()
    if suffix == ".qdpx":
        from pipeline.readers.qdpx_sources import read_project

        return read_project(path, shown, digest, interviewers, limits)
    if suffix in TABLE_SUFFIXES:
        frame, encoding, notes = read_table(data, shown, suffix, limits)
        read: Read = []
        for key, text, turns, meta in table_to_turns(frame, shown, interviewers):
            this = slug(f"{tid}-{key}") if key else tid
            named, merged = _persons(turns, this, speakers, (meta,))
            read.append((Transcript(this, shown, fmt, encoding, digest, text, meta), named,
                         (*notes, *merged)))
        if not read:
            raise InputFileError(shown, "the table has no rows with text",
                                 fix="Fill in the text column, one row per turn.")
        return read
    names: frozenset[str] = frozenset()
    notes = ()
    if suffix == ".docx":
        text, names = docx_to_text(data, shown, limits)
        text = clean_layout(text).text
        encoding = "docx"
    else:
        text, encoding, notes = decode_text(data, shown, limits)
        if suffix in SUBTITLE_SUFFIXES:
            text, names = subtitles_to_text(text)
        elif suffix == ".json":
            text, names = whisper_to_text(text, shown)
        else:
            text = clean_layout(text).text
    own = speakers.for_transcript(tid)
    parsed = sp.parse_turns(text, speakers=names | {e.label for e in own},
                            interviewers=interviewers,
                            roles={e.label: e.role for e in own if e.role})
    named, merged = _persons(parsed.turns, tid, speakers, parsed.sessions, parsed)
    metadata = {**parsed.metadata, **header_people(parsed.sessions)}
    return [(Transcript(tid, shown, fmt, encoding, digest, text, metadata), named,
             (*notes, *parsed.warnings, *merged))]


def _persons(turns: Sequence[sp.RawTurn], tid: str, speakers: SpeakerMap,
             sessions: Sequence[dict[str, str]], parsed: sp.ParsedText | None = None
             ) -> tuple[tuple[sp.RawTurn, ...], tuple[str, ...]]:
    """The turns with their speakers' display names (and the roles a speakers file gives)."""
    entries = {label_key(e.label): e for e in speakers.for_transcript(tid)}
    turns = tuple(replace(t, role=entries[label_key(t.speaker)].role or t.role)
                  if label_key(t.speaker) in entries else t for t in turns)
    return resolve_persons(turns, sessions=sessions,
                           legend=parsed.legend if parsed else None,
                           preamble=parsed.preamble if parsed else "", speakers=entries)


def transcripts_frame(transcripts: Sequence[Transcript], turns: Sequence[Turn]) -> pd.DataFrame:
    """The ``transcripts`` table.

    Columns: transcript_id, source, format, encoding, sha256, informant, role, unit, date,
    place, metadata (JSON of every header field), n_turns, n_informant_turns, text.
    """
    n_turns: dict[str, int] = {}
    n_inf: dict[str, int] = {}
    for t in turns:
        n_turns[t.transcript_id] = n_turns.get(t.transcript_id, 0) + 1
        n_inf[t.transcript_id] = n_inf.get(t.transcript_id, 0) + (t.role == INFORMANT)
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


TURN_COLUMNS = ["transcript_id", "turn", "speaker", "display", "role", "start", "end", "text"]


def turns_frame(turns: Sequence[Turn]) -> pd.DataFrame:
    """The ``turns`` table. Columns: transcript_id, turn, speaker (the label as written),
    display (the person's one name), role, start, end, text."""
    return pd.DataFrame([{**t.__dict__, "display": t.who} for t in turns],
                        columns=TURN_COLUMNS)
