"""CSV files people download: the one writer every export goes through (pages, admin actions,
statements, reports, import errors), so each opens in Excel as meant and none can run a formula.

- UTF-8 with a byte-order mark, which Excel needs to read anything beyond ASCII.
- Numbers stay numbers: an int or Decimal is written plainly (no thousands separator, no
  currency, no padding zeros beyond what it holds); None is an empty cell, so an undefined
  ratio is empty rather than "—".
- Text starting with =, +, -, @, a tab or a carriage return would be read by a spreadsheet as a
  formula (a name typed as "=HYPERLINK(...)"); it gets a leading apostrophe and stays text.
"""

import csv
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import StreamingHttpResponse
from django.utils.http import content_disposition_header

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> str | int:
    """One value as it goes into a cell (see the module's rules)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


class _Echo:
    def write(self, value: str) -> str:
        return value


def lines(rows: Iterable[Iterable[Any]], *, bom: bool = True) -> Iterator[str]:
    """The rows (the header first) as CSV text, a line at a time, the byte-order mark first
    unless `bom` is False (a file for a provider's upload that reads its first cell as data)."""
    writer = csv.writer(_Echo())
    if bom:
        yield BOM
    for row in rows:
        yield writer.writerow([cell(value) for value in row])


def download(
    rows: Iterable[Iterable[Any]], filename: str, *, bom: bool = True
) -> StreamingHttpResponse:
    """A response that streams `rows` as the CSV file `filename` (see `lines` for `bom`)."""
    return StreamingHttpResponse(
        lines(rows, bom=bom),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )
