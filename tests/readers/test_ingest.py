"""Ingest: every format researchers have, built by the tests, and every bad input."""

from __future__ import annotations

from pathlib import Path

import docx
import pandas as pd
import pytest

from pipeline.errors import InputFileError, UsageError
from pipeline.readers.ingest import decode, ingest
from pipeline.types import Corpus
from tests.conftest import write

TXT = (
    "Informan: Bapak Sutrisno\nJabatan: Kepala Bagian Umum\nTanggal: 14 Maret 2025\n\n"
    "P: Selamat pagi, Pak. Gimana pelayanan di Bagian Umum sekarang?\n"
    "I: Ya, eh, alhamdulillah udah jauh lebih baik. Pegawainya udah ngerti tupoksinya.\n"
    "P: Kalau disiplinnya?\n"
    "I: Apel pagi itu wajib, gak ada tawar-menawar.\n"
)


def check_offsets(corpus: Corpus) -> None:
    texts = {t.transcript_id: t.text for t in corpus.transcripts}
    for turn in corpus.turns:
        assert texts[turn.transcript_id][turn.start : turn.end] == turn.text


def roles(corpus: Corpus) -> list[tuple[str, str]]:
    return [(t.speaker, t.role) for t in corpus.turns]


def test_txt_with_header_block(tmp_path: Path) -> None:
    corpus = ingest([write(tmp_path / "01 Kabag Umum.txt", TXT)])
    [transcript] = corpus.transcripts
    assert transcript.transcript_id == "01-kabag-umum"
    assert transcript.metadata["role"] == "Kepala Bagian Umum"
    assert [r for _, r in roles(corpus)] == ["interviewer", "informant"] * 2
    assert (corpus.turns[1].speaker, corpus.turns[1].display) == ("I", "Bapak Sutrisno")
    check_offsets(corpus)


def test_two_sessions_each_keep_their_informant_and_position(tmp_path: Path) -> None:
    write(tmp_path / "bumdes.txt",
          "Nama Informan: Suparman\nJabatan: Direktur BUMDes\n\n"
          "Pertanyaan: Unit usahanya apa aja, Pak?\n"
          "Jawaban: Ya ada air bersih, simpan pinjam, gitu, Mas.\n\n"
          "Nama Informan: Sri Wahyuni\nJabatan: Bendahara BUMDes\n\n"
          "Pertanyaan: Pencatatannya gimana, Bu?\n"
          "Jawaban: Eh, saya catat di buku dulu, terus malemnya pindahin ke Excel.\n")
    (transcript,) = ingest([tmp_path / "bumdes.txt"]).transcripts
    assert transcript.metadata["informant"] == "Suparman; Sri Wahyuni"
    assert transcript.metadata["role"] == "Direktur BUMDes; Bendahara BUMDes"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-be", "cp1252"])
def test_encodings_give_the_same_text(tmp_path: Path, encoding: str) -> None:
    text = TXT.replace("gak", "gak \u2013 “nggak”").replace("\n", "\r\n")
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + text.encode("utf-16-be")
    else:
        data = text.encode(encoding)
    (tmp_path / "a.txt").write_bytes(data)
    corpus = ingest([tmp_path / "a.txt"])
    assert corpus.transcripts[0].text == TXT.replace("gak", "gak \u2013 “nggak”")
    assert "\r" not in corpus.transcripts[0].text
    check_offsets(corpus)


def test_invisible_characters_and_nbsp_are_cleaned(tmp_path: Path) -> None:
    text = "\ufeffP: Gimana\u00a0kabarnya?\nI: Baik\u200b, Mas.\n"
    corpus = ingest([write(tmp_path / "a.txt", text)])
    assert [t.text for t in corpus.turns] == ["Gimana kabarnya?", "Baik, Mas."]


