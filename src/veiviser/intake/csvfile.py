"""Reading an intake CSV: the bytes' encoding, the header, and each row's raw values.

Admissions exports (VIGO) come semicolon-separated, as UTF-8 (with or without a byte-order
mark) or as Windows-1252. The encoding is decided from the bytes, not guessed from the text:
a BOM means UTF-8; otherwise the file is UTF-8 if it decodes as UTF-8 (Windows-1252 text with
æ, ø or å is never valid UTF-8), and Windows-1252 if not. Bytes that are undefined in
Windows-1252 make the file unreadable (most likely neither encoding).
"""

import csv
import hashlib
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _

from veiviser.problems import Problem

BOM = b"\xef\xbb\xbf"


class FileUnreadable(ValueError):
    """The file as a whole cannot be read; the problems name row 1 (the header) or the bytes."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


@dataclass(frozen=True)
class RawFile:
    sha256: str
    encoding: str
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (row number, header being row 1; the cells)


def checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def decode(data: bytes) -> tuple[str, str]:
    """The text and the name of its encoding ("utf-8-sig", "utf-8" or "windows-1252")."""
    if data.startswith(BOM):
        try:
            return data[len(BOM) :].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise FileUnreadable(
                [Problem("file", _("starts as UTF-8 but byte %(at)s is not") % {"at": exc.start})]
            ) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError as exc:
        raise FileUnreadable(
            [
                Problem(
                    "file",
                    _("byte %(at)s is neither UTF-8 nor Windows-1252: is this a CSV file?")
                    % {"at": exc.start},
                )
            ]
        ) from None


def read(data: bytes) -> RawFile:
    """Split the file into its header and rows (semicolon-separated); blank lines are skipped."""
    text, encoding = decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    number = 0
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            number += 1
            if header is None:
                header = [cell.strip() for cell in cells]
            else:
                rows.append((number, [cell.strip() for cell in cells]))
    except csv.Error as exc:
        raise FileUnreadable(
            [Problem("file", _("row %(row)s: %(why)s") % {"row": number + 1, "why": exc})]
        ) from None
    if header is None:
        raise FileUnreadable([Problem("file", _("the file is empty"))])
    if len(header) == 1 and ("," in header[0] or "\t" in header[0]):
        raise FileUnreadable(
            [Problem("file", _("the header has one column: the file must be semicolon-separated"))]
        )
    return RawFile(sha256=checksum(data), encoding=encoding, header=header, rows=rows)
