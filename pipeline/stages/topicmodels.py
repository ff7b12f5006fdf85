"""Topic model components: vocabulary (phrases + dictionary filtering), the models by name,
and saving a fitted model as plain files (the scores are in :mod:`pipeline.stages.topicscores`).

Documents are lists of modelling terms (``tokens.term``). :class:`Vocabulary` joins frequent
word pairs with gensim ``Phrases`` and keeps the terms that pass a dictionary filter scaled
to the corpus size; each model in :data:`MODELS` follows the scikit-learn estimator contract
on the resulting document-term count matrix. :class:`TopicModel` holds a fitted vocabulary
and model together: it infers topics for new documents and turns into files (JSON and
``.npy``, no pickle) that :meth:`TopicModel.from_files` reads back.
"""

from __future__ import annotations

import io
import json
import logging
import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

import numpy as np
from scipy import sparse
from scipy.optimize import linear_sum_assignment

from pipeline.config import INFER_BLOCK
from pipeline.errors import UsageError
from pipeline.parallel import can_fork, cores, map_shared
from pipeline.stages.topicscores import Matrix

log = logging.getLogger(__name__)

PAIR_JOIN = "_"  # a joined pair shows as ``surat_masuk``; its parts are kept in phrasegrams_


# -- vocabulary ----------------------------------------------------------------------------


def filter_settings(n_docs: int) -> tuple[int, float, int]:
    """(no_below, no_above, keep_n) for a corpus of ``n_docs`` passages.

    A thesis corpus (a few hundred passages) keeps every term seen in two passages; an
    archive of 100,000 passages needs a term in 10 passages and keeps the 20,000 most
    frequent.
    """
    if n_docs < 500:
        return 2, 0.5, 100_000
    if n_docs < 5_000:
        return 3, 0.4, 50_000
    if n_docs < 50_000:
        return 5, 0.4, 30_000
    return 10, 0.3, 20_000


class Vocabulary:
    """Phrases + dictionary filtering, fitted on documents of terms.

    ``min_count`` and the filter thresholds default to values scaled to the corpus size
    (:func:`filter_settings`); ``keep`` terms (seed words) survive the frequency filter.
    Learned: ``phrasegrams_`` (pair -> NPMI score), ``terms_`` (column order).
    """

    def __init__(self, *, phrase_threshold: float = 0.5, keep: Iterable[str] = ()) -> None:
        self.phrase_threshold = phrase_threshold
        self.keep = keep

    def fit_merge(self, docs: Sequence[Sequence[str]]) -> list[list[str]]:
        """Fit on ``docs``, and return them with the learned pairs joined (as :meth:`merge`
        gives them), so that each document is joined once."""
        from gensim.corpora import Dictionary
        from gensim.models.phrases import Phrases

        n = len(docs)
        phrases = Phrases([list(d) for d in docs], min_count=max(3, n // 500),
                          threshold=self.phrase_threshold, scoring="npmi", delimiter=" ")
        grams: dict[tuple[str, str], float] = {}
        for joined, score in phrases.export_phrases().items():
            a, b = joined.split(" ")
            grams[(a, b)] = round(float(score), 6)
        self.phrasegrams_ = dict(sorted(grams.items()))
        merged = self.merge_all(docs)
        no_below, no_above, keep_n = filter_settings(n)
        dictionary = Dictionary(merged)
        keep = [t for t in self.keep if t in dictionary.token2id]
        dictionary.filter_extremes(no_below=no_below, no_above=no_above, keep_n=keep_n,
                                   keep_tokens=keep)
        self.terms_ = sorted(dictionary.token2id)
        self.index_ = {t: i for i, t in enumerate(self.terms_)}
        return merged

    def merge(self, doc: Sequence[str]) -> list[str]:
        """Join the learned pairs, greedily from the left (as gensim ``Phrases`` does)."""
        return self.merge_all([doc])[0]

    def merge_all(self, docs: Iterable[Sequence[str]]) -> list[list[str]]:
        """:meth:`merge` of each document."""
        grams = self.phrasegrams_
        firsts = {a for a, _ in grams}
        merged = []
        for doc in docs:
            out: list[str] = []
            i, last = 0, len(doc) - 1
            while i <= last:
                if i < last and doc[i] in firsts and (doc[i], doc[i + 1]) in grams:
                    out.append(doc[i] + PAIR_JOIN + doc[i + 1])
                    i += 2
                else:
                    out.append(doc[i])
                    i += 1
            merged.append(out)
        return merged

    def parts(self) -> dict[str, tuple[str, str]]:
        """Each joined pair's two terms: ``{"surat_masuk": ("surat", "masuk")}``."""
        return {a + PAIR_JOIN + b: (a, b) for a, b in self.phrasegrams_}

    def transform(self, docs: Sequence[Sequence[str]]) -> sparse.csr_matrix:
        """Document-term counts (documents x ``terms_``); unknown terms are dropped."""
        return self.count(self.merge_all(docs))

    def count(self, merged: Sequence[Sequence[str]]) -> sparse.csr_matrix:
        """:meth:`transform` of documents already joined by :meth:`merge`."""
        index = self.index_
        rows: list[int] = []
        cols: list[int] = []
        for r, doc in enumerate(merged):
            found = [c for c in map(index.get, doc) if c is not None]
            cols.extend(found)
            rows.extend([r] * len(found))
        data = np.ones(len(rows), dtype=np.float64)
        m = sparse.csr_matrix((data, (rows, cols)), shape=(len(merged), len(self.terms_)))
        m.sum_duplicates()
        return m


# -- models --------------------------------------------------------------------------------


class Estimator(Protocol):
    n_topics: int
    random_state: int
    components_: Matrix

    def fit(self, counts: sparse.csr_matrix) -> Estimator: ...
    def transform(self, counts: sparse.csr_matrix) -> Matrix: ...
    def state(self) -> tuple[dict[str, Any], dict[str, Matrix]]: ...


def _rows_sum_to_one(m: Matrix) -> Matrix:
    sums = m.sum(axis=1, keepdims=True)
    k = m.shape[1]
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(sums > 0, m / np.where(sums > 0, sums, 1.0), 1.0 / k)
    return np.asarray(out, dtype=np.float64)


def passes_for(n_docs: int) -> int:
    """LDA passes over ``n_docs`` documents: 3,000 documents' worth, at least 3 and at most
    20, and 2 from 10,000 documents on (an archive of 21,452 passages scored the same NPMI,
    0.111 against 0.110, with 2 passes as with 3, a third faster)."""
    if n_docs >= 10_000:
        return 2
    return int(np.clip(3_000 // max(n_docs, 1), 3, 20))


class LdaTopics:
    """gensim ``LdaModel`` (single process, so a seed gives the same model every time).

    ``passes`` defaults to a number scaled to the corpus (many for a thesis corpus, a few
    for an archive); ``eta`` is a (topics x terms) prior, e.g. from :func:`seed_prior`.
    Learned: ``model_``, ``components_`` (topic-term probabilities, rows sum to 1).
    """

    def __init__(self, n_topics: int = 10, *, random_state: int = 42, passes: int | None = None,
                 iterations: int = 100, eta: Matrix | None = None, n_seeded: int = 0,
                 init: str = "nmf") -> None:
        self.n_topics = n_topics
        self.random_state = random_state
        self.passes = passes
        self.iterations = iterations
        self.eta = eta
        self.n_seeded = n_seeded
        self.init = init

    def fit(self, counts: sparse.csr_matrix) -> LdaTopics:
        from gensim.matutils import Sparse2Corpus
        from gensim.models import LdaModel

        if self.init not in ("nmf", "random"):
            raise ValueError(f"init must be 'nmf' or 'random', got {self.init!r}")
        n_docs, n_terms = counts.shape
        passes = self.passes or passes_for(n_docs)
        corpus = Sparse2Corpus(counts, documents_columns=False)
        model = LdaModel(
            num_topics=self.n_topics, id2word={i: str(i) for i in range(n_terms)},
            chunksize=min(2000, max(n_docs, 1)), iterations=self.iterations, alpha="auto",
            eta=self.eta, eval_every=None, random_state=self.random_state, dtype=np.float64,
        )
        if self.init == "nmf":
            # Start from the NMF solution instead of random topics: LDA then finds the same
            # topics from any seed, and in fewer passes (see docs/topics.md).
            start = NmfTopics(self.n_topics, random_state=self.random_state).fit(counts)
            model.state.sstats = self._aligned(start.components_) * (counts.sum() / self.n_topics)
            model.sync_state()
        model.update(corpus, passes=passes)
        self.model_ = model
        self.passes_ = passes
        self.components_ = _rows_sum_to_one(model.get_topics().astype(np.float64))
        return self

    def _aligned(self, components: Matrix) -> Matrix:
        """NMF topics reordered so that seeded topic ``i`` starts from the NMF topic that
        weighs its seed terms most; the other NMF topics fill the free slots in order."""
        if not self.n_seeded or self.eta is None:
            return components
        seeds = self.eta[: self.n_seeded] >= self.eta[: self.n_seeded].max(axis=1, keepdims=True)
        mass = seeds.astype(np.float64) @ components.T  # seeded topics x NMF topics
        rows, cols = linear_sum_assignment(-mass)
        order = [int(c) for _, c in sorted(zip(rows, cols, strict=True))]
        order += [j for j in range(self.n_topics) if j not in order]
        start = components[order].copy()
        # Half of each seeded topic's start is its seed terms, so it begins on its theme
        # even when no NMF topic is about it.
        start[: self.n_seeded] = 0.5 * start[: self.n_seeded] + 0.5 * _rows_sum_to_one(
            seeds.astype(np.float64))
        return start

    def transform(self, counts: sparse.csr_matrix) -> Matrix:
        """Topic probabilities of each document. gensim starts inference from random values,
        so the documents go in blocks of :data:`INFER_BLOCK`, block ``b`` reseeded at
        ``random_state + b``: the same input always gives the same answer, however often it
        is asked and however many worker processes (one per core, forked, from two blocks
        on) computed it."""
        x = sparse.csr_matrix(counts)
        blocks = [(b, x[i:i + INFER_BLOCK])
                  for b, i in enumerate(range(0, x.shape[0], INFER_BLOCK))]
        if not blocks:
            return np.zeros((0, self.n_topics), dtype=np.float64)
        gammas = map_shared(_infer_block, self, blocks, cores() if can_fork() else 1)
        return _rows_sum_to_one(np.vstack(gammas).astype(np.float64))

    def state(self) -> tuple[dict[str, Any], dict[str, Matrix]]:
        params = {"n_topics": self.n_topics, "random_state": self.random_state,
                  "iterations": self.iterations, "passes": self.passes_,
                  "n_seeded": self.n_seeded, "init": self.init,
                  "alpha": [float(a) for a in self.model_.alpha]}
        eta = np.asarray(self.model_.eta, dtype=np.float64)
        return params, {"lambda": self.model_.state.get_lambda().astype(np.float64),
                        "eta": eta}

    @classmethod
    def from_state(cls, params: Mapping[str, Any], arrays: Mapping[str, Matrix]) -> LdaTopics:
        from gensim.models import LdaModel

        self = cls(int(params["n_topics"]), random_state=int(params["random_state"]),
                   passes=int(params["passes"]), iterations=int(params["iterations"]),
                   n_seeded=int(params["n_seeded"]), init=str(params["init"]))
        lam, eta = arrays["lambda"], arrays["eta"]
        model = LdaModel(num_topics=self.n_topics, id2word={i: str(i) for i in
                                                              range(lam.shape[1])},
                         alpha=np.asarray(params["alpha"], dtype=np.float64), eta=eta,
                         iterations=self.iterations, random_state=self.random_state,
                         dtype=np.float64)
        model.state.sstats = lam - eta
        model.sync_state()
        self.model_ = model
        self.passes_ = int(params["passes"])
        self.components_ = _rows_sum_to_one(model.get_topics().astype(np.float64))
        return self




def _infer_block(model: LdaTopics, block: tuple[int, sparse.csr_matrix]) -> Matrix:
    from gensim.matutils import Sparse2Corpus

    b, counts = block
    lda = model.model_
    lda.random_state = np.random.RandomState(model.random_state + b)
    gamma, _ = lda.inference(list(Sparse2Corpus(counts, documents_columns=False)))
    return np.asarray(gamma, dtype=np.float64)


class NmfTopics:
    """scikit-learn ``NMF`` on TF-IDF (sublinear term frequency): fast and deterministic.

    Learned: ``tfidf_``, ``nmf_``, ``components_`` (topic-term weights scaled so each row
    sums to 1).
    """

    def __init__(self, n_topics: int = 10, *, random_state: int = 42, max_iter: int = 400,
                 init: str = "nndsvdar", tol: float = 1e-4) -> None:
        self.n_topics = n_topics
        self.random_state = random_state
        self.max_iter = max_iter
        self.init = init
        self.tol = tol

    def _nmf(self) -> Any:
        from sklearn.decomposition import NMF

        return NMF(n_components=self.n_topics, init=self.init, random_state=self.random_state,
                   max_iter=self.max_iter, tol=self.tol)

    def fit(self, counts: sparse.csr_matrix) -> NmfTopics:
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.feature_extraction.text import TfidfTransformer

        self.tfidf_ = TfidfTransformer(sublinear_tf=True).fit(counts)
        self.nmf_ = self._nmf()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            self.nmf_.fit(self.tfidf_.transform(counts))
        self.components_ = _rows_sum_to_one(np.asarray(self.nmf_.components_, np.float64))
        return self

    def transform(self, counts: sparse.csr_matrix) -> Matrix:
        from sklearn.exceptions import ConvergenceWarning

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            w = self.nmf_.transform(self.tfidf_.transform(counts))
        return _rows_sum_to_one(np.asarray(w, dtype=np.float64))

    def state(self) -> tuple[dict[str, Any], dict[str, Matrix]]:
        params = {"n_topics": self.n_topics, "random_state": self.random_state,
                  "max_iter": self.max_iter}
        return params, {"components": np.asarray(self.nmf_.components_, np.float64),
                        "idf": np.asarray(self.tfidf_.idf_, np.float64)}

    @classmethod
    def from_state(cls, params: Mapping[str, Any], arrays: Mapping[str, Matrix]) -> NmfTopics:
        from sklearn.feature_extraction.text import TfidfTransformer

        self = cls(int(params["n_topics"]), random_state=int(params["random_state"]),
                   max_iter=int(params["max_iter"]))
        h = arrays["components"]
        self.tfidf_ = TfidfTransformer(sublinear_tf=True)
        self.tfidf_.idf_ = arrays["idf"]
        nmf = self._nmf()
        nmf.components_ = h
        nmf.n_components_ = h.shape[0]
        nmf.n_features_in_ = h.shape[1]
        nmf._n_components = h.shape[0]
        nmf.reconstruction_err_ = 0.0
        nmf.n_iter_ = 0
        self.nmf_ = nmf
        self.components_ = _rows_sum_to_one(np.asarray(h, np.float64))
        return self


MODELS: dict[str, type[LdaTopics] | type[NmfTopics]] = {"lda": LdaTopics, "nmf": NmfTopics}
DEFAULT_MODEL = "lda"


def make_model(name: str, n_topics: int, *, random_state: int, eta: Matrix | None = None,
               n_seeded: int = 0) -> LdaTopics | NmfTopics:
    """The model registered as ``name`` (``lda``, ``nmf``)."""
    if name not in MODELS:
        raise UsageError(f"unknown topic model {name!r}",
                         fix=f"Choose one of: {', '.join(sorted(MODELS))}.")
    if name == "lda":
        return LdaTopics(n_topics, random_state=random_state, eta=eta, n_seeded=n_seeded)
    if eta is not None:
        raise UsageError("seeded topics need the lda model (nmf takes no prior)",
                         fix="Use --model lda with --seed-topics, or drop --seed-topics.")
    return NmfTopics(n_topics, random_state=random_state)


def seed_prior(terms: Sequence[str], seeds: Sequence[Sequence[str]], n_topics: int,
               *, strength: float = 1.0) -> Matrix:
    """A gensim ``eta`` prior: topic ``i`` (for each seed list ``i``) favours its seed terms.

    Every cell starts at the symmetric prior ``1/n_topics``; a seed term gets ``strength``
    in its own topic and a hundredth of the base elsewhere, so it pulls its topic towards
    the theme while free topics (those after the seeded ones) stay free.
    """
    base = 1.0 / n_topics
    eta = np.full((n_topics, len(terms)), base, dtype=np.float64)
    index = {t: i for i, t in enumerate(terms)}
    cols = [[index[w] for w in words if w in index] for words in seeds]
    for c in cols:
        eta[:, c] = base / 100
    for topic, c in enumerate(cols):
        eta[topic, c] = strength  # a term two themes share is seeded in both
    return eta


# -- the fitted pair, saved as files -------------------------------------------------------


class TopicModel:
    """A fitted :class:`Vocabulary` and topic model: what a run saves in ``topics/``.

    :meth:`transform` gives topic probabilities for new documents of terms (a later run can
    apply a saved model to new transcripts); :meth:`to_files` / :meth:`from_files` convert
    to and from ``{"model.json": ..., "arrays.npz": ...}`` without pickle.
    """

    def __init__(self, name: str, vocabulary: Vocabulary, estimator: LdaTopics | NmfTopics,
                 *, seed_themes: Sequence[str] = ()) -> None:
        self.name = name
        self.vocabulary = vocabulary
        self.estimator = estimator
        self.seed_themes = tuple(seed_themes)

    @property
    def n_topics(self) -> int:
        return self.estimator.n_topics

    @property
    def terms(self) -> list[str]:
        return list(self.vocabulary.terms_)

    @property
    def components(self) -> Matrix:
        return self.estimator.components_

    def transform(self, docs: Sequence[Sequence[str]]) -> Matrix:
        """Topic probabilities (documents x topics, rows sum to 1) of documents of terms."""
        return self.estimator.transform(self.vocabulary.transform(docs))

    def to_files(self) -> dict[str, bytes]:
        params, arrays = self.estimator.state()
        meta = {
            "format": 1, "model": self.name, "params": params,
            "terms": self.vocabulary.terms_,
            "phrasegrams": [[a, b, s] for (a, b), s in self.vocabulary.phrasegrams_.items()],
            "phrase_threshold": self.vocabulary.phrase_threshold,
            "seed_themes": list(self.seed_themes),
        }
        buf = io.BytesIO()
        np.savez(buf, **arrays)  # type: ignore[arg-type]
        text = json.dumps(meta, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
        return {"model.json": text.encode("utf-8"), "arrays.npz": buf.getvalue()}

    @classmethod
    def from_files(cls, files: Mapping[str, bytes]) -> TopicModel:
        meta = json.loads(files["model.json"].decode("utf-8"))
        with np.load(io.BytesIO(files["arrays.npz"]), allow_pickle=False) as npz:
            arrays = {k: np.asarray(npz[k], dtype=np.float64) for k in npz.files}
        vocabulary = Vocabulary(phrase_threshold=float(meta["phrase_threshold"]))
        vocabulary.phrasegrams_ = {(a, b): float(s) for a, b, s in meta["phrasegrams"]}
        vocabulary.terms_ = list(meta["terms"])
        vocabulary.index_ = {t: i for i, t in enumerate(vocabulary.terms_)}
        kind = MODELS.get(meta["model"])
        if kind is None:
            raise UsageError(f"saved topic model of unknown kind {meta['model']!r}",
                             fix="Re-run the analysis with this version of tematik.")
        estimator = kind.from_state(meta["params"], arrays)
        return cls(meta["model"], vocabulary, estimator, seed_themes=meta["seed_themes"])
