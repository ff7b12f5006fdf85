"""Anonymised runs: the key file, and ``tematik anonymise RUN``.

``tematik run --anonymise`` pseudonymises the transcripts right after ingest
(:mod:`pipeline.anonymise`); this module holds what touches files around it: where the key
goes (never inside the run directory), writing it, and re-running a finished run's stored
transcripts with anonymisation.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.anonymise import Anonymised, Key, anonymise
from pipeline.config import RunConfig
from pipeline.errors import RunDirectoryError, UsageError
from pipeline.files import atomic_write
from pipeline.ingest import Corpus, Transcript, Turn
from pipeline.normalise import Normaliser

KEY_SUFFIX = ".key.csv"


def default_key_path(out: Path) -> Path:
    """``runs/NAME`` -> ``runs/NAME.key.csv``: beside the run directory, not in it."""
    out = Path(out)
    return out.with_name(out.name + KEY_SUFFIX)


def check_key_path(out: Path, key_out: Path | None, *, force: bool = False) -> Path:
    """The key file for the run ``out``: ``key_out`` or :func:`default_key_path`.

    Raises :class:`UsageError` when it would lie inside the run directory (or its
    ``.incomplete`` twin), and :class:`RunDirectoryError` when it exists without ``force``.
    """
    key = Path(key_out) if key_out is not None else default_key_path(out)
    resolved = key.resolve()
    for folder in (Path(out), Path(out).with_name(Path(out).name + ".incomplete")):
        if resolved == folder.resolve() or resolved.is_relative_to(folder.resolve()):
            raise UsageError(
                f"the key file {key} is inside the run directory {out}",
                fix="The key holds the real names: give --key-out a path outside the run "
                "directory, e.g. " + str(default_key_path(out)) + ".")
    if key.suffix.lower() not in (".csv", ".json"):
        raise UsageError(f"the key file {key} must end in .csv or .json",
                         fix=f"Give --key-out a .csv or .json path, e.g. "
                         f"{default_key_path(out)}.")
    if key.exists() and not force:
        raise RunDirectoryError(f"key file already exists: {key}",
                                fix="Keep it (it belongs to another run) and give another "
                                "--key-out, or add --force to replace it.")
    return key


def write_key(path: Path, key: Key, *, run: Path) -> None:
    """Write ``key`` as CSV (UTF-8 with BOM, for Excel) or JSON, readable by its owner
    only, atomically."""
    rows = key.rows()
    path = Path(path)
    if path.suffix.lower() == ".json":
        text = json.dumps({"run": str(run), "entries": rows}, ensure_ascii=False, indent=2)
        data = (text + "\n").encode("utf-8")
    else:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]) if rows else ["kind"],
                                lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        data = buffer.getvalue().encode("utf-8-sig")

    def owner_only(tmp: Path) -> None:
        with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as fh:
            fh.write(data)

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, owner_only)
    except OSError as exc:
        raise RunDirectoryError(f"cannot write the key file {path} ({exc.strerror})",
                                fix="Check that its folder is writable, or give another "
                                "--key-out.") from exc


def word_test(normaliser: Normaliser) -> Callable[[str], bool]:
    """Whether a lowercase word is ordinary Indonesian: a stop word, filler or spoken form,
    or a word whose stem is in Sastrawi's dictionary of root words."""
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    lexicon = normaliser.lexicon
    roots = frozenset(StemmerFactory().get_words())
    plain = normaliser.stopwords | lexicon.fillers | frozenset(lexicon.colloquial)

    @lru_cache(maxsize=65536)
    def is_word(word: str) -> bool:
        word = word.lower()
        if word in plain or word in roots:
            return True
        norm = normaliser.word(word)
        return norm in roots or normaliser.stem(norm) in roots

    return is_word


def anonymise_corpus(corpus: Corpus, files: Sequence[str], coded: pd.DataFrame | None,
                     normaliser: Normaliser,
                     ) -> tuple[Corpus, pd.DataFrame | None, Anonymised]:
    """The run's corpus pseudonymised, its warnings scrubbed, and the passages given to
    ``--train`` (quotes from the same interviews) scrubbed too: the trained coder's
    vocabulary must not hold names either."""
    done = anonymise(corpus.transcripts, corpus.turns, files=files,
                     is_word=word_test(normaliser))
    new = Corpus(done.transcripts, done.turns, tuple(map(done.scrub, corpus.warnings)),
                 tuple(map(done.scrub, corpus.skipped)))
    if coded is not None:
        coded = coded.assign(text=[done.scrub(str(t)) for t in coded["text"]])
    return new, coded, done


# -- tematik anonymise RUN -------------------------------------------------------------------


def stored_corpus(transcripts: pd.DataFrame, turns: pd.DataFrame) -> Corpus:
    """A finished run's ``transcripts`` and ``turns`` tables as the corpus they came from."""
    found = tuple(
        Transcript(str(r["transcript_id"]), str(r["source"]), str(r["format"]),
                   str(r["encoding"]), str(r["sha256"]), str(r["text"]),
                   {str(k): str(v) for k, v in json.loads(str(r["metadata"]) or "{}").items()})
        for r in transcripts.to_dict("records"))
    texts = {t.transcript_id: t.text for t in found}
    said = tuple(
        Turn(str(r["transcript_id"]), int(r["turn"]), str(r["speaker"]), str(r["role"]),
             int(r["start"]), int(r["end"]),
             texts[str(r["transcript_id"])][int(r["start"]):int(r["end"])])
        for r in turns.to_dict("records"))
    return Corpus(found, said)


def stored_config(manifest: dict[str, Any], run_dir: Path) -> RunConfig:
    """The configuration RUN was made with (its own copy of the codebook), anonymising."""
    raw = manifest.get("config")
    config: dict[str, Any] = raw if isinstance(raw, dict) else {}
    train = config.get("train")
    if train and not Path(train).is_file():
        raise UsageError(f"{run_dir} trained its coder on {train}, which is no longer there",
                         fix="Put the file back where it was, then run 'tematik anonymise' "
                         "again.")
    return replace(RunConfig.from_saved(config, codebook=Path(run_dir) / "codebook.yaml"),
                   anonymise=True)


def anonymise_run(run_dir: Path, out: Path, *, key_out: Path | None = None,
                  force: bool = False) -> Any:
    """Run again, anonymised, from RUN's stored transcripts with RUN's configuration, into
    ``out``; the key goes to ``key_out`` (default ``OUT.key.csv``). RUN is not changed.
    Returns the :class:`pipeline.run.RunResult`."""
    from pipeline.run import open_run, read_run_table, run

    run_dir = Path(run_dir)
    manifest = open_run(run_dir)
    if manifest.get("anonymised") is not None:
        raise UsageError(f"{run_dir} is already anonymised",
                         fix="Its key maps the pseudonyms back; run 'tematik anonymise' on the "
                         "run it was made from.")
    if Path(out).resolve() == run_dir.resolve():
        raise RunDirectoryError("--out is the run being anonymised",
                                fix="Give the anonymised run its own --out; RUN is not changed.")
    config = stored_config(manifest, run_dir)
    corpus = stored_corpus(read_run_table(run_dir, "transcripts"),
                           read_run_table(run_dir, "turns"))
    return run((), Path(out), config=config, force=force, key_out=key_out, corpus=corpus)
