"""Themes: code every passage with the themes of a codebook, and keep the evidence.

The dictionary coder scores each passage per theme from the cues :mod:`pipeline.stages.cues`
finds, then decides what the passage is about, the way a researcher codes:

- **Evidence weighted by what it says.** Each cue adds its codebook weight; a cue said again
  adds half, up to three times. A keyword heard in a large share of the corpus's passages
  says little there and counts less (:data:`~pipeline.config.SPECIFIC_SHARE`); phrases keep
  their weight. A ``support`` cue (a title, ``beliau``, ``pimpinan kami``) counts only beside
  the theme's own cues; idioms count for nothing.
- **The question is context.** Cues in the interviewer's question (``passages.question``)
  add :data:`~pipeline.config.QUESTION_WEIGHT` of their weight, at most
  :data:`~pipeline.config.QUESTION_CAP`, so they never code a theme alone; they count only
  when the answer has evidence for that theme too, or speaks of no theme at all (never
  against an answer that is about something else). Such evidence is marked as the
  question's (``source``).
- **None of these is an answer.** A theme is coded when its score reaches the threshold
  (default 1.5) and no negative cue blocks it; a passage without that evidence stays uncoded.
- **A primary theme, and others only on their own evidence.** Themes are grouped by their
  top-level theme (``kinerja`` and its dimensions are one group). The group with the highest
  score is coded; another group only if the evidence left once the primary's words are taken
  out reaches the threshold and a share of the primary's score
  (:data:`~pipeline.config.SECONDARY_SHARE`), or twice the threshold.
- **The right dimension.** Within a group, the sub-theme with the most evidence is coded
  when its own score reaches :data:`~pipeline.config.DIMENSION_MIN`; otherwise the parent.

Learned coders (a supervised coder trained on the researcher's coding) add probabilities:
:func:`combine` merges them with the dictionary's decisions.

Tables (columns documented on each function): ``evidence`` (every cue matched, and what it
added), ``theme_scores``, ``codings`` (one row per coded passage and theme). The displays
built from them (theme x informant matrix, co-occurrence) are in :mod:`pipeline.stages.matrix`.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from pipeline.config import (
    DAMPING,
    DEFAULT_THRESHOLD,
    MAX_REPEATS,
    MAX_THEMES,
    MODEL_MIN_WORDS,
    PARALLEL_MIN_TOKENS,
    QUESTION_CAP,
    QUESTION_WEIGHT,
    READ_CHUNK,
    REPEAT_FACTOR,
    SECONDARY_SHARE,
    SPECIFIC_FLOOR,
    SPECIFIC_MIN_PASSAGES,
    SPECIFIC_SHARE,
    STRONG,
    TRUST_F1,
    TRUST_PRECISION,
    TRUST_SUPPORT,
)
from pipeline.parallel import can_fork, cores, map_shared
from pipeline.stages.coders import LearnedCoder
from pipeline.stages.cues import CueMatcher
from pipeline.stages.features import Doc, features_from_tokens
from pipeline.stages.normalise import Normaliser
from pipeline.stages.prior import InformantModel, decide, evident_child
from pipeline.stages.segment import THANKS, closing_exchange
from pipeline.stages.supervised import SupervisedCoder, indicative_words
from pipeline.types import Codebook

log = logging.getLogger(__name__)

Reader = Callable[[list[Doc]], Sequence[pd.DataFrame]]
"""What a trained coder gives for a list of passages' features: its tables of probabilities."""

EVIDENCE_COLUMNS = ["passage_id", "theme", "cue", "kind", "source", "surface", "start", "end",
                    "weight"]
CODING_COLUMNS = ["passage_id", "transcript_id", "speaker", "theme", "score", "probability",
                  "method", "evidence", "evidence_spans"]
SCORE_COLUMNS = ["passage_id", "theme", "score", "question", "blocked"]
DECIDED_COLUMNS = ["passage_id", "theme", "score"]
QUESTION = "pertanyaan"  # how evidence from the question is marked in codings


