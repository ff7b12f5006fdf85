"""The quote that shows why a passage was coded: its sentence with the most evidence, with
the sentences beside it until it is long enough to stand as evidence on its own. The
report marks the evidence in it; the theme x informant table (``best_quote``) keeps it
plain."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from pipeline.config import MIN_QUOTE_WORDS

if TYPE_CHECKING:
    import pandas as pd

# A sentence ends at . ? ! … (and any closing quote or bracket) before white space, or at a
# line end; not after an abbreviation or an initial ('Drs.', 'H.', 'S.E.', 'dll.').
_END_RE = re.compile(r"[.?!…]+[\"'”’)\]]*(?=\s)|\n+")
_ABBREVIATION_RE = re.compile(
    r"(?:^|\s)(?:\w|[A-Z]\.[A-Za-z]+|Drs|Dr|Ir|Hj?|Prof|Bpk|Pak|Bu|Sdr|Sdri|St|No|Jl|Kec|Kab|"
    r"dll|dsb|dkk|tsb|yth|Yth|M\.\w+|S\.\w+)\.$")
_WRAPPING_QUOTES = ('"', "“", "”")


def sentences(text: str) -> list[tuple[int, int]]:
    """The sentences of ``text`` as (start, end) offsets, white space left out; a full stop
    after an abbreviation or an initial does not end one."""
    out: list[tuple[int, int]] = []
    start = 0
    for m in _END_RE.finditer(text):
        end = m.end() if m.group()[0] != "\n" else m.start()
        if m.group()[0] != "\n" and _ABBREVIATION_RE.search(text[start:m.end()].rstrip(
                "\"'”’)]")):
            continue
        if text[start:end].strip():
            out.append((start, end))
        start = m.end()
    if text[start:].strip():
        out.append((start, len(text)))
    trimmed = []
    for s, e in out:
        piece = text[s:e]
        s += len(piece) - len(piece.lstrip())
        e -= len(piece) - len(piece.rstrip())
        trimmed.append((s, e))
    return trimmed


def quote_bounds(text: str, offset: int, spans: Sequence[tuple[int, int]], *,
                 min_words: int = MIN_QUOTE_WORDS) -> tuple[int, int] | None:
    """Where in ``text`` (which starts at transcript offset ``offset``) the quote for the
    evidence ``spans`` (transcript offsets) lies: the sentence holding the most evidence,
    with the sentences after it (then before it) until it has ``min_words`` words where the
    passage has them, without quotation marks around the whole. None for a text without
    words."""
    found = sentences(text)
    if not found:
        return None
    local = [(s - offset, e - offset) for s, e in spans]

    def hits(i: int) -> int:
        return sum(1 for s, _ in local if found[i][0] <= s < found[i][1])

    best = max(range(len(found)), key=lambda i: (hits(i), -i))
    lo = hi = best
    forward = True
    while len(text[found[lo][0]:found[hi][1]].split()) < min_words:
        if forward and hi + 1 < len(found):
            hi += 1
        elif lo > 0:
            lo -= 1
        elif hi + 1 < len(found):
            hi += 1
        else:
            break
        forward = not forward
    start, end = found[lo][0], found[hi][1]
    piece = text[start:end]
    if (piece[:1] in _WRAPPING_QUOTES and piece[-1:] in _WRAPPING_QUOTES and len(piece) > 2
            and sum(piece.count(q) for q in _WRAPPING_QUOTES) == 2):
        start, end = start + 1, end - 1
    return start, end


def answer_evidence(evidence: pd.DataFrame) -> pd.DataFrame:
    """The rows of an ``evidence`` table that can be shown in the informant's words: cues
    that added to a score (not negatives), found in the answer (a question's cues have no
    position in the transcript: start -1)."""
    return evidence[(evidence["weight"] > 0) & (evidence["start"] >= 0)]
