"""What ``tematik topics RUN`` shows, rendered from a run's stored topic tables.

Every function takes the tables :func:`pipeline.runs.run.read_topics` returns (``topic_terms``,
``passage_topics``, ``topic_summary``, ``topic_prevalence``, ``k_report``, ``passages``,
``transcripts``) and returns text, or a DataFrame for ``--format csv|json``. Nothing here
reads files or prints.
"""

from __future__ import annotations

import json

import pandas as pd

from pipeline.errors import UsageError
from pipeline.stages.topics import PREVALENCE_BY, passage_groups, prevalence

Tables = dict[str, pd.DataFrame]
PREVIEW_WORDS = 30
FORMATS = ("text", "json", "csv")


def preview(text: str, n_words: int = PREVIEW_WORDS) -> str:
    """The first ``n_words`` words of ``text`` on one line, with an ellipsis if cut."""
    words = text.split()
    return " ".join(words[:n_words]) + (" ..." if len(words) > n_words else "")


def _check_topic(tables: Tables, topic: int) -> None:
    k = len(tables["topic_summary"])
    if not 1 <= topic <= k:
        raise UsageError(f"no topic {topic}: this run has topics 1 to {k}",
                         fix=f"Use --topic with a number from 1 to {k}.")


def top_passages(tables: Tables, topic: int, n: int) -> pd.DataFrame:
    """The ``n`` passages most about ``topic``: passage_id, informant, probability, text.

    The first are the run's representative passages; more follow by probability."""
    _check_topic(tables, topic)
    summary = tables["topic_summary"].set_index("topic")
    chosen = str(summary.loc[topic, "representative"]).split()
    pt = tables["passage_topics"]
    probs = pt[pt["topic"] == topic].set_index("passage_id")["probability"]
    rest = probs.drop(index=[c for c in chosen if c in probs.index]).reset_index()
    rest = rest.sort_values(["probability", "passage_id"], ascending=[False, True])
    ids = [*chosen, *rest["passage_id"]][:n]
    passages = tables["passages"].set_index("passage_id")
    groups = passage_groups(tables["passages"], tables["transcripts"], "informant")
    return pd.DataFrame({
        "passage_id": ids,
        "informant": [groups.get(i, "") for i in ids],
        "probability": [float(probs.get(i, 0.0)) for i in ids],
        "text": [preview(str(passages.loc[i, "text"])) if i in passages.index else ""
                 for i in ids],
    })


def overview(tables: Tables, *, topic: int | None = None, n_terms: int = 15,
             n_passages: int = 3) -> list[dict[str, object]]:
    """One record per topic (or only ``topic``): label, prevalence, coherence, terms with
    weights and surface forms, representative passages."""
    summary = tables["topic_summary"]
    terms = tables["topic_terms"]
    if topic is not None:
        _check_topic(tables, topic)
        summary = summary[summary["topic"] == topic]
    out: list[dict[str, object]] = []
    for row in summary.to_dict("records"):
        t = int(row["topic"])
        its = terms[terms["topic"] == t].sort_values("rank").head(n_terms)
        out.append({
            "topic": t, "label": str(row["label"]), "seed_theme": str(row["seed_theme"]),
            "prevalence": float(row["prevalence"]), "n_passages": int(row["n_passages"]),
            "c_npmi": float(row["c_npmi"]), "u_mass": float(row["u_mass"]),
            "terms": [{"term": str(r["term"]), "surface": str(r["surface"]),
                       "weight": float(r["weight"])} for r in its.to_dict("records")],
            "passages": top_passages(tables, t, n_passages).to_dict("records"),
        })
    return out