@dataclass
class _Match:
    """One match of a cue in a passage, and what it added to its theme's score."""

    theme: str
    cue: str
    kind: str
    stem: str
    surface: str
    start: int
    end: int
    weight: float
    added: float = 0.0


def _matches_by_passage(frame: pd.DataFrame) -> dict[str, list[_Match]]:
    """The matches in ``frame``, per passage, in order of first appearance (columns read once
    for the whole table, not per passage)."""
    columns = [frame[c].tolist() for c in ("passage_id", "theme", "cue", "kind", "stem",
                                           "surface", "start", "end", "weight")]
    out: dict[str, list[_Match]] = {}
    for pid, t, c, k, st, su, a, b, w in zip(*columns, strict=True):
        out.setdefault(str(pid), []).append(
            _Match(str(t), str(c), str(k), str(st), str(su), int(a), int(b), float(w)))
    return out


@dataclass(frozen=True)
class DictionaryResult:
    """What the dictionary coder found: every match with what it added (``evidence``), each
    passage's score per theme (``scores``), and the themes it decided to code (``decided``:
    passage_id, theme, score)."""

    evidence: pd.DataFrame
    scores: pd.DataFrame
    decided: pd.DataFrame


class DictionaryCoder:
    """Codes passages with the themes of ``codebook`` from its cues (module docstring).

    ``fallback``: when set, a passage no theme reaches the threshold for still gets its best
    theme when that scores at least this (``tematik code --fallback``).
    """

    def __init__(self, codebook: Codebook, normaliser: Normaliser, *,
                 threshold: float = DEFAULT_THRESHOLD, fallback: float | None = None) -> None:
        if threshold <= 0:
            raise ValueError(f"threshold must be positive, got {threshold}")
        self.codebook = codebook
        self.threshold = threshold
        self.fallback = fallback
        self.matcher = CueMatcher(codebook, normaliser)
        self._parent = {t.id: (t.parent or t.id) for t in codebook.themes}
        # per match row on the hot path: the parent chain is walked once per theme here
        self._group = {t.id: self._top(t.id) for t in codebook.themes}
        self._order = {t.id: i for i, t in enumerate(codebook.themes)}

    def group(self, theme: str) -> str:
        """The top-level theme ``theme`` belongs to."""
        return self._group.get(theme, theme)

    def _top(self, theme: str) -> str:
        seen = {theme}
        while self._parent.get(theme, theme) != theme:
            theme = self._parent[theme]
            if theme in seen:
                break
            seen.add(theme)
        return theme

    def match(self, tokens: pd.DataFrame,
              question_tokens: pd.DataFrame | None = None) -> DictionaryResult:
        """Score and decide every passage of ``tokens`` (the normalise stage's table); cues
        in ``question_tokens`` (the same table for each passage's question, keyed by the
        passage's id) are context."""
        answer = self.matcher.match(tokens)
        asked = (self.matcher.match(question_tokens) if question_tokens is not None
                 and len(question_tokens) else answer.iloc[0:0])
        factor = _specificity(tokens)
        return self._decide_all(answer, asked, factor)

    def _decide_all(self, answer: pd.DataFrame, asked: pd.DataFrame,
                    factor: Mapping[str, float]) -> DictionaryResult:
        evidence: list[tuple[object, ...]] = []
        scores: list[tuple[object, ...]] = []
        decided: list[tuple[str, str, float]] = []
        asked_by = _matches_by_passage(asked)
        for pid, found in _matches_by_passage(answer).items():
            self._passage(pid, found, asked_by.pop(pid, []), factor, evidence, scores,
                          decided)
        for pid, found in asked_by.items():  # a question with cues, an answer without
            self._passage(pid, [], found, factor, evidence, scores, decided)
        ev = pd.DataFrame(evidence, columns=EVIDENCE_COLUMNS)
        for col in ("start", "end"):
            ev[col] = ev[col].astype("int64")
        ev["weight"] = ev["weight"].astype("float64")
        sc = pd.DataFrame(scores, columns=SCORE_COLUMNS)
        sc["score"] = sc["score"].astype("float64")
        sc["question"] = sc["question"].astype("float64")
        sc["blocked"] = sc["blocked"].astype(bool)
        dc = pd.DataFrame(decided, columns=DECIDED_COLUMNS)
        dc["score"] = dc["score"].astype("float64")
        return DictionaryResult(ev, sc, dc)

    def _passage(self, pid: str, answer: list[_Match], asked: list[_Match],
                 factor: Mapping[str, float], evidence: list[tuple[object, ...]],
                 scores: list[tuple[object, ...]],
                 decided: list[tuple[str, str, float]]) -> None:
        rows = _added(answer, factor)
        q_rows = _added(asked, {})
        own: dict[str, float] = defaultdict(float)
        said: set[str] = set()
        blocked: set[str] = set()
        for r in rows:
            if r.weight > DAMPING:
                said.add(r.theme)
            if r.kind == "negative":
                blocked.add(r.theme)
            elif r.kind != "support":
                own[r.theme] += r.added
        spoken = {t for t in own if any(r.theme == t and r.kind != "support" and
                                       r.weight > DAMPING for r in rows)}
        q_raw: dict[str, float] = defaultdict(float)
        for r in q_rows:
            if r.kind in ("keyword", "phrase"):
                q_raw[r.theme] += r.added
        support: dict[str, float] = defaultdict(float)
        for r in rows:
            if r.kind == "support" and (r.theme in spoken or q_raw[r.theme] > 0):
                support[r.theme] += r.added
            elif r.kind == "support":
                r.added = 0.0
        answered = {t: own[t] + support[t] for t in set(own) | set(support)}
        speaks = any(s >= self.threshold for s in answered.values())
        question: dict[str, float] = {}
        for theme, raw in q_raw.items():
            if theme in said or not speaks:
                question[theme] = min(QUESTION_CAP, QUESTION_WEIGHT * raw)
        for r in q_rows:
            r.added = (round(r.added * QUESTION_WEIGHT, 4)
                          if r.theme in question and r.kind in ("keyword", "phrase")
                          else 0.0)
        total = {t: round(answered.get(t, 0.0) + question.get(t, 0.0), 4)
                 for t in set(answered) | set(question) | blocked}
        for theme in sorted(total, key=lambda t: self._order.get(t, 1 << 30)):
            scores.append((pid, theme, total[theme], round(question.get(theme, 0.0), 4),
                           theme in blocked))
        for r in rows:
            evidence.append((pid, r.theme, r.cue, r.kind, "answer", r.surface,
                             r.start, r.end, r.added))
        for r in q_rows:
            evidence.append((pid, r.theme, r.cue, r.kind, "question", r.surface,
                             -1, -1, r.added))
        open_total = {t: s for t, s in total.items() if t not in blocked and s > 0}
        decided.extend((pid, t, s) for t, s in self._choose(open_total, rows))

    def _choose(self, total: Mapping[str, float],
                rows: Sequence[_Match]) -> list[tuple[str, float]]:
        """The themes to code, with their scores: the primary group's theme, then other
        groups on their own evidence (module docstring)."""
        groups: dict[str, dict[str, float]] = defaultdict(dict)
        for theme, score in total.items():
            groups[self.group(theme)][theme] = score
        chosen: list[tuple[str, float]] = []
        used: set[tuple[int, int]] = set()
        first = 0.0
        for group in sorted(groups, key=lambda g: (-_group_score(groups[g], g),
                                                   self._order.get(g, 1 << 30))):
            members = groups[group]
            score = _group_score(members, group)
            if chosen:
                score = _group_score(_without(members, rows, used), group)
                if score < SECONDARY_SHARE * first and score < 2 * self.threshold:
                    continue
            threshold = self.threshold if chosen or self.fallback is None else min(
                self.threshold, self.fallback)
            if score < threshold or len(chosen) >= MAX_THEMES:
                continue
            chosen.append((_member(members, group), round(score, 4)))
            first = first or score
            used.update((r.start, r.end) for r in rows
                        if self.group(r.theme) == group and r.added > 0
                        and r.weight > DAMPING)
        return chosen


