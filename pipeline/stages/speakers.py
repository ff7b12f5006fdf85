"""Find speaker turns in transcript text, the way Indonesian transcripts are written.

Pure functions over a string: no files. ``parse_turns`` returns the metadata found in a header
block or YAML front matter, and the turns with character offsets into the text it was given,
such that ``text[turn.start:turn.end] == turn.text``. The text should have been through
:func:`pipeline.stages.layout.clean_layout` (PDF line numbers and page footers out).

Conventions handled: ``P:``/``I:``/``N:``/``R:``, ``Peneliti:``/``Pewawancara:``/``Informan:``/
``Narasumber:``/``Responden:``, ``Informan 1 (Kasubbag Umum):``, ``T:``/``J:``, ``Q:``/``A:``,
``Tanya:``/``Jawab:``, ``Pertanyaan ...``/``Jawaban(nya adalah): ...``, ``S1:``/``S2:``, bare
names (``Pak Eko:``, ``Agus :``), a turn number before the label (``1. P:``), diarization
labels (``SPEAKER_00:``, ``[SPEAKER_01]:``), labels alone on a line before the turn (markdown
headings ``### Jawaban 03``, recorder exports ``Speaker 1  00:01``), timestamps before or
after the label, continuation lines, legends that say what an abbreviation means (``A =
Pewawancara``), and text pasted from a thesis PDF: several labelled turns on one line,
abbreviated labels defined by use (``TK :``), numbered questions without a label (at the
start of a line, wrapped over lines, or inline after the previous answer) followed by
``Jawab: "..."`` or by the answer itself, section headings, a second informant's header block
in the middle (a new session), and footers (not speech).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from pipeline.stages.header import (
    METADATA_KEYS,
    LegendEntry,
    front_matter,
    header_block,
    is_metadata,
    legend_entries,
    legend_entry,
    metadata_fields,
    text_lines,
)
from pipeline.stages.labels import (
    INLINE_LABEL_RE,
    INLINE_QUESTION_RE,
    JAWABAN_RE,
    LINE_LABEL_RE,
    MD_HEADING_RE,
    NUMBERED_START_RE,
    STAMP_LABEL_RE,
    STRONG_INLINE_RE,
    bare_label,
    candidate_ok,
    clean_label,
    is_named,
    known_role,
    label_core,
    label_key,
)
from pipeline.stages.layout import is_noise, is_title
from pipeline.stages.roles import assign_roles, question_share
from pipeline.types import INFORMANT, INTERVIEWER

__all__ = ["LINE_LABEL_RE", "METADATA_KEYS", "ParsedText", "RawTurn", "assign_roles",
           "clean_label", "known_role", "label_core", "parse_turns", "question_share", "trim"]

_SENTENCE_END = ".?!\"”…)"
PREAMBLE_WARNING = "before the first speaker label"
NO_LABELS_WARNING = "no speaker labels found"
"""Words of the parse warnings that ``tematik turns`` flags (pipeline.runs.turns)."""


@dataclass(frozen=True)
class RawTurn:
    """A stretch of speech. ``start``/``end`` index the text given to :func:`parse_turns`.

    ``speaker`` is the label as written (``""`` for an unlabelled numbered question or
    answer); ``session`` counts the header blocks above it (a second informant's block in
    the middle of a file starts session 1); ``display`` and ``person`` are set by
    :func:`pipeline.stages.persons.resolve_persons`.
    """

    speaker: str
    role: str
    start: int
    end: int
    session: int = 0
    display: str = ""
    person: str = ""


@dataclass(frozen=True)
class ParsedText:
    """What :func:`parse_turns` found. ``sessions`` holds the metadata of each session (the
    first is the header's, the same as ``metadata``); ``legend`` what a legend says each
    abbreviated label means (keyed by :func:`label_key`); ``preamble`` the text before the
    first label that was not taken as speech (an introduction)."""

    metadata: dict[str, str]
    turns: tuple[RawTurn, ...]
    warnings: tuple[str, ...] = ()
    labelled: bool = True
    sessions: tuple[dict[str, str], ...] = ()
    legend: dict[str, LegendEntry] = field(default_factory=dict)
    preamble: str = ""


@dataclass
class _Open:
    speaker: str
    role: str | None
    start: int
    end: int
    session: int


def _answer_speaker(label: str) -> str | None:
    """``Jawaban Kepala Desa`` -> ``Kepala Desa``; ``Jawaban``/``Jawaban 3``/``Jawabannya
    adalah`` -> the label itself; None for labels that are not answers."""
    if not JAWABAN_RE.match(label_core(label)):
        return None
    who = re.sub(r"^\W*jawaban(?:nya)?(?:\s+adalah)?[\s\d.]*", "", label, flags=re.I).strip()
    return who or label


def parse_turns(
    text: str,
    *,
    speakers: frozenset[str] = frozenset(),
    interviewers: frozenset[str] = frozenset(),
    roles: Mapping[str, str] | None = None,
) -> ParsedText:
    """Split ``text`` into speaker turns.

    ``speakers`` are labels known to be speakers (from a table column, a subtitle voice, a
    speakers file), accepted even when they would not pass the heuristics; ``interviewers``
    are labels the user declared to be the interviewer's (compared like :func:`label_key`,
    or like :func:`label_core` when the label has no number); ``roles`` gives the role of
    labels a speakers file names (label -> role).
    """
    return _Parser(text, speakers, interviewers, roles or {}).parse()


class _Parser:
    def __init__(self, text: str, speakers: frozenset[str], interviewers: frozenset[str],
                 roles: Mapping[str, str]) -> None:
        self.text = text
        self.trusted = {label_key(s) for s in speakers}
        meta, body = front_matter(text)
        lines = text_lines(text, body)
        head, consumed = header_block(text, lines)
        for key, value in head.items():
            meta.setdefault(key, value)
        self.meta = meta
        self.lines = lines[consumed:]
        self.fields = [metadata_fields(text[s:e]) for s, e in self.lines]
        self.legend, self.legend_lines = self._legend(lines, consumed)
        self.declared: dict[str, str] = {}
        for lab in interviewers:
            self.declared[label_key(lab)] = INTERVIEWER
            if not re.search(r"\d", lab):
                self.declared.setdefault(label_core(lab), INTERVIEWER)
        self.declared.update({label_key(lab): role for lab, role in roles.items()})
        self.repeated = Counter(text[s:e].strip() for s, e in self.lines)
        names = [v for s, e in lines for f, v, _ in metadata_fields(text[s:e])
                 if f in ("informant", "interviewer")]
        names += [v for f, v in meta.items() if f in ("informant", "interviewer")]
        self.name_words = {w.lower() for v in names for w in re.findall(r"[^\W\d_]{3,}", v)}
        self.uses = self._count_uses()
        # "Sari :" is the "Bu Sari :" of the other turns
        self.name_words |= {w for lab, n in self.uses.items() if n >= 2 and is_named(lab)
                            for w in label_core(lab).split()[1:] if len(w) >= 3}
        self.labelled = sum(n for lab, n in self.uses.items() if self.accepted(lab)) >= 3
        self.opened: list[_Open] = []
        self.sessions: list[dict[str, str]] = [dict(meta)]
        self.suspended = False  # after a header block inside the text: not speech yet
        self.preamble: list[str] = []
        self.answer_next = False  # a numbered question ended: an unlabelled answer follows
        self.numbered = any(NUMBERED_START_RE.match(text[s:e]) and "?" in text[s:e]
                            for s, e in self.lines)  # numbered questions at line starts
        # only the answers are labelled (Jawab :): the questions are the lines before them
        spoken = [lab for lab, k in self.uses.items() if k >= 2 and self.accepted(lab)]
        self.answers_only = bool(spoken) and all(
            known_role(lab) == INFORMANT and self.declared.get(label_key(lab)) is None
            for lab in spoken)

    # -- what the text declares ------------------------------------------------------------

    def _legend(self, all_lines: list[tuple[int, int]], consumed: int
                ) -> tuple[dict[str, LegendEntry], set[int]]:
        """Legend entries of the whole text, and the lines (indexes into ``self.lines``,
        which starts ``consumed`` lines in) that are legend lines (never speech)."""
        legend: dict[str, LegendEntry] = {}
        lines: set[int] = set()
        block = False  # "Keterangan:" alone, then "P : Peneliti" lines
        for n, (s, e) in enumerate(all_lines):
            line = self.text[s:e].strip()
            found = legend_entries(line)
            for abbr, meaning in found.items():
                entry = legend_entry(meaning)
                if entry is not None:
                    legend.setdefault(label_key(abbr), entry)
            m = re.match(r"^([A-Z][A-Za-z0-9]{0,11})\s*[:：]\s*(\S.{0,60})$", line)
            entry = legend_entry(m.group(2)) if block and m else None
            if entry is not None and m and len(m.group(2).split()) <= 8:
                legend.setdefault(label_key(m.group(1)), entry)
            if found or entry is not None:
                lines.add(n - consumed)
                continue
            block = bool(re.fullmatch(r"keterangan\s*[:：]?", line, re.I))
        return legend, lines

    def _count_uses(self) -> Counter[str]:
        """Candidate labels, counted, so labels "defined by use" can be accepted."""
        uses: Counter[str] = Counter()
        for n, (s, e) in enumerate(self.lines):
            if is_metadata(self._field(n)) or n in self.legend_lines:
                continue
            line = self.text[s:e]
            for regex in (LINE_LABEL_RE, STAMP_LABEL_RE):
                m = regex.match(line)
                if m:
                    uses[clean_label(m.group("label"))] += 1
            heading = MD_HEADING_RE.match(line)
            if heading:
                uses[clean_label(heading.group("title"))] += 1
            for m in INLINE_LABEL_RE.finditer(line):
                uses[clean_label(m.group("label"))] += 1
        return uses

    def _field(self, n: int) -> tuple[str, str, str] | None:
        return self.fields[n][0] if self.fields[n] else None

    def _known(self, clean: str) -> bool:
        """A label that says by itself that it is one."""
        key = label_key(clean)
        if key in self.trusted or key in self.declared or key in self.legend:
            return True
        if not candidate_ok(clean):
            return False
        words = label_core(clean).split()
        return bool(known_role(clean) or is_named(clean) or (
            len(words) == 1 and words[0] in self.name_words))

    def accepted(self, label: str) -> bool:
        """A label known, or used twice or more (an abbreviation defined by use)."""
        clean = clean_label(label)
        if self._known(clean):
            return True
        return (candidate_ok(clean) and self.uses[clean] >= 2
                and len(label_core(clean).split()) <= 4)

    def _joins_in(self, label: str, n: int, *, inline: bool = False) -> bool:
        """A label used once in a labelled text, at the start of a line after a sentence
        ended (``Kader: Iya, Mbak, ...``), or inside a line right after a question (``...
        bidan? Sari : Berat, Mbak``): a speaker who joins in, or one written differently."""
        clean = clean_label(label)
        words = clean.split()
        if not (self.labelled and candidate_ok(clean) and len(words) <= 3
                and all(w[:1].isupper() for w in words)):
            return False
        if inline:
            return True
        prev = next((self.text[s:e].strip() for s, e in reversed(self.lines[:n])
                     if self.text[s:e].strip()), "")
        return not prev or prev[-1] in _SENTENCE_END

    # -- turns ------------------------------------------------------------------------------

    def close_at(self, pos: int) -> None:
        if self.opened and self.opened[-1].end < 0:
            self.opened[-1].end = pos

    def open(self, speaker: str, role: str | None, start: int) -> None:
        self.opened.append(_Open(speaker, role, start, -1, len(self.sessions) - 1))
        self.suspended = False
        self.answer_next = False

    def continue_at(self, pos: int, line: str) -> None:
        """A line without a label: it continues the current turn (across blank lines)."""
        if not self.opened or self.suspended:
            self.preamble.append(line)
            return
        last = self.opened[-1]
        if self.answer_next:
            self.close_at(pos)
            self.open("", INFORMANT, pos)  # the answer to a numbered question, unlabelled
        elif last.start < 0:
            last.start = pos  # the first line under a speaker heading
        elif last.end >= 0:
            self.open(last.speaker, last.role, pos)  # resumes after a heading

    def new_fields(self, n: int, pos: int) -> None:
        """A header line inside the text (a second informant's block): not speech; when
        turns came before it in this session, it starts a new session."""
        self.close_at(pos)
        current = self.sessions[-1]
        if any(t.session == len(self.sessions) - 1 for t in self.opened):
            current = {}
            self.sessions.append(current)
        for name, value, _ in self.fields[n]:
            current.setdefault(name, value)
        self.suspended = True

    def question_end(self, n: int) -> int | None:
        """For a numbered line ``n`` without a label: the line where its question ends (the
        first ``?``, on it or up to three lines later when the question was wrapped), or
        None when it is not a question followed by a label or an answer."""
        for k in range(n, min(n + 4, len(self.lines))):
            s, e = self.lines[k]
            line = self.text[s:e]
            if not line.strip() or (k > n and self._label_at(k) is not None):
                return None
            if "?" in line:
                return k
            if k == n and (len(line.split()) < 5 or line.rstrip()[-1:] in ".!:"):
                return None  # a heading or an item of a list, not a question wrapped
        return None

    def asked_before_answer(self, n: int) -> int | None:
        """In a text whose only labels are the answers' (``Jawab :``), lines ``n`` to the
        returned line are a question without a label: they start after a sentence ended,
        end with ``?`` (up to three lines later), and an answer label comes next."""
        prev = next((self.text[s:e].strip() for s, e in reversed(self.lines[:n])
                     if self.text[s:e].strip()), "")
        blank_before = n == 0 or not self.text[slice(*self.lines[n - 1])].strip()
        if prev and prev[-1] not in _SENTENCE_END and not blank_before:
            return None
        for k in range(n, min(n + 3, len(self.lines))):
            s, e = self.lines[k]
            line = self.text[s:e].rstrip()
            if not line.strip() or (k > n and self._label_at(k) is not None):
                return None
            if not line.endswith("?") and line[-1] in _SENTENCE_END:
                return None  # a sentence ends here: not a question wrapped over lines
            if line.endswith("?"):
                after = next((j for j in range(k + 1, len(self.lines))
                              if self.text[slice(*self.lines[j])].strip()), None)
                label = self._label_at(after) if after is not None else None
                return k if label and known_role(label.group("label")) == INFORMANT else None
        return None

    def _label_at(self, n: int) -> re.Match[str] | None:
        s, e = self.lines[n]
        m = LINE_LABEL_RE.match(self.text[s:e])
        if m and (self.accepted(m.group("label")) or self._joins_in(m.group("label"), n)):
            return m
        return None

    def parse(self) -> ParsedText:
        text = self.text
        question_until = -1
        for n, (s, e) in enumerate(self.lines):
            line = text[s:e]
            stripped = line.strip()
            if not stripped:
                continue
            heading = MD_HEADING_RE.match(line)
            if heading:
                self.close_at(s)
                title = clean_label(heading.group("title"))
                if title and self.accepted(title) and not is_noise(title, Counter()):
                    self.open(_answer_speaker(title) or title, None, -1)
                continue
            stamp = STAMP_LABEL_RE.match(line)
            if stamp and self.accepted(stamp.group("label")):
                self.close_at(s)
                self.open(clean_label(stamp.group("label")), None, -1)
                continue
            bare = bare_label(line)
            if bare is not None and n > question_until:
                self.close_at(s)
                self.open(_answer_speaker(bare) or bare, None, -1)
                continue
            if n in self.legend_lines:
                self.close_at(s)
                continue
            if is_metadata(self._field(n)):
                self.new_fields(n, s)
                continue
            m = self._label_at(n)
            if n > question_until and m is None and (
                    NUMBERED_START_RE.match(line) or self.answers_only):
                end = (self.question_end(n) if NUMBERED_START_RE.match(line)
                       else self.asked_before_answer(n))
                if end is not None:
                    self.close_at(s)
                    self.open("", INTERVIEWER, s + len(line) - len(line.lstrip()))
                    question_until = end
            if n <= question_until:
                self._inline(n, s, line, 0)
                last = self.opened[-1]
                if n == question_until and last.role == INTERVIEWER and not last.speaker:
                    self.answer_next = line.rstrip().endswith("?")
                continue
            before = n == 0 or not text[slice(*self.lines[n - 1])].strip()
            after = n + 1 == len(self.lines) or not text[slice(*self.lines[n + 1])].strip()
            if before and after and m is None and is_title(stripped):
                self.close_at(s)
                continue
            if m is None and is_noise(line, self.repeated):
                self.close_at(s)
                continue
            if m is not None:
                self.close_at(s)
                self._start(m.group("label"), s + m.end())
                self._inline(n, s, line, m.end())
            else:
                self._inline(n, s, line, 0)
        self.close_at(len(text))
        return self._finish()

    def _start(self, label: str, at: int) -> None:
        clean = clean_label(label)
        answer = _answer_speaker(clean)
        if answer is not None:
            self.open(answer, INFORMANT, at)
        else:
            self.open(clean, None, at)

    def _inline(self, n: int, s: int, line: str, offset: int) -> None:
        """Labels and numbered questions inside line ``n`` from ``offset``; the text before
        the first of them continues the current turn."""
        spans: list[tuple[int, int, str | None, str | None]] = []
        for im in INLINE_LABEL_RE.finditer(line, offset):
            label = im.group("label")
            asked = line[:im.start()].rstrip().rstrip("\"”").endswith("?")
            if self.accepted(label) or (asked and self._joins_in(label, n, inline=True)):
                spans.append((im.start(), im.end(), label, None))
        for im in STRONG_INLINE_RE.finditer(line, offset):
            if not any(a <= im.start("label") < b for a, b, _, _ in spans):
                spans.append((im.start(), im.end(), im.group("label"), None))
        for q in INLINE_QUESTION_RE.finditer(line, offset):
            if any(a <= q.start("q") < b for a, b, _, _ in spans):
                continue
            rest = line[q.end():]
            follows = any(a >= q.end() and not line[q.end():a].strip() for a, _, _, _ in spans)
            if follows or (not rest.strip() and self.numbered):
                spans.append((q.start(), q.start("q"), None, INTERVIEWER))
        spans.sort()
        if offset == 0 and (not spans or spans[0][0] > 0):
            self.continue_at(s, line)
        for a, b, label, role in spans:
            self.close_at(s + a)
            if label is None:
                self.open("", role, s + b)
            else:
                self._start(label, s + b)
        if spans and spans[-1][2] is None and not line[spans[-1][1]:].split("?", 1)[1].strip():
            self.answer_next = True  # an inline question ends the line: its answer follows

    def _finish(self) -> ParsedText:
        text = self.text
        spoken = [t for t in self.opened if t.start >= 0]
        if not spoken:
            return _narrative(text, self.lines, self.meta, self.repeated)
        undecided = [t for t in spoken if t.role is None]
        asks = question_share([(t.speaker, text[t.start : t.end]) for t in undecided])
        legend_roles = {k: v.role for k, v in self.legend.items() if v.role is not None}
        labels = assign_roles([t.speaker for t in undecided], asks,
                              {**legend_roles, **self.declared})
        turns = []
        for t in spoken:
            start, end = trim(text, t.start, t.end)
            if end > start:
                turns.append(RawTurn(t.speaker, t.role or labels[t.speaker], start, end,
                                     t.session))
        warnings = []
        preamble = [p for p in self.preamble if p.strip()]
        if preamble:
            warnings.append(f"{len(preamble)} line(s) {PREAMBLE_WARNING} were not treated "
                            "as speech")
        return ParsedText(self.meta, tuple(turns), tuple(warnings), labelled=True,
                          sessions=tuple(self.sessions), legend=self.legend,
                          preamble="\n".join(p.strip() for p in preamble))


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Narrow ``text[start:end]`` to exclude leading and trailing whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _narrative(
    text: str, lines: list[tuple[int, int]], meta: dict[str, str], repeated: Counter[str]
) -> ParsedText:
    """No speaker labels at all: each paragraph is a turn of the one informant."""
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
                turns.append(RawTurn("", INFORMANT, start, end))
            para = []
    warnings = (f"{NO_LABELS_WARNING}; the whole text is treated as the informant's speech",
                ) if turns else ()
    return ParsedText(meta, tuple(turns), warnings, labelled=False, sessions=(dict(meta),))
