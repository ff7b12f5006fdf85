"""``tematik run PROJECT.qdpx``: a REFI-QDA project's text sources as transcripts, and
``tematik compare RUN PROJECT.qdpx`` placing the project's own codings exactly, although
the transcript text is normalised (NFC, invisible characters removed, \\r\\n made \\n)."""

from __future__ import annotations

import json
import unicodedata
import zipfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.cli import main
from pipeline.readers.decode import normalise_map, normalise_text

USER_RINA = "5C94BC9E-DB8C-4F1D-9CD6-E900C7440860"
USER_DODI = "{DF241DA2-BCA0-4AD9-83C1-B89C98D83567}"
CODE_PIMPIN = "76414714-63C4-4A25-A47E-66FEF80BD52E"
CODE_BUDAYA = "2DFBA8C9-59F5-4424-99D6-EA9BCE18134B"
SOURCE_1 = "631251CC-9FB4-4131-BEA8-35947084C409"
SOURCE_2 = "7A1C2E90-1B2C-4D3E-8F40-5A6B7C8D9E0F"
VAR_JABATAN = "142EB46D-612E-4593-A385-D0E5D04D1288"
VAR_UNIT = "2B3C4D5E-6F70-4812-93A4-B5C6D7E8F901"

# As NVivo stores it: \r\n line ends, a decomposed é, a zero-width space, a non-breaking
# space; "apel pagi" is said twice and the second time is the one coded.
SARI = (
    "P: Gimana kepemimpinan di kantor ini, Bu?\r\n"
    "I: Ya eh, Pak Kadis itu turun langsung, ngasih contoh ke kita gitu. Beliau "
    "datang apel pagi paling awal.\r\n"
    "P: Kalau budaya kerjanya?\r\n"
    "I: Ehm, cafe\u0301 depan tutup jam tujuh, jadi kita\u200b udah di kantor. Apel\u00a0pagi "
    "itu wajib, yang telat ditegur, jadi disiplin lah.\r\n"
)
EKO = (
    "Peneliti: Bagaimana arahan pimpinan, Pak?\n"
    "Pak Eko: Arahannya jelas, tiap Senin ada rapat staf, kita dikasih target.\n"
)
CODED = [  # (source text, phrase, occurrence, code, user)
    (SARI, "turun langsung, ngasih contoh", 0, CODE_PIMPIN, USER_RINA),
    (SARI, "Apel\u00a0pagi itu wajib, yang telat ditegur", 0, CODE_BUDAYA, USER_RINA),
    (SARI, "cafe\u0301 depan tutup jam tujuh, jadi kita\u200b udah di kantor", 0,
     CODE_BUDAYA, USER_DODI),
    (EKO, "Arahannya jelas, tiap Senin ada rapat staf", 0, CODE_PIMPIN, USER_DODI),
]


def _nvivo_position(raw: str, index: int) -> int:
    """NVivo counts UTF-16 units and \\r\\n as two: positions in the stored text."""
    return len(raw[:index].encode("utf-16-le")) // 2


def _project(path: Path, coded: Sequence[tuple[str, str, int, str, str]] = tuple(CODED)
             ) -> Path:
    selections: dict[str, list[str]] = {SOURCE_1: [], SOURCE_2: []}
    for n, (raw, phrase, _, code, user) in enumerate(coded):
        source = SOURCE_1 if raw is SARI else SOURCE_2
        start = raw.index(phrase)
        selections[source].append(
            f'<PlainTextSelection guid="00000000-0000-4000-8000-{n:012d}" '
            f'name="{phrase[:20]}" startPosition="{_nvivo_position(raw, start)}" '
            f'endPosition="{_nvivo_position(raw, start + len(phrase))}" '
            f'creatingUser="{user}"><Coding guid="00000000-0000-4000-9000-{n:012d}" '
            f'creatingUser="{user}"><CodeRef targetGUID="{code}"/></Coding>'
            "</PlainTextSelection>")
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Skripsi" origin="NVivo 14">
<Users><User guid="{USER_RINA}" name="Rina"/><User guid="{USER_DODI}" name="Dodi"/></Users>
<CodeBook><Codes>
 <Code guid="{CODE_PIMPIN}" name="kepemimpinan" isCodable="true"/>
 <Code guid="{CODE_BUDAYA}" name="budaya_organisasi" isCodable="true"/>
