"""What tematik themes, topics and codebook check print."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from pipeline.cli import main


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
    assert bad.exit_code == 2 and "no theme 'kepemimpinn'" in bad.output
    nobody = CliRunner().invoke(main, ["themes", str(sample_run), "--informant", "zzz"])
    assert nobody.exit_code == 2 and "no informant matches 'zzz'" in nobody.output


def test_themes_command_on_a_folder_that_is_not_a_run(tmp_path: Path) -> None:
    out = CliRunner().invoke(main, ["themes", str(tmp_path)])
    assert out.exit_code == 1
    assert "not a tematik run" in out.output and "Traceback" not in out.output
