"""Write the sample transcript corpus/03-kasubbag-perlengkapan.docx.

The interview is FICTIONAL: it was written for the tematik project (see corpus/README.md).
The .docx has a title paragraph, a block of metadata paragraphs, then a two-column table
(``Pembicara | Ucapan``) with one row per turn, and a page-number footer.

The output is byte-for-byte deterministic: fixed document properties and fixed zip entry
timestamps, so re-running the script does not change the file in git.

Usage::

    python scripts/make_sample_docx.py [OUTPUT_PATH]
"""

from __future__ import annotations

import datetime as dt
import io
import sys
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

TITLE = "Transkrip Wawancara 03: Kepala Subbagian Perlengkapan"

METADATA = [
    ("Informan", "Ibu Sri Wahyuni, S.E."),
    ("Jabatan", "Kepala Subbagian Perlengkapan"),
    ("Unit", "Bagian Umum Setda Kota Sukamaju"),
    ("Tanggal", "22 April 2025"),
]

INTERVIEWER = "Pewawancara"
INFORMANT = "Ibu Sri Wahyuni"

# (speaker, utterance), in order.
TURNS: list[tuple[str, str]] = [
    (INTERVIEWER, "Selamat siang, Bu. Maaf mengganggu jam istirahat."),
    (INFORMANT, "Nggak apa-apa, Dik. Sini, sini duduk. Udah makan belum? Ini ada lontong "
                "dari ibu-ibu tadi, ambil aja, jangan malu-malu."),
    (INTERVIEWER, "Hehe, makasih, Bu, nanti aja. Ee, Bu, boleh diceritakan tugas "
                  "Subbagian Perlengkapan?"),
    (INFORMANT, "Ya, perlengkapan itu intinya ngurusin barang. Mulai dari perencanaan "
                "kebutuhan, pengadaan, distribusi, pemeliharaan, sampai penghapusan. Semua "
                "barang milik daerah yang ada di Setda, dari meja, kursi, AC, laptop, sampai "
                "mobil dinas, itu tercatat di kita. Kita pegang KIB, kartu inventaris barang. "
                "Tiap semester kita rekonsiliasi sama BPKAD."),
    (INTERVIEWER, "Hmm. Stafnya paham semua tugasnya, Bu?"),
    (INFORMANT, "Ehm, paham sih. Cuma ya, ada yang paham banget, ada yang paham setengah. "
                "(tertawa) Pengurus barang saya itu, Pak Yusuf, udah lima belas tahun, hafal "
                "di luar kepala. Tapi yang baru-baru, apalagi yang PPPK, masih harus "
                "dibimbing. Pengadaan sekarang kan lewat e-katalog, lewat SIPD, aplikasinya "
                "banyak, ganti-ganti. Kalau nggak dilatih, ya bingung."),
    (INTERVIEWER, "Ada pelatihannya, Bu?"),
    (INFORMANT, "Ada, tapi terbatas. Tahun lalu cuma satu orang yang dikirim bimtek "
                "pengelolaan BMD. Yang lain belajar dari YouTube, belajar dari grup WhatsApp "
                "pengurus barang se-provinsi. Serius, grup WA itu kadang-kadang lebih "
                "berguna dari bimtek. (tertawa)"),
    (INTERVIEWER, "Kalau anggaran untuk perlengkapan, gimana, Bu?"),
    (INFORMANT, "Aduh, itu yang bikin pusing. Tahun ini kena efisiensi hampir tiga puluh "
                "persen. Jadi ya, kita prioritaskan, yang rusak berat dulu. Printer di ruang "
                "TU itu udah tiga bulan rusak, udah diusulkan, belum bisa diganti. Mobil "
                "operasional dua unit harus ganti ban, baru satu yang kita ganti. Orang kan "
                "taunya minta, minta, minta, nggak tau anggarannya cuma segini."),
    (INTERVIEWER, "Terus, gimana Ibu nentuin prioritasnya?"),
    (INFORMANT, "Kita rapatkan. Saya bawa daftar usulan ke Pak Kabag, beliau yang putuskan. "
                "Beliau itu enaknya, keputusannya cepat dan, ee, masuk akal. Nggak pilih "
                "kasih. Misalnya kemarin ruang rapat pimpinan minta kursi baru, padahal "
                "kursinya masih bagus. Pak Kabag bilang, tunda dulu, dahulukan AC ruang "
                "tunggu yang mati, karena itu dipakai masyarakat. Saya setuju banget."),
    (INTERVIEWER, "Jadi menurut Ibu, kepemimpinan beliau berpengaruh ke kinerja?"),
    (INFORMANT, "Berpengaruh lah. Kalau pimpinannya jujur, anak buahnya juga mikir dua kali "
                "mau macem-macem. Beliau itu kalau ada barang yang mau dihapus, dilelang, "
                "diawasi sendiri, dicek sendiri ke gudang. Jadi nggak ada cerita barang "
                "hilang entah ke mana."),
    (INTERVIEWER, "Soal akuntabilitas, laporan-laporannya gimana, Bu?"),
    (INFORMANT, "Laporan kita tertib. Tiap pengeluaran barang dari gudang ada bon "
                "permintaan, ditandatangani yang minta. Laporan semesteran, laporan tahunan, "
                "kita kirim tepat waktu. Tahun kemarin temuan BPK di Setda itu, alhamdulillah, "
                "bukan dari perlengkapan. (tertawa) Tapi ya, itu capek, Dik. Lemburnya nggak "
                "dibayar. Semua dicatat manual dulu, baru diinput."),
    (INTERVIEWER, "Budaya kerja di Subbag Ibu gimana, Bu?"),
    (INFORMANT, "Kekeluargaan. Kita ini kayak keluarga. Makan siang bareng, arisan bareng. "
                "Tapi kalau kerja ya kerja. Saya bilang ke anak-anak, kalian boleh santai, "
                "asal kerjaan beres. Kalau ada yang sakit, yang lain nutupin kerjaannya. Itu "
                "udah kebiasaan di sini."),
    (INTERVIEWER, "Ada yang nggak disiplin, Bu?"),
    (INFORMANT, "Ada aja sih, satu-dua. Biasa lah, yang suka telat karena nganter anak "
                "sekolah. Saya maklumi, asal ngabarin. Jalan ke sini juga macet sekarang, ada "
                "proyek galian pipa di simpang empat itu, udah dua bulan nggak "
                "selesai-selesai."),
    (INTERVIEWER, "Program-program perlengkapan menurut Ibu udah sesuai kebutuhan?"),
    (INFORMANT, "Sebagian. Masalahnya, perencanaan itu kan dibuat tahun sebelumnya. Begitu "
                "anggaran turun, kebutuhannya udah lain. Kayak tahun ini, kita rencanakan "
                "beli laptop, ternyata yang lebih mendesak itu genset, karena listrik sering "
                "padam. Ya, nggak bisa digeser gitu aja, harus nunggu perubahan anggaran."),
    (INTERVIEWER, "Terakhir, Bu. Harapan Ibu apa?"),
    (INFORMANT, "Harapan saya, ya, anggaran perlengkapan jangan dipotong terus. Dan staf "
                "saya dikasih kesempatan pelatihan. Kalau orangnya pinter tapi alatnya nggak "
                "ada, susah. Alatnya ada tapi orangnya nggak ngerti, juga susah. Dua-duanya "
                "harus jalan."),
    (INTERVIEWER, "Baik, Bu. Terima kasih banyak."),
    (INFORMANT, "Sama-sama. Itu lontongnya dibawa aja, Dik, dibungkus."),
]

