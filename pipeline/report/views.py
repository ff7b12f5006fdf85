"""Plain-text views of a finished run, for the terminal: what ``tematik themes`` prints.

Functions take the run's tables and return text; the CLI only prints it. Evidence is
marked with ``mark`` (``**word**`` by default; the CLI underlines it on a terminal).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import pandas as pd

from pipeline.agreement.landmarks import Lang, alpha_landmark, kappa_landmark
from pipeline.stages.quotes import answer_evidence
from pipeline.stages.segment import display_of
from pipeline.types import Codebook

if TYPE_CHECKING:  # only for annotations: compare's coders import spaCy and scikit-learn
    from pipeline.agreement.compare import CompareResult, Comparison

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


def _rows(mask: list[bool], frame: pd.DataFrame) -> pd.Series:
    """A row mask for ``frame`` (a plain empty list would select no columns)."""
    return pd.Series(mask, index=frame.index, dtype=bool)


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

    One definition of a theme's count throughout, the matrix's: the passages coded with
    the theme or any of its sub-themes, each passage once, and the informants with at least
    one of them. Without ``theme`` prints that count per theme and the matrix; with
    ``theme`` (an id, or a parent id for it and its sub-themes) lists up to ``limit`` coded
    passages, best first, each once with every theme of it that was asked for.
    ``informant`` keeps informants whose name or transcript contains it (case ignored).
    Raises ``KeyError`` for an unknown theme and ``LookupError`` when no informant matches.
    """
    labels = {t.id: t.label_id for t in codebook.themes}
    known = set(labels) | set(codings["theme"])
    if theme is not None and theme not in known and not any(
            k.startswith(theme + ".") for k in known):
        raise KeyError(theme)
    informants = passages[passages["role"] == "informant"]
    person = dict(zip(informants["passage_id"].astype(str), display_of(informants),
                      strict=True))
    who = informants.assign(display=display_of(informants))[["transcript_id", "display"]]
    who = who.drop_duplicates()
    if informant is not None:
        who = who[_rows([(_matches(s, informant) or _matches(t, informant))
                         for t, s in zip(who["transcript_id"], who["display"], strict=True)],
                        who)]
        if not len(who):
            raise LookupError(informant)
    keep = set(zip(who["transcript_id"], who["display"], strict=True))
    if "display" not in matrix:  # a run written before display names
        matrix = matrix.rename(columns={"speaker": "display"})
    mat = matrix[_rows([(t, s) in keep for t, s in
                        zip(matrix["transcript_id"], matrix["display"], strict=True)], matrix)]
    lines: list[str] = []
    if theme is None:
        lines += [f"Themes ({codebook.name}, version {codebook.version}): passages coded with "
                  "the theme or any of its sub-themes (each passage once)",
                  "and the informants who said them, counted as in the matrix below", ""]
        rows: list[list[object]] = []
        order = [t.id for t in codebook.themes]
        for tid in order + [t for t in dict.fromkeys(mat["theme"]) if t not in labels]:
            sub = mat[mat["theme"] == tid]
            rows.append([tid, labels.get(tid, tid), int(sub["passages"].sum()),
                         int((sub["passages"] > 0).sum())])
        lines += _table(["theme", "label", "passages", "informants"], rows)
    else:
        lines += _passages_of(theme, labels, codings, passages, evidence, person, keep,
                              mark, limit)
        mat = mat[(mat["theme"] == theme) | mat["theme"].str.startswith(theme + ".")]
    lines += ["", "Theme x informant: coded passages (share of the informant's passages); a "
              "parent theme counts passages coded with it or any of its sub-themes"]
    people = list(dict.fromkeys(zip(mat["transcript_id"], mat["display"], strict=True)))
    cell = {(r.theme, r.transcript_id, r.display): f"{r.passages} ({r.share:.0%})"
            for r in mat.itertuples()}
    grid: list[list[object]] = [[t] + [cell.get((t, tid, sp), "") for tid, sp in people]
                                for t in dict.fromkeys(mat["theme"])]
    lines += _table(["theme"] + [f"I{i + 1}" for i in range(len(people))], grid)
    lines.append("")
    lines += [f"  I{i + 1} = {sp} ({tid})" for i, (tid, sp) in enumerate(people)]
    return "\n".join(lines)


