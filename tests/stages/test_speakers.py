"""Speaker labels as Indonesian transcripts write them."""

from __future__ import annotations

import pytest

from pipeline.stages.persons import resolve_persons
from pipeline.stages.speakers import ParsedText, parse_turns
from pipeline.types import INFORMANT, INTERVIEWER


def spoken(parsed: ParsedText, text: str) -> list[tuple[str, str, str]]:
    return [(t.speaker, t.role, text[t.start : t.end]) for t in parsed.turns]


@pytest.mark.parametrize(
    ("asker", "answerer"),
    [
        ("P", "I"), ("P", "N"), ("P", "R"), ("Peneliti", "Informan"), ("Pewawancara", "Narasumber"),
        ("Peneliti", "Responden"), ("T", "J"), ("Q", "A"), ("Peneliti", "Pak Eko"),
        ("Peneliti", "Informan 1 (Kasubbag Umum)"), ("I", "R"),
    ],
)
def test_label_pairs_give_interviewer_and_informant(asker: str, answerer: str) -> None:
    text = (
        f"{asker}: Gimana pelayanan di kantor ini, Pak?\n"
        f"{answerer}: Ya, eh, udah lumayan lah. Pegawainya disiplin.\n"
        f"{asker}: Terus kalau pimpinannya?\n"
        f"{answerer}: Pimpinan kasih contoh, datang pagi terus.\n"
    )
    turns = spoken(parse_turns(text), text)
    assert [r for _, r, _ in turns] == [INTERVIEWER, INFORMANT] * 2
    assert turns[1][2] == "Ya, eh, udah lumayan lah. Pegawainya disiplin."
    assert turns[2][2] == "Terus kalau pimpinannya?"


def test_offsets_point_at_the_words_and_timestamps_are_not_speech() -> None:
    text = (
        "[00:12:03] P: Sudah berapa lama Bapak di sini?\n"
        "I [00:12:09]: Ehm, udah lima tahun, Mbak.\n"
        "00:13:10 P: Oke.\n"
        "I: 00:13:15 Iya, gitu.\n"
    )
    parsed = parse_turns(text)
    said = [text[t.start : t.end] for t in parsed.turns]
    assert said == ["Sudah berapa lama Bapak di sini?", "Ehm, udah lima tahun, Mbak.", "Oke.",
                    "Iya, gitu."]


def test_continuation_lines_and_paragraphs_stay_with_their_speaker() -> None:
    text = (
        "P: Bagaimana budaya kerjanya?\n"
        "I: Ya, apel pagi itu wajib.\n"
        "Kalau gak ikut apel, ditegur sama Kabag.\n"
        "\n"
        "Terus ada juga senam Jumat.\n"
        "P: Oh gitu.\n"
    )
    turns = spoken(parse_turns(text), text)
    assert turns[1][2].startswith("Ya, apel pagi") and turns[1][2].endswith("senam Jumat.")
    assert turns[2] == ("P", INTERVIEWER, "Oh gitu.")


def test_header_block_becomes_metadata_not_speech() -> None:
    text = (
        "Informan: Ibu Sari Lestari\nJabatan: Kasubbag Umum\nTanggal: 3 Mei 2024\n"
        "Lokasi: Kantor Setda\n\nP: Apa tugas Ibu?\nI: Ngurusin surat masuk, Mas.\n"
    )
    parsed = parse_turns(text)
    assert parsed.metadata["informant"] == "Ibu Sari Lestari"
    assert parsed.metadata["role"] == "Kasubbag Umum"
    assert parsed.metadata["place"] == "Kantor Setda"
    assert spoken(parsed, text)[-1] == ("I", INFORMANT, "Ngurusin surat masuk, Mas.")
    named, _ = resolve_persons(parsed.turns, sessions=parsed.sessions, legend=parsed.legend)
    assert [t.display for t in named] == ["P", "Ibu Sari Lestari"]


def test_yaml_front_matter_becomes_metadata() -> None:
    text = ("---\ninformant: Pak Budi\nrole: Staf\n---\n"
            "P: Udah lama kerja?\nI: Udah, sepuluh tahun.\n")
    parsed = parse_turns(text)
    assert parsed.metadata["informant"] == "Pak Budi"
    assert [t.role for t in parsed.turns] == [INTERVIEWER, INFORMANT]


