"""The order files shops and marketplaces export, read as the lines of the sales model.

Each platform's layout (docs/order-exports.md cites the column definitions each one is built
from) becomes `OrderLine`s: the order's reference on the platform, a line id that is the same
in every export of the order, the order time, SKU, quantity, the net amount (after the line's
discounts, without tax and shipping), currency, status, the refund so far, and what may
attribute the line: promo or voucher codes, or the creator's handle and content id. The sales
import (campaigns.ingest) attributes the lines and checks and writes them by the rules of the
sales CSV; nothing here touches the database.

A layout is recognised from its header (`detect`); `FORMATS` lists the layouts known.
"""

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from itertools import groupby

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.models import TrackingCode
from partnerships import money
from partnerships.csv_files import RowError

Cells = Mapping[str, str]  # one line of the file: cell by lower-case column name
Row = tuple[int, Cells]  # (line in the file, cells)

PENDING, CONFIRMED, REFUNDED = "pending", "confirmed", "refunded"


@dataclass(frozen=True, slots=True)
class OrderLine:
    """One order line as a platform reports it, in the sales model's terms. Amounts and times
    are text as the sales CSV has them ("" for unknown); a refund without a time is dated by
    the import."""

    row: int
    order: str  # the order's reference on the platform, e.g. #1001
    line: str  # the line within the order, the same in every export of the order
    ordered_at: str  # ISO 8601; without an offset it is the brand's local time
    sku: str
    quantity: str
    net_amount: str
    currency: str
    status: str  # pending, confirmed or refunded
    refunded_at: str = ""
    refunded_amount: str = ""
    codes: tuple[str, ...] = ()  # promo, voucher or link codes named on the order
    creator: str = ""  # the creator's handle on the platform
    content: str = ""  # the creator's content id on the platform
    # A line cancelled before it had a quantity: it updates a stored sale and adds none.
    updates_only: bool = False


class Bad(ValueError):
    """A cell the layout cannot read; the message says why."""


@dataclass(frozen=True)
class Context:
    """What a layout may need beyond the file: the currency of a file that names none."""

    currency: str


Reader = Callable[[Iterable[Row], Context], Iterator[OrderLine | RowError]]


@dataclass(frozen=True)
class ExportFormat:
    name: str  # as picked with --format and on /imports/
    label: str
    channel: str  # Sale.channel
    columns: tuple[str, ...]  # the header names (lower case) that recognise the layout
    read: Reader
    creator_platform: str = ""  # where the creator handles are accounts (influencers.Platform)
    aliases: Mapping[str, str] | None = None  # header names in other languages → columns


# --- Cells --------------------------------------------------------------------------------

NUMBER = re.compile(r"[-+]?[\d.,]*\d")


def amount(cell: str, *, negative: bool = False) -> Decimal:
    """An amount as exports write it: 1299.90, 1,299.90, 35,91, SGD 12.90, -6.50 (taken as its
    size when `negative`); empty is 0."""
    text = cell.strip().replace("\u00a0", "").replace(" ", "")
    if not text:
        return Decimal(0)
    found = NUMBER.search(text)
    if not found or re.sub(r"[A-Za-z$€£¥₫₱฿₩]", "", text) != found.group():
        raise Bad(_("'%(cell)s' is not an amount.") % {"cell": cell})
    number = found.group()
    if "," in number and "." in number:
        number = number.replace(",", "")  # 1,299.90
    elif "," in number:
        whole, _comma, part = number.rpartition(",")
        # 35,91 is a decimal comma; 179,760 groups thousands.
        number = f"{whole.replace(',', '')}.{part}" if len(part) <= 2 else number.replace(",", "")
    try:
        value = Decimal(number)
    except InvalidOperation:
        raise Bad(_("'%(cell)s' is not an amount.") % {"cell": cell}) from None
    if value < 0 and not negative:
        raise Bad(_("'%(cell)s' cannot be negative.") % {"cell": cell})
    return abs(value)


