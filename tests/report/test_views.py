"""The terminal views: themes counted one way, the agreement legend, the compare scope."""

from __future__ import annotations

from itertools import pairwise

import pandas as pd

from pipeline.agreement.compare import CompareResult, Comparison, Scope
from pipeline.readers.codebook import load_codebook
from pipeline.readers.manual import ManualCoding
from pipeline.report.views import compare_view, landmark_legend, scope_lines, themes_view
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


def test_the_legend_lists_every_landmark_in_the_tables_language() -> None:
    assert landmark_legend("en") == (
        "Landmarks: kappa < 0 poor, 0.00-0.20 slight, 0.21-0.40 fair, 0.41-0.60 moderate, "
        "0.61-0.80 substantial, 0.81-1.00 almost perfect (Landis & Koch 1977); alpha >= 0.800 "
        "reliable, 0.667-0.799 tentative, < 0.667 unreliable (Krippendorff 2004).")
    assert landmark_legend("id") == (
        "Landmarks: kappa < 0 buruk, 0.00-0.20 rendah, 0.21-0.40 cukup, 0.41-0.60 sedang, "
        "0.61-0.80 substansial, 0.81-1.00 hampir sempurna (Landis & Koch 1977); alpha >= "
        "0.800 andal, 0.667-0.799 tentatif, < 0.667 tidak andal (Krippendorff 2004).")


def _comparison(scope: Scope, units: int, transcripts: tuple[str, ...],
                left_out: tuple[str, ...], passages: tuple[str, ...] = ()) -> Comparison:
    return Comparison("passage", "Sari", ("kepemimpinan",), pd.DataFrame(), pd.DataFrame(),
                      pd.DataFrame(), units, (), scope, 40, transcripts, passages, "en",
                      left_out)


def test_the_scope_says_what_was_compared_and_what_was_left_out() -> None:
    touched = _comparison(Scope(), 9, ("w01-kabag", "w02-staf"), ("w03", "w04", "w05"))
    assert scope_lines(touched) == [
        "Scope: the 2 transcript(s) your coding touched (w01-kabag, w02-staf); 9 of 40 "
        "passages compared, 3 transcript(s) left out.",
        "Use --scope all to count every transcript (a passage you did not code then counts "
        "as 'absent' in your coding)."]
    named = _comparison(Scope("touched", "passage"), 2, ("w01-kabag",), ("w02", "w03"),
                        ("w01-kabag:001", "w01-kabag:004"))
    assert scope_lines(named)[0] == (
        "Scope: the 2 passage(s) your sheet names, in 1 transcript(s) (w01-kabag); a passage "
        "named without a code counts as coded with no theme; 2 of 40 passages compared, 2 "
        "transcript(s) left out.")
    everything = _comparison(Scope("all"), 40, ("w01", "w02", "w03", "w04"), ())
    assert scope_lines(everything) == [
        "Scope: every transcript of the run (4); a passage you did not code counts as "
        "'absent' in your coding."]
    shown = compare_view(CompareResult(touched, ManualCoding(pd.DataFrame()), {}, []))
    assert shown.splitlines()[:2] == [
        "Agreement of tematik with Sari (passage level, 9 units, 1 theme)",
        scope_lines(touched)[0]]
