"""Choosing K, the number of topics: the candidate Ks, each scored with the fast model, and
the K chosen with a ``k_report`` that explains it.

For each K in 3..15 (at most one topic per :data:`~pipeline.config.PASSAGES_PER_TOPIC`
passages, always above the number of seeded topics; :func:`candidate_ks`), the fast model
(NMF on TF-IDF, on at most :data:`~pipeline.config.SELECT_SAMPLE` passages;
:func:`selection_sample`) is scored with NPMI coherence and its stability across seeds
(:func:`score_k`; :func:`score_ks` scores them in worker processes for large corpora); the
K with the best :func:`~pipeline.config.k_score` (``c_npmi + 0.25 * stability``) among
those where every topic leads at least one passage is chosen (:func:`choose_k`).
:func:`~pipeline.stages.topics.fit_topics` then fits the final model once at that K.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from pipeline.config import (
    K_RANGE,
    PARALLEL_MIN_DOCS,
    PASSAGES_PER_TOPIC,
    SCORE_TOL,
    SELECT_SAMPLE,
    SMALL_CORPUS,
    STABILITY_FITS,
    STABILITY_FITS_SMALL,
    STABILITY_WEIGHT,
    k_score,
)
from pipeline.parallel import cores, map_shared
from pipeline.stages.topicmodels import NmfTopics
from pipeline.stages.topicscores import N_TOP, Matrix, coherence, stability, top_terms

K_REPORT_COLUMNS = ["k", "c_npmi", "u_mass", "stability", "min_passages", "score", "chosen",
                    "reason"]


def candidate_ks(n_docs: int, n_seeded: int = 0) -> list[int]:
    """3..15, capped at one topic per :data:`PASSAGES_PER_TOPIC` (4) passages (30 passages
    allow K up to 7); always above the number of seeded topics."""
    high = max(2, min(K_RANGE[1], n_docs // PASSAGES_PER_TOPIC))
    low = min(K_RANGE[0], high)
    return list(range(max(low, n_seeded + 1), max(high, n_seeded + 1) + 1))


def score_k(counts: Matrix | object, docs: Sequence[Sequence[str]], terms: Sequence[str],
            k: int, seed: int) -> dict[str, Any]:
    """c_npmi, u_mass, stability and min_passages of the fast model at ``k``."""
    from scipy import sparse

    x = sparse.csr_matrix(counts)
    main = NmfTopics(k, random_state=seed, tol=SCORE_TOL).fit(x)
    tops = top_terms(main.components_, terms, N_TOP)
    npmi, umass = coherence(tops, docs)
    fits = STABILITY_FITS_SMALL if len(docs) < SMALL_CORPUS else STABILITY_FITS
    others = [top_terms(NmfTopics(k, random_state=seed + i, init="random", tol=SCORE_TOL)
                        .fit(x).components_, terms, N_TOP) for i in range(1, fits + 1)]
    dominant = np.bincount(main.transform(x).argmax(axis=1), minlength=k)
    return {"k": k, "c_npmi": float(np.mean(npmi)), "u_mass": float(np.mean(umass)),
            "stability": float(np.mean([stability(tops, o) for o in others])),
            "min_passages": int(dominant.min())}


def score_ks(counts: Matrix | object, docs: Sequence[Sequence[str]], terms: Sequence[str],
             ks: Sequence[int], seed: int) -> list[dict[str, Any]]:
    """:func:`score_k` for each of ``ks``, in their order (in worker processes when there are
    :data:`~pipeline.config.PARALLEL_MIN_DOCS` passages or more)."""
    jobs = min(cores(), len(ks)) if len(docs) >= PARALLEL_MIN_DOCS else 1
    # the largest K first: the slowest fits start while the other worker takes the rest
    scored = map_shared(_score_task, (counts, docs, terms, seed), sorted(ks, reverse=True),
                        jobs)
    rows = {row["k"]: row for row in scored}
    return [rows[k] for k in ks]


def _score_task(shared: tuple[Matrix | object, Sequence[Sequence[str]], Sequence[str], int],
                k: int) -> dict[str, Any]:
    counts, docs, terms, seed = shared
    return score_k(counts, docs, terms, k, seed)


def choose_k(rows: list[dict[str, Any]], scored_on: str) -> tuple[int, pd.DataFrame]:
    """The K to fit, and the k_report explaining it."""
    for r in rows:
        r["score"] = k_score(r["c_npmi"], r["stability"])
    eligible = [r for r in rows if r["min_passages"] >= 1] or rows
    best = max(eligible, key=lambda r: (round(r["score"], 6), -r["k"]))
    k = int(best["k"])
    runner = max((r for r in eligible if r is not best), default=None,
                 key=lambda r: (round(r["score"], 6), -r["k"]))
    for r in rows:
        r["chosen"] = r is best
        if r is best:
            why = (f"highest score: c_npmi {r['c_npmi']:.3f} + {STABILITY_WEIGHT} x stability "
                   f"{r['stability']:.2f} = {r['score']:.3f}")
            if runner is not None:
                why += f"; next best K={int(runner['k'])} ({runner['score']:.3f})"
            reason = f"{why}; scored with NMF on {scored_on}"
        elif r not in eligible:
            reason = "a topic leads no passage"
        else:
            reason = f"lower score than K={k}"
        r["reason"] = reason
    return k, k_report_table(rows)


def k_report_table(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """The ``k_report`` table of scored rows (columns in
    :class:`~pipeline.stages.topics.TopicsResult`)."""
    frame = pd.DataFrame(rows, columns=K_REPORT_COLUMNS)
    for col in ("c_npmi", "u_mass", "stability", "score"):
        frame[col] = frame[col].astype("float64").round(6)
    frame["k"] = frame["k"].astype("int64")
    frame["min_passages"] = frame["min_passages"].astype("int64")
    frame["chosen"] = frame["chosen"].astype(bool)
    return frame


def selection_sample(n: int, seed: int) -> list[int]:
    """The passages K is scored on: all of ``n``, or :data:`~pipeline.config.SELECT_SAMPLE`
    of them drawn with ``seed``."""
    if n <= SELECT_SAMPLE:
        return list(range(n))
    return sorted(random.Random(seed).sample(range(n), SELECT_SAMPLE))
