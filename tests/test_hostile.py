"""Hostile and broken input: every file either becomes a transcript or is skipped with a
message naming it and the problem; never a traceback, never a hang, never a file written
outside the run directory, and the other files are still read. The corpus is built here,
in tmp_path; nothing binary is committed."""

from __future__ import annotations

import csv
import io
import os
import stat
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from pipeline.cli import main
from pipeline.config import RunConfig
from pipeline.errors import InputFileError
from pipeline.limits import ArchiveLimits, InputLimits
from pipeline.readers.ingest import Read, ingest, normalise_text, read_file
from pipeline.runs.run import run
from pipeline.stages.speakers import parse_turns
from pipeline.types import Corpus

GOOD = (
    "P: Gimana pelayanan di kantor ini, Bu?\n"
    "I: Ya eh, pelayanannya udah cepat kok, warga gak nunggu lama. Pak Kadis itu turun "
    "langsung, ngasih contoh ke kita gitu.\n"
    "P: Terus disiplinnya gimana?\n"
    "I: Ehm, apel pagi wajib, yang telat ditegur. Kita jadi kebiasaan datang tepat waktu lah.\n"
)


def check_offsets(corpus: Corpus) -> None:
    texts = {t.transcript_id: t.text for t in corpus.transcripts}
    for turn in corpus.turns:
        assert texts[turn.transcript_id][turn.start : turn.end] == turn.text


