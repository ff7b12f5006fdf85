"""Who the speakers are: one display name per person in a transcript.

A person may be written with several labels (``Pak Joko`` and ``Kepala Desa``; a diarizer's
``SPEAKER_00`` and ``SPEAKER_03``), and one label may be several people (``Jawab`` before and
after a second informant's header block). :func:`resolve_persons` gives every turn the name to
show for its speaker (``RawTurn.display``), which is what the tables, the report and the
exports count informants by; ``RawTurn.speaker`` stays the label as written.

The display name is, in this order: the speakers file's (``--speakers``); the name a legend
gives an abbreviation (``S1 = Sri Handayani``); the header's name for that role (``Nama
Informan: ...``, ``Pewawancara: ...``) when it can be told whose it is; the role a legend
gives (``P = Peneliti``); else the label as written (in title case when written in capitals).
Without a speakers file, two labels of one session are merged into one informant when the
text says so: one is the header's name (``Pak Joko`` for ``Nama: Joko Susilo``) and the other
the header's position (``Kepala Desa``), or the introduction names them together (``Bapak Joko
Susilo, Kepala Desa Sukamakmur``); every merge is reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

import pandas as pd

from pipeline.stages.header import LegendEntry, looks_like_name, person_name
from pipeline.stages.labels import (
    DIARIZATION_RE,
    HONORIFICS,
    clean_label,
    is_item_label,
    known_role,
    label_key,
    shown_label,
)
from pipeline.stages.names import label_person
from pipeline.stages.speakers import RawTurn
from pipeline.types import INFORMANT, INTERVIEWER, SpeakerEntry

PLACEHOLDER = {INTERVIEWER: "Peneliti", INFORMANT: "Informan"}
"""The name of a speaker who has no label and no name in the header."""
_FIELD = {INTERVIEWER: "interviewer", INFORMANT: "informant"}
MERGED_NOTE = "are read as one informant"
"""Words of the note on two labels merged into one person (``tematik turns`` flags it)."""


@dataclass
class _Voice:
    """One label in one session (or the unlabelled turns of one role in it)."""

    session: int
    label: str
    role: str
    display: str = ""
    fixed: bool = False  # named by the speakers file or a legend: never merged or renamed


def _voice_key(turn: RawTurn) -> tuple[int, str, str]:
    """Item labels (``Pertanyaan 3``, ``Jawaban 03``) of one role are one voice; so are
    the unlabelled turns of one role."""
    if not turn.speaker or is_item_label(turn.speaker):
        return turn.session, "", turn.role
    return turn.session, turn.speaker, turn.role


def _header_names(value: str) -> list[tuple[str, str]]:
    """``"Yuliani, S.Sos. (Informan 1); Rudi Hartono (Informan 2)"`` -> ``[("Yuliani,
    S.Sos.", "informan 1"), ("Rudi Hartono", "informan 2")]``; the tag is what the
    parentheses hold, compared like :func:`label_key`."""
    out = []
    for part in re.split(r"\s*;\s*|\s+dan\s+|\s*&\s*", value):
        if not part.strip() or not looks_like_name(part):
            continue
        tags = re.findall(r"\(([^()]*)\)", part)
        out.append((person_name(part), label_key(tags[0]) if tags else ""))
    return [(n, t) for n, t in out if n]


def person_role(informants: str, roles: str, display: str) -> str:
    """The position of the informant shown as ``display``, from a header that names several
    (``Nama Informan: Yuliani, S.Sos. (Informan 1); Rudi Hartono (Informan 2)`` with
    ``Jabatan: Kepala Subbagian Umum; Staf Keuangan``): the part in the same place as their
    name when both list as many; nothing for someone the header does not name (an informant
    of a later session, whose own header the transcript's fields do not hold); else the
    whole ``roles`` field."""
    names = [n for n, _ in _header_names(informants)]
    if names and display not in names:
        return ""
    parts = [p.strip() for p in roles.split(";")]
    if len(names) < 2 or len(parts) != len(names):
        return roles
    return parts[names.index(display)]


def positions(transcripts: pd.DataFrame, transcript_ids: Iterable[object],
              displays: Iterable[object]) -> list[str]:
    """The position of each (transcript, informant shown as display) pair, from the
    transcripts table's ``informant`` and ``role`` fields (:func:`person_role`); "" where
    the header gives none."""
    if "role" not in transcripts:
        return ["" for _ in transcript_ids]
    names = transcripts["informant"] if "informant" in transcripts else pd.Series(
        "", index=transcripts.index)
    fields = (s.fillna("").astype(str) for s in (names, transcripts["role"]))
    header = {str(i): (n, r) for i, n, r in zip(transcripts["transcript_id"], *fields,
                                                 strict=True)}
    return [person_role(*header.get(str(t), ("", "")), str(d))
            for t, d in zip(transcript_ids, displays, strict=True)]


def header_people(sessions: Sequence[Mapping[str, str]]) -> dict[str, str]:
    """The transcript's ``informant`` and ``role`` fields over all its sessions: each
    session's informant(s) in turn, joined by ``; ``, with their positions in the same
    places (what :func:`person_role` reads back), so the informant of a second session keeps
    her own position. Empty when fewer than two sessions name an informant (the header's own
    fields then stand)."""
    named = [(m, n) for m in sessions if (n := len(_header_names(m.get("informant", ""))))]
    if len(named) < 2:
        return {}
    roles: list[str] = []
    for meta, count in named:
        role = meta.get("role", "").strip()
        parts = [p.strip() for p in role.split(";")]
        roles += parts if len(parts) == count else [role] * count
    return {"informant": "; ".join(m["informant"].strip() for m, _ in named),
            "role": "; ".join(roles)}


def _name_words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[^\W\d_]{3,}", text)} - HONORIFICS


def _is_name_label(label: str) -> bool:
    """A label that is a person's name (``Pak Joko``, ``Agus``), not a role (``Kepala
    Desa``, ``Informan 1``) or a code (``S1``, ``SPEAKER_00``)."""
    return bool(label) and not DIARIZATION_RE.match(label) and label_person(label) is not None


def resolve_persons(
    turns: Sequence[RawTurn],
    *,
    sessions: Sequence[Mapping[str, str]] = (),
    legend: Mapping[str, LegendEntry] | None = None,
    preamble: str = "",
    speakers: Mapping[str, SpeakerEntry] | None = None,
) -> tuple[tuple[RawTurn, ...], tuple[str, ...]]:
    """Every turn with its ``display`` name (see the module doc), and notes on the labels
    merged into one person.

    ``sessions``: the metadata of each session (:attr:`ParsedText.sessions`); ``legend``:
    what abbreviations mean (keyed by :func:`label_key`); ``preamble``: the introduction
    before the first label; ``speakers``: the speakers file's entries for this transcript
    (keyed by :func:`label_key`).
    """
    legend = legend or {}
    speakers = speakers or {}
    voices: dict[tuple[int, str, str], _Voice] = {}
    for t in turns:
        voices.setdefault(_voice_key(t), _Voice(t.session, t.speaker, t.role))
    for v in voices.values():
        entry = speakers.get(label_key(v.label)) if v.label else None
        if entry is not None:
            v.display, v.fixed = entry.display or entry.person or shown_label(v.label), True
            continue
        named = legend.get(label_key(v.label)) if v.label else None
        if named is not None and named.role is None:
            v.display, v.fixed = named.name, True
    for session in {v.session for v in voices.values()}:
        meta = sessions[session] if session < len(sessions) else {}
        own = [v for v in voices.values() if v.session == session]
        for role in (INFORMANT, INTERVIEWER):
            _name_from_header(own, role, meta)
    for v in voices.values():
        if not v.display:
            named = legend.get(label_key(v.label)) if v.label else None
            v.display = (named.name if named is not None and named.name else
                         shown_label(_unnumbered(v.label)) if v.label else PLACEHOLDER[v.role])
    notes = _merge_aliases(list(voices.values()), sessions, preamble)
    notes += _merge_names(list(voices.values()))
    _unlabelled_join(voices)
    return tuple(replace(t, display=voices[_voice_key(t)].display) for t in turns), tuple(notes)


def _unnumbered(label: str) -> str:
    """``Jawaban 03`` -> ``Jawaban``: item labels name one speaker whatever their number."""
    if not is_item_label(label):
        return label
    return re.sub(r"[\s.]*\d+[.)]?\s*$", "", clean_label(label)) or label


def _name_from_header(own: list[_Voice], role: str, meta: Mapping[str, str]) -> None:
    """Give the voices of ``role`` in one session the header's name(s) for that role."""
    names = _header_names(meta.get(_FIELD[role], ""))
    open_voices = [v for v in own if v.role == role and not v.fixed]
    if not names or not open_voices:
        return
    for v in open_voices:  # "Yuliani (Informan 1)" names the label "Informan 1 (...)"
        base = label_key(re.sub(r"\([^()]*\)", "", v.label))
        v.display = next((n for n, tag in names if tag and tag == base), v.display)
    for v in open_voices:  # "Pak Joko" is "Joko Susilo"
        words = _name_words(v.label)
        if not v.display and words and _is_name_label(v.label):
            v.display = next((n for n, _ in names if words <= _name_words(n)), "")
    rest = [v for v in open_voices if not v.display]
    taken = {v.display for v in open_voices if v.display}
    free = [n for n, _ in names if n not in taken]
    if len(free) == 1 and len(rest) == 1 and not (taken and _is_name_label(rest[0].label)):
        rest[0].display = free[0]


def _merge_aliases(voices: list[_Voice], sessions: Sequence[Mapping[str, str]],
                   preamble: str) -> list[str]:
    """Join a position label into the named informant the text introduces with it."""
    notes = []
    for a in voices:
        if a.role != INFORMANT or a.fixed or not _is_name_label(a.label):
            continue
        meta = sessions[a.session] if a.session < len(sessions) else {}
        for b in voices:
            if (b is a or b.session != a.session or b.role != INFORMANT or b.fixed
                    or not b.label or _is_name_label(b.label) or known_role(b.label)
                    or is_item_label(b.label) or b.display == a.display):
                continue
            if _introduced_as(a, b, meta, preamble):
                notes.append(f"'{a.label}' and '{b.label}' {MERGED_NOTE}, "
                             f"{a.display} (introduced as {b.label}); give a speakers file "
                             "(--speakers) to keep them apart")
                b.display = a.display
    return notes


def _merge_names(voices: list[_Voice]) -> list[str]:
    """Two name labels of one informant in a session (``Bu Sari`` and ``Sari``, ``Pak Agus``
    and ``Agus Wijaya``): the words of one are words of the other. The fuller one names
    both."""
    notes = []
    named = sorted((v for v in voices if v.role == INFORMANT and not v.fixed
                    and _is_name_label(v.label)), key=lambda v: -len(_name_words(v.label)))
    for i, big in enumerate(named):
        for small in named[i + 1:]:
            words = _name_words(small.label)
            if (small.session == big.session and small.display != big.display and words
                    and words <= _name_words(big.label) | _name_words(big.display)):
                notes.append(f"'{big.label}' and '{small.label}' {MERGED_NOTE}, "
                             f"{big.display}; give a speakers file (--speakers) to keep them "
                             "apart")
                small.display = big.display
    return notes


def _introduced_as(a: _Voice, b: _Voice, meta: Mapping[str, str], preamble: str) -> bool:
    """Whether the header or the introduction says the person ``a`` holds position ``b``."""
    position = " ".join(b.label.lower().split())
    header = " ".join(f"{meta.get('role', '')} {meta.get('informant', '')}".lower().split())
    names = _header_names(meta.get("informant", ""))
    if any(a.display == n for n, _ in names) and re.search(
            rf"(?:^|[\s(]){re.escape(position)}\b", header):
        return True
    for word in _name_words(a.label):
        forward = (rf"\b{re.escape(word)}\b(?:\s+[A-Z][\w.]*){{0,3}}\s*[,(]\s*"
                   rf"{re.escape(b.label)}\b")
        backward = (rf"\b{re.escape(b.label)}\b[^,.;\n]{{0,40}}[,(]\s*(?:[A-Z][\w.]*\s+){{0,2}}"
                    rf"{re.escape(word)}\b")
        if re.search(forward, preamble, re.I) or re.search(backward, preamble, re.I):
            return True
    return False


def _unlabelled_join(voices: dict[tuple[int, str, str], _Voice]) -> None:
    """The unlabelled turns of a role (numbered questions, their answers) are the one
    labelled speaker of that role in the session, when there is exactly one."""
    for (session, label, role), v in voices.items():
        if label or v.fixed:
            continue
        others = {o.display for (s, lab, r), o in voices.items()
                  if s == session and r == role and lab}
        if len(others) == 1:
            v.display = next(iter(others))
