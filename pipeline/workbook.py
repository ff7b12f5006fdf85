"""The run's tables as one Excel workbook (``workbook.xlsx``), returned as bytes.

One sheet per table the run has, in this order: ``run`` (the reproducibility record),
``transcripts`` (without the full text), ``passages``, ``codings`` (with the passage text
and the evidence), ``theme_matrix``, ``theme_cooccurrence``, ``topics`` (the topic summary
with its top terms), ``topic_terms``, ``topic_prevalence``, ``k_report``, ``agreement``,
``agreement_pairs``, ``disagreements``. Every sheet has a frozen, bold header row and a
filter over its columns; columns are as wide as their content (up to a limit) and long text
wraps. Text that looks like a formula (``=...``) is stored as text. The same tables give
byte-identical files (fixed document dates and zip timestamps).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping
from datetime import datetime

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.reportdata import RunTables, as_int, input_files, record

SHEETS = ("transcripts", "passages", "codings", "theme_matrix", "theme_cooccurrence", "topics",
          "topic_terms", "topic_prevalence", "k_report", "agreement", "agreement_pairs",
          "disagreements")
WIDE = frozenset({"text", "question", "best_quote", "evidence", "tematik_evidence", "note",
                  "reason", "terms", "metadata", "representative", "path"})
MAX_WIDTH = 60
WIDE_WIDTH = 80
MAX_CELL = 32_000  # Excel keeps at most 32,767 characters in a cell
FIXED_TIME = datetime(2000, 1, 1)
_MODIFIED_RE = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def _value(value: object) -> object:
    if value is None:
        return None
    try:
        if pd.isna(value):  # type: ignore[call-overload]
            return None
    except (TypeError, ValueError):
        pass
    item = getattr(value, "item", None)
    if callable(item):  # numpy scalars
        value = item()
    if isinstance(value, str):
        text = str(ILLEGAL_CHARACTERS_RE.sub("", value))
        return text if len(text) <= MAX_CELL else text[:MAX_CELL] + " …"
    return value


def _sheet(book: Workbook, name: str, frame: pd.DataFrame) -> Worksheet:
    ws = book.create_sheet(title=name[:31])
    columns = [str(c) for c in frame.columns]
    ws.append(columns)
    widths = [len(c) for c in columns]
    wrap = Alignment(wrap_text=True, vertical="top")
    # Cells are made one by one with their row number: asking the sheet for its last row
    # (ws.max_row) scans every cell, which made a 20,000-passage workbook take minutes.
    for r, row in enumerate(frame.itertuples(index=False, name=None), start=2):
        for i, value in enumerate(row):
            cell = ws.cell(row=r, column=i + 1, value=_value(value))
            if isinstance(cell.value, str):
                if cell.data_type == "f":  # "=..." is text here, never a formula
                    cell.data_type = "s"
                widths[i] = max(widths[i], min(len(cell.value), WIDE_WIDTH))
                if columns[i] in WIDE or len(cell.value) > MAX_WIDTH:
                    cell.alignment = wrap
            elif cell.value is not None:
                widths[i] = max(widths[i], len(str(cell.value)))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for i, column in enumerate(columns, start=1):
        limit = WIDE_WIDTH if column in WIDE else MAX_WIDTH
        ws.column_dimensions[get_column_letter(i)].width = min(limit, widths[i - 1] + 2)
    ws.freeze_panes = "A2"
    if columns:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(frame) + 1}"
    return ws


def _tables(run: RunTables) -> dict[str, pd.DataFrame]:
    out: dict[str, pd.DataFrame] = {}
    t = run.tables
    if "transcripts" in t:
        out["transcripts"] = t["transcripts"].drop(columns=["text"], errors="ignore")
    if "passages" in t:
        out["passages"] = t["passages"]
    if "codings" in t:
        codings = t["codings"]
        if "passages" in t:
            codings = codings.merge(t["passages"][["passage_id", "text"]], on="passage_id",
                                    how="left")
        out["codings"] = codings
    for name in ("theme_matrix", "theme_cooccurrence"):
        if name in t:
            out[name] = t[name]
    if run.has_topics:
        summary = t["topic_summary"]
        terms = t["topic_terms"].sort_values(["topic", "rank"])
        joined = {as_int(k): ", ".join(str(s) for s in g["surface"])
                  for k, g in terms.groupby("topic")}
        out["topics"] = summary.assign(terms=[joined.get(as_int(k), "")
                                              for k in summary["topic"]])
        for name in ("topic_terms", "topic_prevalence", "k_report"):
            if name in t:
                out[name] = t[name]
    for name in ("agreement", "agreement_pairs", "disagreements"):
        if name in t and len(t[name]):
            out[name] = t[name]
    return {name: out[name] for name in SHEETS if name in out}


def _record_frame(run: RunTables) -> pd.DataFrame:
    rows = list(record(run))
    for r in input_files(run).itertuples():
        rows.append((f"input {r.transcript_id}", f"{r.path} sha256 {r.sha256}"))
    return pd.DataFrame(rows, columns=["setting", "value"])


def _stable_zip(data: bytes, stamp: datetime) -> bytes:
    """The same zip with every entry dated 1980-01-01 and the document's "modified" date
    (which openpyxl sets to now when saving) at ``stamp``: equal content, equal bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(
            out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                when = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode("ascii")
                content = _MODIFIED_RE.sub(rb"\g<1>" + when + rb"\g<2>", content)
            dst.writestr(entry, content)
    return out.getvalue()


def workbook_bytes(run: RunTables) -> bytes:
    """The workbook of the run's tables (see the module docstring for its sheets)."""
    book = Workbook()
    default = book.active
    if default is not None:
        book.remove(default)
    _sheet(book, "run", _record_frame(run))
    sheets: Mapping[str, pd.DataFrame] = _tables(run)
    for name, frame in sheets.items():
        _sheet(book, name, frame)
    stamp = _finished(run)
    book.properties.creator = "tematik"
    book.properties.created = stamp
    buffer = io.BytesIO()
    book.save(buffer)
    return _stable_zip(buffer.getvalue(), stamp)


def _finished(run: RunTables) -> datetime:
    """When the run finished (the workbook's date), without time zone; 2000-01-01 if
    unknown."""
    try:
        return datetime.fromisoformat(str(run.manifest.get("finished"))).replace(tzinfo=None)
    except ValueError:
        return FIXED_TIME
