"""Write the binary thesis-appendix fixtures in tests/data/thesis/.

The interviews are FICTIONAL: they were written for tematik's tests (see
tests/data/thesis/README.md). Three files are written:

- ``33_docx_tabel_no_p_n.docx``: an informant details block (``Nama Informan : ...``,
  ``Jabatan : ...``) above a three-column table ``No | P | N``, one question and its answer
  per row, and a legend paragraph under the table;
- ``34_docx_label_tebal.docx``: turns as paragraphs whose label is a bold run
  (``Pewawancara:``, ``Narasumber:``); the first turn follows the header lines
  (``Nama: ...``, ``Tanggal: ...``) with no blank paragraph in between;
- ``35_xlsx_pertanyaan_jawaban.xlsx``: an informant details block in column A, then a
  header row ``No | Pertanyaan | Jawaban`` and one row per question.

The output is byte-for-byte deterministic: fixed document properties and fixed zip entry
timestamps, so re-running the script does not change the files.

Usage::

    .venv/bin/python scripts/make_thesis_fixtures.py [OUTPUT_DIR]
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
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.writer.excel import ExcelWriter

FIXED_TIME = dt.datetime(2024, 8, 1, 9, 0, 0)
ZIP_TIME = (2024, 8, 1, 9, 0, 0)
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "thesis"
AUTHOR = "tematik developers"
COMMENT = "Fictional thesis-appendix transcript written for tematik's tests."

# --- 33: details block + table No | P | N -------------------------------------------------

TABLE_TITLE = "TRANSKRIP WAWANCARA"
TABLE_DETAILS = [
    "Nama Informan : Teguh Santoso",
    "Jabatan : Kepala Seksi Kedaruratan dan Logistik, BPBD Kabupaten Tanjung Sari",
    "Hari/Tanggal : Selasa, 6 Februari 2024",
    "Tempat : Kantor BPBD Kabupaten Tanjung Sari",
]
TABLE_HEADER = ("No", "P", "N")
# (question, [answer paragraphs])
TABLE_ROWS: list[tuple[str, list[str]]] = [
    ("Selamat pagi, Pak. Bagaimana peran BPBD dalam penanganan banjir di Kabupaten "
     "Tanjung Sari?",
     ["Pagi, Mbak. Ya, BPBD itu kan koordinator ya, bukan kerja sendirian. Kalau banjir, kita "
      "yang pertama turun, evakuasi warga, dirikan posko, terus koordinasi sama dinas sosial "
      "buat logistik.",
      "Habis banjir surut, kita juga yang ngitung kerugian buat laporan ke provinsi. Jadi dari "
      "awal sampai akhir kita pegang, cuma pelaksananya banyak pihak."]),
    ("Wilayah mana saja yang paling sering terdampak banjir?",
     ["Paling sering itu dua kecamatan di bantaran Sungai Cibening, Mbak. Di situ ada sebelas "
      "desa langganan banjir tiap musim hujan. Warganya udah hafal, kalau air naik, barang-barang "
      "langsung dinaikin ke loteng."]),
    ("Bagaimana sistem peringatan dini yang dimiliki?",
     ["Kita punya alat EWS di dua titik, sirine yang bunyi kalau air sungai lewat batas. Tapi "
      "jujur aja, yang paling jalan itu grup WhatsApp relawan. Orang di hulu kirim video air "
      "naik, yang di hilir langsung siap-siap."]),
    ("Apa itu program Desa Tangguh Bencana dan bagaimana pelaksanaannya?",
     ["Destana itu desa yang kita latih supaya bisa nanganin bencana sendiri sebelum bantuan "
      "dateng. Relawannya dilatih cara evakuasi, bikin peta rawan bencana sendiri, sama jalur "
      "evakuasinya dipasang papan. Sekarang baru delapan desa yang udah jadi Destana."]),
    ("Apa kendala yang dihadapi BPBD?",
     ["Peralatan sama anggaran, Mbak. Perahu karet kita cuma tiga, satu bocor belum diganti. "
      "Anggaran belanja tak terduga juga baru bisa cair setelah status tanggap darurat "
      "ditetapkan bupati, jadi di jam-jam pertama kita sering pakai dana talangan dulu."]),
    ("Apa harapan Bapak ke depan?",
     ["Harapannya tiap desa rawan punya Destana, terus alat EWS ditambah di hulu. Kalau "
      "warganya udah siap, korban bisa ditekan, kita juga nggak kewalahan."]),
]
TABLE_LEGEND = "Keterangan: P = Peneliti, N = Narasumber"

# --- 34: paragraphs with bold labels ---------------------------------------------------------

BOLD_TITLE = "Transkrip Wawancara Informan 4"
BOLD_HEADER = [
    "Nama: Maria Ulfah",
    "Jabatan: Kepala KUA Kecamatan Lembah Hijau",
    "Tanggal: 27 Mei 2024",
]
INTERVIEWER = "Pewawancara:"
INFORMANT = "Narasumber:"
# (label or None for a continuation paragraph, text)
BOLD_TURNS: list[tuple[str | None, str]] = [
    (INTERVIEWER, "Assalamualaikum, Bu. Terima kasih sudah bersedia diwawancarai. Saya ingin "
                  "bertanya tentang pelayanan pencatatan nikah di KUA ini. Bagaimana alurnya?"),
    (INFORMANT, "Waalaikumsalam. Alurnya, calon pengantin daftar dulu minimal sepuluh hari kerja "
                "sebelum akad, bisa datang langsung atau daftar online lewat SIMKAH. Berkasnya "
                "pengantar dari desa, fotokopi KTP, KK, akta lahir, sama pas foto."),
    (None, "Nanti kami periksa berkasnya, terus diumumkan di papan pengumuman supaya kalau ada "
           "yang keberatan bisa lapor. Ya jarang sih ada yang keberatan, tapi prosedurnya begitu."),
    (INTERVIEWER, "Apakah masih ada biaya yang dibebankan?"),
    (INFORMANT, "Kalau nikahnya di kantor KUA pada jam kerja, gratis, nol rupiah. Kalau di luar "
                "kantor atau di luar jam kerja, biayanya enam ratus ribu, disetor ke bank, masuk "
                "PNBP. Kami nggak terima uang tunai sama sekali."),
    (INTERVIEWER, "Bagaimana pelaksanaan bimbingan perkawinan bagi calon pengantin?"),
    (INFORMANT, "Bimwin itu kerja sama dengan puskesmas juga, Mbak. Materinya soal kesehatan "
                "reproduksi, ngatur keuangan keluarga, sama cegah stunting. Sayangnya pesertanya "
                "kadang cuma calon pengantin perempuan, yang laki-laki alasannya kerja."),
    (INTERVIEWER, "Apa kendala yang dihadapi KUA dalam pelayanan?"),
    (INFORMANT, "Jaringan internet buat SIMKAH sering lemot. Terus penghulunya cuma dua, padahal "
                "di musim nikah, bulan Syawal sama Zulhijah, sehari bisa lima sampai tujuh akad di "
                "tempat yang beda-beda."),
    (INTERVIEWER, "Bagaimana cara mengatasinya?"),
    (INFORMANT, "Kami atur jadwal akadnya, kami tawarkan ke calon pengantin supaya nikah di balai "
                "nikah KUA aja, lebih cepat dan gratis. Sebagian mau, tapi kebanyakan tetep "
                "pengennya di rumah, soalnya sekalian hajatan."),
    (INTERVIEWER, "Terima kasih, Bu."),
    (INFORMANT, "Sama-sama, Mbak."),
]

# --- 35: details block + No | Pertanyaan | Jawaban in a worksheet ---------------------------

SHEET_TITLE = "Informan 3"
SHEET_DETAILS = [
    "Nama Informan : Rudi Setiawan",
    "Jabatan : Kepala Puskesmas Karang Anyar",
    "Tanggal : 14 Agustus 2024",
    "Pewawancara : Laila Fitriani",
]
SHEET_HEADER = ("No", "Pertanyaan", "Jawaban")
SHEET_ROWS: list[tuple[str, str]] = [
    ("Bagaimana persiapan Puskesmas Karang Anyar dalam menghadapi akreditasi?",
     "Persiapannya hampir setahun, Mbak. Kita bentuk tim akreditasi, dibagi per bab, tiap bab "
     "ada penanggung jawabnya. Dokumennya itu banyak banget, SOP aja ada ratusan."),
    ("Apa perbedaan akreditasi sekarang dengan sebelumnya?",
     "Sekarang standarnya dari Kemenkes yang baru, lebih ringkas babnya. Survei juga lebih fokus "
     "ke telusur, surveyor nanya ke petugas di lapangan, bukan cuma lihat dokumen."),
    ("Apa kendala yang dihadapi selama persiapan?",
     "Pelayanan kan tetap jalan, jadi ngerjain dokumen akreditasi itu sore atau malam.\n"
     "Banyak yang lembur, ada yang sampai sakit juga. Terus ada pegawai yang mutasi pas "
     "persiapan, dokumennya ikut kebawa, hehe."),
    ("Bagaimana keterlibatan lintas sektor?",
     "Pak Camat sama kepala desa kita undang waktu lokakarya mini. Kita juga bikin survei "
     "kepuasan pasien, hasilnya dibahas bareng tokoh masyarakat."),
    ("Apa hasil akreditasi yang diperoleh?",
     "Alhamdulillah dapet paripurna, Mbak, nilai tertinggi. Pegawai seneng banget, kita sampai "
     "syukuran nasi kuning di aula."),
    ("Bagaimana menjaga mutu setelah akreditasi?",
     "Audit internal tiap enam bulan, terus rapat tinjauan manajemen setahun sekali. Jangan "
     "sampai semangatnya cuma pas mau disurvei aja."),
]


def _deterministic_zip(data: bytes) -> bytes:
    """Rewrite a zip package with fixed entry timestamps (same order, same contents)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()