def test_pdf_paste_inline_turns_headings_footers_and_numbered_questions() -> None:
    text = (
        "D. Dimensi Assurance\n"
        "Peneliti : Apakah ada SOP-nya, Pak? Pak Eko : Ada beberapa, ee, tapi ya\n"
        "belum semua dipajang.\n"
        "Universitas Sumatera Utara\n"
        "3. Berapa lama pengurusan surat di kantor ini?\n"
        'Jawaban Kepala Desa: "Biasanya sih dua hari, kalau\n'
        'Pak Sekda lagi dinas luar ya bisa seminggu."\n'
        "112\n"
    )
    turns = spoken(parse_turns(text), text)
    informant = " ".join(s for _, r, s in turns if r == INFORMANT)
    interviewer = " ".join(s for _, r, s in turns if r == INTERVIEWER)
    assert "Ada beberapa, ee, tapi ya\nbelum semua dipajang." in informant
    assert "Biasanya sih dua hari" in informant and "bisa seminggu" in informant
    assert "Apakah ada SOP-nya" in interviewer and "Berapa lama pengurusan" in interviewer
    for noise in ("Dimensi Assurance", "Universitas Sumatera Utara", "112"):
        assert noise not in informant and noise not in interviewer
    assert ("Kepala Desa", INFORMANT) in {(s, r) for s, r, _ in turns}


def test_abbreviated_labels_are_accepted_when_used_repeatedly() -> None:
    text = (
        "TK : Sudah berapa lama Ibu jadi kepala sekolah?\n"
        "KS : Ehm, sejak 2019, Dek.\n"
        "TK : Apa program unggulan sekolah ini?\n"
        "KS : Literasi pagi, lima belas menit sebelum pelajaran.\n"
    )
    turns = spoken(parse_turns(text), text)
    assert [(s, r) for s, r, _ in turns] == [("TK", INTERVIEWER), ("KS", INFORMANT)] * 2


def test_sentence_with_colon_is_not_a_speaker() -> None:
    text = (
        "P: Apa saja kendalanya?\n"
        "I: Banyak. Contohnya: printer rusak, jaringan lambat. Jadi begini: kita kerjakan manual.\n"
    )
    turns = spoken(parse_turns(text), text)
    assert len(turns) == 2
    assert turns[1][2].endswith("kita kerjakan manual.")


def test_markdown_headings_as_speakers() -> None:
    text = (
        "### Pertanyaan 03\nBagaimana arahan dari pimpinan?\n\n"
        "### Jawaban 03\nArahannya jelas, tiap Senin ada rapat staf.\n"
    )
    turns = spoken(parse_turns(text), text)
    assert turns == [
        ("Pertanyaan 03", INTERVIEWER, "Bagaimana arahan dari pimpinan?"),
        ("Jawaban 03", INFORMANT, "Arahannya jelas, tiap Senin ada rapat staf."),
    ]


def test_bare_names_the_one_asking_is_the_interviewer() -> None:
    text = (
        "Rina: Bu, gimana pelayanan puskesmas di sini?\n"
        "Bu Sari: Ya lumayan, cuma antrenya panjang.\n"
        "Rina: Kenapa bisa panjang, Bu?\n"
        "Bu Sari: Dokternya cuma satu.\n"
    )
    turns = spoken(parse_turns(text), text)
    assert [(s, r) for s, r, _ in turns] == [("Rina", INTERVIEWER), ("Bu Sari", INFORMANT)] * 2


def test_unlabelled_text_is_one_informants_narrative() -> None:
    text = "Dulu kantor ini kecil.\n\nSekarang udah ada mal pelayanan publik.\n"
    parsed = parse_turns(text)
    assert not parsed.labelled
    assert [text[t.start : t.end] for t in parsed.turns] == [
        "Dulu kantor ini kecil.", "Sekarang udah ada mal pelayanan publik."]
    assert parsed.warnings


def test_numbered_questions_wrapped_or_inline_and_their_answers() -> None:
    text = (
        "1. Bagaimana pelaksanaan musyawarah desa dalam perencanaan pembangunan\n"
        "di Desa Mekarsari?\n"
        "Jawaban Kepala Desa: “Ya musdes itu rutin tiap tahun, Mas, biasanya bulan Juli.” "
        "2. Apakah usulan masyarakat sudah terakomodasi? Jawab: “Belum semua, Mas.”\n"
        "3. Siapa yang mengawasi pembangunan?\n"
        "BPD itu yang ngawasin, terus inspektorat juga tiap tahun dateng.\n"
    )
    turns = spoken(parse_turns(text), text)
    asked = [s for _, r, s in turns if r == INTERVIEWER]
    answered = [s for _, r, s in turns if r == INFORMANT]
    assert asked == ["1. Bagaimana pelaksanaan musyawarah desa dalam perencanaan pembangunan\n"
                     "di Desa Mekarsari?", "2. Apakah usulan masyarakat sudah terakomodasi?",
                     "3. Siapa yang mengawasi pembangunan?"]
    assert answered == ["“Ya musdes itu rutin tiap tahun, Mas, biasanya bulan Juli.”",
                        "“Belum semua, Mas.”",
                        "BPD itu yang ngawasin, terus inspektorat juga tiap tahun dateng."]