def overview_text(records: list[dict[str, object]]) -> str:
    lines = []
    for rec in records:
        seeded = f"  [seed: {rec['seed_theme']}]" if rec["seed_theme"] else ""
        lines.append(f"Topic {rec['topic']}: {rec['label']}{seeded}")
        lines.append(f"  prevalence {rec['prevalence']:.1%} ({rec['n_passages']} passages)"
                     f"   coherence c_npmi {rec['c_npmi']:.3f}  u_mass {rec['u_mass']:.3f}")
        terms = rec["terms"]
        assert isinstance(terms, list)
        lines.append("  terms: " + ", ".join(f"{t['surface']} {t['weight']:.3f}"
                                             for t in terms))
        passages = rec["passages"]
        assert isinstance(passages, list)
        for p in passages:
            lines.append(f"  - {p['passage_id']} ({p['informant']}, p={p['probability']:.2f}):"
                         f" {p['text']}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def overview_frame(records: list[dict[str, object]]) -> pd.DataFrame:
    """Flat rows for CSV: one per topic term, topic columns repeated."""
    rows = []
    for rec in records:
        terms = rec["terms"]
        passages = rec["passages"]
        assert isinstance(terms, list) and isinstance(passages, list)
        for rank, t in enumerate(terms, 1):
            rows.append({"topic": rec["topic"], "label": rec["label"],
                         "seed_theme": rec["seed_theme"], "prevalence": rec["prevalence"],
                         "c_npmi": rec["c_npmi"], "u_mass": rec["u_mass"], "rank": rank,
                         "term": t["term"], "surface": t["surface"], "weight": t["weight"],
                         "representative": " ".join(str(p["passage_id"]) for p in passages)})
    return pd.DataFrame(rows)


def prevalence_frame(tables: Tables, by: str) -> pd.DataFrame:
    """Share of each group's passages led by each topic: one row per group, one column per
    topic (``1 label``), plus ``n_passages``."""
    stored = tables["topic_prevalence"]
    long = stored[stored["by"] == by]
    if long.empty or by not in PREVALENCE_BY:
        long = prevalence(tables["passage_topics"], tables["passages"], tables["transcripts"],
                          by=[by])
    labels = tables["topic_summary"].set_index("topic")["label"]
    wide = long.pivot(index="group", columns="topic", values="share")
    wide.columns = [f"{t} {labels[t]}" for t in wide.columns]
    counts = long.groupby("group")["n_passages"].first()
    wide.insert(0, "n_passages", counts)
    wide.index.name = by
    return wide.reset_index()


def prevalence_text(frame: pd.DataFrame) -> str:
    by = frame.columns[0]
    topic_cols = list(frame.columns[2:])
    width = max([len(by), *(len(str(g)) for g in frame[by])]) + 2
    head = f"{by:<{width}}{'n':>5}" + "".join(f"{c.split()[0]:>7}" for c in topic_cols)
    lines = [head]
    for row in frame.itertuples(index=False):
        cells = "".join(f"{v:>7.0%}" for v in row[2:])
        lines.append(f"{row[0]!s:<{width}}{row[1]:>5}{cells}")
    lines.append("")
    lines.append("Share of each group's passages whose most probable topic is the column's.")
    lines.extend(f"  {c}" for c in topic_cols)
    return "\n".join(lines) + "\n"


def k_report_text(report: pd.DataFrame) -> str:
    lines = [f"{'K':>3} {'c_npmi':>8} {'u_mass':>8} {'stability':>9} {'min_pass':>8} "
             f"{'score':>7}  chosen"]
    for r in report.itertuples(index=False):
        lines.append(f"{r.k:>3} {r.c_npmi:>8.3f} {r.u_mass:>8.3f} {r.stability:>9.2f} "
                     f"{r.min_passages:>8} {r.score:>7.3f}  {'<- ' if r.chosen else ''}")
    chosen = report[report["chosen"]]
    if len(chosen):
        lines.append("")
        lines.append(f"K={int(chosen['k'].iloc[0])}: {chosen['reason'].iloc[0]}")
    return "\n".join(lines) + "\n"


def render(frame_or_records: pd.DataFrame | list[dict[str, object]], fmt: str) -> str:
    """``json`` (records) or ``csv`` of a result."""
    if fmt == "json":
        records = (frame_or_records.to_dict("records")
                   if isinstance(frame_or_records, pd.DataFrame) else frame_or_records)
        return json.dumps(records, ensure_ascii=False, indent=2) + "\n"
    if isinstance(frame_or_records, list):
        frame_or_records = overview_frame(frame_or_records)
    return str(frame_or_records.to_csv(index=False, lineterminator="\n"))
