"""What ``tematik topics RUN`` shows: each topic's terms and passages, prevalence by group, the
K report, and the same as JSON or CSV, rendered from a run's topic tables."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from pipeline.errors import UsageError
from pipeline.report.topicview import (
    Tables,
    k_report_text,
    overview,
    overview_frame,
    overview_text,
    prevalence_frame,
    prevalence_text,
    preview,
    render,
    top_passages,
)
from pipeline.stages.segment import PASSAGE_COLUMNS
from pipeline.stages.topics import prevalence

ANSWERS = {  # passage: (transcript, informant, what was said, P(topic 1))
    "w1:001": ("w1", "Bu Sari", "Ya, eh, apel pagi itu wajib, yang telat ditegur gitu.", 0.9),
    "w1:002": ("w1", "Bu Sari", "Absennya pakai sidik jari sekarang, nggak bisa titip.", 0.7),
    "w2:001": ("w2", "Pak Eko", "Printernya rusak, udah dua bulan nggak diganti, Mas.", 0.2),
    "w2:002": ("w2", "Pak Eko", "Ehm, laptopnya juga lemot, internetnya putus-putus.", 0.1),
    "w2:003": ("w2", "Pak Eko", "Apelnya sih rame, tapi ya abis itu pada ngilang, kan.", 0.6),
}


@pytest.fixture()
def tables() -> Tables:
    passages = pd.DataFrame(
        [(pid, tid, "I", who, "informant", 0, len(text), text, "", 0, 0, 0, len(text.split()))
         for pid, (tid, who, text, _) in ANSWERS.items()], columns=PASSAGE_COLUMNS)
    transcripts = pd.DataFrame({"transcript_id": ["w1", "w2"],
                                "role": ["Kasubbag Umum", "Staf Pelaksana"],
                                "metadata": ["{}", "{}"]})
    passage_topics = pd.DataFrame(
        [(pid, t, p if t == 1 else round(1 - p, 6)) for pid, (*_, p) in ANSWERS.items()
         for t in (1, 2)], columns=["passage_id", "topic", "probability"])
    summary = pd.DataFrame({
        "topic": [1, 2], "label": ["apel absen telat", "printer rusak laptop"],
        "seed_theme": ["budaya_organisasi", ""], "prevalence": [0.6, 0.4],
        "mean_probability": [0.5, 0.5], "n_passages": [3, 2], "c_npmi": [0.21, 0.15],
        "u_mass": [-1.2, -1.9], "representative": ["w1:002", "w2:002 w2:001"]})
    terms = pd.DataFrame(
        [(1, r, t, s, w) for r, (t, s, w) in enumerate(
            [("apel", "apel", 0.3), ("absen", "Absennya", 0.2), ("telat", "telat", 0.1)], 1)]
        + [(2, r, t, s, w) for r, (t, s, w) in enumerate(
            [("printer", "Printernya", 0.4), ("rusak", "rusak", 0.2)], 1)],
        columns=["topic", "rank", "term", "surface", "weight"])
    k_report = pd.DataFrame({
        "k": [2, 3], "c_npmi": [0.18, 0.12], "u_mass": [-1.5, -2.0], "stability": [0.9, 0.6],
        "min_passages": [2, 1], "score": [0.405, 0.27], "chosen": [True, False],
        "reason": ["highest score", ""]})
    return {"passages": passages, "transcripts": transcripts, "passage_topics": passage_topics,
            "topic_summary": summary, "topic_terms": terms, "k_report": k_report,
            "topic_prevalence": prevalence(passage_topics, passages, transcripts,
                                           by=["informant"])}


def test_top_passages_start_with_the_representative_then_by_probability(tables: Tables) -> None:
    top = top_passages(tables, 1, 4)
    assert top["passage_id"].tolist() == ["w1:002", "w1:001", "w2:003", "w2:001"]
    assert top["informant"].tolist() == ["Bu Sari", "Bu Sari", "Pak Eko", "Pak Eko"]
    assert top["probability"].tolist() == [0.7, 0.9, 0.6, 0.2]
    assert top["text"].iloc[0] == ANSWERS["w1:002"][2]


def test_an_unknown_topic_names_the_topics_there_are(tables: Tables) -> None:
    for topic in (0, 3):
        with pytest.raises(UsageError,
                           match=f"no topic {topic}: this run has topics 1 to 2") as info:
            top_passages(tables, topic, 3)
        assert "--topic" in str(info.value.fix)


def test_the_overview_shows_terms_as_said_and_passages(tables: Tables) -> None:
    records = overview(tables, n_terms=2, n_passages=1)
    assert [r["topic"] for r in records] == [1, 2]
    first = records[0]
    assert [t["surface"] for t in first["terms"]] == ["apel", "Absennya"]  # type: ignore[union-attr]
    text = overview_text(records)
    assert "Topic 1: apel absen telat  [seed: budaya_organisasi]" in text
    assert "prevalence 60.0% (3 passages)" in text and "c_npmi 0.210" in text
    assert "terms: apel 0.300, Absennya 0.200" in text
    assert f"- w1:002 (Bu Sari, p=0.70): {ANSWERS['w1:002'][2]}" in text
    assert "Topic 2: printer rusak laptop\n" in text  # no seed, no bracket
    assert [r["topic"] for r in overview(tables, topic=2)] == [2]


def test_a_long_answer_is_cut_to_a_preview_on_one_line() -> None:
    said = "ya gitu " * 20 + "\nterus gimana lagi"
    assert preview(said, 5) == "ya gitu ya gitu ya ..."
    assert preview("Udah, Mas.\nGitu aja.") == "Udah, Mas. Gitu aja."


def test_prevalence_by_informant_and_by_a_header_field(tables: Tables) -> None:
    by_informant = prevalence_frame(tables, "informant")
    assert by_informant.columns.tolist() == ["informant", "n_passages", "1 apel absen telat",
                                             "2 printer rusak laptop"]
    rows = by_informant.set_index("informant")
    assert rows.loc["Bu Sari", "1 apel absen telat"] == 1.0
    assert rows.loc["Pak Eko", "n_passages"] == 3
    assert rows.loc["Pak Eko", "2 printer rusak laptop"] == pytest.approx(2 / 3)
    by_role = prevalence_frame(tables, "role")  # not stored: computed from the transcripts
    assert set(by_role["role"]) == {"Kasubbag Umum", "Staf Pelaksana"}
    text = prevalence_text(by_informant)
    assert text.splitlines()[1].split() == ["Bu", "Sari", "2", "100%", "0%"]
    assert "  1 apel absen telat" in text


def test_prevalence_by_role_gives_each_of_two_informants_their_own_position(
    tables: Tables,
) -> None:
    # a second informant in transcript w2 (a second session's header block)
    passages = tables["passages"].copy()
    passages.loc[passages["passage_id"] == "w2:003", "display"] = "Bu Rina"
    transcripts = tables["transcripts"].assign(
        informant=["Bu Sari", "Pak Eko; Bu Rina"],
        role=["Kasubbag Umum", "Staf Pelaksana; Bendahara"])
    rows = prevalence_frame({**tables, "passages": passages, "transcripts": transcripts},
                            "role").set_index("role")
    assert rows["n_passages"].to_dict() == {"Bendahara": 1, "Kasubbag Umum": 2,
                                            "Staf Pelaksana": 2}


def test_the_k_report_marks_the_chosen_k_and_says_why(tables: Tables) -> None:
    text = k_report_text(tables["k_report"])
    lines = text.splitlines()
    assert lines[1].endswith("<- ") and not lines[2].endswith("<- ")
    assert lines[-1] == "K=2: highest score"


def test_json_and_csv_carry_the_same_topics(tables: Tables) -> None:
    records = overview(tables, n_terms=3, n_passages=2)
    as_json = json.loads(render(records, "json"))
    assert [r["label"] for r in as_json] == ["apel absen telat", "printer rusak laptop"]
    as_csv = pd.read_csv(io.StringIO(render(records, "csv")))
    assert len(as_csv) == 3 + 2 and as_csv["term"].tolist()[:2] == ["apel", "absen"]
    assert as_csv["representative"].iloc[0] == "w1:002 w1:001"
    pd.testing.assert_frame_equal(as_csv, pd.read_csv(io.StringIO(
        overview_frame(records).to_csv(index=False))))
    frame = json.loads(render(prevalence_frame(tables, "informant"), "json"))
    assert frame[0]["informant"] == "Bu Sari"
