"""A transcript with emoji, combining marks and mathematical letters, coded by tematik and
by a researcher: what REFI-QDA projects must carry exactly (read, write, tables)."""

from __future__ import annotations

import pandas as pd


def span(text: str, phrase: str) -> tuple[int, int]:
    """Where ``phrase`` first stands in ``text``."""
    start = text.index(phrase)
    return start, start + len(phrase)


ROUND_TRIP_TEXT = (
    "Informan: Bu Sari\nJabatan: Kasubbag Umum\n\n"
    "P: Gimana kepemimpinan di sini?\n"
    "I: Ehm, bapaknya itu turun langsung 👨‍👩‍👧 ke lapangan, ya kan.\n"
    "Kalau atasan datang pagi kita juge\u0301 malu telat 😅, gitu.\n"
    "Pelayanannya 👍🏽 udah cepat, gak nunggu lama. 𝓢𝓞𝓟 jelas.\n"
)


def coded_tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Its transcripts table and codings (user None: tematik's)."""
    transcripts = pd.DataFrame([{
        "transcript_id": "wawancara-bu-sari", "text": ROUND_TRIP_TEXT, "informant": "Bu Sari",
        "role": "Kasubbag Umum", "metadata": '{"informant": "Bu Sari", "usia": "45"}'}])
    rows = []
    for phrase, theme, user in [("turun langsung 👨‍👩‍👧 ke lapangan", "kepemimpinan", None),
                                ("juge\u0301 malu telat 😅", "budaya_organisasi", None),
                                ("udah cepat, gak nunggu lama", "kinerja.responsivitas", None),
                                ("udah cepat, gak nunggu lama", "kinerja.responsivitas", "Rina"),
                                ("𝓢𝓞𝓟 jelas", "kinerja.pemahaman_tugas", "Rina")]:
        s, e = span(ROUND_TRIP_TEXT, phrase)
        rows.append({"transcript_id": "wawancara-bu-sari", "theme": theme, "start": s,
                     "end": e, "user": user})
    return transcripts, pd.DataFrame(rows)
