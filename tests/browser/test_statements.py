import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from contracts.models import Statement
from partnerships.models import Role
from tests import factories
from tests.browser.test_sign_in import sign_in
from tests.contracts.statement_data import statement_with_sources

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_finance_approves_a_statement_and_marks_it_paid(page):
    brand = factories.BrandFactory(name="Lumière Hair & Gowns", slug="lumiere")
    user = factories.UserFactory(username="fiona")
    factories.MembershipFactory(user=user, brand=brand, role=Role.FINANCE)
    statement = statement_with_sources(brand, sales=3)

    sign_in(page, "fiona", factories.PASSWORD)
    page.get_by_role("navigation").first.get_by_role("link", name="Statements").click()
    page.get_by_label("Status").select_option("draft")
    table = page.locator("#statement-table")
    expect(table).to_contain_text("Anna Sokolova")
    influencer = statement.contract.partnership.influencer
    expect(table.get_by_role("link", name="Anna Sokolova", exact=True)).to_have_attribute(
        "href", f"/influencers/{influencer.pk}/"
    )
    table.get_by_role("link", name="Statement of Anna Sokolova").click()

    expect(page.get_by_role("heading", name="Statement for 1–30 Nov 2026")).to_be_visible()
    expect(page.locator("#lines")).to_contain_text(f"ORD-{statement.pk}-0002 / 1")
    actions = page.locator("#statement-actions")
    actions.get_by_role("button", name="Approve").click()
    expect(actions).to_contain_text("Approved.")
    expect(actions.get_by_role("button", name="Approve")).to_have_count(0)

    actions.get_by_label("Payout reference").fill("SWIFT-20261124-01")
    actions.get_by_role("button", name="Mark paid").click()
    expect(actions).to_contain_text("Marked paid.")
    expect(actions.locator("#payout-reference")).to_have_text("SWIFT-20261124-01")

    page.reload()
    expect(page.locator("#statement-actions .badge").first).to_have_text("Paid")
    statement.refresh_from_db()
    assert statement.status == Statement.Status.PAID
    assert statement.approved_by == user


def test_finance_approves_exports_and_pays_a_demo_statement(page):
    call_command("seed_demo", force=True)
    sign_in(page, "finance", "finance")
    page.get_by_role("navigation").first.get_by_role("link", name="Statements").click()
    # Her oldest statement comes last; statements are approved in period order.
    table = page.locator("#statement-table")
    table.get_by_role("link", name="Statement of Anna Sokolova").last.click()
    expect(page.locator("#lines")).to_contain_text("Installment 1 of 3")

    actions = page.locator("#statement-actions")
    actions.get_by_role("button", name="Approve").click()
    expect(actions).to_contain_text("Approved.")
    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    assert "Installment 1 of 3" in download.value.path().read_text()

    actions.get_by_label("Payout reference").fill("DEMO-PAY-1")
    actions.get_by_role("button", name="Mark paid").click()
    expect(actions).to_contain_text("Marked paid.")
    statement = Statement.objects.get(payout_reference="DEMO-PAY-1")
    assert (statement.contract.title, statement.status) == ("Spring wig reviews", "paid")
