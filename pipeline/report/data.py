"""What the report, its figures and its workbook show: a run's tables, the labels in two
languages, and the small summaries computed from the tables (no file IO, no rendering).

:class:`RunTables` holds a finished run's manifest, its tables by name (any subset of
``transcripts``, ``passages``, ``codings``, ``evidence``, ``theme_matrix``,
``theme_cooccurrence``, ``topic_terms``, ``passage_topics``, ``topic_summary``,
``topic_prevalence``, ``k_report``, ``agreement``, ``agreement_pairs``, ``disagreements``)
and its codebook. A section whose tables are missing is left out of the report.

Labels: :data:`ID` (Indonesian, the default) and :data:`EN` (English), one dict per
language with the same keys; :func:`labels` picks one.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar, cast

import pandas as pd

from pipeline.errors import UsageError
from pipeline.stages.segment import display_of
from pipeline.types import Codebook

MAX_SHOWN = 40
"""Informants the matrix and the heatmaps show at most (see :func:`most_passages`)."""
K = TypeVar("K")
Lang = Literal["id", "en"]
LANGS: tuple[Lang, ...] = ("id", "en")

ID: dict[str, str] = {
    "title": "Laporan analisis tematik",
    "run": "Run",
    "finished": "Selesai",
    "codebook": "Buku kode",
    "contents": "Daftar isi",
    "corpus": "Korpus",
    "transcripts": "Transkrip",
    "informants": "Informan",
    "informant": "Informan",
    "role": "Jabatan/peran",
    "passages": "Passage",
    "words": "Kata",
    "transcript": "Transkrip",
    "format": "Format",
    "date": "Tanggal",
    "unit": "Unit kerja",
    "themes": "Tema",
    "theme": "Tema",
    "theme_id": "Kode",
    "prevalence": "Prevalensi tema dan subtema",
    "uncoded_note": "{coded} dari {total} passage informan dikode dengan sedikitnya satu "
    "tema; {left} ({share}) tidak dikode karena tidak ada tema yang cukup bukti (skor "
    "ambang {threshold}). Kode ini dibuat otomatis dari kata-kata buku kode, bukan oleh "
    "peneliti.",
    "prevalence_note": "Passage informan yang dikode dengan tema (tema induk menghitung "
    "subtemanya juga), dan persentasenya dari semua passage informan.",
    "share": "Persentase",
    "coded_passages": "Passage dikode",
    "matrix": "Matriks tema x informan (penyajian data)",
    "matrix_note": "Setiap sel: jumlah passage informan yang dikode dengan tema "
    "(persentase dari passage informan itu) dan kutipan terbaiknya.",
    "shown_informants": "Ditampilkan {shown} dari {total} informan, yang passagenya "
    "terbanyak; semua informan ada di theme_matrix.csv dan workbook.xlsx.",
    "cooccurrence": "Kemunculan bersama tema",
    "cooccurrence_note": "Indeks Jaccard: passage yang dikode dengan kedua tema dibagi "
    "passage yang dikode dengan salah satunya.",
    "pair": "Pasangan",
    "jaccard": "Jaccard",
    "quotes": "Kutipan terbaik per tema",
    "quotes_note": "Passage dengan skor tertinggi; kata bukti yang memicu kode ditandai.",
    "score": "Skor",
    "no_codings": "Tidak ada passage yang dikode dengan tema ini.",
    "topics": "Topik",
    "topic": "Topik",
    "label": "Label",
    "seed_theme": "Tema benih",
    "terms": "Kata kunci topik",
    "coherence": "Koherensi",
    "topics_note": "Prevalensi: persentase passage yang topik utamanya topik ini. "
    "Koherensi c_npmi: 1 = kata-katanya selalu muncul bersama, 0 = saling lepas.",
    "topic_by_informant": "Prevalensi topik per informan",
    "representative": "Kutipan representatif",
    "probability": "Peluang",
    "k_selection": "Pemilihan jumlah topik (K)",
    "k": "K",
    "stability": "Stabilitas",
    "chosen": "Dipilih",
    "reason": "Alasan",
    "agreement": "Kesepakatan dengan pengodean manual",
    "agreement_note": "tematik dibandingkan dengan {reference} sebagai acuan, unit: {unit}, "
    "{units} unit. Tolok ukur: kappa menurut Landis & Koch (1977), alpha menurut "
    "Krippendorff (2004).",
    "ci_note": "Dalam kurung siku: interval kepercayaan 95% (bootstrap).",
    "units": "Unit",
    "both": "Keduanya",
    "only_a": "Hanya manual",
    "only_b": "Hanya tematik",
    "kappa": "Kappa Cohen",
    "alpha": "Alpha Krippendorff",
    "landmark": "Tolok ukur",
    "precision": "Presisi",
    "recall": "Recall",
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
    "saturation_note": "Wawancara baru ditempatkan dengan model run sebelumnya tanpa dilatih "
                       "ulang. Run sebelumnya:",
    "sat_run": "Run sebelumnya", "sat_new_col": "Wawancara baru",
    "sat_status": "Status", "sat_confirmed": "dikonfirmasi",
    "sat_new": "baru dalam wawancara baru", "sat_missing": "tidak muncul di wawancara baru",
    "sat_absent": "tidak ada",
    "record_note": "Input, konfigurasi, dan seed yang sama menghasilkan tabel yang identik.",
    "versions": "Versi perangkat lunak",
    "package": "Paket",
    "version": "Versi",
    "seed": "Seed",
    "config": "Konfigurasi",
    "setting": "Pengaturan",
    "value": "Nilai",
    "inputs": "Berkas input",
    "path": "Berkas",
    "sha256": "SHA-256",
    "lexicon": "Leksikon",
    "manual": "Pengodean manual",
    "generated": "Dibuat oleh tematik {version}. Berkas ini berdiri sendiri dan dapat dibuka "
    "tanpa internet.",
    "figure": "Gambar",
    "count": "Jumlah",
    "none": "–",
    "axis_share_passages": "Persentase passage informan",
    "axis_informant": "Informan",
    "axis_theme": "Tema",
    "axis_k": "Jumlah topik (K)",
    "axis_value": "Nilai",
    "score_line": "Skor (c_npmi + 0,25 × stabilitas)",
    "chosen_k": "K terpilih",
    "topic_prefix": "Topik",
    "subtheme": "Subtema",
    "prevalence_short": "Prevalensi",
    "unit_passage": "passage",
    "unit_sentence": "kalimat",
    "unit_character": "karakter",
    "extra by tematik": "tambahan oleh tematik",
    "missed by tematik": "terlewat oleh tematik",
    "parent_theme": "Tema",
}

EN: dict[str, str] = {
    "title": "Thematic analysis report",
    "run": "Run",
    "finished": "Finished",
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
    "prevalence": "Prevalence of themes and sub-themes",
    "uncoded_note": "{coded} of {total} informant passages are coded with at least one "
    "theme; {left} ({share}) are left uncoded because no theme had enough evidence "
    "(threshold score {threshold}). These codes are made automatically from the codebook's "
    "words, not by the researcher.",
    "prevalence_note": "Informant passages coded with the theme (a parent theme counts its "
    "sub-themes too), and their share of all informant passages.",
    "share": "Share",
    "coded_passages": "Coded passages",
    "matrix": "Theme x informant matrix (data display)",
    "matrix_note": "Each cell: the informant's passages coded with the theme (share of that "
    "informant's passages) and the best quote.",
    "shown_informants": "Showing {shown} of {total} informants, those with the most "
    "passages; every informant is in theme_matrix.csv and workbook.xlsx.",
    "cooccurrence": "Co-occurrence of themes",
    "cooccurrence_note": "Jaccard index: passages coded with both themes divided by passages "
    "coded with either.",
    "pair": "Pair",
    "jaccard": "Jaccard",
    "quotes": "Best quotes per theme",
    "quotes_note": "Highest-scoring passages; the evidence words that triggered the code are "
    "marked.",
    "score": "Score",
    "no_codings": "No passage was coded with this theme.",
    "topics": "Topics",
    "topic": "Topic",
    "label": "Label",
    "seed_theme": "Seed theme",
    "terms": "Topic terms",
    "coherence": "Coherence",
    "topics_note": "Prevalence: share of passages whose most probable topic it is. "
    "Coherence c_npmi: 1 = the terms always occur together, 0 = independent.",
    "topic_by_informant": "Topic prevalence by informant",
    "representative": "Representative quotes",
    "probability": "Probability",
    "k_selection": "Choosing the number of topics (K)",
    "k": "K",
    "stability": "Stability",
    "chosen": "Chosen",
    "reason": "Reason",
    "agreement": "Agreement with manual coding",
    "agreement_note": "tematik compared with {reference} as the reference, unit: {unit}, "
    "{units} units. Landmarks: kappa after Landis & Koch (1977), alpha after Krippendorff "
    "(2004).",
    "ci_note": "In square brackets: 95% bootstrap confidence intervals.",
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
    "record_note": "The same inputs, configuration and seed give identical tables.",
    "versions": "Software versions",
    "package": "Package",
    "version": "Version",
    "seed": "Seed",
    "config": "Configuration",
    "setting": "Setting",
    "value": "Value",
    "inputs": "Input files",
    "path": "File",
    "sha256": "SHA-256",
    "lexicon": "Lexicon",
    "manual": "Manual coding",
    "generated": "Made by tematik {version}. This file is self-contained and opens without "
    "internet.",
    "figure": "Figure",
    "count": "Count",
    "none": "–",
    "axis_share_passages": "Share of informant passages",
    "axis_informant": "Informant",
    "axis_theme": "Theme",
    "axis_k": "Number of topics (K)",
    "axis_value": "Value",
    "score_line": "Score (c_npmi + 0.25 × stability)",
    "chosen_k": "Chosen K",
    "topic_prefix": "Topic",
    "subtheme": "Sub-theme",
    "prevalence_short": "Prevalence",
    "unit_passage": "passage",
    "unit_sentence": "sentence",
    "unit_character": "character",
    "extra by tematik": "extra by tematik",
    "missed by tematik": "missed by tematik",
    "parent_theme": "Theme",
}

LABELS: dict[Lang, dict[str, str]] = {"id": ID, "en": EN}


def labels(lang: str) -> dict[str, str]:
    """The label dict of ``lang`` ("id" or "en")."""
    if lang not in LABELS:
        raise UsageError(f"no report language {lang!r}", fix="Use 'id' (Indonesian) or 'en'.")
    return LABELS[lang]  # type: ignore[index]


@dataclass(frozen=True)
class RunTables:
    """A finished run as the report sees it: manifest, tables by name, codebook, name."""

    manifest: Mapping[str, object]
    tables: Mapping[str, pd.DataFrame] = field(default_factory=dict)
    codebook: Codebook | None = None
    name: str = ""

    def has(self, *names: str) -> bool:
        """Whether every table in ``names`` is present (it may be empty)."""
        return all(n in self.tables for n in names)

    def table(self, name: str) -> pd.DataFrame:
        frame = self.tables[name]
        if name in ("passages", "turns", "theme_matrix") and "display" not in frame:
            # a run written before display names: the label is the name
            frame = frame.rename(columns={"speaker": "display"}) if name == "theme_matrix" \
                else frame.assign(display=frame["speaker"])
        return frame

    @property
    def has_topics(self) -> bool:
        info = self.manifest.get("topics")
        done = isinstance(info, Mapping) and info.get("status") == "complete"
        return done and self.has("topic_summary", "topic_terms", "passages")

    @property
    def has_themes(self) -> bool:
        return self.has("theme_matrix", "codings", "passages")

    @property
    def has_agreement(self) -> bool:
        return self.has("agreement")


def as_int(value: object) -> int:
    """A table cell as an int (pandas types its cells loosely)."""
    return int(cast(Any, value))


def as_float(value: object) -> float:
    """A table cell as a float."""
    return float(cast(Any, value))


def number(value: object, lang: str, digits: int = 2) -> str:
    """``value`` with ``digits`` decimals, a decimal comma in Indonesian; "–" for NaN or
    anything that is not a number."""
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "–"
    if x != x:
        return "–"
    text = f"{x:.{digits}f}"
    return text.replace(".", ",") if lang == "id" else text


def count(value: object, lang: str) -> str:
    """A whole number with thousands separators: "4.332" in Indonesian, "4,332" in English."""
    try:
        text = f"{int(value):,}"  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return "–"
    return text.replace(",", ".") if lang == "id" else text


def percent(value: object, lang: str) -> str:
    """``value`` (a share from 0 to 1) as a whole percentage: "31%"."""
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "–"
    return "–" if x != x else f"{x * 100:.0f}%"


def theme_names(run: RunTables, lang: str) -> dict[str, str]:
    """Theme id -> its label in ``lang`` (the id itself when the codebook has none)."""
    if run.codebook is None:
        return {}
    return {t.id: (t.label_en if lang == "en" else t.label_id) or t.id
            for t in run.codebook.themes}


def theme_depth(run: RunTables, theme: str) -> int:
    """0 for a top-level theme, 1 for a sub-theme, and so on."""
    if run.codebook is None:
        return theme.count(".")
    parents = {t.id: t.parent for t in run.codebook.themes}
    depth, current = 0, parents.get(theme)
    while current is not None and depth < 20:
        depth += 1
        current = parents.get(current)
    return depth


def informants(run: RunTables) -> pd.DataFrame:
    """One row per informant (transcript and display name of informant passages), in
    passage order. Columns: ``transcript_id``, ``display`` (the person's one name, whatever
    labels they were written with), ``informant`` (the display name, with the transcript
    added when one name is used in several), ``role`` (from the transcript header, "" when
    none), ``passages``, ``words``."""
    columns = ["transcript_id", "display", "informant", "role", "passages", "words"]
    if not run.has("passages"):
        return pd.DataFrame(columns=columns)
    p = run.table("passages")
    p = p[p["role"] == "informant"]
    if p.empty:
        return pd.DataFrame(columns=columns)
    p = p.assign(display=display_of(p))
    grouped = (p.groupby(["transcript_id", "display"], sort=False)
               .agg(passages=("passage_id", "size"), words=("n_words", "sum")).reset_index())
    shared = grouped.groupby("display")["transcript_id"].transform("nunique")
    grouped["informant"] = [f"{s} ({t})" if n > 1 else str(s) for s, t, n in zip(
        grouped["display"], grouped["transcript_id"], shared, strict=True)]
    roles: dict[str, str] = {}
    if run.has("transcripts") and "role" in run.table("transcripts"):
        t = run.table("transcripts")
        roles = {str(i): ("" if pd.isna(r) else str(r))
                 for i, r in zip(t["transcript_id"], t["role"], strict=True)}
    grouped["role"] = [roles.get(str(t), "") for t in grouped["transcript_id"]]
    grouped["passages"] = grouped["passages"].astype(int)
    grouped["words"] = grouped["words"].astype(int)
    return grouped[columns].astype({"transcript_id": str, "display": str})


def passage_people(run: RunTables) -> dict[str, str]:
    """Each passage's informant as the report names them (:func:`informants`)."""
    if not run.has("passages"):
        return {}
    p = run.table("passages")
    named = {(str(a), str(b)): str(c) for a, b, c in zip(
        *(informants(run)[c] for c in ("transcript_id", "display", "informant")), strict=True)}
    return {str(pid): named.get((str(t), str(d)), str(d)) for pid, t, d in zip(
        p["passage_id"], p["transcript_id"], display_of(p), strict=True)}


