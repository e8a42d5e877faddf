"""Import problems located the way a spreadsheet user finds them: file, row, column."""

from __future__ import annotations

from dataclasses import dataclass

from offduty.models.errors import ProblemKind


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA (spreadsheet column names)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem of an input file.

    `row` counts as a spreadsheet does: the header is row 1, the first data row is row 2 (None for
    a problem of the whole file). `column` is the header name, `letter` its spreadsheet column.
    """

    file: str
    row: int | None
    column: str | None
    message: str
    kind: ProblemKind
    letter: str | None = None

    @property
    def where(self) -> str:
        parts = [self.file]
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            cell = f" (cell {self.letter}{self.row})" if self.letter and self.row is not None else ""
            parts.append(f"column {self.column}{cell}")
        return ", ".join(parts)

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"

    def to_dict(self) -> dict[str, str | int | None]:
        return {"file": self.file, "row": self.row, "column": self.column, "cell":
                f"{self.letter}{self.row}" if self.letter and self.row is not None else None,
                "message": self.message, "kind": self.kind.name.lower()}

