"""Speaker labels as Indonesian transcripts write them: the words that name a role, the
honorifics that start a name, the words that are never a label, and the patterns of a label
at the start of a line or inside one (text pasted from a PDF).

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
HONORIFICS = frozenset(
    "pak bu bapak ibu mas mbak mba sdr sdri saudara saudari kak bang abang dik "
    "dr drs dra ir h hj prof ust ustadz kyai".split()
)
# Capitalised words that start ordinary sentences, never a speaker label.
NOT_LABELS = frozenset(
    "jadi contoh contohnya misalnya yaitu yakni catatan keterangan sumber note yang kalau "
    "tapi tetapi intinya pertama kedua ketiga terakhir kesimpulan artinya maksudnya "
    "begini gini alasannya hasilnya dan atau sehingga karena misal nah ya iya "
    "dimensi indikator aspek tujuan dasar hukum judul tema topik waktu hari tanggal".split()
)

_TS = (
    r"(?:\[\s*\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?\s*\]"
    r"|\(\s*\d{1,2}:\d{2}(?::\d{2})?\s*\)|\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?)"
)
_NAME_WORD = r"(?:[A-ZÀ-Ý][\w'.-]*|\d{1,3}|dan|bin|binti|van|de|adalah)"
_LABEL = (
    rf"(?:{_TS}\s*)?"
    rf"(?P<label>(?:\*\*)?(?:{_NAME_WORD})(?:[ \t]+{_NAME_WORD}){{0,5}}"
    r"(?:[ \t]*\([^()\n]{1,60}\))?(?:\*\*)?)"
    rf"(?:[ \t]*{_TS})?[ \t]*[:：](?:\*\*)?[ \t]*(?:{_TS}[ \t]*)?"
)
LINE_LABEL_RE = re.compile(r"^[ \t]*(?:[-–•*>][ \t]*)?" + _LABEL)
INLINE_LABEL_RE = re.compile(r"(?<=[.?!\"”…)])[ \t]+" + _LABEL)
JAWABAN_RE = re.compile(r"^jawaban(?:nya)?(?:\s+adalah)?(?:\s+(?P<who>.+))?$", re.I)
PERTANYAAN_RE = re.compile(r"^pertanyaan(?:\s+(?:ke\s*)?[\d.]+)?$", re.I)
MD_HEADING_RE = re.compile(r"^[ \t]*#{1,6}[ \t]*(?P<title>.*?)[ \t#]*$")
NUMBERED_Q_RE = re.compile(r"^[ \t]*(?:\d{1,3}|[a-z])[.)][ \t]+\S.*\?")


def label_core(label: str) -> str:
    """``"Informan 1 (Kasubbag Umum)"`` -> ``"informan"``; used to look labels up."""
    core = re.sub(r"\(.*?\)|\*", " ", label)
    core = re.sub(r"\d+", " ", core)
    return " ".join(core.lower().replace(".", " ").split())


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
    if first in {"informan", "narasumber", "responden", "subjek", "partisipan"}:
        return INFORMANT
    if first in {"peneliti", "pewawancara", "penanya"}:
        return INTERVIEWER
    return None


def is_named(label: str) -> bool:
    words = label_core(label).split()
    return bool(words) and words[0] in HONORIFICS and len(words) >= 2


def clean_label(label: str) -> str:
    """A label as written, without markdown bold and with single spaces."""
    return " ".join(label.replace("**", "").split())


def candidate_ok(clean: str) -> bool:
    words = label_core(clean).split()
    return bool(words) and words[0] not in NOT_LABELS and len(clean) <= 80