def informant_passages(matrix: pd.DataFrame) -> dict[tuple[str, str], int]:
    """Each informant's (transcript, display name) passages, from the theme matrix."""
    first = matrix.drop_duplicates(["transcript_id", "display"])
    return {(str(a), str(b)): int(n) for a, b, n in zip(
        first["transcript_id"], first["display"], first["informant_passages"], strict=True)}


def shown_count(total: int) -> int:
    """How many of ``total`` informants the matrix and the heatmaps show."""
    return min(total, MAX_SHOWN)


def most_passages(keys: Sequence[K], passages: Mapping[K, int]) -> list[K]:
    """The informants (``keys``) the matrix and the heatmaps show: all of them up to
    :data:`MAX_SHOWN`, otherwise the :data:`MAX_SHOWN` with the most ``passages`` (ties: the
    first met), in their order. A column per informant stops being readable long before
    1,000 informants, and drawing them took most of a large run's time."""
    ranked = sorted(range(len(keys)), key=lambda i: -passages.get(keys[i], 0))
    return [keys[i] for i in sorted(ranked[:shown_count(len(keys))])]


def theme_prevalence(run: RunTables, lang: str = "id") -> pd.DataFrame:
    """Per theme, in codebook order. Columns: ``theme``, ``label``, ``depth`` (0 for a
    theme, 1 for a sub-theme), ``passages`` (informant passages coded with it; a parent
    counts its sub-themes), ``share`` (of all informant passages), ``informants`` (with at
    least one such passage)."""
    columns = ["theme", "label", "depth", "passages", "share", "informants"]
    if not run.has("theme_matrix"):
        return pd.DataFrame(columns=columns)
    m = run.table("theme_matrix")
    if m.empty:
        return pd.DataFrame(columns=columns)
    total = int(m.drop_duplicates(["transcript_id", "display"])["informant_passages"].sum())
    names = theme_names(run, lang)
    rows = []
    for theme, sub in m.groupby("theme", sort=False):
        n = int(sub["passages"].sum())
        rows.append((str(theme), names.get(str(theme), str(theme)),
                     theme_depth(run, str(theme)), n, n / total if total else 0.0,
                     int((sub["passages"] > 0).sum())))
    return pd.DataFrame(rows, columns=columns)


