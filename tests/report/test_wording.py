"""English texts of earlier stages, as the Indonesian report says them."""

from __future__ import annotations

from pipeline.report.wording import agreement_note, k_reason


def test_agreement_notes_in_indonesian() -> None:
    note = ("tematik marked no unit: precision is undefined; intervals only from the "
            "resamples where defined: kappa 979/1000, recall 979/1000, f1 979/1000")
    said = agreement_note(note, "id")
    assert said == ("tematik tidak menandai unit mana pun: presisi tidak terdefinisi; "
                    "interval hanya dari sampel ulang yang terdefinisi: kappa 979/1000, "
                    "perolehan 979/1000, F1 979/1000")
    assert agreement_note("precision: mean of 12 of 13 themes (undefined for the others)",
                          "id") == "presisi: rata-rata 12 dari 13 tema (tidak terdefinisi " \
                                   "untuk lainnya)"
    assert agreement_note("manual marked no unit: recall is undefined", "id") == \
        "manual tidak menandai unit mana pun: perolehan tidak terdefinisi"
    assert agreement_note(note, "en") == note
    assert agreement_note("something new", "id") == "something new"
    assert agreement_note(float("nan"), "id") == ""


def test_k_reasons_in_indonesian() -> None:
    assert k_reason("lower score than K=12", "id") == "skor lebih rendah daripada K=12"
    chosen = ("highest score: c_npmi 0.168 + 0.25 x stability 0.94 = 0.402; next best K=9 "
              "(0.395); scored with NMF on 105 of 105 passages")
    assert k_reason(chosen, "id") == (
        "skor tertinggi: c_npmi 0,168 + 0,25 × stabilitas 0,94 = 0,402; terbaik berikutnya "
        "K=9 (0,395); dinilai dengan NMF pada 105 dari 105 petikan")
    assert k_reason("fixed by --topics 6", "id") == "ditetapkan dengan --topics 6"
    assert k_reason(chosen, "en") == chosen
