"""Anonymised runs: no name anywhere in the run, the key outside it, tematik anonymise, apply."""

from __future__ import annotations

import csv
import io
import logging
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from pipeline.cli import main
from tests.conftest import write
from tests.identities import (
    HEADER_TXT,
    leaked_words,
    named_corpus,
)


def _documents(path: Path) -> Iterator[tuple[str, str]]:
    """(name, text) of everything a file holds: its bytes, its decompressed zip entries,
    the cells of a Parquet table."""
    if path.suffix != ".parquet":  # its pages are compressed: read its cells below
        yield str(path), path.read_bytes().decode("utf-8", "ignore")
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            for entry in archive.namelist():
                yield f"{path}!{entry}", archive.read(entry).decode("utf-8", "ignore")
    if path.name == "tokens.parquet":  # one word a row: read them back as running text
        frame = pd.read_parquet(path)
        yield f"{path} (words)", "\n".join(
            " ".join(str(w) for w in group[col] if str(w))
            for _, group in frame.groupby("passage_id", sort=False)
            for col in frame.columns if frame[col].dtype == object)
    elif path.suffix == ".parquet":
        frame = pd.read_parquet(path)
        yield f"{path} (cells)", frame.to_csv(index=False) + " ".join(map(str, frame.columns))


def _all_leaks(folder: Path) -> dict[str, list[str]]:
    found = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        for name, text in _documents(path):
            if found_here := leaked_words(text):
                found[name] = found_here
    return found


def test_full_run_writes_no_name_anywhere(tmp_path: Path,
                                          caplog: pytest.LogCaptureFixture) -> None:
    inputs = named_corpus(tmp_path / "in")
    out = tmp_path / "runs" / "anon"
    caplog.set_level(logging.DEBUG)
    runner = CliRunner()
    result = runner.invoke(main, ["-v", "run", str(inputs), "--out", str(out), "--anonymise",
                                  "--topics", "3", "--seed", "1"])
    assert result.exit_code == 0, result.output
    key = out.with_name("anon.key.csv")
    assert key.is_file() and f"Key (real names; keep it apart from the run): {key}" in \
        result.output
    assert key.stat().st_mode & 0o777 == 0o600  # readable by its owner only
    assert not list(key.parent.glob(".*tmp*"))
    exported = runner.invoke(main, ["export", str(out), "--qdpx", str(out / "project.qdpx"),
                                    "--qdc", str(out / "codebook.qdc")])
    assert exported.exit_code == 0, exported.output
    assert (out / "topic_terms.parquet").is_file() and (out / "topics" / "model.json").is_file()
    assert _all_leaks(out) == {}
    assert leaked_words(result.output + result.stderr) == []
    info = [r.getMessage() for r in caplog.records if r.levelno >= logging.INFO]
    assert info and leaked_words("\n".join(info)) == []
    # passage text never reaches a log at INFO or above
    passages = pd.read_parquet(out / "passages.parquet")
    assert len(passages) > 50 and pd.read_parquet(out / "transcripts.parquet")[
        "transcript_id"].str.fullmatch(r"T\d\d").all()
    for text in passages["text"]:
        words = str(text).split()
        for i in range(0, max(1, len(words) - 5), 5):
            assert " ".join(words[i:i + 6]) not in "\n".join(info)
    # the key has them all, with what replaced them
    rows = list(csv.DictReader(io.StringIO(key.read_text(encoding="utf-8-sig"))))
    held = "\n".join(" ".join(r.values()) for r in rows)
    for needle in ["Budi Santoso", "Rina Marlina", "Ratna Dewanti", "Sari Wulandari",
                   "3273012345670001", "19650817 199003 1 004", "0812-3456-7890",
                   "budi.santoso@sukamaju.go.id", "wawancara-budi-santoso"]:
        assert needle in held, needle
    manifest = (out / "manifest.json").read_text(encoding="utf-8")
    assert '"anonymise": true' in manifest and '"anonymised"' in manifest


def test_key_stays_outside_the_run_and_is_not_overwritten(tmp_path: Path) -> None:
    src = write(tmp_path / "in" / "a.txt", "P: Gimana, Pak Eko?\nPak Eko: Baik, Mas.\n")
    runner = CliRunner()
    inside = runner.invoke(main, ["run", str(src), "--out", str(tmp_path / "r"), "--anonymise",
                                  "--topics", "0", "--key-out", str(tmp_path / "r" / "k.csv")])
    assert inside.exit_code == 2 and "inside the run directory" in inside.output
    assert not (tmp_path / "r").exists()
    first = runner.invoke(main, ["run", str(src), "--out", str(tmp_path / "r"), "--anonymise",
                                 "--topics", "0", "--key-out", str(tmp_path / "k.json")])
    assert first.exit_code == 0, first.output
    assert "Eko" in (tmp_path / "k.json").read_text(encoding="utf-8")
    again = runner.invoke(main, ["run", str(src), "--out", str(tmp_path / "r2"), "--anonymise",
                                 "--topics", "0", "--key-out", str(tmp_path / "k.json")])
    assert again.exit_code == 1 and "key file already exists" in again.output
    assert not (tmp_path / "r2").exists()
    no_flag = runner.invoke(main, ["run", str(src), "--out", str(tmp_path / "r3"),
                                   "--key-out", str(tmp_path / "k3.csv")])
    assert no_flag.exit_code == 2 and "--key-out needs --anonymise" in no_flag.output


def test_anonymise_command_reruns_a_finished_run(tmp_path: Path) -> None:
    inputs = named_corpus(tmp_path / "in", sample=False)
    runner = CliRunner()
    plain = tmp_path / "plain"
    assert runner.invoke(main, ["run", str(inputs), "--out", str(plain), "--topics", "0",
                                "--window-words", "60"]).exit_code == 0
    before = {p.name: p.read_bytes() for p in plain.iterdir() if p.is_file()}
    assert _all_leaks(plain)  # the plain run holds the names
    result = runner.invoke(main, ["anonymise", str(plain), "--out", str(tmp_path / "anon")])
    assert result.exit_code == 0, result.output
    assert _all_leaks(tmp_path / "anon") == {}
    assert before == {p.name: p.read_bytes() for p in plain.iterdir() if p.is_file()}
    config = pd.read_json(tmp_path / "anon" / "manifest.json", typ="series")["config"]
    assert config["window_words"] == 60 and config["anonymise"] is True
    assert "Budi Santoso" in (tmp_path / "anon.key.csv").read_text(encoding="utf-8-sig")
    twice = runner.invoke(main, ["anonymise", str(tmp_path / "anon"), "--out",
                                 str(tmp_path / "again")])
    assert twice.exit_code == 2 and "already anonymised" in twice.output


def test_applying_an_anonymised_run_anonymises_the_new_transcripts(tmp_path: Path) -> None:
    from pipeline.runs.apply import apply_run

    base = tmp_path / "in"
    write(base / "satu.txt", "P: Gimana pimpinannya?\nI: Bagus, beliau jadi teladan, datang "
          "pagi terus. Pelayanannya juga cepat, warga nggak nunggu lama.\n")
    CliRunner().invoke(main, ["run", str(base), "--out", str(tmp_path / "r"), "--anonymise",
                              "--topics", "0"])
    new = tmp_path / "baru"
    write(new / "wawancara-budi-santoso.txt", HEADER_TXT)
    result = apply_run(tmp_path / "r", [new], tmp_path / "ap")
    assert _all_leaks(result.out) == {}
    assert any("anonymised, so the new transcripts are too" in w for w in result.warnings)
    assert (tmp_path / "ap.key.csv").is_file()