def whole(cell: str) -> int:
    text = cell.strip()
    if not re.fullmatch(r"\d+", text):
        raise Bad(_("'%(cell)s' is not a whole number.") % {"cell": cell})
    return int(text)


def moment(cell: str, patterns: Iterable[str]) -> str:
    """A time in one of `patterns` (strptime) or ISO 8601, as ISO 8601."""
    text = cell.strip()
    for pattern in patterns:
        try:
            return datetime.strptime(text, pattern).isoformat()
        except ValueError:
            continue
    try:
        return datetime.fromisoformat(text).isoformat()
    except ValueError:
        raise Bad(
            _("'%(cell)s' is not a date and time this export writes.") % {"cell": cell}
        ) from None


def currency_code(cell: str) -> str:
    code = cell.strip().upper()
    if code not in money.CURRENCIES:
        message = _("Unknown currency '%(cell)s'; the currencies are %(currencies)s.")
        raise Bad(message % {"cell": cell, "currencies": ", ".join(money.CURRENCIES)})
    return code


def codes_in(cell: str) -> tuple[str, ...]:
    """The codes of a cell that may list several (comma- or semicolon-separated)."""
    return tuple(TrackingCode.normalise(code) for code in re.split(r"[,;]", cell) if code.strip())


def status_of(cell: str, statuses: Mapping[str, str], column: str) -> str:
    value = statuses.get(cell.strip().lower())
    if value is None:
        known = ", ".join(sorted({key for key in statuses if key}))
        message = _("Unknown %(column)s '%(cell)s'; this export's values are %(known)s.")
        raise Bad(message % {"column": column, "cell": cell, "known": known})
    return value


def net(total: Decimal, discount: Decimal, currency: str) -> str:
    return str(money.round(max(total - discount, Decimal(0)), currency))


def refund_text(refund: Decimal, currency: str) -> str:
    """A refund as the sales CSV takes it: empty when nothing was refunded, so that an export
    from before a refund does not undo it."""
    return str(money.round(refund, currency)) if refund else ""


def shares(total: Decimal, parts: list[Decimal], currency: str) -> list[Decimal]:
    """`total` split over `parts` in proportion, each at most its part, rounded down to the
    currency's unit with the remainder on the last parts."""
    whole_ = sum(parts, Decimal(0))
    total = min(total, whole_)
    if not whole_:
        return [Decimal(0)] * len(parts)
    unit = Decimal(1).scaleb(-money.minor_unit(currency))
    split = [(total * part / whole_).quantize(unit, rounding=ROUND_DOWN) for part in parts]
    left = total - sum(split, Decimal(0))
    for index in reversed(range(len(parts))):
        extra = min(left, parts[index] - split[index])
        split[index] += extra
        left -= extra
    return split


class _Line:
    """Reads one row's cells, collecting every unreadable one as a RowError."""

    def __init__(self, row: int, cells: Cells) -> None:
        self.row, self.cells, self.errors = row, cells, []

    def cell(self, column: str) -> str:
        return (self.cells.get(column) or "").strip().strip("\t").strip()

    def read(self, column: str, reader: Callable[[str], object], default: object = None) -> object:
        cell = self.cell(column)
        if not cell:
            return default
        try:
            return reader(cell)
        except Bad as error:
            self.errors.append(RowError(self.row, column, str(error)))
            return default

    def need(self, *columns: str) -> bool:
        missing = [column for column in columns if not self.cell(column)]
        self.errors += [RowError(self.row, column, _("This line needs it.")) for column in missing]
        return not missing


# --- Shopify orders export ------------------------------------------------------------------

SHOPIFY_TIMES = ("%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M %z", "%Y-%m-%d %H:%M:%S")
SHOPIFY_STATUSES = {
    "pending": PENDING,
    "authorized": PENDING,
    "partially_paid": PENDING,
    "unpaid": PENDING,
    "paid": CONFIRMED,
    "partially_refunded": CONFIRMED,
    "refunded": REFUNDED,
    "voided": REFUNDED,
}


