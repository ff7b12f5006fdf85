"""The report's figures, drawn with matplotlib (Agg, no display) and returned as PNG and SVG
bytes, for the report and for pasting into a thesis.

Each function takes a :class:`~pipeline.report.data.RunTables` and a language and returns a
:class:`Chart`, or ``None`` when the run lacks the data. Every figure carries its title and,
under it, what its marks mean (in a heatmap: the number is a count, the colour a share) and
how many passages and informants it shows, so a figure pasted alone into a thesis still says
what it is and that the codes are tematik's. Names are wrapped, never cut. Colours are
colour-blind safe (cividis for the heatmaps, the Okabe-Ito palette for lines and bars); the
font is the DejaVu Sans that matplotlib ships, so every machine draws the same glyphs.
Output is deterministic: no dates or software names in the files, fixed SVG ids.
"""

from __future__ import annotations

import hashlib
import io
import textwrap
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
from matplotlib import rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from pipeline.report.data import (
    RunTables,
    as_float,
    as_int,
    count,
    informant_passages,
    informants,
    labels,
    most_passages,
    number,
    theme_names,
    theme_prevalence,
)

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
             "#000000")
HEATMAP = "cividis"
DPI = 150
WRAP = 18
"""Characters per line of an informant's or theme's name on an axis (wrapped, not cut)."""
MAX_LINES = 3
STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "svg.hashsalt": "tematik",
    "svg.fonttype": "path",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "figure.dpi": 100,
    "path.simplify": False,
}
NAMES = ("theme_prevalence", "theme_informant", "theme_cooccurrence", "topic_prevalence",
         "k_selection")
TITLE_KEYS = {"theme_prevalence": "prevalence", "theme_informant": "matrix",
              "theme_cooccurrence": "cooccurrence", "topic_prevalence": "topic_by_informant",
              "k_selection": "k_selection"}
"""Figure name -> the label (in :mod:`pipeline.report.labels`) that is its title."""
LEGEND_KEYS = {"theme_prevalence": "prevalence_legend", "theme_informant": "matrix_legend",
               "theme_cooccurrence": "cooccurrence_legend",
               "topic_prevalence": "topic_legend", "k_selection": "k_legend"}
"""Figure name -> the label that says what its marks, numbers and colours mean."""


@dataclass(frozen=True)
class Chart:
    """One figure: ``name`` (the file stem under ``figures/``), ``title`` (the caption, in
    the report's language), ``png`` and ``svg`` bytes."""

    name: str
    title: str
    png: bytes
    svg: bytes


def wrap(text: str, width: int = WRAP, lines: int = MAX_LINES) -> str:
    """``text`` on lines of about ``width`` characters (at most ``lines``; only a name longer
    than that loses its end, marked "…")."""
    parts = textwrap.wrap(" ".join(str(text).split()), width, break_long_words=False) or [""]
    if len(parts) > lines:
        parts = [*parts[:lines - 1], textwrap.shorten(" ".join(parts[lines - 1:]), width + 6,
                                                      placeholder=" …")]
    return "\n".join(parts)


def _base(run: RunTables, lang: str) -> str:
    """What every theme figure stands on: how many informant passages and informants, and
    that the codes are tematik's."""
    people = informants(run)
    return labels(lang)["figure_base"].format(
        passages=count(people["passages"].sum(), lang), informants=count(len(people), lang))


def _render(name: str, lang: str, draw: Callable[[Figure], None],
            size: tuple[float, float], note: str = "") -> Chart:
    """The figure drawn by ``draw``, under its title and, in smaller type, its legend and
    ``note``."""
    t = labels(lang)
    title = t[TITLE_KEYS[name]]
    subtitle = "\n".join(textwrap.wrap(" ".join(x for x in (t[LEGEND_KEYS[name]], note) if x),
                                       max(60, int(size[0] * 13))))
    with rc_context(STYLE):  # type: ignore[arg-type]
        fig = Figure(figsize=size, layout="constrained")
        FigureCanvasAgg(fig)
        draw(fig)
        fig.suptitle(f"{title}", x=0.01, ha="left", fontsize=12, fontweight="bold")
        if subtitle:
            fig.axes[0].set_title(subtitle, loc="left", fontsize=8.5, color="#444444",
                                  pad=10)
        png, svg = io.BytesIO(), io.BytesIO()
        fig.savefig(png, format="png", dpi=DPI, bbox_inches="tight",
                    metadata={"Software": None})
        fig.savefig(svg, format="svg", bbox_inches="tight",
                    metadata={"Date": None, "Creator": None})
    return Chart(name, title, png.getvalue(), svg.getvalue())


