"""The report's pieces: quotes that are evidence, tables that become cards on a phone,
figures that keep readable text."""

from __future__ import annotations

import re

from pipeline.report.figures import Chart
from pipeline.report.markup import evidence_quote, figure, table

TEXT = ("Ya, gimana ya Mas. Kekeluargaan. \"Kalau sikapnya, ramah lah, sopan.\" Nggak pilih "
        "kasih. Bapak Drs. H. Ahmad Rasyid, M.Si. itu datang paling pagi, pulang paling "
        "akhir, jadi kita ya malu kalau telat.")


def _words(quote: str) -> list[str]:
    return re.sub(r"<[^>]+>", "", quote).replace("&quot;", "\"").split()


def _span(word: str, offset: int = 0) -> tuple[int, int]:
    start = TEXT.index(word)
    return offset + start, offset + start + len(word)


def test_a_one_word_sentence_is_no_evidence_alone() -> None:
    # issue 16: "Kekeluargaan." and "Nggak pilih kasih." were the matrix's best quotes
    quote = evidence_quote(TEXT, 500, [_span("Kekeluargaan", 500)])
    said = _words(quote)
    assert len(said) >= 12 and "<mark>Kekeluargaan</mark>" in quote
    assert "Kekeluargaan. \"Kalau sikapnya" in " ".join(said)  # with the sentences around it
    kasih = evidence_quote(TEXT, 0, [_span("pilih kasih")])
    assert len(_words(kasih)) >= 12 and "<mark>pilih kasih</mark>" in kasih


def test_a_quote_is_whole_sentences_and_at_most_about_forty_words() -> None:
    long = " ".join(["Kita kerja bareng setiap hari di kantor ini."] * 12)
    start = long.index("bareng", 200)
    quote = evidence_quote(long, 0, [(start, start + 6)])
    assert 12 <= len(_words(quote)) <= 42 and "<mark>bareng</mark>" in quote
    assert evidence_quote("Pendek saja.", 0, []) == "Pendek saja."  # all there is
    assert evidence_quote("", 0, []) == ""


def test_quotation_marks_around_a_quote_are_the_pages() -> None:
    text = "\"Kalau sikapnya, ramah lah, sopan, nggak pernah marah-marah sama warga yang datang.\""
    quote = evidence_quote(text, 0, [(text.index("ramah"), text.index("ramah") + 5)])
    assert not quote.startswith("&quot;") and not quote.endswith("&quot;")


def test_wide_tables_carry_their_column_names_for_a_phone() -> None:
    wide = table(["a", "b", "c", "d", "e"], [[1, "<x>", 3, 4, 5]], numeric=(0,))
    assert "class=\"cards\"" in wide and "data-label=\"b\"><span class=\"v\">&lt;x&gt;" in wide
    narrow = table(["a", "b"], [[1, 2]])
    assert "cards" not in narrow and "data-label=\"a\">1</td>" in narrow


def test_a_wide_figure_keeps_its_size_on_a_phone() -> None:
    svg = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="600pt" ' \
          b'height="300pt"></svg>'
    shown = figure(Chart("theme_informant", "Matriks", b"", svg), number=2, label="Gambar",
                   legend="Angka: jumlah", swipe="Geser")
    assert "--phone: 640px" in shown  # 600 pt = 800 px, at 80%
    assert "<p class=\"note swipe\">Geser</p>" in shown
    assert "<figcaption><b>Gambar 2.</b> Matriks. Angka: jumlah</figcaption>" in shown
    small = figure(Chart("k", "K", b"", svg.replace(b"600pt", b"300pt")), swipe="Geser")
    assert "--phone" not in small and "swipe" not in small
