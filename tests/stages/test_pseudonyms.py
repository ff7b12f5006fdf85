"""Who is who in an anonymised corpus: one pseudonym per person, however the name is written
and in however many transcripts, and the key from originals to replacements."""

from __future__ import annotations

from pipeline.stages.names import name_key
from pipeline.stages.pseudonyms import AMBIGUOUS, Key, KeyEntry, Mentioned, Registry, letters
from pipeline.types import INFORMANT, INTERVIEWER


def seen(*people: tuple[str, str, str]) -> list[tuple[str, str, str, str]]:
    """(name as written, role, transcript) -> what the anonymise stage gives a registry."""
    return [(name_key(raw), role, tid, raw) for raw, role, tid in people]


def registry(*people: tuple[str, str, str], taken: set[str] | None = None) -> Registry:
    reg = Registry()
    reg.build(seen(*people), taken or set())
    return reg


def pseudonym(reg: Registry, raw: str, tid: str) -> str:
    return reg.by_key[name_key(raw), tid].pseudonym


def test_informants_are_lettered_and_interviewers_numbered_in_order_of_appearance() -> None:
    reg = registry(("Rina", INTERVIEWER, "w01"), ("Bapak Drs. Ahmad Rasyid, M.Si.", INFORMANT,
                                                  "w01"),
                   ("Ibu Sri Wahyuni", INFORMANT, "w02"), ("Dodi", INTERVIEWER, "w02"))
    assert [(p.key, p.pseudonym) for p in sorted(reg.persons, key=lambda p: p.order)] == [
        ("rina", "Pewawancara 1"), ("ahmad rasyid", "Informan A"),
        ("sri wahyuni", "Informan B"), ("dodi", "Pewawancara 2")]


def test_a_person_keeps_one_pseudonym_across_transcripts_and_short_forms() -> None:
    # Pak Ahmad Rasyid in two interviews, once as "Pak Rasyid" in the second
    reg = registry(("Bapak Ahmad Rasyid", INFORMANT, "w01"), ("Ibu Sri Wahyuni", INFORMANT,
                                                              "w02"),
                   ("Pak Ahmad Rasyid", INFORMANT, "w03"), ("Pak Rasyid", INFORMANT, "w03"))
    assert pseudonym(reg, "Bapak Ahmad Rasyid", "w01") == "Informan A"
    assert pseudonym(reg, "Pak Ahmad Rasyid", "w03") == "Informan A"
    assert pseudonym(reg, "Pak Rasyid", "w03") == "Informan A"
    assert pseudonym(reg, "Ibu Sri Wahyuni", "w02") == "Informan B"
    rasyid = reg.by_key["ahmad rasyid", "w01"]
    assert rasyid.transcripts == {"w01", "w03"}
    assert rasyid.names == {"Bapak Ahmad Rasyid", "Pak Ahmad Rasyid", "Pak Rasyid"}


def test_the_same_corpus_gives_the_same_pseudonyms_every_time() -> None:
    people = [("Bu Ani", INFORMANT, "w02"), ("Pak Joko", INFORMANT, "w01"),
              ("Rina", INTERVIEWER, "w01"), ("Pak Joko Susilo", INFORMANT, "w01")]
    first = {(p.key, p.pseudonym) for p in registry(*people).persons}
    assert first == {(p.key, p.pseudonym) for p in registry(*people).persons}


def test_a_pseudonym_already_used_as_a_speaker_label_is_skipped() -> None:
    # a transcript labels a speaker "Informan A": no one else may be called that
    reg = registry(("Pak Joko", INFORMANT, "w01"), ("Bu Ani", INFORMANT, "w01"),
                   taken={"informan a"})
    assert [p.pseudonym for p in reg.persons] == ["Informan B", "Informan C"]


def test_resolve_finds_the_one_person_a_mention_can_mean() -> None:
    reg = registry(("Bapak Ahmad Rasyid", INFORMANT, "w01"), ("Ibu Sri Wahyuni", INFORMANT,
                                                              "w01"),
                   ("Ibu Sri Rahayu", INFORMANT, "w02"))
    rasyid = reg.by_key["ahmad rasyid", "w01"]
    assert reg.resolve("rasyid", "w01") is rasyid
    assert reg.resolve("rasyid", None) is rasyid  # anywhere: only one Rasyid
    assert reg.resolve("sri", "w01") is reg.by_key["sri wahyuni", "w01"]  # this interview's
    assert reg.resolve("sri", None) is AMBIGUOUS  # two Sris in the corpus
    assert reg.resolve("budi", "w01") is None


def test_bare_forms_are_full_names_and_words_long_enough_to_be_a_name() -> None:
    reg = registry(("Bapak Ahmad Rasyid", INFORMANT, "w01"), ("Bu Ani", INFORMANT, "w02"))
    reg.mentioned["yanto"] = Mentioned("yanto")
    forms = reg.bare_forms()
    rasyid = reg.by_key["ahmad rasyid", "w01"]
    assert forms["ahmad rasyid"] == [rasyid] and forms["rasyid"] == [rasyid]
    assert forms["ani"] == [reg.by_key["ani", "w02"]]
    assert forms["yanto"] == [reg.mentioned["yanto"]]
    assert not {"bapak", "pak", "bu"} & set(forms)


def test_letters_go_on_past_z() -> None:
    assert [letters(n) for n in (0, 1, 25, 26, 27, 51, 52)] == [
        "A", "B", "Z", "AA", "AB", "AZ", "BA"]


def test_the_key_rows_are_flat_for_a_csv() -> None:
    key = Key((KeyEntry("informant", "Bapak Ahmad Rasyid", "Informan A", ("w01", "w03"), 7,
                        ("ahmad rasyid", "rasyid")),
               KeyEntry("phone", "0812-3456-7890", "[telepon]", ("w02",), 1)))
    assert key.rows() == [
        {"kind": "informant", "original": "Bapak Ahmad Rasyid", "replacement": "Informan A",
         "transcripts": "w01 w03", "count": 7, "forms": "ahmad rasyid | rasyid"},
        {"kind": "phone", "original": "0812-3456-7890", "replacement": "[telepon]",
         "transcripts": "w02", "count": 1, "forms": ""}]
