"""Choosing K: the candidate Ks, the rule that picks one and explains it, and auto K on a
small planted debate."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pipeline.config import RunConfig
from pipeline.runs.run import run
from pipeline.stages.kselection import candidate_ks
from tests.planted import SECTIONS, planted_corpus


def test_candidate_ks_are_capped_by_passages_and_stay_above_the_seeded_topics() -> None:
    assert candidate_ks(30) == list(range(3, 8))  # one topic per 4 passages
    assert candidate_ks(1000) == list(range(3, 16))
    assert candidate_ks(30, n_seeded=7) == [8]


@pytest.mark.parametrize("seed", [1, pytest.param(2, marks=pytest.mark.slow)])
def test_auto_k_finds_planted_sections_of_a_small_debate(tmp_path: Path, seed: int) -> None:
    # Six sections of five to eight answers, as a transcribed debate: the cap on K must
    # leave room for six topics, and the question headings are never informant speech.
    truth = planted_corpus(tmp_path / "debat", seed=seed)
    out = tmp_path / "run"
    run([tmp_path / "debat"], out, config=RunConfig(topics="auto"))
    summary = pd.read_parquet(out / "topic_summary.parquet")
    assert abs(len(summary) - len(SECTIONS)) <= 1
    passages = pd.read_parquet(out / "passages.parquet")
    assert len(passages) == len(truth) and 30 <= len(truth) <= 48
    assert not passages["text"].str.contains("Pertanyaan|Bagaimana|Apa langkah").any()
    assert set(passages["role"]) == {"informant"}
    report = pd.read_parquet(out / "k_report.parquet")
    assert report["k"].max() == min(15, len(truth) // 4)  # one topic per 4 passages
