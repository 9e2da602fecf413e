import importlib
import threading
from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from campaigns import reports, roi, tasks
from campaigns.models import BrandMetrics, ContentLine, DailySummary, SaleLine
from contracts import settlement
from contracts.models import Contract, Statement, StatementLine
from partnerships.celery import app as celery_app
from partnerships.models import Brand
from tests import factories
from tests.downloads import csv_records, records_of
from tests.waiting import until

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)
NOVEMBER = roi.DateRange(date(2026, 11, 1), date(2026, 11, 30))


def _line(statement, kind: str, amount: str) -> StatementLine:
    return StatementLine.objects.create(
        statement=statement, kind=kind, description=kind, amount=Decimal(amount)
    )


def _snapshot(content, day: date, **counters: int):
    return factories.MetricSnapshotFactory(content=content, date=day, **counters)


@pytest.fixture
def campaign(brand):
    """A small campaign, figured by hand below.

    Anna (paid media): a 500.00 flat fee and a 76.00 commission on her November statement, a
    seeding shipment of 2 wigs at 40.00 plus 25.00 shipping, two confirmed sales (900.00 of 2
    wigs; 100.00 of 1 wig with 50.00 refunded), a pending and a refunded sale that do not count,
    and one video. Bea (distribution) has done nothing yet.
    """
    campaign = factories.CampaignFactory(
        brand=brand,
        start=date(2026, 11, 1),
        end=date(2026, 11, 30),
        target_reach=10000,
        target_views=20000,
        target_clicks=500,
        target_conversions=20,
        target_sales=Decimal("1000.00"),
    )
    anna = factories.ParticipantFactory(
        campaign=campaign,
        contract__partnership__influencer__brand=brand,
        contract__partnership__influencer__name="Anna Lace",
    )
    bea = factories.ParticipantFactory(
        campaign=campaign,
        contract__partnership__influencer__brand=brand,
        contract__partnership__influencer__name="Bea Gowns",
        contract__method=Contract.Method.DISTRIBUTION,
    )
    wig = factories.ProductFactory(brand=brand, unit_cost=Decimal("40.00"))
    shipment = factories.ShipmentFactory(
        participant=anna,
        status="shipped",
        requested_on=date(2026, 11, 1),
        shipped_on=date(2026, 11, 3),
        shipping_cost=Decimal("25.00"),
    )
    factories.ShipmentItemFactory(shipment=shipment, product=wig, quantity=2)
    factories.ShipmentFactory(participant=anna, requested_on=date(2026, 11, 20))  # not shipped
    code = factories.TrackingCodeFactory(participant=anna, code="ANNA10")
    big = factories.SaleFactory(
        tracking_code=code, product=wig, quantity=2, net_amount=Decimal("900.00")
    )
    # Ordered on 30 November in UTC, 1 December in the brand's Shanghai time.
    late = factories.SaleFactory(
        tracking_code=code,
        product=wig,
        net_amount=Decimal("100.00"),
        refunded_amount=Decimal("50.00"),
        ordered_at=datetime(2026, 11, 30, 20, 0, tzinfo=UTC),
    )
    factories.SaleFactory(tracking_code=code, product=wig, status="pending")
    factories.SaleFactory(
        tracking_code=code, product=wig, status="refunded", refunded_amount=Decimal("100.00")
    )
    video = factories.ContentItemFactory(participant=anna, status="published")
    _snapshot(
        video,
        date(2026, 11, 10),
        views=10000,
        reach=8000,
        impressions=12000,
        likes=500,
        comments=50,
        shares=30,
        saves=20,
        clicks=300,
        conversions=10,
    )
    _snapshot(
        video,
        date(2026, 11, 12),
        views=16000,
        reach=11000,
        impressions=20000,
        likes=800,
        comments=80,
        shares=40,
        saves=30,
        clicks=400,
        conversions=12,
    )
    statement = factories.StatementFactory(contract=anna.contract)
    _line(statement, "flat_fee", "500.00")
    commission = _line(statement, "commission", "76.00")
    for sale, base in ((big, "900.00"), (late, "50.00")):
        SaleLine.objects.create(sale=sale, line=commission, base=Decimal(base))
    return SimpleNamespace(campaign=campaign, anna=anna, bea=bea, video=video, brand=brand)


