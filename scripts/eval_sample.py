"""Per-theme precision and recall of the dictionary coder on the sample corpus.

The reference is the sample corpus's own manual coding (``corpus/_coding_manual.csv``: one
row per coded quote). A quote marks the informant passage that contains it; at passage level
a theme is "in the reference" for a passage when a reference quote with that code lies in it.
The codebook was not written from these transcripts, so this is a fair (if small) check.

    .venv/bin/python scripts/eval_sample.py [--threshold 1.5] [--run runs/sample]

Prints one row per theme (reference passages, coded passages, true positives, precision,
recall, F1), micro and macro averages, and the same at several thresholds.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.codebook import load_codebook  # noqa: E402
from pipeline.config import DEFAULT_CORPUS  # noqa: E402
from pipeline.normalise import Normaliser, normalise  # noqa: E402
from pipeline.resources import load_lexicon  # noqa: E402
from pipeline.run import run  # noqa: E402
from pipeline.segment import Passage, passages_frame  # noqa: E402
from pipeline.themes import DictionaryCoder, codings_frame  # noqa: E402


def reference_pairs(passages: pd.DataFrame, manual: pd.DataFrame) -> set[tuple[str, str]]:
    """(passage_id, code) for every reference quote, placed in the passage holding it."""
    flat = {pid: " ".join(text.split()) for pid, text in
            zip(passages["passage_id"], passages["text"], strict=True)}
    by_transcript = passages.groupby("transcript_id")["passage_id"].apply(list).to_dict()
    pairs = set()
    for tid, code, quote in zip(manual["transcript"], manual["code"], manual["quote"],
                                strict=True):
        q = " ".join(str(quote).split())
        head = " ".join(q.split()[:8])
        pids = [p for p in by_transcript.get(tid, []) if q in flat[p]] or \
               [p for p in by_transcript.get(tid, []) if head in flat[p]]
        if not pids:
            print(f"not located: {tid}: {q[:60]}", file=sys.stderr)
        pairs.update((p, code) for p in pids)
    return pairs


def scores(coded: set[tuple[str, str]], reference: set[tuple[str, str]],
           themes: list[str]) -> pd.DataFrame:
    rows = []
    for theme in themes:
        ref = {p for p, t in reference if t == theme}
        got = {p for p, t in coded if t == theme}
        tp = len(ref & got)
        precision = tp / len(got) if got else float("nan")
        recall = tp / len(ref) if ref else float("nan")
        f1 = (2 * precision * recall / (precision + recall)
              if got and ref and precision + recall else 0.0)
        rows.append((theme, len(ref), len(got), tp, precision, recall, f1))
    return pd.DataFrame(rows, columns=["theme", "reference", "coded", "tp", "precision",
                                       "recall", "f1"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threshold", type=float, default=1.5)
    parser.add_argument("--run", type=Path, default=None,
                        help="an existing run of the sample corpus (default: run it now)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.run or run([], Path(tmp) / "sample").out
        passages = pd.read_parquet(folder / "passages.parquet")
        tokens = pd.read_parquet(folder / "tokens.parquet")
    manual = pd.read_csv(DEFAULT_CORPUS / "_coding_manual.csv")
    book = load_codebook()
    themes = [t.id for t in book.themes if t.id in set(manual["code"])]
    reference = reference_pairs(passages, manual)
    normaliser = Normaliser(load_lexicon())
    pd.set_option("display.width", 120)
    for threshold in sorted({args.threshold, 1.0, 1.5, 2.0, 3.0}):
        result = DictionaryCoder(book, normaliser, threshold=threshold).match(tokens)
        codings = codings_frame(result, passages)
        coded = set(zip(codings["passage_id"], codings["theme"], strict=True))
        table = scores(coded, reference, themes)
        tp, n_got, n_ref = table["tp"].sum(), table["coded"].sum(), table["reference"].sum()
        micro_p, micro_r = tp / n_got, tp / n_ref
        micro_f = 2 * micro_p * micro_r / (micro_p + micro_r)
        print(f"\nthreshold {threshold}: micro P {micro_p:.3f} R {micro_r:.3f} F1 {micro_f:.3f}"
              f" | macro P {table['precision'].mean():.3f} R {table['recall'].mean():.3f} "
              f"F1 {table['f1'].mean():.3f}")
        if threshold == args.threshold:
            print(table.to_string(index=False, float_format=lambda v: f"{v:.2f}"))
    print("\nQuote level: each reference quote coded on its own (as `tematik code` does)")
    quotes = manual.groupby("quote", sort=False)["code"].apply(set)
    units = [Passage(f"q:{i:03d}", "q", "", "informant", 0, len(q), q, "", 0, 0, 0,
                     len(q.split())) for i, q in enumerate(quotes.index)]
    qpassages = passages_frame(units)
    qtokens = normalise(units, normaliser)
    qref = {(u.passage_id, c) for u, codes in zip(units, quotes, strict=True) for c in codes}
    for threshold in sorted({args.threshold, 1.0, 1.5, 2.0}):
        result = DictionaryCoder(book, normaliser, threshold=threshold).match(qtokens)
        codings = codings_frame(result, qpassages)
        coded = set(zip(codings["passage_id"], codings["theme"], strict=True))
        table = scores(coded, qref, themes)
        tp, n_got, n_ref = table["tp"].sum(), table["coded"].sum(), table["reference"].sum()
        micro_p, micro_r = tp / n_got, tp / n_ref
        micro_f = 2 * micro_p * micro_r / (micro_p + micro_r)
        top = result.scores[~result.scores["blocked"]].sort_values(
            ["passage_id", "score"], ascending=[True, False]).drop_duplicates("passage_id")
        hit1 = sum((p, t) in qref for p, t in zip(top["passage_id"], top["theme"], strict=True))
        print(f"threshold {threshold}: micro P {micro_p:.3f} R {micro_r:.3f} F1 {micro_f:.3f}"
              f" | macro F1 {table['f1'].mean():.3f} | best theme right for {hit1}/{len(units)}"
              f" quotes, uncoded {len(units) - codings['passage_id'].nunique()}")
        if threshold == args.threshold:
            print(table.to_string(index=False, float_format=lambda v: f"{v:.2f}"))


if __name__ == "__main__":
    main()
