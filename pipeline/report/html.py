"""The run's report: one self-contained HTML page (tables in, an HTML string out).

:func:`render_report` takes a :class:`~pipeline.report.data.RunTables` and returns the page:
inline CSS, figures as ``data:`` URIs, no script and nothing loaded from anywhere (a
Content-Security-Policy says so to the browser too), every piece of transcript text
HTML-escaped. Sections, each left out when the run lacks its data: ``corpus``, ``themes``
(prevalence, theme x informant matrix with the best quote per cell, co-occurrence, best
quotes per theme with the evidence marked), ``topics``, ``agreement`` (after ``tematik
compare``) and ``record`` (the reproducibility record). Labels in Indonesian (``lang="id"``,
the default) or English (``lang="en"``). Nothing here reads or writes files.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from pipeline.agreement.landmarks import alpha_landmark, kappa_landmark
from pipeline.report.data import (
    RunTables,
    as_float,
    as_int,
    config_rows,
    count,
    informant_passages,
    informants,
    input_files,
    labels,
    most_passages,
    number,
    package_rows,
    passage_people,
    percent,
    record,
    shown_count,
    theme_names,
    theme_prevalence,
)
from pipeline.report.figures import Chart, make_charts
from pipeline.report.markup import CSS, Html, esc, figure, marked, parse_spans, table, words

SECTIONS = ("corpus", "saturation", "themes", "topics", "agreement", "record")
QUOTES_PER_THEME = 3
MAX_DISAGREEMENTS = 50
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"

# -- sections -------------------------------------------------------------------------------


def _corpus(run: RunTables, t: Mapping[str, str], lang: str) -> Html | None:
    if not run.has("passages"):
        return None
    people = informants(run)
    n_transcripts = len(run.table("transcripts")) if run.has("transcripts") else int(
        run.table("passages")["transcript_id"].nunique())
    summary = table([t["transcripts"], t["informants"], t["passages"], t["words"]],
                    [[count(n_transcripts, lang), count(len(people), lang),
                      count(people["passages"].sum(), lang), count(people["words"].sum(), lang)]],
                    numeric=(0, 1, 2, 3))
    who = table([t["informant"], t["role"], t["transcript"], t["passages"], t["words"]],
                [[r.informant, r.role or t["none"], r.transcript_id, count(r.passages, lang),
                  count(r.words, lang)]
                 for r in people.itertuples()], numeric=(3, 4))
    parts = [f"<h2>{esc(t['corpus'])}</h2>", summary, f"<h3>{esc(t['informants'])}</h3>", who]
    if run.has("transcripts"):
        tr = run.table("transcripts")
        cols = [c for c in ("transcript_id", "format", "informant", "role", "unit", "date")
                if c in tr]
        names = {"transcript_id": t["transcript"], "format": t["format"],
                 "informant": t["informant"], "role": t["role"], "unit": t["unit"],
                 "date": t["date"]}
        parts += [f"<h3>{esc(t['transcripts'])}</h3>",
                  table([names[c] for c in cols], tr[cols].itertuples(index=False))]
    return Html("".join(parts))


def _themes(run: RunTables, t: Mapping[str, str], lang: str,
            charts: Mapping[str, Chart]) -> Html | None:
    if not run.has_themes:
        return None
    names = theme_names(run, lang)
    prev = theme_prevalence(run, lang)
    parts = [f"<h2>{esc(t['themes'])}</h2>", _uncoded(run, t, lang),
             f"<h3>{esc(t['prevalence'])}</h3>",
             f"<p class=\"note\">{esc(t['prevalence_note'])}</p>"]
    parts.append(table(
        [t["theme"], t["theme_id"], t["coded_passages"], t["share"], t["informants"]],
        [[r.label, Html(f"<code>{esc(r.theme)}</code>"), r.passages, percent(r.share, lang),
          r.informants] for r in prev.itertuples()],
        numeric=(2, 3, 4), row_css=["sub" if d else "" for d in prev["depth"]]))
    parts.append(figure(charts.get("theme_prevalence")))
    parts += [f"<h3>{esc(t['matrix'])}</h3>", f"<p class=\"note\">{esc(t['matrix_note'])}</p>",
              _matrix(run, t, lang, names), figure(charts.get("theme_informant"))]
    if run.has("theme_cooccurrence"):
        co = run.table("theme_cooccurrence")
        co = co[co["passages"] > 0].sort_values(["jaccard", "passages", "theme_a", "theme_b"],
                                                ascending=[False, False, True, True])
        if len(co):
            parts += [f"<h3>{esc(t['cooccurrence'])}</h3>",
                      f"<p class=\"note\">{esc(t['cooccurrence_note'])}</p>",
                      figure(charts.get("theme_cooccurrence")),
                      table([t["pair"], t["passages"], t["informants"], t["jaccard"]],
                            [[f"{names.get(a, a)} + {names.get(b, b)}", n, i,
                              number(j, lang, 2)] for a, b, n, i, j in zip(
                                co["theme_a"], co["theme_b"], co["passages"], co["informants"],
                                co["jaccard"], strict=True)][:15], numeric=(1, 2, 3))]
    parts += [f"<h3>{esc(t['quotes'])}</h3>", f"<p class=\"note\">{esc(t['quotes_note'])}</p>",
              _quotes(run, t, lang, names, prev)]
    return Html("".join(parts))


def _uncoded(run: RunTables, t: Mapping[str, str], lang: str) -> Html:
    """How many informant passages the coder left uncoded, and what the codes are."""
    passages = run.table("passages")
    total = int((passages["role"] == "informant").sum())
    coded = int(run.table("codings")["passage_id"].nunique())
    config = run.manifest.get("config")
    threshold = config.get("threshold", "") if isinstance(config, dict) else ""
    note = t["uncoded_note"].format(
        coded=count(coded, lang), total=count(total, lang), left=count(total - coded, lang),
        share=percent((total - coded) / total if total else 0.0, lang),
        threshold=number(threshold, lang, 1) if threshold != "" else "")
    return Html(f"<p class=\"lead\">{esc(note)}</p>")


def _matrix(run: RunTables, t: Mapping[str, str], lang: str, names: Mapping[str, str]) -> Html:
    m = run.table("theme_matrix")
    people = informants(run)
    everyone = list(dict.fromkeys(zip(m["transcript_id"].astype(str), m["display"].astype(str),
                                      strict=True)))
    keys = most_passages(everyone, informant_passages(m))
    label = {(str(a), str(b)): (str(c), str(d)) for a, b, c, d in zip(
        people["transcript_id"], people["display"], people["informant"], people["role"],
        strict=True)}
    top = float(m["share"].max()) if len(m) else 0.0
    head = "".join(
        f"<th>{esc(label.get(k, (k[1], ''))[0])}<br><span class=\"muted\">"
        f"{esc(label.get(k, ('', ''))[1])}</span></th>" for k in keys)
    cells = {(str(r.theme), str(r.transcript_id), str(r.display)): r for r in m.itertuples()}
    rows = []
    for theme in dict.fromkeys(m["theme"].astype(str)):
        out = [f"<th>{esc(names.get(theme, theme))}</th>"]
        for k in keys:
            r = cells.get((theme, *k))
            if r is None or as_int(r.passages) == 0:
                out.append(f"<td class=\"empty\">{esc(t['none'])}</td>")
                continue
            alpha = 0.08 + 0.42 * (as_float(r.share) / top if top else 0.0)
            quote = f"<br><q>{esc(r.best_quote)}</q>" if str(r.best_quote or "") else ""
            out.append(f"<td style=\"background: rgba(0, 114, 178, {alpha:.2f})\" "
                       f"title=\"{esc(r.best_passage_id)}\"><b>{as_int(r.passages)}</b> "
                       f"({percent(r.share, lang)}){quote}</td>")
        rows.append(f"<tr>{''.join(out)}</tr>")
    return Html(f"{_shown_note(t, len(everyone))}<div class=\"scroll\">"
                f"<table class=\"matrix\"><thead><tr><th>{esc(t['theme'])}</th>{head}</tr>"
                f"</thead><tbody>{''.join(rows)}</tbody></table></div>")


def _shown_note(t: Mapping[str, str], total: int) -> str:
    """Says so when the matrix or a heatmap of ``total`` informants shows only some."""
    shown = shown_count(total)
    if shown == total:
        return ""
    return f"<p class=\"note\">{esc(t['shown_informants'].format(shown=shown, total=total))}</p>"


def _quotes(run: RunTables, t: Mapping[str, str], lang: str, names: Mapping[str, str],
            prev: pd.DataFrame) -> Html:
    codings = run.table("codings")
    passages = run.table("passages").set_index("passage_id")
    people = informants(run)
    roles = {str(a): str(c) for a, c in zip(people["informant"], people["role"], strict=True)}
    named = passage_people(run)
    parts = []
    for theme in prev["theme"]:
        sub = codings[(codings["theme"] == theme) | codings["theme"].str.startswith(theme + ".")]
        sub = sub.sort_values(["score", "passage_id"], ascending=[False, True], kind="stable")
        sub = sub.drop_duplicates("passage_id").head(QUOTES_PER_THEME)
        parts.append(f"<h4 id=\"theme-{esc(theme)}\">{esc(names.get(theme, theme))} "
                     f"<code>{esc(theme)}</code></h4>")
        if sub.empty:
            parts.append(f"<p class=\"muted\">{esc(t['no_codings'])}</p>")
            continue
        for r in sub.itertuples():
            if r.passage_id not in passages.index:
                continue
            p = passages.loc[r.passage_id]
            body = marked(str(p["text"]), int(p["start"]), parse_spans(r.evidence_spans))
            name = named.get(str(r.passage_id), str(r.speaker))
            role = roles.get(name, "")
            who = esc(name) + (Html(f", {esc(role)}") if role else "")
            sub_theme = (f" · {esc(names.get(r.theme, r.theme))}" if r.theme != theme else "")
            parts.append(f"<blockquote>{body}<footer>— {who} · <code>{esc(r.passage_id)}"
                         f"</code> · {esc(t['score'])} {number(r.score, lang, 2)}{sub_theme}"
                         "</footer></blockquote>")
    return Html("".join(parts))


def _topics(run: RunTables, t: Mapping[str, str], lang: str,
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
        grouped = list(groups.loc[groups["by"] == "informant", "group"].unique())
        parts += [f"<h3>{esc(t['topic_by_informant'])}</h3>",
                  _shown_note(t, len(grouped)),
                  figure(charts["topic_prevalence"])]
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
        parts += [f"<h3>{esc(t['k_selection'])}</h3>", figure(charts.get("k_selection")),
                  table([t["k"], "c_npmi", "u_mass", t["stability"], t["score"], t["chosen"],
                         t["reason"]],
                        [[as_int(r.k), number(r.c_npmi, lang, 3), number(r.u_mass, lang, 3),
                          number(r.stability, lang, 2), number(r.score, lang, 3),
                          "✔" if bool(r.chosen) else "", r.reason]
                         for r in k_report.itertuples()], numeric=(0, 1, 2, 3, 4))]
    return Html("".join(parts))


def _with_ci(row: pd.Series, stat: str, lang: str) -> str:
    value = number(row.get(stat), lang, 2)
    low, high = number(row.get(f"{stat}_low"), lang, 2), number(row.get(f"{stat}_high"), lang, 2)
    return f"{value} [{low}; {high}]" if low != "–" and high != "–" else value


def _agreement_rows(frame: pd.DataFrame, t: Mapping[str, str], lang: str,
                    names: Mapping[str, str]) -> list[list[object]]:
    rows: list[list[object]] = []
    for _, r in frame.iterrows():
        theme = str(r["theme"])
        level = str(r.get("level", "theme"))
        name = t.get(level, level) if theme == "*" else names.get(theme, theme)
        rows.append([name, count(r.get("n_units", r.get("n_chars")), lang),
                     count(r["both"], lang), count(r["only_a"], lang), count(r["only_b"], lang),
                     _with_ci(r, "kappa", lang),
                     kappa_landmark(float(r["kappa"]), "en" if lang == "en" else "id"),
                     _with_ci(r, "alpha", lang),
                     alpha_landmark(float(r["alpha"]), "en" if lang == "en" else "id"),
                     _with_ci(r, "precision", lang), _with_ci(r, "recall", lang),
                     _with_ci(r, "f1", lang), r.get("note", "")])
    return rows


def _agreement(run: RunTables, t: Mapping[str, str], lang: str) -> Html | None:
    if not run.has_agreement:
        return None
    names = theme_names(run, lang)
    named = passage_people(run)
    agreement = run.table("agreement")
    if "transcript_id" in agreement:  # character units: pooled rows only
        agreement = agreement[agreement["transcript_id"] == "*"]
    for column in ("precision", "recall", "f1"):
        if column not in agreement:
            agreement = agreement.assign(**{column: float("nan")})
    info = run.manifest.get("compare")
    info = info if isinstance(info, Mapping) else {}
    units = info.get("units", "")
    unit = str(info.get("unit", "passage"))
    note = t["agreement_note"].format(reference=info.get("reference", "?"),
                                      unit=t.get(f"unit_{unit}", unit),
                                      units=count(units, lang))
    if "kappa_low" in agreement:
        note += " " + t["ci_note"]
    header = [t["theme"], t["units"], t["both"], t["only_a"], t["only_b"],
              f"{t['kappa']} [{t['ci']}]", t["landmark"], f"{t['alpha']} [{t['ci']}]",
              t["landmark"], t["precision"], t["recall"], t["f1"], t["note"]]
    parts = [f"<h2>{esc(t['agreement'])}</h2>", f"<p class=\"note\">{esc(note)}</p>",
             table(header, _agreement_rows(agreement, t, lang, names),
                   numeric=(1, 2, 3, 4, 5, 7, 9, 10, 11))]
    if run.has("agreement_pairs") and len(run.table("agreement_pairs")):
        pairs = run.table("agreement_pairs")
        micro = pairs[pairs["level"] == "micro"]
        parts += [f"<h3>{esc(t['coder_pairs'])}</h3>", table(
            [t["pair"], t["kind"], t["units"], f"{t['kappa']} [{t['ci']}]", t["landmark"],
             f"{t['alpha']} [{t['ci']}]", t["landmark"], t["f1"]],
            [[f"{r['coder_a']} – {r['coder_b']}", r["pair"], r["n_units"],
              _with_ci(r, "kappa", lang), kappa_landmark(float(r["kappa"]),
                                                         "en" if lang == "en" else "id"),
              _with_ci(r, "alpha", lang), alpha_landmark(float(r["alpha"]),
                                                         "en" if lang == "en" else "id"),
              _with_ci(r, "f1", lang)] for _, r in micro.iterrows()], numeric=(2, 3, 5, 7))]
    if run.has("disagreements") and len(run.table("disagreements")):
        dis = run.table("disagreements")
        shown = dis.head(MAX_DISAGREEMENTS)
        summary = t["disagreements_note"].format(n=count(len(dis), lang), shown=len(shown))
        parts += [f"<h3>{esc(t['disagreements'])}</h3>",
                  f"<p class=\"note\">{esc(summary)}</p>",
                  table([t["passages"], t["informant"], t["theme"], t["kind"], t["evidence"],
                         t["text"]],
                        [[Html(f"<code>{esc(r.unit_id)}</code>"),
                          named.get(str(r.passage_id), str(r.speaker)),
                          names.get(str(r.theme), str(r.theme)), t.get(str(r.kind), str(r.kind)),
                          r.tematik_evidence,
                          words(r.text, 45)] for r in shown.itertuples()])]
    return Html("".join(parts))


def _hash(value: object) -> Html:
    return Html(f"<code class=\"hash\">{esc(value)}</code>")


def _record(run: RunTables, t: Mapping[str, str], lang: str) -> Html | None:
    if not run.manifest:
        return None
    parts = [f"<h2>{esc(t['record'])}</h2>", f"<p class=\"note\">{esc(t['record_note'])}</p>",
             table([t["setting"], t["value"]],
                   [[k, _hash(v) if "sha256" in k else v]
                    for k, v in record(run)])]
    inputs = input_files(run)
    if len(inputs):
        parts += [f"<h3>{esc(t['inputs'])}</h3>",
                  table([t["transcript"], t["path"], t["format"], t["sha256"]],
                        [[r.transcript_id, r.path, r.format, _hash(r.sha256)]
                         for r in inputs.itertuples()])]
    config = config_rows(run)
    if config:
        parts += [f"<h3>{esc(t['config'])}</h3>", table([t["setting"], t["value"]], config)]
    packages = package_rows(run)
    if packages:
        parts += [f"<h3>{esc(t['versions'])}</h3>", table([t["package"], t["version"]],
                                                          packages)]
    return Html("".join(parts))


def _saturation(run: RunTables, t: Mapping[str, str], lang: str) -> Html | None:
    """After ``tematik apply``: what the new interviews add to the run they were applied to."""
    if not run.has("saturation"):
        return None
    frame = run.table("saturation")
    status = {"confirmed": t["sat_confirmed"], "new in the new interviews": t["sat_new"],
              "not in the new interviews": t["sat_missing"], "absent": t["sat_absent"]}
    applied = run.manifest.get("applied_from")
    source = applied.get("run", "") if isinstance(applied, Mapping) else ""
    parts = [f"<h2>{esc(t['saturation'])}</h2>",
             f"<p class=\"note\">{esc(t['saturation_note'])} {esc(str(source))}</p>",
             table([t["kind"], "id", t["label"], t["sat_run"], t["sat_new_col"],
                    t["sat_status"]],
                   [[t["theme"] if r.kind == "theme" else t["topic"], r.id, r.label,
                     f"{as_int(r.run_passages)} ({percent(r.run_share, lang)})",
                     f"{as_int(r.new_passages)} ({percent(r.new_share, lang)})",
                     status.get(str(r.status), str(r.status))]
                    for r in frame.itertuples()], numeric=(3, 4))]
    return Html("".join(parts))


def sections(run: RunTables, *, lang: str = "id",
             charts: Mapping[str, Chart] | None = None) -> dict[str, Html]:
    """The HTML of each section the run has data for, by id (in :data:`SECTIONS` order)."""
    t = labels(lang)
    charts = make_charts(run, lang) if charts is None else charts
    made = {"corpus": _corpus(run, t, lang), "saturation": _saturation(run, t, lang),
            "themes": _themes(run, t, lang, charts),
            "topics": _topics(run, t, lang, charts), "agreement": _agreement(run, t, lang),
            "record": _record(run, t, lang)}
    return {k: v for k, v in made.items() if v is not None}


def render_report(run: RunTables, *, lang: str = "id",
                  charts: Mapping[str, Chart] | None = None) -> str:
    """The whole report page. ``charts`` (from :func:`pipeline.report.figures.make_charts` in the
    same ``lang``) are drawn when not given."""
    t = labels(lang)
    parts = sections(run, lang=lang, charts=charts)
    book = run.manifest.get("codebook")
    book_text = (f"{book.get('name', '')} {book.get('version', '')}".strip()
                 if isinstance(book, Mapping) else "")
    meta = " · ".join(x for x in (
        f"{t['run']}: {run.name}" if run.name else "",
        f"{t['finished']}: {run.manifest.get('finished', '')}" if run.manifest.get("finished")
        else "", f"{t['codebook']}: {book_text}" if book_text else "") if x)
    nav_titles = {"corpus": t["corpus"], "saturation": t["saturation"],
                  "themes": t["themes"], "topics": t["topics"],
                  "agreement": t["agreement"], "record": t["record"]}
    nav = "".join(f"<li><a href=\"#{k}\">{esc(nav_titles[k])}</a></li>" for k in parts)
    body = "".join(f"<section id=\"{k}\">{v}</section>" for k, v in parts.items())
    version = str(run.manifest.get("tematik_version", ""))
    title = f"{t['title']}{' – ' + run.name if run.name else ''}"
    return (
        "<!DOCTYPE html>\n"
        f"<html lang=\"{esc(lang)}\"><head><meta charset=\"utf-8\">"
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        "<meta name=\"referrer\" content=\"no-referrer\">"
        f"<title>{esc(title)}</title><style>{CSS}</style></head><body>"
        f"<header><h1>{esc(t['title'])}</h1><p class=\"meta\">{esc(meta)}</p></header>"
        f"<nav><h2 class=\"toc\">{esc(t['contents'])}</h2><ol>{nav}</ol></nav>"
        f"<main>{body}</main>"
        f"<footer class=\"page\">{esc(t['generated'].format(version=version))}</footer>"
        "</body></html>\n")
