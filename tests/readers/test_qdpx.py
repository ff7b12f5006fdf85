"""Reading REFI-QDA projects and codebooks: codes, coders, sources, positions, hostile archives."""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.errors import InputFileError
from pipeline.readers.archive import ArchiveLimits
from pipeline.readers.qdpx import read_qdc, read_qdpx
from pipeline.readers.qdpx_tables import (
    codings_frame,
    project_from_tables,
    source_metadata,
)
from pipeline.report.qdpx_write import qdpx_bytes
from tests.round_trip import coded_tables, span

# GUIDs as the programs write them: upper case, some in braces.
U_RINA = "5C94BC9E-DB8C-4F1D-9CD6-E900C7440860"


U_DODI = "{DF241DA2-BCA0-4AD9-83C1-B89C98D83567}"


C_KINERJA = "2DFBA8C9-59F5-4424-99D6-EA9BCE18134B"


C_RESPON = "AE6D04CE-D987-4FC8-AF97-D72CA6FFD08F"


C_PIMPIN = "76414714-63C4-4A25-A47E-66FEF80BD52E"


SRC = "631251CC-9FB4-4131-BEA8-35947084C409"


VAR_JABATAN = "142EB46D-612E-4593-A385-D0E5D04D1288"


INTERVIEW = [
    "P: Gimana pelayanan di kantor ini, Bu?",
    "I: Ya eh, pelayanannya udah cepat kok, warga gak nunggu lama.",
    "Pak Kadis itu turun langsung, ngasih contoh ke kita gitu.",
]


