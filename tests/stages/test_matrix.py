"""The theme displays: theme x informant matrix, co-occurrence, best quotes."""

from __future__ import annotations

import pytest

from pipeline.readers.codebook import load_codebook
from pipeline.stages.matrix import best_quote, cooccurrence, theme_matrix
from pipeline.stages.normalise import Normaliser, normalise
from pipeline.stages.segment import passages_frame
from pipeline.stages.themes import (
    DictionaryCoder,
    codings_frame,
)
from pipeline.types import Codebook, Passage
from tests.conftest import write

BOOK = """\
name: uji
version: 1
language: id
description: codebook kecil untuk tes
themes:
  - id: pelayanan
    parent: null
    label: {id: Pelayanan, en: Service}
    keywords: [layan, ramah]
    phrases: ["kasih contoh"]
    weights: {layan: 1.0, ramah: 2.0}
  - id: kepemimpinan
    parent: null
    label: {id: Kepemimpinan, en: Leadership}
    keywords: [pimpin, teladan, putus, kebersamaan]
    phrases: ["kasih contoh"]
    weights: {teladan: 3.0, putus: 0.7, "kasih contoh": 3.0}
    negative: ["putus asa"]
  - id: kinerja
    parent: null
    label: {id: Kinerja, en: Performance}
    keywords: [target]
    phrases: []
  - id: kinerja.responsivitas
    parent: kinerja
    label: {id: Responsivitas, en: Responsiveness}
    keywords: [cepat]
    phrases: ["tunggu lama"]
    weights: {cepat: 2.0, "tunggu lama": 3.0}
"""


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Codebook:
    return load_codebook(write(tmp_path_factory.mktemp("cb") / "uji.yaml", BOOK))


def units(*texts: str, speaker: str = "Bu Rina") -> list[Passage]:
    return [Passage(f"t:{i:03d}", "t", speaker, "informant", 0, len(text), text, "", 0, 0, 0,
                    len(text.split())) for i, text in enumerate(texts)]


def test_matrix_rolls_sub_themes_up_and_quotes_the_best_passage(
        book: Codebook, normaliser: Normaliser) -> None:
    texts = ["Warga nunggu lama. Itu masalahnya, ya.",
             "Target tahun ini, target bulanan juga, udah tercapai.",
             "Ya gitu aja sih."]
    passages = units(*texts)
    result = DictionaryCoder(book, normaliser).match(normalise(passages, normaliser))
    frame = passages_frame(passages)
    codings = codings_frame(result, frame)
    matrix = theme_matrix(codings, frame, result.evidence, book).set_index("theme")
    assert matrix.loc["kinerja", "passages"] == 2          # itself and its sub-theme
    assert matrix.loc["kinerja.responsivitas", "passages"] == 1
    assert matrix.loc["kinerja", "informant_passages"] == 3
    assert matrix.loc["kinerja.responsivitas", "best_quote"] == (
        "Warga nunggu lama. Itu masalahnya, ya.")  # the whole passage: under twelve words
    assert matrix.loc["pelayanan", "passages"] == 0
    assert matrix.loc["pelayanan", "best_quote"] == ""


def test_cooccurrence_counts_shared_passages(book: Codebook, normaliser: Normaliser) -> None:
    passages = units("Pimpinan jadi teladan, pelayanan ramah.", "Pelayanan ramah sekali.")
    result = DictionaryCoder(book, normaliser).match(normalise(passages, normaliser))
    frame = passages_frame(passages)
    pairs = cooccurrence(codings_frame(result, frame), frame)
    row = pairs[(pairs["theme_a"] == "kepemimpinan") & (pairs["theme_b"] == "pelayanan")]
    assert row[["passages", "informants"]].values.tolist() == [[1, 1]]
    assert row["jaccard"].item() == 0.5


def test_best_quote_picks_the_sentence_with_the_evidence() -> None:
    text = "Pertama, soal gedung. Kedua, pelayanan di loket itu ramah. Terakhir, soal parkir."
    start = text.index("pelayanan")
    assert best_quote(text, 100, [(100 + start, 100 + start + 9)]) == text  # 12 words
    longer = text + " Antre juga nggak lama, paling sepuluh menit, udah dipanggil gitu."
    quote = best_quote(longer, 100, [(100 + start, 100 + start + 9)])
    assert quote == text  # the sentences beside the evidence, not the one after those
    assert best_quote(longer, 100, []) == text  # no evidence: from the first sentence on