def test_campaign_figures_add_up_statements_seeding_and_sales_by_hand(campaign):
    roi.refresh(campaign.brand, now=NOW)
    figures = roi.BrandFigures.load(campaign.brand).totals(campaign=campaign.campaign)

    assert figures.statement_cost == Decimal("576.00")  # 500.00 + 76.00
    assert figures.seeding_cost == Decimal("105.00")  # 2 × 40.00 + 25.00
    assert figures.cost == Decimal("681.00")
    assert figures.revenue == Decimal("950.00")  # 900.00 + (100.00 − 50.00)
    assert figures.cogs == Decimal("120.00")  # 3 wigs × 40.00
    assert figures.gross_profit == Decimal("830.00")
    assert figures.roi == (Decimal("830.00") - Decimal("681.00")) / Decimal("681.00")
    assert round(figures.roi, 4) == Decimal("0.2188")
    assert round(figures.roas, 4) == Decimal("1.3950")  # 950 / 681
    assert figures.orders == 2
    assert (figures.views, figures.reach, figures.impressions) == (16000, 11000, 20000)
    assert figures.engagement == 950  # 800 + 80 + 40 + 30
    assert figures.engagement_rate == Decimal("0.059375")  # 950 / 16000
    assert figures.cpm == Decimal("34.05")  # 681 / 20000 × 1000
    assert figures.cpv == Decimal("0.0425625")  # 681 / 16000
    assert round(figures.cpe, 6) == Decimal("0.716842")  # 681 / 950
    assert figures.cpa == Decimal("56.75")  # 681 / 12
    assert figures.conversion_rate == Decimal("0.03")  # 12 / 400
    assert figures.unconverted == ()


def test_each_day_holds_what_it_added(campaign):
    roi.refresh(campaign.brand, now=NOW)
    reader = roi.BrandFigures.load(campaign.brand)
    by_day = reader.breakdown("day", campaign=campaign.campaign)

    assert by_day[date(2026, 11, 1)].statement_cost == Decimal("576.00")  # the period's start
    assert by_day[date(2026, 11, 3)].seeding_cost == Decimal("105.00")  # the day it shipped
    assert by_day[date(2026, 11, 5)].revenue == Decimal("900.00")
    assert by_day[date(2026, 12, 1)].revenue == Decimal("50.00")  # Shanghai date of the order
    assert by_day[date(2026, 11, 10)].views == 10000
    assert by_day[date(2026, 11, 12)].views == 6000  # 16000 − 10000
    assert by_day[date(2026, 11, 12)].likes == 300
    assert reader.totals(NOVEMBER, campaign=campaign.campaign).revenue == Decimal("900.00")


def test_a_participant_without_cost_has_undefined_ratios(campaign):
    roi.refresh(campaign.brand, now=NOW)
    bea = roi.BrandFigures.load(campaign.brand).totals(participant=campaign.bea)

    assert bea.cost == Decimal(0)
    for name in ("roi", "roas", "cpm", "cpv", "cpe", "cpa", "engagement_rate", "conversion_rate"):
        assert getattr(bea, name) is None, name
    assert bea.emv is None


def test_ratios_are_undefined_when_their_denominator_is_not_positive():
    figures = roi.Figures("USD", revenue=Decimal("10.00"), clicks=0, conversions=3)
    assert figures.roi is None
    assert figures.conversion_rate is None
    refunded = roi.Figures("USD", statement_cost=Decimal("-20.00"), revenue=Decimal("5.00"))
    assert refunded.roi is None
    assert refunded.roas is None
    assert roi.ratio(1, 4) == Decimal("0.25")


def test_emv_uses_the_brands_reference_cpm(campaign):
    BrandMetrics.objects.create(brand=campaign.brand, reference_cpm=Decimal("12.50"))
    roi.refresh(campaign.brand, now=NOW)
    figures = roi.BrandFigures.load(campaign.brand).totals(campaign=campaign.campaign)
    assert figures.emv == Decimal("250.00")  # 20000 impressions × 12.50 / 1000
    assert roi.EMV_FORMULA == "EMV = impressions × reference CPM ÷ 1,000"


