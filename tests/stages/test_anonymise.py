"""The anonymise stage: pseudonyms, redaction, offsets that still point at the words."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from pipeline.readers.ingest import ingest
from pipeline.resources import Lexicon
from pipeline.runs.anonymise import word_test
from pipeline.stages.anonymise import anonymise
from pipeline.stages.normalise import Normaliser
from tests.identities import (
    leaked_words,
    named_corpus,
)


@pytest.fixture(scope="module")
def is_word(lexicon: Lexicon) -> Callable[[str], bool]:
    return word_test(Normaliser(lexicon))


@pytest.fixture(scope="session")
def lexicon() -> Lexicon:
    from pipeline.resources import load_lexicon

    return load_lexicon()


def test_pseudonyms_redaction_and_offsets(tmp_path: Path, is_word: Callable[[str], bool]
                                          ) -> None:
    corpus = ingest([named_corpus(tmp_path / "in", sample=False)])
    done = anonymise(corpus.transcripts, corpus.turns,
                     files=[str(tmp_path / "in" / n) for n in sorted(
                         p.name for p in (tmp_path / "in").iterdir())], is_word=is_word)
    texts = {t.transcript_id: t for t in done.transcripts}
    assert sorted(texts) == ["T01", "T02", "T03"]
    for turn in done.turns:  # every offset points into the pseudonymised text
        assert texts[turn.transcript_id].text[turn.start:turn.end] == turn.text
    everything = "\n".join([*(t.text for t in done.transcripts),
                            *(str(t.metadata) for t in done.transcripts),
                            *(t.source for t in done.transcripts),
                            *(t.speaker for t in done.turns)])
    assert leaked_words(everything) == []
    key = {e.original: e for e in done.key.entries}
    # the same person, from a header block, a YAML front matter, a label and a mention in
    # another transcript, is one informant with one pseudonym
    budi = key["Drs. Budi Santoso, M.Si."]
    assert budi.kind == "informant" and budi.transcripts == ("T02", "T03")
    assert f"[{budi.replacement}] yang ngatur" in texts["T01"].text  # Sari's mention of him
    rina = next(e for e in done.key.entries if e.kind == "interviewer")
    assert "Rina Marlina" in rina.forms and rina.replacement == "Pewawancara 1"
    # roles after a title stay; unknown people after a title become placeholders
    source = texts["T03"].text
    for role in ("Pak Kabag", "Bu Lurah", "Pak Camat"):
        assert role in source
    assert "Bu [NAMA]" in source and "[NIK]" in source and "[NIP]" in source
    assert "[TELEPON]" in source and "[EMAIL]" in source and "[ALAMAT]" in source
    assert f"[{budi.replacement}]" in source  # "Pak Budi" in the interviewer's question
    # an ordinary lowercase word that is also a name is kept
    assert "budi pekerti" in "\n".join(t.text for t in done.transcripts)
    labels = {(t.transcript_id, t.speaker) for t in done.turns}
    shown = {(t.transcript_id, t.who) for t in done.turns}
    assert {("T02", budi.replacement), ("T03", "P"), ("T02", "Peneliti")} <= labels
    # T03's informant is labelled I: and named by its header: the name shown is a pseudonym
    assert {("T02", budi.replacement), ("T03", budi.replacement)} <= shown
    assert not {who for _, who in shown} & {"Drs. Budi Santoso, M.Si.", "Rina Marlina"}
    assert done.counts["nik"] == 1 and done.counts["nip"] == 1 and done.counts["email"] == 2
    assert done.counts["phone"] >= 3 and done.counts["informants"] == 2
    kinds = {e.kind for e in done.key.entries}
    assert {"nik", "nip", "phone", "email", "address", "name", "transcript", "file"} <= kinds
    assert done.scrub(f"{tmp_path / 'in' / 'catatan-sari.csv'}: a warning about Sari") \
        .startswith("input-")
