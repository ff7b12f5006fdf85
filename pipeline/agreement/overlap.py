"""Overlap: coded character spans into decisions per passage, and agreement per character.

A researcher codes spans of characters (a QDA tool's selections); tematik compares at the
level of passages. :func:`passage_presence` decides, for each coder, which themes are
present in which passages by how much a coded span overlaps a passage.
:func:`character_agreement` instead compares two coders character by character, as
NVivo's coding comparison does. Rules and caveats: ``docs/agreement.md``.

Spans are a DataFrame with columns ``coder``, ``transcript_id``, ``theme``, ``start``,
``end`` (character offsets into the transcript text, end exclusive). Empty spans
(``start == end``) are ignored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from pipeline.agreement.landmarks import Lang, alpha_landmark, kappa_landmark
from pipeline.agreement.statistics import ALL, COUNTS, pair_note, pair_statistics
from pipeline.errors import TematikError, UsageError

IntArray = npt.NDArray[np.int64]

SPAN_COLUMNS = ["coder", "transcript_id", "theme", "start", "end"]
PRESENCE_COLUMNS = [
    "coder", "passage_id", "theme", "overlap", "passage_share", "segment_share", "present",
]
CHARACTER_COLUMNS = [
    "theme", "transcript_id", "n_chars", *COUNTS,
    "agreement", "kappa", "kappa_landmark", "alpha", "alpha_landmark", "note",
]
RELATIVE_TO = ("either", "passage", "segment")


def _frame(data: pd.DataFrame, columns: Sequence[str], what: str) -> pd.DataFrame:
    """The needed columns of ``data`` (a copy), offsets checked; empty spans dropped."""
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise UsageError(
            f"{what} lack the column(s) {', '.join(missing)}; the columns present are: "
            f"{', '.join(map(str, data.columns))}"
        )
    out = data[list(columns)].copy()
    for column in ("start", "end"):
        if len(out) == 0:
            out[column] = out[column].astype(np.int64)
        elif not pd.api.types.is_integer_dtype(out[column]):
            raise TematikError(f"{what}: {column!r} must hold whole character offsets, "
                               f"found {out[column].dtype}")
    bad = out[(out["start"] < 0) | (out["end"] < out["start"])]
    if len(bad):
        row = bad.iloc[0]
        raise TematikError(
            f"{what}: row {bad.index[0]} has start {row['start']} and end {row['end']}",
            fix="Offsets must satisfy 0 <= start <= end.",
        )
    return out[out["end"] > out["start"]]


def _overlaps(
    p_start: IntArray, p_end: IntArray, s_start: IntArray, s_end: IntArray
) -> tuple[IntArray, IntArray, IntArray]:
    """(passage index, span index, characters shared) for every overlapping pair.

    Passages are sorted by start; the running maximum of their ends lets a binary search
    find, for each span, the passages that may reach into it, without comparing all pairs.
    """
    order = np.argsort(p_start, kind="stable")
    starts, ends = p_start[order], p_end[order]
    reach = np.maximum.accumulate(ends) if len(ends) else ends
    lo = np.searchsorted(reach, s_start, side="right")
    hi = np.searchsorted(starts, s_end, side="left")
    n = np.clip(hi - lo, 0, None)
    span = np.repeat(np.arange(len(s_start)), n)
    offset = np.arange(int(n.sum())) - np.repeat(np.cumsum(n) - n, n)
    sorted_passage = np.repeat(lo, n) + offset
    shared = np.minimum(ends[sorted_passage], s_end[span]) - np.maximum(
        starts[sorted_passage], s_start[span])
    keep = shared > 0
    return order[sorted_passage[keep]], span[keep], shared[keep]


def _union(spans: pd.DataFrame) -> pd.DataFrame:
    """Each coder's spans of a theme in a transcript merged into disjoint intervals."""
    keys = ["coder", "transcript_id", "theme"]
    spans = spans.sort_values([*keys, "start"], kind="stable")
    reach = spans.groupby(keys, sort=False)["end"].cummax()
    previous = reach.groupby([spans[k] for k in keys], sort=False).shift()
    block = (previous.isna() | (spans["start"] > previous)).cumsum()
    merged = spans.groupby(block, sort=False).agg(
        coder=("coder", "first"), transcript_id=("transcript_id", "first"),
        theme=("theme", "first"), start=("start", "min"), end=("end", "max"))
    return merged.reset_index(drop=True)


