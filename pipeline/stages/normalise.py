"""Normalise: passages to tokens, keeping the speaker's words, the standard form and the stem.

Word normalisation is a list of small ``str -> str`` steps composed once
(:func:`make_pipeline`): lowercase, strip stray punctuation, and read the word as the standard
written form of the same word (:mod:`pipeline.stages.spoken`: ``gak`` -> ``tidak``,
``ngurusin`` -> ``mengurus``, ``dipake`` -> ``dipakai``, ``kata2`` -> ``kata-kata``; a
standard word such as ``dibantu`` or ``nantinya`` is left as it is). A word written together
that is two (``gabisa``, ``dimana``, ``apapun``) becomes two tokens. Stems are roots: the root
a spoken form was read from, ``stems.tsv`` where Sastrawi merges senses (``perbaikan`` ->
``perbaiki``, not ``baik``), else Sastrawi, cached per word type. Fillers, stop words and
punctuation are kept in the table but marked, so evidence can always be shown in the
speaker's own words.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import reduce
from itertools import pairwise, repeat
from typing import cast

import numpy as np
import pandas as pd
from spacy.attrs import IDX, LENGTH
from spacy.lang.id import Indonesian
from spacy.lang.tokenizer_exceptions import BASE_EXCEPTIONS
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.util import compile_infix_regex

from pipeline.config import CHUNK_PASSAGES, PARALLEL_MIN_WORDS
from pipeline.parallel import cores, map_shared
from pipeline.resources import Lexicon
from pipeline.stages.spoken import Reading, SpokenForms, squeeze
from pipeline.types import Passage

log = logging.getLogger(__name__)

CLITICS = ("nya", "lah", "kah", "pun", "ku", "mu", "tah")
ENDING_CLITICS = ("nya", "lah", "kah", "ku", "mu")
"""The clitics taken off a word written together with them to find its base (at most one
ends a word; ``pun`` and ``tah`` are left: ``apapun``, ``entah``)."""
SENTENCE_ENDS = frozenset({".", "?", "!", "…", "...", "?!"})
NOTE_WORDS = 4  # at most this many words in brackets are a transcriber's note
TOKEN_COLUMNS = ["passage_id", "i", "start", "end", "surface", "norm", "stem", "kind", "term"]

_ALPHA_RE = re.compile(r"[^\W\d_]")
_DIGIT_RE = re.compile(r"\d")
_WORD_RE = re.compile(r"^[^\W\d_][^\W_]*(?:[-'’][^\W_]+)*$")  # kata-kata, s1, e-ktp, p3k
_RED2_TOKEN_RE = re.compile(r"^[^\W\d_]{2,}[2²][^\W\d_]+$")
_EDGES_RE = re.compile(r"^[\W_]+|[\W_]+$")

Step = Callable[[str], str]


SHARED_NORMALISERS = 4
"""How many lexicons' normalisers :meth:`Normaliser.shared` keeps."""
_SHARED: dict[int, tuple[Lexicon, Normaliser]] = {}


def make_pipeline(*steps: Step) -> Step:
    """Compose ``str -> str`` steps, applied left to right."""
    return lambda text: reduce(lambda acc, step: step(acc), steps, text)


class _Defaults(Indonesian.Defaults):  # type: ignore[misc,valid-type]
    # spaCy's 16,000 Indonesian exceptions list reduplicated words one by one (2 s to load);
    # we keep every hyphenated word whole instead, and add our own abbreviations.
    tokenizer_exceptions = BASE_EXCEPTIONS


class _Indonesian(Indonesian):  # type: ignore[misc,no-untyped-call]
    lang = "id"
    Defaults = _Defaults


def make_tokenizer(abbreviations: Iterable[str] = ()) -> Tokenizer:
    """spaCy's Indonesian tokenizer, tuned: hyphenated words (``kata-katanya``, ``e-KTP``) and
    words reduplicated with ``2`` (``dikata2in``) stay whole, and abbreviations (``Kab.``,
    ``S.Sos.``, ``dll.``) are one token."""
    nlp: Language = _Indonesian()
    tokenizer = cast(Tokenizer, nlp.tokenizer)
    probe = "kata-kata Kata-Kata e-KTP"
    infixes = [
        p for p in _Defaults.infixes
        if not any(m.group() == "-" for m in re.finditer(p, probe))
    ]
    tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    # reduplication written with 2 stays one word: dikata2in (not dikata2 + in, "inches")
    tokenizer.token_match = _RED2_TOKEN_RE.match
    for abbr in abbreviations:
        tokenizer.add_special_case(abbr, [{"ORTH": abbr}])
    return tokenizer


