"""Transcripts full of names and identifiers, and how to find any that leaked: shared by the
tests of the anonymise stage and of anonymised runs."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

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


def named_corpus(folder: Path, *, sample: bool = True) -> Path:
    write(folder / "wawancara-budi-santoso.txt", HEADER_TXT)
    write(folder / "lanjutan.md", FRONT_MATTER_MD)
    write(folder / "catatan-sari.csv", SHEET_CSV)
    if sample:
        for path in sorted((ROOT / "corpus").iterdir()):
            if path.is_file() and not path.name.startswith(("_", "README")):
                shutil.copy(path, folder / path.name)
    return folder


def leaked_words(text: str) -> list[str]:
    low = text.lower()
    found = [m.group() for m in NAME_RE.finditer(low)]
    found += [i for i in IDENTIFIERS if i.lower() in low]
    digits = re.sub(r"\D", "", text)
    found += [i for i in ("196508171990031004", "3273012345670001", "81234567890",
                          "8139876543") if i in digits and i not in found]
    found += [w for w in FILE_WORDS if w in low]
    return found
