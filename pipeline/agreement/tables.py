"""The agreement tables: two coders compared per theme and overall, every pair of coders in
one table, and Krippendorff's alpha over several coders at once, each statistic with a
percentile bootstrap confidence interval over units.

:func:`agreement_table` compares two coders (the first is the reference);
:func:`pairwise_table` does so for every pair of coders (human-human and human-machine);
:func:`alpha_table` gives alpha over all coders, with missing decisions allowed. The
statistics themselves and the decisions they count are in
:mod:`pipeline.agreement.statistics`; :func:`pipeline.agreement.overlap.character_agreement`
compares coders character by character as NVivo does.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Sequence

import numpy as np
import pandas as pd

from pipeline.agreement.landmarks import Lang, alpha_landmark, kappa_landmark, macro_note, message
from pipeline.agreement.statistics import (
    ALL,
    COUNTS,
    STATISTICS,
    DecisionTable,
    FloatArray,
    alpha_statistic,
    finite_mean,
    pair_note,
    pair_statistics,
)
from pipeline.errors import UsageError

AGREEMENT_COLUMNS = [
    "theme", "level", "n_units", *COUNTS,
    "agreement", "agreement_low", "agreement_high",
    "kappa", "kappa_low", "kappa_high", "kappa_landmark",
    "alpha", "alpha_low", "alpha_high", "alpha_landmark",
    "precision", "precision_low", "precision_high",
    "recall", "recall_low", "recall_high",
    "f1", "f1_low", "f1_high",
    "note",
]
ALPHA_COLUMNS = [
    "theme", "level", "n_coders", "n_units", "n_values", "n_present",
    "alpha", "alpha_low", "alpha_high", "alpha_landmark", "note",
]
PAIR_COLUMNS = ["coder_a", "coder_b", "pair", *AGREEMENT_COLUMNS]


# ----------------------------------------------------------------------------- bootstrap


def _resample_sums(
    features: FloatArray, n_resamples: int, rng: np.random.Generator
) -> FloatArray:
    """Column sums of ``features`` (units x f) over ``n_resamples`` resamples of its rows.

    Each resample draws as many units as there are, with replacement; it is represented by
    how often each unit was drawn, so the sums are one matrix product per chunk.
    """
    n = features.shape[0]
    out = np.empty((n_resamples, features.shape[1]))
    chunk = max(1, min(n_resamples, 2_000_000 // max(n, 1)))
    for start in range(0, n_resamples, chunk):
        size = min(chunk, n_resamples - start)
        draws = rng.integers(0, n, size=(size, n)) + (np.arange(size) * n)[:, None]
        weights = np.bincount(draws.ravel(), minlength=size * n).reshape(size, n)
        out[start:start + size] = weights.astype(np.float64) @ features
    return out


def _interval(samples: FloatArray, confidence: float) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Percentile interval per column of ``samples`` (resamples x k) over finite values only.

    Returns (low, high, number of finite resamples).
    """
    k = samples.shape[1]
    low, high, used = np.full(k, np.nan), np.full(k, np.nan), np.zeros(k)
    tail = (1 - confidence) / 2
    for j in range(k):
        column = samples[:, j]
        column = column[np.isfinite(column)]
        used[j] = column.size
        if column.size:
            low[j], high[j] = np.quantile(column, [tail, 1 - tail])
    return low, high, used


def _check_bootstrap(n_resamples: int, confidence: float) -> None:
    if n_resamples < 0:
        raise UsageError(f"n_resamples must be 0 (no intervals) or more, got {n_resamples}")
    if not 0 < confidence < 1:
        raise UsageError(f"confidence must be between 0 and 1 (e.g. 0.95), got {confidence}")


# -------------------------------------------------------------------------------- tables


