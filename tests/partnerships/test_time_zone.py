"""One time zone: every date and time a page shows is on the brand's clock (Asia/Shanghai in
the test brand), named by its abbreviation, whatever the server's own zone."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from campaigns.models import ContentComment
from partnerships.formatting import format_moment
from tests import factories

pytestmark = pytest.mark.django_db

# 20:30 UTC on 30 Nov is 04:30 on 1 Dec in Shanghai.
LATE_EVENING_UTC = datetime(2026, 11, 30, 20, 30, tzinfo=UTC)
ON_THE_BRANDS_CLOCK = "1 Dec 2026, 04:30 CST"


def test_the_brands_today_is_the_day_on_its_clock(brand, settings):
    settings.TIME_ZONE = "America/New_York"  # where it is still 30 Nov
    assert brand.today(LATE_EVENING_UTC) == date(2026, 12, 1)


def test_a_moment_is_written_on_the_zones_clock_with_its_abbreviation(brand):
    assert format_moment(LATE_EVENING_UTC, brand.timezone) == ON_THE_BRANDS_CLOCK


def test_a_statements_approval_shows_on_the_brands_clock(client, finance, brand, settings):
    settings.TIME_ZONE = "America/New_York"  # the server's zone plays no part
    statement = factories.StatementFactory(
        contract__partnership__influencer__brand=brand,
        status="approved",
        approved_at=LATE_EVENING_UTC,
        total=Decimal("500.00"),
    )
    client.force_login(finance)
    page = client.get(reverse("contracts:statement", args=[statement.pk])).content.decode()
    assert ON_THE_BRANDS_CLOCK in page


def test_an_import_and_a_review_thread_show_on_the_brands_clock(client, brand_manager, brand):
    job = factories.ImportJobFactory(brand=brand)
    type(job).objects.filter(pk=job.pk).update(created_at=LATE_EVENING_UTC)
    item = factories.ContentItemFactory(
        participant__campaign__brand=brand,
        participant__contract__partnership__influencer__brand=brand,
    )
    comment = ContentComment.objects.create(
        content=item, author=brand_manager, body="Looks good", status=item.status
    )
    ContentComment.objects.filter(pk=comment.pk).update(created_at=LATE_EVENING_UTC)
    client.force_login(brand_manager)

    imports = client.get(reverse("imports")).content.decode()
    campaign = client.get(reverse("campaigns:detail", args=[item.participant.campaign_id]))

    assert ON_THE_BRANDS_CLOCK in imports
    assert ON_THE_BRANDS_CLOCK in campaign.content.decode()


def test_the_admin_shows_times_on_the_brands_clock(client, brand):
    staff = factories.UserFactory(is_staff=True, is_superuser=True)
    factories.MembershipFactory(user=staff, brand=brand, role="owner")
    job = factories.ImportJobFactory(brand=brand)
    type(job).objects.filter(pk=job.pk).update(created_at=LATE_EVENING_UTC)
    client.force_login(staff)
    page = client.get(reverse("admin:campaigns_importjob_changelist")).content.decode()
    assert ON_THE_BRANDS_CLOCK in page
