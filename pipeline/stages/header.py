"""The header block of a transcript: ``Key: value`` lines at the top (or YAML front matter)
that name the informant, their position, the date and the place, and the legend lines that
explain abbreviated labels (``Keterangan: P = Peneliti, N = Narasumber``).

Pure functions over a string; :mod:`pipeline.stages.speakers` calls them.
"""

from __future__ import annotations

import re
from collections import Counter

import yaml

from pipeline.stages.labels import known_role
from pipeline.stages.layout import is_noise

METADATA_KEYS = {
    "nama": "informant", "nama informan": "informant", "informan": "informant",
    "narasumber": "informant", "nama narasumber": "informant", "responden": "informant",
    "nama responden": "informant", "informant": "informant",
    "jabatan": "role", "pekerjaan": "role", "peran": "role", "posisi": "role", "role": "role",
    "unit": "unit", "unit kerja": "unit", "instansi": "unit", "bidang": "unit",
    "bagian": "unit", "dinas": "unit", "kantor": "unit",
    "tanggal": "date", "hari/tanggal": "date", "hari / tanggal": "date", "hari": "date",
    "date": "date", "tgl": "date", "hari, tanggal": "date",
    "tempat": "place", "lokasi": "place", "place": "place", "tempat wawancara": "place",
    "waktu": "time", "jam": "time", "pukul": "time", "durasi": "duration",
    "pewawancara": "interviewer", "peneliti": "interviewer", "interviewer": "interviewer",
    "kode": "code", "kode informan": "code", "usia": "age", "umur": "age",
    "jenis kelamin": "gender", "pendidikan": "education", "masa kerja": "tenure",
    "keterangan": "legend", "alamat": "address", "golongan": "rank",
    "nip": "nip", "nik": "nik", "telp": "phone", "telepon": "phone", "hp": "phone",
    "no hp": "phone", "email": "email", "wa": "phone", "whatsapp": "phone",
}
SPEAKERLIKE_KEYS = frozenset({"informant", "interviewer"})

ALIAS_RE = re.compile(r"\b(?P<abbr>[A-Z][A-Za-z]{0,3})\s*=\s*(?P<name>[A-Z][\w.' ]{1,40})")
LEGEND_RE = re.compile(
    r"\b(?P<abbr>[A-Z][A-Za-z]{0,3})\s*[=:]\s*(?P<who>peneliti|pewawancara|penanya|interviewer|"
    r"penulis)\b",
    re.I,
)


def front_matter(text: str) -> tuple[dict[str, str], int]:
    if not text.startswith("---\n"):
        return {}, 0
    close = text.find("\n---", 4)
    if close < 0:
        return {}, 0
    try:
        data = yaml.safe_load(text[4:close])
    except yaml.YAMLError:
        return {}, 0
    if not isinstance(data, dict):
        return {}, 0
    end = text.find("\n", close + 1)
    end = len(text) if end < 0 else end + 1
    meta = {}
    for key, value in data.items():
        name = METADATA_KEYS.get(str(key).strip().lower(), str(key).strip().lower())
        meta[name] = str(value)
    return meta, end


def text_lines(text: str, offset: int) -> list[tuple[int, int]]:
    """(start, end) of each line from ``offset``, ends excluding the newline."""
    spans = []
    pos = offset
    while pos < len(text):
        nl = text.find("\n", pos)
        nl = len(text) if nl < 0 else nl
        spans.append((pos, nl))
        pos = nl + 1
    return spans


_MARKUP_RE = re.compile(r"^[ \t]*(?:[-–•*>][ \t]+)?|\*\*|__")


def metadata_line(line: str) -> tuple[str, str, str] | None:
    """``(field, value, key)`` for a ``Key: value`` metadata line (``- **Jabatan:** ...``).

    A key that is also a speaker label (``Informan:``) is metadata only in a header block;
    :func:`_is_metadata` tells the two apart inside the text.
    """
    plain = _MARKUP_RE.sub("", line).strip()
    m = re.match(r"^([A-Za-z][A-Za-z /,]{0,30}?)\s*[:：]\s*(.*)$", plain)
    if not m:
        return None
    key = " ".join(m.group(1).lower().split())
    value = m.group(2).strip()
    if key not in METADATA_KEYS or len(value.split()) > 14 or "?" in value:
        return None
    return METADATA_KEYS[key], value, key


def header_block(text: str, lines: list[tuple[int, int]]) -> tuple[dict[str, str], int]:
    """Metadata from ``Key: value`` lines at the top; returns (metadata, lines consumed)."""
    meta: dict[str, str] = {}
    consumed = 0
    pure = False
    titles = 0
    for i, (s, e) in enumerate(lines):
        line = text[s:e].strip()
        if not line or (not meta and (is_noise(line, Counter()) or line.startswith("#"))):
            continue
        found = metadata_line(line)
        if found is None and not meta and titles < 3 and len(line.split()) <= 12:
            titles += 1  # a title line above the header block
            continue
        if found is None:
            break
        name, value, _ = found
        meta.setdefault(name, value)
        pure = pure or name not in SPEAKERLIKE_KEYS
        consumed = i + 1
    return (meta, consumed) if pure else ({}, 0)


def is_metadata(found: tuple[str, str, str] | None) -> bool:
    """A metadata line inside the text: its key is not a speaker label such as ``Informan``."""
    return found is not None and known_role(found[2]) is None

