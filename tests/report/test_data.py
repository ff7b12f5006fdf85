"""What the report reads from a run: labels, counts, the informants shown."""

from __future__ import annotations

from pipeline.report.data import EN, ID


def test_labels_exist_in_both_languages() -> None:
    assert set(ID) == set(EN)
    assert all(ID[k] and EN[k] for k in ID)
