"""Names and identifiers as they are written in Indonesian documents.

Word lists and patterns for :mod:`pipeline.stages.anonymise`: the titles said before a name
(``Pak``, ``Bu``, ``Mbak``, ``Drs.``, ``H.``), the roles that follow a title without being
names (``Pak Kabag``, ``Bu Lurah``), how a name is normalised for matching, which speaker
labels and header fields hold a name, and the identifiers redacted (NIK, NIP, phone
numbers, e-mail addresses). Pure functions over strings.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator

from pipeline.stages import speakers as sp
from pipeline.types import INFORMANT, INTERVIEWER

PLACEHOLDERS = {"name": "[NAMA]", "nik": "[NIK]", "nip": "[NIP]", "phone": "[TELEPON]",
                "email": "[EMAIL]", "address": "[ALAMAT]"}
IDENTIFIER_KINDS = ("email", "nip", "nik", "phone", "address")

# Words said before a name, compared lowercased.
TITLES = frozenset(
    "pak bu bapak ibu mas mbak mba bang abang kak kakak dik adik sdr sdri saudara saudari "
    "kang akang cak mbah bli daeng".split())
# Academic and religious titles, written before a name with or without a dot.
PREFIX_TITLES = frozenset("dr drs dra ir h hj prof kh ust ustadz ustaz".split())
JOB_TITLES = frozenset("""
    kabag kasubbag kasubag kabid kasi kasie kasubid kadis kadin kepala kades sekdes kadus kaur
    lurah camat sekcam bupati wabup walikota wawali gubernur wagub menteri presiden direktur
    dirut sekda sekretaris kapus kapuskesmas kepsek kakanwil kasat kanit kabiro karo dirjen
    plt plh pj ketua wakil rt rw""".split())
"""Job titles and offices: who is talked about, not what is said of them (a codebook keyword
among these is a warning of ``tematik codebook check``)."""
# After a title these are roles or places, not names: "Pak Kabag", "Bu Lurah", "Ibu Kota".
ROLE_WORDS = JOB_TITLES | frozenset("""
    admin ajudan anggota asisten asn atasan auditor ayah badan bagian balai bank bendahara
    bidan bidang biro bos boss bunda cv dandim danramil desa dinas direktorat dokter dosen
    driver dukuh guru hajah haji hajjah honorer informan inspektorat inspektur instansi
    jenderal kabupaten kantor kapolres kapolsek kapten karyawan kasun kecamatan kelurahan
    kementerian kiai kolonel komandan kontraktor koordinator koperasi kota kurir kyai laki
    lembaga magang mahasiswa mahasiswi mantri masyarakat mayor moderator muda murid
    narasumber negara nelayan operator pastor pedagang pegawai pejabat pemerintah pemimpin
    pemkab pemkot penanya pendeta peneliti pengawas pengurus pengusaha penilik perawat
    perempuan pertiwi peserta petani petugas pewawancara pimpinan pns polisi pria provinsi
    pt puskesmas rekanan responden romo rs satpam sekolah sekretariat seksi setda siswa sopir
    staf staff subbag supir tentara tua ud unit universitas wali wanita warga""".split())
# Never names (so "Bapak Ibu sekalian" or "Pak Ya" are left alone).
NOT_NAMES = frozenset(
    "ya iya yah saya aku kami kita dia beliau anda kamu yang ini itu dan atau juga sudah udah "
    "tadi mau sama dengan di ke dari tidak nggak gak enggak sih kan dong deh kok lah nah oke "
    "ok semua sekalian sekali".split())
PERSON_FIELDS = ("nama", "name", "informan", "informant", "narasumber", "responden",
                 "pewawancara", "peneliti", "interviewer", "penanya", "case")
NOT_PERSON_FIELDS = ("kode", "code", "instansi", "unit", "kantor", "jabatan", "jumlah", "usia",
                     "dinas")
INTERVIEWER_FIELDS = ("pewawancara", "peneliti", "interviewer", "penanya")
FIELD_KINDS = {"address": ("alamat", "address", "domisili"),
               "nik": ("nik", "ktp"), "nip": ("nip", "nrp"),
               "phone": ("telp", "telepon", "telpon", "hp", "phone", "whatsapp", "wa"),
               "email": ("email", "e-mail", "surel")}

WORD = r"[^\W\d_]+(?:['’-][^\W\d_]+)*"
WORD_RE = re.compile(WORD)
NEXT_WORD_RE = re.compile(r"[ \t]+(?P<w>" + WORD + r")(?P<dot>\.)?")
TIMESTAMP_RE = re.compile(r"\[\s*\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?\s*\]|\(\s*\d{1,2}:\d{2}"
                          r"(?::\d{2})?\s*\)|\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?")
_DEGREE_TAIL_RE = re.compile(r"(?:\s+(?:[SMAD]\.[A-Z][A-Za-z]{0,4}\.?(?:[A-Z][a-z]{0,3}\.?)?"
                             r"|Ph\.?D\.?|MBA|MPA|MM|MSi|MAP|SE|SH|ST|SKM))+\s*$")
_DOTTED = frozenset({"sdr", "sdri"}) | PREFIX_TITLES - {"h"}
_TITLE_WORDS = (r"(?i:" + "|".join(sorted(TITLES - _DOTTED, key=len, reverse=True)) + r")"
                r"|(?i:" + "|".join(sorted(_DOTTED, key=len, reverse=True)) + r")\.?|H\.")
TITLE_RE = re.compile(r"(?<![\w])(?P<t>" + _TITLE_WORDS + r")(?=[ \t])")
AFTER_TITLE_RE = re.compile(r"(?<![\w])(?:" + _TITLE_WORDS + r")[ \t]+$")

EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
NIP_RE = re.compile(r"(?<![\w.])\d{8}[ .-]?\d{6}[ .-]?\d[ .-]?\d{3}(?![\w])")
NIK_RE = re.compile(r"(?<![\w.])(?:\d{16}|\d{4}(?:[ .-]\d{4}){3}|\d{6}[ .-]\d{6}[ .-]\d{4})"
                    r"(?![\w])")
PHONE_RE = re.compile(r"(?<![\w+.,])(?:(?:\+62|62)[ .-]?\(?0?\)?[ .-]?8|08)\d{1,3}"
                      r"(?:[ .-]?\d{2,5}){1,4}(?![\w])"
                      r"|\(0\d{2,3}\)[ ]?\d{3,4}[ .-]?\d{3,5}(?![\w])")
IDENTIFIER_RES = (("email", EMAIL_RE), ("nip", NIP_RE), ("nik", NIK_RE), ("phone", PHONE_RE))


def identifiers(text: str) -> Iterator[tuple[str, int, int]]:
    """(kind, start, end) of every e-mail address, NIP, NIK and phone number in ``text``
    (overlaps included: the caller picks)."""
    for kind, regex in IDENTIFIER_RES:
        for m in regex.finditer(text):
            if kind == "phone" and sum(c.isdigit() for c in m.group()) < 9:
                continue
            yield kind, m.start(), m.end()


def name_key(raw: str) -> str:
    """A person's name for matching: lowercase words, honorifics, titles and degrees gone.

    ``"Bapak Drs. H. Ahmad Rasyid, M.Si."`` -> ``"ahmad rasyid"``.
    """
    text = re.sub(r"\([^()]*\)", " ", unicodedata.normalize("NFKC", raw)).split(",")[0]
    text = _DEGREE_TAIL_RE.sub("", text)
    words = [w.lower() for w in WORD_RE.findall(text)]
    while words and (words[0] in TITLES or words[0] in PREFIX_TITLES):
        words.pop(0)
    return " ".join(words)


def is_name_key(key: str) -> bool:
    """A :func:`name_key` that can be a person's: not a role, not a pronoun."""
    words = key.split()
    return (bool(words) and words[0] not in ROLE_WORDS and words[0] not in NOT_NAMES
            and any(len(w) >= 2 for w in words))