def read_shopify(rows: Iterable[Row], context: Context) -> Iterator[OrderLine | RowError]:
    """One row per line item, an order's rows together; the order's own columns (Financial
    Status, Currency, Discount Code, Created at, Cancelled at, Refunded Amount) only on its first
    row. A line's net is Lineitem price × quantity less Lineitem discount; an order's Refunded
    Amount is shared over its lines in proportion to their nets."""
    for order, group in groupby(rows, key=lambda row: row[1].get("name", "").strip()):
        yield from _shopify_order(order, list(group), context)


def _shopify_order(order: str, rows: list[Row], context: Context) -> Iterator[OrderLine | RowError]:
    first = _Line(*rows[0])
    if not first.need("name", "created at", "financial status"):
        yield from first.errors
        return
    currency = first.read("currency", currency_code, context.currency)
    ordered_at = first.read("created at", lambda cell: moment(cell, SHOPIFY_TIMES))
    status = first.read(
        "financial status", lambda cell: status_of(cell, SHOPIFY_STATUSES, "Financial Status")
    )
    cancelled_at = first.read("cancelled at", lambda cell: moment(cell, SHOPIFY_TIMES), "")
    refunded = first.read("refunded amount", amount, Decimal(0))
    codes = codes_in(first.cell("discount code"))
    lines, nets, bad = [], [], bool(first.errors)
    for row, cells in rows:
        line = _Line(row, cells)
        line.need("lineitem sku", "lineitem quantity", "lineitem price")
        quantity = line.read("lineitem quantity", whole, 0)
        price = line.read("lineitem price", amount, Decimal(0))
        discount = line.read("lineitem discount", lambda cell: amount(cell, negative=True), 0)
        yield from line.errors
        bad = bad or bool(line.errors)
        lines.append((row, line.cell("lineitem sku"), quantity))
        nets.append(money.round(max(price * quantity - discount, Decimal(0)), currency or "USD"))
    yield from first.errors
    if bad:
        return
    if cancelled_at:
        status = REFUNDED
    refunds = nets if status == REFUNDED else shares(refunded, nets, currency)
    for position, ((row, sku, quantity), line_net, refund) in enumerate(
        zip(lines, nets, refunds, strict=True), start=1
    ):
        yield _shopify_line(
            row, order, position, ordered_at, sku, quantity, line_net, currency, status,
            (refund, cancelled_at), codes,
        )  # fmt: skip


def shopify_order_lines(order: Mapping) -> Iterator[OrderLine | RowError]:
    """The lines of an order as Shopify's webhooks send it (orders/create, orders/updated, with
    the refunds received so far): the same lines as the order's rows in the orders export, the
    line's position in the order its line id, and each line's refund its refund lines' subtotal,
    dated by the latest refund."""
    try:
        currency = currency_code(str(order.get("currency") or ""))
        status = status_of(
            str(order.get("financial_status") or ""), SHOPIFY_STATUSES, "financial_status"
        )
        ordered_at = moment(str(order.get("created_at") or ""), ())
        cancelled_at = moment(str(order["cancelled_at"]), ()) if order.get("cancelled_at") else ""
        refunds: dict[object, Decimal] = {}
        refunded_at: dict[object, str] = {}
        for refund in order.get("refunds") or []:
            for item in refund.get("refund_line_items") or []:
                key = item.get("line_item_id")
                refunds[key] = refunds.get(key, Decimal(0)) + amount(str(item.get("subtotal", "")))
                refunded_at[key] = max(refunded_at.get(key, ""), moment(refund["created_at"], ()))
        items = [
            (
                item.get("id"),
                str(item.get("sku") or ""),
                int(item.get("quantity") or 0),
                amount(str(item.get("price") or "")),
                amount(str(item.get("total_discount") or "")),
            )
            for item in order.get("line_items") or []
        ]
    except (Bad, KeyError, TypeError, ValueError) as error:
        message = _("Order %(order)s: %(error)s") % {"order": order.get("name", ""), "error": error}
        yield RowError(None, "", message)
        return
    codes = tuple(
        code
        for entry in order.get("discount_codes") or []
        if (code := TrackingCode.normalise(str(entry.get("code") or "")))
    )
    for position, (item_id, sku, quantity, price, discount) in enumerate(items, start=1):
        line_net = money.round(max(price * quantity - discount, Decimal(0)), currency)
        whole_refund = status == REFUNDED or bool(cancelled_at)
        refund = line_net if whole_refund else min(refunds.get(item_id, Decimal(0)), line_net)
        yield _shopify_line(
            position, str(order.get("name") or order.get("id")), position, ordered_at, sku,
            quantity, line_net, currency, status,
            (refund, cancelled_at or refunded_at.get(item_id, "")), codes,
        )  # fmt: skip


