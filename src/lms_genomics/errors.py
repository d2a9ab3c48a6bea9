"""Errors raised by lmsgen. The CLI maps each class to one stderr line and a documented exit code."""

from __future__ import annotations

from pathlib import Path


class LmsgenError(Exception):
    """Base class of every error lmsgen raises on purpose."""

    exit_code = 1

    def one_line(self) -> str:
        """The message as a single line (no newlines), fit for stderr."""
        return " ".join(str(self).split())


class InputError(LmsgenError):
    """An input file is unreadable, malformed, or not what it claims to be.

    Carries the file, the 1-based line when known, and the reason, so the message reads
    ``<file>:<line>: <reason>``.
    """

    exit_code = 3

    def __init__(self, path: str | Path | None, reason: str, line: int | None = None) -> None:
        self.path = str(path) if path is not None else None
        self.line = line
        self.reason = reason
        where = self.path or "<input>"
        if line is not None:
            where = f"{where}:{line}"
        super().__init__(f"{where}: {reason}")


class UsageError(LmsgenError):
    """The request itself is inconsistent (bad option value, missing sample, nothing to do)."""

    exit_code = 2


class NoInputError(LmsgenError):
    """A sample folder holds no file lmsgen can read."""

    exit_code = 4


class ReferenceFileError(InputError):
    """A reference file (gene BED, arm table) is malformed."""

    exit_code = 5


class OutputError(LmsgenError):
    """An output cannot be written: full disk, file-size limit, read-only or unwritable folder, a name the file
    system refuses. Writes are atomic, so no partial file is left; the message names the file."""

    exit_code = 7

    def __init__(self, path: str | Path | None, reason: str) -> None:
        self.path = str(path) if path is not None else None
        self.reason = reason
        super().__init__(f"{self.path or '<output>'}: cannot write: {reason}")


def os_reason(exc: OSError) -> str:
    """A short reason for an ``OSError`` (``No space left on device``, ``File too large``...)."""
    return exc.strerror or " ".join(str(exc).split()) or type(exc).__name__
