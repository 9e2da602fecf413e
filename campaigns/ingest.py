"""Sales and metric snapshots brought in from CSV files and the API (DESIGN §6).

A sales file is UTF-8 text, comma-separated, with a header on line 1 naming the columns in any
order (`SALES_COLUMNS` documents each one):

    order_id,line_id,ordered_at,code,sku,quantity,net_amount,currency,status,refunded_at,refunded_amount

A metrics file has `content` (a content item's id), `date` and any of the cumulative counters
(`METRICS_COLUMNS`). The API takes the same rows as a list of JSON objects keyed by column.

Rules:
- A batch is all or nothing. Every row is checked first, on its own and against the brand's
  codes, products, content and stored rows; one bad row rejects the batch, and every problem is
  reported with its row (the line in a file, header = 1; the index in an API list), its field
  and the reason. Nothing is written then.
- A sale is identified by (order_id, line_id) in the brand, a snapshot by (content, date); a
  pair may appear once per batch. A row for a stored one updates it; sending the same batch
  again changes nothing, and the counts say so (created, updated, unchanged).
- For a stored sale or snapshot an empty cell keeps the stored value: a refund may be sent as
  order_id, line_id, refunded_at and refunded_amount alone, and re-sending an order export
  from before the refund does not undo it. A new sale needs every column up to `currency`; a
  new snapshot's missing counters are 0.
- Refunds: `refunded_amount` with `refunded_at` records what was refunded of the line so far
  (partial or whole); status `refunded` without an amount refunds the whole line;
  `refunded_amount` 0 clears a refund. A line refunded in full has status `refunded`, a partly
  refunded one stays `pending` or `confirmed`. A refund is never larger than the line's net
  amount nor earlier than the order.
- Naive times are the brand's local time. Amounts have at most the currency's decimal places.
- Tracking codes (any case) and SKUs are looked up in the brand only: another brand's code is
  unknown. A content item of another brand is unknown too. Lookups are set-based, a chunk of
  SAVE_CHUNK rows at a time: one query for its codes, one for its SKUs, and for its stored rows
  one query on PostgreSQL (the keys sent as arrays) or chunked ones elsewhere.
- A file is never held whole: it is read a line at a time, twice. The first pass checks each
  row on its own and keeps only the problems (the first MAX_ERRORS of them) and which order
  lines it saw; the second looks a chunk of rows up and writes it. A 50 MB file imports in
  less than 250 MB.
- On PostgreSQL a large sales batch is written by COPY into a temporary table and one
  INSERT … ON CONFLICT … DO UPDATE … WHERE changed; otherwise by bulk_create and bulk_update.
  Both write the same rows and report the same counts.
- Imports into one brand take turns: the brand row is locked while a batch is checked against
  the stored data and written.

`run_job` imports the file of an ImportJob (uploads on /imports/ and in the admin), recording
progress, counts and errors on the job.
"""

import csv
import logging
import re
from collections.abc import Callable, Container, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from decimal import Decimal, InvalidOperation
from itertools import islice
from pathlib import PurePath
from typing import IO, Any, Literal, NamedTuple

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models import F, QuerySet
from django.utils import timezone, translation
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop, ngettext

from campaigns import attribution, order_exports
from campaigns.models import ContentItem, ImportJob, MetricSnapshot, Sale, TrackingCode
from partnerships import csv_files, freshness, inputs, money, tenancy
from partnerships.csv_files import Column, ImportResult, Record, RowError
from partnerships.models import Brand, Product

logger = logging.getLogger(__name__)

Progress = Callable[[int, int | None], None]  # (rows checked, rows in the batch if known)
Method = Literal["auto", "copy", "bulk"]

CHECK_CHUNK = 5_000  # rows checked between two progress reports
SAVE_CHUNK = 5_000  # rows looked up and written together
MAX_ERRORS = 10_000  # problems reported; the rest are counted
WRITE_BATCH = 1_000  # rows per bulk_create / bulk_update statement
COPY_MIN_ROWS = 1_000  # smaller sales batches take the bulk path on PostgreSQL too
LARGEST_AMOUNT = Decimal(10) ** 12  # DecimalField(max_digits=14, decimal_places=2)
LARGEST_QUANTITY = 2**31 - 1  # PositiveIntegerField
LARGEST_COUNT = 2**63 - 1  # PositiveBigIntegerField
CENT = Decimal("0.01")
WHOLE_NUMBER = re.compile(r"[+-]?\d+")


# --- Columns ----------------------------------------------------------------------------


SALES_COLUMNS = (
    Column("order_id", True, gettext_lazy("The shop's order id, e.g. 200045781.")),
    Column(
        "line_id",
        True,
        gettext_lazy(
            "The line within the order, e.g. 1. Order and line identify the sale: sending it "
            "again updates it."
        ),
    ),
    Column(
        "ordered_at",
        True,
        gettext_lazy(
            "ISO 8601 date and time, e.g. 2026-11-05T14:30:00+08:00; without an offset it is "
            "the brand's local time."
        ),
    ),
    Column(
        "code",
        True,
        gettext_lazy("The promo or link code of this brand that brought the sale, e.g. ANNA10."),
    ),
    Column("sku", True, gettext_lazy("The product's SKU in this brand.")),
    Column("quantity", True, gettext_lazy("Whole number, 1 or more.")),
    Column(
        "net_amount",
        True,
        gettext_lazy(
            "After discounts, without tax and shipping, with a dot for decimals, e.g. 129.90."
        ),
    ),
    Column(
        "currency",
        True,
        format_lazy(gettext_lazy("3-letter code: {codes}."), codes=", ".join(money.CURRENCIES)),
    ),
    Column(
        "status",
        False,
        gettext_lazy(
            "pending, confirmed or refunded; empty means confirmed (refunded when the whole "
            "line was refunded). Only confirmed sales earn commission."
        ),
    ),
    Column(
        "refunded_at", False, gettext_lazy("When the refund was made, ISO 8601 like ordered_at.")
    ),
    Column(
        "refunded_amount",
        False,
        gettext_lazy(
            "How much of the line was refunded so far, at most its net amount; 0 clears a "
            "refund. Status refunded without an amount refunds the whole line."
        ),
    ),
    Column(
        "channel",
        False,
        format_lazy(
            gettext_lazy("Where the order was placed: {channels}; empty if not said."),
            channels=", ".join(Sale.Channel.values),
        ),
    ),
    Column(
        "order_reference",
        False,
        gettext_lazy("The order's reference in its channel, e.g. #1001."),
    ),
)
SALES_HEADER = tuple(column.name for column in SALES_COLUMNS)
SALES_EXAMPLE = (
    ",".join(SALES_HEADER) + "\n"
    "200045781,1,2026-11-05T14:30:00+08:00,ANNA10,WIG-BW-22,1,189.00,USD,confirmed,,,,\n"
    "200045781,2,2026-11-05T14:30:00+08:00,ANNA10,WIG-CL-18,2,250.00,USD,confirmed,"
    "2026-11-20T09:00:00+08:00,125.00,,\n"
    "200046002,1,2026-11-06 10:02,MIA-LIVE,WIG-BW-22,1,1299.00,CNY,refunded,2026-11-09 16:45,,"
    "tmall,TM-88120\n"
)

