"""Run configuration: every knob of a run, with its default, in one place."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

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
            models_dir=models if (models / "lexicons").is_dir() else d.models_dir,
            codebook=codebook,
            threshold=float(saved.get("threshold", d.threshold)),
            train=Path(train) if train else None,
            train_text_column=saved.get("train_text_column"),
            train_code_column=saved.get("train_code_column"),
            topics=topics if topics == "auto" else int(topics),
            topic_model=str(saved.get("topic_model", d.topic_model)),
            seed_topics=bool(saved.get("seed_topics", d.seed_topics)),
        )
