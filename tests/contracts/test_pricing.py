"""Settlement and the contract preview price terms through one dispatch (`contracts.pricing`):
on the same facts they give the same lines, to the cent, for every kind of term."""

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest

from contracts import preview
from contracts.models import CompensationTerm, Contract
from contracts.preview import Sample
from tests import factories
from tests.contracts.test_settlement import (
    NOV,
    at,
    factories_order,
    published,
    sale,
    settle,
    term,
)

pytestmark = pytest.mark.django_db

D = Decimal
NOVEMBER = {"period_start": NOV.start, "period_end": NOV.end}
Case = Callable[[Contract], Sample]


def flat_fee(contract: Contract) -> Sample:
    Contract.objects.filter(pk=contract.pk).update(signed_at=at(11, 2))
    contract.refresh_from_db()
    term(contract, "flat_fee", amount=D("500.00"), due_date=date(2026, 11, 15))
    term(contract, "flat_fee", amount=D("700.00"), due_date=date(2026, 12, 15))
    term(
        contract,
        "flat_fee",
        amount=D("250.00"),
        due_date=None,
        milestone="on_signing",
        offset_days=3,
    )
    return Sample(**NOVEMBER)


def per_deliverable(contract: Contract) -> Sample:
    term(contract, "per_deliverable", amount=D("150.00"), content_type="video")
    published(contract, at(11, 3))
    published(contract, at(11, 28))
    published(contract, at(11, 5), content_type="post")
    return Sample(published_items={"video": 2, "post": 1}, **NOVEMBER)


def cpm(contract: Contract) -> Sample:
    term(contract, "cpm", amount=D("8.00"), cap=D("450.00"))
    viral = published(contract, at(10, 20))
    factories.MetricSnapshotFactory(content=viral, date=date(2026, 10, 31), views=10_000)
    factories.MetricSnapshotFactory(content=viral, date=date(2026, 11, 30), views=80_000)
    fresh = published(contract, at(11, 19))
    factories.MetricSnapshotFactory(content=fresh, date=date(2026, 11, 20), views=12_345)
    return Sample(views_per_item=(70_000, 12_345), **NOVEMBER)


def cpa(contract: Contract) -> Sample:
    code = factories.TrackingCodeFactory(participant__contract=contract)
    term(contract, "cpa", amount=D("4.50"))
    sale(code, "80.00", order_id="A", line_id="1")
    sale(code, "20.00", order_id="A", line_id="2")
    sale(code, "35.00", order_id="B")
    sale(code, "35.00", order_id="C", status="pending")
    return Sample(confirmed_orders=2, **NOVEMBER)


def commission(contract: Contract) -> Sample:
    code = factories.TrackingCodeFactory(participant__contract=contract)
    tiers = [{"from": "0", "rate": "0.05"}, {"from": "10000", "rate": "0.08"}]
    term(contract, "commission", rate=None, tiers=tiers, tier_mode="marginal")
    sale(code, "12000.00")
    sale(code, "345.67")
    return Sample(net_sales=D("12345.67"), **NOVEMBER)


def revenue_share(contract: Contract) -> Sample:
    gown = factories.ProductFactory(brand=contract.partnership.brand)
    factories.JointBrandFactory(contract=contract, products=[gown])
    code = factories.TrackingCodeFactory(participant__contract=contract)
    term(contract, "revenue_share", rate=D("0.1000"), minimum_guarantee=D("1000.00"))
    sale(code, "5000.05", product=gown)
    sale(code, "9000.00")
    return Sample(joint_brand_sales=D("5000.05"), **NOVEMBER)


def rebate(contract: Contract) -> Sample:
    tiers = [{"from": "0", "rate": "0.02"}, {"from": "5000", "rate": "0.04"}]
    term(contract, "rebate", tiers=tiers, tier_mode="whole")
    wig = factories.ProductFactory(brand=contract.partnership.brand)
    factories_order(contract, "PO-1", wig, 30, "121.00", at(11, 2))
    factories_order(contract, "PO-2", wig, 20, "99.00", at(11, 29))
    return Sample(wholesale_purchases=D("5610.00"), **NOVEMBER)


def views_bonus(contract: Contract) -> Sample:
    term(contract, "bonus", amount=D("250.00"), metric="views", threshold=D("100000"))
    item = published(contract, at(10, 20))
    factories.MetricSnapshotFactory(content=item, date=date(2026, 11, 30), views=120_000)
    return Sample(views_to_date=120_000, **NOVEMBER)


def sales_bonus(contract: Contract) -> Sample:
    code = factories.TrackingCodeFactory(participant__contract=contract)
    term(contract, "bonus", amount=D("100.00"), metric="sales", threshold=D("1000.00"))
    sale(code, "600.00", at(10, 10))
    sale(code, "400.00", at(11, 10))
    return Sample(sales_to_date=D("1000.00"), **NOVEMBER)


def conversions_bonus(contract: Contract) -> Sample:
    code = factories.TrackingCodeFactory(participant__contract=contract)
    term(contract, "bonus", amount=D("75.00"), metric="conversions", threshold=D("2"))
    sale(code, "10.00", at(10, 10))
    sale(code, "10.00", at(11, 10))
    return Sample(conversions_to_date=2, **NOVEMBER)


def late_delivery(contract: Contract) -> Sample:
    Contract.objects.filter(pk=contract.pk).update(
        late_delivery_per_day=D("20.00"), late_delivery_cap=D("100.00")
    )
    contract.refresh_from_db()
    deliverable = factories.DeliverableFactory(contract=contract, due_date=date(2026, 11, 10))
    published(contract, at(11, 14, hour=1), deliverable=deliverable)  # 4 days late
    published(contract, at(11, 13, hour=1), deliverable=deliverable)  # 3 days late
    published(contract, at(11, 9), deliverable=deliverable)  # early
    return Sample(days_late_per_item=(4, 3, -1), **NOVEMBER)


# name: (the kind of term it prices, the contract's cooperation method, the facts)
CASES: dict[str, tuple[str, str, Case]] = {
    "flat_fee": ("flat_fee", "paid_media", flat_fee),
    "per_deliverable": ("per_deliverable", "paid_media", per_deliverable),
    "cpm": ("cpm", "paid_media", cpm),
    "cpa": ("cpa", "paid_media", cpa),
    "commission": ("commission", "paid_media", commission),
    "revenue_share": ("revenue_share", "joint_brand", revenue_share),
    "rebate": ("rebate", "distribution", rebate),
    "views_bonus": ("bonus", "paid_media", views_bonus),
    "sales_bonus": ("bonus", "paid_media", sales_bonus),
    "conversions_bonus": ("bonus", "paid_media", conversions_bonus),
    "late_delivery": ("", "paid_media", late_delivery),
}


@pytest.mark.parametrize("name", CASES)
def test_preview_and_settlement_give_the_same_lines_on_the_same_facts(brand, name):
    kind, method, case = CASES[name]
    contract = factories.ContractFactory(partnership__influencer__brand=brand, method=method)
    sample = case(contract)
    terms = list(contract.terms.select_related("product"))  # as the contract page gives them
    assert {term.kind for term in terms} == ({kind} if kind else set())
    settled = [(line.kind, line.amount) for line in settle(contract).lines.all()]
    previewed = [
        (line.kind, line.amount) for line in preview.preview(contract, terms, sample).lines
    ]
    assert settled  # each case pays something
    assert previewed == settled


def test_every_kind_of_term_is_compared():
    assert {kind for kind, _, _ in CASES.values()} >= set(CompensationTerm.Kind.values)
