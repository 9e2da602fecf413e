"""Statements shown and exported with where each line came from: the sales, content items and
distributor orders settlement priced into it (campaigns.SaleLine, campaigns.ContentLine,
StatementLine.orders), and the payment batch finance pays from.

A page shows the first few source rows of every line with the full count, in one query per
kind of source however many rows there are; the CSV export streams all of them.
"""

import heapq
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from operator import itemgetter

from django.db import models
from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber

from campaigns.models import ContentLine, SaleLine
from contracts import payouts, wording
from contracts.models import PayoutDetails, Statement, StatementLine

OrderLink = StatementLine.orders.through

CSV_COLUMNS = [
    "statement",
    "contract",
    "influencer",
    "period_start",
    "period_last_day",
    "status",
    "currency",
    "line",
    "kind",
    "description",
    "quantity",
    "rate",
    "amount",
    "source",
    "reference",
    "date",
    "counted",
    "base",
]
NO_SOURCE = ["", "", "", "", ""]
BATCH_COLUMNS = [
    "statement",
    "influencer",
    "contact_email",
    "contact_phone",
    "agency",
    "contract",
    "period_start",
    "period_last_day",
    "amount",
    "currency",
    "due_date",
]


# Who is paid how, from the influencer's payout details (empty when none are on file).
PAYOUT_COLUMNS = [
    "payout_method",
    "account_holder",
    "account",
    "bank_name",
    "bank_code",
    "tax_id",
    "address",
]


@dataclass(frozen=True)
class SourceKind:
    """One kind of row a line can come from: its links to statement lines and how to read them."""

    name: str
    links: Callable[[], models.QuerySet]
    line: str  # the link's foreign key to the statement line
    order_by: tuple[str, ...]
    cells: Callable[[models.Model], list]  # source, reference, date, counted, base


def _sale_cells(link: SaleLine) -> list:
    sale = link.sale
    reference = f"{sale.order_id}/{sale.line_id}"
    return ["sale", reference, sale.ordered_at.isoformat(), link.orders, link.base]


def _content_cells(link: ContentLine) -> list:
    item = link.content
    published = item.published_at.isoformat() if item.published_at else ""
    return ["content", item.url, published, _plain(link.quantity), ""]


def _order_cells(link: models.Model) -> list:
    order = link.distributororder
    reference = f"{order.reference} {order.product.sku}"
    value = order.quantity * order.unit_price
    return ["order", reference, order.ordered_at.isoformat(), order.quantity, value]


SOURCE_KINDS = (
    SourceKind(
        "sales",
        lambda: SaleLine.objects.select_related("sale"),
        "line",
        ("sale__ordered_at", "sale_id"),
        _sale_cells,
    ),
    SourceKind(
        "content",
        lambda: ContentLine.objects.select_related("content"),
        "line",
        ("content__published_at", "content_id"),
        _content_cells,
    ),
    SourceKind(
        "orders",
        lambda: OrderLink.objects.select_related("distributororder__product"),
        "statementline",
        ("distributororder__ordered_at", "distributororder_id"),
        _order_cells,
    ),
)


@dataclass
class Sources:
    """The first source rows of one kind for a line, and how many there are in all."""

    shown: list = field(default_factory=list)
    count: int = 0


@dataclass
class TracedLine:
    """A statement line with the first of its source rows, by kind (sales, content, orders)."""

    line: StatementLine
    sales: Sources = field(default_factory=Sources)
    content: Sources = field(default_factory=Sources)
    orders: Sources = field(default_factory=Sources)

    @property
    def source_count(self) -> int:
        return self.sales.count + self.content.count + self.orders.count

    @property
    def shown_count(self) -> int:
        return len(self.sales.shown) + len(self.content.shown) + len(self.orders.shown)


def traced_lines(statement: Statement, *, cap: int) -> list[TracedLine]:
    """The statement's lines in order, each with at most `cap` source rows of each kind (oldest
    first) and the full counts; one query for the lines and one per kind of source."""
    lines = {
        line.pk: TracedLine(line)
        for line in statement.lines.select_related("source_statement").order_by("position", "pk")
    }
    for kind in SOURCE_KINDS:
        line_id = f"{kind.line}_id"
        links = kind.links().filter(**{f"{kind.line}__statement": statement})
        first = links.annotate(
            rank=Window(
                RowNumber(),
                partition_by=F(line_id),
                order_by=[F(name).asc() for name in kind.order_by],
            ),
            in_all=Window(Count("pk"), partition_by=F(line_id)),
        ).filter(rank__lte=cap)
        for link in first.order_by(line_id, "rank"):
            sources = getattr(lines[getattr(link, line_id)], kind.name)
            sources.shown.append(link)
            sources.count = link.in_all
    return list(lines.values())