def _new_document(title: str) -> Document:
    doc = Document()
    props = doc.core_properties
    props.title = title
    props.author = AUTHOR
    props.last_modified_by = AUTHOR
    props.comments = COMMENT
    props.created = FIXED_TIME
    props.modified = FIXED_TIME
    props.revision = 1
    return doc


def _add_footer(doc: Document, text: str) -> None:
    """Footer ``text`` and a PAGE field: outside the body, as Word keeps it."""
    para = doc.sections[0].footer.paragraphs[0]
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para.add_run(f"{text} ")
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
        para.add_run()._r.append(element)


def build_table_docx() -> Document:
    doc = _new_document(TABLE_TITLE)
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.add_run(TABLE_TITLE).bold = True
    for line in TABLE_DETAILS:
        para = doc.add_paragraph(line)
        para.paragraph_format.space_after = Pt(0)
    doc.add_paragraph()
    table = doc.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, TABLE_HEADER, strict=True):
        cell.paragraphs[0].add_run(text).bold = True
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for number, (question, answer) in enumerate(TABLE_ROWS, 1):
        cells = table.add_row().cells
        cells[0].text = str(number)
        cells[1].text = question
        cells[2].text = answer[0]
        for more in answer[1:]:
            cells[2].add_paragraph(more)
    for row in table.rows:
        for cell, width in zip(row.cells, (Cm(1.0), Cm(6.0), Cm(9.0)), strict=True):
            cell.width = width
    doc.add_paragraph(TABLE_LEGEND)
    _add_footer(doc, "Universitas Negeri Sukamaju -")
    return doc


