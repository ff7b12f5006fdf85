"""Finding names: name keys, roles of labels, identifiers."""

from __future__ import annotations

from pipeline.stages.names import label_person, name_key


def test_names_keys_and_roles() -> None:
    assert name_key("Bapak Drs. H. Ahmad Rasyid, M.Si.") == "ahmad rasyid"
    assert name_key("Hendra Saputra S.Sos") == "hendra saputra"
    assert name_key("Ibu Sri Wahyuni, S.E.") == "sri wahyuni"
    assert label_person("Pak Eko") == "Pak Eko"
    assert label_person("Informan 1 (Bu Sri)") == "Bu Sri"
    for role in ("Informan 1 (Kasubbag TU)", "Pak Kabag", "Bu Lurah", "P", "Peneliti",
                 "Jawaban Kepala Desa", "Kepala Desa", "Narasumber"):
        assert label_person(role) is None, role
