"""tematik run --from RUN: a deliberate refit with RUN's settings, and how far the topics moved."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from pipeline.cli import main


def test_run_from_refits_with_the_runs_settings_and_reports_topic_movement(
        trained_run: Path, tmp_path: Path) -> None:
    same = CliRunner().invoke(main, ["run", "--from", str(trained_run), "--out",
                                     str(tmp_path / "lagi")])
    assert same.exit_code == 0, same.output
    assert "Topics against the earlier run" in same.output and "mean 100%" in same.output
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "lagi" / "codings.parquet"),
                                  pd.read_parquet(trained_run / "codings.parquet"))
    manifest = json.loads((tmp_path / "lagi" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["config"]["topics"] == 6 and manifest["refit_from"]["mean_overlap"] == 1.0
    moved = CliRunner().invoke(main, ["run", "--from", str(trained_run), "--out",
                                      str(tmp_path / "lain"), "--topics", "4", "--quiet"])
    assert moved.exit_code == 0 and moved.output == f"{tmp_path / 'lain'}\n"
    matching = pd.read_csv(tmp_path / "lain" / "topic_matching.csv", encoding="utf-8-sig")
    assert len(matching) == 4 and matching["overlap"].between(0, 1).all()
    assert matching["run_topic"].nunique() == 4  # one-to-one
    manifest = json.loads((tmp_path / "lain" / "manifest.json").read_text(encoding="utf-8"))
    assert 0 <= manifest["refit_from"]["mean_overlap"] <= 1  # recorded however it prints
