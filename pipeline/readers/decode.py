"""Bytes to transcript text: decoding, binary detection and the text normalisation that
every transcript's offsets point into.

:func:`normalise_text` makes the text every ``start``/``end`` of tematik indexes: NFC,
``\\n`` line ends, invisible characters (zero-width spaces and joiners, soft hyphens,
BOMs, bidirectional marks and overrides, NUL and other control characters) removed, odd
spaces made plain, form feeds made line ends. :func:`normalise_map` does the same and also
says where each character of the original went, so positions counted in the original
(a REFI-QDA project's codings) can be carried over exactly.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np

from pipeline.errors import InputFileError
from pipeline.limits import DEFAULT_INPUT_LIMITS, InputLimits

_INVISIBLE_CHARS = (
    "\u200b\u200c\u200d\u2060\ufeff\u00ad"  # zero-width space/joiners, word joiner, BOM, SHY
    "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"  # bidi
)
_CONTROLS = "".join(map(chr, [*range(0x00, 0x09), 0x0B, *range(0x0E, 0x20), 0x7F,
                              *range(0x80, 0xA0)]))
_TABLE: dict[int, str | None] = {
    **dict.fromkeys(map(ord, _INVISIBLE_CHARS + _CONTROLS), None),
    **dict.fromkeys(map(ord, "\u00a0\u2007\u202f\u2009\u200a\u3000"), " "),
    ord("\f"): "\n", ord("\u2028"): "\n", ord("\u2029"): "\n",
}
_ASCII_SEGMENT_RE = re.compile(r"[\x00-\x7f][^\x00-\x7f]*|[^\x00-\x7f]+")


def normalise_text(text: str) -> str:
    """NFC, ``\\n`` line ends, no invisible or control characters, odd spaces made plain."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text.translate(_TABLE))


def normalise_map(raw: str) -> tuple[str, np.ndarray]:
    """``(text, where)``: ``text == normalise_text(raw)`` and ``where[i]`` is the position in
    ``text`` of ``raw[i]`` (``where[len(raw)] == len(text)``).

    A removed character maps to where the next kept one went, so a span ``raw[s:e]`` maps
    to ``text[where[s]:where[e]]``. Characters NFC composes (``e`` + combining acute ->
    ``é``) map to the composed character; composition never crosses an ASCII character, so
    the map is exact everywhere but inside such a cluster.
    """
    kept: list[str] = []
    before = np.zeros(len(raw) + 1, dtype=np.int64)  # kept characters before raw[i]
    for i, ch in enumerate(raw):
        before[i] = len(kept)
        if ch == "\r":
            if raw[i + 1 : i + 2] == "\n":
                continue
            kept.append("\n")
            continue
        mapped = _TABLE.get(ord(ch), ch)
        if mapped is not None:
            kept.append(mapped)
    before[len(raw)] = len(kept)
    cleaned = "".join(kept)
    if unicodedata.is_normalized("NFC", cleaned):
        return cleaned, before
    composed = np.zeros(len(cleaned) + 1, dtype=np.int64)
    parts: list[str] = []
    out = 0
    for m in _ASCII_SEGMENT_RE.finditer(cleaned):
        seg = m.group()
        nseg = unicodedata.normalize("NFC", seg)
        for j in range(len(seg)):
            if nseg == seg:
                step = j
            elif len(seg) <= 64:
                step = min(len(unicodedata.normalize("NFC", seg[:j])), len(nseg))
            else:
                step = j * len(nseg) // len(seg)
            composed[m.start() + j] = out + step
        parts.append(nseg)
        out += len(nseg)
    composed[len(cleaned)] = out
    return "".join(parts), np.maximum.accumulate(composed[before])


