"""Topic model parts: the vocabulary (joined word pairs, terms kept by how many passages have
them), the models by name, seeded priors, and a fitted model saved as files and read back."""

from __future__ import annotations

import json
import random

import numpy as np
import pytest
from scipy import sparse

from pipeline.errors import UsageError
from pipeline.stages.topicmodels import (
    MODELS,
    LdaTopics,
    NmfTopics,
    TopicModel,
    Vocabulary,
    filter_settings,
    make_model,
    passes_for,
    seed_prior,
)

PLANTED = {
    "disiplin": "apel absen disiplin telat hadir sidik".split(),
    "pelayanan": "loket antre warga ramah berkas syarat".split(),
    "sarana": "printer komputer rusak laptop genset internet".split(),
}


def planted_docs(seed: int = 5, n_docs: int = 30) -> list[list[str]]:
    """Passages of stems about one planted topic each; every third says "surat masuk"."""
    rng = random.Random(seed)
    topics = list(PLANTED.values())
    docs = []
    for d in range(n_docs):
        doc = [rng.choice(topics[d % 3]) for _ in range(10)]
        if d % 3 == 0:
            doc[4:4] = ["surat", "masuk"]
        docs.append(doc)
    return docs


@pytest.fixture(scope="module")
def fitted() -> tuple[Vocabulary, list[list[str]]]:
    docs = planted_docs()
    vocabulary = Vocabulary()
    merged = vocabulary.fit_merge(docs)
    return vocabulary, merged


def test_a_frequent_word_pair_is_joined_into_one_term(
        fitted: tuple[Vocabulary, list[list[str]]]) -> None:
    vocabulary, merged = fitted
    assert ("surat", "masuk") in vocabulary.phrasegrams_
    assert vocabulary.parts()["surat_masuk"] == ("surat", "masuk")
    assert "surat_masuk" in merged[0] and "surat" not in merged[0]
    assert vocabulary.merge(["eh", "surat", "masuk", "surat"]) == ["eh", "surat_masuk", "surat"]


def test_terms_in_one_passage_or_in_most_are_left_out() -> None:
    docs = [["apel", "absen", "kantor"], ["apel", "absen", "kantor"], ["loket", "kantor"],
            ["loket", "antre", "kantor", "kopi"], ["printer", "antre", "kantor"]]
    vocabulary = Vocabulary()
    vocabulary.fit_merge(docs)
    assert vocabulary.terms_ == ["absen", "antre", "apel", "loket"]  # kopi once, kantor always
    kept = Vocabulary(keep=["kopi", "pimpin"])
    kept.fit_merge(docs)
    assert "kopi" in kept.terms_ and "pimpin" not in kept.terms_  # kept only if it occurs


def test_the_filter_grows_stricter_with_the_corpus() -> None:
    assert filter_settings(300) == (2, 0.5, 100_000)  # a thesis: a term in two passages
    no_below = [filter_settings(n)[0] for n in (300, 3_000, 30_000, 300_000)]
    assert no_below == sorted(no_below) and no_below[-1] > no_below[0]


def test_counts_drop_unknown_terms_and_add_up_repeats(
        fitted: tuple[Vocabulary, list[list[str]]]) -> None:
    vocabulary, _ = fitted
    counts = vocabulary.transform([["apel", "apel", "kopi", "surat", "masuk"], []])
    row = dict(zip(vocabulary.terms_, counts.toarray()[0], strict=True))
    assert row["apel"] == 2 and row["surat_masuk"] == 1
    assert counts.sum() == 3 and counts.shape == (2, len(vocabulary.terms_))


def test_lda_passes_scale_with_the_corpus() -> None:
    assert passes_for(30) == 20 and passes_for(1_000) == 3 and passes_for(500) == 6
    assert passes_for(50_000) == 2


