"""Settlement, rule by rule, on hand-computed scenarios (DESIGN §4).

The brand is in Asia/Shanghai (UTC+8), so period boundaries are local midnights. Every test
runs on SQLite and, in CI, on PostgreSQL.
"""

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaigns.models import Campaign, ContentLine, SaleLine
from contracts import periods, settlement
from contracts.models import Contract, Statement, StatementLine
from contracts.periods import Period
from tests import factories

pytestmark = pytest.mark.django_db

D = Decimal
SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2027, 6, 1, 9, 0, tzinfo=UTC)
OCT = Period(date(2026, 10, 1), date(2026, 11, 1))
NOV = Period(date(2026, 11, 1), date(2026, 12, 1))
DEC = Period(date(2026, 12, 1), date(2027, 1, 1))
JAN = Period(date(2027, 1, 1), date(2027, 2, 1))


def at(month: int, day: int, hour: int = 12, year: int = 2026) -> datetime:
    """A moment in the brand's time zone."""
    return datetime(year, month, day, hour, tzinfo=SHANGHAI)


@pytest.fixture
def contract(brand) -> Contract:
    return factories.ContractFactory(partnership__influencer__brand=brand)


@pytest.fixture
def code(contract):
    return factories.TrackingCodeFactory(participant__contract=contract)


def term(contract: Contract, kind: str, **fields):
    return factories.CompensationTermFactory(contract=contract, kind=kind, **fields)


def commission(contract: Contract, **fields):
    fields.setdefault("rate", None if "tiers" in fields else D("0.05"))
    return term(contract, "commission", **fields)


def sale(code, amount: str, when: datetime | None = None, **fields):
    return factories.SaleFactory(
        tracking_code=code, net_amount=D(amount), ordered_at=when or at(11, 5), **fields
    )


def published(contract: Contract, when: datetime, **fields):
    participant = contract.participants.first() or factories.ParticipantFactory(contract=contract)
    return factories.ContentItemFactory(
        participant=participant, status="published", published_at=when, **fields
    )


def settle(contract: Contract, period: Period = NOV) -> Statement:
    return settlement.settle_period(contract_id=contract.pk, period=period, now=NOW)


def lines(statement: Statement) -> list[tuple[str, Decimal]]:
    return [(line.kind, line.amount) for line in statement.lines.all()]


def approve(statement: Statement) -> None:
    Statement.objects.filter(pk=statement.pk).update(status="approved")


def pay(statement: Statement, on: date) -> None:
    Statement.objects.filter(pk=statement.pk).update(status="paid", paid_on=on)


# --- periods ---------------------------------------------------------------------------------


def test_periods_are_calendar_months_quarters_or_the_whole_contract():
    contract = Contract(start=date(2026, 10, 15), end=date(2027, 3, 31))
    contract.settlement_period = "monthly"
    assert periods.contract_period(contract, date(2026, 11, 30)) == NOV
    contract.settlement_period = "quarterly"
    assert periods.contract_period(contract, date(2026, 11, 30)) == Period(
        date(2026, 10, 1), date(2027, 1, 1)
    )
    contract.settlement_period = "on_completion"
    assert periods.contract_period(contract, date(2026, 11, 30)) == Period(
        date(2026, 10, 15), date(2027, 4, 1)
    )


def test_periods_read_as_people_say_them():
    assert str(NOV) == "Nov 2026"
    assert str(Period(date(2026, 10, 1), date(2027, 1, 1))) == "Q4 2026"
    assert str(Period(date(2026, 10, 15), date(2027, 4, 1))) == "15 Oct 2026 – 31 Mar 2027"


def test_a_sale_belongs_to_the_period_of_its_local_order_time(contract, code):
    commission(contract, rate=D("0.10"))
    sale(code, "100.00", at(11, 1, hour=0))  # 31 Oct 16:00 UTC, already November locally
    sale(code, "200.00", at(11, 30, hour=23))
    sale(code, "400.00", at(12, 1, hour=0))  # 30 Nov 16:00 UTC, December locally
    sale(code, "800.00", at(10, 31, hour=23))
    assert lines(settle(contract)) == [("commission", D("30.00"))]


def test_a_period_is_settled_only_hold_days_after_it_ends(contract, code):
    Contract.objects.filter(pk=contract.pk).update(hold_days=30)
    commission(contract)
    sale(code, "100.00")

    def settled_on(day: date) -> set[date]:
        settlement.settle_due(now=NOW, as_of=day, contract=contract)
        return set(contract.statements.values_list("period_start", flat=True))

    assert settled_on(date(2026, 12, 30)) == {OCT.start}
    assert settled_on(date(2026, 12, 31)) == {OCT.start, NOV.start}


def test_the_statement_is_due_after_the_payment_terms(contract):
    term(contract, "flat_fee", due_date=date(2026, 11, 2))
    statement = settle(contract)
    assert statement.due_date == date(2026, 12, 31)  # 1 Dec + net 30
    assert statement.currency == "USD"
    assert statement.computed_at == NOW


# --- sales -----------------------------------------------------------------------------------


def test_only_confirmed_sales_count_net_of_refunds(contract, code):
    commission(contract, rate=D("0.10"))
    sale(code, "100.00", refunded_amount=D("30.00"), refunded_at=at(11, 20))
    sale(code, "50.00", status="pending")
    sale(code, "80.00", status="refunded", refunded_amount=D("80.00"), refunded_at=at(11, 9))
    statement = settle(contract)
    assert lines(statement) == [("commission", D("7.00"))]
    line = statement.lines.get()
    assert line.quantity == D("70.00")
    assert list(SaleLine.objects.filter(line=line).values_list("base", "orders")) == [
        (D("70.00"), 0)
    ]


