"""Automatic transcriptions saved as JSON: whisper (``{"text", "segments": [{"start", "end",
"text"}]}``) and WhisperX (segments with a diarization ``speaker``, and word lists whose
words may carry one).

Each segment's text is one stretch of speech; consecutive segments of one speaker become one
labelled turn (``SPEAKER_00: ...``), a segment without a speaker continues the speaker before
it (a diarizer leaves backchannels such as "Hmm, iya." unassigned), and a transcription with
no speakers at all is one informant's narrative. The top-level ``text`` repeats the segments
and is not read.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from pipeline.errors import InputFileError

_FIX = ("tematik reads whisper and WhisperX JSON: an object with a 'segments' list whose "
        "items have a 'text' (and, with diarization, a 'speaker').")


def whisper_to_text(raw: str, shown: str) -> tuple[str, frozenset[str]]:
    """The JSON text of a whisper/WhisperX transcription as labelled lines (or plain
    paragraphs without speakers), and the speaker labels found."""
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InputFileError(shown, f"not valid JSON ({exc.msg})", line=exc.lineno,
                             fix=_FIX) from exc
    segments = data.get("segments") if isinstance(data, dict) else data
    if not isinstance(segments, list) or not all(isinstance(s, dict) for s in segments):
        raise InputFileError(shown, "not a whisper or WhisperX transcription (no 'segments' "
                             "list)", fix=_FIX)
    lines: list[str] = []
    speakers: set[str] = set()
    current: str | None = None
    for seg in segments:
        said = " ".join(str(seg.get("text") or "").split())
        if not said:
            continue
        who = _speaker(seg) or current
        if who is None:
            lines.append(said)
        elif who != current:
            speakers.add(who)
            lines.append(f"{who}: {said}")
        else:
            lines[-1] += f" {said}"
        current = who
    if not lines:
        raise InputFileError(shown, "the transcription has no text", fix=_FIX)
    return "\n".join(lines) + "\n", frozenset(speakers)


def _speaker(segment: dict[str, Any]) -> str | None:
    """A segment's speaker: its own, else the one most of its words have."""
    own = segment.get("speaker")
    if own:
        return " ".join(str(own).split())
    words = segment.get("words")
    if isinstance(words, list):
        found = Counter(str(w["speaker"]) for w in words
                        if isinstance(w, dict) and w.get("speaker"))
        if found:
            return found.most_common(1)[0][0]
    return None
