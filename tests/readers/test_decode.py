"""Bytes to transcript text: the encodings researchers' files come in, binary and empty
files refused, invisible characters removed, and positions carried over exactly."""

from __future__ import annotations

import pytest

from pipeline.errors import InputFileError
from pipeline.limits import InputLimits
from pipeline.readers.decode import check_length, decode, normalise_map, normalise_text

ANSWER = ("P: Gimana, Bu, soal pelayanan di kantor kecamatan?\n"
          "I: Eh, ya udah lumayan lah. Pak Camat Mirković itu sering turun ke loket, "
          "nanyain warga \u201cudah dilayani belum?\u201d gitu. Café depan kantor juga rame.\n")


def test_a_cp1252_transcript_keeps_its_accents_and_smart_quotes() -> None:
    # Word on Windows saves "Save as: Plain text" in cp1252: é, smart quotes and dashes
    # are single bytes there; ć is not in cp1252, so such a file carries "c" instead.
    said = ANSWER.replace("Mirković", "Mirkovic") + "I: Kalau \u2013 ehm \u2013 antrenya?\n"
    text, encoding, notes = decode(said.encode("cp1252"), "wawancara.txt")
    assert encoding == "cp1252" and notes == ()
    assert text == said
    assert "Café" in text and "\u201cudah dilayani belum?\u201d" in text


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16-le", "utf-16-be"])
def test_utf8_and_utf16_without_a_bom_are_recognised(encoding: str) -> None:
    text, found, notes = decode(ANSWER.encode(encoding), "a.txt")
    assert text == ANSWER and found == encoding and notes == ()
    assert "Mirković" in text


@pytest.mark.parametrize(("bom", "encoding", "expected"), [
    (b"\xef\xbb\xbf", "utf-8", "utf-8-sig"), (b"\xff\xfe", "utf-16-le", "utf-16"),
    (b"\xfe\xff", "utf-16-be", "utf-16")])
def test_a_byte_order_mark_is_read_and_not_kept(bom: bytes, encoding: str,
                                                expected: str) -> None:
    text, found, _ = decode(bom + ANSWER.encode(encoding), "a.txt")
    assert found == expected and text == ANSWER and "\ufeff" not in text


def test_utf8_lines_mixed_with_cp1252_lines_are_each_read_right() -> None:
    # A transcript pasted together from an e-mail (UTF-8) and an old Word file (cp1252).
    data = ("P: Gimana kabarnya, Pak Mirković?\n".encode()
            + "I: Baik. Café-nya udah buka, ya kan.\n".encode("cp1252")
            + b"P: Syukurlah, Pak.\n")
    text, encoding, notes = decode(data, "campur.txt")
    assert encoding == "utf-8+cp1252"
    assert "Mirković" in text and "Café-nya" in text
    assert len(notes) == 1 and "1 line(s) are not UTF-8" in notes[0] and "line 2" in notes[0]


def test_nul_bytes_are_removed_and_said() -> None:
    text, _, notes = decode(b"P: Udah lama di sini?\nI: Udah\x00 lima tahun, Mas.\n", "a.txt")
    assert text == "P: Udah lama di sini?\nI: Udah lima tahun, Mas.\n"
    assert notes == ("1 control character(s) such as NUL bytes were removed",)


def test_a_cut_off_utf16_file_is_read_with_a_note() -> None:
    data = b"\xff\xfe" + "I: Ya gitu, Mas.".encode("utf-16-le") + b"\x00\xd8"
    text, _, notes = decode(data, "a.txt")
    assert text.startswith("I: Ya gitu, Mas.") and text.endswith("\ufffd")
    assert "invalid UTF-16" in notes[0]


@pytest.mark.parametrize(("data", "message"), [
    (b"", "the file is empty"), (b" \r\n\t\n", "the file is empty"),
    (bytes(range(256)) * 8, "not a text file"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00\x01\x02\x03" * 200, "not a text file"),
])
def test_empty_and_binary_files_are_refused_with_the_file_named(data: bytes,
                                                                message: str) -> None:
    with pytest.raises(InputFileError, match=message) as info:
        decode(data, "rekaman.txt")
    assert "rekaman.txt" in str(info.value)


def test_a_text_over_the_limit_is_refused_with_the_limit_named() -> None:
    limits = InputLimits(max_text_chars=50)
    with pytest.raises(InputFileError, match=r"more than the limit of 50"):
        decode(ANSWER.encode(), "panjang.txt", limits)
    check_length("x" * 50, "pas.txt", limits)  # at the limit: fine


def test_normalise_text_removes_invisibles_and_makes_plain_spaces_and_lines() -> None:
    raw = ("\ufeffP: Gimana\u00a0kabarnya?\r\nI: Baik\u200b, Mas.\rKantor\u00adnya "
           "bagus\u202f kok.\fSelesai.\u2028")
    assert normalise_text(raw) == ("P: Gimana kabarnya?\nI: Baik, Mas.\nKantornya bagus  kok."
                                   "\nSelesai.\n")


def test_normalise_text_composes_accents() -> None:
    assert normalise_text("Cafe\u0301 Mirkovic\u0301") == "Café Mirković"
    assert normalise_text(normalise_text("e\u0301\u200b")) == "é"


def test_normalise_map_carries_spans_of_the_original_to_the_clean_text() -> None:
    # As NVivo counts: \r\n line ends, a zero-width space, a decomposed é.
    raw = ("P: Gimana budaya kerjanya?\r\nI: Ehm, cafe\u0301 depan tutup, jadi kita\u200b "
           "udah di kantor. Apel\u00a0pagi itu wajib lho.\r\n")
    text, where = normalise_map(raw)
    assert text == normalise_text(raw)
    assert len(where) == len(raw) + 1 and where[-1] == len(text)
    for phrase in ("budaya kerjanya", "kita\u200b udah", "Apel\u00a0pagi itu wajib",
                   "cafe\u0301 depan"):
        s = raw.index(phrase)
        e = s + len(phrase)
        assert text[where[s]:where[e]] == normalise_text(phrase)
