"""Hardened reading of zip archives and XML: nothing is extracted to disk.

Used for REFI-QDA projects (``.qdpx``) and the Word files inside them; usable for any zip
container. An archive is checked as a whole when it is opened (entry names that would
escape a folder, absolute paths, symlinks, encrypted or duplicate entries, too many entries,
declared sizes and compression ratios over the limits) and every entry is read with a hard
cap, so an archive whose headers lie about sizes still cannot expand without bound.
XML is parsed with defusedxml with DTDs forbidden: no external entities, no entity
expansion ("billion laughs").

Every problem is an :class:`~pipeline.errors.InputFileError` naming the file, the entry and
what to do.
"""

from __future__ import annotations

import io
import re
import stat
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import IO
from xml.etree.ElementTree import Element, ParseError
from xml.parsers import expat

import defusedxml
import defusedxml.ElementTree as SafeET

from pipeline.errors import InputFileError
from pipeline.limits import DEFAULT_LIMITS, MB, ArchiveLimits

__all__ = ["DEFAULT_LIMITS", "MB", "ArchiveLimits", "SafeArchive", "check_container",
           "local", "open_archive", "parse_xml"]

_DRIVE_RE = re.compile(r"^[A-Za-z]:")


def _hostile(shown: str, entry: str, problem: str) -> InputFileError:
    return InputFileError(
        f"{shown} (entry '{entry}')", problem,
        fix="tematik does not open such archives; export the file again from the "
            "program that made it, and do not edit the archive by hand.",
    )


class SafeArchive:
    """A zip archive whose entry names, kinds and sizes have been checked.

    Build it with :func:`open_archive` (a path) or directly from an open binary file
    object; reading never writes anything to disk.
    """

    def __init__(self, fileobj: IO[bytes], shown: str, limits: ArchiveLimits = DEFAULT_LIMITS,
                 *, what: str = "zip archive",
                 fix: str = "The file is damaged or is not a REFI-QDA export; export it again."):
        self.shown = shown
        self.limits = limits
        try:
            self._zip = zipfile.ZipFile(fileobj)
            infos = self._zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError,
                RuntimeError, NotImplementedError) as exc:
            raise InputFileError(
                shown, f"not a readable {what} ({exc.__class__.__name__}: {exc})", fix=fix,
            ) from exc
        if len(infos) > limits.max_entries:
            raise InputFileError(
                shown, f"the archive has {len(infos)} entries, more than the limit of "
                f"{limits.max_entries}",
                fix="Raise ArchiveLimits.max_entries if the archive is genuine.",
            )
        self._infos: dict[str, zipfile.ZipInfo] = {}
        total = 0
        for info in infos:
            name = self._check_name(info)
            self._check_kind(info, name)
            total += info.file_size
            self._check_size(info, name, total)
            self._infos[name] = info

    def _check_name(self, info: zipfile.ZipInfo) -> str:
        raw = info.filename
        name = raw.replace("\\", "/")
        if "\x00" in raw or any(ord(c) < 32 for c in raw):
            raise _hostile(self.shown, raw, "an entry name contains control characters")
        if name.startswith("/") or _DRIVE_RE.match(name):
            raise _hostile(self.shown, raw, "an entry has an absolute path, which would "
                           "write outside the folder it is unpacked into")
        if ".." in name.split("/"):
            raise _hostile(self.shown, raw, "an entry name contains '..', which would "
                           "write outside the folder it is unpacked into (path traversal)")
        if name in self._infos:
            raise _hostile(self.shown, raw, "two entries have the same name")
        return name

    def _check_kind(self, info: zipfile.ZipInfo, name: str) -> None:
        mode = info.external_attr >> 16
        if mode and stat.S_ISLNK(mode):
            raise _hostile(self.shown, name, "an entry is a symbolic link, which could "
                           "point anywhere on this computer")
        if info.flag_bits & 0x1:
            raise InputFileError(
                f"{self.shown} (entry '{name}')", "the entry is encrypted",
                fix="Export the project again without a password.",
            )

    def _check_size(self, info: zipfile.ZipInfo, name: str, total: int) -> None:
        lim = self.limits
        if info.file_size > lim.max_entry_bytes:
            raise _hostile(self.shown, name, f"the entry expands to {info.file_size:,} bytes, "
                           f"more than the limit of {lim.max_entry_bytes:,} (zip bomb?)")
        if total > lim.max_total_bytes:
            raise _hostile(self.shown, name, f"the archive expands to more than "
                           f"{lim.max_total_bytes:,} bytes (zip bomb?)")
        if info.file_size > lim.ratio_min_bytes:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > lim.max_ratio:
                raise _hostile(self.shown, name, f"the entry is compressed {ratio:,.0f} to 1, "
                               f"more than the limit of {lim.max_ratio:,.0f} to 1 (zip bomb?)")

    def names(self) -> list[str]:
        """Entry names (``/`` separated), in archive order; folders included."""
        return list(self._infos)

    def find(self, name: str) -> str | None:
        """The entry called ``name``, compared without regard to letter case."""
        if name in self._infos:
            return name
        lowered = name.lower()
        return next((n for n in self._infos if n.lower() == lowered), None)

    def read(self, name: str, *, max_bytes: int | None = None) -> bytes:
        """The bytes of one entry, never more than its declared size or the limits."""
        info = self._infos[name]
        cap = min(info.file_size, max_bytes or self.limits.max_entry_bytes)
        if info.file_size > cap:
            raise _hostile(self.shown, name, f"the entry expands to {info.file_size:,} bytes, "
                           f"more than the limit of {cap:,}")
        chunks: list[bytes] = []
        size = 0
        with self._unpacking(name), self._zip.open(info) as fh:
            while chunk := fh.read(MB):
                size += len(chunk)
                if size > cap:
                    raise _hostile(self.shown, name, "the entry expands beyond its "
                                   "declared size (zip bomb?)")
                chunks.append(chunk)
        return b"".join(chunks)

    def head(self, name: str, size: int = 64 * 1024) -> bytes:
        """The first ``size`` bytes of one entry (fewer when it is shorter)."""
        with self._unpacking(name), self._zip.open(self._infos[name]) as fh:
            return fh.read(size)

    @contextmanager
    def _unpacking(self, name: str) -> Iterator[None]:
        """What zipfile and zlib raise for a damaged entry, as an :class:`InputFileError`."""
        try:
            yield
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError,
                NotImplementedError, ValueError) as exc:
            raise InputFileError(
                f"{self.shown} (entry '{name}')",
                f"the entry cannot be unpacked ({exc.__class__.__name__}: {exc})",
                fix="The archive is damaged; export it again.",
            ) from exc

    def close(self) -> None:
        self._zip.close()


