"""Supervised coding: learn a researcher's own coding of passages and apply it to new ones.

Features come from :mod:`pipeline.stages.features` (the normalised tokens, so spoken and
standard forms meet).

:class:`SupervisedCoder` weights features by sublinear TF-IDF (the ``c:`` block and the rest
each scaled to unit length, then the whole row), fits one class-weighted logistic regression
per theme, and picks each theme's probability threshold by internal cross-validation to
maximise F1, so rare themes are not starved. Its learned state is plain data
(:meth:`SupervisedCoder.to_dict`): a shared run directory never needs pickle.
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from pipeline.config import CODER_C, CODER_NB_ALPHA, CODER_SCALING
from pipeline.errors import ResourceError, TrainingError
from pipeline.stages.features import (
    DEFAULT_FEATURES,
    Doc,
    char_ngrams,
    feature_block,
    features_from_texts,
    readable,
)
from pipeline.stages.normalise import Normaliser

log = logging.getLogger(__name__)

FORMAT = "tematik.supervised"
FORMAT_VERSION = 1
REPORT_COLUMNS = ["theme", "precision", "recall", "f1", "support", "threshold", "status"]
TOP_TERM_COLUMNS = ["theme", "rank", "term", "weight"]



# ----------------------------------------------------------------------------- the coder


def _as_codes(labels: object) -> frozenset[str]:
    if isinstance(labels, str):
        return frozenset([labels.strip()]) if labels.strip() else frozenset()
    if labels is None or (isinstance(labels, float) and math.isnan(labels)):
        return frozenset()
    if not isinstance(labels, Iterable):
        raise TrainingError(f"labels must be theme ids, got {labels!r}",
                            fix="Give each passage a list (possibly empty) of theme ids.")
    return frozenset(str(c).strip() for c in labels if str(c).strip())


def _best_threshold(proba: np.ndarray, truth: np.ndarray) -> float:
    """The probability cut that maximises F1 on (proba, truth): midway between the lowest
    probability kept and the next one below it."""
    order = np.argsort(-proba, kind="stable")
    p, y = proba[order], truth[order]
    distinct = np.r_[p[1:] < p[:-1], True]  # a cut can only fall after the last of equal scores
    tp = np.cumsum(y)[distinct]
    kept = np.arange(1, len(p) + 1)[distinct]
    f1 = 2 * tp / (kept + y.sum())
    best = int(np.argmax(f1))
    index = np.flatnonzero(distinct)[best]
    below = p[index + 1] if index + 1 < len(p) else 0.0
    return float((p[index] + below) / 2)


def _nb_ratio(X: sp.csr_matrix, y: np.ndarray, alpha: float) -> np.ndarray:
    """Each feature's naive-Bayes log-count ratio for ``y`` (Wang & Manning 2012): the log of
    its smoothed share of the passages with the theme over its share of those without,
    counting passages that have the feature."""
    counts = [alpha + np.bincount(X[rows].indices, minlength=X.shape[1]) for rows in (y, ~y)]
    with_, without = (c / c.sum() for c in counts)
    return np.asarray(np.log(with_ / without))


def _sigmoid(scores: np.ndarray) -> np.ndarray:
    return np.asarray(1.0 / (1.0 + np.exp(-scores)))


SCALINGS = ("none", "nb", "auto")
"""The feature scalings :class:`SupervisedCoder` knows (``auto``: the better of the first
two in cross-validation on the training passages)."""


def _scores(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    """Precision, recall and F1 from counts (0 where undefined)."""
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return precision, recall, (2 * tp / (2 * tp + fp + fn) if tp else 0.0)


def _counts(rows: Sequence[Mapping[str, Any]]) -> tuple[int, int, int]:
    """The out-of-fold tp, fp, fn of :meth:`SupervisedCoder._tune` reports, summed."""
    tp, fp, fn = (sum(int(r[k]) for r in rows) for k in ("_tp", "_fp", "_fn"))
    return tp, fp, fn


def _micro_f1(rows: Sequence[Mapping[str, Any]]) -> float:
    """Micro-F1 of :meth:`SupervisedCoder._tune` reports' out-of-fold counts."""
    return _scores(*_counts(rows))[2]


def _prf(pred: np.ndarray, truth: np.ndarray) -> tuple[float, float, float, int, int, int]:
    tp = int((pred & truth).sum())
    fp = int((pred & ~truth).sum())
    fn = int((~pred & truth).sum())
    return (*_scores(tp, fp, fn), tp, fp, fn)


