"""The HTML pieces the report is made of: its style sheet, escaped text, tables, figures and
quotes with their evidence marked. Every piece of transcript text goes through :func:`esc`.

The page reads on a laptop, a phone and paper. On a screen under 40rem wide (a phone), a
table of five or more columns becomes one card per row, each value beside its column's name
(``data-label``), so nothing scrolls sideways; a figure keeps a size its text can be read at
and scrolls inside its frame, with a hint. Printed, the page is A4 with every table inside
the page width.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Iterable, Mapping, Sequence

from pipeline.config import MAX_QUOTE_WORDS, MIN_QUOTE_WORDS
from pipeline.report.data import as_text, shown_count
from pipeline.report.figures import LEGEND_KEYS, NAMES, Chart
from pipeline.stages.quotes import quote_bounds

QUOTE_WORDS = 70
CARD_COLUMNS = 5
"""Tables with this many columns or more become cards on a phone."""
PHONE_PX = 380
"""The width of a phone's page (CSS pixels) a figure is compared with."""
PHONE_SCALE = 0.8
"""How far a figure may shrink on a phone: its 10 pt text stays about 10.7 CSS pixels."""
_SPAN_RE = re.compile(r"(\d+)\s*-\s*(\d+)")
_SVG_WIDTH_RE = re.compile(rb'<svg[^>]*?\swidth="([\d.]+)pt"')

CSS = """
:root { --ink: #1b1b1b; --muted: #5a5a5a; --line: #d0d0d0; --accent: #0072B2;
        --mark: #F0E442; --bg-alt: #f5f7fa; --lead: #eaf3fa; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans",
       sans-serif; color: var(--ink); margin: 0 auto; max-width: 78rem; padding: 1.5rem;
       line-height: 1.45; overflow-wrap: break-word; }
h1 { font-size: 1.7rem; margin: 0 0 .3rem; }
h2 { font-size: 1.35rem; border-bottom: 2px solid var(--accent); padding-bottom: .2rem;
     margin-top: 2.5rem; }
h3 { font-size: 1.1rem; margin-top: 1.8rem; }
h4 { font-size: 1rem; margin: 1.2rem 0 .3rem; }
p.meta, p.note, .muted { color: var(--muted); font-size: .9rem; }
.banner { background: var(--lead); border-left: 4px solid var(--accent); padding: .5rem .8rem;
          margin: .6rem 0; font-size: .95rem; }
.method { background: var(--lead); border-left: 4px solid var(--accent);
          padding: .6rem .9rem; margin: .8rem 0 1.2rem; }
.method h3 { margin: 0 0 .4rem; font-size: 1.05rem; }
.method p { margin: .35rem 0; }
nav ol { columns: 2; font-size: .95rem; }
a { color: var(--accent); }
table { border-collapse: collapse; margin: .6rem 0 1rem; font-size: .88rem; }
th, td { border: 1px solid var(--line); padding: .3rem .45rem; vertical-align: top;
         text-align: left; }
th { background: var(--bg-alt); }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td .ci, td .landmark { display: block; color: var(--muted); font-size: .88em; }
td .ci { white-space: nowrap; }
code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: .8rem;
       white-space: nowrap; }
code.hash { white-space: normal; word-break: break-all; }
.scroll { overflow-x: auto; }
table.agreement td.note { min-width: 15rem; font-size: .8rem; }
table.agreement th { font-size: .8rem; }
table.matrix { table-layout: fixed; width: 100%; margin-bottom: 1.2rem; }
table.matrix col.theme { width: 9.5rem; }
table.matrix td { font-size: .8rem; }
table.matrix td.empty { color: var(--muted); text-align: center; }
table.matrix th .role { display: block; color: var(--muted); font-weight: normal;
                        font-size: .92em; }
table.matrix caption { caption-side: top; text-align: left; color: var(--muted);
                       font-size: .85rem; padding-bottom: .2rem; }
table.matrix q { display: block; margin-top: .2rem; }
tr.sub td:first-child { padding-left: 1.6rem; }
tr.total td { font-weight: 600; background: var(--bg-alt); }
q { quotes: "\\201C" "\\201D"; }
mark { background: var(--mark); color: inherit; padding: 0 .1rem; font-weight: 600; }
figure { margin: 1rem 0 1.4rem; }
figure .frame { overflow-x: auto; }
figure img { max-width: 100%; height: auto; border: 1px solid var(--line); display: block; }
figcaption { color: var(--muted); font-size: .88rem; margin-top: .3rem; }
figcaption b { color: var(--ink); }
.swipe { display: none; }
blockquote { margin: .5rem 0 .9rem; padding: .4rem .8rem; border-left: 4px solid var(--accent);
             background: var(--bg-alt); }
blockquote footer { color: var(--muted); font-size: .82rem; margin-top: .25rem; }
ul.terms { padding-left: 1.1rem; margin: .2rem 0; }
footer.page { margin-top: 3rem; color: var(--muted); font-size: .85rem;
              border-top: 1px solid var(--line); padding-top: .5rem; }
@media screen and (max-width: 40rem) {
  body { padding: .8rem; }
  h1 { font-size: 1.4rem; }
  nav ol { columns: 1; }
  code { white-space: normal; overflow-wrap: anywhere; }
  table { width: 100%; }
  td, th { overflow-wrap: anywhere; }
  table.cards, table.cards tbody, table.cards tr { display: block; }
  table.cards thead, table.cards colgroup { display: none; }
  table.cards tr { border: 1px solid var(--line); margin: 0 0 .7rem; }
  table.cards td, table.cards tbody th { display: grid;
    grid-template-columns: minmax(0, 2fr) minmax(0, 3fr);
    gap: .5rem; border: 0; border-top: 1px solid var(--line); text-align: left;
    white-space: normal; min-width: 0; }
  table.cards tr > :first-child { border-top: 0; }
  table.cards td::before { content: attr(data-label); color: var(--muted); font-weight: 600; }
  table.cards tbody th { display: block; background: var(--bg-alt); }
  table.agreement td.note { min-width: 0; }
  table.cards caption { display: block; }
  table.matrix td { display: block; }
  table.matrix td::before { display: block; }
  table.matrix td.empty { display: none; }
  tr.sub td:first-child { padding-left: .45rem; }
  figure .frame img { max-width: none; width: var(--phone); }
  .swipe { display: block; }
}
@media print {
  @page { size: A4; margin: 14mm 12mm; }
  body { max-width: none; padding: 0; font-size: 9.5pt; }
  .scroll, figure .frame { overflow: visible; }
  table { font-size: 8pt; }
  table.cards { width: 100%; }
  th, td { padding: .2rem .25rem; overflow-wrap: anywhere; }
  code { white-space: normal; overflow-wrap: anywhere; }
  table.agreement { font-size: 7pt; }
  table.agreement td.note { min-width: 7rem; font-size: 6.5pt; }
  table.agreement th { font-size: 6.5pt; overflow-wrap: normal; }
  td .ci { white-space: normal; }
  table.matrix td { font-size: 7.5pt; }
  table.matrix col.theme { width: 6.5rem; }
  tr, blockquote, figure, .method { break-inside: avoid; }
  h2 { break-before: page; }
  h2.toc { break-before: auto; }
  h3, h4 { break-after: avoid; }
  a { color: inherit; text-decoration: none; }
  nav { break-after: page; }
}
"""


