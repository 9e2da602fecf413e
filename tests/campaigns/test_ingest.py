"""Sales and metric snapshots from CSV files: a whole batch or nothing, every problem listed,
the same batch twice changes nothing, refunds update their sale, and the COPY and bulk writers
store the same rows."""

import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaigns import ingest
from campaigns.ingest import SALES_EXAMPLE, import_metrics_csv, import_sales_csv
from campaigns.models import MetricSnapshot, Sale
from tests import factories

pytestmark = pytest.mark.django_db

HEADER = (
    "order_id,line_id,ordered_at,code,sku,quantity,net_amount,currency,status,refunded_at,"
    "refunded_amount"
)
METHODS = [
    "bulk",
    pytest.param("copy", marks=pytest.mark.postgres),
]


def sales_csv(*rows: str, header: str = HEADER) -> bytes:
    return "\n".join([header, *rows]).encode()


def line(**cells: object) -> str:
    """A row of the sales file with only these cells filled."""
    return ",".join(str(cells.get(name, "")) for name in HEADER.split(","))


def located(result: ingest.IngestResult) -> list[tuple[int | None, str]]:
    return [(error.line, error.column) for error in result.errors]


def stored_sales(brand) -> list[tuple]:
    """Every stored sale of the brand, as written by an import, in a fixed order."""
    return list(
        Sale.objects.filter(brand=brand)
        .order_by("order_id", "line_id")
        .values_list(
            "order_id",
            "line_id",
            "ordered_at",
            "tracking_code__code",
            "product__sku",
            "quantity",
            "net_amount",
            "currency",
            "status",
            "refunded_at",
            "refunded_amount",
        )
    )


@pytest.fixture
def shop(brand):
    """Two tracking codes and two wigs of the brand (whose time zone is Asia/Shanghai)."""
    anna = factories.TrackingCodeFactory(
        participant__contract__partnership__influencer__brand=brand, code="ANNA10"
    )
    mia = factories.TrackingCodeFactory(
        participant__contract__partnership__influencer__brand=brand, code="MIA-LIVE"
    )
    return SimpleNamespace(
        brand=brand,
        anna=anna,
        mia=mia,
        body_wave=factories.ProductFactory(brand=brand, sku="WIG-BW-22"),
        curly=factories.ProductFactory(brand=brand, sku="WIG-CL-18"),
    )


SHANGHAI = ZoneInfo("Asia/Shanghai")
NOV_10 = "2026-11-10T10:00:00Z"


# --- Good files ---------------------------------------------------------------------------


def test_good_file_creates_every_sale_with_its_refund(shop):
    result = import_sales_csv(SALES_EXAMPLE, brand=shop.brand)

    assert result.ok, result.errors
    assert result.counts() == {"created": 3, "updated": 0, "unchanged": 0}
    first, second, third = Sale.objects.order_by("order_id", "line_id")
    assert first.ordered_at == datetime(2026, 11, 5, 6, 30, tzinfo=UTC)
    assert (first.tracking_code, first.product) == (shop.anna, shop.body_wave)
    assert (first.quantity, first.net_amount, first.currency) == (1, Decimal("189.00"), "USD")
    assert (first.status, first.refunded_at, first.refunded_amount) == ("confirmed", None, 0)
    # a partial refund keeps the line confirmed; commission is paid on what is left
    assert (second.status, second.refunded_amount) == ("confirmed", Decimal("125.00"))
    assert second.commission_base == Decimal("125.00")
    assert second.refunded_at == datetime(2026, 11, 20, 1, 0, tzinfo=UTC)
    # status refunded without an amount refunds the whole line; naive times are the brand's
    assert (third.tracking_code, third.currency) == (shop.mia, "CNY")
    assert (third.status, third.refunded_amount) == ("refunded", Decimal("1299.00"))
    assert third.ordered_at == datetime(2026, 11, 6, 10, 2, tzinfo=SHANGHAI)
    assert third.refunded_at == datetime(2026, 11, 9, 16, 45, tzinfo=SHANGHAI)
    assert set(Sale.objects.values_list("brand", flat=True)) == {shop.brand.pk}


