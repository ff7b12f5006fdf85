"""Golden outputs: record what every public command writes, then check a later tree writes the
same, byte for byte (timings, dates, versions and absolute paths aside).

Used to lock behaviour around a restructuring: ``record`` before moving code, ``check``
after. Each command runs the installed ``tematik`` in a subprocess on fixed inputs, in a
fixed work folder, so absolute paths match between the two sides.

    .venv/bin/python scripts/golden.py record /tmp/golden/before
    .venv/bin/python scripts/golden.py record /tmp/golden/after
    .venv/bin/python scripts/golden.py check /tmp/golden/before /tmp/golden/after

Inputs: the sample corpus, a folder of transcripts given with --thesis (default
tests/data/thesis; copy it somewhere fixed first if it may change), the sample's manual
coding and tests/data/quotes/heldout.csv.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
WORK = Path("/tmp/tematik-golden-work")  # fixed, so paths inside outputs are equal
VOLATILE_KEYS = {"timings_s", "started", "finished", "packages", "tematik_version", "seconds",
                 "manifest_sha256"}  # a hash of a manifest that holds timings
VOLATILE_TEXT = [
    (re.compile(r"\d+(\.\d+)? s\b"), "<s>"),  # durations printed by the CLI and the report
    (re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[^\"<\s]*"), "<time>"),
    (re.compile(r"tematik \d+\.\d+\.\d+"), "tematik <v>"),
]


def commands(tematik: str, thesis: Path) -> list[tuple[str, list[str]]]:
    corpus = ROOT / "corpus"
    manual = corpus / "_coding_manual.csv"
    quotes = ROOT / "tests" / "data" / "quotes" / "heldout.csv"
    new = [str(p) for p in sorted(thesis.glob("*.txt"))[:3]]
    return [
        ("run_sample", [tematik, "run", "--out", "runs/sample", "--quiet"]),
        ("run_thesis", [tematik, "run", str(thesis), "--out", "runs/thesis", "--quiet"]),
        ("run_nmf", [tematik, "run", str(thesis), "--model", "nmf", "--topics", "5",
                     "--out", "runs/nmf", "--quiet"]),
        ("run_trained", [tematik, "run", "--train", str(quotes), "--out", "runs/trained",
                         "--topics", "0", "--quiet"]),
        ("run_anon", [tematik, "run", str(thesis), "--anonymise", "--out", "runs/anon",
                      "--quiet"]),
        ("compare", [tematik, "compare", "runs/sample", str(manual), "--resamples", "200"]),
        ("themes", [tematik, "themes", "runs/sample"]),
        ("themes_theme", [tematik, "themes", "runs/sample", "--theme", "kepemimpinan"]),
        ("topics", [tematik, "topics", "runs/sample"]),
        ("topics_by", [tematik, "topics", "runs/sample", "--by", "informant",
                       "--format", "csv"]),
        ("export", [tematik, "export", "runs/sample", "--qdpx", "export/sample.qdpx",
                    "--qdc", "export/sample.qdc"]),
        ("apply", [tematik, "apply", "runs/sample", *new, "--out", "runs/applied"]),
        ("refit", [tematik, "run", "--from", "runs/sample", "--topics", "4",
                   "--out", "runs/refit"]),
        ("compare_sentence", [tematik, "compare", "runs/refit", str(manual), "--unit",
                              "sentence", "--resamples", "50"]),
        ("report_en", [tematik, "report", "runs/thesis", "--lang", "en"]),
        ("code", [tematik, "code", str(quotes), "--text-column", "quote",
                  "--out", "code/quotes.csv"]),
        ("code_nofallback", [tematik, "code", str(quotes), "--text-column", "quote",
                             "--no-fallback", "--out", "code/quotes-nofallback.csv"]),
        ("codebook_check", [tematik, "codebook", "check",
                            str(ROOT / "models" / "codebooks" / "kinerja-aparatur.yaml")]),
    ]


def record(dest: Path, thesis: Path) -> None:
    tematik = str(Path(sys.executable).with_name("tematik"))
    if WORK.exists():
        shutil.rmtree(WORK)
    WORK.mkdir(parents=True)
    (WORK / "code").mkdir()
    (WORK / "export").mkdir()
    outputs = {}
    for name, argv in commands(tematik, thesis):
        done = subprocess.run(argv, cwd=WORK, capture_output=True, text=True, check=False)
        outputs[name] = {"rc": done.returncode, "stdout": done.stdout, "stderr": done.stderr}
        print(f"{name}: exit {done.returncode}")
    (WORK / "cli.json").write_text(json.dumps(outputs, indent=1, ensure_ascii=False),
                                   encoding="utf-8")
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(WORK, dest)


def _text(value: str) -> str:
    for pattern, repl in VOLATILE_TEXT:
        value = pattern.sub(repl, value)
    return value


def _scrub(obj: object) -> object:
    if isinstance(obj, dict):
        return {k: _scrub(v) for k, v in obj.items() if k not in VOLATILE_KEYS}
    if isinstance(obj, list):
        return [_scrub(v) for v in obj]
    if isinstance(obj, str):
        return _text(obj)
    return obj


def fingerprint(path: Path) -> str:
    """What must be equal: bytes, or for files holding times/versions their stable part."""
    data = path.read_bytes()
    if path.name in {"manifest.json", "cli.json"}:
        return json.dumps(_scrub(json.loads(data)), sort_keys=True, ensure_ascii=False)
    if path.suffix == ".html":
        return _text(data.decode("utf-8"))
    if path.suffix in {".qdpx", ".xlsx"}:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            parts = []
            for info in sorted(z.infolist(), key=lambda i: i.filename):
                body = z.read(info.filename)
                if info.filename.endswith((".qde", ".xml", ".qdc")):
                    body = _text(body.decode("utf-8")).encode()
                parts.append(f"{info.filename}:{hashlib.sha256(body).hexdigest()}")
            return "\n".join(parts)
    if path.suffix == ".parquet":
        frame = pd.read_parquet(path)
        return hashlib.sha256(data).hexdigest() + "|" + frame.to_csv(index=False)
    return hashlib.sha256(data).hexdigest()


def check(before: Path, after: Path) -> int:
    left = {p.relative_to(before) for p in before.rglob("*") if p.is_file()}
    right = {p.relative_to(after) for p in after.rglob("*") if p.is_file()}
    bad = 0
    for rel in sorted(left ^ right):
        print(f"only in {'before' if rel in left else 'after'}: {rel}")
        bad += 1
    for rel in sorted(left & right):
        a, b = fingerprint(before / rel), fingerprint(after / rel)
        if a != b:
            bad += 1
            print(f"DIFFERS: {rel}")
            if rel.name == "cli.json":
                ja, jb = json.loads(a), json.loads(b)
                for key in ja:
                    if ja[key] != jb.get(key):
                        print(f"  command {key}: {ja[key]!r:.300} != {jb.get(key)!r:.300}")
    print(f"{len(left & right)} files compared, {bad} difference(s)")
    return 1 if bad else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    rec = sub.add_parser("record")
    rec.add_argument("dest", type=Path)
    rec.add_argument("--thesis", type=Path, default=ROOT / "tests" / "data" / "thesis")
    chk = sub.add_parser("check")
    chk.add_argument("before", type=Path)
    chk.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.cmd == "record":
        record(args.dest, args.thesis.resolve())
        return 0
    return check(args.before, args.after)


if __name__ == "__main__":
    raise SystemExit(main())
