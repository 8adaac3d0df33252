"""SyncValue's errors."""

from __future__ import annotations

from kiki.core.errors import InvalidInputError, KikiError


class SyncValueError(KikiError):
    """SyncValue could not do what it was asked."""


class CsvRowError(SyncValueError, InvalidInputError):
    """A CSV file broke a rule at ``line``; nothing from the file was written.

    Also an InvalidInputError, so entrypoints treat it as bad input (exit code 2).
    """

    def __init__(self, line: int, column: str, rule: str, *, source: str | None = None) -> None:
        InvalidInputError.__init__(self, column, rule)
        where = f"{source} line {line}" if source else f"line {line}"
        self.args = (f"{where}: {column}: {rule}",)
        self.line = line
        self.column = column
        self.source = source

    def in_file(self, source: str) -> CsvRowError:
        """The same error, naming the file it came from."""
        return CsvRowError(self.line, self.column, self.rule, source=source)

    def __str__(self) -> str:
        return str(self.args[0])