FIXED_TIME = dt.datetime(2025, 4, 22, 12, 0, 0)
ZIP_TIME = (2025, 4, 22, 12, 0, 0)
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "corpus" / "03-kasubbag-perlengkapan.docx"


def _add_page_number_field(paragraph) -> None:
    """Append a PAGE field (complex field, one element per run) to ``paragraph``."""
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    placeholder = OxmlElement("w:t")
    placeholder.text = "1"
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, instr, separate, placeholder, end):
        paragraph.add_run()._r.append(element)


def build_document() -> Document:
    doc = Document()
    props = doc.core_properties
    props.title = TITLE
    props.author = "tematik developers"
    props.last_modified_by = "tematik developers"
    props.comments = "Fictional sample transcript written for the tematik project."
    props.created = FIXED_TIME
    props.modified = FIXED_TIME
    props.revision = 1

    doc.add_paragraph(TITLE, style="Title")
    for key, value in METADATA:
        para = doc.add_paragraph()
        para.paragraph_format.space_after = Pt(0)
        para.add_run(f"{key}: ").bold = True
        para.add_run(value)
    doc.add_paragraph()

    table = doc.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    header = table.rows[0].cells
    for cell, text in zip(header, ("Pembicara", "Ucapan"), strict=False):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    for speaker, text in TURNS:
        cells = table.add_row().cells
        cells[0].text = speaker
        cells[1].text = text
    for row in table.rows:
        row.cells[0].width = Cm(3.5)
        row.cells[1].width = Cm(12.5)

    footer = doc.sections[0].footer
    para = footer.paragraphs[0]
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para.add_run("Halaman ")
    _add_page_number_field(para)
    return doc


def _deterministic_zip(data: bytes) -> bytes:
    """Rewrite the .docx zip with fixed entry timestamps (same order, same contents)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out_path = Path(args[0]) if args else DEFAULT_OUT
    buffer = io.BytesIO()
    build_document().save(buffer)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_bytes(_deterministic_zip(buffer.getvalue()))
    print(f"wrote {out_path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
