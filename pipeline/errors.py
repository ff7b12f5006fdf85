"""The one exception module.

Every message says what was wrong, the offending value (file, line, cell) and how to fix it.
The CLI turns a :class:`TematikError` into a one-line message and an exit code; the library
never prints or exits.

The message reads as sentences: ``"{message}. {fix}"``, with one full stop between the
two and one at the end (none added after a ``.``, ``?``, ``!`` or ``…`` already there):
``input not found: transkrip. Check the path, or run without INPUT to use corpus/.``

Exit codes: 2 (:class:`UsageError`) when the command line must change: a path that does
not exist, a file of a kind the command does not take, an option value that names
nothing, options that do not go together. 1 (every other error) when what the files hold
must change: an unreadable or empty file, a missing column, a run that did not finish, an
output that already exists.
"""

from __future__ import annotations

from pathlib import Path


class TematikError(Exception):
    """Base class. ``exit_code`` is what the CLI exits with."""

    exit_code = 1

    def __init__(self, message: str, *, fix: str = "") -> None:
        self.message = message
        self.fix = fix
        super().__init__(self.__str__())

    def __str__(self) -> str:
        return " ".join(sentence(part) for part in (self.message, self.fix) if part.strip())


_ENDS = (".", "?", "!", "…")


def sentence(text: str) -> str:
    """``text`` stripped and ending with a full stop, unless it already ends with ``.``, ``?``,
    ``!`` or ``…``: how each part of an error message is written."""
    text = text.strip()
    return text if not text or text.endswith(_ENDS) else text + "."


class UsageError(TematikError):
    """The command line asks for something impossible: a path that does not exist, a file of
    a kind the command does not read, an option value that names nothing."""

    exit_code = 2


class InputFileError(TematikError):
    """One input file could not be read. Names the file and, where known, the line or cell."""

    exit_code = 1

    def __init__(
        self,
        path: Path | str,
        problem: str,
        *,
        fix: str = "",
        line: int | None = None,
        cell: str | None = None,
    ) -> None:
        self.path = str(path)
        self.line = line
        self.cell = cell
        where = self.path
        if line is not None:
            where += f", line {line}"
        if cell is not None:
            where += f", cell {cell}"
        super().__init__(f"{where}: {problem}", fix=fix)


class RunDirectoryError(TematikError):
    """The run directory cannot be written, or exists and would be overwritten."""

    exit_code = 1


class ResourceError(TematikError):
    """A shipped or user-supplied resource (lexicon, codebook) is malformed."""

    exit_code = 1

    def __init__(self, message: str, *, fix: str = "", line: int | None = None) -> None:
        self.line = line
        super().__init__(message, fix=fix)


class TrainingError(TematikError):
    """A model cannot be trained from what was given (too few coded passages, no features)."""

    exit_code = 1