def test_commission_on_one_product_or_category(brand, contract, code):
    gown = factories.ProductFactory(brand=brand, category="Evening gowns")
    wig = factories.ProductFactory(brand=brand, category="Wigs")
    commission(contract, basis="product", product=gown, rate=D("0.10"))
    commission(contract, basis="category", category="Wigs", rate=D("0.05"))
    sale(code, "300.00", product=gown)
    sale(code, "1000.00", product=wig)
    statement = settle(contract)
    assert sorted(lines(statement)) == [("commission", D("30.00")), ("commission", D("50.00"))]
    assert statement.total == D("80.00")


@pytest.mark.parametrize(("mode", "expected"), [("whole", "96.00"), ("marginal", "66.00")])
def test_tiers_pay_the_reached_rate_on_all_or_each_band_at_its_own(contract, code, mode, expected):
    commission(
        contract,
        tiers=[{"from": "0", "rate": "0.05"}, {"from": "1000", "rate": "0.08"}],
        tier_mode=mode,
    )
    sale(code, "700.00")
    sale(code, "500.00")
    line = settle(contract).lines.get()
    assert line.amount == D(expected)  # whole: 1,200 × 8%; marginal: 1,000 × 5% + 200 × 8%
    assert line.rate == D(expected) / D("1200")


def test_a_tier_is_reached_at_exactly_its_threshold(contract, code):
    commission(
        contract,
        tiers=[{"from": "0", "rate": "0.05"}, {"from": "1000", "rate": "0.08"}],
        tier_mode="whole",
    )
    sale(code, "1000.00")
    assert lines(settle(contract)) == [("commission", D("80.00"))]


def test_revenue_share_is_topped_up_to_the_minimum_guarantee(brand):
    gown = factories.ProductFactory(brand=brand)
    other = factories.ProductFactory(brand=brand)
    joint = factories.JointBrandFactory(
        contract__partnership__influencer__brand=brand, products=[gown]
    )
    contract = joint.contract
    code = factories.TrackingCodeFactory(participant__contract=contract)
    term(contract, "revenue_share", rate=D("0.1000"), minimum_guarantee=D("1000.00"))
    sale(code, "5000.05", product=gown)
    sale(code, "9000.00", product=other)
    statement = settle(contract)
    # 500.005 rounds to 500.01; the top-up makes the two lines exactly the guarantee.
    assert lines(statement) == [
        ("revenue_share", D("500.01")),
        ("minimum_guarantee", D("499.99")),
    ]
    assert statement.total == D("1000.00")


def test_revenue_share_above_the_guarantee_needs_no_top_up(brand):
    gown = factories.ProductFactory(brand=brand)
    joint = factories.JointBrandFactory(
        contract__partnership__influencer__brand=brand, products=[gown]
    )
    code = factories.TrackingCodeFactory(participant__contract=joint.contract)
    term(joint.contract, "revenue_share", rate=D("0.1000"), minimum_guarantee=D("1000.00"))
    sale(code, "12000.00", product=gown)
    assert lines(settle(joint.contract)) == [("revenue_share", D("1200.00"))]


def test_pay_per_order_counts_distinct_confirmed_orders(contract, code):
    term(contract, "cpa", amount=D("5.00"))
    sale(code, "10.00", order_id="A", line_id="1")
    sale(code, "20.00", order_id="A", line_id="2")
    sale(code, "30.00", order_id="B")
    sale(code, "40.00", order_id="C", refunded_amount=D("40.00"), refunded_at=at(11, 7))
    sale(code, "50.00", order_id="D", status="pending")
    statement = settle(contract)
    assert lines(statement) == [("cpa", D("10.00"))]
    line = statement.lines.get()
    assert line.quantity == 2
    traced = SaleLine.objects.filter(line=line)
    assert sorted(traced.values_list("sale__order_id", "orders")) == [("A", 1), ("B", 1)]


# --- fees ------------------------------------------------------------------------------------


def test_flat_fees_are_paid_in_the_period_of_their_due_date(contract):
    term(contract, "flat_fee", amount=D("500.00"), due_date=date(2026, 11, 30))
    term(contract, "flat_fee", amount=D("700.00"), due_date=date(2026, 12, 1))
    assert lines(settle(contract)) == [("flat_fee", D("500.00"))]
    assert lines(settle(contract, DEC)) == [("flat_fee", D("700.00"))]


def test_installments_fall_due_with_their_milestones(brand, contract):
    Contract.objects.filter(pk=contract.pk).update(signed_at=at(10, 31, hour=22))
    contract.refresh_from_db()
    campaign = factories.CampaignFactory(brand=brand, end=date(2026, 12, 15))
    factories.ParticipantFactory(contract=contract, campaign=campaign)
    term(contract, "flat_fee", amount=D("100.00"), due_date=None, milestone="on_signing")
    term(
        contract,
        "flat_fee",
        amount=D("200.00"),
        due_date=None,
        milestone="on_first_publish",
        offset_days=7,
    )
    term(contract, "flat_fee", amount=D("300.00"), due_date=None, milestone="on_campaign_end")
    published(contract, at(11, 25))  # + 7 days: 2 December
    published(contract, at(12, 3))
    assert lines(settle(contract, OCT)) == [("flat_fee", D("100.00"))]
    assert lines(settle(contract)) == []
    assert lines(settle(contract, DEC)) == [("flat_fee", D("200.00")), ("flat_fee", D("300.00"))]


