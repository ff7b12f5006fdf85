"""Evaluate normalisation of informal Indonesian against human formal rewrites, in one run.

Three systems on the same sentences, tokenised by the same tokenizer:

- identity: every word left as written (lowercased);
- Sastrawi: plain Sastrawi ``stem()`` of every word (its output is both norm and stem);
- tematik: the normalise stage, read exactly as a run writes ``tokens.parquet``: every token
  whose kind is not ``punct`` (fillers included: the formal side has none), its ``norm``
  lowercased and split on spaces (``terima kasih`` counts as two tokens).

Data: STIF (``../shared/data/stif``, MIT; ``--split dev`` by default, ``train`` is what the
lexicon was learned from) and tematik's own spoken-interview gold set
(``tests/data/normalise``: sentence pairs and a word list with norm and stem).

Figures: norm F1 (bag of tokens per sentence against the formal side, micro-averaged) and
corpus BLEU (4-gram, uniform weights, brevity penalty; lowercase); of the informal words a
word alignment pairs with a *different* formal word (the words that need a change), the
share whose norm is the formal word and whose stem is the formal word's root (plain
Sastrawi's stem of the formal word); the share of standard words (aligned with themselves)
whose norm keeps their form; and the 30 most frequent remaining errors.

    .venv/bin/python scripts/eval_normalise.py [--split dev] [--errors 30]
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import cache
from pathlib import Path

from pipeline.resources import load_lexicon
from pipeline.stages.normalise import Normaliser

ROOT = Path(__file__).resolve().parent.parent
STIF = ROOT.parent / "shared" / "data" / "stif"
GOLD = ROOT / "tests" / "data" / "normalise"

_ALNUM = re.compile(r"[^\W_]")
_RED2 = re.compile(r"^([a-z]+)[2²]([a-z]*)$")
NEGATION = ("nggak", "enggak", "engga", "ngga", "gak", "ga", "gk", "tdk", "kagak", "kaga", "ndak")


@dataclass(frozen=True)
class Token:
    start: int
    norm: str  # lowercase; several words for a contraction
    stem: str  # '_' joins the stems of a contraction's words
    kind: str


Analyse = Callable[[str], list[Token]]


def sastrawi_stem() -> Callable[[str], str]:
    """Plain Sastrawi ``stem()`` of one word, cached (its dictionary held in a set: the same
    answers as its list, sooner)."""
    from Sastrawi.Dictionary.ArrayDictionary import ArrayDictionary
    from Sastrawi.Stemmer.Stemmer import Stemmer
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    dictionary = ArrayDictionary()
    dictionary.words = frozenset(w for w in StemmerFactory().get_words() if w)
    stemmer = Stemmer(dictionary)
    cache: dict[str, str] = {}

    def stem(word: str) -> str:
        if word not in cache:
            cache[word] = stemmer.stem(word) or word
        return cache[word]

    return stem


def systems(normaliser: Normaliser) -> dict[str, Analyse]:
    plain = sastrawi_stem()

    def words(text: str) -> list[tuple[int, str]]:
        return [(s, w.lower()) for s, _, w, _ in normaliser.tokenize(text)]

    def identity(text: str) -> list[Token]:
        return [Token(s, w, w, "word" if _ALNUM.search(w) else "punct") for s, w in words(text)]

    def stemmed(text: str) -> list[Token]:
        return [Token(s, plain(w), plain(w), "word" if _ALNUM.search(w) else "punct")
                for s, w in words(text)]

    def tematik(text: str) -> list[Token]:
        return [Token(s, f.norm.lower(), f.stem, f.kind)
                for s, _, _, f in normaliser.tokenize(text)]

    return {"identity": identity, "Sastrawi": stemmed, "tematik": tematik}


# -- measures ----------------------------------------------------------------------------------

def hypothesis(tokens: Sequence[Token]) -> list[str]:
    """The words a run's tokens table holds for a sentence (punctuation left out)."""
    return [w for t in tokens if t.kind != "punct" for w in t.norm.split()]