def _guid(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"


def _qde(source: str, selections: list[tuple[int, int, str, str, str]], *,
         origin: str = "NVivo 14", cases: bool = True) -> str:
    """A project.qde like the programs write; selections are (start, end, code, user, name)."""
    sels = "\n".join(
        f'<PlainTextSelection guid="{_guid(i)}" name="{name}" startPosition="{s}" '
        f'endPosition="{e}" creatingUser="{user}"><Coding guid="{_guid(100 + i)}" '
        f'creatingUser="{user}"><CodeRef targetGUID="{code}"/></Coding></PlainTextSelection>'
        for i, (s, e, code, user, name) in enumerate(selections))
    case = (f'<Cases><Case guid="{_guid(900)}" name="Bu Sari"><VariableValue>'
            f'<VariableRef targetGUID="{VAR_JABATAN}"/><TextValue>Kasubbag Umum</TextValue>'
            f'</VariableValue><SourceRef targetGUID="{SRC}"/></Case></Cases>') if cases else ""
    return f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Skripsi" origin="{origin}">
<Users><User guid="{U_RINA}" name="Rina"/><User guid="{U_DODI}" name="Dodi"/></Users>
<CodeBook><Codes>
 <Code guid="{C_KINERJA}" name="Kinerja" isCodable="true">
  <Description>Kinerja aparatur</Description>
  <Code guid="{C_RESPON}" name="Responsivitas" isCodable="true"/></Code>
 <Code guid="{C_PIMPIN}" name="Kepemimpinan" isCodable="true"/>
</Codes></CodeBook>
<Variables><Variable guid="{VAR_JABATAN}" name="Jabatan" typeOfVariable="Text"/></Variables>
{case}
<Sources>{source.replace("SELECTIONS", sels)}</Sources>
</Project>"""


def _zip(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return path


def _utf16(text: str, index: int) -> int:
    return len(text[:index].encode("utf-16-le")) // 2


def _nvivo_project(tmp_path: Path, folder: str, newline: str, origin: str,
                   count_crlf_as: int) -> tuple[Path, str]:
    text = "\n".join(INTERVIEW) + "\n"
    raw = text.replace("\n", newline)
    phrases = [("pelayanannya udah cepat", C_RESPON, U_RINA),
               ("warga gak nunggu lama", C_RESPON, U_DODI),
               ("turun langsung, ngasih contoh", C_PIMPIN, U_RINA)]
    sels = []
    for phrase, code, user in phrases:
        s, e = span(text, phrase)
        extra_s = text[:s].count("\n") * (count_crlf_as - 1)
        extra_e = text[:e].count("\n") * (count_crlf_as - 1)
        sels.append((s + extra_s, e + extra_e, code, user, ""))
    source = (f'<TextSource guid="{SRC}" name="Wawancara Bu Sari" '
              f'plainTextPath="internal://{SRC}.txt">SELECTIONS</TextSource>')
    path = _zip(tmp_path / "nvivo.qdpx", {
        "project.qde": _qde(source, sels, origin=origin).encode(),
        f"{folder}/{SRC}.txt": raw.encode("utf-8"),
    })
    return path, text


_SOURCE = f'<TextSource guid="{SRC}" plainTextPath="internal://{SRC}.txt">SELECTIONS</TextSource>'


_GOOD_QDE = _qde(_SOURCE, [(0, 2, C_RESPON, U_RINA, "")]).encode()


_BILLION = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else
                                                       b"&lol;") * 10) for i in range(1, 10))
            + b']><Project xmlns="urn:QDA-XML:project:1.0" name="&lol9;"/>')


_XXE = (b'<?xml version="1.0"?><!DOCTYPE Project [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<Project xmlns="urn:QDA-XML:project:1.0" name="&x;"/>')


def _symlink_archive(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", _GOOD_QDE)
        info = zipfile.ZipInfo(f"sources/{SRC}.txt")
        info.create_system = 3
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, "/etc/passwd")


def _bomb(path: Path) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("project.qde", _GOOD_QDE)
        zf.writestr(f"sources/{SRC}.txt", b"\0" * (24 * 1024 * 1024))


HOSTILE = {
    "traversal": (lambda p: _zip(p, {"project.qde": _GOOD_QDE, "../../evil.txt": b"x"}),
                  "path traversal"),
    "absolute": (lambda p: _zip(p, {"project.qde": _GOOD_QDE, "/etc/cron.d/x": b"x"}),
                 "absolute path"),
    "drive": (lambda p: _zip(p, {"project.qde": _GOOD_QDE, "C:/Windows/x.txt": b"x"}),
              "absolute path"),
    "symlink": (_symlink_archive, "symbolic link"),
    "zip bomb": (_bomb, "zip bomb"),
    "billion laughs": (lambda p: _zip(p, {"project.qde": _BILLION}), "billion laughs"),
    "xxe": (lambda p: _zip(p, {"project.qde": _XXE}), "XXE"),
    "no project.qde": (lambda p: _zip(p, {f"sources/{SRC}.txt": b"teks"}),
                       "no project.qde"),
    "corrupt zip": (lambda p: p.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 8),
                    "not a readable zip"),
    "truncated zip": (lambda p: p.write_bytes(
        qdpx_bytes(project_from_tables(*coded_tables()))[:700]), "not a readable zip"),
    "not xml": (lambda p: _zip(p, {"project.qde": b"<Project><Users>"}), "not well-formed"),
    "wrong root": (lambda p: _zip(p, {"project.qde": b"<CodeBook/>"}), "not <Project>"),
    "empty file": (lambda p: p.write_bytes(b""), "not a readable zip"),
}


@pytest.mark.parametrize(("folder", "newline", "origin", "count_crlf_as"), [
    ("sources", "\n", "QualCoder 3.5", 1),
    ("Sources", "\r\n", "NVivo 14", 2),      # NVivo on Windows: \r\n counts two
    ("Sources", "\r\n", "ATLAS.ti 23", 1),   # ATLAS.ti: the file has \r\n, positions count one
    ("sources", "\r\n", "MAXQDA 2022", 2),   # unknown habit: decided from the selections
    ("sources", "\r\n", "MAXQDA 2022", 1),
])
def test_reads_nested_codes_two_coders_and_cases(
    tmp_path: Path, folder: str, newline: str, origin: str, count_crlf_as: int
) -> None:
    path, text = _nvivo_project(tmp_path, folder, newline, origin, count_crlf_as)
    project = read_qdpx(path)
    (source,) = project.sources
    assert source.text == text and source.entry == f"{folder}/{SRC}.txt"
    frame = codings_frame(project)
    assert frame["text"].tolist() == ["pelayanannya udah cepat", "warga gak nunggu lama",
                                      "turun langsung, ngasih contoh"]
    assert frame["code_path"].tolist() == ["Kinerja/Responsivitas", "Kinerja/Responsivitas",
                                           "Kepemimpinan"]
    assert frame["user"].tolist() == ["Rina", "Dodi", "Rina"]
    (kinerja, _) = project.codes
    assert kinerja.description == "Kinerja aparatur"
    assert [c.name for c in kinerja.children] == ["Responsivitas"]
    assert source_metadata(project)[source.guid] == {"case": "Bu Sari",
                                                     "Jabatan": "Kasubbag Umum"}


def test_nvivo_counts_emoji_as_two_units(tmp_path: Path) -> None:
    text = "I: Ya 😀😀 pelayanannya cepat 👍🏽, gak ribet.\n"
    s, e = span(text, "gak ribet")
    source = (f'<TextSource guid="{SRC}" name="chat" plainTextPath="internal://{SRC}.txt">'
              "SELECTIONS</TextSource>")
    qde = _qde(source, [(_utf16(text, s), _utf16(text, e), C_RESPON, U_RINA, "")])
    path = _zip(tmp_path / "p.qdpx", {"project.qde": qde.encode(),
                                      f"sources/{SRC}.txt": text.encode()})
    project = read_qdpx(path)
    assert codings_frame(project)["text"].tolist() == ["gak ribet"]
    assert any("UTF-16" in w for w in project.warnings)


def test_reads_docx_source_and_inline_text(tmp_path: Path) -> None:
    document = docx.Document()
    for line in INTERVIEW:
        document.add_paragraph(line)
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Informan"
    table.cell(0, 1).text = "Apel pagi itu wajib, Pak."
    buffer = io.BytesIO()
    document.save(buffer)
    text = "\n".join([*INTERVIEW, "Informan", "Apel pagi itu wajib, Pak."])
    s, e = span(text, "Apel pagi itu wajib")
    s2, e2 = span(INTERVIEW[1], "warga gak nunggu lama")
    sources = (
        f'<TextSource guid="{SRC}" name="wawancara.docx" richTextPath="internal://{SRC}.docx">'
        f"SELECTIONS</TextSource>"
        f'<TextSource guid="{_guid(77)}" name="catatan"><PlainTextContent>{INTERVIEW[1]}'
        f'</PlainTextContent><PlainTextSelection guid="{_guid(78)}" startPosition="{s2}" '
        f'endPosition="{e2}"><Coding guid="{_guid(79)}" creatingUser="{U_DODI}">'
        f'<CodeRef targetGUID="{C_RESPON}"/></Coding></PlainTextSelection></TextSource>'
        '<PictureSource guid="{%s}" path="internal://foto.jpg"/>' % _guid(80))
    qde = _qde(sources, [(s, e, C_PIMPIN, U_RINA, "Apel pagi")])
    path = _zip(tmp_path / "p.qdpx", {"project.qde": qde.encode(),
                                      f"Sources/{SRC}.docx": buffer.getvalue()})
    project = read_qdpx(path)
    assert project.sources[0].text == text
    frame = codings_frame(project)
    assert frame[["source", "text", "user"]].values.tolist() == [
        ["wawancara.docx", "Apel pagi itu wajib", "Rina"],
        ["catatan", "warga gak nunggu lama", "Dodi"]]
    assert any("PictureSource" in w for w in project.warnings)


def test_bad_selections_and_outside_sources_are_skipped_with_warnings(tmp_path: Path) -> None:
    text = "I: Ya gitu, kerjanya udah sesuai SOP.\n"
    sources = (f'<TextSource guid="{SRC}" name="w1" plainTextPath="internal://{SRC}.txt">'
               f"SELECTIONS</TextSource>"
               f'<TextSource guid="{_guid(5)}" name="luar" plainTextPath="/etc/passwd"/>'
               f'<TextSource guid="{_guid(6)}" name="hilang" '
               f'plainTextPath="internal://tidak-ada.txt"/>')
    qde = _qde(sources, [(3, 10, C_RESPON, U_RINA, ""), (30, 500, C_RESPON, U_RINA, ""),
                         (0, 2, _guid(404), U_RINA, "")], cases=False)
    path = _zip(tmp_path / "p.qdpx", {"project.qde": qde.encode(),
                                      f"sources/{SRC}.txt": text.encode()})
    project = read_qdpx(path)
    assert [s.name for s in project.sources] == ["w1"]
    assert codings_frame(project)["text"].tolist() == ["Ya gitu"]
    joined = "\n".join(project.warnings)
    for expected in ("outside its text", "outside the archive", "tidak-ada.txt",
                     "not in the codebook"):
        assert expected in joined


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_archives_give_a_clear_error(tmp_path: Path, case: str) -> None:
    build, message = HOSTILE[case]
    path = tmp_path / "proyek.qdpx"
    build(path)
    with pytest.raises(InputFileError, match=message) as info:
        read_qdpx(path)
    assert str(path) in str(info.value) and info.value.fix


def test_limits_are_configurable(tmp_path: Path) -> None:
    path, _ = _nvivo_project(tmp_path, "sources", "\n", "QualCoder", 1)
    with pytest.raises(InputFileError, match="more than the limit of 1"):
        read_qdpx(path, limits=ArchiveLimits(max_entries=1))
    with pytest.raises(InputFileError, match="zip bomb"):
        read_qdpx(path, limits=ArchiveLimits(max_entry_bytes=100))
    assert read_qdpx(path, limits=ArchiveLimits(max_entries=2)).sources


@pytest.mark.parametrize(("data", "message"), [
    (_XXE.replace(b"Project", b"CodeBook"), "XXE"),
    (b"<CodeBook xmlns='urn:QDA-XML:codebook:1.0'/>", "no <Codes>"),
    (b"PK\x03\x04", "zip archive"),
])
def test_hostile_codebooks(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "kode.qdc"
    path.write_bytes(data)
    with pytest.raises(InputFileError, match=message):
        read_qdc(path)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(qde=st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode),
                     st.builds(lambda a, b: _GOOD_QDE[:a] + b + _GOOD_QDE[a:],
                               st.integers(0, len(_GOOD_QDE)), st.binary(max_size=20))),
       extra=st.lists(st.tuples(st.sampled_from(["sources/x.txt", "Sources/../y", "/abs",
                                                 "project.qde", "a/b/c.txt"]),
                                st.binary(max_size=50)), max_size=3,
                      unique_by=lambda entry: entry[0]))
def test_reading_arbitrary_archives_never_crashes(tmp_path_factory: pytest.TempPathFactory,
                                                  qde: bytes,
                                                  extra: list[tuple[str, bytes]]) -> None:
    """Whatever a .qdpx holds, the reader returns a project or raises InputFileError."""
    import contextlib
    import zipfile

    path = tmp_path_factory.mktemp("fuzz") / "p.qdpx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", qde)
        for name, data in extra:
            if name != "project.qde":
                zf.writestr(name, data)
    with contextlib.suppress(InputFileError):
        read_qdpx(path)