def test_a_fee_due_in_a_closed_period_is_paid_once_on_the_next_open_statement(contract):
    fee = term(
        contract, "flat_fee", amount=D("200.00"), due_date=None, milestone="on_first_publish"
    )
    approve(settle(contract))  # nothing published yet
    published(contract, at(11, 20))  # recorded after November was approved
    assert lines(settle(contract, DEC)) == [("flat_fee", D("200.00"))]
    assert lines(settle(contract, JAN)) == []
    assert StatementLine.objects.filter(term=fee).count() == 1


def test_per_deliverable_pays_items_of_its_type_published_in_the_period(contract):
    term(contract, "per_deliverable", amount=D("150.00"), content_type="video")
    first = published(contract, at(11, 3))
    second = published(contract, at(11, 28))
    published(contract, at(10, 28))
    published(contract, at(11, 5), content_type="post")
    factories.ContentItemFactory(participant=first.participant, status="approved")
    statement = settle(contract)
    assert lines(statement) == [("per_deliverable", D("300.00"))]
    assert set(ContentLine.objects.values_list("content_id", flat=True)) == {first.pk, second.pk}


def test_cpm_pays_views_gained_in_the_period_with_a_cap_per_item(contract):
    term(contract, "cpm", amount=D("8.00"), cap=D("450.00"))
    viral = published(contract, at(10, 20))
    for day, views in [(date(2026, 10, 31), 10_000), (date(2026, 11, 15), 50_000)]:
        factories.MetricSnapshotFactory(content=viral, date=day, views=views)
    factories.MetricSnapshotFactory(content=viral, date=date(2026, 11, 30), views=80_000)
    factories.MetricSnapshotFactory(content=viral, date=date(2026, 12, 1), views=90_000)
    fresh = published(contract, at(11, 19))
    factories.MetricSnapshotFactory(content=fresh, date=date(2026, 11, 20), views=12_345)
    statement = settle(contract)
    # viral: 70,000 views × 8.00 / 1000 = 560.00, capped at 450.00; fresh: 98.76
    assert lines(statement) == [("cpm", D("548.76"))]
    assert statement.lines.get().quantity == 82_345
    assert dict(ContentLine.objects.values_list("content_id", "quantity")) == {
        viral.pk: 70_000,
        fresh.pk: 12_345,
    }


def test_rebate_on_the_periods_wholesale_purchases(brand):
    contract = factories.ContractFactory(
        partnership__influencer__brand=brand, method="distribution"
    )
    term(
        contract,
        "rebate",
        tiers=[{"from": "0", "rate": "0.02"}, {"from": "5000", "rate": "0.04"}],
        tier_mode="whole",
    )
    wig = factories.ProductFactory(brand=brand)
    orders = [
        factories_order(contract, "PO-1", wig, 30, "121.00", at(11, 2)),
        factories_order(contract, "PO-2", wig, 20, "99.00", at(11, 29)),
    ]
    factories_order(contract, "PO-3", wig, 50, "99.00", at(12, 1))
    statement = settle(contract)
    assert lines(statement) == [("rebate", D("224.40"))]  # 5,610.00 × 4%
    assert set(statement.lines.get().orders.all()) == set(orders)


def factories_order(contract, reference, product, quantity, price, when):
    return contract.orders.create(
        reference=reference,
        product=product,
        quantity=quantity,
        unit_price=D(price),
        ordered_at=when,
    )


def test_a_bonus_is_paid_once_when_its_metric_first_passes_the_threshold(contract):
    term(contract, "bonus", amount=D("250.00"), metric="views", threshold=D("100000"))
    item = published(contract, at(10, 20))
    for day, views in [(date(2026, 11, 30), 80_000), (date(2026, 12, 31), 120_000)]:
        factories.MetricSnapshotFactory(content=item, date=day, views=views)
    factories.MetricSnapshotFactory(content=item, date=date(2027, 1, 30), views=150_000)
    assert lines(settle(contract)) == []
    approve(settle(contract, DEC))
    assert lines(Statement.objects.get(period_start=DEC.start)) == [("bonus", D("250.00"))]
    assert lines(settle(contract, JAN)) == []


def test_a_bonus_reached_sooner_than_first_known_moves_to_its_own_period(contract, code):
    term(contract, "bonus", amount=D("100.00"), metric="sales", threshold=D("1000.00"))
    sale(code, "1000.00", at(12, 10))
    settlement.settle_due(now=NOW, as_of=date(2027, 1, 1), contract=contract)
    assert lines(Statement.objects.get(period_start=DEC.start)) == [("bonus", D("100.00"))]
    sale(code, "1000.00", at(11, 10))  # imported late
    settlement.settle_due(now=NOW, as_of=date(2027, 1, 1), contract=contract)
    assert lines(Statement.objects.get(period_start=NOV.start)) == [("bonus", D("100.00"))]
    assert lines(Statement.objects.get(period_start=DEC.start)) == []


def test_a_sales_bonus_counts_sales_to_date(contract, code):
    term(contract, "bonus", amount=D("100.00"), metric="sales", threshold=D("1000.00"))
    sale(code, "600.00", at(10, 10))
    sale(code, "400.00", at(11, 10))
    assert lines(settle(contract, OCT)) == []
    assert lines(settle(contract)) == [("bonus", D("100.00"))]


# --- penalties -------------------------------------------------------------------------------


def test_late_delivery_costs_per_day_up_to_the_contract_cap(contract):
    Contract.objects.filter(pk=contract.pk).update(
        late_delivery_per_day=D("20.00"), late_delivery_cap=D("100.00")
    )
    term(contract, "flat_fee", amount=D("500.00"), due_date=date(2026, 11, 2))
    deliverable = factories.DeliverableFactory(contract=contract, due_date=date(2026, 11, 10))
    late = published(contract, at(11, 14, hour=1), deliverable=deliverable)  # 4 days late
    published(contract, at(11, 9), deliverable=deliverable)  # early: free
    statement = settle(contract)
    assert lines(statement) == [("flat_fee", D("500.00")), ("late_delivery", D("-80.00"))]
    assert list(ContentLine.objects.values_list("content_id", "quantity")) == [(late.pk, 4)]
    approve(statement)
    again = factories.DeliverableFactory(contract=contract, due_date=date(2026, 12, 1))
    published(contract, at(12, 4), deliverable=again)  # 3 days: 60.00, only 20.00 left
    assert lines(settle(contract, DEC)) == [("late_delivery", D("-20.00"))]


