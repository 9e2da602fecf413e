from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from campaigns import roi
from campaigns.models import BrandMetrics, DailySummary
from contracts.models import Contract
from partnerships.workspace import dashboard
from partnerships.workspace.forms import DashboardRangeForm
from tests import factories
from tests.downloads import csv_records, csv_text

pytestmark = pytest.mark.django_db


def test_figures_count_only_this_brands_rows(brand, other_brand):
    today = date(2026, 11, 23)
    for target in (brand, other_brand):
        factories.InfluencerFactory.create_batch(3, brand=target)
        factories.ProductFactory.create_batch(2, brand=target)
    factories.ContractFactory(partnership__influencer__brand=brand)
    factories.ContractFactory(partnership__influencer__brand=brand, status=Contract.Status.DRAFT)
    factories.ContractFactory(partnership__influencer__brand=other_brand)
    factories.CampaignFactory(brand=brand, start=today, end=today)  # running today
    factories.CampaignFactory(brand=brand, start=today + timedelta(1), end=today + timedelta(9))
    factories.CampaignFactory(brand=brand, start=date(2026, 1, 1), end=today - timedelta(1))
    factories.CampaignFactory(brand=other_brand, start=today, end=today)

    figures = dashboard.figures(brand, today)

    # 3 influencers made here plus the 2 the brand's contracts brought
    assert figures == dashboard.Figures(
        influencers=5, active_contracts=1, running_campaigns=1, products=2
    )


def test_dashboard_page_shows_the_current_brands_figures(client, brand_manager, brand):
    factories.ProductFactory.create_batch(4, brand=brand)
    today = timezone.localdate(timezone=brand.timezone)
    factories.CampaignFactory(brand=brand, start=today, end=today)
    client.force_login(brand_manager)
    response = client.get(reverse("dashboard"))
    assert response.context["figures"].products == 4
    assert response.context["figures"].running_campaigns == 1
    assert escape(brand.name) in response.content.decode()


def test_brand_switcher_changes_the_dashboard(client, agency_staff, brand, other_brand):
    factories.ProductFactory.create_batch(3, brand=other_brand)
    client.force_login(agency_staff)
    response = client.post(
        reverse("switch_brand"), {"brand": other_brand.pk, "next": reverse("product_list")}
    )
    assert response.url == reverse("product_list")
    assert client.get(reverse("dashboard")).context["figures"].products == 3
    outside = client.post(
        reverse("switch_brand"), {"brand": brand.pk, "next": "https://evil.test/"}
    )
    assert outside.url == reverse("dashboard")


def _queries(client, url: str) -> int:
    client.get(url)  # the first visit stores the current brand in the session
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("url_name", ["dashboard", "product_list"])
def test_page_queries_do_not_grow_with_rows(client, brand_manager, brand, url_name):
    client.force_login(brand_manager)
    factories.ProductFactory.create_batch(5, brand=brand)
    factories.InfluencerFactory.create_batch(5, brand=brand)
    few = _queries(client, reverse(url_name))
    factories.ProductFactory.create_batch(45, brand=brand)
    factories.InfluencerFactory.create_batch(45, brand=brand)
    assert _queries(client, reverse(url_name)) == few


def test_product_list_filters_paginates_and_exports(client, brand_manager, brand):
    factories.ProductFactory(brand=brand, sku="GWN-1", name="Ruby Gown", category="Evening gowns")
    factories.ProductFactory.create_batch(30, brand=brand, category="Wigs")
    client.force_login(brand_manager)
    gowns = client.get(reverse("product_list"), {"category": "Evening gowns"})
    assert [p.sku for p in gowns.context["page"].object_list] == ["GWN-1"]
    assert client.get(reverse("product_list"), {"q": "ruby"}).context["page"].paginator.count == 1
    second = client.get(reverse("product_list"), {"page": 2})
    assert len(second.context["page"].object_list) == 31 - 25
    export = client.get(reverse("product_list"), {"q": "ruby", "export": "csv"})
    lines = csv_text(export).splitlines()
    assert lines[0].startswith("sku,name,category")
    assert lines[1:] == ["GWN-1,Ruby Gown,Evening gowns,USD,189.00,121.00,58.40"]


def test_empty_product_list_says_so(client, brand_manager):
    client.force_login(brand_manager)
    assert "No products yet." in client.get(reverse("product_list")).content.decode()


# --- Spend and return -----------------------------------------------------------------------

NOVEMBER = {"range": "custom", "from": "2026-11-01", "to": "2026-11-30"}


def _summary(contract, day: date, **values):
    """A daily summary of a contract that is in no campaign."""
    return DailySummary.objects.create(
        brand=contract.partnership.brand,
        day=day,
        currency=contract.partnership.brand.default_currency,
        contract=contract,
        influencer=contract.partnership.influencer,
        method=contract.method,
        **{
            name: Decimal(value) if isinstance(value, str) else value
            for name, value in values.items()
        },
    )


def _contract(brand, name: str, method: str = Contract.Method.PAID_MEDIA) -> Contract:
    return factories.ContractFactory(
        partnership__influencer__brand=brand, partnership__influencer__name=name, method=method
    )


