"""Command line: parse arguments, call one library function, print. Nothing else."""

from __future__ import annotations

import dataclasses
import logging
import sys
from collections.abc import Callable
from pathlib import Path

import click

from pipeline import __version__
from pipeline.anonymise_run import anonymise_run
from pipeline.apply import apply_run, config_from_run, record_refit
from pipeline.codebook import DEFAULT_CODEBOOK, check_file
from pipeline.config import RunConfig
from pipeline.errors import TematikError, UsageError
from pipeline.jobs import code_file, compare_run, export_run, report_run, themes_tables
from pipeline.run import RunResult, run
from pipeline.themes import DEFAULT_THRESHOLD
from pipeline.views import (
    compare_view,
    matching_view,
    saturation_view,
    supervised_view,
    themes_view,
)


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


def _codebook_options(command: Callable[..., None]) -> Callable[..., None]:
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


def _train_options(command: Callable[..., None]) -> Callable[..., None]:
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


def _anonymise_options(command: Callable[..., None]) -> Callable[..., None]:
    command = click.option(
        "--key-out", type=click.Path(path_type=Path, dir_okay=False), default=None,
        metavar="KEYFILE", help="Where the key (real names -> pseudonyms) goes: a .csv or "
        ".json outside the run directory [default: OUT.key.csv beside it].")(command)
    return click.option(
        "--anonymise", is_flag=True,
        help="Replace informant and interviewer names with pseudonyms (Informan A, "
        "Pewawancara 1) and redact NIK, NIP, phone numbers, e-mail addresses and names "
        "after Pak/Bu before anything is analysed.")(command)


@main.command("anonymise")
@click.argument("run_dir", metavar="RUN", type=click.Path(path_type=Path))
@click.option("--out", "-o", type=click.Path(path_type=Path), required=True,
              help="Run directory to write, anonymised.")
@click.option("--key-out", type=click.Path(path_type=Path, dir_okay=False), default=None,
              metavar="KEYFILE", help="Where the key goes (.csv or .json, outside the run "
              "directory) [default: OUT.key.csv].")
@click.option("--force", is_flag=True, help="Replace --out and the key file if they exist.")
def anonymise_command(run_dir: Path, out: Path, key_out: Path | None, force: bool) -> None:
    """Make an anonymised copy of the finished run RUN: its stored transcripts are
    pseudonymised and analysed again with RUN's settings into --out; the key goes to
    KEYFILE. RUN is not changed: delete it when you no longer need the names."""
    try:
        result = anonymise_run(run_dir, out, key_out=key_out, force=force)
    except TematikError as exc:
        raise _fail(exc) from exc
    _print_summary(result)


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
@click.option("--topics", "topics", default="auto", show_default=True, metavar="K|auto",
              callback=lambda ctx, param, value: _topics_option(value),
              help="Number of topics, 'auto' to choose it, or 0 for no topic model.")
@click.option("--model", "topic_model", type=click.Choice(["lda", "nmf"]), default="lda",
              show_default=True, help="Topic model: lda (gensim) or nmf (fast).")
@click.option("--seed-topics", is_flag=True,
              help="Seed the first topics with the codebook's themes (lda only).")
@_codebook_options
@_train_options
@click.option("--compare", "compare_project", is_flag=True,
              help="With a REFI-QDA project (.qdpx) as input: also score the automatic coding "
              "against the project's own codings (as 'tematik compare RUN PROJECT.qdpx').")
@click.option("--from", "from_run", type=click.Path(path_type=Path), default=None,
              metavar="RUN", help="Refit deliberately with RUN's settings and codebook (on "
              "RUN's input files when no INPUTS are given; options you give override), and "
              "report how far the topics moved.")
@_anonymise_options
@click.option("--lang", type=click.Choice(["id", "en"]), default="id", show_default=True,
              help="Language of the report's labels (report.html, figures).")
@click.option("--quiet", "-q", is_flag=True,
              help="Print only the run directory (no progress bar).")
