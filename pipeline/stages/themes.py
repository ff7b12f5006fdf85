"""Themes: code every passage with the themes of a codebook and keep the evidence.

The dictionary coder matches a codebook's cues (``models/codebooks/README.md``) against the
normalised tokens of each passage: a keyword written as a base form (its own stem, ``layan``)
matches every word with that stem (pelayanan, melayani, dilayani, layanannya); a keyword
written in a derived form (``kebersamaan``, whose stem ``sama`` is far too general) matches
only that word, with or without a clitic. A phrase matches consecutive words (fillers
and pauses skipped) whose stems equal the phrase's.
Each cue adds its weight to its theme's score; a cue said again adds half its weight, up to
three times. A theme is coded when its score reaches the threshold (default 1.5: one strong
cue, two ordinary ones, or one ordinary cue said twice; one ordinary or weak mention is not
enough) and none of its negative cues is in the passage. A passage may get several themes,
but a theme scoring under half the passage's best theme is a side mention and is dropped
unless its own score reaches twice the threshold.

When a researcher's coded passages train a :class:`~pipeline.stages.supervised.SupervisedCoder`,
:func:`combine` merges its probabilities with the dictionary scores (see its docstring).

Tables (columns documented on each function): ``evidence`` (every cue matched),
``theme_scores``, ``codings`` (one row per coded passage and theme). The displays built
from them (theme x informant matrix, co-occurrence) are in :mod:`pipeline.stages.matrix`.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np
import pandas as pd

from pipeline.config import (
    DEFAULT_THRESHOLD,
    MAX_REPEATS,
    PARALLEL_MIN_TOKENS,
    RELATIVE,
    REPEAT_FACTOR,
    TRUST_F1,
    TRUST_PRECISION,
    TRUST_SUPPORT,
)
from pipeline.parallel import can_fork, cores, map_shared
from pipeline.stages.normalise import Normaliser, without_clitic
from pipeline.stages.supervised import SupervisedCoder, features_from_tokens, indicative_words
from pipeline.types import Codebook

log = logging.getLogger(__name__)

SKIPPED_KINDS = frozenset({"filler", "clitic"})
# Punctuation that ends a clause breaks a phrase; commas, dashes and ellipses are pauses in
# speech ("ngasih, eh, contoh") and are skipped like fillers.
BREAKS = frozenset({".", "?", "!", ";", ":"})
METHODS = ("dictionary", "supervised", "combined")

EVIDENCE_COLUMNS = ["passage_id", "theme", "cue", "kind", "surface", "start", "end", "weight"]
CODING_COLUMNS = ["passage_id", "transcript_id", "speaker", "theme", "score", "probability",
                  "method", "evidence", "evidence_spans"]
SCORE_COLUMNS = ["passage_id", "theme", "score", "blocked"]


@dataclass(frozen=True)
class Cue:
    """One codebook cue reduced to the stems the coder compares."""

    theme: str
    text: str
    stems: tuple[str, ...]
    weight: float
    negative: bool = False
    exact: bool = False  # a derived-form keyword: matched on the word's standard form


@dataclass(frozen=True)
class DictionaryResult:
    """What the dictionary coder found: every match, and each passage's score per theme."""

    evidence: pd.DataFrame
    scores: pd.DataFrame
    threshold: float
    relative: float = RELATIVE
    fallback: float | None = None


@dataclass
class _Index:
    keywords: dict[str, list[Cue]] = field(default_factory=dict)
    exact: dict[str, list[Cue]] = field(default_factory=dict)
    phrases: dict[str, list[Cue]] = field(default_factory=dict)