def _shared(passages: pd.DataFrame, spans: pd.DataFrame) -> pd.DataFrame:
    """Columns passage (row of ``passages``), span (row of ``spans``), shared characters."""
    parts = []
    p_start, p_end = passages["start"].to_numpy(np.int64), passages["end"].to_numpy(np.int64)
    s_start, s_end = spans["start"].to_numpy(np.int64), spans["end"].to_numpy(np.int64)
    span_groups = spans.groupby("transcript_id", sort=False).indices
    for transcript, p_rows in passages.groupby("transcript_id", sort=False).indices.items():
        s_rows = span_groups.get(transcript)
        if s_rows is None:
            continue
        p, s, shared = _overlaps(p_start[p_rows], p_end[p_rows], s_start[s_rows], s_end[s_rows])
        parts.append(pd.DataFrame({"passage": p_rows[p], "span": s_rows[s], "shared": shared}))
    if not parts:
        return pd.DataFrame({"passage": [], "span": [], "shared": []}, dtype=np.int64)
    return pd.concat(parts, ignore_index=True)


def passage_presence(
    passages: pd.DataFrame,
    segments: pd.DataFrame,
    *,
    min_overlap: float = 0.5,
    relative_to: Literal["either", "passage", "segment"] = "either",
) -> pd.DataFrame:
    """Which themes each coder's coded segments make present in which passages.

    ``passages`` needs ``passage_id``, ``transcript_id``, ``start``, ``end``; ``segments``
    the span columns. For a coder, theme and passage that share at least one character:

    - ``passage_share``: characters of the passage covered by the union of the coder's
      segments of that theme, divided by the passage's length;
    - ``segment_share``: the largest share of one such segment that lies in the passage.

    The theme is present when ``passage_share >= min_overlap`` (``relative_to="passage"``),
    when ``segment_share >= min_overlap`` (``"segment"``), or when either holds
    (``"either"``, the default): a short quote wholly inside a long passage counts, and so
    does a long coded stretch that covers most of a short passage.

    Returns one row per overlapping (coder, passage, theme), sorted by coder, passage (in
    the order given) and theme, with columns ``coder``,
    ``passage_id``, ``theme``, ``overlap`` (characters covered), ``passage_share``,
    ``segment_share`` and ``present`` (the rule's verdict). Pass the rows with ``present``
    to :func:`pipeline.agreement.statistics.decision_table` via :func:`presence_pairs`.
    """
    if not 0 < min_overlap <= 1:
        raise UsageError(f"min_overlap must be above 0 and at most 1, got {min_overlap}")
    if relative_to not in RELATIVE_TO:
        raise UsageError(
            f"relative_to must be one of {', '.join(RELATIVE_TO)}, got {relative_to!r}")
    units = _frame(passages, ["passage_id", "transcript_id", "start", "end"], "passages")
    units = units.reset_index(drop=True)
    twice = units["passage_id"][units["passage_id"].duplicated()]
    if len(twice):
        raise UsageError(f"passage id {twice.iloc[0]!r} appears twice in the passages",
                         fix="Give each passage a unique passage_id.")
    spans = _frame(segments, SPAN_COLUMNS, "segments").reset_index(drop=True)
    keys = ["coder", "passage_id", "theme"]
    merged = _union(spans)
    covered = _shared(units, merged)
    covered = pd.DataFrame({
        "coder": merged["coder"].to_numpy()[covered["span"]],
        "passage_id": units["passage_id"].to_numpy()[covered["passage"]],
        "theme": merged["theme"].to_numpy()[covered["span"]],
        "overlap": covered["shared"].to_numpy(np.int64),
        "length": (units["end"] - units["start"]).to_numpy()[covered["passage"]],
    }).groupby(keys, sort=False).agg(overlap=("overlap", "sum"), length=("length", "first"))
    pieces = _shared(units, spans)
    lengths = (spans["end"] - spans["start"]).to_numpy()[pieces["span"]]
    biggest = pd.DataFrame({
        "coder": spans["coder"].to_numpy()[pieces["span"]],
        "passage_id": units["passage_id"].to_numpy()[pieces["passage"]],
        "theme": spans["theme"].to_numpy()[pieces["span"]],
        "segment_share": pieces["shared"].to_numpy() / np.maximum(lengths, 1),
    }).groupby(keys, sort=False)["segment_share"].max()
    out = covered.join(biggest).reset_index()
    out["passage_share"] = out["overlap"] / out["length"]
    by_passage = out["passage_share"] >= min_overlap
    by_segment = out["segment_share"] >= min_overlap
    out["present"] = {"passage": by_passage, "segment": by_segment,
                      "either": by_passage | by_segment}[relative_to]
    out["overlap"] = out["overlap"].astype(np.int64)
    position = pd.Series(np.arange(len(units)), index=units["passage_id"].to_numpy())
    out["_position"] = out["passage_id"].map(position)
    out = out.sort_values(["coder", "_position", "theme"], kind="stable")
    return out[PRESENCE_COLUMNS].reset_index(drop=True)


def presence_pairs(presence: pd.DataFrame) -> dict[str, set[tuple[str, str]]]:
    """Coder -> (passage_id, theme) pairs marked present, from :func:`passage_presence`."""
    present = presence[presence["present"]]
    out: dict[str, set[tuple[str, str]]] = {}
    for coder, unit, theme in zip(present["coder"], present["passage_id"], present["theme"],
                                  strict=True):
        out.setdefault(str(coder), set()).add((str(unit), str(theme)))
    return out


