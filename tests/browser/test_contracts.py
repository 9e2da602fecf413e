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