def reference(formal: str) -> list[str]:
    """The formal side's lowercase words, punctuation left out (also at a word's edges)."""
    return [_bare(w) for w in formal.lower().split() if _ALNUM.search(w)]


def bag_f1(hyps: Sequence[list[str]], refs: Sequence[list[str]]) -> float:
    hit = sum(sum((Counter(h) & Counter(r)).values()) for h, r in zip(hyps, refs, strict=True))
    n_h, n_r = sum(map(len, hyps)), sum(map(len, refs))
    if not hit:
        return 0.0
    precision, recall = hit / n_h, hit / n_r
    return 2 * precision * recall / (precision + recall)


def corpus_bleu(hyps: Sequence[list[str]], refs: Sequence[list[str]], n: int = 4) -> float:
    matches, totals = [0] * n, [0] * n
    for h, r in zip(hyps, refs, strict=True):
        for k in range(1, n + 1):
            hc = Counter(tuple(h[i:i + k]) for i in range(len(h) - k + 1))
            rc = Counter(tuple(r[i:i + k]) for i in range(len(r) - k + 1))
            matches[k - 1] += sum((hc & rc).values())
            totals[k - 1] += max(len(h) - k + 1, 0)
    if not all(matches):
        return 0.0
    log_p = sum(math.log(m / t) for m, t in zip(matches, totals, strict=True)) / n
    hyp_len, ref_len = sum(map(len, hyps)), sum(map(len, refs))
    brevity = 1.0 if hyp_len > ref_len else math.exp(1 - ref_len / max(hyp_len, 1))
    return 100 * brevity * math.exp(log_p)


# -- word alignment of the informal side with the formal side ---------------------------------

def _expand2(word: str) -> str:
    m = _RED2.match(word)
    return f"{m.group(1)}-{m.group(1)}{m.group(2)}" if m else word


@cache
def similarity(informal: str, formal: str) -> float:
    """How plausibly ``formal`` (one word, or two joined by a space) is the standard form of
    ``informal``: 1 for the same word, else a character ratio with a bonus for abbreviations
    whose letters are a subsequence of the formal word (``yg``/``yang``)."""
    if informal == formal:
        return 1.0
    a = _expand2(informal)
    if a == formal:
        return 0.98
    if informal in NEGATION and formal == "tidak":
        return 0.9
    if " " in formal:
        first, rest = formal.split(" ", 1)
        if first == "tidak":
            for neg in NEGATION:
                if informal.startswith(neg) and len(informal) > len(neg) + 1:
                    return 0.3 + 0.6 * similarity(informal[len(neg):], rest)
    a, b = a.replace("-", ""), formal.replace("-", "").replace(" ", "")
    if not a or not b:
        return 0.0
    ratio = SequenceMatcher(None, a, b, autojunk=False).ratio()
    if " " not in formal and a[0] == b[0]:
        it = iter(b)
        if all(c in it for c in a):
            ratio = max(ratio, 0.5 + 0.5 * len(a) / len(b))
    return ratio - (0.05 if " " in formal else 0.0)


ALIGNED = 0.6  # the similarity from which two words count as the same word


