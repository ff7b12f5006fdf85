"""REFI-QDA exchange: read and write projects (``.qdpx``) and codebooks (``.qdc``).

A project is a zip archive holding ``project.qde`` (XML, namespace
``urn:QDA-XML:project:1.0``) and the sources under ``sources/`` (some programs write
``Sources/``). A codebook is one XML file (namespace ``urn:QDA-XML:codebook:1.0``).
See ``docs/qdpx.md``.

Positions. :class:`Source` ``.text`` is the plain text with every line end made ``\\n``
(nothing else changed: no Unicode normalisation); :class:`Coding` ``.start``/``.end`` are
Python string indices into it (Unicode code points), so
``source.text[coding.start:coding.end]`` is the coded text. How the exporting program
counted its positions is worked out by :mod:`pipeline.readers.qdpx_positions`.

Reading never extracts to disk and never follows a path outside the archive; archive and
XML hardening is in :mod:`pipeline.readers.archive`.
"""

from __future__ import annotations

import io
import logging
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import Element

from pipeline import __version__
from pipeline.errors import InputFileError
from pipeline.readers.archive import (
    DEFAULT_LIMITS,
    ArchiveLimits,
    SafeArchive,
    local,
    open_archive,
    parse_xml,
)
from pipeline.readers.qdpx_positions import (
    Selection,
    choose_reading,
    natural_reading,
    offset_table,
    to_chars,
)

log = logging.getLogger(__name__)

NS_PROJECT = "urn:QDA-XML:project:1.0"
NS_CODEBOOK = "urn:QDA-XML:codebook:1.0"
GUID_NAMESPACE = uuid.UUID("6d1f4c2e-8a53-5b7e-9c0d-3f2a1b4e5c60")  # tematik's, for uuid5
ORIGIN = f"tematik {__version__}"
GUID_RE = re.compile(r"^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
                      r"[0-9a-fA-F]{12})\}?$")
XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SOURCE_DIRS = ("sources/", "Sources/")


@dataclass(frozen=True)
class User:
    guid: str
    name: str
    id: str = ""


@dataclass(frozen=True)
class Code:
    """A code; ``children`` are its sub-codes, ``parent`` the parent's guid."""

    guid: str
    name: str
    parent: str | None = None
    description: str = ""
    color: str = ""
    is_codable: bool = True
    children: tuple[Code, ...] = ()


@dataclass(frozen=True)
class Source:
    """A text source. ``text`` has ``\\n`` line ends; ``entry`` is the archive entry read."""

    guid: str
    name: str
    text: str
    description: str = ""
    variables: dict[str, str] = field(default_factory=dict)
    entry: str = ""


@dataclass(frozen=True)
class Coding:
    """``code_guid`` applied by ``user_guid`` to ``source.text[start:end]``."""

    source_guid: str
    start: int
    end: int
    code_guid: str
    user_guid: str


@dataclass(frozen=True)
class Case:
    """A case (an informant): its variables and the sources that belong to it."""

    guid: str
    name: str
    variables: dict[str, str] = field(default_factory=dict)
    source_refs: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class QdaProject:
    """A REFI-QDA project. ``codes`` are the top-level codes (sub-codes in ``children``).

    ``warnings`` lists what the reader skipped or guessed (e.g. a picture source, a
    selection outside its text, positions read as UTF-16 units).
    """

    name: str
    users: tuple[User, ...] = ()
    codes: tuple[Code, ...] = ()
    sources: tuple[Source, ...] = ()
    codings: tuple[Coding, ...] = ()
    cases: tuple[Case, ...] = ()
    origin: str = ""
    description: str = ""
    warnings: tuple[str, ...] = ()

    def all_codes(self) -> tuple[Code, ...]:
        """Every code, depth first, parents before their children."""
        return flatten_codes(self.codes)


def flatten_codes(codes: Iterable[Code]) -> tuple[Code, ...]:
    out: list[Code] = []
    stack = list(reversed(tuple(codes)))
    while stack:
        code = stack.pop()
        out.append(code)
        stack.extend(reversed(code.children))
    return tuple(out)


