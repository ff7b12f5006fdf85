"""Refitting deliberately: ``tematik run --from RUN``.

RUN's configuration (its copy of the codebook) with the options the user gave on top, run on
RUN's input files unless others are given; afterwards, how far the topics moved
(``topic_matching``), recorded in the new run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pipeline.config import RunConfig
from pipeline.runs import rundir
from pipeline.runs.apply import check_version, topic_labels

MATCH_COLUMNS = ["topic", "label", "run_topic", "run_label", "overlap"]


def config_from_run(run_dir: Path, overrides: Mapping[str, Any] | None = None,
                    ) -> tuple[RunConfig, list[Path]]:
    """RUN's configuration (its copy of the codebook) with ``overrides`` (RunConfig fields
    the user gave) on top, and RUN's input files: what ``tematik run --from RUN`` runs."""
    run_dir = Path(run_dir)
    manifest = rundir.open_run(run_dir)
    check_version(manifest, run_dir)
    saved = manifest.get("config")
    config = RunConfig.from_saved(saved if isinstance(saved, dict) else {},
                                  codebook=rundir.codebook_path(run_dir))
    config = replace(config, **(overrides or {}))
    inputs = manifest.get("inputs")
    paths = sorted({Path(str(i["path"])) for i in inputs if isinstance(i, dict)}
                   ) if isinstance(inputs, list) else []
    return config, paths


def topic_matching(run_terms: pd.DataFrame, new_terms: pd.DataFrame,
                   run_labels: dict[int, str], new_labels: dict[int, str],
                   n_terms: int = 15) -> pd.DataFrame:
    """Each new topic paired with the old topic it moved from: one-to-one matching that
    maximises the overlap (Jaccard) of their top ``n_terms`` terms. Columns
    :data:`MATCH_COLUMNS`; a new topic with no partner has run_topic 0 and overlap 0."""
    from scipy.optimize import linear_sum_assignment

    def tops(frame: pd.DataFrame) -> dict[int, set[str]]:
        out: dict[int, set[str]] = {}
        for topic, _rank, term in sorted(zip(frame["topic"].astype(int), frame["rank"],
                                            frame["term"].astype(str), strict=True)):
            if len(out.setdefault(topic, set())) < n_terms:
                out[topic].add(term)
        return out

    old, new = tops(run_terms), tops(new_terms)
    new_ids, old_ids = sorted(new), sorted(old)
    score = np.zeros((len(new_ids), len(old_ids)))
    for i, a in enumerate(new_ids):
        for j, b in enumerate(old_ids):
            score[i, j] = len(new[a] & old[b]) / len(new[a] | old[b]) if new[a] | old[b] else 0
    rows_i, cols_j = linear_sum_assignment(-score) if score.size else ([], [])
    pair = {new_ids[i]: (old_ids[j], float(score[i, j])) for i, j in zip(rows_i, cols_j,
                                                                         strict=True)}
    rows = []
    for topic in new_ids:
        old_topic, overlap = pair.get(topic, (0, 0.0))
        rows.append((topic, new_labels.get(topic, ""), old_topic,
                     run_labels.get(old_topic, ""), round(overlap, 4)))
    return pd.DataFrame(rows, columns=MATCH_COLUMNS)


def record_refit(new_run: Path, run_dir: Path) -> pd.DataFrame | None:
    """After ``tematik run --from RUN``: write how far the topics moved (``topic_matching``)
    into the new run and note RUN in its manifest. None when either run has no topics."""
    new_run, run_dir = Path(new_run), Path(run_dir)
    manifest = rundir.open_run(new_run)
    refit: dict[str, object] = {"run": str(run_dir),
                                "manifest_sha256": rundir.manifest_sha256(run_dir)}
    manifest["refit_from"] = refit
    table = None
    if rundir.has_table(new_run, "topic_terms") and rundir.has_table(run_dir, "topic_terms"):
        table = topic_matching(rundir.read_table(run_dir, "topic_terms"),
                               rundir.read_table(new_run, "topic_terms"),
                               topic_labels(run_dir), topic_labels(new_run))
        rundir.write_table(new_run, "topic_matching", table)
        rundir.write_csv(new_run, "topic_matching", table)
        refit["mean_overlap"] = round(float(table["overlap"].mean()), 4)
    rundir.write_manifest(new_run, manifest)
    return table