@pytest.fixture
def november(brand, other_brand):
    """Hand-figured November: Anna ROI 100%, Bea 0%, Cara −80%, Dan has no cost."""
    day = date(2026, 11, 10)
    anna = _contract(brand, "Anna Lace")
    _summary(anna, date(2026, 11, 1), statement_cost="500.00", views=1000)
    _summary(anna, day, seeding_cost="100.00", revenue="1500.00", cogs="300.00", orders=3)
    _summary(anna, date(2026, 10, 15), statement_cost="1000.00")  # before the range
    bea = _contract(brand, "Bea Gowns", Contract.Method.DISTRIBUTION)
    _summary(bea, day, statement_cost="200.00", revenue="300.00", cogs="100.00")
    cara = _contract(brand, "Cara Curls", Contract.Method.JOINT_BRAND)
    _summary(cara, day, statement_cost="400.00", revenue="100.00", cogs="20.00")
    dan = _contract(brand, "Dan Dunes")
    _summary(dan, day, revenue="50.00")
    _summary(_contract(other_brand, "Olga Other"), day, statement_cost="9999.00")
    BrandMetrics.objects.create(brand=brand, refreshed_at=datetime(2026, 12, 1, 4, 30, tzinfo=UTC))
    return SimpleNamespace(anna=anna, bea=bea, cara=cara, dan=dan)


@pytest.mark.parametrize(
    ("choice", "today", "first", "last"),
    [
        ("month", date(2026, 11, 23), date(2026, 11, 1), date(2026, 11, 30)),
        ("last_month", date(2026, 1, 5), date(2025, 12, 1), date(2025, 12, 31)),
        ("quarter", date(2026, 11, 23), date(2026, 10, 1), date(2026, 12, 31)),
        ("quarter", date(2026, 2, 28), date(2026, 1, 1), date(2026, 3, 31)),
        ("last_30", date(2026, 12, 31), date(2026, 12, 2), date(2026, 12, 31)),
        ("", date(2026, 3, 1), date(2026, 1, 31), date(2026, 3, 1)),
    ],
)
def test_ranges_cover_whole_months_and_quarters(choice, today, first, last):
    assert dashboard.date_range(choice, today) == roi.DateRange(first, last)


def test_a_custom_range_needs_both_days_in_order():
    today = date(2026, 11, 23)
    missing = DashboardRangeForm({"range": "custom", "from": "2026-11-01"})
    assert not missing.is_valid()
    assert missing.errors["to"] == ["Choose the last day."]
    assert missing.dates(today) == roi.DateRange(date(2026, 10, 25), date(2026, 11, 23))
    backwards = DashboardRangeForm({"range": "custom", "from": "2026-11-05", "to": "2026-11-01"})
    assert backwards.errors["to"] == ["The last day cannot come before the first."]
    assert not DashboardRangeForm({"range": "fortnight"}).is_valid()
    chosen = DashboardRangeForm(NOVEMBER).dates(today)
    assert chosen == roi.DateRange(date(2026, 11, 1), date(2026, 11, 30))


def test_overview_adds_up_spend_and_return_by_hand(brand, november):
    overview = dashboard.overview(brand, roi.DateRange(date(2026, 11, 1), date(2026, 11, 30)))

    totals = overview.totals
    assert totals.cost == Decimal("1200.00")  # 600 + 200 + 400
    assert totals.revenue == Decimal("1950.00")
    assert totals.gross_profit == Decimal("1530.00")  # 1950 − 420
    assert totals.roi == Decimal("0.275")  # (1530 − 1200) / 1200
    methods = {row.subject: row.figures for row in overview.methods}
    assert round(methods["paid_media"].roi, 4) == Decimal("1.0833")  # (1250 − 600) / 600
    assert methods["distribution"].roi == Decimal(0)
    assert methods["joint_brand"].roi == Decimal("-0.8")
    assert [row.label for row in overview.top] == ["Anna Lace", "Bea Gowns", "Cara Curls"]
    assert overview.bottom == []  # all three are already among the best five
    assert len(overview.points) == 30
    assert overview.points[0].figures.cost == Decimal("500.00")
    assert overview.points[-1].roi_to_date == totals.roi


def test_best_and_worst_influencers_do_not_repeat(brand):
    day = date(2026, 11, 10)
    for n in range(7):  # ROI of influencer n: (100 × n − 100) / 100
        contract = _contract(brand, f"Creator {n}")
        _summary(contract, day, statement_cost="100.00", revenue=Decimal(100 * n))
    overview = dashboard.overview(brand, roi.DateRange(day, day))
    assert [row.label for row in overview.top] == [f"Creator {n}" for n in (6, 5, 4, 3, 2)]
    assert [row.label for row in overview.bottom] == ["Creator 0", "Creator 1"]