def test_targets_are_compared_with_what_happened(campaign):
    roi.refresh(campaign.brand, now=NOW)
    report = reports.campaign_report(campaign.campaign, today=date(2026, 12, 2))

    progress = {target.name: target for target in report.targets}
    assert set(progress) == {"reach", "views", "clicks", "conversions", "sales"}  # no engagements
    assert progress["reach"].percent == Decimal("1.1")  # 11000 / 10000
    assert progress["views"].percent == Decimal("0.8")  # 16000 / 20000
    assert progress["clicks"].percent == Decimal("0.8")  # 400 / 500
    assert progress["conversions"].percent == Decimal("0.6")  # 12 / 20
    assert progress["sales"].percent == Decimal("0.95")  # 950.00 / 1000.00


def test_a_zero_target_or_one_in_another_currency_without_a_rate_shows_no_percentage(brand):
    campaign = factories.CampaignFactory(
        brand=brand, target_views=0, target_sales=Decimal("800.00"), currency="EUR"
    )
    report = reports.campaign_report(campaign, today=date(2026, 12, 2))
    views, sales = report.targets
    assert views.percent is None
    assert sales.percent is None
    assert sales.problem == "No EUR→USD exchange rate on 2026-11-01."

    factories.ExchangeRateFactory(
        brand=brand,
        date=campaign.start,
        from_currency="EUR",
        to_currency="USD",
        rate=Decimal("1.10"),
    )
    sales = reports.campaign_report(campaign, today=date(2026, 12, 2)).targets[1]
    assert sales.target == Decimal("880.00")


def test_participants_sort_by_roi_with_undefined_last(campaign):
    roi.refresh(campaign.brand, now=NOW)
    third = factories.ParticipantFactory(
        campaign=campaign.campaign,
        contract__partnership__influencer__brand=campaign.brand,
        contract__partnership__influencer__name="Cara Curls",
    )
    statement = factories.StatementFactory(contract=third.contract)
    _line(statement, "flat_fee", "100.00")  # cost and no sales: ROI −100%
    roi.refresh(campaign.brand, now=NOW)

    def names(sort: str) -> list[str]:
        report = reports.campaign_report(campaign.campaign, today=date(2026, 12, 2), sort=sort)
        return [row.label for row in report.participants]

    assert names("-roi") == ["Anna Lace", "Cara Curls", "Bea Gowns"]
    assert names("roi") == ["Cara Curls", "Anna Lace", "Bea Gowns"]
    assert names("name") == ["Anna Lace", "Bea Gowns", "Cara Curls"]


def test_a_line_priced_on_sales_is_shared_by_their_participants(brand):
    contract = factories.ContractFactory(partnership__influencer__brand=brand)
    first = factories.TrackingCodeFactory(participant__contract=contract)
    second = factories.TrackingCodeFactory(participant__contract=contract)
    statement = factories.StatementFactory(contract=contract)
    commission = _line(statement, "commission", "10.00")
    for code, base in ((first, "100.00"), (second, "200.00")):
        sale = factories.SaleFactory(tracking_code=code, net_amount=Decimal(base))
        SaleLine.objects.create(sale=sale, line=commission, base=Decimal(base))

    roi.refresh(brand, now=NOW)
    reader = roi.BrandFigures.load(brand)
    costs = reader.breakdown("participant")
    assert costs[first.participant_id].statement_cost == Decimal("3.33")
    assert costs[second.participant_id].statement_cost == Decimal("6.67")  # the remainder
    assert reader.totals(contract=contract).statement_cost == Decimal("10.00")


def test_a_line_priced_on_content_counts_for_that_item(campaign):
    statement = factories.StatementFactory(
        contract=campaign.anna.contract, period_start=date(2026, 12, 1), period_end=date(2027, 1, 1)
    )
    cpm = _line(statement, "cpm", "128.00")
    ContentLine.objects.create(content=campaign.video, line=cpm, quantity=Decimal("16000"))

    roi.refresh(campaign.brand, now=NOW)
    video = roi.BrandFigures.load(campaign.brand).totals(content=campaign.video)
    assert video.statement_cost == Decimal("128.00")
    assert video.views == 16000
    assert video.cpv == Decimal("0.008")
    assert video.revenue == Decimal(0)  # sales are attributed to participants, not items


