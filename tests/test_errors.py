"""How an error reads: its message and its fix as sentences, one full stop between."""

from __future__ import annotations

import pytest

from pipeline.errors import InputFileError, TematikError, UsageError, sentence


@pytest.mark.parametrize(("message", "fix", "shown"), [
    ("input not found: transkrip", "Check the path.",
     "input not found: transkrip. Check the path."),
    ("input not found: transkrip", "Check the path",
     "input not found: transkrip. Check the path."),
    ("too little text. Topic models need more.", "Add transcripts.",
     "too little text. Topic models need more. Add transcripts."),
    ("no theme 'x'; did you mean 'sdm'?", "Use one of: sdm.",
     "no theme 'x'; did you mean 'sdm'? Use one of: sdm."),
    ("nothing to export", "", "nothing to export."),
    ("berhenti di sini…", "Coba lagi ", "berhenti di sini… Coba lagi."),
])
def test_message_and_fix_are_sentences_with_one_full_stop_between(message: str, fix: str,
                                                                  shown: str) -> None:
    assert str(TematikError(message, fix=fix)) == shown


def test_an_input_file_error_names_the_file_line_and_cell() -> None:
    error = InputFileError("koding.csv", "transcript 'w09' is not in this run", line=3,
                           cell="A3", fix="Use a transcript's file name or id")
    assert str(error) == ("koding.csv, line 3, cell A3: transcript 'w09' is not in this run. "
                          "Use a transcript's file name or id.")
    assert error.exit_code == 1 and UsageError("x").exit_code == 2


def test_sentence_leaves_empty_text_and_an_ending_alone() -> None:
    assert sentence("") == "" and sentence("  udah?  ") == "udah?" and sentence("gak") == "gak."
