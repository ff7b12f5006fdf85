"""The header block of a transcript: who the informant is, their position, date and place,
and the legend that says what abbreviated labels mean."""

from __future__ import annotations

import pytest

from pipeline.stages.header import (
    LegendEntry,
    front_matter,
    header_block,
    is_metadata,
    legend_entries,
    legend_entry,
    looks_like_name,
    metadata_fields,
    metadata_line,
    person_name,
    text_lines,
)
from pipeline.types import INFORMANT, INTERVIEWER


def header(text: str) -> tuple[dict[str, str], int]:
    return header_block(text, text_lines(text, 0))


def test_an_informant_line_gives_the_person_and_keeps_the_position() -> None:
    [(field, value, key)] = metadata_fields("Informan: Bapak Sutrisno (Kepala Seksi)")
    assert (field, key) == ("informant", "informan")
    assert person_name(value) == "Bapak Sutrisno"
    assert "Kepala Seksi" in value  # the position stays with the header's record


def test_one_line_can_hold_several_fields_in_markdown() -> None:
    assert metadata_fields("- **Nama:** Joko Susilo, Jabatan: Kepala Desa") == [
        ("informant", "Joko Susilo", "nama"), ("role", "Kepala Desa", "jabatan")]
    assert metadata_line("Hari/Tanggal: Kamis, 8 Juni 2023") == (
        "date", "Kamis, 8 Juni 2023", "hari/tanggal")


@pytest.mark.parametrize("line", [
    "Pewawancara: Selamat siang, Bu. Saya mau tanya soal pelayanan.",
    "Informan: ya gitu, saya udah lama di sini.",
    "Tempat: kalau di sini ya, eh, biasanya di ruang tamu kantor kecamatan yang dekat pasar itu",
    "Jabatan: apa ya?",
    "Kesimpulan: pelayanannya lumayan",
])
def test_speech_and_unknown_keys_are_not_fields(line: str) -> None:
    assert metadata_fields(line) == []


def test_a_header_block_gives_its_fields_and_the_lines_it_used() -> None:
    text = ("TRANSKRIP WAWANCARA\n"
            "Informan: Bapak Sutrisno (Kepala Seksi)\n"
            "Jabatan: Kepala Seksi Pelayanan\n"
            "Tanggal: 3 Mei 2024\n"
            "Lokasi: Kantor Kecamatan Sukamaju\n"
            "\n"
            "P: Gimana pelayanannya, Pak?\n"
            "I: Ya, eh, udah lumayan lah.\n")
    meta, consumed = header(text)
    assert meta == {"informant": "Bapak Sutrisno (Kepala Seksi)",
                    "role": "Kepala Seksi Pelayanan", "date": "3 Mei 2024",
                    "place": "Kantor Kecamatan Sukamaju"}
    assert consumed == 5  # the title and four fields; the turns are not touched


def test_names_alone_are_no_header_block() -> None:
    # "Informan: ..." and "Pewawancara: ..." with names can be the first turns' labels:
    # only a field no speaker label has (date, position, place) makes a header block.
    assert header("Informan: Bapak Sutrisno\nPewawancara: Rina\n\nP: Gimana?\n") == ({}, 0)


def test_the_first_turn_under_the_header_is_not_a_field() -> None:
    text = ("Nama: Maria Ulfah\nJabatan: Kepala KUA\n"
            "Pewawancara: Selamat pagi, Bu. Saya mau tanya soal pencatatan nikah.\n"
            "Narasumber: Pagi, Mbak. Silakan.\n")
    meta, consumed = header(text)
    assert meta == {"informant": "Maria Ulfah", "role": "Kepala KUA"} and consumed == 2


def test_yaml_front_matter_is_read_with_its_keys_made_standard() -> None:
    text = "---\nNama Informan: Bu Ani\nUsia: 45\nunit kerja: Dinas Sosial\n---\nP: Gimana?\n"
    meta, end = front_matter(text)
    assert meta == {"informant": "Bu Ani", "age": "45", "unit": "Dinas Sosial"}
    assert text[end:] == "P: Gimana?\n"
    for broken in ("---\nnama: [tidak ditutup\n---\nP: x\n", "---\nhanya teks\n---\n",
                   "---\nnama: Bu Ani\nP: belum ditutup\n", "P: Gimana?\n"):
        assert front_matter(broken) == ({}, 0), broken


def test_a_legend_line_says_what_each_abbreviation_means() -> None:
    assert legend_entries("Keterangan: P = Peneliti, N = Narasumber") == {
        "P": "Peneliti", "N": "Narasumber"}
    assert legend_entries("S1 = Sri Handayani, Bidan Koordinator; S2 = Pak Yanto") == {
        "S1": "Sri Handayani, Bidan Koordinator", "S2": "Pak Yanto"}
    assert legend_entries("Jadi gini = ya gitu lah") == {}


def test_a_legend_meaning_is_a_role_or_a_person() -> None:
    assert legend_entry("Peneliti") == LegendEntry(INTERVIEWER, "Peneliti")
    assert legend_entry("Informan (Kepala Seksi Pelayanan)") == LegendEntry(INFORMANT, "Informan")
    assert legend_entry("Sri Handayani, Bidan Koordinator") == LegendEntry(None, "Sri Handayani")
    assert legend_entry("yang ditanya ya jawab aja") is None


def test_a_legend_inside_the_header_is_consumed_with_it() -> None:
    text = ("Nama : Yusuf Hidayat\nTanggal : 20 Februari 2024\nA = Pewawancara\n"
            "B = Informan (Kepala Seksi Pelayanan)\n\nA: Gimana, Pak?\nB: Ya gitu.\n")
    meta, consumed = header(text)
    assert meta == {"informant": "Yusuf Hidayat", "date": "20 Februari 2024"}
    assert consumed == 4


@pytest.mark.parametrize(("value", "name"), [
    ("Suyatno (Kepala Desa)", "Suyatno"),
    ("Sri Handayani, Bidan Koordinator", "Sri Handayani"),
    ("Hendra Saputra, S.Sos.", "Hendra Saputra, S.Sos."),
    ("Drs. H. Ahmad Rasyid, M.Si. (Kabag Umum)", "Drs. H. Ahmad Rasyid, M.Si."),
])
def test_person_name_keeps_degrees_and_drops_positions(value: str, name: str) -> None:
    assert person_name(value) == name


@pytest.mark.parametrize(("value", "is_name"), [
    ("Drs. Budi Santoso, M.Si.", True), ("Suyatno (Kepala Desa)", True),
    ("Yuliani (Informan 1); Rudi (Informan 2)", True), ("Ibu Sari binti Ahmad", True),
    ("Selamat siang, Bu.", False), ("gimana kabarnya?", False),
    ("ya udah lumayan lah kalau menurut saya", False), ("", False),
])
def test_looks_like_name(value: str, is_name: bool) -> None:
    assert looks_like_name(value) is is_name


def test_inside_the_text_only_keys_that_are_not_speaker_labels_are_metadata() -> None:
    assert is_metadata(metadata_line("Jabatan: Kasubbag Umum"))
    assert not is_metadata(metadata_line("Informan: Bu Sari"))  # a turn of Bu Sari
    assert not is_metadata(None)


def test_text_lines_are_spans_without_the_newline() -> None:
    text = "Nama: Bu Ani\n\nP: Gimana?"
    assert [text[s:e] for s, e in text_lines(text, 0)] == ["Nama: Bu Ani", "", "P: Gimana?"]
    assert [text[s:e] for s, e in text_lines(text, 14)] == ["P: Gimana?"]