def test_other_lines_are_shared_by_the_contracts_campaigns_in_the_period(brand):
    contract = factories.ContractFactory(partnership__influencer__brand=brand)
    november = factories.ParticipantFactory(contract=contract)
    factories.ParticipantFactory(
        contract=contract,
        campaign__start=date(2027, 2, 1),
        campaign__end=date(2027, 2, 28),
    )
    statement = factories.StatementFactory(contract=contract)
    _line(statement, "flat_fee", "300.00")
    _line(statement, "carried_forward", "-40.00")  # counted on the statement it came from
    lonely = factories.ContractFactory(partnership__influencer__brand=brand)
    _line(factories.StatementFactory(contract=lonely), "flat_fee", "70.00")

    roi.refresh(brand, now=NOW)
    reader = roi.BrandFigures.load(brand)
    by_participant = reader.breakdown("participant")
    assert by_participant[november.pk].statement_cost == Decimal("300.00")
    assert by_participant[None].statement_cost == Decimal("70.00")  # in no campaign
    assert reader.totals(influencer=lonely.partnership.influencer).cost == Decimal("70.00")


def test_amounts_are_converted_by_the_rate_of_their_day_or_reported_apart(brand):
    contract = factories.ContractFactory(partnership__influencer__brand=brand, currency="EUR")
    participant = factories.ParticipantFactory(contract=contract)
    _line(factories.StatementFactory(contract=contract), "flat_fee", "200.00")
    december = factories.StatementFactory(
        contract=contract, period_start=date(2026, 12, 1), period_end=date(2027, 1, 1)
    )
    _line(december, "flat_fee", "200.00")
    factories.ExchangeRateFactory(
        brand=brand, date=date(2026, 11, 1), from_currency="EUR", to_currency="USD", rate="1.1"
    )
    # Only the opposite pair on 1 December: its inverse converts.
    factories.ExchangeRateFactory(
        brand=brand, date=date(2026, 12, 1), from_currency="USD", to_currency="EUR", rate="0.8"
    )
    code = factories.TrackingCodeFactory(participant=participant)
    factories.SaleFactory(tracking_code=code, currency="CNY", net_amount=Decimal("700.00"))

    roi.refresh(brand, now=NOW)
    figures = roi.BrandFigures.load(brand).totals(participant=participant)
    assert figures.statement_cost == Decimal("470.00")  # 200 × 1.1 + 200 ÷ 0.8
    assert figures.revenue == Decimal(0)
    assert figures.orders == 1
    assert figures.unconverted == (
        roi.Unconverted("CNY", Decimal(0), Decimal("700.00"), Decimal(0)),
    )


def _rows() -> list[tuple]:
    fields = [f.name for f in DailySummary._meta.fields if f.name != "id"]
    return sorted(DailySummary.objects.values_list(*fields))


def test_refresh_twice_gives_the_same_summaries(campaign):
    written = roi.refresh(campaign.brand, now=NOW)
    first = _rows()
    assert roi.refresh(campaign.brand, now=NOW) == written
    assert _rows() == first
    roi.refresh(campaign.brand, now=NOW, since=date(2026, 11, 11))
    assert _rows() == first
    assert BrandMetrics.objects.get(brand=campaign.brand).refreshed_from == date(2026, 11, 11)


@pytest.fixture
def accruing(brand):
    """A monthly contract from 1 Oct (10% commission, 2.00 per order, a 500.00 fee due 15 Nov)
    in a campaign, with sales on 5 and 20 Oct, October settled and approved on 2 Nov, and a
    sale on 5 Nov: November accrues."""
    contract = factories.ContractFactory(
        partnership__influencer__brand=brand, status=Contract.Status.ACTIVE, start=date(2026, 10, 1)
    )
    factories.CompensationTermFactory(contract=contract, kind="commission", rate=Decimal("0.10"))
    factories.CompensationTermFactory(contract=contract, kind="cpa", amount=Decimal("2.00"))
    factories.CompensationTermFactory(
        contract=contract, kind="flat_fee", amount=Decimal("500.00"), due_date=date(2026, 11, 15)
    )
    participant = factories.ParticipantFactory(
        contract=contract,
        campaign__brand=brand,
        campaign__start=date(2026, 10, 1),
        campaign__end=date(2026, 12, 31),
    )
    code = factories.TrackingCodeFactory(participant=participant, code="ANNA10")
    for day in (date(2026, 10, 5), date(2026, 10, 20)):
        _sale_on(code, day)
    settlement.settle_due(
        now=datetime(2026, 11, 2, 6, tzinfo=UTC), as_of=date(2026, 11, 2), contract=contract
    )
    Statement.objects.update(status=Statement.Status.APPROVED)
    _sale_on(code, date(2026, 11, 5))
    return code