def test_docx_paragraphs_and_speaker_table(tmp_path: Path) -> None:
    document = docx.Document()
    document.sections[0].footer.paragraphs[0].text = "Halaman 1 - Universitas Sukamaju"
    document.sections[0].header.paragraphs[0].text = "Transkrip Wawancara"
    document.add_paragraph("Informan: Ibu Sri Wahyuni")
    document.add_paragraph("Jabatan: Kasubbag Perlengkapan")
    document.add_paragraph("")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Pembicara", "Ucapan"
    rows = [("Pewawancara", "Bu, gimana kondisi sarana di sini?"),
            ("Ibu Sri Wahyuni", "Printernya rusak udah dua bulan, Mas."),
            ("Pewawancara", "Udah dilaporin?"),
            ("Ibu Sri Wahyuni", "Udah, tapi anggarannya belum turun.")]
    for who, said in rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = who, said
    document.save(str(tmp_path / "t.docx"))
    corpus = ingest([tmp_path / "t.docx"])
    assert [(t.speaker, t.role, t.text) for t in corpus.turns] == [
        ("Pewawancara", "interviewer", rows[0][1]), ("Ibu Sri Wahyuni", "informant", rows[1][1]),
        ("Pewawancara", "interviewer", rows[2][1]), ("Ibu Sri Wahyuni", "informant", rows[3][1]),
    ]
    assert corpus.transcripts[0].metadata["role"] == "Kasubbag Perlengkapan"
    assert "Halaman" not in corpus.transcripts[0].text
    check_offsets(corpus)


def test_docx_with_labelled_paragraphs(tmp_path: Path) -> None:
    document = docx.Document()
    for line in TXT.splitlines():
        document.add_paragraph(line)
    document.save(str(tmp_path / "p.docx"))
    corpus = ingest([tmp_path / "p.docx"])
    assert [r for _, r in roles(corpus)] == ["interviewer", "informant"] * 2
    check_offsets(corpus)


VTT = """WEBVTT

00:00:01.000 --> 00:00:04.000
<v Peneliti>Mas Rudi udah berapa lama di Bagian Umum?

00:00:04.500 --> 00:00:08.000
<v Rudi>ya kurang lebih tiga tahun lah mas

00:00:08.000 --> 00:00:12.000
<v Rudi>awalnya di perlengkapan terus pindah ke TU

NOTE ini catatan, bukan ucapan

00:00:12.500 --> 00:00:14.000
<v Peneliti>Oh gitu. Terus?
"""

SRT = """1
00:00:01,000 --> 00:00:04,000
PENELITI: Mbak Dewi honorer ya?

2
00:00:04,500 --> 00:00:07,000
DEWI: Iya, udah lima tahun honor.

3
00:00:07,000 --> 00:00:09,000
Gajinya ya gitu lah, pas-pasan.

4
00:00:09,500 --> 00:00:11,000
PENELITI: Hmm, terus?
"""


def test_vtt_voices_and_cues_merged_into_turns(tmp_path: Path) -> None:
    corpus = ingest([write(tmp_path / "a.vtt", VTT)])
    assert [(t.speaker, t.role) for t in corpus.turns] == [
        ("Peneliti", "interviewer"), ("Rudi", "informant"), ("Peneliti", "interviewer")]
    assert corpus.turns[1].text == (
        "ya kurang lebih tiga tahun lah mas\nawalnya di perlengkapan terus pindah ke TU")
    assert "catatan" not in corpus.transcripts[0].text
    check_offsets(corpus)


def test_srt_labels_and_unlabelled_continuation(tmp_path: Path) -> None:
    corpus = ingest([write(tmp_path / "a.srt", SRT)])
    assert [(t.speaker, t.role) for t in corpus.turns] == [
        ("PENELITI", "interviewer"), ("DEWI", "informant"), ("PENELITI", "interviewer")]
    assert corpus.turns[1].text.endswith("pas-pasan.")
    check_offsets(corpus)


def test_csv_rows_with_role_column_and_semicolons(tmp_path: Path) -> None:
    frame = pd.DataFrame({
        "Pembicara": ["Peneliti", "Pak Joko", "Peneliti", "Pak Joko"],
        "Peran": ["peneliti", "informan", "peneliti", "informan"],
        "Teks": ["Gimana, Pak?", 'Ya, "lumayan", tapi antrenya panjang; kursinya kurang.',
                 "Terus?", "Petugasnya ramah kok."],
    })
    (tmp_path / "a.csv").write_text(frame.to_csv(index=False, sep=";"), encoding="utf-8")
    corpus = ingest([tmp_path / "a.csv"])
    assert [t.role for t in corpus.turns] == ["interviewer", "informant"] * 2
    assert corpus.turns[1].text == 'Ya, "lumayan", tapi antrenya panjang; kursinya kurang.'
    check_offsets(corpus)