def test_a_numbered_list_inside_an_answer_is_not_a_question() -> None:
    text = ("P: Apa saja kendalanya, Bu?\nI: Ada tiga, Mas.\n1. Pegawainya kurang.\n"
            "2. Anggaran terbatas, apalagi tahun ini.\nP: Oh gitu.\n")
    turns = spoken(parse_turns(text), text)
    assert [r for _, r, _ in turns] == [INTERVIEWER, INFORMANT, INTERVIEWER]
    assert turns[1][2].endswith("apalagi tahun ini.")


def test_label_forms_of_pdf_copies_and_recorders() -> None:
    text = (
        "Pertanyaan 1\nBagaimana pelayanan KTP di kelurahan ini?\n\n"
        "Jawaban\nEhm, udah lumayan cepat, Mbak, seminggu jadi.\n\n"
        "1. P: Kalau blangkonya?\n[SPEAKER_01]: Sering habis, Mbak.\n"
        "Bapak Drs. Suparman, M.Si. : Kita juga pernah nunggu dua bulan gitu aja "
        "Peneliti : Kenapa bisa lama?\n"
    )
    turns = spoken(parse_turns(text), text)
    assert [(s, r) for s, r, _ in turns] == [
        ("Pertanyaan 1", INTERVIEWER), ("Jawaban", INFORMANT), ("P", INTERVIEWER),
        ("SPEAKER_01", INFORMANT), ("Bapak Drs. Suparman, M.Si.", INFORMANT),
        ("Peneliti", INTERVIEWER)]
    assert turns[4][2] == "Kita juga pernah nunggu dua bulan gitu aja"


def test_otter_export_labels_on_their_own_line() -> None:
    text = ("Putri Anggraini  0:05\nSelamat siang, Pak. Sejak kapan e-retribusi diterapkan?\n\n"
            "Slamet Riyadi  0:16\nAwal 2023, Mbak, pakai QRIS di tiap los.\n\n"
            "Putri Anggraini  0:41\nBagaimana tanggapan pedagang?\n\n"
            "Slamet Riyadi  0:44\nYa beragam, yang sepuh banyak yang nggak punya HP.\n\n"
            "Transcribed by https://otter.ai\n")
    turns = spoken(parse_turns(text), text)
    assert [(s, r) for s, r, _ in turns] == [("Putri Anggraini", INTERVIEWER),
                                             ("Slamet Riyadi", INFORMANT)] * 2
    assert turns[3][2] == "Ya beragam, yang sepuh banyak yang nggak punya HP."


def test_a_legend_overrides_the_usual_meaning_of_a_letter() -> None:
    text = ("Nama : Yusuf Hidayat\nTanggal : 20 Februari 2024\nA = Pewawancara\n"
            "B = Informan (Kepala Seksi Pelayanan)\n\n"
            "A: Apakah standar pelayanannya melibatkan masyarakat?\n"
            "B: Iya, kita undang RT, tokoh masyarakat, karang taruna.\n"
            "A: Kalau survei kepuasan?\nB: Rutin tiap semester, sekarang pakai barcode.\n")
    turns = spoken(parse_turns(text), text)
    assert [(s, r) for s, r, _ in turns] == [("A", INTERVIEWER), ("B", INFORMANT)] * 2


def test_the_first_turn_right_under_the_header_is_speech_not_a_field() -> None:
    text = ("Nama: Maria Ulfah\nJabatan: Kepala KUA\nTanggal: 27 Mei 2024\n"
            "Pewawancara: Selamat pagi, Bu. Saya ingin bertanya tentang pencatatan nikah.\n"
            "Narasumber: Pagi, Mbak. Silakan.\n"
            "Pewawancara: Apakah masih ada biaya?\nNarasumber: Kalau di kantor, gratis.\n")
    parsed = parse_turns(text)
    assert "interviewer" not in parsed.metadata and parsed.metadata["informant"] == "Maria Ulfah"
    assert spoken(parsed, text)[0] == (
        "Pewawancara", INTERVIEWER, "Selamat pagi, Bu. Saya ingin bertanya tentang pencatatan "
        "nikah.")