def _coverage(spans: pd.DataFrame, themes: Sequence[str], length: int) -> npt.NDArray[np.bool_]:
    """Boolean (themes x characters): which characters the spans cover, per theme."""
    position = {t: i for i, t in enumerate(themes)}
    rows = spans["theme"].map(position).to_numpy(np.int64)
    diff = np.zeros((len(themes), length + 1), dtype=np.int32)
    np.add.at(diff, (rows, spans["start"].to_numpy()), 1)
    np.add.at(diff, (rows, spans["end"].to_numpy()), -1)
    return np.cumsum(diff, axis=1)[:, :length] > 0


def character_agreement(
    spans: pd.DataFrame,
    lengths: Mapping[str, int],
    coder_a: str,
    coder_b: str,
    *,
    themes: Sequence[str] | None = None,
    lang: Lang = "en",
) -> pd.DataFrame:
    """Agreement of two coders character by character, per theme and transcript.

    Every character of every transcript in ``lengths`` (transcript id -> number of
    characters) is a unit, as in NVivo's coding comparison: characters neither coder coded
    count as agreement ("neither"), so percent agreement is high whenever a theme is rare;
    kappa corrects for that. Characters are not independent, so there are no intervals.
    ``themes`` defaults to every theme either coder used, sorted.

    One row per theme and transcript, then per theme over all transcripts pooled
    (``transcript_id`` "*"), then every theme and transcript pooled (``theme`` "*").
    Columns: ``theme``, ``transcript_id``, ``n_chars``, ``both``, ``only_a``, ``only_b``,
    ``neither`` (characters), ``agreement``, ``kappa``, ``kappa_landmark``, ``alpha``,
    ``alpha_landmark``, ``note``.
    """
    data = _frame(spans, SPAN_COLUMNS, "spans")
    data = data[data["coder"].isin([coder_a, coder_b])]
    unknown = sorted(set(data["transcript_id"]) - set(lengths))
    if unknown:
        raise TematikError(
            "spans refer to transcript(s) with no known length: "
            + ", ".join(map(str, unknown[:5])),
            fix="Give the length of every coded transcript.")
    limit = np.array([lengths[t] for t in data["transcript_id"]], dtype=np.int64)
    too_long = data[data["end"].to_numpy(np.int64) > limit]
    if len(too_long):
        row = too_long.iloc[0]
        raise TematikError(
            f"span of coder {row['coder']!r} ends at {row['end']}, past the end of transcript "
            f"{row['transcript_id']!r} ({lengths[row['transcript_id']]} characters)",
            fix="Check that the offsets count characters of the same text.")
    theme_ids = list(themes) if themes is not None else sorted(set(data["theme"]))
    data = data[data["theme"].isin(theme_ids)]
    sources = list(lengths)
    counts = np.zeros((len(theme_ids), len(sources), 4))
    by_source = data.groupby("transcript_id", sort=False)
    groups = by_source.indices
    for s, source in enumerate(sources):
        rows = data.iloc[groups.get(source, [])]
        a = _coverage(rows[rows["coder"] == coder_a], theme_ids, lengths[source])
        b = _coverage(rows[rows["coder"] == coder_b], theme_ids, lengths[source])
        counts[:, s] = np.stack(
            [(a & b).sum(1), (a & ~b).sum(1), (~a & b).sum(1), (~a & ~b).sum(1)], axis=-1)
    records = [(t, sources[s], counts[i, s]) for i, t in enumerate(theme_ids)
               for s in range(len(sources))]
    records += [(t, ALL, counts[i].sum(axis=0)) for i, t in enumerate(theme_ids)]
    records.append((ALL, ALL, counts.sum(axis=(0, 1))))
    table = np.array([r[2] for r in records]).reshape(-1, 4)
    stats = pair_statistics(table)
    frame = pd.DataFrame({
        "theme": [r[0] for r in records],
        "transcript_id": [r[1] for r in records],
        "n_chars": table.sum(axis=1).astype(np.int64),
        **{c: table[:, i].astype(np.int64) for i, c in enumerate(COUNTS)},
        "agreement": stats["agreement"],
        "kappa": stats["kappa"],
        "alpha": stats["alpha"],
    })
    frame.loc[frame["theme"] == ALL, "n_chars"] = sum(lengths.values())
    frame["kappa_landmark"] = [kappa_landmark(v, lang) for v in frame["kappa"]]
    frame["alpha_landmark"] = [alpha_landmark(v, lang) for v in frame["alpha"]]
    frame["note"] = [pair_note(row, (coder_a, coder_b), lang, precision_recall=False)
                     for row in table]
    return frame[CHARACTER_COLUMNS]
