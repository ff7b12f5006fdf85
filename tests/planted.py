"""A small corpus with planted sections, shaped like a transcribed public debate.

Six sections (one markdown file each, as an automatic transcription service exports them:
``### Pertanyaan`` and ``### Jawaban NN`` headings as turns), five to eight answers per
section, each answer spoken Indonesian built from its section's own vocabulary, words every
section shares, and fillers. Deterministic from a seed. Used by tests/test_topics.py (auto K
finds the six sections) and scripts/eval_small_topics.py (NMI against a plain LDA).
"""

from __future__ import annotations

import random
from pathlib import Path

SECTIONS: dict[str, tuple[str, list[str]]] = {
    "pendidikan": ("Bagaimana kondisi pendidikan di daerah ini?", [
        "sekolah", "guru", "murid", "kurikulum", "beasiswa", "ujian", "kelas", "rapor",
        "perpustakaan", "seragam", "honorer guru", "zonasi", "siswa", "pelajaran"]),
    "kesehatan": ("Bagaimana pelayanan kesehatan untuk warga?", [
        "puskesmas", "bidan", "obat", "pasien", "imunisasi", "posyandu", "dokter", "rawat inap",
        "ambulans", "stunting", "gizi", "balita", "perawat", "vaksin"]),
    "jalan": ("Apa rencana perbaikan jalan dan jembatan?", [
        "jalan", "jembatan", "aspal", "drainase", "lubang", "kontraktor", "proyek", "betonisasi",
        "gorong-gorong", "longsor", "truk", "tikungan", "trotoar", "pengaspalan"]),
    "ekonomi": ("Bagaimana mendorong ekonomi pedagang kecil?", [
        "pasar", "pedagang", "modal", "koperasi", "harga", "pinjaman", "dagangan", "pembeli",
        "kios", "retribusi", "omzet", "bunga", "warung", "rentenir"]),
    "lingkungan": ("Bagaimana mengatasi masalah sampah dan sungai?", [
        "sampah", "sungai", "limbah", "pohon", "banjir", "plastik", "bank sampah", "selokan",
        "penghijauan", "kali", "tempat pembuangan", "bau", "daur ulang", "pabrik"]),
    "digital": ("Bagaimana layanan administrasi secara online?", [
        "aplikasi", "online", "internet", "sinyal", "server", "akun", "formulir", "dokumen",
        "unggah", "kata sandi", "website", "ponsel", "jaringan", "verifikasi"]),
}
SHARED = ["masyarakat", "pemerintah", "program", "warga", "tahun", "anggaran", "desa",
          "kabupaten", "kebijakan", "rencana"]
FILLERS = ["eh", "ehm", "ya", "gitu", "kan", "sih", "nah", "lho"]
TEMPLATES = [
    "Jadi {f} soal {a} itu {f} memang {b}nya masih kurang, {s} juga sering ngeluh.",
    "Kalau {a} udah kita perbaiki, tapi {b} sama {c} belum, {f}, {s} masih nunggu.",
    "Menurut saya {a} itu penting banget, {f} apalagi {b} buat {s} di sini.",
    "Ehm, {a} sama {b} itu nggak bisa dipisah, {c}nya juga harus diurus {s}.",
    "Tahun depan {s} mau fokus ke {a}, terus {b}, {f} sama {c} juga.",
    "Yang sering dikeluhkan itu {a}, {f}, {b}nya kurang, {c} juga kadang telat.",
    "Kita udah usul {a} ke {s}, {f}, tapi {b} itu tetep jadi masalah.",
]


def planted_corpus(folder: Path, *, seed: int = 7, per_section: tuple[int, int] = (5, 8)
                   ) -> dict[str, str]:
    """Write the six sections into ``folder`` (``NN-section.md``); returns the section of
    every answer, keyed by the file's stem and the answer's number (``"01-pendidikan:03"``)."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    truth: dict[str, str] = {}
    for n, (section, (question, words)) in enumerate(SECTIONS.items(), 1):
        stem = f"{n:02d}-{section}"
        lines = [f"# Debat Calon Bupati: Sesi {n}", "", f"- **Tanggal:** {10 + n} Oktober 2024",
                 "- **Catatan:** ditranskripsi otomatis", ""]
        answers = rng.randint(*per_section)
        for a in range(1, answers + 1):
            ask = question if a == 1 else rng.choice([
                f"Terus bagaimana dengan {rng.choice(words)}?",
                f"Apa langkah konkret soal {rng.choice(words)}?",
                f"Bisa dijelaskan lebih lanjut tentang {rng.choice(words)}?"])
            heading = rng.choice(["Pertanyaan", "Pertanyaan Panelis", "Pertanyaan dari Moderator"])
            lines += [f"### {heading}", "", ask, "", f"### Jawaban {a:02d}", ""]
            sentences = []
            for _ in range(rng.randint(4, 6)):
                a_, b_, c_ = rng.sample(words, 3)
                if rng.random() < 0.3:  # a word of another section: sections overlap
                    c_ = rng.choice(SECTIONS[rng.choice(list(SECTIONS))][1])
                sentences.append(rng.choice(TEMPLATES).format(
                    a=a_, b=b_, c=c_, f=rng.choice(FILLERS), s=rng.choice(SHARED)))
            lines += [" ".join(sentences), ""]
            truth[f"{stem}:{a:02d}"] = section
        (folder / f"{stem}.md").write_text("\n".join(lines), encoding="utf-8")
    return truth