def test_dashboard_page_shows_the_summaries_of_the_range(client, brand_manager, november):
    client.force_login(brand_manager)
    response = client.get(reverse("dashboard"), NOVEMBER)

    overview = response.context["overview"]
    stored = DailySummary.objects.filter(
        brand=brand_manager.memberships.get().brand,
        day__range=(date(2026, 11, 1), date(2026, 11, 30)),
    ).aggregate(cost=Sum("statement_cost") + Sum("seeding_cost"), revenue=Sum("revenue"))
    assert (overview.totals.cost, overview.totals.revenue) == (stored["cost"], stored["revenue"])
    page = response.content.decode()
    assert "1,200.00" in page
    assert "1,950.00" in page
    assert "27.5%" in page
    assert "Figures as of 1 Dec 2026" in page
    assert "9,999.00" not in page  # the other brand's cost
    assert "Olga Other" not in page
    assert 'id="attention"' in page


def test_an_undefined_roi_shows_a_dash(client, brand_manager, brand):
    _summary(_contract(brand, "Dan Dunes"), date(2026, 11, 10), revenue="50.00")
    client.force_login(brand_manager)
    page = client.get(reverse("dashboard"), NOVEMBER).content.decode()
    assert 'data-figure="roi"' in page
    roi_card = page.split('data-figure="roi"')[1].split("</div></div></div>")[0]
    assert "—" in roi_card
    assert "0.0%" not in roi_card
    assert "Figures have not been computed yet" in page


def test_range_changes_swap_only_the_figures_with_htmx(client, brand_manager, november):
    client.force_login(brand_manager)
    response = client.get(reverse("dashboard"), NOVEMBER, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert '<section id="roi"' in page
    assert 'id="figures"' not in page


def test_invalid_range_says_why_and_shows_the_last_30_days(client, brand_manager):
    client.force_login(brand_manager)
    response = client.get(reverse("dashboard"), {"range": "custom", "from": "2026-11-30"})
    assert response.status_code == 200
    assert "Choose the last day." in response.content.decode()
    today = timezone.localdate(timezone=response.context["current_brand"].timezone)
    assert response.context["overview"].dates.first == today - timedelta(days=29)
    assert response.context["overview"].dates.last == today


def test_roi_table_exports_as_csv(client, brand_manager, november):
    client.force_login(brand_manager)
    response = client.get(reverse("dashboard"), {**NOVEMBER, "export": "csv"})
    assert "lumiere-roi-2026-11-01-2026-11-30.csv" in response["Content-Disposition"]
    rows = csv_records(response)
    assert [row["influencer"] for row in rows] == [
        "Anna Lace",
        "Bea Gowns",
        "Cara Curls",
        "Dan Dunes",
    ]
    anna, dan = rows[0], rows[3]
    assert (anna["cost"], anna["revenue"], anna["gross_profit"]) == ("600.00", "1500.00", "1200.00")
    assert (anna["roi"], anna["roas"], anna["orders"]) == ("1.0000", "2.5000", "3")
    assert (anna["from"], anna["to"], anna["currency"]) == ("2026-11-01", "2026-11-30", "USD")
    assert (dan["roi"], dan["cpv"]) == ("", "")


def test_dashboard_queries_do_not_grow_with_summaries(client, brand_manager, brand):
    client.force_login(brand_manager)
    for n in range(3):
        _summary(_contract(brand, f"Creator {n}"), date(2026, 11, 2), statement_cost="10.00")
    few = _queries(client, reverse("dashboard") + "?range=custom&from=2026-11-01&to=2026-11-30")
    for n in range(3, 30):
        contract = _contract(brand, f"Creator {n}", Contract.Method.DISTRIBUTION)
        for day in (1, 5, 9, 20):
            _summary(contract, date(2026, 11, day), statement_cost="10.00", revenue="15.00")
    many = _queries(client, reverse("dashboard") + "?range=custom&from=2026-11-01&to=2026-11-30")
    assert many == few


# --- an empty brand ---------------------------------------------------------------------------


def test_an_empty_brand_shows_what_to_do_first_instead_of_empty_charts(
    client, brand_manager, brand
):
    factories.ProductFactory(brand=brand)
    client.force_login(brand_manager)
    page = client.get(reverse("dashboard")).content.decode()
    assert 'id="getting-started"' in page
    assert '<section id="roi"' not in page
    steps = page.split('id="getting-started"')[1].split("</section>")[0]
    assert steps.count('data-step-done="true"') == 1  # the products
    assert steps.count('data-step-done="false"') == 4
    for url in ("influencers:create", "contracts:create", "campaigns:create", "imports"):
        assert f'href="{reverse(url)}"' in steps
    assert "Import sales" in steps


def test_a_brand_with_figures_shows_its_charts(client, brand_manager, november):
    client.force_login(brand_manager)
    page = client.get(reverse("dashboard")).content.decode()
    assert 'id="getting-started"' not in page
    assert '<section id="roi"' in page
    assert '<option value="last_30" selected>Last 30 days</option>' in page


def test_agency_lands_on_the_demo_brand_with_nothing_yet_and_gets_the_list(client):
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    call_command("seed_demo", force=True)
    client.force_login(get_user_model().objects.get(username="agency"))
    page = client.get(reverse("dashboard")).content.decode()
    assert "Kestrel Running Co." in page
    assert 'id="getting-started"' in page
    client.force_login(get_user_model().objects.get(username="demo"))
    assert 'id="getting-started"' not in client.get(reverse("dashboard")).content.decode()
