"""Figures are live: a write that changes figures refreshes its brand's summaries right after
commit (in-process here, on the worker with a broker), refreshes queued for one brand collapse
into one, pages say "updating…" while one waits, and a write that resolves a reminder takes it
off the pages at once."""

import re
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from campaigns import ingest, roi, shipping
from campaigns.models import BrandMetrics, DailySummary
from campaigns.tasks import refresh_brand_figures
from contracts import settlement
from contracts.models import Contract
from partnerships.models import Reminder
from partnerships.workspace import reminders
from tests import factories

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 2, 9, tzinfo=UTC)
SALES = (
    "order_id,line_id,ordered_at,code,sku,quantity,net_amount,currency,status,refunded_at,"
    "refunded_amount\n"
    "A-1,1,2026-11-05T10:00:00Z,ANNA10,WIG-1,1,189.00,USD,confirmed,,\n"
)


@pytest.fixture
def campaign(brand):
    campaign = factories.CampaignFactory(
        brand=brand, start=date(2026, 11, 1), end=date(2026, 11, 30)
    )
    participant = factories.ParticipantFactory(
        campaign=campaign, contract__partnership__influencer__brand=brand
    )
    factories.TrackingCodeFactory(participant=participant, code="ANNA10")
    factories.ProductFactory(brand=brand, sku="WIG-1", unit_cost=Decimal("40.00"))
    roi.refresh(brand, now=NOW)
    return campaign


def revenue(brand) -> Decimal:
    return roi.BrandFigures.load(brand).totals().revenue