def test_a_statement_paid_late_earns_interest_on_the_next_statement(contract):
    Contract.objects.filter(pk=contract.pk).update(late_payment_per_day=D("10.00"))
    term(contract, "flat_fee", amount=D("500.00"), due_date=date(2026, 11, 2))
    november = settle(contract)
    pay(november, date(2027, 1, 5))  # due 31 Dec: 5 days late
    december = settle(contract, DEC)
    assert lines(december) == [("late_payment", D("50.00"))]
    assert december.lines.get().source_statement == november
    approve(december)
    assert lines(settle(contract, JAN)) == []


def test_a_statement_paid_on_time_earns_nothing(contract):
    Contract.objects.filter(pk=contract.pk).update(late_payment_per_day=D("10.00"))
    term(contract, "flat_fee", amount=D("500.00"), due_date=date(2026, 11, 2))
    pay(settle(contract), date(2026, 12, 31))
    assert lines(settle(contract, DEC)) == []


# --- refunds after approval ------------------------------------------------------------------


@pytest.mark.parametrize(("mode", "clawed"), [("whole", "-24.00"), ("marginal", "-16.50")])
def test_refund_after_approval_claws_back_on_next_statement_at_the_paid_rate(
    contract, code, mode, clawed
):
    commission(
        contract,
        tiers=[{"from": "0", "rate": "0.05"}, {"from": "1000", "rate": "0.08"}],
        tier_mode=mode,
    )
    refunded = sale(code, "700.00")
    sale(code, "500.00")
    november = settle(contract)
    approve(november)
    refunded.refunded_amount = D("300.00")
    refunded.refunded_at = at(12, 10)
    refunded.save()
    december = settle(contract, DEC)
    # The closed period's rate (8% whole; 66/1200 = 5.5% marginal), not its tiers again.
    assert lines(december) == [("clawback", D(clawed))]
    line = december.lines.get()
    assert line.source_statement == november
    assert list(line.sale_links.values_list("sale_id", "base")) == [(refunded.pk, D("-300.00"))]
    assert lines(Statement.objects.get(pk=november.pk)) == [("commission", november.total)]


def test_a_revenue_share_refund_is_clawed_back_at_the_share_rate_below_the_guarantee(brand):
    gown = factories.ProductFactory(brand=brand)
    joint = factories.JointBrandFactory(
        contract__partnership__influencer__brand=brand, products=[gown]
    )
    code = factories.TrackingCodeFactory(participant__contract=joint.contract)
    term(joint.contract, "revenue_share", rate=D("0.1500"), minimum_guarantee=D("1000.00"))
    refunded = sale(code, "8000.00", product=gown)
    approve(settle(joint.contract))  # 1,200.00, above the guarantee
    refunded.refunded_amount, refunded.refunded_at = D("3000.00"), at(12, 2)
    refunded.save()
    # December's own share is topped up to the guarantee; the clawback comes on top of it.
    assert lines(settle(joint.contract, DEC)) == [
        ("minimum_guarantee", D("1000.00")),
        ("clawback", D("-450.00")),
    ]


def test_a_refund_before_approval_simply_lowers_the_draft(contract, code):
    commission(contract, rate=D("0.10"))
    refunded = sale(code, "100.00")
    settle(contract)
    refunded.refunded_amount = D("100.00")
    refunded.status = "refunded"
    refunded.refunded_at = at(12, 3)
    refunded.save()
    assert lines(settle(contract)) == []
    assert lines(settle(contract, DEC)) == []


def test_partial_refunds_are_clawed_back_once_each(contract, code):
    commission(contract, rate=D("0.10"))
    refunded = sale(code, "100.00")
    approve(settle(contract))
    refunded.refunded_amount = D("30.00")
    refunded.refunded_at = at(12, 10)
    refunded.save()
    december = settle(contract, DEC)
    assert lines(december) == [("clawback", D("-3.00"))]
    approve(december)
    refunded.refunded_amount = D("100.00")
    refunded.status = "refunded"
    refunded.refunded_at = at(1, 4, year=2027)
    refunded.save()
    # December's −3.00 opens January; only the rest of the refund is new.
    assert lines(settle(contract, JAN)) == [
        ("carried_forward", D("-3.00")),
        ("clawback", D("-7.00")),
    ]


def test_a_refund_dated_in_an_approved_period_lands_on_the_next_open_statement(contract, code):
    commission(contract, rate=D("0.10"))
    refunded = sale(code, "100.00")
    approve(settle(contract))
    approve(settle(contract, DEC))
    refunded.refunded_amount = D("40.00")
    refunded.refunded_at = at(12, 20)  # recorded after December was approved
    refunded.save()
    assert lines(settle(contract, JAN)) == [("clawback", D("-4.00"))]