def stable_guid(kind: str, *parts: object) -> str:
    """A GUID derived from content (uuid5), the same on every run."""
    return str(uuid.uuid5(GUID_NAMESPACE, "\x1f".join([kind, *map(str, parts)])))


def _guid(value: str | None) -> str:
    match = GUID_RE.match((value or "").strip())
    return match.group(1).lower() if match else (value or "").strip()


# ----------------------------------------------------------------------------- reading


def read_qdpx(path: Path, *, limits: ArchiveLimits = DEFAULT_LIMITS) -> QdaProject:
    """Read a REFI-QDA project. Raises :class:`InputFileError` for anything unreadable."""
    shown = str(path)
    with open_archive(Path(path), shown, limits) as archive:
        names = archive.names()
        qde = archive.find("project.qde") or next(
            (n for n in names if "/" not in n and n.lower().endswith(".qde")), None)
        if qde is None:
            raise InputFileError(
                shown, "the archive has no project.qde, so it is not a REFI-QDA project",
                fix="Export the project again from NVivo, ATLAS.ti, MAXQDA or QualCoder "
                    "as a REFI-QDA project (.qdpx).",
            )
        where = f"{shown} (entry '{qde}')"
        root = parse_xml(archive.read(qde, max_bytes=limits.max_xml_bytes), where)
        if local(root.tag) != "Project":
            raise InputFileError(where, f"the root element is <{local(root.tag)}>, not "
                                 "<Project>", fix="Export the project again as REFI-QDA.")
        return _Reader(archive, root, shown).project()


def read_qdc(path: Path, *, limits: ArchiveLimits = DEFAULT_LIMITS) -> tuple[Code, ...]:
    """Read a REFI-QDA codebook (``.qdc``): its top-level codes, sub-codes nested."""
    shown = str(path)
    try:
        with Path(path).open("rb") as fh:
            data = fh.read(limits.max_xml_bytes + 1)
    except OSError as exc:
        raise InputFileError(shown, f"cannot be read ({exc.strerror})",
                             fix="Check the path and the file's permissions.") from exc
    if len(data) > limits.max_xml_bytes:
        raise InputFileError(shown, f"larger than the limit of {limits.max_xml_bytes:,} bytes",
                             fix="Raise ArchiveLimits.max_xml_bytes if the file is genuine.")
    if data[:2] == b"PK":
        raise InputFileError(shown, "this is a zip archive (a .qdpx project?), not a .qdc "
                             "codebook", fix="Read it with read_qdpx, or export the codebook.")
    root = parse_xml(data, shown)
    if local(root.tag) != "CodeBook":
        raise InputFileError(shown, f"the root element is <{local(root.tag)}>, not <CodeBook>",
                             fix="Export the codebook again as a REFI-QDA codebook (.qdc).")
    codes = _child(root, "Codes")
    if codes is None:
        raise InputFileError(shown, "the codebook has no <Codes>",
                             fix="Export the codebook again as a REFI-QDA codebook (.qdc).")
    return tuple(_code(el, None) for el in _children(codes, "Code"))


def _children(el: Element, name: str) -> list[Element]:
    return [c for c in el if local(c.tag) == name]


def _grandchildren(el: Element | None, name: str, child: str | None) -> list[Element]:
    """Children called ``child`` (any, for None) of ``el``'s child called ``name``."""
    middle = _child(el, name) if el is not None else None
    if middle is None:
        return []
    return [c for c in middle if child is None or local(c.tag) == child]


def _child(el: Element, name: str) -> Element | None:
    return next((c for c in el if local(c.tag) == name), None)


def _text(el: Element, name: str) -> str:
    child = _child(el, name)
    return (child.text or "") if child is not None else ""


