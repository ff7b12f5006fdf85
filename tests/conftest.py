"""Shared fixtures: the shipped lexicon, one normaliser per session, file builders."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.resources import Lexicon, load_lexicon
from pipeline.stages.normalise import Normaliser

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def lexicon() -> Lexicon:
    return load_lexicon()


@pytest.fixture(scope="session")
def normaliser(lexicon: Lexicon) -> Normaliser:
    return Normaliser(lexicon)


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path
