"""Coders behind one interface, chosen by name from one registry.

Every run codes with the codebook's :class:`~pipeline.stages.themes.DictionaryCoder`. Beside
it, *learned* coders learn themes from coded passages and give probabilities, which
:func:`pipeline.stages.themes.combine` merges with the dictionary's decisions. A learned coder
is registered in :data:`LEARNED` under its name with two functions:

- ``learn(context)``: fit it from what the run has (the researcher's coded passages, the
  run's passages, tokens and the dictionary's decisions), or return None when there is
  nothing to learn from;
- ``load(data)``: rebuild it from the JSON its ``to_dict()`` gave (saved by the run in
  ``NAME/model.json``; never pickle).

Adding a coder is one module (the coder, following the scikit-learn estimator contract and
:class:`LearnedCoder`) plus one line here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import pandas as pd

from pipeline.stages.normalise import Normaliser
from pipeline.stages.supervised import SupervisedCoder, fit_coder
from pipeline.types import Codebook


class LearnedCoder(Protocol):
    """What :func:`pipeline.stages.themes.code_passages` needs of a learned coder."""

    classes_: list[str]
    thresholds_: dict[str, float]
    cv_report_: pd.DataFrame

    def predict_proba(self, features: Sequence[Sequence[str]]) -> pd.DataFrame: ...

    def top_terms(self, n: int = ...) -> pd.DataFrame: ...

    def to_dict(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class LearnContext:
    """What a run offers a coder to learn from."""

    codebook: Codebook
    normaliser: Normaliser
    random_state: int
    coded: pd.DataFrame | None = None  # the researcher's coded passages (--train)


@dataclass(frozen=True)
class Learner:
    learn: Callable[[LearnContext], LearnedCoder | None]
    load: Callable[[Mapping[str, Any]], LearnedCoder]


def _learn_supervised(context: LearnContext) -> LearnedCoder | None:
    if context.coded is None:
        return None
    return fit_coder(context.coded, context.normaliser,
                     themes=[t.id for t in context.codebook.themes],
                     random_state=context.random_state)


def _load_supervised(data: Mapping[str, Any]) -> LearnedCoder:
    return SupervisedCoder.from_dict(dict(data))


LEARNED: dict[str, Learner] = {
    "supervised": Learner(_learn_supervised, _load_supervised),
}
"""The learned coders, by name (the name is also the folder a run saves one in)."""


def learn_all(context: LearnContext) -> dict[str, LearnedCoder]:
    """Every registered coder that has something to learn from, by name."""
    found = {}
    for name, learner in LEARNED.items():
        coder = learner.learn(context)
        if coder is not None:
            found[name] = coder
    return found
