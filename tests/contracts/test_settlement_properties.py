"""Properties of settlement over generated sales: totals are the sums of their lines, settling
again changes nothing, and how the sales arrived does not matter."""

from contextlib import contextmanager
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaigns import ingest
from campaigns.models import SaleLine
from contracts import settlement
from contracts.models import Contract, Statement
from tests import factories

pytestmark = pytest.mark.django_db

D = Decimal
SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2027, 6, 1, 9, 0, tzinfo=ZoneInfo("UTC"))
AS_OF = date(2027, 1, 1)
FIRST_DAY = datetime(2026, 10, 1, tzinfo=SHANGHAI)
SKUS = ("WIG-1", "GOWN-1")
EXAMPLES = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@st.composite
def sale_rows(draw) -> dict[str, str]:
    """A sales-import row ordered in October to December, maybe pending or partly refunded."""
    net = draw(st.decimals(min_value="0.01", max_value="3000", places=2))
    ordered_at = FIRST_DAY + timedelta(minutes=draw(st.integers(0, 92 * 24 * 60 - 1)))
    row = {
        "order_id": f"O{draw(st.integers(1, 15))}",
        "ordered_at": ordered_at.isoformat(),
        "code": "ANNA10",
        "sku": draw(st.sampled_from(SKUS)),
        "quantity": "1",
        "net_amount": str(net),
        "currency": "USD",
        "status": draw(st.sampled_from(["confirmed", "confirmed", "pending"])),
    }
    if draw(st.booleans()):
        refunded = min(net, draw(st.decimals(min_value="0.01", max_value="3000", places=2)))
        row["refunded_amount"] = str(refunded)
        row["refunded_at"] = (ordered_at + timedelta(days=draw(st.integers(0, 20)))).isoformat()
        if refunded == net:
            row["status"] = "refunded"
    return row


def numbered(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Each row its own order line."""
    return [{**row, "line_id": str(n)} for n, row in enumerate(rows)]


tiers = st.sampled_from(
    [
        ([{"from": "0", "rate": "0.05"}, {"from": "2500", "rate": "0.08"}], "marginal"),
        ([{"from": "0", "rate": "0.05"}, {"from": "2500", "rate": "0.08"}], "whole"),
        ([{"from": "500", "rate": "0.125"}], "whole"),
    ]
)


@pytest.fixture
def brand_with_products(brand):
    for sku in SKUS:
        factories.ProductFactory(brand=brand, sku=sku, category="Wigs")
    return brand


@contextmanager
def rolled_back():
    """One generated example's rows, gone before the next example."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def contract_of(brand, pricing: tuple[list, str]) -> Contract:
    contract = factories.ContractFactory(partnership__influencer__brand=brand)
    factories.TrackingCodeFactory(participant__contract=contract, code="ANNA10")
    tier_list, mode = pricing
    factories.CompensationTermFactory(
        contract=contract, kind="commission", rate=None, tiers=tier_list, tier_mode=mode
    )
    factories.CompensationTermFactory(contract=contract, kind="cpa", amount=D("1.25"))
    factories.CompensationTermFactory(
        contract=contract, kind="flat_fee", amount=D("99.99"), due_date=date(2026, 11, 30)
    )
    factories.CompensationTermFactory(
        contract=contract, kind="bonus", metric="sales", threshold=D("4000"), amount=D("50.00")
    )
    return contract


def imported(brand, rows: list[dict[str, str]]) -> None:
    result = ingest.import_sales(rows, brand=brand)
    assert result.ok, result.errors


def snapshot(contract: Contract) -> list[tuple]:
    """Everything settlement wrote for the contract, without row ids."""
    return [
        (
            statement.period_start,
            statement.total,
            statement.payable,
            [
                (line.kind, line.description, line.quantity, line.rate, line.amount, line.term_id)
                for line in statement.lines.all()
            ],
            sorted(
                SaleLine.objects.filter(line__statement=statement).values_list(
                    "sale__order_id", "sale__line_id", "line__kind", "base", "orders"
                )
            ),
        )
        for statement in contract.statements.order_by("period_start")
    ]


@EXAMPLES
@given(rows=st.lists(sale_rows(), max_size=25), pricing=tiers)
def test_statement_total_is_the_sum_of_its_rounded_lines(brand_with_products, rows, pricing):
    with rolled_back():
        contract = contract_of(brand_with_products, pricing)
        imported(brand_with_products, numbered(rows))
        statements = settlement.settle_due(now=NOW, as_of=AS_OF, contract=contract)
        assert [s.period_start for s in statements] == [
            date(2026, 10, 1),
            date(2026, 11, 1),
            date(2026, 12, 1),
        ]
        for statement in Statement.objects.filter(contract=contract):
            amounts = [line.amount for line in statement.lines.all()]
            assert statement.total == sum(amounts, start=D("0.00"))
            assert all(amount != 0 and amount == round(amount, 2) for amount in amounts)


@EXAMPLES
@given(rows=st.lists(sale_rows(), max_size=25), pricing=tiers)
def test_settling_twice_gives_identical_statements(brand_with_products, rows, pricing):
    with rolled_back():
        contract = contract_of(brand_with_products, pricing)
        imported(brand_with_products, numbered(rows))
        settlement.settle_due(now=NOW, as_of=AS_OF, contract=contract)
        first = snapshot(contract)
        settlement.settle_due(now=NOW, as_of=AS_OF, contract=contract)
        assert snapshot(contract) == first


@EXAMPLES
@given(
    rows=st.lists(sale_rows(), min_size=1, max_size=25),
    pricing=tiers,
    cuts=st.lists(st.integers(0, 25), max_size=4),
    order=st.randoms(use_true_random=False),
)
def test_the_sum_over_periods_does_not_depend_on_how_sales_arrive_in_batches(
    brand_with_products, rows, pricing, cuts, order
):
    rows = numbered(rows)

    def totals(batches: list[list[dict[str, str]]]) -> list[tuple[date, Decimal]]:
        with rolled_back():
            contract = contract_of(brand_with_products, pricing)
            for batch in batches:
                imported(brand_with_products, batch)
                # Settling between batches leaves nothing behind in the drafts.
                settlement.settle_due(now=NOW, as_of=AS_OF, contract=contract)
            return list(
                contract.statements.order_by("period_start").values_list("period_start", "total")
            )

    shuffled = rows[:]
    order.shuffle(shuffled)
    bounds = sorted({0, len(shuffled), *(min(cut, len(shuffled)) for cut in cuts)})
    batches = [shuffled[start:end] for start, end in pairwise(bounds)]
    assert totals(batches) == totals([rows])
