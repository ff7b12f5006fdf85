"""Overlap rules: coded spans into passage decisions, and character-level agreement."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.metrics import cohen_kappa_score

from pipeline.agreement.overlap import (
    CHARACTER_COLUMNS,
    PRESENCE_COLUMNS,
    character_agreement,
    passage_presence,
    presence_pairs,
)
from pipeline.agreement.statistics import decision_table
from pipeline.agreement.tables import agreement_table
from pipeline.errors import TematikError, UsageError

# An informant's answer in two passages, as segment.py would cut it.
ANSWER_1 = (
    "Eh, jadi gini ya, Pak Kabag itu orangnya turun langsung. Kalau ada warga yang komplain, "
    "beliau sendiri yang nanganin, gak nunggu laporan dari staf."
)
ANSWER_2 = (
    "Ya kalau soal disiplin, ehm, apel pagi itu udah rutin. Kita juga malu kan kalau pimpinan "
    "udah datang duluan terus kita telat, gitu."
)
TEXT = "P: Bagaimana peran pimpinan di kantor ini?\nI: " + ANSWER_1 + "\nI: " + ANSWER_2
P1 = TEXT.index(ANSWER_1)
P2 = TEXT.index(ANSWER_2)
PASSAGES = pd.DataFrame({
    "passage_id": ["w01:001", "w01:002"],
    "transcript_id": ["w01", "w01"],
    "start": [P1, P2],
    "end": [P1 + len(ANSWER_1), P2 + len(ANSWER_2)],
})


def _span(coder: str, theme: str, quote: str) -> dict[str, object]:
    start = TEXT.index(quote)
    return {"coder": coder, "transcript_id": "w01", "theme": theme, "start": start,
            "end": start + len(quote)}


def _presence(rows: list[dict[str, object]], **kwargs: object) -> pd.DataFrame:
    return passage_presence(PASSAGES, pd.DataFrame(rows), **kwargs)  # type: ignore[arg-type]


def _verdict(frame: pd.DataFrame, coder: str, passage: str, theme: str) -> bool | None:
    rows = frame[(frame["coder"] == coder) & (frame["passage_id"] == passage)
                 & (frame["theme"] == theme)]
    return None if rows.empty else bool(rows["present"].iloc[0])


def test_a_short_quote_inside_a_long_passage_counts_by_the_segment_rule() -> None:
    quote = "beliau sendiri yang nanganin"
    frame = _presence([_span("sari", "kepemimpinan", quote)])
    assert list(frame.columns) == PRESENCE_COLUMNS
    row = frame.iloc[0]
    assert row["segment_share"] == 1.0
    assert row["overlap"] == len(quote)
    assert row["passage_share"] == pytest.approx(len(quote) / len(ANSWER_1))
    assert _verdict(frame, "sari", "w01:001", "kepemimpinan") is True
    passage_only = _presence([_span("sari", "kepemimpinan", quote)], relative_to="passage")
    assert _verdict(passage_only, "sari", "w01:001", "kepemimpinan") is False


def test_a_coded_stretch_spilling_into_the_next_answer_counts_where_it_covers_most() -> None:
    # the whole first answer plus the first words of the second
    spill = ANSWER_1 + "\nI: Ya kalau soal disiplin"
    frame = _presence([_span("sari", "kepemimpinan", spill)], relative_to="passage")
    assert _verdict(frame, "sari", "w01:001", "kepemimpinan") is True
    assert _verdict(frame, "sari", "w01:002", "kepemimpinan") is False
    second = frame[frame["passage_id"] == "w01:002"].iloc[0]
    assert second["overlap"] == len("Ya kalau soal disiplin")


def test_several_segments_of_one_theme_add_up_over_the_passage() -> None:
    first = "Kita juga malu kan kalau pimpinan udah datang duluan"
    second = "apel pagi itu udah rutin"
    rows = [_span("sari", "budaya_organisasi", first), _span("sari", "budaya_organisasi", second),
            # an overlapping duplicate is counted once
            _span("sari", "budaya_organisasi", "pimpinan udah datang")]
    frame = _presence(rows, relative_to="passage", min_overlap=0.5)
    row = frame.iloc[0]
    assert row["overlap"] == len(first) + len(second)
    assert row["passage_share"] == pytest.approx((len(first) + len(second)) / len(ANSWER_2))
    assert row["present"] == (row["passage_share"] >= 0.5)
    strict = _presence(rows, relative_to="passage", min_overlap=0.9)
    assert not strict["present"].any()


def test_min_overlap_is_inclusive_and_validated() -> None:
    half = ANSWER_2[len(ANSWER_2) // 2:]
    rows = [_span("budi", "motivasi", half)]
    share = len(half) / len(ANSWER_2)
    assert _presence(rows, relative_to="passage", min_overlap=share)["present"].all()
    assert not _presence(rows, relative_to="passage", min_overlap=share + 1e-6)["present"].any()
    for bad in (0, 1.5, -0.2):
        with pytest.raises(UsageError, match="min_overlap"):
            _presence(rows, min_overlap=bad)
    with pytest.raises(UsageError, match="relative_to"):
        _presence(rows, relative_to="sentence")


def test_presence_feeds_a_decision_table() -> None:
    rows = [_span("sari", "kepemimpinan", "orangnya turun langsung"),
            _span("sari", "budaya_organisasi", "apel pagi itu udah rutin"),
            _span("tematik", "kepemimpinan", "Pak Kabag itu orangnya turun langsung"),
            _span("tematik", "kepemimpinan", "pimpinan udah datang duluan")]
    pairs = presence_pairs(_presence(rows))
    assert pairs == {"sari": {("w01:001", "kepemimpinan"), ("w01:002", "budaya_organisasi")},
                     "tematik": {("w01:001", "kepemimpinan"), ("w01:002", "kepemimpinan")}}
    table = decision_table(pairs, list(PASSAGES["passage_id"]),
                           ["kepemimpinan", "budaya_organisasi"])
    frame = agreement_table(table, "sari", "tematik", n_resamples=0)
    lead = frame[frame["theme"] == "kepemimpinan"].iloc[0]
    assert (lead["both"], lead["only_a"], lead["only_b"], lead["neither"]) == (1, 0, 1, 0)


def test_spans_outside_passages_empty_spans_and_bad_offsets() -> None:
    question = _span("sari", "kepemimpinan", "Bagaimana peran pimpinan")  # interviewer turn
    other = {**_span("sari", "motivasi", "apel pagi"), "transcript_id": "w02"}
    empty = {**_span("sari", "motivasi", "apel pagi"), "end": TEXT.index("apel pagi")}
    assert _presence([question, other, empty]).empty
    with pytest.raises(TematikError, match=r"segments: row 0 has start 50 and end 40"):
        _presence([{**question, "start": 50, "end": 40}])
    with pytest.raises(UsageError, match=r"lack the column.*theme"):
        passage_presence(PASSAGES, pd.DataFrame([question]).drop(columns="theme"))
    twice = pd.concat([PASSAGES, PASSAGES.iloc[:1]])
    with pytest.raises(UsageError, match="passage id 'w01:001' appears twice"):
        passage_presence(twice, pd.DataFrame([question]))


_interval = st.tuples(st.integers(0, 120), st.integers(1, 40)).map(lambda t: (t[0], t[0] + t[1]))


@settings(max_examples=60, deadline=None)
@given(st.lists(_interval, min_size=1, max_size=8),
       st.lists(st.tuples(st.sampled_from(["sari", "tematik"]), st.sampled_from(["x", "y"]),
                          _interval), max_size=12),
       st.sampled_from([0.25, 0.5, 1.0]))
def test_passage_presence_matches_a_character_by_character_count(
    units: list[tuple[int, int]], spans: list[tuple[str, str, tuple[int, int]]], cut: float
) -> None:
    # passages may overlap or nest here; the rule must still hold exactly
    passages = pd.DataFrame({"passage_id": [f"p{i}" for i in range(len(units))],
                             "transcript_id": "t", "start": [u[0] for u in units],
                             "end": [u[1] for u in units]})
    segments = pd.DataFrame({"coder": [s[0] for s in spans], "transcript_id": "t",
                             "theme": [s[1] for s in spans], "start": [s[2][0] for s in spans],
                             "end": [s[2][1] for s in spans]}).astype({"start": int, "end": int})
    frame = passage_presence(passages, segments, min_overlap=cut)
    got = {(r.coder, r.passage_id, r.theme): r for r in frame.itertuples()}
    expected = set()
    for i, (p0, p1) in enumerate(units):
        passage = set(range(p0, p1))
        for coder in ("sari", "tematik"):
            for theme in ("x", "y"):
                own = [set(range(a, b)) for c, t, (a, b) in spans if c == coder and t == theme]
                covered = len(passage & set().union(*own))
                if not covered:
                    continue
                key = (coder, f"p{i}", theme)
                expected.add(key)
                seg_share = max(len(s & passage) / len(s) for s in own)
                assert got[key].overlap == covered
                assert got[key].passage_share == pytest.approx(covered / len(passage))
                assert got[key].segment_share == pytest.approx(seg_share)
                assert got[key].present == (covered / len(passage) >= cut or seg_share >= cut)
    assert set(got) == expected


# ------------------------------------------------------------------ character agreement


def test_nvivo_worked_example() -> None:
    # NVivo's help: 1000 characters, 50 coded by both, 150 by one only, 800 by neither: 85%
    spans = pd.DataFrame([
        {"coder": "A", "transcript_id": "doc", "theme": "x", "start": 0, "end": 150},
        {"coder": "B", "transcript_id": "doc", "theme": "x", "start": 100, "end": 200},
    ])
    frame = character_agreement(spans, {"doc": 1000}, "A", "B")
    assert list(frame.columns) == CHARACTER_COLUMNS
    row = frame.iloc[0]
    assert (row["both"], row["only_a"], row["only_b"], row["neither"]) == (50, 100, 50, 800)
    assert row["agreement"] == pytest.approx(0.85)
    a = np.r_[np.ones(150), np.zeros(850)]
    b = np.r_[np.zeros(100), np.ones(100), np.zeros(800)]
    assert row["kappa"] == pytest.approx(cohen_kappa_score(a, b))


def test_character_agreement_pools_transcripts_and_explains_undefined_kappa() -> None:
    spans = pd.DataFrame([
        _span("sari", "kepemimpinan", "turun langsung"),
        _span("tematik", "kepemimpinan", "orangnya turun langsung"),
        _span("sari", "budaya_organisasi", "apel pagi itu udah rutin"),
    ])
    frame = character_agreement(spans, {"w01": len(TEXT), "w02": 500}, "sari", "tematik",
                                themes=["kepemimpinan", "budaya_organisasi", "motivasi"],
                                lang="id")
    assert len(frame) == 3 * 2 + 3 + 1
    lead = frame[(frame["theme"] == "kepemimpinan") & (frame["transcript_id"] == "*")].iloc[0]
    assert lead["n_chars"] == len(TEXT) + 500
    assert lead["both"] == len("turun langsung")
    assert lead["neither"] == len(TEXT) + 500 - len("orangnya turun langsung")
    silent = frame[(frame["theme"] == "motivasi") & (frame["transcript_id"] == "w02")].iloc[0]
    assert silent["agreement"] == 1.0 and math.isnan(silent["kappa"])
    assert silent["kappa_landmark"] == "tidak terdefinisi"
    assert "kappa dan alpha tidak terdefinisi" in silent["note"]
    culture = frame[(frame["theme"] == "budaya_organisasi") & (frame["transcript_id"] == "w01")]
    assert culture.iloc[0]["kappa"] == 0.0
    assert culture.iloc[0]["note"] == ""  # no precision/recall reasons in this table


def test_character_agreement_rejects_offsets_past_the_text() -> None:
    spans = pd.DataFrame([{"coder": "A", "transcript_id": "w01", "theme": "x", "start": 0,
                           "end": 900}])
    with pytest.raises(TematikError, match="ends at 900, past the end of transcript 'w01'"):
        character_agreement(spans, {"w01": 800}, "A", "B")
    with pytest.raises(TematikError, match="no known length: w01"):
        character_agreement(spans, {"w02": 800}, "A", "B")


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("AB"), _interval), max_size=10))
def test_character_kappa_matches_sklearn_on_each_character(spans: list) -> None:
    length = 170
    frame = character_agreement(
        pd.DataFrame({"coder": [s[0] for s in spans], "transcript_id": "t", "theme": "x",
                      "start": [s[1][0] for s in spans], "end": [s[1][1] for s in spans]},
                     ).astype({"start": int, "end": int}),
        {"t": length}, "A", "B", themes=["x"])
    marks = {c: np.zeros(length, dtype=int) for c in "AB"}
    for coder, (a, b) in spans:
        marks[coder][a:b] = 1
    row = frame.iloc[0]
    assert row["agreement"] == pytest.approx(np.mean(marks["A"] == marks["B"]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        reference = cohen_kappa_score(marks["A"], marks["B"], labels=[0, 1])
    if math.isnan(reference):
        assert math.isnan(row["kappa"])
    else:
        assert row["kappa"] == pytest.approx(reference)