def _sale_on(code, day: date, amount: str = "100.00"):
    at = datetime.combine(day, datetime.min.time(), UTC).replace(hour=12)
    return factories.SaleFactory(tracking_code=code, ordered_at=at, net_amount=Decimal(amount))


def test_a_refresh_from_a_day_leaves_the_summaries_a_full_refresh_makes(accruing):
    brand = accruing.brand
    roi.refresh(brand, now=datetime(2026, 11, 10, 12, tzinfo=UTC))
    for amount in ("40.00", "60.00"):
        _sale_on(accruing, date(2026, 11, 12), amount)

    later = datetime(2026, 11, 16, 12, tzinfo=UTC)  # the fee has come due meanwhile
    roi.refresh(brand, now=later, since=date(2026, 11, 12))
    from_the_day = _rows()
    roi.refresh(brand, now=later)

    assert from_the_day == _rows()
    figures = roi.BrandFigures.load(brand).totals(NOVEMBER)
    # 10% of 200.00 and 3 orders at 2.00, and the fee.
    assert (figures.revenue, figures.accrued_cost) == (Decimal("200.00"), Decimal("526.00"))


def test_a_refresh_from_a_day_asks_as_many_queries_however_many_days_and_sales(accruing):
    brand = accruing.brand
    now = datetime(2026, 11, 30, 12, tzinfo=UTC)
    roi.refresh(brand, now=now)

    def queries_refreshing_after(days: int, sales_a_day: int) -> int:
        for day in range(days):
            for _ in range(sales_a_day):
                _sale_on(accruing, date(2026, 11, 10 + day))
        with CaptureQueriesContext(connection) as queries:
            roi.refresh(brand, now=now, since=date(2026, 11, 10))
        return len(queries)

    assert queries_refreshing_after(1, 1) == queries_refreshing_after(12, 5)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_refreshes_at_once_leave_the_same_summaries(campaign):
    roi.refresh(campaign.brand, now=NOW)
    expected = _rows()
    DailySummary.objects.all().delete()
    failures = []

    def run() -> None:
        try:
            roi.refresh(campaign.brand, now=NOW)
        except Exception as error:  # reported below; a thread's exception is otherwise lost
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert _rows() == expected


def test_refresh_keeps_brands_apart(campaign, other_brand):
    other = factories.ParticipantFactory(contract__partnership__influencer__brand=other_brand)
    _line(factories.StatementFactory(contract=other.contract), "flat_fee", "999.00")
    roi.refresh(campaign.brand, now=NOW)
    assert not DailySummary.objects.filter(brand=other_brand).exists()
    roi.refresh(other_brand, now=NOW)
    mine = roi.BrandFigures.load(campaign.brand).totals()
    theirs = roi.BrandFigures.load(other_brand).totals()
    assert (mine.statement_cost, theirs.statement_cost) == (Decimal("576.00"), Decimal("999.00"))


def test_the_command_and_the_task_refresh_every_brand_or_one(campaign, other_brand):
    call_command("refresh_metrics", "--brand", campaign.brand.slug, "--since", "2026-11-01")
    assert DailySummary.objects.filter(brand=campaign.brand).exists()
    assert not BrandMetrics.objects.filter(brand=other_brand).exists()
    assert tasks.refresh_metrics.delay().get() == Brand.objects.count()  # one task per brand
    assert BrandMetrics.objects.get(brand=other_brand).refreshed_at is not None


