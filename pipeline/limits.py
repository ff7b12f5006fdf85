"""Bounds on what tematik will read: every limit and its default, in one place.

A researcher's folder may hold anything: a zip bomb named ``.docx``, a 2 GB log file named
``.txt``, a spreadsheet with a million rows. These bounds keep a run finite in time and
memory; an input over a bound is skipped with a message naming the file, the limit and
this module, never read partly. Raise a bound (``RunConfig(limits=InputLimits(...))``) for
a genuine file that exceeds it. See docs/formats.md, "Limits".
"""

from __future__ import annotations

from dataclasses import dataclass, field

MB = 1024 * 1024


@dataclass(frozen=True)
class ArchiveLimits:
    """Bounds on what a zip container (``.docx``, ``.xlsx``, ``.qdpx``) may expand to.

    All sizes are uncompressed bytes. ``max_ratio`` (uncompressed / compressed) is checked
    for entries larger than ``ratio_min_bytes``: a small, very compressible entry is
    harmless.
    """

    max_entries: int = 10_000
    max_entry_bytes: int = 256 * MB
    max_total_bytes: int = 1024 * MB
    max_ratio: float = 200.0
    ratio_min_bytes: int = 1 * MB
    max_xml_bytes: int = 128 * MB


DEFAULT_LIMITS = ArchiveLimits()


@dataclass(frozen=True)
class InputLimits:
    """Bounds on one input file and on what it may become.

    - ``max_file_bytes``: size of any input file on disk.
    - ``max_text_chars``: characters of one transcript's text after decoding (about
      2,000 pages of interview at the default).
    - ``max_table_rows``: rows of a ``.csv``/``.xlsx`` transcript table.
    - ``max_control_share``: share of control characters (NUL and the like) above which
      a "text" file is taken for binary data; below it they are removed with a warning.
    - ``archive``: the bounds on zip containers (:class:`ArchiveLimits`).
    """

    max_file_bytes: int = 64 * MB
    max_text_chars: int = 10_000_000
    max_table_rows: int = 200_000
    max_control_share: float = 0.01
    archive: ArchiveLimits = field(default_factory=ArchiveLimits)


DEFAULT_INPUT_LIMITS = InputLimits()
