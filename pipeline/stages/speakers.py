"""Find speaker turns in transcript text, the way Indonesian transcripts are written.

Pure functions over a string: no files. ``parse_turns`` returns the metadata found in a header
block or YAML front matter, and the turns with character offsets into the text it was given,
such that ``text[turn.start:turn.end] == turn.text``.

Conventions handled: ``P:``/``I:``/``N:``/``R:``, ``Peneliti:``/``Pewawancara:``/``Informan:``/
``Narasumber:``/``Responden:``, ``Informan 1 (Kasubbag Umum):``, ``T:``/``J:``, ``Q:``/``A:``,
``Pertanyaan ...``/``Jawaban(nya adalah): ...``, bare names (``Pak Eko:``), markdown headings
as speakers (``### Jawaban 03``), timestamps before or after the label, continuation lines,
and text pasted from a thesis PDF: several labelled turns on one line, abbreviated labels
defined by use (``TK :``), numbered questions without a label followed by
``Jawaban Kepala Desa: "..."``, section headings and page footers (not speech).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from pipeline.stages.header import (
    ALIAS_RE,
    LEGEND_RE,
    METADATA_KEYS,
    front_matter,
    header_block,
    is_metadata,
    metadata_line,
    text_lines,
)
from pipeline.stages.labels import (
    INLINE_LABEL_RE,
    JAWABAN_RE,
    LINE_LABEL_RE,
    MD_HEADING_RE,
    NUMBERED_Q_RE,
    candidate_ok,
    clean_label,
    is_named,
    known_role,
    label_core,
)
from pipeline.stages.layout import is_noise, is_title
from pipeline.stages.roles import assign_roles, question_share
from pipeline.types import INFORMANT, INTERVIEWER

__all__ = [
    "LINE_LABEL_RE",
    "METADATA_KEYS",
    "ParsedText",
    "RawTurn",
    "assign_roles",
    "clean_label",
    "known_role",
    "label_core",
    "parse_turns",
    "question_share",
    "trim",
]


@dataclass(frozen=True)
class RawTurn:
    """A stretch of speech. ``start``/``end`` index the text given to :func:`parse_turns`."""

    speaker: str
    role: str
    start: int
    end: int


@dataclass(frozen=True)
class ParsedText:
    metadata: dict[str, str]
    turns: tuple[RawTurn, ...]
    warnings: tuple[str, ...] = ()
    labelled: bool = True



def _jawaban_speaker(label: str, informant: str) -> str | None:
    """``Jawaban Kepala Desa`` -> ``Kepala Desa``; ``Jawaban 3``/``Jawabannya adalah`` -> the
    current informant; None for labels that are not answers."""
    jawaban = JAWABAN_RE.match(label_core(label))
    if not jawaban:
        return None
    who = re.sub(r"^\W*jawaban(?:nya)?(?:\s+adalah)?[\s\d.]*", "", label, flags=re.I).strip()
    return who or informant


@dataclass
class _Open:
    speaker: str
    role: str | None
    start: int
    end: int


def parse_turns(
    text: str,
    *,
    speakers: frozenset[str] = frozenset(),
    interviewers: frozenset[str] = frozenset(),
) -> ParsedText:
    """Split ``text`` into speaker turns.

    ``speakers`` are labels known to be speakers (from a table column), accepted even when
    they would not pass the heuristics; ``interviewers`` are labels the user declared to be
    the interviewer's (compared like :func:`label_core`).
    """
    meta, body = front_matter(text)
    lines = text_lines(text, body)
    head, consumed = header_block(text, lines)
    for key, value in head.items():
        meta.setdefault(key, value)
    found_at = [metadata_line(text[s:e]) for s, e in lines]
    legend_lines = [text[s:e] for (s, e), found in zip(lines, found_at, strict=True) if found]
    legend = {m.group("abbr").lower(): INTERVIEWER
              for line in legend_lines for m in LEGEND_RE.finditer(line)}
    legend.update({label_core(lab): INTERVIEWER for lab in interviewers})
    aliases = {
        m.group("abbr").lower(): m.group("name").strip()
        for line in legend_lines
        for m in ALIAS_RE.finditer(line)
        if m.group("abbr").lower() not in legend and known_role(m.group("name")) is None
    }
    lines, found_at = lines[consumed:], found_at[consumed:]
    repeated = Counter(text[s:e].strip() for s, e in lines)

    # Pass 1: candidate labels, counted, so labels "defined by use" can be accepted.
    uses: Counter[str] = Counter()
    for (s, e), found in zip(lines, found_at, strict=True):
        if is_metadata(found):
            continue
        line = text[s:e]
        m = LINE_LABEL_RE.match(line)
        if m:
            uses[clean_label(m.group("label"))] += 1
        for m in INLINE_LABEL_RE.finditer(line):
            uses[clean_label(m.group("label"))] += 1

    def accepted(label: str) -> bool:
        clean = clean_label(label)
        if clean in speakers:
            return True
        if not candidate_ok(clean):
            return False
        core = label_core(clean)
        if known_role(clean) or is_named(clean) or core in legend:
            return True
        return uses[clean] >= 2 and len(core.split()) <= 4

    opened: list[_Open] = []
    warnings: list[str] = []
    preamble = 0

    def close_at(pos: int) -> None:
        if opened and opened[-1].end < 0:
            opened[-1].end = pos

    def continue_at(pos: int) -> None:
        last = opened[-1]
        if last.start < 0:
            last.start = pos  # the first line under a markdown speaker heading
        elif last.end >= 0:
            opened.append(_Open(last.speaker, last.role, pos, -1))  # resumes after a footer

    informant = meta.get("informant", "Informan")
    for n, ((s, e), found) in enumerate(zip(lines, found_at, strict=True)):
        line = text[s:e]
        stripped = line.strip()
        if not stripped:
            continue
        heading = MD_HEADING_RE.match(line)
        if heading:
            close_at(s)
            title = heading.group("title").strip()
            role = known_role(title)
            if role is not None:
                speaker = title if role == INFORMANT else "Peneliti"
                speaker = _jawaban_speaker(title, informant) or speaker
                opened.append(_Open(speaker, role, -1, -1))
            continue
        if found and is_metadata(found):
            # A header line inside the text (a second informant's block): not speech.
            close_at(s)
            if found[0] == "informant":
                informant = found[1]
            continue
        m = LINE_LABEL_RE.match(line)
        standalone = (n == 0 or not text[slice(*lines[n - 1])].strip()) and (
            n + 1 == len(lines) or not text[slice(*lines[n + 1])].strip())
        if standalone and not m and is_title(stripped):
            close_at(s)
            continue
        noise = is_noise(line, repeated)
        spans: list[tuple[str, int, int]] = []
        if m and accepted(m.group("label")):
            spans.append((m.group("label"), s, s + m.end()))
        elif noise:
            close_at(s)
            continue
        else:
            m = None
            if NUMBERED_Q_RE.match(line):
                spans.append(("Peneliti", s, s + len(line) - len(line.lstrip())))
        for im in INLINE_LABEL_RE.finditer(line, m.end() if m else 0):
            if accepted(im.group("label")):
                spans.append((im.group("label"), s + im.start(), s + im.end()))
        if not spans or spans[0][1] > s:
            # A continuation line (or the text before an inline label) of the current turn.
            if not opened:
                preamble += 1
            else:
                continue_at(s)
            if not spans:
                continue
        for label, label_start, text_start in spans:
            close_at(label_start)
            clean = clean_label(label)
            answer = _jawaban_speaker(clean, informant)
            if answer is not None:
                opened.append(_Open(answer, INFORMANT, text_start, -1))
            else:
                opened.append(_Open(clean, None, text_start, -1))
    close_at(len(text))

    if not any(t.start >= 0 for t in opened):
        return _narrative(text, lines, meta, repeated)
    if preamble:
        warnings.append(
            f"{preamble} line(s) before the first speaker label were not treated as speech"
        )
    turns = _finish(text, opened, meta, legend, aliases)
    return ParsedText(meta, tuple(turns), tuple(warnings), labelled=True)


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Narrow ``text[start:end]`` to exclude leading and trailing whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _finish(
    text: str, opened: list[_Open], meta: dict[str, str], legend: dict[str, str],
    aliases: dict[str, str],
) -> list[RawTurn]:
    spoken = [t for t in opened if t.start >= 0]
    undecided = [t for t in spoken if t.role is None]
    asks = question_share([(t.speaker, text[t.start : t.end]) for t in undecided])
    roles = assign_roles([t.speaker for t in undecided], asks, legend)
    informant_labels = {t.speaker for t in spoken if (t.role or roles[t.speaker]) == INFORMANT}
    rename = {t.speaker: aliases[label_core(t.speaker)]
              for t in opened if label_core(t.speaker) in aliases}
    if len(informant_labels) == 1 and not rename and meta.get("informant"):
        only = next(iter(informant_labels))
        if len(label_core(only)) <= 2:  # I:, N:, R: named by the header block
            rename[only] = meta["informant"]
    turns = []
    for t in spoken:
        start, end = trim(text, t.start, t.end)
        if end > start:
            role = t.role or roles[t.speaker]
            turns.append(RawTurn(rename.get(t.speaker, t.speaker), role, start, end))
    return turns


def _narrative(
    text: str, lines: list[tuple[int, int]], meta: dict[str, str], repeated: Counter[str]
) -> ParsedText:
    """No speaker labels at all: each paragraph is a turn of the one informant."""
    speaker = meta.get("informant", "Informan")
    turns: list[RawTurn] = []
    para: list[int] = []
    for s, e in [*lines, (len(text), len(text))]:
        line = text[s:e]
        if line.strip() and not is_noise(line, repeated):
            para = [para[0] if para else s, e]
            continue
        if para:
            start, end = trim(text, para[0], para[1])
            if end > start:
                turns.append(RawTurn(speaker, INFORMANT, start, end))
            para = []
    warnings = ("no speaker labels found; the whole text is treated as the informant's "
                "speech",) if turns else ()
    return ParsedText(meta, tuple(turns), warnings, labelled=False)
