"""The informant-speech model: a supervised coder shipped with the default codebook.

Informants rarely say a codebook's words; they tell what the head does, how the office
behaves, what happened to a citizen's file. The dictionary coder finds what is said in the
codebook's words; this model, learned from informant-style quotes written for tematik
(``models/training/``, labelled by theme as a thesis author would file them, a quarter
about other topics), recognises the same themes said indirectly. It has two parts, each a
:class:`~pipeline.stages.supervised.SupervisedCoder`:

- ``themes``: the probability of each top-level theme of the default codebook, and of each
  dimension of performance (``kinerja.*``), all learned from every quote: performance is
  recognised as performance in general or as one of its dimensions, whichever the model
  finds more probable (informants rarely speak of performance in general);
- ``dimensions``: trained on the performance quotes only, the probability of each dimension
  given that a passage is about performance, used to name the dimension.

:func:`pipeline.stages.themes.code_passages` combines it with the dictionary (see there).
It is saved as plain JSON, gzip-compressed (``models/coders/informant.json.gz``, never
pickle), and rebuilt
deterministically by ``scripts/train_informant_model.py``.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.config import (
    DIMENSION_DICTIONARY_WEIGHT,
    DIMENSION_MIN,
    INFORMANT_MIN_DF,
    INFORMANT_SCALING,
    MAX_THEMES,
    MODEL_CUT,
    MODEL_DIMENSION_CUT,
    MODEL_SECOND_CUT,
    MODEL_SURE,
    MODEL_VETO,
)
from pipeline.errors import ResourceError
from pipeline.resources import INFORMANT_MODEL, informant_model_bytes
from pipeline.stages.features import Doc, features_from_texts
from pipeline.stages.normalise import Normaliser
from pipeline.stages.supervised import SupervisedCoder, encode

FORMAT = "tematik.informant-model"
FORMAT_VERSION = 1
PERFORMANCE = "kinerja"
OTHER = "other"


@dataclass(frozen=True)
class InformantModel:
    """The two fitted parts and the quotes' provenance (file names and SHA-256)."""

    themes: SupervisedCoder
    dimensions: SupervisedCoder
    trained_on: Mapping[str, str]
    quotes: int = 0  # how many quotes it learned from

    @property
    def classes_(self) -> list[str]:
        """The top-level themes the model codes."""
        return [t for t in self.themes.classes_ if "." not in t]

    def covers(self, theme_ids: Sequence[str]) -> bool:
        """Whether a codebook with ``theme_ids`` has every theme the model predicts (the
        model belongs to the default codebook's themes; another codebook is coded by its
        dictionary alone)."""
        ids = set(theme_ids)
        return set(self.themes.classes_) <= ids and set(self.dimensions.classes_) <= ids

    def predict(self, docs: Sequence[Doc]) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(top-level theme probabilities, performance dimension probabilities given
        performance), one row per document; performance's probability is the largest of its
        own and its dimensions'."""
        coded = encode(docs)  # once for both parts
        probs = self.themes.predict_proba(coded)
        dims = [c for c in probs.columns if "." in str(c)]
        if dims and PERFORMANCE in probs.columns:
            probs[PERFORMANCE] = probs[[PERFORMANCE, *dims]].max(axis=1)
        return probs.drop(columns=dims), self.dimensions.predict_proba(coded)

    def to_dict(self) -> dict[str, Any]:
        return {"format": FORMAT, "version": FORMAT_VERSION, "themes": self.themes.to_dict(),
                "dimensions": self.dimensions.to_dict(), "trained_on": dict(self.trained_on),
                "quotes": self.quotes}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> InformantModel:
        if not isinstance(data, Mapping) or data.get("format") != FORMAT or \
                data.get("version") != FORMAT_VERSION:
            raise ResourceError("not a tematik informant model of this version",
                                fix="Rebuild it with scripts/train_informant_model.py.")
        return cls(SupervisedCoder.from_dict(data["themes"]),
                   SupervisedCoder.from_dict(data["dimensions"]),
                   {str(k): str(v) for k, v in dict(data.get("trained_on") or {}).items()},
                   int(data.get("quotes") or 0))


