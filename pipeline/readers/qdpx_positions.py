"""Positions in a REFI-QDA project: how the exporting program counted them, and where they
fall in a source's text.

tematik's :class:`~pipeline.readers.qdpx.Source` ``.text`` has every line end made ``\\n``
(nothing else changed: no Unicode normalisation), and its codings' ``.start``/``.end`` are
Python string indices into it (Unicode code points; a combining mark is a character of
its own). Programs count differently (NVivo counts UTF-16 units and ``\\r\\n`` as two
characters; ATLAS.ti counts ``\\r\\n`` as one): :func:`choose_reading` tries the readings a
source's text allows and keeps the one under which the selections fit the text best, and
:func:`offset_table` maps a reading's positions to characters. We write code points over
``\\n`` text unless ``positions="utf16"`` is asked for.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

Positions = Literal["codepoint", "utf16"]


@dataclass(frozen=True)
class Selection:
    """A coded stretch as a project stores it: positions in the program's units, the
    selection's name (programs store the start of the selected text there) and its codings."""

    start: int
    end: int
    name: str
    codings: tuple[tuple[str, str], ...]  # (code guid, user guid)


def offset_table(raw: str, *, utf16: bool = False,
                 newline_width: int = 1) -> tuple[str, np.ndarray]:
    """``(text, units)``: ``text`` is ``raw`` with ``\\n`` line ends; ``units[i]`` is where
    ``text[i]`` starts when positions count UTF-16 units (``utf16``) and every line end
    as ``newline_width`` characters; ``units[-1]`` is the total.
    """
    cp = np.frombuffer(raw.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    crlf = np.zeros(len(cp), dtype=bool)
    if len(cp) > 1:
        crlf[:-1] = (cp[:-1] == 13) & (cp[1:] == 10)
    kept = cp[~crlf]
    width = np.ones(len(kept), dtype=np.int64)
    if utf16:
        width[kept > 0xFFFF] = 2
    width[(kept == 10) | (kept == 13)] = newline_width
    units = np.zeros(len(kept) + 1, dtype=np.int64)
    np.cumsum(width, out=units[1:])
    return raw.replace("\r\n", "\n").replace("\r", "\n"), units


def choose_reading(raw: str, selections: Sequence[Selection],
                    origin: str) -> tuple[bool, int]:
    """Pick how the exporting program counted positions: ``(utf16, newline_width)``.

    Candidates are only the readings that differ for this text. Each is scored on the
    selections: out of range -5; the selection's ``name`` (programs store the start of the
    selected text there) matching the text +3; a start or end that does not cut a word +1
    each. The program's known habit, then the file as stored, win ties.
    """
    natural = natural_reading(raw)
    if origin.startswith("tematik"):
        return ("positions=utf-16" in origin, 1)
    utf16s = (False, True) if any(ord(c) > 0xFFFF for c in raw) else (False,)
    newlines = (1, 2) if ("\n" in raw or "\r" in raw) else (1,)
    candidates = [(u, n) for u in utf16s for n in newlines]
    if len(candidates) == 1 or not any(s.codings for s in selections):
        return natural
    lowered = origin.lower()
    prior = [natural]
    if "nvivo" in lowered:
        prior.insert(0, (True, 2 if "\r\n" in raw else natural[1]))
    elif "atlas" in lowered:
        prior.insert(0, (natural[0], 1))
    order = [c for c in prior if c in candidates] + [c for c in candidates if c not in prior]
    best, best_score = order[0], None
    for cand in order:
        text, units = offset_table(raw, utf16=cand[0], newline_width=cand[1])
        score = sum(_score(text, units, s) for s in selections if s.codings)
        if best_score is None or score > best_score:
            best, best_score = cand, score
    return best


def natural_reading(raw: str) -> tuple[bool, int]:
    """The reading of ``raw`` as stored: characters, and a line end as the characters it has."""
    return (False, 2 if "\r\n" in raw else 1)


def to_chars(units: np.ndarray, start: int, end: int) -> tuple[int, int]:
    """A selection's ``start``-``end`` in a reading's positions (``units``, from
    :func:`offset_table`) as character offsets into its text."""
    return (int(np.searchsorted(units, start, side="right")) - 1,
            int(np.searchsorted(units, end, side="left")))


def _score(text: str, units: np.ndarray, sel: Selection) -> int:
    if not 0 <= sel.start <= sel.end <= int(units[-1]):
        return -5
    s, e = to_chars(units, sel.start, sel.end)
    score = 0
    name = " ".join(sel.name.rstrip(".… ").split())
    if name and " ".join(text[s : e].split()).startswith(name):
        score += 3
    if s == 0 or s >= len(text) or not (text[s - 1].isalnum() and text[s].isalnum()):
        score += 1
    if e == 0 or e >= len(text) or not (text[e - 1].isalnum() and text[e].isalnum()):
        score += 1
    return score