class DictionaryCoder:
    """Scores passages per theme from the cues of ``codebook``.

    ``normaliser`` reduces the codebook's keywords and phrases to stems the same way the
    passages were reduced, so ``layan`` matches pelayanan, melayani, dilayani, layanannya and
    the phrase ``kasih contoh`` matches "ngasih contoh".
    """

    def __init__(self, codebook: Codebook, normaliser: Normaliser, *,
                 threshold: float = DEFAULT_THRESHOLD, relative: float = RELATIVE,
                 fallback: float | None = None) -> None:
        if threshold <= 0:
            raise ValueError(f"threshold must be positive, got {threshold}")
        if not 0 <= relative <= 1:
            raise ValueError(f"relative must be between 0 and 1, got {relative}")
        self.relative = relative
        self.fallback = fallback
        self.codebook = codebook
        self.threshold = threshold
        self.cues = tuple(_cues(codebook, normaliser))
        self._index = _Index()
        for cue in self.cues:
            if cue.exact:
                self._index.exact.setdefault(cue.stems[0], []).append(cue)
            elif len(cue.stems) == 1 and not cue.negative:
                self._index.keywords.setdefault(cue.stems[0], []).append(cue)
            else:
                self._index.phrases.setdefault(cue.stems[0], []).append(cue)
        for cues in self._index.phrases.values():
            cues.sort(key=lambda c: -len(c.stems))

    def match(self, tokens: pd.DataFrame) -> DictionaryResult:
        """Every cue in ``tokens`` (the normalise stage's table) and the scores it gives.

        ``evidence`` columns: passage_id, theme, cue (as written in the codebook), kind
        (keyword, phrase, negative), surface (the speaker's words), start, end (offsets into
        the transcript), weight (what the match added to the score; 0 for negatives).
        ``scores`` columns: passage_id, theme, score, blocked (a negative cue matched); one
        row per passage and theme with any match.

        perf (issue 7): from :data:`PARALLEL_MIN_TOKENS` tokens on, where workers can be
        forked, the passages are split into one run of whole passages per core and matched
        by worker processes; a passage's matches depend on its own tokens only, so the
        tables are the same as one process's.
        """
        jobs = cores() if can_fork() and len(tokens) >= PARALLEL_MIN_TOKENS else 1
        if jobs <= 1:
            return self._match(tokens)
        parts = map_shared(_match_part, (self, tokens), _passage_runs(tokens, jobs), jobs)
        return DictionaryResult(pd.concat([p.evidence for p in parts], ignore_index=True),
                                pd.concat([p.scores for p in parts], ignore_index=True),
                                self.threshold, self.relative, self.fallback)

    def _match(self, tokens: pd.DataFrame) -> DictionaryResult:
        rows: dict[str, list[object]] = {c: [] for c in EVIDENCE_COLUMNS}
        score_rows: list[tuple[str, str, float, bool]] = []
        if len(tokens):
            pause = (tokens["kind"] == "punct") & ~tokens["surface"].isin(BREAKS)
            frame = tokens[~tokens["kind"].isin(SKIPPED_KINDS) & ~pause]
            found, pids = self._find(frame)
            t_start = frame["start"].to_numpy()
            t_end = frame["end"].to_numpy()
            surfaces = frame["surface"].to_numpy()
            # perf: matches are found for all passages at once (_find); the scores are
            # summed per passage, in the same order as before, so they are identical.
            a = 0
            while a < len(found):
                pid = str(pids[found[a][0]])
                b = a
                while b < len(found) and pids[found[b][0]] == pid:
                    b += 1
                per_theme: dict[str, Counter[str]] = defaultdict(Counter)
                blocked: set[str] = set()
                weights: dict[tuple[str, str], float] = {}
                for i, j, cue in found[a:b]:
                    if cue.negative:
                        blocked.add(cue.theme)
                        added = 0.0
                    else:
                        n = per_theme[cue.theme][cue.text]
                        per_theme[cue.theme][cue.text] += 1
                        added = cue.weight * (1.0 if n == 0 else
                                              REPEAT_FACTOR if n < MAX_REPEATS else 0.0)
                        weights[cue.theme, cue.text] = cue.weight
                    rows["passage_id"].append(pid)
                    rows["theme"].append(cue.theme)
                    rows["cue"].append(cue.text)
                    rows["kind"].append("negative" if cue.negative else
                                        "phrase" if len(cue.stems) > 1 else "keyword")
                    rows["surface"].append(_join_surface(surfaces[i:j]))
                    rows["start"].append(int(t_start[i]))
                    rows["end"].append(int(t_end[j - 1]))
                    rows["weight"].append(round(added, 4))
                for theme in sorted(set(per_theme) | blocked):
                    total = sum(
                        weights[theme, text] * (1 + REPEAT_FACTOR * (min(n, MAX_REPEATS) - 1))
                        for text, n in per_theme[theme].items()
                    )
                    score_rows.append((pid, theme, round(total, 4), theme in blocked))
                a = b
        evidence = pd.DataFrame(rows, columns=EVIDENCE_COLUMNS)
        for col in ("start", "end"):
            evidence[col] = evidence[col].astype("int64")
        evidence["weight"] = evidence["weight"].astype("float64")
        scores = pd.DataFrame(score_rows, columns=SCORE_COLUMNS)
        scores["score"] = scores["score"].astype("float64")
        scores["blocked"] = scores["blocked"].astype(bool)
        return DictionaryResult(evidence, scores, self.threshold, self.relative,
                                self.fallback)

    def _find(self, frame: pd.DataFrame) -> tuple[list[tuple[int, int, Cue]], np.ndarray]:
        """(first row, last row + 1, cue) of every match in ``frame`` (tokens without fillers
        and pauses), sorted by passage, position, theme and cue; and the rows' passage ids.
        A phrase never runs past its passage's end; within a theme, the words of a matched
        phrase do not count again as keywords."""
        pids = frame["passage_id"].to_numpy()
        n = len(frame)
        bounds = np.flatnonzero(pids[1:] != pids[:-1]) + 1
        ends = np.concatenate((bounds, [n]))
        passage_end = np.repeat(ends, np.diff(np.concatenate(([0], ends))))
        stems = frame["stem"].to_numpy()
        norm_col = frame["norm"]
        kind = frame["kind"]
        wordish = kind.isin(["word", "stop"]).to_numpy()
        word = (kind == "word").to_numpy()
        found: list[tuple[int, int, Cue]] = []
        covered: set[tuple[str, int]] = set()
        index = self._index
        # Phrases: candidates first, vectorised on integer codes of the stems; then the
        # matches in position order (longest cue first), where earlier ones cover later.
        codes, uniques = pd.factorize(frame["stem"])
        code_of = {u: i for i, u in enumerate(uniques)}
        starts = np.flatnonzero(wordish & frame["stem"].isin(list(index.phrases)).to_numpy())
        start_codes = codes[starts]
        candidates: list[tuple[int, int, Cue]] = []
        for first, cues in index.phrases.items():
            at = starts[start_codes == code_of.get(first, -2)]
            for order, cue in enumerate(cues):
                k = len(cue.stems)
                sub = at[at + k <= passage_end[at]]
                for m in range(1, k):
                    sub = sub[(codes[sub + m] == code_of.get(cue.stems[m], -2))
                              & wordish[sub + m]]
                candidates.extend((g, order, cue) for g in sub.tolist())
        candidates.sort(key=lambda c: (c[0], c[1]))
        for g, _, cue in candidates:
            k = len(cue.stems)
            if not cue.negative and any((cue.theme, r) in covered for r in range(g, g + k)):
                continue
            found.append((g, g + k, cue))
            if not cue.negative:
                covered.update((cue.theme, r) for r in range(g, g + k))
        hit = frame["stem"].isin(list(index.keywords)).to_numpy().copy()
        if index.exact:
            bare = {v: without_clitic(v, min_base=4) for v in norm_col.unique()}
            norms = norm_col.map(bare)
            hit |= norms.isin(list(index.exact)).to_numpy()
            norm_values = norms.to_numpy()
        for g in np.flatnonzero(word & hit).tolist():
            here = (*index.keywords.get(stems[g], ()),
                    *(index.exact.get(norm_values[g], ()) if index.exact else ()))
            found.extend((g, g + 1, cue) for cue in here if (cue.theme, g) not in covered)
        found.sort(key=lambda f: (f[0], f[2].theme, f[2].text))
        return found, pids


