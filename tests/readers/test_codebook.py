"""Codebooks: the default one loads; `check` finds what a researcher must fix, with lines."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.errors import ResourceError
from pipeline.readers.codebook import load_codebook
from pipeline.resources import DEFAULT_CODEBOOK, MODELS_DIR, load_lexicon
from pipeline.runs.show import check_file
from pipeline.stages.names import JOB_TITLES
from pipeline.stages.normalise import Normaliser
from tests.conftest import write

IDS = {
    "kepemimpinan", "budaya_organisasi", "kinerja", "kinerja.pemahaman_tugas",
    "kinerja.kualitas_pelayanan", "kinerja.relevansi_program", "kinerja.responsivitas",
    "kinerja.akuntabilitas", "kinerja.produktivitas", "kinerja.efektivitas", "motivasi",
    "komunikasi", "sdm", "sarana_prasarana",
}

BAD = """\
name: uji
version: 1
themes:
  - id: kepemimpinan
    label: {id: Kepemimpinan, en: Leadership}
    keywords: [pimpin, pelayanan, teladan]
    colour: red
  - id: kepemimpinan
    label: Lagi
    keywords: [pimpin]
  - id: kinerja.responsivitas
    parent: kinerja
    label: Responsivitas
    keywords: ["...", cepat]
"""


def test_default_codebook_has_the_themes_of_the_field() -> None:
    book = load_codebook(DEFAULT_CODEBOOK)
    assert {t.id for t in book.themes} == IDS
    assert book.theme("kinerja.responsivitas").parent == "kinerja"
    for theme in book.themes:
        assert theme.label_id and theme.label_en and theme.definition
        assert theme.keywords and theme.phrases and theme.include and theme.exclude


TEMPLATE = MODELS_DIR / "codebooks" / "template.yaml"


def test_the_template_checks_clean_with_three_top_level_themes() -> None:
    """The template a student copies (docs/panduan.md): no errors, no warnings, three themes
    (one with a sub-theme), every keyword its own stem and every exact word a derived form."""
    assert check_file(TEMPLATE) == []
    book = load_codebook(TEMPLATE)
    assert [t.id for t in book.themes if t.parent is None] == [
        "kepemimpinan", "komunikasi", "kinerja"]
    assert [t.id for t in book.themes if t.parent is not None] == ["kinerja.responsivitas"]
    normaliser = Normaliser(load_lexicon())
    for theme in book.themes:
        assert theme.keywords and theme.phrases and theme.examples, theme.id
        for word in theme.keywords:
            assert normaliser.form(word).stem == word, (theme.id, word)
        for word in theme.exact:
            assert normaliser.form(word).stem != word, (theme.id, word)


GENERIC = ("layan", "masyarakat", "warga", "pegawai", "kerja", "kantor", "program", "pemerintah",
           "desa", "anggaran", "aturan", "tugas", "baik", "cepat")
"""Words heard in any public-service interview: never a cue above 0.3 (support is fine)."""


def test_default_codebook_checks_clean_and_every_cue_can_match() -> None:
    """No errors and no warnings; every keyword is a content word written as its own stem,
    and every exact word is a content word in a derived form (its stem is another word):
    a stop word could never match, and a base form under exact would miss its inflections."""
    assert check_file(DEFAULT_CODEBOOK) == []
    normaliser = Normaliser(load_lexicon())
    book = load_codebook(DEFAULT_CODEBOOK)
    for theme in book.themes:
        for word in theme.keywords:
            form = normaliser.form(word)
            assert (form.kind, form.stem) == ("word", word), (theme.id, word, form)
        for word in theme.exact:
            form = normaliser.form(word)
            assert form.kind == "word" and form.stem != word, (theme.id, word, form)
    assert "kebersamaan" in book.theme("budaya_organisasi").exact
    assert "kebersamaan" not in book.theme("budaya_organisasi").keywords


def test_default_codebook_keeps_titles_out_of_keywords() -> None:
    """Titles, roles and pronouns say who is talked about: they are support of the theme,
    never keywords; idioms that contain them are listed so they never count."""
    book = load_codebook(DEFAULT_CODEBOOK)
    cues = {w for t in book.themes for w in (*t.keywords, *t.exact)}
    assert cues & JOB_TITLES == set()
    assert cues & {"atas", "bawah", "bos", "beliau", "bapak", "ibu"} == set()
    support = set(book.theme("kepemimpinan").support)
    assert {"beliau", "atasan", "pimpinan kami", "kepala dinas", "kabag", "camat", "lurah",
            "kades"} <= support
    assert {"hafal di luar kepala", "keras kepala", "kepala batu", "di atas kertas"} <= set(
        book.idioms)
    assert "turun tangan" in book.theme("kepemimpinan").phrases  # an idiom that is a cue


def test_default_codebook_gives_generic_words_no_weight_and_each_keyword_one_theme() -> None:
    book = load_codebook(DEFAULT_CODEBOOK)
    owners: dict[str, list[str]] = {}
    for theme in book.themes:
        for word in (*theme.keywords, *theme.exact):
            owners.setdefault(word, []).append(theme.id)
            if word in GENERIC:
                assert theme.weights.get(word, 1.0) <= 0.3, (theme.id, word)
    assert {w: ids for w, ids in owners.items() if len(ids) > 1} == {}


def test_check_reports_each_problem_with_its_line(tmp_path: Path) -> None:
    path = write(tmp_path / "uji.yaml", BAD)
    problems = check_file(path)
    found = {(p.line, p.severity, p.message) for p in problems}
    assert (7, "error", "unknown field 'colour' in theme 'kepemimpinan'") in found
    assert any(line == 8 and "duplicate theme id 'kepemimpinan' (first on line 4)" in msg
               for line, _, msg in found)
    assert any(line == 11 and "parent 'kinerja', which is not in the codebook" in msg
               for line, _, msg in found)
    assert any("'pelayanan'" in msg and "stems it to 'layan'" in msg for _, _, msg in found)
    assert any("'...'" in msg and "stems to nothing" in msg for _, _, msg in found)


TITLES = """\
name: uji
version: 1
language: id
description: tes
idioms: [hafal di luar kepala]
themes:
  - id: kepemimpinan
    label: {id: Kepemimpinan, en: Leadership}
    keywords: [teladan, kabag, lurah, pengalaman]
    exact: [keteladanan, arah]
    support: [beliau, pimpinan kami]
    phrases: [turun langsung]
