"""Try it out on /api/docs/ calls the API with the signed-in member's session."""

import pytest
from playwright.sync_api import expect

from partnerships.models import Product, Role
from tests import factories
from tests.browser.test_sign_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PRODUCT = (
    '{"sku": "WIG-BOB-10", "name": "Blunt Bob Wig", "category": "Wigs", "currency": "USD", '
    '"retail_price": "89.00", "unit_cost": "24.30"}'
)


def _try(page, operation: str, body: str | None = None):
    block = page.locator(f"#operations-v1-v1_products_{operation}")
    block.locator(".opblock-summary").click()
    block.get_by_role("button", name="Try it out").click()
    if body is not None:
        block.locator("textarea").first.fill(body)
    block.get_by_role("button", name="Execute").click()
    return block.locator(".live-responses-table tbody .response-col_status").first


def test_manager_reads_and_writes_from_the_api_docs(page):
    brand = factories.BrandFactory(name="Lumière Hair & Gowns")
    user = factories.UserFactory(username="maria")
    factories.MembershipFactory(user=user, brand=brand, role=Role.MANAGER)
    factories.ProductFactory(brand=brand, sku="GWN-MER-RD")

    sign_in(page, "maria", factories.PASSWORD)
    page.goto("/api/docs/")
    expect(_try(page, "list")).to_have_text("200")
    expect(page.locator("#operations-v1-v1_products_list .live-responses-table")).to_contain_text(
        "GWN-MER-RD"
    )
    expect(_try(page, "create", NEW_PRODUCT)).to_have_text("201")
    assert Product.objects.filter(brand=brand, sku="WIG-BOB-10").exists()


def test_viewer_reads_but_may_not_write_from_the_api_docs(page):
    brand = factories.BrandFactory(name="Lumière Hair & Gowns")
    user = factories.UserFactory(username="vera")
    factories.MembershipFactory(user=user, brand=brand, role=Role.VIEWER)

    sign_in(page, "vera", factories.PASSWORD)
    page.goto("/api/docs/")
    expect(_try(page, "list")).to_have_text("200")
    expect(_try(page, "create", NEW_PRODUCT)).to_contain_text("403")
    assert not Product.objects.exists()
