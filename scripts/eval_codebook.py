"""Precision and recall of the dictionary coder per theme, on coded text we hold.

Two references, neither used to write the codebook:

1. The sample corpus's manual coding (``corpus/_coding_manual.csv``): each reference quote
   marks the informant passage holding it, and the run's passage codings are scored
   against those (passage level), and each quote is also coded on its own (quote level).
   The reference picks example quotes rather than coding every passage, so passage-level
   precision is a lower bound.
2. The held-out quotes (``tests/data/quotes/heldout.csv``, see its README), coded on their
   own; reported for the odd ids (used to choose the relative-score rule) and the even ids
   (untouched) separately.

    .venv/bin/python scripts/eval_codebook.py [--threshold 1.5] [--codebook FILE]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.config import (  # noqa: E402
    DEFAULT_CORPUS,
    EXCERPT_FALLBACK,
    RunConfig,
)
from pipeline.readers.codebook import load_codebook  # noqa: E402
from pipeline.readers.manual import read_manual_sheet  # noqa: E402
from pipeline.resources import DEFAULT_CODEBOOK, load_lexicon  # noqa: E402
from pipeline.runs.run import run  # noqa: E402
from pipeline.stages.normalise import Normaliser, normalise  # noqa: E402
from pipeline.stages.segment import passages_frame, text_passage  # noqa: E402
from pipeline.stages.themes import DictionaryCoder, codings_frame  # noqa: E402
from pipeline.types import Codebook  # noqa: E402

HELDOUT = ROOT / "tests" / "data" / "quotes" / "heldout.csv"


def scores(coded: set[tuple[str, str]], reference: set[tuple[str, str]],
           themes: list[str]) -> pd.DataFrame:
    """Per-theme counts, precision, recall and F1, then a micro and a macro row."""
    rows = []
    for theme in themes:
        ref = {p for p, t in reference if t == theme}
        got = {p for p, t in coded if t == theme}
        tp = len(ref & got)
        precision = tp / len(got) if got else float("nan")
        recall = tp / len(ref) if ref else float("nan")
        f1 = 2 * tp / (len(got) + len(ref)) if got or ref else float("nan")
        rows.append((theme, len(ref), len(got), tp, precision, recall, f1))
    table = pd.DataFrame(rows, columns=["theme", "reference", "coded", "tp", "precision",
                                        "recall", "f1"])
    tp, got, ref = table["tp"].sum(), table["coded"].sum(), table["reference"].sum()
    micro = ("micro", ref, got, tp, tp / got if got else float("nan"), tp / ref,
             2 * tp / (got + ref))
    macro = ("macro", ref, got, tp, table["precision"].mean(), table["recall"].mean(),
             table["f1"].mean())
    return pd.concat([table, pd.DataFrame([micro, macro], columns=table.columns)],
                     ignore_index=True)


def code_quotes(quotes: pd.DataFrame, book: Codebook, normaliser: Normaliser,
                threshold: float) -> set[tuple[str, str]]:
    """(id, theme) coded for each quote (columns id, quote) on its own, as ``tematik code``
    does (with its fallback to the best theme)."""
    units = [text_passage(str(i), "q", q)
             for i, q in zip(quotes["id"], quotes["quote"], strict=True)]
    result = DictionaryCoder(book, normaliser, threshold=threshold,
                             fallback=EXCERPT_FALLBACK).match(normalise(units, normaliser))
    codings = codings_frame(result, passages_frame(units))
    return set(zip(codings["passage_id"], codings["theme"], strict=True))


def show(title: str, table: pd.DataFrame, detail: bool) -> None:
    micro, macro = table.iloc[-2], table.iloc[-1]
    print(f"\n{title}: micro P {micro.precision:.3f} R {micro.recall:.3f} F1 {micro.f1:.3f} | "
          f"macro P {macro.precision:.3f} R {macro.recall:.3f} F1 {macro.f1:.3f}")
    if detail:
        print(table.iloc[:-2].to_string(index=False, float_format=lambda v: f"{v:.2f}"))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--threshold", type=float, default=RunConfig.threshold)
    parser.add_argument("--codebook", type=Path, default=DEFAULT_CODEBOOK)
    parser.add_argument("--brief", action="store_true", help="only the summary lines")
    args = parser.parse_args()
    book = load_codebook(args.codebook)
    normaliser = Normaliser(load_lexicon())
    themes = [t.id for t in book.themes]
    pd.set_option("display.width", 120)

    config = RunConfig(codebook=args.codebook, threshold=args.threshold, topics=0)
    with tempfile.TemporaryDirectory() as tmp:
        folder = run([], Path(tmp) / "sample", config=config).out
        passages = pd.read_parquet(folder / "passages.parquet")
        codings = pd.read_parquet(folder / "codings.parquet")
        transcripts = pd.read_parquet(folder / "transcripts.parquet")
    manual = read_manual_sheet(DEFAULT_CORPUS / "_coding_manual.csv", transcripts, passages)
    seg = manual.segments
    reference = set()
    for pid, tid, s, e in zip(passages["passage_id"], passages["transcript_id"],
                              passages["start"], passages["end"], strict=True):
        inside = seg[(seg["transcript_id"] == tid) & (seg["start"] < e) & (seg["end"] > s)]
        reference |= {(pid, code) for code in inside["code"]}
    coded = set(zip(codings["passage_id"], codings["theme"], strict=True))
    used = [t for t in themes if t in {c for _, c in reference}]
    show("Sample corpus, passage level", scores(coded, reference, used), not args.brief)

    sample = pd.read_csv(DEFAULT_CORPUS / "_coding_manual.csv")
    sample["id"] = [f"s{i:03d}" for i in range(len(sample))]
    sample_ref = set(zip(sample["id"], sample["code"], strict=True))
    show("Sample corpus, quote level",
         scores(code_quotes(sample, book, normaliser, args.threshold), sample_ref, used),
         not args.brief)

    held = pd.read_csv(HELDOUT)
    quotes = held.drop_duplicates("id")[["id", "quote"]]
    got = code_quotes(quotes, book, normaliser, args.threshold)
    ref = set(zip(held["id"], held["theme"], strict=True))
    odd = {i for i in quotes["id"] if int(i[1:]) % 2}
    for name, keep in (("odd ids (used to choose the rule)", odd),
                       ("even ids (untouched)", set(quotes["id"]) - odd)):
        show(f"Held-out quotes, {name}",
             scores({p for p in got if p[0] in keep}, {p for p in ref if p[0] in keep}, themes),
             False)
    show("Held-out quotes, all", scores(got, ref, themes), not args.brief)


if __name__ == "__main__":
    main()
