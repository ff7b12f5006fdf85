"""Indonesian language resources: the lexicons in ``models/lexicons/``, loaded once.

Files (format in ``models/lexicons/README.md``): ``colloquial.tsv`` (spoken form -> standard
form of the same word; several words for a contraction such as ``makasih``), ``fillers.txt``,
``stopwords_extra.txt``, ``keep_words.txt``, ``phrases.tsv`` (phrase -> term id),
``abbreviations.txt``, ``stems.tsv`` (word -> stem, where Sastrawi's stem misleads or merges
senses), ``suffix_in.tsv`` (roots whose spoken ``-in`` is ``-i`` or nothing), ``places.txt``
(words a speaker writes attached to di/ke/dari: ``dimana``), ``root_counts.tsv`` (how often
STIF's formal side uses each root, to choose between candidate roots), ``answer_words.txt``
(fillers that answer "yes" at the start of a sentence).
A malformed line is a :class:`ResourceError` naming file and line.

Where the shipped assets are: the repository keeps ``models/`` and ``corpus/`` at its top
level; a built wheel carries copies of both inside the package, as ``pipeline/_assets/``
(``setup.py`` copies them at build time), found with :mod:`importlib.resources`. A source
checkout or an editable install has no ``_assets`` and reads the checkout's folders.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from pipeline.errors import ResourceError


def assets_dir() -> Path:
    """The folder holding ``models/`` and ``corpus/``: ``pipeline/_assets`` in an installed
    wheel, else the top of the checkout this package was imported from."""
    shipped = resources.files("pipeline") / "_assets"
    if isinstance(shipped, Path) and shipped.is_dir():
        return shipped.resolve()
    return Path(__file__).resolve().parent.parent


ASSETS_DIR = assets_dir()
MODELS_DIR = ASSETS_DIR / "models"
"""The shipped codebooks (``codebooks/``) and lexicons (``lexicons/``)."""
CORPUS_DIR = ASSETS_DIR / "corpus"
"""The embedded sample corpus."""
DEFAULT_CODEBOOK = MODELS_DIR / "codebooks" / "kinerja-aparatur.yaml"
INFORMANT_MODEL = MODELS_DIR / "coders" / "informant.json.gz"
"""The informant-speech model shipped with the default codebook (pipeline/stages/prior.py)."""
LEXICON_FILES = (
    "colloquial.tsv", "fillers.txt", "stopwords_extra.txt", "keep_words.txt", "phrases.tsv",
    "abbreviations.txt", "stems.tsv", "suffix_in.tsv", "places.txt", "root_counts.tsv",
    "answer_words.txt",
)
SUFFIX_IN = {"i": "i", "-": ""}  # suffix_in.tsv's second field -> the standard suffix


@dataclass(frozen=True)
class Lexicon:
    """Everything normalisation needs to know about spoken Indonesian."""

    colloquial: dict[str, str]
    fillers: frozenset[str]
    stopwords_extra: frozenset[str]
    keep: frozenset[str]
    phrases: tuple[tuple[str, str], ...]
    abbreviations: tuple[str, ...]
    digest: str
    stems: dict[str, str] = field(default_factory=dict)
    suffix_in: dict[str, str] = field(default_factory=dict)
    places: frozenset[str] = frozenset()
    root_counts: dict[str, int] = field(default_factory=dict)
    answers: frozenset[str] = frozenset()


def _lines(path: Path) -> list[tuple[int, str]]:
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ResourceError(
            f"lexicon file missing: {path}",
            fix="The lexicons ship with tematik: reinstall it, or in a clone of its "
            "repository restore models/ (git checkout -- models).",
        ) from exc
    except UnicodeDecodeError as exc:
        raise ResourceError(f"{path}: not UTF-8 text", fix="Save the file as UTF-8.") from exc
    out = []
    for number, line in enumerate(raw.splitlines(), start=1):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            out.append((number, stripped))
    return out


def _pairs(path: Path) -> list[tuple[str, str]]:
    pairs = []
    for number, line in _lines(path):
        fields = [f.strip() for f in line.split("\t")]
        if len(fields) != 2 or not all(fields):
            raise ResourceError(
                f"{path}, line {number}: expected two tab-separated fields, got {line!r}",
                fix="Write one 'form<TAB>replacement' pair per line.",
            )
        pairs.append((fields[0], fields[1]))
    return pairs


def _words(path: Path, *, lower: bool = True) -> list[str]:
    return [w.lower() if lower else w for _, w in _lines(path)]


def informant_model_bytes(path: Path = INFORMANT_MODEL) -> bytes | None:
    """The shipped informant-speech model's file (gzipped JSON), or None when it is absent
    (a checkout without it codes with the dictionary alone)."""
    return Path(path).read_bytes() if Path(path).is_file() else None


@lru_cache(maxsize=4)
def load_lexicon(models_dir: Path = MODELS_DIR) -> Lexicon:
    """Read ``models_dir/lexicons``; cached, so every stage shares one copy."""
    folder = Path(models_dir) / "lexicons"
    colloquial: dict[str, str] = {}
    path = folder / "colloquial.tsv"
    for form, standard in _pairs(path):
        if " " in form or "  " in standard:
            raise ResourceError(
                f"{path}: {form!r} -> {standard!r} has a space on the left or two in a row",
                fix="The spoken form is one word; a contraction's standard form is words "
                "separated by single spaces (makasih -> terima kasih).",
            )
        colloquial[form.lower()] = standard.lower()
    # Resolve chains (a -> b, b -> c) so mapping twice equals mapping once.
    for form in list(colloquial):
        seen = {form}
        target = colloquial[form]
        while (target in colloquial and target not in seen and colloquial[target] != target
               and " " not in target):
            seen.add(target)
            target = colloquial[target]
        colloquial[form] = target
    phrases = tuple((p.lower(), t.lower()) for p, t in _pairs(folder / "phrases.tsv"))
    suffix_path = folder / "suffix_in.tsv"
    suffix_in = {}
    for root, suffix in _pairs(suffix_path):
        if suffix not in SUFFIX_IN:
            raise ResourceError(
                f"{suffix_path}: {root!r} has suffix {suffix!r}",
                fix="Write 'i' (hubungin -> hubungi) or '-' (tungguin -> tunggu); -kan is "
                "the default and needs no line.",
            )
        suffix_in[root.lower()] = SUFFIX_IN[suffix]
    counts_path = folder / "root_counts.tsv"
    root_counts = {}
    for root, count in _pairs(counts_path):
        if not count.isdigit():
            raise ResourceError(f"{counts_path}: {root!r} has count {count!r}",
                                fix="Write 'root<TAB>count' with a whole number.")
        root_counts[root.lower()] = int(count)
    digest = hashlib.sha256()
    for name in LEXICON_FILES:
        digest.update(name.encode())
        digest.update((folder / name).read_bytes())
    return Lexicon(
        colloquial=colloquial,
        fillers=frozenset(_words(folder / "fillers.txt")),
        stopwords_extra=frozenset(_words(folder / "stopwords_extra.txt")),
        keep=frozenset(_words(folder / "keep_words.txt")),
        phrases=phrases,
        abbreviations=tuple(_words(folder / "abbreviations.txt", lower=False)),
        digest=digest.hexdigest(),
        stems={w.lower(): s.lower() for w, s in _pairs(folder / "stems.tsv")},
        suffix_in=suffix_in,
        places=frozenset(_words(folder / "places.txt")),
        root_counts=root_counts,
        answers=frozenset(_words(folder / "answer_words.txt")),
    )