"""


def test_check_flags_titles_and_never_advises_a_stem(tmp_path: Path) -> None:
    problems = check_file(write(tmp_path / "uji.yaml", TITLES))
    messages = [p.message for p in problems]
    assert sum("is a title or role" in m for m in messages) == 2  # kabag, lurah
    assert any("exact word 'arah'" in m and "base form" in m for m in messages)
    assert not any("keteladanan" in m for m in messages)  # declared exact: no warning
    # a stem matches every word that shares it (pengalaman and alam, pengumuman and umum):
    # the check names the stem but never tells the researcher to write it
    assert not any(m.startswith("keyword") and "write '" in m for m in messages)
    book = load_codebook(tmp_path / "uji.yaml")
    assert book.idioms == ("hafal di luar kepala",)
    assert book.theme("kepemimpinan").support == ("beliau", "pimpinan kami")


def test_overlaps_between_unrelated_themes_are_warned(tmp_path: Path) -> None:
    path = write(tmp_path / "o.yaml", (
        "name: o\nthemes:\n"
        "  - {id: kinerja, label: K, keywords: [capai]}\n"
        "  - {id: kinerja.efektivitas, parent: kinerja, label: E, keywords: [capai]}\n"
        "  - {id: motivasi, label: M, keywords: [semangat]}\n"
        "  - {id: budaya_organisasi, label: B, keywords: [semangat]}\n"))
    messages = [p.message for p in check_file(path)]
    assert any("'semangat' is in several themes: budaya_organisasi, motivasi" in m
               for m in messages)
    assert not any("'capai'" in m for m in messages)


def test_load_refuses_a_broken_codebook_naming_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path / "rusak.yaml", "name: x\nthemes:\n  - id: a\n    label: [unclosed\n")
    with pytest.raises(ResourceError, match=r"rusak\.yaml, line \d+: not valid YAML"):
        load_codebook(path)
    dup = write(tmp_path / "dup.yaml", "themes:\n  - {id: a, label: A, keywords: [x]}\n"
                "  - {id: a, label: B, keywords: [y]}\n")
    with pytest.raises(ResourceError, match=r"dup\.yaml, line 3: duplicate theme id 'a'"):
        load_codebook(dup)


def test_cli_codebook_check_exit_codes(tmp_path: Path) -> None:
    runner = CliRunner()
    good = runner.invoke(main, ["codebook", "check", str(DEFAULT_CODEBOOK)])
    assert good.exit_code == 0 and "0 error(s)" in good.output
    bad = runner.invoke(main, ["codebook", "check", str(write(tmp_path / "b.yaml", BAD))])
    assert bad.exit_code == 1
    assert "b.yaml:7: error: unknown field 'colour'" in bad.output
    missing = runner.invoke(main, ["codebook", "check", str(tmp_path / "kodebuk.yaml")])
    assert missing.exit_code == 2
    assert "Error: codebook not found: " in missing.output and "Traceback" not in missing.output


def test_cli_codebook_check_without_a_file_checks_the_default_codebook() -> None:
    result = CliRunner().invoke(main, ["codebook", "check"])
    assert result.exit_code == 0, result.output
    assert result.output == f"{DEFAULT_CODEBOOK}: 0 error(s), 0 warning(s)\n"
