"""A researcher's own sheets (.csv or .xlsx): checked before they are read, and the coded
passages a researcher gives to train the supervised coder.

:func:`read_user_sheet` turns a missing path, a folder, a file that is not a sheet (a
REFI-QDA project, a PDF, an old .xls ...) or an empty sheet into a message saying what it
is and how to fix it; manual codings (:mod:`pipeline.readers.manual`), mappings and the
texts ``tematik code`` codes are read through it. :func:`read_coded` reads a CODED file:
one row per passage with its text and codes. :data:`CODE_NAMES` and :data:`QUOTE_NAMES`
are the column names tematik recognises for codes and coded text, in English and
Indonesian.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.errors import InputFileError, UsageError
from pipeline.readers.formats import find_column, pick_column, read_sheet

CODE_NAMES = ("code", "kode", "theme", "tema", "kategori", "category", "node", "codes",
              "themes", "label", "labels")
QUOTE_NAMES = ("quote", "kutipan", "text", "teks", "segment", "segmen", "petikan", "coded text",
               "jawaban", "answer", "review", "ulasan")

# -- checking a sheet before it is read ---------------------------------------------------------

SHEET_SUFFIXES = (".csv", ".tsv", ".xlsx")
_NOT_SHEETS = {
    ".qdpx": ("a REFI-QDA project", "a REFI-QDA project goes to 'tematik run PROJECT.qdpx' (its "
              "texts) or 'tematik compare RUN PROJECT.qdpx' (its codings)"),
    ".qdc": ("a REFI-QDA codebook", "a codebook goes to --codebook"),
    ".xls": ("an old Excel workbook (.xls)", "open it in Excel or LibreOffice and save it as "
             ".xlsx"),
    ".ods": ("a LibreOffice sheet (.ods)", "save it as .xlsx or as CSV (UTF-8)"),
    ".numbers": ("a Numbers sheet", "export it as .xlsx or as CSV (UTF-8)"),
    ".docx": ("a Word document", "copy its table into a spreadsheet and save it as .xlsx"),
    ".doc": ("a Word document", "copy its table into a spreadsheet and save it as .xlsx"),
    ".pdf": ("a PDF", "copy its table into a spreadsheet and save it as .xlsx"),
    ".txt": ("a text file", "save the table as CSV (UTF-8) with a .csv name"),
    ".yaml": ("a YAML file", "a codebook goes to --codebook"),
}


def read_user_sheet(path: Path | str, *, what: str, rows: str,
                    option: str | None = None) -> pd.DataFrame:
    """A sheet the researcher made (``what``: "manual coding", "mapping" ...), checked
    before it is read: :class:`UsageError` (exit 2) for a path that does not exist, a folder
    or a file that is not a .csv/.xlsx sheet (saying what it is and how to convert it);
    :class:`InputFileError` (exit 1) for an empty file, an empty first sheet, or a header with
    no rows below it. ``rows`` says what one row holds ("one row per coded segment"),
    ``option`` the command-line option that gave the path, for the messages."""
    path = Path(path)
    given = f" given to {option}" if option else ""
    if not path.exists():
        raise UsageError(f"{what} not found: {path}", fix=f"Check the path{given}.")
    if path.is_dir():
        raise UsageError(f"{path} is a folder, not a {what}",
                         fix=f"Give a .csv or .xlsx file{given}.")
    suffix = path.suffix.lower()
    if suffix not in SHEET_SUFFIXES:
        kind, how = _NOT_SHEETS.get(suffix, (f"a '{suffix or path.name}' file", "save the "
                                             "table as CSV (UTF-8) or as an Excel .xlsx "
                                             "workbook"))
        raise UsageError(f"{path} is {kind}, not a .csv or .xlsx sheet",
                         fix=f"Give {option + ' ' if option else ''}a .csv or .xlsx sheet: "
                         f"{how}.")
    if path.stat().st_size == 0:
        raise InputFileError(path, "the file is empty",
                             fix=f"Save the sheet again with its header and {rows}.")
    frame = read_sheet(path)
    if not len(frame.columns):
        raise InputFileError(path, "the first sheet is empty" if suffix == ".xlsx" else
                             "the file holds no table", fix="tematik reads the first sheet of "
                             f"a workbook: put the header and {rows} there.")
    if not len(frame):
        have = ", ".join(repr(str(c)) for c in frame.columns)
        raise InputFileError(path, f"only a header ({have}), no rows below it",
                             fix=f"Add {rows} below the header.")
    return frame


# -- coded passages to train on ------------------------------------------------------------

CODED_COLUMNS = ["id", "text", "codes", "lines"]


def read_coded(path: Path | str, *, text_column: str | None = None,
               code_column: str | None = None, id_column: str | None = None,
               options: tuple[str, str] = ("--text-column", "--code-column")) -> pd.DataFrame:
    """A researcher's coded passages (CODED file, .csv or .xlsx) to train the supervised coder.

    Each row holds a passage's text and one code, or several codes separated by ``;``.
    Without ``text_column``/``code_column`` the columns are found by name (quote, kutipan,
    text, teks ...; code, kode, theme, tema ...). Rows with the same id (``id_column``) or,
    without one, the same text are one passage whose codes are merged; a row with text and
    no code is a passage coded with no theme. Blank rows are skipped. Returns columns: id
    (from ``id_column``, else ``line<N>`` of the first row), text, codes (sorted tuple),
    lines (the sheet lines the passage came from; the header is line 1). ``options`` name
    the command-line options for the two columns, for error messages.
    """
    path = Path(path)
    file_option = (options[0].removesuffix("-text-column")
                   if options[0].endswith("-text-column") and options[0] != "--text-column"
                   else None)  # --train-text-column: the file came with --train
    frame = read_user_sheet(path, what="coded passages file", option=file_option,
                            rows="one row per coded passage (its text and its codes)")

    def pick(name: str | None, names: Sequence[str], what: str, option: str) -> str:
        if name is not None:
            return pick_column(frame, name, path, option=option)
        found = find_column(frame, names)
        if found is None:
            have = ", ".join(repr(str(c)) for c in frame.columns) or "none"
            raise InputFileError(path, f"no {what} column found (its columns: {have})",
                                 fix=f"Name the column with {option}.")
        return found

    text_col = pick(text_column, QUOTE_NAMES, "text", options[0])
    code_col = pick(code_column, CODE_NAMES, "code", options[1])
    id_col = pick_column(frame, id_column, path, option="--id-column") if id_column else None
    merged: dict[str, dict[str, Any]] = {}
    for line, (text_raw, code_raw, id_raw) in enumerate(zip(
            frame[text_col], frame[code_col],
            frame[id_col] if id_col else [""] * len(frame), strict=True), start=2):
        text = str(text_raw).strip()
        codes = [c.strip() for c in str(code_raw).split(";") if c.strip()]
        key_id = str(id_raw).strip()
        if not text and not codes and not key_id:
            continue
        if not text:
            raise InputFileError(path, f"codes {'; '.join(codes) or '(none)'} but no text in "
                                 f"column {text_col!r}", line=line,
                                 fix="Fill in the passage text or delete the row.")
        key = key_id or text
        entry = merged.setdefault(key, {"id": key_id or f"line{line}", "text": text,
                                        "codes": set(), "lines": []})
        if entry["text"] != text:
            raise InputFileError(path, f"id {key_id!r} has a different text than on line "
                                 f"{entry['lines'][0]}", line=line,
                                 fix="Give each passage its own id, or the same text on every "
                                 "row.")
        entry["codes"].update(codes)
        entry["lines"].append(line)
    if not merged:
        raise InputFileError(path, "no coded passages in the file",
                             fix=f"Fill the {text_col!r} and {code_col!r} columns, one row per "
                             "passage.")
    rows = [{**e, "codes": tuple(sorted(e["codes"])), "lines": tuple(e["lines"])}
            for e in merged.values()]
    return pd.DataFrame(rows, columns=CODED_COLUMNS)
