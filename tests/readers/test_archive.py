"""Zip archives and XML read without trusting them: entries in nested folders are found,
hostile names, links, bombs and DTDs are refused with the file and the entry named."""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

import pytest

from pipeline.errors import InputFileError
from pipeline.limits import DEFAULT_LIMITS, ArchiveLimits
from pipeline.readers.archive import (
    SafeArchive,
    check_container,
    declares_dtd,
    local,
    open_archive,
    parse_xml,
)

SARI = "P: Gimana pimpinannya, Bu?\nI: Ya, eh, beliau itu tegas tapi ngayomi, gitu lho.\n"


def zipped(entries: dict[str, bytes | str], *, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buf.getvalue()


def archive(data: bytes, limits: ArchiveLimits = DEFAULT_LIMITS) -> SafeArchive:
    return SafeArchive(io.BytesIO(data), "proyek.qdpx", limits)


def test_a_zip_with_a_nested_folder_is_read(tmp_path: Path) -> None:
    path = tmp_path / "proyek.qdpx"
    path.write_bytes(zipped({"project.qde": "<Project/>", "sources/": b"",
                             "sources/wawancara/Bu Sari.txt": SARI}))
    with open_archive(path) as found:
        assert found.names() == ["project.qde", "sources/", "sources/wawancara/Bu Sari.txt"]
        assert found.read("sources/wawancara/Bu Sari.txt").decode() == SARI
        assert found.head("sources/wawancara/Bu Sari.txt", 10) == SARI[:10].encode()


def test_an_entry_is_found_whatever_its_letter_case() -> None:
    found = archive(zipped({"Sources/Bu Sari.TXT": SARI}))
    assert found.find("sources/bu sari.txt") == "Sources/Bu Sari.TXT"
    assert found.find("Sources/Bu Sari.TXT") == "Sources/Bu Sari.TXT"
    assert found.find("sources/pak eko.txt") is None


def test_windows_backslashes_in_entry_names_become_slashes() -> None:
    assert archive(zipped({"sources\\Bu Sari.txt": SARI})).names() == ["sources/Bu Sari.txt"]


@pytest.mark.parametrize(("name", "problem"), [
    ("../../.bashrc", "path traversal"), ("sources/../../x.txt", "path traversal"),
    ("/etc/passwd", "absolute path"), ("C:/Users/x.txt", "absolute path"),
    ("sources/a\x01.txt", "control characters"),
])
def test_entry_names_that_escape_the_folder_are_refused(name: str, problem: str) -> None:
    with pytest.raises(InputFileError, match=problem) as info:
        archive(zipped({name: SARI}))
    assert "proyek.qdpx" in str(info.value) and info.value.fix


def test_a_symbolic_link_is_refused() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        link = zipfile.ZipInfo("sources/kunci")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(link, "/home/peneliti/.ssh/id_rsa")
    with pytest.raises(InputFileError, match="symbolic link"):
        archive(buf.getvalue())


def test_two_entries_with_one_name_are_refused() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf, pytest.warns(UserWarning, match="Duplicate"):
        zf.writestr("sources/a.txt", SARI)
        zf.writestr("sources/a.txt", "yang lain")
    with pytest.raises(InputFileError, match="same name"):
        archive(buf.getvalue())


def test_the_limits_on_entries_sizes_and_compression_are_kept() -> None:
    data = zipped({"a.txt": SARI, "b.txt": SARI})
    with pytest.raises(InputFileError, match="2 entries, more than the limit of 1"):
        archive(data, ArchiveLimits(max_entries=1))
    with pytest.raises(InputFileError, match="zip bomb"):
        archive(data, ArchiveLimits(max_entry_bytes=len(SARI) - 1))
    with pytest.raises(InputFileError, match="zip bomb"):
        archive(data, ArchiveLimits(max_total_bytes=len(SARI) + 1))
    bomb = zipped({"nol.txt": b"\x00" * 300_000})
    with pytest.raises(InputFileError, match=r"compressed \d+ to 1"):
        archive(bomb, ArchiveLimits(ratio_min_bytes=1000))
    assert archive(bomb).read("nol.txt") == b"\x00" * 300_000  # under 1 MB: not judged


def test_reading_is_capped_by_the_caller() -> None:
    found = archive(zipped({"project.qde": "<Project>" + "x" * 500 + "</Project>"}))
    with pytest.raises(InputFileError, match="more than the limit of 100"):
        found.read("project.qde", max_bytes=100)


def test_an_encrypted_entry_asks_for_an_export_without_a_password() -> None:
    data = bytearray(zipped({"a.txt": SARI}, method=zipfile.ZIP_STORED))
    # set the "encrypted" flag in the local header and in the central directory
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.index(signature) + offset
        data[at] |= 0x1
    with pytest.raises(InputFileError, match="encrypted") as info:
        archive(bytes(data))
    assert "without a password" in str(info.value.fix)


def test_what_is_not_a_zip_or_not_there_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="not a readable zip archive"):
        archive(b"PK\x03\x04 ini bukan zip")
    with (pytest.raises(InputFileError, match="cannot be read"),
          open_archive(tmp_path / "hilang.qdpx")):
        pass


def test_a_damaged_entry_is_named() -> None:
    data = bytearray(zipped({"sources/a.txt": SARI * 20}))
    start = data.index(b"PK\x03\x04") + 30 + len("sources/a.txt")
    data[start:start + 20] = b"\xff" * 20  # the deflated bytes, not the headers
    with pytest.raises(InputFileError, match=r"entry 'sources/a\.txt'.*cannot be unpacked"):
        archive(bytes(data)).read("sources/a.txt")


# -- XML ---------------------------------------------------------------------------------------

XXE = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
       b"<r>&x;</r>")
LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;">]>'
          b"<r>&b;</r>")


@pytest.mark.parametrize("data", [XXE, LAUGHS])
def test_parse_xml_refuses_entities(data: bytes) -> None:
    with pytest.raises(InputFileError, match="declares a DTD or entities"):
        parse_xml(data, "project.qde")


def test_parse_xml_reads_a_project_and_names_broken_xml() -> None:
    root = parse_xml(b'<Project xmlns="urn:QDA-XML:project:1.0" name="Skripsi">'
                     b"<CodeBook/></Project>", "project.qde")
    assert local(root.tag) == "Project" and root.get("name") == "Skripsi"
    assert [local(c.tag) for c in root] == ["CodeBook"]
    with pytest.raises(InputFileError, match="not well-formed XML"):
        parse_xml(b"<Project><Code></Project>", "project.qde")


def test_declares_dtd_reads_only_the_prolog() -> None:
    assert declares_dtd(XXE) is True
    assert declares_dtd(b"<r>" + b"<x/>" * 1000 + b"</r>") is False
    assert declares_dtd(b"<?xml version='1.0'?>", final=False) is None  # head too short
    assert declares_dtd(b"<r><unclosed></r>") is False  # malformed: the reader says so


def test_an_office_file_with_a_dtd_is_refused_and_a_clean_one_passes() -> None:
    clean = zipped({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"})
    assert check_container(clean, "wawancara.docx", what="Word file", fix="Simpan ulang.")
    hostile = zipped({"[Content_Types].xml": "<Types/>", "word/document.xml": XXE})
    with pytest.raises(InputFileError, match=r"entry 'word/document\.xml'.*DTD"):
        check_container(hostile, "wawancara.docx", what="Word file", fix="Simpan ulang.")
    with pytest.raises(InputFileError, match="not a readable Word file") as info:
        check_container(b"bukan zip", "wawancara.docx", what="Word file", fix="Simpan ulang.")
    assert info.value.fix == "Simpan ulang."
