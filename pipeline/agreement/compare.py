"""Compare: score the automatic coding against a researcher's manual coding.

Input: the run's passages, codings and evidence, the codebook, and the manual segments
(:mod:`pipeline.readers.manual`, already mapped to theme ids). Output, in :class:`Comparison`:

- ``agreement``: per theme and overall (micro, macro) the counts, percent agreement,
  Cohen's kappa, Krippendorff's alpha, precision/recall/F1 of tematik against the manual
  coding (the reference), with bootstrap intervals and landmarks
  (:mod:`pipeline.agreement.statistics`);
- ``pairwise``: the same for every pair of coders when the manual coding has two or more;
- ``disagreements``: every unit and theme where the first manual coder and tematik differ,
  with the text, both codings and tematik's evidence, sorted for adjudication.

Units (``unit``): ``passage`` (default; a theme is present for a coder in a passage when its
segments cover ``min_overlap`` of the passage or of a segment, :func:`passage_presence`),
``sentence`` (the same on sentences of passages; tematik's theme is present in a sentence
holding its evidence), or ``character`` (as NVivo counts; no intervals).

Themes compared: those the manual coding uses. A parent the manual coding uses without any
of its sub-themes is compared with tematik's parent and sub-themes rolled up into it.

Scope (:class:`Scope`): by default each manual coder is scored only on the units of the
transcripts their coding touched (or, for a sheet that names passages by id, on those
passages), so a transcript nobody coded does not count as "absent" for the coder and
"extra" for tematik. ``Scope(kind="all")`` counts every informant passage of the run.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.agreement.landmarks import Lang
from pipeline.agreement.overlap import character_agreement, passage_presence, presence_pairs
from pipeline.agreement.statistics import decision_table
from pipeline.agreement.tables import agreement_table, pairwise_table
from pipeline.errors import TrainingError
from pipeline.readers.manual import ManualCoding
from pipeline.stages.normalise import Normaliser
from pipeline.stages.quotes import answer_evidence
from pipeline.stages.supervised import fit_coder
from pipeline.stages.themes import DictionaryCoder, code_passages
from pipeline.types import Codebook

MACHINE = "tematik"
UNITS = ("passage", "sentence", "character")
SCOPES = ("touched", "all")
DISAGREEMENT_COLUMNS = [
    "unit_id", "passage_id", "transcript_id", "speaker", "theme", "kind", "manual_coders",
    "tematik_score", "tematik_method", "tematik_evidence", "text",
]
_SENTENCE_RE = re.compile(r"[^.?!…\n]+[.?!…]*")


@dataclass(frozen=True)
class Scope:
    """Which units each manual coder is scored on.

    ``kind``: ``"touched"`` (the units of what the coder's coding touched) or ``"all"``
    (every informant passage of the run, each uncoded one "absent" for every coder).
    ``by``: what ``judged`` holds, ``"transcript"`` or ``"passage"`` ids. ``judged``: coder
    -> the transcripts (or passages) they judged; a coder left out judged the transcripts
    their segments lie in.
    """

    kind: str = "touched"
    by: str = "transcript"
    judged: Mapping[str, frozenset[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Comparison:
    """``units``: the units scored (those the reference coder judged, :class:`Scope`), of
    ``units_all`` in the run; ``scope_transcripts`` the transcripts they lie in,
    ``scope_passages`` the passages when the scope is by passage, and ``scope_left_out`` the
    transcripts with informant passages that were not compared."""

    unit: str
    reference: str
    themes: tuple[str, ...]
    agreement: pd.DataFrame
    pairwise: pd.DataFrame
    disagreements: pd.DataFrame
    units: int
    notes: tuple[str, ...] = field(default=())
    scope: Scope = field(default_factory=Scope)
    units_all: int = 0
    scope_transcripts: tuple[str, ...] = ()
    scope_passages: tuple[str, ...] = ()
    lang: str = "en"
    scope_left_out: tuple[str, ...] = ()


@dataclass
class CompareResult:
    """What ``tematik compare`` reports: the comparison, the manual coding it used, codes
    no theme matched (code -> segments), the files written, notes, and the learning curve
    when the supervised coder was trained on the manual coding."""

    comparison: Comparison
    manual: ManualCoding
    unmapped: dict[str, int]
    written: list[Path]
    warnings: list[str] = field(default_factory=list)
    curve: pd.DataFrame | None = None


def _rollup_targets(codebook: Codebook, manual_themes: set[str]) -> dict[str, str]:
    """tematik theme -> the theme it is compared as (a sub-theme rolls up into a parent the
    manual coding uses without any of that parent's sub-themes)."""
    parents = {t.id: t.parent for t in codebook.themes}
    target: dict[str, str] = {}
    for theme in parents:
        current: str | None = theme
        chosen = theme
        while current is not None:
            children = {t for t, p in parents.items() if p == current}
            if current in manual_themes and not children & manual_themes:
                chosen = current
            current = parents.get(current)
        target[theme] = chosen
    return target


def sentence_units(passages: pd.DataFrame) -> pd.DataFrame:
    """Sentences of each passage as units: unit_id (``passage_id#n``), passage_id,
    transcript_id, start, end (transcript offsets)."""
    rows = []
    for pid, tid, start, text in zip(passages["passage_id"], passages["transcript_id"],
                                     passages["start"], passages["text"], strict=True):
        n = 0
        for m in _SENTENCE_RE.finditer(str(text)):
            if m.group().strip():
                n += 1
                rows.append((f"{pid}#{n}", pid, tid, int(start) + m.start(),
                             int(start) + m.end()))
    return pd.DataFrame(rows, columns=["unit_id", "passage_id", "transcript_id", "start",
                                       "end"])


def compare(
    passages: pd.DataFrame,
    codings: pd.DataFrame,
    evidence: pd.DataFrame,
    codebook: Codebook,
    segments: pd.DataFrame,
    *,
    unit: str = "passage",
    min_overlap: float = 0.5,
    n_resamples: int = 1000,
    random_state: int = 42,
    lang: str = "en",
    lengths: Mapping[str, int] | None = None,
    scope: Scope | None = None,
) -> Comparison:
    """Agreement between the manual ``segments`` (columns coder, transcript_id, theme,
    start, end; theme ids) and tematik's ``codings`` on the informant ``passages``, each
    manual coder scored on the units of their ``scope`` (default: the transcripts their
    segments lie in). ``lengths`` (transcript id -> length of its text) is needed for
    ``unit="character"``."""
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {', '.join(UNITS)}, got {unit!r}")
    scope = scope or Scope()
    if scope.kind not in SCOPES:
        raise ValueError(f"scope must be one of {', '.join(SCOPES)}, got {scope.kind!r}")
    informants = passages[passages["role"] == "informant"]
    manual_themes = set(segments["theme"])
    target = _rollup_targets(codebook, manual_themes)
    auto = codings.assign(theme=codings["theme"].map(lambda t: target.get(t, t)))
    themes = tuple(t.id for t in codebook.themes if t.id in manual_themes)
    themes += tuple(sorted(manual_themes - set(themes)))
    coders = list(dict.fromkeys(segments["coder"]))
    reference = coders[0] if coders else "manual"
    notes = []
    rolled = sorted({f"{k} -> {v}" for k, v in target.items() if k != v})
    if rolled:
        notes.append("compared as their parent (the manual coding uses only the parent): "
                     + ", ".join(rolled))
    ignored = sorted(set(codings["theme"]) - set(target) - manual_themes)
    skipped = sorted({target.get(t, t) for t in codings["theme"]} - manual_themes)
    if skipped or ignored:
        notes.append("tematik themes the manual coding never uses, not compared: "
                     + ", ".join(sorted(set(skipped) | set(ignored))))
    lang_: Lang = "id" if lang == "id" else "en"
    if unit == "character":
        if lengths is None:
            raise ValueError("unit='character' needs the transcripts' lengths")
        return _character_comparison(informants, auto, segments, themes, reference, scope,
                                     lengths, tuple(notes), lang_)
    if unit == "sentence":
        units = sentence_units(informants)
        ev = answer_evidence(evidence).merge(
            codings[["passage_id", "theme"]], on=["passage_id", "theme"])
        ev = ev.assign(theme=ev["theme"].map(lambda t: target.get(t, t)))
        auto_pairs = _evidence_units(units, ev)
        frame = units.rename(columns={"unit_id": "unit"})
    else:
        frame = informants[["passage_id", "transcript_id", "start", "end"]].assign(
            unit=informants["passage_id"])
        auto_pairs = set(zip(auto["passage_id"], auto["theme"], strict=True))
    presence = passage_presence(
        frame.drop(columns=["passage_id"]).rename(columns={"unit": "passage_id"}),
        segments[["coder", "transcript_id", "theme", "start", "end"]],
        min_overlap=min_overlap)
    present = presence_pairs(presence)
    present[MACHINE] = {(u, t) for u, t in auto_pairs if t in themes}
    unit_ids = list(frame["unit"])
    judged = _judged_units(scope, frame, segments, coders)
    for coder in coders:  # a segment reaching into a unit its coder did not judge: left out
        mine = set(judged[coder]) if judged is not None else None
        present[coder] = {(u, t) for u, t in present.get(coder, set())
                          if mine is None or u in mine}
    table = decision_table({c: present[c] for c in [*coders, MACHINE]}, unit_ids, themes,
                           judged=judged)
    agreement = agreement_table(table, reference, MACHINE, n_resamples=n_resamples,
                                random_state=random_state, lang=lang_)
    pairwise = (pairwise_table(table, machines={MACHINE}, n_resamples=n_resamples,
                               random_state=random_state, lang=lang_)
                if len(coders) > 1 else pd.DataFrame())
    scored = set(judged.get(reference, []) if judged is not None else unit_ids)
    disagreements = _disagreements(frame, informants, codings, target, present, reference,
                                   coders, themes, scored)
    inside = frame[frame["unit"].isin(scored)]
    passages_in = (tuple(dict.fromkeys(inside["passage_id"].astype(str)))
                   if scope.kind == "touched" and scope.by == "passage" else ())
    kept = tuple(dict.fromkeys(inside["transcript_id"].astype(str)))
    return Comparison(unit, reference, themes, agreement, pairwise, disagreements,
                      len(scored), tuple(notes), scope, len(unit_ids), kept, passages_in,
                      lang_, _left_out(informants, kept))


def _left_out(informants: pd.DataFrame, kept: Sequence[str]) -> tuple[str, ...]:
    """The transcripts with informant passages that are not among ``kept``."""
    compared = set(kept)
    return tuple(t for t in dict.fromkeys(informants["transcript_id"].astype(str))
                 if t not in compared)


def _touched_transcripts(scope: Scope, informants: pd.DataFrame, segments: pd.DataFrame,
                         coders: Sequence[str]) -> set[str]:
    """The transcripts (of ``informants``' passages) some of ``coders`` judged under a
    ``touched`` scope."""
    frame = informants[["passage_id", "transcript_id"]].astype(str)
    frame = frame.assign(unit=frame["transcript_id"])
    return {u for units in (_judged_units(scope, frame, segments, coders) or {}).values()
            for u in units}


def _judged_units(scope: Scope, frame: pd.DataFrame, segments: pd.DataFrame,
                  coders: Sequence[str]) -> dict[str, list[str]] | None:
    """Coder -> the units (``frame["unit"]``) they judged under ``scope``; None when every
    coder judged every unit (``scope.kind == "all"``)."""
    if scope.kind == "all":
        return None
    out: dict[str, list[str]] = {}
    for coder in coders:
        if coder in scope.judged:
            column = "passage_id" if scope.by == "passage" else "transcript_id"
            ids: set[str] = set(scope.judged[coder])
        else:
            column = "transcript_id"
            ids = set(segments.loc[segments["coder"] == coder, "transcript_id"].astype(str))
        out[coder] = [str(u) for u, key in zip(frame["unit"], frame[column].astype(str),
                                               strict=True) if key in ids]
    return out


def _character_comparison(informants: pd.DataFrame, auto: pd.DataFrame,
                          segments: pd.DataFrame, themes: tuple[str, ...], reference: str,
                          scope: Scope, lengths: Mapping[str, int], notes: tuple[str, ...],
                          lang: Lang) -> Comparison:
    """Character-level agreement (NVivo's) on the transcripts in the reference's scope."""
    kept = dict(lengths)
    if scope.kind == "touched":
        touched = _touched_transcripts(scope, informants, segments, [reference])
        kept = {t: n for t, n in lengths.items() if t in touched}
    auto_spans = auto.merge(informants[["passage_id", "transcript_id", "start", "end"]],
                            on="passage_id", suffixes=("_c", ""))
    spans = pd.concat([
        segments[["coder", "transcript_id", "theme", "start", "end"]],
        auto_spans.assign(coder=MACHINE)[["coder", "transcript_id", "theme", "start", "end"]],
    ], ignore_index=True)
    spans = spans[spans["theme"].isin(themes) & spans["transcript_id"].isin(set(kept))]
    chars = character_agreement(spans, kept, reference, MACHINE, themes=list(themes),
                                lang=lang)
    return Comparison("character", reference, themes, chars, pd.DataFrame(),
                      pd.DataFrame(columns=DISAGREEMENT_COLUMNS), int(sum(kept.values())),
                      notes, scope, int(sum(lengths.values())), tuple(sorted(kept)), (), lang,
                      _left_out(informants, list(kept)))


def _evidence_units(units: pd.DataFrame, evidence: pd.DataFrame) -> set[tuple[str, str]]:
    """(unit_id, theme) for every sentence holding evidence of a theme coded in its passage."""
    by_passage: dict[str, list[tuple[str, int, int]]] = {}
    for uid, pid, s, e in zip(units["unit_id"], units["passage_id"], units["start"],
                              units["end"], strict=True):
        by_passage.setdefault(str(pid), []).append((str(uid), int(s), int(e)))
    out = set()
    for pid, theme, s in zip(evidence["passage_id"], evidence["theme"], evidence["start"],
                             strict=True):
        for uid, a, b in by_passage.get(str(pid), ()):
            if a <= int(s) < b:
                out.add((uid, str(theme)))
    return out


def _disagreements(
    frame: pd.DataFrame, passages: pd.DataFrame, codings: pd.DataFrame, target: dict[str, str],
    present: dict[str, set[tuple[str, str]]], reference: str, coders: Sequence[str],
    themes: Sequence[str], scored: set[str],
) -> pd.DataFrame:
    """Every unit in ``scored`` (those the reference judged) and theme where the reference
    and tematik differ."""
    ref, auto = present[reference], present[MACHINE]
    info = passages.set_index("passage_id")
    rolled = codings.assign(theme=codings["theme"].map(lambda t: target.get(t, t)))
    best = (rolled.sort_values("score", ascending=False, kind="stable")
            .drop_duplicates(["passage_id", "theme"]).set_index(["passage_id", "theme"]))
    rows = []
    texts = dict(zip(frame["unit"], zip(frame["passage_id"], frame["start"], frame["end"],
                                        strict=True), strict=True))
    differ = {(u, t) for u, t in ref ^ auto if u in scored}
    for uid, theme in sorted(differ, key=lambda p: (themes.index(p[1]), p[0])):
        pid, start, end = texts[uid]
        p = info.loc[pid]
        offset = int(p["start"])
        text = " ".join(str(p["text"])[int(start) - offset:int(end) - offset].split())
        kind = "missed by tematik" if (uid, theme) in ref else "extra by tematik"
        who = [c for c in coders if (uid, theme) in present[c]]
        hit = best.loc[(pid, theme)] if (pid, theme) in best.index else None
        rows.append((uid, pid, p["transcript_id"], p["speaker"], theme, kind, "; ".join(who),
                     float(hit["score"]) if hit is not None else 0.0,
                     str(hit["method"]) if hit is not None else "",
                     str(hit["evidence"]) if hit is not None else "", text))
    frame_out = pd.DataFrame(rows, columns=DISAGREEMENT_COLUMNS)
    return frame_out.sort_values(["theme", "kind", "tematik_score", "unit_id"],
                                 ascending=[True, True, False, True], kind="stable",
                                 key=lambda s: s.map(themes.index) if s.name == "theme" else s
                                 ).reset_index(drop=True)


# -- how much manual coding is enough ------------------------------------------------------

CURVE_COLUMNS = ["share", "method", "training_passages", "kappa", "precision", "recall",
                 "f1", "macro_f1"]


def training_examples(passages: pd.DataFrame, segments: pd.DataFrame,
                      texts: Mapping[str, str]) -> pd.DataFrame:
    """What the supervised coder can learn from a manual coding: each coded segment's text
    with its themes, and each informant passage no segment touches as a passage with no
    theme. Columns: transcript_id, text, codes (tuple)."""
    rows = []
    spans: dict[tuple[str, int, int], set[str]] = {}
    for tid, s, e, theme in zip(segments["transcript_id"], segments["start"], segments["end"],
                                segments["theme"], strict=True):
        spans.setdefault((str(tid), int(s), int(e)), set()).add(str(theme))
    for (tid, start, end), themes in sorted(spans.items()):
        rows.append((tid, texts[tid][start:end], tuple(sorted(themes))))
    touched: dict[str, list[tuple[int, int]]] = {}  # segments by transcript
    for tid, start, end in spans:
        touched.setdefault(tid, []).append((start, end))
    for tid, s, e, text in zip(passages["transcript_id"], passages["start"], passages["end"],
                               passages["text"], strict=True):
        if not any(a < e and b > s for a, b in touched.get(str(tid), ())):
            rows.append((str(tid), str(text), ()))
    return pd.DataFrame(rows, columns=["transcript_id", "text", "codes"])


def learning_curve(
    passages: pd.DataFrame, tokens: pd.DataFrame, codebook: Codebook, segments: pd.DataFrame,
    texts: Mapping[str, str], normaliser: Normaliser, *, threshold: float,
    shares: Sequence[float] = (0.25, 0.5, 0.75, 1.0), folds: int = 5, min_overlap: float = 0.5,
    random_state: int = 42, scope: Scope | None = None,
) -> pd.DataFrame:
    """Agreement with the manual coding when the supervised coder learns from part of it.

    Transcripts are split into ``folds`` groups; each group's passages are coded by a coder
    trained on the other groups' examples only (:func:`training_examples`), so no passage is
    scored by a model that saw it. For each share, that share of the training examples is
    used (a seeded sample). Row ``share`` 0 is the dictionary alone. Columns
    :data:`CURVE_COLUMNS`; kappa, precision, recall and F1 are micro over themes. Only the
    transcripts in the manual coding's ``scope`` take part (by default those it touched):
    a passage of a transcript nobody coded is no example of "no theme".
    """
    scope = scope or Scope()
    informants = passages[passages["role"] == "informant"]
    if scope.kind == "touched":
        touched = _touched_transcripts(scope, informants, segments,
                                       list(dict.fromkeys(segments["coder"])))
        informants = informants[informants["transcript_id"].astype(str).isin(touched)]
    informants = informants.reset_index(drop=True)
    examples = training_examples(informants, segments, texts)
    transcripts = sorted(set(informants["transcript_id"]))
    n_folds = max(2, min(folds, len(transcripts)))
    fold_of = {t: i % n_folds for i, t in enumerate(transcripts)}
    coder = DictionaryCoder(codebook, normaliser, threshold=threshold)
    evidence, dictionary = code_passages(informants, tokens, coder)
    rows = [_curve_row(0.0, "dictionary", 0, informants, dictionary, evidence.evidence,
                       codebook, segments, min_overlap, scope)]
    rng = np.random.default_rng(random_state)
    themes = [t.id for t in codebook.themes]
    for share in shares:
        parts, sizes = [], []
        for fold in range(n_folds):
            test_ids = {t for t in transcripts if fold_of[t] == fold}
            train = examples[~examples["transcript_id"].isin(test_ids)]
            if share < 1:
                keep = rng.permutation(len(train))[: max(1, round(share * len(train)))]
                train = train.iloc[np.sort(keep)]
            test = informants[informants["transcript_id"].isin(test_ids)]
            test_tokens = tokens[tokens["passage_id"].isin(set(test["passage_id"]))]
            try:
                supervised = fit_coder(train, normaliser, themes=themes,
                                       random_state=random_state)
            except TrainingError:
                supervised = None
            parts.append(code_passages(test, test_tokens, coder,
                                       [supervised] if supervised else [])[1])
            sizes.append(len(train))
        codings = pd.concat(parts, ignore_index=True)
        rows.append(_curve_row(share, "combined", int(np.mean(sizes)), informants, codings,
                               evidence.evidence, codebook, segments, min_overlap, scope))
    return pd.DataFrame(rows, columns=CURVE_COLUMNS)


def _curve_row(share: float, method: str, size: int, passages: pd.DataFrame,
               codings: pd.DataFrame, evidence: pd.DataFrame, codebook: Codebook,
               segments: pd.DataFrame, min_overlap: float,
               scope: Scope) -> tuple[object, ...]:
    result = compare(passages, codings, evidence, codebook, segments, n_resamples=0,
                     min_overlap=min_overlap, scope=scope)
    table = result.agreement
    micro = table[table["level"] == "micro"].iloc[0]
    macro = table[table["level"] == "macro"].iloc[0]
    return (share, method, size, float(micro["kappa"]), float(micro["precision"]),
            float(micro["recall"]), float(micro["f1"]), float(macro["f1"]))