def _passages_of(theme: str, labels: dict[str, str], codings: pd.DataFrame,
                 passages: pd.DataFrame, evidence: pd.DataFrame, person: dict[str, str],
                 keep: set[tuple[str, str]], mark: Mark, limit: int) -> list[str]:
    """The passages coded with ``theme`` or one of its sub-themes, each once (its best
    coding first), evidence of every one of those themes marked."""
    coded = codings.assign(display=[person.get(str(p), "") for p in codings["passage_id"]])
    coded = coded[_rows([(t, s) in keep for t, s in
                         zip(coded["transcript_id"], coded["display"], strict=True)], coded)]
    chosen = coded[(coded["theme"] == theme) | coded["theme"].str.startswith(theme + ".")]
    chosen = chosen.sort_values(["score", "passage_id"], ascending=[False, True],
                                kind="stable")
    themes_of = {str(pid): list(dict.fromkeys(g["theme"].astype(str)))
                 for pid, g in chosen.groupby("passage_id", sort=False)}
    best = chosen.drop_duplicates("passage_id")
    n = len(best)
    lines = [f"{theme} ({labels.get(theme, theme)}): {n} coded passage(s)"
             + (f", showing {limit}" if n > limit else ""), ""]
    spans: dict[tuple[str, str], list[tuple[int, int]]] = {}
    positive = answer_evidence(evidence)
    for pid, th, s, e in zip(positive["passage_id"], positive["theme"], positive["start"],
                             positive["end"], strict=True):
        spans.setdefault((str(pid), str(th)), []).append((int(s), int(e)))
    top = best.head(limit)
    texts = dict(zip(passages["passage_id"], passages["text"], strict=True))
    starts = dict(zip(passages["passage_id"], passages["start"], strict=True))
    for pid, speaker, score, probability, method in zip(
            top["passage_id"], top["display"], top["score"], top["probability"],
            top["method"], strict=True):
        prob = "" if pd.isna(probability) else f", p {float(probability):.2f}"
        ths = themes_of[str(pid)]
        lines.append(f"[{pid}] {speaker} · {', '.join(ths)} · score {float(score):.2f}{prob} "
                     f"· {method}")
        marked = [span for th in ths for span in spans.get((str(pid), th), [])]
        lines.append("  " + highlight(str(texts[pid]), int(starts[pid]), marked, mark))
        lines.append("")
    return lines


def _num(value: object, digits: int = 2) -> str:
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return ""
    return "–" if x != x else f"{x:.{digits}f}"


def _ci(row: pd.Series, stat: str) -> str:
    low, high = _num(row.get(f"{stat}_low")), _num(row.get(f"{stat}_high"))
    return f"[{low}, {high}]" if low not in ("", "–") else ""


def agreement_lines(table: pd.DataFrame, a: str, b: str) -> list[str]:
    """The agreement table as aligned text: counts, kappa with its interval and landmark,
    alpha, precision/recall/F1 of ``b`` against ``a``."""
    rows: list[list[object]] = []
    for _, r in table.iterrows():
        theme = str(r["theme"]) if r["theme"] != "*" else str(r["level"])
        rows.append([theme, int(r["n_units"]), int(r["both"]), int(r["only_a"]),
                     int(r["only_b"]), _num(r["kappa"]), _ci(r, "kappa"),
                     str(r["kappa_landmark"]), _num(r["alpha"]), _num(r["precision"]),
                     _num(r["recall"]), _num(r["f1"])])
    header = ["theme", "units", "both", f"only {a}"[:18], f"only {b}"[:18], "kappa", "95% CI",
              "landmark", "alpha", "P", "R", "F1"]
    return _table(header, rows)


