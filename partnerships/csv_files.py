"""CSV files people upload: the upload form, and a file read into its rows by column, with every
problem that makes it unreadable named by its line.

A file is UTF-8 text (a byte-order mark is dropped), comma-separated, with a header on line 1
naming the columns in any order and any case. Lines are counted as in the file, so a quoted
cell spanning lines reports its row at its first line; blank lines are skipped.
"""

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import IO, Any, NamedTuple

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from partnerships import inputs

NOT_UTF8_LINE = gettext_lazy("This line is not UTF-8 text. In Excel: Save As → CSV UTF-8.")
EMPTY_FILE = gettext_lazy("The file is empty; its first line names the columns: %(columns)s.")

Upload = IO[str] | IO[bytes] | bytes | str
Record = tuple[int, dict[str, str]]  # (line, {column: cell})


@dataclass(frozen=True)
class Column:
    name: str
    required: bool  # must be in a file's header
    description: str


@dataclass(frozen=True)
class RowError:
    """A problem in a file or an API list: `line` as counted in the file (header = 1), or the
    item's index in the list, None for the whole of it; the column it is in ("" for the whole
    line) and the reason."""

    line: int | None
    column: str
    message: str


@dataclass
class ImportResult:
    """What importing a file or an API list did, every row or none: with `errors`, nothing was
    written. Each import adds its counts; `notices` are what the user should know of a
    successful one."""

    errors: list[RowError] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def error_records(self) -> list[dict]:
        """The errors as an import job or a webhook delivery stores them."""
        return [
            {"line": error.line, "field": error.column, "message": error.message}
            for error in self.errors
        ]


