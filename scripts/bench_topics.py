"""Benchmark the topics stage against plain gensim LdaModel and tomotopy LDA, in one run.

All three models get the same passages and the same tokens (tematik's normalise stage) and
the same K (tematik's automatic choice, or --k). For each: seconds, NPMI and UMass
coherence of the top 10 terms (passages as co-occurrence windows, the same reference texts
for all), and, where the corpus has known sections, how well the most probable topic of a
passage lines up with its section (NMI, 0..1).

- tematik: ``fit_topics`` at that K (Phrases, dictionary filtering, NMF-started LDA).
- plain gensim: ``LdaModel(corpus, num_topics=K, id2word=dictionary, random_state=seed)`` on
  the raw term lists, every other setting left at gensim's default, as in a notebook.
- tomotopy (only if installed; not a tematik dependency): ``LDAModel(k=K, seed=seed)``,
  1,000 Gibbs iterations on one worker.

Corpus: ../shared/data/hoasa (Indonesian hotel reviews; the aspect a review is about is its
section when it mentions exactly one) and/or ../shared/data/frog-storytelling (spoken
storytelling, paragraphs as passages, one section per storyteller); the sample corpus when
neither is present.

    .venv/bin/python scripts/bench_topics.py [--corpus hoasa|frog|sample] [--k N]
"""

from __future__ import annotations

import argparse
import csv
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import normalized_mutual_info_score

from pipeline.config import DEFAULT_CORPUS
from pipeline.readers.ingest import ingest
from pipeline.resources import load_lexicon
from pipeline.stages.normalise import Normaliser, normalise
from pipeline.stages.segment import segment
from pipeline.stages.topics import fit_topics, informant_docs
from pipeline.stages.topicscores import coherence
from pipeline.types import Passage

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"


def hoasa() -> tuple[list[str], list[str]]:
    texts, sections = [], []
    for name in ("train_preprocess.csv", "valid_preprocess.csv"):
        with (DATA / "hoasa" / name).open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                text = row.pop("review")
                aspects = [a for a, v in row.items() if v != "neut"]
                texts.append(text)
                sections.append(aspects[0] if len(aspects) == 1 else "")
    return texts, sections


def frog() -> tuple[list[str], list[str]]:
    texts, sections = [], []
    for path in sorted((DATA / "frog-storytelling" / "spoken").glob("*.txt")):
        for para in path.read_text(encoding="utf-8").split("\n\n"):
            if len(para.split()) >= 5:
                texts.append(" ".join(para.split()))
                sections.append(path.stem)
    return texts, sections


def sample() -> tuple[list[str], list[str]]:
    corpus = ingest([DEFAULT_CORPUS])
    passages = segment(corpus.transcripts, corpus.turns)
    return [p.text for p in passages], ["" for _ in passages]