def test_columns_come_in_any_order_and_codes_in_any_case(shop):
    result = import_sales_csv(
        sales_csv(
            "usd,anna10,2,WIG-BW-22,A-1,1,378.00,2026-11-05T10:00:00Z",
            header="currency,code,quantity,sku,order_id,line_id,net_amount,ordered_at",
        ),
        brand=shop.brand,
    )

    assert result.ok, result.errors
    sale = Sale.objects.get()
    assert (sale.tracking_code, sale.currency, sale.quantity) == (shop.anna, "USD", 2)


# --- Bad files ----------------------------------------------------------------------------


def test_bad_file_writes_nothing_and_lists_every_problem_with_line_and_field(shop, other_brand):
    factories.TrackingCodeFactory(
        participant__contract__partnership__influencer__brand=other_brand, code="KESTREL5"
    )
    result = import_sales_csv(
        sales_csv(
            "A-1,1,2026-11-05T10:00:00Z,ANNA10,WIG-BW-22,1,189.00,USD,,,",  # good
            "A-2,1,2026-11-05T10:00:00Z,NOPE10,WIG-BW-22,1,189.00,USD,,,",  # unknown code
            "A-3,1,2026-11-05T10:00:00Z,ANNA10,WIG-XX-00,1,189.00,USD,,,",  # unknown SKU
            "A-4,1,2026-11-05T10:00:00Z,ANNA10,WIG-BW-22,1,189.00,XYZ,,,",  # unknown currency
            "A-5,1,2026-11-05T10:00:00Z,ANNA10,WIG-BW-22,-2,189.00,USD,,,",  # negative quantity
            "A-6,1,2026-11-05T10:00:00Z,ANNA10,WIG-BW-22,1,100.00,USD,,2026-11-09T10:00:00Z,"
            "150.00",  # refund larger than the sale
            "A-7,1,05/11/2026,ANNA10,WIG-BW-22,1,189.00,USD,,,",  # malformed date
            "A-8,1,2026-11-05T10:00:00Z,ANNA10,WIG-BW-22,one,1.189,00,USD,,,",  # cell count
            "A-9,1,2026-11-05T10:00:00Z,ANNA10,WIG-BW-22,one,€189,USD,,,",  # two malformed numbers
            "A-1,1,2026-11-05T10:00:00Z,ANNA10,WIG-BW-22,1,189.00,USD,,,",  # duplicate of line 2
            "A-10,1,2026-11-05T10:00:00Z,KESTREL5,WIG-BW-22,1,189.00,USD,,,",  # other brand's
            ",1,2026-11-05T10:00:00Z,ANNA10,WIG-BW-22,1,189.00,USD,shipped,,",  # no order id
            "A-11,1,2026-11-05T10:00:00Z,,,1,189.00,USD,,,",  # new sale without code and SKU
        ),
        brand=shop.brand,
    )

    assert not result.ok
    assert located(result) == [
        (3, "code"),
        (4, "sku"),
        (5, "currency"),
        (6, "quantity"),
        (7, "refunded_amount"),
        (8, "ordered_at"),
        (9, ""),
        (10, "quantity"),
        (10, "net_amount"),
        (11, "line_id"),
        (12, "code"),
        (13, "order_id"),
        (13, "status"),
        (14, "code"),
        (14, "sku"),
    ]
    messages = {(error.line, error.column): error.message for error in result.errors}
    assert messages[3, "code"] == "Unknown tracking code 'NOPE10': no code of this brand."
    assert messages[12, "code"] == "Unknown tracking code 'KESTREL5': no code of this brand."
    assert messages[6, "quantity"] == "The quantity cannot be negative."
    assert "larger than the sale's net amount (100.00 USD)" in messages[7, "refunded_amount"]
    assert "already at line 2" in messages[11, "line_id"]
    assert "Needed for a new sale" in messages[14, "code"]
    assert not Sale.objects.exists()


