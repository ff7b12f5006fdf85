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

import yaml

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
METADATA_KEYS = {
    "nama": "informant", "nama informan": "informant", "informan": "informant",
    "narasumber": "informant", "nama narasumber": "informant", "responden": "informant",
    "nama responden": "informant", "informant": "informant",
    "jabatan": "role", "pekerjaan": "role", "peran": "role", "posisi": "role", "role": "role",
    "unit": "unit", "unit kerja": "unit", "instansi": "unit", "bidang": "unit",
    "bagian": "unit", "dinas": "unit", "kantor": "unit",
    "tanggal": "date", "hari/tanggal": "date", "hari / tanggal": "date", "hari": "date",
    "date": "date", "tgl": "date", "hari, tanggal": "date",
    "tempat": "place", "lokasi": "place", "place": "place", "tempat wawancara": "place",
    "waktu": "time", "jam": "time", "pukul": "time", "durasi": "duration",
    "pewawancara": "interviewer", "peneliti": "interviewer", "interviewer": "interviewer",
    "kode": "code", "kode informan": "code", "usia": "age", "umur": "age",
    "jenis kelamin": "gender", "pendidikan": "education", "masa kerja": "tenure",
    "keterangan": "legend", "alamat": "address", "golongan": "rank",
    "nip": "nip", "nik": "nik", "telp": "phone", "telepon": "phone", "hp": "phone",
    "no hp": "phone", "email": "email", "wa": "phone", "whatsapp": "phone",
}
SPEAKERLIKE_KEYS = frozenset({"informant", "interviewer"})

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
ALIAS_RE = re.compile(r"\b(?P<abbr>[A-Z][A-Za-z]{0,3})\s*=\s*(?P<name>[A-Z][\w.' ]{1,40})")
LEGEND_RE = re.compile(
    r"\b(?P<abbr>[A-Z][A-Za-z]{0,3})\s*[=:]\s*(?P<who>peneliti|pewawancara|penanya|interviewer|"
    r"penulis)\b",
    re.I,
)


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


def _is_named(label: str) -> bool:
    words = label_core(label).split()
    return bool(words) and words[0] in HONORIFICS and len(words) >= 2


def clean_label(label: str) -> str:
    """A label as written, without markdown bold and with single spaces."""
    return " ".join(label.replace("**", "").split())


def _candidate_ok(clean: str) -> bool:
    words = label_core(clean).split()
    return bool(words) and words[0] not in NOT_LABELS and len(clean) <= 80


def _front_matter(text: str) -> tuple[dict[str, str], int]:
    if not text.startswith("---\n"):
        return {}, 0
    close = text.find("\n---", 4)
    if close < 0:
        return {}, 0
    try:
        data = yaml.safe_load(text[4:close])
    except yaml.YAMLError:
        return {}, 0
    if not isinstance(data, dict):
        return {}, 0
    end = text.find("\n", close + 1)
    end = len(text) if end < 0 else end + 1
    meta = {}
    for key, value in data.items():
        name = METADATA_KEYS.get(str(key).strip().lower(), str(key).strip().lower())
        meta[name] = str(value)
    return meta, end


def _lines(text: str, offset: int) -> list[tuple[int, int]]:
    """(start, end) of each line from ``offset``, ends excluding the newline."""
    spans = []
    pos = offset
    while pos < len(text):
        nl = text.find("\n", pos)
        nl = len(text) if nl < 0 else nl
        spans.append((pos, nl))
        pos = nl + 1
    return spans


_MARKUP_RE = re.compile(r"^[ \t]*(?:[-–•*>][ \t]+)?|\*\*|__")


def _metadata_line(line: str) -> tuple[str, str, str] | None:
    """``(field, value, key)`` for a ``Key: value`` metadata line (``- **Jabatan:** ...``).

    A key that is also a speaker label (``Informan:``) is metadata only in a header block;
    :func:`_is_metadata` tells the two apart inside the text.
    """
    plain = _MARKUP_RE.sub("", line).strip()
    m = re.match(r"^([A-Za-z][A-Za-z /,]{0,30}?)\s*[:：]\s*(.*)$", plain)
    if not m:
        return None
    key = " ".join(m.group(1).lower().split())
    value = m.group(2).strip()
    if key not in METADATA_KEYS or len(value.split()) > 14 or "?" in value:
        return None
    return METADATA_KEYS[key], value, key


