"""Writing files so that a reader never sees half of one, and nothing finished is lost:
the run directory's tables (Parquet, CSV for Excel) and JSON."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pandas as pd


def atomic_write(path: Path, write: Callable[[Path], object]) -> None:
    """Call ``write(tmp)`` and rename ``tmp`` to ``path``: readers never see half a file."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def bytes_writer(data: bytes) -> Callable[[Path], object]:
    return lambda path: path.write_bytes(data)


def write_table(folder: Path, name: str, frame: pd.DataFrame) -> None:
    """``folder/name.parquet``."""
    atomic_write(folder / f"{name}.parquet",
                 lambda p: frame.to_parquet(p, index=False, engine="pyarrow"))


def write_csv(folder: Path, name: str, frame: pd.DataFrame) -> None:
    """CSV in UTF-8 with BOM, so Excel shows Indonesian text correctly."""
    atomic_write(folder / f"{name}.csv",
                 lambda p: frame.to_csv(p, index=False, encoding="utf-8-sig", lineterminator="\n"))


def write_json(path: Path, data: object) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))