def _group_score(members: Mapping[str, float], group: str) -> float:
    """A group's score: its parent's own evidence and its best sub-theme's."""
    children = [s for t, s in members.items() if t != group]
    return members.get(group, 0.0) + (max(children) if children else 0.0)


def _member(members: Mapping[str, float], group: str) -> str:
    """The sub-theme with the most evidence when it is evident, else the group itself."""
    evident = evident_child(members, group)
    if evident is not None or group in members:
        return evident or group
    # coded through sub-themes alone, none evident: the strongest of them
    return min(((-s, t) for t, s in members.items() if t != group), default=(0.0, group))[1]


def _without(members: Mapping[str, float], rows: Sequence[_Match],
             used: set[tuple[int, int]]) -> dict[str, float]:
    """``members``' scores counting only evidence whose words no chosen group used."""
    kept: dict[str, float] = defaultdict(float)
    for r in rows:
        if r.theme not in members or r.added <= 0:
            continue
        if any(s < r.end and r.start < e for s, e in used):
            continue
        kept[r.theme] += r.added
    return dict(kept)


def _added(rows: list[_Match], factor: Mapping[str, float]) -> list[_Match]:
    """Each match with ``added``: its weight, times its keyword's specificity, once in full
    and then :data:`REPEAT_FACTOR` of it up to :data:`MAX_REPEATS` times."""
    seen: Counter[tuple[str, str]] = Counter()
    for r in rows:
        n = seen[r.theme, r.cue]
        seen[r.theme, r.cue] += 1
        damped = r.kind == "keyword" and r.weight < STRONG
        weight = r.weight * (factor.get(r.stem, 1.0) if damped else 1.0)
        step = 1.0 if n == 0 else REPEAT_FACTOR if n < MAX_REPEATS else 0.0
        r.added = round(weight * step, 4)
    return rows


