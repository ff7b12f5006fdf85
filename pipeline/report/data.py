"""What the report, its figures and its workbook show: a run's tables, the labels in two
languages, and the small summaries computed from the tables (no file IO, no rendering).

:class:`RunTables` holds a finished run's manifest, its tables by name (any subset of
``transcripts``, ``passages``, ``codings``, ``evidence``, ``theme_matrix``,
``theme_cooccurrence``, ``topic_terms``, ``passage_topics``, ``topic_summary``,
``topic_prevalence``, ``k_report``, ``agreement``, ``agreement_pairs``, ``disagreements``)
and its codebook. A section whose tables are missing is left out of the report.

Labels are in :mod:`pipeline.report.labels` (imported here too: :data:`ID`, :data:`EN`,
:func:`labels`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

import pandas as pd

from pipeline.report.labels import EN as EN
from pipeline.report.labels import ID as ID
from pipeline.report.labels import LABELS as LABELS
from pipeline.report.labels import LANGS as LANGS
from pipeline.report.labels import Lang as Lang
from pipeline.report.labels import labels as labels
from pipeline.stages.persons import positions
from pipeline.stages.segment import display_of
from pipeline.types import Codebook

MAX_SHOWN = 40
"""Informants the matrix and the heatmaps show at most (see :func:`most_passages`)."""
K = TypeVar("K")

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


def as_text(value: object) -> str:
    """A table cell as text: "" for a missing value (None, NaN, pandas' NA)."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    try:
        if pd.isna(value):  # type: ignore[call-overload]
            return ""
    except (TypeError, ValueError):  # a list or array: not one missing value
        pass
    return str(value)


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
    grouped["role"] = (positions(run.table("transcripts"), grouped["transcript_id"],
                                 grouped["display"]) if run.has("transcripts") else "")
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


def run_threshold(manifest: Mapping[str, object]) -> float | None:
    """The coding threshold a run's manifest records (None when it records none)."""
    config = manifest.get("config")
    raw = config.get("threshold") if isinstance(config, Mapping) else None
    return float(raw) if isinstance(raw, int | float) else None


def report_lang(manifest: Mapping[str, object]) -> str:
    """The language the run's report was last written in (``id`` before any)."""
    report = manifest.get("report")
    return str(report.get("lang", "id")) if isinstance(report, Mapping) else "id"


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


def _parts(path: str) -> list[str]:
    return [p for p in re.split(r"[\\/]+", path) if p]


def is_absolute(path: str) -> bool:
    """Whether ``path`` is absolute on any system (``/x``, ``C:\\x``, ``\\\\server``, ``~``)."""
    return bool(re.match(r"^(?:[\\/]|[A-Za-z]:[\\/]|~)", path))


def short_path(path: object, root: Sequence[str] = ()) -> str:
    """``path`` as the report shows it, without the folders of the researcher's computer:
    a path under ``root`` (the parts of a folder) from that folder's name on
    (``corpus/01-kabag-umum.txt``), any other absolute path or one that climbs (``..``)
    by its last part only; a short relative path as given."""
    text = str(path or "")
    parts = _parts(text)
    if not parts:
        return text
    if root and parts[:len(root)] == list(root) and len(parts) > len(root):
        return "/".join(parts[len(root) - 1:])
    if is_absolute(text) or ".." in parts:
        return parts[-1]
    return "/".join(parts)


def input_root(run: RunTables) -> list[str]:
    """The parts of the folder every input file of the run is in (empty when none)."""
    inputs = run.manifest.get("inputs")
    paths = [_parts(str(i.get("path", ""))) for i in inputs or [] if isinstance(i, Mapping)] \
        if isinstance(inputs, list) else []
    folders = [p[:-1] for p in paths if p]
    if not folders:
        return []
    common = folders[0]
    for folder in folders[1:]:
        n = 0
        while n < min(len(common), len(folder)) and common[n] == folder[n]:
            n += 1
        common = common[:n]
    return common


def record(run: RunTables) -> list[tuple[str, str]]:
    """The run's reproducibility record as (key, value) rows: versions, seed, codebook and
    lexicon hashes, topic model, trained coder, comparison (file, unit, scope and the
    transcripts compared, when the manifest has them). Keys are label keys of
    :mod:`pipeline.report.labels`; paths are shown by :func:`short_path`. Input files are
    in :func:`input_files`."""
    m = run.manifest
    root = input_root(run)
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
    trained = m.get("supervised")
    if isinstance(trained, Mapping) and trained.get("train"):
        rows.append(("trained on", short_path(trained["train"], root)))
    compare = m.get("compare")
    if isinstance(compare, Mapping):
        rows += [("manual coding", short_path(compare.get("manual", ""), root)),
                 ("manual coding sha256", str(compare.get("manual_sha256", ""))),
                 ("compare unit", str(compare.get("unit", "")))]
        scope, compared = compare_scope(run)
        if scope:
            rows.append(("compare scope", scope))
        if compared:
            rows.append(("compare transcripts", ", ".join(compared)))
    return rows


def compare_scope(run: RunTables) -> tuple[str, list[str]]:
    """What ``tematik compare`` compared, as the manifest says (runs compared before it
    said so give ``("", [])``): the scope (``touched``: only the transcripts the manual
    coding touched; ``all``) and the transcript ids compared (a list, or a count read as
    nothing to name)."""
    compare = run.manifest.get("compare")
    if not isinstance(compare, Mapping):
        return "", []
    scope = compare.get("scope")
    compared = compare.get("scope_transcripts", compare.get("transcripts"))
    names = [str(x) for x in compared] if isinstance(compared, list | tuple) else []
    return (str(scope) if isinstance(scope, str) else ""), names


def _setting(value: object, lang: str, root: Sequence[str], yes_no: tuple[str, str]) -> str:
    if value is None or value == [] or value == {} or value == "":
        return "–"
    if isinstance(value, bool):
        return yes_no[0] if value else yes_no[1]
    if isinstance(value, int):
        return count(value, lang)
    if isinstance(value, float):
        return count(int(value), lang) if value.is_integer() else \
            number(value, lang, 3).rstrip("0")
    if isinstance(value, str):
        return short_path(value, root) if is_absolute(value) or "/" in value else value
    if isinstance(value, list | tuple):
        return ", ".join(_setting(v, lang, root, yes_no) for v in value)
    if isinstance(value, Mapping):  # a speakers file, a trained coder's file
        if "path" in value:
            return short_path(value["path"], root)
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def config_rows(run: RunTables, lang: str = "id") -> list[tuple[str, str]]:
    """The run's configuration as (setting, value) rows, sorted: nested settings flattened
    to dotted names (``limits.archive.max_entries``), numbers in ``lang``'s style, paths
    by :func:`short_path`, yes/no in ``lang``."""
    config = run.manifest.get("config")
    if not isinstance(config, Mapping):
        return []
    t = labels(lang)
    root = input_root(run)
    rows: list[tuple[str, str]] = []

    def walk(prefix: str, value: object) -> None:
        if isinstance(value, Mapping) and value and "path" not in value:
            for k, v in sorted(value.items()):
                walk(f"{prefix}.{k}" if prefix else str(k), v)
        else:
            rows.append((prefix, _setting(value, lang, root, (t["yes"], t["no"]))))

    walk("", config)
    return rows


def package_rows(run: RunTables) -> list[tuple[str, str]]:
    packages = run.manifest.get("packages")
    if not isinstance(packages, Mapping):
        return []
    return [(str(k), str(v)) for k, v in packages.items()]


def input_files(run: RunTables) -> pd.DataFrame:
    """Columns ``transcript_id``, ``path`` (by :func:`short_path`), ``format``, ``encoding``,
    ``sha256``."""
    columns = ["transcript_id", "path", "format", "encoding", "sha256"]
    inputs = run.manifest.get("inputs")
    if not isinstance(inputs, list):
        return pd.DataFrame(columns=columns)
    root = input_root(run)
    rows = [{c: str(i.get(c, "")) for c in columns} for i in inputs if isinstance(i, Mapping)]
    for row in rows:
        row["path"] = short_path(row["path"], root)
    return pd.DataFrame(rows, columns=columns)


@dataclass(frozen=True)
class Method:
    """How the run's theme codes were made, for the report to say so: ``kind``
    (``dictionary``, or ``combined`` with a coder trained on the researcher's coding),
    ``codebook`` (name and version), ``threshold`` (the score a theme must reach),
    ``train`` (the trained coder's file, shown short) and ``trained_passages``."""

    kind: str
    codebook: str
    threshold: float | None
    train: str = ""
    trained_passages: int = 0


def coding_method(run: RunTables) -> Method:
    """How the run's codes were made, from its manifest."""
    m = run.manifest
    book = m.get("codebook")
    codebook = (f"{book.get('name', '')} {book.get('version', '')}".strip()
                if isinstance(book, Mapping) else "")
    threshold = run_threshold(m)
    trained = m.get("supervised")
    if isinstance(trained, Mapping) and trained.get("train"):
        n = trained.get("passages")
        return Method("combined", codebook, threshold,
                      short_path(trained["train"], input_root(run)),
                      n if isinstance(n, int) else 0)
    return Method("dictionary", codebook, threshold)


@dataclass(frozen=True)
class Agreement:
    """The overall agreement after ``tematik compare``: the micro row of ``agreement``
    (every theme pooled) and what it was compared with (the manual coding's file name)."""

    reference: str
    units: int
    kappa: float
    f1: float


def agreement_summary(run: RunTables) -> Agreement | None:
    """The pooled (micro) agreement of the run with the manual coding, or None before
    ``tematik compare`` (or when the table has no micro row)."""
    if not run.has("agreement"):
        return None
    frame = run.table("agreement")
    if "level" not in frame or "kappa" not in frame:
        return None
    if "transcript_id" in frame:
        frame = frame[frame["transcript_id"] == "*"]
    micro = frame[frame["level"] == "micro"]
    if micro.empty:
        return None
    row = micro.iloc[0]
    info = run.manifest.get("compare")
    info = info if isinstance(info, Mapping) else {}
    units = info.get("units", row.get("n_units", row.get("n_chars", 0)))
    manual = short_path(info.get("manual", ""), input_root(run))
    return Agreement(manual.rsplit("/", 1)[-1] or str(info.get("reference", "manual")),
                     int(units) if isinstance(units, int | float) and units == units else 0,
                     float(row["kappa"]), float(row.get("f1", float("nan"))))
