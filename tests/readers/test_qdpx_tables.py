"""Run tables to a REFI-QDA project and back."""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline.readers.qdpx_tables import (
    NotedCoding,
    codings_frame,
    iso_date,
    iso_datetime,
    project_from_tables,
)
from tests.round_trip import ROUND_TRIP_TEXT, coded_tables, span


def test_tables_with_passages_and_no_codebook_nest_themes_by_dotted_id() -> None:
    transcripts, _ = coded_tables()
    s, e = span(ROUND_TRIP_TEXT, "Pelayanannya 👍🏽 udah cepat")
    passages = pd.DataFrame([{"passage_id": "wawancara-bu-sari:003",
                              "transcript_id": "wawancara-bu-sari", "start": s, "end": e}])
    codings = pd.DataFrame([{"passage_id": "wawancara-bu-sari:003",
                             "theme": "kinerja.responsivitas"}])
    project = project_from_tables(transcripts, codings, passages=passages)
    (kinerja,) = project.codes
    assert (kinerja.name, [c.name for c in kinerja.children]) == ("kinerja", ["responsivitas"])
    frame = codings_frame(project)
    assert frame[["theme", "text", "user"]].values.tolist() == [
        ["kinerja.responsivitas", "Pelayanannya 👍🏽 udah cepat", "tematik"]]
    with pytest.raises(ValueError, match="outside transcript"):
        project_from_tables(transcripts, codings.assign(start=0, end=10_000))


def test_dates_are_read_into_iso_8601() -> None:
    for written, iso in [("14 Maret 2025", "2025-03-14"), ("Senin, 14 Maret 2025", "2025-03-14"),
                         ("2025-03-15", "2025-03-15"), ("22 April 2025", "2025-04-22"),
                         ("14/03/2025", "2025-03-14"), ("5-8-2024 pukul 10.00", "2024-08-05"),
                         ("3 Agt 2024", "2024-08-03"), ("1 Nopember 2023", "2023-11-01"),
                         ("March 14, 2025", "2025-03-14"), ("2025/3/9", "2025-03-09")]:
        assert iso_date(written) == iso, written
    for nothing in ("", "kemarin", "31 Februari 2025", "13/13/2025", None):
        assert iso_date(nothing) is None
    assert iso_datetime("2026-12-03T08:42:20+07:00") == "2026-12-03T01:42:20Z"
    assert iso_datetime("2026-12-03T01:42:20") == "2026-12-03T01:42:20Z"
    assert iso_datetime("") == iso_datetime(None) == ""


def test_codings_carry_their_notes_and_dates_and_cases_iso_dates() -> None:
    transcripts, codings = coded_tables()
    transcripts = transcripts.assign(date="Jumat, 14 Maret 2025",
                                     metadata='{"informant": "Bu Sari", "date": "14 Maret 2025"}')
    codings = codings.assign(note=["bukti: turun langsung", None, "", None, None])
    project = project_from_tables(transcripts, codings, created="2025-03-14T03:00:00Z")
    assert all(isinstance(c, NotedCoding) for c in project.codings)
    noted = {(c.start, c.note, c.created) for c in project.codings}  # type: ignore[attr-defined]
    s, _ = span(ROUND_TRIP_TEXT, "turun langsung")
    assert (s, "bukti: turun langsung", "2025-03-14T03:00:00Z") in noted
    rina = {c.created for c in project.codings  # type: ignore[attr-defined]
            if c.user_guid != project.users[0].guid}
    assert rina == {""}  # a manual coding keeps no date tematik would make up
    (case,) = project.cases
    assert case.variables["date"] == "2025-03-14"
