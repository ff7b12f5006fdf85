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


# -- scope: only what the manual coding touched ----------------------------------------------

ANSWERS = {
    "w01-kabag": ["Ya, eh, beliau turun langsung ke lapangan, Mbak.",
                  "Rapatnya tiap Senin, gitu.",
                  "Printernya udah rusak dari bulan lalu."],
    "w02-staf": ["Pimpinan kami tegas banget, gak main-main.",
                 "Komputernya jadul, lemot banget.",
                 "Ya gimana ya, biasa aja sih."],
    "w03-warga": ["Bapaknya ramah, tapi nunggunya lama.",
                  "Udah, gitu aja, Mas.",
                  "Kantornya jauh dari desa."],
}


def _tiny_run() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    rows = []
    for tid, answers in ANSWERS.items():
        offset = 0
        for n, text in enumerate(answers, start=1):
            rows.append((f"{tid}:{n:03d}", tid, "I", "informant", offset, offset + len(text),
                         text))
            offset += len(text) + 1
    passages = pd.DataFrame(rows, columns=["passage_id", "transcript_id", "speaker", "role",
                                           "start", "end", "text"])
    coded = {"w01-kabag:001": "kepemimpinan", "w02-staf:001": "kepemimpinan",
             "w03-warga:001": "kepemimpinan", "w01-kabag:003": "sarana_prasarana"}
    info = passages.set_index("passage_id")
    codings = pd.DataFrame([(pid, info.loc[pid, "transcript_id"], "I", theme, 3.0,
                             "dictionary", "beliau") for pid, theme in coded.items()],
                           columns=["passage_id", "transcript_id", "speaker", "theme", "score",
                                    "method", "evidence"])
    evidence = pd.DataFrame(columns=["passage_id", "theme", "start", "end", "weight"])
    return passages, codings, evidence


def _segment(coder: str, pid: str, theme: str, passages: pd.DataFrame) -> tuple[object, ...]:
    row = passages.set_index("passage_id").loc[pid]
    return coder, row["transcript_id"], theme, int(row["start"]), int(row["end"])


def test_by_default_only_the_transcripts_the_coding_touched_are_compared() -> None:
    from pipeline.agreement.compare import Scope, compare
    from pipeline.readers.codebook import load_codebook
    from pipeline.resources import DEFAULT_CODEBOOK

    passages, codings, evidence = _tiny_run()
    book = load_codebook(DEFAULT_CODEBOOK)
    segments = pd.DataFrame([_segment("Sari", "w01-kabag:001", "kepemimpinan", passages)],
                            columns=["coder", "transcript_id", "theme", "start", "end"])
    touched = compare(passages, codings, evidence, book, segments, n_resamples=0)
    assert (touched.units, touched.units_all) == (3, 9)
    assert touched.scope_transcripts == ("w01-kabag",)
    assert touched.scope_left_out == ("w02-staf", "w03-warga")
    row = touched.agreement.set_index("theme").loc["kepemimpinan"]
    assert (row["n_units"], row["both"], row["only_b"], row["kappa"]) == (3, 1, 0, 1.0)
    assert touched.disagreements.empty
    everything = compare(passages, codings, evidence, book, segments, n_resamples=0,
                         scope=Scope("all"))
    row = everything.agreement.set_index("theme").loc["kepemimpinan"]
    assert (everything.units, row["only_b"]) == (9, 2)  # the untouched transcripts' "extra"
    assert row["kappa"] == pytest.approx(0.4)
    assert set(everything.disagreements["passage_id"]) == {"w02-staf:001", "w03-warga:001"}


def test_each_coder_is_scored_on_what_they_touched() -> None:
    from pipeline.agreement.compare import Scope, compare
    from pipeline.readers.codebook import load_codebook
    from pipeline.resources import DEFAULT_CODEBOOK

    passages, codings, evidence = _tiny_run()
    segments = pd.DataFrame([
        _segment("Sari", "w01-kabag:001", "kepemimpinan", passages),
        _segment("Sari", "w02-staf:001", "kepemimpinan", passages),
        _segment("Budi", "w02-staf:001", "kepemimpinan", passages),
        _segment("Budi", "w03-warga:002", "kepemimpinan", passages),
    ], columns=["coder", "transcript_id", "theme", "start", "end"])
    result = compare(passages, codings, evidence, load_codebook(DEFAULT_CODEBOOK), segments,
                     n_resamples=0)
    pairs = result.pairwise[result.pairwise["level"] == "theme"].set_index(
        ["coder_a", "coder_b"])
    assert pairs.loc[("Sari", "Budi"), "n_units"] == 3  # only w02-staf was coded by both
    assert pairs.loc[("Sari", "tematik"), "n_units"] == 6
    assert pairs.loc[("Budi", "tematik"), "n_units"] == 6
    # a sheet of passage ids: the passages it names, with or without a code
    named = Scope("touched", "passage",
                  {"Sari": frozenset({"w01-kabag:001", "w01-kabag:002", "w02-staf:001"}),
                   "Budi": frozenset({"w02-staf:001", "w03-warga:002"})})
    by_passage = compare(passages, codings, evidence, load_codebook(DEFAULT_CODEBOOK),
                         segments, n_resamples=0, scope=named)
    assert by_passage.units == 3
    assert by_passage.scope_passages == ("w01-kabag:001", "w01-kabag:002", "w02-staf:001")
    assert by_passage.scope_transcripts == ("w01-kabag", "w02-staf")
