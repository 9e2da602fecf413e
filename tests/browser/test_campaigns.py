from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from campaigns import reports
from campaigns.models import Campaign, ContentItem, Shipment
from tests.browser.test_sign_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_prom_season(page) -> None:
    sign_in(page, "demo", "demo")
    page.get_by_role("navigation").first.get_by_role("link", name="Campaigns").click()
    page.locator("#campaign-table").get_by_role("link", name="Prom season 2026").click()
    expect(page.get_by_role("heading", name="Prom season 2026")).to_be_visible()


def test_manager_approves_content_in_place_and_overrides_a_failing_disclosure(page):
    call_command("seed_demo", force=True)
    passing = ContentItem.objects.get(url__endswith="tt-bob-3-looks")
    failing = ContentItem.objects.get(url__endswith="yt-prom-haul")
    open_prom_season(page)

    card = page.locator(f"#content-{passing.pk}")
    expect(card.locator("[data-role=status]")).to_have_text("Submitted")
    card.get_by_role("button", name="Approve").click()
    expect(card.locator("[data-role=status]")).to_have_text("Approved")
    expect(card.get_by_role("status")).to_have_text("Saved")

    card = page.locator(f"#content-{failing.pk}")
    expect(card).to_contain_text("Disclosure check failed.")
    expect(card).to_contain_text("The caption lacks #ad, which the contract requires.")
    card.get_by_role("button", name="Override and approve").click()
    expect(card.get_by_role("alert")).to_contain_text("approve with a reason for overriding")
    expect(card.locator("[data-role=status]")).to_have_text("Submitted")
    card.get_by_label("Why approve anyway").fill("Said out loud in the first ten seconds.")
    card.get_by_role("button", name="Override and approve").click()
    expect(card.locator("[data-role=status]")).to_have_text("Approved")
    expect(card).to_contain_text("Check overridden by demo: “Said out loud in the first ten")

    page.reload()
    expect(page.locator(f"#content-{passing.pk} [data-role=status]")).to_have_text("Approved")
    expect(page.locator(f"#content-{failing.pk} [data-role=status]")).to_have_text("Approved")
    failing.refresh_from_db()
    assert failing.disclosure_override_reason == "Said out loud in the first ten seconds."


def test_manager_sees_the_late_shipment_and_ships_it_in_place(page):
    call_command("seed_demo", force=True)
    late = Shipment.objects.get(status="preparing")
    open_prom_season(page)

    row = page.locator(f"#shipment-{late.pk}")
    expect(row).to_have_class("table-danger late")
    expect(row).to_contain_text("Late")
    row.get_by_label("New status").select_option("shipped")
    row.get_by_role("button", name="Update").click()
    expect(row.locator("[data-role=status]")).to_have_text("Shipped")
    late.refresh_from_db()
    assert late.status == "shipped"
    assert late.shipped_on is not None


def test_manager_pages_the_approval_queue_and_approves_on_page_two_in_place(page):
    call_command("seed_demo", force=True)
    campaign = Campaign.objects.get(name="Prom season 2026")
    participant = campaign.participants.first()
    oldest = datetime(2026, 1, 1, tzinfo=UTC)
    for n in range(reports.CONTENT_PAGE_SIZE):
        ContentItem.objects.create(
            participant=participant,
            content_type="short",
            platform="youtube",
            caption="New look #ad",
            submitted_at=oldest + timedelta(days=n + 1),
        )
    waiting = ContentItem.objects.filter(participant__campaign=campaign, status="submitted")
    oldest_waiting = waiting.order_by("submitted_at", "pk").first()
    count = waiting.count()
    open_prom_season(page)

    section = page.locator("#content")
    expect(section).to_contain_text(f"{count} waiting")
    expect(section.locator(f"#content-{oldest_waiting.pk}")).to_have_count(0)
    section.get_by_role("link", name="Next").click()
    expect(page.locator("#content")).to_contain_text("Page 2 of")
    card = page.locator(f"#content-{oldest_waiting.pk}")
    expect(card.locator("[data-role=status]")).to_have_text("Submitted")
    assert "/content/" not in page.url  # paged in place, still the campaign page
    if card.get_by_label("Why approve anyway").count():
        card.get_by_label("Why approve anyway").fill("Checked in the video.")
    card.get_by_role("button", name="Approve").click()
    expect(card.locator("[data-role=status]")).to_have_text("Approved")
    expect(page.locator("#content-counts")).to_contain_text(f"{count - 1} waiting")
    oldest_waiting.refresh_from_db()
    assert oldest_waiting.status == "approved"
