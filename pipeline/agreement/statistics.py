"""Agreement statistics: how far coders agree on which themes are present in which units.

A *decision* is one coder saying a theme is present (or not) in one unit (a passage, a
sentence). :func:`decision_table` collects every coder's decisions over the same units and
themes; :func:`pair_statistics` computes every two-coder statistic (agreement, Cohen's
kappa, Krippendorff's alpha, precision, recall, F1) from the counts of a 2x2 table,
:func:`krippendorff_alpha` alpha over any number of coders with missing values, and
:func:`pair_note` says why a statistic is undefined. The tables researchers read (per theme,
micro and macro, with bootstrap intervals) are made from these by
:mod:`pipeline.agreement.tables`. Spans of coded characters become decisions with
:func:`pipeline.agreement.overlap.passage_presence`.

Formulas, edge cases and landmarks are explained in ``docs/agreement.md``. Statistics that
are undefined (kappa when both coders gave the same decision everywhere, precision when the
automatic coder marked nothing) are NaN, and the row's ``note`` says why.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from pipeline.agreement.landmarks import Lang, message
from pipeline.errors import TematikError, UsageError

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

ALL = "*"
STATISTICS = ("agreement", "kappa", "alpha", "precision", "recall", "f1")
COUNTS = ("both", "only_a", "only_b", "neither")


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


def alpha_statistic(sums: FloatArray) -> FloatArray:
    """Binary nominal alpha from sums ``[..., (pairable values, present values, o_01 term)]``."""
    n, yes, disagree = (sums[..., i] for i in range(3))
    no = n - yes
    return 1 - _div((n - 1) * disagree, 2 * yes * no)


def finite_mean(values: FloatArray) -> tuple[FloatArray, npt.NDArray[np.int64]]:
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
