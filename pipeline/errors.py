"""The one exception module.

Every message says what was wrong, the offending value (file, line, cell) and how to fix it.
The CLI turns a :class:`TematikError` into a one-line message and an exit code; the library
never prints or exits.
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
        return f"{self.message} {self.fix}".strip() if self.fix else self.message


class UsageError(TematikError):
    """The command was asked for something impossible: a missing path, an empty folder."""

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
