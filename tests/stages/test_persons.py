"""One display name per person: speakers files, legends, headers, and aliases merged."""

from __future__ import annotations

from pipeline.stages.persons import header_people, person_role, resolve_persons
from pipeline.stages.speakers import parse_turns
from pipeline.types import INFORMANT, INTERVIEWER, SpeakerEntry


def people(text: str, speakers: dict[str, SpeakerEntry] | None = None
           ) -> tuple[dict[str, set[str]], tuple[str, ...]]:
    """{display: labels} of the informants, and the notes."""
    parsed = parse_turns(text)
    turns, notes = resolve_persons(parsed.turns, sessions=parsed.sessions, legend=parsed.legend,
                                   preamble=parsed.preamble, speakers=speakers)
    found: dict[str, set[str]] = {}
    for t in turns:
        if t.role == INFORMANT:
            found.setdefault(t.display, set()).add(t.speaker)
    return found, notes


def test_a_label_and_the_position_the_header_gives_are_one_informant() -> None:
    text = ("Nama: Joko Susilo, Jabatan: Kepala Desa\n\n"
            "Peneliti : Berapa KPM yang dapet BLT, Pak?\n"
            "Pak Joko : Delapan puluh tujuh, Mas, tiap bulan tiga ratus ribu.\n"
            "Peneliti : Siapa yang ngurus SPJ-nya?\n"
            "Kepala Desa : Itu Pak Eko, sekdes saya, saya cuma tanda tangan.\n")
    found, notes = people(text)
    assert found == {"Joko Susilo": {"Pak Joko", "Kepala Desa"}}
    assert len(notes) == 1 and "'Pak Joko' and 'Kepala Desa'" in notes[0]


def test_the_introduction_can_say_it_too() -> None:
    text = ("Hasil wawancara dengan Bapak Joko Susilo, Kepala Desa Sukamakmur, pada\n"
            "tanggal 20 Maret 2025.\n"
            "Peneliti : Sudah berapa kali Bapak ke Setda? Pak Joko : Wah, sering, Dik.\n"
            "3. Bagaimana pelayanannya menurut Bapak?\n"
            'Jawaban Kepala Desa: "Ramah lah, sopan, cuma lama nunggunya."\n'
            "Peneliti : Apa yang perlu diperbaiki? Pak Joko : Kepastian waktu, Dik.\n")
    found, notes = people(text)
    assert found == {"Pak Joko": {"Pak Joko", "Kepala Desa"}} and notes


def test_two_people_stay_two_when_nothing_says_they_are_one() -> None:
    text = ("Peneliti: Gimana posyandunya, Bu?\n"
            "Bidan Yanti: Rame, Mbak, tiap bulan tiga puluhan balita.\n"
            "Kader: Iya, Mbak, kita yang keliling ngingetin ibu-ibunya.\n"
            "Peneliti: Kendalanya?\nBidan Yanti: Tenaga, saya sendirian di desa ini.\n")
    found, notes = people(text)
    assert found == {"Bidan Yanti": {"Bidan Yanti"}, "Kader": {"Kader"}} and not notes


def test_a_name_written_short_is_the_same_informant() -> None:
    text = ("Peneliti : Sudah berapa lama Ibu di sini? Bu Sari : Delapan tahun, Mbak.\n"
            "Peneliti : Beban kerjanya? Sari : Berat, apalagi kalau posyandu barengan.\n"
            "Peneliti : Harapannya? Bu Sari : Tambah bidan, itu aja.\n")
    found, notes = people(text)
    assert found == {"Bu Sari": {"Bu Sari", "Sari"}} and notes


def test_display_names_from_header_legend_and_labels() -> None:
    text = ("Nama Informan: Yuliani, S.Sos. (Informan 1); Rudi Hartono, S.E. (Informan 2)\n"
            "Tanggal: 8 Juni 2023\n\n"
            "Peneliti: Sejak kapan pakai Srikandi?\n"
            "Informan 1 (Kasubbag Umum): Awal 2023, Januari kalau nggak salah.\n"
            "Informan 2 (Staf Keuangan): Iya, Januari, Bu.\n")
    found, _ = people(text)
    assert found == {"Yuliani, S.Sos.": {"Informan 1 (Kasubbag Umum)"},
                     "Rudi Hartono, S.E.": {"Informan 2 (Staf Keuangan)"}}
    legend = ("Keterangan:\nP  = Peneliti\nS1 = Sri Handayani, Bidan Koordinator\n"
              "S2 = Bayu Pratama, Tenaga Gizi\n\n"
              "1. P: Bagaimana kondisi stunting di sini?\nS1: Sekitar empat belas persen.\n"
              "S2: Iya, paling tinggi di Tegalrejo.\n2. P: Programnya apa saja?\n"
              "S2: PMT lokal, telur, ikan lele.\n")
    found, _ = people(legend)
    assert found == {"Sri Handayani": {"S1"}, "Bayu Pratama": {"S2"}}
    caps = "PENELITI: Udah berapa lama jadi honorer?\nDEWI: Lima tahun, Mas.\n" * 2
    assert people(caps)[0] == {"Dewi": {"DEWI"}}