def frames(texts: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    passages = [Passage(f"b:{i:06d}", "b", "Informan", "informant", 0, len(t), t, "", 0, 0, 0,
                        len(t.split())) for i, t in enumerate(texts)]
    tokens = normalise(passages, Normaliser(load_lexicon()))
    frame = pd.DataFrame([p.__dict__ for p in passages])
    return frame, tokens


def alignment(theta: np.ndarray, sections: list[str]) -> float:
    known = [i for i, s in enumerate(sections) if s]
    if not known:
        return float("nan")
    return float(normalized_mutual_info_score([sections[i] for i in known],
                                              theta[known].argmax(axis=1)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=["hoasa", "frog", "sample"], default=None)
    parser.add_argument("--k", type=int, default=None)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    name = args.corpus or ("hoasa" if (DATA / "hoasa").is_dir() else
                           "frog" if (DATA / "frog-storytelling").is_dir() else "sample")
    if name != "sample" and not (DATA / {"hoasa": "hoasa", "frog": "frog-storytelling"}[name]
                                 ).is_dir():
        raise SystemExit(f"{DATA} has no {name} data; try --corpus sample")
    texts, sections = {"hoasa": hoasa, "frog": frog, "sample": sample}[name]()
    passages, tokens = frames(texts)
    ids, docs = informant_docs(passages, tokens)
    print(f"corpus: {name}; {len(docs):,} passages, {sum(map(len, docs)):,} modelled tokens, "
          f"{sum(bool(s) for s in sections):,} with a known section")

    rows = []
    t0 = time.perf_counter()
    auto = fit_topics(passages, tokens, k="auto", seed=args.seed)
    auto_s = time.perf_counter() - t0
    k = args.k or auto.model.n_topics
    t0 = time.perf_counter()
    ours = auto if k == auto.model.n_topics and not args.k else fit_topics(
        passages, tokens, k=k, seed=args.seed)
    ours_s = auto_s if ours is auto else time.perf_counter() - t0
    if ours is auto:  # time the fit at that K alone, as for the others
        t0 = time.perf_counter()
        fit_topics(passages, tokens, k=k, seed=args.seed)
        ours_s = time.perf_counter() - t0
    merged = [ours.model.vocabulary.merge(d) for d in docs]
    reference = [sorted(set(d) | set(m)) for d, m in zip(docs, merged, strict=True)]
    top = [list(g.sort_values("rank")["term"].head(10))
           for _, g in ours.topic_terms.groupby("topic")]
    wide = ours.passage_topics.pivot(index="passage_id", columns="topic", values="probability")
    theta = wide.reindex(ids).fillna(0).to_numpy()
    rows.append(("tematik topics (fit at K)", ours_s, top, theta))

    from gensim.corpora import Dictionary
    from gensim.models import LdaModel

    t0 = time.perf_counter()
    dictionary = Dictionary(docs)
    corpus = [dictionary.doc2bow(d) for d in docs]
    plain = LdaModel(corpus, num_topics=k, id2word=dictionary, random_state=args.seed)
    plain_s = time.perf_counter() - t0
    top = [[w for w, _ in plain.show_topic(t, 10)] for t in range(k)]
    theta = np.zeros((len(docs), k))
    for i, bow in enumerate(corpus):
        for t, p in plain.get_document_topics(bow, minimum_probability=0):
            theta[i, t] = p
    rows.append(("plain gensim LdaModel", plain_s, top, theta))

    try:
        import tomotopy as tp
    except ImportError:
        print("tomotopy is not installed: skipped (pip install tomotopy to compare)")
    else:
        t0 = time.perf_counter()
        mdl = tp.LDAModel(k=k, seed=args.seed)
        for d in docs:
            mdl.add_doc(d if d else ["<empty>"])
        mdl.train(1000, workers=1)
        tomo_s = time.perf_counter() - t0
        top = [[w for w, _ in mdl.get_topic_words(t, top_n=10)] for t in range(k)]
        theta = np.array([doc.get_topic_dist() for doc in mdl.docs])
        rows.append(("tomotopy LDA", tomo_s, top, theta))

    print(f"K = {k} (tematik's automatic choice took {auto_s:.2f} s in all)")
    print(f"{'':<28}{'seconds':>9}{'c_npmi':>9}{'u_mass':>9}{'sections NMI':>14}")
    results = {}
    for label, seconds, top, theta in rows:
        npmi, umass = coherence(top, reference)
        results[label] = (seconds, float(np.mean(npmi)))
        print(f"{label:<28}{seconds:>9.2f}{np.mean(npmi):>9.3f}{np.mean(umass):>9.3f}"
              f"{alignment(theta, sections):>14.3f}")
    ours_t, ours_npmi = results["tematik topics (fit at K)"]
    for label, (seconds, npmi) in results.items():
        if label.startswith("tematik"):
            continue
        print(f"tematik vs {label}: time x{ours_t / seconds:.2f}, "
              f"c_npmi {ours_npmi:+.3f} vs {npmi:+.3f} (difference {ours_npmi - npmi:+.3f})")


if __name__ == "__main__":
    main()
