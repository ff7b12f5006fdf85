"""tematik compare: the command, its files, a .qdpx manual coding, the learning curve."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.config import DEFAULT_CORPUS
from pipeline.runs.compare import compare_run
from pipeline.runs.export import export_run
from tests.conftest import write

MANUAL = DEFAULT_CORPUS / "_coding_manual.csv"


def test_cli_compare_prints_agreement_and_refuses_to_overwrite(sample_copy: Path) -> None:
    runner = CliRunner()
    out = runner.invoke(main, ["compare", str(sample_copy), str(MANUAL), "--resamples", "50"])
    assert out.exit_code == 0, out.output
    for expected in ("Agreement of tematik with manual", "kappa", "substantial",
                     "Disagreements:", "micro", "Landis & Koch"):
        assert expected in out.output
    again = runner.invoke(main, ["compare", str(sample_copy), str(MANUAL)])
    assert again.exit_code == 1 and "already holds a comparison" in again.output


def test_cli_compare_explains_codes_that_match_no_theme(sample_copy: Path,
                                                        tmp_path: Path) -> None:
    path = write(tmp_path / "k.csv", "transcript,code,quote\n01-kabag-umum,Lainnya,"
                 "Saya ini prinsipnya satu: keteladanan.\n")
    out = CliRunner().invoke(main, ["compare", str(sample_copy), str(path)])
    assert out.exit_code == 2
    assert "none of the codes" in out.output and "--map" in out.output
    missing = CliRunner().invoke(main, ["compare", str(sample_copy), str(tmp_path / "x.csv")])
    assert missing.exit_code == 2 and "manual coding not found" in missing.output


def test_compare_reads_a_qdpx_project(sample_copy: Path, tmp_path: Path) -> None:
    """A researcher codes in a QDA tool and exports: our own export stands in for it."""
    compare_run(sample_copy, MANUAL, n_resamples=0)
    target = tmp_path / "proyek.qdpx"
    export_run(sample_copy, qdpx=target)
    from_csv = compare_run(sample_copy, MANUAL, n_resamples=0, force=True)
    result = compare_run(sample_copy, target, n_resamples=0, force=True)
    assert result.manual.coders == ("manual",)  # tematik's own codings are not a coder
    assert any("user 'tematik'" in w for w in result.warnings)
    assert result.comparison.reference == "manual"
    pd.testing.assert_frame_equal(result.comparison.agreement, from_csv.comparison.agreement)


def test_train_on_manual_prints_a_learning_curve(sample_copy: Path) -> None:
    out = CliRunner().invoke(main, ["compare", str(sample_copy), str(MANUAL), "--resamples", "0",
                                    "--train-on-manual"])
    assert out.exit_code == 0, out.output
    assert "Learning curve" in out.output
    curve = pd.read_csv(sample_copy / "learning_curve.csv", encoding="utf-8-sig")
    assert curve["share"].tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert curve["method"].tolist() == ["dictionary"] + ["combined"] * 4
    assert curve["training_passages"].is_monotonic_increasing
    assert curve["kappa"].between(-1, 1).all()