COUNTERS = MetricSnapshot.COUNTERS
METRICS_COLUMNS = (
    Column(
        "content",
        True,
        gettext_lazy("The content item's id, as shown on the campaign page and the API."),
    ),
    Column("date", True, gettext_lazy("The day the counters were read, YYYY-MM-DD.")),
    *(
        Column(
            name,
            False,
            gettext_lazy(
                "Cumulative total so far, a whole number 0 or more; empty keeps the stored "
                "value (0 for a new day)."
            ),
        )
        for name in COUNTERS
    ),
)
METRICS_HEADER = tuple(column.name for column in METRICS_COLUMNS)
METRICS_EXAMPLE = (
    ",".join(METRICS_HEADER) + "\n"
    "41,2026-11-10,182000,121000,240000,15200,830,410,990,3100,96,12\n"
    "41,2026-11-11,201500,133000,262000,16800,902,455,1040,3420,104,14\n"
)


# --- Results ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Unattributed:
    """An order line of a shop's or marketplace's file that nothing attributes: not written."""

    row: int
    order: str
    reason: str


@dataclass
class IngestResult(ImportResult):
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    unattributed: int = 0  # order lines not written, since nothing attributes them
    unattributed_lines: list[Unattributed] = field(default_factory=list)  # the first ones

    def counts(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}

    def summary(self) -> str:
        """The counts in one sentence, for a message."""
        return ImportJob(**self.counts(), unattributed=self.unattributed).summary()


class Problems(list):
    """The problems of a batch, the first MAX_ERRORS of them kept, and how many more."""

    more = 0

    def add(self, errors: Iterable[RowError]) -> None:
        for error in errors:
            if len(self) < MAX_ERRORS:
                self.append(error)
            else:
                self.more += 1

    def reported(self, columns: Sequence[Column]) -> list[RowError]:
        """In the order of the rows, with a last line saying how many were left out."""
        errors = _by_row(self, columns)
        if self.more:
            message = ngettext(
                "… and %(count)s more problem: fix these and import again.",
                "… and %(count)s more problems: fix these and import again.",
                self.more,
            ) % {"count": f"{self.more:,}"}
            errors.append(RowError(None, "", message))
        return errors


@dataclass
class Batch:
    """A file or API payload read and checked row by row on its own, before the brand's stored
    data is consulted: the problems found and how many rows. The rows are never all held in
    memory: `rows()` reads and checks them again from the start, a row with a problem of its
    own marked flawed (its codes, SKUs or content are still looked up, so that every problem
    of a row is reported at once)."""

    rows: Callable[[], Iterator[Any]]
    errors: Problems
    total: int = 0  # rows read, bad ones included
    # Of a shop's or marketplace's file: the lines nothing attributes, and when a refund the
    # file does not date was made (the import's time; a stored refund keeps its date).
    unattributed: int = 0
    unattributed_lines: list[Unattributed] = field(default_factory=list)
    refunds_dated: datetime | None = None


# What a batch reads: a row's cells, a problem that makes a line unreadable, or an order line
# nothing attributes. A Source reads them again from the start each time it is called.
Item = Record | RowError | Unattributed
Source = Callable[[], Iterator[Item]]
Check = Callable[[Record], tuple[Any, list[RowError]]]
Checker = Callable[..., Check]  # (first=True: the first pass, that reports repeated rows)


class _Bad(ValueError):
    """A cell that cannot be read; the message says what to write instead."""


# --- Reading files and payloads ---------------------------------------------------------


def _file_records(file: csv_files.Upload, columns: Sequence[Column]) -> Iterator[Item]:
    """The file's rows as cells by column, one at a time, skipping blank lines, and the
    problems that make lines unreadable; nothing past a bad header."""
    bad_header = False
    for item in csv_files.stream_table(file, columns):
        if isinstance(item, RowError):
            bad_header = bad_header or item.line == 1
            yield item
        elif bad_header:
            return  # the rows are read no further
        else:
            yield item


def _read_items(items: Any, columns: Sequence[Column]) -> list[Item]:
    """An API payload (a list of objects keyed by column) as the same records as a file's,
    with each item's index as its row."""
    if not isinstance(items, list):
        message = (
            _("Send a JSON list of sales, one object each.")
            if columns is SALES_COLUMNS
            else _("Send a JSON list of metric snapshots, one object each.")
        )
        return [RowError(None, "", message)]
    names = [column.name for column in columns]
    read: list[Item] = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            read.append(RowError(index, "", _("Each item is an object keyed by column name.")))
            continue
        for key in (key for key in item if key not in names):
            # A misspelt key (refund_amount) silently ignored would lose a refund.
            message = _("Unknown field; the fields are %(fields)s.") % {"fields": ", ".join(names)}
            read.append(RowError(index, str(key), message))
        read.append((index, {name: _as_cell(item[name]) for name in names if name in item}))
    return read


