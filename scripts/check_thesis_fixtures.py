"""Check the sidecars of the thesis-appendix fixtures in tests/data/thesis/.

For every fixture ``NN_name.EXT`` (``.txt``, ``.md``, ``.srt``, ``.vtt``, ``.json``, ``.docx``,
``.xlsx``) with its sidecar ``NN_name.expected.json`` this checks that:

- the sidecar parses, has the required keys with the right types and no unknown keys;
- every ``informant`` and ``interviewer`` snippet occurs exactly once in the fixture's text
  and lies on one line (of a ``.txt``/``.md``, of a Word paragraph or table cell, of a
  worksheet cell, of a subtitle cue, of a whisper segment), never across a line break;
  snippets do not overlap each other;
- informant snippets have 6-20 words (3-8 of them), interviewer snippets are at most 6;
- every ``noise`` item is the whole content of some line (after a markdown marker ``#``/``-``
  or a PDF line number at the start of the line);
- the fixture has 150-600 words of text;
- ``informant_speakers`` and ``interviewer_speakers`` are disjoint, and each label occurs
  in the text;
- ``persons`` (required from fixture 13 on): every speaker label belongs to a person of the
  same role and every person's label is a listed speaker;
- ``speakers_file``: the CSV has the columns label,person,role,display, its labels occur
  in the text, and grouping its rows by ``person`` gives exactly ``persons``;
  ``persons_without_speakers_file`` has one person per label, displayed as the label.

Text is extracted the way a reader of the format sees it: Word body paragraphs and table
cells (python-docx), worksheet cell values (openpyxl), subtitle cue text without cue numbers,
timings and tags, whisper segment texts (not the top-level ``text``, which repeats them).

Usage::

    .venv/bin/python scripts/check_thesis_fixtures.py [FIXTURE_DIR]

Exits 1 if any check fails.
"""

from __future__ import annotations

import csv
import itertools
import json
import re
import sys
from pathlib import Path

from docx import Document
from openpyxl import load_workbook

DEFAULT_DIR = Path(__file__).resolve().parent.parent / "tests" / "data" / "thesis"
FIXTURE_NAME = re.compile(r"^(\d\d)_[^.]+\.(txt|md|srt|vtt|json|docx|xlsx)$")
REQUIRED = {
    "informant": list,
    "interviewer": list,
    "noise": list,
    "informant_speakers": list,
    "interviewer_speakers": list,
}
OPTIONAL = {
    "persons": list,
    "note": str,
    "speakers_file": str,
    "persons_without_speakers_file": list,
}
PERSONS_FROM = 13  # fixtures numbered from here on must list their persons
ROLES = ("interviewer", "informant")
MIN_WORDS, MAX_WORDS = 150, 600
TIMING = re.compile(r"^\s*\d{1,2}:\d{2}(:\d{2})?[.,]\d{3}\s*-->")
TAG = re.compile(r"<[^>]+>")
LINE_PREFIX = re.compile(r"^\s*(?:#+|[-*])\s+|^\s*\d{1,4}\s+(?=\S)")


