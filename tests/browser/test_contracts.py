from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from contracts import workflow
from contracts.models import Contract
from partnerships.models import Role
from tests import factories
from tests.browser.test_sign_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_extends_a_signed_contract_and_sees_the_amendment(page):
    brand = factories.BrandFactory(name="Lumière Hair & Gowns", default_currency="USD")
    user = factories.UserFactory(username="maria")
    factories.MembershipFactory(user=user, brand=brand, role=Role.MANAGER)
    contract = factories.ContractFactory(
        partnership__brand=brand,
        partnership__influencer__brand=brand,
        partnership__influencer__name="Anna Sokolova",
        title="Winter wig reviews",
        status=Contract.Status.DRAFT,
        currency="EUR",
    )
    factories.CompensationTermFactory(contract=contract, amount=Decimal("300.00"))
    factories.DeliverableFactory(contract=contract)
    workflow.move(contract, Contract.Status.SIGNED, now=timezone.now())

    sign_in(page, "maria", factories.PASSWORD)
    page.goto(f"/contracts/{contract.pk}/")
    page.get_by_role("link", name="Edit", exact=True).click()
    expect(page.locator("#id_influencer")).to_have_value(str(contract.partnership.influencer_id))
    expect(page.locator("#id_currency")).to_have_value("EUR")
    page.locator("#id_end").fill("2027-06-30")
    page.get_by_role("button", name="Save contract").click()

    expect(page.get_by_text("Saved “Winter wig reviews”.")).to_be_visible()
    expect(page.locator("#amendments")).to_contain_text("end: 2027-03-31 → 2027-06-30")
    expect(page.locator("#amendments")).to_contain_text("maria")
    contract.refresh_from_db()
    assert (contract.end, contract.currency) == (date(2027, 6, 30), "EUR")


def test_manager_types_tiers_as_rows_in_percent(page):
    brand = factories.BrandFactory(name="Lumière Hair & Gowns", default_currency="USD")
    user = factories.UserFactory(username="maria")
    factories.MembershipFactory(user=user, brand=brand, role=Role.MANAGER)
    factories.InfluencerFactory(brand=brand, name="Mia Chen")

    sign_in(page, "maria", factories.PASSWORD)
    page.goto("/contracts/new/")
    page.locator("#id_influencer").select_option(label="Mia Chen")
    page.locator("#id_method").select_option("distribution")
    page.locator("#id_title").fill("US wig distribution")
    page.locator("#id_start").fill("2027-01-01")
    page.locator("#id_end").fill("2027-12-31")
    page.locator("#id_terms-0-kind").select_option("rebate")
    page.locator("#id_terms-0-tier_mode").select_option("whole")
    tiers = page.locator("[data-tiers]").first
    tiers.get_by_label("Tier 1 from").fill("0")
    tiers.get_by_label("Tier 1 rate %").fill("2")
    tiers.get_by_role("button", name="Add tier").click()
    tiers.get_by_label("Tier 2 from").fill("5,000")
    tiers.get_by_label("Tier 2 rate %").fill("4.5")
    tiers.get_by_role("button", name="Add tier").click()
    tiers.get_by_label("Tier 3 from").fill("1000")
    tiers.get_by_label("Tier 3 rate %").fill("6")
    page.get_by_role("button", name="Save contract").click()
    expect(page.get_by_text("Tier 3 starts below tier 2")).to_be_visible()

    tiers = page.locator("[data-tiers]").first
    tiers.get_by_role("button", name="Remove").nth(2).click()
    expect(tiers.get_by_label("Tier 3 from")).to_have_value("")
    page.get_by_role("button", name="Save contract").click()
    expect(page.get_by_text("Saved “US wig distribution”.")).to_be_visible()
    term = Contract.objects.get().terms.get()
    assert term.tiers == [{"from": "0", "rate": "0.02"}, {"from": "5000", "rate": "0.045"}]