def _as_cell(value: Any) -> Any:
    """A JSON value as the text a file's cell would hold; null is an empty cell. Objects and
    lists stay as they are, for `_read_cells` to refuse."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()  # not a number nor a date: refused by the cell's reader
    if isinstance(value, str | int | float | Decimal):
        return str(value).strip()
    return value


# --- Reading cells ------------------------------------------------------------------------


def _text(cell: str, *, max_length: int) -> str:
    if len(cell) > max_length:
        raise _Bad(_("At most %(count)s characters.") % {"count": max_length})
    return cell


def _whole(cell: str, *, minimum: int, maximum: int, what: Any) -> int:
    if not WHOLE_NUMBER.fullmatch(cell):
        message = _("'%(cell)s' is not a whole number; write digits only, e.g. 12000.")
        raise _Bad(message % {"cell": cell})
    value = int(cell)
    if value < 0:
        raise _Bad(_("%(what)s cannot be negative.") % {"what": what})
    if value < minimum:
        raise _Bad(_("%(what)s must be at least %(minimum)s.") % {"what": what, "minimum": minimum})
    if value > maximum:
        raise _Bad(_("%(what)s is too large.") % {"what": what})
    return value


def _amount(cell: str) -> Decimal:
    try:
        value = Decimal(cell)
    except InvalidOperation:
        message = _(
            "'%(cell)s' is not an amount; write it with a dot for decimals and no thousands "
            "separators or currency sign, e.g. 1299.90."
        )
        raise _Bad(message % {"cell": cell}) from None
    if not value.is_finite():
        raise _Bad(_("'%(cell)s' is not an amount.") % {"cell": cell})
    if value < 0:
        raise _Bad(_("An amount cannot be negative."))
    if value >= LARGEST_AMOUNT:
        raise _Bad(_("This amount is too large."))
    if value != value.quantize(CENT):
        raise _Bad(_("At most 2 decimal places."))
    return value.quantize(CENT)


def _moment(cell: str, tz: tzinfo) -> datetime:
    try:
        value = datetime.fromisoformat(cell)
    except ValueError:
        message = _(
            "'%(cell)s' is not an ISO 8601 date and time; write e.g. 2026-11-05T14:30:00+08:00."
        )
        raise _Bad(message % {"cell": cell}) from None
    return _plausible(
        inputs.check_moment, value.replace(tzinfo=tz) if timezone.is_naive(value) else value
    )


def _day(cell: str) -> date:
    try:
        value = date.fromisoformat(cell)
    except ValueError:
        message = _("'%(cell)s' is not a date; write YYYY-MM-DD, e.g. 2026-11-10.")
        raise _Bad(message % {"cell": cell}) from None
    return _plausible(inputs.check_day, value)


def _plausible(check: Callable[[Any], None], value: Any) -> Any:
    """The value if it passes partnerships.inputs' check, which every way in shares."""
    try:
        check(value)
    except ValueError as error:
        raise _Bad(str(error)) from None
    return value


def _choice(cell: str, values: Sequence[str]) -> str:
    value = cell.lower()
    if value not in values:
        message = _("'%(cell)s' is not one of %(values)s.")
        raise _Bad(message % {"cell": cell, "values": ", ".join(values)})
    return value


def _currency(cell: str) -> str:
    value = cell.upper()
    if value not in money.CURRENCIES:
        message = _("Unknown currency '%(cell)s'; write a 3-letter code such as USD, EUR or CNY.")
        raise _Bad(message % {"cell": cell})
    return value


Reader = Callable[[str], Any]


def _read_cells(
    row: int, cells: Mapping[str, Any], readers: Mapping[str, Reader]
) -> tuple[dict[str, Any], list[RowError]]:
    """The row's non-empty cells read by column, and the cells that could not be read. The
    cells' names are known columns (the header and the API keys were checked)."""
    given: dict[str, Any] = {}
    problems: list[RowError] = []
    for name, cell in cells.items():
        if cell.__class__ is not str:
            message = _("Send a single value: a string or a number.")
            problems.append(RowError(row, name, message))
        elif cell and (cell := cell.strip()):
            try:
                given[name] = readers[name](cell)
            except _Bad as error:
                problems.append(RowError(row, name, str(error)))
    return given, problems


def _require(
    row: int, given: Mapping[str, Any], problems: list[RowError], names: Iterable[str]
) -> None:
    """Report each of `names` that is empty (and not already reported as unreadable)."""
    reported = {problem.column for problem in problems}
    for name in names:
        if name not in given and name not in reported:
            message = _("Every row needs its %(column)s.") % {"column": name}
            problems.append(RowError(row, name, message))


def _checked(source: Source, checker: Checker, progress: Progress | None) -> Batch:
    """Read and check every record on its own, keeping only the problems and counts, and
    reporting progress every CHECK_CHUNK rows; `checker` makes a fresh check for each pass."""
    batch = Batch(rows=lambda: _rows_again(source, checker), errors=Problems())
    check = checker(first=True)
    for item in source():
        if isinstance(item, RowError):
            batch.errors.add([item])
        elif isinstance(item, Unattributed):
            batch.unattributed += 1
            if len(batch.unattributed_lines) < LISTED_UNATTRIBUTED:
                batch.unattributed_lines.append(item)
        else:
            batch.total += 1
            batch.errors.add(check(item)[1])
            if progress and batch.total % CHECK_CHUNK == 0:
                progress(batch.total, None)
    if progress:
        progress(batch.total, batch.total)
    return batch


def _rows_again(source: Source, checker: Checker) -> Iterator[Any]:
    # The first pass reported repeated rows; this one keeps no record of the rows seen.
    check = checker(first=False)
    for item in source():
        if isinstance(item, tuple):
            row, problems = check(item)
            if row is not None:
                row.flawed = bool(problems)
                yield row


def _chunked(rows: Iterator[Any], size: int) -> Iterator[list]:
    return iter(lambda: list(islice(rows, size)), [])


def _by_row(errors: Iterable[RowError], columns: Sequence[Column]) -> list[RowError]:
    """Errors in the order of the rows, and of the columns within a row."""
    position = {column.name: index for index, column in enumerate(columns)}

    def place(error: RowError) -> tuple[int, int]:
        return -1 if error.line is None else error.line, position.get(error.column, -1)

    return sorted(errors, key=place)


def _chunks(values: Sequence, size: int) -> Iterator[Sequence]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _query_chunk() -> int:
    """How many values one `__in` lookup may carry (SQLite counts its parameters)."""
    return min(connection.features.max_query_params or 10_000, 10_000) - 10


# --- Sales ----------------------------------------------------------------------------------


class SaleValues(NamedTuple):
    """A sale as written: the columns of Sale that an import sets, in this order."""

    order_id: str
    line_id: str
    ordered_at: datetime
    tracking_code_id: int
    product_id: int
    quantity: int
    net_amount: Decimal
    currency: str
    status: str
    refunded_at: datetime | None
    refunded_amount: Decimal
    channel: str
    order_reference: str


SALE_UPDATED_FIELDS = SaleValues._fields[2:]  # the order and line never change
NEEDED_FOR_NEW_SALE = ("ordered_at", "code", "sku", "quantity", "net_amount", "currency")
STATUS = Sale.Status
STATUSES = STATUS.values
CHANNELS = Sale.Channel.values
THE_QUANTITY = gettext_lazy("The quantity")  # translated only when a quantity is refused


@dataclass(slots=True)
class _SaleRow:
    row: int
    order_id: str
    line_id: str
    given: dict[str, Any]  # the non-empty cells, read: code and sku as text, the rest as values
    updates_only: bool = False  # a stored sale is updated; none is added
    flawed: bool = False  # has a problem of its own

    @property
    def key(self) -> tuple[str, str]:
        return self.order_id, self.line_id


