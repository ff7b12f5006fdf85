"""Agreement: how far coders agree on which themes are present in which units.

A *decision* is one coder saying a theme is present (or not) in one unit (a passage, a
sentence). :func:`decision_table` collects every coder's decisions over the same units and
themes; :func:`agreement_table` compares two coders per theme and overall, with bootstrap
confidence intervals; :func:`pairwise_table` does so for every pair of coders (human-human
and human-machine) in one table; :func:`alpha_table` gives Krippendorff's alpha over all
coders at once, with missing decisions allowed. Spans of coded characters become decisions
with :func:`pipeline.agreement.overlap.passage_presence`;
:func:`pipeline.agreement.overlap.character_agreement` compares coders character by
character as NVivo does.

Formulas, edge cases and landmarks are explained in ``docs/agreement.md``. Statistics that
are undefined (kappa when both coders gave the same decision everywhere, precision when the
automatic coder marked nothing) are NaN, and the row's ``note`` says why.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pandas as pd

from pipeline.agreement.landmarks import Lang, alpha_landmark, kappa_landmark, macro_note, message
from pipeline.errors import TematikError, UsageError

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

ALL = "*"
STATISTICS = ("agreement", "kappa", "alpha", "precision", "recall", "f1")
COUNTS = ("both", "only_a", "only_b", "neither")
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


@dataclass(frozen=True, eq=False)
class DecisionTable:
    """Present/absent decisions of several coders over the same units and themes.

    ``present[c, u, t]`` is True when coder ``coders[c]`` marked theme ``themes[t]`` in unit
    ``units[u]``; ``judged[c, u]`` is False for a unit the coder did not look at (a missing
    decision, not an "absent" one). Build it with :func:`decision_table`.
    """

    units: tuple[str, ...]
    themes: tuple[str, ...]
    coders: tuple[str, ...]
    present: BoolArray = field(repr=False)
    judged: BoolArray = field(repr=False)

    def __post_init__(self) -> None:
        present = np.array(self.present, dtype=bool)
        judged = np.array(self.judged, dtype=bool)
        shape = (len(self.coders), len(self.units), len(self.themes))
        if present.shape != shape or judged.shape != shape[:2]:
            raise UsageError(
                f"decision arrays have shapes {present.shape} and {judged.shape}, expected "
                f"{shape} and {shape[:2]} (coders, units, themes)"
            )
        present &= judged[:, :, None]
        present.setflags(write=False)
        judged.setflags(write=False)
        object.__setattr__(self, "present", present)
        object.__setattr__(self, "judged", judged)

    def index(self, coder: str) -> int:
        """Position of ``coder``; :class:`UsageError` naming the coders present otherwise."""
        try:
            return self.coders.index(coder)
        except ValueError:
            raise UsageError(
                f"no coder named {coder!r}; the coders are: {', '.join(self.coders)}"
            ) from None


def _unique(values: Sequence[str], what: str) -> tuple[str, ...]:
    out = tuple(values)
    twice = sorted(v for v, n in Counter(out).items() if n > 1)
    if twice:
        raise UsageError(f"{what} listed twice: {', '.join(twice[:5])}",
                         fix=f"Give each {what} once.")
    return out


def decision_table(
    present: Mapping[str, Iterable[tuple[str, str]]],
    units: Sequence[str],
    themes: Sequence[str],
    *,
    judged: Mapping[str, Iterable[str]] | None = None,
) -> DecisionTable:
    """Decisions of each coder from the (unit, theme) pairs they marked present.

    ``present`` maps a coder name to its pairs; ``units`` and ``themes`` list everything that
    could be coded (a pair outside them is an error). ``judged`` optionally maps a coder to
    the units it looked at; other units are missing for that coder (default: all units).
    """
    if not present:
        raise UsageError("no coder given", fix="Pass at least one coder's decisions.")
    unit_ids = _unique(units, "unit")
    theme_ids = _unique(themes, "theme")
    if not theme_ids:
        raise UsageError("no themes given", fix="Pass the theme ids of the codebook.")
    coders = tuple(present)
    unit_pos = {u: i for i, u in enumerate(unit_ids)}
    theme_pos = {t: i for i, t in enumerate(theme_ids)}
    marks = np.zeros((len(coders), len(unit_ids), len(theme_ids)), dtype=bool)
    seen = np.ones((len(coders), len(unit_ids)), dtype=bool)
    for c, coder in enumerate(coders):
        if judged is not None and coder in judged:
            seen[c] = False
            for unit in judged[coder]:
                if unit not in unit_pos:
                    raise TematikError(
                        f"coder {coder!r} judged unit {unit!r}, which is not among the units",
                        fix="Check the passage ids, or add the unit to the list of units.",
                    )
                seen[c, unit_pos[unit]] = True
        for unit, theme in present[coder]:
            if unit not in unit_pos:
                raise TematikError(
                    f"coder {coder!r} marked theme {theme!r} in unit {unit!r}, which is not "
                    "among the units",
                    fix="Check the passage ids of the coding, or add the unit.",
                )
            if theme not in theme_pos:
                raise TematikError(
                    f"coder {coder!r} marked unknown theme {theme!r} in unit {unit!r}; the "
                    f"themes are: {', '.join(theme_ids)}",
                    fix="Map the code to a theme id (tematik compare --map), or add the theme.",
                )
            if not seen[c, unit_pos[unit]]:
                raise TematikError(
                    f"coder {coder!r} marked theme {theme!r} in unit {unit!r} but did not "
                    "judge that unit",
                    fix="Add the unit to the coder's judged units.",
                )
            marks[c, unit_pos[unit], theme_pos[theme]] = True
    return DecisionTable(unit_ids, theme_ids, coders, marks, seen)


# ---------------------------------------------------------------------------- statistics


def _div(num: FloatArray, den: FloatArray) -> FloatArray:
    out = np.full(np.broadcast(num, den).shape, np.nan)
    np.divide(num, den, out=out, where=den != 0)
    return out


def pair_statistics(counts: FloatArray) -> dict[str, FloatArray]:
    """Every two-coder statistic from counts ``[..., (both, only_a, only_b, neither)]``.

    Keys: agreement, kappa, alpha, precision, recall, f1 (coder B against reference A),
    each an array of the counts' leading shape, NaN where the statistic is undefined.
    """
    a, b, c, d = (counts[..., i] for i in range(4))
    n = a + b + c + d
    values_yes = 2 * a + b + c
    values_no = 2 * d + b + c
    return {
        "agreement": _div(a + d, n),
        "kappa": _div(2 * (a * d - b * c), (a + b) * (b + d) + (a + c) * (c + d)),
        "alpha": 1 - _div((2 * n - 1) * (b + c), values_yes * values_no),
        "precision": _div(a, a + c),
        "recall": _div(a, a + b),
        "f1": _div(2 * a, 2 * a + b + c),
    }


def _alpha_statistic(sums: FloatArray) -> FloatArray:
    """Binary nominal alpha from sums ``[..., (pairable values, present values, o_01 term)]``."""
    n, yes, disagree = (sums[..., i] for i in range(3))
    no = n - yes
    return 1 - _div((n - 1) * disagree, 2 * yes * no)


def _finite_mean(values: FloatArray) -> tuple[FloatArray, npt.NDArray[np.int64]]:
    """Mean over the last axis of the finite values, and how many there were."""
    finite = np.isfinite(values)
    k = finite.sum(axis=-1)
    total = np.where(finite, values, 0.0).sum(axis=-1)
    return _div(total, k.astype(float)), k


def krippendorff_alpha(reliability_data: npt.ArrayLike) -> float:
    """Krippendorff's alpha (nominal) for any number of coders, with missing data.

    ``reliability_data`` has one row per coder and one column per unit; NaN marks a
    missing value. Values are category codes (any numbers). Units with fewer than two
    values are not pairable and are left out. Returns NaN when no unit is pairable or
    when every pairable value is the same category (expected disagreement 0).
    """
    data = np.asarray(reliability_data, dtype=float)
    if data.ndim != 2:
        raise UsageError(f"reliability data must be 2-D (coders x units), got {data.ndim}-D")
    mask = ~np.isnan(data)
    values, codes = np.unique(data[mask], return_inverse=True)
    counts = np.zeros((data.shape[1], len(values)))
    np.add.at(counts, (np.nonzero(mask)[1], codes), 1.0)
    m = counts.sum(axis=1)
    pairable = m >= 2
    counts, m = counts[pairable], m[pairable]
    n_c = counts.sum(axis=0)
    n = float(n_c.sum())
    if n == 0:
        return math.nan
    observed = float(((m**2 - (counts**2).sum(axis=1)) / (m - 1)).sum()) / n
    expected = float(n**2 - (n_c**2).sum()) / (n * (n - 1))
    if expected == 0:
        return math.nan
    return 1.0 - observed / expected


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
        mean, k = _finite_mean(point[s])
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
            per_resample = np.column_stack([stats[s], micro[s], _finite_mean(stats[s])[0]])
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


def pair_note(
    counts: FloatArray, names: tuple[str, str], lang: Lang, *, precision_recall: bool = True
) -> str:
    """Why statistics are undefined for counts (both, only_a, only_b, neither); "" if none is.

    ``names`` are the two coders (reference first). ``precision_recall=False`` leaves out
    the reasons about precision and recall, for tables that do not report them.
    """
    both, only_a, only_b, neither = (int(x) for x in counts)
    if both + only_a + only_b + neither == 0:
        return message("no_units", lang)
    if both + only_a + only_b == 0:
        return message("none_coded", lang)
    if only_a + only_b + neither == 0:
        return message("all_coded", lang)
    notes = []
    if precision_recall and both + only_b == 0:
        notes.append(message("no_b", lang, b=names[1]))
    if precision_recall and both + only_a == 0:
        notes.append(message("no_a", lang, a=names[0]))
    return "; ".join(notes)


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
    point = _alpha_statistic(sums)
    micro = float(_alpha_statistic(sums.sum(axis=0)))
    macro, defined = _finite_mean(point)
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
        per_theme = _alpha_statistic(resampled)
        samples = np.column_stack(
            [per_theme, _alpha_statistic(resampled.sum(axis=1)), _finite_mean(per_theme)[0]]
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
