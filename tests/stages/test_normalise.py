"""Normalise: spoken Indonesian to standard forms and stems, in the speaker's own words."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.resources import Lexicon
from pipeline.stages.normalise import Normaliser, make_tokenizer, normalise
from pipeline.types import Passage
from tests.conftest import SHARED_DATA


def forms(normaliser: Normaliser, text: str) -> list[tuple[str, str, str, str]]:
    return [(s, f.norm, f.stem, f.kind) for _, _, s, f in normaliser.tokenize(text)]


def passage(text: str, start: int = 0) -> Passage:
    return Passage("t:001", "t", "Informan", "informant", start, start + len(text), text, "",
                   0, 0, 0, len(text.split()))


def test_tokenizer_keeps_indonesian_words_and_abbreviations_whole(lexicon: Lexicon) -> None:
    tokenizer = make_tokenizer(lexicon.abbreviations)
    text = ("Kata-katanya udah jelas, e-KTP-nya di Kab. Deli, SKPD-nya juga. Yth. Bpk. Eko, "
            "S.Sos., M.Si. dll.")
    tokens = [t.text for t in tokenizer(text)]
    for whole in ("Kata-katanya", "e-KTP", "Kab.", "Yth.", "Bpk.", "S.Sos.", "M.Si.", "dll."):
        assert whole in tokens
    assert "SKPD" in tokens or "SKPD-nya" in tokens


@pytest.mark.parametrize(
    ("spoken", "standard"),
    [("gak", "tidak"), ("nggak", "tidak"), ("enggak", "tidak"), ("udah", "sudah"),
     ("gimana", "bagaimana"), ("kyk", "kayak"), ("gitu", "begitu"), ("aja", "saja"),
     ("kalo", "kalau"), ("Gak", "tidak"), ("makasih", "terima kasih"), ("dipake", "dipakai"),
     ("ngurusin", "mengurus"), ("nanya", "bertanya")],
)
def test_colloquial_forms_become_standard(normaliser: Normaliser, spoken: str,
                                          standard: str) -> None:
    assert normaliser.form(spoken).norm == standard


@pytest.mark.parametrize(
    ("spoken", "stem"),
    [("ngurusin", "urus"), ("pelayanannya", "layan"), ("dilayani", "layan"),
     ("kepemimpinan", "pimpin"), ("pimpinannya", "pimpin"), ("pegawai-pegawai", "pegawai"),
     ("kata-katanya", "kata"), ("nyari", "cari"), ("SKPD-nya", "skpd"),
     ("tupoksinya", "tupoksi"), ("printernya", "printer"), ("tanya", "tanya"),
     ("sekolah", "sekolah"), ("masalahnya", "masalah")],
)
def test_affixes_clitics_and_reduplication_reduce_to_the_stem(
    normaliser: Normaliser, spoken: str, stem: str
) -> None:
    assert normaliser.form(spoken).stem == stem


def test_fillers_and_stop_words_are_marked_not_dropped(normaliser: Normaliser) -> None:
    got = forms(normaliser, "Eh, ehm, ya kan pimpinan itu sih disiplin, gitu lho.")
    kinds = {s: k for s, _, _, k in got}
    for filler in ("Eh", "ehm", "ya", "kan", "sih", "lho"):
        assert kinds[filler] == "filler"
    assert kinds["itu"] == "stop" and kinds["gitu"] == "stop"
    assert kinds["pimpinan"] == "word" and kinds["disiplin"] == "word"


def test_content_words_of_the_field_are_not_stop_words(normaliser: Normaliser) -> None:
    for word in ("kerja", "masalah", "pimpinan", "pegawai", "pelayanan"):
        assert normaliser.form(word).kind == "word", word


def test_phrases_stay_joined_even_when_inflected(normaliser: Normaliser) -> None:
    text = "Kualitas pelayanannya bagus, etos kerja tinggi, tupoksi jelas, SOP-nya ada."
    tokens = normalise([passage(text)], normaliser)
    terms = [t for t in tokens["term"] if t]
    assert "kualitas_pelayanan" in terms and "etos_kerja" in terms
    assert terms.count("tugas_pokok_fungsi") == 1
    assert "standar_operasional_prosedur" in terms
    assert "layan" not in terms  # absorbed by the phrase


def test_token_offsets_point_into_the_source_text(normaliser: Normaliser) -> None:
    source = "P: Gimana?\nI: Ya, eh, pelayanannya udah cepet, gak kayak dulu.\n"
    start = source.index("Ya")
    text = source[start:].rstrip()
    tokens = normalise([passage(text, start)], normaliser)
    for row in tokens.itertuples():
        assert source[row.start : row.end] == row.surface
    assert list(tokens.columns) == ["passage_id", "i", "start", "end", "surface", "norm",
                                    "stem", "kind", "term"]


_spoken = st.lists(
    st.sampled_from(["gak", "udah", "gimana", "pelayanannya", "eh", "ya", "pimpinan", "kayak",
                     "ngurusin", "Pegawai-pegawai", "kan", "SOP-nya", "disiplin", ",", ".",
                     "tupoksi", "kualitas", "pelayanan", "gitu", "lho", "e-KTP", "123"]),
    max_size=40,
).map(" ".join)


@settings(max_examples=80, deadline=None)
@given(st.one_of(_spoken, st.text(max_size=80)))
def test_normalising_twice_equals_normalising_once(normaliser: Normaliser, text: str) -> None:
    once = normaliser.normalise(text)
    assert normaliser.normalise(once) == once


FROG = SHARED_DATA / "frog-storytelling" / "spoken"


@pytest.mark.skipif(not FROG.is_dir(), reason="../shared/data/frog-storytelling is absent")
def test_real_spoken_indonesian_fillers_and_colloquial_forms(normaliser: Normaliser) -> None:
    texts = [p.read_text(encoding="utf-8") for p in sorted(FROG.glob("*.txt"))]
    passages = [passage(t) for t in texts]
    tokens = normalise(passages, normaliser)
    words = tokens[tokens["kind"] != "punct"]
    lower = words["surface"].str.lower()
    # The storytellers' fillers (ee, gitu...) are recognised, spoken forms are mapped.
    assert (words[lower == "ee"]["kind"] == "filler").all() and (lower == "ee").sum() > 5
    pake = words[lower == "pake"]
    assert len(pake) and (pake["norm"] == "pakai").all()
    assert set(words[lower == "trus"]["norm"]) <= {"terus"}
    # Nothing that is a filler is left for the topic models to count.
    modelled = set(tokens.loc[tokens["term"] != "", "term"])
    assert not modelled & {"ee", "eh", "ehm", "ya", "kan", "sih"}


def test_transcribers_notes_in_brackets_are_not_speech(normaliser: Normaliser) -> None:
    said = "Ya (tertawa) pimpinan itu [tidak jelas] tegas, Mbak (sambil menunjuk ruangan)."
    kinds = {s: f.kind for _, _, s, f in normaliser.tokenize(said)}
    assert kinds["tertawa"] == kinds["jelas"] == kinds["menunjuk"] == "note"
    assert kinds["pimpinan"] == kinds["tegas"] == "word"
    long = "Itu (kalau saya tidak salah ingat tahun dua ribu sepuluh) sudah ada."
    assert {f.kind for _, _, s, f in normaliser.tokenize(long) if s == "salah"} == {"word"}


@pytest.mark.parametrize(("spoken", "norm", "kind"), [
    ("nunggunya", "menunggunya", "word"),   # spoken form with a clitic: the clitic stays
    ("nungguinnya", "menunggunya", "word"),  # spoken suffix -in and a clitic
    ("ngurusinnya", "mengurusnya", "word"),
    ("cepet-cepet", "cepat-cepat", "word"),  # spoken reduplication
    ("merangkap", "merangkap", "word"),     # a standard me- word is not "perangkap"
    ("p3k", "p3k", "word"),                 # letters and digits: PPPK staff
    ("SP4N-LAPOR", "sp4n-lapor", "word"),
    ("atasannya", "atasannya", "word"),     # not a stop word because of its stem "atas"
    ("SKPD-nya", "skpd-nya", "word"),       # the clitic stays in the norm, not in the stem
])
def test_spoken_forms_with_clitics_and_mixed_words(normaliser: Normaliser, spoken: str,
                                                   norm: str, kind: str) -> None:
    form = normaliser.form(spoken)
    assert (form.norm, form.kind) == (norm, kind)


def rows(normaliser: Normaliser, text: str) -> list[tuple[str, str, str, str]]:
    tokens = normalise([passage(text)], normaliser)
    return list(zip(tokens["surface"], tokens["norm"], tokens["stem"], tokens["kind"],
                    strict=True))


def test_a_word_written_together_becomes_two_tokens_at_their_own_offsets(
    normaliser: Normaliser,
) -> None:
    text = "Eh, gabisa, Pak, berkasnya udah dikirim kemana aja, apapun gatau saya."
    tokens = normalise([passage(text, 7)], normaliser)
    for row in tokens.itertuples():
        assert text[row.start - 7 : row.end - 7] == row.surface
    said = [(s, n) for s, n, _, _ in rows(normaliser, text)]
    for pair in [("ga", "tidak"), ("bisa", "bisa"), ("ke", "ke"), ("mana", "mana"),
                 ("apa", "apa"), ("pun", "pun"), ("ga", "tidak"), ("tau", "tahu")]:
        assert pair in said
    assert ("dikirim", "dikirim") in said  # a passive keeps its prefix in the norm


def test_fillers_have_no_standard_form_but_an_answer_keeps_one(
    normaliser: Normaliser,
) -> None:
    got = rows(normaliser, "Ya, betul, Pak. Jadi ehm datanya itu ya kurang, gitu ya. Iya.")
    fillers = [(s, n) for s, n, _, k in got if k == "filler"]
    assert fillers == [("Ya", "ya"), ("ehm", ""), ("ya", ""), ("ya", ""), ("Iya", "iya")]
    assert normaliser.normalise("Jadi ehm datanya ya kurang") == "jadi datanya kurang"


def test_a_letter_is_not_punctuation(normaliser: Normaliser) -> None:
    got = {s: k for s, _, _, k in rows(normaliser, "Sinyal 4G di desa a kadang hilang.")}
    assert got["a"] == "stop" and got["."] == "punct"


@pytest.mark.parametrize(("word", "stem"), [
    ("dipotong", "potong"), ("sepotong", "sepotong"),
    ("baik", "baik"), ("diperbaiki", "perbaiki"), ("perbaikan", "perbaiki"),
    ("perbaikannya", "perbaiki"),
    ("sama", "sama"), ("bersama", "bersama"), ("kebersamaan", "bersama"),
    ("lengkap", "lengkap"), ("perlengkapan", "perlengkapan"),
    ("alam", "alam"), ("pengalaman", "pengalaman"), ("pengalamannya", "pengalaman"),
    ("harga", "harga"), ("penghargaan", "hargai"),
    ("umum", "umum"), ("pengumuman", "umumkan"), ("ngumumin", "umumkan"),
])
def test_stems_keep_unrelated_senses_apart(normaliser: Normaliser, word: str,
                                           stem: str) -> None:
    assert normaliser.form(word).stem == stem


def test_sense_aware_stems_keep_codebook_matches_apart(normaliser: Normaliser) -> None:
    """A cue on the root (harga 'price') does not match the award, and the other way round."""
    stems = {s: st for s, _, st, _ in rows(
        normaliser, "Harganya naik, tapi kami dapat penghargaan dan pengalaman baru.")}
    assert stems["Harganya"] == "harga" and stems["penghargaan"] == "hargai"
    assert stems["pengalaman"] != normaliser.form("alam").stem


def test_runs_in_one_process_share_a_lexicons_normaliser(lexicon: Lexicon) -> None:
    import dataclasses

    shared = Normaliser.shared(lexicon)
    assert Normaliser.shared(lexicon) is shared
    other = dataclasses.replace(lexicon, colloquial={**lexicon.colloquial, "kuy": "ayo"})
    assert Normaliser.shared(other) is not shared  # another lexicon, another normaliser
    assert Normaliser.shared(other).form("kuy").norm == "ayo"
    assert shared.form("kuy").norm != "ayo"
    # a cue's stems, remembered, are what tokenizing it gives
    fresh = Normaliser(lexicon)
    for cue in ("ngasih contoh", "pelayanannya", "turun ke lapangan", "eh"):
        assert shared.stems(cue) == shared.stems(cue) == tuple(
            f.stem for _, _, _, f in fresh.tokenize(cue) if f.kind in ("word", "stop") and f.stem)
    assert shared.stems("ngasih contoh") == ("kasih", "contoh")