def test_models_are_chosen_by_name_with_clear_errors() -> None:
    assert isinstance(make_model("lda", 3, random_state=1), LdaTopics)
    assert isinstance(make_model("nmf", 3, random_state=1), NmfTopics)
    assert set(MODELS) == {"lda", "nmf"}
    with pytest.raises(UsageError, match="unknown topic model 'bertopic'") as info:
        make_model("bertopic", 3, random_state=1)
    assert "lda, nmf" in str(info.value.fix)
    with pytest.raises(UsageError, match="seeded topics need the lda model"):
        make_model("nmf", 3, random_state=1, eta=np.ones((3, 4)))


def test_a_seed_prior_favours_each_seeded_topics_own_terms() -> None:
    terms = ["absen", "antre", "apel", "loket", "printer"]
    eta = seed_prior(terms, [["apel", "absen"], ["loket", "pimpin"]], 3, strength=2.0)
    base = 1 / 3
    assert eta.shape == (3, 5)
    assert eta[0, terms.index("apel")] == 2.0 and eta[1, terms.index("apel")] == base / 100
    assert eta[1, terms.index("loket")] == 2.0 and eta[2, terms.index("loket")] == base / 100
    assert (eta[:, terms.index("printer")] == base).all()  # unseeded: symmetric everywhere


def lda(docs: list[list[str]], seed: int = 1) -> TopicModel:
    vocabulary = Vocabulary()
    counts = vocabulary.count(vocabulary.fit_merge(docs))
    return TopicModel("lda", vocabulary, LdaTopics(3, random_state=seed, passes=5).fit(counts))


@pytest.fixture(scope="module")
def lda_model() -> TopicModel:
    return lda(planted_docs())


def test_lda_finds_the_planted_topics(lda_model: TopicModel) -> None:
    comps = lda_model.components
    assert np.allclose(comps.sum(axis=1), 1.0)
    tops = [{lda_model.terms[j] for j in np.argsort(-row)[:5]} for row in comps]
    for top in tops:
        assert any(top <= set(words) for words in PLANTED.values()), top
    assert len({frozenset(t) for t in tops}) == 3


def test_the_same_seed_gives_the_same_model_and_answers(lda_model: TopicModel) -> None:
    again = lda(planted_docs())
    assert np.array_equal(lda_model.components, again.components)
    docs = [["apel", "absen", "telat"], ["printer", "rusak"]]
    assert np.array_equal(lda_model.transform(docs), again.transform(docs))


@pytest.mark.parametrize("name", ["lda", "nmf"])
def test_a_saved_model_reads_back_and_answers_the_same(name: str, lda_model: TopicModel) -> None:
    if name == "lda":
        model = lda_model
    else:
        docs = planted_docs()
        vocabulary = Vocabulary()
        counts = vocabulary.count(vocabulary.fit_merge(docs))
        model = TopicModel("nmf", vocabulary, NmfTopics(3, random_state=1).fit(counts),
                           seed_themes=["disiplin"])
    files = model.to_files()
    assert set(files) == {"model.json", "arrays.npz"}
    meta = json.loads(files["model.json"])  # plain JSON, no pickle
    assert meta["model"] == name and meta["terms"] == model.terms
    loaded = TopicModel.from_files(files)
    assert loaded.name == name and loaded.seed_themes == model.seed_themes
    assert loaded.vocabulary.parts() == model.vocabulary.parts()
    docs = [["eh", "apel", "absen", "surat", "masuk"], ["loket", "antre", "ramah"], []]
    probs = loaded.transform(docs)
    assert np.allclose(probs, model.transform(docs))
    assert np.allclose(probs.sum(axis=1), 1.0)
    if name == "nmf":
        assert np.allclose(probs[2], 1 / 3)  # no known term: every topic alike


def test_a_saved_model_of_unknown_kind_says_to_run_again(lda_model: TopicModel) -> None:
    files = lda_model.to_files()
    meta = json.loads(files["model.json"])
    meta["model"] = "bertopic"
    with pytest.raises(UsageError, match="unknown kind 'bertopic'"):
        TopicModel.from_files({**files, "model.json": json.dumps(meta).encode()})


def test_lda_refuses_an_unknown_start() -> None:
    with pytest.raises(ValueError, match="init must be 'nmf' or 'random'"):
        LdaTopics(3, init="kmeans").fit(sparse.csr_matrix(np.ones((4, 5))))