def test_a_label_used_once_joins_only_where_a_speaker_can_start() -> None:
    text = ("Peneliti: Bagaimana kunjungan ke posyandu?\n"
            "Bidan Yanti: Lumayan bagus, di atas delapan puluh persen.\n"
            "Kader: Iya, Mbak, kita yang ngingetin ibu-ibunya.\n"
            "Peneliti: Kendalanya apa, Bu?\n"
            "Bidan Yanti: Tenaga, Mbak. Contohnya kemarin\n"
            "Program Kerja: itu yang saya tulis di laporan.\n")
    turns = spoken(parse_turns(text), text)
    assert ("Kader", INFORMANT) in {(s, r) for s, r, _ in turns}
    assert turns[-1][2].endswith("Contohnya kemarin\nProgram Kerja: itu yang saya tulis di "
                                 "laporan.")


def test_a_keterangan_block_with_colons_is_a_legend_not_speech() -> None:
    text = ("Keterangan:\nPenulis : Peneliti\nSR : Sri Rahayu, Kasi Pelayanan\n\n"
            "Penulis : Bagaimana standar pelayanan di kecamatan ini, Bu?\n"
            "SR : Udah ada SOP-nya, Mas, dipajang di depan.\n"
            "Penulis : Kenapa petugasnya bisa lupa?\nSR : Banyak yang baru, mutasi terus.\n")
    parsed = parse_turns(text)
    assert [(s, r) for s, r, _ in spoken(parsed, text)] == [
        ("Penulis", INTERVIEWER), ("SR", INFORMANT)] * 2
    named, _ = resolve_persons(parsed.turns, sessions=parsed.sessions, legend=parsed.legend)
    assert {t.display for t in named} == {"Peneliti", "Sri Rahayu"}


def test_group_discussions_and_transcription_services() -> None:
    fgd = ("Moderator : Bagaimana pelayanan KB di desa masing-masing?\n"
           "Narasumber 1 : Lumayan, Mbak, PLKB-nya rajin datang.\n"
           "Narasumber 2 : Kalau di tempat saya alat kontrasepsinya sering kosong.\n"
           "Moderator : Terus gimana kalau kosong?\n"
           "Narasumber 2 : Ya warga disuruh ke puskesmas, jauh.\n")
    assert [(s, r) for s, r, _ in spoken(parse_turns(fgd), fgd)] == [
        ("Moderator", INTERVIEWER), ("Narasumber 1", INFORMANT), ("Narasumber 2", INFORMANT),
        ("Moderator", INTERVIEWER), ("Narasumber 2", INFORMANT)]
    service = ("# Transkrip otomatis\n\n**Pembicara 1** (00:00:12)\n"
               "Selamat sore, Pak. Bagaimana program bedah rumah tahun ini?\n\n"
               "**Pembicara 2** (00:00:20)\nTahun ini tiga puluh unit, Mbak, dari APBD.\n\n"
               "**Pembicara 1** (00:01:02)\nSiapa yang menentukan penerimanya?\n\n"
               "**Pembicara 2** (00:01:09)\nDesa yang ngusulin, kita verifikasi ke lapangan.\n")
    turns = spoken(parse_turns(service), service)
    assert [(s, r) for s, r, _ in turns] == [("Pembicara 1", INTERVIEWER),
                                             ("Pembicara 2", INFORMANT)] * 2
    assert turns[1][2] == "Tahun ini tiga puluh unit, Mbak, dari APBD."


def test_unlabelled_questions_before_labelled_answers() -> None:
    text = ("Hasil Wawancara dengan Lurah Sukamulya\n\n"
            "Bagaimana pelayanan administrasi di kelurahan ini?\n"
            "Jawab : Ya lumayan lah, Mas. Surat pengantar itu sehari jadi.\n"
            "Apa kendala yang sering dihadapi petugas dalam melayani\nwarga?\n"
            "Jawab : Warga sering nggak bawa fotokopi KK, Mas. Jadi bolak-balik.\n"
            "Terus, eh, jaringan internetnya juga sering putus.\n"
            "Apakah ada inovasi pelayanan?\n"
            "Jawab : Ada, grup WhatsApp per RW, jadi warga bisa tanya dulu syaratnya.\n")
    turns = spoken(parse_turns(text), text)
    assert [s for _, r, s in turns if r == INTERVIEWER] == [
        "Bagaimana pelayanan administrasi di kelurahan ini?",
        "Apa kendala yang sering dihadapi petugas dalam melayani\nwarga?",
        "Apakah ada inovasi pelayanan?"]
    assert turns[3][2].endswith("jaringan internetnya juga sering putus.")