def _passage_runs(tokens: pd.DataFrame, parts: int) -> list[tuple[int, int]]:
    """``parts`` (first row, last row + 1) ranges of about equal size that never cut a
    passage (the tokens table is in passage order)."""
    pids = tokens["passage_id"].to_numpy()
    starts = np.flatnonzero(np.r_[True, pids[1:] != pids[:-1]])  # each passage's first row
    # the first passage that starts at or after each equal share of the rows
    at = np.searchsorted(starts, [len(pids) * i // parts for i in range(1, parts)])
    cuts = sorted({int(starts[i]) for i in at if i < len(starts)})
    return [(a, b) for a, b in pairwise([0, *cuts, len(pids)]) if b > a]


def _match_part(shared: tuple[DictionaryCoder, pd.DataFrame],
                rows: tuple[int, int]) -> DictionaryResult:
    coder, tokens = shared
    return coder._match(tokens.iloc[rows[0]:rows[1]])


def _cues(codebook: Codebook, normaliser: Normaliser) -> Iterable[Cue]:
    for theme in codebook.themes:
        for keyword in theme.keywords:
            stems = _stems(keyword, normaliser)
            if not stems:
                continue
            weight = theme.weights.get(keyword, 1.0)
            norm = without_clitic(normaliser.form(keyword).norm, min_base=4)
            if stems[0] == keyword or stems[0] == norm:
                yield Cue(theme.id, keyword, stems[:1], weight)
            else:
                yield Cue(theme.id, keyword, (norm,), weight, exact=True)
        for phrase in theme.phrases:
            stems = _stems(phrase, normaliser)
            if stems:
                yield Cue(theme.id, phrase, stems, theme.weights.get(phrase, 1.0))
        for negative in theme.negative:
            stems = _stems(negative, normaliser)
            if stems:
                yield Cue(theme.id, negative, stems, 0.0, negative=True)


def _stems(text: str, normaliser: Normaliser) -> tuple[str, ...]:
    return tuple(f.stem for _, _, _, f in normaliser.tokenize(text)
                 if f.kind in ("word", "stop") and f.stem)


def _join_surface(surfaces: Iterable[object]) -> str:
    return " ".join(str(s) for s in surfaces)


# -- codings --------------------------------------------------------------------------------


def codings_frame(
    result: DictionaryResult,
    passages: pd.DataFrame,
    *,
    probabilities: pd.DataFrame | None = None,
    thresholds: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """The ``codings`` table: one row per passage and theme it is coded with.

    Columns: passage_id, transcript_id, speaker, theme, score (dictionary score, 0 when no
    cue matched), probability (the supervised coder's, NaN without one), method (dictionary,
    supervised or combined), evidence (the matched words as spoken, ``; ``-separated),
    evidence_spans (their ``start-end`` offsets into the transcript, in the same order).

    Without ``probabilities`` a theme is coded when its dictionary score reaches the
    threshold and no negative cue blocks it. With ``probabilities`` (passage_id index, one
    column per trained theme) and per-theme ``thresholds``, see :func:`combine`.
    """
    scores = result.scores
    decided = combine(scores, result.threshold, probabilities, thresholds or {},
                      relative=result.relative, fallback=result.fallback)
    if not len(decided):
        return pd.DataFrame({c: pd.Series(dtype=_dtype(c)) for c in CODING_COLUMNS})
    ev = result.evidence[result.evidence["weight"] > 0].sort_values(
        ["passage_id", "theme", "start"], kind="stable")
    words: dict[tuple[str, str], list[str]] = defaultdict(list)
    spans: dict[tuple[str, str], list[str]] = defaultdict(list)
    for pid, theme, surface, start, end in zip(
            ev["passage_id"].tolist(), ev["theme"].tolist(), ev["surface"].tolist(),
            ev["start"].tolist(), ev["end"].tolist(), strict=True):
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


def combine(
    scores: pd.DataFrame,
    threshold: float,
    probabilities: pd.DataFrame | None,
    thresholds: Mapping[str, float],
    *,
    relative: float = RELATIVE,
    fallback: float | None = None,
) -> pd.DataFrame:
    """Decide which (passage, theme) pairs are coded, from dictionary scores and, when a
    supervised coder was trained, its probabilities.

    For a theme the supervised coder knows: coded when its probability reaches the theme's
    threshold (method ``combined`` when the dictionary also reaches its threshold,
    ``supervised`` otherwise), or when the dictionary reaches its threshold and the model
    does not clearly disagree (probability at least half the theme's threshold; method
    ``dictionary``). Other themes: dictionary only. Negative cues block the dictionary side,
    and a dictionary score below ``relative`` x the passage's best score is a side mention
    (dropped unless it reaches twice the threshold). With ``fallback``, a passage no theme
    reaches the threshold for gets its best theme when that scores at least ``fallback``
    (for excerpts a researcher picked, which are about something: ``tematik code``).
    Columns: passage_id, theme, score, probability, method.
    """
    open_ = scores[~scores["blocked"]]
    top = open_.groupby("passage_id")["score"].transform("max")
    dic = open_[(open_["score"] >= threshold) &
                ((open_["score"] >= relative * top) | (open_["score"] >= 2 * threshold))]
    if fallback is not None:
        rest = open_[~open_["passage_id"].isin(set(dic["passage_id"])) &
                     (open_["score"] >= fallback)]
        best = rest.sort_values(["passage_id", "score", "theme"], ascending=[True, False, True],
                                kind="stable").drop_duplicates("passage_id")
        dic = pd.concat([dic, best])
    dict_pairs = {(p, t): s for p, t, s in
                  zip(dic["passage_id"], dic["theme"], dic["score"], strict=True)}
    all_scores = {(p, t): s for p, t, s in
                  zip(scores["passage_id"], scores["theme"], scores["score"], strict=True)}
    rows: list[tuple[str, str, float, float, str]] = []
    trained = set(probabilities.columns) if probabilities is not None else set()
    for (pid, theme), score in dict_pairs.items():
        if theme in trained:
            continue
        rows.append((pid, theme, score, float("nan"), "dictionary"))
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


def trusted_themes(supervised: SupervisedCoder) -> list[str]:
    """Themes whose cross-validated precision, F1 and support reach ``TRUST_*``."""
    report = supervised.cv_report_
    ok = report[(report["precision"] >= TRUST_PRECISION) & (report["f1"] >= TRUST_F1) &
                (report["support"] >= TRUST_SUPPORT)]
    return [t for t in supervised.classes_ if t in set(ok["theme"])]


def code_passages(
    passages: pd.DataFrame, tokens: pd.DataFrame, coder: DictionaryCoder,
    supervised: SupervisedCoder | None = None,
) -> tuple[DictionaryResult, pd.DataFrame]:
    """Dictionary matches and the ``codings`` table of ``passages``, combined with the
    supervised coder's probabilities for the themes it has learned well enough
    (:func:`trusted_themes`) or that have no codebook cues; the dictionary alone decides the
    others. A coding the
    supervised coder made alone takes as evidence the passage's words that push its theme up
    most."""
    matched = coder.match(tokens)
    if supervised is None:
        return matched, codings_frame(matched, passages)
    ids = list(passages["passage_id"])
    cued = {c.theme for c in coder.cues if not c.negative}
    earned = set(trusted_themes(supervised))
    trusted = [t for t in supervised.classes_ if t in earned or t not in cued]
    probabilities = supervised.predict_proba(list(features_from_tokens(tokens, ids)))
    probabilities.index = pd.Index(ids)
    codings = codings_frame(matched, passages, probabilities=probabilities[trusted],
                            thresholds=supervised.thresholds_)
    alone = codings["evidence"] == ""
    if alone.any():
        words = tokens[tokens["kind"] == "word"]
        by_passage = {pid: g for pid, g in words.groupby("passage_id", sort=False)}
        found, spans = [], []
        for pid, theme in zip(codings.loc[alone, "passage_id"], codings.loc[alone, "theme"],
                              strict=True):
            g = by_passage.get(pid)
            if g is None:
                found.append("")
                spans.append("")
                continue
            best = g.iloc[indicative_words(
                supervised, theme, list(zip(g["term"], g["norm"], strict=True)))]
            found.append("; ".join(best["surface"]))
            spans.append("; ".join(f"{s}-{e}" for s, e in zip(best["start"], best["end"],
                                                             strict=True)))
        codings.loc[alone, "evidence"] = found
        codings.loc[alone, "evidence_spans"] = spans
    return matched, codings
