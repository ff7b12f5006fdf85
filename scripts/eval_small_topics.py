"""Topics on a small corpus: does ``--topics auto`` find planted sections, and how does it
compare with the plain notebook LDA at the true K?

Writes planted-section corpora (tests/planted.py: six sections, one markdown file each,
``### Pertanyaan`` / ``### Jawaban NN`` headings, five to eight answers per section) for a
few seeds, runs ``tematik run --topics auto`` (LDA, and NMF) on each, and scores how the
passages' leading topics line up with the sections (normalised mutual information, NMI).
The baseline is the notebook recipe: Sastrawi ``stem()`` per passage, scikit-learn
``CountVectorizer()``, gensim ``LdaModel`` (10 passes) at the true K = 6, on the same
informant passages. Each tematik run is done twice to check the tables are identical.

    .venv/bin/python scripts/eval_small_topics.py [--seeds 1,2,3] [--json OUT.json]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.config import RunConfig  # noqa: E402
from pipeline.runs.run import run  # noqa: E402
from tests.planted import SECTIONS, planted_corpus  # noqa: E402

TRUE_K = len(SECTIONS)


def _tematik(folder: Path, out: Path, model: str) -> tuple[dict[str, int], int, str]:
    """Each passage's leading topic, the K chosen, and a digest of the topic tables."""
    import pandas as pd

    run([folder], out, config=RunConfig(topics="auto", topic_model=model), force=True)
    topics = pd.read_parquet(out / "passage_topics.parquet")
    lead = topics.sort_values(["passage_id", "probability", "topic"],
                              ascending=[True, False, True]).drop_duplicates("passage_id")
    k = int(pd.read_parquet(out / "topic_summary.parquet")["topic"].max())
    digest = hashlib.sha256()
    for name in ("passage_topics", "topic_terms", "k_report"):
        digest.update(pd.read_parquet(out / f"{name}.parquet").to_csv().encode())
    return dict(zip(lead["passage_id"], lead["topic"].astype(int), strict=True)), k, \
        digest.hexdigest()


def _baseline(texts: list[str], seed: int) -> list[int]:
    """The notebook recipe at the true K: each passage's most probable topic."""
    from gensim.matutils import Sparse2Corpus
    from gensim.models import LdaModel
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory
    from sklearn.feature_extraction.text import CountVectorizer

    stemmer = StemmerFactory().create_stemmer()
    stemmed = [stemmer.stem(t) for t in texts]
    vectorizer = CountVectorizer()
    x = vectorizer.fit_transform(stemmed)
    lda = LdaModel(Sparse2Corpus(x, documents_columns=False), num_topics=TRUE_K,
                   id2word=dict(enumerate(vectorizer.get_feature_names_out())), passes=10,
                   random_state=seed)
    out = []
    for doc in Sparse2Corpus(x, documents_columns=False):
        probs = lda.get_document_topics(doc, minimum_probability=0.0)
        out.append(max(probs, key=lambda p: (p[1], -p[0]))[0])
    return out


def evaluate(seed: int, work: Path) -> dict[str, Any]:
    import pandas as pd
    from sklearn.metrics import normalized_mutual_info_score as nmi

    folder = work / f"corpus-{seed}"
    planted_corpus(folder, seed=seed)
    row: dict[str, Any] = {"seed": seed}
    for model in ("lda", "nmf"):
        lead, k, digest = _tematik(folder, work / f"run-{model}-{seed}", model)
        _, _, again = _tematik(folder, work / f"run-{model}-{seed}-again", model)
        passages = pd.read_parquet(work / f"run-{model}-{seed}" / "passages.parquet")
        truth = [str(t).split("-", 1)[1] for t in passages["transcript_id"]]
        predicted = [lead.get(pid, 0) for pid in passages["passage_id"]]
        row.update({f"{model}_k": k, f"{model}_nmi": round(float(nmi(truth, predicted)), 3),
                    f"{model}_identical_rerun": digest == again,
                    "passages": len(passages)})
    texts = list(passages["text"])
    row["baseline_lda_k6_nmi"] = round(float(nmi(truth, _baseline(texts, seed))), 3)
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", default="1,2,3,4,5")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for seed in (int(s) for s in args.seeds.split(",")):
            rows.append(evaluate(seed, Path(tmp)))
            r = rows[-1]
            sys.stdout.write(
                f"seed {seed}: {r['passages']} passages; tematik lda K={r['lda_k']} "
                f"NMI {r['lda_nmi']:.3f} (rerun identical: {r['lda_identical_rerun']}); "
                f"nmf K={r['nmf_k']} NMI {r['nmf_nmi']:.3f}; baseline LDA K={TRUE_K} "
                f"NMI {r['baseline_lda_k6_nmi']:.3f}\n")
    if args.json is not None:
        args.json.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
