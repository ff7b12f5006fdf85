"""The shipped lexicons and where they are found: a checkout's folders or an installed wheel's
copies, a missing or malformed file named with its line, spoken forms mapped in one step."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline import config, resources
from pipeline.errors import ResourceError
from pipeline.resources import LEXICON_FILES, MODELS_DIR, Lexicon, load_lexicon

ROOT = Path(__file__).resolve().parent.parent


def lexicon_copy(tmp_path: Path, **replace: str) -> Path:
    """A copy of the shipped lexicons in ``tmp_path/lexicons``, with the files named in
    ``replace`` (``colloquial_tsv="..."``) given new contents."""
    shutil.copytree(MODELS_DIR / "lexicons", tmp_path / "lexicons")
    for name, text in replace.items():
        (tmp_path / "lexicons" / name.replace("_tsv", ".tsv").replace("_txt", ".txt")
         ).write_text(text, encoding="utf-8")
    return tmp_path


# -- where the shipped codebook, lexicons and sample corpus are found -------------------------


def test_a_checkout_reads_its_own_folders() -> None:
    assert resources.assets_dir() == ROOT
    assert config.DEFAULT_CORPUS == ROOT / "corpus"
    assert resources.DEFAULT_CODEBOOK == ROOT / "models" / "codebooks" / "kinerja-aparatur.yaml"


def test_an_installed_package_reads_the_assets_inside_it(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    # What a wheel holds (setup.py copies models/ and corpus/ into pipeline/_assets/).
    (tmp_path / "_assets" / "models").mkdir(parents=True)
    monkeypatch.setattr(resources.resources, "files", lambda package: tmp_path)
    assert resources.assets_dir() == (tmp_path / "_assets").resolve()


# -- the lexicons ------------------------------------------------------------------------------


def test_the_shipped_lexicon_knows_spoken_indonesian(lexicon: Lexicon) -> None:
    for spoken, standard in (("gak", "tidak"), ("nggak", "tidak"), ("udah", "sudah"),
                             ("gimana", "bagaimana")):
        assert lexicon.colloquial[spoken] == standard
    assert {"eh", "ehm"} <= lexicon.fillers
    assert len(lexicon.digest) == 64


def test_reading_a_missing_lexicon_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(ResourceError, match=r"lexicon file missing: .*colloquial\.tsv"):
        load_lexicon(tmp_path)


def test_malformed_lexicon_line_is_reported_with_its_line(tmp_path: Path) -> None:
    (tmp_path / "lexicons").mkdir()
    (tmp_path / "lexicons" / "colloquial.tsv").write_text("gak\ttidak\nudah sudah\n",
                                                          encoding="utf-8")
    with pytest.raises(ResourceError, match=r"colloquial.tsv, line 2"):
        load_lexicon(tmp_path)


def test_comments_and_blank_lines_are_not_counted_as_lines_to_read(tmp_path: Path) -> None:
    folder = lexicon_copy(tmp_path, colloquial_tsv="# spoken -> standard\n\ngak\ttidak\n"
                          "# a comment\nkagak\tgak\n")
    lexicon = load_lexicon(folder)
    assert lexicon.colloquial == {"gak": "tidak", "kagak": "tidak"}


def test_a_chain_of_spoken_forms_is_followed_to_the_standard_word(tmp_path: Path) -> None:
    # kagak -> gak -> tidak: mapping once must give what mapping twice gives
    folder = lexicon_copy(tmp_path, colloquial_tsv="kagak\tgak\ngak\tnggak\nnggak\ttidak\n"
                          "makasih\tterima kasih\n")
    colloquial = load_lexicon(folder).colloquial
    assert colloquial["kagak"] == colloquial["gak"] == colloquial["nggak"] == "tidak"
    assert colloquial["makasih"] == "terima kasih"


@pytest.mark.parametrize(("name", "text", "message"), [
    ("colloquial_tsv", "ga k\ttidak\n", "has a space on the left"),
    ("suffix_in_tsv", "tunggu\tkan\n", "'tunggu' has suffix 'kan'"),
    ("root_counts_tsv", "layan\tbanyak\n", "'layan' has count 'banyak'"),
])
def test_a_wrong_value_names_the_file_and_the_fix(tmp_path: Path, name: str, text: str,
                                                  message: str) -> None:
    folder = lexicon_copy(tmp_path, **{name: text})
    with pytest.raises(ResourceError, match=message) as info:
        load_lexicon(folder)
    assert info.value.fix


def test_a_lexicon_that_is_not_utf8_is_named(tmp_path: Path) -> None:
    folder = lexicon_copy(tmp_path)
    (folder / "lexicons" / "fillers.txt").write_bytes("ehm\nwéh\n".encode("cp1252"))
    with pytest.raises(ResourceError, match=r"fillers\.txt: not UTF-8"):
        load_lexicon(folder)


def test_the_digest_changes_when_any_lexicon_file_changes(tmp_path: Path,
                                                          lexicon: Lexicon) -> None:
    # the manifest records it, so two runs with different lexicons can be told apart
    assert load_lexicon(lexicon_copy(tmp_path / "same")).digest == lexicon.digest
    for name in ("fillers.txt", "answer_words.txt"):
        assert name in LEXICON_FILES
    changed = lexicon_copy(tmp_path / "changed")
    with (changed / "lexicons" / "answer_words.txt").open("a", encoding="utf-8") as fh:
        fh.write("nggih\n")
    assert load_lexicon(changed).digest != lexicon.digest
