"""How well the codebook coder codes, on coded text it was not written from.

Quote sets, each coded as ``tematik code`` codes a sheet (defaults: threshold, no fallback):

- ``dev``: tests/data/quotes_informant/dev.csv, 180 informant quotes written like real thesis
  quotes (spoken, indirect, a quarter about other topics), labelled as they were written;
- ``holdout``: the same set's holdout.csv (120 quotes), only with --holdout; it was used
  for the final measurement of codebook version 3 and its errors studied since;
- ``fresh``: fresh.csv (150 quotes written later, the same way), only with --fresh; it was
  untouched until the final measurement of the model trained on 4,420 quotes (README);
- ``fresh2``: fresh2.csv (200 quotes written later still, by another writer who never saw
  the codebook's cues), only with --fresh2: untouched until the final measurement of the
  model trained on 6,407 quotes (README);
- ``definitions``: tests/data/quotes/heldout.csv, 257 quotes written from the themes'
  definitions (the earlier evaluation; it shares their words, so it flatters the coder);
- ``sample``: the sample corpus's manual coding (corpus/_coding_manual.csv), at passage level
  as ``tematik run`` codes it.

For each set: micro- and macro-F1 over top-level themes (macro over themes with at least 4
quotes), per-theme precision/recall/F1 with 95% bootstrap intervals, the share of other-topic
quotes left uncoded, the share of performance quotes coded with their dimension, how many
quotes get more than one top-level theme (against the reference), and with --errors the
quotes coded wrongly. Sets with a ``question`` column are also coded with the question as
context (``+question``).

    .venv/bin/python scripts/eval_codebook.py [--sets dev,definitions,sample] [--holdout] [--fresh]
        [--fresh2] [--codebook FILE] [--threshold 1.5] [--resamples 1000] [--errors 20]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.config import DEFAULT_CORPUS, RunConfig  # noqa: E402
from pipeline.readers.codebook import load_codebook  # noqa: E402
from pipeline.readers.manual import read_manual_sheet  # noqa: E402
from pipeline.resources import DEFAULT_CODEBOOK  # noqa: E402
from pipeline.runs.code import code_texts  # noqa: E402
from pipeline.runs.run import run  # noqa: E402
from pipeline.types import Codebook  # noqa: E402

DATA = ROOT / "tests" / "data"
SETS = {
    "dev": DATA / "quotes_informant" / "dev.csv",
    "holdout": DATA / "quotes_informant" / "holdout.csv",
    "fresh": DATA / "quotes_informant" / "fresh.csv",
    "fresh2": DATA / "quotes_informant" / "fresh2.csv",
    "definitions": DATA / "quotes" / "heldout.csv",
}
LATER_SETS = {
    "holdout": "version 3's final measurement",
    "fresh": "the final measurement of the model trained on 4,420 quotes",
    "fresh2": "the final measurement of the model trained on 6,407 quotes",
}
"""Sets scored only on request (``--holdout``...), each once kept for a final measurement."""
OTHER = "other"
MIN_QUOTES = 4


def load_set(name: str) -> pd.DataFrame:
    """One row per quote: id, text, question, labels (a set of theme ids; empty = other)."""
    frame = pd.read_csv(SETS[name], dtype=str, keep_default_na=False)
    if "labels" in frame:
        labels = [frozenset(x for x in v.split(";") if x and x != OTHER)
                  for v in frame["labels"]]
        return pd.DataFrame({"id": frame["id"], "text": frame["text"],
                             "question": frame.get("question", ""), "labels": labels})
    grouped = frame.groupby("id", sort=False).agg(quote=("quote", "first"),
                                                   theme=("theme", frozenset))
    return pd.DataFrame({"id": grouped.index, "text": grouped["quote"], "question": "",
                         "labels": list(grouped["theme"])}).reset_index(drop=True)


def top(themes: frozenset[str]) -> frozenset[str]:
    return frozenset(t.split(".")[0] for t in themes)


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def theme_scores(ref: list[frozenset[str]], got: list[frozenset[str]],
                 themes: list[str]) -> dict[str, tuple[int, int, int]]:
    out = {}
    for t in themes:
        tp = sum(t in r and t in g for r, g in zip(ref, got, strict=True))
        fp = sum(t not in r and t in g for r, g in zip(ref, got, strict=True))
        fn = sum(t in r and t not in g for r, g in zip(ref, got, strict=True))
        out[t] = (tp, fp, fn)
    return out


def summary(ref: list[frozenset[str]], got: list[frozenset[str]],
            themes: list[str]) -> tuple[float, float]:
    counts = theme_scores(ref, got, themes)
    tp, fp, fn = (sum(c[i] for c in counts.values()) for i in range(3))
    micro = prf(tp, fp, fn)[2]
    macro = float(np.mean([prf(*counts[t])[2] for t in themes])) if themes else 0.0
    return micro, macro


def evaluate(name: str, quotes: pd.DataFrame, coded: pd.DataFrame, book: Codebook,
             resamples: int, errors: int) -> dict[str, float]:
    got_full = {i: frozenset(g["theme"]) for i, g in coded.groupby("id")}
    ref_full = list(quotes["labels"])
    got_list = [got_full.get(i, frozenset()) for i in quotes["id"]]
    ref = [top(r) for r in ref_full]
    got = [top(g) for g in got_list]
    tops = [t.id for t in book.themes if t.parent is None]
    themes = [t for t in tops if sum(t in r for r in ref) >= MIN_QUOTES]
    micro, macro = summary(ref, got, themes)
    rng = np.random.default_rng(0)
    boot: list[dict[str, tuple[int, int, int]]] = []
    for _ in range(resamples):
        pick = rng.integers(0, len(ref), len(ref))
        boot.append(theme_scores([ref[i] for i in pick], [got[i] for i in pick], themes))
    others = [i for i, r in enumerate(ref) if not r]
    uncoded = sum(not got[i] for i in others) / len(others) if others else float("nan")
    dims = [(i, d) for i, r in enumerate(ref_full) for d in r if "." in d]
    dim_hit = sum(d in got_list[i] for i, d in dims) / len(dims) if dims else float("nan")
    multi_ref = sum(len(r) > 1 for r in ref)
    multi_got = sum(len(g) > 1 for g in got)
    print(f"\n== {name}: {len(ref)} quotes, {len(others)} about other topics")
    print(f"macro-F1 {macro:.3f} (over {len(themes)} top-level themes with >= {MIN_QUOTES} "
          f"quotes)  micro-F1 {micro:.3f}")
    print(f"other-topic quotes left uncoded: {uncoded:.1%}   performance dimension right: "
          f"{dim_hit:.1%} of {len(dims)}   quotes with 2+ top-level themes: {multi_got} "
          f"(reference {multi_ref})")
    print(f"{'theme':<20} {'n':>3}  {'P':>5} {'[95% CI]':>13}  {'R':>5} {'[95% CI]':>13}  "
          f"{'F1':>5}  fp  fn")
    counts = theme_scores(ref, got, themes)
    for t in themes:
        p, r, f = prf(*counts[t])
        ps = [prf(*b[t])[0] for b in boot]
        rs = [prf(*b[t])[1] for b in boot]
        n = counts[t][0] + counts[t][2]
        print(f"{t:<20} {n:>3}  {p:5.2f} {ci(ps):>13}  {r:5.2f} {ci(rs):>13}  {f:5.2f} "
              f"{counts[t][1]:>3} {counts[t][2]:>3}")
    if errors:
        wrong = [i for i in range(len(ref)) if ref[i] != got[i]][:errors]
        print(f"-- first {len(wrong)} quotes coded differently (reference -> tematik):")
        for i in wrong:
            row = quotes.iloc[i]
            ev = coded[coded["id"] == row["id"]][["theme", "evidence"]].to_dict("records")
            print(f"  {row['id']} {sorted(ref_full[i]) or ['other']} -> "
                  f"{sorted(got_list[i]) or ['none']}: {row['text'][:110]!r}")
            for e in ev:
                print(f"      {e['theme']}: {e['evidence']}")
    return {"macro": macro, "micro": micro, "uncoded": uncoded, "dimension": dim_hit}


def ci(xs: list[float]) -> str:
    """A 95% bootstrap interval."""
    return f"[{np.percentile(xs, 2.5):.2f}, {np.percentile(xs, 97.5):.2f}]" if xs else ""


def code_set(quotes: pd.DataFrame, book: Codebook, threshold: float,
             with_question: bool) -> pd.DataFrame:
    return code_texts(list(quotes["text"]), list(quotes["id"]), codebook=book,
                      questions=list(quotes["question"]) if with_question else None,
                      threshold=threshold)


def sample_passages(book_path: Path, threshold: float, resamples: int) -> None:
    """The sample corpus's manual coding, at passage level as ``tematik run`` codes it."""
    with tempfile.TemporaryDirectory() as tmp:
        out = run([], Path(tmp) / "sample", config=RunConfig(codebook=book_path,
                                                             threshold=threshold, topics=0))
        passages = pd.read_parquet(out.out / "passages.parquet")
        transcripts = pd.read_parquet(out.out / "transcripts.parquet")
        codings = pd.read_parquet(out.out / "codings.parquet")
    manual = read_manual_sheet(DEFAULT_CORPUS / "_coding_manual.csv", transcripts, passages)
    segs = manual.segments
    book = load_codebook(book_path)
    tops = [t.id for t in book.themes if t.parent is None]
    located: dict[str, set[str]] = {}
    for row in segs.itertuples():
        hit = passages[(passages["transcript_id"] == row.transcript_id)
                       & (passages["start"] < row.end) & (passages["end"] > row.start)]
        for pid in hit["passage_id"]:
            located.setdefault(str(pid), set()).add(str(row.code).split(".")[0])
    ids = sorted(located)
    ref = [frozenset(located[i]) for i in ids]
    got_map = {p: top(frozenset(g["theme"])) for p, g in codings.groupby("passage_id")}
    got = [got_map.get(i, frozenset()) for i in ids]
    themes = [t for t in tops if sum(t in r for r in ref) >= MIN_QUOTES]
    micro, macro = summary(ref, got, themes)
    counts = theme_scores(ref, got, themes)
    tp, fp, fn = (sum(c[i] for c in counts.values()) for i in range(3))
    p, r, _ = prf(tp, fp, fn)
    print(f"\n== sample corpus: {len(ids)} passages holding a manually coded quote "
          f"(precision is a lower bound: the manual coding marks example quotes)")
    print(f"macro-F1 {macro:.3f}  micro-F1 {micro:.3f}  micro P {p:.3f} R {r:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sets", default="dev,definitions,sample")
    for name, used in LATER_SETS.items():
        parser.add_argument(f"--{name}", action="store_true",
                            help=f"also the {name} set (used for {used})")
    parser.add_argument("--codebook", type=Path, default=DEFAULT_CODEBOOK)
    parser.add_argument("--threshold", type=float, default=RunConfig.threshold)
    parser.add_argument("--resamples", type=int, default=1000)
    parser.add_argument("--errors", type=int, default=0)
    args = parser.parse_args()
    book = load_codebook(args.codebook)
    names = [s for s in args.sets.split(",") if s] + [n for n in LATER_SETS if getattr(args, n)]
    for name in names:
        if name == "sample":
            sample_passages(args.codebook, args.threshold, args.resamples)
            continue
        quotes = load_set(name)
        evaluate(name, quotes, code_set(quotes, book, args.threshold, False), book,
                 args.resamples, args.errors)
        if (quotes["question"] != "").any():
            evaluate(f"{name}+question", quotes, code_set(quotes, book, args.threshold, True),
                     book, args.resamples, 0)


if __name__ == "__main__":
    main()