def _heatmap(fig: Figure, values: npt.NDArray[np.float64], rows: Sequence[str],
             cols: Sequence[str], notes: Sequence[Sequence[str]], *, colorbar: str,
             xlabel: str, ylabel: str) -> None:
    ax = fig.add_subplot()
    masked = np.ma.masked_invalid(values)
    top = float(np.nanmax(values)) if np.isfinite(values).any() else 1.0
    top = top if top > 0 else 1.0
    image = ax.imshow(masked, cmap=HEATMAP, vmin=0.0, vmax=top, aspect="auto",
                      interpolation="nearest")
    ax.set_facecolor("#DDDDDD")
    if len(cols) <= FLAT_COLUMNS:  # names side by side, each on a few lines
        ax.set_xticks(range(len(cols)), [wrap(c, 14) for c in cols], fontsize=8.5)
    else:
        ax.set_xticks(range(len(cols)), [wrap(c, 30, 2) for c in cols], rotation=40,
                      ha="right", rotation_mode="anchor", fontsize=8.5)
    ax.set_yticks(range(len(rows)), [wrap(r, 28, 2) for r in rows])
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    for spine in ax.spines.values():
        spine.set_visible(False)
    for i, line in enumerate(notes):
        for j, note in enumerate(line):
            value = values[i, j]
            if note and note != "0" and np.isfinite(value):
                # cividis is dark at the bottom: light text there, dark text at the top.
                colour = "white" if value / top < 0.55 else "black"
                ax.text(j, i, note, ha="center", va="center", fontsize=8, color=colour)
    bar = fig.colorbar(image, ax=ax, fraction=0.04, pad=0.02)
    bar.set_label(colorbar)


FLAT_COLUMNS = 10
"""A heatmap with this many columns or fewer writes their names flat, wrapped."""


def _heat_size(rows: Sequence[str], cols: Sequence[str]) -> tuple[float, float]:
    longest = max((len(line) for r in rows for line in wrap(r, 28, 2).split("\n")), default=10)
    per_column = 0.95 if len(cols) <= FLAT_COLUMNS else 0.5
    width = min(30.0, 2.6 + 0.075 * longest + per_column * len(cols))
    lines = max((wrap(r, 28, 2).count("\n") + 1 for r in rows), default=1)
    height = min(30.0, 2.6 + 0.3 * len(rows) * (1 + 0.25 * (lines - 1)))
    return (max(6.0, width), max(3.5, height))


def theme_prevalence_chart(run: RunTables, lang: str = "id") -> Chart | None:
    """Horizontal bars: the share of informant passages coded with each theme and
    sub-theme (sub-themes indented and in the second colour), with the count."""
    prev = theme_prevalence(run, lang)
    if prev.empty:
        return None
    t = labels(lang)
    names = [("    " * int(d)) + wrap(lab, 34, 2).replace("\n", "\n" + "    " * int(d))
             for lab, d in zip(prev["label"], prev["depth"], strict=True)]
    shares = prev["share"].to_numpy(dtype=float) * 100
    colours = [OKABE_ITO[1] if d else OKABE_ITO[0] for d in prev["depth"]]

    def draw(fig: Figure) -> None:
        ax = fig.add_subplot()
        y = np.arange(len(prev))
        ax.barh(y, shares, color=colours, edgecolor="none")
        ax.set_yticks(y, names)
        ax.invert_yaxis()
        ax.set_xlabel(t["axis_share_passages"] + " (%)")
        limit = max(10.0, float(shares.max()) * 1.25)
        ax.set_xlim(0, limit)
        for yi, share, n in zip(y, shares, prev["passages"], strict=True):
            ax.text(float(share) + limit * 0.01, float(yi), f"{int(n)} ({share:.0f}%)", va="center",
                    fontsize=8)
        handles = [ax.bar(0, 0, color=OKABE_ITO[0], label=t["parent_theme"]),
                   ax.bar(0, 0, color=OKABE_ITO[1], label=t["subtheme"])]
        if prev["depth"].max() > 0:
            ax.legend(handles=handles, loc="lower right", frameon=False)

    size = (7.5, max(3.0, 1.6 + 0.32 * len(prev)))
    return _render("theme_prevalence", lang, draw, size, _base(run, lang))