def subsumes(big: str, small: str) -> bool:
    """Every word of name key ``small`` is a word of ``big`` (or the initial of one)."""
    words = big.split()
    return all(w in words or (len(w) == 1 and any(b.startswith(w) for b in words))
               for w in small.split())


def _is_role_label(label: str) -> bool:
    if sp.known_role(label) is not None:
        return True
    words = [w for w in re.findall(r"[^\W\d_]+", sp.label_core(label))
             if w not in TITLES and w not in PREFIX_TITLES]
    return not words or all(len(w) <= 1 for w in words) or words[0] in ROLE_WORDS


def _title_case_name(raw: str) -> bool:
    words = [w for w in WORD_RE.findall(raw) if w.lower() not in TITLES | PREFIX_TITLES]
    return bool(words) and all(w[0].isupper() for w in words)


def label_person(label: str, is_word: Callable[[str], bool] = NOT_NAMES.__contains__
                 ) -> str | None:
    """The name a speaker label holds, or None for roles and codes.

    ``"Pak Eko"`` -> ``"Pak Eko"``; ``"Informan 1 (Bu Sri)"`` -> ``"Bu Sri"``;
    ``"Informan 1 (Kasubbag TU)"``, ``"Pak Kabag"``, ``"P"``, ``"Jawaban Kepala Desa"`` -> None.
    A name in brackets must be written in capitals and not be one ordinary word.
    """
    base = re.sub(r"\([^()]*\)", " ", label).strip()
    if not _is_role_label(base):
        return base if is_name_key(name_key(base)) else None
    for inner in re.findall(r"\(([^()]*)\)", label):
        key = name_key(inner)
        if (is_name_key(key) and _title_case_name(inner)
                and not (len(key.split()) == 1 and is_word(key))):
            return str(inner).strip()
    return None


