"""Agreement statistics against reference implementations (sklearn, krippendorff), their
edge cases and the notes that say why one is undefined, and the decision table."""

from __future__ import annotations

import math
import warnings

import krippendorff
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.metrics import cohen_kappa_score, precision_recall_fscore_support

from pipeline.agreement.statistics import DecisionTable, decision_table, krippendorff_alpha
from pipeline.agreement.tables import AGREEMENT_COLUMNS, agreement_table
from pipeline.errors import TematikError, UsageError

THEMES = ["kepemimpinan", "budaya_organisasi", "kinerja.kualitas_pelayanan", "motivasi"]


# ------------------------------------------------------------------------------ helpers


def _table(matrices: dict[str, np.ndarray], judged: dict[str, np.ndarray] | None = None,
           themes: list[str] | None = None) -> DecisionTable:
    """A decision table from boolean (units x themes) matrices, one per coder."""
    first = next(iter(matrices.values()))
    units = [f"wawancara-{i:02d}:{i:03d}" for i in range(first.shape[0])]
    themes = themes or THEMES[: first.shape[1]]
    masks = judged or {}
    present = {
        coder: {(units[u], themes[t]) for u, t in zip(*np.nonzero(m), strict=True)
                if masks.get(coder) is None or masks[coder][u]}
        for coder, m in matrices.items()
    }
    seen = None
    if judged is not None:
        seen = {coder: [units[u] for u in np.nonzero(mask)[0]] for coder, mask in judged.items()}
    return decision_table(present, units, themes, judged=seen)


def _ref_kappa(a: np.ndarray, b: np.ndarray) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        return float(cohen_kappa_score(a.astype(int), b.astype(int), labels=[0, 1]))


def _ref_alpha(data: np.ndarray) -> float:
    """The krippendorff package's nominal alpha; NaN where it has nothing to compare."""
    values = np.asarray(data, dtype=float)
    observed = values[~np.isnan(values)]
    pairable = values[:, (~np.isnan(values)).sum(axis=0) >= 2]
    if np.unique(pairable[~np.isnan(pairable)]).size < 2:
        return math.nan
    domain = np.unique(observed)
    return float(krippendorff.alpha(reliability_data=values, level_of_measurement="nominal",
                                    value_domain=domain))


def _ref_prf(truth: np.ndarray, pred: np.ndarray, average: str) -> tuple[float, float, float]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        p, r, f, _ = precision_recall_fscore_support(
            truth.astype(int), pred.astype(int), average=average, zero_division=np.nan)
    return float(p), float(r), float(f)


def _close(ours: float, reference: float) -> bool:
    if math.isnan(reference):
        return math.isnan(ours)
    return math.isclose(ours, reference, rel_tol=1e-9, abs_tol=1e-9)


def _row(frame: pd.DataFrame, theme: str, level: str = "theme") -> pd.Series:
    rows = frame[(frame["theme"] == theme) & (frame["level"] == level)]
    assert len(rows) == 1
    return rows.iloc[0]


_pairs = st.integers(1, 25).flatmap(lambda n: st.integers(1, 4).flatmap(lambda t: st.tuples(
    st.lists(st.lists(st.booleans(), min_size=t, max_size=t), min_size=n, max_size=n),
    st.lists(st.lists(st.booleans(), min_size=t, max_size=t), min_size=n, max_size=n),
)))


# ------------------------------------------------------------------ against references