class CsvFileForm(forms.Form):
    """The upload: one CSV file of at most `max_megabytes`."""

    max_megabytes: int

    file = forms.FileField(
        label=_("CSV file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "UTF-8, comma-separated, at most %(megabytes)s MB. In Excel: Save As → CSV UTF-8."
        ) % {"megabytes": self.max_megabytes}

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > self.max_megabytes * 1024 * 1024:
            raise ValidationError(
                _(
                    "The file is %(size).1f MB; the limit is %(megabytes)s MB. Split it into "
                    "several files: importing them one after another gives the same result."
                )
                % {"size": upload.size / (1024 * 1024), "megabytes": self.max_megabytes}
            )
        if not upload.name.lower().endswith((".csv", ".txt")):
            raise ValidationError(_("Upload a .csv file. In Excel: Save As → CSV UTF-8."))
        return upload


def read_text(
    file: Upload, columns: Sequence[Column], *, most_bad_lines: int | None = None
) -> tuple[str, list[RowError]]:
    """The file's text; or the errors that leave nothing to read: an empty file, or the lines
    that are not UTF-8 (the first `most_bad_lines` of them, all if None)."""
    data = file if isinstance(file, bytes | str) else file.read()
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            lines = enumerate(data.split(b"\n"), start=1)
            bad = (number for number, line in lines if not _is_utf8(line))
            message = str(NOT_UTF8_LINE)
            return "", [RowError(number, "", message) for number in islice(bad, most_bad_lines)]
    text = data.removeprefix("\ufeff")
    if inputs.NUL in text:
        # Refused before any cell is read, so that no message quotes it to the database.
        lines = enumerate(text.split("\n"), start=1)
        bad = (number for number, line in lines if inputs.NUL in line)
        return "", [
            RowError(number, "", str(inputs.NUL_MESSAGE)) for number in islice(bad, most_bad_lines)
        ]
    if not text.strip():
        names = ",".join(column.name for column in columns)
        return "", [RowError(None, "", EMPTY_FILE % {"columns": names})]
    return text, []


def _is_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


class Table(NamedTuple):
    """A file's rows as cells by column, and what is wrong with its header and its lines."""

    records: list[Record]
    header_errors: list[RowError]
    line_errors: list[RowError]


def read_table(text: str, columns: Sequence[Column]) -> Table:
    """`stream_table` of a text held whole, its problems split into the header's and the
    lines'."""
    table = Table([], [], [])
    for item in stream_table(text, columns):
        if isinstance(item, RowError):
            (table.header_errors if item.line == 1 else table.line_errors).append(item)
        else:
            table.records.append(item)
    return table


class BadLine(ValueError):
    """A line no cell of which is read: not UTF-8, or holding a NUL character."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line, self.message = line, message


def decoded_lines(file: Upload) -> Iterator[str]:
    """The file's lines as text, decoded one at a time from its start (a byte-order mark
    dropped), so a file is never held whole; raises BadLine at a line that is not UTF-8 or
    holds a NUL character (refused before any cell is read, so that no message quotes it)."""
    if isinstance(file, str):
        source: Iterable = io.StringIO(file, newline="")
    elif isinstance(file, bytes):
        source = io.BytesIO(file)
    else:
        file.seek(0)
        source = file
    for number, line in enumerate(source, start=1):
        if isinstance(line, bytes):
            try:
                line = line.decode("utf-8")
            except UnicodeDecodeError:
                raise BadLine(number, str(NOT_UTF8_LINE)) from None
        if inputs.NUL in line:
            raise BadLine(number, str(inputs.NUL_MESSAGE))
        yield line.removeprefix("\ufeff") if number == 1 else line


def stream_rows(lines: Iterable[str], delimiter: str = ",") -> Iterator[tuple[int, list[str]]]:
    """Each non-blank line's cells with its line number; a line holding a NUL character is a
    RowError, and one that is not UTF-8 or not CSV ends the reading with a RowError yielded
    in its place."""
    reader = csv.reader(lines, delimiter=delimiter)
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except BadLine as error:
            yield RowError(error.line, "", error.message)
            return
        except csv.Error as error:
            what = "the header" if line == 1 else "this line"
            yield RowError(
                line,
                "",
                _("Cannot read %(what)s as CSV: %(error)s.") % {"what": what, "error": error},
            )
            return
        joined = "".join(cells)
        if inputs.NUL in joined:
            # Refused before any cell is read, so that no message quotes it to the database.
            yield RowError(line, "", str(inputs.NUL_MESSAGE))
        elif joined.strip():
            yield line, cells


def stream_table(file: Upload, columns: Sequence[Column]) -> Iterator[Record | RowError]:
    """Read the header, then, unless it is unreadable or lacks a required column, the rows,
    one at a time. A line with another number of cells than the header is an error, and one
    that is not CSV ends the reading; a file without rows is an error when nothing else was
    wrong."""
    rows = stream_rows(decoded_lines(file))
    first = next(rows, None)
    if first is None:
        names = ",".join(column.name for column in columns)
        yield RowError(None, "", EMPTY_FILE % {"columns": names})
        return
    if isinstance(first, RowError):
        yield first
        return
    header = [cell.strip().lower() for cell in first[1]]
    header_errors = _check_header(header, columns)
    yield from header_errors
    if any(column.required and column.name not in header for column in columns):
        return
    clean, count = not header_errors, 0
    for item in rows:
        if isinstance(item, RowError):
            yield item
            clean = False
            continue
        line, cells = item
        if len(cells) != len(header):
            message = ngettext(
                "This line has %(values)d value but the header has %(columns)d columns (a stray "
                "quote mark or comma shifts the cells).",
                "This line has %(values)d values but the header has %(columns)d columns (a "
                "stray quote mark or comma shifts the cells).",
                len(cells),
            ) % {"values": len(cells), "columns": len(header)}
            yield RowError(line, "", message)
            clean = False
            continue
        count += 1
        yield line, dict(zip(header, cells, strict=True))
    if not count and clean:
        yield RowError(None, "", _("The file has a header but no rows."))


def _check_header(header: list[str], columns: Sequence[Column]) -> list[RowError]:
    names = [column.name for column in columns]
    if len(header) == 1 and ";" in header[0]:
        message = _("The columns are separated by ';'. Save the file with commas: CSV UTF-8.")
        return [RowError(1, "", message)]
    errors = []
    for position, name in enumerate(header, start=1):
        if not name:
            message = _("Column %(position)s of the header has no name.") % {"position": position}
            errors.append(RowError(1, "", message))
        elif name not in names:
            message = _("Unknown column '%(name)s'; the columns are %(columns)s.") % {
                "name": name,
                "columns": ", ".join(names),
            }
            errors.append(RowError(1, name, message))
        elif name in header[: position - 1]:
            errors.append(RowError(1, name, _("This column appears twice in the header.")))
    errors += [
        RowError(1, column.name, _("Required column missing from the header."))
        for column in columns
        if column.required and column.name not in header
    ]
    return errors
