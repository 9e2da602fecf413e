"""The sales a period counts: the ORM rules (`counted`, `sale_base`) that price the lines and
the SQL rules that trace the lines to their sales select the same sales at the same bases.

Runs on SQLite and, with DATABASE_URL, on PostgreSQL.
"""

from datetime import timedelta
from decimal import Decimal
from itertools import product

import pytest

from campaigns.models import Sale, SaleLine
from contracts.models import Contract, StatementLine
from contracts.settlement_facts import counted, sale_base
from tests import factories
from tests.contracts.test_settlement import NOV, SHANGHAI, commission, settle, term

pytestmark = pytest.mark.django_db

D = Decimal
START, END = NOV.bounds(SHANGHAI)
# The period's edges: the instant before it, its first, its last and the one after it.
MOMENTS = (START - timedelta(microseconds=1), START, END - timedelta(microseconds=1), END)
STATUSES = (Sale.Status.PENDING, Sale.Status.CONFIRMED, Sale.Status.REFUNDED)
REFUNDS = (D("0.00"), D("40.00"), D("100.00"))  # of 100.00: none, partly, wholly


@pytest.fixture
def sales(brand) -> tuple[Contract, list[Sale]]:
    """A contract with a sale for every status, refund and edge of November, each edge an
    order of several lines in two categories, and a confirmed sale of nothing."""
    contract = factories.ContractFactory(partnership__influencer__brand=brand)
    code = factories.TrackingCodeFactory(participant__contract=contract)
    wig = factories.ProductFactory(brand=brand, category="Wigs")
    hat = factories.ProductFactory(brand=brand, category="Hats")
    rows = []
    for number, (moment, status, refunded, item) in enumerate(
        product(MOMENTS, STATUSES, REFUNDS, (wig, hat))
    ):
        rows.append(
            factories.SaleFactory(
                tracking_code=code,
                order_id=f"ORD-{MOMENTS.index(moment)}-{status}",
                line_id=str(number),
                ordered_at=moment,
                status=status,
                net_amount=D("100.00"),
                refunded_amount=refunded,
                refunded_at=moment if refunded else None,
                product=item,
            )
        )
    rows.append(
        factories.SaleFactory(
            tracking_code=code, ordered_at=START, net_amount=D("0.00"), product=wig
        )
    )
    return contract, rows


def counted_by_orm(contract: Contract, **scope) -> dict[int, Decimal]:
    """The period's counted sales of the contract and their bases, by the ORM rules."""
    return dict(
        Sale.objects.filter(
            counted(),
            tracking_code__participant__contract=contract,
            ordered_at__gte=START,
            ordered_at__lt=END,
            **scope,
        )
        .annotate(counted_base=sale_base())
        .values_list("pk", "counted_base")
    )


def traced_by_sql(line: StatementLine) -> dict[int, Decimal]:
    return dict(SaleLine.objects.filter(line=line).values_list("sale_id", "base"))


def test_sql_and_orm_count_the_same_sales_at_the_same_bases(sales):
    contract, rows = sales
    everything = commission(contract)
    of_wigs = commission(contract, basis="product", product=rows[0].product)
    of_hats = commission(contract, basis="category", category="Hats")
    per_order = term(contract, "cpa", amount=D("5.00"))
    statement = settle(contract)
    line_of = {line.term_id: line for line in statement.lines.all()}

    # Confirmed, not wholly refunded, ordered in [start, end) of the brand's November.
    expected = {
        sale.pk: sale.net_amount - sale.refunded_amount
        for sale in rows
        if sale.status == Sale.Status.CONFIRMED
        and sale.refunded_amount < sale.net_amount
        and START <= sale.ordered_at < END
    }
    assert len(expected) == 8  # 2 moments × 2 refunds (none, partly) × 2 products
    assert counted_by_orm(contract) == expected
    assert traced_by_sql(line_of[everything.pk]) == expected
    assert line_of[everything.pk].quantity == sum(expected.values())  # the ORM's aggregate
    for line, scope in (
        (line_of[of_wigs.pk], {"product": rows[0].product}),
        (line_of[of_hats.pk], {"product__category": "Hats"}),
    ):
        assert traced_by_sql(line) == counted_by_orm(contract, **scope)
        assert len(traced_by_sql(line)) == 4
        assert line.quantity == sum(traced_by_sql(line).values())

    # Pay per order: one line of each counted order carries it, as many as the ORM counts.
    orders = SaleLine.objects.filter(line=line_of[per_order.pk], orders=1)
    traced_orders = sorted(orders.values_list("sale__order_id", flat=True))
    orm_orders = Sale.objects.filter(pk__in=counted_by_orm(contract)).values("order_id")
    assert traced_orders == sorted({row["order_id"] for row in orm_orders})
    assert line_of[per_order.pk].quantity == len(traced_orders) == 2
