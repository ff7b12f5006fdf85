"""Speaker labels as Indonesian transcripts write them: which words name a role, how a label
is cleaned and shown, and which line starts are labels at all."""

from __future__ import annotations

import pytest

from pipeline.stages.labels import (
    DIARIZATION_RE,
    INLINE_LABEL_RE,
    LINE_LABEL_RE,
    STAMP_LABEL_RE,
    bare_label,
    candidate_ok,
    clean_label,
    is_item_label,
    is_named,
    known_role,
    label_core,
    label_key,
    shown_label,
)
from pipeline.types import INFORMANT, INTERVIEWER


@pytest.mark.parametrize(("label", "role"), [
    ("P", INTERVIEWER), ("Peneliti", INTERVIEWER), ("PEWAWANCARA", INTERVIEWER),
    ("T", INTERVIEWER), ("Pertanyaan 3", INTERVIEWER), ("Pertanyaan dari Panelis", INTERVIEWER),
    ("I", INFORMANT), ("N", INFORMANT), ("Narasumber 2", INFORMANT), ("J", INFORMANT),
    ("Informan 1 (Kasubbag Umum)", INFORMANT), ("**Informan Kunci**", INFORMANT),
    ("Jawabannya adalah", INFORMANT), ("Responden", INFORMANT),
    ("Pak Eko", None), ("Bu Sari", None), ("KS", None), ("Kepala Desa", None), ("", None),
])
def test_known_role_reads_the_role_words_and_leaves_names_to_others(label: str,
                                                                    role: str | None) -> None:
    assert known_role(label) == role


def test_labels_are_compared_without_numbers_markup_or_case() -> None:
    assert label_core("**Informan 1 (Kasubbag Umum)**") == "informan"
    assert label_core("Bapak Drs. Suparman") == "bapak drs suparman"
    assert label_key("**[SPEAKER_00]**") == "speaker_00"  # numbers count here
    assert label_key("S1") != label_key("S2")


@pytest.mark.parametrize(("written", "clean"), [
    ("**Pewawancara**", "Pewawancara"), ("[SPEAKER_01]", "SPEAKER_01"),
    ("Pak   Eko :", "Pak Eko"), ("[Pak Eko]:", "Pak Eko"), ("**[Bu Sari]** ：", "Bu Sari"),
])
def test_clean_label_removes_bold_brackets_and_the_colon(written: str, clean: str) -> None:
    assert clean_label(written) == clean


@pytest.mark.parametrize(("label", "shown"), [
    ("DEWI", "Dewi"), ("PAK JOKO", "Pak Joko"), ("Bu Sari", "Bu Sari"), ("KS", "KS"),
    ("TU", "TU"), ("SPEAKER_00", "SPEAKER_00"), ("INFORMAN 2", "Informan 2"),
])
def test_labels_in_capitals_are_shown_as_names(label: str, shown: str) -> None:
    assert shown_label(label) == shown


def test_a_line_that_is_only_a_role_label_is_a_bare_label() -> None:
    assert bare_label("**Informan**") == "Informan"
    assert bare_label("Pertanyaan 3:") == "Pertanyaan 3"
    for line in ("Pak Eko", "Jadi begini.", "jawaban", "Informan, ya gitu", ""):
        assert bare_label(line) is None, line


def test_names_items_and_sentence_starts() -> None:
    assert is_named("Pak Eko") and is_named("Bu Sri Wahyuni")
    assert not is_named("Pak") and not is_named("Eko")
    assert is_item_label("Jawaban 03") and is_item_label("Pertanyaan 1")
    assert not is_item_label("Informan 2")  # two informants, not two answers
    assert candidate_ok("Bu Sari") and candidate_ok("KS")
    for start in ("Contohnya", "Jadi", "Nah", "Intinya", "Tanggal"):
        assert not candidate_ok(start), start


@pytest.mark.parametrize(("line", "label", "said"), [
    ("P: Gimana, Pak?", "P", "Gimana, Pak?"),
    ("[00:12:03] I: Ehm, udah lima tahun, Mbak.", "I", "Ehm, udah lima tahun, Mbak."),
    ("I [00:12:09]: Iya, gitu.", "I", "Iya, gitu."),
    ("1. P: Kalau blangkonya?", "P", "Kalau blangkonya?"),
    ("- **Peneliti:** Terus gimana?", "**Peneliti:**", "Terus gimana?"),
    ("Bapak Drs. Suparman, M.Si. : Kita nunggu dua bulan.", "Bapak Drs. Suparman, M.Si.",
     "Kita nunggu dua bulan."),
    ("Informan 1 (Kasubbag TU): Udah, udah.", "Informan 1 (Kasubbag TU)", "Udah, udah."),
])
def test_a_label_at_the_start_of_a_line(line: str, label: str, said: str) -> None:
    m = LINE_LABEL_RE.match(line)
    assert m is not None
    assert clean_label(m.group("label")) == clean_label(label)
    assert line[m.end():] == said


def test_a_lowercase_sentence_with_a_colon_is_not_a_label() -> None:
    assert LINE_LABEL_RE.match("ya gitu: kita kerjakan manual") is None


def test_labels_inside_a_line_and_alone_with_a_time() -> None:
    pasted = "Apakah ada SOP-nya, Pak? Pak Eko : Ada beberapa, ee, tapi ya belum semua."
    m = INLINE_LABEL_RE.search(pasted)
    assert m is not None and m.group("label") == "Pak Eko"
    for line, label in (("Putri Anggraini  0:05", "Putri Anggraini"),
                        ("**Pembicara 1** (00:00:12)", "Pembicara 1"),
                        ("Speaker 2 - 01:05", "Speaker 2")):
        stamp = STAMP_LABEL_RE.match(line)
        assert stamp is not None and stamp.group("label") == label, line
    assert STAMP_LABEL_RE.match("Rapatnya jam 10:00 tadi") is None
    assert DIARIZATION_RE.match("SPEAKER_01") and DIARIZATION_RE.match("Pembicara 2")
    assert not DIARIZATION_RE.match("Pak Eko")