</Codes></CodeBook>
<Variables>
 <Variable guid="{VAR_JABATAN}" name="Jabatan" typeOfVariable="Text"/>
 <Variable guid="{VAR_UNIT}" name="Unit kerja" typeOfVariable="Text"/>
</Variables>
<Cases><Case guid="00000000-0000-4000-8000-000000000900" name="Bu Sari">
 <VariableValue><VariableRef targetGUID="{VAR_JABATAN}"/><TextValue>Kasubbag Umum</TextValue>
 </VariableValue>
 <VariableValue><VariableRef targetGUID="{VAR_UNIT}"/><TextValue>Bagian Umum</TextValue>
 </VariableValue>
 <SourceRef targetGUID="{SOURCE_1}"/></Case></Cases>
<Sources>
 <TextSource guid="{SOURCE_1}" name="Wawancara Bu Sari.docx"
   plainTextPath="internal://{SOURCE_1}.txt">{"".join(selections[SOURCE_1])}</TextSource>
 <TextSource guid="{SOURCE_2}" name="Wawancara Pak Eko"
   plainTextPath="internal://{SOURCE_2}.txt">{"".join(selections[SOURCE_2])}</TextSource>
</Sources>
</Project>"""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("project.qde", qde)
        zf.writestr(f"Sources/{SOURCE_1}.txt", SARI.encode("utf-8"))
        zf.writestr(f"Sources/{SOURCE_2}.txt", EKO.encode("utf-8"))
    return path


def test_run_on_a_project_then_compare_places_its_codings(tmp_path: Path) -> None:
    project = _project(tmp_path / "Skripsi NVivo.qdpx")
    out = tmp_path / "runs" / "nvivo"
    runner = CliRunner()
    ran = runner.invoke(main, ["run", str(project), "--out", str(out), "--topics", "0"])
    assert ran.exit_code == 0, ran.output
    transcripts = pd.read_parquet(out / "transcripts.parquet").set_index("transcript_id")
    assert list(transcripts.index) == ["wawancara-bu-sari", "wawancara-pak-eko"]
    sari = transcripts.loc["wawancara-bu-sari"]
    assert (sari["informant"], sari["role"], sari["unit"], sari["format"]) == (
        "Bu Sari", "Kasubbag Umum", "Bagian Umum", "qdpx")
    assert json.loads(sari["metadata"])["case"] == "Bu Sari"
    assert sari["text"] == normalise_text(SARI) and "\u200b" not in sari["text"]
    assert sari["source"] == f"{project}/Wawancara Bu Sari.docx"
    passages = pd.read_parquet(out / "passages.parquet")
    assert set(passages["transcript_id"]) == {"wawancara-bu-sari", "wawancara-pak-eko"}
    # the case names the informant labelled I:, as everywhere in the run
    assert set(zip(passages["speaker"], passages["display"], strict=True)) == {
        ("I", "Bu Sari"), ("Pak Eko", "Pak Eko")}
    # the case names the informant labelled I:, as everywhere in the run
    assert set(zip(passages["speaker"], passages["display"], strict=True)) == {
        ("I", "Bu Sari"), ("Pak Eko", "Pak Eko")}

    compared = runner.invoke(main, ["compare", str(out), str(project), "--resamples", "0"])
    assert compared.exit_code == 0, compared.output
    segments = pd.read_parquet(out / "manual_segments.parquet")
    assert segments["located_by"].tolist() == ["offsets"] * len(CODED)
    texts = transcripts["text"].to_dict()
    placed = [(texts[t][s:e], theme, coder) for t, s, e, theme, coder in zip(
        segments["transcript_id"], segments["start"], segments["end"], segments["theme"],
        segments["coder"], strict=True)]
    names = {USER_RINA: "Rina", USER_DODI: "Dodi"}
    themes = {CODE_PIMPIN: "kepemimpinan", CODE_BUDAYA: "budaya_organisasi"}
    assert sorted(placed) == sorted(
        (normalise_text(phrase), themes[code], names[user]) for _, phrase, _, code, user in CODED)
    # The coded "Apel pagi" is the second one said, not the first.
    budaya = segments[(segments["coder"] == "Rina") & (segments["theme"] == "budaya_organisasi")]
    assert int(budaya["start"].iloc[0]) > texts["wawancara-bu-sari"].lower().index("apel pagi")
    agreement = pd.read_parquet(out / "agreement.parquet")
    assert {"kepemimpinan", "budaya_organisasi"} <= set(agreement["theme"])


def test_a_project_without_text_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "kosong.qdpx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", '<Project xmlns="urn:QDA-XML:project:1.0" name="x"/>')
    outcome = CliRunner().invoke(main, ["run", str(path), "--out", str(tmp_path / "r")])
    assert outcome.exit_code == 1
    assert outcome.output.startswith(f"Error: {path}: the project has no text sources")


ODD = st.sampled_from(["\r\n", "\r", "\u200b", "\u00a0", "e\u0301", "\u0301", "\ufeff",
                       "\x00", "\f", "\u202e", "A\u030a", "\u1100\u1161\u11a8", "👍🏽", "ﬁ"])


@settings(max_examples=200, deadline=None)
@given(parts=st.lists(st.text(max_size=6) | ODD, max_size=30))
def test_normalise_map_agrees_with_normalise_text_and_maps_words(parts: list[str]) -> None:
    raw = "".join(parts)
    text, where = normalise_map(raw)
    assert text == normalise_text(raw)
    assert len(where) == len(raw) + 1 and where[-1] == len(text)
    assert bool((np.diff(where) >= 0).all())
    # Every run of ASCII letters lands on the same letters in the normalised text.
    for i, part in enumerate(parts):
        after = "".join(ch for ch in "".join(parts[i + 1:])
                        if normalise_text(ch) or unicodedata.combining(ch))[:1]
        if after and unicodedata.combining(after):
            continue  # "A" + combining grave composes to "À": not the same letters any more
        if part.isascii() and part.isalpha():
            start = len("".join(parts[:i]))
            s, e = int(where[start]), int(where[start + len(part)])
            assert text[s:e] == part


def test_run_with_compare_scores_the_project_in_one_step(tmp_path: Path) -> None:
    project = _project(tmp_path / "Skripsi NVivo.qdpx")
    out = tmp_path / "runs" / "sekali"
    ran = CliRunner().invoke(main, ["run", str(project), "--out", str(out), "--topics", "0",
                                    "--compare"])
    assert ran.exit_code == 0, ran.output
    assert "Agreement of tematik with Rina" in ran.output and "Between coders" in ran.output
    assert (out / "agreement.csv").is_file() and (out / "agreement_pairs.csv").is_file()
    alone = CliRunner().invoke(main, ["run", "--out", str(tmp_path / "x"), "--compare"])
    assert alone.exit_code == 2 and "exactly one REFI-QDA project" in alone.output


def test_run_with_compare_on_a_project_without_codings_writes_nothing(tmp_path: Path) -> None:
    project = _project(tmp_path / "Belum dikode.qdpx", coded=())
    out = tmp_path / "runs" / "sekali"
    ran = CliRunner().invoke(main, ["run", str(project), "--out", str(out), "--topics", "0",
                                    "--compare"])
    assert ran.exit_code == 2 and "Traceback" not in ran.output
    assert "holds no codings to compare with" in ran.output
    assert not (tmp_path / "runs").exists()