def theme_informant_chart(run: RunTables, lang: str = "id") -> Chart | None:
    """Heatmap of the theme x informant matrix: colour is the share of the informant's
    passages coded with the theme, the number in the cell the count."""
    if not run.has("theme_matrix", "passages") or run.table("theme_matrix").empty:
        return None
    t = labels(lang)
    m = run.table("theme_matrix")
    people = informants(run)
    who = {(str(a), str(b)): str(c) for a, b, c in
           zip(people["transcript_id"], people["display"], people["informant"], strict=True)}
    keys = most_passages(list(dict.fromkeys(zip(m["transcript_id"].astype(str),
                                                m["display"].astype(str), strict=True))),
                         informant_passages(m))
    themes = list(dict.fromkeys(m["theme"].astype(str)))
    names = theme_names(run, lang)
    cell = {(str(r.theme), str(r.transcript_id), str(r.display)): (as_float(r.share),
                                                                     as_int(r.passages))
            for r in m.itertuples()}
    values = np.array([[cell.get((th, *k), (np.nan, 0))[0] for k in keys] for th in themes],
                      dtype=float)
    notes = [[str(cell.get((th, *k), (0.0, 0))[1]) for k in keys] for th in themes]
    rows = [names.get(th, th) for th in themes]
    cols = [who.get(k, k[1]) for k in keys]

    def draw(fig: Figure) -> None:
        _heatmap(fig, values * 100, rows, cols, notes, colorbar=t["axis_share_passages"]
                 + " (%)", xlabel=t["axis_informant"], ylabel=t["axis_theme"])

    return _render("theme_informant", lang, draw, _heat_size(rows, cols), _base(run, lang))


def cooccurrence_chart(run: RunTables, lang: str = "id") -> Chart | None:
    """Heatmap of theme co-occurrence: colour is the Jaccard index, the number the
    passages coded with both themes. Themes never coded together with another are left
    out; the diagonal is blank."""
    if not run.has("theme_cooccurrence"):
        return None
    co = run.table("theme_cooccurrence")
    co = co[co["passages"] > 0]
    if co.empty:
        return None
    t = labels(lang)
    names = theme_names(run, lang)
    order = list(names) or sorted(set(co["theme_a"]) | set(co["theme_b"]))
    present = set(co["theme_a"].astype(str)) | set(co["theme_b"].astype(str))
    themes = [th for th in order if th in present] + sorted(present - set(order))
    index = {th: i for i, th in enumerate(themes)}
    values = np.full((len(themes), len(themes)), np.nan)
    notes = [["" for _ in themes] for _ in themes]
    for a, b, n, jac in zip(co["theme_a"], co["theme_b"], co["passages"], co["jaccard"],
                            strict=True):
        i, j = index[str(a)], index[str(b)]
        for x, y in ((i, j), (j, i)):
            values[x, y] = float(jac)
            notes[x][y] = str(int(n))
    for i in range(len(themes)):
        values[i, i] = np.nan
    rows = [names.get(th, th) for th in themes]

    def draw(fig: Figure) -> None:
        _heatmap(fig, values, rows, rows, notes, colorbar=t["jaccard"],
                 xlabel=t["axis_theme"], ylabel=t["axis_theme"])

    return _render("theme_cooccurrence", lang, draw, _heat_size(rows, rows),
                   _base(run, lang))


def topic_prevalence_chart(run: RunTables, lang: str = "id") -> Chart | None:
    """Heatmap of topics x informants: colour is the share of the informant's passages
    whose most probable topic it is, the number the count of those passages."""
    if not run.has_topics or not run.has("topic_prevalence"):
        return None
    prev = run.table("topic_prevalence")
    prev = prev[prev["by"] == "informant"]
    if prev.empty:
        return None
    t = labels(lang)
    summary = run.table("topic_summary")
    topic_names = {as_int(k): f"{as_int(k)}. {lab}" for k, lab in
                   zip(summary["topic"], summary["label"], strict=True)}
    present = set(prev["group"].astype(str))
    groups = [g for g in informants(run)["informant"] if g in present]
    groups += sorted(present - set(groups))
    sizes = dict(zip(prev["group"].astype(str), prev["n_passages"].astype(int), strict=True))
    groups = most_passages(groups, sizes)
    topics = sorted({as_int(k) for k in prev["topic"]})
    cell = {(as_int(r.topic), str(r.group)): (as_float(r.share), as_int(r.n_dominant))
            for r in prev.itertuples()}
    values = np.array([[cell.get((k, g), (np.nan, 0))[0] for g in groups] for k in topics],
                      dtype=float)
    notes = [[str(cell.get((k, g), (0.0, 0))[1]) for g in groups] for k in topics]
    rows = [topic_names.get(k, str(k)) for k in topics]

    def draw(fig: Figure) -> None:
        _heatmap(fig, values * 100, rows, groups, notes, colorbar=t["axis_share_passages"]
                 + " (%)", xlabel=t["axis_informant"], ylabel=t["topic"])

    return _render("topic_prevalence", lang, draw,
                   _heat_size(rows, groups))


def k_selection_chart(run: RunTables, lang: str = "id") -> Chart | None:
    """Lines of c_npmi, stability and score for every K tried, the chosen K marked."""
    if not run.has_topics or not run.has("k_report") or len(run.table("k_report")) < 2:
        return None
    t = labels(lang)
    k = run.table("k_report").sort_values("k")
    series = [("c_npmi", "c_npmi", "o", "-"), ("stability", t["stability"], "s", "--"),
              ("score", t["score_line"], "^", "-.")]
    chosen = k.loc[k["chosen"].astype(bool), "k"]

    def draw(fig: Figure) -> None:
        ax = fig.add_subplot()
        for (column, name, marker, style), colour in zip(series, OKABE_ITO, strict=False):
            ax.plot(k["k"], k[column].astype(float), marker=marker, linestyle=style,
                    color=colour, label=name, markersize=4)
        if len(chosen):
            best = as_int(chosen.iloc[0])
            ax.axvline(best, color=OKABE_ITO[5], linestyle=":", linewidth=1.5,
                       label=f"{t['chosen_k']} = {best}")
        ax.set_xticks(list(k["k"].astype(int)))
        ax.set_xlabel(t["axis_k"])
        ax.set_ylabel(t["axis_value"])
        ax.legend(frameon=False, loc="center left", bbox_to_anchor=(1.0, 0.5))
        ax.yaxis.set_major_formatter(lambda v, _pos: number(v, lang, 2))

    return _render("k_selection", lang, draw, (7.5, 4.0))


MAKERS: dict[str, Callable[[RunTables, str], Chart | None]] = {
    "theme_prevalence": theme_prevalence_chart,
    "theme_informant": theme_informant_chart,
    "theme_cooccurrence": cooccurrence_chart,
    "topic_prevalence": topic_prevalence_chart,
    "k_selection": k_selection_chart,
}
INPUTS = {"theme_prevalence": ("theme_matrix",),
          "theme_informant": ("theme_matrix", "passages"),
          "theme_cooccurrence": ("theme_cooccurrence",),
          "topic_prevalence": ("topic_prevalence", "topic_summary", "passages"),
          "k_selection": ("k_report",)}
"""The tables each figure is drawn from (besides the codebook's labels)."""
_CACHE: OrderedDict[tuple[str, str, str], Chart | None] = OrderedDict()
CACHE_SIZE = 20


def _digest(run: RunTables, names: Sequence[str]) -> str:
    """A fingerprint of what a figure is drawn from: its tables, the codebook, whether the
    run has topics."""
    h = hashlib.sha256(f"{run.has_topics}|{run.codebook.sha256 if run.codebook else ''}"
                       .encode())
    for name in names:
        if name in run.tables:
            frame = run.tables[name]
            h.update(f"|{name}|{','.join(map(str, frame.columns))}|{len(frame)}|".encode())
            h.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return h.hexdigest()


def _key(run: RunTables, lang: str, name: str) -> tuple[str, str, str]:
    return (name, lang, _digest(run, INPUTS[name]))


def draw_chart(name: str, run: RunTables, lang: str = "id") -> Chart | None:
    """The figure ``name`` (one of :data:`NAMES`) of the run, drawn now."""
    return MAKERS[name](run, lang)


DRAW_COST = ("theme_informant", "theme_cooccurrence", "topic_prevalence", "theme_prevalence",
             "k_selection")
"""The figures, the slowest to draw first (measured on 10- and 1,000-interview runs)."""


def make_charts(run: RunTables, lang: str = "id",
                draw: Callable[[Sequence[str]], Mapping[str, Chart | None]] | None = None,
                ) -> dict[str, Chart]:
    """Every figure the run has data for, by name (in :data:`NAMES` order).

    Figures are a pure function of their tables, so the last few are remembered by a
    fingerprint of those tables: drawing the same data again (the same corpus run twice in
    one process, a report rewritten) returns the same bytes without drawing. ``draw`` is
    called once with the names of the figures not remembered (perhaps none; the slowest to
    draw first, see :data:`DRAW_COST`) and returns them drawn, e.g. by :func:`draw_chart`
    in worker processes; by default they are drawn here, one after another."""
    keys = {name: _key(run, lang, name) for name in NAMES}
    made = {n: _CACHE[keys[n]] for n in NAMES if keys[n] in _CACHE}
    missing = [n for n in DRAW_COST if n not in made]
    made.update(draw(missing) if draw is not None
                else {n: draw_chart(n, run, lang) for n in missing})
    for name in NAMES:  # remembered as the most recent
        _CACHE[keys[name]] = made[name]
        _CACHE.move_to_end(keys[name])
    while len(_CACHE) > CACHE_SIZE:
        _CACHE.popitem(last=False)
    return {name: chart for name in NAMES if (chart := made[name]) is not None}
