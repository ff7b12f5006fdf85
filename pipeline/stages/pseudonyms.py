"""Who is who in an anonymised corpus: the people found (informants, interviewers, people
named in passing), the pseudonym each gets (``Informan A``, ``Pewawancara 1``), and the
:class:`Key` that maps originals to replacements. Used by :mod:`pipeline.stages.anonymise`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from pipeline.stages.names import NOT_NAMES, PREFIX_TITLES, ROLE_WORDS, TITLES, subsumes
from pipeline.types import INFORMANT, INTERVIEWER


@dataclass
class Person:
    key: str
    role: str
    order: int
    transcripts: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)
    forms: set[str] = field(default_factory=set)
    pseudonym: str = ""
    count: int = 0


@dataclass
class Mentioned:
    key: str
    transcripts: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)
    count: int = 0


AMBIGUOUS = object()


def letters(n: int) -> str:
    out, n = "", n + 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


class Registry:
    """The people of a corpus: who is who, and what each is called in the output."""

    def __init__(self) -> None:
        self.persons: list[Person] = []
        self.by_key: dict[tuple[str, str], Person] = {}  # (key, transcript) -> person
        self.mentioned: dict[str, Mentioned] = {}

    def build(self, seen: list[tuple[str, str, str, str]], taken: set[str]) -> None:
        """``seen``: (name key, role, transcript, name as written) in order of appearance."""
        order = {obs: i for i, obs in reversed(list(enumerate(seen)))}
        by_key: dict[str, Person] = {}
        for obs in sorted(order, key=lambda o: (-len(o[0].split()), order[o])):
            key, role, tid, raw = obs
            person = by_key.get(key)
            if person is None:
                here = [p for p in self.persons if tid in p.transcripts and subsumes(p.key, key)]
                person = here[0] if len(here) == 1 else None
            if person is None:
                person = Person(key, role, order[obs])
                self.persons.append(person)
            by_key.setdefault(key, person)
            person.order = min(person.order, order[obs])
            person.transcripts.add(tid)
            person.names.add(raw)
            person.forms.add(key)
            self.by_key[key, tid] = person
        counters = {INFORMANT: 0, INTERVIEWER: 0}
        for person in sorted(self.persons, key=lambda p: p.order):
            while True:
                n = counters[person.role]
                counters[person.role] += 1
                name = (f"Informan {letters(n)}" if person.role == INFORMANT
                        else f"Pewawancara {n + 1}")
                if name.lower() not in taken:
                    break
            person.pseudonym = name

    def resolve(self, key: str, tid: str | None) -> Person | object | None:
        """The known person a mention ``key`` names: one in the same transcript first, then
        the one person whose name contains it; ``AMBIGUOUS`` when several fit."""
        if tid is not None and (key, tid) in self.by_key:
            return self.by_key[key, tid]
        if tid is not None:
            here = {id(p): p for p in self.persons if tid in p.transcripts
                    and (subsumes(p.key, key) or subsumes(key, p.key))}
            if len(here) == 1:
                return next(iter(here.values()))
            if here:
                return AMBIGUOUS
        found = {id(p): p for p in self.persons if subsumes(p.key, key)}
        if len(found) == 1:
            return next(iter(found.values()))
        return AMBIGUOUS if found else None

    def bare_forms(self) -> dict[str, list[Person | Mentioned]]:
        """Word sequences that, alone in the text, name someone: each known full name and
        every word of three letters or more of it."""
        out: dict[str, list[Person | Mentioned]] = {}
        owners: list[tuple[Iterable[str], Person | Mentioned]] = [
            *((p.forms, p) for p in self.persons),
            *(([m.key], m) for m in self.mentioned.values())]
        for keys, owner in owners:
            forms: set[str] = set()
            for key in keys:
                words = key.split()
                if len(words) > 1:
                    forms.add(key)
                forms.update(w for w in words if len(w) >= 3 and w not in ROLE_WORDS
                             and w not in TITLES and w not in PREFIX_TITLES
                             and w not in NOT_NAMES)
            for form in forms:
                if owner not in out.setdefault(form, []):
                    out[form].append(owner)
        return out




@dataclass(frozen=True)
class KeyEntry:
    """One original and what replaced it. ``kind``: informant, interviewer, name (someone
    named after a title), transcript, file, or an identifier kind (nik, nip, phone, email,
    address)."""

    kind: str
    original: str
    replacement: str
    transcripts: tuple[str, ...] = ()
    count: int = 0
    forms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Key:
    """Real names, identifiers, transcript ids and file names, with their replacements.
    The only place they are kept: write it outside the run directory."""

    entries: tuple[KeyEntry, ...]

    def rows(self) -> list[dict[str, str | int]]:
        """One dict per entry (columns kind, original, replacement, transcripts, count,
        forms), for a CSV or JSON file."""
        return [{"kind": e.kind, "original": e.original, "replacement": e.replacement,
                 "transcripts": " ".join(e.transcripts), "count": e.count,
                 "forms": " | ".join(e.forms)} for e in self.entries]
