"""The features a supervised coder learns from: spoken and standard forms meet."""

from __future__ import annotations

from pipeline.stages.features import (
    FeatureOptions,
    feature_block,
    features_from_texts,
    features_from_tokens,
    readable,
)
from pipeline.stages.normalise import Normaliser, normalise
from pipeline.types import Passage


def test_spoken_and_standard_forms_share_features(normaliser: Normaliser) -> None:
    spoken, standard = features_from_texts(
        ["atasannya nggak pernah ngasih contoh", "Atasan tidak pernah kasih contoh"], normaliser)
    shared = set(spoken) & set(standard)
    assert {"w:kasih", "w:contoh", "b:kasih contoh", "n:tidak_pernah"} <= shared
    negated, ended = features_from_texts(
        ["pegawainya nggak eh disiplin", "pegawainya nggak. Disiplin kok"], normaliser)
    assert "n:tidak_disiplin" in negated and "w:disiplin" in negated  # the filler is skipped
    assert not [f for f in negated if "eh" in f.split(":")[1].split()]
    assert "n:tidak_disiplin" not in ended  # a full stop ends the negation


def test_features_from_the_tokens_table_match_raw_text(normaliser: Normaliser) -> None:
    texts = ["Pimpinan memberi teladan, beliau datang paling pagi.",
             "Printernya rusak, udah lama nggak dibenerin.", ""]
    passages = [Passage(f"t:{i:03d}", "t", "Informan", "informant", 0, len(t), t, "", 0, 0, 0,
                        len(t.split())) for i, t in enumerate(texts)]
    tokens = normalise(passages, normaliser)
    series = features_from_tokens(tokens, [p.passage_id for p in passages])
    assert list(series.index) == ["t:000", "t:001", "t:002"]
    assert series.tolist() == features_from_texts(texts, normaliser)
    assert series["t:002"] == []
    plain = features_from_tokens(tokens, options=FeatureOptions(bigrams=False, char_ngrams=None))
    assert all(f[:2] in ("w:", "n:") for doc in plain for f in doc)


def test_features_read_as_a_researcher_reads_them() -> None:
    assert readable("n:tidak_disiplin") == "tidak disiplin"
    assert readable("b:kasih contoh") == "kasih contoh" and readable("w:layan") == "layan"
    assert feature_block("c: pe") == 1 and feature_block("w:layan") == 0