@dataclass(frozen=True)
class WordForm:
    norm: str
    stem: str
    kind: str


FILLER = WordForm("", "", "filler")


class Normaliser:
    """Turns text into (surface, norm, stem, kind) tokens using one :class:`Lexicon`.

    Build once (:meth:`shared`): it holds the tokenizer, the stemmer and per-word caches.
    """

    @classmethod
    def shared(cls, lexicon: Lexicon) -> Normaliser:
        """The normaliser of ``lexicon`` this process already built, or a new one: runs in
        one process (``apply`` after ``run``, a notebook, the tests) share its tokenizer and
        its per-word caches, which depend on the lexicon alone."""
        held = _SHARED.get(id(lexicon))
        if held is None or held[0] is not lexicon:  # the lexicon held keeps its id unique
            held = (lexicon, cls(lexicon))
            _SHARED[id(lexicon)] = held
            while len(_SHARED) > SHARED_NORMALISERS:
                _SHARED.pop(next(iter(_SHARED)))
        return held[1]

    def __reduce__(self) -> tuple[type[Normaliser], tuple[Lexicon]]:
        """Pickled as its lexicon (a spawned worker builds its own tokenizer and caches)."""
        return (Normaliser, (self.lexicon,))

    def __init__(self, lexicon: Lexicon) -> None:
        from Sastrawi.Dictionary.ArrayDictionary import ArrayDictionary
        from Sastrawi.Stemmer.Stemmer import Stemmer
        from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

        self.lexicon = lexicon
        self._dictionary = frozenset(w for w in StemmerFactory().get_words() if w)
        dictionary = ArrayDictionary()
        # Sastrawi keeps its 30,000 root words in a list and searches it for every candidate
        # root (most of its time); a set gives the same answers in O(1).
        dictionary.words = self._dictionary
        self._stemmer = Stemmer(dictionary)
        self.tokenizer = make_tokenizer(lexicon.abbreviations)
        stop = set(_Defaults.stop_words) | lexicon.stopwords_extra
        self.stopwords = frozenset(stop - lexicon.keep)
        self._roots: dict[str, str] = {}
        self.spoken = SpokenForms(lexicon, self._dictionary, self._root)
        self.word = make_pipeline(str.lower, strip_edges, self.spoken.norm)
        self._abbreviations = frozenset(a.lower() for a in lexicon.abbreviations)
        answers = "|".join(sorted(map(re.escape, lexicon.answers), key=len, reverse=True))
        self._answers_re = re.compile(rf"(?i)\b(?:{answers})\b" if answers else r"(?!)")
        self._forms: dict[str, WordForm] = {}
        self._cue_stems: dict[str, tuple[str, ...]] = {}
        self._splits: dict[str, tuple[int, ...]] = {}
        self._stems: dict[str, str] = {}
        self._phrases = self._index_phrases(lexicon.phrases)

    # -- word level ----------------------------------------------------------------------

    def _root(self, word: str) -> str:
        """Plain Sastrawi ``stem()`` of one word, cached."""
        found = self._roots.get(word)
        if found is None:
            found = self._roots[word] = self._stemmer.stem(word) or word
        return found

    def stem(self, norm: str) -> str:
        """The root of a standard form: ``stems.tsv`` first, then Sastrawi; a reduplication
        has its word's root, a contraction of several words their roots joined by ``_``
        (``terima kasih`` -> ``terima_kasih``)."""
        cached = self._stems.get(norm)
        if cached is not None:
            return cached
        override = self._override(norm)
        head, _, tail = norm.rpartition("-")
        if override:
            result = override
        elif " " in norm:
            result = "_".join(self.stem(w) for w in norm.split())
        elif head and tail in CLITICS:
            result = self.stem(head)  # SKPD-nya, e-KTP-lah
        elif "-" in norm:
            parts = [p for p in norm.split("-") if p]
            first = self._stemmer.stem(parts[0]) if parts else norm
            if len(parts) == 2 and (parts[1].startswith(parts[0]) or
                                    self._stemmer.stem(parts[1]) == first):
                result = first or norm  # reduplication: pegawai-pegawai, kata-katanya
            else:
                result = norm
        elif len(norm) <= 3 or not norm.isalpha():
            result = norm
        else:
            result = self._stemmer.stem(norm) or norm
            # Sastrawi keeps -nya/-lah/-kah on words it does not know (tupoksinya,
            # printernya): strip them unless the whole word is a root (tanya, sekolah).
            for clitic in ("nya", "lah", "kah"):
                base = result[: -len(clitic)]
                if result.endswith(clitic) and len(base) >= 3 and result not in self._dictionary:
                    result = self.stem(base)
                    break
        self._stems[norm] = result
        return result

    def _override(self, norm: str) -> str:
        """The stem ``stems.tsv`` gives ``norm``, or with a clitic attached, its base."""
        stems = self.lexicon.stems
        if norm in stems:
            return stems[norm]
        for clitic in CLITICS:
            if norm.endswith(clitic) and norm[: -len(clitic)] in stems:
                return stems[norm[: -len(clitic)]]
        return ""

    def _stem_of(self, reading: Reading) -> str:
        """The stem of a word read from speech: ``stems.tsv``, else the root it was read from,
        else :meth:`stem`."""
        if reading.root and not self._override(reading.norm):
            return reading.root
        return self.stem(reading.norm)

    def form(self, surface: str) -> WordForm:
        """Norm, stem and kind of one token's surface form (cached per word type). A word that
        is two written together (``gabisa``) gets both words' norms; :meth:`analyse` gives
        each its own token."""
        cached = self._forms.get(surface)
        if cached is not None:
            return cached
        lower = surface.lower()
        pieces = self.spoken.pieces(lower) if len(lower) == len(surface) else ()
        if not _ALPHA_RE.search(surface):
            kind = "number" if _DIGIT_RE.search(surface) else "punct"
            result = WordForm(lower, lower, kind)
        elif surface.startswith("-") and lower.lstrip("-") in CLITICS:
            result = WordForm(lower.lstrip("-"), lower.lstrip("-"), "clitic")
        elif lower in self.lexicon.fillers:
            result = FILLER  # standard writing has no word here: no norm, no stem
        elif pieces:
            self._splits[surface] = pieces
            at = [sum(pieces[:k]) for k in range(len(pieces) + 1)]
            parts = [self.form(surface[a:b]) for a, b in pairwise(at)]
            kind = "word" if any(p.kind == "word" for p in parts) else "stop"
            result = WordForm(" ".join(p.norm for p in parts), "_".join(p.stem for p in parts),
                              kind)
        elif lower in self._abbreviations:
            bare = strip_edges(lower)  # dr. (a title) is not the chat form dr (dari)
            result = WordForm(bare, bare, "stop" if bare in self.stopwords else "word")
        else:
            bare = strip_edges(lower)
            reading = self.spoken.read(bare)
            norm = reading.norm
            stem = self._stem_of(reading)
            if norm in self.lexicon.fillers:
                kind = "filler"
            elif norm in self.stopwords or lower in self.stopwords or (
                stem in self.stopwords and norm not in self.lexicon.keep
                and without_clitic(norm) not in self.lexicon.keep
            ):
                kind = "stop"
            elif norm[:1].isdigit():
                kind = "number"  # 10m, 2x, 3kali: the tokenizer may split these again
            elif len(norm) == 1 and norm.isalpha():
                kind = "stop"  # a letter (4G, vitamin C): a word, but not one to model
            elif not _WORD_RE.match(norm.replace(" ", "")) or len(norm) < 2:
                kind = "punct"  # symbols and stray punctuation the tokenizer left joined
            else:
                kind = "word"
            result = FILLER if kind == "filler" else WordForm(norm, stem, kind)
        self._forms[surface] = result
        return result

    # -- phrases ---------------------------------------------------------------------------

    def _index_phrases(
        self, phrases: Sequence[tuple[str, str]]
    ) -> dict[str, list[tuple[tuple[str, ...], str]]]:
        index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for phrase, term in phrases:
            stems = tuple(self.stem(self.word(w)) for w in phrase.split())
            if stems:
                index.setdefault(stems[0], []).append((stems, term))
        for options in index.values():
            options.sort(key=lambda opt: -len(opt[0]))
        return index

    # -- text level ------------------------------------------------------------------------

    def stems(self, text: str) -> tuple[str, ...]:
        """The stems of the words of ``text`` (a codebook's cue), in order; remembered."""
        stems = self._cue_stems.get(text)
        if stems is None:
            stems = tuple(f.stem for _, _, _, f in self.tokenize(text)
                          if f.kind in ("word", "stop") and f.stem)
            self._cue_stems[text] = stems
        return stems

    def tokenize(self, text: str) -> list[tuple[int, int, str, WordForm]]:
        """(start, end, surface, form) of every token in ``text``; offsets index ``text``."""
        return self.analyse(self.tokenizer(text))

    def analyse(self, doc: Doc, text: str | None = None,
                ) -> list[tuple[int, int, str, WordForm]]:
        """(start, end, surface, form) per token (``text``: ``doc.text``, if known). Words
        in short brackets are the transcriber's notes, not speech: ``(tertawa)``,
        ``[inaudible]``, ``(Kabag)`` get kind ``note``."""
        # perf: offsets from one array, not a spaCy Token object per token
        text = doc.text if text is None else text
        form_of = self.form
        cache = self._forms
        # (a row-major .tolist() of the uint64 array costs ten times these two)
        starts, lengths = doc.to_array([IDX, LENGTH]).astype(np.int64).T.tolist()
        out = [(s, s + n, w, cache.get(w) or form_of(w))
               for s, n, w in zip(starts, lengths,
                                  [text[s:s + n] for s, n in zip(starts, lengths, strict=True)],
                                  strict=True)
               if not w.isspace()]
        splits = self._splits
        if splits and any(w in splits for _, _, w, _ in out):
            out = [piece for token in out for piece in self._split(token)]
        if self._answers_re.search(text):
            out = self._answers(out)
        if "(" not in text and "[" not in text:
            return out
        opened = None
        for i, (_, _, surface, _) in enumerate(out):
            if surface in ("(", "["):
                opened = i
            elif surface in (")", "]") and opened is not None:
                if 0 < i - opened - 1 <= NOTE_WORDS:
                    for j in range(opened + 1, i):
                        a, b, said, form = out[j]
                        if form.kind in ("word", "stop", "filler"):
                            out[j] = (a, b, said, WordForm(form.norm, form.stem, "note"))
                opened = None
        return out

    def _split(self, token: tuple[int, int, str, WordForm],
               ) -> list[tuple[int, int, str, WordForm]]:
        """A token that is two words written together, as two tokens (offsets kept)."""
        start, _, surface, _form = token
        pieces = self._splits.get(surface)
        if not pieces:
            return [token]
        out = []
        for n in pieces:
            said = surface[:n]
            out.append((start, start + n, said, self.form(said)))
            start, surface = start + n, surface[n:]
        return out

    def _answers(self, tokens: list[tuple[int, int, str, WordForm]],
                 ) -> list[tuple[int, int, str, WordForm]]:
        """An answer word (``ya``, ``iya``, ``oke``) that starts a sentence answers: it keeps
        its norm (``Ya, betul``); as a tag or back-channel elsewhere it has none."""
        out = []
        starts = True
        for token in tokens:
            start, end, surface, form = token
            if form.kind == "filler":
                lower = surface.lower()
                if starts and lower in self.lexicon.answers:
                    said = squeeze(lower)
                    token = (start, end, surface, WordForm(said, said, "filler"))
            elif form.kind == "punct":
                starts = starts or surface in SENTENCE_ENDS
            else:
                starts = False
            out.append(token)
        return out

    def terms(self, forms: Sequence[WordForm]) -> list[str]:
        """The modelling term of each token: its stem, a phrase id on a phrase's first token,
        and ``""`` for tokens that are not modelled (fillers, stop words, punctuation, the
        later words of a phrase)."""
        terms = [f.stem if f.kind == "word" else "" for f in forms]
        slots = [i for i, f in enumerate(forms) if f.kind in ("word", "stop")]
        stems = [forms[i].stem for i in slots]
        j = 0
        while j < len(slots):
            matched = 0
            for words, term in self._phrases.get(stems[j], ()):
                n = len(words)
                if tuple(stems[j : j + n]) == words:
                    terms[slots[j]] = term
                    for k in range(j + 1, j + n):
                        terms[slots[k]] = ""
                    matched = n
                    break
            j += matched or 1
        return terms

    def normalise(self, text: str) -> str:
        """Standard forms of the words in ``text``, fillers dropped, joined by spaces."""
        return " ".join(
            f.norm for _, _, _, f in self.tokenize(text) if f.kind in ("word", "stop")
        )


