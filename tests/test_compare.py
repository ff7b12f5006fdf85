"""tematik compare and tematik export on a real run of the sample corpus."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from sklearn.metrics import cohen_kappa_score

from pipeline.cli import main
from pipeline.config import DEFAULT_CORPUS, RunConfig
from pipeline.readers.codebook import load_codebook
from pipeline.readers.qdpx import read_qdpx
from pipeline.readers.qdpx_tables import codings_frame as qdpx_codings
from pipeline.runs.compare import compare_run
from pipeline.runs.export import export_run
from pipeline.runs.run import run
from tests.conftest import write

MANUAL = DEFAULT_CORPUS / "_coding_manual.csv"


@pytest.fixture(scope="module")
def base_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return run([], tmp_path_factory.mktemp("runs") / "sample", config=RunConfig(topics=0)).out


@pytest.fixture()
def sample_run(base_run: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "sample"
    shutil.copytree(base_run, copy)
    return copy


def test_compare_scores_each_theme_and_lists_every_disagreement(sample_run: Path) -> None:
    result = compare_run(sample_run, MANUAL, n_resamples=200)
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
        assert (sample_run / f"{name}.csv").is_file() and (sample_run / f"{name}.parquet").is_file()
    manifest = json.loads((sample_run / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["compare"]["segments"] == 98 and manifest["compare"]["unlocated"] == 0


def test_kappa_matches_scikit_learn_on_the_decisions(sample_run: Path) -> None:
    result = compare_run(sample_run, MANUAL, n_resamples=0)
    passages = pd.read_parquet(sample_run / "passages.parquet")["passage_id"]
    codings = pd.read_parquet(sample_run / "codings.parquet")
    segments = pd.read_parquet(sample_run / "manual_segments.parquet")
    dis = result.comparison.disagreements
    theme = "kepemimpinan"
    auto = passages.isin(codings.loc[codings["theme"] == theme, "passage_id"]).to_numpy()
    flips = set(dis.loc[dis["theme"] == theme, "passage_id"])
    manual = np.array([a != (p in flips) for a, p in zip(auto, passages, strict=True)])
    assert manual.sum() >= (segments["theme"] == theme).sum() - 2  # quotes sharing a passage
    row = result.comparison.agreement.set_index("theme").loc[theme]
    assert row["kappa"] == pytest.approx(cohen_kappa_score(manual, auto))


def test_two_coders_get_a_human_human_row(sample_run: Path, tmp_path: Path) -> None:
    manual = pd.read_csv(MANUAL)
    second = manual.iloc[::2].assign(coder="Andi")
    both = pd.concat([manual.assign(coder="Rina"), second])
    path = tmp_path / "dua.csv"
    both.to_csv(path, index=False)
    result = compare_run(sample_run, path, n_resamples=50)
    pairs = result.comparison.pairwise
    kinds = set(zip(pairs["coder_a"], pairs["coder_b"], pairs["pair"], strict=True))
    assert ("Rina", "Andi", "human-human") in kinds
    assert ("Rina", "tematik", "human-machine") in kinds
    assert result.comparison.reference == "Rina"


def test_researcher_code_names_map_and_a_parent_code_rolls_up(sample_run: Path,
                                                             tmp_path: Path) -> None:
    manual = pd.read_csv(MANUAL)
    names = {"kepemimpinan": "Gaya Pimpinan", "kinerja.responsivitas": "Kinerja/Kecepatan",
             "kinerja.kualitas_pelayanan": "Kinerja/Pelayanan"}
    renamed = manual[manual["code"].isin(names)].assign(code=lambda f: f["code"].map(names))
    renamed = pd.concat([renamed, manual.head(2).assign(code="Lain-lain")])
    path = write(tmp_path / "kode.csv", renamed.to_csv(index=False))
    mapping = write(tmp_path / "map.csv", "code,theme\nGaya Pimpinan,kepemimpinan\n"
                    "Kinerja,kinerja\n")
    result = compare_run(sample_run, path, mapping_path=mapping, n_resamples=0)
    assert set(result.comparison.themes) == {"kepemimpinan", "kinerja"}
    assert result.unmapped == {"Lain-lain": 2}
    assert any("kinerja.responsivitas -> kinerja" in n for n in result.warnings)
    row = result.comparison.agreement.set_index("theme").loc["kinerja"]
    assert row["both"] >= 5  # tematik's sub-theme codings count for the parent


def test_sentence_and_character_units(sample_run: Path) -> None:
    sentences = compare_run(sample_run, MANUAL, unit="sentence", n_resamples=0, force=True)
    passages = compare_run(sample_run, MANUAL, unit="passage", n_resamples=0, force=True)
    assert sentences.comparison.units > 3 * passages.comparison.units
    chars = compare_run(sample_run, MANUAL, unit="character", force=True)
    assert chars.comparison.unit == "character" and len(chars.comparison.agreement)


def test_cli_compare_prints_agreement_and_refuses_to_overwrite(sample_run: Path) -> None:
    runner = CliRunner()
    out = runner.invoke(main, ["compare", str(sample_run), str(MANUAL), "--resamples", "50"])
    assert out.exit_code == 0, out.output
    for expected in ("Agreement of tematik with manual", "kappa", "substantial",
                     "Disagreements:", "micro", "Landis & Koch"):
        assert expected in out.output
    again = runner.invoke(main, ["compare", str(sample_run), str(MANUAL)])
    assert again.exit_code == 1 and "already holds a comparison" in again.output


def test_cli_compare_explains_codes_that_match_no_theme(sample_run: Path,
                                                        tmp_path: Path) -> None:
    path = write(tmp_path / "k.csv", "transcript,code,quote\n01-kabag-umum,Lainnya,"
                 "Saya ini prinsipnya satu: keteladanan.\n")
    out = CliRunner().invoke(main, ["compare", str(sample_run), str(path)])
    assert out.exit_code == 2
    assert "none of the codes" in out.output and "--map" in out.output
    missing = CliRunner().invoke(main, ["compare", str(sample_run), str(tmp_path / "x.csv")])
    assert missing.exit_code == 2 and "manual coding not found" in missing.output


def test_export_round_trips_every_coding_exactly(sample_run: Path, tmp_path: Path) -> None:
    compare_run(sample_run, MANUAL, n_resamples=0)
    target = tmp_path / "proyek.qdpx"
    out = CliRunner().invoke(main, ["export", str(sample_run), "--qdpx", str(target),
                                    "--qdc", str(tmp_path / "kode.qdc")])
    assert out.exit_code == 0, out.output
    project = read_qdpx(target)
    back = qdpx_codings(project, codebook=load_codebook(sample_run / "codebook.yaml"))
    transcripts = pd.read_parquet(sample_run / "transcripts.parquet")
    assert {s.name for s in project.sources} >= set(transcripts["transcript_id"]) or len(
        project.sources) == len(transcripts)
    texts = {s.name: s.text for s in project.sources}
    assert sorted(texts.values()) == sorted(transcripts["text"])
    passages = pd.read_parquet(sample_run / "passages.parquet").set_index("passage_id")
    codings = pd.read_parquet(sample_run / "codings.parquet")
    ours = {(int(passages.loc[p, "start"]), int(passages.loc[p, "end"]), t)
            for p, t in zip(codings["passage_id"], codings["theme"], strict=True)}
    mine = back[back["user"] == "tematik"]
    assert set(zip(mine["start"], mine["end"], mine["theme"], strict=True)) == ours
    assert set(back["user"]) == {"tematik", "manual"}
    again = CliRunner().invoke(main, ["export", str(sample_run), "--qdpx", str(target)])
    assert again.exit_code == 1 and "already exists" in again.output


def test_compare_reads_a_qdpx_project(sample_run: Path, tmp_path: Path) -> None:
    """A researcher codes in a QDA tool and exports: our own export stands in for it."""
    compare_run(sample_run, MANUAL, n_resamples=0)
    target = tmp_path / "proyek.qdpx"
    export_run(sample_run, qdpx=target)
    from_csv = compare_run(sample_run, MANUAL, n_resamples=0, force=True)
    result = compare_run(sample_run, target, n_resamples=0, force=True)
    assert result.manual.coders == ("manual",)  # tematik's own codings are not a coder
    assert any("user 'tematik'" in w for w in result.warnings)
    assert result.comparison.reference == "manual"
    pd.testing.assert_frame_equal(result.comparison.agreement, from_csv.comparison.agreement)


def test_train_on_manual_prints_a_learning_curve(sample_run: Path) -> None:
    out = CliRunner().invoke(main, ["compare", str(sample_run), str(MANUAL), "--resamples", "0",
                                    "--train-on-manual"])
    assert out.exit_code == 0, out.output
    assert "Learning curve" in out.output
    curve = pd.read_csv(sample_run / "learning_curve.csv", encoding="utf-8-sig")
    assert curve["share"].tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert curve["method"].tolist() == ["dictionary"] + ["combined"] * 4
    assert curve["training_passages"].is_monotonic_increasing
    assert curve["kappa"].between(-1, 1).all()


def test_a_qdc_codebook_drives_a_run(tmp_path: Path) -> None:
    """A researcher's NVivo codebook: codes named like tematik's themes take their cues; a
    code tematik does not know is reported until --train teaches it."""
    from pipeline.readers.qdpx import Code
    from pipeline.report.qdpx_write import qdc_bytes
    from pipeline.runs.rundir import write_output

    codes = (Code(guid="a1", name="Kepemimpinan"),
             Code(guid="a2", name="Kinerja", children=(
                 Code(guid="a3", name="Responsivitas", parent="a2"),)),
             Code(guid="a4", name="Parkir"))
    qdc = write_output(tmp_path / "nvivo.qdc", qdc_bytes(codes))
    result = run([], tmp_path / "r", config=RunConfig(topics=0, codebook=qdc))
    assert any("nothing codes them: parkir" in w for w in result.warnings)
    codings = pd.read_parquet(result.out / "codings.parquet")
    assert set(codings["theme"]) <= {"kepemimpinan", "kinerja", "kinerja.responsivitas"}
    assert {"kepemimpinan", "kinerja.responsivitas"} <= set(codings["theme"])
    book = load_codebook(result.out / "codebook.yaml")
    assert [t.id for t in book.themes] == ["kepemimpinan", "kinerja", "kinerja.responsivitas",
                                           "parkir"]
    assert book.theme("kinerja.responsivitas").parent == "kinerja"