def test_a_row_with_several_problems_reports_them_all(shop):
    result = import_sales_csv(
        sales_csv("A-1,1,yesterday,NOPE,WIG-XX,0,12.345,USD,,,"), brand=shop.brand
    )

    assert located(result) == [
        (2, "ordered_at"),
        (2, "code"),
        (2, "sku"),
        (2, "quantity"),
        (2, "net_amount"),
    ]
    assert [error.message for error in result.errors][3:] == [
        "The quantity must be at least 1.",
        "At most 2 decimal places.",
    ]


def test_missing_and_unknown_columns_are_reported_on_the_header(shop):
    result = import_sales_csv(
        sales_csv(
            "A-1,1,2026-11-05,ANNA10,1,189.00,USD,1",
            header="order_id,line_id,ordered_at,code,quantity,net_amount,currency,extra",
        ),
        brand=shop.brand,
    )

    assert located(result) == [(1, "extra"), (1, "sku")]
    assert result.errors[1].message == "Required column missing from the header."


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty"),
        (HEADER.encode(), "The file has a header but no rows."),
        (HEADER.replace(",", ";").encode() + b"\n1;1", "separated by ';'"),
        ("A-1,1,café".encode("latin-1"), "not UTF-8"),
    ],
)
def test_unreadable_files_say_why(shop, content, message):
    result = import_sales_csv(content, brand=shop.brand)

    assert message in result.errors[0].message


def test_amounts_follow_the_currency_minor_unit(shop):
    result = import_sales_csv(
        sales_csv("A-1,1,2026-11-05T10:00:00Z,ANNA10,WIG-BW-22,1,1299.50,JPY,,,"),
        brand=shop.brand,
    )

    assert located(result) == [(2, "net_amount")]
    assert result.errors[0].message == "JPY amounts have 0 decimal places."


def test_status_must_agree_with_the_refund(shop):
    result = import_sales_csv(
        sales_csv(
            "A-1,1,2026-11-05T10:00:00Z,ANNA10,WIG-BW-22,1,100.00,USD,refunded,"
            "2026-11-09T10:00:00Z,40.00",
            "A-2,1,2026-11-05T10:00:00Z,ANNA10,WIG-BW-22,1,100.00,USD,confirmed,"
            "2026-11-09T10:00:00Z,100.00",
            "A-3,1,2026-11-05T10:00:00Z,ANNA10,WIG-BW-22,1,100.00,USD,refunded,,",
            "A-4,1,2026-11-05T10:00:00Z,ANNA10,WIG-BW-22,1,100.00,USD,,2026-11-04T10:00:00Z,10",
            "A-5,1,2026-11-05T10:00:00Z,ANNA10,WIG-BW-22,1,100.00,USD,,2026-11-09T10:00:00Z,",
        ),
        brand=shop.brand,
    )

    assert located(result) == [
        (2, "status"),
        (3, "status"),
        (4, "refunded_at"),
        (5, "refunded_at"),
        (6, "refunded_amount"),
    ]
    assert "before the order" in result.errors[3].message
    assert not Sale.objects.exists()


# --- Sending again, updates and refunds -----------------------------------------------------


@pytest.mark.parametrize("method", METHODS)
def test_same_file_twice_changes_nothing(shop, method):
    first = import_sales_csv(SALES_EXAMPLE, brand=shop.brand, method=method)
    rows = list(Sale.objects.order_by("pk").values())

    again = import_sales_csv(SALES_EXAMPLE, brand=shop.brand, method=method)

    assert first.counts() == {"created": 3, "updated": 0, "unchanged": 0}
    assert again.counts() == {"created": 0, "updated": 0, "unchanged": 3}
    assert list(Sale.objects.order_by("pk").values()) == rows  # updated_at included


