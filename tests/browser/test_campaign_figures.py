"""The campaign page's performance counts its window, or the days someone chooses, in place."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.browser.test_campaigns import open_prom_season

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_counts_chosen_days_then_the_campaigns_window_again(page):
    call_command("seed_demo", force=True)
    open_prom_season(page)
    days = page.locator("#performance-days")
    revenue = page.locator("[data-figure=revenue] .fs-5")
    expect(days).to_contain_text("30-day attribution window")
    whole = revenue.inner_text()
    assert whole != "0.00"

    form = page.locator("#performance-range")
    form.get_by_label("From").fill("2020-01-01")
    form.get_by_label("To").fill("2020-01-31")
    form.get_by_role("button", name="Show").click()
    expect(days).to_contain_text("1 Jan 2020 – 31 Jan 2020")
    expect(revenue).to_have_text("0.00")
    expect(page.locator("#report-export")).to_have_attribute(
        "href",
        "/campaigns/"
        + page.url.split("/campaigns/")[1].split("/")[0]
        + "/report.csv?sort=-roi&from=2020-01-01&to=2020-01-31",
    )

    page.get_by_role("link", name="The campaign's window").click()
    expect(days).to_contain_text("30-day attribution window")
    expect(revenue).to_have_text(whole)
