"""Who is the interviewer: a legend first, then the words a label is written with, then who
asks the questions."""

from __future__ import annotations

from pipeline.stages.roles import assign_roles, question_share
from pipeline.types import INFORMANT, INTERVIEWER


def test_role_words_decide_without_looking_at_questions() -> None:
    # the informant asks back more than the researcher does: the words still decide
    assert assign_roles(["Peneliti", "Narasumber"], {"Peneliti": 0.2, "Narasumber": 0.9}) == {
        "Peneliti": INTERVIEWER, "Narasumber": INFORMANT}


def test_between_two_names_the_one_who_asks_is_the_interviewer() -> None:
    asks = question_share([
        ("Rina", "Bu, gimana pelayanan puskesmas di sini?"),
        ("Bu Sari", "Ya lumayan, cuma antrenya panjang, gitu."),
        ("Rina", "Kenapa bisa panjang, Bu?"),
        ("Bu Sari", "Dokternya cuma satu, kan."),
    ])
    assert asks == {"Rina": 1.0, "Bu Sari": 0.0}
    assert assign_roles(["Rina", "Bu Sari"], asks) == {"Rina": INTERVIEWER,
                                                       "Bu Sari": INFORMANT}


def test_a_lone_unknown_label_is_the_interviewer_only_when_it_nearly_always_asks() -> None:
    assert assign_roles(["Bu Sari"], {"Bu Sari": 0.6}) == {"Bu Sari": INFORMANT}
    assert assign_roles(["Rina"], {"Rina": 0.9}) == {"Rina": INTERVIEWER}


def test_names_beside_a_known_interviewer_are_informants() -> None:
    roles = assign_roles(["Peneliti", "Pak Eko", "Bu Sari"],
                         {"Pak Eko": 0.7, "Bu Sari": 0.1})
    assert roles == {"Peneliti": INTERVIEWER, "Pak Eko": INFORMANT, "Bu Sari": INFORMANT}


def test_i_and_r_mean_interviewer_and_respondent() -> None:
    assert assign_roles(["I", "R"], {}) == {"I": INTERVIEWER, "R": INFORMANT}
    assert assign_roles(["P", "I", "R"], {}) == {"P": INTERVIEWER, "I": INFORMANT,
                                                 "R": INFORMANT}


def test_a_legend_overrides_the_usual_meaning_of_a_letter() -> None:
    # "A = Informan, B = Pewawancara": B asks nothing here, the legend still rules
    roles = assign_roles(["A", "B"], {"A": 1.0, "B": 0.0}, {"a": INFORMANT, "b": INTERVIEWER})
    assert roles == {"A": INFORMANT, "B": INTERVIEWER}
    # a legend key compared like the label's core: "Informan 1" and "Informan 2" alike
    assert assign_roles(["Informan 1", "Informan 2"], {}, {"informan": INTERVIEWER}) == {
        "Informan 1": INTERVIEWER, "Informan 2": INTERVIEWER}


def test_each_label_gets_one_role_in_the_order_first_seen() -> None:
    roles = assign_roles(["P", "I", "P", "I"], {"P": 1.0, "I": 0.0})
    assert list(roles) == ["P", "I"]


def test_question_share_counts_turns_not_question_marks() -> None:
    asks = question_share([("P", "Gimana? Kenapa? Terus?"), ("P", "Oh gitu."),
                           ("I", "Ya, kan?")])
    assert asks == {"P": 0.5, "I": 1.0}
    assert question_share([]) == {}