def record(run: RunTables) -> list[tuple[str, str]]:
    """The run's reproducibility record as (key, value) rows: versions, seed, codebook and
    lexicon hashes, topic model, comparison. Input files are in :func:`input_files`."""
    m = run.manifest
    rows: list[tuple[str, str]] = [("tematik", str(m.get("tematik_version", "")))]
    rows += [("seed", str(m.get("seed", "")))]
    book = m.get("codebook")
    if isinstance(book, Mapping):
        rows += [("codebook", f"{book.get('name', '')} {book.get('version', '')}".strip()),
                 ("codebook sha256", str(book.get("sha256", "")))]
    if m.get("lexicon_sha256"):
        rows.append(("lexicon sha256", str(m["lexicon_sha256"])))
    for key in ("started", "finished"):
        if m.get(key):
            rows.append((key, str(m[key])))
    topics = m.get("topics")
    if isinstance(topics, Mapping) and topics.get("status"):
        desc = str(topics["status"])
        if topics.get("status") == "complete":
            desc = f"{topics.get('model', '')}, K={topics.get('k', '')}"
        rows.append(("topics", desc))
    compare = m.get("compare")
    if isinstance(compare, Mapping):
        rows += [("manual coding", str(compare.get("manual", ""))),
                 ("manual coding sha256", str(compare.get("manual_sha256", ""))),
                 ("compare unit", str(compare.get("unit", "")))]
    return rows


def config_rows(run: RunTables) -> list[tuple[str, str]]:
    config = run.manifest.get("config")
    if not isinstance(config, Mapping):
        return []
    return [(str(k), v if isinstance(v, str) else json.dumps(v, ensure_ascii=False))
            for k, v in sorted(config.items())]


def package_rows(run: RunTables) -> list[tuple[str, str]]:
    packages = run.manifest.get("packages")
    if not isinstance(packages, Mapping):
        return []
    return [(str(k), str(v)) for k, v in packages.items()]


def input_files(run: RunTables) -> pd.DataFrame:
    """Columns ``transcript_id``, ``path``, ``format``, ``encoding``, ``sha256``."""
    columns = ["transcript_id", "path", "format", "encoding", "sha256"]
    inputs = run.manifest.get("inputs")
    if not isinstance(inputs, list):
        return pd.DataFrame(columns=columns)
    return pd.DataFrame([{c: str(i.get(c, "")) for c in columns} for i in inputs
                         if isinstance(i, Mapping)], columns=columns)
