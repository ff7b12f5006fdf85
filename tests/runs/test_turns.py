"""tematik turns: who speaks, before any analysis, and what looks wrong."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from click.testing import CliRunner

from pipeline.cli import main
from pipeline.runs.turns import CSV_COLUMNS, preview_turns
from tests.conftest import write

DESA = (
    "Hasil wawancara dengan Bapak Joko Susilo, Kepala Desa Sukamakmur.\n"
    "Peneliti : Sudah berapa kali Bapak ke Setda? Pak Joko : Wah, sering, Dik, setahun\n"
    "bisa sepuluh kali lebih.\n"
    "3. Bagaimana pelayanan di Bagian Umum menurut Bapak?\n"
    'Jawaban Kepala Desa: "Ramah lah, sopan, cuma nunggunya lama."\n'
    "Peneliti : Apa yang perlu diperbaiki? Pak Joko : Kepastian waktu, Dik.\n"
)
PUSKESMAS = (
    "Peneliti: Gimana posyandunya, Bu?\n"
    "Bidan Yanti: Rame, Mbak, tiap bulan tiga puluhan balita. Kok bisa? Kepala Puskesmas "
    "Karang Anyar Baru : ya karena kadernya rajin ngingetin.\n"
    "Kader: Iya, Mbak, kita yang keliling.\n"
    "Peneliti: Kendalanya?\n"
    "Bidan Yanti: Tenaga. " + "Saya sendirian di desa ini, Mbak, " * 60 + "\n"
    "Peneliti: Makasih, Bu.\nBidan Yanti: Sama-sama.\n"
)


def test_preview_shows_people_turns_and_flags(tmp_path: Path) -> None:
    write(tmp_path / "in" / "desa.txt", DESA)
    write(tmp_path / "in" / "puskesmas.txt", PUSKESMAS)
    preview = preview_turns([tmp_path / "in"])
    kinds = {(f.transcript_id, f.kind) for f in preview.flags}
    assert kinds == {("desa", "preamble"), ("desa", "merged"), ("puskesmas", "once"),
                     ("puskesmas", "long"), ("puskesmas", "hidden_label")}
    desa = {(t.speaker, t.who, t.role) for t in preview.corpus.turns if t.transcript_id == "desa"}
    assert desa == {("Peneliti", "Peneliti", "interviewer"), ("", "Peneliti", "interviewer"),
                    ("Pak Joko", "Pak Joko", "informant"),
                    ("Kepala Desa", "Pak Joko", "informant")}


def test_a_text_without_labels_and_one_without_an_informant_are_flagged(
        tmp_path: Path) -> None:
    write(tmp_path / "in" / "catatan.txt",
          "Ya gitu, Mas, kalau pagi apel dulu, abis itu ke loket.\n\n"
          "Kadang rame, kadang sepi, tergantung musim bikin KTP.\n")
    write(tmp_path / "in" / "pembuka.txt",
          "Peneliti: Selamat pagi, Bu, boleh saya mulai?\n"
          "Pewawancara: Baik, kita tunggu Ibu Kasi dulu ya.\n")
    kinds = {(f.transcript_id, f.kind) for f in preview_turns([tmp_path / "in"]).flags}
    assert ("catatan", "no_labels") in kinds and ("pembuka", "no_informant") in kinds


def test_cli_text_and_csv(tmp_path: Path) -> None:
    src = write(tmp_path / "desa.txt", DESA)
    result = CliRunner().invoke(main, ["turns", str(src)])
    assert result.exit_code == 0, result.output
    assert "Pak Joko (informant): 3 turn(s), 3 passage(s); labels Pak Joko x2, Kepala Desa x1" \
        in result.output
    assert "1 transcript(s), 1 informant(s), 6 turn(s), 3 passage(s), 2 flag(s)" in result.output
    result = CliRunner().invoke(main, ["turns", str(src), "--format", "csv", "--words", "3"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert list(rows[0]) == CSV_COLUMNS and len(rows) == 6
    assert rows[0]["flags"] == "preamble merged"
    assert rows[0]["first_words"] == "Sudah berapa kali ..."
    assert (rows[3]["speaker"], rows[3]["display"], rows[3]["passages"]) == (
        "Kepala Desa", "Pak Joko", "desa:002")


def test_cli_with_a_speakers_file_and_errors(tmp_path: Path) -> None:
    src = write(tmp_path / "desa.txt", DESA)
    speakers = write(tmp_path / "orang.csv", "label,person,display\nPak Joko,joko,Joko S.\n"
                     "Kepala Desa,kades,Kepala Desa\n")
    result = CliRunner().invoke(main, ["turns", str(src), "--speakers", str(speakers)])
    assert result.exit_code == 0, result.output
    assert "Joko S. (informant)" in result.output and "Kepala Desa (informant)" in result.output
    missing = CliRunner().invoke(main, ["turns", str(tmp_path / "nope")])
    assert missing.exit_code == 2 and "input not found" in missing.output
    bad = write(tmp_path / "salah.csv", "nama\nx\n")
    result = CliRunner().invoke(main, ["turns", str(src), "--speakers", str(bad)])
    assert result.exit_code == 1 and "no label column" in result.output
    assert "Traceback" not in result.output
