"""How well tematik finds who said what: answer recall and question leakage per fixture.

Reads every fixture in tests/data/thesis/ (``.txt``, ``.md``, ``.srt``, ``.vtt``, ``.json``,
``.docx``, ``.xlsx``; see its README) the way ``tematik run`` does (with the fixture's
speakers file when its sidecar names one), cuts the passages, and scores them against the
sidecar ``NAME.expected.json``:

- recall: the share of expected informant snippets found inside an informant passage;
- leakage: the share of interviewer snippets found inside any informant passage;
- noise: headings, header lines and footers found inside a passage (should be 0);
- labels: every expected informant label is an informant's, no interviewer label is;
- persons: the people found (display name, role, labels) are the sidecar's ``persons``
  (from fixture 13 on), with its speakers file; and ``persons_without_speakers_file``
  without it.

Text is compared with whitespace collapsed. Prints one row per fixture and the totals
(snippets pooled over all fixtures); exits 1 when a fixture has recall under 0.95,
leakage over 0.05 or any noise.

    .venv/bin/python scripts/eval_transcripts.py [FIXTURE_DIR] [--json OUT.json]
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.types import INFORMANT, SpeakerMap  # noqa: E402
from tests import thesis_fixtures as thesis  # noqa: E402

MIN_RECALL, MAX_LEAKAGE = 0.95, 0.05


@dataclass
class Score:
    fixture: str
    recall: float
    leakage: float
    found: int
    informant: int
    leaked: int
    interviewer: int
    noise: int
    labels_ok: bool
    persons_ok: bool | None  # None: the sidecar lists no persons
    persons_without_file_ok: bool | None


def _norm(text: str) -> str:
    return " ".join(text.split())


def score(path: Path) -> Score:
    expected = thesis.expected(path)
    speakers = thesis.speakers_of(path)
    turns, texts = thesis.read(path, speakers)
    passages = [_norm(t) for t in texts]
    found = sum(any(_norm(s) in p for p in passages) for s in expected["informant"])
    leaked = sum(any(_norm(s) in p for p in passages) for s in expected["interviewer"])
    noise = sum(any(n.strip() in {line.strip() for line in text.splitlines()}
                    or (len(n) >= 12 and _norm(n) in _norm(text)) for text in texts)
                for n in expected["noise"])
    informants = {t.speaker for t in turns if t.role == INFORMANT}
    labels_ok = (set(expected["informant_speakers"]) <= informants
                 and not set(expected["interviewer_speakers"]) & informants)
    persons_ok = without_ok = None
    if "persons" in expected:
        persons_ok = thesis.people(turns) == thesis.listed_people(expected["persons"])
    if "persons_without_speakers_file" in expected:
        plain, _ = thesis.read(path, SpeakerMap())
        without_ok = thesis.people(plain) == thesis.listed_people(
            expected["persons_without_speakers_file"])
    n_inf, n_int = len(expected["informant"]), len(expected["interviewer"])
    return Score(path.name, found / n_inf if n_inf else 1.0, leaked / n_int if n_int else 0.0,
                 found, n_inf, leaked, n_int, noise, labels_ok, persons_ok, without_ok)


def _mark(ok: bool | None) -> str:
    return "-" if ok is None else "ok" if ok else "WRONG"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", nargs="?", type=Path, default=thesis.FOLDER)
    parser.add_argument("--json", type=Path, default=None, help="also write the scores here")
    args = parser.parse_args(argv)
    scores = [score(p) for p in thesis.fixtures(args.folder)]
    out = sys.stdout
    out.write(f"{'fixture':<40} {'recall':>6} {'leak':>6} {'noise':>5} {'labels':>6} "
              f"{'persons':>7} {'no file':>7}\n")
    for s in scores:
        out.write(f"{s.fixture:<40} {s.recall:>6.2f} {s.leakage:>6.2f} {s.noise:>5} "
                  f"{_mark(s.labels_ok):>6} {_mark(s.persons_ok):>7} "
                  f"{_mark(s.persons_without_file_ok):>7}\n")
    found, n_inf = sum(s.found for s in scores), sum(s.informant for s in scores)
    leaked, n_int = sum(s.leaked for s in scores), sum(s.interviewer for s in scores)
    out.write(f"\n{len(scores)} fixtures; informant snippets found {found}/{n_inf} "
              f"(recall {found / max(n_inf, 1):.3f}), interviewer snippets leaked "
              f"{leaked}/{n_int} (leakage {leaked / max(n_int, 1):.3f}); worst recall "
              f"{min(s.recall for s in scores):.2f}, worst leakage "
              f"{max(s.leakage for s in scores):.2f}, noise lines in passages "
              f"{sum(s.noise for s in scores)}\n")
    if args.json is not None:
        args.json.write_text(json.dumps([asdict(s) for s in scores], indent=1) + "\n",
                             encoding="utf-8")
    bad = [s for s in scores if s.recall < MIN_RECALL or s.leakage > MAX_LEAKAGE or s.noise]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