def read_sales_csv(
    file: IO[str] | IO[bytes] | bytes | str,
    *,
    brand: Brand,
    progress: Progress | None = None,
    format: str = "",
) -> Batch:
    """Read a sales file and check each row on its own: the sales CSV, or a shop's or
    marketplace's order export (campaigns.order_exports), recognised from its header or named
    by `format` ("sales" or an export's name). An export's lines are attributed by their codes,
    creator or content; those nothing attributes are counted and listed, not written."""
    try:
        first = next(csv_files.decoded_lines(file), "")
    except csv_files.BadLine:
        first = ""  # the sales CSV's reader says which line it cannot read, and why
    export, delimiter, errors = _layout(first, format)
    if errors:
        return Batch(rows=lambda: iter(()), errors=Problems(errors))
    if export is None:
        return _check_sales(
            lambda: _file_records(file, SALES_COLUMNS), brand.timezone, progress, noun="line"
        )

    def lines() -> Iterator[order_exports.OrderLine | RowError]:
        pending: list[RowError] = []
        rows = _export_rows(file, delimiter, export, pending)
        read = export.read(rows, order_exports.Context(currency=brand.default_currency))
        for line in read:
            yield from pending
            pending.clear()
            yield line
        yield from pending

    return read_order_lines(lines, export=export, brand=brand, progress=progress)


def read_order_lines(
    lines: Callable[[], Iterable[order_exports.OrderLine | RowError]],
    *,
    export: order_exports.ExportFormat,
    brand: Brand,
    progress: Progress | None = None,
) -> Batch:
    """Attribute the order lines of a shop or marketplace (`lines()` reads them from the
    start) and check each on its own, as rows of the sales CSV. Lines nothing attributes are
    counted and listed, not written."""
    updates_only: set[int] = set()
    batch = _check_sales(
        lambda: _attributed(lines(), export, brand, updates_only),
        brand.timezone,
        progress,
        noun="line",
        updates_only=updates_only,
    )
    batch.refunds_dated = timezone.now()
    return batch


LISTED_UNATTRIBUTED = 1_000  # unattributed lines listed on a job; all are counted
ATTRIBUTION_CHUNK = 5_000  # order lines attributed with one set of queries


def _layout(
    first: str, format: str
) -> tuple[order_exports.ExportFormat | None, str, list[RowError]]:
    """The layout of a file whose first line is `first` (None for the sales CSV) and its
    delimiter, or why it is not known."""
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    header = next(csv.reader([first], delimiter=delimiter), [])
    names = order_exports.header_names(header)
    # A file of ';' is told to save with commas, and an empty one what it needs, as the sales
    # CSV reader says.
    native = {"order_id", "line_id"} & set(names) or (len(names) <= 1 and ";" in first)
    if format == "sales" or (not format and (native or not first.strip())):
        return None, ",", []
    export = order_exports.BY_NAME.get(format) if format else order_exports.detect(header)
    if export is None:
        known = [_("the sales CSV (%(columns)s)") % {"columns": ", ".join(SALES_HEADER)}] + [
            f"{layout.label} ({', '.join(layout.columns)})" for layout in order_exports.FORMATS
        ]
        found = ", ".join(cell.strip() for cell in header if cell.strip()) or _("none")
        message = _(
            "Unknown layout: the columns found are %(found)s. The formats known are %(known)s."
        ) % {"found": found, "known": "; ".join(known)}
        return None, delimiter, [RowError(1, "", message)]
    missing = [
        column
        for column in export.columns
        if column not in order_exports.header_names(header, export)
    ]
    message = _("Missing from the header of a %(layout)s.") % {"layout": export.label}
    errors = [RowError(1, column, message) for column in missing]
    return export, delimiter, errors


def _attributed(
    lines: Iterable[order_exports.OrderLine | RowError],
    export: order_exports.ExportFormat,
    brand: Brand,
    updates_only: set[int],
) -> Iterator[Item]:
    """The lines as rows of the sales CSV, attributed a chunk at a time, or as Unattributed;
    problems reading them pass through. The rows that may only update a stored sale are
    added to `updates_only`."""
    pending: list[RowError] = []
    read = (line for line in lines if _kept(line, pending))
    for chunk in _chunked(read, ATTRIBUTION_CHUNK):
        yield from pending
        pending.clear()
        for line, code, reason in attribution.attribute(chunk, export, brand):
            if code is None:
                yield Unattributed(line.row, line.order, reason)
                continue
            if line.updates_only:
                updates_only.add(line.row)
            yield line.row, _sale_cells(line, code, export)
    yield from pending


def _kept(line: Any, pending: list[RowError]) -> bool:
    if isinstance(line, RowError):
        pending.append(line)
        return False
    return True


def _export_rows(
    file: csv_files.Upload,
    delimiter: str,
    export: order_exports.ExportFormat,
    errors: list[RowError],
) -> Iterator[order_exports.Row]:
    """The export's lines as cells by (translated, lower-case) column, one at a time;
    unreadable lines go to `errors`."""
    rows = csv_files.stream_rows(csv_files.decoded_lines(file), delimiter)
    header: list[str] | None = None
    for item in rows:
        if isinstance(item, RowError):
            errors.append(item)
            continue
        line, cells = item
        if header is None:
            header = order_exports.header_names(cells, export)
        elif len(cells) != len(header):
            message = ngettext(
                "This line has %(count)s value but the header has %(header)s.",
                "This line has %(count)s values but the header has %(header)s.",
                len(cells),
            ) % {"count": len(cells), "header": len(header)}
            errors.append(RowError(line, "", message))
        else:
            yield line, dict(zip(header, cells, strict=True))


def _sale_cells(
    line: order_exports.OrderLine, code: str, export: order_exports.ExportFormat
) -> dict[str, str]:
    """An attributed order line as the cells of a sales CSV row."""
    return {
        "order_id": f"{export.channel}:{line.order}",
        "line_id": line.line,
        "ordered_at": line.ordered_at,
        "code": code,
        "sku": line.sku,
        "quantity": line.quantity,
        "net_amount": line.net_amount,
        "currency": line.currency,
        "status": line.status,
        "refunded_at": line.refunded_at,
        "refunded_amount": line.refunded_amount,
        "channel": export.channel,
        "order_reference": line.order,
    }


def read_sales(items: Any, *, brand: Brand) -> Batch:
    """Read an API payload of sales and check each item on its own (no database queries)."""
    read = _read_items(items, SALES_COLUMNS)
    return _check_sales(lambda: iter(read), brand.timezone, None, noun="index")


def _sale_readers(tz: tzinfo) -> dict[str, Reader]:
    longest = Sale._meta.get_field("order_id").max_length

    def text(cell: str) -> str:
        return _text(cell, max_length=longest)

    def moment(cell: str) -> datetime:
        return _moment(cell, tz)

    def quantity(cell: str) -> int:
        return _whole(cell, minimum=1, maximum=LARGEST_QUANTITY, what=THE_QUANTITY)

    return {
        "order_id": text,
        "line_id": text,
        "ordered_at": moment,
        "code": lambda cell: TrackingCode.normalise(text(cell)),
        "sku": text,
        "quantity": quantity,
        "net_amount": _amount,
        "currency": _currency,
        "status": lambda cell: _choice(cell, STATUSES),
        "refunded_at": moment,
        "refunded_amount": _amount,
        "channel": lambda cell: _choice(cell, CHANNELS),
        "order_reference": text,
    }