@pytest.mark.parametrize("method", METHODS)
def test_refund_of_a_known_sale_updates_it(shop, method):
    import_sales_csv(SALES_EXAMPLE, brand=shop.brand, method=method)

    result = import_sales_csv(
        sales_csv(
            line(
                order_id=200045781,
                line_id=1,
                refunded_at="2026-11-25T12:00:00+08:00",
                refunded_amount="189.00",
            )
        ),
        brand=shop.brand,
        method=method,
    )

    assert result.counts() == {"created": 0, "updated": 1, "unchanged": 0}
    sale = Sale.objects.get(order_id="200045781", line_id="1")
    assert sale.status == "refunded"
    assert sale.refunded_amount == Decimal("189.00")
    assert sale.refunded_at == datetime(2026, 11, 25, 4, 0, tzinfo=UTC)
    assert (sale.net_amount, sale.tracking_code, sale.quantity) == (Decimal("189.00"), shop.anna, 1)
    assert sale.commission_base == 0


@pytest.mark.parametrize("method", METHODS)
def test_partial_refund_then_the_rest(shop, method):
    import_sales_csv(
        sales_csv("A-1,1,2026-11-05T10:00:00Z,ANNA10,WIG-BW-22,2,378.00,USD,confirmed,,"),
        brand=shop.brand,
        method=method,
    )

    partial = import_sales_csv(
        sales_csv(line(order_id="A-1", line_id=1, refunded_at=NOV_10, refunded_amount="189.00")),
        brand=shop.brand,
        method=method,
    )
    sale = Sale.objects.get()
    assert partial.updated == 1
    assert (sale.status, sale.refunded_amount, sale.commission_base) == (
        "confirmed",
        Decimal("189.00"),
        Decimal("189.00"),
    )

    rest = import_sales_csv(
        sales_csv(
            line(order_id="A-1", line_id=1, status="refunded", refunded_at="2026-11-12T10:00:00Z")
        ),
        brand=shop.brand,
        method=method,
    )
    sale.refresh_from_db()
    assert rest.updated == 1
    assert (sale.status, sale.refunded_amount) == ("refunded", Decimal("378.00"))
    assert sale.refunded_at == datetime(2026, 11, 12, 10, 0, tzinfo=UTC)


def test_refund_larger_than_a_stored_sale_is_rejected(shop):
    factories.SaleFactory(
        tracking_code=shop.anna, product=shop.body_wave, order_id="A-1", net_amount=Decimal("100")
    )

    result = import_sales_csv(
        sales_csv(line(order_id="A-1", line_id=1, refunded_at=NOV_10, refunded_amount="100.01")),
        brand=shop.brand,
    )

    assert located(result) == [(2, "refunded_amount")]
    assert "larger than the sale's net amount (100.00 USD)" in result.errors[0].message
    assert Sale.objects.get().refunded_amount == 0


def test_cutting_the_net_amount_below_the_refund_blames_the_amount(shop):
    factories.SaleFactory(
        tracking_code=shop.anna,
        product=shop.body_wave,
        order_id="A-1",
        net_amount=Decimal("100"),
        refunded_amount=Decimal("60"),
        refunded_at=datetime(2026, 11, 10, tzinfo=UTC),
    )

    result = import_sales_csv(
        sales_csv(line(order_id="A-1", line_id=1, net_amount="50.00")), brand=shop.brand
    )

    assert located(result) == [(2, "net_amount")]


def test_resending_the_order_export_keeps_a_refund_and_zero_clears_it(shop):
    order = "A-1,1,2026-11-05T10:00:00Z,ANNA10,WIG-BW-22,1,100.00,USD,,,"
    import_sales_csv(sales_csv(order), brand=shop.brand)
    import_sales_csv(
        sales_csv(line(order_id="A-1", line_id=1, refunded_at=NOV_10, refunded_amount="100.00")),
        brand=shop.brand,
    )

    resent = import_sales_csv(sales_csv(order), brand=shop.brand)
    assert resent.unchanged == 1
    assert Sale.objects.get().status == "refunded"

    cleared = import_sales_csv(
        sales_csv(line(order_id="A-1", line_id=1, refunded_amount=0)), brand=shop.brand
    )
    sale = Sale.objects.get()
    assert cleared.updated == 1
    assert (sale.status, sale.refunded_amount, sale.refunded_at) == ("confirmed", 0, None)