def _header_block(text: str, lines: list[tuple[int, int]]) -> tuple[dict[str, str], int]:
    """Metadata from ``Key: value`` lines at the top; returns (metadata, lines consumed)."""
    meta: dict[str, str] = {}
    consumed = 0
    pure = False
    titles = 0
    for i, (s, e) in enumerate(lines):
        line = text[s:e].strip()
        if not line or (not meta and (_is_noise(line, Counter()) or line.startswith("#"))):
            continue
        found = _metadata_line(line)
        if found is None and not meta and titles < 3 and len(line.split()) <= 12:
            titles += 1  # a title line above the header block
            continue
        if found is None:
            break
        name, value, _ = found
        meta.setdefault(name, value)
        pure = pure or name not in SPEAKERLIKE_KEYS
        consumed = i + 1
    return (meta, consumed) if pure else ({}, 0)


def _is_metadata(found: tuple[str, str, str] | None) -> bool:
    """A metadata line inside the text: its key is not a speaker label such as ``Informan``."""
    return found is not None and known_role(found[2]) is None


def _jawaban_speaker(label: str, informant: str) -> str | None:
    """``Jawaban Kepala Desa`` -> ``Kepala Desa``; ``Jawaban 3``/``Jawabannya adalah`` -> the
    current informant; None for labels that are not answers."""
    jawaban = JAWABAN_RE.match(label_core(label))
    if not jawaban:
        return None
    who = re.sub(r"^\W*jawaban(?:nya)?(?:\s+adalah)?[\s\d.]*", "", label, flags=re.I).strip()
    return who or informant


def _is_title(line: str) -> bool:
    """A short Title Case line with no sentence punctuation: a heading when it stands alone."""
    words = [w for w in line.split() if any(c.isalpha() for c in w)]
    if not 2 <= len(words) <= 10 or line.rstrip()[-1] in ".?!,;:\"”":
        return False
    capital = sum(w.lstrip("(\"'")[:1].isupper() for w in words)
    return capital / len(words) >= 0.6


def _is_noise(line: str, repeated: Counter[str]) -> bool:
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
    meta, body = _front_matter(text)
    lines = _lines(text, body)
    head, consumed = _header_block(text, lines)
    for key, value in head.items():
        meta.setdefault(key, value)
    found_at = [_metadata_line(text[s:e]) for s, e in lines]
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
        if _is_metadata(found):
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
        if not _candidate_ok(clean):
            return False
        core = label_core(clean)
        if known_role(clean) or _is_named(clean) or core in legend:
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
        if found and _is_metadata(found):
            # A header line inside the text (a second informant's block): not speech.
            close_at(s)
            if found[0] == "informant":
                informant = found[1]
            continue
        m = LINE_LABEL_RE.match(line)
        standalone = (n == 0 or not text[slice(*lines[n - 1])].strip()) and (
            n + 1 == len(lines) or not text[slice(*lines[n + 1])].strip())
        if standalone and not m and _is_title(stripped):
            close_at(s)
            continue
        noise = _is_noise(line, repeated)
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


def assign_roles(
    labels: list[str], asks: dict[str, float], legend: dict[str, str] | None = None
) -> dict[str, str]:
    """Role of each label: known words first, then who asks the questions.

    ``asks`` is, per label, the share of its turns that contain a question mark.
    """
    legend = legend or {}
    roles: dict[str, str] = {}
    unknown = []
    cores = {label_core(lab) for lab in labels}
    for lab in dict.fromkeys(labels):
        core = label_core(lab)
        role = known_role(lab)
        if core == "i" and "r" in cores and "p" not in cores:
            role = INTERVIEWER  # I: Interviewer / R: Responden
        if core in legend:
            role = legend[core]
        if role is None:
            unknown.append(lab)
        else:
            roles[lab] = role
    if unknown:
        has_interviewer = INTERVIEWER in roles.values()
        asker = max(unknown, key=lambda lab: (asks.get(lab, 0.0), -unknown.index(lab)))
        share = asks.get(asker, 0.0)
        for lab in unknown:
            is_asker = (
                not has_interviewer
                and lab == asker
                and share >= 0.5
                and (len(unknown) > 1 or share >= 0.8)
            )
            roles[lab] = INTERVIEWER if is_asker else INFORMANT
    return roles


def question_share(labelled_texts: list[tuple[str, str]]) -> dict[str, float]:
    """Per label, the share of its turns that ask something."""
    total: Counter[str] = Counter()
    asked: Counter[str] = Counter()
    for label, text in labelled_texts:
        total[label] += 1
        asked[label] += "?" in text
    return {label: asked[label] / total[label] for label in total}


def _narrative(
    text: str, lines: list[tuple[int, int]], meta: dict[str, str], repeated: Counter[str]
) -> ParsedText:
    """No speaker labels at all: each paragraph is a turn of the one informant."""
    speaker = meta.get("informant", "Informan")
    turns: list[RawTurn] = []
    para: list[int] = []
    for s, e in [*lines, (len(text), len(text))]:
        line = text[s:e]
        if line.strip() and not _is_noise(line, repeated):
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
