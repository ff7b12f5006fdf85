"""The command line, in-process with CliRunner: help, version, summary, errors, exit codes."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from pipeline import __version__
from pipeline.cli import main
from tests.conftest import write

ROOT = Path(__file__).resolve().parent.parent


def test_version_and_help() -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["--version"]).output.strip() == f"tematik, version {__version__}"
    help_text = runner.invoke(main, ["run", "--help"]).output
    for option in ("--out", "--force", "--seed", "--window-words", "--quiet"):
        assert option in help_text


def test_run_prints_summary_and_run_directory(tmp_path: Path) -> None:
    src = write(tmp_path / "in" / "a.txt",
                "P: Gimana pimpinannya?\nI: Ya, eh, beliau disiplin banget, Mas.\n")
    out = tmp_path / "run"
    result = CliRunner().invoke(main, ["run", str(src), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "transcripts" in result.output and "passages" in result.output
    assert "normalise" in result.output
    assert f"Run directory: {out}" in result.output
    assert (out / "passages.parquet").is_file()


def test_missing_input_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["run", str(tmp_path / "nope"), "--out",
                                       str(tmp_path / "r")])
    assert result.exit_code == 2
    assert result.output == (f"Error: input not found: {tmp_path / 'nope'}. Check the path of "
                             "the transcripts (a file or a folder).\n")
    assert not (tmp_path / "r").exists()


def test_a_folder_of_pdf_and_doc_files_names_them_and_how_to_convert(tmp_path: Path) -> None:
    (tmp_path / "wawancara").mkdir()
    (tmp_path / "wawancara" / "w01-kabag.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "wawancara" / "w02-staf.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    result = CliRunner().invoke(main, ["run", str(tmp_path / "wawancara")])
    assert result.exit_code == 2
    folder = tmp_path / "wawancara"
    assert result.output == (
        f"Error: no transcripts found in {folder}: tematik does not read "
        f"{folder / 'w01-kabag.pdf'} (a PDF), {folder / 'w02-staf.doc'} (an old Word file). "
        "Convert them: open a PDF in Word or LibreOffice and save it as .docx, or copy its "
        "text into a .txt file; open a .doc in Word or LibreOffice and save it as .docx. Files "
        "tematik reads: .csv, .docx, .json, .md, .qdpx, .srt, .txt, .vtt, .xlsx.\n")
    empty = tmp_path / "kosong"
    empty.mkdir()
    nothing = CliRunner().invoke(main, ["turns", str(empty)])
    assert nothing.exit_code == 2
    assert nothing.output.startswith(f"Error: no transcripts found in {empty}. Put the "
                                     "transcripts there, or give the folder that holds them.")


@pytest.mark.parametrize("command", [
    ["themes"], ["topics"], ["report"], ["export", "--qdc", "x.qdc"], ["anonymise", "--out", "a"],
    ["compare", "RUN", "koding.csv"], ["apply", "RUN", "baru.txt", "--out", "b"],
])
def test_every_command_answers_a_missing_or_wrong_run_alike(tmp_path: Path,
                                                            command: list[str]) -> None:
    """A path that does not exist is a usage mistake (2); a folder that is not a run, a data
    problem (1); the same message in every command."""
    def invoke(run: Path) -> tuple[int, str]:
        args = [command[0], str(run), *(a for a in command[1:] if a != "RUN")]
        result = CliRunner().invoke(main, args)
        return result.exit_code, result.output

    missing = tmp_path / "runs" / "skripsi"
    assert invoke(missing) == (2, f"Error: run not found: {missing}. Give the folder 'tematik "
                               "run' printed as its run directory (for example runs/sample).\n")
    assert invoke(tmp_path) == (1, f"Error: {tmp_path} has no readable manifest.json, so it "
                                "is not a tematik run. Give a folder made by 'tematik run'.\n")


def test_existing_out_without_force_is_refused(tmp_path: Path) -> None:
    src = write(tmp_path / "a.txt", "P: Gimana?\nI: Baik, Mas.\n")
    runner = CliRunner()
    assert runner.invoke(main, ["run", str(src), "--out", str(tmp_path / "r")]).exit_code == 0
    result = runner.invoke(main, ["run", str(src), "--out", str(tmp_path / "r")])
    assert result.exit_code == 1
    assert result.output == (f"Error: run directory already exists: {tmp_path / 'r'}. Choose "
                             "another --out, or add --force to replace it.\n")


def test_corrupt_only_file_is_a_data_error_naming_it(tmp_path: Path) -> None:
    (tmp_path / "wawancara.docx").write_bytes(b"PK\x03\x04 not a document")
    result = CliRunner().invoke(main, ["run", str(tmp_path / "wawancara.docx"), "--out",
                                       str(tmp_path / "r")])
    assert result.exit_code == 1
    assert "wawancara.docx: not a readable Word file" in result.output
    assert "Traceback" not in result.output


def test_skipped_files_are_reported(tmp_path: Path) -> None:
    write(tmp_path / "in" / "a.txt", "P: Gimana?\nI: Baik, Mas.\n")
    (tmp_path / "in" / "rusak.docx").write_bytes(b"garbage")
    result = CliRunner().invoke(main, ["run", str(tmp_path / "in"), "--out",
                                       str(tmp_path / "r")])
    assert result.exit_code == 0
    assert "skipped:" in result.output and "rusak.docx" in result.output


def test_bad_window_words_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["run", "--window-words", "3"])
    assert result.exit_code == 2


def test_interviewer_label_makes_an_unknown_label_the_interviewer(tmp_path: Path) -> None:
    import pandas as pd

    src = write(tmp_path / "a.txt", "Mhs: Pak, boleh cerita soal apel pagi.\n"
                "Kabag: Apel itu wajib, semua pegawai ikut.\n"
                "Mhs: Kalau yang telat.\nKabag: Ditegur, dicatat di absen.\n")
    out = tmp_path / "r"
    result = CliRunner().invoke(main, ["run", str(src), "--out", str(out),
                                       "--interviewer-label", "Mhs"])
    assert result.exit_code == 0, result.output
    passages = pd.read_parquet(out / "passages.parquet")
    assert list(passages["speaker"]) == ["Kabag", "Kabag"]
    assert passages["question"].iloc[0] == "Pak, boleh cerita soal apel pagi."


# -- the commands the documentation shows ------------------------------------------------------

SHELL_BLOCK = re.compile(r"^```(bash|sh|shell|powershell)\n(.*?)^```", re.S | re.M)
SEPARATORS = {"&&", "||", ";", "|", "&"}
REDIRECTS = {">", ">>", "<", "2>"}


def doc_commands(path: Path) -> list[list[str]]:
    """Every ``tematik ...`` command in the shell code blocks of a markdown file: the words
    after ``tematik`` (or ``.venv/bin/tematik``, ``.venv\\Scripts\\tematik``), split as a
    shell would, without comments, redirections and the commands around it."""
    commands = []
    for _, body in SHELL_BLOCK.findall(path.read_text(encoding="utf-8")):
        for line in body.replace("\\", "/").splitlines():
            lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
            lexer.whitespace_split = True
            words: list[str] = []
            for token in [*lexer, ";"]:
                if token not in SEPARATORS:
                    words.append(token)
                    continue
                while any(r in words for r in REDIRECTS):
                    at = next(i for i, w in enumerate(words) if w in REDIRECTS)
                    del words[at:at + 2]
                names = [w.rsplit("/", 1)[-1] for w in words]
                if "tematik" in names:
                    commands.append(words[names.index("tematik") + 1:])
                words = []
    return commands


def unknown_options(args: list[str]) -> list[str]:
    """What in ``tematik ARGS`` names no subcommand, or an option (or a choice) the
    subcommand's click definition lacks; empty when the command line is sound."""
    command: click.Command = main
    rest = list(args)
    problems = []
    while True:
        options = {o: p for p in command.params if isinstance(p, click.Option)
                   for o in (*p.opts, *p.secondary_opts)}
        positional = []
        while rest:
            word = rest.pop(0)
            if word == "--":
                break
            if not word.startswith("-") or word == "-":
                positional.append(word)
                if isinstance(command, click.Group):
                    break
                continue
            name, _, value = word.partition("=")
            if name in ("-h", "--help"):
                continue
            option = options.get(name)
            if option is None:
                problems.append(f"{' '.join(args)}: no option {name}")
                continue
            if not option.is_flag and not value and rest:
                value = rest.pop(0)
            if isinstance(option.type, click.Choice) and value not in option.type.choices:
                problems.append(f"{' '.join(args)}: {name} takes {list(option.type.choices)}, "
                                f"not {value!r}")
        if not isinstance(command, click.Group) or not positional:
            return problems
        sub = command.get_command(click.Context(command), positional[0])
        if sub is None:
            return [*problems, f"{' '.join(args)}: no command {positional[0]!r}"]
        command = sub


@pytest.mark.parametrize(("doc", "at_least"), [("docs/panduan.md", 20), ("README.md", 10)])
def test_every_command_the_docs_show_exists_with_its_options(doc: str, at_least: int) -> None:
    commands = doc_commands(ROOT / doc)
    assert len(commands) >= at_least, commands
    assert [p for args in commands for p in unknown_options(args)] == []


def test_the_docs_check_finds_what_is_wrong() -> None:
    assert unknown_options(["run", "wawancara/", "--out", "runs/x", "--force"]) == []
    assert unknown_options(["codebook", "check"]) == []
    assert unknown_options(["--version"]) == []
    assert unknown_options(["run", "--no-informant-model", "--topics", "0"]) == []
    assert unknown_options(["run", "--outdir", "x"]) == ["run --outdir x: no option --outdir"]
    assert unknown_options(["compare", "R", "M", "--scope", "some"]) == [
        "compare R M --scope some: --scope takes ['touched', 'all'], not 'some'"]
    assert unknown_options(["codebook", "lint"]) == ["codebook lint: no command 'lint'"]
    assert unknown_options(["analyse", "x"]) == ["analyse x: no command 'analyse'"]
