"""Transcript stretches shaped like the appendices of Indonesian theses (tests/data/thesis/).

Each fixture has a sidecar ``.expected.json``: informants' words must land in informant
passages; interviewers' questions, headings and footers must not.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.readers.ingest import read_file
from pipeline.stages.segment import segment
from pipeline.types import Turn as IngestTurn

FIXTURES = sorted((Path(__file__).parent / "data" / "thesis").glob("*.txt"))


def _passages(path: Path) -> tuple[list[str], set[str], set[str]]:
    [(transcript, raw, _)] = read_file(path, path.name)
    turns = [
        IngestTurn(transcript.transcript_id, i, t.speaker, t.role, t.start, t.end,
                   transcript.text[t.start : t.end])
        for i, t in enumerate(raw)
    ]
    passages = segment([transcript], turns)
    informants = {t.speaker for t in turns if t.role == "informant"}
    interviewers = {t.speaker for t in turns if t.role == "interviewer"}
    return [p.text for p in passages], informants, interviewers


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_informant_answers_land_in_passages_and_nothing_else(path: Path) -> None:
    expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    texts, informants, _interviewers = _passages(path)
    joined = "\n\n".join(" ".join(t.split()) for t in texts)
    for snippet in expected["informant"]:
        assert " ".join(snippet.split()) in joined, f"informant words lost: {snippet!r}"
    for snippet in expected["interviewer"]:
        assert snippet not in joined, f"interviewer question in a passage: {snippet!r}"
    for noise in expected["noise"]:
        for text in texts:
            lines = {line.strip() for line in text.splitlines()}
            assert noise.strip() not in lines and (len(noise) < 12 or noise not in text), (
                f"heading/footer in a passage: {noise!r}")
    for name in expected.get("interviewer_speakers", []):
        assert name not in informants, f"{name} taken for an informant"
    assert expected.get("informant_speakers"), "fixture names its informants"
    assert informants, "no informant found"


def test_fixtures_are_present() -> None:
    assert len(FIXTURES) >= 6
