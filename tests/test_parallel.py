"""Worker processes: a stage gives the same table however many processes made it."""

from __future__ import annotations

import io
import random
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import pipeline.parallel as parallel_module
import pipeline.readers.ingest as ingest_module
import pipeline.stages.cues as cues_module
import pipeline.stages.kselection as kselection_module
import pipeline.stages.topicmodels as topicmodels_module
from pipeline.config import DEFAULT_CORPUS
from pipeline.parallel import map_in_order
from pipeline.readers.codebook import load_codebook
from pipeline.readers.ingest import find_files, ingest, read_files
from pipeline.stages.normalise import Normaliser, normalise
from pipeline.stages.themes import DictionaryCoder
from pipeline.stages.topicmodels import LdaTopics, Vocabulary
from pipeline.stages.topics import fit_topics
from pipeline.types import Passage
from tests.conftest import write
from tests.stages.test_topics import frames, planted_docs


@pytest.fixture(autouse=True)
def two_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every stage here sees two cores, whatever cores the test worker was given
    (tests/conftest.py gives each one of its own): the pooled path runs and is compared."""
    for module in (parallel_module, cues_module, topicmodels_module, kselection_module):
        monkeypatch.setattr(module, "cores", lambda: 2)


def _square(x: int) -> int:
    return x * x


def test_map_in_order_returns_results_in_the_order_of_the_pieces() -> None:
    assert map_in_order(_square, range(40), 2) == [x * x for x in range(40)]
    assert map_in_order(_square, [], 2) == []
    assert map_in_order(_square, [3], 1) == [9]


def _parquet(frame: pd.DataFrame) -> bytes:
    buf = io.BytesIO()
    frame.to_parquet(buf, index=False)
    return buf.getvalue()


@pytest.fixture(scope="module")
def spoken_passages() -> list[Passage]:
    """About 1,200 informant answers recombined from the sample corpus's sentences."""
    corpus = ingest([DEFAULT_CORPUS])
    sentences = [s for t in corpus.turns if t.role == "informant"
                 for s in t.text.replace("\n", " ").split(". ") if s.strip()]
    rng = random.Random(5)
    out, pos = [], 0
    for n in range(1200):
        text = ". ".join(rng.choice(sentences) for _ in range(3))
        out.append(Passage(f"t{n // 100:02d}:{n % 100 + 1:03d}", f"t{n // 100:02d}",
                           "Informan", "informant", pos, pos + len(text), text, "", 0, 0, 0,
                           len(text.split())))
        pos += len(text) + 1
    return out


def test_normalise_in_two_processes_gives_the_same_tokens_byte_for_byte(
        spoken_passages: list[Passage], normaliser: Normaliser) -> None:
    one = normalise(spoken_passages, normaliser, n_jobs=1)
    two = normalise(spoken_passages, Normaliser(normaliser.lexicon), n_jobs=2)
    assert len(one) > 30_000  # three chunks of passages
    assert _parquet(one) == _parquet(two)
    assert one["passage_id"].is_monotonic_increasing  # chunks came back in order


def test_normalise_rejects_zero_jobs(normaliser: Normaliser) -> None:
    with pytest.raises(ValueError, match="n_jobs"):
        normalise([], normaliser, n_jobs=0)


def test_k_chosen_in_worker_processes_is_the_k_chosen_in_one(
        monkeypatch: pytest.MonkeyPatch) -> None:
    passages, tokens = frames(planted_docs())
    monkeypatch.setattr(kselection_module, "PARALLEL_MIN_DOCS", 10**9)
    alone = fit_topics(passages, tokens, k="auto", seed=3)
    monkeypatch.setattr(kselection_module, "PARALLEL_MIN_DOCS", 0)
    pooled = fit_topics(passages, tokens, k="auto", seed=3)
    for name, table in alone.tables().items():
        pd.testing.assert_frame_equal(table, pooled.tables()[name], obj=name)


def test_files_read_by_workers_give_the_same_corpus_and_the_same_errors(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for n in range(6):
        write(tmp_path / f"w{n}.txt", f"P: Gimana kerjanya, Pak?\n\nI: Ya, eh, kerja {n} "
                                      "udah jelas, tupoksinya ada di SKP.\n")
    write(tmp_path / "rusak.txt", "")  # empty: skipped with a reason
    files, warnings = find_files([tmp_path])
    monkeypatch.setattr(ingest_module, "PARALLEL_MIN_FILES", 10**9)
    alone = read_files(files, warnings)
    monkeypatch.setattr(ingest_module, "PARALLEL_MIN_FILES", 1)
    pooled = read_files(files, warnings)
    assert pooled == alone
    assert len(pooled.transcripts) == 6 and len(pooled.skipped) == 1
    assert "rusak.txt" in pooled.skipped[0]


def test_cues_matched_in_worker_processes_are_the_cues_matched_in_one(
        spoken_passages: list[Passage], normaliser: Normaliser,
        monkeypatch: pytest.MonkeyPatch) -> None:
    tokens = normalise(spoken_passages, normaliser, n_jobs=1)
    coder = DictionaryCoder(load_codebook(), normaliser)
    monkeypatch.setattr(cues_module, "PARALLEL_MIN_TOKENS", 10**9)
    alone = coder.match(tokens)
    monkeypatch.setattr(cues_module, "PARALLEL_MIN_TOKENS", 0)
    pooled = coder.match(tokens)
    assert len(alone.evidence) > 500  # the sample's answers are full of cues
    pd.testing.assert_frame_equal(alone.evidence, pooled.evidence)
    pd.testing.assert_frame_equal(alone.scores, pooled.scores)


def test_topic_inference_in_blocks_is_the_same_in_workers_and_in_one(
        monkeypatch: pytest.MonkeyPatch) -> None:
    docs = planted_docs(n_docs=200)
    vocabulary = Vocabulary()
    counts = vocabulary.count(vocabulary.fit_merge(docs))
    model = LdaTopics(5, random_state=3).fit(counts)
    monkeypatch.setattr(topicmodels_module, "INFER_BLOCK", 40)  # five blocks
    monkeypatch.setattr(topicmodels_module, "can_fork", lambda: False)
    alone = model.transform(counts)
    monkeypatch.undo()
    monkeypatch.setattr(topicmodels_module, "INFER_BLOCK", 40)
    pooled = model.transform(counts)
    assert alone.shape == (200, 5)
    assert np.array_equal(alone, pooled)
    assert np.array_equal(pooled, model.transform(counts))  # asked again, the same answer