def test_one_label_two_people_when_a_second_header_starts_a_session() -> None:
    text = ("Nama Informan : Siti Aminah\nJabatan : Kasi Pemerintahan\n\n"
            "Tanya : Bagaimana pembinaan desa?\nJawab : Kita turun ke desa, ngecek APBDes.\n"
            "LAMPIRAN 2\nNama Informan : Bambang Purnomo\nJabatan : Sekdes\n\n"
            "Tanya : Apa yang paling sulit?\nJawab : Siskeudes, Mas, kodenya banyak.\n")
    found, _ = people(text)
    assert found == {"Siti Aminah": {"Jawab"}, "Bambang Purnomo": {"Jawab"}}


def test_a_speakers_file_names_merges_and_sets_roles() -> None:
    text = ("[SPEAKER_00]: Silakan duduk, Mas. Ini Bu Endah, bendahara BOS kita.\n"
            "[SPEAKER_01]: Terima kasih. Bagaimana perencanaan dana BOS di sini?\n"
            "[SPEAKER_00]: Kita susun di awal tahun, bareng komite.\n"
            "[SPEAKER_01]: Kendalanya apa?\n"
            "[SPEAKER_03]: Laporannya mepet, Mas, dananya baru cair Maret.\n")
    entries = {
        "speaker_00": SpeakerEntry("SPEAKER_00", "pak_harjono", INFORMANT, "Pak Harjono"),
        "speaker_03": SpeakerEntry("SPEAKER_03", "pak_harjono", INFORMANT, "Pak Harjono"),
        "speaker_01": SpeakerEntry("SPEAKER_01", "peneliti", INTERVIEWER, "Peneliti"),
    }
    found, notes = people(text, entries)
    assert found == {"Pak Harjono": {"SPEAKER_00", "SPEAKER_03"}} and not notes
    plain, _ = people(text)
    assert set(plain) == {"SPEAKER_00", "SPEAKER_03"}  # diarization labels stay as written


def test_each_of_two_informants_in_one_header_gets_their_own_position() -> None:
    names = "Yuliani, S.Sos. (Informan 1); Rudi Hartono, S.E. (Informan 2)"
    roles = "Kepala Subbagian Umum dan Kepegawaian; Staf Subbagian Keuangan"
    assert person_role(names, roles, "Yuliani, S.Sos.") == \
        "Kepala Subbagian Umum dan Kepegawaian"
    assert person_role(names, roles, "Rudi Hartono, S.E.") == "Staf Subbagian Keuangan"
    # one name, or positions that do not pair with the names: the header's words as written
    assert person_role("Joko Susilo", "Kepala Desa; Ketua BUMDes", "Joko Susilo") == \
        "Kepala Desa; Ketua BUMDes"
    assert person_role(names, "Staf", "Yuliani, S.Sos.") == "Staf"
    # someone the header does not name (a second session's informant) is not given its role
    assert person_role("Suparman", "Direktur BUMDes", "Sri Wahyuni") == ""
    assert person_role("", "Direktur BUMDes", "Informan") == "Direktur BUMDes"


def test_a_second_sessions_informant_keeps_her_own_position() -> None:
    sessions = [{"informant": "Suparman", "role": "Direktur BUMDes Maju Bersama"},
                {"informant": "Sri Wahyuni", "role": "Bendahara BUMDes"},
                {"informant": "Yuliani (Informan 1); Rudi (Informan 2)", "role": "Staf"}]
    fields = header_people(sessions)
    assert fields == {
        "informant": "Suparman; Sri Wahyuni; Yuliani (Informan 1); Rudi (Informan 2)",
        "role": "Direktur BUMDes Maju Bersama; Bendahara BUMDes; Staf; Staf"}
    assert person_role(fields["informant"], fields["role"], "Sri Wahyuni") == "Bendahara BUMDes"
    assert person_role(fields["informant"], fields["role"], "Rudi") == "Staf"
    # one session (or one that names an informant): the header's fields stand as written
    assert header_people(sessions[:1]) == {}
    assert header_people([sessions[0], {"date": "22 April 2023"}]) == {}