def _check_sales(
    source: Source,
    tz: tzinfo,
    progress: Progress | None,
    *,
    noun: str,
    updates_only: Container[int] = (),
) -> Batch:
    readers = _sale_readers(tz)

    def checker(*, first: bool) -> Check:
        seen: dict[str, int] = {}  # order and line as one string: less memory per row

        def check(record: Record) -> tuple[_SaleRow | None, list[RowError]]:
            row, cells = record
            given, problems = _read_cells(row, cells, readers)
            _require(row, given, problems, ("order_id", "line_id"))
            if "order_id" not in given or "line_id" not in given:
                return None, problems
            sale = _SaleRow(
                row, given.pop("order_id"), given.pop("line_id"), given, row in updates_only
            )
            if first and (at := seen.setdefault(f"{sale.order_id}\0{sale.line_id}", row)) != row:
                message = (
                    _(
                        "Order %(order)s line %(line)s is already at line %(at)s; send one row "
                        "per order line."
                    )
                    if noun == "line"
                    else _(
                        "Order %(order)s line %(line)s is already at index %(at)s; send one row "
                        "per order line."
                    )
                ) % {"order": sale.order_id, "line": sale.line_id, "at": at}
                problems.append(RowError(row, "line_id", message))
            return sale, problems

        return check

    return _checked(source, checker, progress)


def save_sales(batch: Batch, *, brand: Brand, method: Method = "auto") -> IngestResult:
    """Check a read batch against the brand's codes, products and stored sales, a chunk of
    rows at a time, and write it whole, or nothing if any row is bad. `method` picks the
    writer: "copy" (PostgreSQL only), "bulk", or "auto" (COPY for large batches on
    PostgreSQL)."""
    use_copy = _use_copy(method, batch.total)
    errors = Problems(batch.errors)
    errors.more = batch.errors.more
    now = timezone.now()
    created = updated = written = skipped = 0
    earliest: datetime | None = None
    with transaction.atomic():
        # Imports into one brand take turns, so two batches never both create the same sale.
        Brand.objects.select_for_update().get(pk=brand.pk)
        if use_copy:
            _start_copy()
        for chunk in _chunked(batch.rows(), SAVE_CHUNK):
            sales, stored, left_out, problems = _resolve_chunk(brand, chunk, batch.refunds_dated)
            errors.add(problems)
            skipped += left_out
            if errors or errors.more:
                continue  # the rest is checked, and nothing written
            if use_copy:
                _copy_rows(sales)
            else:
                new, changed = _bulk_sales(brand, sales, stored, now=now)
                created, updated = created + new, updated + changed
            written += len(sales)
            touched = [sale.ordered_at for sale in sales]
            touched += [old.ordered_at for _, old in stored.values()]
            earliest = min([earliest, *touched] if earliest else touched, default=None)
        if errors or errors.more:
            transaction.set_rollback(True)
            return IngestResult(errors=errors.reported(SALES_COLUMNS))
        if use_copy:
            created, updated = _finish_copy(brand, now=now)
        if (created or updated) and earliest:
            freshness.figures_changed(brand.pk, earliest)
    return IngestResult(
        created=created,
        updated=updated,
        unchanged=written - created - updated + skipped,
        unattributed=batch.unattributed,
        unattributed_lines=batch.unattributed_lines,
    )


def _resolve_chunk(
    brand: Brand, chunk: list[_SaleRow], refunds_dated: datetime | None
) -> tuple[list[SaleValues], dict, int, list[RowError]]:
    """A chunk's sales as they will be written, the stored ones among them, how many rows
    were left out (cancelled before ever imported) and the chunk's problems."""
    wanted_codes = {row.given["code"] for row in chunk if "code" in row.given}
    codes = dict(
        TrackingCode.objects.filter(brand=brand, code__in=wanted_codes).values_list("code", "pk")
    )
    skus = {row.given["sku"] for row in chunk if "sku" in row.given}
    products = dict(Product.objects.filter(brand=brand, sku__in=skus).values_list("sku", "pk"))
    stored = _stored_sales(brand, [row.key for row in chunk if not row.flawed])
    errors: list[RowError] = []
    sales: list[SaleValues] = []
    skipped = 0
    for row in chunk:
        if row.flawed:
            errors += _unknown_references(row, codes, products)
        elif row.updates_only and row.key not in stored:
            skipped += 1  # cancelled before it was ever imported: nothing to record
        else:
            values, problems = _resolve_sale(
                row, stored.get(row.key), codes, products, refunds_dated
            )
            errors += problems
            if values is not None:
                sales.append(values)
    return sales, stored, skipped, errors


def import_sales_csv(
    file: IO[str] | IO[bytes] | bytes | str,
    *,
    brand: Brand,
    method: Method = "auto",
    format: str = "",
) -> IngestResult:
    """Import a sales file or order export into `brand`: every row or none (the rules are in
    the module's docstring)."""
    return save_sales(read_sales_csv(file, brand=brand, format=format), brand=brand, method=method)


def import_sales(items: Any, *, brand: Brand, method: Method = "auto") -> IngestResult:
    """Import an API payload of sales into `brand`: every item or none."""
    return save_sales(read_sales(items, brand=brand), brand=brand, method=method)


def _use_copy(method: Method, rows: int) -> bool:
    on_postgres = connection.vendor == "postgresql"
    if method == "copy" and not on_postgres:
        raise ValueError("The COPY path needs PostgreSQL.")
    return method == "copy" or (method == "auto" and on_postgres and rows >= COPY_MIN_ROWS)


def _stored_sales(
    brand: Brand, keys: Sequence[tuple[str, str]]
) -> dict[tuple[str, str], tuple[int, SaleValues]]:
    """The brand's stored sales among `keys`: (pk, values) by (order_id, line_id)."""
    if not keys:
        return {}
    if connection.vendor == "postgresql":
        return _stored_sales_by_arrays(brand, keys)
    wanted = set(keys)
    stored = {}
    order_ids = sorted({order_id for order_id, _ in wanted})
    for chunk in _chunks(order_ids, _query_chunk()):
        rows = Sale.objects.filter(brand=brand, order_id__in=chunk).values_list(
            "pk", *SaleValues._fields
        )
        for pk, *values in rows:
            sale = SaleValues(*values)
            if (sale.order_id, sale.line_id) in wanted:
                stored[sale.order_id, sale.line_id] = (pk, sale)
    return stored


