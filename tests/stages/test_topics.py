"""Topics: determinism, K selection on planted topics, seeding, small corpora, too little
text, saving and loading, and the ``tematik topics`` command."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.runs.run import run
from pipeline.runs.rundir import load_topic_model
from pipeline.runs.show import read_topics
from pipeline.stages.normalise import TOKEN_COLUMNS
from pipeline.stages.segment import PASSAGE_COLUMNS
from pipeline.stages.topicmodels import TopicModel
from pipeline.stages.topics import (
    TooLittleTextError,
    TopicsResult,
    apply_model,
    fit_topics,
    informant_docs,
)
from tests.conftest import write

# Five planted topics of ten stems each, as informants of a city office would say them.
PLANTED = {
    "kepemimpinan": "pimpin teladan arah awas bimbing tegas wibawa atasan putus contoh",
    "disiplin": "apel absen disiplin datang telat hadir sidik jari pagi tertib",
    "pelayanan": "layan antre tunggu warga ramah loket berkas syarat urus puas",
    "sarana": "printer komputer rusak mobil anggar internet laptop genset kursi ganti",
    "pelatihan": "latih bimtek kompetensi belajar didik sertifikat kursus diklat ilmu paham",
}
COMMON = ("kantor pegawai kerja bagian orang hari bulan tahun bilang cerita masalah "
          "sistem kadang banyak").split()


def planted_docs(n_docs: int = 150, seed: int = 7) -> list[list[str]]:
    rng = random.Random(seed)
    topics = [words.split() for words in PLANTED.values()]
    docs = []
    for d in range(n_docs):
        main_topic, other = topics[d % len(topics)], rng.choice(topics)
        doc = []
        for _ in range(rng.randint(12, 30)):
            r = rng.random()
            doc.append(rng.choice(main_topic if r < 0.7 else other if r < 0.8 else COMMON))
        docs.append(doc)
    return docs


def frames(docs: list[list[str]], per_transcript: int = 15) -> tuple[pd.DataFrame, ...]:
    """passages and tokens tables for documents of terms; fillers surround every term."""
    passages, tokens = [], []
    for n, doc in enumerate(docs):
        tid = f"w{n // per_transcript:02d}"
        pid = f"{tid}:{n % per_transcript + 1:03d}"
        text = " ".join(f"eh {w}nya" for w in doc)
        passages.append((pid, tid, "I", f"Informan {tid}", "informant", 0, len(text), text,
                         "", 0, 0, 0, len(doc) * 2))
        for i, w in enumerate(doc):
            tokens.append((pid, 2 * i, 0, 2, "eh", "eh", "eh", "filler", ""))
            tokens.append((pid, 2 * i + 1, 0, 2, f"{w}nya", w, w, "word", w))
    return (pd.DataFrame(passages, columns=PASSAGE_COLUMNS),
            pd.DataFrame(tokens, columns=TOKEN_COLUMNS))


@pytest.fixture(scope="module")
def planted() -> tuple[pd.DataFrame, pd.DataFrame, TopicsResult]:
    passages, tokens = frames(planted_docs())
    return passages, tokens, fit_topics(passages, tokens, k="auto", seed=3)


def best_overlap(result: TopicsResult, words: list[str]) -> tuple[int, int]:
    """(topic, how many of ``words`` are among its top 10 terms) for the best topic."""
    terms = result.topic_terms[result.topic_terms["rank"] <= 10]
    hits = terms[terms["term"].isin(words)].groupby("topic").size()
    return int(hits.idxmax()), int(hits.max())


def test_auto_k_is_within_one_of_the_planted_k_and_recovers_every_topic(planted) -> None:
    _, _, result = planted
    chosen = result.k_report[result.k_report["chosen"]]
    assert len(chosen) == 1 and abs(int(chosen["k"].iloc[0]) - len(PLANTED)) <= 1
    assert "highest score" in chosen["reason"].iloc[0]
    assert list(result.k_report["k"]) == list(range(3, 16))
    found = {name: best_overlap(result, words.split()) for name, words in PLANTED.items()}
    assert all(n >= 7 for _, n in found.values()), found
    assert len({t for t, _ in found.values()}) == len(PLANTED)  # each in its own topic


def test_tables_have_the_documented_columns_and_surface_forms(planted) -> None:
    passages, _, result = planted
    k = result.model.n_topics
    assert list(result.passage_topics.columns) == ["passage_id", "topic", "probability"]
    assert len(result.passage_topics) == len(passages) * k
    sums = result.passage_topics.groupby("passage_id")["probability"].sum()
    assert np.allclose(sums, 1.0, atol=1e-4)
    # Terms are stems; what informants said is shown beside them.
    row = result.topic_terms[result.topic_terms["term"] == "pimpin"].iloc[0]
    assert row["surface"] == "pimpinnya"
    summary = result.topic_summary
    assert summary["prevalence"].sum() == pytest.approx(1.0, abs=1e-4)
    assert all(len(r.split()) == 3 for r in summary["representative"])
    assert set(result.topic_prevalence["by"]) == {"informant", "transcript"}


def test_same_inputs_and_seed_give_identical_tables_and_model(planted) -> None:
    passages, tokens, first = planted
    again = fit_topics(passages, tokens, k="auto", seed=3)
    for name, table in first.tables().items():
        pd.testing.assert_frame_equal(table, again.tables()[name], obj=name)
    assert first.model.to_files() == again.model.to_files()


def test_saved_model_loads_and_gives_the_same_passage_topics(planted) -> None:
    passages, tokens, result = planted
    loaded = TopicModel.from_files(result.model.to_files())
    pd.testing.assert_frame_equal(apply_model(loaded, passages, tokens),
                                  result.passage_topics)


def test_nmf_is_selectable_by_name_and_deterministic(planted) -> None:
    passages, tokens, _ = planted
    a = fit_topics(passages, tokens, k=5, model="nmf")
    b = fit_topics(passages, tokens, k=5, model="nmf")
    pd.testing.assert_frame_equal(a.topic_terms, b.topic_terms)
    assert all(best_overlap(a, w.split())[1] >= 7 for w in PLANTED.values())
    loaded = TopicModel.from_files(a.model.to_files())
    pd.testing.assert_frame_equal(apply_model(loaded, passages, tokens), a.passage_topics)


def test_seeded_topics_come_first_and_recover_their_themes(planted) -> None:
    passages, tokens, _ = planted
    names = ["pelatihan", "sarana", "kepemimpinan"]
    seeds = {name: PLANTED[name].split()[:4] for name in names}
    result = fit_topics(passages, tokens, k=6, seed=3, seed_terms=seeds)
    summary = result.topic_summary.set_index("topic")
    assert set(summary.loc[[1, 2, 3], "seed_theme"]) == set(names)
    assert list(summary.loc[[4, 5, 6], "seed_theme"]) == ["", "", ""]
    for topic in (1, 2, 3):
        theme = summary.loc[topic, "seed_theme"]
        top = result.topic_terms[(result.topic_terms["topic"] == topic)
                                 & (result.topic_terms["rank"] <= 10)]["term"]
        assert len(set(top) & set(PLANTED[theme].split())) >= 7, (theme, list(top))


def test_too_little_text_says_how_much_is_needed() -> None:
    passages, tokens = frames([["layan", "antre", "tunggu", "warga"]] * 4)
    with pytest.raises(TooLittleTextError, match=r"too little text.*4 informant passage.*"
                       r"at least 20 informant answers"):
        fit_topics(passages, tokens)


def test_a_run_with_too_little_text_warns_and_has_no_topics(tmp_path: Path) -> None:
    src = write(tmp_path / "a.txt", "P: Gimana pelayanannya?\nI: Ya, eh, cepet kok, Mas.\n")
    out = tmp_path / "run"
    result = run([src], out)
    assert any("no topic model: too little text" in w for w in result.warnings)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["topics"]["status"] == "skipped"
    assert not (out / "topic_terms.parquet").exists()
    cli = CliRunner().invoke(main, ["topics", str(out)])
    assert cli.exit_code == 1
    assert "has no topics: too little text" in cli.output and "Traceback" not in cli.output


def test_a_small_real_corpus_gives_several_sensible_topics(sample_run: Path) -> None:
    # The sample corpus (tests/conftest.py): eight interviews, a small real corpus.
    tables = read_topics(sample_run)
    summary = tables["topic_summary"]
    assert 3 <= len(summary) <= len(tables["passages"]) // 4  # at most one per 4 passages
    assert (summary["n_passages"] >= 1).all()  # no empty topic
    assert summary["prevalence"].max() < 0.5  # and no catch-all topic
    assert summary["label"].str.len().min() > 5
    manifest = json.loads((sample_run / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["topics"]["status"] == "complete"
    assert {"topic_terms", "passage_topics", "topic_summary", "topic_prevalence",
            "k_report"} <= set(manifest["tables"])
    model = load_topic_model(sample_run)
    assert model.n_topics == len(summary)


def invoke(*args: str) -> object:
    result = CliRunner().invoke(main, ["topics", *args])
    assert "Traceback" not in result.output
    return result


def test_topics_command_prints_each_topic_with_terms_and_passages(sample_run: Path) -> None:
    result = invoke(str(sample_run))
    assert result.exit_code == 0, result.output
    tables = read_topics(sample_run)
    k = len(tables["topic_summary"])
    out = result.output
    assert out.count("Topic ") == k and "prevalence" in out and "c_npmi" in out
    first = tables["topic_summary"].iloc[0]
    assert f"Topic 1: {first['label']}" in out
    for pid in first["representative"].split():
        assert f"- {pid} (" in out
    terms_line = next(line for line in out.splitlines() if line.startswith("  terms:"))
    assert terms_line.count(",") >= 9  # at least 10 terms with weights
    assert "pimpin " not in out  # stems are shown as informants said them


def test_topics_command_one_topic_json_csv(sample_run: Path) -> None:
    one = invoke(str(sample_run), "--topic", "2")
    assert one.exit_code == 0 and one.output.count("Topic ") == 1
    assert sum(line.startswith("  - ") for line in one.output.splitlines()) >= 5
    as_json = json.loads(invoke(str(sample_run), "--format", "json").output)
    assert {"topic", "label", "prevalence", "c_npmi", "u_mass", "terms",
            "passages"} <= set(as_json[0])
    assert len(as_json[0]["passages"][0]["text"].split()) <= 31
    csv = invoke(str(sample_run), "--format", "csv").output.splitlines()
    assert csv[0].startswith("topic,label,seed_theme,prevalence")


def test_topics_command_prevalence_and_k_report(sample_run: Path) -> None:
    by = invoke(str(sample_run), "--by", "informant")
    assert by.exit_code == 0 and "Rudi" in by.output and "%" in by.output
    role = invoke(str(sample_run), "--by", "role")
    assert "Kepala Subbagian Perlengkapan" in role.output
    unit = invoke(str(sample_run), "--by", "unit", "--format", "csv")
    assert unit.output.startswith("unit,n_passages,\"1 ")
    report = invoke(str(sample_run), "--k-report")
    assert report.exit_code == 0 and "<-" in report.output and "stability" in report.output


def test_topics_command_errors_are_one_line_with_exit_codes(sample_run: Path,
                                                             tmp_path: Path) -> None:
    missing = invoke(str(tmp_path / "nope"))
    assert missing.exit_code == 2 and "run not found" in missing.output
    topic = invoke(str(sample_run), "--topic", "99")
    assert topic.exit_code == 2 and "no topic 99" in topic.output
    field = invoke(str(sample_run), "--by", "hobi")
    assert field.exit_code == 2 and "no field 'hobi'" in field.output
    bad_k = CliRunner().invoke(main, ["run", "--topics", "1"])
    assert bad_k.exit_code == 2
    nmf_seeded = CliRunner().invoke(main, ["run", "--model", "nmf", "--seed-topics"])
    assert nmf_seeded.exit_code == 2 and "--seed-topics needs --model lda" in nmf_seeded.output


def test_passages_without_modelled_words_give_empty_documents() -> None:
    passages, tokens = frames([["layan"]])
    assert informant_docs(passages, tokens.iloc[0:0]) == (["w00:001"], [[]])