@click.pass_context
def run_command(
    ctx: click.Context,
    inputs: tuple[Path, ...], out: Path | None, force: bool, seed: int, window_words: int,
    interviewer_labels: tuple[str, ...], topics: int | str, topic_model: str,
    seed_topics: bool, codebook: Path, threshold: float, train: Path | None,
    train_text_column: str | None, train_code_column: str | None, anonymise: bool,
    key_out: Path | None, compare_project: bool, from_run: Path | None, lang: str, quiet: bool,
) -> None:
    """Analyse transcripts in INPUTS (files and/or folders, searched recursively).

    With no INPUTS, runs on the embedded sample corpus (corpus/). Finds informant
    passages, normalises spoken Indonesian, codes every passage with the codebook's themes
    and writes the tables (Parquet, and CSV for Excel) and manifest.json into the run
    directory, then the report (report.html, workbook.xlsx, figures/).
    """
    if seed_topics and topic_model != "lda":
        raise click.UsageError("--seed-topics needs --model lda (nmf takes no prior)")
    config = RunConfig(seed=seed, window_words=window_words,
                       interviewer_labels=tuple(interviewer_labels), codebook=codebook,
                       threshold=threshold, topics=topics, topic_model=topic_model,
                       seed_topics=seed_topics, train=train,
                       train_text_column=train_text_column,
                       train_code_column=train_code_column, anonymise=anonymise)
    if key_out is not None and not anonymise:
        raise click.UsageError("--key-out needs --anonymise")
    if from_run is not None:
        given = {name for name in ctx.params
                 if ctx.get_parameter_source(name) != click.core.ParameterSource.DEFAULT}
        overrides = {f.name: getattr(config, f.name) for f in dataclasses.fields(config)
                     if f.name in given}
        try:
            config, base_inputs = config_from_run(from_run, overrides)
        except TematikError as exc:
            raise _fail(exc) from exc
        inputs = inputs or tuple(base_inputs)
    projects = [p for p in inputs if p.suffix.lower() == ".qdpx"]
    if compare_project and len(projects) != 1:
        raise click.UsageError("--compare needs exactly one REFI-QDA project (.qdpx) among "
                               f"the inputs, got {len(projects)}")
    bar = _StageBar() if not quiet and _stderr_is_terminal() else None
    try:
        result = run(list(inputs), out, config=config, force=force, lang=lang, progress=bar,
                     key_out=key_out)
        if bar is not None:
            bar.close()
        compared = (compare_run(result.out, projects[0], force=True)
                    if compare_project else None)
        matching = record_refit(result.out, from_run) if from_run is not None else None
    except TematikError as exc:
        raise _fail(exc) from exc
    finally:
        if bar is not None:
            bar.close()
    if quiet:
        click.echo(str(result.out))
        return
    _print_summary(result)
    if compared is not None:
        click.echo("")
        click.echo(compare_view(compared, n_disagreements=5))
    if matching is not None:
        click.echo("")
        click.echo(matching_view(matching))


def _stderr_is_terminal() -> bool:
    return sys.stderr.isatty()


class _StageBar:
    """A :data:`~pipeline.run.Progress` callback drawing a progress bar on stderr: stages
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


@main.command("code")
@click.argument("input_file", metavar="INPUT", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--text-column", required=True, metavar="COL", help="Column holding the texts.")
@click.option("--id-column", metavar="COL", default=None,
              help="Column identifying each text (default: its line number in the sheet).")
@_codebook_options
@_train_options
@click.option("--out", "-o", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="CSV to write: one row per text and theme.")
@click.option("--fallback/--no-fallback", default=True, show_default=True,
              help="Code a text no theme reaches the threshold for with its best theme when "
              "that has at least one ordinary cue (excerpts are picked for a reason).")
@click.option("--force", is_flag=True, help="Replace --out if it exists.")
def code_command(input_file: Path, text_column: str, id_column: str | None, codebook: Path,
                 threshold: float, train: Path | None, train_text_column: str | None,
                 train_code_column: str | None, fallback: bool, out: Path,
                 force: bool) -> None:
    """Code the texts of a spreadsheet (INPUT: .csv or .xlsx) with the codebook's themes.

    For lists of passages without a run: interview excerpts, open survey answers. Writes
    CODINGS.csv with columns id, theme, label, score, probability, method, evidence (the
    matched words as written) and evidence_spans (their character offsets in the text).
    """
    try:
        result = code_file(input_file, out, text_column=text_column, id_column=id_column,
                           codebook_path=codebook, threshold=threshold, force=force,
                           train=train, train_text_column=train_text_column,
                           train_code_column=train_code_column, fallback=fallback)
    except TematikError as exc:
        raise _fail(exc) from exc
    for line in result.warnings:
        click.echo(f"warning: {line}", err=True)
    click.echo(f"coded {result.coded:,} of {result.texts:,} texts: {len(result.codings):,} "
               f"codings written to {result.out}")


@main.command("themes")
@click.argument("run_dir", metavar="RUN", type=click.Path(path_type=Path))
@click.option("--theme", default=None, metavar="ID",
              help="List the passages coded with this theme (a parent includes its "
              "sub-themes), evidence marked.")
@click.option("--informant", default=None, metavar="NAME",
              help="Only informants whose name or transcript contains NAME.")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True,
              help="How many passages --theme lists.")
def themes_command(run_dir: Path, theme: str | None, informant: str | None,
                   limit: int) -> None:
    """Show the themes coded in RUN: passages with their evidence, and the theme x
    informant matrix (coded passages and share of each informant's passages)."""
    try:
        book, tables = themes_tables(run_dir)
    except TematikError as exc:
        raise _fail(exc) from exc
    styled = sys.stdout.isatty()

    def mark(word: str) -> str:
        return click.style(word, bold=True, underline=True) if styled else f"**{word}**"

    try:
        text = themes_view(book, tables["passages"], tables["codings"], tables["evidence"],
                           tables["theme_matrix"], theme=theme, informant=informant,
                           mark=mark, limit=limit)
    except KeyError:
        ids = ", ".join(t.id for t in book.themes)
        raise _fail(UsageError(f"no theme '{theme}' in this run's codebook",
                               fix=f"Use one of: {ids}.")) from None
    except LookupError:
        raise _fail(UsageError(f"no informant matches '{informant}'",
                               fix="Run 'tematik themes RUN' to see the informants.")) from None
    click.echo(text)
    if theme is None and "supervised_cv" in tables:
        click.echo("\n" + supervised_view(tables["supervised_cv"], tables["supervised_terms"]))


# -- topics (docs/topics.md) ---------------------------------------------------------------


def _topics_option(value: str) -> int | str:
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


@main.command("topics")
@click.argument("run_dir", metavar="RUN", type=click.Path(path_type=Path))
@click.option("--topic", type=int, default=None, metavar="N",
              help="Show only topic N, with more passages.")
@click.option("--passages", "n_passages", type=click.IntRange(min=1), default=None,
              help="Passages to show per topic [default: 3, or 10 with --topic].")
@click.option("--by", default=None, metavar="FIELD",
              help="Print the prevalence table by informant, role, transcript or a "
              "transcript header field (unit, date, ...).")
@click.option("--k-report", is_flag=True, help="Print how K was chosen.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv"]), default="text",
              show_default=True)
