"""Speakers files (--speakers): who each label is, read and checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import InputFileError, UsageError
from pipeline.readers.ingest import ingest
from pipeline.readers.speakers_file import read_speakers
from pipeline.types import INFORMANT, INTERVIEWER, SpeakerEntry
from tests.conftest import write

SRT = """1
00:00:00,000 --> 00:00:04,140
[SPEAKER_00]: Silakan, Mas, duduk. Ini Bu Endah, bendahara BOS kita.

2
00:00:04,730 --> 00:00:11,750
[SPEAKER_01]: Terima kasih, Pak. Bagaimana proses perencanaan dana BOS di sini?

3
00:00:12,550 --> 00:00:18,130
[SPEAKER_00]: Perencanaannya kita susun di awal tahun, Mas, bareng dewan guru.

4
00:00:18,510 --> 00:00:24,450
[SPEAKER_03]: Semua usulan dari guru dikumpulin, terus disesuaikan sama pagu, gitu.

5
00:00:25,040 --> 00:00:30,260
[SPEAKER_01]: Apa kendala yang paling sering dihadapi?

6
00:00:31,060 --> 00:00:34,840
[SPEAKER_02]: Waktunya mepet, Mas. Dananya cair Maret, laporan diminta Juni.
"""


def test_csv_rows_merge_labels_name_them_and_set_roles(tmp_path: Path) -> None:
    src = write(tmp_path / "in" / "bos.srt", SRT)
    speakers = write(tmp_path / "map.csv",
                     "label,person,role,display\n"
                     "SPEAKER_00,pak_harjono,informant,Pak Harjono\n"
                     "SPEAKER_01,peneliti,interviewer,Peneliti\n"
                     "SPEAKER_02,bu_endah,narasumber,Bu Endah Susanti\n"
                     "SPEAKER_03,pak_harjono,,\n")
    corpus = ingest([src], speakers=read_speakers([speakers]))
    people = {(t.speaker, t.display, t.role) for t in corpus.turns}
    assert people == {("SPEAKER_00", "Pak Harjono", INFORMANT),
                      ("SPEAKER_03", "Pak Harjono", INFORMANT),
                      ("SPEAKER_01", "Peneliti", INTERVIEWER),
                      ("SPEAKER_02", "Bu Endah Susanti", INFORMANT)}
    # without it: one person per label, the one who asks is the interviewer
    plain = {(t.speaker, t.who, t.role) for t in ingest([src]).turns}
    assert ("SPEAKER_01", "SPEAKER_01", INTERVIEWER) in plain
    assert ("SPEAKER_03", "SPEAKER_03", INFORMANT) in plain


def test_a_role_from_the_file_wins_over_who_asks(tmp_path: Path) -> None:
    text = ("Speaker 1: Jadi begini, saya mulai dari sejarah desa ini ya.\n"
            "Speaker 2: Boleh, Pak. Sejak kapan desa ini berdiri?\n"
            "Speaker 1: Dari tahun tujuh puluhan, Mbak, dulu masih dusun.\n"
            "Speaker 2: Terus kapan jadi desa sendiri?\n")
    src = write(tmp_path / "sejarah.txt", text)
    yaml = write(tmp_path / "sejarah.speakers.yaml",
                 "Speaker 1: {role: interviewer, display: Mas Dimas}\n"
                 "Speaker 2: {role: informant, display: Bu Lastri}\n")
    corpus = ingest([src], speakers=read_speakers([yaml]))
    assert {(t.who, t.role) for t in corpus.turns} == {("Mas Dimas", INTERVIEWER),
                                                       ("Bu Lastri", INFORMANT)}


def test_a_file_named_after_a_transcript_applies_to_it_only(tmp_path: Path) -> None:
    read = read_speakers([write(tmp_path / "Wawancara 3.speakers.csv",
                                "label,display\nSPEAKER_00,Pak Harjono\n")])
    assert read.entries == (SpeakerEntry("SPEAKER_00", "Pak Harjono", None, "Pak Harjono",
                                         "wawancara-3"),)
    assert read.for_transcript("wawancara-3") and not read.for_transcript("wawancara-4")
    both = read_speakers([write(tmp_path / "semua.csv",
                                "label,display,transcript\nSPEAKER_00,Bu Sri,\n"
                                "SPEAKER_00,Pak Harjono,wawancara-3.srt\n")])
    assert [e.display for e in both.for_transcript("wawancara-3")] == ["Pak Harjono"]
    assert [e.display for e in both.for_transcript("wawancara-9")] == ["Bu Sri"]


def test_a_speakers_file_in_an_input_folder_is_not_a_transcript(tmp_path: Path) -> None:
    write(tmp_path / "in" / "bos.srt", SRT)
    write(tmp_path / "in" / "bos.speakers.csv", "label,display\nSPEAKER_00,Pak Harjono\n")
    corpus = ingest([tmp_path / "in"])
    assert [t.transcript_id for t in corpus.transcripts] == ["bos"]
    assert any("bos.speakers.csv: skipped, a speakers file" in w for w in corpus.warnings)


def test_labels_no_transcript_has_are_reported(tmp_path: Path) -> None:
    src = write(tmp_path / "bos.srt", SRT)
    speakers = read_speakers([write(tmp_path / "map.csv",
                                    "label,display\nSPEAKER_00,Pak Harjono\nSPEKAER_01,X\n")])
    warnings = ingest([src], speakers=speakers).warnings
    assert any("label(s) not found in any transcript: SPEKAER_01" in w for w in warnings)


@pytest.mark.parametrize(("content", "message"), [
    ("speaker;nama\nSPEAKER_00;Pak Harjono\n", None),
    ("nama,peran\nPak Harjono,informan\n", "no label column (its columns: nama, peran)"),
    ("label,role\nSPEAKER_00,dosen\n", "line 2: unknown role 'dosen'"),
    ("label,display\nSPEAKER_00,A\nSPEAKER_00,B\n",
     "line 3: label 'SPEAKER_00' is given twice (first at line 2)"),
    ("label,person,role\nS1,budi,informant\nS2,budi,interviewer\n",
     "line 3: person 'budi' is given two roles"),
])
def test_mistakes_name_the_file_and_line(tmp_path: Path, content: str,
                                         message: str | None) -> None:
    path = write(tmp_path / "map.csv", content)
    if message is None:
        assert read_speakers([path]).entries[0].display == "Pak Harjono"
        return
    with pytest.raises(InputFileError) as err:
        read_speakers([path])
    assert str(err.value).startswith(f"{path}") and message in str(err.value)


def test_a_missing_or_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="speakers file not found") as missing:
        read_speakers([tmp_path / "nope.csv"])
    assert missing.value.exit_code == 2  # the command line names the wrong path
    with pytest.raises(InputFileError, match="not valid YAML"):
        read_speakers([write(tmp_path / "x.yaml", "SPEAKER_00: [unclosed\n")])
    with pytest.raises(InputFileError, match="unknown fields: umur"):
        read_speakers([write(tmp_path / "y.yaml", "- {label: S1, umur: 40}\n")])


def test_an_anonymised_run_shows_no_name_of_the_speakers_file(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from pipeline.cli import main

    src = write(tmp_path / "in" / "bos.srt", SRT)
    speakers = write(tmp_path / "orang.csv",
                     "label,person,role,display\nSPEAKER_00,harjono,informant,Pak Harjono\n"
                     "SPEAKER_03,harjono,informant,Pak Harjono\n"
                     "SPEAKER_02,endah,informant,Bu Endah Susanti\n")
    out = tmp_path / "anon"
    result = CliRunner().invoke(main, ["run", str(src.parent), "--out", str(out), "--speakers",
                                       str(speakers), "--anonymise", "--topics", "0"])
    assert result.exit_code == 0, result.output
    written = [p for p in out.rglob("*") if p.is_file() and p.suffix in (
        ".csv", ".json", ".html", ".parquet")]
    import pandas as pd
    for path in written:
        text = (pd.read_parquet(path).to_csv() if path.suffix == ".parquet"
                else path.read_text(encoding="utf-8-sig"))
        for name in ("Harjono", "Endah", "Susanti"):
            assert name not in text, (path.name, name)
    shown = set(pd.read_parquet(out / "passages.parquet")["display"])
    assert len(shown) == 2 and all(s.startswith("Informan ") for s in shown)