def landmark_legend(lang: str = "en") -> str:
    """Every landmark the tables can show, in the tables' language: Landis & Koch's six
    bands for kappa and Krippendorff's three for alpha."""
    lang_: Lang = "id" if lang == "id" else "en"
    kappa = [("< 0", -0.5), ("0.00-0.20", 0.1), ("0.21-0.40", 0.3), ("0.41-0.60", 0.5),
             ("0.61-0.80", 0.7), ("0.81-1.00", 0.9)]
    alpha = [(">= 0.800", 0.9), ("0.667-0.799", 0.7), ("< 0.667", 0.5)]
    return ("Landmarks: kappa " + ", ".join(f"{band} {kappa_landmark(v, lang_)}"
                                             for band, v in kappa)
            + " (Landis & Koch 1977); alpha " + ", ".join(
                f"{band} {alpha_landmark(v, lang_)}" for band, v in alpha)
            + " (Krippendorff 2004).")


def scope_lines(comp: Comparison) -> list[str]:
    """What the comparison counted: the transcripts (or passages) the manual coding touched
    and the transcripts left out, or every transcript of the run."""
    names = list(comp.scope_transcripts)
    shown = ", ".join(names[:6]) + (f" and {len(names) - 6} more" if len(names) > 6 else "")
    what = "characters" if comp.unit == "character" else f"{comp.unit}s"
    if comp.scope.kind == "all":
        return [f"Scope: every transcript of the run ({len(names)}); a passage you did not "
                "code counts as 'absent' in your coding."]
    if comp.scope.by == "passage":
        head = (f"Scope: the {len(comp.scope_passages)} passage(s) your sheet names, in "
                f"{len(names)} transcript(s) ({shown}); a passage named without a code counts "
                "as coded with no theme")
    else:
        head = f"Scope: the {len(names)} transcript(s) your coding touched ({shown})"
    left = len(comp.scope_left_out)
    counted = f"{comp.units:,} of {comp.units_all:,} {what} compared"
    tail = f"; {counted}, {left} transcript(s) left out." if left else f"; {counted}."
    return [head + tail, "Use --scope all to count every transcript (a passage you did not "
            "code then counts as 'absent' in your coding)."]


def compare_view(result: CompareResult, *, n_disagreements: int = 10) -> str:
    """What ``tematik compare`` prints."""
    comp = result.comparison
    n = len(comp.themes)
    lines = [f"Agreement of tematik with {comp.reference} ({comp.unit} level, {comp.units:,} "
             f"units, {n} theme{'' if n == 1 else 's'})"]
    lines += scope_lines(comp)
    lines.append("")
    if comp.unit == "character":
        lines += comp.agreement.to_string(index=False).splitlines()
    else:
        lines += agreement_lines(comp.agreement, comp.reference, "tematik")
    lines += ["", "P, R, F1: tematik's precision, recall and F1 with the manual coding as "
              "reference.", landmark_legend(comp.lang)]
    if len(comp.pairwise):
        lines += ["", "Between coders (each pair; micro over themes):"]
        micro = comp.pairwise[comp.pairwise["level"] == "micro"]
        rows: list[list[object]] = [
            [f"{r['coder_a']} vs {r['coder_b']}", str(r["pair"]), _num(r["kappa"]),
             _ci(r, "kappa"), str(r["kappa_landmark"]), _num(r["alpha"]), _num(r["f1"])]
            for _, r in micro.iterrows()]
        lines += _table(["pair", "kind", "kappa", "95% CI", "landmark", "alpha", "F1"], rows)
    if result.curve is not None:
        lines += ["", "Learning curve: tematik trained on part of your coding, scored on the "
                  "transcripts it did not see (micro over themes):"]
        curve_rows: list[list[object]] = [
            [f"{r['share']:.0%}", str(r["method"]), int(r["training_passages"]),
             _num(r["kappa"]), _num(r["precision"]), _num(r["recall"]), _num(r["f1"]),
             _num(r["macro_f1"])] for _, r in result.curve.iterrows()]
        lines += _table(["share", "method", "trained on", "kappa", "P", "R", "F1",
                         "macro F1"], curve_rows)
    dis = comp.disagreements
    if len(dis):
        lines += ["", f"Disagreements: {len(dis):,} (missed by tematik "
                  f"{int((dis['kind'] == 'missed by tematik').sum()):,}, extra "
                  f"{int((dis['kind'] == 'extra by tematik').sum()):,}); first "
                  f"{min(n_disagreements, len(dis))}:"]
        for _, d in dis.head(n_disagreements).iterrows():
            said = str(d["text"]).split()
            evidence = f" evidence: {d['tematik_evidence']}" if d["tematik_evidence"] else ""
            lines.append(f"  [{d['unit_id']}] {d['theme']}: {d['kind']}{evidence}")
            lines.append(f"      {' '.join(said[:25])}{' …' if len(said) > 25 else ''}")
    if result.manual.unlocated:
        lines += ["", f"Quotes not found in the transcripts ({len(result.manual.unlocated)}):"]
        for u in result.manual.unlocated[:10]:
            lines.append(f"  line {u.row} ({u.transcript_id}, {u.code}): "
                         f"\"{' '.join(u.quote.split()[:12])}…\"")
            lines.append(f"      closest ({u.similarity:.0%} alike): "
                         f"\"{' '.join(u.closest.split()[:12])}…\"")
    if result.unmapped:
        codes = ", ".join(f"{c} ({n})" for c, n in sorted(result.unmapped.items()))
        lines += ["", f"Codes not mapped to a theme (not compared; use --map): {codes}"]
    for note in result.warnings:
        lines += ["", f"Note: {note}"]
    lines += ["", "Written: " + ", ".join(str(p) for p in result.written)]
    return "\n".join(lines)


