"""The words of the report, its figures and its notes, in Indonesian and English.

:data:`ID` (the default) and :data:`EN` have the same keys; :func:`labels` picks one. The
Indonesian report uses Indonesian words throughout: an informant's answer cut into units is
a *petikan* (passage) everywhere, recall is *perolehan*, the run is the *analisis*; names of
statistics (kappa, alpha, F1, c_npmi, Jaccard) stay as researchers cite them. Keys that are
record or table identifiers (``codebook sha256``, ``extra by tematik``) name rows the report
shows.
"""

from __future__ import annotations

from typing import Literal

from pipeline.errors import UsageError

Lang = Literal["id", "en"]
LANGS: tuple[Lang, ...] = ("id", "en")

ID: dict[str, str] = {
    "title": "Laporan analisis tematik",
    "run": "Analisis",
    "finished": "Selesai",
    "started": "Mulai",
    "codebook": "Buku kode",
    "contents": "Daftar isi",
    "corpus": "Korpus",
    "transcripts": "Transkrip",
    "informants": "Informan",
    "informant": "Informan",
    "role": "Jabatan/peran",
    "passages": "Petikan",
    "words": "Kata",
    "transcript": "Transkrip",
    "format": "Format",
    "date": "Tanggal",
    "unit": "Unit kerja",
    "themes": "Tema",
    "theme": "Tema",
    "theme_id": "Kode",
    "auto_codes": "Kode tema dalam laporan ini dibuat otomatis oleh tematik, bukan oleh "
    "peneliti.",
    "method_title": "Tentang kode tema ini",
    "method_dictionary": "Kode tema dibuat otomatis oleh tematik, bukan oleh peneliti: "
    "setiap petikan jawaban informan dicocokkan dengan kata kunci dan frasa buku kode "
    "{codebook}.",
    "method_combined": "Kode tema dibuat otomatis oleh tematik, bukan oleh peneliti: kata "
    "kunci dan frasa buku kode {codebook}, digabung dengan pengode yang dilatih pada "
    "pengodean peneliti ({train}, {n} petikan). Pengode terlatih memberi setiap tema peluang "
    "0–1 bahwa peneliti akan mengodenya.",
    "method_score": "Skor tema sebuah petikan adalah jumlah bobot kata buktinya: setiap kata "
    "kunci atau frasa menambah bobotnya di buku kode, kata yang diulang menambah "
    "{repeat} bobotnya, kata yang umum di seluruh korpus menambah lebih sedikit, dan kata "
    "dalam pertanyaan pewawancara hanya menambah {question} bobotnya dan tidak pernah cukup "
    "sendirian. Tema dikode bila skornya mencapai ambang {threshold}; tema kedua hanya bila "
    "buktinya sendiri cukup.",
    "uncoded_note": "{coded} dari {total} petikan informan dikode dengan sedikitnya satu "
    "tema; {left} ({share}) tidak dikode karena tidak ada tema yang cukup bukti.",
    "method_agreement": "Dibandingkan dengan pengodean manual ({reference}) pada {units} "
    "unit: kappa Cohen {kappa} ({landmark}), F1 {f1}.",
    "method_agreement_link": "Rincian per tema",
    "method_no_agreement": "Kesepakatan kode ini dengan pengodean peneliti belum diukur; "
    "jalankan 'tematik compare' dengan berkas pengodean manual untuk mengukurnya.",
    "method_check": "Periksa kata bukti yang ditandai pada setiap kutipan sebelum memakai "
    "kode ini dalam analisis.",
    "prevalence": "Prevalensi tema dan subtema",
    "prevalence_note": "Petikan informan yang dikode dengan tema (tema induk menghitung "
    "subtemanya juga), dan persentasenya dari semua petikan informan.",
    "prevalence_legend": "Batang: persentase petikan informan yang dikode dengan tema; "
    "angka: jumlah petikan (persentase). Biru: tema, jingga: subtema.",
    "share": "Persentase",
    "coded_passages": "Petikan dikode",
    "matrix": "Matriks tema × informan (penyajian data)",
    "matrix_note": "Setiap sel: jumlah petikan informan yang dikode dengan tema, "
    "persentasenya dari semua petikan informan itu (makin gelap sel, makin besar "
    "persentasenya), dan kutipan terbaik dengan kata bukti ditandai.",
    "matrix_part": "bagian {n} dari {of}",
    "matrix_legend": "Angka di sel: jumlah petikan informan yang dikode dengan tema; "
    "warna: persentase dari semua petikan informan itu.",
    "shown_informants": "Ditampilkan {shown} dari {total} informan, yang petikannya "
    "terbanyak; semua informan ada di theme_matrix.csv dan workbook.xlsx.",
    "cooccurrence": "Kemunculan bersama tema",
    "cooccurrence_note": "Indeks Jaccard: petikan yang dikode dengan kedua tema dibagi "
    "petikan yang dikode dengan salah satunya.",
    "cooccurrence_legend": "Angka di sel: jumlah petikan yang dikode dengan kedua tema; "
    "warna: indeks Jaccard.",
    "pair": "Pasangan",
    "jaccard": "Jaccard",
    "quotes": "Kutipan terbaik per tema",
    "quotes_note": "Petikan dengan skor tertinggi; kata bukti yang memicu kode ditandai.",
    "question_evidence": "bukti dari pertanyaan pewawancara",
    "score": "Skor",
    "no_codings": "Tidak ada petikan yang dikode dengan tema ini.",
    "topics": "Topik",
    "topic": "Topik",
    "label": "Label",
    "seed_theme": "Tema benih",
    "terms": "Kata kunci topik",
    "topics_note": "Prevalensi: persentase petikan yang topik utamanya topik ini. "
    "Koherensi c_npmi: 1 = kata-katanya selalu muncul bersama, 0 = saling lepas.",
    "topic_by_informant": "Prevalensi topik per informan",
    "topic_legend": "Angka di sel: jumlah petikan informan yang topik utamanya topik ini; "
    "warna: persentase dari semua petikan informan itu.",
    "representative": "Kutipan representatif",
    "probability": "Peluang",
    "k_selection": "Pemilihan jumlah topik (K)",
    "k_legend": "c_npmi, stabilitas, dan skor untuk setiap K yang dicoba; garis titik-titik: "
    "K terpilih.",
    "k": "K",
    "stability": "Stabilitas",
    "chosen": "Dipilih",
    "reason": "Alasan",
    "agreement": "Kesepakatan dengan pengodean manual",
    "agreement_note": "tematik dibandingkan dengan {reference} sebagai acuan, unit: {unit}, "
    "{units} unit. Presisi, perolehan (recall), dan F1 adalah milik tematik dengan "
    "pengodean manual sebagai acuan. Tolok ukur: kappa menurut Landis & Koch (1977), alpha "
    "menurut Krippendorff (2004).",
    "scope_touched": "Yang dibandingkan hanya transkrip yang dikode dalam pengodean manual.",
    "scope_all": "Yang dibandingkan semua transkrip analisis; petikan transkrip yang tidak "
    "dikode dalam pengodean manual dihitung sebagai tidak dikode oleh peneliti.",
    "scope_other": "Cakupan perbandingan: {scope}.",
    "scope_transcripts": "Transkrip yang dibandingkan ({n}): {names}.",
    "ci_note": "Di bawah setiap nilai: tolok ukurnya (kappa dan alpha) dan interval "
    "kepercayaan 95% (bootstrap) dalam kurung siku.",
    "units": "Unit",
    "both": "Keduanya",
    "only_a": "Hanya manual",
    "only_b": "Hanya tematik",
    "kappa": "Kappa Cohen",
    "alpha": "Alpha Krippendorff",
    "landmark": "Tolok ukur",
    "precision": "Presisi",
    "recall": "Perolehan",
    "f1": "F1",
    "note": "Catatan",
    "ci": "IK 95%",
    "micro": "mikro (semua tema)",
    "macro": "makro (rata-rata tema)",
    "coder_pairs": "Pasangan pengode",
    "kind": "Jenis",
    "disagreements": "Ketidaksepakatan",
    "disagreements_note": "{n} ketidaksepakatan ({shown} pertama ditampilkan; daftar lengkap "
    "ada di workbook.xlsx).",
    "evidence": "Bukti",
    "text": "Teks",
    "record": "Catatan reproduksibilitas",
    "saturation": "Saturasi: yang ditambahkan wawancara baru",
    "saturation_note": "Wawancara baru ditempatkan dengan model analisis sebelumnya tanpa "
    "dilatih ulang. Analisis sebelumnya:",
    "sat_run": "Analisis sebelumnya", "sat_new_col": "Wawancara baru",
    "sat_status": "Status", "sat_confirmed": "dikonfirmasi",
    "sat_new": "baru dalam wawancara baru", "sat_missing": "tidak muncul di wawancara baru",
    "sat_absent": "tidak ada",
    "record_note": "Input, konfigurasi, dan benih acak yang sama menghasilkan tabel yang "
    "identik. Berkas ditulis dengan nama dan foldernya saja, tanpa jalur lengkap di komputer "
    "peneliti.",
    "versions": "Versi perangkat lunak",
    "package": "Paket",
    "version": "Versi",
    "config": "Konfigurasi",
    "setting": "Pengaturan",
    "value": "Nilai",
    "inputs": "Berkas input",
    "path": "Berkas",
    "sha256": "SHA-256",
    "yes": "ya",
    "no": "tidak",
    "generated": "Dibuat oleh tematik {version}. Berkas ini berdiri sendiri dan dapat dibuka "
    "tanpa internet.",
    "figure": "Gambar",
    "swipe": "Geser gambar ke samping untuk melihat seluruhnya.",
    "none": "–",
    "axis_share_passages": "Persentase petikan informan",
    "axis_informant": "Informan",
    "axis_theme": "Tema",
    "axis_k": "Jumlah topik (K)",
    "axis_value": "Nilai",
    "score_line": "Skor (c_npmi + 0,25 × stabilitas)",
    "chosen_k": "K terpilih",
    "subtheme": "Subtema",
    "parent_theme": "Tema",
    "prevalence_short": "Prevalensi",
    "figure_base": "{passages} petikan dari {informants} informan; kode otomatis tematik.",
    "unit_passage": "petikan",
    "unit_sentence": "kalimat",
    "unit_character": "karakter",
    "extra by tematik": "tambahan oleh tematik",
    "human-human": "peneliti–peneliti",
    "human-machine": "peneliti–tematik",
    "machine-machine": "mesin–mesin",
    "missed by tematik": "terlewat oleh tematik",
    # rows of the reproducibility record (pipeline.report.data.record)
    "tematik": "Versi tematik",
    "seed": "Benih acak",
    "codebook sha256": "SHA-256 buku kode",
    "lexicon sha256": "SHA-256 leksikon",
    "manual coding": "Pengodean manual",
    "manual coding sha256": "SHA-256 pengodean manual",
    "compare unit": "Unit perbandingan",
    "compare scope": "Cakupan perbandingan",
    "compare transcripts": "Transkrip yang dibandingkan",
    "trained on": "Pengode terlatih dari",
    "scope_name_touched": "transkrip yang dikode secara manual",
    "scope_name_all": "semua transkrip",
    # what a coding's note says in a REFI-QDA project (tematik export)
    "qdpx_note": "Kode otomatis tematik ({method}), bukan kode peneliti. Bukti: {evidence}. "
    "Skor {score} (ambang {threshold}).",
    "qdpx_probability": "Peluang {probability}.",
    "qdpx_no_evidence": "tidak ada",
    "method_name_dictionary": "kamus buku kode",
    "method_name_supervised": "pengode terlatih",
    "method_name_combined": "kamus buku kode dan pengode terlatih",
    "method_name_model": "model ucapan informan",
    "method_name_dictionary+model": "kamus buku kode dan model ucapan informan",
    "method_model": "Di samping kata-kata buku kode, model ucapan informan bawaan tematik "
    "(dilatih pada {n} petikan bergaya informan yang ditulis untuk tematik, bukan dari "
    "korpus ini) mengenali tema yang diucapkan tidak langsung, misalnya kepemimpinan lewat "
    "apa yang dilakukan atasan. Kodenya bermetode model (sendiri) atau dictionary+model "
    "(bersama kamus) dan membawa peluang 0–1; kodenya mulai dari peluang {cut}.",
    "method_model_veto": "Model ini juga memilih dimensi kinerja, dan tema yang ditemukan "
    "kamus hanya dari satu-dua kata tidak dikodekan bila model, yang membaca seluruh "
    "petikan, memberinya peluang di bawah {veto}.",
}

