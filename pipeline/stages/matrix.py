"""The theme displays a researcher reads: the theme x informant matrix (Miles & Huberman's
"penyajian data"), co-occurrence of themes, and the best quote for each cell.

Pure functions over the ``codings``, ``passages`` and ``evidence`` tables of
:mod:`pipeline.stages.themes`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

import pandas as pd

from pipeline.config import MAX_QUOTE_WORDS
from pipeline.stages.quotes import answer_evidence, quote_bounds
from pipeline.stages.segment import display_of
from pipeline.types import Codebook


def best_quote(text: str, offset: int, spans: Sequence[tuple[int, int]], *,
               max_words: int = MAX_QUOTE_WORDS) -> str:
    """The quote for the evidence ``spans`` in ``text`` (which starts at transcript offset
    ``offset``), as plain text: the sentence holding the most evidence with the sentences
    beside it until it has :data:`~pipeline.config.MIN_QUOTE_WORDS` words where the
    passage has them (:func:`pipeline.stages.quotes.quote_bounds`), cut to about
    ``max_words`` words around the evidence."""
    bounds = quote_bounds(text, offset, spans)
    if bounds is None:
        return ""
    start, end = bounds
    local = [s - offset for s, _ in spans]
    words = text[start:end].split()
    if len(words) > max_words:
        first = next((s for s in local if start <= s < end), start)
        before = len(text[start:first].split())
        lo = max(0, min(before - max_words // 3, len(words) - max_words))
        cut = words[lo:lo + max_words]
        return ("… " if lo else "") + " ".join(cut) + (" …" if lo + max_words < len(words)
                                                       else "")
    return " ".join(words)


def theme_rollup(codings: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """``codings`` with each coded sub-theme also counted for its parents: columns
    passage_id, theme, score, direct (coded for this theme itself). One row per passage and
    theme; a parent coded directly and through a child keeps the higher score."""
    parents = {t.id: t.parent for t in codebook.themes}
    rows: dict[tuple[str, str], tuple[float, bool]] = {}
    for pid, theme, score in zip(codings["passage_id"], codings["theme"], codings["score"],
                                 strict=True):
        current: str | None = str(theme)
        direct = True
        while current is not None:
            old = rows.get((pid, current))
            value = max(float(score), old[0]) if old else float(score)
            rows[pid, current] = (value, direct or (old[1] if old else False))
            current = parents.get(current)
            direct = False
    return pd.DataFrame([(p, t, s, d) for (p, t), (s, d) in rows.items()],
                        columns=["passage_id", "theme", "score", "direct"])


MATRIX_COLUMNS = ["theme", "transcript_id", "display", "passages", "informant_passages",
                  "share", "best_passage_id", "best_quote"]


def theme_matrix(codings: pd.DataFrame, passages: pd.DataFrame, evidence: pd.DataFrame,
                 codebook: Codebook) -> pd.DataFrame:
    """The theme x informant matrix (Miles & Huberman's display), long form.

    Columns: theme, transcript_id, display (the informant: every label of one person counts
    together), passages (the informant's passages coded with the theme or one of its
    sub-themes), informant_passages (all their passages), share, and
    best_passage_id / best_quote (the highest-scoring coded passage and its sentence with
    the most evidence). One row per theme of the codebook (plus themes only the supervised
    coder knows) and informant, zero rows included, in codebook and transcript order.
    """
    informants = passages[passages["role"] == "informant"]
    informants = informants.assign(display=display_of(informants))
    pairs = informants[["transcript_id", "display"]].astype(str)
    totals = [(t, s, int(n)) for (t, s), n in
              Counter(zip(pairs["transcript_id"], pairs["display"], strict=True)).items()]
    rolled = theme_rollup(codings, codebook).merge(
        informants[["passage_id", "transcript_id", "display", "start", "text"]],
        on="passage_id")
    themes = [t.id for t in codebook.themes]
    themes += sorted(set(rolled["theme"]) - set(themes))
    spans = _spans_by_passage(evidence)
    by_passage: dict[str, list[tuple[str, tuple[int, int]]]] = defaultdict(list)
    for (pid_, theme_), found in spans.items():
        by_passage[pid_].extend((theme_, span) for span in found)
    rows = []
    for theme in themes:
        sub = rolled[rolled["theme"] == theme]
        best = (sub.sort_values(["score", "passage_id"], ascending=[False, True], kind="stable")
                .drop_duplicates(["transcript_id", "display"]))
        by_who = {(str(t), str(s)): (str(p), str(x), int(o)) for t, s, p, x, o in zip(
            best["transcript_id"], best["display"], best["passage_id"], best["text"],
            best["start"], strict=True)}
        counts = Counter(zip(sub["transcript_id"].astype(str), sub["display"].astype(str),
                             strict=True))
        for tid, speaker, total in totals:
            n = counts.get((tid, speaker), 0)
            hit = by_who.get((tid, speaker))
            quote = ""
            pid = ""
            if hit is not None:
                pid, text, offset = hit
                quote = best_quote(text, offset, spans.get((pid, theme), []) or [
                    span for t, span in by_passage[pid] if t.startswith(theme + ".")])
            rows.append((theme, tid, speaker, n, int(total), round(n / total, 4) if total else
                         0.0, pid, quote))
    return pd.DataFrame(rows, columns=MATRIX_COLUMNS)


def _spans_by_passage(evidence: pd.DataFrame) -> dict[tuple[str, str], list[tuple[int, int]]]:
    out: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    pos = answer_evidence(evidence)  # the answer's words
    for pid, theme, s, e in zip(pos["passage_id"], pos["theme"], pos["start"], pos["end"],
                                strict=True):
        out[str(pid), str(theme)].append((int(s), int(e)))
    return out


def cooccurrence(codings: pd.DataFrame, passages: pd.DataFrame) -> pd.DataFrame:
    """Which themes appear together. Columns: theme_a, theme_b (theme_a < theme_b),
    passages (coded with both), informants (informants with a passage of each), jaccard
    (passages with both / passages with either). Pairs that never co-occur are left out."""
    if not len(codings):
        return pd.DataFrame(columns=["theme_a", "theme_b", "passages", "informants", "jaccard"])
    who = dict(zip(passages["passage_id"].astype(str),  # a dict, not .loc per passage
                   zip(passages["transcript_id"], display_of(passages), strict=True),
                   strict=True))
    by_theme: dict[str, set[str]] = {}
    for pid, theme in zip(codings["passage_id"], codings["theme"], strict=True):
        by_theme.setdefault(str(theme), set()).add(str(pid))
    informants_of = {t: {who[p] for p in ps} for t, ps in by_theme.items()}
    rows = []
    themes = sorted(by_theme)
    for i, a in enumerate(themes):
        for b in themes[i + 1:]:
            both = by_theme[a] & by_theme[b]
            people = informants_of[a] & informants_of[b]
            if not both and not people:
                continue
            either = by_theme[a] | by_theme[b]
            rows.append((a, b, len(both), len(people), round(len(both) / len(either), 4)))
    return pd.DataFrame(rows, columns=["theme_a", "theme_b", "passages", "informants",
                                       "jaccard"])
