"""The demo campaigns seed_demo loads: enough of everything to show every part of the pages."""

import pytest
from django.core.management import call_command
from django.db.models import Count, F
from django.utils import timezone

from campaigns.models import Campaign, ContentItem, MetricSnapshot, Sale, Shipment

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("seed_demo", force=True)
    return Campaign.objects.filter(brand__slug="lumiere")


def test_two_campaigns_with_participants_codes_and_content_in_every_status(demo):
    assert sorted(demo.values_list("name", flat=True)) == [
        "Glueless wig launch",
        "Prom season 2026",
    ]
    assert all(campaign.participants.exists() for campaign in demo)
    assert set(ContentItem.objects.values_list("status", flat=True)) == set(
        ContentItem.Status.values
    )
    failing = ContentItem.objects.filter(status="submitted", disclosure_ok=False)
    assert failing.count() == 1
    assert ContentItem.objects.filter(status="submitted", disclosure_ok=True).exists()


def test_exactly_one_shipment_is_late(demo):
    today = timezone.localdate(timezone=demo.first().brand.timezone)
    assert Shipment.objects.filter(Shipment.late(today)).count() == 1
    assert Shipment.objects.count() == 4


def test_published_launch_items_have_three_months_of_daily_snapshots(demo):
    launch = demo.get(name="Glueless wig launch")
    per_item = (
        MetricSnapshot.objects.filter(content__participant__campaign=launch)
        .values("content")
        .annotate(days=Count("pk"))
    )
    assert [row["days"] for row in per_item] == [91, 91]
    published = ContentItem.objects.filter(status="published")
    assert set(MetricSnapshot.objects.values_list("content", flat=True).distinct()) == set(
        published.values_list("pk", flat=True)
    )


def test_snapshots_are_cumulative(demo):
    for item in ContentItem.objects.filter(status="published"):
        views = list(item.snapshots.order_by("date").values_list("views", flat=True))
        assert views == sorted(views)


def test_a_few_thousand_sales_with_some_refunds(demo):
    sales = Sale.objects.filter(brand__slug="lumiere")
    assert 2000 <= sales.count() <= 6000
    refunded = sales.filter(status="refunded")
    assert refunded.exists()
    assert not refunded.exclude(refunded_amount=F("net_amount")).exists()
    assert sales.filter(status="confirmed", refunded_amount__gt=0).exists()  # partial
    assert sales.filter(status="pending").exists()
    assert set(sales.values_list("currency", flat=True)) == {"USD", "EUR", "CNY"}
    assert not sales.filter(ordered_at__gt=timezone.now()).exists()