def test_the_nightly_schedule_is_installed():
    # Called again, since a transactional test elsewhere may have emptied the table.
    schedule = importlib.import_module("campaigns.migrations.0003_daily_metrics_schedule")
    schedule.install_schedule(django_apps, None)
    schedule.install_schedule(django_apps, None)

    task = PeriodicTask.objects.get(task="campaigns.tasks.refresh_metrics")
    assert task.enabled
    assert (task.crontab.hour, task.crontab.minute) == ("4", "30")


def test_shares_add_up_to_the_amount():
    assert roi.split(Decimal("100.00"), [Decimal(1)] * 3, "USD") == [
        Decimal("33.33"),
        Decimal("33.33"),
        Decimal("33.34"),
    ]
    assert roi.split(Decimal("1000"), [Decimal(1), Decimal(2)], "JPY") == [
        Decimal("333"),
        Decimal("667"),
    ]


@pytest.mark.postgres
@pytest.mark.redis
def test_a_real_worker_runs_the_nightly_refresh_one_task_per_brand(worker, campaign, other_brand):
    celery_app.send_task("campaigns.tasks.refresh_metrics", queue=worker)

    refreshed = BrandMetrics.objects.exclude(refreshed_at=None)
    until(lambda: refreshed.count() == 2, what="the refresh of both brands")
    assert DailySummary.objects.filter(brand=campaign.brand).count() > 0
    figures = roi.BrandFigures.load(campaign.brand).totals(campaign=campaign.campaign)
    assert (figures.cost, figures.revenue) == (Decimal("681.00"), Decimal("950.00"))


# --- Pages and reports ----------------------------------------------------------------------


def test_influencer_page_shows_each_contracts_figures(client, brand_manager, campaign):
    roi.refresh(campaign.brand, now=NOW)
    anna = campaign.anna.contract.partnership.influencer
    client.force_login(brand_manager)

    response = client.get(reverse("influencers:detail", args=[anna.pk]))

    (row,) = response.context["performance"].rows
    assert row.figures == roi.BrandFigures.load(campaign.brand).totals(
        contract=campaign.anna.contract
    )
    table = response.content.decode().split('id="contract-performance"')[1].split("</table>")[0]
    assert "681.00" in table
    assert "950.00" in table
    assert "21.9%" in table  # (830 − 681) / 681


def test_campaign_report_exports_every_participant_and_the_total(campaign):
    roi.refresh(campaign.brand, now=NOW)
    report = reports.campaign_report(campaign.campaign, today=date(2026, 12, 2))

    rows = records_of(reports.campaign_report_rows(report))
    assert [row["influencer"] for row in rows] == ["Anna Lace", "Bea Gowns", "All participants"]
    anna, bea, total = rows
    assert (anna["cost"], anna["seeding_cost"], anna["revenue"]) == ("681.00", "105.00", "950.00")
    assert (anna["roi"], anna["roas"], anna["cpa"]) == ("0.2188", "1.3950", "56.7500")
    assert (anna["method"], anna["views"], anna["engagement"]) == (
        "Paid self-media",
        "16000",
        "950",
    )
    assert (bea["roi"], bea["cpm"], bea["cost"]) == ("", "", "0.00")
    assert total["cost"] == "681.00"


def test_the_chart_covers_the_campaign_window_and_ends_at_the_totals(campaign):
    # Sales through the campaign's code before it began, or after its attribution window,
    # are not its doing; the chart runs from its start to today (inside the window) and its
    # ROI to date ends where the totals' ROI is.
    for day in (datetime(2026, 10, 20, 4, 0, tzinfo=UTC), datetime(2027, 1, 2, 4, 0, tzinfo=UTC)):
        factories.SaleFactory(
            tracking_code=campaign.anna.codes.get(), net_amount=Decimal("300.00"), ordered_at=day
        )
    roi.refresh(campaign.brand, now=NOW)

    report = reports.campaign_report(campaign.campaign, today=date(2026, 12, 2))
    assert (report.points[0].label, report.points[-1].label) == ("01 Nov", "02 Dec")
    assert len(report.points) == 32  # every day drawn, figures or not
    assert report.totals.revenue == Decimal("950.00")
    assert report.points[-1].roi_to_date == report.totals.roi

    later = reports.campaign_report(campaign.campaign, today=date(2027, 3, 1))
    assert (later.dates.first, later.dates.last) == (date(2026, 11, 1), date(2026, 12, 30))
    assert later.totals.revenue == Decimal("950.00")


