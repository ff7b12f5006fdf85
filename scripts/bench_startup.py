"""How long tematik takes to start: ``tematik --help``, ``tematik --version`` and
``tematik themes RUN``, each timed as a researcher's shell sees it (a fresh process, from
start to exit), against baselines measured in the same run: ``python -c pass`` (the
interpreter alone) and ``python -c "import pandas"`` (the least ``themes`` must import to read
a run's tables).

Commands are timed round-robin, ``--repeat`` times each, so a busy machine slows all of them
alike; the script prints the median and the fastest time of each, and the median as a
multiple of the pandas import. Targets (issue 16): ``--help`` and ``--version`` under 0.5 s,
``themes`` under 1.5 s.

    .venv/bin/python scripts/bench_startup.py                   # writes a sample run first
    .venv/bin/python scripts/bench_startup.py --run runs/sample --repeat 15

The ``tematik`` timed is the one installed beside this interpreter.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGETS = {"tematik --help": 0.5, "tematik --version": 0.5, "tematik themes RUN": 1.5}


def tematik() -> list[str]:
    """The console script installed beside this interpreter (or the module, when none is)."""
    folder = Path(sys.executable).parent
    for name in ("tematik", "tematik.exe"):
        if (folder / name).is_file():
            return [str(folder / name)]
    return [sys.executable, "-c", "from pipeline.cli import main; main()"]


def timed(argv: list[str]) -> float:
    """Seconds from starting ``argv`` to its exit (its output discarded; it must succeed)."""
    t0 = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def sample_run(folder: Path) -> Path:
    """A run of the sample corpus written into ``folder`` (topics off: only ``themes`` reads
    it, and ``themes`` reads no topic tables)."""
    out = folder / "sample"
    subprocess.run([*tematik(), "run", "--out", str(out), "--topics", "0", "--quiet"],
                   check=True, stdout=subprocess.DEVNULL)
    return out


def measure(run: Path, repeat: int) -> dict[str, list[float]]:
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "python -c 'import pandas'": [sys.executable, "-c", "import pandas"],
        "tematik --help": [*tematik(), "--help"],
        "tematik --version": [*tematik(), "--version"],
        "tematik themes RUN": [*tematik(), "themes", str(run)],
    }
    for argv in commands.values():  # once untimed: the OS caches the files read
        timed(argv)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, argv in commands.items():
            times[name].append(timed(argv))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", type=Path, default=None,
                        help="A finished run for 'tematik themes' (default: a sample run "
                        "written to a temporary folder).")
    parser.add_argument("--repeat", type=int, default=9, help="Times each command runs.")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="bench-startup-"))
    try:
        run = args.run or sample_run(scratch)
        times = measure(run, args.repeat)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    pandas = statistics.median(times["python -c 'import pandas'"])
    print(f"{os.cpu_count()} cores, load average {_load()}; {args.repeat} runs each")
    print(f"{'':<28}{'median (s)':>11}{'fastest (s)':>12}{'x pandas':>10}{'target (s)':>12}")
    for name, values in times.items():
        median = statistics.median(values)
        target = TARGETS.get(name)
        verdict = "" if target is None else f"{target:>8.1f} {'ok' if median < target else 'OVER'}"
        print(f"{name:<28}{median:>11.2f}{min(values):>12.2f}{median / pandas:>10.2f}  {verdict}")


def _load() -> str:
    try:
        return " ".join(f"{x:.1f}" for x in os.getloadavg())
    except (AttributeError, OSError):  # Windows
        return "unknown"


if __name__ == "__main__":
    main()
