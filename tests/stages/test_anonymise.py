"""The anonymise stage: pseudonyms, redaction, offsets that still point at the words."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from pipeline.readers.ingest import ingest
from pipeline.resources import Lexicon
from pipeline.runs.anonymise import word_test
from pipeline.stages.anonymise import anonymise
from pipeline.stages.normalise import Normaliser
from tests.conftest import ROOT, write

HEADER_TXT = """\
Nama: Drs. Budi Santoso, M.Si.
Jabatan: Kepala Bagian Umum
NIP: 19650817 199003 1 004
Alamat: Jl. Melati No. 12, Sukamaju
Telp: 0812-3456-7890
Pewawancara: Rina Marlina

P: Selamat pagi, Pak Budi. Boleh ceritakan dulu tugas Bapak di sini?

I: Eh, iya. Jadi saya ini, ya, ngurusin pelayanan surat-menyurat. Kalau ada warga yang \
butuh, hubungi aja WA saya di +62 813-9876-5432, atau email budi.santoso@sukamaju.go.id, \
gitu. Pak Kabag yang lama juga gitu kok, terbuka.

P: Gimana kerja sama dengan Bu Lurah, Pak?

I: Bagus, bagus. Bu Lurah itu tegas orangnya. Yang bikin susah itu Bu Ratna Dewanti, \
staf saya, sering telat. Ratna itu, ya, udah saya tegur berkali-kali, ehm, tapi ya gitu.

P: Ada kendala soal data warga?

I: Ada. NIK 3273012345670001 itu misalnya, kadang salah ketik, jadi suratnya balik lagi. \
Pak Camat udah tau masalahnya, udah dilaporin juga ke dinas.
"""


FRONT_MATTER_MD = """\
---
informant: Budi Santoso
interviewer: Rina Marlina
---

Peneliti: Pak Budi, kita lanjut ya. Gimana pimpinan di kantor ini menurut Bapak?

Budi Santoso: Ya, pimpinannya disiplin, gak pernah telat apel. Mas Agus Wibowo dari \
dinas juga bilang gitu. Kalau mau konfirmasi, nomor saya masih 081234567890 ya.

Peneliti: Terus, budaya kerjanya gimana, Pak?

Budi Santoso: Ehm, gotong royong lah. Kadang Agus sendiri yang telat, hehe. Tapi \
budi pekerti pegawainya baik, sopan ke warga.
"""


SHEET_CSV = """\
pembicara,teks
Peneliti,"Mbak Sari, gimana pelayanan di kantor kelurahan sekarang?"
Sari Wulandari,"Eh, pelayanannya udah cepet sih, Mas. Pak Budi Santoso yang ngatur \
semua, disiplin banget. Email saya sari.wulandari@gmail.com kalau perlu."
Peneliti,"Kalau pimpinannya, Mbak?"
Sari Wulandari,"Pimpinannya tegas, tapi ya kekeluargaan. Sari sih seneng kerja di sini."
"""


NAMES = ["Budi", "Santoso", "Rina", "Marlina", "Ratna", "Dewanti", "Agus", "Wibowo", "Sari",
         "Wulandari", "Melati",
         # the sample corpus's people
         "Rasyid", "Hendra", "Saputra", "Wahyuni", "Rudi", "Hermawan", "Joko", "Susilo",
         "Anton", "Mira", "Yusuf"]


IDENTIFIERS = ["19650817 199003 1 004", "196508171990031004", "0812-3456-7890", "081234567890",
               "+62 813-9876-5432", "8139876543", "3273012345670001",
               "budi.santoso@sukamaju.go.id", "sari.wulandari@gmail.com"]


FILE_WORDS = ["wawancara-budi-santoso", "catatan-sari"]


# "budi pekerti" (good character) is an ordinary phrase, not Budi
NAME_RE = re.compile(r"(?<![a-z])(?:" + "|".join(n.lower() for n in NAMES)
                     + r")(?![a-z])(?<!budi(?= pekerti))")


def _corpus(folder: Path, *, sample: bool = True) -> Path:
    write(folder / "wawancara-budi-santoso.txt", HEADER_TXT)
    write(folder / "lanjutan.md", FRONT_MATTER_MD)
    write(folder / "catatan-sari.csv", SHEET_CSV)
    if sample:
        for path in sorted((ROOT / "corpus").iterdir()):
            if path.is_file() and not path.name.startswith(("_", "README")):
                shutil.copy(path, folder / path.name)
    return folder


def _leaks(text: str) -> list[str]:
    low = text.lower()
    found = [m.group() for m in NAME_RE.finditer(low)]
    found += [i for i in IDENTIFIERS if i.lower() in low]
    digits = re.sub(r"\D", "", text)
    found += [i for i in ("196508171990031004", "3273012345670001", "81234567890",
                          "8139876543") if i in digits and i not in found]
    found += [w for w in FILE_WORDS if w in low]
    return found


@pytest.fixture(scope="module")
def is_word(lexicon: Lexicon) -> Callable[[str], bool]:
    return word_test(Normaliser(lexicon))


@pytest.fixture(scope="session")
def lexicon() -> Lexicon:
    from pipeline.resources import load_lexicon

    return load_lexicon()


def test_pseudonyms_redaction_and_offsets(tmp_path: Path, is_word: Callable[[str], bool]
                                          ) -> None:
    corpus = ingest([_corpus(tmp_path / "in", sample=False)])
    done = anonymise(corpus.transcripts, corpus.turns,
                     files=[str(tmp_path / "in" / n) for n in sorted(
                         p.name for p in (tmp_path / "in").iterdir())], is_word=is_word)
    texts = {t.transcript_id: t for t in done.transcripts}
    assert sorted(texts) == ["T01", "T02", "T03"]
    for turn in done.turns:  # every offset points into the pseudonymised text
        assert texts[turn.transcript_id].text[turn.start:turn.end] == turn.text
    everything = "\n".join([*(t.text for t in done.transcripts),
                            *(str(t.metadata) for t in done.transcripts),
                            *(t.source for t in done.transcripts),
                            *(t.speaker for t in done.turns)])
    assert _leaks(everything) == []
    key = {e.original: e for e in done.key.entries}
    # the same person, from a header block, a YAML front matter, a label and a mention in
    # another transcript, is one informant with one pseudonym
    budi = key["Drs. Budi Santoso, M.Si."]
    assert budi.kind == "informant" and budi.transcripts == ("T02", "T03")
    assert f"[{budi.replacement}] yang ngatur" in texts["T01"].text  # Sari's mention of him
    rina = next(e for e in done.key.entries if e.kind == "interviewer")
    assert "Rina Marlina" in rina.forms and rina.replacement == "Pewawancara 1"
    # roles after a title stay; unknown people after a title become placeholders
    source = texts["T03"].text
    for role in ("Pak Kabag", "Bu Lurah", "Pak Camat"):
        assert role in source
    assert "Bu [NAMA]" in source and "[NIK]" in source and "[NIP]" in source
    assert "[TELEPON]" in source and "[EMAIL]" in source and "[ALAMAT]" in source
    assert f"[{budi.replacement}]" in source  # "Pak Budi" in the interviewer's question
    # an ordinary lowercase word that is also a name is kept
    assert "budi pekerti" in "\n".join(t.text for t in done.transcripts)
    labels = {(t.transcript_id, t.speaker) for t in done.turns}
    shown = {(t.transcript_id, t.who) for t in done.turns}
    assert {("T02", budi.replacement), ("T03", "P"), ("T02", "Peneliti")} <= labels
    # T03's informant is labelled I: and named by its header: the name shown is a pseudonym
    assert {("T02", budi.replacement), ("T03", budi.replacement)} <= shown
    assert not {who for _, who in shown} & {"Drs. Budi Santoso, M.Si.", "Rina Marlina"}
    assert done.counts["nik"] == 1 and done.counts["nip"] == 1 and done.counts["email"] == 2
    assert done.counts["phone"] >= 3 and done.counts["informants"] == 2
    kinds = {e.kind for e in done.key.entries}
    assert {"nik", "nip", "phone", "email", "address", "name", "transcript", "file"} <= kinds
    assert done.scrub(f"{tmp_path / 'in' / 'catatan-sari.csv'}: a warning about Sari") \
        .startswith("input-")