def _stored_sales_by_arrays(
    brand: Brand, keys: Sequence[tuple[str, str]]
) -> dict[tuple[str, str], tuple[int, SaleValues]]:
    """The same in one query on PostgreSQL: the keys travel as two arrays, and the rows come
    back as psycopg reads them, without the ORM's per-row work (a large file re-sent is mostly
    stored rows)."""
    quote = connection.ops.quote_name
    columns = ", ".join(
        quote(Sale._meta.get_field(name).column) for name in ("id", *SaleValues._fields)
    )
    order_ids, line_ids = zip(*keys, strict=True)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT {columns} FROM {quote(Sale._meta.db_table)}
            WHERE {quote("brand_id")} = %s
              AND ({quote("order_id")}, {quote("line_id")}) IN (
                  SELECT * FROM unnest(%s::text[], %s::text[])
              )
            """,  # noqa: S608 - names come from the model, values are parameters
            [brand.pk, list(order_ids), list(line_ids)],
        )
        return {(row[1], row[2]): (row[0], SaleValues(*row[1:])) for row in cursor.fetchall()}


def _unknown_references(
    row: _SaleRow, codes: Mapping[str, int], products: Mapping[str, int]
) -> list[RowError]:
    errors = []
    if "code" in row.given and row.given["code"] not in codes:
        message = _("Unknown tracking code '%(code)s': no code of this brand.") % {
            "code": row.given["code"]
        }
        errors.append(RowError(row.row, "code", message))
    if "sku" in row.given and row.given["sku"] not in products:
        message = _("Unknown SKU '%(sku)s': no product of this brand.") % {"sku": row.given["sku"]}
        errors.append(RowError(row.row, "sku", message))
    return errors


def _resolve_sale(
    row: _SaleRow,
    stored: tuple[int, SaleValues] | None,
    codes: Mapping[str, int],
    products: Mapping[str, int],
    refunds_dated: datetime | None = None,
) -> tuple[SaleValues | None, list[RowError]]:
    """The sale as it will be written (the row's cells over the stored values), or why not."""
    given = row.given
    errors: list[RowError] = []

    def problem(name: str, message: str) -> None:
        errors.append(RowError(row.row, name, message))

    old = stored[1] if stored else None
    values: dict[str, Any] = (
        old._asdict()
        if old
        else {
            "refunded_at": None,
            "refunded_amount": Decimal(0),
            "channel": "",
            "order_reference": "",
        }
    )
    values.update({name: value for name, value in given.items() if name not in ("code", "sku")})
    values["order_id"], values["line_id"] = row.order_id, row.line_id
    errors += _unknown_references(row, codes, products)
    if "code" in given and not errors:
        values["tracking_code_id"] = codes[given["code"]]
    if "sku" in given and not errors:
        values["product_id"] = products[given["sku"]]
    if old is None:
        for name in NEEDED_FOR_NEW_SALE:
            if name not in given:
                message = _("Needed for a new sale (order %(order)s line %(line)s).")
                problem(name, message % {"order": row.order_id, "line": row.line_id})
    if errors:
        return None, errors

    net, currency, status = values["net_amount"], values["currency"], given.get("status")
    if "refunded_amount" in given:
        refund = given["refunded_amount"]
    elif status == STATUS.REFUNDED:
        refund = net
    elif "refunded_at" in given and not values["refunded_amount"]:
        problem(
            "refunded_amount",
            _("Say how much was refunded, or set status to refunded when the whole line was."),
        )
        return None, errors
    else:
        refund = values["refunded_amount"]
    values["refunded_amount"] = refund
    if not refund:
        if "refunded_at" in given:
            message = _("Nothing was refunded (refunded_amount is 0): leave it empty.")
            problem("refunded_at", message)
        values["refunded_at"] = None
    elif values["refunded_at"] is None and refunds_dated:
        values["refunded_at"] = max(refunds_dated, values["ordered_at"])
    elif values["refunded_at"] is None:
        problem("refunded_at", _("Say when the refund was made."))
    elif values["refunded_at"] < values["ordered_at"]:
        problem("refunded_at", _("The refund cannot come before the order (ordered_at)."))

    if refund > net:
        # Blame the cell that made it so: a new refund, or a net amount cut below the refund.
        blamed = "net_amount" if "net_amount" in given and "refunded_amount" not in given else ""
        problem(
            blamed or "refunded_amount",
            _(
                "The refund (%(refund)s %(currency)s) is larger than the sale's net amount "
                "(%(net)s %(currency)s)."
            )
            % {"refund": refund, "net": net, "currency": currency},
        )
    elif status and (
        wrong := Sale.status_problem(
            status, net_amount=net, refunded_amount=refund, currency=currency
        )
    ):
        problem("status", wrong)
    elif Sale.refunded_in_full(net, refund):
        values["status"] = STATUS.REFUNDED
    elif status:
        values["status"] = status
    elif old is None or old.status == STATUS.REFUNDED:
        values["status"] = STATUS.CONFIRMED

    for name in ("net_amount", "refunded_amount"):
        if money.round(values[name], currency) != values[name]:
            places = money.minor_unit(currency)
            message = _("%(currency)s amounts have %(places)s decimal places.")
            problem(name, message % {"currency": currency, "places": places})
    if errors:
        return None, errors
    return SaleValues(**values), []


def _bulk_sales(
    brand: Brand,
    sales: list[SaleValues],
    stored: Mapping[tuple[str, str], tuple[int, SaleValues]],
    *,
    now: datetime,
) -> tuple[int, int]:
    """Write with bulk_create and bulk_update; (created, updated)."""
    new = [
        Sale(brand=brand, **sale._asdict())
        for sale in sales
        if (sale.order_id, sale.line_id) not in stored
    ]
    changed = []
    for sale in sales:
        pk, old = stored.get((sale.order_id, sale.line_id), (None, None))
        if pk is not None and old != sale:
            changed.append(Sale(pk=pk, brand=brand, updated_at=now, **sale._asdict()))
    Sale.objects.bulk_create(new, batch_size=WRITE_BATCH)
    # bulk_update leaves auto_now fields alone, so updated_at is set above.
    Sale.objects.bulk_update(changed, [*SALE_UPDATED_FIELDS, "updated_at"], batch_size=WRITE_BATCH)
    return len(new), len(changed)


def _copy_columns() -> tuple[str, str, list[str], str, str, str]:
    quote = connection.ops.quote_name
    table = quote(Sale._meta.db_table)
    columns = ", ".join(quote(Sale._meta.get_field(name).column) for name in SaleValues._fields)
    updated = [quote(Sale._meta.get_field(name).column) for name in SALE_UPDATED_FIELDS]
    brand_column, created_at, updated_at = (
        quote(Sale._meta.get_field(name).column) for name in ("brand", "created_at", "updated_at")
    )
    return table, columns, updated, brand_column, created_at, updated_at


def _start_copy() -> None:
    """A temporary table of the sale table's data columns, with their types and no
    constraints, that the chunks are copied into."""
    table, listed, *_ = _copy_columns()
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS pg_temp.incoming_sale")
        cursor.execute(
            f"CREATE TEMPORARY TABLE incoming_sale AS SELECT {listed} FROM {table} WITH NO DATA"  # noqa: S608
        )


def _copy_rows(sales: list[SaleValues]) -> None:
    _, listed, *_ = _copy_columns()
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY incoming_sale ({listed}) FROM STDIN") as copy,
    ):
        for sale in sales:
            copy.write_row(sale)


