"""The stage sequence, written once.

    files --ingest--> corpus --anonymise--> corpus --segment--> passages --normalise--> tokens
    [coded passages --train--> learned coders (pipeline.stages.coders)]
    passages + tokens + codebook (+ coder) --themes--> evidence, scores, codings
    passages + tokens --topics--> topic model, topic tables

:func:`analyse` runs it in one of two configurations: ``tematik run`` *fits* (it trains the
supervised coder on ``--train`` and fits a topic model), ``tematik apply`` gives it a
finished run's :class:`Fitted` models, which it applies unchanged. Nothing here reads or
writes the run directory; the caller times each stage through ``stage`` and may act between
coding and topics (``after_coding``: ``tematik run`` writes the coding tables there, so the
workbook can begin while topics fit).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from pipeline.config import RunConfig
from pipeline.readers.ingest import read_files, transcripts_frame
from pipeline.readers.speakers_file import read_speakers
from pipeline.resources import Lexicon, load_lexicon
from pipeline.runs.anonymise import anonymise_corpus
from pipeline.stages.anonymise import Anonymised
from pipeline.stages.coders import LearnContext, LearnedCoder, learn_all
from pipeline.stages.normalise import Normaliser, normalise, normalise_questions
from pipeline.stages.prior import load_model, model_record
from pipeline.stages.segment import passages_frame, segment
from pipeline.stages.supervised import SupervisedCoder
from pipeline.stages.themes import DictionaryCoder, DictionaryResult, code_passages
from pipeline.stages.topicmodels import TopicModel
from pipeline.stages.topics import (
    PASSAGE_TOPICS_COLUMNS,
    TooLittleTextError,
    TopicsResult,
    apply_model,
    fit_topics,
    theme_seeds,
)
from pipeline.types import Codebook, Corpus, Passage, SpeakerMap, Transcript, Turn

Stage = Callable[[str], AbstractContextManager[None]]
"""``stage(name)``: a context around each stage (the caller times it and shows progress)."""


@contextmanager
def untimed(name: str) -> Iterator[None]:
    yield


@dataclass(frozen=True)
class Fitted:
    """What a finished run fitted, applied unchanged to new transcripts (``tematik apply``):
    its learned coders by name (:data:`pipeline.stages.coders.LEARNED`) and topic model
    (None when it had none), the transcript ids it already uses (a new transcript with one
    of them gets ``-baru``), and whether it was anonymised (then the new transcripts are
    too)."""

    learned: Mapping[str, LearnedCoder] = field(default_factory=dict)
    topic_model: TopicModel | None = None
    transcript_ids: frozenset[str] = frozenset()
    anonymised: bool = False


@dataclass
class Analysis:
    """Everything the sequence made. ``topics`` is the fitted topic model's result (fit
    only; None when topics are off or the text was too little, ``topics_skipped`` saying
    why); ``passage_topics`` the passages' topic probabilities either way."""

    corpus: Corpus
    lexicon: Lexicon
    normaliser: Normaliser
    transcripts_df: pd.DataFrame
    passages: list[Passage]
    passages_df: pd.DataFrame
    tokens: pd.DataFrame
    matched: DictionaryResult
    codings: pd.DataFrame
    learned: dict[str, LearnedCoder] = field(default_factory=dict)
    topics: TopicsResult | None = None
    topics_skipped: str | None = None
    passage_topics: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=PASSAGE_TOPICS_COLUMNS))
    anonymised: Anonymised | None = None
    warnings: list[str] = field(default_factory=list)
    informant_model: dict[str, object] | None = None  # the manifest's record of the model