def topics_command(run_dir: Path, topic: int | None, n_passages: int | None, by: str | None,
                   k_report: bool, fmt: str) -> None:
    """Show the topics of the run directory RUN: labels, terms, prevalence, coherence and
    representative passages."""
    from pipeline import topicview as tv
    from pipeline.run import read_topics

    try:
        tables = read_topics(run_dir)
        if k_report:
            report = tables["k_report"]
            click.echo(tv.k_report_text(report) if fmt == "text" else tv.render(report, fmt),
                       nl=False)
        elif by:
            frame = tv.prevalence_frame(tables, by)
            click.echo(tv.prevalence_text(frame) if fmt == "text" else tv.render(frame, fmt),
                       nl=False)
        else:
            n = n_passages or (10 if topic is not None else 3)
            records = tv.overview(tables, topic=topic, n_passages=n)
            click.echo(tv.overview_text(records) if fmt == "text" else tv.render(records, fmt),
                       nl=False)
    except TematikError as exc:
        raise _fail(exc) from exc


@main.command("compare")
@click.argument("run_dir", metavar="RUN", type=click.Path(path_type=Path))
@click.argument("manual", metavar="MANUAL", type=click.Path(path_type=Path))
@click.option("--map", "mapping", type=click.Path(path_type=Path, dir_okay=False),
              default=None, help="CSV/XLSX with columns code,theme mapping your code names "
              "to theme ids (a parent code maps its children).")
@click.option("--unit", type=click.Choice(["passage", "sentence", "character"]),
              default="passage", show_default=True, help="What agreement is counted on.")
@click.option("--min-overlap", type=click.FloatRange(0.01, 1.0), default=0.5,
              show_default=True, help="Share of a passage (or of a coded segment) that must "
              "be coded for the theme to count as present in it.")
@click.option("--resamples", type=click.IntRange(min=0), default=1000, show_default=True,
              help="Bootstrap resamples for the 95% intervals (0: none).")
@click.option("--lang", type=click.Choice(["id", "en"]), default="en", show_default=True,
              help="Language of landmarks and notes.")
@click.option("--disagreements", "n_show", type=click.IntRange(min=0), default=10,
              show_default=True, help="How many disagreements to print.")
@click.option("--train-on-manual", is_flag=True,
              help="Also train the supervised coder on part of your coding (cross-validated "
              "by transcript) and print the learning curve: agreement vs. share used.")
