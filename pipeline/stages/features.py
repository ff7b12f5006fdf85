"""The features a supervised coder learns from, made from the normalised tokens of a passage.

Features (:func:`features_from_tokens`, :func:`features_from_texts`) come from the normalised
tokens, so spoken and standard forms meet (``nggak ngasih`` and ``tidak memberi``):

- ``w:TERM``: the modelling term of each word (its stem, or a phrase id such as
  ``kualitas_pelayanan``);
- ``n:tidak_TERM``: the first term after a negation (tidak, belum, kurang, bukan, tanpa,
  jangan; spoken forms such as nggak and blm arrive here as tidak and belum);
- ``b:TERM TERM``: adjacent terms;
- ``c:GRAM``: character 2- to 5-grams of each word's standard form (fillers and punctuation
  dropped), which catch typos, abbreviations and affixes the stemmer leaves.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

import numpy as np
import pandas as pd

from pipeline.stages.normalise import Normaliser

NEGATIONS = frozenset({"tidak", "belum", "kurang", "bukan", "tanpa", "jangan"})

Doc = Sequence[str]
"""One passage's features."""


@dataclass(frozen=True)
class FeatureOptions:
    """Which features :func:`features_from_tokens` makes; the defaults were chosen on HoASA
    (docs/supervised.md)."""

    negation: bool = True
    bigrams: bool = True
    char_ngrams: tuple[int, int] | None = (2, 5)


DEFAULT_FEATURES = FeatureOptions()


def token_features(
    norms: Sequence[str], kinds: Sequence[str], terms: Sequence[str],
    options: FeatureOptions = DEFAULT_FEATURES,
) -> list[str]:
    """Features of one passage from its tokens' standard forms, kinds and terms (in order)."""
    unigrams: list[str] = []
    negated: list[str] = []
    negator = False
    for norm, kind, term in zip(norms, kinds, terms, strict=True):
        if kind not in ("word", "stop"):
            negator = negator and kind == "filler"  # "nggak eh datang" still negates datang
            continue
        if term:
            unigrams.append(term)
        if negator and norm not in NEGATIONS:
            negated.append(f"n:tidak_{term or norm}")
        negator = norm in NEGATIONS
    out = [f"w:{t}" for t in unigrams]
    if options.negation:
        out += negated
    if options.bigrams:
        out += [f"b:{a} {b}" for a, b in pairwise(unigrams)]
    if options.char_ngrams:
        low, high = options.char_ngrams
        for norm, kind in zip(norms, kinds, strict=True):
            if kind in ("word", "stop"):
                out += char_ngrams(norm, low, high)
    return out


@lru_cache(maxsize=1 << 17)
def char_ngrams(norm: str, low: int, high: int) -> tuple[str, ...]:
    """A word's character n-gram features (remembered: a corpus says the same words again)."""
    padded = f" {norm} "
    return tuple(f"c:{padded[i:i + n]}" for n in range(low, high + 1)
                 for i in range(len(padded) - n + 1))


def features_from_tokens(
    tokens: pd.DataFrame, passage_ids: Sequence[str] | None = None,
    *, options: FeatureOptions = DEFAULT_FEATURES,
) -> pd.Series:
    """Per-passage feature lists from the ``tokens`` table of
    :func:`pipeline.stages.normalise.normalise`.

    Returns a Series of ``list[str]`` indexed by passage_id, in the order of ``passage_ids``
    (passages without tokens get an empty list) or of first appearance in ``tokens``.
    """
    missing = {"passage_id", "norm", "kind", "term"} - set(tokens.columns)
    if missing:
        raise ValueError(f"tokens table lacks columns {sorted(missing)}")
    # passages in order of first appearance, each one's tokens in order of "i" when given
    codes, uniques = pd.factorize(tokens["passage_id"])
    rows = (np.lexsort((tokens["i"].to_numpy(), codes)) if "i" in tokens.columns
            else np.argsort(codes, kind="stable"))
    norms, kinds, terms = (tokens[c].to_numpy()[rows].tolist() for c in ("norm", "kind", "term"))
    bounds = [0, *(np.flatnonzero(np.diff(codes[rows])) + 1).tolist(), len(rows)]
    by_passage: dict[str, list[str]] = {
        str(uniques[k]): token_features(norms[s:e], kinds[s:e], terms[s:e], options)
        for k, (s, e) in enumerate(pairwise(bounds)) if e > s}
    order = list(passage_ids) if passage_ids is not None else list(by_passage)
    return pd.Series([by_passage.get(p, []) for p in order], name="features", dtype=object,
                     index=pd.Index(order, name="passage_id"))


def features_from_texts(
    texts: Iterable[str], normaliser: Normaliser, *, options: FeatureOptions = DEFAULT_FEATURES,
) -> list[list[str]]:
    """The same features as :func:`features_from_tokens`, straight from raw strings."""
    out = []
    for text in texts:
        analysed = normaliser.tokenize(text)
        forms = [a[3] for a in analysed]
        out.append(token_features([f.norm for f in forms], [f.kind for f in forms],
                                  normaliser.terms(forms), options))
    return out


def feature_block(feature: str) -> int:
    """0 for a word feature, 1 for a character n-gram (each block is scaled on its own)."""
    return 1 if feature.startswith("c:") else 0


def readable(feature: str) -> str:
    """A feature as a researcher reads it: ``tidak X``, ``a b``, a term or an n-gram."""
    kind, _, rest = feature.partition(":")
    if kind == "n":
        negator, _, term = rest.partition("_")
        return f"{negator} {term}"
    return rest if kind in ("w", "b", "c") else feature