def _specificity(tokens: pd.DataFrame) -> dict[str, float]:
    """Per stem, how much a keyword with that stem counts in this corpus: 1 up to
    :data:`SPECIFIC_SHARE` of the passages, falling linearly to :data:`SPECIFIC_FLOOR` for a
    stem in every passage. Nothing is damped in a corpus of fewer than
    :data:`SPECIFIC_MIN_PASSAGES` passages."""
    words = tokens[tokens["kind"] == "word"][["passage_id", "stem"]].drop_duplicates()
    n = tokens["passage_id"].nunique()
    if n < SPECIFIC_MIN_PASSAGES or not len(words):
        return {}
    share = words["stem"].value_counts() / n
    common = share[share > SPECIFIC_SHARE]
    slope = (1 - SPECIFIC_FLOOR) / (1 - SPECIFIC_SHARE)
    return {str(s): round(max(SPECIFIC_FLOOR, 1 - slope * (v - SPECIFIC_SHARE)), 4)
            for s, v in common.items()}


# -- codings --------------------------------------------------------------------------------


def codings_frame(result: DictionaryResult, passages: pd.DataFrame, *,
                  probabilities: pd.DataFrame | None = None,
                  thresholds: Mapping[str, float] | None = None) -> pd.DataFrame:
    """The ``codings`` table: one row per passage and theme it is coded with.

    Columns: passage_id, transcript_id, speaker, theme, score (the dictionary's score, 0 when
    no cue matched), probability (a learned coder's, NaN without one), method (dictionary,
    supervised or combined; model or dictionary+model from :func:`pipeline.stages.prior.decide`),
    evidence (the words that counted, as spoken, ``; ``-separated;
    words of the interviewer's question are marked ``pertanyaan:``), evidence_spans (their
    ``start-end`` offsets into the transcript, in the same order; ``pertanyaan`` for words of
    the question).

    Without ``probabilities`` the dictionary's decisions; with them (passage_id index, one
    column per learned theme) and per-theme ``thresholds``, see :func:`combine`.
    """
    decided = combine(result, probabilities, thresholds or {})
    if not len(decided):
        return pd.DataFrame({c: pd.Series(dtype=_dtype(c)) for c in CODING_COLUMNS})
    ev = result.evidence[result.evidence["weight"] > 0].sort_values(
        ["passage_id", "theme", "source", "start"], kind="stable")
    words: dict[tuple[str, str], list[str]] = defaultdict(list)
    spans: dict[tuple[str, str], list[str]] = defaultdict(list)
    for pid, theme, surface, source, start, end in zip(
            ev["passage_id"].tolist(), ev["theme"].tolist(), ev["surface"].tolist(),
            ev["source"].tolist(), ev["start"].tolist(), ev["end"].tolist(), strict=True):
        if source == "question":
            words[pid, theme].append(f"{QUESTION}: {surface}")
            spans[pid, theme].append(QUESTION)
        else:
            words[pid, theme].append(surface)
            spans[pid, theme].append(f"{start}-{end}")
    keys = list(zip(decided["passage_id"].tolist(), decided["theme"].tolist(), strict=True))
    decided = decided.assign(evidence=["; ".join(words.get(k, ())) for k in keys],
                             evidence_spans=["; ".join(spans.get(k, ())) for k in keys])
    meta = passages.set_index("passage_id")[["transcript_id", "speaker"]]
    decided = decided.join(meta, on="passage_id")
    order = {pid: i for i, pid in enumerate(passages["passage_id"])}
    decided = decided.assign(_o=decided["passage_id"].map(order)).sort_values(
        ["_o", "theme"], kind="stable").drop(columns="_o")
    return decided[CODING_COLUMNS].reset_index(drop=True)


