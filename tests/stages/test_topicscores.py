"""How good a topic model is: top terms in a fixed order, coherence (NPMI, UMass) that tells a
planted topic from a mixture, and stability across seeds that is highest at the planted K."""

from __future__ import annotations

import random

import numpy as np
import pytest
from scipy import sparse

from pipeline.stages.topicmodels import NmfTopics
from pipeline.stages.topicscores import coherence, stability, top_terms

PLANTED = {
    "disiplin": "apel absen disiplin telat hadir sidik".split(),
    "pelayanan": "loket antre warga ramah berkas syarat".split(),
    "sarana": "printer komputer rusak laptop genset internet".split(),
}


def planted_docs(seed: int = 3, n_docs: int = 36) -> list[list[str]]:
    """Passages of stems, each about one of the three planted topics."""
    rng = random.Random(seed)
    topics = list(PLANTED.values())
    return [[rng.choice(topics[d % 3]) for _ in range(10)] for d in range(n_docs)]


def test_top_terms_are_the_heaviest_with_ties_broken_by_term() -> None:
    terms = ["apel", "loket", "printer", "absen", "warga"]
    weights = np.array([[0.1, 0.3, 0.0, 0.3, 0.3],
                        [0.5, 0.0, 0.2, 0.2, 0.1]])
    assert top_terms(weights, terms, n=3) == [["absen", "loket", "warga"],
                                              ["apel", "absen", "printer"]]
    assert top_terms(weights, terms, n=10)[1] == ["apel", "absen", "printer", "warga", "loket"]


def test_npmi_is_one_for_words_always_together_and_minus_one_for_never() -> None:
    docs = [["apel", "absen", "eh"], ["apel", "absen"], ["loket", "antre"], ["loket", "antre"]]
    npmi, umass = coherence([["apel", "absen"], ["apel", "loket"]], docs)
    assert npmi[0] == pytest.approx(1.0, abs=1e-6)
    assert npmi[1] == pytest.approx(-1.0, abs=0.06)  # -1 but for the smoothing of 0 counts
    assert umass[0] > umass[1]


def test_a_word_no_passage_has_counts_as_never_together() -> None:
    npmi, umass = coherence([["apel", "kopi"], ["apel"]], [["apel", "absen"], ["apel"]])
    assert npmi == [-1.0, 0.0]  # a topic of one word has no pairs: 0
    assert umass[1] == 0.0


def test_planted_topics_are_more_coherent_than_a_mixture() -> None:
    docs = planted_docs()
    planted = [words[:4] for words in PLANTED.values()]
    mixed = [[PLANTED["disiplin"][i], PLANTED["pelayanan"][i], PLANTED["sarana"][i],
              PLANTED["disiplin"][i + 1]] for i in range(3)]
    npmi_planted, umass_planted = coherence(planted, docs)
    npmi_mixed, umass_mixed = coherence(mixed, docs)
    assert min(npmi_planted) > 0 > max(npmi_mixed)
    assert min(umass_planted) > max(umass_mixed)


def test_stability_matches_topics_whatever_their_order() -> None:
    a = [["apel", "absen"], ["loket", "antre"]]
    assert stability(a, list(reversed(a))) == 1.0
    assert stability(a, [["apel", "loket"], ["absen", "antre"]]) == 0.5
    assert stability(a, [["printer", "rusak"], ["genset", "laptop"]]) == 0.0
    assert stability(a, a[:1]) == 0.5  # a topic the other fit lacks counts as nothing
    assert stability([], a) == 0.0


def test_the_planted_k_comes_back_the_same_from_other_seeds() -> None:
    docs = planted_docs()
    terms = sorted({w for doc in docs for w in doc})
    counts = sparse.csr_matrix([[doc.count(t) for t in terms] for doc in docs], dtype=float)

    def tops(k: int, seed: int) -> list[list[str]]:
        model = NmfTopics(k, random_state=seed, init="random").fit(counts)
        return top_terms(model.components_, terms, 6)

    def mean_stability(k: int) -> float:
        return float(np.mean([stability(tops(k, 0), tops(k, s)) for s in (1, 2, 3)]))

    found = tops(3, 0)
    assert sorted(sorted(t) for t in found) == sorted(sorted(w) for w in PLANTED.values())
    assert mean_stability(3) == 1.0
    assert mean_stability(5) < 1.0  # a planted topic split two ways splits differently