def supervised_view(cv: pd.DataFrame, terms: pd.DataFrame, *, n_terms: int = 8) -> str:
    """The trained coder: its cross-validated scores and most indicative terms per theme."""
    lines = ["Supervised coder (trained with --train): cross-validated scores and the terms "
             "that most indicate each theme", ""]
    top = {str(t): ", ".join(g.sort_values("rank")["term"].astype(str).head(n_terms))
           for t, g in terms.groupby("theme")}
    rows: list[list[object]] = [
        [str(r["theme"]), _num(r["precision"]), _num(r["recall"]), _num(r["f1"]),
         int(r["support"]) if r["support"] == r["support"] else "",
         top.get(str(r["theme"]), str(r["status"]) if "status" in r else "")]
        for _, r in cv.iterrows()]
    lines += _table(["theme", "P", "R", "F1", "coded", "indicative terms"], rows)
    return "\n".join(lines)


def saturation_view(table: pd.DataFrame, counts: dict[str, int]) -> str:
    """What ``tematik apply`` prints: the new transcripts, then what they add."""
    lines = [f"Applied to {counts.get('transcripts', 0)} new transcript(s): "
             f"{counts.get('passages', 0)} passages, {counts.get('codings', 0)} codings", "",
             "Saturation: what the new interviews add to the run (share of passages)"]
    for kind in ("theme", "topic"):
        part = table[table["kind"] == kind]
        if not len(part):
            continue
        rows: list[list[object]] = [
            [str(r["id"]), str(r["label"])[:40], f"{r['run_passages']} ({r['run_share']:.0%})",
             f"{r['new_passages']} ({r['new_share']:.0%})", str(r["status"])]
            for _, r in part.iterrows()]
        lines += ["", *_table([kind, "label", "run", "new", "status"], rows)]
    added = table[table["status"] == "new in the new interviews"]
    lines += ["", "Nothing new: every theme and topic of the new interviews was already in the "
              "run." if added.empty else "New in the new interviews: " + ", ".join(
                  f"{k} {i}" for k, i in zip(added["kind"], added["id"], strict=True))]
    return "\n".join(lines)


def matching_view(table: pd.DataFrame) -> str:
    """How far the topics moved in a refit: each new topic beside the old one it matches."""
    rows: list[list[object]] = [
        [int(r["topic"]), str(r["label"])[:36], int(r["run_topic"]) or "-",
         str(r["run_label"])[:36], f"{r['overlap']:.0%}"] for _, r in table.iterrows()]
    mean = float(table["overlap"].mean()) if len(table) else 0.0
    return "\n".join([f"Topics against the earlier run (top-15 term overlap; mean {mean:.0%}):",
                      "", *_table(["topic", "label", "was", "earlier label", "overlap"], rows)])
