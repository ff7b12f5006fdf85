"""Figures: deterministic bytes, no dates."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.report.figures import MAKERS
from pipeline.runs.reportfiles import load_run_tables


def test_figures_are_deterministic_and_carry_no_dates(sample_run: Path) -> None:
    tables = load_run_tables(sample_run,
                             json.loads((sample_run / "manifest.json").read_text("utf-8")))
    for name in ("theme_informant", "k_selection"):
        first, second = MAKERS[name](tables, "id"), MAKERS[name](tables, "id")
        assert first is not None and second is not None
        assert first.png == second.png and first.svg == second.svg
        assert first.png == (sample_run / "figures" / f"{name}.png").read_bytes()
        assert b"Software" not in first.png and b"tIME" not in first.png
        assert b"<dc:date>" not in first.svg and b"Matplotlib v" not in first.svg