@settings(max_examples=40, deadline=None)
@given(_pairs)
def test_two_coder_statistics_match_sklearn_and_krippendorff(data: tuple) -> None:
    a, b = (np.array(x, dtype=bool) for x in data)
    frame = agreement_table(_table({"peneliti": a, "tematik": b}), "peneliti", "tematik",
                            n_resamples=0)
    assert list(frame.columns) == AGREEMENT_COLUMNS
    kappas = []
    for t, theme in enumerate(THEMES[: a.shape[1]]):
        row = _row(frame, theme)
        x, y = a[:, t], b[:, t]
        assert (row["both"], row["only_a"], row["only_b"], row["neither"]) == (
            (x & y).sum(), (x & ~y).sum(), (~x & y).sum(), (~x & ~y).sum())
        assert _close(row["agreement"], float(np.mean(x == y)))
        kappas.append(_ref_kappa(x, y))
        assert _close(row["kappa"], kappas[-1])
        assert _close(row["alpha"], _ref_alpha(np.vstack([x, y])))
        p, r, f = _ref_prf(x, y, "binary")
        assert _close(row["precision"], p) and _close(row["recall"], r)
        assert _close(row["f1"], f)
    micro = _row(frame, "*", "micro")
    assert _close(micro["kappa"], _ref_kappa(a.ravel(), b.ravel()))
    assert _close(micro["alpha"], _ref_alpha(np.vstack([a.ravel(), b.ravel()])))
    for level in ("micro", "macro"):
        # sklearn reads a single column as binary labels, not as one theme of a multilabel set
        p, r, f = _ref_prf(a[:, 0], b[:, 0], "binary") if a.shape[1] == 1 else _ref_prf(a, b, level)
        row = _row(frame, "*", level)
        assert _close(row["precision"], p) and _close(row["recall"], r)
        assert _close(row["f1"], f)
    macro = _row(frame, "*", "macro")
    defined = [k for k in kappas if not math.isnan(k)]
    assert _close(macro["kappa"], float(np.mean(defined)) if defined else math.nan)


_reliability = st.integers(2, 5).flatmap(lambda c: st.integers(1, 15).flatmap(lambda n: st.lists(
    st.lists(st.one_of(st.none(), st.integers(0, 3)), min_size=n, max_size=n),
    min_size=c, max_size=c)))


@settings(max_examples=120, deadline=None)
@given(_reliability)
def test_krippendorff_alpha_matches_the_package_with_missing_values(rows: list) -> None:
    data = np.array([[np.nan if v is None else v for v in row] for row in rows], dtype=float)
    assert _close(krippendorff_alpha(data), _ref_alpha(data))


def test_krippendorff_alpha_textbook_example() -> None:
    # Krippendorff (2011), "Computing Krippendorff's alpha-reliability", nominal example:
    # 4 coders, 12 units, missing values; alpha = 0.743.
    nan = np.nan
    data = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
        [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan],
    ]
    assert krippendorff_alpha(data) == pytest.approx(0.743, abs=5e-4)


# ---------------------------------------------------------------------------- edge cases


def test_all_agree_gives_perfect_scores() -> None:
    a = np.array([[1, 0], [0, 1], [1, 1], [0, 0]], dtype=bool)
    frame = agreement_table(_table({"a": a, "b": a.copy()}), "a", "b", n_resamples=200)
    for _, row in frame.iterrows():
        assert row["agreement"] == row["kappa"] == row["alpha"] == row["f1"] == 1.0
        assert row["kappa_low"] == row["kappa_high"] == 1.0
        assert row["kappa_landmark"] == "almost perfect"
        assert row["alpha_landmark"] == "reliable"
    # with 4 units some resamples hold one decision only, where kappa is undefined: said so
    note = _row(frame, THEMES[0])["note"]
    assert note.startswith("intervals only from the resamples where defined: kappa ")
    assert "/200" in note
    plain = agreement_table(_table({"a": a, "b": a.copy()}), "a", "b", n_resamples=0)
    assert (plain["note"] == "").all()


def test_none_coded_leaves_chance_corrected_statistics_undefined_with_a_reason() -> None:
    empty = np.zeros((5, 2), dtype=bool)
    frame = agreement_table(_table({"a": empty, "b": empty}), "a", "b", lang="id")
    row = _row(frame, THEMES[0])
    assert row["agreement"] == 1.0 and row["neither"] == 5
    for stat in ("kappa", "alpha", "precision", "recall", "f1", "kappa_low", "alpha_high"):
        assert math.isnan(row[stat]), stat
    assert row["kappa_landmark"] == "tidak terdefinisi"
    assert "kappa dan alpha tidak terdefinisi" in row["note"]
    assert "tidak terdefinisi untuk semua tema" in _row(frame, "*", "macro")["note"]