def metadata_name(value: str) -> bool:
    """A header field's value that is a person's name (``Drs. Budi Santoso, M.Si.``), not
    a sentence the header block swallowed or a code (``Informan 3``, ``I-01``)."""
    head = re.sub(r"\([^()]*\)", " ", value).split(",")[0]
    return (not re.search(r"[?!]", value) and sp.known_role(value) is None
            and is_name_key(name_key(value)) and _title_case_name(head)
            and len(WORD_RE.findall(head)) <= 8)


def titled_names(text: str) -> Iterator[tuple[int, int, str, str]]:
    """(start, end, title as written, name as written) of each capitalised name after a
    title: ``Pak Eko``, ``Bapak Drs. H. Joko Susilo``. Roles are not names: ``Pak Kabag``,
    ``Bu Lurah``, ``Pak Camat`` give nothing."""
    for m in TITLE_RE.finditer(text):
        pos = m.end()
        words: list[re.Match[str]] = []
        while len(words) < 4:
            w = NEXT_WORD_RE.match(text, pos)
            if w is None:
                break
            low = w.group("w").lower()
            if low in PREFIX_TITLES and (w.group("dot") or low not in {"h", "hj"}):
                pos = w.end()
                continue
            if (not w.group("w")[0].isupper() or low in ROLE_WORDS or low in NOT_NAMES
                    or low in TITLES or (not words and len(low) < 2)):
                break
            words.append(w)
            pos = w.end()
            if w.group("dot") and len(low) > 1:
                break  # the sentence ends after it
        if words:
            end = words[-1].start("w") + len(words[-1].group("w"))
            yield m.start(), end, m.group("t"), text[words[0].start("w"):end]


def field_kind(key: str) -> str | None:
    """What a header field holds: ``person`` (a name), an identifier kind (``address``,
    ``nik``, ``nip``, ``phone``, ``email``) or None (anything else: kept)."""
    low = key.lower().replace("_", " ")
    words = set(re.findall(r"[a-z-]+", low))
    for kind, names in FIELD_KINDS.items():
        if words & set(names):
            return kind
    if any(n in low for n in PERSON_FIELDS) and not any(n in low for n in NOT_PERSON_FIELDS):
        return "person"
    return None


def field_role(key: str) -> str:
    """The role of the person a header field names."""
    low = key.lower()
    return INTERVIEWER if any(n in low for n in INTERVIEWER_FIELDS) else INFORMANT


def split_names(value: str) -> list[str]:
    """``"Rina dan Dedi"`` -> ``["Rina", "Dedi"]``."""
    return [v.strip() for v in re.split(r"\s+(?:dan|&)\s+|;|/", value) if v.strip()]
