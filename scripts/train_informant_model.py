"""Train the informant-speech model shipped with the default codebook.

Reads every ``models/training/quotes_*.csv`` (informant-style quotes written for tematik,
labelled by theme; see models/training/README.md), trains
:class:`pipeline.stages.prior.InformantModel` with a fixed seed and writes
``models/coders/informant.json.gz`` (plain JSON, sorted keys, gzip without a time stamp:
the same quotes give the same bytes). Prints the cross-validated precision/recall/F1 of both parts.

    .venv/bin/python scripts/train_informant_model.py [--check]

``--check`` writes nothing and exits 1 when the shipped file differs from a fresh training.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.resources import INFORMANT_MODEL, MODELS_DIR, load_lexicon  # noqa: E402
from pipeline.stages.normalise import Normaliser  # noqa: E402
from pipeline.stages.prior import model_bytes, train  # noqa: E402

SEED = 0


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    files = sorted((MODELS_DIR / "training").glob("quotes_*.csv"))
    quotes = pd.concat([pd.read_csv(f, dtype=str, keep_default_na=False) for f in files],
                       ignore_index=True)
    provenance = {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in files}
    t0 = time.perf_counter()
    model = train(quotes, Normaliser(load_lexicon()), random_state=SEED,
                  trained_on=provenance)
    print(f"{len(quotes)} quotes from {len(files)} files, trained in "
          f"{time.perf_counter() - t0:.1f} s")
    for name, part in (("themes", model.themes), ("dimensions", model.dimensions)):
        print(f"\n{name} (cross-validated on the training quotes):")
        print(part.cv_report_[["theme", "precision", "recall", "f1", "support"]]
              .round(3).to_string(index=False))
    data = model_bytes(model)
    if args.check:
        same = INFORMANT_MODEL.is_file() and INFORMANT_MODEL.read_bytes() == data
        print("\nshipped model is", "up to date" if same else "OUT OF DATE")
        return 0 if same else 1
    INFORMANT_MODEL.parent.mkdir(parents=True, exist_ok=True)
    INFORMANT_MODEL.write_bytes(data)
    print(f"\nwrote {INFORMANT_MODEL} ({len(data) / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
