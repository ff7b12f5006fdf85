"""A REFI-QDA project (``.qdpx``) as transcripts: ``tematik run PROJECT.qdpx``.

Every text source of the project becomes one transcript; its case (the informant) and the
variables of the case and of the source become the transcript's metadata, under the names
a header block would give them (``Jabatan`` -> ``role``, ``Unit kerja`` -> ``unit``; the
case's name -> ``informant``).

Offsets. A transcript's text is ``normalise_text(source.text)`` and nothing else: the
source text (line ends made ``\\n`` by :mod:`pipeline.readers.qdpx`) with the same normalisation
every transcript gets (NFC, invisible and control characters removed, odd spaces made
plain). No header is added. :func:`pipeline.readers.decode.normalise_map` gives, for every
position in the source text, its position in the transcript text, so the project's own
codings are carried over exactly by ``tematik compare RUN PROJECT.qdpx``
(:func:`pipeline.readers.manual.read_manual_qdpx`).
"""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import InputFileError
from pipeline.limits import InputLimits
from pipeline.readers.decode import check_length, normalise_text
from pipeline.readers.formats import slug
from pipeline.readers.ingest import Read
from pipeline.readers.qdpx import read_qdpx
from pipeline.readers.qdpx_tables import source_metadata
from pipeline.stages import speakers as sp
from pipeline.stages.persons import resolve_persons
from pipeline.types import Transcript

DOCUMENT_SUFFIXES = (".txt", ".docx", ".doc", ".rtf", ".pdf", ".odt", ".md")


def source_transcript_id(name: str) -> str:
    """The transcript id of a source called ``name`` (a file suffix is left out)."""
    base = name[: -len(Path(name).suffix)] if name.lower().endswith(DOCUMENT_SUFFIXES) else name
    return slug(base)


def case_metadata(values: dict[str, str]) -> dict[str, str]:
    """A source's case and variables (:func:`source_metadata`) as transcript metadata:
    known names mapped like header fields, the case's name as ``informant`` unless a
    variable names the informant, other variables under their own names."""
    out: dict[str, str] = {}
    for key, value in values.items():
        value = " ".join(str(value).split())
        if not value:
            continue
        if key == "case":
            out["case"] = value
            continue
        name = " ".join(key.split())
        out[sp.METADATA_KEYS.get(name.lower(), name)] = value
    if "case" in out:
        out.setdefault("informant", out["case"])
    return out


def read_project(path: Path, shown: str, digest: str, interviewers: frozenset[str],
                 limits: InputLimits) -> Read:
    """The text sources of the project at ``path`` as transcripts (see the module doc).

    Raises :class:`InputFileError` for an unreadable or hostile archive, or a project
    without text.
    """
    project = read_qdpx(path, limits=limits.archive)
    metadata = source_metadata(project)
    notes = tuple(w.removeprefix(f"{shown}: ") for w in project.warnings)
    read: Read = []
    empty: list[str] = []
    for source in project.sources:
        text = normalise_text(source.text)
        if not text.strip():
            empty.append(source.name)
            continue
        check_length(text, f"{shown} (source '{source.name}')", limits,
                     fix="Raise InputLimits.max_text_chars (pipeline/limits.py).")
        parsed = sp.parse_turns(text, interviewers=interviewers)
        meta = {**parsed.metadata, **case_metadata(metadata.get(source.guid, {}))}
        transcript = Transcript(source_transcript_id(source.name), f"{shown}/{source.name}",
                                "qdpx", "qdpx", digest, text, meta)
        # the case names the informant, as a header would
        sessions = [{**parsed.sessions[0], **meta}, *parsed.sessions[1:]] if parsed.sessions \
            else [meta]
        turns, merged = resolve_persons(parsed.turns, sessions=sessions, legend=parsed.legend,
                                        preamble=parsed.preamble)
        read.append((transcript, turns, (*notes, *parsed.warnings, *merged)))
        notes = ()  # the project's own warnings once, with its first source
    if not read:
        what = f"only empty text sources ({', '.join(empty)})" if empty else "no text sources"
        raise InputFileError(shown, f"the project has {what}",
                             fix="Export the project again with its documents (REFI-QDA "
                                 "project, .qdpx), not only the codebook.")
    if empty:
        first = read[0]
        read[0] = (first[0], first[1],
                   (*first[2], f"empty source(s) skipped: {', '.join(empty)}"))
    return read
