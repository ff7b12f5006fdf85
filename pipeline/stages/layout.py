"""The layout of a transcript pasted from a thesis PDF or a word processor: lines that are
not speech (section headings, page numbers, footers, titles standing alone), and the page
furniture a PDF copy leaves inside the speech (line numbers in the margin, a page footer in
the middle of an answer).

Pure functions over text. :func:`clean_layout` runs before the speakers are looked for, so
that an answer broken by a page footer is one stretch of text again; :func:`is_noise` and
:func:`is_title` tell :mod:`pipeline.stages.speakers` which remaining lines are not speech.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

PAGE_NUMBER_RE = re.compile(
    r"^[ \t]*(?:[-–—]?[ \t]*\d{1,4}[ \t]*[-–—]?|(?:halaman|hal\.?|page)[ \t]*\d{1,4}"
    r"(?:[ \t]*(?:dari|of|/)[ \t]*\d{1,4})?)[ \t]*$",
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
TRANSCRIBER_RE = re.compile(r"\b(?:transcribed by|ditranskripsikan oleh)\b|https?://|otter\.ai",
                            re.I)
"""The footer an automatic transcriber adds (``Transcribed by https://otter.ai``)."""
_TERMINAL = ".?!,;:\"”"
_LINE_NUMBER_RE = re.compile(r"^([ \t]*)(\d{1,3})(?P<gap>[ \t]+(?=\S)|[ \t]*$)")
_SENTENCE_END = ".?!:\"”…)"


def is_title(line: str) -> bool:
    """A short Title Case line with no sentence punctuation: a heading when it stands alone."""
    words = [w for w in line.split() if any(c.isalpha() for c in w)]
    if not 2 <= len(words) <= 10 or line.rstrip()[-1] in _TERMINAL:
        return False
    capital = sum(w.lstrip("(\"'")[:1].isupper() for w in words)
    return capital / len(words) >= 0.6


def is_furniture(line: str) -> bool:
    """A page number, a footer naming a university or faculty, or a transcriber's footer:
    what a page of a PDF (or an export) adds around the speech."""
    stripped = line.strip()
    if not stripped:
        return False
    if PAGE_NUMBER_RE.match(stripped):
        return True
    words = stripped.split()
    terminal = stripped[-1] in _TERMINAL
    return len(words) <= 8 and not terminal and bool(
        INSTITUTION_RE.search(stripped) or TRANSCRIBER_RE.search(stripped))


def is_noise(line: str, repeated: Counter[str]) -> bool:
    """Headings, page numbers and footers: lines that are not speech."""
    stripped = line.strip()
    if not stripped:
        return False
    if is_furniture(stripped):
        return True
    words = stripped.split()
    terminal = stripped[-1] in _TERMINAL
    if HEADING_RE.match(stripped) and len(words) <= 10 and not terminal:
        return True
    letters = [c for c in stripped if c.isalpha()]
    if letters and len(words) <= 8 and all(c.isupper() for c in letters) and len(letters) > 3:
        return True
    return len(words) <= 8 and not terminal and repeated[stripped] >= 3


@dataclass(frozen=True)
class Cleaned:
    """A text with its page furniture taken out: ``line_numbers`` lines lost the number in
    their margin, ``furniture`` lines (page numbers, footers) were removed."""

    text: str
    line_numbers: int = 0
    furniture: int = 0


def clean_layout(text: str) -> Cleaned:
    """``text`` without PDF line numbers and without the page numbers and footers between
    its lines; an answer a page break cut in two is joined again (with a line end, or a
    blank line where the text before the break ended a sentence).

    Line numbers are taken out only where they count lines: numbers (up to 999) at the
    start of lines that go up with the lines (every line, or every fifth), restarting at 1
    on a new page; three such lines are enough when the numbers stand in a margin (two
    spaces or a tab before the text), five otherwise.
    """
    lines = text.split("\n")
    numbered = _line_numbers(lines)
    if numbered:
        margin = Counter(col for _, col in numbered.values()).most_common(1)[0][0]
        for i, line in enumerate(lines):
            if i in numbered:
                lines[i] = line[numbered[i][1]:]
            elif line[:margin].strip() == "":
                lines[i] = line[margin:]
    heads = _running_heads(lines)

    def furniture(line: str) -> bool:
        return is_furniture(line) or line.strip() in heads

    out: list[str] = []
    removed = 0
    i = 0
    while i < len(lines):
        if not furniture(lines[i]):
            out.append(lines[i])
            i += 1
            continue
        # a block of furniture and blank lines: drop it, and the blank lines before it
        j = i
        while j < len(lines) and (furniture(lines[j]) or not lines[j].strip()):
            removed += bool(lines[j].strip())
            j += 1
        while out and not out[-1].strip():
            out.pop()
        if out and j < len(lines) and out[-1].rstrip()[-1:] in _SENTENCE_END:
            out.append("")  # the text before the break ended: keep a paragraph break
        i = j
    cleaned = "\n".join(out)
    if text.endswith("\n") and not cleaned.endswith("\n"):
        cleaned += "\n"
    return Cleaned(cleaned, len(numbered), removed)


def _running_heads(lines: list[str]) -> set[str]:
    """Short lines repeated on every page (``Transkrip Wawancara``, ``Lampiran 3``): three
    times or more, no sentence punctuation, no colon, and next to a page number or footer at
    least once (a label alone on its line repeats too, but not beside page numbers)."""
    content = [(i, line.strip()) for i, line in enumerate(lines) if line.strip()]
    counts = Counter(text for _, text in content)
    heads = set()
    for k, (_, text) in enumerate(content):
        if (counts[text] < 3 or text in heads or len(text.split()) > 8 or ":" in text
                or text[-1] in _TERMINAL or text.startswith("#") or is_furniture(text)):
            continue
        near = content[max(0, k - 2): k] + content[k + 1: k + 3]
        if any(is_furniture(other) for _, other in near):
            heads.add(text)
    return heads


def _line_numbers(lines: list[str]) -> dict[int, tuple[int, int]]:
    """{line index: (number, column where the text starts)} for the lines whose leading
    number is a PDF line number; empty when the numbers do not count the lines."""
    found = []
    wide = 0  # numbers set apart by two spaces or a tab, as a PDF margin is
    for i, line in enumerate(lines):
        m = _LINE_NUMBER_RE.match(line)
        if m:
            found.append((i, int(m.group(2)), m.end()))
            wide += m.group("gap") in ("", "\t") or len(m.group("gap")) >= 2
    if len(found) < 3:
        return {}
    fits = [False] * len(found)
    for k in range(1, len(found)):
        (i0, n0, _), (i1, n1, _) = found[k - 1], found[k]
        if n1 - n0 == i1 - i0 > 0:
            fits[k - 1] = fits[k] = True
        elif n1 == 1 and n0 > 1:
            fits[k] = True  # a new page starts at 1 (what came before may be a page number)
    if sum(fits) < (3 if wide >= 0.8 * len(found) else 5) or sum(fits) < 0.6 * len(found):
        return {}
    return {i: (n, col) for (i, n, col), ok in zip(found, fits, strict=True) if ok}
