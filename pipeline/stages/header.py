"""The header block of a transcript: ``Key: value`` lines at the top (or YAML front matter)
that name the informant, their position, the date and the place, and the legend lines that
explain abbreviated labels (``Keterangan: P = Peneliti, N = Narasumber``).

Pure functions over a string; :mod:`pipeline.stages.speakers` calls them.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

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

_LEGEND_START_RE = re.compile(r"^(?:keterangan\s*[:：]?\s*)?(?=[A-Z][A-Za-z0-9]{0,3}\s*=)", re.I)
_ABBR_EQ_RE = re.compile(r"(?:^|(?<=[,;]))\s*(?P<abbr>[A-Z][A-Za-z0-9]{0,3})\s*=\s*")
_DEGREE_END_RE = re.compile(r"(?:\b[A-Z][A-Za-z]{0,3}\.){2,}$|\b(?:Drs|Dra|Dr|Ir|Hj|H|Prof|Ns)\.$")


@dataclass(frozen=True)
class LegendEntry:
    """What a legend says an abbreviated label means: its role (None when it gives a
    person instead), and the name to show (``Peneliti``, ``Sri Handayani``)."""

    role: str | None
    name: str


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
_KEY_RE = re.compile(r"^([A-Za-z][A-Za-z /,]{0,30}?)\s*[:：]\s*(.*)$")
_NEXT_KEY_RE = re.compile(r"[,;]\s*([A-Za-z][A-Za-z /]{0,30}?)\s*[:：]\s*")


def looks_like_name(value: str) -> bool:
    """A header value that names people (``Drs. Budi Santoso, M.Si.``, ``Suyatno (Kepala
    Desa)``, ``Yuliani (Informan 1); Rudi (Informan 2)``), not a sentence: the first turn
    written right under the header (``Pewawancara: Selamat siang, Bu.``)."""
    plain = re.sub(r"\([^()]*\)", " ", value).strip()
    words = [w for w in plain.replace(";", " ").split() if any(c.isalpha() for c in w)]
    if not words or len(words) > 10 or re.search(r"[?!]", plain):
        return False
    if plain.endswith(".") and not _DEGREE_END_RE.search(plain):
        return False
    small = {"dan", "bin", "binti", "van", "de", "&"}
    capital = sum(w[0].isupper() or w.lower() in small for w in words)
    return capital / len(words) >= 0.75


def metadata_fields(line: str) -> list[tuple[str, str, str]]:
    """``(field, value, key)`` for each ``Key: value`` of a metadata line (``- **Jabatan:**
    ...``; ``Nama: Joko Susilo, Jabatan: Kepala Desa`` holds two), or ``[]``.

    A key that is also a speaker label (``Informan:``, ``Pewawancara:``) is metadata only
    when its value is a name, and only in a header block: :func:`is_metadata` tells the
    two apart inside the text.
    """
    plain = _MARKUP_RE.sub("", line).strip()
    m = _KEY_RE.match(plain)
    if not m:
        return []
    key = " ".join(m.group(1).lower().split())
    if key not in METADATA_KEYS:
        return []
    parts = [(key, m.group(2))]
    while True:
        last_key, value = parts[-1]
        after = next((k for k in _NEXT_KEY_RE.finditer(value)
                      if " ".join(k.group(1).lower().split()) in METADATA_KEYS), None)
        if after is None:
            break
        parts[-1] = (last_key, value[: after.start()])
        parts.append((" ".join(after.group(1).lower().split()), value[after.end():]))
    fields = []
    for key, value in parts:
        value = value.strip()
        field = METADATA_KEYS[key]
        if len(value.split()) > 14 or "?" in value:
            return []
        if field in SPEAKERLIKE_KEYS and not looks_like_name(value):
            return []
        fields.append((field, value, key))
    return fields


def metadata_line(line: str) -> tuple[str, str, str] | None:
    """The first field of a metadata line (:func:`metadata_fields`), or None."""
    fields = metadata_fields(line)
    return fields[0] if fields else None


def legend_entries(line: str) -> dict[str, str]:
    """``{abbreviation: meaning}`` of a legend line (``Keterangan: P = Peneliti, N =
    Narasumber``, ``S1 = Sri Handayani, Bidan Koordinator``), or ``{}``."""
    plain = _MARKUP_RE.sub("", line).strip()
    start = _LEGEND_START_RE.match(plain)
    if start is None:
        return {}
    body = plain[start.end():]
    hits = list(_ABBR_EQ_RE.finditer(body))
    out = {}
    for i, hit in enumerate(hits):
        end = hits[i + 1].start() if i + 1 < len(hits) else len(body)
        meaning = body[hit.end(): end].strip(" ,;")
        if meaning:
            out[hit.group("abbr")] = meaning
    return out


def legend_entry(meaning: str) -> LegendEntry | None:
    """What a legend's meaning says: a role (``Peneliti``, ``Informan (Kepala Seksi)``)
    or a person (``Sri Handayani, Bidan Koordinator``); None for anything else."""
    role = known_role(meaning)
    if role is not None:
        return LegendEntry(role, re.sub(r"\s*\(.*", "", meaning).strip())
    name = person_name(meaning)
    return LegendEntry(None, name) if looks_like_name(name) else None


def person_name(value: str) -> str:
    """A person's name from a header or legend value: ``Suyatno (Kepala Desa)`` ->
    ``Suyatno``; ``Sri Handayani, Bidan Koordinator`` -> ``Sri Handayani``; a degree after
    the comma stays (``Hendra Saputra, S.Sos.``)."""
    value = re.sub(r"\s*\([^()]*\)", "", value).strip()
    head, *rest = [p.strip() for p in value.split(",")]
    kept = [head]
    for part in rest:
        if not re.fullmatch(r"(?:[A-Z][A-Za-z]{0,4}\.?)(?:\s?[A-Z]?[A-Za-z]{0,4}\.)*", part):
            break
        kept.append(part)
    return ", ".join(k for k in kept if k)


def header_block(text: str, lines: list[tuple[int, int]]) -> tuple[dict[str, str], int]:
    """Metadata from ``Key: value`` lines at the top (and the legend lines among them);
    returns (metadata, lines consumed)."""
    meta: dict[str, str] = {}
    consumed = 0
    pure = False
    titles = 0
    for i, (s, e) in enumerate(lines):
        line = text[s:e].strip()
        if not line or (not meta and (is_noise(line, Counter()) or line.startswith("#"))):
            continue
        fields = metadata_fields(line)
        if not fields and legend_entries(line):
            consumed = i + 1 if meta else consumed
            continue
        if not fields and not meta and titles < 3 and len(line.split()) <= 12:
            titles += 1  # a title line above the header block
            continue
        if not fields:
            break
        for name, value, _ in fields:
            meta.setdefault(name, value)
            pure = pure or name not in SPEAKERLIKE_KEYS
        consumed = i + 1
    return (meta, consumed) if pure else ({}, 0)


def is_metadata(found: tuple[str, str, str] | None) -> bool:
    """A metadata line inside the text: its key is not a speaker label such as ``Informan``."""
    return found is not None and known_role(found[2]) is None
