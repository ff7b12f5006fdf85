"""The quote that shows why a passage was coded (report and theme x informant table)."""

from __future__ import annotations

from pipeline.stages.matrix import best_quote
from pipeline.stages.quotes import quote_bounds, sentences

TEXT = ("Ya, gimana ya Mas. Kekeluargaan. \"Kalau sikapnya, ramah lah, sopan.\" Nggak pilih "
        "kasih. Bapak Drs. H. Ahmad Rasyid, M.Si. itu datang paling pagi, pulang paling "
        "akhir, jadi kita ya malu kalau telat.")


def test_titles_and_initials_do_not_end_a_sentence() -> None:
    found = [TEXT[s:e] for s, e in sentences(TEXT)]
    assert "Bapak Drs. H. Ahmad Rasyid, M.Si. itu datang paling pagi, pulang paling akhir, " \
           "jadi kita ya malu kalau telat." in found
    assert "Kekeluargaan." in found


def test_a_one_word_answer_is_quoted_with_the_sentences_beside_it() -> None:
    # "Kekeluargaan." alone is no evidence a supervisor accepts: the quote grows to twelve
    # words or more, forward first, within the passage.
    at = TEXT.index("Kekeluargaan")
    start, end = quote_bounds(TEXT, 100, [(100 + at, 100 + at + 12)]) or (0, 0)
    assert "Kekeluargaan. \"Kalau sikapnya" in TEXT[start:end]
    assert len(TEXT[start:end].split()) >= 12 and "Ahmad Rasyid" not in TEXT[start:end]
    quote = best_quote(TEXT, 100, [(100 + at, 100 + at + 12)])
    assert quote == " ".join(TEXT[start:end].split())


def test_a_short_passage_is_quoted_whole_and_a_long_sentence_is_cut_around_the_evidence(
) -> None:
    assert best_quote("Disiplin, Kak.", 0, [(0, 8)]) == "Disiplin, Kak."
    assert best_quote("", 0, []) == "" and quote_bounds("  ", 0, []) is None
    long = " ".join(f"kata{i}" for i in range(100)) + " pimpinannya tegas banget."
    at = long.index("pimpinannya")
    quote = best_quote(long, 0, [(at, at + 11)])
    assert "pimpinannya" in quote and quote.startswith("… ") and len(quote.split()) <= 42
