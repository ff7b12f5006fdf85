"""Anonymise: pseudonyms for the people in the transcripts, placeholders for identifiers.

Runs on the ingested transcripts and turns, before segmentation, so that every offset
downstream points into the pseudonymised text. Pure: no files, no logging of text.

What is replaced (docs/privacy.md):

- people tematik knows: speakers whose label or display name is a name (``Pak Eko:``,
  ``Budi Santoso:``, ``TK:`` defined as ``TK = Teguh Kurniawan``, a speakers file's display
  names), names in header blocks and YAML front
  matter (``Nama:``, ``Informan:``, ``Pewawancara:``, ``informant:`` ...). Each gets a
  pseudonym, ``Informan A``, ``Informan B`` ... or ``Pewawancara 1`` ..., the same in every
  transcript when the normalised name is the same (case, honorifics and degrees such as
  ``Bapak``, ``Drs.``, ``H.``, ``S.Sos.``, ``M.Si.`` ignored). Their labels become the
  pseudonym; later mentions in the text (full name, any part of it, with or without a
  title) become ``[Informan A]``;
- other people named after a title (``Pak``, ``Bu``, ``Mbak``, ``Drs.`` ...): ``Bu [NAMA]``,
  and the same name later in the text ``[NAMA]``; roles after a title are kept
  (``Pak Kabag``, ``Bu Lurah``, ``Pak Camat``);
- identifiers: NIK (16 digits), NIP (18 digits, also ``19650817 199003 1 004``), phone
  numbers (``08..``, ``+62 ..``, ``62..``, ``(0274) ...``), e-mail addresses, and the values
  of header fields that are addresses or identifiers (``Alamat:``, ``NIP:``, ``HP:``);
- transcript ids (they come from file names) become ``T01``, ``T02`` ...; file names
  ``input-01.txt`` ....

The :class:`Key` holds every original and its replacement; nothing else does.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import PurePath
from typing import Any

from pipeline.stages import speakers as sp
from pipeline.stages.names import (
    AFTER_TITLE_RE,
    IDENTIFIER_KINDS,
    NEXT_WORD_RE,
    NOT_NAMES,
    PLACEHOLDERS,
    PREFIX_TITLES,
    ROLE_WORDS,
    TIMESTAMP_RE,
    TITLES,
    field_kind,
    field_role,
    identifiers,
    label_person,
    metadata_name,
    name_key,
    split_names,
    titled_names,
)
from pipeline.stages.pseudonyms import AMBIGUOUS, Key, KeyEntry, Mentioned, Person, Registry
from pipeline.types import INFORMANT, INTERVIEWER, Transcript, Turn

__all__ = ["Anonymised", "anonymise"]

_NAME_INTRO_RE = re.compile(r"(?i:\bnama(?:\s+(?:saya|aku|lengkap(?:\s+saya)?|beliau))?"
                            r"(?:\s+(?:adalah|ialah))?\s+)$")
# Priorities: lower wins when two replacements overlap.
_LABEL, _LITERAL, _IDENT, _TITLED, _BARE = range(5)


@dataclass(frozen=True)
class Anonymised:
    """The pseudonymised transcripts and turns, the key, and counts (never values)."""

    transcripts: tuple[Transcript, ...]
    turns: tuple[Turn, ...]
    key: Key
    counts: Mapping[str, int]
    scrub: Callable[[str], str] = field(repr=False, compare=False)

    def scrub_data(self, data: Any) -> Any:
        """``data`` (JSON-like: dicts, lists, strings) with every string scrubbed: for the
        manifest, warnings, configuration."""
        if isinstance(data, str):
            return self.scrub(data)
        if isinstance(data, Mapping):
            return {k: self.scrub_data(v) for k, v in data.items()}
        if isinstance(data, list | tuple):
            return [self.scrub_data(v) for v in data]
        return data


# ----------------------------------------------------------------------------- finding spans


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    replacement: str
    priority: int
    kind: str
    owner: object = None


def _select(spans: Iterable[_Span]) -> list[_Span]:
    """Non-overlapping spans, the higher priority (then longer, earlier) winning."""
    chosen: list[_Span] = []
    starts: list[int] = []
    for span in sorted(spans, key=lambda s: (s.priority, s.start - s.end, s.start)):
        i = bisect.bisect_left(starts, span.start)
        if i > 0 and chosen[i - 1].end > span.start:
            continue
        if i < len(chosen) and chosen[i].start < span.end:
            continue
        starts.insert(i, span.start)
        chosen.insert(i, span)
    return chosen


def _apply(text: str, spans: list[_Span]) -> tuple[str, Callable[[int, bool], int]]:
    """The text with ``spans`` replaced, and a map from old offsets to new ones (a position
    inside a replaced span goes to the start or, for an end, the end of its replacement)."""
    parts, olds, news = [], [], []
    pos = shift = 0
    for s in spans:
        parts.append(text[pos:s.start])
        parts.append(s.replacement)
        olds.append((s.start, s.end))
        news.append(s.start + shift)
        shift += len(s.replacement) - (s.end - s.start)
        pos = s.end
    parts.append(text[pos:])
    starts = [a for a, _ in olds]

    def move(p: int, is_end: bool) -> int:
        i = (bisect.bisect_left(starts, p) if is_end else bisect.bisect_right(starts, p)) - 1
        if i < 0:
            return p
        end = olds[i][1]
        new_end = news[i] + len(spans[i].replacement)
        if p >= end:
            return p - end + new_end
        return new_end if is_end else news[i]

    return "".join(parts), move


class _Redactor:
    """Finds what to replace in a text, given the people of the corpus."""

    def __init__(self, registry: Registry, literals: Mapping[str, tuple[str, str, object]],
                 is_word: Callable[[str], bool]) -> None:
        self.registry = registry
        self.is_word = is_word
        self.literals = literals
        self.forms = registry.bare_forms()
        alternatives = sorted(self.forms, key=len, reverse=True)
        self.bare_re = (re.compile(r"(?<![\w])(?:" + "|".join(
            r"\s+".join(map(re.escape, f.split())) for f in alternatives) + r")(?![\w'’-])",
            re.IGNORECASE) if alternatives else None)
        lits = sorted(literals, key=len, reverse=True)
        self.literal_re = (re.compile("|".join(map(re.escape, lits))) if lits else None)

    def spans(self, text: str, tid: str | None) -> list[_Span]:
        found: list[_Span] = []
        if self.literal_re is not None:
            for m in self.literal_re.finditer(text):
                replacement, kind, owner = self.literals[m.group()]
                start = m.start()
                before = AFTER_TITLE_RE.search(text, max(0, start - 12), start)
                if kind == "names" and before is not None:
                    start = before.start()  # "Pak Budi Santoso" -> "[Informan B]"
                found.append(_Span(start, m.end(), replacement, _LITERAL, kind, owner))
        for kind, start, end in identifiers(text):
            found.append(_Span(start, end, PLACEHOLDERS[kind], _IDENT, kind, text[start:end]))
        for start, end, title, name in titled_names(text):
            who = self.registry.resolve(name_key(name), tid)
            if isinstance(who, Person):
                found.append(_Span(start, end, f"[{who.pseudonym}]", _TITLED, "names", who))
            else:
                owner = None if who is AMBIGUOUS else self.registry.mentioned.get(
                    name_key(name))
                found.append(_Span(start, end, f"{title} {PLACEHOLDERS['name']}", _TITLED,
                                   "other_names", owner))
        if self.bare_re is not None:
            for m in self.bare_re.finditer(text):
                span = self._bare(text, m, tid)
                if span is not None:
                    found.append(span)
        return found

    def _bare(self, text: str, m: re.Match[str], tid: str | None) -> _Span | None:
        """A known name (or part of one) alone in the text. Capitalised, it is the name
        (``Dewi``, ``Indah sekali`` too); lowercase, only when it is no ordinary word
        (``budi pekerti`` is kept) or when a title, a surname or ``nama saya`` shows it is
        one (``pak budi``, ``rudi hermawan``)."""
        surface = m.group()
        form = " ".join(surface.lower().split())
        capital = surface[0].isupper()
        end = self._surname(text, m.end(), capital)
        named = end > m.end() or AFTER_TITLE_RE.search(text, max(0, m.start() - 12),
                                                       m.start()) is not None
        if (not capital and not named and any(self.is_word(w) for w in form.split())
                and not _NAME_INTRO_RE.search(text, max(0, m.start() - 24), m.start())):
            return None
        owners = self.forms.get(form, [])
        persons = [o for o in owners if isinstance(o, Person)]
        if tid is not None and len(persons) > 1:
            persons = [p for p in persons if tid in p.transcripts] or persons
        if len(persons) == 1:
            return _Span(m.start(), end, f"[{persons[0].pseudonym}]", _BARE, "names",
                         persons[0])
        owner = next((o for o in owners if isinstance(o, Mentioned)), None)
        return _Span(m.start(), end, PLACEHOLDERS["name"], _BARE, "other_names",
                     owner if not persons else None)

    def _surname(self, text: str, end: int, capital: bool) -> int:
        """Where a name ends: up to two more words that are not ordinary words, written like
        the name (``Rudi Hermawan``, ``rudi hermawan``), belong to it."""
        for _ in range(2):
            w = NEXT_WORD_RE.match(text, end)
            if w is None:
                break
            word = w.group("w")
            low = word.lower()
            if (len(low) < 3 or word[0].isupper() != capital or self.is_word(low)
                    or low in ROLE_WORDS or low in TITLES or low in PREFIX_TITLES
                    or low in NOT_NAMES):
                break
            end = w.start("w") + len(word)
            if w.group("dot"):
                break
        return end


# ----------------------------------------------------------------------------- anonymise


def _label_spans(text: str, turns: Sequence[Turn], is_word: Callable[[str], bool],
                 person: Callable[[Turn], Person | None]) -> list[_Span]:
    """The written label before each turn of a named speaker, to become its pseudonym."""
    out = []
    prev_end = 0
    for turn in sorted(turns, key=lambda t: t.start):
        line_start = text.rfind("\n", 0, turn.start) + 1
        a = max(prev_end, line_start)
        prev_end = turn.end
        who = person(turn)
        if who is None or a >= turn.start:
            continue
        region = TIMESTAMP_RE.sub(lambda m: " " * len(m.group()), text[a:turn.start])
        region = region.replace("*", " ")
        colon = max(region.rfind(":"), region.rfind("："))
        if colon < 0:
            continue
        label = region[:colon]
        cut = label.find("(")
        if cut >= 0:
            label = label[:cut]
        stripped = label.strip(" \t-–•>\"“”.?!,")
        if not stripped or label_person(stripped, is_word) is None:
            continue
        s = a + label.index(stripped)
        out.append(_Span(s, s + len(stripped), who.pseudonym, _LABEL, "names", who))
    return out


_FIELD_LINE_RE = re.compile(r"^[ \t\-*•]*([A-Za-z][A-Za-z /._-]{0,30}?)\**[ \t]*[:：]\**[ \t]*"
                            r"(\S.*?)[ \t]*$", re.MULTILINE)


def _unspoken_fields(text: str, turns: Sequence[Turn]) -> list[tuple[str, str]]:
    """``Key: value`` lines outside every turn (a header the speaker parser did not take as
    metadata, e.g. after a ``NIP:`` line it does not know)."""
    spans = sorted((t.start, t.end) for t in turns)
    starts = [a for a, _ in spans]
    out = []
    for m in _FIELD_LINE_RE.finditer(text):
        i = bisect.bisect_right(starts, m.end()) - 1
        if i >= 0 and spans[i][1] > m.start():
            continue  # spoken
        out.append((m.group(1).strip(), m.group(2)))
    return out


def anonymise(
    transcripts: Sequence[Transcript],
    turns: Sequence[Turn],
    *,
    files: Sequence[str] = (),
    is_word: Callable[[str], bool] = NOT_NAMES.__contains__,
) -> Anonymised:
    """Pseudonymise ``transcripts`` and ``turns`` (see the module doc); inputs unchanged.

    ``files``: the names the input files are shown by (``source`` of the transcripts and
    the names warnings use), each given a neutral name ``input-NN.ext``.
    ``is_word``: whether a lowercase word is an ordinary Indonesian word (in a dictionary
    of root words, a stop word); such a word is a name only when written like one.
    """
    by_tid: dict[str, list[Turn]] = {}
    for t in turns:
        by_tid.setdefault(t.transcript_id, []).append(t)

    # 1. who speaks and who is named in the header fields
    seen: list[tuple[str, str, str, str]] = []
    literals: dict[str, tuple[str, str, object]] = {}
    person_fields: list[tuple[str, str, str, str]] = []  # tid, field, raw name, role
    for tr in transcripts:
        fields = [*tr.metadata.items(), *_unspoken_fields(tr.text, by_tid.get(tr.transcript_id,
                                                                                []))]
        for key, value in fields:
            kind = field_kind(key)
            if kind == "person":
                for raw in split_names(str(value)):
                    nk = name_key(raw)
                    if metadata_name(raw):
                        seen.append((nk, field_role(key), tr.transcript_id, raw))
                        person_fields.append((tr.transcript_id, key, raw, nk))
            elif kind is not None and len(str(value).strip()) >= 3 and (
                    kind != "address" or len(str(value).split()) > 1
                    or any(c.isdigit() for c in str(value))):
                # a one-word address (a town) is left in the text: places are kept
                literals[str(value).strip()] = (PLACEHOLDERS[kind], kind, str(value).strip())
        for turn in by_tid.get(tr.transcript_id, []):
            for written in dict.fromkeys((turn.speaker, turn.display)):  # label, display name
                label = label_person(written, is_word) if written else None
                if label is not None and name_key(label):
                    seen.append((name_key(label), turn.role, tr.transcript_id, label))
    taken = {t.speaker.lower() for t in turns}
    registry = Registry()
    registry.build(seen, taken)
    for tid, _, raw, nk in person_fields:
        person = registry.by_key[nk, tid]
        literals.setdefault(raw, (f"[{person.pseudonym}]", "names", person))

    # 2. names after titles: known people gain the forms they are called by; others are kept
    texts = [(tr.transcript_id, tr.text) for tr in transcripts] + [
        (tr.transcript_id, str(v)) for tr in transcripts for v in tr.metadata.values()]
    for tid, text in texts:
        for _, _, _, name in titled_names(text):
            nk = name_key(name)
            if not nk:
                continue
            who = registry.resolve(nk, tid)
            if isinstance(who, Person):
                who.forms.add(nk)
                who.names.add(name)
            elif who is None:
                found = registry.mentioned.setdefault(nk, Mentioned(nk))
                found.transcripts.add(tid)
                found.names.add(name)
    redactor = _Redactor(registry, literals, is_word)

    # 3. ids and file names
    width = max(2, len(str(len(transcripts))))
    new_ids = {tr.transcript_id: f"T{i:0{width}d}" for i, tr in enumerate(transcripts, 1)}
    names = list(dict.fromkeys([*files, *(tr.source for tr in transcripts)]))
    file_width = max(2, len(str(len(names))))
    new_files: dict[str, str] = {}
    for shown in names:
        if any(shown.startswith(f + "/") for f in new_files):
            continue  # a source inside a project file (.qdpx) is named after the file
        new_files[shown] = f"input-{len(new_files) + 1:0{file_width}d}{PurePath(shown).suffix}"

    def source_of(source: str) -> str:
        if source in new_files:
            return new_files[source]
        return next(v for k, v in new_files.items() if source.startswith(k + "/"))

    # 4. rewrite every transcript and its turns
    counts = dict.fromkeys(("names", "other_names", *IDENTIFIER_KINDS), 0)
    identifiers: dict[tuple[str, str], set[str]] = {}
    ident_counts: dict[tuple[str, str], int] = {}

    def speaker_person(turn: Turn) -> Person | None:
        raw = label_person(turn.speaker, is_word)
        return registry.by_key.get((name_key(raw), turn.transcript_id)) if raw else None

    def display_name(turn: Turn, tid: str) -> str:
        """The turn's display name, pseudonymised ("": the same as its label)."""
        if not turn.display or turn.display == turn.speaker:
            return ""
        raw = label_person(turn.display, is_word)
        who = registry.by_key.get((name_key(raw), tid)) if raw else None
        return who.pseudonym if who else scrub(turn.display, tid)[0]

    def scrub(text: str, tid: str | None = None, label_spans: Sequence[_Span] = (),
              record: bool = False) -> tuple[str, Callable[[int, bool], int]]:
        chosen = _select([*label_spans, *redactor.spans(text, tid)])
        if record:
            for s in chosen:
                counts[s.kind] += 1
                if isinstance(s.owner, Person | Mentioned):
                    s.owner.count += 1
                elif s.kind in IDENTIFIER_KINDS and tid is not None:
                    ident = (s.kind, str(s.owner))
                    identifiers.setdefault(ident, set()).add(new_ids[tid])
                    ident_counts[ident] = ident_counts.get(ident, 0) + 1
        return _apply(text, chosen)

    new_transcripts: list[Transcript] = []
    new_turns: list[Turn] = []
    for tr in transcripts:
        tid = tr.transcript_id
        own = by_tid.get(tid, [])

        labels = _label_spans(tr.text, own, is_word, speaker_person)
        text, move = scrub(tr.text, tid, labels, record=True)
        metadata = {}
        for key, value in tr.metadata.items():
            kind = field_kind(key)
            if kind == "person":
                people = [registry.by_key.get((name_key(r), tid)) for r in split_names(value)]
                if people and all(p is not None for p in people):
                    metadata[key] = " dan ".join(p.pseudonym for p in people if p)
                    continue
            elif kind is not None:
                metadata[key] = PLACEHOLDERS[kind]
                continue
            metadata[key] = scrub(str(value), tid)[0]
        new_id = new_ids[tid]
        new_transcripts.append(replace(tr, transcript_id=new_id, source=source_of(tr.source),
                                       text=text, metadata=metadata))
        for turn in own:
            start, end = sp.trim(text, move(turn.start, False), move(turn.end, True))
            who = speaker_person(turn)
            speaker = who.pseudonym if who else scrub(turn.speaker, tid)[0]
            new_turns.append(Turn(new_id, turn.turn, speaker, turn.role, start, end,
                                  text[start:end], display_name(turn, tid)))

    # 5. the key, and a scrubber for everything else that is written or printed
    entries = [KeyEntry(p.role, max(p.names, key=len), p.pseudonym,
                        tuple(sorted(new_ids[t] for t in p.transcripts)), p.count,
                        tuple(sorted(p.names)))
               for p in sorted(registry.persons, key=lambda p: p.order)]
    entries += [KeyEntry("name", max(m.names, key=len), PLACEHOLDERS["name"],
                         tuple(sorted(new_ids[t] for t in m.transcripts)), m.count,
                         tuple(sorted(m.names)))
                for m in registry.mentioned.values() if m.count]
    entries += [KeyEntry(kind, value, PLACEHOLDERS[kind], tuple(sorted(tids)),
                         ident_counts[kind, value])
                for (kind, value), tids in sorted(identifiers.items())]
    entries += [KeyEntry("transcript", old, new) for old, new in new_ids.items()]
    entries += [KeyEntry("file", old, new) for old, new in new_files.items()]
    renames = {**{old: new for old, new in new_files.items()},
               **{old: new for old, new in new_ids.items() if len(old) >= 4}}
    rename_re = (re.compile("|".join(f"(?<![\\w-]){re.escape(k)}(?![\\w-])" for k in
                                     sorted(renames, key=len, reverse=True)))
                 if renames else None)

    def scrub_any(text: str) -> str:
        if rename_re is not None:
            text = rename_re.sub(lambda m: renames[m.group()], text)
        return scrub(text)[0]

    counts = {**counts, "informants": sum(p.role == INFORMANT for p in registry.persons),
              "interviewers": sum(p.role == INTERVIEWER for p in registry.persons),
              "transcripts": len(transcripts)}
    return Anonymised(tuple(new_transcripts), tuple(new_turns), Key(tuple(entries)), counts,
                      scrub_any)
