"""``tematik turns``: who speaks, as tematik reads it, before any analysis.

Reads the transcripts as ``tematik run`` would (the same readers, speakers files and
``--interviewer-label``s), cuts the passages, and shows per transcript who speaks (label,
display name, role), how many turns and passages each has, and the first words of every
turn; and flags what looks wrong. No run directory is written.

Flags (``kind``):

- ``once``: a label used by one turn only, by someone who says nothing else (a speaker
  who joins in, or a word taken for a label);
- ``long``: a very long turn (over :data:`~pipeline.config.LONG_TURN_WORDS` words and three
  times the transcript's median), which may hold several speakers;
- ``hidden_label``: inside an answer, a question mark followed by ``Name :`` (a label that was
  not seen: an interviewer's question inside the answer) or by a numbered question;
- ``preamble``: text before the first label that is not speech;
- ``no_question``: a passage with no interviewer question before it;
- ``no_labels``: a text without speaker labels, read as one informant's narrative;
- ``no_informant``: a transcript without informant turns;
- ``merged``: labels read as one person (``Pak Joko`` and ``Kepala Desa``).
"""

from __future__ import annotations

import csv
import io
import re
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.config import LONG_TURN_WORDS, PREVIEW_WORDS, RunConfig
from pipeline.errors import InputFileError
from pipeline.readers.ingest import NO_INFORMANT_WARNING, find_files, read_files
from pipeline.readers.speakers_file import read_speakers
from pipeline.resources import load_lexicon
from pipeline.stages.persons import MERGED_NOTE
from pipeline.stages.segment import segment
from pipeline.stages.speakers import NO_LABELS_WARNING, PREAMBLE_WARNING
from pipeline.types import INFORMANT, INTERVIEWER, Corpus, Passage, Turn

CSV_COLUMNS = ["transcript_id", "source", "turn", "speaker", "display", "role", "start", "end",
               "words", "passages", "first_words", "flags"]
_HIDDEN_LABEL_RE = re.compile(
    r"\?[\"”]?[ \t]+(?P<label>[A-ZÀ-Ý][\w'.-]*(?:[ \t][A-ZÀ-Ý][\w'.-]*){0,5})[ \t]*[:：]")
_HIDDEN_QUESTION_RE = re.compile(r"[.?!\"”][ \t]+\d{1,2}[.)][ \t]+[A-ZÀ-Ý][^?\n]{3,200}\?")
_WORD_RE = re.compile(r"\S+")


@dataclass(frozen=True)
class Flag:
    """Something in a transcript that looks wrong; ``turn`` is None for the transcript."""

    transcript_id: str
    turn: int | None
    kind: str
    message: str


@dataclass
class TurnsPreview:
    """What ``tematik turns`` found: the corpus as read, its passages, and the flags."""

    corpus: Corpus
    passages: list[Passage]
    flags: list[Flag] = field(default_factory=list)

    @property
    def notes(self) -> list[str]:
        """Warnings about files rather than transcripts (a file skipped, a speakers-file
        label no transcript has)."""
        sources = tuple(f"{t.source}: " for t in self.corpus.transcripts)
        return [w for w in self.corpus.warnings if not w.startswith(sources)]


def preview_turns(inputs: Sequence[Path], *, interviewer_labels: Sequence[str] = (),
                  speakers: Sequence[Path] = ()) -> TurnsPreview:
    """Read ``inputs`` (files and folders) as ``tematik run`` would and flag what looks
    wrong. Raises :class:`UsageError` for a missing path or a folder with no transcripts,
    :class:`InputFileError` for a bad speakers file or when no file could be read."""
    config = RunConfig(interviewer_labels=tuple(interviewer_labels), speakers=tuple(speakers))
    speaker_map = read_speakers(config.speakers)
    files, warnings = find_files([Path(p) for p in inputs])
    corpus = read_files(files, warnings, interviewer_labels=config.interviewer_labels,
                        limits=config.limits, speakers=speaker_map)
    if not corpus.transcripts:
        raise InputFileError(", ".join(map(str, inputs)), "no transcript could be read",
                             fix="See the messages above for each file.")
    passages = segment(corpus.transcripts, corpus.turns, window_words=config.window_words,
                       filler_words=load_lexicon(config.models_dir).fillers)
    return TurnsPreview(corpus, passages, flags(corpus, passages))


