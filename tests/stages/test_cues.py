"""Where a codebook's cues occur in what informants said: keywords by stem, phrases across
fillers and pauses, derived words exactly, titles only as support, idioms never."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pipeline.readers.codebook import load_codebook
from pipeline.stages.cues import MATCH_COLUMNS, CueMatcher
from pipeline.stages.normalise import Normaliser, normalise
from pipeline.types import Passage
from tests.conftest import write

BOOK = """\
name: uji-cue
version: 1
language: id
description: codebook kecil untuk tes cue
idioms: ["hafal di luar kepala"]
themes:
  - id: kepemimpinan
    parent: null
    label: {id: Kepemimpinan, en: Leadership}
    keywords: [pimpin, teladan, kebersamaan]
    phrases: ["kasih contoh", "turun tangan"]
    support: [atasan, kepala]
    weights: {teladan: 3.0, "kasih contoh": 2.5}
    negative: ["putus asa"]
  - id: pelayanan
    parent: null
    label: {id: Pelayanan, en: Service}
    keywords: [layan, contoh]
  - id: sebutan
    parent: null
    label: {id: Sebutan, en: Titles}
    support: [kabag]
"""


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory, normaliser: Normaliser) -> CueMatcher:
    return CueMatcher(load_codebook(write(tmp_path_factory.mktemp("cb") / "b.yaml", BOOK)),
                      normaliser)


def passages(*texts: str) -> list[Passage]:
    return [Passage(f"w:{i:03d}", "w", "I", "informant", 0, len(text), text, "", 0, 0, 0,
                    len(text.split())) for i, text in enumerate(texts)]


def match(matcher: CueMatcher, normaliser: Normaliser, *texts: str) -> pd.DataFrame:
    return matcher.match(normalise(passages(*texts), normaliser))


def found(table: pd.DataFrame, pid: str = "w:000") -> list[tuple[str, str, str, str]]:
    here = table[table["passage_id"] == pid]
    return list(zip(here["theme"], here["cue"], here["kind"], here["surface"], strict=True))


def test_a_title_is_no_leadership_cue_but_talk_of_leading_is(normaliser: Normaliser) -> None:
    matcher = CueMatcher(load_codebook(), normaliser)  # the shipped codebook
    table = match(matcher, normaliser,
                  "Eh, Pak Kasubbag tadi ke kecamatan, rapat di sana sampai sore, gitu.",
                  "Ya, gaya kepemimpinannya Pak Kadis itu, ehm, demokratis lah, kan sering "
                  "ngajak diskusi.")
    title = table[(table["passage_id"] == "w:000") & (table["theme"] == "kepemimpinan")]
    assert "Kasubbag" in set(title["surface"])
    assert set(title["kind"]) == {"support"}  # who is talked about, not how they lead
    style = table[(table["passage_id"] == "w:001") & (table["theme"] == "kepemimpinan")]
    coding = style[style["kind"].isin(["keyword", "phrase"])]
    assert any("kepemimpinannya" in s for s in coding["surface"])
    assert "kepemimpinan" in matcher.cued_themes


def test_a_keyword_matches_every_form_of_its_stem(matcher: CueMatcher,
                                                  normaliser: Normaliser) -> None:
    table = match(matcher, normaliser,
                  "Pimpinannya, ya, dipimpin langsung sama beliau, kepemimpinan gitu lah.")
    assert [s for t, c, k, s in found(table) if c == "pimpin"] == [
        "Pimpinannya", "dipimpin", "kepemimpinan"]


def test_a_phrase_matches_across_fillers_and_commas_but_not_a_full_stop(
        matcher: CueMatcher, normaliser: Normaliser) -> None:
    table = match(matcher, normaliser, "Bapaknya itu ngasih, eh, contoh dulu baru nyuruh.",
                  "Kita udah dikasih. Contoh formulirnya di loket.")
    assert ("kepemimpinan", "kasih contoh", "phrase", "ngasih contoh") in found(table)
    assert "phrase" not in {k for _, _, k, _ in found(table, "w:001")}


def test_a_phrase_words_count_once_in_its_theme_and_still_in_another(
        matcher: CueMatcher, normaliser: Normaliser) -> None:
    table = match(matcher, normaliser, "Beliau kasih contoh ke kita semua.")
    themes = [(t, c) for t, c, _, _ in found(table)]
    assert ("kepemimpinan", "kasih contoh") in themes
    assert ("pelayanan", "contoh") in themes  # another theme's keyword
    assert ("kepemimpinan", "contoh") not in themes


def test_an_idiom_is_no_cue_for_anything(matcher: CueMatcher, normaliser: Normaliser) -> None:
    table = match(matcher, normaliser, "Tupoksinya udah hafal di luar kepala, eh, semua staf.",
                  "Kepala kantor kami, ya, turun tangan sendiri.")
    assert found(table) == []
    assert ("kepemimpinan", "kepala", "support", "Kepala") in found(table, "w:001")
    assert ("kepemimpinan", "turun tangan", "phrase", "turun tangan") in found(table, "w:001")


def test_a_derived_keyword_matches_only_itself_with_or_without_a_clitic(
        matcher: CueMatcher, normaliser: Normaliser) -> None:
    table = match(matcher, normaliser,
                  "Kebersamaannya kuat, kita kerja bersama-sama, sama aja kok.")
    assert [s for _, c, _, s in found(table) if c == "kebersamaan"] == ["Kebersamaannya"]


def test_support_matches_the_word_not_a_look_alike(matcher: CueMatcher,
                                                   normaliser: Normaliser) -> None:
    table = match(matcher, normaliser, "Atasannya jarang di kantor.",
                  "Berkasnya di atas meja, Mas.")
    assert ("kepemimpinan", "atasan", "support", "Atasannya") in found(table)
    assert found(table, "w:001") == []


def test_a_negative_cue_is_listed_with_no_weight(matcher: CueMatcher,
                                                 normaliser: Normaliser) -> None:
    table = match(matcher, normaliser, "Pegawainya udah putus asa, nggak ada teladan.")
    negative = table[table["kind"] == "negative"]
    assert negative["cue"].tolist() == ["putus asa"] and (negative["weight"] == 0).all()
    assert table.loc[table["cue"] == "teladan", "weight"].tolist() == [3.0]


def test_offsets_point_at_the_informants_words(matcher: CueMatcher,
                                               normaliser: Normaliser) -> None:
    text = "Ehm, yang jelas bapaknya jadi teladan, ngasih, eh, contoh, gitu."
    table = match(matcher, normaliser, text)
    for surface, start, end in zip(table["surface"], table["start"], table["end"], strict=True):
        assert text[start:end].startswith(surface.split()[0])
        assert text[start:end].endswith(surface.split()[-1])


def test_a_theme_with_support_words_only_codes_nothing(matcher: CueMatcher) -> None:
    assert matcher.cued_themes == {"kepemimpinan", "pelayanan"}


def test_no_tokens_give_an_empty_table_with_the_columns(matcher: CueMatcher,
                                                        normaliser: Normaliser) -> None:
    table = matcher.match(normalise([], normaliser))
    assert table.empty and list(table.columns) == MATCH_COLUMNS
    assert str(table["start"].dtype) == "int64" and str(table["weight"].dtype) == "float64"


def test_matching_twice_gives_the_same_table(matcher: CueMatcher,
                                             normaliser: Normaliser) -> None:
    texts = ("Bapaknya ngasih contoh, eh, pelayanannya juga bagus.", "Atasan kami teladan.")
    pd.testing.assert_frame_equal(match(matcher, normaliser, *texts),
                                  match(matcher, normaliser, *texts))


def test_one_word_is_one_piece_of_evidence_for_a_theme(normaliser: Normaliser,
                                                       tmp_path: Path) -> None:
    # "beliau" and "beliaunya" both read "beliaunya" as beliau: it counts once, at its weight
    book = BOOK.replace("support: [atasan, kepala]",
                        "support: [atasan, kepala, beliau, beliaunya]").replace(
                            '"kasih contoh": 2.5}', '"kasih contoh": 2.5, beliaunya: 0.8}')
    table = CueMatcher(load_codebook(write(tmp_path / "b.yaml", book)), normaliser).match(
        normalise(passages("Beliaunya itu, Mas, selalu kasih contoh duluan."), normaliser))
    lead = table[table["theme"] == "kepemimpinan"]
    assert lead[["cue", "surface", "weight"]].values.tolist() == [
        ["beliaunya", "Beliaunya", 0.8], ["kasih contoh", "kasih contoh", 2.5]]