def test_a_changed_row_updates_the_sale_and_only_that_one(shop):
    import_sales_csv(SALES_EXAMPLE, brand=shop.brand)
    changed = SALES_EXAMPLE.replace(
        "WIG-BW-22,1,189.00,USD,confirmed", "WIG-CL-18,1,179.00,USD,pending"
    )

    result = import_sales_csv(changed, brand=shop.brand)

    assert result.counts() == {"created": 0, "updated": 1, "unchanged": 2}
    sale = Sale.objects.get(order_id="200045781", line_id="1")
    assert (sale.product, sale.net_amount, sale.status) == (
        shop.curly,
        Decimal("179.00"),
        "pending",
    )


def test_a_sale_for_another_brands_code_is_unknown_even_with_the_same_order_id(shop, other_brand):
    other_code = factories.TrackingCodeFactory(
        participant__contract__partnership__influencer__brand=other_brand, code="ANNA10"
    )
    factories.ProductFactory(brand=other_brand, sku="WIG-BW-22")
    import_sales_csv(SALES_EXAMPLE, brand=shop.brand)

    result = import_sales_csv(
        sales_csv("200045781,1,2026-11-05T10:00:00Z,ANNA10,WIG-BW-22,9,9.00,USD,,,"),
        brand=other_brand,
    )

    assert result.counts() == {"created": 1, "updated": 0, "unchanged": 0}
    assert Sale.objects.get(brand=other_brand).tracking_code == other_code
    mine = Sale.objects.get(brand=shop.brand, order_id="200045781", line_id="1")
    assert (mine.quantity, mine.tracking_code) == (1, shop.anna)


def test_codes_and_skus_are_checked_with_one_query_each_whatever_the_rows(shop):
    def queries(rows: int) -> int:
        content = sales_csv(
            *(
                f"B-{n},1,2026-11-05T10:00:00Z,NOPE{n % 7},SKU-{n % 5},1,10.00,USD,,,"
                for n in range(rows)
            )
        )
        with CaptureQueriesContext(connection) as context:
            result = import_sales_csv(content, brand=shop.brand)
        assert len(result.errors) == 2 * rows
        return len(context.captured_queries)

    assert queries(10) == queries(800)


# --- The two writers ------------------------------------------------------------------------

BASE = sales_csv(
    "A-1,1,2026-11-05T10:00:00Z,ANNA10,WIG-BW-22,1,189.00,USD,,,",
    "A-1,2,2026-11-05T10:00:00Z,ANNA10,WIG-CL-18,2,250.00,USD,pending,,",
    "A-2,1,2026-11-06 09:00,MIA-LIVE,WIG-BW-22,1,1299.00,CNY,,,",
    "A-3,1,2026-11-07T23:59:59-05:00,MIA-LIVE,WIG-CL-18,3,36000,JPY,,,",
)
CHANGES = sales_csv(
    line(order_id="A-1", line_id=1, refunded_at="2026-11-10T10:00:00Z", refunded_amount=50),
    line(order_id="A-1", line_id=2, status="confirmed"),  # was pending
    line(order_id="A-2", line_id=1, status="refunded", refunded_at="2026-11-09 12:00"),
    "A-3,1,2026-11-07T23:59:59-05:00,MIA-LIVE,WIG-CL-18,3,36000,JPY,,,",  # unchanged
    "A-4,1,2026-11-08T08:00:00+08:00,ANNA10,WIG-BW-22,1,0.99,USD,,,",  # new
)


def sale_row(order_line: str, ordered_at: datetime, code: str, sku: str, quantity: int) -> tuple:
    return (*order_line.split("/"), ordered_at, code, sku, quantity)


def amounts(net: str, currency: str, status: str, refunded_at=None, refunded="0.00") -> tuple:
    return (Decimal(net), currency, status, refunded_at, Decimal(refunded))