def test_xlsx_with_transcript_column_gives_one_transcript_each(tmp_path: Path) -> None:
    frame = pd.DataFrame({
        "transcript": ["w1", "w1", "w2", "w2"],
        "speaker": ["Peneliti", "Bu Ani", "Peneliti", "Pak Dodi"],
        "text": ["Gimana pelayanannya?", "Cepet kok.", "Kalau menurut Bapak?", "Lambat, Mas."],
    })
    frame.to_excel(tmp_path / "b.xlsx", index=False)
    corpus = ingest([tmp_path / "b.xlsx"])
    assert [t.transcript_id for t in corpus.transcripts] == ["b-w1", "b-w2"]
    assert [(t.speaker, t.role) for t in corpus.turns] == [
        ("Peneliti", "interviewer"), ("Bu Ani", "informant"),
        ("Peneliti", "interviewer"), ("Pak Dodi", "informant")]


def test_csv_without_text_column_lists_the_columns(tmp_path: Path) -> None:
    write(tmp_path / "bad.csv", "nama,umur\nAni,30\n")
    with pytest.raises(InputFileError, match=r"bad\.csv: no text column; the columns present "
                       r"are: nama, umur"):
        ingest([tmp_path / "bad.csv"])


def test_missing_path_and_empty_folder_are_usage_errors(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"input not found: .*nowhere"):
        ingest([tmp_path / "nowhere"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(UsageError, match="no transcripts found"):
        ingest([tmp_path / "empty"])


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.txt", b"", "the file is empty"),
        ("blank.txt", b"  \n\n \t\n", "the file is empty"),
        ("binary.txt", bytes(range(256)) * 20, "not a text file"),
        ("corrupt.docx", b"PK\x03\x04 not really a zip", "not a readable Word file"),
        ("fake.docx", b"just text pretending", "not a readable Word file"),
        ("bad.xlsx", b"nope", "not a readable Excel workbook"),
    ],
)
def test_bad_files_name_the_file_and_the_problem(
    tmp_path: Path, name: str, data: bytes, message: str
) -> None:
    (tmp_path / name).write_bytes(data)
    with pytest.raises(InputFileError, match=message) as info:
        ingest([tmp_path / name])
    assert name in str(info.value)


def test_bad_and_unsupported_files_are_skipped_when_others_are_fine(tmp_path: Path) -> None:
    write(tmp_path / "good.txt", TXT)
    (tmp_path / "corrupt.docx").write_bytes(b"PK\x03\x04 broken")
    write(tmp_path / "notes.pdf", "%PDF-1.4")
    corpus = ingest([tmp_path])
    assert [t.transcript_id for t in corpus.transcripts] == ["good"]
    assert any("corrupt.docx" in s for s in corpus.skipped)
    assert any("notes.pdf" in w and "unsupported" in w for w in corpus.warnings)


def test_transcript_without_informant_turns_warns(tmp_path: Path) -> None:
    write(tmp_path / "q.txt", "P: Apa kabar?\nP: Halo?\n")
    corpus = ingest([tmp_path / "q.txt"])
    assert any("no informant turns" in w for w in corpus.warnings)


def test_cp1252_is_reported(tmp_path: Path) -> None:
    text, encoding = decode("P: Caf\u00e9?\nI: Iya.\n".encode("cp1252"), "x.txt")
    assert encoding == "cp1252" and "Café" in text


def test_folders_are_read_recursively_in_a_stable_order(tmp_path: Path) -> None:
    write(tmp_path / "b" / "z.txt", TXT)
    write(tmp_path / "a.txt", TXT)
    write(tmp_path / "b" / "a.txt", TXT)
    ids = [t.transcript_id for t in ingest([tmp_path]).transcripts]
    assert ids == ["a", "a-2", "z"]


def test_adversarial_text_emoji_smart_quotes_empty_turns(tmp_path: Path) -> None:
    text = (
        "P: “Gimana” pelayanannya? 😀\n"
        "I:\n"
        "P: [00:12:03]\n"
        "I: Bagus 👍🏽, “cepet” banget — ‘mantap’ lah. e\u0301 ok\n"
    )
    corpus = ingest([write(tmp_path / "a.txt", text)])
    check_offsets(corpus)
    informant = [t.text for t in corpus.turns if t.role == "informant"]
    assert informant == ["Bagus 👍🏽, “cepet” banget — ‘mantap’ lah. é ok"]


def test_one_fifty_thousand_word_turn(tmp_path: Path) -> None:
    answer = " ".join(
        f"pegawai {i} datang pagi, ikut apel, terus kerja sampai sore." for i in range(5000))
    corpus = ingest([write(tmp_path / "long.txt", f"P: Ceritakan.\nI: {answer}\n")])
    assert len(corpus.turns) == 2
    assert len(corpus.turns[1].text.split()) == 50000
    check_offsets(corpus)
