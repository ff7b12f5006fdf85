"""Cues: where a codebook's words and phrases occur in the normalised tokens of passages.

A codebook's cues (``models/codebooks/README.md``) are reduced to the stems the normaliser
gives, so they are compared with passages the way passages were reduced:

- a **keyword** (a base form, ``layan``) matches every content word with that stem
  (pelayanan, melayani, dilayani, layanannya); a keyword written in a derived form, and every
  word under ``exact`` (``kebersamaan``), matches only that word, with or without a clitic;
- a **phrase** matches consecutive words whose stems equal the phrase's, fillers and pauses
  (commas, dashes) skipped; a full stop, question mark, ``;`` or ``:`` ends it. Within a
  theme, the words of a matched phrase do not count again as keywords;
- a **support** cue (titles, pronouns, address: ``beliau``, ``pimpinan kami``) matches a word
  by its standard form (``atasannya`` is ``atasan``, the preposition ``atas`` is not), stop
  words included, or a phrase as phrases do; whether it counts is the scorer's decision;
- a **negative** cue blocks its theme in the passage;
- an **idiom** of the codebook (``hafal di luar kepala``) is matched first, and its words are
  no cue for anything.

:meth:`CueMatcher.match` returns every match (the ``matches`` table below); scoring them is
:mod:`pipeline.stages.themes`'s job.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np
import pandas as pd

from pipeline.config import PARALLEL_MIN_TOKENS
from pipeline.parallel import can_fork, cores, map_shared
from pipeline.stages.normalise import Normaliser, without_clitic
from pipeline.types import Codebook

SKIPPED_KINDS = frozenset({"filler", "clitic"})
# Punctuation that ends a clause breaks a phrase; commas, dashes and ellipses are pauses in
# speech ("ngasih, eh, contoh") and are skipped like fillers.
BREAKS = frozenset({".", "?", "!", ";", ":"})
MATCH_COLUMNS = ["passage_id", "theme", "cue", "kind", "stem", "surface", "start", "end",
                 "weight"]
_IDIOM = "\x00idiom"  # the stem an idiom's words get: nothing matches it


@dataclass(frozen=True)
class Cue:
    """One codebook cue reduced to the stems the matcher compares."""

    theme: str
    text: str
    stems: tuple[str, ...]
    weight: float
    kind: str = "keyword"  # keyword, phrase, support, negative
    exact: bool = False  # a derived form: matched on the word's standard form

    @property
    def negative(self) -> bool:
        return self.kind == "negative"


@dataclass
class _Index:
    keywords: dict[str, list[Cue]] = field(default_factory=dict)
    exact: dict[str, list[Cue]] = field(default_factory=dict)
    support: dict[str, list[Cue]] = field(default_factory=dict)  # single words, stop words too
    phrases: dict[str, list[Cue]] = field(default_factory=dict)
    idioms: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)


class CueMatcher:
    """Finds the cues of ``codebook`` in the tokens of passages (see the module docstring).

    ``normaliser`` reduces the codebook's keywords and phrases to stems the same way the
    passages were reduced, so ``layan`` matches pelayanan, melayani, dilayani, layanannya and
    the phrase ``kasih contoh`` matches "ngasih contoh".
    """

    def __init__(self, codebook: Codebook, normaliser: Normaliser) -> None:
        self.codebook = codebook
        self.cues = tuple(_cues(codebook, normaliser))
        self._index = _Index()
        for cue in self.cues:
            if cue.exact:
                self._index.exact.setdefault(cue.stems[0], []).append(cue)
            elif len(cue.stems) == 1 and cue.kind == "keyword":
                self._index.keywords.setdefault(cue.stems[0], []).append(cue)
            elif len(cue.stems) == 1 and cue.kind == "support":
                self._index.support.setdefault(cue.stems[0], []).append(cue)
            else:
                self._index.phrases.setdefault(cue.stems[0], []).append(cue)
        for cues in self._index.phrases.values():
            cues.sort(key=lambda c: -len(c.stems))
        for idiom in codebook.idioms:
            stems = normaliser.stems(idiom)
            if stems:
                self._index.idioms.setdefault(stems[0], []).append(stems)
        for idioms in self._index.idioms.values():
            idioms.sort(key=len, reverse=True)

    @property
    def cued_themes(self) -> set[str]:
        """Themes with at least one cue that can code them."""
        return {c.theme for c in self.cues if c.kind in ("keyword", "phrase")}

    def match(self, tokens: pd.DataFrame) -> pd.DataFrame:
        """Every cue in ``tokens`` (the normalise stage's table), in passage and text order.

        Columns: passage_id, theme, cue (as written in the codebook), kind (keyword, phrase,
        support, negative), stem (what was matched: the keyword's stem, or the phrase's stems
        joined by a space), surface (the speaker's words), start, end (offsets into the
        transcript), weight (the cue's weight in the codebook; 0 for negatives).

        perf (issue 7): from :data:`PARALLEL_MIN_TOKENS` tokens on, where workers can be
        forked, the passages are split into one run of whole passages per core and matched
        by worker processes; a passage's matches depend on its own tokens only, so the
        table is the same as one process's.
        """
        jobs = cores() if can_fork() and len(tokens) >= PARALLEL_MIN_TOKENS else 1
        if jobs <= 1:
            return self._match(tokens)
        parts = map_shared(_match_part, (self, tokens), _passage_runs(tokens, jobs), jobs)
        return pd.concat(parts, ignore_index=True)

    def _match(self, tokens: pd.DataFrame) -> pd.DataFrame:
        rows: dict[str, list[object]] = {c: [] for c in MATCH_COLUMNS}
        if len(tokens):
            pause = (tokens["kind"] == "punct") & ~tokens["surface"].isin(BREAKS)
            frame = tokens[~tokens["kind"].isin(SKIPPED_KINDS) & ~pause]
            frame = self._without_idioms(frame)
            found, pids = self._find(frame)
            t_start = frame["start"].to_numpy()
            t_end = frame["end"].to_numpy()
            surfaces = frame["surface"].to_numpy()
            for i, j, cue in found:
                rows["passage_id"].append(str(pids[i]))
                rows["theme"].append(cue.theme)
                rows["cue"].append(cue.text)
                rows["kind"].append(cue.kind)
                rows["stem"].append(" ".join(cue.stems))
                rows["surface"].append(" ".join(str(s) for s in surfaces[i:j]))
                rows["start"].append(int(t_start[i]))
                rows["end"].append(int(t_end[j - 1]))
                rows["weight"].append(0.0 if cue.negative else cue.weight)
        table = pd.DataFrame(rows, columns=MATCH_COLUMNS)
        for col in ("start", "end"):
            table[col] = table[col].astype("int64")
        table["weight"] = table["weight"].astype("float64")
        return table

    def _without_idioms(self, frame: pd.DataFrame) -> pd.DataFrame:
        """``frame`` with the words of every idiom the codebook lists given a stem nothing
        matches, so "hafal di luar kepala" is no cue for leadership."""
        idioms = self._index.idioms
        if not idioms or not len(frame):
            return frame
        stems = frame["stem"].tolist()
        pids = frame["passage_id"].tolist()
        hidden: set[int] = set()
        for g, stem in enumerate(stems):
            for idiom in idioms.get(stem, ()):
                end = g + len(idiom)
                if (end <= len(stems) and tuple(stems[g:end]) == idiom
                        and pids[end - 1] == pids[g]):
                    hidden.update(range(g, end))
                    break
        if not hidden:
            return frame
        marked = np.array(stems, dtype=object)
        marked[sorted(hidden)] = _IDIOM
        return frame.assign(stem=marked)

    def _find(self, frame: pd.DataFrame) -> tuple[list[tuple[int, int, Cue]], np.ndarray]:
        """(first row, last row + 1, cue) of every match in ``frame`` (tokens without fillers
        and pauses), sorted by passage, position, theme and cue; and the rows' passage ids.
        A phrase never runs past its passage's end; within a theme, the words of a matched
        phrase do not count again as keywords."""
        pids = frame["passage_id"].to_numpy()
        n = len(frame)
        bounds = np.flatnonzero(pids[1:] != pids[:-1]) + 1
        ends = np.concatenate((bounds, [n]))
        passage_end = np.repeat(ends, np.diff(np.concatenate(([0], ends))))
        stems = frame["stem"].to_numpy()
        norm_col = frame["norm"]
        kind = frame["kind"]
        # the words of an idiom (stem _IDIOM) are no cue of any kind, by stem or by form
        wordish = kind.isin(["word", "stop"]).to_numpy() & (stems != _IDIOM)
        word = (kind == "word").to_numpy() & (stems != _IDIOM)
        found: list[tuple[int, int, Cue]] = []
        covered: set[tuple[str, int]] = set()
        index = self._index
        # Phrases: candidates first, vectorised on integer codes of the stems; then the
        # matches in position order (longest cue first), where earlier ones cover later.
        codes, uniques = pd.factorize(frame["stem"])
        code_of = {u: i for i, u in enumerate(uniques)}
        starts = np.flatnonzero(wordish & frame["stem"].isin(list(index.phrases)).to_numpy())
        start_codes = codes[starts]
        candidates: list[tuple[int, int, Cue]] = []
        for first, cues in index.phrases.items():
            at = starts[start_codes == code_of.get(first, -2)]
            for order, cue in enumerate(cues):
                k = len(cue.stems)
                sub = at[at + k <= passage_end[at]]
                for m in range(1, k):
                    sub = sub[(codes[sub + m] == code_of.get(cue.stems[m], -2))
                              & wordish[sub + m]]
                candidates.extend((g, order, cue) for g in sub.tolist())
        candidates.sort(key=lambda c: (c[0], c[1]))
        for g, _, cue in candidates:
            k = len(cue.stems)
            if cue.kind == "phrase" and any((cue.theme, r) in covered for r in range(g, g + k)):
                continue
            found.append((g, g + k, cue))
            if cue.kind == "phrase":  # a support phrase never hides its theme's own cues
                covered.update((cue.theme, r) for r in range(g, g + k))
        hit = frame["stem"].isin(list(index.keywords)).to_numpy().copy()
        norm_values = None
        if index.exact:
            bare = {v: without_clitic(v, min_base=4) for v in norm_col.unique()}
            norms = norm_col.map(bare)
            hit |= norms.isin(list(index.exact)).to_numpy()
            norm_values = norms.to_numpy()
        for g in np.flatnonzero(word & hit).tolist():
            here = (*index.keywords.get(stems[g], ()),
                    *(index.exact.get(norm_values[g], ()) if norm_values is not None else ()))
            found.extend((g, g + 1, cue) for cue in here if (cue.theme, g) not in covered)
        if index.support:  # by the word's form, not its stem: atasan, not the preposition atas
            forms = norm_col.map({v: without_clitic(v, min_base=3) for v in norm_col.unique()})
            form_values = forms.to_numpy()
            supported = wordish & forms.isin(list(index.support)).to_numpy()
            for g in np.flatnonzero(supported).tolist():
                found.extend((g, g + 1, cue) for cue in index.support[form_values[g]]
                             if (cue.theme, g) not in covered)
        found.sort(key=lambda f: (f[0], f[2].theme, f[2].text))
        return _once_per_word(found), pids


def _once_per_word(found: list[tuple[int, int, Cue]]) -> list[tuple[int, int, Cue]]:
    """``found`` with one word matched once per theme: of several single-word cues of one
    theme on the same word (``beliau`` and ``beliaunya``, both read as "beliau"), the one
    that weighs most (ties: the first), so one word is not counted twice as evidence."""
    best: dict[tuple[str, int], Cue] = {}
    for g, j, cue in found:
        if j == g + 1 and cue.kind in ("keyword", "support"):
            kept = best.get((cue.theme, g))
            if kept is None or cue.weight > kept.weight:
                best[cue.theme, g] = cue
    return [(g, j, cue) for g, j, cue in found
            if not (j == g + 1 and cue.kind in ("keyword", "support"))
            or best[cue.theme, g] is cue]


def _passage_runs(tokens: pd.DataFrame, parts: int) -> list[tuple[int, int]]:
    """``parts`` (first row, last row + 1) ranges of about equal size that never cut a
    passage (the tokens table is in passage order)."""
    pids = tokens["passage_id"].to_numpy()
    starts = np.flatnonzero(np.r_[True, pids[1:] != pids[:-1]])  # each passage's first row
    # the first passage that starts at or after each equal share of the rows
    at = np.searchsorted(starts, [len(pids) * i // parts for i in range(1, parts)])
    cuts = sorted({int(starts[i]) for i in at if i < len(starts)})
    return [(a, b) for a, b in pairwise([0, *cuts, len(pids)]) if b > a]


def _match_part(shared: tuple[CueMatcher, pd.DataFrame], rows: tuple[int, int]) -> pd.DataFrame:
    matcher, tokens = shared
    return matcher._match(tokens.iloc[rows[0]:rows[1]])


def _cues(codebook: Codebook, normaliser: Normaliser) -> Iterable[Cue]:
    for theme in codebook.themes:
        for keyword in (*theme.keywords, *theme.exact):
            stems = normaliser.stems(keyword)
            if not stems:
                continue
            weight = theme.weights.get(keyword, 1.0)
            norm = without_clitic(normaliser.form(keyword).norm, min_base=4)
            if keyword not in theme.exact and (stems[0] == keyword or stems[0] == norm):
                yield Cue(theme.id, keyword, stems[:1], weight)
            else:
                yield Cue(theme.id, keyword, (norm,), weight, exact=True)
        for phrase in theme.phrases:
            stems = normaliser.stems(phrase)
            if stems:
                yield Cue(theme.id, phrase, stems, theme.weights.get(phrase, 1.0), "phrase")
        for word in theme.support:
            weight = theme.weights.get(word, 0.5)
            if " " in word:
                stems = normaliser.stems(word)
                if stems:
                    yield Cue(theme.id, word, stems, weight, "support")
            elif (form := without_clitic(normaliser.form(word).norm, min_base=3)):
                yield Cue(theme.id, word, (form,), weight, "support")
        for negative in theme.negative:
            stems = normaliser.stems(negative)
            if stems:
                yield Cue(theme.id, negative, stems, 0.0, "negative")

