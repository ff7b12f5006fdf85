"""tematik run: every table of the sample corpus, determinism, progress, the log."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.config import DEFAULT_CORPUS, RunConfig
from pipeline.readers.codebook import load_codebook
from pipeline.runs.run import run
from pipeline.runs.rundir import MARKER, load_learned
from tests.conftest import write


def test_run_reports_progress_stage_by_stage(tiny: tuple[Path, list[tuple[str, int, int]]]
                                             ) -> None:
    _, calls = tiny
    stages = [stage for stage, _, _ in calls]
    assert stages == ["ingest", "segment", "normalise", "themes", "write", "report", ""]
    assert [done for _, done, _ in calls] == [0, 1, 2, 3, 4, 5, 6]
    assert {total for _, _, total in calls} == {6}


TABLES = ("transcripts", "turns", "passages", "tokens", "evidence", "theme_scores", "codings",
          "theme_matrix", "theme_cooccurrence",
          # topics (docs/topics.md)
          "topic_terms", "passage_topics", "topic_summary", "topic_prevalence", "k_report")


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


def test_inputs_are_never_modified(tmp_path: Path) -> None:
    src = write(tmp_path / "a.txt", "\ufeffP: Gimana?\r\nI: Udah\u00a0bagus.\r\n")
    before = src.read_bytes()
    run([src], tmp_path / "run")
    assert src.read_bytes() == before


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


def test_a_qdc_codebook_drives_a_run(tmp_path: Path) -> None:
    """A researcher's NVivo codebook: codes named like tematik's themes take their cues; a
    code tematik does not know is reported until --train teaches it."""
    from pipeline.readers.qdpx import Code
    from pipeline.report.qdpx_write import qdc_bytes
    from pipeline.runs.rundir import write_output

    codes = (Code(guid="a1", name="Kepemimpinan"),
             Code(guid="a2", name="Kinerja", children=(
                 Code(guid="a3", name="Responsivitas", parent="a2"),)),
             Code(guid="a4", name="Parkir"))
    qdc = write_output(tmp_path / "nvivo.qdc", qdc_bytes(codes))
    result = run([], tmp_path / "r", config=RunConfig(topics=0, codebook=qdc))
    assert any("nothing codes them: parkir" in w for w in result.warnings)
    codings = pd.read_parquet(result.out / "codings.parquet")
    assert set(codings["theme"]) <= {"kepemimpinan", "kinerja", "kinerja.responsivitas"}
    assert {"kepemimpinan", "kinerja.responsivitas"} <= set(codings["theme"])
    book = load_codebook(result.out / "codebook.yaml")
    assert [t.id for t in book.themes] == ["kepemimpinan", "kinerja", "kinerja.responsivitas",
                                           "parkir"]
    assert book.theme("kinerja.responsivitas").parent == "kinerja"


def test_run_codes_the_sample_corpus_with_evidence(sample_run: Path) -> None:
    codings = pd.read_parquet(sample_run / "codings.parquet")
    passages = pd.read_parquet(sample_run / "passages.parquet")
    assert set(codings["passage_id"]) <= set(passages["passage_id"])
    assert codings["theme"].nunique() >= 10
    assert (codings["evidence"] != "").all()
    transcripts = pd.read_parquet(sample_run / "transcripts.parquet").set_index(
        "transcript_id")
    joined = codings.merge(passages[["passage_id", "transcript_id"]], on="passage_id",
                           suffixes=("", "_p"))
    for tid, words, spans in joined[["transcript_id", "evidence", "evidence_spans"]].head(
            50).itertuples(index=False):
        source = transcripts.loc[tid, "text"]
        for word, span in zip(words.split("; "), spans.split("; "), strict=True):
            if span == "pertanyaan":  # a word of the interviewer's question
                assert word.startswith("pertanyaan: ")
                continue
            a, b = (int(x) for x in span.split("-"))
            assert source[a:b].split() == word.split()
    csv = pd.read_csv(sample_run / "codings.csv", encoding="utf-8-sig")
    assert "text" in csv.columns and len(csv) == len(codings)


def test_run_trains_saves_and_reloads_the_supervised_coder(trained_run: Path) -> None:
    out = trained_run  # the sample corpus with --train corpus/_coding_manual.csv
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["supervised"]["passages"] == 98
    assert "kinerja" in manifest["supervised"]["untrainable"]
    coder = load_learned(out).get("supervised")
    assert coder is not None and "kepemimpinan" in coder.classes_
    terms = pd.read_parquet(out / "supervised_terms.parquet")
    assert set(terms["theme"]) == set(coder.classes_)
    cv = pd.read_parquet(out / "supervised_cv.parquet")
    assert {"micro", "macro"} <= set(cv["theme"])


def test_one_interview_and_one_passage_run_to_a_report(tmp_path: Path) -> None:
    # A single interview (the sample's 06), anonymised, and a one-answer transcript whose
    # only words are not modelled: no traceback anywhere, too little text for topics is a
    # message.
    for folder, text, anonymise in (
            ("one", (DEFAULT_CORPUS / "06-warga-kepala-desa.txt").read_text(encoding="utf-8"),
             True),
            ("tiny", "P: Gimana kabarnya, Pak Joko?\nI: Baik.\n", False)):
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