def _shopify_line(
    row: int,
    order: str,
    position: int,
    ordered_at: str,
    sku: str,
    quantity: int,
    line_net: Decimal,
    currency: str,
    status: str,
    refund: tuple[Decimal, str],
    codes: tuple[str, ...],
) -> OrderLine:
    """A Shopify order's line, from its export row or its webhook: its position in the order is
    its line id; refunded in full, its status is refunded. `refund` is (amount, when)."""
    amount_, refunded_at = refund
    return OrderLine(
        row=row,
        order=order,
        line=str(position),
        ordered_at=ordered_at,
        sku=sku,
        quantity=str(quantity),
        net_amount=str(line_net),
        currency=currency,
        status=REFUNDED if amount_ and amount_ == line_net else status,
        refunded_at=refunded_at if amount_ else "",
        refunded_amount=refund_text(amount_, currency),
        codes=codes,
    )


# --- Amazon All Orders report ---------------------------------------------------------------

AMAZON_STATUSES = {
    "pending": PENDING,
    "pending - waiting for pick up": PENDING,
    "unshipped": PENDING,
    "partiallyshipped": CONFIRMED,
    "shipping": CONFIRMED,
    "shipped": CONFIRMED,
    "shipped - delivered to buyer": CONFIRMED,
    "complete": CONFIRMED,
    "cancelled": REFUNDED,
}


def read_amazon(rows: Iterable[Row], context: Context) -> Iterator[OrderLine | RowError]:
    """Tab-separated, one row per order item. item-price is the line total (the quantity's,
    not a unit price) and item-promotion-discount its promotion discount (written negative or
    positive); a cancelled order or item is refunded in full, dated by last-updated-date.
    promotion-ids may name a promo code. The report has no item id: the SKU is the line."""
    seen: dict[tuple[str, str], int] = {}
    for row, cells in rows:
        line = _Line(row, cells)
        line.need("amazon-order-id", "purchase-date", "order-status", "sku")
        order, sku = line.cell("amazon-order-id"), line.cell("sku")
        quantity = line.read("quantity", whole, None)
        if quantity is None:
            quantity = line.read("quantity-purchased", whole, 0)
        total = line.read("item-price", amount, Decimal(0))
        discount = line.read("item-promotion-discount", lambda cell: amount(cell, negative=True))
        currency = line.read("currency", currency_code, context.currency)
        status = line.read(
            "order-status", lambda cell: status_of(cell, AMAZON_STATUSES, "order-status")
        )
        if line.cell("item-status").lower() == "cancelled":
            status = REFUNDED
        ordered_at = line.read("purchase-date", lambda cell: moment(cell, ()))
        updated_at = line.read("last-updated-date", lambda cell: moment(cell, ()), "")
        if line.errors:
            yield from line.errors
            continue
        count = seen[order, sku] = seen.get((order, sku), 0) + 1
        cancelled = status == REFUNDED
        yield OrderLine(
            row=row,
            order=order,
            line=sku if count == 1 else f"{sku}#{count}",
            ordered_at=ordered_at,
            sku=sku,
            quantity=str(quantity) if quantity else "",
            net_amount=net(total, discount or Decimal(0), currency) if quantity else "",
            currency=currency,
            status=status,
            refunded_at=updated_at if cancelled else "",
            codes=codes_in(line.cell("promotion-ids")),
            updates_only=cancelled and not quantity,
        )


