"""Statements with lines traced to sales, content items and distributor orders, made directly
(settlement is not under test here)."""

from datetime import UTC, datetime
from decimal import Decimal

from campaigns.models import ContentLine, SaleLine
from contracts.models import DistributorOrder, Statement, StatementLine
from tests import factories


def statement_with_sources(
    brand, *, sales: int = 2, content: int = 1, orders: int = 0, **statement_fields
) -> Statement:
    """A draft statement of a paid-media contract: a commission line over `sales` sales, a
    per-item line over `content` content items and, with `orders`, a rebate line over that many
    distributor orders."""
    contract = factories.ContractFactory(
        partnership__influencer__brand=brand, partnership__influencer__name="Anna Sokolova"
    )
    statement = factories.StatementFactory(contract=contract, **statement_fields)
    code = factories.TrackingCodeFactory(participant__contract=contract)
    commission = factories.StatementLineFactory(
        statement=statement,
        position=1,
        kind=StatementLine.Kind.COMMISSION,
        description="8% commission on net sales",
        quantity=None,
        rate=Decimal("0.08"),
        amount=Decimal("8.00") * sales,
    )
    for n in range(sales):
        sale = factories.SaleFactory(
            tracking_code=code,
            order_id=f"ORD-{statement.pk}-{n:04d}",
            ordered_at=datetime(2026, 11, 2, 10, n % 60, tzinfo=UTC),
        )
        SaleLine.objects.create(sale=sale, line=commission, base=Decimal("100.00"), orders=1)
    per_item = factories.StatementLineFactory(
        statement=statement,
        position=2,
        kind=StatementLine.Kind.PER_DELIVERABLE,
        description="Published videos",
        quantity=Decimal(content),
        rate=Decimal("150.00"),
        amount=Decimal("150.00") * content,
    )
    for n in range(content):
        item = factories.ContentItemFactory(
            participant=code.participant,
            url=f"https://www.youtube.com/watch?v=s{statement.pk}n{n}",
            status="published",
            published_at=datetime(2026, 11, 10, 9, n % 60, tzinfo=UTC),
        )
        ContentLine.objects.create(content=item, line=per_item, quantity=Decimal(1))
    total = commission.amount + per_item.amount
    if orders:
        rebate = factories.StatementLineFactory(
            statement=statement,
            position=3,
            kind=StatementLine.Kind.REBATE,
            description="Volume rebate",
            quantity=None,
            rate=Decimal("0.02"),
            amount=Decimal("2.42") * orders,
        )
        product = factories.ProductFactory(brand=brand)
        for n in range(orders):
            order = DistributorOrder.objects.create(
                contract=contract,
                reference=f"PO-{n}",
                ordered_at=datetime(2026, 11, 3, 8, n % 60, tzinfo=UTC),
                product=product,
                quantity=1,
                unit_price=Decimal("121.00"),
            )
            rebate.orders.add(order)
        total += rebate.amount
    statement.total = total
    statement.save(update_fields=["total"])
    return statement
