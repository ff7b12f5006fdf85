"""The run's report: one self-contained HTML page (tables in, an HTML string out).

:func:`render_report` takes a :class:`~pipeline.report.data.RunTables` and returns the page:
inline CSS, figures as ``data:`` URIs, no script and nothing loaded from anywhere (a
Content-Security-Policy says so to the browser too), every piece of transcript text
HTML-escaped. Sections, each left out when the run lacks its data: ``corpus``, ``themes``
(what the codes are, prevalence, theme x informant matrix with the best quote per cell,
co-occurrence, best quotes per theme with the evidence marked; :mod:`.html_themes`),
``topics`` (:mod:`.html_topics`), ``agreement`` (after ``tematik compare``;
:mod:`.html_agreement`) and ``record`` (the reproducibility record). Labels in Indonesian
(``lang="id"``, the default) or English (``lang="en"``). Nothing here reads or writes files.
"""

from __future__ import annotations

from collections.abc import Mapping

from pipeline.readers.qdpx_tables import iso_date
from pipeline.report.data import (
    RunTables,
    as_int,
    config_rows,
    count,
    informants,
    input_files,
    labels,
    package_rows,
    percent,
    record,
)
from pipeline.report.figures import Chart, make_charts
from pipeline.report.html_agreement import agreement_section
from pipeline.report.html_themes import themes_section
from pipeline.report.html_topics import topics_section
from pipeline.report.markup import CSS, Html, esc, table

SECTIONS = ("corpus", "saturation", "themes", "topics", "agreement", "record")
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
        shown = tr[cols].assign(**({"date": [iso_date(d) or d for d in tr["date"]]}
                                   if "date" in cols else {}))
        parts += [f"<h3>{esc(t['transcripts'])}</h3>",
                  table([names[c] for c in cols], shown.itertuples(index=False))]
    return Html("".join(parts))


def _hash(value: object) -> Html:
    return Html(f"<code class=\"hash\">{esc(value)}</code>")


def _record_value(key: str, value: str, t: Mapping[str, str]) -> str:
    """A record's value in the report's words where it is a word (the unit, the scope)."""
    if key == "compare scope":
        return t.get(f"scope_name_{value}", value)
    if key == "compare unit":
        return t.get(f"unit_{value}", value)
    return value


def _record(run: RunTables, t: Mapping[str, str], lang: str) -> Html | None:
    if not run.manifest:
        return None
    parts = [f"<h2>{esc(t['record'])}</h2>", f"<p class=\"note\">{esc(t['record_note'])}</p>",
             table([t["setting"], t["value"]],
                   [[t.get(k, k), _hash(v) if "sha256" in k else _record_value(k, v, t)]
                    for k, v in record(run)])]
    inputs = input_files(run)
    if len(inputs):
        parts += [f"<h3>{esc(t['inputs'])}</h3>",
                  table([t["transcript"], t["path"], t["format"], t["sha256"]],
                        [[r.transcript_id, r.path, r.format, _hash(r.sha256)]
                         for r in inputs.itertuples()])]
    config = config_rows(run, lang)
    if config:
        parts += [f"<h3>{esc(t['config'])}</h3>",
                  table([t["setting"], t["value"]],
                        [[Html(f"<code>{esc(k)}</code>"), v] for k, v in config])]
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
            "themes": themes_section(run, t, lang, charts),
            "topics": topics_section(run, t, lang, charts),
            "agreement": agreement_section(run, t, lang), "record": _record(run, t, lang)}
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
    banner = (f"<p class=\"banner\">{esc(t['auto_codes'])} <a href=\"#method\">"
              f"{esc(t['method_title'])}</a>.</p>" if "themes" in parts else "")
    title = f"{t['title']}{' – ' + run.name if run.name else ''}"
    return (
        "<!DOCTYPE html>\n"
        f"<html lang=\"{esc(lang)}\"><head><meta charset=\"utf-8\">"
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        "<meta name=\"referrer\" content=\"no-referrer\">"
        f"<title>{esc(title)}</title><style>{CSS}</style></head><body>"
        f"<header><h1>{esc(t['title'])}</h1><p class=\"meta\">{esc(meta)}</p>{banner}"
        "</header>"
        f"<nav><h2 class=\"toc\">{esc(t['contents'])}</h2><ol>{nav}</ol></nav>"
        f"<main>{body}</main>"
        f"<footer class=\"page\">{esc(t['generated'].format(version=version))}</footer>"
        "</body></html>\n")