def combine(result: DictionaryResult, probabilities: pd.DataFrame | None,
            thresholds: Mapping[str, float]) -> pd.DataFrame:
    """Which (passage, theme) pairs are coded, from the dictionary's decisions and, when a
    coder learned themes from coded passages, its probabilities.

    For a theme the learned coder knows: coded when its probability reaches the theme's
    threshold (method ``combined`` when the dictionary coded it too, ``supervised``
    otherwise), or when the dictionary coded it and the model does not clearly disagree
    (probability at least half the theme's threshold; method ``dictionary``). Other themes:
    the dictionary's decisions. Columns: passage_id, theme, score, probability, method.
    """
    dic = result.decided
    dict_pairs = {(p, t): s for p, t, s in
                  zip(dic["passage_id"], dic["theme"], dic["score"], strict=True)}
    how = ({(p, t): (float(q), str(m)) for p, t, q, m in zip(
               dic["passage_id"], dic["theme"], dic["probability"], dic["method"], strict=True)}
           if "method" in dic else {})
    scores = result.scores
    all_scores = {(p, t): s for p, t, s in
                  zip(scores["passage_id"], scores["theme"], scores["score"], strict=True)}
    rows: list[tuple[str, str, float, float, str]] = []
    trained = set(probabilities.columns) if probabilities is not None else set()
    for (pid, theme), score in dict_pairs.items():
        if theme not in trained:
            rows.append((pid, theme, score, *how.get((pid, theme), (float("nan"),
                                                                    "dictionary"))))
    if probabilities is not None:
        for theme in probabilities.columns:
            cut = float(thresholds.get(theme, 0.5))
            column = probabilities[theme]
            for pid, p in zip(column.index, column.to_numpy(), strict=True):
                p = float(p)
                in_dict = (pid, theme) in dict_pairs
                if p >= cut:
                    method = "combined" if in_dict else "supervised"
                elif in_dict and p >= cut / 2:
                    method = "dictionary"
                else:
                    continue
                rows.append((str(pid), str(theme), float(all_scores.get((pid, theme), 0.0)),
                             round(p, 4), method))
    frame = pd.DataFrame(rows, columns=["passage_id", "theme", "score", "probability",
                                        "method"])
    frame["score"] = frame["score"].astype("float64")
    frame["probability"] = frame["probability"].astype("float64")
    return frame


