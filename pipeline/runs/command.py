"""``tematik run`` as the command line asks for it: the options checked together, ``--from
RUN`` merged with the options given, and what a run chains (a comparison with the project it
read, the record of a refit). The CLI parses and prints; this decides."""

from __future__ import annotations

import dataclasses
from collections.abc import Set
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline.agreement.compare import CompareResult
from pipeline.config import RunConfig
from pipeline.errors import TematikError, UsageError
from pipeline.readers.qdpx import read_qdpx
from pipeline.runs.compare import compare_run
from pipeline.runs.refit import config_from_run, record_refit
from pipeline.runs.run import Progress, RunResult, run


@dataclass
class RunCommandResult:
    run: RunResult
    compared: CompareResult | None = None  # --compare: the run against the project's codings
    matching: pd.DataFrame | None = None  # --from: how far the topics moved


def check_options(config: RunConfig, *, key_out: Path | None) -> None:
    """Options that only make sense together."""
    if config.seed_topics and config.topic_model != "lda":
        raise UsageError("--seed-topics needs --model lda (nmf takes no prior)")
    if key_out is not None and not config.anonymise:
        raise UsageError("--key-out needs --anonymise")


def run_command(inputs: tuple[Path, ...], out: Path | None, config: RunConfig, *,
                given: Set[str] = frozenset(), from_run: Path | None = None,
                compare_project: bool = False, force: bool = False, lang: str = "id",
                progress: Progress | None = None,
                key_out: Path | None = None) -> RunCommandResult:
    """Run as ``tematik run`` was asked. ``given``: the :class:`RunConfig` fields the user
    set explicitly (with ``from_run``, they override RUN's settings; the others come from
    RUN). ``compare_project``: score the run against the codings of the one REFI-QDA
    project among ``inputs``."""
    check_options(config, key_out=key_out)
    if from_run is not None:
        overrides = {f.name: getattr(config, f.name) for f in dataclasses.fields(config)
                     if f.name in given}
        config, base_inputs = config_from_run(from_run, overrides)
        inputs = inputs or tuple(base_inputs)
    projects = [p for p in inputs if p.suffix.lower() == ".qdpx"]
    if compare_project and len(projects) != 1:
        raise UsageError("--compare needs exactly one REFI-QDA project (.qdpx) among "
                         f"the inputs, got {len(projects)}")
    if compare_project and not read_qdpx(projects[0]).codings:
        raise UsageError(f"{projects[0]} holds no codings to compare with",
                         fix="Code passages in the project first, or leave out --compare.")
    result = run(list(inputs), out, config=config, force=force, lang=lang, progress=progress,
                 key_out=key_out)
    compared = None
    if compare_project:
        try:
            compared = compare_run(result.out, projects[0], force=True)
        except TematikError as exc:  # the run stands: say so, and how to compare it
            kind = UsageError if exc.exit_code == 2 else TematikError
            raise kind(f"{str(exc).rstrip('.')} (the run itself is complete in {result.out})",
                       fix=f"Then compare it: tematik compare {result.out} {projects[0]}"
                       ) from exc
    matching = record_refit(result.out, from_run) if from_run is not None else None
    return RunCommandResult(result, compared, matching)
