"""The report's words in Indonesian and English: the same keys and placeholders in both, and
an Indonesian report without English words."""

from __future__ import annotations

import re

import pytest

from pipeline.errors import UsageError
from pipeline.report.labels import EN, ID, LANGS, labels

# Words of English that crept into the Indonesian report (issue 16: "Passage", "Passage
# dikode"); names of statistics researchers cite as they are (kappa, alpha, F1, c_npmi,
# Jaccard) and file names are not among them.
ENGLISH = ("passage", "passages", "run", "seed", "recall", "coded", "uncoded", "score",
           "coding", "codes", "file", "setting", "value", "version", "theme",
           "topic", "informant", "share", "finished", "started", "lower", "highest", "marked",
           "undefined", "intervals", "resamples", "extra", "missed", "human", "machine", "the",
           "of", "and", "with", "true", "false", "none")
NOT_LABELS = {"extra by tematik", "missed by tematik", "human-human", "human-machine",
              "machine-machine", "codebook sha256", "lexicon sha256", "manual coding",
              "manual coding sha256", "compare unit", "compare scope", "compare transcripts",
              "trained on"}  # keys that are identifiers; their values are checked


GLOSSES = ("(recall)",)
"""English terms given once in brackets after the Indonesian word, as theses do."""


def english_words(text: str) -> list[str]:
    """The words of ``text`` that are on the :data:`ENGLISH` list; quoted commands
    (``'tematik compare'``), file names, placeholders and :data:`GLOSSES` left out."""
    for gloss in GLOSSES:
        text = text.replace(gloss, " ")
    text = re.sub(r"'[^']*'|\{\w+\}|\b[\w-]+\.(?:csv|xlsx|html|pdf)\b", " ", text)
    return [w for w in re.findall(r"[A-Za-z]+", text) if w.casefold() in ENGLISH]


def test_labels_exist_in_both_languages() -> None:
    assert set(ID) == set(EN)
    assert all(ID[k] and EN[k] for k in ID)
    assert all(set(re.findall(r"\{\w+\}", ID[k])) == set(re.findall(r"\{\w+\}", EN[k]))
               for k in ID)


def test_the_indonesian_labels_use_no_english_words() -> None:
    found = {k: english_words(v) for k, v in ID.items() if english_words(v)}
    assert not found, found
    assert ID["passages"] == "Petikan" and "passage" not in ID["coded_passages"].casefold()
    assert {ID[k] for k in ("unit_passage", "recall", "run", "seed")} == {
        "petikan", "Perolehan", "Analisis", "Benih acak"}


def test_labels_picks_the_language_and_refuses_another() -> None:
    assert labels("id") is ID and labels("en") is EN and LANGS == ("id", "en")
    with pytest.raises(UsageError, match="no report language 'jv'") as info:
        labels("jv")
    assert "'id'" in str(info.value.fix) and "'en'" in str(info.value.fix)


def test_every_placeholder_fills_in_both_languages() -> None:
    # a label that misses a placeholder its caller fills raises KeyError in a report
    for key in ID:
        names = {n: "x" for n in re.findall(r"\{(\w+)\}", ID[key])}
        assert "{" not in ID[key].format(**names) and "{" not in EN[key].format(**names), key


def test_english_words_catches_what_crept_in_and_spares_names_and_glosses() -> None:
    assert english_words("Passage dikode: 12 (score tinggi)") == ["Passage", "score"]
    assert english_words("Perolehan (recall) dari 'tematik compare' di hasil.csv") == []
