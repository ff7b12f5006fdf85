"""Speaker labels as Indonesian transcripts write them: the words that name a role, the
honorifics that start a name, the words that are never a label, and the patterns of a label
at the start of a line, inside one (text pasted from a PDF), or alone on a line before the
turn (markdown headings, recorder exports such as Otter's ``Speaker 1  00:01``).

Data and small pure functions; :mod:`pipeline.stages.speakers` uses them to find turns.
"""

from __future__ import annotations

import re

from pipeline.types import INFORMANT, INTERVIEWER

# Label words, compared lowercased with numbers and parentheticals removed.
INTERVIEWER_LABELS = frozenset(
    "p peneliti pewawancara penanya penulis interviewer moderator fasilitator t tanya "
    "q question pertanyaan pw int".split()
)
INFORMANT_LABELS = frozenset(
    "i informan informant narasumber nara sumber r responden j jawab jawaban a answer s "
    "subjek key informan informan kunci partisipan participant n".split()
)
ITEM_LABELS = frozenset("pertanyaan jawaban jawabannya tanya jawab question answer".split())
"""Labels whose number counts questions, not people: ``Pertanyaan 3``, ``Jawaban 03`` are one
interviewer and one informant (``Informan 1`` and ``Informan 2`` are two informants)."""
HONORIFICS = frozenset(
    "pak bu bapak ibu mas mbak mba sdr sdri saudara saudari kak bang abang dik "
    "dr drs dra ir h hj prof ust ustadz kyai".split()
)
# Capitalised words that start ordinary sentences, never a speaker label.
NOT_LABELS = frozenset(
    "jadi contoh contohnya misalnya yaitu yakni catatan keterangan sumber note yang kalau "
    "tapi tetapi intinya pertama kedua ketiga terakhir kesimpulan artinya maksudnya "
    "begini gini alasannya hasilnya dan atau sehingga karena misal nah ya iya "
    "dimensi indikator aspek tujuan dasar hukum judul tema topik waktu hari tanggal "
    "pukul jam lampiran tabel gambar bab transcribed http https www".split()
)

_TS = (
    r"(?:\[\s*\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?\s*\]"
    r"|\(\s*\d{1,2}:\d{2}(?::\d{2})?\s*\)|\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?)"
)
_NAME_WORD = r"(?:[A-ZÀ-Ý][\w'.-]*|\d{1,3}|dan|bin|binti|van|de|adalah)"
_DEGREES = r"(?:,[ \t]*(?:[A-Z][A-Za-z]{0,4}\.){1,3})*"  # "Ahmad Rasyid, M.Si."
_LABEL = (
    rf"(?:{_TS}\s*)?"
    rf"(?P<label>(?:\*\*)?(?:\[[ \t]*)?(?:{_NAME_WORD})(?:[ \t]+{_NAME_WORD}){{0,5}}{_DEGREES}"
    r"(?:[ \t]*\([^()\n]{1,60}\))?(?:[ \t]*\])?(?:\*\*)?)"
    rf"(?:[ \t]*{_TS})?[ \t]*[:：](?:\*\*)?[ \t]*(?:{_TS}[ \t]*)?"
)
LINE_LABEL_RE = re.compile(r"^[ \t]*(?:[-–•*>][ \t]*)?(?:\d{1,3}[.)][ \t]+)?" + _LABEL)
"""A label at the start of a line, after a bullet or a turn number (``1. P:``)."""
INLINE_LABEL_RE = re.compile(r"(?<=[.?!\"”…)])[ \t]+" + _LABEL)
"""A label inside a line after the end of a sentence (several turns pasted on one line)."""
STRONG_INLINE_RE = re.compile(
    r"(?<=\S)[ \t]+(?P<label>(?:Peneliti|Pewawancara|Penanya|Interviewer|Informan|Narasumber|"
    r"Responden|PENELITI|PEWAWANCARA|INFORMAN|NARASUMBER|RESPONDEN)(?:[ \t]+\d{1,2})?"
    r"(?:[ \t]*\([^()\n]{1,60}\))?)[ \t]*[:：][ \t]*(?=\S)")
"""A role word as a label inside a line even without a sentence end before it (a PDF copy
that lost the answer's last full stop: ``... ya gitu Peneliti : Terus?``)."""
STAMP_LABEL_RE = re.compile(
    r"^[ \t]*(?:\*\*)?(?P<label>[A-ZÀ-Ý][\w'’.-]*(?:[ \t][A-ZÀ-Ý\d][\w'’.-]*){0,4})"
    r"(?:\*\*)?[ \t]+(?:[-–|][ \t]*)?[\[(]?(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d+)?[\])]?"
    r"(?:\*\*)?[ \t]*$")