@click.option("--force", is_flag=True, help="Replace an earlier comparison in RUN.")
def compare_command(run_dir: Path, manual: Path, mapping: Path | None, unit: str,
                    min_overlap: float, resamples: int, lang: str, n_show: int,
                    train_on_manual: bool, force: bool) -> None:
    """Score RUN's automatic coding against your manual coding MANUAL.

    MANUAL is a CSV/XLSX sheet (columns transcript, code and quote, or start/end offsets,
    or passage_id; optionally coder) or a REFI-QDA project (.qdpx) from NVivo, ATLAS.ti,
    MAXQDA or QualCoder. Prints per-theme agreement (Cohen's kappa, Krippendorff's alpha,
    precision/recall/F1 of tematik against you, with 95% intervals and landmarks), the
    same between your coders when there are several, and the first disagreements; writes
    agreement.csv, disagreements.csv and friends into RUN.
    """
    try:
        result = compare_run(run_dir, manual, mapping_path=mapping, unit=unit,
                             min_overlap=min_overlap, n_resamples=resamples, lang=lang,
                             force=force, train_on_manual=train_on_manual)
    except TematikError as exc:
        raise _fail(exc) from exc
    click.echo(compare_view(result, n_disagreements=n_show))


@main.command("export")
@click.argument("run_dir", metavar="RUN", type=click.Path(path_type=Path))
@click.option("--qdpx", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Write a REFI-QDA project (NVivo, ATLAS.ti, MAXQDA, QualCoder).")
@click.option("--qdc", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Write only the codebook, as a REFI-QDA codebook (.qdc).")
@click.option("--force", is_flag=True, help="Replace existing files.")
def export_command(run_dir: Path, qdpx: Path | None, qdc: Path | None, force: bool) -> None:
    """Export RUN for qualitative-analysis tools: the transcripts as sources, the codebook
    as codes (sub-themes nested), every automatic coding by user 'tematik', and the
    manual coding of a comparison under its coders' names."""
    try:
        written = export_run(run_dir, qdpx=qdpx, qdc=qdc, force=force)
    except TematikError as exc:
        raise _fail(exc) from exc
    for path in written:
        click.echo(f"wrote {path}")


@main.command("apply")
@click.argument("run_dir", metavar="RUN", type=click.Path(path_type=Path))
@click.argument("inputs", metavar="NEW_INPUT...", nargs=-1, required=True,
                type=click.Path(path_type=Path))
@click.option("--out", "-o", type=click.Path(path_type=Path), required=True,
              help="Run directory to write for the new transcripts.")
@click.option("--force", is_flag=True, help="Replace --out if it exists.")
def apply_command(run_dir: Path, inputs: tuple[Path, ...], out: Path, force: bool) -> None:
    """Place new transcripts into the finished analysis RUN without refitting anything.

    The new transcripts are read, segmented and normalised as RUN did, coded with RUN's
    codebook and trained coder, and placed in RUN's topics with its saved model (same
    topic numbers and labels). The new run directory holds their tables, the theme x
    informant matrix and topic prevalence over both (new informants marked), and the
    saturation table: which themes and topics the new interviews confirm or add. RUN is
    not changed.
    """
    try:
        result = apply_run(run_dir, list(inputs), out, force=force)
    except TematikError as exc:
        raise _fail(exc) from exc
    click.echo(saturation_view(result.saturation, result.counts))
    for line in result.warnings:
        click.echo(f"warning: {line}", err=True)
    click.echo(f"Run directory: {result.out}")


@main.command("report")
@click.argument("run_dir", metavar="RUN", type=click.Path(path_type=Path))
@click.option("--lang", type=click.Choice(["id", "en"]), default="id", show_default=True,
              help="Language of the labels: id (Indonesian) or en (English).")
def report_command(run_dir: Path, lang: str) -> None:
    """Rewrite RUN's report from its tables: report.html (one self-contained page that
    opens offline), workbook.xlsx (one sheet per table) and figures/ (PNG and SVG)."""
    try:
        written = report_run(run_dir, lang=lang)
    except TematikError as exc:
        raise _fail(exc) from exc
    for path in written:
        if path.suffix != ".svg":
            click.echo(f"wrote {path}")


def _print_summary(result: RunResult) -> None:
    c = result.counts
    total = sum(result.timings.values())
    click.echo(f"tematik {__version__}: run finished in {total:.1f} s")
    for key in ("transcripts", "informants", "turns", "passages", "tokens", "codings",
                "coded_passages", "topics"):
        click.echo(f"  {key:<14} {c.get(key, 0):>8,}")
    stages = " | ".join(f"{k} {v:.2f} s" for k, v in result.timings.items())
    click.echo(f"  {'stages':<12} {stages}")
    for line in result.skipped:
        click.echo(f"skipped: {line}", err=True)
    for line in result.warnings:
        click.echo(f"warning: {line}", err=True)
    if result.key is not None:  # anon
        click.echo(f"Key (real names; keep it apart from the run): {result.key}")
    click.echo(f"Run directory: {result.out}")