def test_every_unit_coded_by_both_leaves_kappa_undefined() -> None:
    full = np.ones((4, 1), dtype=bool)
    row = _row(agreement_table(_table({"a": full, "b": full}), "a", "b"), THEMES[0])
    assert math.isnan(row["kappa"]) and math.isnan(row["alpha"])
    assert row["precision"] == row["recall"] == row["f1"] == 1.0
    assert "every unit" in row["note"]


@pytest.mark.parametrize("silent", ["reference", "machine"])
def test_one_coder_codes_nothing(silent: str) -> None:
    coded = np.array([[1], [0], [1], [0], [0]], dtype=bool)
    empty = np.zeros_like(coded)
    a, b = (empty, coded) if silent == "reference" else (coded, empty)
    row = _row(agreement_table(_table({"peneliti": a, "tematik": b}), "peneliti", "tematik",
                               n_resamples=0), THEMES[0])
    assert row["kappa"] == 0.0 == _ref_kappa(a[:, 0], b[:, 0])
    assert _close(row["alpha"], _ref_alpha(np.vstack([a[:, 0], b[:, 0]])))
    assert row["alpha"] < 0
    assert row["f1"] == 0.0
    if silent == "machine":
        assert math.isnan(row["precision"]) and row["recall"] == 0.0
        assert row["note"] == "tematik marked no unit: precision is undefined"
    else:
        assert row["precision"] == 0.0 and math.isnan(row["recall"])
        assert row["note"] == "peneliti marked no unit: recall is undefined"


@pytest.mark.parametrize(("a", "b", "kappa"), [(True, True, math.nan), (False, False, math.nan),
                                               (True, False, 0.0)])
def test_a_single_unit(a: bool, b: bool, kappa: float) -> None:
    table = _table({"a": np.array([[a]]), "b": np.array([[b]])})
    row = _row(agreement_table(table, "a", "b", n_resamples=100), THEMES[0])
    assert row["n_units"] == 1
    assert _close(row["kappa"], kappa)
    assert _close(row["kappa"], _ref_kappa(np.array([a]), np.array([b])))
    assert _close(row["alpha"], _ref_alpha(np.array([[a], [b]], dtype=float)))
    assert _close(row["kappa_low"], kappa) and _close(row["kappa_high"], kappa)


def test_units_judged_by_only_one_coder_are_left_out() -> None:
    a = np.array([[1], [0], [1], [1]], dtype=bool)
    b = np.array([[1], [0], [0], [0]], dtype=bool)
    judged_b = np.array([True, True, False, False])
    table = _table({"a": a, "b": b}, judged={"b": judged_b})
    row = _row(agreement_table(table, "a", "b", n_resamples=0), THEMES[0])
    assert row["n_units"] == 2 and row["both"] == 1 and row["neither"] == 1
    assert row["kappa"] == 1.0
    none = _table({"a": a, "b": b}, judged={"b": np.zeros(4, dtype=bool)})
    row = _row(agreement_table(none, "a", "b"), THEMES[0])
    assert row["n_units"] == 0 and math.isnan(row["agreement"])
    assert row["note"] == "no unit was judged by both coders"


def test_decision_table_names_what_is_wrong() -> None:
    units, themes = ["w1:001", "w1:002"], ["kepemimpinan", "motivasi"]
    with pytest.raises(TematikError, match="'w9:001', which is not among the units"):
        decision_table({"sari": {("w9:001", "motivasi")}}, units, themes)
    with pytest.raises(TematikError, match=r"unknown theme 'semangat'.*--map"):
        decision_table({"sari": {("w1:001", "semangat")}}, units, themes)
    with pytest.raises(UsageError, match="no themes given"):
        decision_table({"sari": set()}, units, [])
    with pytest.raises(UsageError, match="unit listed twice: w1:001"):
        decision_table({"sari": set()}, ["w1:001", "w1:001"], themes)
    with pytest.raises(TematikError, match="did not judge that unit"):
        decision_table({"sari": {("w1:002", "motivasi")}}, units, themes,
                       judged={"sari": ["w1:001"]})
    table = decision_table({"sari": set(), "tematik": set()}, units, themes)
    with pytest.raises(UsageError, match="no coder named 'budi'; the coders are: sari, tematik"):
        agreement_table(table, "sari", "budi")
