"""Benchmark the normalise stage against the naive notebook baseline, in one run.

Baseline: what researchers run today, Sastrawi's ``stem()`` on each passage. tematik:
tokenise, map spoken forms, mark fillers and stop words, stem per word type (cached) and
join phrases. Both run on the same passages; the script prints tokens/second and the ratio.

Text: real spoken Indonesian from ../shared/data/frog-storytelling when present (CC BY-SA,
read in place, never copied), otherwise the embedded sample corpus; repeated with shuffled
sentences (seeded) until it reaches --words.

    .venv/bin/python scripts/bench_normalise.py --words 200000
"""

from __future__ import annotations

import argparse
import random
import re
import time
from pathlib import Path

from pipeline.config import DEFAULT_CORPUS
from pipeline.readers.ingest import ingest
from pipeline.resources import load_lexicon
from pipeline.stages.normalise import Normaliser, normalise
from pipeline.types import Passage

ROOT = Path(__file__).resolve().parent.parent
FROG = ROOT.parent / "shared" / "data" / "frog-storytelling" / "spoken"


def sentences() -> tuple[list[str], str]:
    if FROG.is_dir():
        text = " ".join(p.read_text(encoding="utf-8") for p in sorted(FROG.glob("*.txt")))
        source = "frog-storytelling (spoken)"
    else:
        corpus = ingest([DEFAULT_CORPUS])
        text = " ".join(t.text for t in corpus.turns if t.role == "informant")
        source = "sample corpus"
    return [s for s in re.split(r"(?<=[.?!])\s+", text) if s.strip()], source


def build_passages(target_words: int, seed: int) -> list[Passage]:
    pool, _ = sentences()
    rng = random.Random(seed)
    passages, words, pos = [], 0, 0
    while words < target_words:
        chunk = " ".join(rng.choice(pool) for _ in range(6))
        n = len(chunk.split())
        passages.append(Passage(f"b:{len(passages):06d}", "b", "Informan", "informant", pos,
                                pos + len(chunk), chunk, "", 0, 0, 0, n))
        words += n
        pos += len(chunk) + 1
    return passages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    _, source = sentences()
    passages = build_passages(args.words, args.seed)
    n_words = sum(p.n_words for p in passages)
    print(f"text: {source}; {len(passages):,} passages, {n_words:,} words")

    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    t0 = time.perf_counter()
    stemmer = StemmerFactory().create_stemmer()
    baseline_out = [stemmer.stem(p.text) for p in passages]
    baseline = time.perf_counter() - t0
    baseline_tokens = sum(len(s.split()) for s in baseline_out)

    t0 = time.perf_counter()
    normaliser = Normaliser(load_lexicon())
    tokens = normalise(passages, normaliser)
    ours = time.perf_counter() - t0

    print(f"{'':<28}{'seconds':>10}{'tokens':>12}{'tokens/s':>14}")
    print(f"{'baseline: Sastrawi stem()':<28}{baseline:>10.2f}{baseline_tokens:>12,}"
          f"{baseline_tokens / baseline:>14,.0f}")
    print(f"{'tematik normalise':<28}{ours:>10.2f}{len(tokens):>12,}"
          f"{len(tokens) / ours:>14,.0f}")
    print(f"throughput ratio tematik/baseline (tokens/s): "
          f"{(len(tokens) / ours) / (baseline_tokens / baseline):.1f}x")


if __name__ == "__main__":
    main()
