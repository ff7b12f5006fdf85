"""The thesis-layout fixtures in tests/data/thesis/ read as a run reads them, and the
people they hold: shared by tests/test_thesis.py and scripts/eval_transcripts.py."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.readers.ingest import read_file
from pipeline.readers.speakers_file import SPEAKERS_FILE_RE, read_speakers
from pipeline.resources import load_lexicon
from pipeline.stages.segment import segment
from pipeline.types import SpeakerMap, Turn

FOLDER = Path(__file__).resolve().parent / "data" / "thesis"
SUFFIXES = (".txt", ".md", ".srt", ".vtt", ".json", ".docx", ".xlsx")

People = set[tuple[str, str, frozenset[str]]]


def fixtures(folder: Path = FOLDER) -> list[Path]:
    """Every fixture with a sidecar, in name order (speakers files and sidecars excluded)."""
    return sorted(p for p in folder.iterdir()
                  if p.suffix in SUFFIXES and not p.name.endswith(".expected.json")
                  and not SPEAKERS_FILE_RE.search(p.name)
                  and (folder / f"{p.stem}.expected.json").is_file())


def expected(path: Path) -> dict[str, object]:
    """The fixture's sidecar ``NAME.expected.json``."""
    loaded: dict[str, object] = json.loads(
        (path.parent / f"{path.stem}.expected.json").read_text(encoding="utf-8"))
    return loaded


def speakers_of(path: Path) -> SpeakerMap:
    """The speakers file the fixture's sidecar names, read; or none."""
    named = expected(path).get("speakers_file")
    return read_speakers([path.parent / str(named)]) if named else SpeakerMap()


def read(path: Path, speakers: SpeakerMap) -> tuple[list[Turn], list[str]]:
    """The fixture's turns and its informant passages' texts, as a run reads them."""
    [(transcript, raw, _)] = read_file(path, path.name, speakers=speakers)
    turns = [Turn(transcript.transcript_id, i, t.speaker, t.role, t.start, t.end,
                  transcript.text[t.start : t.end], t.display) for i, t in enumerate(raw)]
    passages = segment([transcript], turns, filler_words=load_lexicon().fillers)
    return turns, [p.text for p in passages]


def people(turns: list[Turn]) -> People:
    """(display, role, labels) of everyone who speaks."""
    found: dict[tuple[str, str], set[str]] = {}
    for t in turns:
        labels = found.setdefault((t.who, t.role), set())
        if t.speaker:
            labels.add(t.speaker)
    return {(who, role, frozenset(labels)) for (who, role), labels in found.items()}


def listed_people(persons: object) -> People:
    """A sidecar's ``persons`` list as :func:`people` gives them."""
    assert isinstance(persons, list)
    return {(str(p["display"]), str(p["role"]), frozenset(map(str, p["labels"])))
            for p in persons}
