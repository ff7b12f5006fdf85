"""Run configuration: every knob of a run, with its default, in one place."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from pipeline.codebook import DEFAULT_CODEBOOK
from pipeline.limits import InputLimits
from pipeline.resources import MODELS_DIR
from pipeline.themes import DEFAULT_THRESHOLD

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent / "corpus"


@dataclass(frozen=True)
class RunConfig:
    """What a run depends on besides its input files. Recorded in ``manifest.json``."""

    seed: int = 42
    window_words: int = 120
    interviewer_labels: tuple[str, ...] = ()
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
        data["codebook"] = str(self.codebook)
        data["train"] = str(self.train) if self.train else None
        return data