def align(informal: Sequence[str], formal: Sequence[str]) -> list[tuple[int, str]]:
    """(index of an informal word, the formal word or two words it is aligned with), from one
    global alignment (1:1, 1:2, deletions, insertions) that maximises summed similarity."""
    n, m = len(informal), len(formal)
    best = [[-math.inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int, str] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    best[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            here = best[i][j]
            if here == -math.inf:
                continue
            moves: list[tuple[int, int, float, str]] = [(i + 1, j, 0.0, ""), (i, j + 1, 0.0, "")]
            if i < n and j < m:
                s = similarity(informal[i], formal[j])
                if s >= ALIGNED:
                    moves.append((i + 1, j + 1, s - 0.3, formal[j]))
            if i < n and j + 1 < m:
                pair = f"{formal[j]} {formal[j + 1]}"
                s = similarity(informal[i], pair)
                if s >= ALIGNED + 0.1:
                    moves.append((i + 1, j + 2, 1.5 * (s - 0.3), pair))
            for ni, nj, score, target in moves:
                if ni <= n and nj <= m and here + score > best[ni][nj] + 1e-9:
                    best[ni][nj] = here + score
                    back[ni][nj] = (i, j, target)
    out = []
    i, j = n, m
    while (i, j) != (0, 0):
        step = back[i][j]
        assert step is not None
        pi, pj, target = step
        if target and pi < i:
            out.append((pi, target))
        i, j = pi, pj
    return out[::-1]


# -- one data set ---------------------------------------------------------------------------

@dataclass
class Score:
    hyps: list[list[str]] = field(default_factory=list)
    refs: list[list[str]] = field(default_factory=list)
    change: int = 0
    norm_right: int = 0
    stem_right: int = 0
    standard: int = 0
    kept: int = 0
    errors: Counter[tuple[str, str, str]] = field(default_factory=Counter)


def informal_words(text: str) -> list[tuple[int, int, str]]:
    """(start, end, lowercase word) of the whitespace-separated words that hold a letter or
    digit (the informal side's words, as the alignment sees them)."""
    return [(m.start(), m.end(), _bare(m.group().lower())) for m in re.finditer(r"\S+", text)
            if _ALNUM.search(m.group())]


Aligned = list[tuple[str, list[str], list[tuple[int, int, str]], list[tuple[int, str]]]]


def aligned(pairs: Sequence[tuple[str, str]]) -> Aligned:
    """Each pair's informal text, formal words, informal words and their alignment."""
    out = []
    for informal, formal in pairs:
        ref = reference(formal)
        words = informal_words(informal)
        out.append((informal, ref, words, align([w for _, _, w in words], ref)))
    return out


def score_pairs(pairs: Aligned, analyse: Analyse, root: Callable[[str], str]) -> Score:
    score = Score()
    for informal, ref, words, links in pairs:
        tokens = analyse(informal)
        score.hyps.append(hypothesis(tokens))
        score.refs.append(ref)
        for k, target in links:
            start, end, word = words[k]
            inside = [t for t in tokens if start <= t.start < end and t.kind != "punct"]
            norm = " ".join(t.norm for t in inside)
            if word == target:
                score.standard += 1
                if norm == word:
                    score.kept += 1
                else:
                    score.errors[(word, norm, target)] += 1
                continue
            score.change += 1
            stems = {s for t in inside for s in t.stem.split("_")}
            roots = {root(w) for w in target.split()}
            score.norm_right += norm == target
            score.stem_right += roots <= stems
            if norm != target:
                score.errors[(word, norm, target)] += 1
    return score


@dataclass
class WordScore:
    change: int = 0
    norm_right: int = 0
    stem_right: int = 0
    standard: int = 0
    kept: int = 0
    stem_standard: int = 0
    errors: Counter[tuple[str, str, str]] = field(default_factory=Counter)


def score_words(rows: Sequence[dict[str, str]], analyse: Analyse) -> WordScore:
    """Each word of the word list, normalised inside its example sentence."""
    score = WordScore()
    for row in rows:
        example, word = row["example"], row["informal"].lower()
        spans = [(s, e) for s, e, w in informal_words(example) if w == word]
        if not spans:
            continue
        start, end = spans[0]
        inside = [t for t in analyse(example) if start <= t.start < end and t.kind != "punct"]
        norm = " ".join(t.norm for t in inside)
        stems = {s for t in inside for s in t.stem.split("_")}
        stem_ok = row["stem"].lower() in stems
        if row["category"] == "standard":
            score.standard += 1
            score.kept += norm == word
            score.stem_standard += stem_ok
        else:
            score.change += 1
            score.norm_right += norm == row["norm"].lower()
            score.stem_right += stem_ok
        if norm != row["norm"].lower():
            score.errors[(word, norm, row["norm"].lower())] += 1
    return score


def _bare(word: str) -> str:
    return re.sub(r"^[\W_]+|[\W_]+$", "", word)


# -- reading the data -----------------------------------------------------------------------------

def stif_pairs(split: str) -> list[tuple[str, str]]:
    inf = (STIF / f"{split}.inf").read_text(encoding="utf-8").splitlines()
    form = (STIF / f"{split}.for").read_text(encoding="utf-8").splitlines()
    return list(zip(inf, form, strict=True))


def tsv(path: Path) -> list[dict[str, str]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    return [dict(zip(header, line.split("\t"), strict=True)) for line in lines[1:] if line]


# -- report -------------------------------------------------------------------------------------

def pct(a: int, b: int) -> str:
    return f"{100 * a / b:5.1f}%" if b else "   - "


def report_pairs(title: str, pairs: Sequence[tuple[str, str]], analysers: dict[str, Analyse],
                 root: Callable[[str], str], n_errors: int) -> None:
    print(f"\n== {title}: {len(pairs)} sentence pairs")
    links = aligned(pairs)
    scores = {name: score_pairs(links, fn, root) for name, fn in analysers.items()}
    print(f"{'':<44}" + "".join(f"{name:>11}" for name in scores))
    rows: list[tuple[str, Callable[[Score], str]]] = [
        ("norm F1 against the formal side", lambda s: f"{bag_f1(s.hyps, s.refs):.3f}"),
        ("BLEU against the formal side", lambda s: f"{corpus_bleu(s.hyps, s.refs):.1f}"),
        ("words that need a change: norm right", lambda s: pct(s.norm_right, s.change)),
        ("words that need a change: stem right", lambda s: pct(s.stem_right, s.change)),
        ("standard words left unchanged", lambda s: pct(s.kept, s.standard)),
    ]
    for label, value in rows:
        print(f"{label:<44}" + "".join(f"{value(s):>11}" for s in scores.values()))
    first = next(iter(scores.values()))
    print(f"(aligned words that need a change: {first.change}; standard words: "
          f"{first.standard})")
    errors(scores["tematik"].errors, n_errors)


def report_words(rows: Sequence[dict[str, str]], analysers: dict[str, Analyse],
                 n_errors: int) -> None:
    print(f"\n== interview word list (tests/data/normalise/spoken_words.tsv): {len(rows)} words")
    scores = {name: score_words(rows, fn) for name, fn in analysers.items()}
    print(f"{'':<44}" + "".join(f"{name:>11}" for name in scores))
    lines: list[tuple[str, Callable[[WordScore], str]]] = [
        ("spoken words: norm right", lambda s: pct(s.norm_right, s.change)),
        ("spoken words: stem right", lambda s: pct(s.stem_right, s.change)),
        ("standard words left unchanged", lambda s: pct(s.kept, s.standard)),
        ("standard words: stem right", lambda s: pct(s.stem_standard, s.standard)),
    ]
    for label, value in lines:
        print(f"{label:<44}" + "".join(f"{value(s):>11}" for s in scores.values()))
    first = next(iter(scores.values()))
    print(f"(spoken words: {first.change}; standard words: {first.standard})")
    errors(scores["tematik"].errors, n_errors)


def errors(counter: Counter[tuple[str, str, str]], n: int) -> None:
    if not n or not counter:
        return
    print(f"tematik's {min(n, len(counter))} most frequent remaining errors "
          "(informal -> tematik's norm [expected]):")
    for (word, got, want), count in counter.most_common(n):
        print(f"  {count:>4}  {word} -> {got or '(none)'} [{want}]")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="dev", choices=["dev", "train"],
                        help="STIF split (the lexicon was learned from train)")
    parser.add_argument("--errors", type=int, default=30, help="errors listed per data set")
    args = parser.parse_args()
    analysers = systems(Normaliser(load_lexicon()))
    root = sastrawi_stem()

    if (STIF / f"{args.split}.inf").is_file():
        report_pairs(f"STIF {args.split}", stif_pairs(args.split), analysers, root, args.errors)
    else:
        print(f"STIF is absent ({STIF}): skipped", file=sys.stderr)
    pairs = [(r["informal"], r["formal"]) for r in tsv(GOLD / "interview_pairs.tsv")]
    report_pairs("interview pairs (tests/data/normalise/interview_pairs.tsv)", pairs, analysers,
                 root, args.errors)
    report_words(tsv(GOLD / "spoken_words.tsv"), analysers, args.errors)


if __name__ == "__main__":
    main()
