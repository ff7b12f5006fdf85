"""Topics: topic models of the informant passages, with K chosen and explained.

:func:`fit_topics` takes the ``passages`` and ``tokens`` tables (only informant passages
are modelled; a token counts by its ``term``) and returns a :class:`TopicsResult`: the
fitted :class:`~pipeline.stages.topicmodels.TopicModel` and five tables (columns below). Topics are
numbered from 1; seeded topics (one per codebook theme found in the text) come first.

With ``k="auto"`` the K is chosen by :mod:`pipeline.stages.kselection` (the fast model scored
for each K in 3..15 on coherence and stability) and the final model is fitted once at that
K. Too little text raises :class:`TooLittleTextError`, saying how much is needed.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from pipeline.config import (
    K_RANGE,
    MIN_PASSAGES,
    MIN_TERMS,
    MIN_VOCABULARY,
    PASSAGES_PER_TOPIC,
    k_score,
)
from pipeline.errors import TematikError, UsageError
from pipeline.stages.kselection import (
    candidate_ks,
    choose_k,
    k_report_table,
    score_k,
    score_ks,
    selection_sample,
)
from pipeline.stages.normalise import ENDING_CLITICS
from pipeline.stages.persons import positions
from pipeline.stages.segment import display_of
from pipeline.stages.topicmodels import (
    DEFAULT_MODEL,
    PAIR_JOIN,
    TopicModel,
    Vocabulary,
    make_model,
    seed_prior,
)
from pipeline.stages.topicscores import N_TOP, Matrix, coherence, top_terms
from pipeline.types import Codebook

log = logging.getLogger(__name__)

N_TERMS_SHOWN = 15
N_REPRESENTATIVE = 3
PREVALENCE_BY = ("informant", "role", "transcript")

TOPIC_TERMS_COLUMNS = ["topic", "rank", "term", "surface", "weight"]
PASSAGE_TOPICS_COLUMNS = ["passage_id", "topic", "probability"]
SUMMARY_COLUMNS = ["topic", "label", "seed_theme", "prevalence", "mean_probability",
                   "n_passages", "c_npmi", "u_mass", "representative"]
PREVALENCE_COLUMNS = ["by", "group", "topic", "n_passages", "n_dominant", "share",
                      "mean_probability"]


class TooLittleTextError(TematikError):
    """The informant passages hold too little text to fit a topic model."""

    exit_code = 1


@dataclass(frozen=True)
class TopicsResult:
    """What the topics stage produces.

    - ``topic_terms``: topic, rank (1 = heaviest), term (what the model counts: a stem, a
      lexicon phrase ``kualitas_pelayanan`` or a learned pair ``surat_masuk``), surface (the
      forms informants said, most frequent first: ``pimpinan/kepemimpinan``), weight (share
      of the topic; a topic's weights sum to 1 over all terms). ``N_TERMS_SHOWN`` per topic.
    - ``passage_topics``: passage_id, topic, probability; every topic for every informant
      passage with a modelled term (passages with none, like "Iya, betul.", have no rows).
    - ``topic_summary``: topic, label (top three terms in surface form), seed_theme (codebook
      theme id or ""), prevalence (share of passages where the topic is the most probable),
      mean_probability, n_passages (passages it leads), c_npmi, u_mass (coherence of its top
      10 terms), representative (the 3 most representative passage ids, space-separated).
    - ``topic_prevalence``: by (informant, role, transcript), group, topic, n_passages (of
      the group), n_dominant, share (= n_dominant / n_passages), mean_probability.
    - ``k_report``: k, c_npmi, u_mass, stability, min_passages (passages led by the smallest
      topic), score, chosen, reason.
    """

    topic_terms: pd.DataFrame
    passage_topics: pd.DataFrame
    topic_summary: pd.DataFrame
    topic_prevalence: pd.DataFrame
    k_report: pd.DataFrame
    model: TopicModel
    notes: tuple[str, ...] = ()

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"topic_terms": self.topic_terms, "passage_topics": self.passage_topics,
                "topic_summary": self.topic_summary, "topic_prevalence": self.topic_prevalence,
                "k_report": self.k_report}


# -- input ---------------------------------------------------------------------------------


def informant_docs(passages: pd.DataFrame, tokens: pd.DataFrame) -> tuple[list[str],
                                                                          list[list[str]]]:
    """(passage ids, terms of each) for informant passages, in passage order."""
    ids = passages.loc[passages["role"] == "informant", "passage_id"].tolist()
    keep = tokens[(tokens["term"] != "") & tokens["passage_id"].isin(ids)]
    keep = keep.sort_values(["passage_id", "i"], kind="stable")
    # perf: cut one array of terms at the passage boundaries (a groupby of lists took 2 s
    # on 20,000 passages)
    pids = keep["passage_id"].to_numpy(dtype=object)
    terms = keep["term"].tolist()
    starts: list[int] = (np.flatnonzero(np.r_[True, pids[1:] != pids[:-1]]).tolist()
                         if len(pids) else [])
    ends = [*starts[1:], len(pids)] if starts else []
    grouped = {pids[a]: terms[a:b] for a, b in zip(starts, ends, strict=True)}
    return ids, [grouped.get(pid, []) for pid in ids]


def surface_forms(tokens: pd.DataFrame) -> dict[str, list[str]]:
    """Each term's spoken forms, most frequent first, clitics folded into their word."""
    rows = tokens[tokens["term"] != ""]
    # perf: count (term, surface) pairs with numpy, then fold per distinct pair in Python
    term_codes, term_values = pd.factorize(rows["term"])
    surface_codes, surface_values = pd.factorize(rows["surface"])
    lowered = [str(s).lower() for s in surface_values]
    form_of_surface, form_values = pd.factorize(
        pd.Series([s.split("-")[0] or s for s in lowered], dtype=object))
    n_forms = max(len(form_values), 1)
    pairs, sizes = np.unique(term_codes.astype(np.int64) * n_forms
                             + form_of_surface[surface_codes], return_counts=True)
    counts: dict[str, Counter[str]] = {}
    for pair, size in zip(pairs.tolist(), sizes.tolist(), strict=True):
        term = str(term_values[pair // n_forms])
        counts.setdefault(term, Counter())[str(form_values[pair % n_forms])] += size
    out = {}
    for term, forms in counts.items():
        folded: Counter[str] = Counter()
        for form, n in forms.items():
            base = next((form[: -len(c)] for c in ENDING_CLITICS
                         if form.endswith(c) and form[: -len(c)] in forms), form)
            folded[base] += n
        out[term] = [f for f, _ in sorted(folded.items(), key=lambda x: (-x[1], x[0]))]
    return out


def display(term: str, forms: Mapping[str, list[str]], parts: Mapping[str, tuple[str, str]],
            n: int = 2) -> str:
    """A term as informants said it: ``pimpin`` -> ``pimpinan/kepemimpinan``."""
    if term in parts:
        a, b = parts[term]
        return f"{display(a, forms, parts, 1)} {display(b, forms, parts, 1)}"
    if PAIR_JOIN in term:
        return term.replace(PAIR_JOIN, " ")  # a lexicon phrase: its standard wording
    return "/".join(forms.get(term, [term])[:n]) or term


def theme_seeds(codebook: Codebook, stem: Callable[[str], str]) -> dict[str, tuple[str, ...]]:
    """Seed terms of each codebook theme, as :func:`fit_topics` takes them: its keywords, and
    its phrases as joined stems (``apel pagi`` -> ``apel_pagi``, how tokens spell them)."""
    seeds = {}
    for theme in codebook.themes:
        cues = [*theme.keywords,
                *(PAIR_JOIN.join(stem(w) for w in p.split()) for p in theme.phrases)]
        seeds[theme.id] = tuple(dict.fromkeys(c for c in cues if c))
    return seeds


def _check_size(docs: Sequence[Sequence[str]], vocabulary: int | None = None) -> None:
    full = sum(len(d) >= MIN_TERMS for d in docs)
    words = sum(len(d) for d in docs)
    need = (f"Topic models need at least {MIN_PASSAGES} informant answers of {MIN_TERMS} or "
            f"more content words (about two interviews of ten answers) and "
            f"{MIN_VOCABULARY} words that occur in two answers or more.")
    if full < MIN_PASSAGES or (vocabulary is not None and vocabulary < MIN_VOCABULARY):
        found = f"{full} informant passage(s) with {MIN_TERMS}+ content words, {words} in all"
        if vocabulary is not None:
            found += f", {vocabulary} word(s) repeated across passages"
        raise TooLittleTextError(
            f"too little text for a topic model: {found}. {need}",
            fix="Add transcripts, or run without topics (--topics 0).")


# -- the stage -----------------------------------------------------------------------------


def fit_topics(
    passages: pd.DataFrame,
    tokens: pd.DataFrame,
    *,
    k: int | str = "auto",
    model: str = DEFAULT_MODEL,
    seed: int = 42,
    seed_terms: Mapping[str, Sequence[str]] | None = None,
    transcripts: pd.DataFrame | None = None,
) -> TopicsResult:
    """Fit topics on the informant passages; see the module and :class:`TopicsResult`.

    ``seed_terms`` (theme id -> terms, e.g. from :func:`theme_seeds`) seeds one topic per
    theme that has at least two of its terms in the text, most present first; the other
    topics are free. ``transcripts`` gives the informants' roles for ``topic_prevalence``.
    """
    if k != "auto" and (isinstance(k, bool) or not isinstance(k, int) or k < 2):
        raise ValueError(f"k must be 'auto' or an int of at least 2, got {k!r}")
    ids, docs = informant_docs(passages, tokens)
    _check_size(docs)
    notes: list[str] = []
    themes, seed_lists = _present_seeds(seed_terms or {}, docs)
    keep = [t for s in seed_lists for t in s]
    vocabulary = Vocabulary(keep=keep)
    merged = vocabulary.fit_merge(docs)
    _check_size(docs, len(vocabulary.terms_))
    counts = vocabulary.count(merged)
    if isinstance(k, int):
        max_k = max(2, len(docs) // 3)
        if k > max_k:
            raise TooLittleTextError(
                f"--topics {k} asks for more topics than {len(docs)} passages can support",
                fix=f"Choose --topics {max_k} or fewer, or --topics auto.")
        row = score_k(counts, merged, vocabulary.terms_, k, seed)
        row.update(score=k_score(row["c_npmi"], row["stability"]), chosen=True,
                   reason=f"fixed by --topics {k}")
        report = k_report_table([row])
    else:
        ks = candidate_ks(len(docs), len(themes))
        sample = selection_sample(len(docs), seed)
        sub, sub_docs = counts[sample], [merged[i] for i in sample]
        rows = score_ks(sub, sub_docs, vocabulary.terms_, ks, seed)
        k, report = choose_k(rows, f"{len(sample)} of {len(docs)} passages")
        if k == ks[-1] < K_RANGE[1]:
            notes.append(f"auto K chose K={k}, the most topics {len(docs)} passages support "
                         f"(one per {PASSAGES_PER_TOPIC}): the text may hold more; more "
                         "interviews would tell")
    if len(themes) >= k:
        notes.append(f"{len(themes) - k + 1} codebook theme(s) not seeded (K={k}): "
                     + ", ".join(themes[k - 1:]))
        themes, seed_lists = themes[: k - 1], seed_lists[: k - 1]
    eta = seed_prior(vocabulary.terms_, seed_lists, k) if themes else None
    estimator = make_model(model, k, random_state=seed, eta=eta, n_seeded=len(themes))
    estimator.fit(counts)
    fitted = TopicModel(model, vocabulary, estimator, seed_themes=themes)
    log.info("topics: %s with K=%d on %d passages, %d terms", model, k, len(docs),
             len(vocabulary.terms_))
    return _tables(fitted, ids, docs, merged, counts, passages, tokens, transcripts, report,
                   tuple(notes))


def _present_seeds(seed_terms: Mapping[str, Sequence[str]],
                   docs: Sequence[Sequence[str]]) -> tuple[list[str], list[list[str]]]:
    """Themes with two or more seed terms in the text, in enough passages (5, or 1 in 20),
    most present first."""
    df: Counter[str] = Counter(t for d in docs for t in set(d))
    need = max(5, len(docs) // 20)
    found = []
    for theme, terms in seed_terms.items():
        present = [t for t in terms if df[t] >= 2]
        n_passages = sum(any(t in present for t in d) for d in docs)
        if len(present) >= 2 and n_passages >= need:
            found.append((-n_passages, theme, present))
    found.sort()
    return [t for _, t, _ in found], [p for _, _, p in found]


def apply_model(model: TopicModel, passages: pd.DataFrame,
                tokens: pd.DataFrame) -> pd.DataFrame:
    """``passage_topics`` of a fitted (or loaded) model for new passages and tokens."""
    from scipy import sparse

    ids, docs = informant_docs(passages, tokens)
    counts = sparse.csr_matrix(model.vocabulary.transform(docs))
    return _passage_topics(ids, counts, model.estimator.transform(counts))


def _passage_topics(ids: Sequence[str], counts: Any, theta: Matrix) -> pd.DataFrame:
    """One row per modelled passage (one with a term of the model) and topic."""
    modelled = np.flatnonzero(np.diff(counts.indptr) > 0).tolist()
    k = theta.shape[1]
    return pd.DataFrame({
        "passage_id": np.repeat([ids[i] for i in modelled], k).astype(object),
        "topic": np.tile(np.arange(1, k + 1, dtype=np.int64), len(modelled)),
        "probability": theta[modelled].round(6).reshape(-1),
    }, columns=PASSAGE_TOPICS_COLUMNS)


def _tables(model: TopicModel, ids: list[str], docs: list[list[str]], merged: list[list[str]],
            counts: object, passages: pd.DataFrame, tokens: pd.DataFrame,
            transcripts: pd.DataFrame | None, report: pd.DataFrame,
            notes: tuple[str, ...]) -> TopicsResult:
    from scipy import sparse

    x = sparse.csr_matrix(counts)
    k, terms, comps = model.n_topics, model.terms, model.components
    forms = surface_forms(tokens[tokens["passage_id"].isin(ids)])
    parts = model.vocabulary.parts()
    shown = top_terms(comps, terms, N_TERMS_SHOWN)
    index = model.vocabulary.index_
    topic_terms = pd.DataFrame(
        [(t + 1, r + 1, term, display(term, forms, parts, 3), round(float(comps[t, index[term]]),
                                                                     6))
         for t, tops in enumerate(shown) for r, term in enumerate(tops)],
        columns=TOPIC_TERMS_COLUMNS)
    passage_topics = _passage_topics(ids, x, model.estimator.transform(x))
    npmi, umass = coherence([s[:N_TOP] for s in shown], merged)
    wide = passage_topics.pivot(index="passage_id", columns="topic", values="probability")
    dominant = wide.idxmax(axis=1) if len(wide) else pd.Series(dtype="int64")
    n_terms = pd.Series([len(d) for d in docs], index=ids)
    seeds = [*model.seed_themes, *[""] * k]
    summary = []
    for t in range(1, k + 1):
        probs = wide[t] if t in wide else pd.Series(dtype="float64")
        ranked = pd.DataFrame({"p": probs.round(2), "n": n_terms.reindex(probs.index),
                               "id": probs.index}).sort_values(["p", "n", "id"],
                                                               ascending=[False, False, True])
        label = ", ".join(display(term, forms, parts, 1) for term in shown[t - 1][:3])
        n_lead = int((dominant == t).sum())
        summary.append((t, label, seeds[t - 1], round(n_lead / max(len(wide), 1), 6),
                        round(float(probs.mean()) if len(probs) else 0.0, 6), n_lead,
                        round(npmi[t - 1], 6), round(umass[t - 1], 6),
                        " ".join(ranked["id"].head(N_REPRESENTATIVE))))
    return TopicsResult(
        topic_terms=topic_terms, passage_topics=passage_topics,
        topic_summary=pd.DataFrame(summary, columns=SUMMARY_COLUMNS),
        topic_prevalence=prevalence(passage_topics, passages, transcripts),
        k_report=report, model=model, notes=notes)


# -- who says what -------------------------------------------------------------------------


def passage_groups(passages: pd.DataFrame, transcripts: pd.DataFrame | None,
                   by: str) -> pd.Series:
    """The group of each passage (indexed by passage_id) under ``by``: ``informant`` (the
    speaker's display name; qualified by transcript when one name is used in several),
    ``transcript``,
    ``role`` (the informant's position from the transcript header), or any transcript
    column or header field (``unit``, ``date``, ``masa kerja``...)."""
    p = passages.set_index("passage_id")
    if by == "transcript":
        return p["transcript_id"].astype(str)
    if by == "informant":
        who = display_of(p)
        shared = p["transcript_id"].groupby(who).nunique()
        many = who.map(shared) > 1
        return who.where(~many, who + " (" + p["transcript_id"].astype(str) + ")")
    if transcripts is None:
        raise UsageError(f"cannot group passages by {by!r} without the transcripts table",
                         fix="Pass transcripts=, or group by informant or transcript.")
    if by == "role" and "role" in transcripts:
        # each informant's own position when the header (or the sessions) name several
        roles = positions(transcripts, p["transcript_id"], display_of(p))
        return pd.Series(roles, index=p.index, dtype=object).replace("", "(unknown)")
    meta = _transcript_fields(transcripts)
    if by not in meta.columns:
        fields = ", ".join(dict.fromkeys(["informant", "role", "transcript",
                                          *sorted(meta.columns)]))
        raise UsageError(f"no field {by!r} to group passages by",
                         fix=f"Use one of: {fields}.")
    values = p["transcript_id"].map(meta[by]).fillna("")
    return values.astype(str).replace("", "(unknown)")


def _transcript_fields(transcripts: pd.DataFrame) -> pd.DataFrame:
    import json

    t = transcripts.set_index("transcript_id")
    fields: dict[str, dict[str, str]] = {
        c: {str(i): str(v) for i, v in t[c].items()} for c in ("role", "unit", "date", "place")
        if c in t}
    if "metadata" in t:
        for tid, raw in t["metadata"].items():
            for key, value in json.loads(str(raw or "{}")).items():
                column = fields.setdefault(str(key).lower(), {})
                if not column.get(str(tid)):
                    column[str(tid)] = str(value)
    return pd.DataFrame(fields, index=[str(i) for i in t.index]).fillna("")


def prevalence(passage_topics: pd.DataFrame, passages: pd.DataFrame,
               transcripts: pd.DataFrame | None = None,
               by: Sequence[str] = PREVALENCE_BY) -> pd.DataFrame:
    """The ``topic_prevalence`` table (columns in :class:`TopicsResult`) for each ``by``."""
    frames = []
    wide = passage_topics.pivot(index="passage_id", columns="topic", values="probability")
    if len(wide):
        lead = wide.idxmax(axis=1)
        topics = np.asarray(wide.columns, dtype=np.int64)
        for field in by:
            if field == "role" and transcripts is None:
                continue
            group = passage_groups(passages, transcripts, field).reindex(wide.index)
            known = group.notna().to_numpy()
            group = group[known].astype(str)
            # perf: whole-table group sums instead of a loop over groups (2,000 informants
            # and transcripts took 2.5 s)
            size = group.value_counts().sort_index()
            mean = wide[known].groupby(group, sort=True).mean().reindex(size.index)
            led = pd.crosstab(group, lead[known]).reindex(index=size.index, columns=topics,
                                                          fill_value=0)
            k, n = len(topics), len(size)
            sizes = np.repeat(size.to_numpy(dtype=np.int64), k)
            n_dom = led.to_numpy(dtype=np.int64).reshape(-1)
            frames.append(pd.DataFrame({
                "by": field, "group": np.repeat(size.index.to_numpy(dtype=object), k),
                "topic": np.tile(topics, n), "n_passages": sizes, "n_dominant": n_dom,
                "share": [round(d / s, 6) for d, s in zip(n_dom.tolist(), sizes.tolist(),
                                                          strict=True)],
                "mean_probability": [round(v, 6) for v in mean.to_numpy().reshape(-1).tolist()],
            }))
    if not frames:
        return pd.DataFrame(columns=PREVALENCE_COLUMNS)
    return pd.concat(frames, ignore_index=True)[PREVALENCE_COLUMNS]
