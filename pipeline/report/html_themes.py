"""The report's themes section: what the codes are, prevalence, the theme x informant matrix,
co-occurrence and the best quotes per theme (see :mod:`pipeline.report.html`)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from pipeline.agreement.landmarks import kappa_landmark
from pipeline.config import QUESTION_WEIGHT, REPEAT_FACTOR
from pipeline.report.data import (
    RunTables,
    agreement_summary,
    as_float,
    as_int,
    coding_method,
    count,
    informant_passages,
    informants,
    most_passages,
    number,
    passage_people,
    percent,
    theme_names,
    theme_prevalence,
)
from pipeline.report.figures import Chart
from pipeline.report.markup import (
    Html,
    chart_figure,
    esc,
    evidence_quote,
    marked,
    parse_spans,
    shown_note,
    table,
)

QUOTES_PER_THEME = 3
MATRIX_COLUMNS = 5
"""Informants per matrix table: nine informants make two tables of five and four, each
readable on a laptop and on A4 (a phone shows one card per theme)."""
QUESTION_MARK = "pertanyaan"  # how the coder marks evidence from the interviewer's question


def themes_section(run: RunTables, t: Mapping[str, str], lang: str,
                   charts: Mapping[str, Chart]) -> Html | None:
    if not run.has_themes:
        return None
    names = theme_names(run, lang)
    prev = theme_prevalence(run, lang)
    parts = [f"<h2>{esc(t['themes'])}</h2>", method_note(run, t, lang),
             f"<h3>{esc(t['prevalence'])}</h3>",
             f"<p class=\"note\">{esc(t['prevalence_note'])}</p>"]
    parts.append(table(
        [t["theme"], t["theme_id"], t["coded_passages"], t["share"], t["informants"]],
        [[r.label, Html(f"<code>{esc(r.theme)}</code>"), r.passages, percent(r.share, lang),
          r.informants] for r in prev.itertuples()],
        numeric=(2, 3, 4), row_css=["sub" if d else "" for d in prev["depth"]]))
    parts.append(chart_figure(charts, "theme_prevalence", t))
    parts += [f"<h3>{esc(t['matrix'])}</h3>", f"<p class=\"note\">{esc(t['matrix_note'])}</p>",
              _matrix(run, t, lang, names), chart_figure(charts, "theme_informant", t)]
    if run.has("theme_cooccurrence"):
        co = run.table("theme_cooccurrence")
        co = co[co["passages"] > 0].sort_values(["jaccard", "passages", "theme_a", "theme_b"],
                                                ascending=[False, False, True, True])
        if len(co):
            parts += [f"<h3>{esc(t['cooccurrence'])}</h3>",
                      f"<p class=\"note\">{esc(t['cooccurrence_note'])}</p>",
                      chart_figure(charts, "theme_cooccurrence", t),
                      table([t["pair"], t["passages"], t["informants"], t["jaccard"]],
                            [[f"{names.get(a, a)} + {names.get(b, b)}", n, i,
                              number(j, lang, 2)] for a, b, n, i, j in zip(
                                co["theme_a"], co["theme_b"], co["passages"], co["informants"],
                                co["jaccard"], strict=True)][:15], numeric=(1, 2, 3))]
    parts += [f"<h3>{esc(t['quotes'])}</h3>", f"<p class=\"note\">{esc(t['quotes_note'])}</p>",
              _quotes(run, t, lang, names, prev)]
    return Html("".join(parts))


def method_note(run: RunTables, t: Mapping[str, str], lang: str) -> Html:
    """What the codes are: made automatically (by the codebook's words, or with a coder
    trained on the researcher's coding), what a score means and the threshold, how many
    passages are coded and left uncoded, and, after ``tematik compare``, how far the codes
    agree with the researcher's (with a link to the agreement section)."""
    method = coding_method(run)
    passages = run.table("passages")
    total = int((passages["role"] == "informant").sum())
    coded = int(run.table("codings")["passage_id"].nunique())
    book = method.codebook or "–"
    if method.kind == "combined":
        how = t["method_combined"].format(codebook=book, train=method.train,
                                          n=count(method.trained_passages, lang))
    else:
        how = t["method_dictionary"].format(codebook=book)
    model = run.manifest.get("informant_model")
    if isinstance(model, Mapping) and model.get("used"):
        cut = model.get("cut")
        how += " " + t["method_model"].format(
            n=count(model.get("quotes", 0), lang),
            cut=number(cut, lang, 1) if isinstance(cut, int | float) else "–")
        veto = model.get("veto")
        if isinstance(veto, int | float) and veto > 0:  # runs before the veto have none
            how += " " + t["method_model_veto"].format(veto=number(veto, lang, 1))
    threshold = number(method.threshold, lang, 1) if method.threshold is not None else "–"
    score = t["method_score"].format(repeat=percent(REPEAT_FACTOR, lang),
                                     question=percent(QUESTION_WEIGHT, lang),
                                     threshold=threshold)
    uncoded = t["uncoded_note"].format(
        coded=count(coded, lang), total=count(total, lang), left=count(total - coded, lang),
        share=percent((total - coded) / total if total else 0.0, lang))
    summary = agreement_summary(run)
    if summary is None:
        agrees = f"<p>{esc(t['method_no_agreement'])}</p>"
    else:
        said = t["method_agreement"].format(
            reference=summary.reference, units=count(summary.units, lang),
            kappa=number(summary.kappa, lang, 2),
            landmark=kappa_landmark(summary.kappa, "en" if lang == "en" else "id"),
            f1=number(summary.f1, lang, 2))
        agrees = (f"<p>{esc(said)} <a href=\"#agreement\">{esc(t['method_agreement_link'])}"
                  "</a>.</p>")
    return Html(f"<div class=\"method\" id=\"method\"><h3>{esc(t['method_title'])}</h3>"
                f"<p class=\"lead\"><b>{esc(how)}</b></p><p>{esc(score)}</p>"
                f"<p>{esc(uncoded)}</p>{agrees}<p>{esc(t['method_check'])}</p></div>")


def _spans_of(codings: pd.DataFrame) -> dict[tuple[str, str], list[tuple[int, int]]]:
    """Each (passage, theme)'s evidence spans in the answer, a parent theme holding its
    sub-themes' too."""
    out: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for pid, theme, spans in zip(codings["passage_id"].astype(str),
                                 codings["theme"].astype(str), codings["evidence_spans"],
                                 strict=True):
        found = parse_spans(spans)
        parts = theme.split(".")
        for n in range(1, len(parts) + 1):
            out.setdefault((pid, ".".join(parts[:n])), []).extend(found)
    return out


def _matrix(run: RunTables, t: Mapping[str, str], lang: str, names: Mapping[str, str]) -> Html:
    """The theme x informant matrix, in tables of at most :data:`MATRIX_COLUMNS` informants
    (balanced: nine make five and four), so that every informant is on the page."""
    m = run.table("theme_matrix")
    people = informants(run)
    everyone = list(dict.fromkeys(zip(m["transcript_id"].astype(str), m["display"].astype(str),
                                      strict=True)))
    keys = most_passages(everyone, informant_passages(m))
    label = {(str(a), str(b)): (str(c), str(d)) for a, b, c, d in zip(
        people["transcript_id"], people["display"], people["informant"], people["role"],
        strict=True)}
    top = float(m["share"].max()) if len(m) else 0.0
    cells = {(str(r.theme), str(r.transcript_id), str(r.display)): r for r in m.itertuples()}
    passages = run.table("passages").set_index("passage_id")
    spans = _spans_of(run.table("codings"))
    themes = list(dict.fromkeys(m["theme"].astype(str)))
    parts = -(-len(keys) // MATRIX_COLUMNS) if keys else 1
    size = -(-len(keys) // parts) if keys else 0
    groups = [keys[i:i + size] for i in range(0, len(keys), size)] if keys else [[]]
    out = [shown_note(t, len(everyone))]
    for n, group in enumerate(groups, start=1):
        heads = []
        for k in group:
            name, role = label.get(k, (k[1], ""))
            role_html = f"<span class=\"role\">{esc(role)}</span>" if role else ""
            heads.append(f"<th scope=\"col\">{esc(name)}{role_html}</th>")
        rows = []
        for theme in themes:
            out_row = [f"<th scope=\"row\">{esc(names.get(theme, theme))}</th>"]
            for k in group:
                name = label.get(k, (k[1], ""))[0]
                r = cells.get((theme, *k))
                if r is None or as_int(r.passages) == 0:
                    out_row.append(f"<td class=\"empty\" data-label=\"{esc(name)}\">"
                                   f"{esc(t['none'])}</td>")
                    continue
                alpha = 0.08 + 0.42 * (as_float(r.share) / top if top else 0.0)
                quote = _cell_quote(passages, spans, str(r.best_passage_id), theme,
                                    str(r.best_quote or ""))
                out_row.append(
                    f"<td style=\"background: rgba(0, 114, 178, {alpha:.2f})\" "
                    f"data-label=\"{esc(name)}\" title=\"{esc(r.best_passage_id)}\">"
                    f"<b>{as_int(r.passages)}</b> ({percent(r.share, lang)})"
                    f"{f'<q>{quote}</q>' if quote else ''}</td>")
            rows.append(f"<tr>{''.join(out_row)}</tr>")
        caption = (f"<caption>{esc(t['matrix_part'].format(n=n, of=len(groups)))}</caption>"
                   if len(groups) > 1 else "")
        cols = "<colgroup><col class=\"theme\">" + "<col>" * len(group) + "</colgroup>"
        out.append(f"<div class=\"scroll\"><table class=\"matrix cards\">{caption}{cols}"
                   f"<thead><tr><th scope=\"col\">{esc(t['theme'])}</th>{''.join(heads)}</tr>"
                   f"</thead><tbody>{''.join(rows)}</tbody></table></div>")
    return Html("".join(out))


def _cell_quote(passages: pd.DataFrame, spans: Mapping[tuple[str, str], list[tuple[int, int]]],
                pid: str, theme: str, fallback: str) -> Html:
    """The matrix cell's quote: a full sentence with the evidence, at least
    :data:`~pipeline.report.markup.MIN_QUOTE_WORDS` words where the passage has them; the
    table's ``best_quote`` when the passage is not at hand."""
    if pid not in passages.index:
        return esc(fallback)
    p = passages.loc[pid]
    return evidence_quote(str(p["text"]), as_int(p["start"]), spans.get((pid, theme), []))


def question_words(evidence: object) -> list[str]:
    """The words of a coding's evidence that came from the interviewer's question."""
    prefix = f"{QUESTION_MARK}:"
    return [e.strip()[len(prefix):].strip() for e in str(evidence or "").split(";")
            if e.strip().startswith(prefix)]


def _quotes(run: RunTables, t: Mapping[str, str], lang: str, names: Mapping[str, str],
            prev: pd.DataFrame) -> Html:
    codings = run.table("codings")
    passages = run.table("passages").set_index("passage_id")
    people = informants(run)
    roles = {str(a): str(c) for a, c in zip(people["informant"], people["role"], strict=True)}
    named = passage_people(run)
    parts: list[str] = []
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
            asked = question_words(r.evidence)
            asked_html = (f" · {esc(t['question_evidence'])}: {esc(', '.join(asked))}"
                          if asked else "")
            parts.append(f"<blockquote>{body}<footer>— {who} · <code>{esc(r.passage_id)}"
                         f"</code> · {esc(t['score'])} {number(r.score, lang, 2)}{sub_theme}"
                         f"{asked_html}</footer></blockquote>")
    return Html("".join(parts))

