"""``tematik code``: code a sheet of texts (excerpts, survey answers) without a run."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipeline.config import DEFAULT_THRESHOLD, EXCERPT_FALLBACK
from pipeline.errors import InputFileError, UsageError
from pipeline.readers.codebook import load_codebook
from pipeline.readers.formats import pick_column
from pipeline.readers.sheets import read_coded, read_user_sheet
from pipeline.resources import DEFAULT_CODEBOOK, load_lexicon
from pipeline.runs import rundir
from pipeline.stages.coders import LearnContext, learn_all
from pipeline.stages.normalise import Normaliser, normalise, normalise_questions
from pipeline.stages.prior import load_model
from pipeline.stages.segment import passages_frame, text_passage
from pipeline.stages.themes import DictionaryCoder, code_passages
from pipeline.types import Codebook


@dataclass
class CodeResult:
    """What ``tematik code`` reports: the codings written and what was skipped."""

    out: Path
    texts: int
    coded: int
    codings: pd.DataFrame
    warnings: list[str] = field(default_factory=list)


CODE_COLUMNS = ["id", "theme", "label", "score", "probability", "method", "evidence",
                "evidence_spans"]


def code_file(
    path: Path,
    out: Path,
    *,
    text_column: str,
    id_column: str | None = None,
    question_column: str | None = None,
    codebook_path: Path | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    force: bool = False,
    train: Path | None = None,
    train_text_column: str | None = None,
    train_code_column: str | None = None,
    random_state: int = 42,
    fallback: bool = False,
    informant_model: bool = True,
) -> CodeResult:
    """Code every text in the ``text_column`` of the sheet ``path`` and write ``out`` (CSV):
    one row per text and theme, columns ``CODE_COLUMNS`` (evidence offsets index the text
    cell). Texts are identified by ``id_column`` or by their line number in the sheet; a
    ``question_column`` holds the question each text answers (used as context, marked in
    the evidence). With ``train`` (a CODED file), a supervised coder learns from it and is
    combined with the codebook. A text without real evidence for any theme stays uncoded;
    with ``fallback``, it still gets its best theme when that has an ordinary cue's score
    (:data:`pipeline.config.EXCERPT_FALLBACK`)."""
    path, out = Path(path), Path(out)
    if codebook_path is not None and str(codebook_path).lower() == "none" and train is None:
        raise UsageError("--codebook none codes nothing without --train",
                         fix="Give --train CODED, or a codebook.")
    frame = read_user_sheet(path, what="input", rows="one row per text")
    text_col = pick_column(frame, text_column, path, option="--text-column")
    ids = ([str(i + 2) for i in range(len(frame))] if id_column is None else
           [str(v).strip() for v in frame[pick_column(frame, id_column, path,
                                                      option="--id-column")]])
    seen: dict[str, int] = {}
    for row, value in enumerate(ids, start=2):
        if value in seen:
            raise InputFileError(path, f"id {value!r} appears twice (lines {seen[value]} and "
                                 f"{row})", line=row,
                                 fix="Give every text its own id, or leave out --id-column.")
        seen[value] = row
    texts = [str(t) for t in frame[text_col]]
    asked = ([str(q) if str(q) != "nan" else "" for q in
              frame[pick_column(frame, question_column, path, option="--question-column")]]
             if question_column else [""] * len(texts))
    warnings = [f"{path}: text {pid} is empty and was not coded"
                for pid, text in zip(ids, texts, strict=True) if not text.strip()]
    kept = [(pid, text, q) for pid, text, q in zip(ids, texts, asked, strict=True)
            if text.strip()]
    if not kept:
        raise InputFileError(path, f"every cell of column {text_col!r} is empty",
                             fix="Give the column that holds the texts with --text-column.")
    if codebook_path is not None and str(codebook_path).lower() == "none":
        codebook = Codebook("none", "0", (), "")
    else:
        codebook = load_codebook(codebook_path or DEFAULT_CODEBOOK)
    coded = (read_coded(train, text_column=train_text_column, code_column=train_code_column,
                        options=("--train-text-column", "--train-code-column"))
             if train else None)
    rundir.check_output(out, force=force, option="--out")
    table = code_texts([t for _, t, _ in kept], [i for i, _, _ in kept],
                       questions=[q for _, _, q in kept], codebook=codebook,
                       threshold=threshold, fallback=fallback, coded=coded,
                       random_state=random_state, source=path.stem,
                       informant_model=informant_model)
    rundir.write_output(out, rundir.csv_bytes(table), make_folder=True)
    return CodeResult(out, len(kept), int(table["id"].nunique()), table, warnings)


def code_texts(texts: Sequence[str], ids: Sequence[str], *, codebook: Codebook,
               questions: Sequence[str] | None = None, threshold: float = DEFAULT_THRESHOLD,
               fallback: bool = False, coded: pd.DataFrame | None = None,
               random_state: int = 42, source: str = "texts",
               informant_model: bool = True) -> pd.DataFrame:
    """Code free-standing ``texts`` (identified by ``ids``; each answering the matching
    ``questions`` entry when given) with ``codebook``, as ``tematik code`` does: the table
    ``CODE_COLUMNS``, evidence offsets indexing each text."""
    units = [text_passage(pid, source, text, question=q) for pid, text, q in
             zip(ids, texts, questions or [""] * len(texts), strict=True)]
    normaliser = Normaliser.shared(load_lexicon())
    tokens = normalise(units, normaliser)
    asked = normalise_questions(units, normaliser)
    learned = learn_all(LearnContext(codebook, normaliser, random_state, coded))
    coder = DictionaryCoder(codebook, normaliser, threshold=threshold,
                            fallback=EXCERPT_FALLBACK if fallback else None)
    _, codings = code_passages(passages_frame(units), tokens, coder, list(learned.values()),
                               asked, load_model() if informant_model else None)
    labels = {t.id: t.label_id for t in codebook.themes}
    return codings.rename(columns={"passage_id": "id"}).assign(
        label=[labels.get(t, t) for t in codings["theme"]])[CODE_COLUMNS]
