"""What tematik themes, topics and codebook check print."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.errors import UsageError
from pipeline.readers.codebook import load_codebook
from pipeline.resources import DEFAULT_CODEBOOK
from pipeline.runs.show import find_theme


def test_themes_of_a_trained_run_show_the_supervised_coder(trained_run: Path) -> None:
    shown = CliRunner().invoke(main, ["themes", str(trained_run)])
    assert shown.exit_code == 0, shown.output
    assert "Supervised coder (trained with --train)" in shown.output
    one = CliRunner().invoke(main, ["themes", str(trained_run), "--theme", "kinerja"])
    assert one.exit_code == 0 and "Supervised coder" not in one.output


def test_themes_command_shows_evidence_and_matrix(sample_run: Path) -> None:
    out = CliRunner().invoke(main, ["themes", str(sample_run)])
    assert out.exit_code == 0, out.output
    assert "kepemimpinan" in out.output and "Theme x informant" in out.output
    one = CliRunner().invoke(main, ["themes", str(sample_run), "--theme", "kinerja",
                                    "--limit", "3"])
    assert one.exit_code == 0, one.output
    assert one.output.count("· score ") == 3 and "**" in one.output
    bad = CliRunner().invoke(main, ["themes", str(sample_run), "--theme", "kepemimpinn"])
    assert bad.exit_code == 2
    assert bad.output.startswith("Error: no theme 'kepemimpinn' in this run's codebook; did you "
                                 "mean 'kepemimpinan' (Kepemimpinan)? Give a theme's id, the "
                                 "last part of it, or its label: kepemimpinan, ")
    nobody = CliRunner().invoke(main, ["themes", str(sample_run), "--informant", "zzz"])
    assert nobody.exit_code == 2
    assert nobody.output.startswith("Error: no informant matches 'zzz'. Give part of an "
                                    "informant's name or transcript id: Bapak Drs. H. Ahmad "
                                    "Rasyid, M.Si. (01-kabag-umum); ")


@pytest.mark.parametrize(("given", "found"), [
    ("kinerja.responsivitas", "kinerja.responsivitas"),
    ("responsivitas", "kinerja.responsivitas"),
    ("Kualitas Pelayanan", "kinerja.kualitas_pelayanan"),
    ("KUALITAS_PELAYANAN", "kinerja.kualitas_pelayanan"),
    ("service quality", "kinerja.kualitas_pelayanan"),
    ("Sarana dan Prasarana", "sarana_prasarana"),
    ("kinerja", "kinerja"),
])
def test_a_theme_is_found_by_its_id_last_part_or_label(given: str, found: str) -> None:
    book = load_codebook(DEFAULT_CODEBOOK)
    assert find_theme(book, given) == found


def test_an_unknown_or_ambiguous_theme_names_the_closest() -> None:
    book = load_codebook(DEFAULT_CODEBOOK)
    with pytest.raises(UsageError, match=r"no theme 'responsifitas' in this run's codebook; "
                       r"did you mean 'kinerja\.responsivitas' \(Responsivitas\)\?"):
        find_theme(book, "responsifitas")
    with pytest.raises(UsageError) as err:
        find_theme(book, "cuaca")
    assert str(err.value).startswith("no theme 'cuaca' in this run's codebook. Give a theme's id")
    twice = replace(book, themes=(*book.themes, replace(book.themes[0], id="etika.kepemimpinan",
                                                        label_id="Etika Pimpinan")))
    with pytest.raises(UsageError) as err:
        find_theme(twice, "Kepemimpinan")
    assert str(err.value) == ("'Kepemimpinan' may be any of the themes kepemimpinan, "
                              "etika.kepemimpinan. Give the theme's full id.")
    assert find_theme(book, "dukungan_keluarga", extra=("dukungan_keluarga",)) == (
        "dukungan_keluarga")


def test_themes_and_its_matrix_count_a_theme_the_same_way(sample_run: Path) -> None:
    out = CliRunner().invoke(main, ["themes", str(sample_run)])
    assert out.exit_code == 0, out.output
    matrix = pd.read_parquet(sample_run / "theme_matrix.parquet")
    listed = {line.split()[0]: line.split()[-2:] for line in out.output.splitlines()
              if line.startswith(("kinerja", "kepemimpinan")) and "%" not in line}
    for theme in ("kinerja", "kinerja.responsivitas", "kepemimpinan"):
        rows = matrix[matrix["theme"] == theme]
        assert listed[theme] == [str(rows["passages"].sum()), str((rows["passages"] > 0).sum())]
    codings = pd.read_parquet(sample_run / "codings.parquet")
    parent = codings[codings["theme"].str.startswith("kinerja")]["passage_id"].nunique()
    assert listed["kinerja"][0] == str(parent)
    one = CliRunner().invoke(main, ["themes", str(sample_run), "--theme", "Kinerja Aparatur",
                                    "--limit", "500"])
    assert one.exit_code == 0, one.output
    assert one.output.startswith(f"kinerja (Kinerja Aparatur): {parent} coded passage(s)\n")
    assert one.output.count("· score ") == parent  # each passage once


def _with_topics(sample_run: Path, tmp_path: Path, entry: dict[str, object]) -> Path:
    copy = tmp_path / "run"
    shutil.copytree(sample_run, copy)
    manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    manifest["topics"] = entry
    (copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return copy


def test_topics_on_a_run_without_topics_says_why_and_what_to_do(sample_run: Path,
                                                               tmp_path: Path) -> None:
    off = _with_topics(sample_run, tmp_path, {"status": "off", "tables": []})
    out = CliRunner().invoke(main, ["topics", str(off)])
    assert out.exit_code == 1
    assert out.output == (f"Error: run {off} has no topics: it was made with --topics 0. Fit "
                          f"them in a new run: 'tematik run --from {off} --topics auto --out "
                          "NEW'.\n")
    shutil.rmtree(off)
    reason = ("too little text for a topic model: 13 informant passage(s) with 3+ content "
              "words, 338 in all. Topic models need at least 20 informant answers. Add "
              "transcripts, or run without topics (--topics 0).")
    small = _with_topics(sample_run, tmp_path, {"status": "skipped", "reason": reason,
                                                "tables": []})
    out = CliRunner().invoke(main, ["topics", str(small)])
    assert out.exit_code == 1
    assert out.output == (f"Error: run {small} has no topics: too little text for a topic model: "
                          "13 informant passage(s) with 3+ content words, 338 in all. Topic "
                          "models need at least 20 informant answers. Its themes are there: "
                          f"'tematik themes {small}'. For topics, add transcripts and run "
                          "'tematik run' again.\n")


def test_themes_command_on_a_folder_that_is_not_a_run(tmp_path: Path) -> None:
    out = CliRunner().invoke(main, ["themes", str(tmp_path)])
    assert out.exit_code == 1
    assert "not a tematik run" in out.output and "Traceback" not in out.output
