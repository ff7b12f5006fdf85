"""Runs the report tests share."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from pipeline.config import DEFAULT_CORPUS
from pipeline.runs.compare import compare_run
from tests.conftest import shared_folder

MANUAL = DEFAULT_CORPUS / "_coding_manual.csv"


@pytest.fixture(scope="session")
def compared(sample_run: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample run compared with two manual coders (Rina and Andi). Read only."""

    def build(folder: Path) -> None:
        shutil.copytree(sample_run, folder / "sample")
        manual = pd.read_csv(MANUAL)
        both = pd.concat([manual.assign(coder="Rina"), manual.iloc[::2].assign(coder="Andi")])
        both.to_csv(folder / "dua.csv", index=False)
        compare_run(folder / "sample", folder / "dua.csv", n_resamples=50)

    return shared_folder(tmp_path_factory, "compared", build) / "sample"


