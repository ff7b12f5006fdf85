"""What the commands of :mod:`pipeline.cli` share: errors turned into messages and exit
codes, the option groups several commands take, the progress bar and the run summary."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from pipeline import __version__
from pipeline.config import DEFAULT_THRESHOLD
from pipeline.errors import TematikError
from pipeline.resources import DEFAULT_CODEBOOK

if TYPE_CHECKING:
    from pipeline.runs.run import RunResult


class DataFailure(click.ClickException):
    exit_code = 1


class UsageFailure(click.ClickException):
    exit_code = 2


def fail(exc: TematikError) -> click.ClickException:
    """A library error as a one-line message and its exit code (2 usage, 1 data)."""
    kind = UsageFailure if exc.exit_code == 2 else DataFailure
    return kind(str(exc))


@contextmanager
def reported() -> Iterator[None]:
    """Turn a library error raised in the block into the CLI's message and exit code."""
    try:
        yield
    except TematikError as exc:
        raise fail(exc) from exc


def speakers_options(command: Callable[..., None]) -> Callable[..., None]:
    command = click.option(
        "--speakers", "speakers", multiple=True, metavar="FILE",
        type=click.Path(path_type=Path, dir_okay=False),
        help="A speakers file (CSV/XLSX/YAML: label,person,role,display; repeatable) saying "
        "who each label is: it merges labels of one person, names diarization labels "
        "(SPEAKER_00) and sets roles. NAME.speakers.csv applies to transcript NAME only.")(command)
    return click.option(
        "--interviewer-label", "interviewer_labels", multiple=True, metavar="LABEL",
        help="A speaker label that is the interviewer's (repeatable), for labels tematik "
        "does not know, e.g. --interviewer-label Mhs.")(command)


def codebook_options(command: Callable[..., None]) -> Callable[..., None]:
    command = click.option(
        "--informant-model/--no-informant-model", default=True, show_default=True,
        help="Beside the codebook's words, code with the model of informant speech shipped "
        "with the default codebook (it recognises themes said indirectly; its codings have "
        "method 'model' or 'combined').")(command)
    command = click.option(
        "--threshold", type=click.FloatRange(min=0.1), default=DEFAULT_THRESHOLD,
        show_default=True,
        help="Dictionary score a theme needs in a passage to be coded (one strong cue, or "
        "two ordinary ones, at the default).")(command)
    return click.option(
        "--codebook", type=click.Path(path_type=Path, dir_okay=False),
        default=DEFAULT_CODEBOOK, show_default="models/codebooks/kinerja-aparatur.yaml",
        help="Codebook (YAML) whose themes are coded ('tematik code' also takes 'none': "
        "only the supervised coder trained with --train codes).")(command)


def train_options(command: Callable[..., None]) -> Callable[..., None]:
    command = click.option(
        "--train-code-column", metavar="COL", default=None,
        help="Code column of --train (default: found by name: code, kode, theme, tema).")(command)
    command = click.option(
        "--train-text-column", metavar="COL", default=None,
        help="Text column of --train (default: found by name: quote, kutipan, text, teks)."
    )(command)
    return click.option(
        "--train", "train", type=click.Path(path_type=Path, dir_okay=False), default=None,
        metavar="CODED", help="Your coded passages (.csv/.xlsx: a text column and a code "
        "column, several codes separated by ';') to train the supervised coder, combined "
        "with the codebook.")(command)


# -- anonymisation (docs/privacy.md) --------------------------------------------------------


def anonymise_options(command: Callable[..., None]) -> Callable[..., None]:
    command = click.option(
        "--key-out", type=click.Path(path_type=Path, dir_okay=False), default=None,
        metavar="KEYFILE", help="Where the key (real names -> pseudonyms) goes: a .csv or "
        ".json outside the run directory [default: OUT.key.csv beside it].")(command)
    return click.option(
        "--anonymise", is_flag=True,
        help="Replace informant and interviewer names with pseudonyms (Informan A, "
        "Pewawancara 1) and redact NIK, NIP, phone numbers, e-mail addresses and names "
        "after Pak/Bu before anything is analysed.")(command)


def topics_option(value: str) -> int | str:
    if value == "auto":
        return value
    try:
        k = int(value)
    except ValueError:
        k = -1
    if k == 0 or k >= 2:
        return k
    raise click.BadParameter(f"{value!r}: give a number of topics (2 or more), 'auto', or 0 "
                             "for no topic model")


def stderr_is_terminal() -> bool:
    return sys.stderr.isatty()


class StageBar:
    """A :data:`~pipeline.runs.run.Progress` callback drawing a progress bar on stderr: stages
    done of the total, the stage running, and the time left."""

    def __init__(self) -> None:
        self.bar: click._termui_impl.ProgressBar[str] | None = None
        self.done = 0

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.bar is None:
            self.bar = click.progressbar(length=total, label="tematik", file=sys.stderr,
                                         show_eta=True, show_pos=True,
                                         item_show_func=lambda item: item)
            self.bar.__enter__()
        self.bar.length = total
        self.bar.update(max(0, done - self.done), stage or None)
        self.done = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def print_summary(result: RunResult) -> None:
    c = result.counts
    total = sum(result.timings.values())
    click.echo(f"tematik {__version__}: run finished in {total:.1f} s")
    for key in ("transcripts", "informants", "turns", "passages", "tokens", "codings",
                "coded_passages", "topics"):
        click.echo(f"  {key:<14} {c.get(key, 0):>8,}")
    if c.get("passages"):
        left = c["passages"] - c.get("coded_passages", 0)
        click.echo(f"  {'uncoded':<14} {left:>8,} ({left / c['passages']:.0%} of passages: "
                   "no theme had enough evidence)")
    stages = " | ".join(f"{k} {v:.2f} s" for k, v in result.timings.items())
    click.echo(f"  {'stages':<12} {stages}")
    for line in result.skipped:
        click.echo(f"skipped: {line}", err=True)
    for line in result.warnings:
        click.echo(f"warning: {line}", err=True)
    if result.key is not None:  # anon
        click.echo(f"Key (real names; keep it apart from the run): {result.key}")
    click.echo(f"Run directory: {result.out}")
