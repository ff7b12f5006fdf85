"""Figures: deterministic bytes, no dates; each says what it is and what its marks mean, and
names informants in full."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd

from pipeline.report.figures import LEGEND_KEYS, MAKERS, TITLE_KEYS, wrap
from pipeline.report.labels import EN, ID
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


def _texts(svg: bytes) -> str:
    """The text a figure draws (as paths; matplotlib keeps each string in a comment)."""
    return " ".join(re.findall(r"<!-- (.*?) -->", svg.decode("utf-8")))


def test_every_figure_has_its_title_and_legend(sample_run: Path) -> None:
    # A figure pasted alone into a thesis still says what it is and what its marks mean.
    tables = load_run_tables(sample_run,
                             json.loads((sample_run / "manifest.json").read_text("utf-8")))
    for lang, t in (("id", ID), ("en", EN)):
        for name, make in MAKERS.items():
            if lang == "id":  # as the run wrote it
                svg = (sample_run / "figures" / f"{name}.svg").read_bytes()
            else:
                chart = make(tables, lang)
                assert chart is not None, name
                svg = chart.svg
            drawn = " ".join(_texts(svg).split())
            assert t[TITLE_KEYS[name]] in drawn, (name, lang)
            first = " ".join(t[LEGEND_KEYS[name]].split()[:4])
            assert first in drawn, (name, lang, drawn[:300])
    heat = " ".join(_texts((sample_run / "figures" / "theme_informant.svg").read_bytes()).split())
    assert "Angka di sel: jumlah petikan" in heat and "warna: persentase" in heat
    assert "kode otomatis tematik" in heat and "105 petikan dari 8 informan" in heat


def test_informants_are_named_in_full(sample_run: Path) -> None:
    tables = load_run_tables(sample_run,
                             json.loads((sample_run / "manifest.json").read_text("utf-8")))
    chart = MAKERS["theme_informant"](tables, "id")
    assert chart is not None
    drawn = " ".join(_texts(chart.svg).split())
    assert "…" not in drawn and "..." not in drawn
    for name in set(pd.read_parquet(sample_run / "passages.parquet")["display"]):
        assert " ".join(wrap(name, 14).split()) in drawn, name
    assert wrap("Bapak Drs. H. Ahmad Rasyid, M.Si.", 14) == "Bapak Drs. H.\nAhmad Rasyid,\nM.Si."
    assert wrap("x " * 40, 10, 2).endswith("…")  # only a name longer than its lines is cut
