"""Segment: passages keep every informant word, point at the source, carry the question."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.stages.normalise import Normaliser
from pipeline.stages.segment import (
    EMPTY_PARTICLES,
    WORD_RE,
    closing_exchange,
    segment,
    split_windows,
)
from pipeline.stages.speakers import parse_turns
from pipeline.types import Transcript, Turn

FILLERS = frozenset({"eh", "ehm", "ya", "iya", "hmm"})


def build(text: str) -> tuple[Transcript, list[Turn]]:
    parsed = parse_turns(text)
    transcript = Transcript("t", "t.txt", "txt", "utf-8", "0" * 64, text, parsed.metadata)
    turns = [Turn("t", i, r.speaker, r.role, r.start, r.end, text[r.start : r.end])
             for i, r in enumerate(parsed.turns)]
    return transcript, turns


def test_answers_become_passages_with_their_question() -> None:
    transcript, turns = build(
        "P: Gimana pimpinannya, Bu?\nI: Beliau kasih contoh, datang paling pagi.\n"
        "P: Terus?\nP: Maksud saya soal pengawasan.\nI: Ya dicek tiap Jumat.\n"
        "P: Makasih.\nI: Ehm... iya.\n"
    )
    passages = segment([transcript], turns, filler_words=FILLERS)
    assert [(p.passage_id, p.text, p.question) for p in passages] == [
        ("t:001", "Beliau kasih contoh, datang paling pagi.", "Gimana pimpinannya, Bu?"),
        ("t:002", "Ya dicek tiap Jumat.", "Terus? Maksud saya soal pengawasan."),
    ]
    for p in passages:
        assert transcript.text[p.start : p.end] == p.text


def test_long_answer_is_split_at_sentence_boundaries() -> None:
    sentences = " ".join(
        f"Kalimat nomor {i} ini tentang disiplin pegawai dan apel pagi yang rutin."
        for i in range(60)
    )
    transcript, turns = build(f"P: Ceritakan, Pak.\nI: {sentences}\n")
    passages = segment([transcript], turns, window_words=120)
    assert len(passages) > 3
    assert all(p.text.endswith(".") for p in passages)
    assert all(120 <= p.n_words <= 200 for p in passages[:-1])
    assert 40 <= passages[-1].n_words <= 200
    assert len({p.passage_id for p in passages}) == len(passages)
    assert all(p.question == "Ceritakan, Pak." for p in passages)


def test_unpunctuated_speech_is_split_between_words() -> None:
    words = " ".join(["pelayanan"] * 5000)
    transcript, turns = build(f"P: Gimana?\nI: {words}\n")
    passages = segment([transcript], turns, window_words=100)
    assert 40 <= len(passages) <= 55
    assert sum(p.n_words for p in passages) == 5000


def test_transcript_without_informant_gives_no_passages() -> None:
    transcript, turns = build("P: Halo?\nP: Ada orang?\n")
    assert segment([transcript], turns) == []


_word = st.text(alphabet="abcdeghiklmnoprstuyAEIOU", min_size=1, max_size=9)
_sentence = st.lists(_word, min_size=1, max_size=25).map(lambda ws: " ".join(ws) + ".")
_answer = st.lists(_sentence, min_size=1, max_size=30).map(" ".join)
_filler = st.sampled_from(["", "eh, ", "ehm... ", "ya "])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_filler, _answer), min_size=1, max_size=6), st.integers(10, 80))
def test_segmentation_loses_no_informant_word_and_offsets_round_trip(
    answers: list[tuple[str, str]], window: int
) -> None:
    text = "".join(f"P: Pertanyaan {i}?\nI: {f}{a}\n" for i, (f, a) in enumerate(answers))
    transcript, turns = build(text)
    passages = segment([transcript], turns, window_words=window, filler_words=FILLERS)
    for p in passages:
        assert transcript.text[p.start : p.end] == p.text
    informant_words = [w for t in turns if t.role == "informant" for w in WORD_RE.findall(t.text)]
    passage_words = [w for p in passages for w in WORD_RE.findall(p.text)]
    # a stretch of nothing but fillers and particles ("Ok.", "Ya gitu.") is no passage
    empty = FILLERS | EMPTY_PARTICLES
    content = [w for w in informant_words if w.lower() not in empty]
    kept = [w for w in passage_words if w.lower() not in empty]
    assert kept == content


@given(st.text(min_size=0, max_size=400), st.integers(10, 50))
def test_windows_cover_the_span_without_overlap(text: str, window: int) -> None:
    spans = split_windows(text, 0, len(text), window)
    for (s1, e1), (s2, _) in itertools.pairwise(spans):
        assert s1 < e1 <= s2
        assert not text[e1:s2].strip()
    if spans:
        assert not text[: spans[0][0]].strip() and not text[spans[-1][1] :].strip()


@pytest.mark.parametrize(("question", "answer", "closing"), [
    ("Baik, Pak. Terima kasih banyak atas waktunya.", "Sama-sama. Salam buat dosennya.", True),
    ("Oke, makasih ya, Mas.", "eh iya sama2 mas, sukses skripsinya", True),
    ("Terima kasih, Bu.", "Kembali kasih, Dik.", True),
    # thanks, then the next question: an answer to the guide
    ("Oke, makasih. Terus soal apel pagi gimana?", "Sama-sama. Apelnya tiap hari, Mas.", False),
    # thanks as a transition, and an answer that is not a "you're welcome"
    ("Baik, terima kasih. Selanjutnya soal sarana.", "Ya, sarananya kurang, Mas.", False),
    ("Terima kasih.", "Kembali lagi ke soal tadi, Mas, printernya itu rusak.", False),
    ("Masih, Pak, hehe.", "Sama-sama, nanti saya mampir.", False),
    # chat spellings and a transcript without punctuation, as the lexicon reads them
    ("Mksh ya Bu", "sama sama dek", True),
])
def test_the_close_of_an_interview_is_told_from_an_answer(question: str, answer: str,
                                                          closing: bool,
                                                          normaliser: Normaliser) -> None:
    def read(text: str) -> list[tuple[str, str]]:
        return [(form.norm, form.kind) for *_, form in normaliser.tokenize(text)]

    assert closing_exchange(read(question), read(answer)) is closing
