"""Transcript stretches shaped like the appendices of Indonesian theses and the exports of
recorders and transcription services (tests/data/thesis/, see its README).

Each fixture has a sidecar ``.expected.json``: informants' words must land in informant
passages; interviewers' questions, headings and footers must not; the people found (display
name, role, labels) must be the sidecar's, with its speakers file and without it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.readers.ingest import ingest
from pipeline.types import INFORMANT, SpeakerMap
from tests.thesis_fixtures import (
    FOLDER,
    expected,
    fixtures,
    listed_people,
    people,
    read,
    speakers_of,
)

FIXTURES = fixtures()


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_informant_answers_land_in_passages_and_nothing_else(path: Path) -> None:
    sidecar = expected(path)
    turns, texts = read(path, speakers_of(path))
    joined = "\n\n".join(" ".join(t.split()) for t in texts)
    for snippet in sidecar["informant"]:  # type: ignore[attr-defined]
        assert " ".join(snippet.split()) in joined, f"informant words lost: {snippet!r}"
    for snippet in sidecar["interviewer"]:  # type: ignore[attr-defined]
        assert " ".join(snippet.split()) not in joined, f"question in a passage: {snippet!r}"
    for noise in sidecar["noise"]:  # type: ignore[attr-defined]
        for text in texts:
            lines = {line.strip() for line in text.splitlines()}
            assert noise.strip() not in lines and (len(noise) < 12 or noise not in text), (
                f"heading/footer in a passage: {noise!r}")
    informants = {t.speaker for t in turns if t.role == INFORMANT}
    assert set(sidecar["informant_speakers"]) <= informants  # type: ignore[arg-type]
    assert not set(sidecar["interviewer_speakers"]) & informants  # type: ignore[arg-type]
    if "persons" in sidecar:
        assert people(turns) == listed_people(sidecar["persons"])
    if "persons_without_speakers_file" in sidecar:
        plain, _ = read(path, SpeakerMap())
        assert people(plain) == listed_people(sidecar["persons_without_speakers_file"])


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