def test_a_longer_window_or_a_chosen_range_counts_what_falls_in_it(campaign):
    factories.SaleFactory(
        tracking_code=campaign.anna.codes.get(),
        net_amount=Decimal("300.00"),
        ordered_at=datetime(2027, 1, 2, 4, 0, tzinfo=UTC),
    )
    roi.refresh(campaign.brand, now=NOW)
    campaign.campaign.attribution_days = 40
    today = date(2027, 3, 1)

    whole = reports.campaign_report(campaign.campaign, today=today)
    assert whole.totals.revenue == Decimal("1250.00")
    january = roi.DateRange(date(2027, 1, 1), date(2027, 1, 31))
    chosen = reports.campaign_report(campaign.campaign, today=today, dates=january)
    assert chosen.totals.revenue == Decimal("300.00")
    assert chosen.range_query == "&from=2027-01-01&to=2027-01-31"


def test_the_campaign_page_counts_the_chosen_days(client, brand_manager, campaign):
    roi.refresh(campaign.brand, now=NOW)
    client.force_login(brand_manager)
    url = reverse("campaigns:detail", args=[campaign.campaign.pk])

    whole = client.get(url).content.decode()
    assert "its dates and 30-day attribution window" in whole
    page = client.get(url, {"from": "2026-11-06", "to": "2026-11-30"})
    assert page.context["performance"].totals.revenue == 0
    assert "6 Nov 2026 – 30 Nov 2026" in page.content.decode()
    wrong = client.get(url, {"from": "2026-11-30", "to": "2026-11-01"}).content.decode()
    assert "The last day cannot come before the first." in wrong


def test_campaign_report_queries_do_not_grow_with_participants_or_days(campaign):
    def queries() -> int:
        roi.refresh(campaign.brand, now=NOW)
        with CaptureQueriesContext(connection) as captured:
            reports.campaign_report(campaign.campaign, today=date(2027, 3, 1))
        return len(captured)

    few = queries()
    for _ in range(6):
        participant = factories.ParticipantFactory(
            campaign=campaign.campaign, contract__partnership__influencer__brand=campaign.brand
        )
        code = factories.TrackingCodeFactory(participant=participant)
        for day in (3, 9, 27):
            factories.SaleFactory(
                tracking_code=code, ordered_at=datetime(2026, 11, day, 9, 0, tzinfo=UTC)
            )
        _line(factories.StatementFactory(contract=participant.contract), "flat_fee", "10.00")
    assert queries() == few


def test_campaign_page_shows_the_summaries(client, brand_manager, campaign):
    roi.refresh(campaign.brand, now=NOW)
    client.force_login(brand_manager)

    response = client.get(reverse("campaigns:detail", args=[campaign.campaign.pk]))

    report = response.context["performance"]
    assert report.totals == roi.BrandFigures.load(campaign.brand).totals(campaign=campaign.campaign)
    section = response.content.decode().split('id="performance"')[1].split("</section>")[0]
    for shown in ("681.00", "950.00", "830.00", "21.9%", "1.40×", "56.75", "95.0%"):
        assert shown in section, shown
    table = section.split('id="participant-performance"')[1]
    assert table.index("Anna Lace") < table.index("Bea Gowns")
    assert "performance-charts" in section


def test_participants_sort_in_place(client, brand_manager, campaign):
    roi.refresh(campaign.brand, now=NOW)
    client.force_login(brand_manager)
    url = reverse("campaigns:performance", args=[campaign.campaign.pk])

    section = client.get(url, {"sort": "name"}, HTTP_HX_REQUEST="true")

    assert section.context["performance"].sort == "name"
    assert section.content.decode().lstrip().startswith('<section id="performance"')
    page = client.get(url, {"sort": "roi"})
    assert page.status_code == 302
    assert (
        page.url
        == reverse("campaigns:detail", args=[campaign.campaign.pk]) + "?sort=roi#performance"
    )