"""A label alone on a line with the time it was said, the turn on the next lines (Otter and
Google Recorder exports: ``Speaker 1  00:01``, ``Putri Anggraini  0:05``; other services:
``**Pembicara 1** (00:00:12)``, ``Speaker 2 - 01:05``)."""
JAWABAN_RE = re.compile(r"^jawaban(?:nya)?(?:\s+adalah)?(?:\s+(?P<who>.+))?$", re.I)
PERTANYAAN_RE = re.compile(r"^pertanyaan(?:\s+(?:ke\s*)?[\d.]+)?$", re.I)
MD_HEADING_RE = re.compile(r"^[ \t]*#{1,6}[ \t]*(?P<title>.*?)[ \t#]*$")
NUMBERED_START_RE = re.compile(r"^[ \t]*\d{1,3}[.)][ \t]+[\"“]?[A-ZÀ-Ý]")
"""A numbered line: a question of a numbered list when it ends with ``?`` (possibly a line or
two later, when the question was wrapped)."""
INLINE_QUESTION_RE = re.compile(
    r"(?<=[.?!\"”…)])[ \t]+(?P<q>\d{1,2}[.)][ \t]+[\"“]?[A-ZÀ-Ý][^?\n]{2,300}\?)")
"""A numbered question inside a line, right after the previous answer ended."""
DIARIZATION_RE = re.compile(r"^(?:speaker|spk|pembicara|penutur)[ _-]?\d{1,3}$", re.I)
"""A label an automatic transcriber gave: ``SPEAKER_00``, ``Speaker 1``; never renamed."""


def bare_label(line: str) -> str | None:
    """A line that is only a role label, with no colon (``Pertanyaan 3``, ``Jawaban``,
    ``**Informan**``): the label, its turn on the next lines; None for anything else."""
    text = re.sub(r"\*\*|__", "", line).strip().rstrip(":：").strip()
    if not text or len(text) > 40 or len(text.split()) > 4 or not text[0].isupper():
        return None
    return text if known_role(text) is not None and not re.search(r"[.,;?!]", text) else None


def label_core(label: str) -> str:
    """``"Informan 1 (Kasubbag Umum)"`` -> ``"informan"``; used to look labels up."""
    core = re.sub(r"\(.*?\)|[*\[\]]", " ", label)
    core = re.sub(r"\d+", " ", core)
    return " ".join(core.lower().replace(".", " ").split())


def label_key(label: str) -> str:
    """``"**[SPEAKER_00]**"`` -> ``"speaker_00"``, ``"S1"`` -> ``"s1"``: a label compared with
    another (a legend's, a speakers file's) without case, markup or spacing; numbers count."""
    return " ".join(clean_label(label).lower().split())


def known_role(label: str) -> str | None:
    """The role a label announces by itself, or None for names and abbreviations."""
    core = label_core(label)
    if not core:
        return None
    if core in INTERVIEWER_LABELS or PERTANYAAN_RE.match(core):
        return INTERVIEWER
    if core in INFORMANT_LABELS or JAWABAN_RE.match(core):
        return INFORMANT
    first = core.split()[0]
    if first in {"informan", "narasumber", "responden", "subjek", "partisipan", "jawab"}:
        return INFORMANT
    if first in {"peneliti", "pewawancara", "penanya", "pertanyaan", "tanya"}:
        return INTERVIEWER  # "Pertanyaan dari Panelis", "Pertanyaan Moderator"
    return None


def is_named(label: str) -> bool:
    words = label_core(label).split()
    return bool(words) and words[0] in HONORIFICS and len(words) >= 2


def clean_label(label: str) -> str:
    """A label as written, without markdown bold, brackets and a trailing colon, with single
    spaces."""
    label = label.replace("**", "").replace("__", "").rstrip(" \t:：")
    label = re.sub(r"^\s*\[\s*|\s*\]\s*$", "", label).rstrip(" :：")
    return " ".join(label.split())


def candidate_ok(clean: str) -> bool:
    words = label_core(clean).split()
    return bool(words) and words[0] not in NOT_LABELS and len(clean) <= 80


def is_item_label(label: str) -> bool:
    """``Pertanyaan 3``, ``Jawaban 03``, ``Jawabannya adalah``: see :data:`ITEM_LABELS`."""
    words = label_core(label).split()
    return bool(words) and words[0] in ITEM_LABELS


def shown_label(label: str) -> str:
    """A label as a name to show: as written, except that a label written in capitals is
    shown in title case (``DEWI`` -> ``Dewi``, ``PAK JOKO`` -> ``Pak Joko``); abbreviations of
    three letters or fewer (``KS``, ``TU``) and automatic labels (``SPEAKER_00``) stay."""
    letters = [c for c in label if c.isalpha()]
    if DIARIZATION_RE.match(label) or not letters or not all(c.isupper() for c in letters):
        return label
    return " ".join(w.capitalize() if w.isalpha() and (len(w) >= 4 or w.lower() in HONORIFICS)
                    else w for w in label.split())
