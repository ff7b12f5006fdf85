"""RunConfig: defaults, checks, and a run's settings read back from its manifest."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.config import RunConfig


def test_a_recorded_configuration_comes_back_as_it_was_given(tmp_path: Path) -> None:
    # tematik run --from, apply and anonymise all rebuild a run's settings from its manifest
    given = RunConfig(seed=7, window_words=60, interviewer_labels=("Peneliti",),
                      speakers=(tmp_path / "orang.speakers.csv",), threshold=2.0,
                      train=tmp_path / "koding.csv",
                      train_text_column="kutipan", topics=5, topic_model="nmf")
    saved = json.loads(json.dumps(given.to_dict()))
    assert RunConfig.from_saved(saved, codebook=given.codebook) == given
    older = RunConfig.from_saved({"seed": 3}, codebook=tmp_path / "codebook.yaml")
    assert older == RunConfig(seed=3, codebook=tmp_path / "codebook.yaml")