def without_clitic(norm: str, *, min_base: int = 3) -> str:
    """``atasannya`` -> ``atasan``, ``skpd-nya`` -> ``skpd``: a standard form without a
    trailing clitic (-nya, -lah, -kah, -ku, -mu), when at least ``min_base`` letters
    remain."""
    for clitic in ENDING_CLITICS:
        if norm.endswith(clitic) and len(norm) - len(clitic) >= min_base:
            base = norm[: -len(clitic)]
            return base[:-1] if base.endswith("-") and len(base) > 1 else base
    return norm


def strip_edges(word: str) -> str:
    """Punctuation the tokenizer left on a word's edges: ``:q`` -> ``q``, ``'pak`` -> ``pak``."""
    return _EDGES_RE.sub("", word)


# -- the stage ---------------------------------------------------------------------------------



def normalise(passages: Sequence[Passage], normaliser: Normaliser, *,
              n_jobs: int | None = None) -> pd.DataFrame:
    """The ``tokens`` table: one row per token of every passage.

    Columns: passage_id, i (position in the passage), start, end (offsets into the
    transcript's source text), surface (as spoken), norm (standard form), stem, kind (one of
    word, stop, filler, clitic, number, punct, note: a transcriber's note in brackets), term
    (what topic models and coders count; ``""`` when not modelled).

    ``n_jobs``: worker processes (default: one per core when the passages hold at least
    :data:`PARALLEL_MIN_WORDS` words, else 1). The table does not depend on it.
    """
    chunks = [passages[i:i + CHUNK_PASSAGES] for i in range(0, len(passages), CHUNK_PASSAGES)]
    jobs = _jobs(n_jobs, passages, len(chunks))
    if jobs <= 1:
        frames = [_normalise_chunk(normaliser, chunk) for chunk in chunks]
    else:
        frames = map_shared(_normalise_chunk, normaliser, chunks, jobs)
    frame = (pd.concat(frames, ignore_index=True) if len(frames) > 1 else
             frames[0] if frames else _normalise_chunk(normaliser, []))
    log.info("normalised %d tokens in %d process(es)", len(frame), jobs)
    return frame