def _pair_rows(
    counts: FloatArray,
    samples: FloatArray | None,
    themes: Sequence[str],
    n_units: int,
    names: tuple[str, str],
    confidence: float,
    lang: Lang,
) -> pd.DataFrame:
    """Rows per theme, micro and macro from counts (themes x 4) and resampled counts."""
    point = pair_statistics(counts)
    micro_point = pair_statistics(counts.sum(axis=0))
    rows: list[dict[str, object]] = []
    for t, theme in enumerate(themes):
        rows.append({"theme": theme, "level": "theme", "n_units": n_units,
                     **dict(zip(COUNTS, counts[t], strict=True)),
                     **{s: float(point[s][t]) for s in STATISTICS}})
    total = dict(zip(COUNTS, counts.sum(axis=0), strict=True))
    rows.append({"theme": ALL, "level": "micro", "n_units": n_units, **total,
                 **{s: float(micro_point[s]) for s in STATISTICS}})
    macro_notes: list[str] = []
    macro: dict[str, object] = {"theme": ALL, "level": "macro", "n_units": n_units, **total}
    for s in STATISTICS:
        mean, k = finite_mean(point[s])
        macro[s] = float(mean)
        if int(k) < len(themes):
            macro_notes.append(macro_note(s, int(k), len(themes), lang))
    rows.append(macro)
    frame = pd.DataFrame(rows)
    notes = [pair_note(counts[t], names, lang) for t in range(len(themes))]
    notes += [pair_note(counts.sum(axis=0), names, lang), "; ".join(macro_notes)]
    for s in STATISTICS:
        frame[f"{s}_low"] = np.nan
        frame[f"{s}_high"] = np.nan
    if samples is not None and len(themes):
        b = samples.shape[0]
        cube = samples.reshape(b, len(themes), 4)
        stats, micro = pair_statistics(cube), pair_statistics(cube.sum(axis=1))
        partial: list[list[str]] = [[] for _ in notes]
        for s in STATISTICS:
            per_resample = np.column_stack([stats[s], micro[s], finite_mean(stats[s])[0]])
            low, high, used = _interval(per_resample, confidence)
            frame[f"{s}_low"], frame[f"{s}_high"] = low, high
            for r in np.nonzero((used < b) & np.isfinite(frame[s]))[0]:
                partial[r].append(f"{s} {int(used[r])}/{b}")
        for row, which in enumerate(partial):
            if which:
                ci = message("ci", lang, which=", ".join(which))
                notes[row] = f"{notes[row]}; {ci}" if notes[row] else ci
    frame["kappa_landmark"] = [kappa_landmark(v, lang) for v in frame["kappa"]]
    frame["alpha_landmark"] = [alpha_landmark(v, lang) for v in frame["alpha"]]
    frame["note"] = notes
    for column in COUNTS:
        frame[column] = frame[column].astype(np.int64)
    return frame[AGREEMENT_COLUMNS]


def agreement_table(
    table: DecisionTable,
    coder_a: str,
    coder_b: str,
    *,
    n_resamples: int = 1000,
    confidence: float = 0.95,
    random_state: int | None = 0,
    lang: Lang = "en",
) -> pd.DataFrame:
    """Agreement of ``coder_b`` with ``coder_a`` (the reference) per theme and overall.

    Units are those both coders judged. One row per theme (``level`` "theme"), then a
    "micro" row (every unit-theme decision pooled into one 2x2 table) and a "macro" row
    (mean of the per-theme values that are defined); both have ``theme`` "*".

    Columns: ``theme``, ``level``, ``n_units`` (units judged by both), ``both``,
    ``only_a``, ``only_b``, ``neither`` (decision counts; for micro and macro, summed over
    themes), ``agreement`` (share of decisions that agree), ``kappa`` (Cohen),
    ``alpha`` (Krippendorff, nominal), ``precision``, ``recall``, ``f1`` (of ``coder_b``
    against ``coder_a``: only_b are false positives, only_a false negatives), each with
    ``_low`` and ``_high`` bounds of a percentile bootstrap interval over units
    (``n_resamples`` resamples, seeded by ``random_state``; 0 resamples gives NaN bounds),
    ``kappa_landmark`` and ``alpha_landmark`` (labels in ``lang``), and ``note`` (why a
    statistic is undefined, in ``lang``).
    """
    _check_bootstrap(n_resamples, confidence)
    i, j = table.index(coder_a), table.index(coder_b)
    if i == j:
        raise UsageError(f"coder_a and coder_b are both {coder_a!r}", fix="Compare two coders.")
    common = table.judged[i] & table.judged[j]
    a = table.present[i][common]
    b = table.present[j][common]
    categories = np.stack([a & b, a & ~b, ~a & b, ~a & ~b], axis=-1).astype(np.float64)
    counts = categories.sum(axis=0)
    samples = None
    if n_resamples and categories.shape[0]:
        features = categories.reshape(categories.shape[0], -1)
        samples = _resample_sums(features, n_resamples, np.random.default_rng(random_state))
    return _pair_rows(counts, samples, table.themes, int(common.sum()), (coder_a, coder_b),
                      confidence, lang)