def test_an_order_pay_is_reversed_when_its_last_line_is_fully_refunded(contract, code):
    term(contract, "cpa", amount=D("5.00"))
    first = sale(code, "10.00", order_id="A", line_id="1")
    second = sale(code, "20.00", order_id="A", line_id="2")
    approve(settle(contract))
    first.status, first.refunded_amount, first.refunded_at = "refunded", D("10.00"), at(12, 2)
    first.save()
    december = settle(contract, DEC)
    assert lines(december) == []  # the order still has a line
    approve(december)
    second.status, second.refunded_amount, second.refunded_at = (
        "refunded",
        D("20.00"),
        at(1, 2, year=2027),
    )
    second.save()
    january = settle(contract, JAN)
    assert lines(january) == [("clawback", D("-5.00"))]
    assert list(january.lines.get().sale_links.values_list("orders", flat=True)) == [-1]
    approve(january)
    february = Period(date(2027, 2, 1), date(2027, 3, 1))
    assert lines(settle(contract, february)) == [("carried_forward", D("-5.00"))]


# --- sales confirmed after approval ----------------------------------------------------------


def confirm(row) -> None:
    """The sale's status becomes confirmed, as a later import sends it."""
    row.status = "confirmed"
    row.save()


def test_a_sale_confirmed_after_approval_is_paid_on_the_next_statement_at_the_closed_rate(
    contract, code
):
    commission(
        contract,
        tiers=[{"from": "0", "rate": "0.05"}, {"from": "1000", "rate": "0.08"}],
        tier_mode="whole",
    )
    sale(code, "800.00")
    late = sale(code, "300.00", status="pending")
    november = settle(contract)
    assert lines(november) == [("commission", D("40.00"))]  # 800.00 at 5%
    approve(november)
    confirm(late)
    sale(code, "700.00", at(12, 5))
    december = settle(contract, DEC)
    # 300.00 at November's 5%, not 8% of a recomputed 1,100.00 (88.00 − 40.00 = 48.00), and
    # December's own tier counts its own 700.00 only (5%, not 8% of 1,000.00).
    paid = [("commission", D("35.00")), ("late_confirmation", D("15.00"))]
    assert lines(december) == paid
    line = december.lines.get(kind="late_confirmation")
    assert (line.source_statement, line.quantity, line.rate) == (november, D("300.00"), D("0.05"))
    assert line.description == (
        "1 sale of the statement for Nov 2026 confirmed after its approval: $300.00 at 5%, "
        "the rate it was paid at"
    )
    assert list(line.sale_links.values_list("sale_id", "base", "orders")) == [
        (late.pk, D("300.00"), 0)
    ]
    again = settle(contract, DEC)
    assert (again.pk, lines(again), again.total) == (december.pk, paid, D("50.00"))
    assert lines(Statement.objects.get(pk=november.pk)) == [("commission", D("40.00"))]


def test_a_late_confirmed_sale_is_paid_once_and_its_refund_clawed_back_at_the_same_rate(
    contract, code
):
    commission(
        contract,
        tiers=[{"from": "0", "rate": "0.05"}, {"from": "1000", "rate": "0.08"}],
        tier_mode="whole",
    )
    late = sale(code, "300.00", status="pending")
    sale(code, "100.00")
    november = settle(contract)
    approve(november)
    december = settle(contract, DEC)
    confirm(late)
    # December is still open, so it takes the sale when it is recomputed; January does not.
    assert lines(settle(contract, JAN)) == []
    assert lines(settle(contract, DEC)) == [("late_confirmation", D("15.00"))]
    approve(december)
    sale(code, "1200.00", at(1, 5, year=2027))
    assert lines(settle(contract, JAN)) == [("commission", D("96.00"))]
    late.status, late.refunded_amount = "refunded", D("300.00")
    late.refunded_at = at(1, 10, year=2027)
    late.save()
    january = settle(contract, JAN)
    # Back at November's 5%, whatever tier January reached.
    assert lines(january) == [("commission", D("96.00")), ("clawback", D("-15.00"))]
    line = january.lines.get(kind="clawback")
    assert (line.source_statement, line.rate) == (november, D("0.05"))
    assert list(line.sale_links.values_list("sale_id", "base")) == [(late.pk, D("-300.00"))]


def test_late_confirmations_pay_only_the_terms_whose_scope_covers_the_sale(brand):
    gown, hat, sock = (
        factories.ProductFactory(brand=brand, category=category)
        for category in ("Evening gowns", "Hats", "Wigs")
    )
    joint = factories.JointBrandFactory(
        contract__partnership__influencer__brand=brand, products=[gown]
    )
    contract = joint.contract
    code = factories.TrackingCodeFactory(participant__contract=contract)
    share = term(contract, "revenue_share", rate=D("0.1500"))
    on_hats = commission(contract, basis="category", category="Hats", rate=D("0.10"))
    on_socks = commission(contract, basis="product", product=sock, rate=D("0.02"))
    for product in (gown, hat, sock):
        sale(code, "100.00", product=product)
    late_gown = sale(code, "200.00", product=gown, status="pending")
    late_hat = sale(code, "50.00", product=hat, status="pending")
    other = factories.ProductFactory(brand=brand, category="Shoes")
    late_other = sale(code, "80.00", product=other, status="pending")
    november = settle(contract)
    approve(november)
    for row in (late_gown, late_hat, late_other):
        confirm(row)
    december = settle(contract, DEC)
    paid = {
        line.term_id: (line.amount, list(line.sale_links.values_list("sale_id", flat=True)))
        for line in december.lines.all()
    }
    assert set(december.lines.values_list("kind", flat=True)) == {"late_confirmation"}
    # The sock term paid November and nothing of it was late; the shoe covers no term.
    assert on_socks.pk not in paid
    assert paid == {
        share.pk: (D("30.00"), [late_gown.pk]),
        on_hats.pk: (D("5.00"), [late_hat.pk]),
    }


