"""Landmarks researchers cite beside kappa and alpha, and the tables' notes in two languages."""

from __future__ import annotations

import math
import re

import pytest

from pipeline.agreement.landmarks import (
    _WORDS,
    alpha_landmark,
    kappa_landmark,
    macro_note,
    message,
)


@pytest.mark.parametrize(("kappa", "en", "id_"), [
    (-0.05, "poor", "buruk"), (0.0, "slight", "rendah"), (0.2, "slight", "rendah"),
    (0.21, "fair", "cukup"), (0.4, "fair", "cukup"), (0.55, "moderate", "sedang"),
    (0.61, "substantial", "substansial"), (0.8, "substantial", "substansial"),
    (0.8049, "substantial", "substansial"), (0.81, "almost perfect", "hampir sempurna"),
    (1.0, "almost perfect", "hampir sempurna"), (math.nan, "undefined", "tidak terdefinisi"),
])
def test_kappa_landmarks(kappa: float, en: str, id_: str) -> None:
    assert kappa_landmark(kappa) == en
    assert kappa_landmark(kappa, "id") == id_


@pytest.mark.parametrize(("alpha", "en", "id_"), [
    (0.95, "reliable", "andal"), (0.800, "reliable", "andal"), (0.79996, "reliable", "andal"),
    (0.799, "tentative", "tentatif"), (0.667, "tentative", "tentatif"),
    (0.6664, "unreliable", "tidak andal"), (-0.2, "unreliable", "tidak andal"),
    (math.nan, "undefined", "tidak terdefinisi"),
])
def test_alpha_landmarks(alpha: float, en: str, id_: str) -> None:
    assert alpha_landmark(alpha) == en
    assert alpha_landmark(alpha, "id") == id_


def test_an_infinite_kappa_or_alpha_is_undefined_not_a_band() -> None:
    assert kappa_landmark(math.inf) == "undefined"
    assert alpha_landmark(-math.inf, "id") == "tidak terdefinisi"


def test_every_note_exists_in_both_languages_with_the_same_placeholders() -> None:
    for key, texts in _WORDS.items():
        assert set(texts) == {"en", "id"}, key
        assert (set(re.findall(r"\{\w+\}", texts["en"]))
                == set(re.findall(r"\{\w+\}", texts["id"]))), key


def test_a_note_names_the_coder_who_marked_nothing() -> None:
    assert message("no_b", "en", b="tematik") == "tematik marked no unit: precision is undefined"
    said = message("no_a", "id", a="Rina")
    assert said.startswith("Rina tidak menandai unit mana pun")


def test_a_macro_note_says_how_many_themes_it_averages() -> None:
    assert macro_note("kappa", 3, 5, "en") == (
        "kappa: mean of 3 of 5 themes (undefined for the others)")
    assert macro_note("alpha", 2, 4, "id") == (
        "alpha: rata-rata 2 dari 4 tema (tidak terdefinisi untuk lainnya)")
    assert macro_note("kappa", 0, 4, "id") == "kappa: tidak terdefinisi untuk semua tema"
