"""Writing REFI-QDA projects and codebooks: round trips, positions, schema-valid and
deterministic output."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.errors import TematikError
from pipeline.readers.codebook import load_codebook
from pipeline.readers.qdpx import read_qdc, read_qdpx
from pipeline.readers.qdpx_tables import (
    codings_frame,
    project_from_tables,
    themes_from_codes,
)
from pipeline.report.qdpx_write import coding_note, qdc_bytes, qdpx_bytes
from pipeline.runs.rundir import write_output
from tests.conftest import DATA
from tests.round_trip import ROUND_TRIP_TEXT, coded_tables

SCHEMAS = DATA / "refi-qda"


def _utf16(text: str, index: int) -> int:
    return len(text[:index].encode("utf-16-le")) // 2


_ALPHABET = st.sampled_from([*"ab ,.\n", "é", "e\u0301", "😀", "👨‍👩‍👧", "🏽", "\u200d",
                                                 "𝓢", "ñ", "\t", "\u0301"])


@pytest.mark.parametrize("positions", ["codepoint", "utf16"])
def test_round_trip_gives_back_the_same_codings(tmp_path: Path, positions: str) -> None:
    transcripts, codings = coded_tables()
    book = load_codebook()
    project = project_from_tables(transcripts, codings, codebook=book)
    path = write_output(tmp_path / "ekspor.qdpx", qdpx_bytes(project, positions=positions))  # type: ignore[arg-type]
    back = read_qdpx(path)
    assert back.warnings == ()
    frame = codings_frame(back, codebook=book)
    expected = codings.assign(user=codings["user"].fillna("tematik"))
    got = frame[["theme", "start", "end", "user"]].sort_values(["start", "user"])
    want = expected[["theme", "start", "end", "user"]].sort_values(["start", "user"])
    assert got.values.tolist() == want.values.tolist()
    for row in frame.itertuples():
        assert ROUND_TRIP_TEXT[row.start : row.end] == row.text
    assert "Kinerja Aparatur/Responsivitas" in set(frame["code_path"])
    (case,) = back.cases
    assert case.name == "Bu Sari"
    assert case.variables == {"informant": "Bu Sari", "role": "Kasubbag Umum", "usia": "45"}
    # Reading and writing again changes nothing: same bytes.
    assert qdpx_bytes(back, positions=positions) == path.read_bytes()  # type: ignore[arg-type]


def test_written_positions_count_code_points_or_utf16_units(tmp_path: Path) -> None:
    transcripts, codings = coded_tables()
    project = project_from_tables(transcripts, codings)
    last = max(int(e) for e in codings["end"])
    for positions, expected in (("codepoint", last), ("utf16", _utf16(ROUND_TRIP_TEXT, last))):
        data = qdpx_bytes(project, positions=positions)  # type: ignore[arg-type]
        qde = zipfile.ZipFile(io.BytesIO(data)).read("project.qde").decode()
        assert f'endPosition="{expected}"' in qde
    assert _utf16(ROUND_TRIP_TEXT, last) > last  # the text really has non-BMP characters


def test_output_is_deterministic_and_valid_against_the_schemas(tmp_path: Path) -> None:
    xmlschema = pytest.importorskip("xmlschema")
    transcripts, codings = coded_tables()
    book = load_codebook()
    first = qdpx_bytes(project_from_tables(transcripts, codings, codebook=book))
    second = qdpx_bytes(project_from_tables(transcripts, codings, codebook=book))
    assert first == second
    archive = zipfile.ZipFile(io.BytesIO(first))
    assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    names = archive.namelist()
    assert names[0] == "project.qde" and all(n.startswith("sources/") for n in names[1:])
    project_schema = xmlschema.XMLSchema(SCHEMAS / "project.xsd")
    project_schema.validate(archive.read("project.qde").decode())
    codes = project_from_tables(transcripts, codings, codebook=book).codes
    xmlschema.XMLSchema(SCHEMAS / "codebook.xsd").validate(qdc_bytes(codes).decode())
    # The schema is strict enough to catch a broken project.
    broken = archive.read("project.qde").decode().replace('isCodable="true"', "", 1)
    assert not project_schema.is_valid(broken)


def test_a_codings_note_and_date_are_written_and_valid(tmp_path: Path) -> None:
    # A researcher in NVivo or ATLAS.ti sees why tematik coded a passage: the note is the
    # selection's Description, its date (ISO 8601) the selection's and the coding's.
    xmlschema = pytest.importorskip("xmlschema")
    transcripts, codings = coded_tables()
    note = coding_note("turun langsung; pertanyaan: kepemimpinan", 3.25, "dictionary",
                       float("nan"), threshold=1.5)
    assert note == ("Kode otomatis tematik (kamus buku kode), bukan kode peneliti. Bukti: "
                    "turun langsung; pertanyaan: kepemimpinan. Skor 3,25 (ambang 1,5).")
    codings = codings.assign(note=[note if pd.isna(u) else None for u in codings["user"]])
    project = project_from_tables(transcripts, codings, created="2025-03-14T03:00:00Z")
    qde = zipfile.ZipFile(io.BytesIO(qdpx_bytes(project))).read("project.qde").decode()
    xmlschema.XMLSchema(SCHEMAS / "project.xsd").validate(qde)
    mine = re.findall(r"<PlainTextSelection [^>]*creatingUser=\"([^\"]+)\"[^>]*>\s*"
                      r"(<Description>.*?</Description>)?", qde, flags=re.S)
    tematik = {u for u, d in mine if d}
    assert len(tematik) == 1 and sum(1 for u, d in mine if d) == 3  # tematik's three codings
    assert all(not d for u, d in mine if u not in tematik)  # Rina's codings have no note
    assert qde.count('creationDateTime="2025-03-14T03:00:00Z"') == 2 * 3
    assert "Bukti: turun langsung; pertanyaan: kepemimpinan. Skor 3,25" in qde
    back = read_qdpx(write_output(tmp_path / "p.qdpx", qdpx_bytes(project)))
    assert sorted((c.start, c.end) for c in back.codings) == sorted(
        zip(codings["start"], codings["end"], strict=True))
    en = coding_note("tegas", 2.0, "combined", 0.81, threshold=1.5, lang="en")
    assert en == ("Automatic code by tematik (codebook dictionary and trained coder), not the "
                  "researcher's. Evidence: tegas. Score 2.00 (threshold 1.5). Probability "
                  "0.81.")


def test_codebook_round_trip_and_themes(tmp_path: Path) -> None:
    codes = project_from_tables(*coded_tables(), codebook=load_codebook()).codes
    back = read_qdc(write_output(tmp_path / "kode.qdc", qdc_bytes(codes)))
    assert back == codes
    themes = themes_from_codes(back)
    assert [t.id for t in themes][:4] == ["kepemimpinan", "budaya_organisasi",
                                          "kinerja_aparatur", "kinerja_aparatur.pemahaman_tugas"]
    assert themes[3].parent == "kinerja_aparatur" and themes[3].definition


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.lists(_ALPHABET, min_size=1, max_size=60).map("".join),
       spans=st.lists(st.tuples(st.integers(0, 200), st.integers(0, 200)), max_size=6),
       positions=st.sampled_from(["codepoint", "utf16"]))
def test_round_trip_property(tmp_path_factory: pytest.TempPathFactory, text: str,
                             spans: list[tuple[int, int]], positions: str) -> None:
    n = len(text)
    rows = [{"transcript_id": "t", "theme": "kinerja", "start": min(a, b) % (n + 1),
             "end": max(min(a, b) % (n + 1), max(a, b) % (n + 1))} for a, b in spans]
    codings = pd.DataFrame(rows, columns=["transcript_id", "theme", "start", "end"])
    project = project_from_tables(pd.DataFrame([{"transcript_id": "t", "text": text}]), codings)
    path = tmp_path_factory.mktemp("rt") / "p.qdpx"
    write_output(path, qdpx_bytes(project, positions=positions))  # type: ignore[arg-type]
    back = read_qdpx(path)
    assert back.sources[0].text == text
    assert sorted((c.start, c.end) for c in back.codings) == sorted(
        {(r["start"], r["end"]) for r in rows})


def test_write_is_atomic_and_reports_unwritable_paths(tmp_path: Path) -> None:
    project = project_from_tables(*coded_tables())
    target = tmp_path / "ekspor.qdpx"
    target.write_bytes(b"versi lama")
    write_output(target, qdpx_bytes(project))
    assert read_qdpx(target).sources[0].text == ROUND_TRIP_TEXT
    assert [p.name for p in tmp_path.iterdir()] == ["ekspor.qdpx"]
    with pytest.raises(TematikError, match="cannot write"):
        write_output(tmp_path / "tidak-ada" / "ekspor.qdpx", qdpx_bytes(project))
