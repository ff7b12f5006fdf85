"""How long tematik takes to start: ``tematik --help``, ``tematik --version`` and
``tematik themes RUN``, each timed as a researcher's shell sees it (a fresh process, from
start to exit), against baselines measured in the same run: ``python -c pass`` (the
interpreter alone) and ``python -c "import pandas"`` (the least ``themes`` must import to read
a run's tables).

Commands are timed round-robin, ``--repeat`` times each, so a busy machine slows all of them
alike; the script prints the median and the fastest wall time of each, the median as a
multiple of the pandas import, and the median CPU time (user + system, where the OS reports
it: close to what the wall time would be on an idle machine, since start-up runs on one
core). Targets (issue 16): ``--help`` and ``--version`` under 0.5 s, ``themes`` under 1.5 s.

    .venv/bin/python scripts/bench_startup.py                   # writes a sample run first
    .venv/bin/python scripts/bench_startup.py --run runs/sample --repeat 15

The ``tematik`` timed is the one installed beside this interpreter.
"""

from __future__ import annotations

import argparse
import math
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


def cpu_of_children() -> float:
    """CPU seconds (user + system) of the finished child processes, or NaN where unknown."""
    try:
        import resource
    except ImportError:  # Windows
        return math.nan
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(argv: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds from starting ``argv`` to its exit (its output discarded; it must
    succeed)."""
    cpu0, t0 = cpu_of_children(), time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0, cpu_of_children() - cpu0


def sample_run(folder: Path) -> Path:
    """A run of the sample corpus written into ``folder`` (topics off: only ``themes`` reads
    it, and ``themes`` reads no topic tables)."""
    out = folder / "sample"
    subprocess.run([*tematik(), "run", "--out", str(out), "--topics", "0", "--quiet"],
                   check=True, stdout=subprocess.DEVNULL)
    return out


def measure(run: Path, repeat: int) -> dict[str, list[tuple[float, float]]]:
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "python -c 'import pandas'": [sys.executable, "-c", "import pandas"],
        "tematik --help": [*tematik(), "--help"],
        "tematik --version": [*tematik(), "--version"],
        "tematik themes RUN": [*tematik(), "themes", str(run)],
    }
    for argv in commands.values():  # once untimed: the OS caches the files read
        timed(argv)
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
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

    pandas = statistics.median(wall for wall, _ in times["python -c 'import pandas'"])
    print(f"{os.cpu_count()} cores, load average {_load()}; {args.repeat} runs each")
    print(f"{'':<28}{'median (s)':>11}{'fastest (s)':>12}{'x pandas':>10}{'cpu (s)':>9}"
          f"{'target (s)':>12}")
    for name, values in times.items():
        median = statistics.median(wall for wall, _ in values)
        cpu = statistics.median(c for _, c in values)
        target = TARGETS.get(name)
        verdict = "" if target is None else f"{target:>8.1f} {'ok' if median < target else 'OVER'}"
        print(f"{name:<28}{median:>11.2f}{min(w for w, _ in values):>12.2f}"
              f"{median / pandas:>10.2f}{cpu:>9.2f}  {verdict}")


def _load() -> str:
    try:
        return " ".join(f"{x:.1f}" for x in os.getloadavg())
    except (AttributeError, OSError):  # Windows
        return "unknown"


if __name__ == "__main__":
    main()
