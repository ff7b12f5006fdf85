"""The informant-speech model shipped with the default codebook."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.readers.codebook import load_codebook
from pipeline.resources import MODELS_DIR
from pipeline.stages.normalise import Normaliser, normalise, normalise_questions
from pipeline.stages.prior import (
    decide,
    dimension,
    load_model,
    model_bytes,
    read_model,
    train,
)
from pipeline.stages.segment import passages_frame, text_passage
from pipeline.stages.themes import DictionaryCoder, code_passages
from tests.conftest import ROOT, write

INDIRECT = [
    # staff competence through a placement, none of the codebook's words
    "Orang yang ditempatkan di bagian keuangan itu latar belakangnya guru agama, Mas, jadi "
    "ya belajar dari nol.",
    # responsiveness through an outcome
    "Dulu bikin akta kelahiran bisa sebulan, sekarang tiga hari udah jadi, malah bisa "
    "dikirim lewat pos.",
]


def code(texts: list[str], normaliser: Normaliser, *, model: bool = True,
         questions: list[str] | None = None) -> pd.DataFrame:
    units = [text_passage(f"t:{i}", "t", text, question=q)
             for i, (text, q) in enumerate(zip(texts, questions or [""] * len(texts),
                                               strict=True))]
    _, codings = code_passages(passages_frame(units), normalise(units, normaliser),
                               DictionaryCoder(load_codebook(), normaliser),
                               question_tokens=normalise_questions(units, normaliser),
                               model=load_model() if model else None)
    return codings


def test_the_model_recognises_themes_said_indirectly(normaliser: Normaliser) -> None:
    codings = code(INDIRECT, normaliser)
    first = codings[codings["passage_id"] == "t:0"].set_index("theme")
    assert list(first.index) == ["sdm"]
    assert first.loc["sdm", "method"] == "model"
    assert first.loc["sdm", "probability"] >= 0.5
    assert first.loc["sdm", "evidence"]  # the words that pushed it, shown
    # the model names a dimension of performance too: a citizen's file done faster is the
    # office's speed (responsiveness, or productivity: the two share it) or the change a
    # reform produced (effectiveness: how the training quotes' writers file "dulu ...,
    # sekarang ..."), never performance at large
    named = set(codings.loc[codings["passage_id"] == "t:1", "theme"])
    assert len(named) == 1 and named <= {"kinerja.responsivitas", "kinerja.produktivitas",
                                         "kinerja.efektivitas"}
    assert code(INDIRECT, normaliser, model=False).empty  # the dictionary finds nothing


def test_reading_passages_in_chunks_codes_the_same(normaliser: Normaliser,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [*INDIRECT, "Ya gitu aja sih, Mas.", "Pak Camat itu tiap pagi udah duluan di "
             "kantor, jadi kita nggak enak kalau telat, ya kan."]
    whole = code(texts, normaliser)
    monkeypatch.setattr("pipeline.stages.themes.READ_CHUNK", 1)
    pd.testing.assert_frame_equal(code(texts, normaliser), whole)
    # and by worker processes, one per core, where the chunks are many
    monkeypatch.setattr("pipeline.stages.themes.PARALLEL_MIN_TOKENS", 0)
    pd.testing.assert_frame_equal(code(texts, normaliser), whole)
    assert set(whole["passage_id"]) >= {"t:0", "t:1", "t:3"}


def test_a_few_words_are_no_evidence_for_the_model(normaliser: Normaliser) -> None:
    assert code(["Ya gitu aja sih, Mas.", "Iya, betul, Pak."], normaliser).empty


def test_the_leave_taking_after_the_interviewers_thanks_is_not_read_by_the_model(
    normaliser: Normaliser,
) -> None:
    said = ["Sama-sama, Mas. Eh, udah makan siang? Di depan ada nasi padang baru buka, enak "
            "lho.",
            "Iya, sama-sama. Eh, kalau mau data jumlah surat, minta ke Dewi ya, di meja depan."]
    assert not code(said, normaliser).empty  # as an answer to a question it reads as a theme
    assert code(said, normaliser, questions=["Oke, makasih, Mbak.",
                                             "Oke, Pak, cukup dulu. Makasih banyak, Pak."]).empty
    # thanks followed by the next question: the answer is read as usual
    asked = code(said, normaliser, questions=["Oke, makasih. Terus, kalau makan siang?"] * 2)
    assert not asked.empty


def test_the_model_stays_out_of_another_codebook(normaliser: Normaliser,
                                                 tmp_path: Path) -> None:
    book = write(tmp_path / "lain.yaml", "name: lain\nversion: 1\nlanguage: id\n"
                 "description: tes\nthemes:\n  - id: pertanian\n    label: {id: Pertanian, "
                 "en: Farming}\n    keywords: [sawah, panen]\n    phrases: []\n")
    model = load_model()
    assert model is not None and not model.covers([t.id for t in load_codebook(book).themes])
    sheet = write(tmp_path / "k.csv", "teks\n" + "\n".join(f'"{t}"' for t in INDIRECT) + "\n")
    out = CliRunner().invoke(main, ["code", str(sheet), "--text-column", "teks", "--codebook",
                                    str(book), "--out", str(tmp_path / "k-out.csv")])
    assert out.exit_code == 0 and "coded 0 of 2 texts" in out.output


def test_training_is_deterministic_and_round_trips(normaliser: Normaliser) -> None:
    quotes = pd.concat([pd.read_csv(f, dtype=str, keep_default_na=False).head(60)
                        for f in sorted((MODELS_DIR / "training").glob("quotes_*.csv"))])
    a = model_bytes(train(quotes, normaliser, random_state=0))
    b = model_bytes(train(quotes, normaliser, random_state=0))
    assert a == b
    back = read_model(a)
    assert model_bytes(back) == a


@pytest.mark.slow
def test_the_shipped_model_is_the_one_its_quotes_give() -> None:
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "train_informant_model.py"),
                           "--check"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]


def test_the_dimension_weighs_the_model_against_the_dictionarys_words() -> None:
    model = {"kinerja.kualitas_pelayanan": 0.82, "kinerja.responsivitas": 0.15,
             "kinerja.akuntabilitas": 0.03}
    # one word of waiting ("antre") in a complaint about favouritism: the model's dimension
    assert dimension({"kinerja.responsivitas": 1.5}, model) == "kinerja.kualitas_pelayanan"
    # where the model is unsure, the dictionary's words decide
    unsure = {"kinerja.kualitas_pelayanan": 0.3, "kinerja.responsivitas": 0.25}
    assert dimension({"kinerja.responsivitas": 2.0}, unsure) == "kinerja.responsivitas"
    assert dimension({"kinerja.akuntabilitas": 2.0}, {}) == "kinerja.akuntabilitas"
    # neither evident: performance itself
    assert dimension({"kinerja.akuntabilitas": 0.3}, unsure) is None
    assert dimension({"kinerja": 2.0, "kepemimpinan": 3.0}, {}) is None


def test_a_complaint_of_favouritism_is_service_quality_not_waiting(
        normaliser: Normaliser) -> None:
    codings = code(["Saya udah antre dari jam tujuh, Mbak, eh yang baru dateng malah "
                    "dipanggil duluan karena kenal sama petugasnya. Kan nggak adil gitu."],
                   normaliser)
    coded = set(codings["theme"])
    # the dimension is the unfairness, not the wait; favouritism may be filed under the
    # office's culture as well (as several training quotes' writers did), nothing else
    assert "kinerja.kualitas_pelayanan" in coded and "kinerja.responsivitas" not in coded
    assert coded <= {"kinerja.kualitas_pelayanan", "budaya_organisasi"}


def test_a_word_of_a_theme_in_talk_about_something_else_stays_uncoded(
        normaliser: Normaliser) -> None:
    texts = ["Gas melon sekarang susah, Mbak, kemarin saya antre di pangkalan dari subuh, "
             "dapetnya cuma satu tabung.",
             "Ngurus KK di kecamatan itu, Mbak, saya antre dari jam delapan, baru dipanggil "
             "jam dua siang."]
    alone = code(texts, normaliser, model=False)
    assert set(alone["passage_id"]) == {"t:0", "t:1"}  # the dictionary sees "antre" in both
    codings = code(texts, normaliser)
    # queueing for cooking gas is not the office's responsiveness; waiting for a KK is
    assert codings["passage_id"].tolist() == ["t:1"]
    assert codings["theme"].tolist() == ["kinerja.responsivitas"]
    assert codings["method"].tolist() == ["dictionary+model"]


def test_a_coding_the_model_overrules_does_not_hold_back_the_theme_it_finds() -> None:
    # "printer" once, in an answer about how the head decides: not a facilities passage
    decided = pd.DataFrame({"passage_id": ["p1"], "theme": ["sarana_prasarana"],
                            "score": [1.5]})
    scores = decided.assign(question=0.0, blocked=False)
    themes = pd.DataFrame({"kepemimpinan": [0.55], "sarana_prasarana": [0.05]}, index=["p1"])
    dimensions = pd.DataFrame(index=["p1"])
    out = decide(decided, scores, themes, dimensions, lambda t: t.split(".")[0], 1.5)
    assert out[["theme", "method"]].values.tolist() == [["kepemimpinan", "model"]]