def csv_rows(statements: models.QuerySet[Statement]) -> Iterator[list]:
    """CSV_COLUMNS, then every line of the statements (by statement id, then line order), each
    followed by the rows it came from: a sale (order/line id, order time, orders counted for pay
    per order, the commission base it added), a content item (URL, publishing time, what it
    counted: items, views or days late) or a distributor order (reference and SKU, order time,
    units, their value). A generator: four queries, rows read in chunks."""
    yield CSV_COLUMNS
    lines = (
        StatementLine.objects.filter(statement__in=statements)
        .select_related("statement__contract__partnership__influencer")
        .order_by("statement_id", "position", "pk")
    )
    # Every stream is sorted by (statement, line position, line id, rank): merged, each line
    # comes first (rank 0) and the rows it came from follow it.
    streams = [
        (((line.statement_id, line.position, line.pk, 0), line) for line in lines.iterator())
    ]
    streams += [_source_stream(kind, rank, statements) for rank, kind in enumerate(SOURCE_KINDS, 1)]
    line_cells: list = []
    for (*_, rank), row in heapq.merge(*streams, key=itemgetter(0)):
        if rank == 0:
            line_cells = _line_cells(row)
            yield [*line_cells, *NO_SOURCE]
        else:
            yield [*line_cells, *row]


def _source_stream(
    kind: SourceKind, rank: int, statements: models.QuerySet[Statement]
) -> Iterator[tuple[tuple, list]]:
    links = (
        kind.links()
        .filter(**{f"{kind.line}__statement__in": statements})
        .annotate(
            line_statement=F(f"{kind.line}__statement_id"),
            line_position=F(f"{kind.line}__position"),
        )
        .order_by("line_statement", "line_position", f"{kind.line}_id", *kind.order_by)
    )
    for link in links.iterator():
        key = (link.line_statement, link.line_position, getattr(link, f"{kind.line}_id"), rank)
        yield key, kind.cells(link)


def _line_cells(line: StatementLine) -> list:
    statement = line.statement
    return [
        statement.pk,
        statement.contract.title,
        statement.contract.partnership.influencer.name,
        statement.period_start.isoformat(),
        payouts.last_day(statement).isoformat(),
        statement.status,
        statement.currency,
        line.position,
        line.kind,
        wording.line_text(line),
        _plain(line.quantity),
        _plain(line.rate),
        line.amount,
    ]


def batch_rows(statements: models.QuerySet[Statement]) -> Iterator[list]:
    """BATCH_COLUMNS and the payout details columns, then one row per statement (see
    payouts.payment_batch)."""
    yield BATCH_COLUMNS + PAYOUT_COLUMNS
    statements = statements.select_related("contract__partnership__influencer__payout_details")
    for statement in statements:
        influencer = statement.contract.partnership.influencer
        details = getattr(influencer, "payout_details", None)
        yield [
            statement.pk,
            influencer.name,
            influencer.contact_email,
            influencer.contact_phone,
            influencer.agency,
            statement.contract.title,
            statement.period_start.isoformat(),
            payouts.last_day(statement).isoformat(),
            statement.total,
            statement.currency,
            statement.due_date.isoformat() if statement.due_date else "",
            *_details_cells(details),
        ]


def _details_cells(details: PayoutDetails | None) -> list[str]:
    """The payout details columns of the plain batch CSV (see PAYOUT_COLUMNS): finance sees the
    whole account here, to pay it."""
    if details is None:
        return ["", "", "", "", "", "", ""]
    account = {
        PayoutDetails.Method.BANK: details.account_number,
        PayoutDetails.Method.PAYPAL: details.account_email,
        PayoutDetails.Method.WISE: details.account_email,
        PayoutDetails.Method.ALIPAY: details.alipay_id,
        PayoutDetails.Method.OTHER: details.instructions,
    }[details.method]
    return [
        details.method,
        details.account_holder,
        account,
        details.bank_name,
        details.bank_code,
        details.tax_id,
        " ".join(details.address.split()),
    ]


def _plain(number: Decimal | None) -> Decimal | None:
    """A stored number without its padding zeros (2.50 → 2.5, 0.0800000000 → 0.08)."""
    return None if number is None else number.normalize()