def _docx_bytes(*lines: str) -> bytes:
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _rezip(data: bytes, replace: dict[str, bytes]) -> bytes:
    """The archive ``data`` with entries replaced or added (written as given, unchecked)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in src.infolist():
            zf.writestr(info.filename, replace.get(info.filename, src.read(info.filename)))
        for name, entry in replace.items():
            if name not in src.namelist():
                zf.writestr(name, entry)
    return out.getvalue()


def _with_dtd(data: bytes, dtd: bytes, entity: bytes) -> bytes:
    document = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")
    document = document.replace(b"?>", b"?>" + dtd, 1).replace(b"Gimana", entity, 1)
    return _rezip(data, {"word/document.xml": document})


XXE = b'<!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
LAUGHS = (b'<!DOCTYPE w:document [<!ENTITY a "hahahahaha">'
          + b"".join(b'<!ENTITY a%d "%s">' % (i, (b"&a%d;" % (i - 1) if i > 1 else b"&a;") * 10)
                     for i in range(1, 10)) + b"]>")
BOMB = b"\0" * (24 * 1024 * 1024)  # 24 MB of zeros: about 24 KB compressed


def _symlink_zip(target: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("project.qde", b"<Project xmlns='urn:QDA-XML:project:1.0'/>")
        info = zipfile.ZipInfo("sources/x.txt")
        info.create_system = 3
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, target)
    return out.getvalue()


def _xlsx_formulas_merged() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Pembicara", "Ucapan"])
    ws.append(["P", "Gimana apel paginya?"])
    ws.append(["Bu Sari", "Wajib, yang telat ditegur."])
    ws.append(["", "Jadi kebiasaan datang tepat waktu lah."])  # merged with the row above
    ws.append(["P", '=CONCATENATE("Terus ", "gimana?")'])
    ws.merge_cells("A3:A4")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


MIXED = (GOOD.encode("utf-8") + "I: Kopinya di kafé depan.\n".encode("cp1252")
         + "I: Résumé kegiatan udah dikirim.\n".encode())

# name -> (bytes, None when it must be read, else a fragment of the skip message)
Builder = Callable[[], bytes]
CORPUS: dict[str, tuple[Builder, str | None]] = {
    "kosong.txt": (lambda: b"", "the file is empty"),
    "spasi.txt": (lambda: b"  \n\t\n   \n", "the file is empty"),
    "biner.txt": (lambda: os.urandom(4096), "not a text file"),
    "biner.csv": (lambda: bytes(range(256)) * 16, "not a text file"),
    "biner.docx": (lambda: bytes(range(256)) * 16, "not a readable Word file"),
    "terpotong.docx": (lambda: _docx_bytes("P: Gimana?", "I: Bagus.")[:5000],
                       "not a readable Word file"),
    "rusak.docx": (lambda: (lambda d: d[:1200] + bytes(800) + d[2000:])(
        _docx_bytes("P: Gimana?", "I: Bagus.")), "cannot be unpacked"),
    "xxe.docx": (lambda: _with_dtd(_docx_bytes("P: Gimana?", "I: Bagus."), XXE, b"&x;"),
                 "XXE"),
    "tawa.docx": (lambda: _with_dtd(_docx_bytes("P: Gimana?", "I: Bagus."), LAUGHS, b"&a9;"),
                  "billion laughs"),
    "bom.docx": (lambda: _rezip(_docx_bytes("P: Gimana?", "I: Bagus."),
                                {"word/media/a.bin": BOMB}), "zip bomb"),
    "keluar.docx": (lambda: _rezip(_docx_bytes("P: Gimana?", "I: Bagus."),
                                   {"../../keluar.txt": b"x"}), "path traversal"),
    "bom.qdpx": (lambda: _rezip(_empty_zip(), {"project.qde": BOMB}), "zip bomb"),
    "keluar.qdpx": (lambda: _rezip(_empty_zip(), {"../../x.txt": b"x"}), "path traversal"),
    "absolut.qdpx": (lambda: _rezip(_empty_zip(), {"/tmp/x.txt": b"x"}), "absolute path"),
    "tautan.qdpx": (lambda: _symlink_zip("/etc/passwd"), "symbolic link"),
    "bom.xlsx": (lambda: _rezip(_xlsx_formulas_merged(), {"xl/media/a.bin": BOMB}),
                 "zip bomb"),
    "kutip.csv": (lambda: b'speaker,text\nP,"Gimana apelnya?\nI,Bagus kok.\n',
                  "line 2: malformed CSV"),
    "nul.txt": (lambda: GOOD.encode().replace(b"cepat", b"ce\x00pat"), None),
    "utf16.txt": (lambda: GOOD.encode("utf-16-le"), None),
    "utf16be.txt": (lambda: GOOD.encode("utf-16-be"), None),
    "utf16-putus.txt": (lambda: b"\xff\xfe" + GOOD.encode("utf-16-le") + b"\x00", None),
    "campur.txt": (lambda: MIXED, None),
    "bom-utf8-campur.txt": (lambda: b"\xef\xbb\xbf" + MIXED, None),
    "rumus.xlsx": (_xlsx_formulas_merged, None),
    "wawancara ü 1 (final).txt": (lambda: GOOD.encode(), None),
    "-rm -rf.txt": (lambda: GOOD.encode(), None),
    "--help.txt": (lambda: GOOD.encode(), None),
}


def _empty_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w"):
        pass
    return out.getvalue()


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile") / "wawancara"
    folder.mkdir()
    (folder / "baik.txt").write_text(GOOD, encoding="utf-8")
    for name, (build, _) in CORPUS.items():
        (folder / name).write_bytes(build())
    (folder / "sub").mkdir()
    (folder / "sub" / "baik juga.txt").write_text(GOOD, encoding="utf-8")
    (folder / "sub" / "putar").symlink_to("..", target_is_directory=True)  # a loop
    (folder / "sub" / "diri.txt").symlink_to("diri.txt")  # a link to itself
    return folder


@pytest.fixture(scope="module")
def corpus(corpus_dir: Path) -> Corpus:
    return ingest([corpus_dir])


def _snapshot(root: Path) -> dict[str, tuple[int, float]]:
    return {str(p.relative_to(root)): (p.lstat().st_size, p.lstat().st_mtime)
            for p in root.rglob("*") if "runs" not in p.relative_to(root).parts[:1]}


@pytest.mark.parametrize("name", [n for n, (_, bad) in CORPUS.items() if bad])
def test_each_bad_file_is_skipped_naming_it_and_the_problem(corpus: Corpus, name: str) -> None:
    message = CORPUS[name][1]
    assert message is not None
    found = [s for s in corpus.skipped if s.startswith(f"{name}") or f"/{name}" in s]
    assert found, f"{name} not reported in {corpus.skipped}"
    assert message in found[0]


def test_the_valid_files_are_all_read(corpus: Corpus) -> None:
    sources = {Path(t.source).name for t in corpus.transcripts}
    wanted = {"baik.txt", "baik juga.txt", *(n for n, (_, bad) in CORPUS.items() if not bad)}
    assert sources == wanted
    check_offsets(corpus)
    ids = {t.transcript_id for t in corpus.transcripts}
    assert {"wawancara-u-1-final", "rm-rf", "help"} <= ids


def test_repairs_are_exact_and_reported(corpus: Corpus) -> None:
    by_name = {Path(t.source).name: t for t in corpus.transcripts}
    good = by_name["baik.txt"].text
    assert by_name["nul.txt"].text == good
    assert by_name["utf16.txt"].text == good and by_name["utf16.txt"].encoding == "utf-16-le"
    assert by_name["utf16be.txt"].text == good
    assert by_name["utf16-putus.txt"].text.startswith(good)
    for name in ("campur.txt", "bom-utf8-campur.txt"):
        assert "kafé depan" in by_name[name].text and "Résumé" in by_name[name].text
        assert by_name[name].encoding.endswith("+cp1252")
    notes = "\n".join(corpus.warnings)
    assert "nul.txt: 1 control character(s) such as NUL bytes were removed" in notes
    assert "campur.txt: the file mixes encodings: 1 line(s) are not UTF-8" in notes
    assert "utf16-putus.txt: 1 invalid UTF-16 sequence" in notes
    assert "putar: skipped, a symbolic link back to a folder already read" in notes
    assert "diri.txt: skipped, a symbolic link that leads nowhere" in notes


def test_xlsx_merged_speaker_cells_continue_and_formulas_use_saved_values(
        corpus: Corpus) -> None:
    (sheet,) = [t for t in corpus.transcripts if t.source.endswith("rumus.xlsx")]
    turns = [t for t in corpus.turns if t.transcript_id == sheet.transcript_id]
    assert [(t.speaker, t.text) for t in turns] == [
        ("P", "Gimana apel paginya?"),
        ("Bu Sari", "Wajib, yang telat ditegur.\nJadi kebiasaan datang tepat waktu lah."),
    ]  # the formula has no saved value (never opened in Excel): an empty cell


def test_run_and_cli_survive_the_whole_folder_and_write_only_the_run(
        corpus_dir: Path, tmp_path: Path) -> None:
    root = corpus_dir.parent
    before = _snapshot(root)
    result = run([corpus_dir], root / "runs" / "api", config=RunConfig(topics=0))
    assert result.counts["transcripts"] == 2 + sum(bad is None for _, bad in CORPUS.values())
    assert len(result.skipped) == sum(bad is not None for _, bad in CORPUS.values())
    outcome = CliRunner().invoke(main, ["run", str(corpus_dir), "--out",
                                        str(root / "runs" / "cli"), "--topics", "0"])
    assert outcome.exit_code == 0, outcome.output
    assert "Traceback" not in outcome.output
    for name, (_, bad) in CORPUS.items():
        if bad:
            assert f"skipped: {corpus_dir / name}" in outcome.output
    assert _snapshot(root) == before  # inputs untouched, nothing beside the run directories
    assert sorted(p.name for p in (root / "runs").iterdir()) == ["api", "cli"]
    assert not list(Path("/tmp").glob("keluar.txt")) and not (root / "x.txt").exists()


def test_a_lone_bad_file_is_one_clear_line_through_the_cli(tmp_path: Path) -> None:
    bad = tmp_path / "tawa.docx"
    bad.write_bytes(CORPUS["tawa.docx"][0]())
    outcome = CliRunner().invoke(main, ["run", str(bad), "--out", str(tmp_path / "r")])
    assert outcome.exit_code == 1
    assert outcome.output.startswith(f"Error: {bad} (entry 'word/document.xml'): the XML "
                                     "declares a DTD")
    assert "Traceback" not in outcome.output and not (tmp_path / "r").exists()


def test_leading_dash_file_name_after_double_dash(tmp_path: Path) -> None:
    path = tmp_path / "-x pegawai.txt"
    path.write_text(GOOD, encoding="utf-8")
    os.chdir(tmp_path)
    outcome = CliRunner().invoke(main, ["run", "--out", "r", "--topics", "0", "--",
                                        "-x pegawai.txt"])
    assert outcome.exit_code == 0, outcome.output
    assert (tmp_path / "r" / "passages.csv").exists()


def test_a_device_or_pipe_is_skipped_not_read(tmp_path: Path) -> None:
    fifo = tmp_path / "pipa.txt"
    os.mkfifo(fifo)
    (tmp_path / "baik.txt").write_text(GOOD, encoding="utf-8")
    corpus = ingest([fifo, tmp_path / "baik.txt"])
    assert [t.transcript_id for t in corpus.transcripts] == ["baik"]
    assert any("pipa.txt: skipped, not a regular file" in w for w in corpus.warnings)


def test_every_unicode_category_keeps_offsets_and_drops_invisibles(tmp_path: Path) -> None:
    text = (
        "P: Gimana\u202e pelayanan\u200f\u2066 di sini?\u2069\n"
        "I: Bagus 👨\u200d👩\u200d👧 e\u0301 mantap\u00ad lah, العربية ok, 한국어 ᄀ\u1161, "
        "\U000e0041 \x07 tanda 🇮🇩 \ufe0f\u20e3 \u0000 ya\u2028gitu.\n"
    )
    path = tmp_path / "unicode.txt"
    path.write_text(text, encoding="utf-8")
    corpus = ingest([path])
    check_offsets(corpus)
    (transcript,) = corpus.transcripts
    for invisible in "\u202e\u200f\u2066\u2069\u200d\u00ad\x07\x00\u2028":
        assert invisible not in transcript.text
    informant = next(t.text for t in corpus.turns if t.role == "informant")
    assert informant.startswith("Bagus 👨👩👧 é mantap lah, العربية ok, 한국어 가,")
    assert informant.endswith("ya\ngitu.")


def test_long_lines_and_a_fifty_thousand_word_turn_stay_fast(tmp_path: Path) -> None:
    line = "kerja bagus ya, " * 65_536  # 1 MB on one line
    turn = " ".join(f"pegawai {i} datang pagi, ikut apel, terus kerja sampai sore."
                    for i in range(5_000))
    (tmp_path / "baris.txt").write_text(f"P: Ceritakan?\nI: {line}\n", encoding="utf-8")
    (tmp_path / "giliran.txt").write_text(f"P: Ceritakan?\nI: {turn}\n", encoding="utf-8")
    t0 = time.perf_counter()
    corpus = ingest([tmp_path])
    assert time.perf_counter() - t0 < 5
    lengths = sorted(len(t.text.split()) for t in corpus.turns if t.role == "informant")
    assert lengths == [50_000, 65_536 * 3]


def test_limits_are_configurable_and_named_in_the_message(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(GOOD * 40, encoding="utf-8")
    (tmp_path / "b.docx").write_bytes(_docx_bytes("P: Gimana?", "I: " + "bagus " * 5000))
    (tmp_path / "c.csv").write_text("speaker,text\n" + "P,tanya\nI,jawab\n" * 50, "utf-8")
    (tmp_path / "d.txt").write_text(GOOD, encoding="utf-8")
    small = InputLimits(max_file_bytes=5_000, max_table_rows=20, max_text_chars=20_000,
                        archive=ArchiveLimits(max_total_bytes=10_000))
    corpus = ingest([tmp_path], limits=small)
    assert [t.transcript_id for t in corpus.transcripts] == ["d"]
    skipped = "\n".join(corpus.skipped)
    size = (tmp_path / "a.txt").stat().st_size
    assert f"a.txt: the file is {size:,} bytes, more than the limit of 5,000" in skipped
    assert "InputLimits.max_file_bytes (pipeline/limits.py)" in skipped
    assert "b.docx" in skipped and "c.csv" in skipped
    with pytest.raises(InputFileError, match="more than the limit of 1,000"):
        ingest([tmp_path / "a.txt"], limits=InputLimits(max_text_chars=1_000))


# -- properties and fuzzing ----------------------------------------------------------------

SPOKEN = st.sampled_from(
    "ya eh ehm gitu kan gak nggak udah gimana pelayanannya kerjanya pimpinan apel pagi "
    "warga cepat lambat lah dong sih Pak Bu kantor dinas disiplin".split())
PUNCT = st.sampled_from(["", ",", ".", "?", "!", "...", " —", ";"])
UTTERANCE = st.lists(st.tuples(SPOKEN, PUNCT), min_size=1, max_size=12).map(
    lambda ws: " ".join(w + p for w, p in ws).strip())
NOISE = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12)


@st.composite
def transcripts(draw: st.DrawFn) -> tuple[str, list[tuple[str, str]]]:
    """A labelled interview: alternating P:/I: turns, with optional timestamps, spaces
    before the colon, blank lines and stray Unicode inside the speech."""
    n = draw(st.integers(1, 6))
    turns: list[tuple[str, str]] = []
    lines: list[str] = []
    for i in range(n * 2):
        label = "P" if i % 2 == 0 else "I"
        said = draw(UTTERANCE)
        if label == "I" and draw(st.booleans()):
            said = f"{said} {draw(UTTERANCE)}"
        stamp = draw(st.sampled_from(["", "[00:12:03] ", "(01:02) "]))
        colon = draw(st.sampled_from([":", " :", ":  "]))
        gap = draw(st.sampled_from(["\n", "\n\n", "\r\n"]))
        lines.append(f"{stamp}{label}{colon} {said}{gap}")
        turns.append((label, said))
    return "".join(lines), turns


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=transcripts())
def test_parser_finds_every_labelled_turn_with_exact_offsets(
        case: tuple[str, list[tuple[str, str]]]) -> None:
    text, expected = case
    normal = normalise_text(text)
    parsed = parse_turns(normal)
    got = [(t.role, normal[t.start : t.end]) for t in parsed.turns]
    roles = {"P": "interviewer", "I": "informant"}
    assert got == [(roles[label], said) for label, said in expected]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=st.text(max_size=400) | st.lists(st.sampled_from(
    ["P:", "I:", "Informan 1 (Kabag):", "Pertanyaan 3:", "### Jawaban 2", "Nama: Sari",
     "---", "[00:01]", "BAB IV", "\n", "\n\n", " ", "ya?", "gitu.", "**P:**", "1. Apa?",
     "Keterangan: PN = Peneliti", "PN :", "\u200b", "é", "👍🏽"]), max_size=40).map("".join))
def test_parser_never_fails_and_turns_stay_inside_the_text(raw: str) -> None:
    text = normalise_text(raw)
    parsed = parse_turns(text)
    last = 0
    for turn in parsed.turns:
        assert last <= turn.start <= turn.end <= len(text)
        assert turn.role in ("interviewer", "informant")
        last = turn.end


CELL = st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc", "Zl", "Zp"],
                             include_characters='",;\n\t '), min_size=1, max_size=30)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(rows=st.lists(CELL, min_size=1, max_size=8), sep=st.sampled_from([",", ";", "\t"]))
def test_csv_reader_gives_back_every_cell(tmp_path: Path, rows: list[str], sep: str) -> None:
    said = [normalise_text(r).strip() for r in rows]
    assume(all(said))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator="\n")
    writer.writerow(["speaker", "text"])
    for i, cell in enumerate(rows):
        writer.writerow(["P" if i % 2 == 0 else "Bu Sari", cell])
    path = tmp_path / "tabel.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    corpus = ingest([path])
    check_offsets(corpus)
    assert [t.text for t in corpus.turns] == said


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=600) | st.text(max_size=300).map(
    lambda t: t.encode("utf-8", "surrogatepass")) | st.text(max_size=200).map(
    lambda t: t.encode("utf-16-le", "surrogatepass")))
def test_fuzz_any_bytes_give_a_transcript_or_a_clear_error(data: bytes) -> None:
    """Bounded fuzzing of decode + speaker parsing (about two seconds)."""
    try:
        read = read_file_bytes(data)
    except InputFileError as exc:
        assert str(exc).startswith("x.txt: ") and exc.fix
        return
    for transcript, turns, _ in read:
        assert "\x00" not in transcript.text and "\r" not in transcript.text
        assert all(0 <= t.start <= t.end <= len(transcript.text) for t in turns)


def read_file_bytes(data: bytes) -> Read:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "x.txt"
        path.write_bytes(data)
        return read_file(path, "x.txt")
