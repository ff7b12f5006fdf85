"""Transcript stretches shaped like the appendices of Indonesian theses and the exports of
recorders and transcription services (tests/data/thesis/, see its README).

Each fixture has a sidecar ``.expected.json``: informants' words must land in informant
passages; interviewers' questions, headings and footers must not; the people found (display
name, role, labels) must be the sidecar's, with its speakers file and without it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.readers.ingest import ingest, read_file
from pipeline.readers.speakers_file import SPEAKERS_FILE_RE, read_speakers
from pipeline.stages.segment import segment
from pipeline.types import INFORMANT, SpeakerMap, Turn

FOLDER = Path(__file__).parent / "data" / "thesis"
FIXTURES = sorted(p for p in FOLDER.iterdir()
                  if p.suffix in (".txt", ".md", ".srt", ".vtt", ".json", ".docx", ".xlsx")
                  and not p.name.endswith(".expected.json") and not SPEAKERS_FILE_RE.search(p.name)
                  and (FOLDER / f"{p.stem}.expected.json").is_file())


def _expected(path: Path) -> dict[str, object]:
    return json.loads((FOLDER / f"{path.stem}.expected.json").read_text(encoding="utf-8"))


def _read(path: Path, speakers: SpeakerMap) -> tuple[list[Turn], list[str]]:
    [(transcript, raw, _)] = read_file(path, path.name, speakers=speakers)
    turns = [Turn(transcript.transcript_id, i, t.speaker, t.role, t.start, t.end,
                  transcript.text[t.start : t.end], t.display) for i, t in enumerate(raw)]
    for t in turns:
        assert transcript.text[t.start : t.end] == t.text
    return turns, [p.text for p in segment([transcript], turns)]


def _people(turns: list[Turn]) -> set[tuple[str, str, frozenset[str]]]:
    found: dict[tuple[str, str], set[str]] = {}
    for t in turns:
        labels = found.setdefault((t.who, t.role), set())
        if t.speaker:
            labels.add(t.speaker)
    return {(who, role, frozenset(labels)) for (who, role), labels in found.items()}


def _persons(listed: object) -> set[tuple[str, str, frozenset[str]]]:
    assert isinstance(listed, list)
    return {(p["display"], p["role"], frozenset(p["labels"])) for p in listed}


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_informant_answers_land_in_passages_and_nothing_else(path: Path) -> None:
    expected = _expected(path)
    named = expected.get("speakers_file")
    speakers = read_speakers([FOLDER / str(named)]) if named else SpeakerMap()
    turns, texts = _read(path, speakers)
    joined = "\n\n".join(" ".join(t.split()) for t in texts)
    for snippet in expected["informant"]:  # type: ignore[attr-defined]
        assert " ".join(snippet.split()) in joined, f"informant words lost: {snippet!r}"
    for snippet in expected["interviewer"]:  # type: ignore[attr-defined]
        assert " ".join(snippet.split()) not in joined, f"question in a passage: {snippet!r}"
    for noise in expected["noise"]:  # type: ignore[attr-defined]
        for text in texts:
            lines = {line.strip() for line in text.splitlines()}
            assert noise.strip() not in lines and (len(noise) < 12 or noise not in text), (
                f"heading/footer in a passage: {noise!r}")
    informants = {t.speaker for t in turns if t.role == INFORMANT}
    assert set(expected["informant_speakers"]) <= informants  # type: ignore[arg-type]
    assert not set(expected["interviewer_speakers"]) & informants  # type: ignore[arg-type]
    if "persons" in expected:
        assert _people(turns) == _persons(expected["persons"])
    if "persons_without_speakers_file" in expected:
        plain, _ = _read(path, SpeakerMap())
        assert _people(plain) == _persons(expected["persons_without_speakers_file"])


def test_the_folder_reads_as_a_corpus_and_its_speakers_files_are_not_transcripts() -> None:
    corpus = ingest([FOLDER])
    sources = {Path(t.source).name for t in corpus.transcripts}
    assert sources == {p.name for p in FIXTURES}
    assert sum("skipped, a speakers file" in w for w in corpus.warnings) == 4
    assert sum(".expected.json" in s for s in corpus.skipped) == len(FIXTURES)  # not whisper


def test_fixtures_cover_the_formats() -> None:
    assert len(FIXTURES) >= 36
    assert {p.suffix for p in FIXTURES} == {".txt", ".md", ".srt", ".vtt", ".json", ".docx",
                                            ".xlsx"}
