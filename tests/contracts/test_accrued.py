"""Accrued cost: the settlement rules applied to a period not settled yet, so far; never saved,
approved or paid, and exactly what the statement pays once the period ends unchanged."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns import roi
from contracts import settlement
from contracts.models import Contract, Statement, StatementLine
from partnerships.models import Role
from tests import factories
from tests.contracts.test_admin import change_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def contract(brand):
    """A monthly contract from 1 Nov: a 500.00 fee due 15 Nov, 10% commission and 2.00 per
    order; one sale of 100.00 on 5 Nov and one of 250.00 on 20 Nov, in a November campaign."""
    contract = factories.ContractFactory(
        partnership__influencer__brand=brand,
        partnership__influencer__name="Anna Lace",
        status=Contract.Status.ACTIVE,
        start=date(2026, 11, 1),
        end=date(2027, 4, 30),
    )
    factories.CompensationTermFactory(
        contract=contract, kind="flat_fee", amount=Decimal("500.00"), due_date=date(2026, 11, 15)
    )
    factories.CompensationTermFactory(contract=contract, kind="commission", rate=Decimal("0.10"))
    factories.CompensationTermFactory(contract=contract, kind="cpa", amount=Decimal("2.00"))
    participant = factories.ParticipantFactory(
        contract=contract,
        campaign__brand=brand,
        campaign__start=date(2026, 11, 1),
        campaign__end=date(2026, 11, 30),
    )
    code = factories.TrackingCodeFactory(participant=participant, code="ANNA10")
    for day, amount in ((5, "100.00"), (20, "250.00")):
        factories.SaleFactory(
            tracking_code=code,
            ordered_at=datetime(2026, 11, day, 12, tzinfo=UTC),
            net_amount=Decimal(amount),
        )
    return contract


def accrual_of(brand, today: date) -> Decimal:
    return sum((a.amount for a in settlement.accrued(brand, today=today)), Decimal(0))


def test_accrued_cost_counts_the_period_so_far(brand, contract):
    # 10 Nov: one sale (10.00 commission + 2.00 per order); the fee is not due yet.
    assert accrual_of(brand, date(2026, 11, 10)) == Decimal("12.00")
    # 30 Nov: both sales (35.00 + 4.00) and the fee.
    assert accrual_of(brand, date(2026, 11, 30)) == Decimal("539.00")
    assert not Statement.objects.exists()


def test_accrued_cost_equals_what_the_statement_pays_once_the_period_ends(brand, contract):
    accrued = settlement.accrued(brand, today=date(2026, 11, 30))
    [november] = [a for a in accrued if a.period.start == date(2026, 11, 1)]

    now = datetime(2026, 12, 1, 9, tzinfo=UTC)
    settlement.settle_due(now=now, as_of=date(2026, 12, 1), brand=brand)

    statement = Statement.objects.get(contract=contract, period_start=date(2026, 11, 1))
    paid = sum(
        line.amount
        for line in statement.lines.all()
        if line.kind != StatementLine.Kind.CARRIED_FORWARD
    )
    assert november.amount == paid == statement.total == Decimal("539.00")
    # Settled now, November accrues nothing more; December has begun with nothing in it.
    assert accrual_of(brand, date(2026, 12, 1)) == 0


def test_figures_show_accrued_cost_apart_from_settled_cost_until_the_period_is_settled(
    brand, contract
):
    roi.refresh(brand, now=datetime(2026, 11, 30, 12, tzinfo=UTC))
    figures = roi.BrandFigures.load(brand).totals()
    assert (figures.statement_cost, figures.accrued_cost) == (0, Decimal("539.00"))
    assert figures.roi is None
    # Revenue 350.00 less unit costs 2 × 58.40 (the factory's), against 539.00 accrued.
    assert figures.gross_profit == Decimal("233.20")
    assert figures.roi_with_accrued == (Decimal("233.20") - Decimal("539.00")) / Decimal("539.00")

    settlement.settle_due(now=datetime(2026, 12, 1, 9, tzinfo=UTC), as_of=date(2026, 12, 1))
    roi.refresh(brand, now=datetime(2026, 12, 1, 9, tzinfo=UTC))
    figures = roi.BrandFigures.load(brand).totals()
    assert (figures.statement_cost, figures.accrued_cost) == (Decimal("539.00"), 0)


def test_a_partial_refresh_reprices_the_accrued_cost_of_earlier_days(brand, contract):
    roi.refresh(brand, now=datetime(2026, 11, 10, 12, tzinfo=UTC))
    assert roi.BrandFigures.load(brand).totals().accrued_cost == Decimal("12.00")
    roi.refresh(brand, now=datetime(2026, 11, 30, 12, tzinfo=UTC), since=date(2026, 11, 20))
    assert roi.BrandFigures.load(brand).totals().accrued_cost == Decimal("539.00")


def test_dashboard_campaign_and_influencer_pages_label_the_accrued_cost(
    client, brand_manager, brand, contract
):
    roi.refresh(brand, now=datetime(2026, 11, 30, 12, tzinfo=UTC))
    client.force_login(brand_manager)
    campaign = contract.participants.get().campaign
    influencer = contract.partnership.influencer
    dashboard = client.get(
        reverse("dashboard"), {"range": "custom", "from": "2026-11-01", "to": "2026-11-30"}
    ).content.decode()
    assert "+ 539.00 accrued, not yet settled" in dashboard
    campaign_page = client.get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    assert "+ 539.00 accrued, not yet settled" in campaign_page
    influencer_page = client.get(reverse("influencers:detail", args=[influencer.pk]))
    table = influencer_page.content.decode().split('id="contract-performance"')[1]
    assert "Accrued, not yet settled" in table
    assert "539.00" in table.split("</table>")[0]


def test_a_term_changed_through_the_api_reprices_the_accrued_cost_at_once(
    api, brand, contract, django_capture_on_commit_callbacks
):
    terms = [{"kind": "commission", "rate": "0.2000", "basis": "total"}]
    with django_capture_on_commit_callbacks(execute=True):
        response = api.patch(f"/api/v1/contracts/{contract.pk}/", {"terms": terms}, format="json")
    assert response.status_code == 200, response.json()
    # 20% of the 350.00 sold in November, whatever day it is now: the period is not settled.
    assert roi.BrandFigures.load(brand).totals().accrued_cost == Decimal("70.00")


def test_a_term_changed_in_the_admin_reprices_the_accrued_cost_at_once(
    client, brand, contract, django_capture_on_commit_callbacks
):
    roi.refresh(brand, now=timezone.now())
    before = roi.BrandFigures.load(brand).totals().accrued_cost
    staff = factories.UserFactory(is_staff=True)
    factories.MembershipFactory(user=staff, brand=brand, role=Role.MANAGER)
    client.force_login(staff)
    data = change_post(contract)
    commission = list(contract.terms.all()).index(contract.terms.get(kind="commission"))
    data[f"terms-{commission}-rate"] = "20"  # typed in percent, was 10
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:contracts_contract_change", args=[contract.pk]), data)
    assert response.status_code == 302
    # 10% more of the 350.00 sold in November.
    assert roi.BrandFigures.load(brand).totals().accrued_cost == before + Decimal("35.00")


def test_the_contract_page_shows_settled_and_accrued_cost(client, brand_manager, brand, contract):
    roi.refresh(brand, now=datetime(2026, 11, 30, 12, tzinfo=UTC))
    client.force_login(brand_manager)
    page = client.get(reverse("contracts:detail", args=[contract.pk])).content.decode()
    figures = page.split('id="contract-figures"')[1].split("</section>")[0]
    assert "Accrued, not yet settled" in figures
    assert "539.00" in figures
