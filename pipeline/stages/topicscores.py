"""How good a topic model is: each topic's top terms, their coherence in the passages (NPMI,
UMass), and how stable topics are across fits with other seeds."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt
from scipy import sparse
from scipy.optimize import linear_sum_assignment

Matrix = npt.NDArray[np.float64]

N_TOP = 10  # terms per topic that coherence and stability look at


def top_terms(components: Matrix, terms: Sequence[str], n: int = 10) -> list[list[str]]:
    """The ``n`` heaviest terms of each topic (ties broken by term, so the order is fixed)."""
    out = []
    for row in np.asarray(components, dtype=np.float64):
        # perf: only terms within 1e-11 of the n-th heaviest can rank among the first n
        # (rounding to 12 places moves a weight by 5e-13 at most); sort just those.
        if len(row) > n:
            cut = np.partition(row, len(row) - n)[len(row) - n]
            candidates = np.flatnonzero(row >= cut - 1e-11).tolist()
        else:
            candidates = list(range(len(row)))
        order = sorted(candidates, key=lambda j: (-round(float(row[j]), 12), terms[j]))
        out.append([terms[j] for j in order[:n]])
    return out


def coherence(topics: Sequence[Sequence[str]],
              docs: Sequence[Iterable[str]]) -> tuple[list[float], list[float]]:
    """(NPMI, UMass) of each topic's top terms, with passages as co-occurrence windows.

    NPMI (Bouma 2009; the ``c_npmi`` of Röder et al. 2015, window = passage) averages
    ``log(p(a,b) / (p(a) p(b))) / -log p(a,b)`` over term pairs: 1 when the terms always
    occur together, 0 when independent, -1 when never together. UMass (Mimno et al. 2011)
    averages ``log((D(a,b) + 1) / D(b))`` for each term ``a`` and a heavier term ``b``.
    """
    words = sorted({w for t in topics for w in t})
    col = {w: i for i, w in enumerate(words)}
    rows: list[int] = []
    cols: list[int] = []
    for r, doc in enumerate(docs):
        for w in set(doc):
            c = col.get(w)
            if c is not None:
                rows.append(r)
                cols.append(c)
    n_docs = max(len(docs), 1)
    b = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n_docs, len(words)))
    co = np.asarray((b.T @ b).todense(), dtype=np.float64)
    df = np.diag(co)
    eps = 1e-12
    npmi_out, umass_out = [], []
    for topic in topics:
        idx = [col[w] for w in topic]
        npmis, umasses = [], []
        for i in range(1, len(idx)):
            for j in range(i):
                a, b_ = idx[i], idx[j]
                p_ab = (co[a, b_] + eps) / n_docs
                p_a, p_b = df[a] / n_docs, df[b_] / n_docs
                if p_a == 0 or p_b == 0:
                    npmis.append(-1.0)
                else:
                    npmis.append(float(np.log(p_ab / (p_a * p_b)) / -np.log(p_ab)))
                umasses.append(float(np.log((co[a, b_] + 1) / max(df[b_], 1.0))))
        npmi_out.append(float(np.mean(npmis)) if npmis else 0.0)
        umass_out.append(float(np.mean(umasses)) if umasses else 0.0)
    return npmi_out, umass_out


def stability(a: Sequence[Sequence[str]], b: Sequence[Sequence[str]]) -> float:
    """Share of a topic's top terms that another fit's best-matching topic also has.

    Topics are paired one to one (Hungarian matching on top-term overlap); 1.0 means every
    topic came back with the same top terms.
    """
    if not a or not b:
        return 0.0
    n = max(len(t) for t in a) or 1
    overlap = np.array([[len(set(x) & set(y)) / n for y in b] for x in a])
    r, c = linear_sum_assignment(-overlap)
    return float(overlap[r, c].sum() / max(len(a), len(b)))
