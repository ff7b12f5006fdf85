"""Configuration: every knob of a run and every tunable constant of the stages, with its
default, documented once, here.

:class:`RunConfig` is what a researcher sets (the CLI's options) and what ``manifest.json``
records. The constants below it are the stages' defaults and rules; a stage imports the
ones it uses from here and keeps none of its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pipeline.limits import InputLimits
from pipeline.resources import CORPUS_DIR, DEFAULT_CODEBOOK, MODELS_DIR

DEFAULT_CORPUS = CORPUS_DIR
"""The embedded sample corpus ``tematik run`` uses when given no input (shipped with the
package: :func:`pipeline.resources.assets_dir`)."""

# -- segment ----------------------------------------------------------------------------------

WINDOW_WORDS = 120
"""Answers longer than about 1.5 x this many words are split into windows at sentence ends."""

# -- speakers: the turns preview (tematik turns, docs/cli.md) --------------------------------

LONG_TURN_WORDS = 300
"""A turn longer than this many words, and three times the transcript's median turn, is
flagged by ``tematik turns``: it may hold several speakers whose labels were not seen."""
PREVIEW_WORDS = 8
"""Words of each turn ``tematik turns`` shows."""

# -- themes: the dictionary coder (models/codebooks/README.md) --------------------------------

DEFAULT_THRESHOLD = 1.5
"""Dictionary score a theme needs in a passage to be coded: one strong cue (weight 1.5), two
ordinary ones, or one ordinary cue said twice; one ordinary or weak mention is not enough."""
EXCERPT_FALLBACK = 1.0
"""An excerpt a researcher picked (``tematik code``) is about something: when no theme reaches
the threshold, its best theme is still coded if it has at least one ordinary cue's score."""
QUESTION_WEIGHT = 0.5
QUESTION_CAP = 1.0
"""Cues in the interviewer's question add this share of their weight to a theme, at most
QUESTION_CAP (below the threshold: the question alone never codes a passage)."""
SPECIFIC_SHARE = 0.25
SPECIFIC_FLOOR = 0.5
SPECIFIC_MIN_PASSAGES = 20
"""A keyword whose stem occurs in more than SPECIFIC_SHARE of a corpus's passages says less
there: its weight falls linearly to SPECIFIC_FLOOR for a stem in every passage (corpora of
SPECIFIC_MIN_PASSAGES passages or more)."""
DAMPING = 0.2
"""A cue weighing this or less is a damping phrase (``kepala keluarga``: 0.1 in leadership):
it keeps its words from counting as keywords, but is no evidence that the passage speaks
of its theme."""
STRONG = 1.5
"""A keyword weighing this or more is strong and specific: it is not damped for being
common in a corpus."""
SECONDARY_SHARE = 0.6
MAX_THEMES = 2
"""A second top-level theme is coded only on its own evidence (words the first did not use)
reaching the threshold and SECONDARY_SHARE of the first's score (or twice the threshold);
at most MAX_THEMES per passage."""
DIMENSION_MIN = 1.0
"""The sub-theme with the most evidence is coded when its own score reaches this; otherwise
the parent theme (``kinerja`` when no dimension of performance is evident)."""
MODEL_CUT = 0.5
MODEL_DIMENSION_CUT = 0.4
DIMENSION_DICTIONARY_WEIGHT = 0.5
MODEL_SECOND_CUT = 0.6
MODEL_SURE = 0.8
MODEL_VETO = 0.2
MODEL_MIN_WORDS = 4
"""The informant-speech model (:mod:`pipeline.stages.prior`) codes a top-level theme at
probability MODEL_CUT, and a theme the dictionary found on a word or two (a score under twice
the threshold) stays uncoded when the model, reading the whole passage, gives it less than
MODEL_VETO (on the informant quotes nearly every such coding was wrong: a word of the theme in
a passage about something else). A second theme beside one already coded is coded only at
MODEL_SECOND_CUT when the passage has some words of the codebook's for it too, or at
MODEL_SURE without (most passages carry one theme). The model names a dimension of
performance when its probability plus DIMENSION_DICTIONARY_WEIGHT times the dimension's
share of the dictionary's evidence reaches MODEL_DIMENSION_CUT (on informant quotes the model
alone named the right dimension more often than the dictionary's words: its probability is
worth twice their share). It says nothing of a passage with fewer than MODEL_MIN_WORDS
content words ("Ya gitu aja sih, Mas."), nor of the leave-taking that answers the
interviewer's closing thanks (:func:`pipeline.stages.segment.closing_exchange`)."""
READ_CHUNK = 2_000
"""The trained coders (the informant-speech model, a coder trained on your coding) read the
passages' features this many passages at a time, so memory does not grow with the corpus."""
REPEAT_FACTOR = 0.5
"""A cue said again adds this share of its weight ..."""
MAX_REPEATS = 3
"""... up to this many times in all."""

# -- themes: the supervised coder (docs/supervised.md) -----------------------------------------

TRUST_PRECISION = 0.7
TRUST_F1 = 0.6
TRUST_SUPPORT = 8
"""The supervised coder codes a theme on its own (and may overrule the dictionary) only where
its cross-validated precision, F1 and support reach these: a coder learned from 30 quotes is
not trusted."""

CODER_C = 10.0
"""Inverse regularisation of the supervised coder's logistic regressions."""
CODER_SCALING = "auto"
"""Whether each theme's features are scaled by their naive-Bayes log-count ratio before its
logistic regression (NBSVM): ``nb``, ``none``, or ``auto``, the one whose cross-validated
micro-F1 on the training passages is higher (a tie keeps ``none``). On HoASA's held-out
split the scaling raises micro-F1 from 0.882 to 0.915; on small sets of interview-like
passages it can do worse, so it is chosen per training set (docs/supervised.md)."""
CODER_NB_ALPHA = 1.0
"""Smoothing of the naive-Bayes log-count ratios."""
INFORMANT_MIN_DF = 2
"""The informant-speech model keeps features found in at least this many training quotes
(with 3,921 quotes, 1 gave an 11 MB model file and 2 one of 5 MB, coding the dev and holdout
quotes as well)."""
INFORMANT_SCALING = "none"
"""The informant-speech model (models/coders/informant.json.gz) keeps plain logistic
regression: with the scaling its macro-F1 on the dev quotes fell from 0.763 to 0.724 and the
right performance dimension from 77.5% to 64.8% (1,600 training quotes), and from 0.803 to
0.722 with 3,079 (scripts/eval_codebook.py)."""

MIN_QUOTE_WORDS = 12
"""A quote shown as evidence (the report, ``theme_matrix.best_quote``) has at least this many
words where its passage has them: the sentence with the evidence and those beside it."""
MAX_QUOTE_WORDS = 40
"""... and about this many at most, cut around the evidence."""

# -- topics (docs/topics.md) ----------------------------------------------------------------

MIN_PASSAGES = 20
MIN_TERMS = 3
MIN_VOCABULARY = 20
"""Too little text for a topic model: fewer than MIN_PASSAGES informant passages with at
least MIN_TERMS modelled words, or fewer than MIN_VOCABULARY words in two passages or more."""
K_RANGE = (3, 15)
PASSAGES_PER_TOPIC = 4
"""``--topics auto`` scores every K in K_RANGE, capped at one topic per PASSAGES_PER_TOPIC
passages. Issue 15: at 8, a 38-passage debate of six sections could only get K=4; at 4,
planted six-section corpora of 34-43 passages get K=6 (K=5 on one seed of six;
scripts/eval_small_topics.py). Coherence and stability, not the cap, pick K."""
STABILITY_FITS = 2
STABILITY_FITS_SMALL = 6
SMALL_CORPUS = 1000
"""Stability is measured against this many NMF fits from other seeds; on fewer than
SMALL_CORPUS passages, where fits are cheap and one unlucky fit sways the choice, against
STABILITY_FITS_SMALL (six planted sections of 34-41 passages: K=6 found on 10 of 10 seeds,
against 9 of 10 with two fits)."""
SELECT_SAMPLE = 3000
"""K is scored on at most this many passages (a seeded random sample)."""
STABILITY_WEIGHT = 0.25
SCORE_TOL = 1e-3
"""K's score is ``c_npmi + STABILITY_WEIGHT x stability`` (:func:`k_score`) of NMF fits that
stop at tolerance SCORE_TOL (the final model at 1e-4). perf (issue 7), measured on the sample
corpus and 10- and 1,000-interview corpora: the same K as at 1e-4, scores within 0.02, the
search 1.5 times faster."""


def k_score(c_npmi: float, stability: float) -> float:
    """How ``--topics auto`` ranks a K: coherence plus a share of stability across seeds."""
    return c_npmi + STABILITY_WEIGHT * stability


