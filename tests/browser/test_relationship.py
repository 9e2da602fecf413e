"""The partnership page in Chromium: the relationship edited in place, a meeting recorded
with its next steps, and the timeline filtered and paged in place."""

from datetime import UTC, date, datetime, timedelta

import pytest
from playwright.sync_api import expect

from contracts import timeline
from partnerships.models import Role
from tests import factories
from tests.browser.test_sign_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def partnership():
    brand = factories.BrandFactory(name="Lumière Hair & Gowns")
    user = factories.UserFactory(username="maria", first_name="Maria")
    factories.MembershipFactory(user=user, brand=brand, role=Role.MANAGER)
    return factories.PartnershipFactory(
        influencer__brand=brand,
        influencer__name="Lucía Fernández",
        owner=user,
        since=date(2026, 9, 1),
    )


def test_manager_edits_the_cadence_in_place_and_records_a_meeting_with_next_steps(
    page, partnership
):
    sign_in(page, "maria", factories.PASSWORD)
    page.goto(f"/partnerships/{partnership.pk}/")

    relationship = page.locator("#relationship")
    relationship.get_by_role("link", name="Edit").click()
    relationship.get_by_label("Meeting cadence").select_option("weekly")
    relationship.get_by_label("Brand's goals").fill("Evening-wear sales in Spain")
    relationship.get_by_role("button", name="Save").click()
    expect(page.locator("#relationship")).to_contain_text("Saved.")
    expect(page.locator("#relationship")).to_contain_text("Weekly")
    expect(page.locator("#relationship")).to_contain_text("Evening-wear sales in Spain")
    # Edited in place: the page did not reload.
    expect(page.locator("#timeline")).to_be_visible()

    page.get_by_text("Record a meeting").click()
    form = page.locator("#record-meeting")
    form.locator("#id_meeting-held_on").fill("2026-11-10")
    form.get_by_label("Attendees").fill("Lucía, Maria")
    form.get_by_label("Agenda").fill("Winter gowns")
    steps = form.locator(".step-form")
    steps.nth(0).get_by_label("Next step").fill("Ship three gowns to Madrid")
    steps.nth(0).get_by_label("Owner").select_option(label="maria")
    steps.nth(0).get_by_label("Due date").fill("2026-11-14")
    steps.nth(1).get_by_label("Next step").fill("Confirm filming dates")
    steps.nth(1).get_by_label("Due date").fill("2026-11-20")
    form.get_by_role("button", name="Record meeting").click()

    expect(page.get_by_text("Recorded the meeting of 10 Nov 2026.")).to_be_visible()
    expect(page.locator("#next-meeting")).to_contain_text("17 Nov 2026")
    open_steps = page.locator("#next-steps .next-step")
    expect(open_steps).to_have_count(2)
    expect(open_steps.nth(1)).to_contain_text("The influencer")
    expect(page.locator(".meeting").first).to_contain_text("Winter gowns")

    open_steps.nth(0).get_by_role("button", name="Done").click()
    expect(page.locator("#next-steps .next-step")).to_have_count(1)
    expect(page.locator("#next-steps")).to_contain_text("Confirm filming dates")
    expect(page.locator("#timeline-events")).to_contain_text("Meeting with Lucía, Maria")


def test_timeline_filters_by_kind_and_pages_in_place(page, partnership):
    start = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)
    for i in range(timeline.PAGE_SIZE + 5):
        factories.MeetingFactory(
            partnership=partnership,
            held_on=date(2026, 1, 1) + timedelta(days=i),
            attendees=f"Call {i}",
        )
    factories.MessageFactory(partnership=partnership, sent_at=start, body="Gowns arrived!")

    sign_in(page, "maria", factories.PASSWORD)
    page.goto(f"/partnerships/{partnership.pk}/")
    events = page.locator("#timeline-events .timeline-event")
    expect(events.first).to_contain_text("Message from the influencer")

    page.locator("#timeline-kinds").get_by_role("link", name="Meetings").click()
    expect(page.locator("#timeline-kinds .active")).to_have_text("Meetings")
    expect(events).to_have_count(timeline.PAGE_SIZE)
    expect(events.first).to_contain_text(f"Call {timeline.PAGE_SIZE + 4}")
    expect(page.locator("#timeline-events")).not_to_contain_text("Message from")

    page.get_by_role("link", name="Older →").click()
    expect(events).to_have_count(5)
    expect(events.last).to_contain_text("Call 0")
    expect(page.get_by_text("Page 2")).to_be_visible()
    page.get_by_role("link", name="← Newer").click()
    expect(events).to_have_count(timeline.PAGE_SIZE)
