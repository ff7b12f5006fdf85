"""The agreement tables: alpha over several coders against the krippendorff package, the
bootstrap intervals, and every pair of coders in one table."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.agreement.statistics import DecisionTable
from pipeline.agreement.tables import (
    ALPHA_COLUMNS,
    PAIR_COLUMNS,
    agreement_table,
    alpha_table,
    pairwise_table,
)
from pipeline.errors import UsageError
from tests.agreement.test_statistics import THEMES, _close, _ref_alpha, _row, _table

# ------------------------------------------------------------------------------ alpha table


_three = st.integers(1, 20).flatmap(lambda n: st.integers(1, 3).flatmap(lambda t: st.tuples(
    st.lists(st.lists(st.booleans(), min_size=n * t, max_size=n * t), min_size=3, max_size=3),
    st.lists(st.lists(st.booleans(), min_size=n, max_size=n), min_size=3, max_size=3),
    st.just((n, t)))))


@settings(max_examples=50, deadline=None)
@given(_three)
def test_alpha_table_matches_the_package_for_three_coders_with_missing_units(data: tuple) -> None:
    marks, seen, (n, t) = data
    present = [np.array(m, dtype=bool).reshape(n, t) for m in marks]
    judged = [np.array(s, dtype=bool) for s in seen]
    table = _table({c: p for c, p in zip("abc", present, strict=True)},
                   judged={c: j for c, j in zip("abc", judged, strict=True)})
    frame = alpha_table(table, n_resamples=0)
    assert list(frame.columns) == ALPHA_COLUMNS
    # reliability data: coders x units, NaN where the coder did not judge the unit
    cube = np.where(np.array(judged)[:, :, None], np.array(present, dtype=float), np.nan)
    for k, theme in enumerate(THEMES[:t]):
        assert _close(_row(frame, theme)["alpha"], _ref_alpha(cube[:, :, k]))
    assert _close(_row(frame, "*", "micro")["alpha"], _ref_alpha(cube.reshape(3, -1)))
    assert (frame["n_units"] == int((np.array(judged).sum(axis=0) >= 2).sum())).all()


def test_alpha_table_for_two_coders_equals_the_pairwise_alpha() -> None:
    rng = np.random.default_rng(3)
    a = rng.random((60, 3)) < 0.3
    b = np.where(rng.random((60, 3)) < 0.8, a, ~a)
    table = _table({"sari": a, "tematik": b})
    pair = agreement_table(table, "sari", "tematik", n_resamples=0)
    multi = alpha_table(table, n_resamples=0)
    assert np.allclose(pair["alpha"], multi["alpha"])


def test_alpha_table_with_nothing_pairable_reports_why() -> None:
    a = np.array([[1], [0]], dtype=bool)
    table = _table({"a": a, "b": a, "c": a}, judged={
        "a": np.array([True, False]), "b": np.array([False, True]),
        "c": np.array([False, False])})
    frame = alpha_table(table)
    assert (frame["n_units"] == 0).all() and frame["alpha"].isna().all()
    assert _row(frame, THEMES[0])["note"] == "no unit was judged by two or more coders"


# ------------------------------------------------------------------------------ bootstrap


def _simulated(n_units: int, seed: int) -> DecisionTable:
    rng = np.random.default_rng(seed)
    a = rng.random((n_units, 4)) < [0.3, 0.15, 0.4, 0.25]
    b = np.where(rng.random((n_units, 4)) < 0.85, a, ~a)
    return _table({"peneliti": a, "tematik": b})


def test_bootstrap_is_deterministic_with_a_seed() -> None:
    table = _simulated(200, 1)
    first = agreement_table(table, "peneliti", "tematik", n_resamples=300, random_state=7)
    again = agreement_table(table, "peneliti", "tematik", n_resamples=300, random_state=7)
    other = agreement_table(table, "peneliti", "tematik", n_resamples=300, random_state=8)
    pd.testing.assert_frame_equal(first, again)
    assert not np.allclose(first["kappa_low"], other["kappa_low"])
    assert np.array_equal(first["kappa"], other["kappa"])


def test_bootstrap_intervals_contain_the_estimate_and_shrink_with_more_units() -> None:
    small = agreement_table(_simulated(150, 2), "peneliti", "tematik", n_resamples=400)
    large = agreement_table(_simulated(3000, 2), "peneliti", "tematik", n_resamples=400)
    for frame in (small, large):
        for stat in ("agreement", "kappa", "alpha", "precision", "recall", "f1"):
            assert (frame[f"{stat}_low"] <= frame[stat]).all(), stat
            assert (frame[stat] <= frame[f"{stat}_high"]).all(), stat
    width_small = small["kappa_high"] - small["kappa_low"]
    width_large = large["kappa_high"] - large["kappa_low"]
    assert (width_large < width_small / 2).all()
    wide = agreement_table(_simulated(3000, 2), "peneliti", "tematik", n_resamples=400,
                           confidence=0.99)
    assert (wide["kappa_high"] - wide["kappa_low"] > width_large).all()


def test_bootstrap_of_alpha_table_is_seeded_and_brackets_the_estimate() -> None:
    table = _simulated(400, 4)
    first = alpha_table(table, n_resamples=200, random_state=1)
    pd.testing.assert_frame_equal(first, alpha_table(table, n_resamples=200, random_state=1))
    assert (first["alpha_low"] <= first["alpha"]).all()
    assert (first["alpha"] <= first["alpha_high"]).all()


def test_bootstrap_of_ten_thousand_units_is_fast() -> None:
    rng = np.random.default_rng(0)
    a = rng.random((10_000, 15)) < 0.2
    b = np.where(rng.random((10_000, 15)) < 0.9, a, ~a)
    themes = [f"tema_{i:02d}" for i in range(15)]
    table = _table({"peneliti": a, "tematik": b}, themes=themes)
    start = time.perf_counter()
    frame = agreement_table(table, "peneliti", "tematik", n_resamples=1000)
    assert time.perf_counter() - start < 5.0
    assert frame["kappa_low"].notna().all()


def test_bad_bootstrap_parameters_are_usage_errors() -> None:
    table = _simulated(10, 0)
    with pytest.raises(UsageError, match="n_resamples"):
        agreement_table(table, "peneliti", "tematik", n_resamples=-1)
    with pytest.raises(UsageError, match="confidence"):
        agreement_table(table, "peneliti", "tematik", confidence=95)


# ---------------------------------------------------------------------- pairwise, errors


def test_pairwise_table_puts_the_human_first_and_matches_agreement_table() -> None:
    rng = np.random.default_rng(5)
    sari = rng.random((40, 2)) < 0.3
    budi = np.where(rng.random((40, 2)) < 0.9, sari, ~sari)
    machine = np.where(rng.random((40, 2)) < 0.75, sari, ~sari)
    table = _table({"tematik": machine, "sari": sari, "budi": budi})
    frame = pairwise_table(table, machines={"tematik"}, n_resamples=50)
    assert list(frame.columns) == PAIR_COLUMNS
    pairs = frame[["coder_a", "coder_b", "pair"]].drop_duplicates().values.tolist()
    assert pairs == [["sari", "tematik", "human-machine"], ["budi", "tematik", "human-machine"],
                     ["sari", "budi", "human-human"]]
    assert len(frame) == 3 * (2 + 2)
    own = agreement_table(table, "sari", "tematik", n_resamples=50)
    got = frame[frame["coder_b"] == "tematik"].head(len(own)).reset_index(drop=True)
    pd.testing.assert_frame_equal(got[own.columns.tolist()], own)


def test_tables_do_not_change_the_decisions() -> None:
    table = _simulated(30, 9)
    before = table.present.copy()
    agreement_table(table, "peneliti", "tematik", n_resamples=20)
    alpha_table(table, n_resamples=20)
    assert np.array_equal(table.present, before)
    with pytest.raises(ValueError, match="read-only"):
        table.present[0, 0, 0] = True
