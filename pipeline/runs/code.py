"""``tematik code``: code a sheet of texts (excerpts, survey answers) without a run."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipeline.config import DEFAULT_THRESHOLD, EXCERPT_FALLBACK
from pipeline.errors import InputFileError, UsageError
from pipeline.readers.codebook import load_codebook
from pipeline.readers.formats import pick_column, read_sheet
from pipeline.readers.manual import read_coded
from pipeline.resources import DEFAULT_CODEBOOK, load_lexicon
from pipeline.runs import rundir
from pipeline.stages.normalise import Normaliser, normalise
from pipeline.stages.segment import passages_frame, text_passage
from pipeline.stages.supervised import fit_coder
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
    codebook_path: Path | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    force: bool = False,
    train: Path | None = None,
    train_text_column: str | None = None,
    train_code_column: str | None = None,
    random_state: int = 42,
    fallback: bool = True,
) -> CodeResult:
    """Code every text in the ``text_column`` of the sheet ``path`` and write ``out`` (CSV):
    one row per text and theme, columns ``CODE_COLUMNS`` (evidence offsets index the text
    cell). Texts are identified by ``id_column`` or by their line number in the sheet.
    With ``train`` (a CODED file), a supervised coder learns from it and is combined with
    the codebook. With ``fallback`` (the default), a text no theme reaches the threshold for
    still gets its best theme when that has an ordinary cue's score
    (:data:`pipeline.stages.themes.EXCERPT_FALLBACK`): excerpts are picked because they are about
    something."""
    path, out = Path(path), Path(out)
    rundir.check_output(out, force=force, option="--out")
    if codebook_path is not None and str(codebook_path).lower() == "none":
        if train is None:
            raise UsageError("--codebook none codes nothing without --train",
                             fix="Give --train CODED, or a codebook.")
        codebook = Codebook("none", "0", (), "")
    else:
        codebook = load_codebook(codebook_path or DEFAULT_CODEBOOK)
    coded = (read_coded(train, text_column=train_text_column, code_column=train_code_column,
                        options=("--train-text-column", "--train-code-column"))
             if train else None)
    frame = read_sheet(path)
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
    units, warnings = [], []
    for pid, text in zip(ids, frame[text_col], strict=True):
        text = str(text)
        if not text.strip():
            warnings.append(f"{path}: text {pid} is empty and was not coded")
            continue
        units.append(text_passage(pid, path.stem, text))
    normaliser = Normaliser(load_lexicon())
    tokens = normalise(units, normaliser)
    supervised = (fit_coder(coded, normaliser, themes=[t.id for t in codebook.themes],
                            random_state=random_state) if coded is not None else None)
    coder = DictionaryCoder(codebook, normaliser, threshold=threshold,
                            fallback=EXCERPT_FALLBACK if fallback else None)
    _, codings = code_passages(passages_frame(units), tokens, coder, supervised)
    labels = {t.id: t.label_id for t in codebook.themes}
    table = codings.rename(columns={"passage_id": "id"}).assign(
        label=[labels.get(t, t) for t in codings["theme"]])[CODE_COLUMNS]
    rundir.write_csv_file(out, table)
    return CodeResult(out, len(units), int(table["id"].nunique()), table, warnings)
