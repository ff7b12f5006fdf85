"""The run directory: tables, manifest, atomic and deterministic writes, and the sample corpus."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.config import DEFAULT_CORPUS, RunConfig
from pipeline.errors import RunDirectoryError
from pipeline.runs.run import run
from pipeline.runs.rundir import MARKER
from tests.conftest import write

TABLES = ("transcripts", "turns", "passages", "tokens", "evidence", "theme_scores", "codings",
          "theme_matrix", "theme_cooccurrence",
          # topics (docs/topics.md)
          "topic_terms", "passage_topics", "topic_summary", "topic_prevalence", "k_report")


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("runs") / "sample"
    run([], out)
    return out


def test_sample_corpus_run_writes_every_table(sample_run: Path) -> None:
    for name in TABLES:
        assert (sample_run / f"{name}.parquet").is_file()
    assert not (sample_run / MARKER).exists()
    manifest = json.loads((sample_run / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "complete"
    assert manifest["counts"]["transcripts"] == len(manifest["inputs"]) >= 6
    for entry in manifest["inputs"]:
        digest = hashlib.sha256((Path(entry["path"])).read_bytes()).hexdigest()
        assert entry["sha256"] == digest
    assert {"ingest", "segment", "normalise", "write"} <= set(manifest["timings_s"])
    assert manifest["packages"]["spacy"] != "not installed"


def test_sample_corpus_passages_hold_informant_words_only(sample_run: Path) -> None:
    passages = pd.read_parquet(sample_run / "passages.parquet")
    transcripts = pd.read_parquet(sample_run / "transcripts.parquet").set_index("transcript_id")
    assert set(passages["role"]) == {"informant"}
    assert set(passages["transcript_id"]) == set(transcripts.index)
    for row in passages.itertuples():
        assert transcripts.loc[row.transcript_id, "text"][row.start : row.end] == row.text
    turns = pd.read_parquet(sample_run / "turns.parquet")
    questions = turns[turns["role"] == "interviewer"]["text"]
    joined = "\n".join(passages["text"])
    long_questions = [q for q in questions if len(q) > 40]
    assert long_questions and not any(q in joined for q in long_questions)


def test_reference_quotes_of_the_sample_corpus_land_in_passages(sample_run: Path) -> None:
    coding = pd.read_csv(DEFAULT_CORPUS / "_coding_manual.csv")
    passages = pd.read_parquet(sample_run / "passages.parquet")
    by_transcript = passages.groupby("transcript_id")["text"].apply(
        lambda s: " ".join(" ".join(s).split()))
    lost = [q for t, q in zip(coding["transcript"], coding["quote"], strict=True)
            if " ".join(q.split()) not in by_transcript.get(t, "")]
    assert not lost, f"{len(lost)} reference quotes are not in any passage: {lost[:3]}"


def test_passages_csv_opens_in_excel_as_utf8(sample_run: Path) -> None:
    raw = (sample_run / "passages.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(sample_run / "passages.csv", encoding="utf-8-sig")
    assert list(frame.columns[:9]) == ["passage_id", "transcript_id", "speaker", "display",
                                       "role", "start", "end", "text", "question"]


def test_same_inputs_give_byte_identical_tables(sample_run: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    run([], again)
    for name in (*[f"{t}.parquet" for t in TABLES], "passages.csv", "codings.csv"):
        assert (sample_run / name).read_bytes() == (again / name).read_bytes(), name


def test_existing_run_is_not_overwritten_without_force(tmp_path: Path) -> None:
    src = write(tmp_path / "in" / "a.txt", "P: Gimana?\nI: Pelayanannya cepet, Mas.\n")
    out = tmp_path / "run"
    run([src], out)
    before = (out / "passages.parquet").read_bytes()
    with pytest.raises(RunDirectoryError, match=r"already exists.*--force"):
        run([src], out)
    assert (out / "passages.parquet").read_bytes() == before
    write(src, "P: Gimana?\nI: Sekarang lambat, antre lama.\n")
    run([src], out, force=True)
    assert (out / "passages.parquet").read_bytes() != before


def test_inputs_are_never_modified(tmp_path: Path) -> None:
    src = write(tmp_path / "a.txt", "\ufeffP: Gimana?\r\nI: Udah\u00a0bagus.\r\n")
    before = src.read_bytes()
    run([src], tmp_path / "run")
    assert src.read_bytes() == before


def test_a_failed_run_leaves_a_marked_incomplete_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pipeline.runs.sequence as sequence_module

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(sequence_module, "normalise", broken)
    src = write(tmp_path / "a.txt", "P: Gimana?\nI: Baik.\n")
    with pytest.raises(RuntimeError):
        run([src], tmp_path / "run")
    assert not (tmp_path / "run").exists()
    marker = tmp_path / "run.incomplete" / MARKER
    assert "disk on fire" in marker.read_text(encoding="utf-8")
    assert not (tmp_path / "run.incomplete" / "manifest.json").exists()
    monkeypatch.undo()
    run([src], tmp_path / "run")  # the next run cleans the incomplete directory up
    assert not (tmp_path / "run.incomplete").exists()


def test_a_run_that_fails_after_coding_leaves_no_worker_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The workbook is begun in a worker process once the coding tables are written; a run
    # that stops later (here in the topic stage) must stop that worker too.
    import multiprocessing

    import pipeline.runs.sequence as sequence_module

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("topics on fire")

    monkeypatch.setattr(sequence_module, "_fit_topics", broken)
    src = write(tmp_path / "a.txt", "P: Gimana apel paginya?\nI: Ya udah rutin, tiap hari "
                "kita apel pagi, gitu.\n")
    with pytest.raises(RuntimeError, match="topics on fire"):
        run([src], tmp_path / "run")
    assert not multiprocessing.active_children()
    assert not (tmp_path / "run").exists()
    assert (tmp_path / "run.incomplete" / "codings.parquet").is_file()
    assert not (tmp_path / "run.incomplete" / "workbook.xlsx").exists()


def test_window_words_is_recorded_and_used(tmp_path: Path) -> None:
    long = " ".join(f"Kalimat {i} soal disiplin dan apel pagi." for i in range(80))
    src = write(tmp_path / "a.txt", f"P: Ceritakan.\nI: {long}\n")
    out = tmp_path / "run"
    run([src], out, config=RunConfig(window_words=40))
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["config"]["window_words"] == 40
    assert len(pd.read_parquet(out / "passages.parquet")) > 5


def test_passage_text_never_reaches_the_log(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "Pak Kabag sering minta uang pelicin"
    src = write(tmp_path / "a.txt", f"P: Gimana?\nI: Ya, eh, {secret}, Mas.\n")
    with caplog.at_level("DEBUG"):
        run([src], tmp_path / "run")
    assert caplog.records, "the run logs its stages"
    assert all(secret not in r.getMessage() for r in caplog.records)


def test_a_full_disk_is_a_clear_error_and_the_earlier_run_survives(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    from click.testing import CliRunner

    from pipeline.cli import main
    from pipeline.runs import rundir

    out = tmp_path / "r"
    run([], out, config=RunConfig(topics=0))
    before = (out / "codings.parquet").read_bytes()
    real = rundir.write_table

    def full(folder: Path, name: str, frame: object) -> None:
        if name == "codings":
            raise OSError(errno.ENOSPC, "No space left on device")
        real(folder, name, frame)  # type: ignore[arg-type]

    monkeypatch.setattr(rundir, "write_table", full)
    result = CliRunner().invoke(main, ["run", "--out", str(out), "--force", "--topics", "0"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "No space left on device" in result.output and "Free some disk space" in result.output
    assert (out / "codings.parquet").read_bytes() == before  # the earlier run is intact
    assert (tmp_path / "r.incomplete" / MARKER).exists()


def test_a_recorded_configuration_comes_back_as_it_was_given(tmp_path: Path) -> None:
    # tematik run --from, apply and anonymise all rebuild a run's settings from its manifest
    given = RunConfig(seed=7, window_words=60, interviewer_labels=("Peneliti",),
                      speakers=(tmp_path / "orang.speakers.csv",), threshold=2.0,
                      train=tmp_path / "koding.csv",
                      train_text_column="kutipan", topics=5, topic_model="nmf")
    saved = json.loads(json.dumps(given.to_dict()))
    assert RunConfig.from_saved(saved, codebook=given.codebook) == given
    older = RunConfig.from_saved({"seed": 3}, codebook=tmp_path / "codebook.yaml")
    assert older == RunConfig(seed=3, codebook=tmp_path / "codebook.yaml")


@pytest.mark.parametrize("anonymise", [False, True])
def test_one_interview_and_one_passage_run_to_a_report(tmp_path: Path, anonymise: bool) -> None:
    # A single interview (the sample's 06) and a one-answer transcript whose only words are
    # not modelled: no traceback anywhere, too little text for topics is a message.
    for folder, text in (
            ("one", (DEFAULT_CORPUS / "06-warga-kepala-desa.txt").read_text(encoding="utf-8")),
            ("tiny", "P: Gimana kabarnya, Pak Joko?\nI: Baik.\n")):
        src = write(tmp_path / folder / "wawancara.txt", text)
        out = tmp_path / f"{folder}-run"
        args = ["run", str(src.parent), "--out", str(out)] + (["--anonymise"] if anonymise
                                                            else [])
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, result.output
        assert "Traceback" not in result.output and "no topic model: too little text" in \
            result.output
        for command in (["report", str(out)], ["themes", str(out)],
                        ["export", str(out), "--qdpx", str(tmp_path / f"{folder}.qdpx")]):
            done = CliRunner().invoke(main, command)
            assert done.exit_code == 0 and "Traceback" not in done.output, (command, done.output)
        topics = CliRunner().invoke(main, ["topics", str(out)])
        assert topics.exit_code == 1 and "too little text" in topics.output
        assert (out / "report.html").is_file() and (out / "workbook.xlsx").is_file()
        passages = pd.read_parquet(out / "passages.parquet")
        assert len(passages) >= 1 and passages["display"].nunique() == 1
        if anonymise:
            every = (out / "report.html").read_text(encoding="utf-8") + passages.to_csv()
            assert "Joko" not in every