def pairwise_table(
    table: DecisionTable,
    *,
    machines: Collection[str] = (),
    coders: Sequence[str] | None = None,
    n_resamples: int = 1000,
    confidence: float = 0.95,
    random_state: int | None = 0,
    lang: Lang = "en",
) -> pd.DataFrame:
    """:func:`agreement_table` for every pair of ``coders`` (default: all), in one table.

    Columns: ``coder_a``, ``coder_b``, ``pair`` ("human-human", "human-machine" or
    "machine-machine"), then the columns of :func:`agreement_table`. In a human-machine
    pair the human is ``coder_a``, the reference, so precision and recall are the
    machine's. Every pair uses the same seed, so pairs over the same units are scored on
    the same resamples.
    """
    names = list(table.coders if coders is None else coders)
    for name in [*names, *machines]:
        table.index(name)
    frames = []
    for first, second in itertools.combinations(names, 2):
        if first in machines and second not in machines:
            first, second = second, first
        kinds = sorted("machine" if c in machines else "human" for c in (first, second))
        frame = agreement_table(table, first, second, n_resamples=n_resamples,
                                confidence=confidence, random_state=random_state, lang=lang)
        frame.insert(0, "pair", "-".join(kinds))
        frame.insert(0, "coder_b", second)
        frame.insert(0, "coder_a", first)
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=PAIR_COLUMNS)
    return pd.concat(frames, ignore_index=True)[PAIR_COLUMNS]


def alpha_table(
    table: DecisionTable,
    *,
    coders: Sequence[str] | None = None,
    n_resamples: int = 1000,
    confidence: float = 0.95,
    random_state: int | None = 0,
    lang: Lang = "en",
) -> pd.DataFrame:
    """Krippendorff's alpha over several coders at once, missing decisions allowed.

    A unit counts for a theme when at least two of ``coders`` (default: all) judged it.
    Rows per theme, then "micro" (all unit-theme decisions pooled) and "macro" (mean of the
    defined per-theme alphas), as in :func:`agreement_table`.

    Columns: ``theme``, ``level``, ``n_coders``, ``n_units`` (units judged by two or more
    coders), ``n_values`` (decisions in those units; for micro and macro, over all
    themes), ``n_present`` (of which "present"), ``alpha``, ``alpha_low``, ``alpha_high``
    (percentile bootstrap over units), ``alpha_landmark``, ``note``.
    """
    _check_bootstrap(n_resamples, confidence)
    names = list(table.coders if coders is None else coders)
    rows = [table.index(c) for c in names]
    present = table.present[rows]
    judged = table.judged[rows]
    m = judged.sum(axis=0).astype(np.float64)
    pairable = m >= 2
    k = present.sum(axis=0)[pairable].astype(np.float64)
    m = m[pairable][:, None]
    features = np.stack([np.broadcast_to(m, k.shape), k, 2 * k * (m - k) / (m - 1)], axis=-1)
    sums = features.sum(axis=0)
    point = alpha_statistic(sums)
    micro = float(alpha_statistic(sums.sum(axis=0)))
    macro, defined = finite_mean(point)
    n_units = int(pairable.sum())
    frame = pd.DataFrame({
        "theme": [*table.themes, ALL, ALL],
        "level": ["theme"] * len(table.themes) + ["micro", "macro"],
        "n_coders": len(names),
        "n_units": n_units,
        "n_values": [*sums[:, 0], sums[:, 0].sum(), sums[:, 0].sum()],
        "n_present": [*sums[:, 1], sums[:, 1].sum(), sums[:, 1].sum()],
        "alpha": [*point, micro, float(macro)],
    })
    frame["alpha_low"] = frame["alpha_high"] = np.nan
    if n_resamples and n_units:
        resampled = _resample_sums(
            features.reshape(n_units, -1), n_resamples, np.random.default_rng(random_state)
        ).reshape(n_resamples, len(table.themes), 3)
        per_theme = alpha_statistic(resampled)
        samples = np.column_stack(
            [per_theme, alpha_statistic(resampled.sum(axis=1)), finite_mean(per_theme)[0]]
        )
        frame["alpha_low"], frame["alpha_high"], _ = _interval(samples, confidence)
    frame["alpha_landmark"] = [alpha_landmark(v, lang) for v in frame["alpha"]]
    notes = []
    for n_values, n_yes in zip(frame["n_values"], frame["n_present"], strict=True):
        if n_values == 0:
            notes.append(message("no_pairs", lang))
        elif n_yes in (0, n_values):
            notes.append(message("constant", lang))
        else:
            notes.append("")
    if int(defined) < len(table.themes):
        notes[-1] = macro_note("alpha", int(defined), len(table.themes), lang)
    frame["note"] = notes
    for column in ("n_values", "n_present"):
        frame[column] = frame[column].astype(np.int64)
    return frame[ALPHA_COLUMNS]