def decode(data: bytes, path: str, limits: InputLimits = DEFAULT_INPUT_LIMITS, *,
           empty_fix: str = "Save the transcript into it again, or leave the file out",
           ) -> tuple[str, str, tuple[str, ...]]:
    """Bytes to normalised text: returns ``(text, encoding, notes)``.

    UTF-8 with or without BOM, UTF-16 with BOM or without one (recognised by its NUL
    bytes), then cp1252 and latin-1. A file mixing UTF-8 lines with cp1252 lines (pasted
    from several sources) is decoded line by line (encoding ``utf-8+cp1252``). Bytes that
    are invalid in the encoding found become U+FFFD; a few control characters (NUL bytes)
    are removed. Every such repair is a note. Raises :class:`InputFileError` for an empty
    file (advising ``empty_fix``), binary data, or a text over ``limits.max_text_chars``.
    """
    if not data.strip():
        raise InputFileError(path, "the file is empty",
                             fix=empty_fix)
    notes: list[str] = []
    if data.startswith(b"\xef\xbb\xbf"):
        text, encoding = _decode_8bit(data[3:], notes, bom=True)
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text, encoding = _decode_utf16(data, "utf-16", notes)
    else:
        sample = data[:4096]
        if sample.count(b"\x00") > len(sample) // 4:
            even = sample[0::2].count(b"\x00")
            odd = sample[1::2].count(b"\x00")
            if max(even, odd) <= len(sample) // 3:
                raise _binary(path)
            encoding = "utf-16-le" if odd > even else "utf-16-be"
            text, encoding = _decode_utf16(data, encoding, notes)
        else:
            text, encoding = _decode_8bit(data, notes)
    controls = _count_controls(text[:65536])
    if controls > max(2, int(min(len(text), 65536) * limits.max_control_share)):
        raise _binary(path)
    check_length(text, path, limits)
    total = _count_controls(text)
    if total:
        notes.append(f"{total} control character(s) such as NUL bytes were removed")
    return normalise_text(text), encoding, tuple(notes)


# Unicode category Cc (C0 and C1 controls, DEL) except the whitespace controls \t\n\v\f\r.
_CONTROLS_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def _count_controls(text: str) -> int:
    # perf: one regex scan instead of unicodedata.category per character (8 s at 2M words)
    return len(_CONTROLS_RE.findall(text))


def _decode_utf16(data: bytes, encoding: str, notes: list[str]) -> tuple[str, str]:
    text = data.decode(encoding, errors="replace")
    bad = text.count("\ufffd") - data.decode(encoding, errors="ignore").count("\ufffd")
    if bad:
        notes.append(f"{bad} invalid UTF-16 sequence(s) (a cut-off file?) became '\ufffd'")
    return text, encoding


def _decode_8bit(data: bytes, notes: list[str], *, bom: bool = False) -> tuple[str, str]:
    prefix = "utf-8-sig" if bom else "utf-8"
    try:
        return data.decode("utf-8"), prefix
    except UnicodeDecodeError:
        pass
    lines = data.split(b"\n")
    utf8_lines, other = 0, 0
    decoded: list[str] = []
    for n, line in enumerate(lines, start=1):
        try:
            decoded.append(line.decode("utf-8"))
            utf8_lines += not line.isascii()
        except UnicodeDecodeError:
            decoded.append(_single_byte(line))
            other += 1
            if other == 1:
                first = n
    if utf8_lines or bom:
        notes.append(f"the file mixes encodings: {other} line(s) are not UTF-8 and were read "
                     f"as cp1252 (the first is line {first}); check their accented letters")
        return "\n".join(decoded), f"{prefix}+cp1252"
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _single_byte(line: bytes) -> str:
    try:
        return line.decode("cp1252")
    except UnicodeDecodeError:
        return line.decode("latin-1")


def _binary(path: str) -> InputFileError:
    return InputFileError(
        path,
        "this is not a text file (binary data)",
        fix="Save the transcript as .txt (UTF-8), .docx, .vtt/.srt, .csv or .xlsx.",
    )


def check_length(text: str, shown: str, limits: InputLimits, *,
                 fix: str = "Split the transcript, or raise InputLimits.max_text_chars "
                            "(pipeline/limits.py).") -> None:
    """Raise :class:`InputFileError` when ``text`` is longer than the limit allows."""
    if len(text) > limits.max_text_chars:
        raise InputFileError(
            shown, f"the text has {len(text):,} characters, more than the limit of "
            f"{limits.max_text_chars:,}", fix=fix)