def train(quotes: pd.DataFrame, normaliser: Normaliser, *, random_state: int = 0,
          min_df: int = INFORMANT_MIN_DF,
          trained_on: Mapping[str, str] | None = None) -> InformantModel:
    """Fit both parts on ``quotes`` (columns ``text`` and ``labels``: theme ids separated by
    ``;``, ``other`` for a quote about none of the themes)."""
    docs = features_from_texts(quotes["text"], normaliser)
    labels = [[x for x in str(v).split(";") if x and x != OTHER] for v in quotes["labels"]]
    tops = [sorted({x.split(".")[0] for x in ls} | {x for x in ls
                                                     if x.startswith(PERFORMANCE + ".")})
            for ls in labels]
    def coder() -> SupervisedCoder:
        return SupervisedCoder(random_state=random_state, min_df=min_df,
                               scaling=INFORMANT_SCALING)

    themes = coder().fit(docs, tops)
    performance = [i for i, ls in enumerate(labels) if any("." in x and
                                                           x.startswith(PERFORMANCE + ".")
                                                           for x in ls)]
    dims = [[x for x in labels[i] if x.startswith(PERFORMANCE + ".")] for i in performance]
    dimensions = coder().fit([docs[i] for i in performance], dims)
    return InformantModel(themes, dimensions, dict(trained_on or {}), len(quotes))


def evident_child(members: Mapping[str, float], group: str) -> str | None:
    """Of a group's ``members`` (theme -> score), the sub-theme with the most evidence (ties:
    the first id) when its score reaches ``DIMENSION_MIN``; else None."""
    children = sorted(((s, t) for t, s in members.items() if t != group),
                      key=lambda x: (-x[0], x[1]))
    return children[0][1] if children and children[0][0] >= DIMENSION_MIN else None


def decide(decided: pd.DataFrame, scores: pd.DataFrame, themes: pd.DataFrame,
           dimensions: pd.DataFrame, group: Callable[[str], str],
           threshold: float) -> pd.DataFrame:
    """The dictionary's decisions (``decided``: passage_id, theme, score) with the model's.

    Per passage: a theme group the dictionary coded stays (method ``dictionary+model`` when
    the model's probability reaches :data:`MODEL_CUT` too, else ``dictionary``) unless the
    model's probability for it is under :data:`MODEL_VETO` and its score under twice the
    dictionary's ``threshold``; a group only
    the model finds is added (method ``model``) while the passage has fewer than
    :data:`MAX_THEMES` groups, most probable first. Performance is coded as the dimension
    :func:`dimension` names (the model's probability and the dictionary's evidence together),
    else as ``kinerja`` itself; another group as its sub-theme with the most dictionary
    evidence (:data:`DIMENSION_MIN`), else as the group. ``themes``/``dimensions``: the
    model's probabilities, indexed by passage_id. Columns: passage_id, theme, score,
    probability, method."""
    by_passage: dict[str, list[tuple[str, float]]] = {}
    for pid, theme, score in zip(decided["passage_id"], decided["theme"], decided["score"],
                                 strict=True):
        by_passage.setdefault(str(pid), []).append((str(theme), float(score)))
    member_scores: dict[str, dict[str, float]] = {}
    for pid, theme, score, blocked in zip(scores["passage_id"], scores["theme"],
                                          scores["score"], scores["blocked"], strict=True):
        if not blocked and score > 0:
            member_scores.setdefault(str(pid), {})[str(theme)] = float(score)
    rows: list[tuple[str, str, float, float, str]] = []
    for pid in themes.index.astype(str):
        probs = themes.loc[pid]
        own_scores = member_scores.get(pid, {})
        # a word or two of a theme in a passage the model reads as about something else
        coded = [(t, s) for t, s in by_passage.pop(pid, [])
                 if not (float(probs.get(group(t), 1.0)) < MODEL_VETO and s < 2 * threshold)]
        groups = {group(t) for t, _ in coded}
        for theme, score in coded:
            p = float(probs.get(group(theme), float("nan")))
            named = dimension(own_scores, _row(dimensions, pid)) \
                if group(theme) == PERFORMANCE else None
            # the model naming another dimension than the dictionary's words is its share too
            both = p >= MODEL_CUT or (named is not None and named != theme)
            rows.append((pid, named or theme, score, round(p, 4) if p == p else p,
                         "dictionary+model" if both else "dictionary"))
        found = sorted(((float(p), str(g)) for g, p in probs.items()
                        if p >= MODEL_CUT and g not in groups), reverse=True)
        evident = {group(t) for t in own_scores}
        # a second theme needs more: a surer model and words of its own in the passage
        found = [(p, g) for n, (p, g) in enumerate(found)
                 if not (groups or n) or (p >= MODEL_SECOND_CUT and g in evident)
                 or p >= MODEL_SURE]
        for p, g in found[:max(0, MAX_THEMES - len(groups))]:
            own = {t: s for t, s in own_scores.items() if group(t) == g}
            theme = (dimension(own, _row(dimensions, pid)) if g == PERFORMANCE
                     else evident_child(own, g)) or g
            rows.append((pid, theme, round(sum(own.values()), 4), round(p, 4), "model"))
    for pid, coded in by_passage.items():  # passages the model did not see
        rows.extend((pid, t, s, float("nan"), "dictionary") for t, s in coded)
    frame = pd.DataFrame(rows, columns=["passage_id", "theme", "score", "probability",
                                        "method"])
    frame["score"] = frame["score"].astype("float64")
    frame["probability"] = frame["probability"].astype("float64")
    return frame