def flags(corpus: Corpus, passages: Sequence[Passage]) -> list[Flag]:
    """Everything :mod:`this module's <pipeline.runs.turns>` doc lists, in transcript
    order."""
    out: list[Flag] = []
    notes: dict[str, list[str]] = {}
    for warning in corpus.warnings:
        for t in corpus.transcripts:
            if warning.startswith(f"{t.source}: "):
                notes.setdefault(t.transcript_id, []).append(warning[len(t.source) + 2:])
    by_tid: dict[str, list[Turn]] = {}
    for turn in corpus.turns:
        by_tid.setdefault(turn.transcript_id, []).append(turn)
    unasked = Counter(p.transcript_id for p in passages if not p.question)
    first_unasked: dict[str, int] = {}
    for p in passages:
        if not p.question:
            first_unasked.setdefault(p.transcript_id, p.turn_first)
    for t in corpus.transcripts:
        tid = t.transcript_id
        turns = by_tid.get(tid, [])
        for note in notes.get(tid, []):
            kind = ("preamble" if PREAMBLE_WARNING in note else
                    "no_labels" if NO_LABELS_WARNING in note else
                    "merged" if MERGED_NOTE in note else
                    "no_informant" if NO_INFORMANT_WARNING in note else "")
            if kind:
                out.append(Flag(tid, None, kind, note))
        uses = Counter(turn.speaker for turn in turns if turn.speaker)
        turns_of = Counter(turn.who for turn in turns)
        sizes = [len(_WORD_RE.findall(turn.text)) for turn in turns]
        median = statistics.median(sizes) if sizes else 0
        for turn, size in zip(turns, sizes, strict=True):
            if len(turns) >= 4 and uses[turn.speaker] == 1 and turns_of[turn.who] == 1:
                out.append(Flag(tid, turn.turn, "once", f"label '{turn.speaker}' is used once: "
                                "a speaker who joins in, or a word taken for a label?"))
            if size > LONG_TURN_WORDS and size > 3 * median:
                out.append(Flag(tid, turn.turn, "long", f"a very long turn ({size} words): "
                                "several speakers whose labels were not seen?"))
            if turn.role == INFORMANT:
                hidden = _HIDDEN_LABEL_RE.search(turn.text)
                if hidden:
                    out.append(Flag(tid, turn.turn, "hidden_label",
                                    f"a question mark then '{hidden.group('label')} :' inside "
                                    "an answer: a label tematik did not take? (--speakers, "
                                    "--interviewer-label)"))
                elif _HIDDEN_QUESTION_RE.search(turn.text):
                    out.append(Flag(tid, turn.turn, "hidden_label", "a numbered question "
                                    "inside an answer"))
        if unasked[tid]:
            out.append(Flag(tid, first_unasked[tid], "no_question",
                            f"{unasked[tid]} passage(s) with no question before them"))
    return out


def _first_words(text: str, n: int) -> str:
    words = text.split()
    return " ".join(words[:n]) + (" ..." if len(words) > n else "")


def turns_text(preview: TurnsPreview, *, words: int = PREVIEW_WORDS) -> str:
    """The preview for a terminal: per transcript its speakers, its turns (first ``words``
    words), and its flags; a summary at the end."""
    corpus = preview.corpus
    lines: list[str] = []
    for t in corpus.transcripts:
        tid = t.transcript_id
        turns = [x for x in corpus.turns if x.transcript_id == tid]
        own = [p for p in preview.passages if p.transcript_id == tid]
        lines.append(f"{tid}  ({t.source}, {t.format})")
        people: dict[tuple[str, str], dict[str, int]] = {}
        for x in turns:
            entry = people.setdefault((x.who, x.role), {})
            entry[x.speaker or "(no label)"] = entry.get(x.speaker or "(no label)", 0) + 1
        passages_of = Counter(p.display or p.speaker for p in own)
        for (who, role), labels in people.items():
            written = ", ".join(f"{lab} x{n}" for lab, n in labels.items())
            count = f", {passages_of[who]} passage(s)" if role == INFORMANT else ""
            lines.append(f"  {who} ({role}): {sum(labels.values())} turn(s){count}; "
                         f"labels {written}")
        for x in turns:
            tag = "P" if x.role == INTERVIEWER else "I"
            label = x.speaker or "-"
            lines.append(f"    {x.turn:>3} {tag} {label[:24]:<24} {_first_words(x.text, words)}")
        for f in (f for f in preview.flags if f.transcript_id == tid):
            where = f"turn {f.turn}: " if f.turn is not None else ""
            lines.append(f"  ! {where}{f.message}")
        lines.append("")
    informants = {(x.transcript_id, x.who) for x in corpus.turns if x.role == INFORMANT}
    lines.append(f"{len(corpus.transcripts)} transcript(s), {len(informants)} informant(s), "
                 f"{len(corpus.turns)} turn(s), {len(preview.passages)} passage(s), "
                 f"{len(preview.flags)} flag(s)")
    return "\n".join(lines) + "\n"


def turns_csv(preview: TurnsPreview, *, words: int = PREVIEW_WORDS) -> str:
    """One row per turn (columns :data:`CSV_COLUMNS`); a transcript's own flags go on its
    first turn."""
    corpus = preview.corpus
    source = {t.transcript_id: t.source for t in corpus.transcripts}
    in_passage: dict[tuple[str, int], list[str]] = {}
    for p in preview.passages:
        for n in range(p.turn_first, p.turn_last + 1):
            in_passage.setdefault((p.transcript_id, n), []).append(p.passage_id)
    flagged: dict[tuple[str, int | None], list[str]] = {}
    for f in preview.flags:
        flagged.setdefault((f.transcript_id, f.turn), []).append(f.kind)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    seen: set[str] = set()
    for x in corpus.turns:
        kinds = flagged.get((x.transcript_id, x.turn), [])
        if x.transcript_id not in seen:
            seen.add(x.transcript_id)
            kinds = [*flagged.get((x.transcript_id, None), []), *kinds]
        writer.writerow([x.transcript_id, source.get(x.transcript_id, ""), x.turn, x.speaker,
                         x.who, x.role, x.start, x.end, len(_WORD_RE.findall(x.text)),
                         " ".join(dict.fromkeys(in_passage.get((x.transcript_id, x.turn), []))),
                         _first_words(x.text, words), " ".join(kinds)])
    return out.getvalue()
