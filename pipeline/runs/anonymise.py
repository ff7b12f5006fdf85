"""Anonymised runs: the corpus pseudonymised for the stage sequence, the key's contents, and
``tematik anonymise RUN``.

``tematik run --anonymise`` pseudonymises the transcripts right after ingest
(:mod:`pipeline.stages.anonymise`, called by :func:`anonymise_corpus`); the key goes beside
the run directory, never inside it (:func:`pipeline.runs.rundir.check_key_path`).
``tematik anonymise RUN`` re-runs a finished run's stored transcripts with anonymisation.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.config import RunConfig
from pipeline.errors import RunDirectoryError, UsageError
from pipeline.runs import rundir
from pipeline.stages.anonymise import Anonymised, anonymise
from pipeline.stages.normalise import Normaliser
from pipeline.stages.pseudonyms import Key
from pipeline.types import Corpus, Transcript, Turn


def key_bytes(path: Path, key: Key, *, run: Path) -> bytes:
    """``key`` as the file ``path`` holds it: CSV (UTF-8 with BOM, for Excel) or JSON."""
    rows = key.rows()
    if Path(path).suffix.lower() == ".json":
        text = json.dumps({"run": str(run), "entries": rows}, ensure_ascii=False, indent=2)
        return (text + "\n").encode("utf-8")
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]) if rows else ["kind"],
                            lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


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
             texts[str(r["transcript_id"])][int(r["start"]):int(r["end"])],
             str(r.get("display") or ""))
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
    return replace(RunConfig.from_saved(config, codebook=rundir.codebook_path(run_dir)),
                   anonymise=True)


def anonymise_run(run_dir: Path, out: Path, *, key_out: Path | None = None,
                  force: bool = False) -> Any:
    """Run again, anonymised, from RUN's stored transcripts with RUN's configuration, into
    ``out``; the key goes to ``key_out`` (default ``OUT.key.csv``). RUN is not changed.
    Returns the :class:`pipeline.runs.run.RunResult`."""
    from pipeline.runs.run import run

    run_dir = Path(run_dir)
    manifest = rundir.open_run(run_dir)
    if manifest.get("anonymised") is not None:
        raise UsageError(f"{run_dir} is already anonymised",
                         fix="Its key maps the pseudonyms back; run 'tematik anonymise' on the "
                         "run it was made from.")
    if Path(out).resolve() == run_dir.resolve():
        raise RunDirectoryError("--out is the run being anonymised",
                                fix="Give the anonymised run its own --out; RUN is not changed.")
    config = stored_config(manifest, run_dir)
    corpus = stored_corpus(rundir.read_table(run_dir, "transcripts"),
                           rundir.read_table(run_dir, "turns"))
    return run((), Path(out), config=config, force=force, key_out=key_out, corpus=corpus)
