"""Comparing tematik's coding with a manual coding: per-theme agreement, coders, mapped
codes, units."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import cohen_kappa_score

from pipeline.config import DEFAULT_CORPUS
from pipeline.runs.compare import compare_run
from tests.conftest import write

MANUAL = DEFAULT_CORPUS / "_coding_manual.csv"


def test_compare_scores_each_theme_and_lists_every_disagreement(sample_copy: Path) -> None:
    result = compare_run(sample_copy, MANUAL, n_resamples=200)
    table = result.comparison.agreement
    manual_codes = set(pd.read_csv(MANUAL)["code"])
    assert set(table.loc[table["level"] == "theme", "theme"]) == manual_codes
    assert list(table["level"].iloc[-2:]) == ["micro", "macro"]
    dis = result.comparison.disagreements
    for theme, row in table[table["level"] == "theme"].set_index("theme").iterrows():
        mine = dis[dis["theme"] == theme]
        assert row["only_a"] == (mine["kind"] == "missed by tematik").sum()
        assert row["only_b"] == (mine["kind"] == "extra by tematik").sum()
        assert -1 <= row["kappa"] <= 1 and row["kappa_low"] <= row["kappa"] <= row["kappa_high"]
    extra = dis[dis["kind"] == "extra by tematik"]
    assert (extra["tematik_evidence"] != "").all() and (dis["text"] != "").all()
    for name in ("agreement", "disagreements", "manual_segments"):
        assert (sample_copy / f"{name}.csv").is_file()
        assert (sample_copy / f"{name}.parquet").is_file()
    manifest = json.loads((sample_copy / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["compare"]["segments"] == 98 and manifest["compare"]["unlocated"] == 0


def test_kappa_matches_scikit_learn_on_the_decisions(sample_copy: Path) -> None:
    result = compare_run(sample_copy, MANUAL, n_resamples=0)
    passages = pd.read_parquet(sample_copy / "passages.parquet")["passage_id"]
    codings = pd.read_parquet(sample_copy / "codings.parquet")
    segments = pd.read_parquet(sample_copy / "manual_segments.parquet")
    dis = result.comparison.disagreements
    theme = "kepemimpinan"
    auto = passages.isin(codings.loc[codings["theme"] == theme, "passage_id"]).to_numpy()
    flips = set(dis.loc[dis["theme"] == theme, "passage_id"])
    manual = np.array([a != (p in flips) for a, p in zip(auto, passages, strict=True)])
    assert manual.sum() >= (segments["theme"] == theme).sum() - 2  # quotes sharing a passage
    row = result.comparison.agreement.set_index("theme").loc[theme]
    assert row["kappa"] == pytest.approx(cohen_kappa_score(manual, auto))


def test_two_coders_get_a_human_human_row(sample_copy: Path, tmp_path: Path) -> None:
    manual = pd.read_csv(MANUAL)
    second = manual.iloc[::2].assign(coder="Andi")
    both = pd.concat([manual.assign(coder="Rina"), second])
    path = tmp_path / "dua.csv"
    both.to_csv(path, index=False)
    result = compare_run(sample_copy, path, n_resamples=50)
    pairs = result.comparison.pairwise
    kinds = set(zip(pairs["coder_a"], pairs["coder_b"], pairs["pair"], strict=True))
    assert ("Rina", "Andi", "human-human") in kinds
    assert ("Rina", "tematik", "human-machine") in kinds
    assert result.comparison.reference == "Rina"


def test_researcher_code_names_map_and_a_parent_code_rolls_up(sample_copy: Path,
                                                             tmp_path: Path) -> None:
    manual = pd.read_csv(MANUAL)
    names = {"kepemimpinan": "Gaya Pimpinan", "kinerja.responsivitas": "Kinerja/Kecepatan",
             "kinerja.kualitas_pelayanan": "Kinerja/Pelayanan"}
    renamed = manual[manual["code"].isin(names)].assign(code=lambda f: f["code"].map(names))
    renamed = pd.concat([renamed, manual.head(2).assign(code="Lain-lain")])
    path = write(tmp_path / "kode.csv", renamed.to_csv(index=False))
    mapping = write(tmp_path / "map.csv", "code,theme\nGaya Pimpinan,kepemimpinan\n"
                    "Kinerja,kinerja\n")
    result = compare_run(sample_copy, path, mapping_path=mapping, n_resamples=0)
    assert set(result.comparison.themes) == {"kepemimpinan", "kinerja"}
    assert result.unmapped == {"Lain-lain": 2}
    assert any("kinerja.responsivitas -> kinerja" in n for n in result.warnings)
    row = result.comparison.agreement.set_index("theme").loc["kinerja"]
    assert row["both"] >= 5  # tematik's sub-theme codings count for the parent


def test_sentence_and_character_units(sample_copy: Path) -> None:
    sentences = compare_run(sample_copy, MANUAL, unit="sentence", n_resamples=0, force=True)
    passages = compare_run(sample_copy, MANUAL, unit="passage", n_resamples=0, force=True)
    assert sentences.comparison.units > 3 * passages.comparison.units
    chars = compare_run(sample_copy, MANUAL, unit="character", force=True)
    assert chars.comparison.unit == "character" and len(chars.comparison.agreement)