def _units_txt(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def _cues(path: Path) -> list[list[str]]:
    """Cue text lines of an .srt or .vtt (no numbers, ids, timings, NOTE/STYLE blocks)."""
    blocks = re.split(r"\n\s*\n", path.read_text(encoding="utf-8").replace("\r\n", "\n"))
    cues = []
    for block in blocks:
        lines = block.strip("\n").split("\n")
        if not lines or lines[0].startswith(("WEBVTT", "NOTE", "STYLE", "REGION")):
            continue
        for i, line in enumerate(lines):
            if TIMING.match(line):
                cues.append([TAG.sub("", text) for text in lines[i + 1 :]])
                break
    return cues


def _units_subtitles(path: Path) -> list[str]:
    return [line for cue in _cues(path) for line in cue]


def _units_json(path: Path) -> list[str]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return [line for seg in data["segments"] for line in seg["text"].splitlines()]


def _units_docx(path: Path) -> list[str]:
    doc = Document(str(path))
    units = [line for p in doc.paragraphs for line in p.text.splitlines()]
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                for p in cell.paragraphs:
                    units.extend(p.text.splitlines())
    return units


def _units_xlsx(path: Path) -> list[str]:
    wb = load_workbook(str(path), read_only=True)
    units = []
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            for value in row:
                if value is not None:
                    units.extend(str(value).splitlines())
    wb.close()
    return units


READERS = {
    ".txt": _units_txt,
    ".md": _units_txt,
    ".srt": _units_subtitles,
    ".vtt": _units_subtitles,
    ".json": _units_json,
    ".docx": _units_docx,
    ".xlsx": _units_xlsx,
}


def _check_json_structure(path: Path, errors: list[str]) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    segments = data.get("segments")
    if not isinstance(segments, list) or not segments:
        errors.append("json: no segments list")
        return
    last = -1.0
    for i, seg in enumerate(segments):
        if not isinstance(seg.get("text"), str):
            errors.append(f"json: segment {i} has no text")
        start, end = seg.get("start"), seg.get("end")
        if not (isinstance(start, int | float) and isinstance(end, int | float)):
            errors.append(f"json: segment {i} lacks numeric start/end")
            continue
        if not last <= start < end:
            errors.append(f"json: segment {i} timing {start}-{end} out of order")
        last = end
        words = seg.get("words")
        if words is not None:
            joined = " ".join(w["word"] for w in words)
            if joined != seg["text"].strip():
                errors.append(f"json: segment {i} words do not spell its text")
    if "text" in data:
        whole = "".join(seg["text"] for seg in segments)
        if " ".join(data["text"].split()) != " ".join(whole.split()):
            errors.append("json: top-level text differs from the joined segments")


def _occurrences(text: str, snippet: str) -> list[int]:
    found, start = [], text.find(snippet)
    while start != -1:
        found.append(start)
        start = text.find(snippet, start + 1)
    return found


def _strip_prefix(line: str) -> str:
    return LINE_PREFIX.sub("", line, count=1).strip()


def _person_key(person: dict) -> tuple:
    return (tuple(sorted(person["labels"])), person["display"], person["role"])


def _check_persons(persons: object, what: str, errors: list[str]) -> list[dict]:
    if not isinstance(persons, list):
        errors.append(f"{what}: not a list")
        return []
    good = []
    for i, person in enumerate(persons):
        if not isinstance(person, dict) or set(person) != {"labels", "display", "role"}:
            errors.append(f"{what}[{i}]: needs exactly labels, display, role")
            continue
        labels = person["labels"]
        if not isinstance(labels, list) or not all(isinstance(x, str) and x for x in labels):
            errors.append(f"{what}[{i}]: labels must be a list of non-empty strings")
            continue
        if not isinstance(person["display"], str) or not person["display"].strip():
            errors.append(f"{what}[{i}]: display must be a non-empty string")
            continue
        if person["role"] not in ROLES:
            errors.append(f"{what}[{i}]: role must be one of {ROLES}")
            continue
        good.append(person)
    return good


def _check_roles(persons: list[dict], expected: dict, what: str, errors: list[str]) -> None:
    by_role = {role: {x for p in persons if p["role"] == role for x in p["labels"]}
               for role in ROLES}
    for role in ROLES:
        for label in expected[f"{role}_speakers"]:
            if label not in by_role[role]:
                errors.append(f"{what}: {role} label {label!r} is in no {role} person's labels")
    listed = set(expected["informant_speakers"]) | set(expected["interviewer_speakers"])
    for person in persons:
        for label in person["labels"]:
            if label not in listed:
                errors.append(f"{what}: label {label!r} of {person['display']!r} is not "
                              "listed in informant_speakers/interviewer_speakers")


def _check_speakers_file(folder: Path, expected: dict, text: str, persons: list[dict],
                         errors: list[str]) -> None:
    path = folder / expected["speakers_file"]
    if not path.is_file():
        errors.append(f"speakers_file {path.name} missing")
        return
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        if reader.fieldnames != ["label", "person", "role", "display"]:
            errors.append(f"{path.name}: columns must be label,person,role,display")
            return
        rows = list(reader)
    grouped: dict[str, dict] = {}
    for row in rows:
        if row["role"] not in ROLES:
            errors.append(f"{path.name}: bad role {row['role']!r}")
        if row["label"] not in text:
            errors.append(f"{path.name}: label {row['label']!r} does not occur in the fixture")
        person = grouped.setdefault(row["person"], {"labels": [], "display": row["display"],
                                                    "role": row["role"]})
        if (person["display"], person["role"]) != (row["display"], row["role"]):
            errors.append(f"{path.name}: person {row['person']!r} has conflicting rows")
        person["labels"].append(row["label"])
    if sorted(map(_person_key, grouped.values())) != sorted(map(_person_key, persons)):
        errors.append(f"persons do not match what {path.name} says")
    without = _check_persons(expected.get("persons_without_speakers_file"),
                             "persons_without_speakers_file", errors)
    if without:
        for person in without:
            if len(person["labels"]) != 1 or person["display"] != person["labels"][0]:
                errors.append("persons_without_speakers_file: one label per person, "
                              "displayed as the label")
        labels_with = sorted(x for p in persons for x in p["labels"])
        labels_without = sorted(x for p in without for x in p["labels"])
        if labels_with != labels_without:
            errors.append("persons_without_speakers_file covers other labels than persons")


def check(fixture: Path) -> tuple[list[str], str]:
    errors: list[str] = []
    sidecar = fixture.with_name(fixture.name[: -len(fixture.suffix)] + ".expected.json")
    if not sidecar.is_file():
        return [f"no sidecar {sidecar.name}"], ""
    try:
        expected = json.loads(sidecar.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        return [f"{sidecar.name} does not parse: {exc}"], ""
    for key, kind in REQUIRED.items():
        if not isinstance(expected.get(key), kind):
            errors.append(f"key {key!r} missing or not a {kind.__name__}")
    for key, kind in OPTIONAL.items():
        if key in expected and not isinstance(expected[key], kind):
            errors.append(f"key {key!r} is not a {kind.__name__}")
    unknown = set(expected) - set(REQUIRED) - set(OPTIONAL)
    if unknown:
        errors.append(f"unknown keys {sorted(unknown)}")
    if errors:
        return errors, ""

    units = READERS[fixture.suffix](fixture)
    text = "\n".join(units)
    # Speaker labels may live outside the text a reader sees (a <v Name> voice tag, a
    # whisper segment's "speaker" field): look for them in the raw file as well.
    labels_text = text
    if fixture.suffix not in (".docx", ".xlsx"):
        labels_text += "\n" + fixture.read_text(encoding="utf-8")
    words = len(text.split())
    if not MIN_WORDS <= words <= MAX_WORDS:
        errors.append(f"{words} words, expected {MIN_WORDS}-{MAX_WORDS}")
    if fixture.suffix == ".json":
        _check_json_structure(fixture, errors)

    spans: list[tuple[int, int, str]] = []
    for kind in ("informant", "interviewer"):
        snippets = expected[kind]
        if len(set(snippets)) != len(snippets):
            errors.append(f"{kind}: duplicate snippets")
        for snippet in snippets:
            if not isinstance(snippet, str) or not snippet.strip():
                errors.append(f"{kind}: empty or non-string snippet")
                continue
            if "\n" in snippet:
                errors.append(f"{kind}: snippet crosses a line break: {snippet!r}")
            found = _occurrences(text, snippet)
            if len(found) != 1:
                errors.append(f"{kind}: occurs {len(found)} times, not once: {snippet!r}")
            else:
                spans.append((found[0], found[0] + len(snippet), snippet))
            n = len(snippet.split())
            if kind == "informant" and not 6 <= n <= 20:
                errors.append(f"informant: {n} words, expected 6-20: {snippet!r}")
    if not 3 <= len(expected["informant"]) <= 8:
        errors.append(f"{len(expected['informant'])} informant snippets, expected 3-8")
    if len(expected["interviewer"]) > 6:
        errors.append(f"{len(expected['interviewer'])} interviewer snippets, expected at most 6")
    spans.sort()
    for (_, end_a, a), (start_b, _, b) in itertools.pairwise(spans):
        if start_b < end_a:
            errors.append(f"snippets overlap: {a!r} / {b!r}")

    lines = {line.strip() for line in units} | {_strip_prefix(line) for line in units}
    for noise in expected["noise"]:
        if noise.strip() not in lines:
            errors.append(f"noise is not the content of any line: {noise!r}")

    informants = expected["informant_speakers"]
    interviewers = expected["interviewer_speakers"]
    for label in set(informants) & set(interviewers):
        errors.append(f"label {label!r} is both informant and interviewer")
    number = int(fixture.name[:2])
    for label in informants + interviewers:
        if number >= PERSONS_FROM and label not in labels_text:
            errors.append(f"speaker label {label!r} does not occur in the fixture")

    if "persons" in expected:
        persons = _check_persons(expected["persons"], "persons", errors)
        _check_roles(persons, expected, "persons", errors)
        if "speakers_file" in expected:
            _check_speakers_file(fixture.parent, expected, labels_text, persons, errors)
        elif "persons_without_speakers_file" in expected:
            errors.append("persons_without_speakers_file without a speakers_file")
    elif number >= PERSONS_FROM:
        errors.append("no persons (required from fixture 13 on)")
    summary = (f"{words} words, {len(expected['informant'])} informant / "
               f"{len(expected['interviewer'])} interviewer snippets, "
               f"{len(expected['noise'])} noise")
    if "persons" in expected:
        summary += f", {len(expected['persons'])} persons"
    if "speakers_file" in expected:
        summary += " + speakers file"
    return errors, summary


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0]) if args else DEFAULT_DIR
    fixtures = sorted(p for p in folder.iterdir() if FIXTURE_NAME.match(p.name)
                      and not p.name.endswith(".expected.json"))
    failed = 0
    for fixture in fixtures:
        errors, summary = check(fixture)
        if errors:
            failed += 1
            print(f"FAIL {fixture.name}")
            for error in errors:
                print(f"     - {error}")
        else:
            print(f"ok   {fixture.name}: {summary}")
    stems = {p.name[: -len(p.suffix)] for p in fixtures}
    for sidecar in sorted(folder.glob("*.expected.json")):
        if sidecar.name[: -len(".expected.json")] not in stems:
            failed += 1
            print(f"FAIL {sidecar.name}: sidecar without a fixture")
    for speakers in sorted(folder.glob("*.speakers.csv")):
        if speakers.name[: -len(".speakers.csv")] not in stems:
            failed += 1
            print(f"FAIL {speakers.name}: speakers file without a fixture")
    print(f"{len(fixtures)} fixtures, {failed} failing")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
