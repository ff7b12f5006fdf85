"""Write REFI-QDA projects (``.qdpx``) and codebooks (``.qdc``); the model is in
:mod:`pipeline.readers.qdpx`.

What we write is valid against the REFI-QDA Project and Codebook schemas (1.0): users,
codes nested with descriptions, variables (all ``Text``), cases with variable values and
source references, text sources stored as ``sources/<guid>.txt`` (UTF-8, ``\\n`` line
ends, ``plainTextPath="internal://<guid>.txt"``) and one ``PlainTextSelection`` with one
``Coding`` per coding. A :class:`~pipeline.readers.qdpx_tables.NotedCoding`'s note is the
selection's ``Description`` (the memo REFI-QDA gives a selection; QualCoder imports it as
an annotation) and its date the ``creationDateTime`` of the selection and the coding.
Positions are Unicode code points of that text unless ``positions="utf16"`` (what NVivo
counts); the choice is recorded in the project's ``origin`` so that
:func:`pipeline.readers.qdpx.read_qdpx` reads our files back exactly.

Output is deterministic: GUIDs come from content (:func:`pipeline.readers.qdpx.stable_guid`), the
archive has fixed entry order, dates and permissions, and the only dates written are the
codings' own (a run's end, not the time of the export).
The functions return the bytes; the run-directory module (:mod:`pipeline.runs.rundir`) writes them.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from xml.etree import ElementTree as ET
from xml.etree.ElementTree import Element

from pipeline.readers.qdpx import (
    GUID_RE,
    NS_CODEBOOK,
    NS_PROJECT,
    ORIGIN,
    XML_BAD,
    Code,
    Coding,
    QdaProject,
    stable_guid,
)
from pipeline.readers.qdpx_positions import Positions, offset_table
from pipeline.readers.qdpx_tables import NotedCoding
from pipeline.report.data import number
from pipeline.report.labels import labels

# ----------------------------------------------------------------------------- writing


def coding_note(evidence: object, score: object, method: object, probability: object, *,
                threshold: float | None, lang: str = "id") -> str:
    """The memo of one of tematik's codings in a project: that the code is automatic (and
    by which method), its evidence as spoken (``pertanyaan: ...`` for the interviewer's
    words), its score against the threshold, and the trained coder's probability when it
    has one."""
    t = labels(lang)
    said = str(evidence).strip() if isinstance(evidence, str) and evidence.strip() else ""
    how = t.get(f"method_name_{method}", str(method or "")) or t["method_name_dictionary"]
    note = t["qdpx_note"].format(method=how, evidence=said or t["qdpx_no_evidence"],
                                 score=number(score, lang, 2),
                                 threshold=number(threshold, lang, 1))
    if number(probability, lang, 2) != "–":
        note += " " + t["qdpx_probability"].format(probability=number(probability, lang, 2))
    return note



def _clean(value: str) -> str:
    """Text safe for XML 1.0 (control characters it forbids are dropped)."""
    return XML_BAD.sub("", value)


def _sub(parent: Element, tag: str, attrs: dict[str, str] | None = None,
         text: str | None = None) -> Element:
    el = ET.SubElement(parent, tag,
                       {k: _clean(v) for k, v in (attrs or {}).items() if v != ""})
    if text is not None:
        el.text = _clean(text)
    return el


def _write_code(parent: Element, code: Code) -> None:
    attrs = {"guid": code.guid, "name": code.name,
             "isCodable": "true" if code.is_codable else "false", "color": code.color}
    el = _sub(parent, "Code", attrs)
    if code.description:
        _sub(el, "Description", text=code.description)
    for child in code.children:
        _write_code(el, child)


def _variable_value(parent: Element, name: str, value: str) -> None:
    el = _sub(parent, "VariableValue")
    _sub(el, "VariableRef", {"targetGUID": stable_guid("variable", name)})
    _sub(el, "TextValue", text=value)


def _check(project: QdaProject) -> None:
    sources = {s.guid: s for s in project.sources}
    codes = {c.guid for c in project.all_codes()}
    users = {u.guid for u in project.users}
    for c in project.codings:
        source = sources.get(c.source_guid)
        if source is None or c.code_guid not in codes or c.user_guid not in users:
            missing = ("source" if source is None else
                       "code" if c.code_guid not in codes else "user")
            raise ValueError(f"a coding refers to a {missing} the project does not have: {c}")
        if not 0 <= c.start <= c.end <= len(source.text):
            raise ValueError(f"coding {c.start}-{c.end} lies outside source '{source.name}' "
                             f"({len(source.text)} characters)")
    for s in project.sources:
        if "\r" in s.text or s.text.startswith("\ufeff"):
            raise ValueError(f"source '{s.name}' has '\\r' line ends or starts with a BOM "
                             "character; give it '\\n' line ends and no BOM")
    for guids in ([s.guid for s in project.sources], [c.guid for c in project.all_codes()],
                  [u.guid for u in project.users], [c.guid for c in project.cases]):
        bad = next((g for g in guids if not GUID_RE.match(g)), None)
        if bad is not None:
            raise ValueError(f"{bad!r} is not a GUID; use stable_guid()")
        if len(set(guids)) != len(guids):
            raise ValueError("two project elements of one kind share a GUID")


def project_xml(project: QdaProject, *, positions: Positions = "codepoint") -> bytes:
    """The ``project.qde`` of ``project`` (UTF-8 XML); sources are referenced as
    ``internal://<guid>.txt``. Raises ``ValueError`` for an inconsistent project."""
    _check(project)
    origin = ORIGIN + ("; positions=utf-16" if positions == "utf16" else "")
    creator = project.users[0].guid if project.users else ""
    root = Element("Project",
                   {k: v for k, v in (("xmlns", NS_PROJECT),
                                      ("name", _clean(project.name) or "tematik"),
                                      ("origin", origin),
                                      ("creatingUserGUID", creator)) if v})
    if project.users:
        users = _sub(root, "Users")
        for u in project.users:
            _sub(users, "User", {"guid": u.guid, "name": u.name, "id": u.id})
    if project.codes:
        codes = _sub(_sub(root, "CodeBook"), "Codes")
        for code in project.codes:
            _write_code(codes, code)
    names = sorted({k for c in project.cases for k in c.variables}
                   | {k for s in project.sources for k in s.variables})
    if names:
        variables = _sub(root, "Variables")
        for name in names:
            _sub(variables, "Variable", {"guid": stable_guid("variable", name), "name": name,
                                         "typeOfVariable": "Text"})
    if project.cases:
        cases = _sub(root, "Cases")
        for case in project.cases:
            el = _sub(cases, "Case", {"guid": case.guid, "name": case.name})
            if case.description:
                _sub(el, "Description", text=case.description)
            for name, value in sorted(case.variables.items()):
                _variable_value(el, name, value)
            for ref in case.source_refs:
                _sub(el, "SourceRef", {"targetGUID": ref})
    by_source: dict[str, list[Coding]] = {}
    for c in sorted(set(project.codings), key=lambda c: (c.start, c.end, c.code_guid,
                                                         c.user_guid)):
        by_source.setdefault(c.source_guid, []).append(c)
    if project.sources:
        sources = _sub(root, "Sources")
        for s in project.sources:
            el = _sub(sources, "TextSource", {"guid": s.guid, "name": s.name,
                                              "plainTextPath": f"internal://{s.guid}.txt"})
            if s.description:
                _sub(el, "Description", text=s.description)
            units = offset_table(s.text, utf16=positions == "utf16")[1]
            for c in by_source.get(s.guid, []):
                sel_guid = stable_guid("selection", s.guid, c.start, c.end, c.code_guid,
                                       c.user_guid)
                note, created = ((c.note, c.created) if isinstance(c, NotedCoding)
                                 else ("", ""))
                sel = _sub(el, "PlainTextSelection", {
                    "guid": sel_guid, "startPosition": str(int(units[c.start])),
                    "endPosition": str(int(units[c.end])), "creatingUser": c.user_guid,
                    "creationDateTime": created})
                if note:
                    _sub(sel, "Description", text=note)
                coding = _sub(sel, "Coding", {"guid": stable_guid("coding", sel_guid),
                                              "creatingUser": c.user_guid,
                                              "creationDateTime": created})
                _sub(coding, "CodeRef", {"targetGUID": c.code_guid})
            for name, value in sorted(s.variables.items()):
                _variable_value(el, name, value)
    if project.description:
        _sub(root, "Description", text=project.description)
    return _serialise(root)


def _serialise(root: Element) -> bytes:
    """UTF-8 XML; elements are unqualified in the tree, the root declares the default
    namespace (``xmlns``), so every element is in the REFI-QDA namespace."""
    ET.indent(root)
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + body + b"\n"


def qdpx_bytes(project: QdaProject, *, positions: Positions = "codepoint") -> bytes:
    """The ``.qdpx`` archive: ``project.qde`` and ``sources/<guid>.txt`` (UTF-8, ``\\n``).

    The same project gives the same bytes: entries in a fixed order with a fixed date.
    """
    entries = [("project.qde", project_xml(project, positions=positions))]
    entries += [(f"sources/{s.guid}.txt", s.text.encode("utf-8")) for s in project.sources]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            zf.writestr(info, data, compresslevel=9)
    return buffer.getvalue()


def qdc_bytes(codes: Sequence[Code]) -> bytes:
    """A REFI-QDA codebook (``.qdc``) holding ``codes`` (sub-codes nested)."""
    if not codes:
        raise ValueError("a codebook needs at least one code")
    root = Element("CodeBook", {"xmlns": NS_CODEBOOK, "origin": ORIGIN})
    parent = _sub(root, "Codes")
    for code in codes:
        _write_code(parent, code)
    return _serialise(root)
