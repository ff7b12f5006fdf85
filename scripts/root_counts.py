"""Write models/lexicons/root_counts.tsv: how often STIF's formal side uses each root.

When a spoken word has several possible roots (``nyari``: sari or cari), normalisation takes
the one standard Indonesian uses most. The counts come from the formal rewrites of STIF's
train split only (``../shared/data/stif/train.for``, MIT): each word's root by plain
Sastrawi, counted when the root is in Sastrawi's dictionary; roots seen once are left out.

    .venv/bin/python scripts/root_counts.py
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRAIN = ROOT.parent / "shared" / "data" / "stif" / "train.for"
OUT = ROOT / "models" / "lexicons" / "root_counts.tsv"
HEADER = """\
# root_counts.tsv — how often each root is used in standard Indonesian text, to choose
# between the candidate roots of a spoken word (nyari: cari, not sari).
# Learned from STIF train, formal side only (github.com/haryoa/stif-indonesia, MIT):
# each word's root by plain Sastrawi, roots in Sastrawi's dictionary seen at least twice.
# Regenerate with scripts/root_counts.py. Format: root<TAB>count, most frequent first.
"""


def main() -> None:
    if not TRAIN.is_file():
        sys.exit(f"{TRAIN} is absent: nothing to count")
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    factory = StemmerFactory()
    roots = frozenset(factory.get_words())
    stemmer = factory.create_stemmer()
    words = Counter(w for w in re.findall(r"[a-z]+", TRAIN.read_text(encoding="utf-8").lower()))
    counts: Counter[str] = Counter()
    for word, n in words.items():
        root = stemmer.stem(word)
        if root in roots:
            counts[root] += n
    rows = sorted(((r, n) for r, n in counts.items() if n >= 2), key=lambda x: (-x[1], x[0]))
    OUT.write_text(HEADER + "".join(f"{r}\t{n}\n" for r, n in rows), encoding="utf-8")
    print(f"{OUT}: {len(rows)} roots")


if __name__ == "__main__":
    main()
