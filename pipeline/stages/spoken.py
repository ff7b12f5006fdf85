"""Spoken and chat Indonesian to the standard written form of the same word.

:class:`SpokenForms` reads one lowercase word and gives its standard form and, where it
derived that form from a root, the root: ``nungguin`` -> ``menunggu`` (tunggu),
``dibales`` -> ``dibalas`` (balas), ``kepotong`` -> ``terpotong``, ``masukin`` ->
``masukkan``, ``kata2`` -> ``kata-kata``, ``temennya`` -> ``temannya``. It never swaps a
word for a synonym and never strips an affix the speaker said: ``dibantu`` stays
``dibantu`` (the stem is the stemmer's job).

Order of the checks, each only when the ones before found nothing:

1. the colloquial table (``colloquial.tsv``; a listed form wins over everything);
2. hyphenated and ``2``-reduplicated words, part by part;
3. the word is standard: a root of the dictionary, or a regular affixed form of one
   (Sastrawi finds its root), so ``nantinya``, ``mutunya``, ``makannya`` stay as they are;
4. stretched letters (``bisaa`` -> ``bisa``);
5. a clitic chain taken off (``-nya``, ``-ku``, ``-mu`` then ``-lah``, ``-kah``, ``-pun``)
   and the base read by 6, the clitics put back (``temennya`` -> ``temannya``);
6. spoken affixes: ``-in`` (-kan, -i or nothing, per ``suffix_in.tsv``), ``di-...-in``,
   the nasal prefix (``ng-``, ``nge-``, ``ny-``, ``n-``, ``m-`` -> ``meN-``), ``ke-`` for
   ``ter-``; a root is accepted only when it is in the dictionary, and among several
   (``nyari``: sari or cari) the one STIF's formal side uses most (``root_counts.tsv``).

:meth:`SpokenForms.pieces` says where a written-together word is two words: negation
(``gabisa`` -> ``ga`` + ``bisa``), a preposition before a place (``dimana``, ``kerumah``)
and ``-pun`` written apart (``apapun`` -> ``apa`` + ``pun``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from pipeline.resources import Lexicon

VOWELS = frozenset("aeiou")
PARTICLES = ("lah", "kah", "pun")
POSSESSIVES = ("nya", "ku", "mu")
FIXED_PUN = frozenset({
    "adapun", "andaipun", "ataupun", "bagaimanapun", "biarpun", "kalaupun", "kendatipun",
    "maupun", "meskipun", "sekalipun", "sungguhpun", "walaupun", "sesungguhpun",
})
"""Words PUEBI writes with ``pun`` attached; elsewhere ``pun`` is written apart."""
NUMERALS = frozenset({
    "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan",
    "sepuluh", "seratus", "seribu", "sekian", "berapa",
})
"""``ke-`` before these is the standard ordinal (``kedua``), not a spoken ``ter-``."""
PREPOSITIONS = ("dari", "di", "ke")
NEGATION = "tidak"
_RED2_RE = re.compile(r"^([^\W\d_]{2,})[2²]([^\W\d_]*)$")
_STRETCH_RE = re.compile(r"([^\W\d_])\1{2,}")
_NASALS: tuple[tuple[str, tuple[str, ...]], ...] = (
    # spoken prefix, then the letters that may have melted into it (root = letters + rest)
    ("ng", ("", "k", "h")),
    ("ny", ("s", "c")),
    ("nge", ("",)),
    ("n", ("t",)),
    ("m", ("p",)),
)


@dataclass(frozen=True)
class Reading:
    """A word's standard form (several words for a contraction: ``terima kasih``) and the
    root it was derived from (``""``: ask the stemmer)."""

    norm: str
    root: str = ""


def me_form(root: str) -> str:
    """The active ``meN-`` form of a root: ``tunggu`` -> ``menunggu``, ``kirim`` ->
    ``mengirim``, ``sapu`` -> ``menyapu``, ``pikir`` -> ``memikir``, ``cek`` -> ``mengecek``,
    ``proses`` -> ``memproses`` (a consonant cluster keeps its first letter)."""
    if _syllables(root) == 1:
        return "menge" + root
    first, second = root[0], root[1:2]
    melts = second in VOWELS
    if first in VOWELS or first in "gh":
        return "meng" + root
    if first == "k":
        return "meng" + (root[1:] if melts else root)
    if first == "t":
        return "men" + (root[1:] if melts else root)
    if first == "s":
        return ("meny" + root[1:]) if melts else ("men" + root)
    if first == "p":
        return "mem" + (root[1:] if melts else root)
    if first in "bfv":
        return "mem" + root
    if first in "cdjz":
        return "men" + root
    return "me" + root


def ter_form(root: str) -> str:
    """``ter-`` before a root: ``potong`` -> ``terpotong``, ``rasa`` -> ``terasa``."""
    return ("te" if root.startswith("r") else "ter") + root


class SpokenForms:
    """Standard forms of spoken words, from one :class:`Lexicon`, Sastrawi's dictionary of
    roots and a stemmer (``stem(word)`` -> root, or the word when it finds none)."""

    def __init__(self, lexicon: Lexicon, roots: frozenset[str],
                 stem: Callable[[str], str]) -> None:
        self.lexicon = lexicon
        self.roots = roots
        self._stem = stem
        self._colloquial = lexicon.colloquial
        self._negations = tuple(sorted(
            (w for w, t in lexicon.colloquial.items() if t == NEGATION and len(w) >= 2),
            key=len, reverse=True))
        self.read = lru_cache(maxsize=None)(self._read)

    # -- is it standard? ---------------------------------------------------------------------

    def standard(self, word: str) -> bool:
        """A standard word: not a listed spoken form, and a root or a regular affixed form of
        one. A bare ``ke-`` before a root (``kepotong``) is the spoken ``ter-``, not standard,
        except before a numeral (``kedua``)."""
        if word in self._colloquial or not word.isalpha():
            return False
        if word in self.roots:
            return True
        root = self._stem(word)
        if root == word or root not in self.roots:
            return False
        bare = self._without_clitics(word)
        return not (bare == "ke" + root and root not in NUMERALS)

    def known(self, word: str) -> bool:
        """A word tematik can read: standard, listed, or derived by the rules."""
        return self.standard(word) or self.read(word).norm != word

    # -- reading one word --------------------------------------------------------------------

    def norm(self, word: str) -> str:
        """The standard form of ``word`` (lowercase): a ``str -> str`` normalisation step."""
        return self.read(word).norm

    def _read(self, word: str) -> Reading:
        found = self._colloquial.get(word)
        if found is not None:
            # the root, when the rules read the listed form the same way (kerasa: rasa)
            derived = self._affixed(word) if " " not in found else None
            return Reading(found, derived.root if derived and derived.norm == found else "")
        if "-" in word:
            return self._hyphenated(word)
        match = _RED2_RE.match(word)
        if match:
            return self._reduplicated(match.group(1), match.group(2), word)
        if word in self.roots or not word.isalpha():
            return Reading(word)
        for base, tail in _clitic_splits(word):
            listed = self._colloquial.get(base)
            if listed is not None and base not in self.roots:
                return Reading(_attach(listed, tail))
        if self.standard(word):
            return Reading(word)
        squeezed = squeeze(word)
        if squeezed != word and (squeezed in self._colloquial or self.standard(squeezed)):
            return self.read(squeezed)
        for base, tail in _clitic_splits(word):
            if len(base) < 3:
                continue
            reading = self._base(base)
            if reading is not None:
                return Reading(_attach(reading.norm, tail), reading.root)
        return self._base(word) or Reading(word)

    def _base(self, base: str) -> Reading | None:
        """The standard form of a word without clitics, or None."""
        listed = self._colloquial.get(base)
        if listed is not None:
            return Reading(listed)
        if self.standard(base):
            return Reading(base)
        return self._affixed(base)

    def _root(self, core: str) -> str:
        """The standard root a spoken core spells (``bales`` -> ``balas``, ``pake`` ->
        ``pakai``, ``ilang`` -> ``hilang``), or ``""``: a dictionary root, through the
        colloquial table when the core is listed there."""
        if len(core) < 3:
            return ""
        listed = self._colloquial.get(core)
        if listed is not None:
            return listed if listed in self.roots else ""
        return core if core in self.roots else ""

    def _affixed(self, word: str) -> Reading | None:
        """Spoken affixes: ``masukin`` -> ``masukkan``; ``dibales`` -> ``dibalas``,
        ``dianterin`` -> ``diantarkan``; ``nungguin`` -> ``menunggu``, ``nyariin`` ->
        ``mencarikan``; ``kebuka`` -> ``terbuka``."""
        if len(word) < 4:
            return None
        spoken_in = word.endswith("in") and len(word) >= 5
        if spoken_in and self._in_core(word[:-2]):
            root = self._root(word[:-2])
            if root:
                return Reading(root + self._suffix_in(root), root)
        if word.startswith("di") and len(word) >= 5:
            rest = word[2:]
            root = self._root(rest[:-2]) if rest.endswith("in") and self._in_core(rest[:-2]) \
                else ""
            if root:
                return Reading("di" + root + self._suffix_in(root), root)
            root = self._root(rest)
            if root:
                return Reading("di" + root, root)
        options = list(self._nasal_roots(word))
        if options:
            root, suffix = max(options, key=lambda o: self.lexicon.root_counts.get(o[0], 0))
            return Reading(me_form(root) + suffix, root)
        if word.startswith("ke") and not spoken_in:
            root = self._root(word[2:])
            if root and root not in NUMERALS:
                return Reading(ter_form(root), root)
        return None

    def _nasal_roots(self, word: str) -> Iterator[tuple[str, str]]:
        """(root, standard suffix) for every reading of ``word`` as a spoken nasal verb, in
        order of preference (``ngilangin``: hilang, kilang)."""
        seen: set[str] = set()
        for prefix, melted in _NASALS:
            if not word.startswith(prefix) or len(word) < len(prefix) + 3:
                continue
            rest = word[len(prefix):]
            if prefix in ("ny", "n", "m") and rest[0] not in VOWELS:
                continue
            if prefix == "nge" and rest[0] in VOWELS:
                continue
            ends = [(rest, "")]
            if rest.endswith("in") and self._in_core(rest[:-2]):
                ends.insert(0, (rest[:-2], "in"))
            for core, spoken_suffix in ends:
                for letters in melted:
                    root = self._root(letters + core)
                    # a one-syllable root takes nge- (ngecek), never a bare nasal (mail)
                    if root and root not in seen and (prefix == "nge" or _syllables(root) > 1):
                        seen.add(root)
                        yield root, self._suffix_in(root) if spoken_suffix else ""

    def _in_core(self, core: str) -> bool:
        """Whether ``core`` + ``in`` can be a spoken -in verb: four letters or more, or a
        three-letter root standard text uses (``isiin``, ``doain``; not ``login``,
        ``again``)."""
        return len(core) >= 4 or (len(core) == 3 and core[-1] in VOWELS
                                  and self.lexicon.root_counts.get(core, 0) >= 2)

    def _suffix_in(self, root: str) -> str:
        """The standard suffix for a spoken ``-in`` on ``root``: ``kan`` unless
        ``suffix_in.tsv`` says ``i`` (``hubungin`` -> ``hubungi``) or nothing (``tungguin``
        -> ``tunggu``)."""
        return self.lexicon.suffix_in.get(root, "kan")

    # -- reduplication -------------------------------------------------------------------------

    def _hyphenated(self, word: str) -> Reading:
        """``temen-temen`` -> ``teman-teman``, ``kata-katanya`` -> ``kata-katanya``,
        ``ngeliat-liat`` -> ``melihat-lihat``, ``SKPD-nya`` -> ``skpd-nya``; other hyphenated
        words (``e-ktp``) stay as written."""
        head, _, tail = word.partition("-")
        if not head or not tail or "-" in tail:
            return Reading(word)
        if tail in POSSESSIVES + PARTICLES:
            return Reading(f"{self.read(head).norm}-{tail}")
        if not head.isalpha() or not tail.isalpha():
            return Reading(word)
        first = self.read(head)
        for i in range(len(head) - 2):
            again = head[i:]
            if tail.startswith(again):
                rest = tail[len(again):]
                second = first if i == 0 else self.read(again)
                if rest and rest not in POSSESSIVES + PARTICLES + ("an", "in"):
                    continue
                rest = self._suffix_in(second.root or second.norm) if rest == "in" else rest
                return Reading(f"{first.norm}-{second.norm}{rest}", first.root)
        return Reading(word)

    def _reduplicated(self, head: str, tail: str, word: str) -> Reading:
        """``kata2`` -> ``kata-kata``, ``sebaik2nya`` -> ``sebaik-baiknya``, ``berkali2`` ->
        ``berkali-kali``; codes (``s2``, ``d3``) and unknown words stay as written."""
        if not self.known(head):
            return Reading(word)
        again = head
        if head not in self.roots and head not in self._colloquial:
            for prefix in ("ber", "se", "ter", "di", "ke", "me"):
                inner = head[len(prefix):]
                if head.startswith(prefix) and len(inner) >= 3 and self.known(inner):
                    again = inner
                    break
        return self._hyphenated(f"{head}-{again}{tail}")

    # -- one written word that is two ----------------------------------------------------------

    def pieces(self, word: str) -> tuple[int, ...]:
        """The lengths of the words ``word`` (lowercase) is made of, when it is two written
        together: ``gabisa`` (2, 4), ``dimana`` (2, 4), ``kedepannya`` (2, 8), ``apapun``
        (3, 3); ``()`` when it is one word."""
        if word in self._colloquial or word in self.roots or not word.isalpha():
            return ()
        read_whole = self.read(word).norm != word
        for neg in () if read_whole else self._negations:
            rest = word[len(neg):]
            if word.startswith(neg) and len(rest) >= 3 and self.known(rest) and \
                    not self.standard(word):
                return (len(neg), len(rest))
        for prep in PREPOSITIONS:
            rest = word[len(prep):]
            if word.startswith(prep) and self._without_clitics(rest) in self.lexicon.places:
                return (len(prep), len(rest))
        if word.endswith("pun") and word not in FIXED_PUN and len(word) >= 6:
            base = word[:-3]
            if self.known(base) and self.read(base).norm + "pun" not in FIXED_PUN:
                return (len(base), 3)
        return ()

    def _without_clitics(self, word: str) -> str:
        for base, _ in _clitic_splits(word):
            if len(base) >= 3:
                return base
        return word


def _clitic_splits(word: str) -> Iterator[tuple[str, str]]:
    """(base, clitics) for each way ``word`` ends in a clitic chain, longest chain first:
    ``temannyalah`` -> (teman, nyalah), (temannya, lah)."""
    splits = []
    for particle in ("", *PARTICLES):
        if not word.endswith(particle):
            continue
        stem = word[: len(word) - len(particle)]
        for possessive in ("", *POSSESSIVES):
            if (particle or possessive) and stem.endswith(possessive):
                base = stem[: len(stem) - len(possessive)]
                if len(base) >= 2:
                    splits.append((base, possessive + particle))
    splits.sort(key=lambda s: -len(s[1]))
    yield from splits


def _syllables(word: str) -> int:
    return len(re.findall(r"[aeiou]+", word))


def _attach(norm: str, tail: str) -> str:
    """Clitics back on a standard form (on its last word when it is several)."""
    return norm + tail


def squeeze(word: str) -> str:
    """Letters stretched for emphasis, back to one: ``bisaaa`` -> ``bisa``, ``haloo`` ->
    ``halo`` (a final doubled vowel once; ``mall``, ``loss`` keep theirs)."""
    word = _STRETCH_RE.sub(r"\1", word)
    if len(word) > 3 and word[-1] == word[-2] and word[-1] in VOWELS:
        word = word[:-1]
    return word