EXPECTED = [
    (
        *sale_row("A-1/1", datetime(2026, 11, 5, 10, tzinfo=UTC), "ANNA10", "WIG-BW-22", 1),
        *amounts("189.00", "USD", "confirmed", datetime(2026, 11, 10, 10, tzinfo=UTC), "50.00"),
    ),
    (
        *sale_row("A-1/2", datetime(2026, 11, 5, 10, tzinfo=UTC), "ANNA10", "WIG-CL-18", 2),
        *amounts("250.00", "USD", "confirmed"),
    ),
    (
        *sale_row("A-2/1", datetime(2026, 11, 6, 1, tzinfo=UTC), "MIA-LIVE", "WIG-BW-22", 1),
        *amounts("1299.00", "CNY", "refunded", datetime(2026, 11, 9, 4, tzinfo=UTC), "1299.00"),
    ),
    (
        *sale_row(
            "A-3/1", datetime(2026, 11, 8, 4, 59, 59, tzinfo=UTC), "MIA-LIVE", "WIG-CL-18", 3
        ),
        *amounts("36000.00", "JPY", "confirmed"),
    ),
    (
        *sale_row("A-4/1", datetime(2026, 11, 8, 0, tzinfo=UTC), "ANNA10", "WIG-BW-22", 1),
        *amounts("0.99", "USD", "confirmed"),
    ),
]


@pytest.mark.parametrize("method", METHODS)
def test_each_writer_stores_exactly_the_expected_rows(shop, method):
    """Run on SQLite (bulk) and on PostgreSQL (bulk and COPY): every database and writer gives
    these rows and counts."""
    base = import_sales_csv(BASE, brand=shop.brand, method=method)
    changes = import_sales_csv(CHANGES, brand=shop.brand, method=method)

    assert base.counts() == {"created": 4, "updated": 0, "unchanged": 0}
    assert changes.counts() == {"created": 1, "updated": 3, "unchanged": 1}
    assert stored_sales(shop.brand) == EXPECTED


@pytest.mark.postgres
def test_copy_and_bulk_writers_give_identical_rows_on_postgresql(shop):
    tables = {}
    for method in ("bulk", "copy"):
        Sale.objects.all().delete()
        results = [
            import_sales_csv(content, brand=shop.brand, method=method).counts()
            for content in (BASE, CHANGES, CHANGES)
        ]
        rows = Sale.objects.order_by("order_id", "line_id").values()
        ignored = {"id", "created_at", "updated_at"}
        tables[method] = (
            results,
            [{k: v for k, v in row.items() if k not in ignored} for row in rows],
        )

    assert tables["copy"] == tables["bulk"]
    assert tables["copy"][0][2] == {"created": 0, "updated": 0, "unchanged": 5}


@pytest.mark.postgres
def test_large_batches_take_the_copy_path_on_postgresql(shop):
    content = sales_csv(
        *(f"C-{n},1,2026-11-05T10:00:00Z,ANNA10,WIG-BW-22,1,10.00,USD,,," for n in range(1000))
    )
    with CaptureQueriesContext(connection) as context:
        result = import_sales_csv(content, brand=shop.brand)

    assert result.created == 1000
    assert any("ON CONFLICT" in query["sql"] for query in context.captured_queries)


def test_copy_needs_postgresql(shop):
    if connection.vendor == "postgresql":
        pytest.skip("checks the refusal on other databases")
    with pytest.raises(ValueError, match="PostgreSQL"):
        import_sales_csv(SALES_EXAMPLE, brand=shop.brand, method="copy")


def generated_sales(rows: int) -> bytes:
    start = datetime(2026, 11, 1, tzinfo=UTC)
    lines = [HEADER]
    for n in range(rows):
        refunded = n % 10 == 0
        lines.append(
            f"{200_000_000 + n // 3},{n % 3 + 1},{(start + timedelta(seconds=17 * n)).isoformat()},"
            f"{'ANNA10' if n % 2 else 'MIA-LIVE'},{'WIG-BW-22' if n % 3 else 'WIG-CL-18'},"
            f"{n % 4 + 1},{n % 500 + 10}.{n % 100:02d},USD,,"
            + (f"{(start + timedelta(days=20)).isoformat()},5.00" if refunded else ",")
        )
    return "\n".join(lines).encode()


