"""Command line: parse arguments, call one library function, print. Nothing else."""

from __future__ import annotations

import logging
from pathlib import Path

import click

from pipeline import __version__
from pipeline.codebook import check_file
from pipeline.config import RunConfig
from pipeline.errors import TematikError
from pipeline.run import RunResult, run


class _DataFailure(click.ClickException):
    exit_code = 1


class _UsageFailure(click.ClickException):
    exit_code = 2


def _fail(exc: TematikError) -> click.ClickException:
    """A library error as a one-line message and its exit code (2 usage, 1 data)."""
    kind = _UsageFailure if exc.exit_code == 2 else _DataFailure
    return kind(str(exc))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="tematik")
@click.option("-v", "--verbose", is_flag=True, help="Log each stage to stderr.")
def main(verbose: bool) -> None:
    """tematik: thematic analysis of Indonesian interview transcripts.

    Reads transcripts (.docx, .txt/.md, .vtt/.srt, .csv/.xlsx), finds speaker turns and
    informant passages, normalises spoken Indonesian, and writes a run directory of tables.
    Everything runs on this machine; no text is sent anywhere.
    """
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )


@main.command("run")
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@click.option("--out", "-o", type=click.Path(path_type=Path), default=None,
              help="Run directory to write (default: runs/YYYYMMDD-HHMMSS).")
@click.option("--force", is_flag=True,
              help="Replace the run directory if it exists (the old one is kept until the "
              "new run has finished).")
@click.option("--seed", type=int, default=RunConfig.seed, show_default=True,
              help="Seed for everything random, recorded in the manifest.")
@click.option("--window-words", type=click.IntRange(min=10), default=RunConfig.window_words,
              show_default=True,
              help="Split answers longer than about 1.5x this many words into windows.")
@click.option("--interviewer-label", "interviewer_labels", multiple=True, metavar="LABEL",
              help="A speaker label that is the interviewer's (repeatable), for labels "
              "tematik does not know, e.g. --interviewer-label Mhs.")
@click.option("--quiet", "-q", is_flag=True, help="Print only the run directory.")
def run_command(
    inputs: tuple[Path, ...], out: Path | None, force: bool, seed: int, window_words: int,
    interviewer_labels: tuple[str, ...], quiet: bool,
) -> None:
    """Analyse transcripts in INPUTS (files and/or folders, searched recursively).

    With no INPUTS, runs on the embedded sample corpus (corpus/). Writes transcripts,
    turns, passages and tokens tables (Parquet, and passages.csv for Excel) and
    manifest.json into the run directory.
    """
    config = RunConfig(seed=seed, window_words=window_words,
                       interviewer_labels=tuple(interviewer_labels))
    try:
        result = run(list(inputs), out, config=config, force=force)
    except TematikError as exc:
        raise _fail(exc) from exc
    if quiet:
        click.echo(str(result.out))
        return
    _print_summary(result)


@main.group("codebook")
def codebook_group() -> None:
    """Work with codebooks (themes, keywords, phrases)."""


@codebook_group.command("check")
@click.argument("file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
def codebook_check(file: Path) -> None:
    """Validate the codebook FILE and list every problem with its line number.

    Reports unknown fields, duplicate ids, missing parents, keywords that are not base
    forms or stem to nothing, and keywords shared by unrelated themes. Exits 1 when there
    is an error; warnings alone exit 0.
    """
    problems = check_file(file)
    for p in problems:
        click.echo(f"{file}:{p.line}: {p.severity}: {p.message}")
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    click.echo(f"{file}: {errors} error(s), {warnings} warning(s)")
    if errors:
        raise SystemExit(1)


def _print_summary(result: RunResult) -> None:
    c = result.counts
    total = sum(result.timings.values())
    click.echo(f"tematik {__version__}: run finished in {total:.1f} s")
    for key in ("transcripts", "informants", "turns", "passages", "tokens"):
        click.echo(f"  {key:<12} {c.get(key, 0):>8,}")
    stages = " | ".join(f"{k} {v:.2f} s" for k, v in result.timings.items())
    click.echo(f"  {'stages':<12} {stages}")
    for line in result.skipped:
        click.echo(f"skipped: {line}", err=True)
    for line in result.warnings:
        click.echo(f"warning: {line}", err=True)
    click.echo(f"Run directory: {result.out}")
