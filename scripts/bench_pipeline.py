"""Benchmark the whole `tematik run` against the naive notebook baseline at 10, 100 and 1,000
interviews, in one run.

Corpora: interview-shaped transcripts (header, ``P:`` questions, ``I:`` answers with
fillers and paragraphs) recombined, deterministically from --seed, out of real Indonesian
sentences: ../shared/data/frog-storytelling (spoken and written storytelling),
../shared/data/hoasa (hotel reviews) and the informant answers and interviewer questions of
the embedded sample corpus (so the codebook's cues occur). About 30,000 words for 10
transcripts, 300,000 for 100 and 2,000,000 for 1,000; written to a temporary folder and
removed afterwards. Transcript i is the same at every size.

For each size, in child processes (so that peak memory is per size and per side):

- tematik: ``pipeline.runs.run.run`` in-process with ``--topics auto``, report included:
  per-stage seconds from the run's own timings, peak resident memory (``ru_maxrss``) of the
  run's process, the peak of the run and its worker processes together (proportional set
  size, sampled every 0.25 s: pages a forked worker shares with the run count once), and
  the NPMI coherence of its topics (``topic_summary.c_npmi``, computed by
  ``pipeline.stages.topicmodels.coherence``).
- the CLI (``tematik run --topics auto``) once per size in --cli-sizes: wall time including
  start-up (Python, spaCy, pandas imports).
- baseline, on the same informant passages tematik found: Sastrawi ``stem()`` on each
  passage, scikit-learn ``CountVectorizer()`` with its defaults, gensim ``LdaModel`` with
  10 passes at K=10; seconds per step, peak memory, and NPMI of its top 10 terms by the same
  coherence function (its own tokens, passages as windows).

Tokens/s counts the whitespace-separated words of the informant passages (the same number
for both sides) over the seconds spent after start-up.

    .venv/bin/python scripts/bench_pipeline.py --sizes 10,100,1000 --save
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # measure this checkout's pipeline, not an installed one
DATA = ROOT.parent / "shared" / "data"
RESULTS = ROOT / "scripts" / "results" / "bench_pipeline.json"
WORDS = {10: 30_000, 100: 300_000, 1000: 2_000_000}
WORDS_PER_TRANSCRIPT = 2_500  # for sizes not in WORDS
FILLERS = ["eh", "ehm", "ee", "ya", "gitu", "kan", "apa namanya", "gimana ya", "hmm"]
QUESTIONS = [
    "Boleh diceritakan pengalaman Bapak/Ibu soal itu?",
    "Terus, gimana menurut Bapak/Ibu?",
    "Bisa dijelaskan lebih lanjut?",
    "Contohnya seperti apa, Pak?",
    "Kalau soal pelayanan, gimana?",
    "Lalu apa yang paling berkesan?",
    "Menurut Ibu, kenapa bisa begitu?",
    "Ada lagi yang mau ditambahkan?",
]
NAMES = ["Ahmad", "Siti", "Budi", "Dewi", "Rudi", "Ratna", "Eko", "Wulan", "Agus", "Yuni",
         "Hendra", "Lestari", "Joko", "Fitri", "Bambang", "Sri"]
ROLES = ["Staf Pelaksana", "Kepala Seksi", "Kasubbag Umum", "Warga", "Pegawai Honorer",
         "Kepala Desa", "Guru", "Perawat"]
SENTENCE_RE = re.compile(r"(?<=[.?!])\s+")


# -- the text ------------------------------------------------------------------------------


def pools() -> tuple[list[str], list[str]]:
    """(informant sentences, interviewer questions) from the real data and the sample
    corpus."""
    from pipeline.config import DEFAULT_CORPUS
    from pipeline.readers.ingest import ingest

    sentences: list[str] = []
    for folder in ("spoken", "written"):
        for path in sorted((DATA / "frog-storytelling" / folder).glob("*.txt")):
            text = " ".join(path.read_text(encoding="utf-8").split())
            sentences += SENTENCE_RE.split(text)
    for name in ("train_preprocess.csv", "valid_preprocess.csv"):
        with (DATA / "hoasa" / name).open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                review = " ".join(row["review"].split())
                sentences.append(review if review[-1:] in ".?!" else review + ".")
    corpus = ingest([DEFAULT_CORPUS])
    questions = list(QUESTIONS)
    for turn in corpus.turns:
        text = " ".join(turn.text.split())
        if turn.role == "informant":
            sentences += SENTENCE_RE.split(text)
        elif 3 <= len(text.split()) <= 40:
            questions.append(text)
    return [s for s in sentences if len(s.split()) >= 3], questions


def with_fillers(sentence: str, rng: random.Random) -> str:
    words = sentence.split()
    for _ in range(rng.choice((0, 0, 1, 1, 2))):
        pos = rng.randrange(len(words) + 1)
        words.insert(pos, rng.choice(FILLERS) + ",")
    return " ".join(words)


def transcript(i: int, words: int, seed: int, sentences: list[str],
               questions: list[str]) -> str:
    """Interview ``i``: a header, then questions and answers until about ``words`` words."""
    rng = random.Random(seed * 1_000_003 + i)
    name = f"{rng.choice(NAMES)} {rng.choice(NAMES)}"
    lines = [f"Informan: {name}", f"Jabatan: {rng.choice(ROLES)}",
             f"Tanggal: {rng.randint(1, 28)} Maret 2025", ""]
    n = 0
    while n < words:
        lines += [f"P: {rng.choice(questions)}", ""]
        paragraphs = []
        for _ in range(rng.choice((1, 1, 1, 2, 3))):
            # mostly short answers, some long ones that segment splits into windows
            k = rng.choice((1, 2, 3, 4, 6, 8, 12))
            paragraphs.append(" ".join(with_fillers(rng.choice(sentences), rng)
                                       for _ in range(k)))
        answer = "\n\n".join(paragraphs)
        lines += [f"I: {answer}", ""]
        n += len(answer.split())
    return "\n".join(lines)


def build_corpus(folder: Path, n: int, seed: int) -> int:
    """Write ``n`` transcripts into ``folder``; returns the number of words written."""
    sentences, questions = pools()
    per = WORDS.get(n, n * WORDS_PER_TRANSCRIPT) // n
    folder.mkdir(parents=True, exist_ok=True)
    total = 0
    for i in range(n):
        text = transcript(i, per, seed, sentences, questions)
        total += len(text.split())
        (folder / f"w{i:04d}.txt").write_text(text, encoding="utf-8")
    return total


# -- the children --------------------------------------------------------------------------


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker_peak_mib() -> float:
    """The largest peak of the worker processes this process waited for (normalise, K
    search, figures, the workbook begun during topics)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def child_tematik(corpus: Path, out: Path, seed: int) -> dict[str, Any]:
    t0 = time.perf_counter()
    import pandas as pd

    from pipeline.config import RunConfig
    from pipeline.runs.run import run
    imports = time.perf_counter() - t0
    t0 = time.perf_counter()
    result = run([corpus], out, config=RunConfig(seed=seed, topics="auto"))
    total = time.perf_counter() - t0
    passages = pd.read_parquet(out / "passages.parquet")
    summary = pd.read_parquet(out / "topic_summary.parquet")
    import pipeline

    return {"pipeline": str(Path(pipeline.__file__).resolve()), "seconds": total,
            "import_seconds": imports, "stages": result.timings,
            "counts": result.counts, "peak_mib": peak_mib(),
            "worker_peak_mib": worker_peak_mib(),
            "words": int(passages["text"].str.split().str.len().sum()),
            "npmi": float(summary["c_npmi"].mean()) if len(summary) else None,
            "k": len(summary)}