def _dtype(column: str) -> str:
    return "float64" if column in ("score", "probability") else "object"


def trusted_themes(coder: LearnedCoder) -> list[str]:
    """Themes whose cross-validated precision, F1 and support reach ``TRUST_*``."""
    report = coder.cv_report_
    ok = report[(report["precision"] >= TRUST_PRECISION) & (report["f1"] >= TRUST_F1) &
                (report["support"] >= TRUST_SUPPORT)]
    return [t for t in coder.classes_ if t in set(ok["theme"])]


def code_passages(
    passages: pd.DataFrame, tokens: pd.DataFrame, coder: DictionaryCoder,
    learned: Sequence[LearnedCoder] = (),
    question_tokens: pd.DataFrame | None = None,
    model: InformantModel | None = None,
) -> tuple[DictionaryResult, pd.DataFrame]:
    """The dictionary's evidence and decisions and the ``codings`` table of ``passages``
    (``question_tokens``: their questions, normalised, as context), combined with the
    ``learned`` coders' probabilities for the themes each has learned well enough
    (:func:`trusted_themes`) or that have no codebook cues (a later coder's probability for
    a theme replaces an earlier's); the dictionary alone decides the others. A coding a
    learned coder made alone takes as evidence the passage's words that push its theme up
    most."""
    matched = coder.match(tokens, question_tokens)
    ids = list(passages["passage_id"])
    use_model = model is not None and model.covers([t.id for t in coder.codebook.themes])
    coders = list(learned)
    readers: list[Reader] = [
        *([model.predict] if model is not None and use_model else []),
        *(partial(_one_table, one) for one in coders)]
    # what the trained coders read; made only when one of them will read it
    tables = _read(tokens, ids, readers) if readers else []
    explains: dict[str, SupervisedCoder] = {}  # the coder whose probability a theme takes
    if model is not None and use_model:
        probs, dims, *tables = tables
        words = tokens[tokens["kind"] == "word"].groupby("passage_id").size()
        # a model's probability for a passage of a few words is its prior, not evidence;
        # nor does it read the leave-taking after the interviewer's thanks
        probs = probs[(words.reindex(probs.index, fill_value=0).to_numpy() >= MODEL_MIN_WORDS)
                      & ~probs.index.isin(_closings(tokens, question_tokens))]
        matched = replace(matched, decided=decide(matched.decided, matched.scores, probs,
                                                  dims, coder.group, coder.threshold))
        explains.update({t: model.themes for t in model.classes_})
        explains.update({t: model.dimensions for t in model.dimensions.classes_})
    if not coders:
        return matched, _explained(codings_frame(matched, passages), tokens, explains)
    cued = coder.matcher.cued_themes
    columns: dict[str, pd.Series] = {}
    thresholds: dict[str, float] = {}
    for one, probabilities in zip(coders, tables, strict=True):
        earned = set(trusted_themes(one))
        for theme in one.classes_:
            if theme in earned or theme not in cued:
                columns[theme] = probabilities[theme]
                thresholds[theme] = one.thresholds_[theme]
                if isinstance(one, SupervisedCoder):
                    explains[theme] = one
    codings = codings_frame(matched, passages, probabilities=pd.DataFrame(columns, index=ids),
                            thresholds=thresholds)
    return matched, _explained(codings, tokens, explains)