class Html(str):
    """A string that is already HTML (escaped where it holds text)."""


def esc(value: object) -> Html:
    """``value`` as text, HTML-escaped (quotes too); NaN and None become an empty string."""
    return Html(html.escape(as_text(value), quote=True))


def cell(value: object, css: str = "", label: str = "", *, card: bool = False) -> str:
    """A table cell; in a card table its value is one element, beside its ``label``."""
    body = value if isinstance(value, Html) else esc(value)
    attrs = (f" class=\"{css}\"" if css else "") + (f" data-label=\"{esc(label)}\""
                                                    if label else "")
    return f"<td{attrs}><span class=\"v\">{body}</span></td>" if card else \
        f"<td{attrs}>{body}</td>"


def table(header: Sequence[str], rows: Iterable[Sequence[object]], *,
          numeric: Sequence[int] = (), css: str = "", row_css: Sequence[str] = (),
          cell_css: Sequence[str] = ()) -> Html:
    """An HTML table: text cells are escaped, :class:`Html` cells kept as they are;
    columns in ``numeric`` are right-aligned, ``cell_css`` gives a column's cells a class.
    Every cell carries its column's name (``data-label``): a table of
    :data:`CARD_COLUMNS` columns or more shows one card per row on a phone."""
    head = "".join(f"<th>{esc(h)}</th>" for h in header)
    card = len(header) >= CARD_COLUMNS
    body = []
    for n, row in enumerate(rows):
        cells = "".join(cell(v, " ".join(c for c in (
            "num" if i in numeric else "", cell_css[i] if i < len(cell_css) else "") if c),
            header[i] if i < len(header) else "", card=card) for i, v in enumerate(row))
        cls = row_css[n] if n < len(row_css) and row_css[n] else ""
        body.append(f"<tr class=\"{cls}\">{cells}</tr>" if cls else f"<tr>{cells}</tr>")
    classes = " ".join(c for c in (css, "cards" if card else "") if c)
    klass = f" class=\"{classes}\"" if classes else ""
    return Html(f"<div class=\"scroll\"><table{klass}><thead><tr>{head}</tr></thead>"
                f"<tbody>{''.join(body)}</tbody></table></div>")