def child_baseline(run_dir: Path, seed: int) -> dict[str, Any]:
    import numpy as np
    import pandas as pd

    from pipeline.stages.topicscores import coherence

    texts = pd.read_parquet(run_dir / "passages.parquet")["text"].tolist()
    stages: dict[str, float] = {}
    t0 = time.perf_counter()
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory
    stemmer = StemmerFactory().create_stemmer()
    stemmed = [stemmer.stem(t) for t in texts]
    stages["stem"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    from sklearn.feature_extraction.text import CountVectorizer
    vectorizer = CountVectorizer()
    x = vectorizer.fit_transform(stemmed)
    stages["vectorise"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    from gensim.matutils import Sparse2Corpus
    from gensim.models import LdaModel
    vocab = vectorizer.get_feature_names_out()
    lda = LdaModel(Sparse2Corpus(x, documents_columns=False), num_topics=10,
                   id2word=dict(enumerate(vocab)), passes=10, random_state=seed)
    stages["lda"] = time.perf_counter() - t0
    top = [[w for w, _ in lda.show_topic(t, 10)] for t in range(10)]
    analyse = vectorizer.build_analyzer()
    npmi, _ = coherence(top, [analyse(s) for s in stemmed])
    return {"seconds": sum(stages.values()), "stages": stages, "peak_mib": peak_mib(),
            "words": sum(len(t.split()) for t in texts), "npmi": float(np.mean(npmi)),
            "top_terms": [" ".join(t[:5]) for t in top]}


def _tree_pss_kib(pid: int) -> int:
    """Proportional set size of ``pid`` and its descendants: memory shared between a forked
    worker and its parent counts once, split between them, so the sum is what the process
    tree really holds (Linux only; 0 elsewhere)."""
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
                    break
            for task in Path(f"/proc/{p}/task").iterdir():
                stack += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue  # the process ended while it was read
    return total


def spawn(args: list[str]) -> dict[str, Any]:
    """Run a child of this script; its JSON result, with ``tree_peak_mib``: the largest
    :func:`_tree_pss_kib` of the child and its workers, sampled every 0.25 s (reading
    a process's page map costs CPU: every 50 ms made a 10-interview run about 12% slower,
    4.3 s against 4.9 s, for the same peak)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen([sys.executable, __file__, *args], cwd=ROOT, stdout=out,
                                stderr=err, text=True)
        peak = 0
        while proc.poll() is None:
            peak = max(peak, _tree_pss_kib(proc.pid))
            time.sleep(0.25)
        out.seek(0)
        err.seek(0)
        if proc.returncode != 0:
            raise SystemExit(f"child {' '.join(args[:2])} failed:\n{err.read()[-3000:]}")
        result = dict(json.loads(out.read().strip().splitlines()[-1]))
    result["tree_peak_mib"] = peak / 1024 if peak else None
    return result


def cli_seconds(corpus: Path, out: Path, seed: int) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", "from pipeline.cli import main; main()", "run", str(corpus),
         "--out", str(out), "--topics", "auto", "--seed", str(seed), "--quiet"],
        cwd=ROOT, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"tematik run failed:\n{proc.stderr[-3000:]}")
    return seconds


# -- the report ----------------------------------------------------------------------------


def show(size: int, r: dict[str, Any]) -> None:
    ours, base = r["tematik"], r["baseline"]
    assert ours["pipeline"].startswith(str(ROOT)), ours["pipeline"]
    print(f"\n== {size:,} transcripts: {r['corpus_words']:,} words written, "
          f"{ours['counts']['passages']:,} passages ({ours['words']:,} informant words), "
          f"{ours['counts']['tokens']:,} tokens")
    print(f"{'tematik stage':<24}{'seconds':>9}")
    for stage, seconds in ours["stages"].items():
        print(f"{'  ' + stage:<24}{seconds:>9.2f}")
    print(f"{'  total (in process)':<24}{ours['seconds']:>9.2f}")
    if r.get("cli_seconds") is not None:
        print(f"{'  CLI, with start-up':<24}{r['cli_seconds']:>9.2f}")
    print(f"{'baseline step':<24}{'seconds':>9}")
    for stage, seconds in base["stages"].items():
        print(f"{'  ' + stage:<24}{seconds:>9.2f}")
    print(f"{'  total':<24}{base['seconds']:>9.2f}")
    print(f"{'':<24}{'seconds':>9}{'tokens/s':>11}{'peak MiB':>10}{'NPMI':>8}{'K':>4}")
    for label, side, k in (("tematik run", ours, ours["k"]), ("baseline", base, 10)):
        print(f"{label:<24}{side['seconds']:>9.2f}{side['words'] / side['seconds']:>11,.0f}"
              f"{side['peak_mib']:>10,.0f}{side['npmi']:>8.3f}{k:>4}")
    if ours.get("tree_peak_mib"):
        print(f"tematik with its worker processes: peak {ours['tree_peak_mib']:,.0f} MiB "
              f"(proportional set size; a worker's own largest resident set "
              f"{ours['worker_peak_mib']:,.0f} MiB counts the pages it shares with the run)")
    norm = ours["stages"].get("normalise", 0.0)
    print(f"ratio baseline/tematik: whole {base['seconds'] / ours['seconds']:.1f}x; "
          f"stem vs normalise {base['stages']['stem'] / max(norm, 1e-9):.1f}x "
          f"({ours['words'] / max(norm, 1e-9):,.0f} vs "
          f"{base['words'] / base['stages']['stem']:,.0f} words/s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,100,1000",
                        help="numbers of transcripts, comma-separated")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--cli-sizes", default="10",
                        help="sizes at which the CLI is also timed with start-up")
    parser.add_argument("--save", action="store_true", help=f"write {RESULTS.relative_to(ROOT)}")
    parser.add_argument("--child", nargs=3, metavar=("SIDE", "PATH", "OUT"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        side, path, out = args.child
        result = (child_tematik(Path(path), Path(out), args.seed) if side == "tematik"
                  else child_baseline(Path(path), args.seed))
        print(json.dumps(result))
        return
    if not (DATA / "frog-storytelling").is_dir() or not (DATA / "hoasa").is_dir():
        print(f"skipped: {DATA} has no frog-storytelling or hoasa data")
        return
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    cli_sizes = {int(s) for s in args.cli_sizes.split(",") if s.strip()}
    print(f"machine: {os.cpu_count()} cores, Python {platform.python_version()}; seed "
          f"{args.seed}")
    results: dict[str, Any] = {}
    tmp = Path(tempfile.mkdtemp(prefix="tematik-bench-"))
    try:
        for size in sizes:
            corpus = tmp / f"corpus-{size}"
            words = build_corpus(corpus, size, args.seed)
            ours = spawn(["--child", "tematik", str(corpus), str(tmp / f"run-{size}"),
                          "--seed", str(args.seed)])
            cli = (cli_seconds(corpus, tmp / f"cli-{size}", args.seed)
                   if size in cli_sizes else None)
            base = spawn(["--child", "baseline", str(tmp / f"run-{size}"), "-",
                          "--seed", str(args.seed)])
            results[str(size)] = {"corpus_words": words, "tematik": ours, "cli_seconds": cli,
                                  "baseline": base}
            show(size, results[str(size)])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if args.save:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        data = {"command": "scripts/bench_pipeline.py " + " ".join(sys.argv[1:]),
                "machine": {"cores": os.cpu_count(), "python": platform.python_version(),
                            "platform": platform.platform()},
                "seed": args.seed, "sizes": results}
        RESULTS.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n",
                           encoding="utf-8")
        print(f"\nwrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
