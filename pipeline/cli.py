"""Command line: parse arguments, call one library function, print. Nothing else."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from pipeline import __version__
from pipeline.cli_support import (
    StageBar,
    anonymise_options,
    codebook_options,
    print_summary,
    reported,
    speakers_options,
    stderr_is_terminal,
    topics_option,
    train_options,
)
from pipeline.config import PREVIEW_WORDS, RunConfig

# The library is imported inside each command, so that --help and --version answer at once
# (spaCy, scikit-learn, gensim, pandas and matplotlib take seconds to import). What the
# commands share is in pipeline/cli_support.py.


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
    from pipeline.runs.anonymise import anonymise_run

    with reported():
        result = anonymise_run(run_dir, out, key_out=key_out, force=force)
    print_summary(result)


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
@speakers_options
@click.option("--topics", "topics", default="auto", show_default=True, metavar="K|auto",
              callback=lambda ctx, param, value: topics_option(value),
              help="Number of topics, 'auto' to choose it, or 0 for no topic model.")
@click.option("--model", "topic_model", type=click.Choice(["lda", "nmf"]), default="lda",
              show_default=True, help="Topic model: lda (gensim) or nmf (fast).")
@click.option("--seed-topics", is_flag=True,
              help="Seed the first topics with the codebook's themes (lda only).")
@codebook_options
@train_options
@click.option("--compare", "compare_project", is_flag=True,
              help="With a REFI-QDA project (.qdpx) as input: also score the automatic coding "
              "against the project's own codings (as 'tematik compare RUN PROJECT.qdpx').")
@click.option("--from", "from_run", type=click.Path(path_type=Path), default=None,
              metavar="RUN", help="Refit deliberately with RUN's settings and codebook (on "
              "RUN's input files when no INPUTS are given; options you give override), and "
              "report how far the topics moved.")
@anonymise_options
@click.option("--lang", type=click.Choice(["id", "en"]), default="id", show_default=True,
              help="Language of the report's labels (report.html, figures).")
@click.option("--quiet", "-q", is_flag=True,
              help="Print only the run directory (no progress bar).")
@click.pass_context
def run_command(
    ctx: click.Context,
    inputs: tuple[Path, ...], out: Path | None, force: bool, seed: int, window_words: int,
    interviewer_labels: tuple[str, ...], speakers: tuple[Path, ...], topics: int | str,
    topic_model: str,
    seed_topics: bool, codebook: Path, threshold: float, train: Path | None,
    train_text_column: str | None, train_code_column: str | None, anonymise: bool,
    key_out: Path | None, compare_project: bool, from_run: Path | None, lang: str, quiet: bool,
    informant_model: bool,
) -> None:
    """Analyse transcripts in INPUTS (files and/or folders, searched recursively).

    With no INPUTS, runs on the embedded sample corpus (corpus/). Finds informant
    passages, normalises spoken Indonesian, codes every passage with the codebook's themes
    and writes the tables (Parquet, and CSV for Excel) and manifest.json into the run
    directory, then the report (report.html, workbook.xlsx, figures/).
    """
    from pipeline.report.views import compare_view, matching_view
    from pipeline.runs.command import run_command as run_as_asked

    config = RunConfig(seed=seed, window_words=window_words,
                       interviewer_labels=tuple(interviewer_labels), speakers=tuple(speakers),
                       codebook=codebook,
                       threshold=threshold, topics=topics, topic_model=topic_model,
                       seed_topics=seed_topics, train=train,
                       train_text_column=train_text_column,
                       train_code_column=train_code_column, anonymise=anonymise,
                       informant_model=informant_model)
    given = {name for name in ctx.params
             if ctx.get_parameter_source(name) != click.core.ParameterSource.DEFAULT}
    bar = StageBar() if not quiet and stderr_is_terminal() else None
    try:
        with reported():
            done = run_as_asked(inputs, out, config, given=given, from_run=from_run,
                                compare_project=compare_project, force=force, lang=lang,
                                progress=bar, key_out=key_out)
    finally:
        if bar is not None:
            bar.close()
    result, compared, matching = done.run, done.compared, done.matching
    if quiet:
        click.echo(str(result.out))
        return
    print_summary(result)
    if compared is not None:
        click.echo("")
        click.echo(compare_view(compared, n_disagreements=5))
    if matching is not None:
        click.echo("")
        click.echo(matching_view(matching))


@main.command("turns")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@speakers_options
@click.option("--format", "fmt", type=click.Choice(["text", "csv"]), default="text",
              show_default=True, help="text for reading, csv (one row per turn) for scripts.")
@click.option("--words", type=click.IntRange(min=1), default=PREVIEW_WORDS, show_default=True,
              help="Words of each turn to show.")
def turns_command(inputs: tuple[Path, ...], interviewer_labels: tuple[str, ...],
                  speakers: tuple[Path, ...], fmt: str, words: int) -> None:
    """Show who speaks in the transcripts INPUTS (files and/or folders) as tematik reads
    them, before any analysis: per transcript each speaker's label, name and role, their
    turns and passages, the first words of every turn, and what looks wrong (a label used
    once, a very long turn, a label hidden inside an answer, text before the first label, an
    answer with no question). Writes nothing."""
    from pipeline.runs.turns import preview_turns, turns_csv, turns_text

    with reported():
        preview = preview_turns(list(inputs), interviewer_labels=interviewer_labels,
                                speakers=speakers)
    click.echo((turns_csv if fmt == "csv" else turns_text)(preview, words=words), nl=False)
    for kind, lines in (("skipped", preview.corpus.skipped), ("warning", preview.notes)):
        for line in lines:
            click.echo(f"{kind}: {line}", err=True)


@main.group("codebook")
def codebook_group() -> None:
    """Work with codebooks (themes, keywords, phrases)."""


@codebook_group.command("check")
@click.argument("file", required=False, default=None,
                type=click.Path(path_type=Path, dir_okay=False))
def codebook_check(file: Path | None) -> None:
    """Validate the codebook FILE and list every problem with its line number.

    Without FILE, checks the default codebook (models/codebooks/kinerja-aparatur.yaml).
    Reports unknown fields, duplicate ids, missing parents, keywords that are not base
    forms or stem to nothing, and keywords shared by unrelated themes. Exits 1 when there
    is an error; warnings alone exit 0.
    """
    from pipeline.runs.show import check_file, codebook_to_check

    with reported():
        file = codebook_to_check(file)
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
@click.option("--question-column", metavar="COL", default=None,
              help="Column holding the question each text answers: read as context, and "
              "marked 'pertanyaan:' in the evidence.")
@codebook_options
@train_options
@click.option("--out", "-o", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="CSV to write: one row per text and theme.")
@click.option("--fallback/--no-fallback", default=False, show_default=True,
              help="Code a text no theme reaches the threshold for with its best theme when "
              "that has at least one ordinary cue. Off by default: a text without evidence "
              "for any theme stays uncoded.")
@click.option("--force", is_flag=True, help="Replace --out if it exists.")
def code_command(input_file: Path, text_column: str, id_column: str | None,
                 question_column: str | None, codebook: Path,
                 threshold: float, train: Path | None, train_text_column: str | None,
                 train_code_column: str | None, fallback: bool, out: Path,
                 force: bool, informant_model: bool) -> None:
    """Code the texts of a spreadsheet (INPUT: .csv or .xlsx) with the codebook's themes.

    For lists of passages without a run: interview excerpts, open survey answers. Writes
    CODINGS.csv with columns id, theme, label, score, probability, method, evidence (the
    matched words as written) and evidence_spans (their character offsets in the text).
    """
    from pipeline.runs.code import code_file

    with reported():
        result = code_file(input_file, out, text_column=text_column, id_column=id_column,
                           question_column=question_column,
                           codebook_path=codebook, threshold=threshold, force=force,
                           train=train, train_text_column=train_text_column,
                           train_code_column=train_code_column, fallback=fallback,
                           informant_model=informant_model)
    for line in result.warnings:
        click.echo(f"warning: {line}", err=True)
    left = result.texts - result.coded
    share = f" ({left / result.texts:.0%})" if result.texts else ""
    click.echo(f"coded {result.coded:,} of {result.texts:,} texts; {left:,}{share} left uncoded "
               f"(no theme had enough evidence): {len(result.codings):,} codings written to "
               f"{result.out}")


@main.command("themes")
@click.argument("run_dir", metavar="RUN", type=click.Path(path_type=Path))
@click.option("--theme", default=None, metavar="THEME",
              help="List the passages coded with this theme (a parent includes its "
              "sub-themes), evidence marked. THEME is its id, the last part of its id or its "
              "label, e.g. responsivitas or \"Kualitas Pelayanan\".")
@click.option("--informant", default=None, metavar="NAME",
              help="Only informants whose name or transcript contains NAME.")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True,
              help="How many passages --theme lists.")
def themes_command(run_dir: Path, theme: str | None, informant: str | None,
                   limit: int) -> None:
    """Show the themes coded in RUN: passages with their evidence, and the theme x
    informant matrix (coded passages and share of each informant's passages). A theme's
    count includes its sub-themes, each passage once, in the summary as in the matrix."""
    from pipeline.runs.show import themes_text

    styled = sys.stdout.isatty()

    def mark(word: str) -> str:
        return click.style(word, bold=True, underline=True) if styled else f"**{word}**"

    with reported():
        click.echo(themes_text(run_dir, theme=theme, informant=informant, mark=mark,
                               limit=limit))


# -- topics (docs/topics.md) ---------------------------------------------------------------


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
    from pipeline.runs.show import topics_text

    with reported():
        click.echo(topics_text(run_dir, topic=topic, n_passages=n_passages, by=by,
                               k_report=k_report, fmt=fmt), nl=False)


@main.command("compare")
@click.argument("run_dir", metavar="RUN", type=click.Path(path_type=Path))
@click.argument("manual", metavar="MANUAL", type=click.Path(path_type=Path))
@click.option("--map", "mapping", type=click.Path(path_type=Path, dir_okay=False),
              default=None, help="CSV/XLSX with columns code,theme mapping your code names "
              "to themes (a parent code maps its children). Codes named like a theme (its "
              "id, the last part of it, or its label) need no map.")
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
@click.option("--scope", type=click.Choice(["touched", "all"]), default="touched",
              show_default=True, help="touched: compare only the transcripts your coding "
              "touched (the passages it names, for a sheet of passage ids); all: every "
              "transcript of the run, a passage you did not code counting as 'absent'.")
@click.option("--train-on-manual", is_flag=True,
              help="Also train the supervised coder on part of your coding (cross-validated "
              "by transcript) and print the learning curve: agreement vs. share used.")
@click.option("--force", is_flag=True, help="Replace an earlier comparison in RUN.")
def compare_command(run_dir: Path, manual: Path, mapping: Path | None, unit: str,
                    min_overlap: float, resamples: int, lang: str, n_show: int, scope: str,
                    train_on_manual: bool, force: bool) -> None:
    """Score RUN's automatic coding against your manual coding MANUAL.

    MANUAL is a CSV/XLSX sheet (columns transcript, code and quote, or start/end offsets,
    or passage_id; optionally coder) or a REFI-QDA project (.qdpx) from NVivo, ATLAS.ti,
    MAXQDA or QualCoder. Prints per-theme agreement (Cohen's kappa, Krippendorff's alpha,
    precision/recall/F1 of tematik against you, with 95% intervals and landmarks), the
    same between your coders when there are several, and the first disagreements; writes
    agreement.csv, disagreements.csv and friends into RUN. Only the transcripts your coding
    touched are compared unless --scope all.
    """
    from pipeline.report.views import compare_view
    from pipeline.runs.compare import compare_run

    with reported():
        result = compare_run(run_dir, manual, mapping_path=mapping, unit=unit,
                             min_overlap=min_overlap, n_resamples=resamples, lang=lang,
                             force=force, train_on_manual=train_on_manual, scope=scope)
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
    from pipeline.runs.export import export_run

    with reported():
        written = export_run(run_dir, qdpx=qdpx, qdc=qdc, force=force)
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
    from pipeline.report.views import saturation_view
    from pipeline.runs.apply import apply_run

    with reported():
        result = apply_run(run_dir, list(inputs), out, force=force)
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
    from pipeline.runs.export import report_run

    with reported():
        written = report_run(run_dir, lang=lang)
    for path in written:
        if path.suffix != ".svg":
            click.echo(f"wrote {path}")
