"""Reading a CSV download as a spreadsheet would: it must start with the UTF-8 byte-order mark."""

import csv
import io
from collections.abc import Iterable
from typing import Any

from django.http import StreamingHttpResponse

from partnerships import csv_downloads


def csv_text(response: StreamingHttpResponse) -> str:
    """The file's text after its byte-order mark."""
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    data = b"".join(response.streaming_content).decode("utf-8")
    assert data.startswith("\ufeff")
    return data.removeprefix("\ufeff")


def csv_rows(response: StreamingHttpResponse) -> list[list[str]]:
    return list(csv.reader(io.StringIO(csv_text(response))))


def csv_records(response: StreamingHttpResponse) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(csv_text(response))))


def records_of(rows: Iterable[Iterable[Any]]) -> list[dict[str, str]]:
    """Rows as the one CSV writer writes them, read back by their header."""
    text = "".join(csv_downloads.lines(rows))
    assert text.startswith(csv_downloads.BOM)
    return list(csv.DictReader(io.StringIO(text.removeprefix(csv_downloads.BOM))))
