"""The dataclasses that stages share, in one module at the bottom of the package.

A stage takes and returns these (or DataFrames whose columns its docstring lists), so no
stage imports another stage for a type. Every value here is frozen: stages never mutate
their input.
"""

from __future__ import annotations

from dataclasses import dataclass, field

INTERVIEWER = "interviewer"
INFORMANT = "informant"
ROLES = (INTERVIEWER, INFORMANT)
"""The two roles a speaker can have in an interview transcript."""


@dataclass(frozen=True)
class Transcript:
    """One interview. ``text`` is the normalised source text all offsets point into."""

    transcript_id: str
    source: str
    format: str
    encoding: str
    sha256: str
    text: str
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Turn:
    """One speaker turn; ``text == transcript.text[start:end]``. ``speaker`` is the label as
    written (``""`` for an unlabelled turn); ``display`` the one name of the person speaking,
    the same for every label of that person (empty: the label is the name)."""

    transcript_id: str
    turn: int
    speaker: str
    role: str
    start: int
    end: int
    text: str
    display: str = ""

    @property
    def who(self) -> str:
        """The person speaking: the display name, or the label."""
        return self.display or self.speaker


@dataclass(frozen=True)
class Corpus:
    """What ingest found: transcripts, their turns, and what it had to say about the files."""

    transcripts: tuple[Transcript, ...]
    turns: tuple[Turn, ...]
    warnings: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()


@dataclass(frozen=True)
class Passage:
    """An informant answer, or a window of a long one."""

    passage_id: str
    transcript_id: str
    speaker: str
    role: str
    start: int
    end: int
    text: str
    question: str
    turn_first: int
    turn_last: int
    window: int
    n_words: int
    display: str = ""


@dataclass(frozen=True)
class SpeakerEntry:
    """One row of a speakers file (``--speakers``): a label as the transcripts write it, the
    person it is (rows with the same person are one person), their role (None: decided from
    the text) and the name to show; ``transcript`` limits the row to the transcript with
    that id (empty: every transcript)."""

    label: str
    person: str = ""
    role: str | None = None
    display: str = ""
    transcript: str = ""


@dataclass(frozen=True)
class SpeakerMap:
    """The rows of the speakers files a run was given, and where they came from."""

    entries: tuple[SpeakerEntry, ...] = ()
    sources: tuple[str, ...] = ()

    def for_transcript(self, transcript_id: str) -> tuple[SpeakerEntry, ...]:
        """The rows that apply to one transcript: its own rows over the general ones."""
        own = [e for e in self.entries if e.transcript == transcript_id]
        labels = {e.label for e in own}
        return (*own, *(e for e in self.entries if not e.transcript and e.label not in labels))


@dataclass(frozen=True)
class Theme:
    """One code of the codebook. ``keywords`` are base forms; ``phrases`` any inflection."""

    id: str
    label_id: str
    label_en: str
    parent: str | None = None
    definition: str = ""
    definition_en: str = ""
    include: str = ""
    exclude: str = ""
    keywords: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    exact: tuple[str, ...] = ()  # derived forms that match only themselves
    support: tuple[str, ...] = ()  # count only beside the theme's own cues
    weights: dict[str, float] = field(default_factory=dict)
    negative: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    line: int = 0


@dataclass(frozen=True)
class Codebook:
    name: str
    version: str
    themes: tuple[Theme, ...]
    sha256: str
    description: str = ""
    idioms: tuple[str, ...] = ()  # fixed expressions whose words are never cues

    def theme(self, theme_id: str) -> Theme:
        for theme in self.themes:
            if theme.id == theme_id:
                return theme
        raise KeyError(theme_id)