def test_a_term_the_closed_statement_paid_nothing_under_pays_its_first_rate_late(
    brand, contract, code
):
    gown = factories.ProductFactory(brand=brand)
    on_all = commission(contract, rate=D("0.10"))
    on_gowns = commission(
        contract,
        basis="product",
        product=gown,
        tiers=[{"from": "0", "rate": "0.20"}, {"from": "500", "rate": "0.30"}],
        tier_mode="whole",
    )
    sale(code, "100.00")
    late = sale(code, "600.00", product=gown, status="pending")
    november = settle(contract)
    approve(november)  # 10.00; the gown's term earned nothing, so it has no line
    assert lines(november) == [("commission", D("10.00"))]
    confirm(late)
    december = settle(contract, DEC)
    # Under the 10% term at the rate November paid; under the gown's at its tier from 0,
    # as November's base of 0.00 stood (its tiers are not recomputed with the 600.00).
    paid = {line.term_id: (line.amount, line.rate) for line in december.lines.all()}
    assert paid == {on_all.pk: (D("60.00"), D("0.10")), on_gowns.pk: (D("120.00"), D("0.20"))}
    approve(december)
    late.status, late.refunded_amount, late.refunded_at = (
        "refunded",
        D("600.00"),
        at(1, 4, year=2027),
    )
    late.save()
    clawed = {line.term_id: line.amount for line in settle(contract, JAN).lines.all()}
    assert clawed == {on_all.pk: D("-60.00"), on_gowns.pk: D("-120.00")}


def test_a_period_with_only_pending_sales_pays_them_when_confirmed(contract, code):
    commission(contract, tiers=[{"from": "1000", "rate": "0.05"}], tier_mode="whole")
    on_all = commission(contract)
    late = sale(code, "300.00", status="pending")
    november = settle(contract)
    assert lines(november) == []
    approve(november)
    confirm(late)
    # The flat term pays its rate; the tiered one paid nothing below its first tier.
    december = settle(contract, DEC)
    assert [(line.term_id, line.amount) for line in december.lines.all()] == [
        (on_all.pk, D("15.00"))
    ]


def test_a_late_sale_in_another_currency_uses_its_order_days_rate(brand, contract, code):
    commission(contract, rate=D("0.05"))
    sale(code, "100.00")
    late = sale(code, "100.05", datetime(2026, 11, 4, 20, tzinfo=UTC), currency="EUR")
    late.status = "pending"
    late.save()
    approve(settle(contract))
    confirm(late)
    december = settle(contract, DEC)
    # 4 Nov 20:00 UTC is 5 Nov in Shanghai.
    assert december.problem == (
        "No exchange rate from EUR to USD for 5 Nov 2026: add it under exchange rates and "
        "settle again."
    )
    assert (december.total, december.payable, lines(december)) == (D("0.00"), False, [])
    factories.ExchangeRateFactory(
        brand=brand,
        date=date(2026, 11, 5),
        from_currency="EUR",
        to_currency="USD",
        rate=D("1.08200000"),
    )
    december = settle(contract, DEC)
    assert december.problem == ""
    line = december.lines.get()
    assert (line.kind, line.quantity, line.amount) == (
        "late_confirmation",
        D("108.254100"),  # 100.05 × 1.082, unrounded
        D("5.41"),  # 5.412705
    )
    assert list(line.sale_links.values_list("base", flat=True)) == [D("100.05")]


def test_a_pending_sale_refunded_before_confirming_pays_nothing_late(contract, code):
    commission(contract, rate=D("0.10"))
    sale(code, "100.00")
    refunded = sale(code, "80.00", status="pending")
    partly = sale(code, "100.00", status="pending")
    approve(settle(contract))
    refunded.status, refunded.refunded_amount, refunded.refunded_at = (
        "refunded",
        D("80.00"),
        at(12, 2),
    )
    refunded.save()
    partly.status, partly.refunded_amount, partly.refunded_at = "confirmed", D("40.00"), at(12, 3)
    partly.save()
    december = settle(contract, DEC)
    # Only what is left of the partly refunded sale is paid; neither was paid, so no clawback.
    assert lines(december) == [("late_confirmation", D("6.00"))]
    assert list(december.lines.get().sale_links.values_list("sale_id", "base")) == [
        (partly.pk, D("60.00"))
    ]


# --- balances --------------------------------------------------------------------------------


def test_a_negative_balance_is_carried_forward(contract, code):
    commission(contract, rate=D("0.10"))
    refunded = sale(code, "500.00")
    approve(settle(contract))
    refunded.status, refunded.refunded_amount, refunded.refunded_at = (
        "refunded",
        D("500.00"),
        at(12, 9),
    )
    refunded.save()
    december = settle(contract, DEC)
    assert december.total == D("-50.00")
    assert december.payable is False
    approve(december)
    sale(code, "800.00", at(1, 15, year=2027))
    january = settle(contract, JAN)
    assert lines(january) == [("carried_forward", D("-50.00")), ("commission", D("80.00"))]
    assert january.lines.first().source_statement == december
    assert january.total == D("30.00")
    assert january.payable is True


def test_a_balance_below_the_minimum_payout_waits_for_the_next_statement(contract, code):
    Contract.objects.filter(pk=contract.pk).update(minimum_payout=D("50.00"))
    commission(contract, rate=D("0.10"))
    sale(code, "300.00")
    sale(code, "250.00", at(12, 3))
    november = settle(contract)
    assert (november.total, november.payable) == (D("30.00"), False)
    december = settle(contract, DEC)
    # The minimum is compared with the total after the carried line: 30 + 25 ≥ 50.
    assert lines(december) == [("carried_forward", D("30.00")), ("commission", D("25.00"))]
    assert december.payable is True


# --- statements that are closed --------------------------------------------------------------