def build_bold_docx() -> Document:
    doc = _new_document(BOLD_TITLE)
    doc.add_paragraph().add_run(BOLD_TITLE).bold = True
    for line in BOLD_HEADER:
        para = doc.add_paragraph(line)
        para.paragraph_format.space_after = Pt(0)
    # The first turn follows the header lines directly: no blank paragraph in between.
    for label, text in BOLD_TURNS:
        para = doc.add_paragraph()
        if label is not None:
            para.add_run(label).bold = True
            para.add_run(" ")
        para.add_run(text)
    _add_footer(doc, "Halaman")
    return doc


def build_workbook() -> Workbook:
    wb = Workbook()
    props = wb.properties
    props.title = "Transkrip Wawancara Informan 3"
    props.creator = AUTHOR
    props.lastModifiedBy = AUTHOR
    props.description = COMMENT
    props.created = FIXED_TIME
    props.modified = FIXED_TIME
    ws = wb.active
    ws.title = SHEET_TITLE
    for row, line in enumerate(SHEET_DETAILS, 1):
        ws.cell(row=row, column=1, value=line)
    header_row = len(SHEET_DETAILS) + 2
    for col, text in enumerate(SHEET_HEADER, 1):
        ws.cell(row=header_row, column=col, value=text).font = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for number, (question, answer) in enumerate(SHEET_ROWS, 1):
        row = header_row + number
        ws.cell(row=row, column=1, value=number).alignment = wrap
        ws.cell(row=row, column=2, value=question).alignment = wrap
        ws.cell(row=row, column=3, value=answer).alignment = wrap
    ws.column_dimensions["A"].width = 6
    ws.column_dimensions["B"].width = 45
    ws.column_dimensions["C"].width = 80
    return wb


def _docx_bytes(doc: Document) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return _deterministic_zip(buffer.getvalue())


def _xlsx_bytes(wb: Workbook) -> bytes:
    # openpyxl.save_workbook stamps "modified" with the current time; ExcelWriter does not.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).write_data()
    return _deterministic_zip(buffer.getvalue())


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out_dir = Path(args[0]) if args else DEFAULT_OUT
    out_dir.mkdir(parents=True, exist_ok=True)
    outputs = {
        "33_docx_tabel_no_p_n.docx": _docx_bytes(build_table_docx()),
        "34_docx_label_tebal.docx": _docx_bytes(build_bold_docx()),
        "35_xlsx_pertanyaan_jawaban.xlsx": _xlsx_bytes(build_workbook()),
    }
    for name, data in outputs.items():
        (out_dir / name).write_bytes(data)
        print(f"wrote {out_dir / name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