# --- TikTok Shop affiliate orders export ----------------------------------------------------

TIKTOK_TIMES = ("%d/%m/%Y %H:%M:%S", "%m/%d/%Y %I:%M:%S %p", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M:%S")
TIKTOK_STATUSES = {
    "customer unpaid": PENDING,
    "unpaid": PENDING,
    "pending": PENDING,
    "frozen": PENDING,
    "settled": CONFIRMED,
    "completed": CONFIRMED,
    "ineligible": REFUNDED,
    "chưa thanh toán": PENDING,
    "đang xử lý": PENDING,
    "bị đóng băng": PENDING,
    "đã quyết toán": CONFIRMED,
    "đã thanh toán": CONFIRMED,
    "không đủ điều kiện": REFUNDED,
}
# The Vietnamese header of the export as Seller Center writes it in that locale.
TIKTOK_ALIASES = {
    "id đơn hàng": "order id",
    "id sản phẩm": "product id",
    "tên sản phẩm": "product name",
    "id sku": "sku id",
    "sku người bán": "seller sku",
    "giá": "price",
    "đơn vị tiền tệ": "currency",
    "số lượng": "quantity",
    "trạng thái đơn hàng": "order status",
    "tên người dùng nhà sáng tạo": "creator username",
    "loại nội dung": "content type",
    "id nội dung": "content id",
    "cơ sở hoa hồng ước tính": "est. commission base",
    "trả hàng & hoàn tiền": "returns & refunds",
    "hoàn tiền": "refund",
    "thời gian đã tạo": "time created",
}


def read_tiktok(rows: Iterable[Row], context: Context) -> Iterator[OrderLine | RowError]:
    """One row per SKU; Price is per unit and Est. commission base is what the creator's
    commission is figured on (the price paid after discounts), the line's net when given.
    Refund is what was refunded of the line; an Ineligible order was cancelled or refunded
    in full. The creator's username and the content id attribute the line."""
    for row, cells in rows:
        line = _Line(row, cells)
        order = line.cell("order id")
        if not re.fullmatch(r"[\w-]+", order):
            continue  # the row of field descriptions some exports have under the header
        line.need("time created", "order status")
        sku = line.cell("seller sku") or line.cell("sku")
        if not sku:
            line.errors.append(RowError(row, "seller sku", _("This line needs it.")))
        quantity = line.read("quantity", whole, 0)
        currency = line.read("currency", currency_code, None) or _prefixed_currency(
            line.cell("price"), context
        )
        price = line.read("price", amount, Decimal(0))
        base = line.read("est. commission base", amount, None)
        refund = line.read("refund", amount, Decimal(0))
        status = line.read(
            "order status", lambda cell: status_of(cell, TIKTOK_STATUSES, "Order status")
        )
        ordered_at = line.read("time created", lambda cell: moment(cell, TIKTOK_TIMES))
        if line.errors:
            yield from line.errors
            continue
        line_net = money.round(base if base else price * quantity, currency)
        refund = min(refund, line_net)
        if status == REFUNDED:
            refund = line_net
        elif refund and refund == line_net:
            status = REFUNDED
        yield OrderLine(
            row=row,
            order=order,
            line=line.cell("sku id") or sku,
            ordered_at=ordered_at,
            sku=sku,
            quantity=str(quantity),
            net_amount=str(line_net),
            currency=currency,
            status=status,
            refunded_amount=refund_text(refund, currency),
            creator=line.cell("creator username").lstrip("@").lower(),
            content=line.cell("content id"),
        )


def _prefixed_currency(cell: str, context: Context) -> str:
    """The currency an amount is prefixed with (SGD 12.90), or the brand's."""
    found = re.match(r"\s*([A-Za-z]{3})\b", cell)
    code = found.group(1).upper() if found else ""
    return code if code in money.CURRENCIES else context.currency


# --- Shopee order export --------------------------------------------------------------------

SHOPEE_TIMES = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%d-%m-%Y %H:%M")
SHOPEE_STATUSES = {
    "unpaid": PENDING,
    "to ship": CONFIRMED,
    "ready to ship": CONFIRMED,
    "shipping": CONFIRMED,
    "delivered": CONFIRMED,
    "order received": CONFIRMED,
    "completed": CONFIRMED,
    "cancelled": REFUNDED,
    "canceled": REFUNDED,
}
SHOPEE_REFUNDED = ("request approved", "refund paid", "refunded", "return accepted")


def read_shopee(rows: Iterable[Row], context: Context) -> Iterator[OrderLine | RowError]:
    """One row per SKU with the order's totals repeated. A line's net is its Product Subtotal
    (Deal Price × Quantity) less its Price Discount (from Seller) when that column is given;
    the voucher codes are in Voucher Code From Seller (or Voucher Code). An approved return or
    refund refunds the returned quantity's share, all of it without Returned quantity."""
    currency = context.currency
    for row, cells in rows:
        if currency == context.currency:
            currency = _currency_in_header(cells, context)
        line = _Line(row, cells)
        line.need("order id", "order creation date", "order status")
        sku = line.cell("sku reference no.") or line.cell("parent sku reference no.")
        if not sku:
            line.errors.append(RowError(row, "sku reference no.", _("This line needs it.")))
        quantity = line.read("quantity", whole, 0)
        price = line.read("deal price", amount, Decimal(0))
        subtotal = line.read("product subtotal", amount, None)
        seller_discount = _sum_columns(line, "price discount(from seller)")
        returned = line.read("returned quantity", whole, 0)
        status = line.read(
            "order status", lambda cell: status_of(cell, SHOPEE_STATUSES, "Order Status")
        )
        ordered_at = line.read("order creation date", lambda cell: moment(cell, SHOPEE_TIMES))
        if line.errors:
            yield from line.errors
            continue
        total = subtotal if subtotal is not None else price * quantity
        line_net = money.round(max(total - seller_discount, Decimal(0)), currency)
        refund = Decimal(0)
        if line.cell("return / refund status").lower() in SHOPEE_REFUNDED:
            share = line_net * min(returned, quantity) / quantity if returned and quantity else None
            refund = line_net if share is None else money.round(share, currency)
        if status == REFUNDED or (refund and refund == line_net):
            status, refund = REFUNDED, line_net
        voucher = line.cell("voucher code from seller") or line.cell("voucher code")
        yield OrderLine(
            row=row,
            order=line.cell("order id"),
            line=sku,
            ordered_at=ordered_at,
            sku=sku,
            quantity=str(quantity),
            net_amount=str(line_net),
            currency=currency,
            status=status,
            refunded_amount=refund_text(refund, currency),
            codes=codes_in(voucher),
        )


def _currency_in_header(cells: Cells, context: Context) -> str:
    """Shopee names the currency in its money columns' headers: Total Discount(PHP)."""
    for name in cells:
        found = re.search(r"\(([a-z]{3})\)\s*$", name)
        if found and found.group(1).upper() in money.CURRENCIES:
            return found.group(1).upper()
    return context.currency


def _sum_columns(line: _Line, prefix: str) -> Decimal:
    """The amount of the column whose name starts with `prefix` (its currency follows)."""
    for name in line.cells:
        if name.startswith(prefix):
            return line.read(name, lambda cell: amount(cell, negative=True), Decimal(0))
    return Decimal(0)


# --- Lazada order export --------------------------------------------------------------------

LAZADA_TIMES = ("%d %b %Y %H:%M", "%d %b %Y %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M")
LAZADA_STATUSES = {
    "unpaid": PENDING,
    "pending": PENDING,
    "packed": CONFIRMED,
    "ready_to_ship": CONFIRMED,
    "ready to ship": CONFIRMED,
    "shipped": CONFIRMED,
    "delivered": CONFIRMED,
    "confirmed": CONFIRMED,
    "canceled": REFUNDED,
    "cancelled": REFUNDED,
    "returned": REFUNDED,
    "failed": REFUNDED,
    "failed delivery": REFUNDED,
    "lost": REFUNDED,
}


def read_lazada(rows: Iterable[Row], context: Context) -> Iterator[OrderLine | RowError]:
    """One row per unit (orderItemId), so each line is quantity 1. Its net is unitPrice less
    sellerDiscountTotal; refundAmount is what was refunded of it. The export names no currency
    (an optional currency column is read, else the brand's currency) and no voucher: an
    optional voucherCode column attributes the line."""
    for row, cells in rows:
        line = _Line(row, cells)
        line.need("ordernumber", "orderitemid", "sellersku", "createtime", "status")
        currency = line.read("currency", currency_code, context.currency)
        price = line.read("unitprice", amount, Decimal(0))
        discount = line.read("sellerdiscounttotal", lambda cell: amount(cell, negative=True))
        refund = line.read("refundamount", amount, Decimal(0))
        status = line.read("status", lambda cell: status_of(cell, LAZADA_STATUSES, "status"))
        ordered_at = line.read("createtime", lambda cell: moment(cell, LAZADA_TIMES))
        updated_at = line.read("updatetime", lambda cell: moment(cell, LAZADA_TIMES), "")
        if line.errors:
            yield from line.errors
            continue
        line_net = money.round(max(price - (discount or 0), Decimal(0)), currency)
        refund = min(refund, line_net)
        if status == REFUNDED or (refund and refund == line_net):
            status, refund = REFUNDED, line_net
        yield OrderLine(
            row=row,
            order=line.cell("ordernumber"),
            line=line.cell("orderitemid"),
            ordered_at=ordered_at,
            sku=line.cell("sellersku"),
            quantity="1",
            net_amount=str(line_net),
            currency=currency,
            status=status,
            refunded_at=updated_at if status == REFUNDED else "",
            refunded_amount=refund_text(refund, currency),
            codes=codes_in(line.cell("vouchercode")),
        )


# --- AliExpress order export ----------------------------------------------------------------

ALIEXPRESS_TIMES = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M")
ALIEXPRESS_STATUSES = {
    "awaiting payment": PENDING,
    "等待买家付款": PENDING,
    "awaiting shipment": CONFIRMED,
    "等待您发货": CONFIRMED,
    "awaiting delivery": CONFIRMED,
    "等待买家收货": CONFIRMED,
    "order completed": CONFIRMED,
    "finished": CONFIRMED,
    "订单结束": CONFIRMED,
    "交易完成": CONFIRMED,
    "closed": REFUNDED,
    "cancelled": REFUNDED,
    "订单关闭": REFUNDED,
}
# AliExpress publishes no layout for its order export: this documented one-row-per-product
# layout is accepted, in English or with the seller back office's Chinese headers.
ALIEXPRESS_ALIASES = {
    "订单号": "order no.",
    "订单状态": "order status",
    "下单时间": "order time",
    "商家编码": "sku code",
    "数量": "quantity",
    "产品金额": "product amount",
    "币种": "currency",
    "优惠码": "coupon code",
    "退款金额": "refund amount",
    "退款时间": "refund time",
}


def read_aliexpress(rows: Iterable[Row], context: Context) -> Iterator[OrderLine | RowError]:
    """One row per product: Product Amount is the line's total after the store's discounts,
    Coupon Code the store coupon, Refund Amount and Refund Time the refund so far. Currency
    defaults to USD, the currency AliExpress lists in."""
    seen: dict[tuple[str, str], int] = {}
    for row, cells in rows:
        line = _Line(row, cells)
        line.need("order no.", "order time", "order status", "sku code", "quantity")
        currency = line.read("currency", currency_code, "USD")
        total = line.read("product amount", amount, Decimal(0))
        quantity = line.read("quantity", whole, 0)
        refund = line.read("refund amount", amount, Decimal(0))
        status = line.read(
            "order status", lambda cell: status_of(cell, ALIEXPRESS_STATUSES, "Order Status")
        )
        ordered_at = line.read("order time", lambda cell: moment(cell, ALIEXPRESS_TIMES))
        refunded_at = line.read("refund time", lambda cell: moment(cell, ALIEXPRESS_TIMES), "")
        if line.errors:
            yield from line.errors
            continue
        order, sku = line.cell("order no."), line.cell("sku code")
        count = seen[order, sku] = seen.get((order, sku), 0) + 1
        line_net = money.round(total, currency)
        refund = min(refund, line_net)
        if status == REFUNDED or (refund and refund == line_net):
            status, refund = REFUNDED, line_net
        yield OrderLine(
            row=row,
            order=order,
            line=sku if count == 1 else f"{sku}#{count}",
            ordered_at=ordered_at,
            sku=sku,
            quantity=str(quantity),
            net_amount=str(line_net),
            currency=currency,
            status=status,
            refunded_at=refunded_at if refund else "",
            refunded_amount=refund_text(refund, currency),
            codes=codes_in(line.cell("coupon code")),
        )


# --- The layouts ----------------------------------------------------------------------------

FORMATS = (
    ExportFormat(
        "shopify",
        gettext_lazy("Shopify orders export"),
        "shopify",
        ("name", "created at", "financial status", "lineitem sku", "lineitem quantity"),
        read_shopify,
    ),
    ExportFormat(
        "amazon",
        gettext_lazy("Amazon All Orders report"),
        "amazon",
        ("amazon-order-id", "purchase-date", "order-status", "sku", "item-price"),
        read_amazon,
    ),
    ExportFormat(
        "tiktok",
        gettext_lazy("TikTok Shop affiliate orders export"),
        "tiktok",
        ("order id", "creator username", "time created", "order status"),
        read_tiktok,
        creator_platform="tiktok",
        aliases=TIKTOK_ALIASES,
    ),
    ExportFormat(
        "shopee",
        gettext_lazy("Shopee order export"),
        "shopee",
        ("order id", "order status", "order creation date", "sku reference no.", "quantity"),
        read_shopee,
    ),
    ExportFormat(
        "lazada",
        gettext_lazy("Lazada order export"),
        "lazada",
        ("ordernumber", "orderitemid", "sellersku", "createtime", "status"),
        read_lazada,
    ),
    ExportFormat(
        "aliexpress",
        gettext_lazy("AliExpress order export"),
        "aliexpress",
        ("order no.", "order time", "order status", "sku code", "quantity"),
        read_aliexpress,
        aliases=ALIEXPRESS_ALIASES,
    ),
)
BY_NAME = {export.name: export for export in FORMATS}


def header_names(header: Iterable[str], export: ExportFormat | None = None) -> list[str]:
    """A header as the layouts read it: lower case, trimmed, translated by the aliases."""
    names = [cell.strip().strip("\t").strip().lower() for cell in header]
    aliases = {} if export is None else export.aliases or {}
    return [aliases.get(name, name) for name in names]


def detect(header: Iterable[str]) -> ExportFormat | None:
    """The layout whose columns are all in the header, if one is."""
    header = list(header)
    for export in FORMATS:
        if set(export.columns) <= set(header_names(header, export)):
            return export
    return None
