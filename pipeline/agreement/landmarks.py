"""Landmarks researchers cite beside agreement figures, and the tables' notes, in two languages.

Kappa: Landis, J. R. & Koch, G. G. (1977). The measurement of observer agreement for
categorical data. Biometrics 33(1), 159-174. Alpha: Krippendorff, K. (2004). Content
Analysis: An Introduction to Its Methodology (2nd ed.), p. 241. ``lang`` is "en" (English)
or "id" (Indonesian).
"""

from __future__ import annotations

import math
from typing import Literal

Lang = Literal["en", "id"]

# Landis & Koch (1977): upper bound (inclusive, on the value rounded to 2 decimals), labels.
_KAPPA_BANDS: tuple[tuple[float, str, str], ...] = (
    (0.20, "slight", "rendah"),
    (0.40, "fair", "cukup"),
    (0.60, "moderate", "sedang"),
    (0.80, "substantial", "substansial"),
    (1.00, "almost perfect", "hampir sempurna"),
)
_WORDS: dict[str, dict[Lang, str]] = {
    "undefined": {"en": "undefined", "id": "tidak terdefinisi"},
    "poor": {"en": "poor", "id": "buruk"},
    "reliable": {"en": "reliable", "id": "andal"},
    "tentative": {"en": "tentative", "id": "tentatif"},
    "unreliable": {"en": "unreliable", "id": "tidak andal"},
    "no_units": {
        "en": "no unit was judged by both coders",
        "id": "tidak ada unit yang dinilai oleh kedua pengode",
    },
    "none_coded": {
        "en": "neither coder marked this theme anywhere: kappa and alpha are undefined",
        "id": "tidak ada pengode yang menandai tema ini: kappa dan alpha tidak terdefinisi",
    },
    "all_coded": {
        "en": "both coders marked this theme in every unit: kappa and alpha are undefined",
        "id": "kedua pengode menandai tema ini di setiap unit: kappa dan alpha tidak terdefinisi",
    },
    "no_b": {
        "en": "{b} marked no unit: precision is undefined",
        "id": "{b} tidak menandai unit mana pun: presisi tidak terdefinisi",
    },
    "no_a": {
        "en": "{a} marked no unit: recall is undefined",
        "id": "{a} tidak menandai unit mana pun: recall tidak terdefinisi",
    },
    "macro": {
        "en": "{stat}: mean of {k} of {t} themes (undefined for the others)",
        "id": "{stat}: rata-rata {k} dari {t} tema (tidak terdefinisi untuk lainnya)",
    },
    "macro_none": {
        "en": "{stat}: undefined for every theme",
        "id": "{stat}: tidak terdefinisi untuk semua tema",
    },
    "ci": {
        "en": "intervals only from the resamples where defined: {which}",
        "id": "interval hanya dari sampel ulang yang terdefinisi: {which}",
    },
    "no_pairs": {
        "en": "no unit was judged by two or more coders",
        "id": "tidak ada unit yang dinilai oleh dua pengode atau lebih",
    },
    "constant": {
        "en": "every coder gave the same decision everywhere: alpha is undefined",
        "id": "semua pengode memberi keputusan yang sama di semua unit: alpha tidak terdefinisi",
    },
}


def message(key: str, lang: Lang, **kwargs: object) -> str:
    """The text of message ``key`` in ``lang``, with ``kwargs`` filled in."""
    return _WORDS[key][lang].format(**kwargs)


def macro_note(stat: str, defined: int, themes: int, lang: Lang) -> str:
    """Note for a macro average that is defined for only ``defined`` of ``themes`` themes."""
    if defined == 0:
        return message("macro_none", lang, stat=stat)
    return message("macro", lang, stat=stat, k=defined, t=themes)


def kappa_landmark(kappa: float, lang: Lang = "en") -> str:
    """Landis & Koch's (1977) label for a kappa, judged on the value rounded to 2 decimals.

    <0 poor, 0.00-0.20 slight, 0.21-0.40 fair, 0.41-0.60 moderate, 0.61-0.80 substantial,
    0.81-1.00 almost perfect; in Indonesian (``lang="id"``): buruk, rendah, cukup, sedang,
    substansial, hampir sempurna. NaN gives "undefined" / "tidak terdefinisi".
    """
    if not math.isfinite(kappa):
        return message("undefined", lang)
    value = round(kappa, 2)
    if value < 0:
        return message("poor", lang)
    for upper, english, indonesian in _KAPPA_BANDS:
        if value <= upper:
            return english if lang == "en" else indonesian
    return _KAPPA_BANDS[-1][1] if lang == "en" else _KAPPA_BANDS[-1][2]


def alpha_landmark(alpha: float, lang: Lang = "en") -> str:
    """Krippendorff's (2004) label for an alpha, judged on the value rounded to 3 decimals.

    >= 0.800 reliable (andal), >= 0.667 tentative conclusions only (tentatif), below that
    unreliable (tidak andal). NaN gives "undefined" / "tidak terdefinisi".
    """
    if not math.isfinite(alpha):
        return message("undefined", lang)
    value = round(alpha, 3)
    if value >= 0.800:
        return message("reliable", lang)
    if value >= 0.667:
        return message("tentative", lang)
    return message("unreliable", lang)