def test_approved_statements_are_untouched_by_resettlement(contract, code):
    commission(contract, rate=D("0.10"))
    sale(code, "100.00")
    november = settle(contract)
    approve(november)
    sale(code, "900.00", at(11, 6))
    again = settle(contract)
    assert again.pk == november.pk
    assert again.status == "approved"
    assert again.total == D("10.00")
    assert lines(again) == [("commission", D("10.00"))]
    settlement.settle_due(now=NOW, as_of=date(2026, 12, 2), contract=contract)
    assert lines(Statement.objects.get(pk=november.pk)) == [("commission", D("10.00"))]


def test_settling_twice_recomputes_the_draft_in_place(contract, code):
    commission(contract, rate=D("0.10"))
    sale(code, "100.00")
    first = settle(contract)
    sale(code, "50.00")
    second = settle(contract)
    assert second.pk == first.pk
    assert lines(second) == [("commission", D("15.00"))]
    assert Statement.objects.count() == 1
    assert SaleLine.objects.count() == 2


def test_lines_of_zero_are_left_out(contract, code):
    commission(contract, rate=D("0.05"))
    term(contract, "cpa", amount=D("5.00"))
    sale(code, "0.09")  # 0.0045 rounds to 0.00
    assert lines(settle(contract)) == [("cpa", D("5.00"))]


# --- currencies ------------------------------------------------------------------------------


def test_zero_decimal_currency_rounds_to_whole_yen(brand):
    contract = factories.ContractFactory(partnership__influencer__brand=brand, currency="JPY")
    code = factories.TrackingCodeFactory(participant__contract=contract)
    commission(contract, rate=D("0.05"))
    term(contract, "cpa", amount=D("300"))
    sale(code, "12345", currency="JPY", order_id="A")
    sale(code, "10", currency="JPY", order_id="B")
    statement = settle(contract)
    assert lines(statement) == [("cpa", D("600")), ("commission", D("618"))]  # 617.75
    assert statement.total == D("1218")


def test_sales_in_another_currency_use_the_rate_of_their_local_order_date(brand, contract, code):
    commission(contract, rate=D("0.05"))
    for day, rate in [(date(2026, 11, 4), "1.00000000"), (date(2026, 11, 5), "1.08200000")]:
        factories.ExchangeRateFactory(
            brand=brand, date=day, from_currency="EUR", to_currency="USD", rate=D(rate)
        )
    # 4 Nov 20:00 UTC is 5 Nov in Shanghai: the rate of 5 Nov applies.
    sale(code, "100.05", datetime(2026, 11, 4, 20, tzinfo=UTC), currency="EUR")
    sale(code, "10.00")
    statement = settle(contract)
    line = statement.lines.get()
    assert line.quantity == D("118.254100")  # 100.05 × 1.082 + 10.00, unrounded
    assert line.amount == D("5.91")  # 5.912705
    assert line.sale_links.get(sale__currency="EUR").base == D("100.05")


def test_a_missing_rate_stops_that_contract_only(brand, contract, code):
    commission(contract, rate=D("0.05"))
    sale(code, "100.00", at(11, 5), currency="EUR")
    other = factories.ContractFactory(partnership__influencer__brand=brand)
    other_code = factories.TrackingCodeFactory(participant__contract=other)
    commission(other, rate=D("0.05"))
    sale(other_code, "100.00")
    statements = settlement.settle_due(now=NOW, as_of=date(2026, 12, 1), period=NOV)
    problem = next(s for s in statements if s.contract_id == contract.pk)
    assert problem.problem == (
        "No exchange rate from EUR to USD for 5 Nov 2026: add it under exchange rates and "
        "settle again."
    )
    assert (problem.total, problem.payable, lines(problem)) == (D("0.00"), False, [])
    fine = next(s for s in statements if s.contract_id == other.pk)
    assert (fine.problem, fine.total) == ("", D("5.00"))


def test_the_next_statement_waits_for_a_period_that_could_not_be_priced(brand, contract, code):
    commission(contract, rate=D("0.05"))
    sale(code, "100.00", at(11, 5), currency="EUR")
    settle(contract)
    december = settle(contract, DEC)
    assert december.problem.startswith("Waits for the statement of Nov 2026: No exchange rate")
    factories.ExchangeRateFactory(
        brand=brand, date=date(2026, 11, 5), from_currency="EUR", to_currency="USD"
    )
    settlement.settle_due(now=NOW, as_of=date(2027, 1, 1), contract=contract)
    assert set(Statement.objects.values_list("problem", flat=True)) == {""}


# --- the schedule ----------------------------------------------------------------------------


def test_settle_due_settles_every_ended_period_oldest_first(contract, code):
    commission(contract, rate=D("0.10"))
    sale(code, "100.00")
    sale(code, "200.00", at(12, 5))
    settled = settlement.settle_due(now=NOW, as_of=date(2027, 1, 1))
    assert [(s.period_start, s.total) for s in settled] == [
        (OCT.start, D("0.00")),
        (NOV.start, D("10.00")),
        (DEC.start, D("20.00")),
    ]


def test_settle_due_leaves_draft_and_unsigned_contracts_alone(brand):
    draft = factories.ContractFactory(partnership__influencer__brand=brand, status="negotiating")
    term(draft, "flat_fee", due_date=date(2026, 10, 2))
    assert settlement.settle_due(now=NOW, as_of=date(2027, 1, 1)) == []


def test_settle_due_defaults_to_each_brands_own_date(contract):
    term(contract, "flat_fee", amount=D("500.00"), due_date=date(2026, 11, 2))
    # 30 Nov 16:30 UTC is already 1 December in Shanghai.
    settled = settlement.settle_due(now=datetime(2026, 11, 30, 16, 30, tzinfo=UTC))
    assert [s.period_start for s in settled] == [OCT.start, NOV.start]