EN: dict[str, str] = {
    "title": "Thematic analysis report",
    "run": "Run",
    "finished": "Finished",
    "started": "Started",
    "codebook": "Codebook",
    "contents": "Contents",
    "corpus": "Corpus",
    "transcripts": "Transcripts",
    "informants": "Informants",
    "informant": "Informant",
    "role": "Role",
    "passages": "Passages",
    "words": "Words",
    "transcript": "Transcript",
    "format": "Format",
    "date": "Date",
    "unit": "Unit",
    "themes": "Themes",
    "theme": "Theme",
    "theme_id": "Code",
    "auto_codes": "The theme codes in this report are made automatically by tematik, not by "
    "the researcher.",
    "method_title": "About these codes",
    "method_dictionary": "The theme codes are made automatically by tematik, not by the "
    "researcher: every informant passage is matched against the keywords and phrases of the "
    "codebook {codebook}.",
    "method_combined": "The theme codes are made automatically by tematik, not by the "
    "researcher: the keywords and phrases of the codebook {codebook}, combined with a coder "
    "trained on the researcher's coding ({train}, {n} passages). The trained coder gives "
    "each theme a probability from 0 to 1 that the researcher would code it.",
    "method_score": "A passage's score for a theme is the sum of the weights of its "
    "evidence: each keyword or phrase adds its codebook weight, a word said again adds "
    "{repeat} of its weight, a word common across the corpus adds less, and words in the "
    "interviewer's question add only {question} of their weight and never suffice alone. "
    "A theme is coded "
    "when its score reaches the threshold {threshold}; a second theme only on its own "
    "evidence.",
    "uncoded_note": "{coded} of {total} informant passages are coded with at least one "
    "theme; {left} ({share}) are left uncoded because no theme had enough evidence.",
    "method_agreement": "Compared with the manual coding ({reference}) on {units} units: "
    "Cohen's kappa {kappa} ({landmark}), F1 {f1}.",
    "method_agreement_link": "Per theme",
    "method_no_agreement": "How far these codes agree with the researcher's coding has not "
    "been measured; run 'tematik compare' with a manual coding file to measure it.",
    "method_check": "Check the marked evidence in every quote before using these codes in "
    "an analysis.",
    "prevalence": "Prevalence of themes and sub-themes",
    "prevalence_note": "Informant passages coded with the theme (a parent theme counts its "
    "sub-themes too), and their share of all informant passages.",
    "prevalence_legend": "Bars: share of informant passages coded with the theme; labels: "
    "number of passages (share). Blue: themes, orange: sub-themes.",
    "share": "Share",
    "coded_passages": "Coded passages",
    "matrix": "Theme × informant matrix (data display)",
    "matrix_note": "Each cell: the informant's passages coded with the theme, their share of "
    "all that informant's passages (the darker the cell, the larger the share), and the "
    "best quote with its evidence marked.",
    "matrix_part": "part {n} of {of}",
    "matrix_legend": "Number in a cell: the informant's passages coded with the theme; "
    "colour: their share of all that informant's passages.",
    "shown_informants": "Showing {shown} of {total} informants, those with the most "
    "passages; every informant is in theme_matrix.csv and workbook.xlsx.",
    "cooccurrence": "Co-occurrence of themes",
    "cooccurrence_note": "Jaccard index: passages coded with both themes divided by passages "
    "coded with either.",
    "cooccurrence_legend": "Number in a cell: passages coded with both themes; colour: the "
    "Jaccard index.",
    "pair": "Pair",
    "jaccard": "Jaccard",
    "quotes": "Best quotes per theme",
    "quotes_note": "Highest-scoring passages; the evidence words that triggered the code are "
    "marked.",
    "question_evidence": "evidence from the interviewer's question",
    "score": "Score",
    "no_codings": "No passage was coded with this theme.",
    "topics": "Topics",
    "topic": "Topic",
    "label": "Label",
    "seed_theme": "Seed theme",
    "terms": "Topic terms",
    "topics_note": "Prevalence: share of passages whose most probable topic it is. "
    "Coherence c_npmi: 1 = the terms always occur together, 0 = independent.",
    "topic_by_informant": "Topic prevalence by informant",
    "topic_legend": "Number in a cell: the informant's passages whose most probable topic it "
    "is; colour: their share of all that informant's passages.",
    "representative": "Representative quotes",
    "probability": "Probability",
    "k_selection": "Choosing the number of topics (K)",
    "k_legend": "c_npmi, stability and score for every K tried; dotted line: the chosen K.",
    "k": "K",
    "stability": "Stability",
    "chosen": "Chosen",
    "reason": "Reason",
    "agreement": "Agreement with manual coding",
    "agreement_note": "tematik compared with {reference} as the reference, unit: {unit}, "
    "{units} units. Precision, recall and F1 are tematik's, with the manual coding as the "
    "reference. Landmarks: kappa after Landis & Koch (1977), alpha after Krippendorff "
    "(2004).",
    "scope_touched": "Only the transcripts the manual coding coded are compared.",
    "scope_all": "Every transcript of the run is compared; the passages of transcripts the "
    "manual coding did not code count as not coded by the researcher.",
    "scope_other": "Scope of the comparison: {scope}.",
    "scope_transcripts": "Transcripts compared ({n}): {names}.",
    "ci_note": "Under each value: its landmark (kappa and alpha) and its 95% bootstrap "
    "confidence interval in square brackets.",
    "units": "Units",
    "both": "Both",
    "only_a": "Manual only",
    "only_b": "tematik only",
    "kappa": "Cohen's kappa",
    "alpha": "Krippendorff's alpha",
    "landmark": "Landmark",
    "precision": "Precision",
    "recall": "Recall",
    "f1": "F1",
    "note": "Note",
    "ci": "95% CI",
    "micro": "micro (all themes)",
    "macro": "macro (mean of themes)",
    "coder_pairs": "Coder pairs",
    "kind": "Kind",
    "disagreements": "Disagreements",
    "disagreements_note": "{n} disagreements (the first {shown} are shown; workbook.xlsx has "
    "the full list).",
    "evidence": "Evidence",
    "text": "Text",
    "record": "Reproducibility record",
    "saturation": "Saturation: what the new interviews add",
    "saturation_note": "The new interviews were placed with the earlier run's models, without "
    "refitting. Earlier run:",
    "sat_run": "Earlier run", "sat_new_col": "New interviews",
    "sat_status": "Status", "sat_confirmed": "confirmed",
    "sat_new": "new in the new interviews", "sat_missing": "not in the new interviews",
    "sat_absent": "absent",
    "record_note": "The same inputs, configuration and seed give identical tables. Files "
    "are named by their folder and name only, without the full path on the researcher's "
    "computer.",
    "versions": "Software versions",
    "package": "Package",
    "version": "Version",
    "config": "Configuration",
    "setting": "Setting",
    "value": "Value",
    "inputs": "Input files",
    "path": "File",
    "sha256": "SHA-256",
    "yes": "yes",
    "no": "no",
    "generated": "Made by tematik {version}. This file is self-contained and opens without "
    "internet.",
    "figure": "Figure",
    "swipe": "Swipe the figure sideways to see all of it.",
    "none": "–",
    "axis_share_passages": "Share of informant passages",
    "axis_informant": "Informant",
    "axis_theme": "Theme",
    "axis_k": "Number of topics (K)",
    "axis_value": "Value",
    "score_line": "Score (c_npmi + 0.25 × stability)",
    "chosen_k": "Chosen K",
    "subtheme": "Sub-theme",
    "parent_theme": "Theme",
    "prevalence_short": "Prevalence",
    "figure_base": "{passages} passages of {informants} informants; automatic codes by "
    "tematik.",
    "unit_passage": "passage",
    "unit_sentence": "sentence",
    "unit_character": "character",
    "extra by tematik": "extra by tematik",
    "human-human": "human–human",
    "human-machine": "human–machine",
    "machine-machine": "machine–machine",
    "missed by tematik": "missed by tematik",
    "tematik": "tematik version",
    "seed": "Seed",
    "codebook sha256": "Codebook SHA-256",
    "lexicon sha256": "Lexicon SHA-256",
    "manual coding": "Manual coding",
    "manual coding sha256": "Manual coding SHA-256",
    "compare unit": "Comparison unit",
    "compare scope": "Comparison scope",
    "compare transcripts": "Transcripts compared",
    "trained on": "Trained coder from",
    "scope_name_touched": "the transcripts the manual coding coded",
    "scope_name_all": "every transcript",
    "qdpx_note": "Automatic code by tematik ({method}), not the researcher's. Evidence: "
    "{evidence}. Score {score} (threshold {threshold}).",
    "qdpx_probability": "Probability {probability}.",
    "qdpx_no_evidence": "none",
    "method_name_dictionary": "codebook dictionary",
    "method_name_supervised": "trained coder",
    "method_name_combined": "codebook dictionary and trained coder",
    "method_name_model": "informant-speech model",
    "method_name_dictionary+model": "codebook dictionary and informant-speech model",
    "method_model": "Beside the codebook's words, tematik's informant-speech model (trained on "
    "{n} informant-style quotes written for tematik, not on this corpus) recognises themes "
    "said indirectly, such as leadership told through what the head does. Its codes have "
    "method model (alone) or dictionary+model (with the dictionary) and carry a probability "
    "from 0 to 1; it codes from probability {cut}.",
    "method_model_veto": "The model also names the dimension of performance, and a theme the "
    "dictionary found on a word or two is left uncoded when the model, reading the whole "
    "passage, gives it a probability under {veto}.",
}

LABELS: dict[Lang, dict[str, str]] = {"id": ID, "en": EN}


def labels(lang: str) -> dict[str, str]:
    """The label dict of ``lang`` ("id" or "en")."""
    if lang not in LABELS:
        raise UsageError(f"no report language {lang!r}", fix="Use 'id' (Indonesian) or 'en'.")
    return LABELS[lang]  # type: ignore[index]