def _finish_copy(brand: Brand, *, now: datetime) -> tuple[int, int]:
    """One INSERT … ON CONFLICT of the copied rows that updates only the rows that changed;
    (created, updated)."""
    table, listed, updated, brand_column, created_at, updated_at = _copy_columns()
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH written AS (
                INSERT INTO {table} AS sale ({brand_column}, {listed}, {created_at}, {updated_at})
                SELECT %s, {listed}, %s, %s FROM incoming_sale
                ON CONFLICT ({brand_column}, {quote("order_id")}, {quote("line_id")}) DO UPDATE SET
                    {", ".join(f"{column} = EXCLUDED.{column}" for column in updated)},
                    {updated_at} = EXCLUDED.{updated_at}
                WHERE ({", ".join(f"sale.{column}" for column in updated)})
                    IS DISTINCT FROM ({", ".join(f"EXCLUDED.{column}" for column in updated)})
                RETURNING xmax = 0 AS inserted
            )
            SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted)
            FROM written
            """,  # noqa: S608 - names come from the model, values are parameters
            [brand.pk, now, now],
        )
        created, changed = cursor.fetchone()
        cursor.execute("DROP TABLE incoming_sale")
    return created, changed


# --- Metric snapshots -----------------------------------------------------------------------


@dataclass(slots=True)
class _SnapshotRow:
    row: int
    content_id: int
    date: date | None  # None only in a flawed row
    given: dict[str, int]  # the counters the row gives
    flawed: bool = False  # has a problem of its own

    @property
    def key(self) -> tuple[int, date | None]:
        return self.content_id, self.date


def read_metrics_csv(
    file: IO[str] | IO[bytes] | bytes | str, *, brand: Brand, progress: Progress | None = None
) -> Batch:
    """Read a metrics file and check each row on its own (no database queries)."""
    return _check_metrics(lambda: _file_records(file, METRICS_COLUMNS), progress, noun="line")


def read_metrics(items: Any, *, brand: Brand) -> Batch:
    """Read an API payload of metric snapshots and check each item on its own."""
    read = _read_items(items, METRICS_COLUMNS)
    return _check_metrics(lambda: iter(read), None, noun="index")


A_CONTENT_ID = gettext_lazy("A content item's id")  # translated only when an id is refused


def _metric_readers() -> dict[str, Reader]:
    def counter(name: str) -> Reader:
        what = _("The %(counter)s") % {"counter": name}
        return lambda cell: _whole(cell, minimum=0, maximum=LARGEST_COUNT, what=what)

    return {
        "content": lambda cell: _whole(cell, minimum=1, maximum=LARGEST_COUNT, what=A_CONTENT_ID),
        "date": _day,
        **{name: counter(name) for name in COUNTERS},
    }


def _check_metrics(source: Source, progress: Progress | None, *, noun: str) -> Batch:
    readers = _metric_readers()

    def checker(*, first: bool) -> Check:
        seen: dict[tuple[int, date], int] = {}

        def check(record: Record) -> tuple[_SnapshotRow | None, list[RowError]]:
            row, cells = record
            given, problems = _read_cells(row, cells, readers)
            _require(row, given, problems, ("content", "date"))
            if "content" not in given:
                return None, problems
            # Without its date the row is flawed, but its content item is still looked up.
            snapshot = _SnapshotRow(row, given.pop("content"), given.pop("date", None), given)
            if first and snapshot.date and (at := seen.setdefault(snapshot.key, row)) != row:
                message = (
                    _(
                        "Content item %(content)s on %(day)s is already at line %(at)s; send "
                        "one row per content item and day."
                    )
                    if noun == "line"
                    else _(
                        "Content item %(content)s on %(day)s is already at index %(at)s; send "
                        "one row per content item and day."
                    )
                ) % {"content": snapshot.content_id, "day": snapshot.date, "at": at}
                problems.append(RowError(row, "date", message))
            return snapshot, problems

        return check

    return _checked(source, checker, progress)


def save_metrics(batch: Batch, *, brand: Brand) -> IngestResult:
    """Check a read batch against the brand's content items and stored snapshots, a chunk of
    rows at a time, and write it whole with bulk_create and bulk_update, or nothing if any row
    is bad."""
    errors = Problems(batch.errors)
    errors.more = batch.errors.more
    created = updated = unchanged = 0
    earliest: date | None = None
    with transaction.atomic():
        Brand.objects.select_for_update().get(pk=brand.pk)
        for chunk in _chunked(batch.rows(), SAVE_CHUNK):
            new, changed, same, problems = _resolve_snapshots(brand, chunk)
            errors.add(problems)
            if errors or errors.more:
                continue  # the rest is checked, and nothing written
            MetricSnapshot.objects.bulk_create(new, batch_size=WRITE_BATCH)
            MetricSnapshot.objects.bulk_update(changed, list(COUNTERS), batch_size=WRITE_BATCH)
            created, updated, unchanged = (
                created + len(new),
                updated + len(changed),
                unchanged + same,
            )
            days = [row.date for row in new + changed]
            earliest = min([earliest, *days] if earliest else days, default=None)
        if errors or errors.more:
            transaction.set_rollback(True)
            return IngestResult(errors=errors.reported(METRICS_COLUMNS))
        if earliest:
            freshness.figures_changed(brand.pk, earliest)
    return IngestResult(created=created, updated=updated, unchanged=unchanged)


def _resolve_snapshots(
    brand: Brand, chunk: list[_SnapshotRow]
) -> tuple[list[MetricSnapshot], list[MetricSnapshot], int, list[RowError]]:
    """A chunk's new and changed snapshots, how many are unchanged, and its problems."""
    content_ids = sorted({row.content_id for row in chunk})
    days = [row.date for row in chunk if not row.flawed]
    items = tenancy.scope_to_brand(ContentItem.objects.filter(pk__in=content_ids), brand)
    known = set(items.values_list("pk", flat=True))
    stored: dict[tuple[int, date], MetricSnapshot] = {}
    if days:
        snapshots = MetricSnapshot.objects.filter(
            content_id__in=known, date__gte=min(days), date__lte=max(days)
        )
        stored = {(s.content_id, s.date): s for s in snapshots}
    errors: list[RowError] = []
    new: list[MetricSnapshot] = []
    changed: list[MetricSnapshot] = []
    unchanged = 0
    for row in chunk:
        if row.content_id not in known:
            errors.append(RowError(row.row, "content", _unknown_content(row.content_id)))
            continue
        if row.flawed:
            continue
        snapshot = stored.get(row.key)
        if snapshot is None:
            new.append(MetricSnapshot(content_id=row.content_id, date=row.date, **row.given))
        elif any(getattr(snapshot, name) != value for name, value in row.given.items()):
            for name, value in row.given.items():
                setattr(snapshot, name, value)
            changed.append(snapshot)
        else:
            unchanged += 1
    return new, changed, unchanged, errors


