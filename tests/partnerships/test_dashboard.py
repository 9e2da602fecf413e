from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from contracts.models import Contract
from partnerships import dashboard
from tests import factories

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
    lines = export.content.decode().splitlines()
    assert lines[0].startswith("sku,name,category")
    assert lines[1:] == ["GWN-1,Ruby Gown,Evening gowns,USD,189.00,121.00,58.40"]


def test_empty_product_list_says_so(client, brand_manager):
    client.force_login(brand_manager)
    assert "No products yet." in client.get(reverse("product_list")).content.decode()
