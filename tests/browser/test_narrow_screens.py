"""Every page works on a 390 px phone: the page never scrolls sideways (wide tables scroll in
their card), charts keep their height, and a statement's status and total stay on screen."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from contracts.models import Partnership
from tests.browser.test_sign_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
# Elements wider than the screen that are not inside something scrolling sideways.
SPILLING = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = (element) => {
    for (let e = element.parentElement; e; e = e.parentElement) {
      if (["auto", "scroll"].includes(getComputedStyle(e).overflowX)) return true;
    }
    return false;
  };
  return [...document.querySelectorAll("body *")]
    .filter((e) => e.getBoundingClientRect().right > width + 1 && !scrolls(e))
    .map((e) => `${e.tagName}#${e.id}.${e.className}`);
}"""


@pytest.fixture
def phone(browser, live_server):
    call_command("seed_demo", force=True)
    context = browser.new_context(base_url=live_server.url, viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, "demo", "demo")
    yield page
    context.close()


def _fits(page) -> None:
    assert page.evaluate(SPILLING) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def _charts_keep_their_height(page, selector: str) -> None:
    charts = page.locator(selector)
    expect(charts.first).to_be_visible()
    for i in range(charts.count()):
        assert charts.nth(i).bounding_box()["height"] >= 200


def test_dashboard_on_a_phone(phone):
    expect(phone.get_by_role("heading", name="Lumière Hair & Gowns")).to_be_visible()
    _fits(phone)
    _charts_keep_their_height(phone, "#roi canvas")


def test_campaign_on_a_phone(phone):
    phone.goto("/campaigns/")
    phone.get_by_role("link", name="Prom season 2026").first.click()
    expect(phone.locator("#sales-totals")).to_be_attached()
    _fits(phone)
    _charts_keep_their_height(phone, "canvas[data-chart]")
    # the sales totals are wider than a phone: they scroll inside their card
    totals = phone.locator("#sales-totals")
    assert totals.bounding_box()["width"] > PHONE["width"] - 40
    scroller = totals.locator("xpath=..")
    assert scroller.evaluate("e => getComputedStyle(e).overflowX") == "auto"


def test_campaign_in_russian_on_a_phone(phone, live_server):
    # Russian labels are the longest: the campaign's buttons wrap and its targets scroll.
    phone.context.add_cookies([{"name": "django_language", "value": "ru", "url": live_server.url}])
    phone.goto("/campaigns/")
    phone.get_by_role("link", name="Prom season 2026").first.click()
    expect(phone.locator("html")).to_have_attribute("lang", "ru")
    expect(phone.locator("#targets-vs-actual")).to_be_attached()
    _fits(phone)


def test_statements_on_a_phone_keep_status_and_total_on_screen(phone):
    phone.goto("/statements/")
    table = phone.locator("#statement-table")
    expect(table).to_be_visible()
    _fits(phone)
    for header in ("Status", "Total"):
        box = table.get_by_role("columnheader", name=header).bounding_box()
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= PHONE["width"]
    first_row = table.locator("tbody tr").first
    expect(first_row.get_by_role("link", name="Statement of")).to_be_visible()


def test_statement_lines_on_a_phone_scroll_in_their_card(phone):
    phone.goto("/statements/")
    first_row = phone.locator("#statement-table tbody tr").first
    first_row.get_by_role("link", name="Statement of").click()
    expect(phone.locator("#statement-total")).to_be_visible()
    _fits(phone)


def test_partnership_timeline_on_a_phone_wraps_long_links(phone):
    partnership = Partnership.objects.get(
        influencer__name="Lucía Fernández", influencer__brand__name="Lumière Hair & Gowns"
    )
    phone.goto(f"/partnerships/{partnership.pk}/")
    expect(phone.locator("#timeline-events")).to_be_visible()
    assert phone.locator("#timeline-events").get_by_text("https://").count()
    _fits(phone)