def test_campaign_report_downloads_as_csv(client, brand_manager, campaign):
    roi.refresh(campaign.brand, now=NOW)
    client.force_login(brand_manager)

    response = client.get(reverse("campaigns:report_csv", args=[campaign.campaign.pk]))

    rows = csv_records(response)
    assert [(row["influencer"], row["cost"]) for row in rows] == [
        ("Anna Lace", "681.00"),
        ("Bea Gowns", "0.00"),
        ("All participants", "681.00"),
    ]


def test_performance_table_shows_the_first_rows_and_the_csv_has_them_all(
    client, brand_manager, campaign
):
    for n in range(25):
        factories.ParticipantFactory(
            campaign=campaign.campaign,
            contract__partnership__influencer__brand=campaign.brand,
            contract__partnership__influencer__name=f"Creator {n:02}",
        )
    roi.refresh(campaign.brand, now=NOW)
    client.force_login(brand_manager)
    url = reverse("campaigns:performance", args=[campaign.campaign.pk])

    section = client.get(url, {"sort": "name"}, HTTP_HX_REQUEST="true").content.decode()

    table = section.split('id="participant-performance"')[1].split("</table>")[0]
    assert table.count("<tr data-participant=") == 25
    assert "Anna Lace" in table
    assert "Creator 22" in table
    assert "Creator 23" not in table  # 27 by name: Anna, Bea, Creator 00…22 are shown
    assert "The first 25 of 27 participants in this order" in section
    csv_url = reverse("campaigns:report_csv", args=[campaign.campaign.pk])
    assert f'href="{csv_url}?sort=name">the campaign report (CSV)</a> has them all' in section
    rows = csv_records(client.get(csv_url))
    assert len(rows) == 28  # every participant and the whole campaign


@pytest.mark.parametrize("url_name", ["campaigns:performance", "campaigns:report_csv"])
def test_another_brands_campaign_figures_are_not_found(
    client, other_brand_manager, campaign, url_name
):
    roi.refresh(campaign.brand, now=NOW)
    client.force_login(other_brand_manager)
    url = reverse(url_name, args=[campaign.campaign.pk])
    assert client.get(url, HTTP_HX_REQUEST="true").status_code == 404


def test_performance_section_queries_do_not_grow_with_rows(client, brand_manager, campaign):
    client.force_login(brand_manager)
    url = reverse("campaigns:performance", args=[campaign.campaign.pk])

    def queries() -> int:
        roi.refresh(campaign.brand, now=NOW)
        client.get(url, HTTP_HX_REQUEST="true")  # the first visit stores the current brand
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, HTTP_HX_REQUEST="true").status_code == 200
        return len(captured)

    few = queries()
    for _ in range(5):
        participant = factories.ParticipantFactory(
            campaign=campaign.campaign, contract__partnership__influencer__brand=campaign.brand
        )
        factories.SaleFactory(tracking_code__participant=participant)
        _line(factories.StatementFactory(contract=participant.contract), "flat_fee", "10.00")
    assert queries() == few


def test_admin_lists_only_the_users_brands_summaries(
    client, brand_owner, other_brand_manager, campaign
):
    written = roi.refresh(campaign.brand, now=NOW)
    url = reverse("admin:campaigns_dailysummary_changelist")
    client.force_login(brand_owner)
    assert client.get(url).context["cl"].result_count == written
    client.force_login(other_brand_manager)
    assert client.get(url).context["cl"].result_count == 0


def test_admin_sets_the_reference_cpm_and_refreshes_now(client, brand_owner, campaign):
    client.force_login(brand_owner)
    add = reverse("admin:campaigns_brandmetrics_add")
    response = client.post(add, {"brand": campaign.brand.pk, "reference_cpm": "12.50"})
    assert response.status_code == 302
    state = BrandMetrics.objects.get(brand=campaign.brand)
    assert state.reference_cpm == Decimal("12.50")

    client.post(
        reverse("admin:campaigns_brandmetrics_changelist"),
        {"action": "refresh_now", "_selected_action": [state.pk]},
    )
    figures = roi.BrandFigures.load(campaign.brand).totals(campaign=campaign.campaign)
    assert figures.emv == Decimal("250.00")
