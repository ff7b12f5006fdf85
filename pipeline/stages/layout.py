"""The layout of a transcript pasted from a thesis PDF or a word processor: lines that are
not speech (section headings, page numbers, footers, titles standing alone).

Pure functions over lines of text; :mod:`pipeline.stages.speakers` calls them.
"""

from __future__ import annotations

import re
from collections import Counter

PAGE_NUMBER_RE = re.compile(
    r"^[ \t]*(?:[-–—]?[ \t]*\d{1,4}[ \t]*[-–—]?|(?:halaman|hal\.?|page)[ \t]*\d{1,4}"
    r"(?:[ \t]*(?:dari|of)[ \t]*\d{1,4})?)[ \t]*$",
    re.I,
)
HEADING_RE = re.compile(
    r"^[ \t]*(?:(?:[A-Z]|[IVXL]{1,5}|\d{1,2}(?:\.\d{1,2}){0,3})[.)][ \t]+[A-Z0-9][^?]{0,80}"
    r"|(?:BAB|LAMPIRAN|TABEL|GAMBAR)\b[^?]{0,60})[ \t]*$"
)
INSTITUTION_RE = re.compile(
    r"\b(?:universitas|institut|sekolah tinggi|politeknik|fakultas|program studi|"
    r"repository|repositori|perpustakaan)\b",
    re.I,
)

def is_title(line: str) -> bool:
    """A short Title Case line with no sentence punctuation: a heading when it stands alone."""
    words = [w for w in line.split() if any(c.isalpha() for c in w)]
    if not 2 <= len(words) <= 10 or line.rstrip()[-1] in ".?!,;:\"”":
        return False
    capital = sum(w.lstrip("(\"'")[:1].isupper() for w in words)
    return capital / len(words) >= 0.6


def is_noise(line: str, repeated: Counter[str]) -> bool:
    """Headings, page numbers and footers: lines that are not speech."""
    stripped = line.strip()
    if not stripped:
        return False
    if PAGE_NUMBER_RE.match(stripped):
        return True
    words = stripped.split()
    terminal = stripped[-1] in ".?!,;:\"”"
    if len(words) <= 8 and not terminal and INSTITUTION_RE.search(stripped):
        return True
    if HEADING_RE.match(stripped) and len(words) <= 10 and not terminal:
        return True
    letters = [c for c in stripped if c.isalpha()]
    if letters and len(words) <= 8 and all(c.isupper() for c in letters) and len(letters) > 3:
        return True
    return len(words) <= 8 and not terminal and repeated[stripped] >= 3


