"""The terminal views: themes counted one way."""

from __future__ import annotations

from itertools import pairwise

import pandas as pd

from pipeline.readers.codebook import load_codebook
from pipeline.report.views import themes_view
from pipeline.resources import DEFAULT_CODEBOOK
from pipeline.stages.matrix import theme_matrix

TEXT = ("Ya, eh, pelayanannya cepet kok, laporannya juga rapi. Udah gitu aja. "
        "Atasan kami tegas, gak main-main. Printernya rusak terus, Mas.")


def _run() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    cuts = [0, TEXT.index("Udah"), TEXT.index("Atasan"), TEXT.index("Printernya"), len(TEXT)]
    rows = [(f"w01:{i + 1:03d}", "w01", "Bu Sari", "Bu Sari", "informant", s, e, TEXT[s:e])
            for i, (s, e) in enumerate(pairwise(cuts))]
    passages = pd.DataFrame(rows, columns=["passage_id", "transcript_id", "speaker", "display",
                                           "role", "start", "end", "text"])
    coded = [("w01:001", "kinerja.responsivitas", 4.0), ("w01:001", "kinerja.akuntabilitas", 3.0),
             ("w01:003", "kepemimpinan", 3.5), ("w01:004", "sarana_prasarana", 2.5)]
    codings = pd.DataFrame([(p, "w01", "Bu Sari", t, s, float("nan"), "dictionary", "")
                            for p, t, s in coded],
                           columns=["passage_id", "transcript_id", "speaker", "theme", "score",
                                    "probability", "method", "evidence"])
    start = TEXT.index("cepet")
    evidence = pd.DataFrame([("w01:001", "kinerja.responsivitas", "cepet", "keyword", "cepet",
                              start, start + 5, 2.0)],
                            columns=["passage_id", "theme", "cue", "kind", "surface", "start",
                                     "end", "weight"])
    return passages, codings, evidence


def test_a_parent_counts_its_sub_themes_in_the_summary_as_in_the_matrix() -> None:
    book = load_codebook(DEFAULT_CODEBOOK)
    passages, codings, evidence = _run()
    matrix = theme_matrix(codings, passages, evidence, book)
    text = themes_view(book, passages, codings, evidence, matrix)
    rows = {line.split()[0]: line.split()[-2:] for line in text.splitlines()
            if line.startswith(("kinerja ", "kinerja.responsivitas", "kepemimpinan"))
            and "%" not in line}
    # one passage coded with two sub-themes: the parent holds it once
    assert rows == {"kinerja": ["1", "1"], "kinerja.responsivitas": ["1", "1"],
                    "kepemimpinan": ["1", "1"]}
    assert "passages coded with the theme or any of its sub-themes (each passage once)" in text
    one = themes_view(book, passages, codings, evidence, matrix, theme="kinerja")
    assert one.startswith("kinerja (Kinerja Aparatur): 1 coded passage(s)\n")
    assert ("[w01:001] Bu Sari · kinerja.responsivitas, kinerja.akuntabilitas · score 4.00 · "
            "dictionary") in one
    assert "pelayanannya **cepet** kok" in one
