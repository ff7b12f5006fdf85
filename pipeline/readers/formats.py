"""Readers of the transcript formats that are not plain text: WebVTT/SRT subtitles and Word
files; the sheet reader under tables (:mod:`pipeline.readers.tables`) and under a
researcher's spreadsheet for the commands that read one (``tematik code``, ``compare``).
:mod:`pipeline.readers.ingest` calls them.
"""

from __future__ import annotations

import csv
import io
import os
import re
import unicodedata
import zipfile
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from pipeline.errors import InputFileError
from pipeline.limits import DEFAULT_INPUT_LIMITS, InputLimits
from pipeline.readers.archive import check_container
from pipeline.readers.decode import check_length, normalise_text
from pipeline.readers.decode import decode as decode_text
from pipeline.stages import speakers as sp
from pipeline.types import INFORMANT, INTERVIEWER

SPEAKER_COLUMNS = ("speaker", "pembicara", "penutur", "nama", "pelaku", "sumber")
TEXT_COLUMNS = ("text", "teks", "ucapan", "utterance", "isi", "transkrip", "kutipan", "jawaban")


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
                # A speaker named at the start of a cue: trusted like a voice tag; the same
                # speaker's next cue continues the turn.
                name = sp.clean_label(label.group("label"))
                voices.add(name)
                if name == current:
                    cue = cue[label.end():]
                current = name
        lines_out.append(cue)
    return "\n".join(lines_out) + "\n", frozenset(voices)


_WORD_FIX = "Open it in Word or LibreOffice and save it again as .docx."
_EXCEL_FIX = "Open it in Excel or LibreOffice and save it again as .xlsx."


def docx_to_text(data: bytes, shown: str,
                 limits: InputLimits = DEFAULT_INPUT_LIMITS) -> tuple[str, frozenset[str]]:
    """Body paragraphs and tables of a Word file, in order, as labelled lines.

    Headers, footers and page numbers live outside the body and are ignored. A table of
    two or more columns is read as Speaker | Utterance rows. The file passes the archive
    checks of :func:`pipeline.readers.archive.check_container` (sizes, ratios, paths, no DTD)
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
        rows = []
        for row in block.rows:
            cells, seen = [], set()
            for cell in row.cells:
                if id(cell._tc) not in seen:
                    seen.add(id(cell._tc))
                    cells.append(cell.text.strip())
            rows.append(cells)
        out.extend(_table_lines(rows, names))
    text = normalise_text("\n".join(out)) + "\n"
    check_length(text, shown, limits)
    if not text.strip():
        raise InputFileError(shown, "the Word file has no text", fix=_WORD_FIX)
    return text, frozenset(names)


NUMBER_COLUMNS = frozenset({"no", "no.", "nomor", "#", "no urut", ""})
QUESTION_COLUMNS = ("pertanyaan", "question", "tanya", "p", "peneliti", "pewawancara",
                    "interviewer", "q")
ANSWER_COLUMNS = ("jawaban", "answer", "jawab", "n", "i", "r", "informan", "narasumber",
                  "responden", "informant", "a", "j")


def _table_lines(rows: list[list[str]], names: set[str]) -> list[str]:
    """A Word table as labelled lines. Speaker | Utterance rows (a header row such as
    ``Pembicara | Ucapan`` skipped), or question and answer columns named by their header
    (``No | P | N``, ``Pertanyaan | Jawaban``: each row a question and its answer); a first
    column of row numbers is left out."""
    if rows and rows[0] and rows[0][0].strip().lower() in NUMBER_COLUMNS and all(
            not r or not r[0].strip() or r[0].strip().rstrip(".").isdigit() for r in rows[1:]):
        rows = [r[1:] for r in rows]
    header = [h.strip() for h in rows[0]] if rows else []
    qa = (len(header) >= 2 and header[0].lower() not in SPEAKER_COLUMNS
          and all(sp.known_role(h) is not None for h in header if h)
          and {sp.known_role(h) for h in header if h} == {INTERVIEWER, INFORMANT})
    out: list[str] = []
    for i, cells in enumerate(rows):
        if qa:
            if i == 0:
                continue
            for label, said in zip(header, cells, strict=False):
                if label and said.strip():
                    names.add(sp.clean_label(label))
                    out.append(f"{sp.clean_label(label)}: {said.strip()}")
            continue
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
    return out


def read_table(data: bytes, shown: str, suffix: str,
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
        text, encoding, notes = decode_text(data, shown, limits,
                                             empty_fix="Save the sheet again with its header "
                                             "and rows")
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
    return read_table(read_bounded(path, str(path)), str(path), suffix)[0]


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


def slug(name: str) -> str:
    """A transcript id from a file name: lowercase, ASCII-safe, stable."""
    norm = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    norm = re.sub(r"[^A-Za-z0-9]+", "-", norm).strip("-").lower()
    return norm or "transkrip"