def analyse(
    source: Sequence[tuple[Path, str]] | Corpus,
    config: RunConfig,
    codebook: Codebook,
    *,
    found_warnings: Sequence[str] = (),
    coded: pd.DataFrame | None = None,
    fitted: Fitted | None = None,
    stage: Stage = untimed,
    after_coding: Callable[[Analysis], None] | None = None,
    speakers: SpeakerMap | None = None,
) -> Analysis:
    """Run every stage on ``source`` (the ``(path, shown name)`` pairs
    :func:`~pipeline.readers.ingest.find_files` found, or a corpus already read).

    Without ``fitted``, fits: trains the supervised coder on ``coded`` (a CODED table, when
    given) and fits a topic model as ``config`` says. With ``fitted``, applies its models.
    ``speakers``: the speakers files already read (else they are read from ``config``).
    ``warnings`` collects what a researcher should know, in stage order.
    """
    files = [] if isinstance(source, Corpus) else list(source)
    if isinstance(source, Corpus):
        corpus = source
    else:
        with stage("ingest"):
            corpus = read_files(files, found_warnings,
                                interviewer_labels=config.interviewer_labels,
                                limits=config.limits,  # hostile: limits
                                speakers=(speakers if speakers is not None
                                          else read_speakers(config.speakers)))
    lexicon = load_lexicon(config.models_dir)
    normaliser = Normaliser.shared(lexicon)
    anonymised = None
    if config.anonymise or (fitted is not None and fitted.anonymised):
        # anon: before segmenting, so every offset is into the new text
        with stage("anonymise"):
            corpus, coded, anonymised = anonymise_corpus(
                corpus, [shown for _, shown in files], coded, normaliser)
    warnings = list(corpus.warnings)
    if fitted is not None and fitted.transcript_ids:
        corpus, notes = rename_colliding(corpus, fitted.transcript_ids)
        warnings.extend(notes)
    transcripts_df = transcripts_frame(corpus.transcripts, corpus.turns)
    with stage("segment"):
        passages = segment(corpus.transcripts, corpus.turns, window_words=config.window_words,
                           filler_words=lexicon.fillers)
    with stage("normalise"):
        tokens = normalise(passages, normaliser)
        asked = normalise_questions(passages, normaliser)
    passages_df = passages_frame(passages)
    learned = dict(fitted.learned) if fitted is not None else {}
    cueless = [t.id for t in codebook.themes if not t.keywords and not t.phrases
               and not t.exact]
    if cueless and coded is None and not learned:
        warnings.append(f"{len(cueless)} theme(s) of the codebook have no keywords or "
                        f"phrases, so nothing codes them: {', '.join(cueless[:8])}"
                        f"{' ...' if len(cueless) > 8 else ''}. Give --train with "
                        "your coded passages to learn them.")
    if fitted is None:
        context = LearnContext(codebook, normaliser, config.seed, coded)
        with stage("train") if coded is not None else untimed("train"):
            learned = learn_all(context)
        supervised = learned.get("supervised")
        if isinstance(supervised, SupervisedCoder) and coded is not None:
            warnings.extend(_training_notes(supervised, codebook, coded, config))
    with stage("themes"):
        coder = DictionaryCoder(codebook, normaliser, threshold=config.threshold)
        model = load_model() if config.informant_model else None
        matched, codings = code_passages(passages_df, tokens, coder, list(learned.values()),
                                         question_tokens=asked, model=model)
    analysis = Analysis(corpus, lexicon, normaliser, transcripts_df, passages, passages_df,
                        tokens, matched, codings, learned, anonymised=anonymised,
                        warnings=warnings, informant_model=model_record(
                            model, [t.id for t in codebook.themes]))
    if after_coding is not None:
        after_coding(analysis)
    if fitted is not None:
        if fitted.topic_model is not None:
            with stage("topics"):
                analysis.passage_topics = apply_model(fitted.topic_model, passages_df, tokens)
        return analysis
    if config.topics != 0:
        _fit_topics(analysis, config, codebook, stage)
    return analysis


def _training_notes(supervised: SupervisedCoder, codebook: Codebook, coded: pd.DataFrame,
                    config: RunConfig) -> list[str]:
    notes = []
    unknown = sorted(set(supervised.classes_) - {t.id for t in codebook.themes})
    if unknown:
        notes.append(f"{config.train}: codes that are not themes of the codebook are learned "
                     f"by the supervised coder only: {', '.join(unknown)}")
    notes.extend(f"{config.train}: theme '{t}' not trained: {why}"
                 for t, why in sorted(supervised.untrainable_.items())
                 if t in set().union(*coded["codes"]))
    return notes


def _fit_topics(analysis: Analysis, config: RunConfig, codebook: Codebook,
                stage: Stage) -> None:
    """Fit the topic model; too little text is a note, not a failure."""
    normaliser = analysis.normaliser
    with stage("topics"):
        seeds = (theme_seeds(codebook, lambda w: normaliser.stem(normaliser.word(w)))
                 if config.seed_topics else None)
        try:
            analysis.topics = fit_topics(
                analysis.passages_df, analysis.tokens, k=config.topics,
                model=config.topic_model, seed=config.seed, seed_terms=seeds,
                transcripts=analysis.transcripts_df)
        except TooLittleTextError as exc:
            analysis.topics_skipped = str(exc)
            return
    analysis.passage_topics = analysis.topics.tables()["passage_topics"]


def rename_colliding(corpus: Corpus, taken: frozenset[str]) -> tuple[Corpus, list[str]]:
    """New transcripts whose id a run already uses get ``-baru`` (new) appended."""
    renamed: dict[str, str] = {}
    notes = []
    for t in corpus.transcripts:
        if t.transcript_id in taken:
            new_id, n = f"{t.transcript_id}-baru", 2
            while new_id in taken or new_id in renamed.values():
                new_id, n = f"{t.transcript_id}-baru{n}", n + 1
            renamed[t.transcript_id] = new_id
            notes.append(f"transcript '{t.transcript_id}' is already in the run; the new one "
                         f"is '{new_id}'")
    transcripts: list[Transcript] = [
        replace(t, transcript_id=renamed.get(t.transcript_id, t.transcript_id))
        for t in corpus.transcripts]
    turns: list[Turn] = [replace(t, transcript_id=renamed.get(t.transcript_id, t.transcript_id))
                         for t in corpus.turns]
    return replace(corpus, transcripts=tuple(transcripts), turns=tuple(turns)), notes