@pytest.mark.postgres
def test_100000_sales_import_through_copy(shop, capsys):
    content = generated_sales(100_000)

    started = time.perf_counter()
    result = import_sales_csv(content, brand=shop.brand, method="copy")
    first = time.perf_counter() - started
    started = time.perf_counter()
    again = import_sales_csv(content, brand=shop.brand, method="copy")
    second = time.perf_counter() - started

    assert result.counts() == {"created": 100_000, "updated": 0, "unchanged": 0}
    assert again.counts() == {"created": 0, "updated": 0, "unchanged": 100_000}
    assert Sale.objects.filter(brand=shop.brand).count() == 100_000
    assert Sale.objects.filter(refunded_amount=Decimal("5.00")).count() == 10_000
    with capsys.disabled():
        print(
            f"\n100,000 sales through COPY: {100_000 / first:,.0f} rows/s on a new import "
            f"({first:.1f} s), {100_000 / second:,.0f} rows/s re-importing unchanged "
            f"({second:.1f} s)"
        )


# --- Metric snapshots -----------------------------------------------------------------------

METRICS_HEADER = "content,date,views,likes,comments"


def metrics_csv(*rows: str, header: str = METRICS_HEADER) -> bytes:
    return "\n".join([header, *rows]).encode()


@pytest.fixture
def video(brand):
    return factories.ContentItemFactory(participant__contract__partnership__influencer__brand=brand)


def test_good_metrics_file_creates_snapshots_with_missing_counters_at_zero(brand, video):
    result = import_metrics_csv(
        metrics_csv(f"{video.pk},2026-11-10,1000,50,4", f"{video.pk},2026-11-11,1800,,"),
        brand=brand,
    )

    assert result.counts() == {"created": 2, "updated": 0, "unchanged": 0}
    first, second = MetricSnapshot.objects.order_by("date")
    assert (first.views, first.likes, first.comments, first.shares) == (1000, 50, 4, 0)
    assert (second.date, second.views, second.likes) == (date(2026, 11, 11), 1800, 0)


def test_metrics_twice_change_nothing_and_a_new_reading_updates_the_day(brand, video):
    content = metrics_csv(f"{video.pk},2026-11-10,1000,50,4")
    import_metrics_csv(content, brand=brand)

    again = import_metrics_csv(content, brand=brand)
    corrected = import_metrics_csv(
        metrics_csv(f"{video.pk},2026-11-10,1100,,", header="content,date,views,likes,shares"),
        brand=brand,
    )

    assert again.counts() == {"created": 0, "updated": 0, "unchanged": 1}
    assert corrected.counts() == {"created": 0, "updated": 1, "unchanged": 0}
    snapshot = MetricSnapshot.objects.get()
    assert (snapshot.views, snapshot.likes, snapshot.comments) == (1100, 50, 4)  # empty kept


def test_bad_metrics_file_writes_nothing_and_lists_every_problem(brand, other_brand, video):
    theirs = factories.ContentItemFactory(
        participant__contract__partnership__influencer__brand=other_brand
    )
    result = import_metrics_csv(
        metrics_csv(
            f"{video.pk},2026-11-10,1000,50,4",
            f"{theirs.pk},2026-11-10,1000,50,4",  # another brand's content
            "999999,2026-11-10,1000,50,4",  # no such content
            f"{video.pk},10.11.2026,-1,lots,4",  # date and counters
            f"{video.pk},2026-11-10,1,1,1",  # same content and day as line 2
            "abc,2026-11-12,1,1,1",  # content id
        ),
        brand=brand,
    )

    assert located(result) == [
        (3, "content"),
        (4, "content"),
        (5, "date"),
        (5, "views"),
        (5, "likes"),
        (6, "date"),
        (7, "content"),
    ]
    assert result.errors[0].message == result.errors[1].message.replace("999999", str(theirs.pk))
    assert not MetricSnapshot.objects.exists()