def _closings(tokens: pd.DataFrame, question_tokens: pd.DataFrame | None) -> set[str]:
    """The passages that answer the interviewer's closing thanks
    (:func:`pipeline.stages.segment.closing_exchange`), read from the normalised tokens of
    the answers and the questions; only passages whose question thanks are looked at."""
    if question_tokens is None or not len(question_tokens):
        return set()
    last_word = THANKS.split()[-1]  # in one token ("makasih") or two ("terima kasih")
    thanked = set(question_tokens.loc[question_tokens["norm"].isin([THANKS, last_word]),
                                      "passage_id"])

    def said(frame: pd.DataFrame) -> dict[str, list[tuple[str, str]]]:
        frame = frame[frame["passage_id"].isin(thanked)]
        return {str(p): list(zip(g["norm"], g["kind"], strict=True))
                for p, g in frame.groupby("passage_id", sort=False)}

    asked, answers = said(question_tokens), said(tokens)
    return {p for p, question in asked.items() if closing_exchange(question, answers.get(p, []))}


def _one_table(coder: LearnedCoder, docs: list[Doc]) -> tuple[pd.DataFrame]:
    return (coder.predict_proba(docs),)


def _read(tokens: pd.DataFrame, ids: list[str], readers: Sequence[Reader]) -> list[pd.DataFrame]:
    """The tables each of ``readers`` makes from the features of the passages ``ids`` (one
    row per passage, indexed by id), READ_CHUNK passages at a time: the features of a large
    corpus's passages at once took gigabytes.

    perf: from PARALLEL_MIN_TOKENS tokens and two chunks per core on, where workers can be
    forked, the chunks are read by one worker per core (each chunk is read the same way
    wherever it is read, so the tables are the same). On 2 cores the themes stage of 600
    bench interviews took 20.0 s instead of 25.8; with fewer chunks than that (200
    interviews, 3 chunks) the pool cost as much as it saved."""
    rows = tokens.groupby("passage_id", sort=False).indices
    chunks = [ids[s:s + READ_CHUNK] for s in range(0, max(len(ids), 1), READ_CHUNK)]
    jobs = cores() if can_fork() and len(tokens) >= PARALLEL_MIN_TOKENS else 1
    jobs = jobs if len(chunks) >= 2 * jobs else 1
    shared = (tokens, rows, readers)
    parts = (map_shared(_read_chunk, shared, chunks, jobs) if jobs > 1
             else [_read_chunk(shared, chunk) for chunk in chunks])
    return [pd.concat(group) for group in zip(*parts, strict=True)]


def _read_chunk(shared: tuple[pd.DataFrame, Mapping[Any, Any], Sequence[Reader]],
                chunk: list[str]) -> list[pd.DataFrame]:
    tokens, rows, readers = shared
    take = [rows[p] for p in chunk if p in rows]
    docs = list(features_from_tokens(tokens.iloc[np.concatenate(take)] if take else
                                     tokens.iloc[:0], chunk))
    frames = [table for read in readers for table in read(docs)]
    for table in frames:
        table.index = pd.Index(chunk)
    return frames


def _explained(codings: pd.DataFrame, tokens: pd.DataFrame,
               explains: Mapping[str, SupervisedCoder]) -> pd.DataFrame:
    """``codings`` where a learned coder coded alone (no dictionary evidence) given as
    evidence the passage's words that push its theme up most."""
    alone = codings["evidence"] == ""
    if alone.any():
        words = tokens[tokens["kind"] == "word"]
        by_passage = {pid: g for pid, g in words.groupby("passage_id", sort=False)}
        found, spans = [], []
        for pid, theme in zip(codings.loc[alone, "passage_id"], codings.loc[alone, "theme"],
                              strict=True):
            g = by_passage.get(pid)
            explainer = explains.get(theme)
            if g is None or explainer is None:
                found.append("")
                spans.append("")
                continue
            best = g.iloc[indicative_words(
                explainer, theme, list(zip(g["term"], g["norm"], strict=True)))]
            found.append("; ".join(best["surface"]))
            spans.append("; ".join(f"{s}-{e}" for s, e in zip(best["start"], best["end"],
                                                             strict=True)))
        codings.loc[alone, "evidence"] = found
        codings.loc[alone, "evidence_spans"] = spans
    return codings
