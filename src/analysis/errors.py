"""Problems found in input data, collected so that every one is reported at once."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One bad value: where it is, what it is and what was expected."""

    file: str
    line: int | None
    column: str | None
    value: object
    expected: str
    # A place a line number cannot name, such as a workbook's cell ("'List 4'!I7"); when
    # given it is printed after the file name in place of the line.
    where: str | None = None

    def __str__(self) -> str:
        if self.where is not None:
            where = f"{self.file}: {self.where}"
        else:
            where = self.file if self.line is None else f"{self.file}:{self.line}"
        parts = [where]
        if self.column is not None:
            parts.append(f"column '{self.column}'")
        if self.value is not None:
            parts.append(f"value '{self.value}'")
        parts.append(f"expected {self.expected}")
        return ": ".join(parts)


class DataError(Exception):
    """Raised with every problem found, so the user can fix them all in one pass."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} found:"
        super().__init__("\n".join([head, *(f"  {p}" for p in self.problems)]))


class UsageError(Exception):
    """A wrong argument or parameter: reported plainly, exit status 2."""


BOM = b"\xef\xbb\xbf"
_NOT_UTF8 = (
    "UTF-8 text; this file looks saved in another encoding (Excel's plain 'CSV' is "
    "Windows-1252): save it again as 'CSV UTF-8 (Comma delimited)'"
)


def not_utf8(data: bytes, file: str) -> list[Problem]:
    """Every line of a file's bytes that is not UTF-8: its line, the first bad byte, the fix."""
    problems = []
    for number, line in enumerate(data.removeprefix(BOM).split(b"\n"), start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as exc:
            byte = line[exc.start]
            # What the byte is in Windows-1252, the usual culprit ("–" for 0x96), if anything.
            meant = bytes([byte]).decode("cp1252", errors="replace")
            said = f" ('{meant}' in Windows-1252)" if meant != "\ufffd" else ""
            value = f"byte 0x{byte:02X}{said} at byte {exc.start + 1} of the line"
            problems.append(Problem(file, number, None, value, _NOT_UTF8))
    return problems


# Listing a million problems helps nobody: the first ones show the pattern, and quarantine
# mode sets every bad record aside with its reason.
MAX_LISTED = 100


def capped(problems: list[Problem], quarantined: str) -> list[Problem]:
    """The first MAX_LISTED problems and a line saying how many more there are.

    `quarantined` says what --quarantine sets aside ("every bad row with its reason").
    """
    if len(problems) <= MAX_LISTED:
        return problems
    rest = len(problems) - MAX_LISTED
    note = Problem(
        problems[MAX_LISTED].file,
        None,
        None,
        f"{rest} more problems not listed",
        f"see the first ones above; --quarantine sets aside {quarantined}",
    )
    return [*problems[:MAX_LISTED], note]