def _unknown_content(content_id: int) -> str:
    return _("Unknown content item %(content)s: no content of this brand has this id.") % {
        "content": content_id
    }


def import_metrics_csv(file: IO[str] | IO[bytes] | bytes | str, *, brand: Brand) -> IngestResult:
    """Import a metrics file into `brand`: every row or none."""
    return save_metrics(read_metrics_csv(file, brand=brand), brand=brand)


def import_metrics(items: Any, *, brand: Brand) -> IngestResult:
    """Import an API payload of metric snapshots into `brand`: every item or none."""
    return save_metrics(read_metrics(items, brand=brand), brand=brand)


# --- Import jobs ----------------------------------------------------------------------------

MAX_FILE_MEGABYTES = 50


FORMAT_CHOICES = [
    ("", gettext_lazy("Recognise it from the header")),
    ("sales", gettext_lazy("Sales CSV (the columns below)")),
    *((export.name, export.label) for export in order_exports.FORMATS),
]


class UploadForm(csv_files.CsvFileForm):
    """A sales or metrics file."""

    max_megabytes = MAX_FILE_MEGABYTES


class SalesUploadForm(UploadForm):
    """A sales file: the sales CSV or a shop's or marketplace's order export."""

    format = forms.ChoiceField(
        choices=FORMAT_CHOICES,
        required=False,
        label=gettext_lazy("Format"),
        help_text=gettext_lazy("Order exports are recognised from their header; pick one if not."),
    )


UPLOAD_FORMS = {ImportJob.Kind.SALES: SalesUploadForm, ImportJob.Kind.METRICS: UploadForm}


SAVERS = {ImportJob.Kind.SALES: save_sales, ImportJob.Kind.METRICS: save_metrics}
FINISHED = (ImportJob.Status.DONE, ImportJob.Status.FAILED)
UNFINISHED = (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING)
# Kept in English here and translated when a job fails, in the language of its upload.
STOPPED = gettext_noop(
    "The import stopped on an unexpected error and nothing was written. Upload the file again; "
    "if it stops again, tell the people who run Partnerships."
)
# Runs of one job that may start without finishing (a worker killed, out of memory) before the
# job is given up instead of being handed to the next worker again.
MAX_ATTEMPTS = 3
GAVE_UP = format_lazy(
    gettext_lazy(
        "The import was started {attempts} times and its worker stopped each time, so nothing "
        "was written. Tell the people who run Partnerships; they can retry it from the admin."
    ),
    attempts=MAX_ATTEMPTS,
)


def create_job(
    *, brand: Brand, kind: str, file: UploadedFile, user: Any, format: str = ""
) -> ImportJob:
    """Store an uploaded file as a queued import job; its rows are counted roughly (by lines)
    until the import reads them."""
    lines = ends_open = 0
    for chunk in file.chunks():
        lines += chunk.count(b"\n")
        ends_open = not chunk.endswith(b"\n")
    file.seek(0)
    return ImportJob.objects.create(
        brand=brand,
        kind=kind,
        format=format if kind == ImportJob.Kind.SALES else "",
        file=file,
        filename=PurePath(file.name).name[:255],
        total_rows=max(lines + ends_open - 1, 0),
        created_by=user if getattr(user, "is_authenticated", False) else None,
        language=translation.get_language() or "",
    )


def run_job(job_id: int) -> ImportJob:
    """Import an ImportJob's file: queued → running (processed_rows counts the rows checked)
    → done with its counts, or failed with every error and nothing written.

    Running a job twice is harmless: a finished job is left as it is, and the job is marked
    finished in the transaction that writes its rows. Its problems are written in the language
    of the upload, which is the language of whoever reads them.
    """
    job = ImportJob.objects.select_related("brand").get(pk=job_id)
    with translation.override(job.language or None):
        return _run(job)


def _run(job: ImportJob) -> ImportJob:
    if job.status in FINISHED:
        return job
    jobs = ImportJob.objects.filter(pk=job.pk)
    if job.attempts >= MAX_ATTEMPTS:
        _fail(jobs, str(GAVE_UP))
        return ImportJob.objects.get(pk=job.pk)
    jobs.filter(status__in=UNFINISHED).update(
        status=ImportJob.Status.RUNNING,
        processed_rows=0,
        started_at=timezone.now(),
        attempts=F("attempts") + 1,
    )

    def progress(done: int, total: int | None) -> None:
        jobs.update(processed_rows=done, **({} if total is None else {"total_rows": total}))

    try:
        with job.file.open("rb") as stored:
            # The file is read twice, a line at a time: each row checked on its own (the
            # progress shown), then looked up and written in one transaction.
            if job.kind == ImportJob.Kind.SALES:
                batch = read_sales_csv(
                    stored, brand=job.brand, progress=progress, format=job.format
                )
            else:
                batch = read_metrics_csv(stored, brand=job.brand, progress=progress)
            with transaction.atomic():
                job = ImportJob.objects.select_for_update().select_related("brand").get(pk=job.pk)
                if job.status != ImportJob.Status.RUNNING:
                    return job  # another run of the same job finished it meanwhile
                result = SAVERS[job.kind](batch, brand=job.brand)
                job.status = ImportJob.Status.DONE if result.ok else ImportJob.Status.FAILED
                job.total_rows = job.processed_rows = batch.total
                job.created, job.updated, job.unchanged = (
                    result.created,
                    result.updated,
                    result.unchanged,
                )
                job.errors = result.error_records()
                job.unattributed = result.unattributed
                job.unattributed_lines = [
                    {"line": line.row, "order": line.order, "reason": line.reason}
                    for line in result.unattributed_lines
                ]
                job.finished_at = timezone.now()
                job.save()
        return job
    except Exception:
        logger.exception("Import job %s stopped", job.pk)
        _fail(jobs, _(STOPPED))
        raise


def _fail(jobs: QuerySet[ImportJob], message: str) -> None:
    jobs.filter(status__in=UNFINISHED).update(
        status=ImportJob.Status.FAILED,
        errors=[{"line": None, "field": "", "message": message}],
        finished_at=timezone.now(),
    )
