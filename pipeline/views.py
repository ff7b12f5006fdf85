"""Plain-text views of a finished run, for the terminal: what ``tematik themes`` prints.

Functions take the run's tables and return text; the CLI only prints it. Evidence is
marked with ``mark`` (``**word**`` by default; the CLI underlines it on a terminal).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd

from pipeline.codebook import Codebook

Mark = Callable[[str], str]


def _stars(word: str) -> str:
    return f"**{word}**"


def highlight(text: str, offset: int, spans: Sequence[tuple[int, int]], mark: Mark = _stars,
              *, max_words: int = 80) -> str:
    """``text`` (starting at transcript offset ``offset``) with each evidence span marked,
    whitespace collapsed, and cut to about ``max_words`` words around the first span."""
    local = sorted({(max(0, s - offset), min(len(text), e - offset)) for s, e in spans
                    if e > offset and s < offset + len(text)})
    merged: list[tuple[int, int]] = []
    for s, e in local:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    begin, end = 0, len(text)
    words = text.split()
    if len(words) > max_words and merged:
        first = merged[0][0]
        before = text[:first].split()
        skip = max(0, len(before) - max_words // 4)
        begin = _word_offset(text, skip)
        end = _word_offset(text, skip + max_words)
    elif len(words) > max_words:
        end = _word_offset(text, max_words)
    pieces, cursor = [], begin
    for s, e in merged:
        if e <= begin or s >= end:
            continue
        s, e = max(s, begin), min(e, end)
        pieces.append(text[cursor:s])
        pieces.append(mark(text[s:e]))
        cursor = e
    pieces.append(text[cursor:end])
    body = " ".join("".join(pieces).split())
    return ("… " if begin > 0 else "") + body + (" …" if end < len(text) else "")


def _word_offset(text: str, n: int) -> int:
    """Character offset where word ``n`` (0-based) of ``text`` starts; len(text) past the end."""
    count, inside = 0, False
    for i, ch in enumerate(text):
        if ch.isspace():
            inside = False
        elif not inside:
            if count == n:
                return i
            count += 1
            inside = True
    return len(text)


def _table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    cells = [[str(c) for c in header]] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    out = []
    for n, row in enumerate(cells):
        out.append("  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                             for i, (c, w) in enumerate(zip(row, widths, strict=True))).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return out


def _matches(value: str, wanted: str) -> bool:
    return wanted.casefold() in value.casefold()


def themes_view(
    codebook: Codebook,
    passages: pd.DataFrame,
    codings: pd.DataFrame,
    evidence: pd.DataFrame,
    matrix: pd.DataFrame,
    *,
    theme: str | None = None,
    informant: str | None = None,
    mark: Mark = _stars,
    limit: int = 20,
) -> str:
    """Coded passages with their evidence marked, and the theme x informant matrix.

    Without ``theme`` prints a summary per theme and the matrix; with ``theme`` (an id, or a
    parent id for it and its sub-themes) lists up to ``limit`` coded passages, best first.
    ``informant`` keeps informants whose name or transcript contains it (case ignored).
    Raises ``KeyError`` for an unknown theme and ``LookupError`` when no informant matches.
    """
    labels = {t.id: t.label_id for t in codebook.themes}
    known = set(labels) | set(codings["theme"])
    if theme is not None and theme not in known and not any(
            k.startswith(theme + ".") for k in known):
        raise KeyError(theme)
    who = passages[passages["role"] == "informant"][["transcript_id", "speaker"]]
    who = who.drop_duplicates()
    if informant is not None:
        who = who[[(_matches(s, informant) or _matches(t, informant))
                   for t, s in zip(who["transcript_id"], who["speaker"], strict=True)]]
        if not len(who):
            raise LookupError(informant)
    keep = set(zip(who["transcript_id"], who["speaker"], strict=True))
    coded = codings[[(t, s) in keep for t, s in
                     zip(codings["transcript_id"], codings["speaker"], strict=True)]]
    lines: list[str] = []
    if theme is None:
        lines += [f"Themes ({codebook.name}, version {codebook.version}): coded passages "
                  "and informants", ""]
        rows: list[list[object]] = []
        for tid in [t.id for t in codebook.themes] + sorted(set(coded["theme"]) - set(labels)):
            sub = coded[coded["theme"] == tid]
            people = sub[["transcript_id", "speaker"]].drop_duplicates()
            rows.append([tid, labels.get(tid, tid), len(sub), len(people)])
        lines += _table(["theme", "label", "passages", "informants"], rows)
    else:
        chosen = coded[(coded["theme"] == theme) | coded["theme"].str.startswith(theme + ".")]
        chosen = chosen.sort_values(["score", "passage_id"], ascending=[False, True],
                                    kind="stable")
        lines += [f"{theme} ({labels.get(theme, theme)}): {len(chosen)} coded passage(s)"
                  + (f", showing {limit}" if len(chosen) > limit else ""), ""]
        spans: dict[tuple[str, str], list[tuple[int, int]]] = {}
        positive = evidence[evidence["weight"] > 0]
        for pid, th, s, e in zip(positive["passage_id"], positive["theme"], positive["start"],
                                 positive["end"], strict=True):
            spans.setdefault((str(pid), str(th)), []).append((int(s), int(e)))
        top = chosen.head(limit)
        texts = dict(zip(passages["passage_id"], passages["text"], strict=True))
        starts = dict(zip(passages["passage_id"], passages["start"], strict=True))
        for pid, speaker, th, score, probability, method in zip(
                top["passage_id"], top["speaker"], top["theme"], top["score"],
                top["probability"], top["method"], strict=True):
            prob = "" if pd.isna(probability) else f", p {float(probability):.2f}"
            lines.append(f"[{pid}] {speaker} · {th} · score {float(score):.2f}{prob} · "
                         f"{method}")
            lines.append("  " + highlight(str(texts[pid]), int(starts[pid]),
                                          spans.get((str(pid), str(th)), []), mark))
            lines.append("")
    lines += ["", "Theme x informant: coded passages (share of the informant's passages); a "
              "parent theme counts passages coded with it or any of its sub-themes"]
    mat = matrix[[(t, s) in keep for t, s in
                  zip(matrix["transcript_id"], matrix["speaker"], strict=True)]]
    if theme is not None:
        mat = mat[(mat["theme"] == theme) | mat["theme"].str.startswith(theme + ".")]
    people = list(dict.fromkeys(zip(mat["transcript_id"], mat["speaker"], strict=True)))
    cell = {(r.theme, r.transcript_id, r.speaker): f"{r.passages} ({r.share:.0%})"
            for r in mat.itertuples()}
    grid: list[list[object]] = [[t] + [cell.get((t, tid, sp), "") for tid, sp in people]
                                for t in dict.fromkeys(mat["theme"])]
    lines += _table(["theme"] + [f"I{i + 1}" for i in range(len(people))], grid)
    lines.append("")
    lines += [f"  I{i + 1} = {sp} ({tid})" for i, (tid, sp) in enumerate(people)]
    return "\n".join(lines)
