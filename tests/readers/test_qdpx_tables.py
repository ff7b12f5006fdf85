"""Run tables to a REFI-QDA project and back."""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline.readers.qdpx_tables import (
    codings_frame,
    project_from_tables,
)


def _span(text: str, phrase: str) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


ROUND_TRIP_TEXT = (
    "Informan: Bu Sari\nJabatan: Kasubbag Umum\n\n"
    "P: Gimana kepemimpinan di sini?\n"
    "I: Ehm, bapaknya itu turun langsung 👨‍👩‍👧 ke lapangan, ya kan.\n"
    "Kalau atasan datang pagi kita juge\u0301 malu telat 😅, gitu.\n"
    "Pelayanannya 👍🏽 udah cepat, gak nunggu lama. 𝓢𝓞𝓟 jelas.\n"
)


def _tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    transcripts = pd.DataFrame([{
        "transcript_id": "wawancara-bu-sari", "text": ROUND_TRIP_TEXT, "informant": "Bu Sari",
        "role": "Kasubbag Umum", "metadata": '{"informant": "Bu Sari", "usia": "45"}'}])
    rows = []
    for phrase, theme, user in [("turun langsung 👨‍👩‍👧 ke lapangan", "kepemimpinan", None),
                                ("juge\u0301 malu telat 😅", "budaya_organisasi", None),
                                ("udah cepat, gak nunggu lama", "kinerja.responsivitas", None),
                                ("udah cepat, gak nunggu lama", "kinerja.responsivitas", "Rina"),
                                ("𝓢𝓞𝓟 jelas", "kinerja.pemahaman_tugas", "Rina")]:
        s, e = _span(ROUND_TRIP_TEXT, phrase)
        rows.append({"transcript_id": "wawancara-bu-sari", "theme": theme, "start": s,
                     "end": e, "user": user})
    return transcripts, pd.DataFrame(rows)


def test_tables_with_passages_and_no_codebook_nest_themes_by_dotted_id() -> None:
    transcripts, _ = _tables()
    s, e = _span(ROUND_TRIP_TEXT, "Pelayanannya 👍🏽 udah cepat")
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