def _jobs(n_jobs: int | None, passages: Sequence[Passage], n_chunks: int) -> int:
    if n_jobs is not None:
        if n_jobs < 1:
            raise ValueError(f"n_jobs must be at least 1, got {n_jobs}")
        return min(n_jobs, max(n_chunks, 1))
    if sum(p.n_words for p in passages) < PARALLEL_MIN_WORDS:
        return 1
    return min(cores(), n_chunks)


def _normalise_chunk(normaliser: Normaliser, passages: Sequence[Passage]) -> pd.DataFrame:
    pid: list[str] = []
    index: list[int] = []
    starts: list[int] = []
    ends: list[int] = []
    surfaces: list[str] = []
    norms: list[str] = []
    stems: list[str] = []
    kinds: list[str] = []
    terms: list[str] = []
    texts = (p.text for p in passages)
    for passage, doc in zip(passages, normaliser.tokenizer.pipe(texts), strict=True):
        analysed = normaliser.analyse(doc, passage.text)
        forms = [a[3] for a in analysed]
        n = len(analysed)
        offset = passage.start
        pid.extend(repeat(passage.passage_id, n))
        index.extend(range(n))
        starts.extend([offset + a[0] for a in analysed])
        ends.extend([offset + a[1] for a in analysed])
        surfaces.extend([a[2] for a in analysed])
        norms.extend([f.norm for f in forms])
        stems.extend([f.stem for f in forms])
        kinds.extend([f.kind for f in forms])
        terms.extend(normaliser.terms(forms))
    return pd.DataFrame({
        "passage_id": pid, "i": np.array(index, dtype=np.int64),
        "start": np.array(starts, dtype=np.int64), "end": np.array(ends, dtype=np.int64),
        "surface": surfaces, "norm": norms, "stem": stems, "kind": kinds, "term": terms,
    }, columns=TOKEN_COLUMNS)


def normalise_questions(passages: Sequence[Passage], normaliser: Normaliser) -> pd.DataFrame:
    """The ``tokens`` table of each passage's question (the interviewer's words before it),
    keyed by the passage's id; offsets index the question. Passages without one are left
    out. The coder reads it as context (:mod:`pipeline.stages.themes`)."""
    asked = [replace(p, start=0, end=len(p.question), text=p.question,
                     n_words=len(p.question.split()))
             for p in passages if p.question.strip()]
    return normalise(asked, normaliser, n_jobs=1)