def dimension(scores: Mapping[str, float], probabilities: Mapping[str, float]) -> str | None:
    """The dimension of performance a passage shows: the one with the highest model
    probability plus :data:`DIMENSION_DICTIONARY_WEIGHT` times its share of the dictionary's
    evidence for dimensions (``scores``: theme -> score; the share of a total under 1 is
    taken of 1), when that reaches :data:`MODEL_DIMENSION_CUT`; else None (``kinerja``).

    The model learned from how informants speak of each dimension; the dictionary's words
    break its near-ties and name the dimension the model does not know."""
    dims = {t: s for t, s in scores.items() if t.startswith(PERFORMANCE + ".") and s > 0}
    total = max(sum(dims.values()), 1.0)
    combined = {t: probabilities.get(t, 0.0) + DIMENSION_DICTIONARY_WEIGHT * dims.get(t, 0.0)
                / total for t in sorted(set(dims) | set(probabilities))}
    best = max(combined, key=lambda t: combined[t], default=None)
    return best if best is not None and combined[best] >= MODEL_DIMENSION_CUT else None


def _row(frame: pd.DataFrame, pid: str) -> dict[str, float]:
    """A passage's probabilities (theme -> probability), empty when the model did not see it."""
    if pid not in frame.index or not len(frame.columns):
        return {}
    values = frame.loc[pid].to_numpy(dtype=float)
    return {str(k): float(v) for k, v in zip(frame.columns, values, strict=True)}


def model_bytes(model: InformantModel) -> bytes:
    """The model as its file: JSON with sorted keys, gzip-compressed with no time stamp (the
    same model, the same bytes)."""
    text = json.dumps(model.to_dict(), ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")) + "\n"
    return gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)


def read_model(data: bytes) -> InformantModel:
    """A model from the bytes :func:`model_bytes` gave."""
    try:
        return InformantModel.from_dict(json.loads(gzip.decompress(data)))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ResourceError(f"the informant model cannot be read ({exc.__class__.__name__})",
                            fix="Rebuild it with scripts/train_informant_model.py.") from exc


def model_record(model: InformantModel | None, theme_ids: Sequence[str]) -> dict[str, object]:
    """What a run's manifest says of the informant model: whether it coded, and from which
    quotes it was trained."""
    if model is None:
        return {"used": False, "why": "turned off (--no-informant-model)"}
    if not model.covers(theme_ids):
        return {"used": False, "why": "the codebook does not have the model's themes"}
    return {"used": True, "file": INFORMANT_MODEL.name, "trained_on": dict(model.trained_on),
            "quotes": model.quotes, "cut": MODEL_CUT, "veto": MODEL_VETO}


@lru_cache(maxsize=2)
def load_model(path: Path = INFORMANT_MODEL) -> InformantModel | None:
    """The shipped informant model, or None when the file is absent (a checkout without
    it codes with the dictionary alone)."""
    data = informant_model_bytes(path)
    return None if data is None else read_model(data)
