"""The texts earlier stages wrote into a run's tables in English, as the Indonesian report
shows them: the notes of the agreement table (written by ``tematik compare``) and the
reasons of the K report (written by the topic stage). A text this module does not know is
shown as it is.
"""

from __future__ import annotations

import re

from pipeline.agreement.landmarks import message

_NOTE_KEYS = ("no_units", "none_coded", "all_coded", "no_b", "no_a", "macro", "macro_none",
              "ci", "no_pairs", "constant")
_FIELDS = ("a", "b", "stat", "k", "t", "which")
STATISTICS_ID = {"precision": "presisi", "recall": "perolehan", "f1": "F1", "kappa": "kappa",
                 "alpha": "alpha", "agreement": "kesepakatan"}
CODERS_ID = {"tematik": "tematik", "manual": "manual"}


def _pattern(key: str) -> re.Pattern[str]:
    """The English text of agreement message ``key`` as a regex with a group per field."""
    marker = "\x00{}\x00"
    text = message(key, "en", **{f: marker.format(f) for f in _FIELDS})
    pattern = re.escape(text)
    for f in _FIELDS:
        pattern = pattern.replace(re.escape(marker.format(f)), f"(?P<{f}>.+?)")
    return re.compile(f"^{pattern}$")


_NOTES = [(key, _pattern(key)) for key in _NOTE_KEYS]


def _statistics(text: str) -> str:
    """Statistic names in a note ("recall 999/1000, f1 999/1000") in Indonesian."""
    return re.sub(r"\b(precision|recall|f1|kappa|alpha|agreement)\b",
                  lambda m: STATISTICS_ID[m.group(1)], text)


def agreement_note(note: object, lang: str) -> str:
    """A note of the agreement table in ``lang``: each of its parts (joined by "; ") that is
    a known message is said again in Indonesian, statistic names included."""
    text = "" if note is None or (isinstance(note, float) and note != note) else str(note)
    if lang != "id" or not text:
        return text
    out = []
    for part in text.split("; "):
        for key, pattern in _NOTES:
            found = pattern.match(part)
            if found:
                fields = {f: _statistics(v) for f, v in found.groupdict().items()}
                part = _statistics(message(key, "id", **fields))
                break
        out.append(part)
    return "; ".join(out)


_REASONS = [
    (re.compile(r"lower score than K=(\d+)"), r"skor lebih rendah daripada K=\1"),
    (re.compile(r"a topic leads no passage"),
     "ada topik yang tidak menjadi topik utama petikan mana pun"),
    (re.compile(r"fixed by --topics (\d+)"), r"ditetapkan dengan --topics \1"),
    (re.compile(r"highest score: "), "skor tertinggi: "),
    (re.compile(r" x stability "), " × stabilitas "),
    (re.compile(r"next best K="), "terbaik berikutnya K="),
    (re.compile(r"scored with (\w+) on (\d+) of (\d+) passages"),
     r"dinilai dengan \1 pada \2 dari \3 petikan"),
    (re.compile(r"(\d)\.(\d)"), r"\1,\2"),
]


def k_reason(reason: object, lang: str) -> str:
    """Why a K was chosen or not (``k_report.reason``), in ``lang``."""
    text = "" if reason is None or (isinstance(reason, float) and reason != reason) \
        else str(reason)
    if lang != "id":
        return text
    for pattern, replacement in _REASONS:
        text = pattern.sub(replacement, text)
    return text
