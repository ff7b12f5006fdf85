"""The stage sequence, written once: the stages in order on a corpus, fitting or applying a
finished run's models, too little text for topics as a note, colliding transcript ids."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import pytest

from pipeline.config import RunConfig
from pipeline.readers.codebook import load_codebook
from pipeline.readers.ingest import ingest
from pipeline.runs.sequence import Analysis, Fitted, analyse, rename_colliding
from pipeline.stages.topicmodels import NmfTopics, TopicModel, Vocabulary
from pipeline.types import Codebook, Corpus, Theme
from tests.conftest import write

SARI = ("Informan: Ibu Sari Lestari\nJabatan: Kasubbag Umum\n\n"
        "P: Gimana, Bu, pimpinan di sini?\n"
        "I: Ya, eh, Pak Kabag itu kasih contoh, datang paling pagi, gitu. Beliau tegas tapi "
        "nggak galak, kalau ada yang salah ya ditegur baik-baik.\n"
        "P: Kalau pelayanannya?\n"
        "I: Pelayanan ke warga udah cepet sih, nggak ribet lagi, kan pakai aplikasi.\n")
EKO = ("P: Sarananya gimana, Pak?\n"
       "I: Ehm, printernya rusak udah dua bulan, Mas, laptopnya juga lemot.\n")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    folder = tmp_path_factory.mktemp("in")
    return ingest([write(folder / "w1.txt", SARI), write(folder / "w2.txt", EKO)])


@pytest.fixture(scope="module")
def book() -> Codebook:
    return load_codebook()


def analysed(corpus: Corpus, book: Codebook, **kwargs: object
             ) -> tuple[Analysis, list[str], list[Analysis]]:
    """The analysis, the stages in the order they ran, and what after_coding was given."""
    stages: list[str] = []
    seen: list[Analysis] = []

    @contextmanager
    def stage(name: str) -> Iterator[None]:
        stages.append(name)
        yield

    config = kwargs.pop("config", RunConfig(topics=0, informant_model=False))
    assert isinstance(config, RunConfig)
    result = analyse(corpus, config, book, stage=stage, after_coding=seen.append,
                     **kwargs)  # type: ignore[arg-type]
    return result, stages, seen


def test_the_stages_run_in_order_and_code_the_corpus(corpus: Corpus, book: Codebook) -> None:
    result, stages, seen = analysed(corpus, book)
    assert stages == ["segment", "normalise", "themes"]  # a corpus already read: no ingest
    assert seen == [result]  # the caller may write the codings before topics
    assert set(result.passages_df["transcript_id"]) == {"w1", "w2"}
    assert (result.passages_df["role"] == "informant").all()
    where = result.passages_df.set_index("passage_id")["transcript_id"]
    coded = result.codings.assign(tid=result.codings["passage_id"].map(where))
    w1 = set(coded.loc[coded["tid"] == "w1", "theme"])
    w2 = set(coded.loc[coded["tid"] == "w2", "theme"])
    assert "kepemimpinan" in w1 and "sarana_prasarana" in w2
    assert result.topics is None and result.topics_skipped is None
    assert not any("no keywords" in w for w in result.warnings)  # every theme has cues
    assert result.passage_topics.empty and list(result.passage_topics.columns) == [
        "passage_id", "topic", "probability"]


def test_too_little_text_for_topics_is_a_note_not_a_failure(corpus: Corpus,
                                                            book: Codebook) -> None:
    result, stages, _ = analysed(corpus, book,
                                 config=RunConfig(topics="auto", informant_model=False))
    assert stages[-1] == "topics"
    assert result.topics is None and result.topics_skipped
    assert not result.codings.empty  # the themes are there all the same


def test_a_theme_without_cues_is_warned_about_unless_a_coder_is_trained(
        corpus: Corpus, book: Codebook) -> None:
    bare = Theme("inovasi", "Inovasi", "Innovation")
    result, _, _ = analysed(corpus, replace(book, themes=(*book.themes, bare)))
    assert any("have no keywords or phrases" in w and "inovasi" in w and "--train" in w
               for w in result.warnings)


def test_applying_uses_the_fitted_topic_model_without_fitting(corpus: Corpus,
                                                              book: Codebook) -> None:
    docs = [["printer", "rusak", "laptop"], ["pimpin", "contoh", "tegas"]] * 3
    vocabulary = Vocabulary()
    counts = vocabulary.count(vocabulary.fit_merge(docs))
    model = TopicModel("nmf", vocabulary, NmfTopics(2, random_state=1).fit(counts))
    fitted = Fitted(topic_model=model, transcript_ids=frozenset({"w2"}))
    result, stages, _ = analysed(corpus, book, fitted=fitted,
                                 config=RunConfig(topics="auto", informant_model=False))
    assert stages == ["segment", "normalise", "themes", "topics"]
    assert result.topics is None  # nothing was fitted
    topics = result.passage_topics
    assert set(topics["passage_id"]) <= set(result.passages_df["passage_id"])
    assert (topics.groupby("passage_id").size() == 2).all()
    column = next(i for i, term in enumerate(model.terms) if "printer" in term)
    printer = int(model.components[:, column].argmax()) + 1
    eko = topics[topics["passage_id"].str.startswith("w2-baru")]
    assert int(eko.loc[eko["probability"].idxmax(), "topic"]) == printer
    assert set(result.passages_df["transcript_id"]) == {"w1", "w2-baru"}
    assert "transcript 'w2' is already in the run; the new one is 'w2-baru'" in result.warnings


def test_colliding_ids_get_baru_and_a_number_when_that_is_taken(corpus: Corpus) -> None:
    renamed, notes = rename_colliding(corpus, frozenset({"w1", "w1-baru", "w2"}))
    assert [t.transcript_id for t in renamed.transcripts] == ["w1-baru2", "w2-baru"]
    assert {t.transcript_id for t in renamed.turns} == {"w1-baru2", "w2-baru"}
    assert len(notes) == 2 and "'w1-baru2'" in notes[0]
    assert [t.text for t in renamed.turns] == [t.text for t in corpus.turns]
    untouched, none = rename_colliding(corpus, frozenset({"w3"}))
    assert untouched == corpus and none == []


def test_files_are_read_in_the_ingest_stage(tmp_path: Path, book: Codebook) -> None:
    path = write(tmp_path / "w3.txt", EKO)
    result, stages, _ = analysed([(path, "w3.txt")], book)  # type: ignore[arg-type]
    assert stages[0] == "ingest"
    assert [t.transcript_id for t in result.corpus.transcripts] == ["w3"]
