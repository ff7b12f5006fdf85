"""Segment: informant turns into passages, the unit every later stage codes.

A passage is an informant answer (one turn, or consecutive turns of the same person with
nothing but whitespace between them: ``Turn.display``, so two labels of one person, such as a
diarizer's ``SPEAKER_00`` and ``SPEAKER_03``, answer together) carrying the interviewer
question that preceded it.
Long answers are split at sentence boundaries into windows of about ``window_words`` words.
Offsets index the transcript's source text: ``text == transcript.text[start:end]``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Sequence

import pandas as pd

from pipeline.stages.speakers import trim
from pipeline.types import INFORMANT, INTERVIEWER, Passage, Transcript, Turn

log = logging.getLogger(__name__)

WORD_RE = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
SENTENCE_END_RE = re.compile(r"[.?!…]+[\"”’')\]]*(?=\s)|\n\s*\n")
# Particles that, alone, say nothing: an answer made only of these and fillers is dropped.
EMPTY_PARTICLES = frozenset("lah gitu gini begitu begini kok oke ok sip ya iya yah".split())

PASSAGE_COLUMNS = [
    "passage_id", "transcript_id", "speaker", "display", "role", "start", "end", "text",
    "question", "turn_first", "turn_last", "window", "n_words",
]




def segment(
    transcripts: Sequence[Transcript],
    turns: Sequence[Turn],
    *,
    window_words: int = 120,
    filler_words: frozenset[str] = frozenset(),
) -> list[Passage]:
    """Passages of every transcript, in transcript then text order."""
    if window_words < 10:
        raise ValueError(f"window_words must be at least 10, got {window_words}")
    by_transcript: dict[str, list[Turn]] = {}
    for turn in turns:
        by_transcript.setdefault(turn.transcript_id, []).append(turn)
    empty = filler_words | EMPTY_PARTICLES
    passages: list[Passage] = []
    for transcript in transcripts:
        own = sorted(by_transcript.get(transcript.transcript_id, []), key=lambda t: t.start)
        passages.extend(_segment_one(transcript, own, window_words, empty))
    log.info("segmented %d passages", len(passages))
    return passages


def _groups(text: str, turns: list[Turn]) -> Iterator[tuple[str, list[Turn]]]:
    """(question, informant turns answering it) for each answer."""
    question: list[str] = []
    group: list[Turn] = []
    asked = ""
    for turn in turns:
        if turn.role == INTERVIEWER:
            if group:
                yield asked, group
                group = []
                question = []
            question.append(turn.text)
            continue
        asked = " ".join(" ".join(question).split()) if question else asked
        question = []
        if group and (
            group[-1].who != turn.who or text[group[-1].end : turn.start].strip()
        ):
            yield asked, group
            group = []
        group.append(turn)
    if group:
        yield asked, group


def _segment_one(
    transcript: Transcript, turns: list[Turn], window_words: int, empty: frozenset[str]
) -> list[Passage]:
    text = transcript.text
    out: list[Passage] = []
    for question, group in _groups(text, turns):
        if group[0].role != INFORMANT:
            continue
        start, end = group[0].start, group[-1].end
        for window, (ws, we) in enumerate(split_windows(text, start, end, window_words)):
            words = WORD_RE.findall(text[ws:we])
            if not words or all(w.lower() in empty for w in words):
                continue
            n = len(out) + 1
            out.append(Passage(
                passage_id=f"{transcript.transcript_id}:{n:03d}",
                transcript_id=transcript.transcript_id,
                speaker=group[0].speaker,
                role=INFORMANT,
                start=ws,
                end=we,
                text=text[ws:we],
                question=question,
                turn_first=group[0].turn,
                turn_last=group[-1].turn,
                window=window,
                n_words=len(words),
                display=group[0].who,
            ))
    return out


def split_windows(text: str, start: int, end: int, window_words: int) -> list[tuple[int, int]]:
    """Split ``text[start:end]`` into spans of about ``window_words`` words.

    Splits at sentence ends; a sentence longer than twice the window (speech recognised
    without punctuation) is split between words. A short remainder joins the last window.
    """
    span_words = len(WORD_RE.findall(text, start, end))
    if span_words <= window_words * 1.5:
        return [(start, end)]
    cuts = [m.end() for m in SENTENCE_END_RE.finditer(text, start, end)]
    bounds = [start, *[c for c in cuts if start < c < end], end]
    sentences = [(bounds[i], bounds[i + 1]) for i in range(len(bounds) - 1)]
    pieces: list[tuple[int, int]] = []
    for s, e in sentences:
        pieces.extend(_hard_split(text, s, e, window_words * 2, window_words))
    windows: list[tuple[int, int]] = []
    cur_start, cur_words = pieces[0][0], 0
    for s, e in pieces:
        cur_words += len(WORD_RE.findall(text, s, e))
        if cur_words >= window_words:
            windows.append((cur_start, e))
            cur_start, cur_words = e, 0
    if cur_words:
        if windows and cur_words < window_words // 3:
            windows[-1] = (windows[-1][0], end)
        else:
            windows.append((cur_start, end))
    return [trim(text, s, e) for s, e in windows if text[s:e].strip()]


def _hard_split(text: str, s: int, e: int, limit: int, size: int) -> list[tuple[int, int]]:
    matches = list(WORD_RE.finditer(text, s, e))
    if len(matches) <= limit:
        return [(s, e)]
    out, cur = [], s
    for i in range(size, len(matches), size):
        cut = matches[i].start()
        out.append((cur, cut))
        cur = cut
    out.append((cur, e))
    return out


def text_passage(passage_id: str, transcript_id: str, text: str, speaker: str = "", *,
                 question: str = "") -> Passage:
    """A free-standing text (an excerpt, a survey answer) as one informant passage whose
    offsets index the text itself; ``question``, the question it answers, if known."""
    return Passage(passage_id, transcript_id, speaker, INFORMANT, 0, len(text), text, question,
                   0, 0, 0, len(text.split()))


THANKS = "terima kasih"
"""Thanks, as written or as the lexicon reads makasih, mksh, trims, tks, terimakasih..."""
WELCOMES = frozenset({"sama-sama", "kembali"})
"""Replies to thanks (sama2 reads as sama-sama)."""


def closing_exchange(question: Sequence[tuple[str, str]],
                     answer: Sequence[tuple[str, str]]) -> bool:
    """Whether ``answer`` replies to the interviewer's thanks at the close of an interview:
    the question thanks and asks nothing (``Baik, Pak. Terima kasih banyak.``) and the
    answer opens, after its fillers, with ``sama-sama`` or a ``kembali`` (``kasih``) that
    stands alone. What follows is leave-taking and small talk (``udah makan siang?``), not an
    answer to the interview guide. Both are given as the (norm, kind) of their tokens, as
    the normaliser reads them, so spoken and chat spellings count."""
    asked = [norm for norm, _ in question]
    if f" {THANKS} " not in f" {' '.join(asked)} " or "?" in asked:
        return False
    said = [norm if kind != "punct" else "" for norm, kind in answer if kind != "filler"]
    while said and not said[0]:
        said.pop(0)  # punctuation before the first word
    if said[:2] == ["sama", "sama"]:  # "sama sama", written apart
        said[:2] = ["sama-sama"]
    if not said or said[0] not in WELCOMES:
        return False
    after = said[2:3] if said[1:2] == ["kasih"] else said[1:2]
    return said[0] == "sama-sama" or after in ([], [""])


def display_of(frame: pd.DataFrame) -> pd.Series:
    """Each row's person: its ``display`` name, or its ``speaker`` label where a table has
    no display names (one written before they existed) or the cell is empty."""
    speaker = frame["speaker"].fillna("").astype(str)
    if "display" not in frame:
        return speaker
    display = frame["display"].fillna("").astype(str)
    return display.where(display != "", speaker)


def passages_frame(passages: Sequence[Passage]) -> pd.DataFrame:
    """The ``passages`` table; columns in :data:`PASSAGE_COLUMNS`."""
    return pd.DataFrame([p.__dict__ for p in passages], columns=PASSAGE_COLUMNS)