def test_a_sales_import_through_the_page_shows_on_the_campaign_at_once(
    client, brand_manager, campaign, django_capture_on_commit_callbacks
):
    client.force_login(brand_manager)
    upload = SimpleUploadedFile("sales.csv", SALES.encode(), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports"), {"kind": "sales", "sales-file": upload})

    page = client.get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    assert revenue(campaign.brand) == Decimal("189.00")
    assert "189.00" in page.split('id="performance"')[1]
    assert "updating…" not in page


def test_sales_through_the_api_refresh_too(api, campaign, django_capture_on_commit_callbacks):
    header, line = SALES.splitlines()
    item = dict(zip(header.split(","), line.split(","), strict=True))
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/sales/", [item], format="json")
    assert response.status_code in (200, 201), response.content
    assert revenue(campaign.brand) == Decimal("189.00")


def test_sales_through_the_command_refresh_too(
    campaign, tmp_path, django_capture_on_commit_callbacks
):
    file = tmp_path / "sales.csv"
    file.write_text(SALES)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_sales", str(file), "--brand", campaign.brand.slug)
    assert revenue(campaign.brand) == Decimal("189.00")


def test_a_refresh_starts_from_the_earliest_day_the_write_touched(
    campaign, django_capture_on_commit_callbacks
):
    brand = campaign.brand
    with django_capture_on_commit_callbacks(execute=True):
        ingest.import_sales_csv(SALES, brand=brand)
    assert BrandMetrics.objects.get(brand=brand).refreshed_from == date(2026, 11, 5)


class QueuedTasks:
    """The broker, as far as these tests need it: which refreshes were queued."""

    def __init__(self) -> None:
        self.queued: list[int] = []

    def delay(self, brand_id: int) -> None:
        self.queued.append(brand_id)


@pytest.fixture
def queued(monkeypatch) -> Iterator[QueuedTasks]:
    tasks = QueuedTasks()
    monkeypatch.setattr(refresh_brand_figures, "delay", tasks.delay)
    conf = refresh_brand_figures.app.conf
    conf.task_always_eager = False  # as with a broker: the refresh is queued, not run
    yield tasks
    conf.task_always_eager = True


def test_two_writes_queue_one_refresh_from_the_earlier_day_and_the_page_says_updating(
    client, brand_manager, campaign, queued, django_capture_on_commit_callbacks
):
    brand = campaign.brand
    later = SALES.replace("2026-11-05", "2026-11-20")
    earlier = SALES.replace("A-1", "B-1").replace("2026-11-05", "2026-11-03")
    with django_capture_on_commit_callbacks(execute=True):
        ingest.import_sales_csv(later, brand=brand)
    with django_capture_on_commit_callbacks(execute=True):
        ingest.import_sales_csv(earlier, brand=brand)

    assert queued.queued == [brand.pk]
    client.force_login(brand_manager)
    page = client.get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    assert "updating…" in page
    assert revenue(brand) == 0

    assert refresh_brand_figures(brand.pk) > 0
    assert refresh_brand_figures(brand.pk) == 0  # the second delivery finds nothing waiting
    assert revenue(brand) == Decimal("378.00")
    assert BrandMetrics.objects.get(brand=brand).refreshed_from == date(2026, 11, 3)
    page = client.get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    assert "updating…" not in page


def test_a_write_after_the_refresh_started_queues_the_next_one(
    campaign, queued, django_capture_on_commit_callbacks
):
    brand = campaign.brand
    with django_capture_on_commit_callbacks(execute=True):
        ingest.import_sales_csv(SALES, brand=brand)
    refresh_brand_figures(brand.pk)
    with django_capture_on_commit_callbacks(execute=True):
        ingest.import_sales_csv(SALES.replace("A-1", "B-1"), brand=brand)
    assert queued.queued == [brand.pk, brand.pk]


def test_nothing_is_refreshed_when_the_write_rolls_back(campaign, queued):
    bad = SALES.replace("ANNA10", "NOPE")
    assert not ingest.import_sales_csv(bad, brand=campaign.brand).ok
    assert queued.queued == []


def test_shipping_samples_counts_their_cost_at_once(campaign, django_capture_on_commit_callbacks):
    participant = campaign.participants.get()
    shipment = factories.ShipmentFactory(
        participant=participant, requested_on=date(2026, 11, 1), shipping_cost=Decimal("25.00")
    )
    with django_capture_on_commit_callbacks(execute=True):
        shipping.move(shipment, "shipped", on=date(2026, 11, 2), today=date(2026, 11, 2))
    assert roi.BrandFigures.load(campaign.brand).totals().seeding_cost == Decimal("25.00")


def test_settlement_refreshes_the_brand_once_from_its_earliest_period(
    brand, django_capture_on_commit_callbacks, queued
):
    for _ in range(2):
        factories.CompensationTermFactory(
            contract__partnership__influencer__brand=brand,
            contract__status=Contract.Status.SIGNED,
            contract__start=date(2026, 10, 1),
            kind="flat_fee",
            amount=Decimal("100.00"),
            due_date=date(2026, 10, 5),
        )
    with django_capture_on_commit_callbacks(execute=True):
        written = settlement.settle_due(now=NOW, as_of=date(2026, 12, 2), brand=brand)
    assert written
    assert queued.queued == [brand.pk]
    assert BrandMetrics.objects.get(brand=brand).queued_from == date(2026, 10, 1)
    refresh_brand_figures(brand.pk)
    assert DailySummary.objects.filter(brand=brand, statement_cost__gt=0).exists()


def test_approving_a_statement_takes_its_reminder_and_count_off_the_pages_at_once(
    client, finance, brand, django_capture_on_commit_callbacks
):
    statement = factories.StatementFactory(
        contract__partnership__influencer__brand=brand,
        contract__status=Contract.Status.SIGNED,
        total=Decimal("500.00"),
    )
    factories.StatementLineFactory(statement=statement)
    reminders.reevaluate(brand.pk, now=NOW)
    assert Reminder.objects.filter(kind="statement_approval", resolved_at=None).count() == 1
    client.force_login(finance)
    before = client.get(reverse("reminders")).content.decode()
    assert "awaits approval" in before
    assert re.search(r'id="reminder-count">Reminders <span[^>]*>1</span>', before)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("contracts:statement_approve", args=[statement.pk]))

    after = client.get(reverse("reminders")).content.decode()
    assert "awaits approval" not in after
    assert 'id="reminder-count">Reminders</a>' in after
    assert Reminder.objects.get(kind="statement_approval").resolved_at is not None


@pytest.mark.postgres
@pytest.mark.redis
def test_a_real_worker_refreshes_what_an_import_changed(broker, start_worker, campaign):
    # The write queues the refresh as production does: on the default queue.
    start_worker(queue=refresh_brand_figures.app.conf.task_default_queue)
    ingest.import_sales_csv(SALES, brand=campaign.brand)  # commits: the refresh is queued

    def refreshed() -> roi.BrandFigures:
        return roi.BrandFigures.load(campaign.brand)

    deadline = time.monotonic() + 60
    while refreshed().refreshed_at == NOW and time.monotonic() < deadline:
        time.sleep(0.2)
    figures = refreshed()
    assert not figures.updating
    assert figures.totals().revenue == Decimal("189.00")


def test_confirming_a_sale_in_the_admin_counts_it_at_once(
    client, brand, campaign, django_capture_on_commit_callbacks
):
    staff = factories.UserFactory(is_staff=True)
    factories.MembershipFactory(user=staff, brand=brand, role="manager")
    sale = factories.SaleFactory(
        tracking_code=campaign.participants.get().codes.get(),
        status="pending",
        net_amount=Decimal("189.00"),
    )
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:campaigns_sale_change", args=[sale.pk]), {"status": "confirmed"}
        )
    assert response.status_code == 302
    assert revenue(brand) == Decimal("189.00")
