"""The run directory: the one package that creates, locks, reads, writes, hashes or renames
run directories, and writes the files tematik makes beside them (an export, a coded sheet,
the anonymisation key). Callers import it as ``from pipeline.runs import rundir``.

:mod:`~pipeline.runs.rundir.lifecycle` locks and creates a run directory, writes each file
atomically and opens a finished run by its manifest; :mod:`~pipeline.runs.rundir.contents`
reads and writes what a run holds (tables, codebook, figures, fitted models) and the files
beside it (exports, the key).
"""

from __future__ import annotations

from pipeline.runs.rundir.contents import (
    FIGURES_DIR,
    TOPICS_DIR,
    check_key_path,
    check_output,
    codebook_path,
    has_csv,
    has_table,
    load_learned,
    load_topic_model,
    read_codebook_if_any,
    read_figures,
    read_table,
    read_tables,
    remove_tables,
    run_codebook,
    save_learned,
    save_topic_model,
    write_codebook,
    write_figures,
    write_key,
    write_output,
)
from pipeline.runs.rundir.lifecycle import (
    MARKER,
    copy_into,
    creating,
    csv_bytes,
    lock_path,
    manifest_sha256,
    open_run,
    write_bytes,
    write_csv,
    write_manifest,
    write_table,
    write_text,
)

__all__ = [
    "FIGURES_DIR",
    "MARKER",
    "TOPICS_DIR",
    "check_key_path",
    "check_output",
    "codebook_path",
    "copy_into",
    "creating",
    "csv_bytes",
    "has_csv",
    "has_table",
    "load_learned",
    "load_topic_model",
    "lock_path",
    "manifest_sha256",
    "open_run",
    "read_codebook_if_any",
    "read_figures",
    "read_table",
    "read_tables",
    "remove_tables",
    "run_codebook",
    "save_learned",
    "save_topic_model",
    "write_bytes",
    "write_codebook",
    "write_csv",
    "write_figures",
    "write_key",
    "write_manifest",
    "write_output",
    "write_table",
    "write_text",
]
