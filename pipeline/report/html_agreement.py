"""The report's agreement section, after ``tematik compare``: agreement per theme and overall
(each value with its landmark and confidence interval under it, the note column wide enough
to read), what was compared (scope and transcripts, when the manifest says), coder pairs and
disagreements (see :mod:`pipeline.report.html`)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from pipeline.agreement.landmarks import Lang, alpha_landmark, kappa_landmark
from pipeline.report.data import (
    RunTables,
    compare_scope,
    count,
    number,
    passage_people,
    theme_names,
)
from pipeline.report.markup import Html, esc, table, words
from pipeline.report.wording import agreement_note

MAX_DISAGREEMENTS = 50


def _value(row: pd.Series, stat: str, lang: str, landmark: str = "") -> Html:
    """A statistic, its landmark and its interval under it (when the table has one)."""
    value = number(row.get(stat), lang, 2)
    low, high = number(row.get(f"{stat}_low"), lang, 2), number(row.get(f"{stat}_high"), lang, 2)
    ci = f"<span class=\"ci\">[{low}; {high}]</span>" if low != "–" and high != "–" else ""
    mark = f"<span class=\"landmark\">{esc(landmark)}</span>" if landmark else ""
    return Html(f"{value}{mark}{ci}")


def _rows(frame: pd.DataFrame, t: Mapping[str, str], lang: str,
          names: Mapping[str, str]) -> list[list[object]]:
    said: Lang = "en" if lang == "en" else "id"
    rows: list[list[object]] = []
    for _, r in frame.iterrows():
        theme = str(r["theme"])
        level = str(r.get("level", "theme"))
        name = t.get(level, level) if theme == "*" else names.get(theme, theme)
        rows.append([name, count(r.get("n_units", r.get("n_chars")), lang),
                     count(r["both"], lang), count(r["only_a"], lang), count(r["only_b"], lang),
                     _value(r, "kappa", lang, kappa_landmark(float(r["kappa"]), said)),
                     _value(r, "alpha", lang, alpha_landmark(float(r["alpha"]), said)),
                     _value(r, "precision", lang), _value(r, "recall", lang),
                     _value(r, "f1", lang), agreement_note(r.get("note", ""), lang)])
    return rows


def _scope(run: RunTables, t: Mapping[str, str], lang: str) -> str:
    """What the comparison covered, when the manifest says (older runs do not)."""
    scope, compared = compare_scope(run)
    said = []
    if scope in ("touched", "all"):
        said.append(t[f"scope_{scope}"])
    elif scope:
        said.append(t["scope_other"].format(scope=scope))
    if compared:
        said.append(t["scope_transcripts"].format(n=count(len(compared), lang),
                                                  names=", ".join(compared)))
    return " ".join(said)


def agreement_section(run: RunTables, t: Mapping[str, str], lang: str) -> Html | None:
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
    unit = str(info.get("unit", "passage"))
    note = t["agreement_note"].format(reference=info.get("reference", "?"),
                                      unit=t.get(f"unit_{unit}", unit),
                                      units=count(info.get("units", ""), lang))
    if "kappa_low" in agreement:
        note += " " + t["ci_note"]
    scope = _scope(run, t, lang)
    header = [t["theme"], t["units"], t["both"], t["only_a"], t["only_b"], t["kappa"],
              t["alpha"], t["precision"], t["recall"], t["f1"], t["note"]]
    parts = [f"<h2>{esc(t['agreement'])}</h2>", f"<p class=\"note\">{esc(note)}</p>",
             f"<p class=\"note\">{esc(scope)}</p>" if scope else "",
             table(header, _rows(agreement, t, lang, names), numeric=range(1, 10),
                   css="agreement", cell_css=[""] * 10 + ["note"],
                   row_css=["total" if str(th) == "*" else "" for th in agreement["theme"]])]
    if run.has("agreement_pairs") and len(run.table("agreement_pairs")):
        pairs = run.table("agreement_pairs")
        micro = pairs[pairs["level"] == "micro"]
        said: Lang = "en" if lang == "en" else "id"
        parts += [f"<h3>{esc(t['coder_pairs'])}</h3>", table(
            [t["pair"], t["kind"], t["units"], t["kappa"], t["alpha"], t["f1"]],
            [[f"{r['coder_a']} – {r['coder_b']}", t.get(str(r["pair"]), str(r["pair"])),
              count(r["n_units"], lang),
              _value(r, "kappa", lang, kappa_landmark(float(r["kappa"]), said)),
              _value(r, "alpha", lang, alpha_landmark(float(r["alpha"]), said)),
              _value(r, "f1", lang)] for _, r in micro.iterrows()],
            numeric=(2, 3, 4, 5), css="agreement")]
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