def test_after_the_contract_ends_a_statement_comes_only_when_something_happens(contract, code):
    Contract.objects.filter(pk=contract.pk).update(end=date(2026, 11, 20))
    commission(contract, rate=D("0.10"))
    refunded = sale(code, "100.00")
    settlement.settle_due(now=NOW, as_of=date(2027, 1, 1), contract=contract)
    assert set(contract.statements.values_list("period_start", flat=True)) == {
        OCT.start,
        NOV.start,
    }
    Statement.objects.update(status="approved")
    refunded.refunded_amount, refunded.refunded_at = D("100.00"), at(1, 10, year=2027)
    refunded.status = "refunded"
    refunded.save()
    settled = settlement.settle_due(now=NOW, as_of=date(2027, 2, 1), contract=contract)
    assert [(s.period_start, s.total) for s in settled] == [(JAN.start, D("-10.00"))]


def test_after_the_contract_ends_sales_earn_nothing_but_installments_still_fall_due(contract, code):
    Contract.objects.filter(pk=contract.pk).update(end=date(2026, 11, 20))
    commission(contract, rate=D("0.10"))
    Campaign.objects.filter(participants__contract=contract).update(end=date(2026, 11, 20))
    term(
        contract,
        "flat_fee",
        amount=D("300.00"),
        due_date=None,
        milestone="on_campaign_end",
        offset_days=30,
    )
    sale(code, "100.00", at(12, 5))
    settled = settlement.settle_due(now=NOW, as_of=date(2027, 1, 1), contract=contract)
    assert [(s.period_start, lines(s)) for s in settled] == [
        (OCT.start, []),
        (NOV.start, []),
        (DEC.start, [("flat_fee", D("300.00"))]),  # due 20 December
    ]


def test_the_last_statement_pays_a_balance_below_the_minimum(contract, code):
    Contract.objects.filter(pk=contract.pk).update(
        end=date(2026, 11, 20), minimum_payout=D("50.00")
    )
    commission(contract, rate=D("0.10"))
    sale(code, "300.00")
    assert settle(contract).payable is True


def test_settle_period_refuses_a_period_the_contract_does_not_have(contract):
    with pytest.raises(ValueError, match="not one of the settlement periods"):
        settlement.settle_period(
            contract_id=contract.pk, period=Period(NOV.start, JAN.start), now=NOW
        )


# --- set-based -------------------------------------------------------------------------------


def everything(brand) -> tuple[Contract, object]:
    """A contract with a term of every kind that reads sales, content or orders."""
    contract = factories.ContractFactory(partnership__influencer__brand=brand)
    code = factories.TrackingCodeFactory(participant__contract=contract)
    Contract.objects.filter(pk=contract.pk).update(late_delivery_per_day=D("5.00"))
    commission(contract, rate=D("0.05"))
    commission(contract, basis="category", category="Wigs", rate=D("0.02"))
    term(contract, "cpa", amount=D("1.00"))
    term(contract, "cpm", amount=D("8.00"))
    term(contract, "per_deliverable", amount=D("50.00"), content_type="video")
    term(contract, "bonus", amount=D("10.00"), metric="sales", threshold=D("100000.00"))
    item = published(contract, at(11, 3))
    factories.MetricSnapshotFactory(content=item, date=date(2026, 11, 20), views=1000)
    return contract, code


def test_the_number_of_queries_does_not_grow_with_the_sales(brand):
    for day in range(1, 31):
        for month in (10, 11):
            factories.ExchangeRateFactory(
                brand=brand, date=date(2026, month, day), from_currency="EUR", to_currency="USD"
            )

    def queries_for(sales: int) -> int:
        contract, code = everything(brand)
        refunded = [sale(code, "10.00", at(10, 1 + n % 30)) for n in range(sales)]
        late = [
            sale(code, "10.00", at(10, 1 + n % 30), currency="EUR", status="pending")
            for n in range(0, sales, 3)
        ]
        approve(settle(contract, OCT))
        for row in refunded:
            row.status, row.refunded_amount, row.refunded_at = "refunded", D("10.00"), at(11, 2)
            row.save()
        for row in late:
            row.status = "confirmed"
            row.save()
        for n in range(sales):
            sale(code, "10.00", at(11, 1 + n % 30), currency="EUR" if n % 3 else "USD")
        with CaptureQueriesContext(connection) as queries:
            statement = settle(contract)
        assert statement.problem == ""
        kinds = set(statement.lines.values_list("kind", flat=True))
        assert kinds == {
            "commission",
            "cpa",
            "cpm",
            "per_deliverable",
            "clawback",
            "late_confirmation",
        }
        return len(queries)

    assert queries_for(3) == queries_for(60)


def test_lines_say_in_plain_words_what_they_pay_for(contract, code):
    Contract.objects.filter(pk=contract.pk).update(late_delivery_per_day=D("20.00"))
    commission(contract, rate=D("0.05"))
    term(contract, "cpa", amount=D("5.00"))
    term(contract, "flat_fee", description="Launch fee", due_date=date(2026, 11, 2))
    sale(code, "1234.50", order_id="A")
    sale(code, "100.00", order_id="B")
    deliverable = factories.DeliverableFactory(contract=contract, due_date=date(2026, 11, 10))
    published(contract, at(11, 11), deliverable=deliverable)
    statement = settle(contract)
    assert [line.description for line in statement.lines.all()] == [
        "Launch fee, due 2 Nov 2026",
        "2 confirmed orders, $5.00 each",
        "Commission on $1,334.50 net sales (2 sales) at 5%",
        "1 item published 1 day late in all, $20.00 a day",
    ]
