"""Page furniture of text pasted from a thesis PDF: line numbers, footers, running heads."""

from __future__ import annotations

from pipeline.stages.layout import clean_layout, is_furniture


def test_line_numbers_in_every_line_are_taken_out_and_restart_per_page() -> None:
    text = (
        "1    Peneliti: Bagaimana alur pengaduan yang masuk\n"
        "2    lewat aplikasi LAPOR?\n"
        "3    Informan: Ya, eh, admin kami baca dulu, terus\n"
        "4    diteruskan ke OPD yang bersangkutan gitu.\n"
        "\n"
        "Universitas Negeri Sukamaju\n"
        "45\n"
        "\n"
        "1    Kadang sampai dua minggu nggak dijawab, Mas.\n"
        "2    Peneliti: Terus gimana?\n"
    )
    cleaned = clean_layout(text)
    assert cleaned.text == (
        "Peneliti: Bagaimana alur pengaduan yang masuk\nlewat aplikasi LAPOR?\n"
        "Informan: Ya, eh, admin kami baca dulu, terus\n"
        "diteruskan ke OPD yang bersangkutan gitu.\n\n"
        "Kadang sampai dua minggu nggak dijawab, Mas.\nPeneliti: Terus gimana?\n")
    assert (cleaned.line_numbers, cleaned.furniture) == (6, 2)


def test_numbers_every_fifth_line_and_the_margin_go_and_a_cut_sentence_is_joined() -> None:
    body = [
        "Narasumber : Ada Samsat keliling, mangkal di pasar tiap hari pasaran,",
        "terus Samsat desa kerja sama BUMDes. Yang keliling itu lumayan",
        "rame, soalnya warga sambil belanja bisa",
        "Peneliti : Kendalanya apa, Bu?", "Narasumber : Jaringan, Dek. Sinyal di pasar",
        "yang pelosok itu putus-putus, transaksi bisa", "gagal di tengah jalan.",
        "Peneliti : Oh gitu.", "Narasumber : Iya, begitu.", "Peneliti : Terus apa lagi?",
        "Narasumber : Ya itu aja sih,", "paling antrean di loket.", "Peneliti : Oke, Bu.",
        "Narasumber : Sama-sama, Dek.", "Peneliti : Makasih, Bu.", "Narasumber : Iya.",
    ]
    lines = [f"{n:>3}  {line}" if n % 5 == 0 else f"     {line}"
             for n, line in enumerate(body, 1)]
    lines[3:3] = ["", "Halaman 3 dari 7", ""]  # a page break after line 3
    cleaned = clean_layout("\n".join(lines) + "\n").text
    assert "belanja bisa\nPeneliti : Kendalanya" in cleaned  # the page break is gone
    assert "Halaman" not in cleaned and " 5 " not in cleaned and "15" not in cleaned
    assert cleaned.startswith("Narasumber : Ada Samsat") and "\ngagal di tengah" in cleaned


def test_numbers_that_do_not_count_lines_stay() -> None:
    text = ("Informan: Anggarannya turun terus, Mas.\n2019 itu masih 300 juta,\n"
            "2020 jadi 250,\n2021 tinggal 180 juta.\n")
    assert clean_layout(text).text == text


def test_running_heads_beside_page_numbers_go_a_label_alone_on_its_line_stays() -> None:
    page = ("Transkrip Wawancara Informan 2\nPeneliti : Gimana antreannya, Bu?\n"
            "Bu Sari : Panjang, apalagi hari Senin, kita\n")
    text = (page + "Universitas Negeri Padang\n14\n") * 3 + "Jawaban\nYa gitu, Mbak.\n"
    cleaned = clean_layout(text).text
    assert "Transkrip Wawancara" not in cleaned and "Padang" not in cleaned
    assert "kita\nPeneliti : Gimana" in cleaned and cleaned.endswith("Jawaban\nYa gitu, Mbak.\n")


def test_furniture_is_short_and_not_speech() -> None:
    for line in ("47", "- 12 -", "Halaman 7", "Hal. 3 dari 9", "Universitas Sumatera Utara",
                 "Transcribed by https://otter.ai", "Fakultas Ilmu Sosial dan Ilmu Politik"):
        assert is_furniture(line), line
    for line in ("Saya kuliah di Universitas Sukamaju dulu, Mas.", "Peneliti: 47 orang?",
                 "Ya, kira-kira dua puluh."):
        assert not is_furniture(line), line
