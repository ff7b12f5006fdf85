"""Codebooks: themes with definitions, keywords and phrases, read from YAML and checked.

Format: ``models/codebooks/README.md``. :func:`load_codebook` returns a frozen
:class:`Codebook` or raises :class:`ResourceError` naming the file and line;
:func:`check_codebook` lists every problem a researcher should fix (unknown fields, duplicate
ids, missing parents, keywords that are not base forms or stem to nothing, overlaps between
themes), each with its line number.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from pipeline.errors import ResourceError, UsageError
from pipeline.resources import DEFAULT_CODEBOOK
from pipeline.stages.names import JOB_TITLES
from pipeline.types import Codebook, Theme

TOP_FIELDS = frozenset({"name", "version", "language", "description", "themes", "idioms"})
THEME_FIELDS = frozenset({
    "id", "parent", "label", "definition", "definition_en", "include", "exclude", "keywords",
    "phrases", "exact", "support", "weights", "negative", "examples",
})
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser where PyYAML was built with it (ten times faster); same nodes and marks."""
ID_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")






@dataclass(frozen=True)
class Problem:
    """One thing wrong with a codebook: ``severity`` is ``error`` or ``warning``."""

    line: int
    severity: str
    message: str


def _compose(path: Path) -> tuple[yaml.Node, str]:
    if not path.exists():
        raise UsageError(f"codebook not found: {path}",
                         fix="Check the path given to --codebook")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ResourceError(f"cannot read codebook {path} ({exc.strerror})",
                            fix="Check the path given to --codebook.") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ResourceError(f"{path}: not UTF-8 text", fix="Save the codebook as UTF-8.") from exc
    try:
        node = yaml.compose(text, Loader=LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ResourceError(f"{path}{where}: not valid YAML ({problem})",
                            fix="Check the indentation and quotes on that line.",
                            line=mark.line + 1 if mark is not None else None) from exc
    if not isinstance(node, yaml.MappingNode):
        raise ResourceError(f"{path}: a codebook is a mapping with a 'themes' list",
                            fix="See models/codebooks/README.md for the format.")
    return node, hashlib.sha256(raw).hexdigest()


def _mapping(node: yaml.Node) -> dict[str, tuple[yaml.Node, int]]:
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {str(k.value): (v, k.start_mark.line + 1) for k, v in node.value}


def _plain(node: yaml.Node) -> object:
    return yaml.constructor.SafeConstructor().construct_document(node)


def _strings(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(str(v) for v in value if v is not None)
    return ()


def _read(path: Path) -> tuple[Codebook, list[Problem]]:
    root, digest = _compose(path)
    problems: list[Problem] = []
    top = _mapping(root)
    for key, (_, line) in top.items():
        if key not in TOP_FIELDS:
            problems.append(Problem(line, "error", f"unknown field '{key}' (allowed: "
                                    f"{', '.join(sorted(TOP_FIELDS))})"))
    themes_node = top.get("themes", (None, 1))[0]
    if not isinstance(themes_node, yaml.SequenceNode) or not themes_node.value:
        problems.append(Problem(1, "error", "no 'themes' list"))
        themes_node = yaml.SequenceNode("tag:yaml.org,2002:seq", [])
    themes: list[Theme] = []
    for item in themes_node.value:
        line = item.start_mark.line + 1
        fields = _mapping(item)
        if not fields:
            problems.append(Problem(line, "error", "a theme must be a mapping with an 'id'"))
            continue
        data = {k: _plain(v) for k, (v, _) in fields.items()}
        for key, (_, key_line) in fields.items():
            if key not in THEME_FIELDS:
                problems.append(Problem(key_line, "error", f"unknown field '{key}' in theme "
                                        f"'{data.get('id', '?')}'"))
        theme_id = str(data.get("id") or "")
        if not ID_RE.match(theme_id):
            problems.append(Problem(line, "error", f"theme id {theme_id!r} must be lowercase "
                                    "letters, digits and '_', sub-themes joined by '.'"))
        label = data.get("label")
        label_id = label.get("id") if isinstance(label, dict) else label
        label_en = label.get("en") if isinstance(label, dict) else label
        weights = data.get("weights") or {}
        if not isinstance(weights, dict) or not all(
            isinstance(v, int | float) for v in weights.values()
        ):
            problems.append(Problem(fields.get("weights", (None, line))[1], "error",
                                    f"weights of '{theme_id}' must map terms to numbers"))
            weights = {}
        parent = data.get("parent")
        themes.append(Theme(
            id=theme_id,
            label_id=str(label_id or theme_id),
            label_en=str(label_en or label_id or theme_id),
            parent=str(parent) if parent else None,
            definition=str(data.get("definition") or ""),
            definition_en=str(data.get("definition_en") or ""),
            include=str(data.get("include") or ""),
            exclude=str(data.get("exclude") or ""),
            keywords=_words(_strings(data.get("keywords"))),
            phrases=_phrases(_strings(data.get("phrases"))),
            exact=_words(_strings(data.get("exact"))),
            support=_phrases(_strings(data.get("support"))),
            weights={str(k).lower(): float(v) for k, v in weights.items()},
            negative=_phrases(_strings(data.get("negative"))),
            examples=_strings(data.get("examples")),
            line=line,
        ))
    name = _plain(top["name"][0]) if "name" in top else path.stem
    version = _plain(top["version"][0]) if "version" in top else ""
    description = _plain(top["description"][0]) if "description" in top else ""
    idioms = _strings(_plain(top["idioms"][0])) if "idioms" in top else ()
    book = Codebook(str(name), str(version), tuple(themes), digest, str(description or ""),
                    _phrases(idioms))
    return book, problems


def _phrases(values: Sequence[str]) -> tuple[str, ...]:
    """Cues of one or more words, lowercased, spaces squeezed."""
    return tuple(" ".join(v.lower().split()) for v in values)


def _words(values: Sequence[str]) -> tuple[str, ...]:
    """One-word cues, lowercased and stripped."""
    return tuple(v.strip().lower() for v in values)


def load_codebook(path: Path = DEFAULT_CODEBOOK) -> Codebook:
    """Read a codebook; the first error found is raised as a :class:`ResourceError`."""
    book, problems = _read(Path(path))
    problems += _structure(book)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        first = errors[0]
        raise ResourceError(f"{path}, line {first.line}: {first.message}",
                            fix=f"Run 'tematik codebook check {path}' to list every problem.")
    return book


def _structure(book: Codebook) -> list[Problem]:
    problems = []
    seen: dict[str, int] = {}
    for theme in book.themes:
        if theme.id in seen:
            problems.append(Problem(theme.line, "error", f"duplicate theme id '{theme.id}' "
                                    f"(first on line {seen[theme.id]})"))
        seen.setdefault(theme.id, theme.line)
    for theme in book.themes:
        if theme.parent and theme.parent not in seen:
            problems.append(Problem(theme.line, "error", f"theme '{theme.id}' has parent "
                                    f"'{theme.parent}', which is not in the codebook"))
        if not theme.keywords and not theme.phrases and not theme.exact:
            problems.append(Problem(theme.line, "warning", f"theme '{theme.id}' has no "
                                    "keywords or phrases; the dictionary coder cannot code it"))
        terms = set(theme.keywords) | set(theme.phrases) | set(theme.exact) | set(theme.support)
        for term in theme.weights:
            if term not in terms:
                problems.append(Problem(theme.line, "warning", f"weight for '{term}' in "
                                        f"'{theme.id}', which is not one of its keywords"))
    return problems


def check_codebook(path: Path, stem: Callable[[str], str]) -> list[Problem]:
    """Every problem in the codebook at ``path``, sorted by line.

    ``stem`` maps a word to the stem the coder will match (the run's normaliser), so a
    keyword that is not a base form, or that stems to nothing, is reported; so is a keyword
    among :data:`~pipeline.stages.names.JOB_TITLES` (titles are who is talked about, not a
    theme). The check never advises a stem: a stem matches every word that shares it, and
    Sastrawi's stems merge unrelated words (pengalaman and alam, penghargaan and harga).
    """
    try:
        book, problems = _read(Path(path))
    except ResourceError as exc:
        return [Problem(exc.line or 1, "error", exc.message)]
    problems += _structure(book)
    owners: dict[str, list[str]] = {}
    for theme in book.themes:
        for keyword in theme.keywords:
            if " " in keyword:
                problems.append(Problem(theme.line, "error", f"keyword '{keyword}' in "
                                        f"'{theme.id}' has a space; put it under phrases"))
                continue
            stemmed = stem(keyword)
            if not stemmed:
                problems.append(Problem(theme.line, "error", f"keyword '{keyword}' in "
                                        f"'{theme.id}' stems to nothing"))
            elif stemmed != keyword:
                problems.append(Problem(theme.line, "warning", f"keyword '{keyword}' in "
                                        f"'{theme.id}' is not a base form (tematik stems it to "
                                        f"'{stemmed}'), so it matches only '{keyword}' itself: "
                                        "list it under 'exact' if that is what you mean; a "
                                        "stem matches every word that shares it, related or "
                                        "not, so check those words before writing one"))
            if keyword in JOB_TITLES:
                problems.append(Problem(theme.line, "warning", f"keyword '{keyword}' in "
                                        f"'{theme.id}' is a title or role: it says who is "
                                        "talked about, not what; list it under 'support'"))
            owners.setdefault(keyword, []).append(theme.id)
        for word in theme.exact:
            if " " in word:
                problems.append(Problem(theme.line, "error", f"exact word '{word}' in "
                                        f"'{theme.id}' has a space; put it under phrases"))
            elif stem(word) == word:
                problems.append(Problem(theme.line, "warning", f"exact word '{word}' in "
                                        f"'{theme.id}' is a base form: list it under "
                                        "'keywords' to match its other forms too"))
            owners.setdefault(word, []).append(theme.id)
        for dup in {k for k in theme.keywords if theme.keywords.count(k) > 1}:
            problems.append(Problem(theme.line, "warning", f"keyword '{dup}' is listed twice "
                                    f"in '{theme.id}'"))
    parents = {t.id: t.parent for t in book.themes}
    for term, ids in sorted(owners.items()):
        unrelated = sorted({i for i in ids if not any(
            parents.get(i) == j or parents.get(j) == i for j in ids if j != i)})
        if len(unrelated) > 1:
            line = min(book.theme(i).line for i in unrelated)
            problems.append(Problem(line, "warning", f"keyword '{term}' is in several themes: "
                                    f"{', '.join(unrelated)} (intended?)"))
    return sorted(problems, key=lambda p: (p.line, p.severity, p.message))


def codebook_yaml(book: Codebook) -> str:
    """``book`` in the YAML format :func:`load_codebook` reads (for a codebook that came from
    elsewhere, such as a REFI-QDA .qdc, so a run keeps a copy it can read back)."""
    themes = []
    for t in book.themes:
        entry: dict[str, object] = {
            "id": t.id, "parent": t.parent, "label": {"id": t.label_id, "en": t.label_en},
            "definition": t.definition, "definition_en": t.definition_en,
            "include": t.include, "exclude": t.exclude, "keywords": list(t.keywords),
            "phrases": list(t.phrases), "examples": list(t.examples),
        }
        if t.exact:
            entry["exact"] = list(t.exact)
        if t.support:
            entry["support"] = list(t.support)
        if t.weights:
            entry["weights"] = dict(t.weights)
        if t.negative:
            entry["negative"] = list(t.negative)
        themes.append(entry)
    data: dict[str, object] = {"name": book.name, "version": book.version, "language": "id",
                               "description": book.description, "themes": themes}
    if book.idioms:
        data["idioms"] = list(book.idioms)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
