"""The report's topics section: topics with their terms, prevalence by informant,
representative quotes and how K was chosen (see :mod:`pipeline.report.html`)."""

from __future__ import annotations

from collections.abc import Mapping

from pipeline.report.data import (
    RunTables,
    as_int,
    number,
    passage_people,
    percent,
    theme_names,
)
from pipeline.report.figures import Chart
from pipeline.report.markup import Html, chart_figure, esc, shown_note, table, words
from pipeline.report.wording import k_reason


def topics_section(run: RunTables, t: Mapping[str, str], lang: str,
                   charts: Mapping[str, Chart]) -> Html | None:
    if not run.has_topics:
        return None
    summary = run.table("topic_summary").sort_values("topic")
    terms = run.table("topic_terms").sort_values(["topic", "rank"])
    names = theme_names(run, lang)
    named = passage_people(run)
    parts = [f"<h2>{esc(t['topics'])}</h2>", f"<p class=\"note\">{esc(t['topics_note'])}</p>"]
    top_terms = {as_int(k): ", ".join(str(s) for s in g["surface"].head(10))
                 for k, g in terms.groupby("topic")}
    parts.append(table(
        [t["topic"], t["label"], t["seed_theme"], t["prevalence_short"], t["passages"],
         "c_npmi", "u_mass", t["terms"]],
        [[as_int(r.topic), r.label, names.get(str(r.seed_theme), str(r.seed_theme or "")),
          percent(r.prevalence, lang), as_int(r.n_passages), number(r.c_npmi, lang, 3),
          number(r.u_mass, lang, 3), top_terms.get(as_int(r.topic), "")]
         for r in summary.itertuples()], numeric=(0, 3, 4, 5, 6)))
    if "topic_prevalence" in charts:
        groups = run.table("topic_prevalence")
        grouped = len(groups.loc[groups["by"] == "informant", "group"].unique())
        parts += [f"<h3>{esc(t['topic_by_informant'])}</h3>", shown_note(t, grouped),
                  chart_figure(charts, "topic_prevalence", t)]
    parts.append(f"<h3>{esc(t['representative'])}</h3>")
    passages = run.table("passages").set_index("passage_id")
    probs: dict[tuple[str, int], float] = {}
    if run.has("passage_topics"):
        pt = run.table("passage_topics")
        probs = {(str(p), as_int(k)): float(v) for p, k, v in
                 zip(pt["passage_id"], pt["topic"], pt["probability"], strict=True)}
    for r in summary.itertuples():
        k = as_int(r.topic)
        weights = terms[terms["topic"] == k].head(10)
        term_list = ", ".join(f"{s} ({number(w, lang, 3)})" for s, w in
                              zip(weights["surface"], weights["weight"], strict=True))
        parts.append(f"<h4 id=\"topic-{k}\">{esc(t['topic'])} {k}: {esc(r.label)}</h4>"
                     f"<p class=\"meta\">{esc(t['terms'])}: {esc(term_list)}</p>")
        for pid in str(r.representative or "").split():
            if pid not in passages.index:
                continue
            p = passages.loc[pid]
            prob = number(probs.get((pid, k)), lang, 2)
            parts.append(f"<blockquote>{esc(words(p['text']))}<footer>— "
                         f"{esc(named.get(pid, str(p['speaker'])))} · "
                         f"<code>{esc(pid)}</code> · {esc(t['probability'])} {prob}</footer>"
                         "</blockquote>")
    if run.has("k_report") and len(run.table("k_report")):
        k_report = run.table("k_report").sort_values("k")
        parts += [f"<h3>{esc(t['k_selection'])}</h3>", chart_figure(charts, "k_selection", t),
                  table([t["k"], "c_npmi", "u_mass", t["stability"], t["score"], t["chosen"],
                         t["reason"]],
                        [[as_int(r.k), number(r.c_npmi, lang, 3), number(r.u_mass, lang, 3),
                          number(r.stability, lang, 2), number(r.score, lang, 3),
                          "✔" if bool(r.chosen) else "", k_reason(r.reason, lang)]
                         for r in k_report.itertuples()], numeric=(0, 1, 2, 3, 4))]
    return Html("".join(parts))