# -- performance (issue 7; docs/scaling.md): where worker processes start to pay -------------

PARALLEL_MIN_FILES = 24
"""Files from which ingest reads in one worker per core (results in file order)."""
PARALLEL_MIN_WORDS = 60_000
CHUNK_PASSAGES = 500
"""Words from which normalise works in a pool of workers, in chunks of CHUNK_PASSAGES
passages joined in order (the table is the same, byte for byte, however many processes)."""
PARALLEL_MIN_TOKENS = 300_000
"""Tokens from which codebook cues are matched in one worker per core, in runs of whole
passages (about 80 interviews; below, starting workers costs more than it saves)."""
PARALLEL_MIN_DOCS = 200
"""Passages from which the candidate Ks are scored in one worker per core."""
INFER_BLOCK = 2_000
"""Passages per block of LDA inference; block b is seeded seed + b, so the numbers are the
same with any number of workers."""


@dataclass(frozen=True)
class RunConfig:
    """What a run depends on besides its input files. Recorded in ``manifest.json``."""

    seed: int = 42
    window_words: int = WINDOW_WORDS
    interviewer_labels: tuple[str, ...] = ()
    # Speakers files (--speakers): who each label is (docs/formats.md, "Speakers files").
    speakers: tuple[Path, ...] = ()
    models_dir: Path = field(default=MODELS_DIR)
    codebook: Path = field(default=DEFAULT_CODEBOOK)
    threshold: float = DEFAULT_THRESHOLD
    # A researcher's coded passages to train the supervised coder (None: dictionary only).
    train: Path | None = None
    train_text_column: str | None = None
    train_code_column: str | None = None
    # -- topics (docs/topics.md) --
    topics: int | str = "auto"  # K, "auto", or 0 for no topic model
    topic_model: str = "lda"
    seed_topics: bool = False
    # -- bounds on input files (docs/formats.md, "Limits") --
    limits: InputLimits = field(default_factory=InputLimits)
    # -- privacy (docs/privacy.md): pseudonyms and redaction before segmenting --
    anonymise: bool = False
    # -- the informant-speech model beside the dictionary (pipeline/stages/prior.py) --
    informant_model: bool = True

    def __post_init__(self) -> None:
        if self.window_words < 10:
            raise ValueError(f"window_words must be at least 10, got {self.window_words}")
        if self.threshold <= 0:
            raise ValueError(f"threshold must be positive, got {self.threshold}")
        if self.topics != "auto" and not (isinstance(self.topics, int) and (
                self.topics == 0 or self.topics >= 2)):
            raise ValueError(f"topics must be 'auto', 0 or at least 2, got {self.topics!r}")

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["models_dir"] = str(self.models_dir)
        data["speakers"] = [str(p) for p in self.speakers]
        data["codebook"] = str(self.codebook)
        data["train"] = str(self.train) if self.train else None
        return data

    @classmethod
    def from_saved(cls, saved: Mapping[str, Any], *, codebook: Path) -> RunConfig:
        """The configuration a manifest recorded (:meth:`to_dict`), with ``codebook`` (the
        run's own copy) as the codebook. Fields an older run did not record take their
        defaults; ``models_dir`` is kept when it still holds the lexicons. Input limits and
        ``anonymise`` are not restored: they are this machine's guard and the caller's
        choice."""
        d = cls()
        topics = saved.get("topics", d.topics)
        train = saved.get("train")
        models = Path(str(saved.get("models_dir") or d.models_dir))
        return cls(
            seed=int(saved.get("seed", d.seed)),
            window_words=int(saved.get("window_words", d.window_words)),
            interviewer_labels=tuple(saved.get("interviewer_labels") or ()),
            speakers=tuple(Path(str(p)) for p in saved.get("speakers") or ()),
            models_dir=models if (models / "lexicons").is_dir() else d.models_dir,
            codebook=codebook,
            threshold=float(saved.get("threshold", d.threshold)),
            train=Path(train) if train else None,
            train_text_column=saved.get("train_text_column"),
            train_code_column=saved.get("train_code_column"),
            topics=topics if topics == "auto" else int(topics),
            topic_model=str(saved.get("topic_model", d.topic_model)),
            seed_topics=bool(saved.get("seed_topics", d.seed_topics)),
            informant_model=bool(saved.get("informant_model", d.informant_model)),
        )