@dataclass(frozen=True)
class Encoded:
    """Documents' features as codes into one array of the distinct features, made once by
    :func:`encode` so that several coders read them without hashing every string again."""

    lengths: np.ndarray  # features per document
    codes: np.ndarray  # every feature of every document, in order, as an index of uniques
    uniques: np.ndarray  # the distinct features


def encode(docs: Sequence[Doc]) -> Encoded:
    """``docs`` (feature lists) as :class:`Encoded`."""
    lengths = np.fromiter((len(d) for d in docs), dtype=np.int64, count=len(docs))
    flat = np.fromiter(chain.from_iterable(docs), dtype=object, count=int(lengths.sum()))
    codes, uniques = pd.factorize(flat)
    return Encoded(lengths, np.asarray(codes, dtype=np.int64), np.asarray(uniques, dtype=object))


class SupervisedCoder(BaseEstimator):  # type: ignore[misc]
    """Multi-label coder: one class-weighted logistic regression per theme on TF-IDF features.

    Parameters: ``C`` (inverse regularisation), ``class_weight`` (``"balanced"`` or None),
    ``cv`` (folds of the internal cross-validation that tunes thresholds), ``min_df``
    (features in fewer training passages are dropped), ``min_positives`` (a theme needs at
    least this many passages with it and without it), ``random_state``.

    Learned: ``classes_`` (trained themes), ``thresholds_`` (theme -> probability cut),
    ``untrainable_`` (theme -> why it was not trained), ``cv_report_`` (DataFrame with
    REPORT_COLUMNS: per theme, then ``micro`` and ``macro`` rows over the trained themes;
    cross-validated, each fold judged with a threshold tuned on the other folds),
    ``scaling_`` (``nb`` or ``none``: the feature scaling used, see ``scaling``),
    ``vocabulary_``, ``idf_``, ``coef_``, ``intercept_``.
    """

    def __init__(self, *, C: float = CODER_C, class_weight: str | None = "balanced",
                 cv: int = 5, min_df: int = 1, min_positives: int = 2,
                 scaling: str = CODER_SCALING, nb_alpha: float = CODER_NB_ALPHA,
                 random_state: int = 0) -> None:
        self.C = C
        self.scaling = scaling
        self.nb_alpha = nb_alpha
        self.class_weight = class_weight
        self.cv = cv
        self.min_df = min_df
        self.min_positives = min_positives
        self.random_state = random_state

    # -- features ------------------------------------------------------------------------

    def _vectorise(self, docs: Sequence[Doc] | Encoded) -> sp.csr_matrix:
        """Sublinear TF-IDF; each row's word block and character block scaled to unit length,
        then the whole row."""
        coded = docs if isinstance(docs, Encoded) else encode(docs)
        get = self.vocabulary_.get
        # each distinct feature looked up once (-1: not in the vocabulary), then every
        # occurrence through its code
        found = np.fromiter((get(f, -1) for f in coded.uniques), dtype=np.int64,
                            count=len(coded.uniques))[coded.codes]
        known = found >= 0
        n, size = len(coded.lengths), len(self.vocabulary_)
        rows = np.repeat(np.arange(n, dtype=np.int64), coded.lengths)[known]
        # the count of each (row, feature) pair, in row and feature order
        counted = sp.csr_matrix((np.ones(int(known.sum())), (rows, found[known])),
                                shape=(n, size))
        counted.sum_duplicates()
        row = np.repeat(np.arange(n, dtype=np.int64), np.diff(counted.indptr))
        col = counted.indices.astype(np.int64)
        values = (1.0 + np.log(counted.data)) * self.idf_[col]
        block = self._blocks[col]
        for scope in (row * 2 + block, row):
            sums = np.bincount(scope, weights=values * values, minlength=2 * n)
            values = values / np.sqrt(sums[scope])
        return sp.csr_matrix((values, (row, col)), shape=(n, size))

    def _fit_vocabulary(self, docs: Sequence[Doc]) -> None:
        df: Counter[str] = Counter()
        for doc in docs:
            df.update(set(doc))
        kept = sorted(f for f, n in df.items() if n >= self.min_df)
        if not kept:
            raise TrainingError(
                f"no features left to learn from ({len(docs)} passages, min_df={self.min_df})",
                fix="Give passages with words in them, or lower min_df.",
            )
        n = len(docs)
        self.vocabulary_ = {f: i for i, f in enumerate(kept)}
        self.idf_ = np.array([math.log((1 + n) / (1 + df[f])) + 1.0 for f in kept])
        self._blocks = np.array([feature_block(f) for f in kept])

    def _fit_linear(self, X: sp.csr_matrix, y: np.ndarray,
                    scaling: str) -> tuple[np.ndarray, float]:
        """One theme's coefficients (per feature of X) and intercept. With ``scaling`` ``nb``,
        each feature is first scaled by its naive-Bayes log-count ratio, and the ratio is
        folded into the coefficients, so ``X @ coef + intercept`` is the theme's logit."""
        ratio = _nb_ratio(X, y, self.nb_alpha) if scaling == "nb" else None
        # dual liblinear: twice as fast as the primal when features outnumber passages
        model = LogisticRegression(C=self.C, class_weight=self.class_weight, solver="liblinear",
                                   dual=True, max_iter=1000, random_state=self.random_state)
        model.fit(X @ sp.diags(ratio) if ratio is not None else X, y)
        coef = model.coef_[0] * ratio if ratio is not None else model.coef_[0]
        return coef, float(model.intercept_[0])

    # -- training ------------------------------------------------------------------------

    def fit(self, docs: Sequence[Doc], labels: Sequence[Iterable[str]],
            *, themes: Iterable[str] = ()) -> SupervisedCoder:
        """Learn from ``docs`` (feature lists) and ``labels`` (each passage's theme ids).

        ``themes`` adds themes that may have no example (a codebook's), so the report lists
        them as untrainable. Raises :class:`TrainingError` when no theme can be trained.
        """
        docs = [list(d) for d in docs]
        codes = [_as_codes(lab) for lab in labels]
        if len(docs) != len(codes):
            raise TrainingError(f"{len(docs)} passages but {len(codes)} label sets",
                                fix="Give one (possibly empty) list of theme ids per passage.")
        all_themes = sorted(set(themes).union(*codes)) if codes else sorted(set(themes))
        if not docs:
            raise TrainingError("no coded passages to learn from",
                                fix="Supply a CODED file with at least a few coded passages.")
        Y = np.array([[t in c for t in all_themes] for c in codes], dtype=bool).reshape(
            len(docs), len(all_themes))
        self.untrainable_: dict[str, str] = {}
        trainable = []
        for j, theme in enumerate(all_themes):
            pos = int(Y[:, j].sum())
            neg = len(docs) - pos
            need = self.min_positives
            if pos < need:
                self.untrainable_[theme] = (f"only {pos} coded passage(s); needs at least {need}")
            elif neg < need:
                self.untrainable_[theme] = (
                    f"coded on {pos} of {len(docs)} passages; needs at least {need} without it")
            else:
                trainable.append(j)
        if not trainable:
            counts = ", ".join(f"{t} ({r})" for t, r in self.untrainable_.items()) or "none"
            raise TrainingError(
                f"no theme can be learned from {len(docs)} passages: {counts}",
                fix=f"Code each theme on at least {self.min_positives} passages and leave it off "
                f"at least {self.min_positives} others.",
            )
        if self.scaling not in SCALINGS:
            raise ValueError(f"scaling must be one of {', '.join(SCALINGS)}, not "
                             f"{self.scaling!r}")
        self._fit_vocabulary(docs)
        X = self._vectorise(docs)
        self.classes_ = [all_themes[j] for j in trainable]
        candidates = SCALINGS[:2] if self.scaling == "auto" else (self.scaling,)
        tuned = {s: [self._tune(X, Y[:, j], s) for j in trainable] for s in candidates}
        self.scaling_ = max(candidates, key=lambda s: (_micro_f1([r for _, r in tuned[s]]),
                                                       -candidates.index(s)))
        coefs, intercepts, rows = [], [], []
        self.thresholds_: dict[str, float] = {}
        for theme, j, (threshold, row) in zip(self.classes_, trainable, tuned[self.scaling_],
                                              strict=True):
            y = Y[:, j]
            coef, intercept = self._fit_linear(X, y, self.scaling_)
            coefs.append(coef)
            intercepts.append(intercept)
            self.thresholds_[theme] = threshold
            rows.append({"theme": theme, **row, "threshold": threshold, "status": "trained"})
        self.coef_ = np.vstack(coefs)
        self.intercept_ = np.array(intercepts)
        self.cv_report_ = self._report(rows, all_themes, Y)
        log.info("supervised coder: %d themes trained, %d untrainable, %d features",
                 len(self.classes_), len(self.untrainable_), len(self.vocabulary_))
        return self

    def _tune(self, X: sp.csr_matrix, y: np.ndarray,
              scaling: str) -> tuple[float, dict[str, Any]]:
        """Threshold maximising out-of-fold F1, and a report judging each fold with the
        threshold tuned on the other folds."""
        n_splits = max(2, min(self.cv, int(y.sum()), int((~y).sum())))
        folds = list(StratifiedKFold(n_splits, shuffle=True, random_state=self.random_state)
                     .split(np.zeros(len(y)), y))
        oof = np.zeros(len(y))
        for train, test in folds:
            coef, intercept = self._fit_linear(X[train], y[train], scaling)
            oof[test] = _sigmoid(X[test] @ coef + intercept)
        pred = np.zeros(len(y), dtype=bool)
        for _, test in folds:
            others = np.ones(len(y), dtype=bool)
            others[test] = False
            pred[test] = oof[test] >= _best_threshold(oof[others], y[others])
        precision, recall, f1, tp, fp, fn = _prf(pred, y)
        return _best_threshold(oof, y), {"precision": precision, "recall": recall, "f1": f1,
                                         "support": int(y.sum()), "_tp": tp, "_fp": fp, "_fn": fn}

    def _report(self, rows: list[dict[str, Any]], all_themes: list[str],
                Y: np.ndarray) -> pd.DataFrame:
        precision, recall, f1 = _scores(*_counts(rows))
        micro = {"theme": "micro", "precision": precision, "recall": recall, "f1": f1,
                 "support": sum(r["support"] for r in rows), "threshold": float("nan"),
                 "status": f"{len(rows)} trained themes"
                 + ("; features scaled by naive-Bayes ratios" if self.scaling_ == "nb" else "")}
        macro = {**micro, "theme": "macro",
                 **{k: float(np.mean([r[k] for r in rows])) for k in ("precision", "recall", "f1")}}
        trained = {r["theme"]: r for r in rows}
        nan = float("nan")
        out = []
        for j, theme in enumerate(all_themes):
            if theme in trained:
                out.append({k: v for k, v in trained[theme].items() if not k.startswith("_")})
            else:
                out.append({"theme": theme, "precision": nan, "recall": nan, "f1": nan,
                            "support": int(Y[:, j].sum()), "threshold": nan,
                            "status": "untrainable: " + self.untrainable_[theme]})
        return pd.DataFrame([*out, micro, macro], columns=REPORT_COLUMNS)

    # -- prediction ----------------------------------------------------------------------

    def _check(self) -> None:
        if not hasattr(self, "coef_"):
            raise NotFittedError("SupervisedCoder is not fitted yet: call fit() or from_dict()")

    def predict_proba(self, docs: Sequence[Doc] | Encoded) -> pd.DataFrame:
        """Probability of each trained theme (columns ``classes_``) for each passage; the
        index is ``docs.index`` for a Series, else 0..n-1."""
        self._check()
        coded = docs if isinstance(docs, Encoded) else encode(docs)
        index = docs.index if isinstance(docs, pd.Series) else pd.RangeIndex(len(coded.lengths))
        X = self._vectorise(coded)
        proba = _sigmoid(np.asarray(X @ self.coef_.T) + self.intercept_)
        return pd.DataFrame(proba, index=index, columns=list(self.classes_))

    def predict(self, docs: Sequence[Doc]) -> list[frozenset[str]]:
        """The themes whose probability reaches their threshold, per passage."""
        proba = self.predict_proba(docs)
        cuts = np.array([self.thresholds_[t] for t in self.classes_])
        hits = proba.to_numpy() >= cuts
        return [frozenset(t for t, h in zip(self.classes_, row, strict=True) if h) for row in hits]

    def top_terms(self, n: int = 15, *, char_ngrams: bool = False) -> pd.DataFrame:
        """The ``n`` features that most raise each theme's probability: columns theme, rank,
        term (``tidak X`` for a negated term, ``a b`` for a bigram), weight (coefficient).
        Character n-grams are left out unless ``char_ngrams``."""
        self._check()
        features = list(self.vocabulary_)
        rows = []
        for theme, coef in zip(self.classes_, self.coef_, strict=True):
            order = np.argsort(-coef, kind="stable")
            rank = 0
            for i in order:
                if coef[i] <= 0 or rank >= n:
                    break
                if features[i].startswith("c:") and not char_ngrams:
                    continue
                rank += 1
                rows.append({"theme": theme, "rank": rank, "term": readable(features[i]),
                             "weight": float(coef[i])})
        return pd.DataFrame(rows, columns=TOP_TERM_COLUMNS)

    # -- serialisation -------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """Everything needed to predict, as JSON-able plain data (no pickle)."""
        self._check()
        report = self.cv_report_.astype(object).where(self.cv_report_.notna(), None)
        return {
            "format": FORMAT, "version": FORMAT_VERSION, "params": self.get_params(),
            "classes": list(self.classes_), "vocabulary": list(self.vocabulary_),
            "idf": self.idf_.tolist(), "coef": self.coef_.tolist(),
            "intercept": self.intercept_.tolist(), "thresholds": dict(self.thresholds_),
            "untrainable": dict(self.untrainable_), "cv_report": report.to_dict("records"),
            "scaling": self.scaling_,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SupervisedCoder:
        """Rebuild a fitted coder from :meth:`to_dict` output; predicts identically."""
        fix = "Train the coder again (tematik code --train CODED ...)."
        if not isinstance(data, Mapping) or data.get("format") != FORMAT:
            raise ResourceError(f"not a saved tematik supervised coder (format "
                                f"{data.get('format') if isinstance(data, Mapping) else None!r})",
                                fix=fix)
        if data.get("version") != FORMAT_VERSION:
            raise ResourceError(f"saved coder has version {data.get('version')!r}; this tematik "
                                f"reads version {FORMAT_VERSION}", fix=fix)
        try:
            coder = cls(**data["params"])
            vocabulary = [str(f) for f in data["vocabulary"]]
            coder.vocabulary_ = {f: i for i, f in enumerate(vocabulary)}
            coder.idf_ = np.array(data["idf"], dtype=np.float64)
            coder._blocks = np.array([feature_block(f) for f in vocabulary])
            coder.classes_ = [str(c) for c in data["classes"]]
            coder.coef_ = np.array(data["coef"], dtype=np.float64).reshape(
                len(coder.classes_), len(vocabulary))
            coder.intercept_ = np.array(data["intercept"], dtype=np.float64)
            coder.thresholds_ = {str(k): float(v) for k, v in data["thresholds"].items()}
            coder.untrainable_ = {str(k): str(v) for k, v in data["untrainable"].items()}
            coder.scaling_ = str(data.get("scaling", "none"))
            coder.cv_report_ = pd.DataFrame(data["cv_report"], columns=REPORT_COLUMNS)
            for col in ("precision", "recall", "f1", "threshold"):
                coder.cv_report_[col] = coder.cv_report_[col].astype(np.float64)
        except (KeyError, TypeError, ValueError) as exc:
            raise ResourceError(f"saved supervised coder is damaged ({exc.__class__.__name__}: "
                                f"{exc})", fix=fix) from exc
        if (len(coder.idf_) != len(vocabulary) or len(coder.intercept_) != len(coder.classes_)
                or set(coder.thresholds_) != set(coder.classes_)):
            raise ResourceError("saved supervised coder is damaged (sizes do not match)", fix=fix)
        return coder


# ----------------------------------------------------------------------------- CODED files


def fit_coder(coded: pd.DataFrame, normaliser: Normaliser, *, themes: Iterable[str] = (),
              random_state: int = 0) -> SupervisedCoder:
    """A coder trained on a researcher's coded passages (:func:`pipeline.readers.sheets.read_coded`:
    columns text and codes), with the default features."""
    docs = features_from_texts(coded["text"], normaliser)
    return SupervisedCoder(random_state=random_state).fit(docs, list(coded["codes"]),
                                                          themes=themes)


def indicative_words(coder: SupervisedCoder, theme: str,
                     words: Sequence[tuple[str, str]], n: int = 3) -> list[int]:
    """Of a passage's ``words`` ((term, standard form) pairs), the positions of the ``n``
    that push ``theme`` up most: each word counts the weights of its term and of its
    character n-grams. The words to show as the supervised coder's evidence."""
    row = coder.coef_[coder.classes_.index(theme)]
    vocab = coder.vocabulary_
    low, high = DEFAULT_FEATURES.char_ngrams or (0, -1)
    scored = []
    for i, (term, norm) in enumerate(words):
        weight = sum(float(row[vocab[g]]) for g in char_ngrams(norm, low, high) if g in vocab)
        if term and f"w:{term}" in vocab:
            weight += float(row[vocab[f"w:{term}"]])
        if weight > 0:
            scored.append((weight, -i, i))
    return sorted(i for _, _, i in sorted(scored, reverse=True)[:n])
