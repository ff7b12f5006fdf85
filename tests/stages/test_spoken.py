"""Spoken and chat Indonesian to the standard form of the same word (pipeline/stages/spoken.py):
the errors measured in issue 18, each a test."""

from __future__ import annotations

import pytest

from pipeline.resources import Lexicon
from pipeline.stages.normalise import Normaliser
from pipeline.stages.spoken import me_form, ter_form


def norm_stem(normaliser: Normaliser, word: str) -> tuple[str, str]:
    form = normaliser.form(word)
    return form.norm, form.stem


@pytest.mark.parametrize(("word", "root"), [
    # standard words beginning with m- or n- and carrying a clitic: no nasal is "undone"
    ("makannya", "makan"), ("mutunya", "mutu"), ("malunya", "malu"), ("nantinya", "nanti"),
    ("mintanya", "minta"), ("masuknya", "masuk"), ("macetnya", "macet"),
    ("nasibnya", "nasib"), ("nilainya", "nilai"), ("mulainya", "mulai"),
    ("nyamannya", "nyaman"), ("menangnya", "menang"),
])
def test_a_standard_word_is_left_as_it_is(normaliser: Normaliser, word: str,
                                          root: str) -> None:
    assert norm_stem(normaliser, word) == (word, root)


@pytest.mark.parametrize(("spoken", "norm", "stem"), [
    ("malem", "malam", "malam"), ("masukin", "masukkan", "masuk"),
    ("matiin", "matikan", "mati"),
    # the spoken-prefix step picks the root the dictionary and frequency support
    ("nyadar", "sadar", "sadar"), ("nyaranin", "menyarankan", "saran"),
    ("manjain", "manjakan", "manja"), ("ngilangin", "menghilangkan", "hilang"),
    ("ngeselin", "mengesalkan", "kesal"), ("ngayal", "mengkhayal", "khayal"),
    ("nyari", "mencari", "cari"), ("ngurusin", "mengurus", "urus"),
    ("nungguin", "menunggu", "tunggu"), ("ngecek", "mengecek", "cek"),
    ("nyampein", "menyampaikan", "sampai"), ("hubungin", "hubungi", "hubung"),
])
def test_spoken_verbs_get_their_standard_form_and_the_right_root(
    normaliser: Normaliser, spoken: str, norm: str, stem: str,
) -> None:
    assert norm_stem(normaliser, spoken) == (norm, stem)


@pytest.mark.parametrize(("spoken", "norm"), [
    ("uda", "sudah"), ("tu", "itu"), ("ni", "ini"), ("slalu", "selalu"), ("jgn", "jangan"),
    ("sm", "sama"), ("dr", "dari"), ("dlu", "dulu"), ("smoga", "semoga"), ("kmu", "kamu"),
    ("aq", "aku"), ("yg", "yang"), ("krn", "karena"), ("tdk", "tidak"), ("bs", "bisa"),
    ("sdh", "sudah"), ("blm", "belum"),
])
def test_everyday_and_chat_forms(normaliser: Normaliser, spoken: str, norm: str) -> None:
    assert normaliser.form(spoken).norm == norm


@pytest.mark.parametrize(("spoken", "norm", "stem"), [
    ("kata2", "kata-kata", "kata"), ("kata2nya", "kata-katanya", "kata"),
    ("dikata2in", "dikata-katakan", "kata"), ("sebaik2nya", "sebaik-baiknya", "baik"),
    ("berkali2", "berkali-kali", "kali"), ("temen2", "teman-teman", "teman"),
    ("temen-temennya", "teman-temannya", "teman"), ("gara²", "gara-gara", "gara"),
    ("ngeliat-liat", "melihat-lihat", "lihat"),
])
def test_reduplication_with_2_and_with_a_hyphen(normaliser: Normaliser, spoken: str,
                                                 norm: str, stem: str) -> None:
    assert norm_stem(normaliser, spoken) == (norm, stem)


@pytest.mark.parametrize(("spoken", "norm"), [
    ("temennya", "temannya"), ("temenku", "temanku"), ("temenmu", "temanmu"),
    ("udahlah", "sudahlah"), ("benerkah", "benarkah"), ("gimanapun", "bagaimanapun"),
    ("kerjaannyalah", "pekerjaannyalah"), ("dipakenya", "dipakainya"),
])
def test_clitics_on_spoken_bases_stay_attached(normaliser: Normaliser, spoken: str,
                                               norm: str) -> None:
    assert normaliser.form(spoken).norm == norm


@pytest.mark.parametrize("word", [
    "dibantu", "dikirim", "diminta", "diberi", "ditanya", "dicek",  # passives keep di-
    "bilang", "jelek", "cuma", "telat", "hp", "online", "kayak", "banget",  # no synonyms
    "kelihatan", "ketahuan", "kebanjiran", "kedua", "keluar", "kekasih",  # ke- that is not ter-
    "login", "mall", "again", "e-ktp", "s2",  # loans and codes
])
def test_never_a_synonym_and_nothing_standard_damaged(normaliser: Normaliser,
                                                      word: str) -> None:
    assert normaliser.form(word).norm == word


@pytest.mark.parametrize(("spoken", "norm"), [
    ("kepotong", "terpotong"), ("kerasa", "terasa"), ("kebuka", "terbuka"),
    ("dibales", "dibalas"), ("dianterin", "diantarkan"), ("dibantuin", "dibantu"),
])
def test_spoken_ke_and_di_forms(normaliser: Normaliser, spoken: str, norm: str) -> None:
    assert normaliser.form(spoken).norm == norm


def test_stretched_letters(normaliser: Normaliser) -> None:
    assert normaliser.form("bisaaa").norm == "bisa"
    assert normaliser.form("ajaa").norm == "saja"
    assert normaliser.form("maaf").norm == "maaf"


@pytest.mark.parametrize(("root", "active"), [
    ("tunggu", "menunggu"), ("kirim", "mengirim"), ("urus", "mengurus"), ("sapu", "menyapu"),
    ("cari", "mencari"), ("pikir", "memikir"), ("bantu", "membantu"), ("lihat", "melihat"),
    ("cek", "mengecek"), ("proses", "memproses"), ("hilang", "menghilang"),
    ("foto", "memfoto"), ("kritik", "mengkritik"),
])
def test_me_form(root: str, active: str) -> None:
    assert me_form(root) == active


def test_ter_form() -> None:
    assert (ter_form("potong"), ter_form("rasa")) == ("terpotong", "terasa")


def test_every_lexicon_target_is_read_as_itself(lexicon: Lexicon,
                                                normaliser: Normaliser) -> None:
    """Normalising is idempotent on the lexicon: no standard form is changed again."""
    changed = {}
    for target in set(lexicon.colloquial.values()):
        for word in target.split():
            again = normaliser.spoken.norm(word)
            if again != word:
                changed[word] = again
    assert not changed