def _code(el: Element, parent: str | None) -> Code:
    guid = _guid(el.get("guid"))
    return Code(
        guid=guid, name=el.get("name") or "", parent=parent,
        description=_text(el, "Description"), color=el.get("color") or "",
        is_codable=(el.get("isCodable") or "true").strip().lower() not in ("false", "0"),
        children=tuple(_code(c, guid) for c in _children(el, "Code")),
    )


def decode_source(data: bytes) -> str:
    """Source bytes to text: BOMs honoured (and dropped), UTF-8, else cp1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def docx_plain_text(data: bytes, shown: str, limits: ArchiveLimits = DEFAULT_LIMITS) -> str:
    """The text of a Word file as QDA programs count it: one line per paragraph.

    Body paragraphs in order (table cells paragraph by paragraph), tabs as ``\\t``, line
    breaks as ``\\n``, paragraphs joined by ``\\n``; deleted revisions are left out.
    """
    archive = SafeArchive(io.BytesIO(data), shown, limits)
    entry = archive.find("word/document.xml")
    if entry is None:
        raise InputFileError(shown, "not a Word file (no word/document.xml)",
                             fix="Export the project again with plain-text sources.")
    root = parse_xml(archive.read(entry, max_bytes=limits.max_xml_bytes), f"{shown} ({entry})")
    body = next((el for el in root.iter() if local(el.tag) == "body"), root)
    paragraphs: list[str] = []

    def walk(el: Element) -> None:
        for child in el:
            name = local(child.tag)
            if name == "p":
                paragraphs.append(_paragraph_text(child))
            elif name in ("tbl", "tr", "tc", "sdt", "sdtContent", "customXml", "ins"):
                walk(child)

    walk(body)
    return "\n".join(paragraphs)


def _paragraph_text(p: Element) -> str:
    parts: list[str] = []
    for el in p.iter():
        name = local(el.tag)
        if name == "t":
            parts.append(el.text or "")
        elif name == "tab":
            parts.append("\t")
        elif name in ("br", "cr"):
            parts.append("\n")
        elif name == "noBreakHyphen":
            parts.append("-")
    return "".join(parts)


class _Reader:
    """Turns a parsed project.qde and its archive into a :class:`QdaProject`."""

    def __init__(self, archive: SafeArchive, root: Element, shown: str) -> None:
        self.archive, self.root, self.shown = archive, root, shown
        self.warnings: list[str] = []
        self.origin = root.get("origin") or ""

    def warn(self, message: str) -> None:
        self.warnings.append(f"{self.shown}: {message}")

    def project(self) -> QdaProject:
        root = self.root
        users = tuple(
            User(_guid(u.get("guid")), u.get("name") or u.get("id") or _guid(u.get("guid")),
                 u.get("id") or "")
            for u in _grandchildren(root, "Users", "User"))
        book = _child(root, "CodeBook")
        codes = tuple(_code(c, None) for c in _grandchildren(book, "Codes", "Code"))
        known_codes = {c.guid for c in flatten_codes(codes)}
        variables = {_guid(v.get("guid")): v.get("name") or ""
                     for v in _grandchildren(root, "Variables", "Variable")}
        sources: list[Source] = []
        codings: list[Coding] = []
        skipped: dict[str, int] = {}
        for el in _grandchildren(root, "Sources", None):
            kind = local(el.tag)
            if kind != "TextSource":
                skipped[kind] = skipped.get(kind, 0) + 1
                continue
            read = self.text_source(el, variables, known_codes)
            if read is not None:
                sources.append(read[0])
                codings.extend(read[1])
        for kind, n in sorted(skipped.items()):
            self.warn(f"{n} {kind} source(s) skipped: tematik reads text sources only")
        cases = tuple(
            Case(_guid(c.get("guid")), c.get("name") or "", _variable_values(c, variables),
                 tuple(_guid(r.get("targetGUID")) for r in _children(c, "SourceRef")),
                 _text(c, "Description"))
            for c in _grandchildren(root, "Cases", "Case"))
        for w in self.warnings:
            log.warning("%s", w)
        return QdaProject(
            name=root.get("name") or "", users=users, codes=codes, sources=tuple(sources),
            codings=tuple(codings), cases=cases, origin=self.origin,
            description=_text(root, "Description"), warnings=tuple(self.warnings))

    def source_bytes(self, path: str, name: str) -> tuple[str, bytes] | None:
        if not path.lower().startswith("internal://"):
            self.warn(f"source '{name}' is stored outside the archive ({path}); skipped")
            return None
        rel = path[len("internal://"):].lstrip("/")
        entry = next((e for e in (self.archive.find(d + rel) for d in _SOURCE_DIRS) if e), None)
        if entry is None:
            self.warn(f"source '{name}': {rel} is not in the archive's sources folder; skipped")
            return None
        return entry, self.archive.read(entry)

    def text_source(self, el: Element, variables: dict[str, str],
                    known_codes: set[str]) -> tuple[Source, list[Coding]] | None:
        guid = _guid(el.get("guid"))
        name = el.get("name") or guid
        entry = ""
        content = _child(el, "PlainTextContent")
        plain, rich = el.get("plainTextPath"), el.get("richTextPath")
        if content is not None:
            raw = content.text or ""
        elif plain:
            found = self.source_bytes(plain, name)
            if found is None:
                return None
            entry, raw = found[0], decode_source(found[1])
        elif rich and rich.lower().endswith(".docx"):
            found = self.source_bytes(rich, name)
            if found is None:
                return None
            entry = found[0]
            raw = docx_plain_text(found[1], f"{self.shown} (entry '{entry}')",
                                  self.archive.limits)
        else:
            self.warn(f"source '{name}' has no plain text (path {plain or rich!r}); skipped")
            return None
        selections = [self.selection(s, known_codes) for s in _children(el, "PlainTextSelection")]
        utf16, newline = choose_reading(raw, selections, self.origin)
        text, units = offset_table(raw, utf16=utf16, newline_width=newline)
        if (utf16, newline) != natural_reading(raw) and not self.origin.startswith("tematik"):
            how = ("UTF-16 units" if utf16 else "characters") + (
                ", line ends as two" if newline == 2 else ", line ends as one")
            self.warn(f"source '{name}': positions read as {how}, as its program counts them")
        codings: list[Coding] = []
        for sel in selections:
            if not sel.codings:
                continue
            if not 0 <= sel.start <= sel.end <= int(units[-1]):
                self.warn(f"source '{name}': selection {sel.start}-{sel.end} lies outside "
                          f"its text ({int(units[-1])} positions); skipped")
                continue
            start, end = to_chars(units, sel.start, sel.end)
            codings.extend(Coding(guid, start, end, code, user) for code, user in sel.codings)
        source = Source(guid, name, text, _text(el, "Description"),
                        _variable_values(el, variables), entry)
        return source, codings

    def selection(self, el: Element, known_codes: set[str]) -> Selection:
        try:
            start, end = int(el.get("startPosition", "")), int(el.get("endPosition", ""))
        except ValueError:
            start, end = -1, -1
        fallback = _guid(el.get("creatingUser") or el.get("modifyingUser"))
        pairs: list[tuple[str, str]] = []
        for coding in _children(el, "Coding"):
            ref = _child(coding, "CodeRef")
            code = _guid(ref.get("targetGUID")) if ref is not None else ""
            if code not in known_codes:
                self.warn(f"a coding refers to code {code or '(none)'}, which is not in the "
                          "codebook; skipped")
                continue
            pairs.append((code, _guid(coding.get("creatingUser")) or fallback))
        return Selection(start, end, el.get("name") or "", tuple(pairs))


def _variable_values(el: Element, variables: dict[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for value in _children(el, "VariableValue"):
        ref = _child(value, "VariableRef")
        name = variables.get(_guid(ref.get("targetGUID")), "") if ref is not None else ""
        data = next((c.text or "" for c in value if local(c.tag).endswith("Value")), "")
        if name:
            out[name] = data.strip()
    return out