@contextmanager
def open_archive(path: Path, shown: str = "",
                 limits: ArchiveLimits = DEFAULT_LIMITS) -> Iterator[SafeArchive]:
    """Open and check the archive at ``path``; the file is closed on exit."""
    shown = shown or str(path)
    with ExitStack() as stack:
        try:
            fh = stack.enter_context(Path(path).open("rb"))
        except OSError as exc:
            raise InputFileError(shown, f"cannot be read ({exc.strerror})",
                                 fix="Check the path and the file's permissions.") from exc
        archive = SafeArchive(fh, shown, limits)
        stack.callback(archive.close)
        yield archive


class _Stop(Exception):
    """Raised by the expat handlers of :func:`declares_dtd` to end the scan."""


def declares_dtd(data: bytes, *, final: bool = True) -> bool | None:
    """Whether the XML document ``data`` declares a DTD (where entities are declared).

    Only the prolog is scanned: the parser stops at the root element's start tag, so this
    costs next to nothing even for a large document. Malformed XML answers False (the
    reader that opens it will report it). With ``final=False`` (``data`` is the head of a
    document) None means the head ended before the root element.
    """
    parser = expat.ParserCreate()

    def doctype(*_: object) -> None:
        raise _Stop(True)

    def start(*_: object) -> None:
        raise _Stop(False)

    parser.StartDoctypeDeclHandler = doctype
    parser.StartElementHandler = start
    try:
        parser.Parse(data, final)
    except _Stop as stop:
        return bool(stop.args[0])
    except expat.ExpatError:
        return False
    return False if final else None


def check_container(data: bytes, shown: str, *, what: str, fix: str,
                    limits: ArchiveLimits = DEFAULT_LIMITS) -> SafeArchive:
    """Check an Office file (a zip of XML parts: ``.docx``, ``.xlsx``) before a third-party
    reader (python-docx, openpyxl) opens it.

    The archive checks of :class:`SafeArchive` (paths, symlinks, sizes, ratios), then every
    XML part is scanned for a DTD: Word and Excel never write one, and a DTD is where
    external entities (XXE) and entity expansions ("billion laughs") are declared.
    ``what`` names the kind of file in messages ("Word file"), ``fix`` says what to do when
    it is not a readable archive at all.
    """
    archive = SafeArchive(io.BytesIO(data), shown, limits, what=what, fix=fix)
    for name in archive.names():
        if name.lower().endswith((".xml", ".rels", ".vml")):
            found = declares_dtd(archive.head(name), final=False)
            if found is None:  # a prolog longer than the head: scan the whole part
                found = declares_dtd(archive.read(name, max_bytes=limits.max_xml_bytes))
            if found:
                raise _hostile(shown, name, "the XML declares a DTD or entities, which could "
                               "read files from this computer or expand without bound "
                               "(XXE, billion laughs); tematik refuses it")
    return archive


def parse_xml(data: bytes, shown: str) -> Element:
    """Parse XML safely: a DTD, entity declaration or external reference is refused."""
    try:
        root: Element = SafeET.fromstring(data, forbid_dtd=True)
    except defusedxml.DefusedXmlException as exc:
        raise InputFileError(
            shown, f"the XML declares a DTD or entities ({exc.__class__.__name__}), which "
            "could read files from this computer or expand without bound (XXE, billion "
            "laughs); tematik refuses it",
            fix="Export the file again from the program that made it.",
        ) from exc
    except ParseError as exc:
        raise InputFileError(shown, f"not well-formed XML ({exc})",
                             fix="The file is damaged; export it again.") from exc
    return root


def local(tag: object) -> str:
    """An element's name without its namespace: ``{urn:x}Code`` -> ``Code``."""
    text = str(tag)
    return text.rsplit("}", 1)[-1]
