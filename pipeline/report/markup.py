"""The HTML pieces the report is made of: its style sheet, escaped text, tables, figures and
quotes with their evidence marked. Every piece of transcript text goes through :func:`esc`."""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Iterable, Sequence

import pandas as pd

from pipeline.report.figures import Chart

QUOTE_WORDS = 70
_SPAN_RE = re.compile(r"(\d+)\s*-\s*(\d+)")

CSS = """
:root { --ink: #1b1b1b; --muted: #5a5a5a; --line: #d0d0d0; --accent: #0072B2;
        --mark: #F0E442; --bg-alt: #f5f7fa; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans",
       sans-serif; color: var(--ink); margin: 0 auto; max-width: 78rem; padding: 1.5rem;
       line-height: 1.45; }
h1 { font-size: 1.7rem; margin: 0 0 .3rem; }
h2 { font-size: 1.35rem; border-bottom: 2px solid var(--accent); padding-bottom: .2rem;
     margin-top: 2.5rem; }
h3 { font-size: 1.1rem; margin-top: 1.8rem; }
h4 { font-size: 1rem; margin: 1.2rem 0 .3rem; }
p.meta, p.note, .muted { color: var(--muted); font-size: .9rem; }
nav ol { columns: 2; font-size: .95rem; }
a { color: var(--accent); }
table { border-collapse: collapse; margin: .6rem 0 1rem; font-size: .88rem; }
th, td { border: 1px solid var(--line); padding: .3rem .45rem; vertical-align: top;
         text-align: left; }
th { background: var(--bg-alt); }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: .8rem;
       white-space: nowrap; }
code.hash { white-space: normal; word-break: break-all; }
.scroll { overflow-x: auto; }
table.matrix td { min-width: 11rem; font-size: .82rem; }
table.matrix td.empty { color: var(--muted); text-align: center; }
tr.sub td:first-child { padding-left: 1.6rem; }
q { quotes: "\\201C" "\\201D"; }
mark { background: var(--mark); color: inherit; padding: 0 .1rem; font-weight: 600; }
figure { margin: 1rem 0; }
figure img { max-width: 100%; height: auto; border: 1px solid var(--line); }
figcaption { color: var(--muted); font-size: .88rem; }
blockquote { margin: .5rem 0 .9rem; padding: .4rem .8rem; border-left: 4px solid var(--accent);
             background: var(--bg-alt); }
blockquote footer { color: var(--muted); font-size: .82rem; margin-top: .25rem; }
ul.terms { padding-left: 1.1rem; margin: .2rem 0; }
footer.page { margin-top: 3rem; color: var(--muted); font-size: .85rem;
              border-top: 1px solid var(--line); padding-top: .5rem; }
@media print { .scroll { overflow: visible; } h2 { break-before: page; } a { color: inherit; } }
"""


class Html(str):
    """A string that is already HTML (escaped where it holds text)."""


def esc(value: object) -> Html:
    """``value`` as text, HTML-escaped (quotes too); NaN and None become an empty string."""
    if value is None or (isinstance(value, float) and value != value):
        return Html("")
    try:
        if pd.isna(value):  # type: ignore[call-overload]
            return Html("")
    except (TypeError, ValueError):
        pass
    return Html(html.escape(str(value), quote=True))


def cell(value: object, css: str = "") -> str:
    body = value if isinstance(value, Html) else esc(value)
    return f"<td class=\"{css}\">{body}</td>" if css else f"<td>{body}</td>"


def table(header: Sequence[str], rows: Iterable[Sequence[object]], *,
          numeric: Sequence[int] = (), css: str = "", row_css: Sequence[str] = ()) -> Html:
    """An HTML table: text cells are escaped, :class:`Html` cells kept as they are;
    columns in ``numeric`` are right-aligned."""
    head = "".join(f"<th>{esc(h)}</th>" for h in header)
    body = []
    for n, row in enumerate(rows):
        cells = "".join(cell(v, "num" if i in numeric else "") for i, v in enumerate(row))
        cls = row_css[n] if n < len(row_css) and row_css[n] else ""
        body.append(f"<tr class=\"{cls}\">{cells}</tr>" if cls else f"<tr>{cells}</tr>")
    klass = f" class=\"{css}\"" if css else ""
    return Html(f"<div class=\"scroll\"><table{klass}><thead><tr>{head}</tr></thead>"
                f"<tbody>{''.join(body)}</tbody></table></div>")


def figure(chart: Chart | None) -> Html:
    """The chart as an ``<img>`` with its SVG inlined as a data URI, and its caption."""
    if chart is None:
        return Html("")
    data = base64.b64encode(chart.svg).decode("ascii")
    return Html(f"<figure id=\"fig-{esc(chart.name)}\"><img src=\"data:image/svg+xml;base64,"
                f"{data}\" alt=\"{esc(chart.title)}\"><figcaption>{esc(chart.title)}"
                "</figcaption></figure>")


def parse_spans(value: object) -> list[tuple[int, int]]:
    """``"307-312; 338-343"`` (a coding's evidence_spans) as [(307, 312), (338, 343)]."""
    if value is None or (isinstance(value, float) and value != value):
        return []
    return [(int(a), int(b)) for a, b in _SPAN_RE.findall(str(value))]


def marked(text: str, offset: int, spans: Sequence[tuple[int, int]], *,
           max_words: int = QUOTE_WORDS) -> Html:
    """``text`` (starting at transcript offset ``offset``) escaped, each evidence span in
    ``<mark>``, cut to about ``max_words`` words from a little before the first span."""
    local: list[tuple[int, int]] = []
    for s, e in sorted((max(0, s - offset), min(len(text), e - offset)) for s, e in spans):
        if e <= s:
            continue
        if local and s <= local[-1][1]:
            local[-1] = (local[-1][0], max(e, local[-1][1]))
        else:
            local.append((s, e))
    starts = [m.start() for m in re.finditer(r"\S+", text)]
    begin, end = 0, len(text)
    if len(starts) > max_words:
        first = local[0][0] if local else 0
        before = sum(1 for s in starts if s < first)
        skip = max(0, min(before - max_words // 4, len(starts) - max_words))
        begin = starts[skip]
        end = starts[skip + max_words] if skip + max_words < len(starts) else len(text)
    pieces: list[str] = []
    cursor = begin
    for s, e in local:
        if e <= begin or s >= end:
            continue
        s, e = max(s, begin), min(e, end)
        pieces.append(esc(text[cursor:s]))
        pieces.append(f"<mark>{esc(text[s:e])}</mark>")
        cursor = e
    pieces.append(esc(text[cursor:end]))
    body = " ".join("".join(pieces).split())
    return Html(("… " if begin > 0 else "") + body + (" …" if end < len(text) else ""))


def words(text: object, n: int = QUOTE_WORDS) -> str:
    words = str(text).split()
    return " ".join(words[:n]) + (" …" if len(words) > n else "")