def svg_width_px(svg: bytes) -> float:
    """The width an SVG figure is drawn at, in CSS pixels (matplotlib writes points)."""
    found = _SVG_WIDTH_RE.search(svg[:2000])
    return float(found.group(1)) * 4 / 3 if found else 0.0


def figure(chart: Chart | None, *, number: int = 0, label: str = "", legend: str = "",
           swipe: str = "") -> Html:
    """The chart as an ``<img>`` with its SVG inlined as a data URI, and its caption:
    ``label`` and ``number`` ("Gambar 2"), the title, and ``legend`` (what the marks, numbers
    and colours mean). On a phone it keeps :data:`PHONE_SCALE` of its size and scrolls in
    its frame, with the ``swipe`` hint when it is wider than the phone."""
    if chart is None:
        return Html("")
    data = base64.b64encode(chart.svg).decode("ascii")
    width = svg_width_px(chart.svg)
    phone = round(width * PHONE_SCALE) if width else 0
    style = f" style=\"--phone: {phone}px\"" if phone > PHONE_PX else ""
    hint = f"<p class=\"note swipe\">{esc(swipe)}</p>" if style and swipe else ""
    name = f"<b>{esc(label)} {number}.</b> " if label and number else ""
    caption = f"{name}{esc(chart.title)}" + (f". {esc(legend)}" if legend else "")
    return Html(f"<figure id=\"fig-{esc(chart.name)}\">{hint}<div class=\"frame\"{style}>"
                f"<img src=\"data:image/svg+xml;base64,{data}\" alt=\"{esc(chart.title)}\">"
                f"</div><figcaption>{caption}</figcaption></figure>")


def chart_figure(charts: Mapping[str, Chart], name: str, t: Mapping[str, str]) -> Html:
    """The figure ``name`` of ``charts`` (none when the run has no such figure), numbered in
    page order ("Gambar 2"), its caption saying what its marks mean."""
    chart = charts.get(name)
    if chart is None:
        return Html("")
    number = [n for n in NAMES if n in charts].index(name) + 1
    return figure(chart, number=number, label=t["figure"], legend=t[LEGEND_KEYS[name]],
                  swipe=t["swipe"])


def parse_spans(value: object) -> list[tuple[int, int]]:
    """``"307-312; 338-343"`` (a coding's evidence_spans) as [(307, 312), (338, 343)];
    evidence from the interviewer's question (``pertanyaan``) has no span here."""
    return [(int(a), int(b)) for a, b in _SPAN_RE.findall(as_text(value))]


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


def evidence_quote(text: str, offset: int, spans: Sequence[tuple[int, int]], *,
                   min_words: int = MIN_QUOTE_WORDS,
                   max_words: int = MAX_QUOTE_WORDS) -> Html:
    """The quote that shows why a passage was coded: the sentence of ``text`` (starting at
    transcript offset ``offset``) holding the most evidence ``spans``, with the sentences
    after it (then before it) until it has ``min_words`` words where the passage has them,
    cut to about ``max_words`` around the evidence; escaped, the evidence in ``<mark>``.
    Quotation marks around the whole quote are left to the page's ``<q>``."""
    bounds = quote_bounds(text, offset, spans, min_words=min_words)
    if bounds is None:
        return Html("")
    start, end = bounds
    return marked(text[start:end], offset + start, spans, max_words=max_words)


def words(text: object, n: int = QUOTE_WORDS) -> str:
    words = str(text).split()
    return " ".join(words[:n]) + (" …" if len(words) > n else "")


def shown_note(t: Mapping[str, str], total: int) -> str:
    """Says so when the matrix or a heatmap of ``total`` informants shows only some."""
    shown = shown_count(total)
    if shown == total:
        return ""
    return f"<p class=\"note\">{esc(t['shown_informants'].format(shown=shown, total=total))}</p>"
