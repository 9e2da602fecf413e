"""No user reaches another brand's rows through a page, the admin or the API."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partnerships import tenancy
from partnerships.models import Product
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def product_of_a(brand):
    return factories.ProductFactory(brand=brand, sku="WIG-BW-22", retail_price=Decimal("189.00"))


@pytest.mark.parametrize("url_name", ["product_detail", "product_edit"])
def test_manager_of_other_brand_gets_404_on_product_pages(
    client, other_brand_manager, product_of_a, url_name
):
    client.force_login(other_brand_manager)
    response = client.get(reverse(url_name, args=[product_of_a.pk]))
    assert response.status_code == 404


def test_manager_of_other_brand_cannot_edit_product_by_post(
    client, other_brand_manager, product_of_a
):
    client.force_login(other_brand_manager)
    url = reverse("product_edit", args=[product_of_a.pk])
    response = client.post(
        url,
        {"sku": "HACKED", "name": "x", "currency": "USD", "retail_price": "1", "unit_cost": "1"},
    )
    assert response.status_code == 404
    product_of_a.refresh_from_db()
    assert product_of_a.sku == "WIG-BW-22"


def test_product_list_shows_only_the_current_brand(client, agency_staff, brand, other_brand):
    factories.ProductFactory(brand=brand, name="Body Wave Wig")
    factories.ProductFactory(brand=other_brand, name="Trail Runner")
    client.force_login(agency_staff)
    client.post(reverse("switch_brand"), {"brand": other_brand.pk})
    page = client.get(reverse("product_list")).content.decode()
    assert "Trail Runner" in page
    assert "Body Wave Wig" not in page


def test_a_page_in_the_brand_already_chosen_leaves_the_session_unwritten(
    client, agency_staff, brand, other_brand
):
    client.force_login(agency_staff)
    client.post(reverse("switch_brand"), {"brand": other_brand.pk})
    client.get(reverse("product_list"))
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("product_list"))
    assert page.context["current_brand"] == other_brand
    assert not [q for q in queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]


@pytest.mark.parametrize(
    "admin_url",
    [
        "admin:partnerships_product_change",
        "admin:partnerships_product_delete",
        "admin:partnerships_product_history",
    ],
)
def test_staff_of_other_brand_gets_404_in_admin(
    client, other_brand_manager, product_of_a, admin_url
):
    client.force_login(other_brand_manager)
    response = client.get(reverse(admin_url, args=[product_of_a.pk]))
    assert response.status_code == 404


def test_admin_changelist_lists_only_own_brands_rows(client, other_brand_manager, product_of_a):
    mine = factories.ProductFactory(brand=other_brand_manager.memberships.get().brand)
    client.force_login(other_brand_manager)
    page = client.get(reverse("admin:partnerships_product_changelist")).content.decode()
    assert mine.sku in page
    assert product_of_a.sku not in page
    assert "Lumière" not in page  # not even as a filter choice


def test_admin_add_form_offers_only_own_brands(client, other_brand_manager, brand):
    client.force_login(other_brand_manager)
    response = client.post(
        reverse("admin:partnerships_product_add"),
        {
            "brand": brand.pk,
            "sku": "X-1",
            "name": "Planted",
            "currency": "USD",
            "retail_price": "10.00",
            "unit_cost": "1.00",
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Product.objects.filter(sku="X-1").exists()


def test_api_key_of_other_brand_sees_only_its_brand(other_api, product_of_a, other_brand):
    own = factories.ProductFactory(brand=other_brand, sku="KR-TRL-42")
    listed = other_api.get("/api/v1/products/").json()["results"]
    assert [row["sku"] for row in listed] == [own.sku]
    assert other_api.get(f"/api/v1/products/{product_of_a.pk}/").status_code == 404
    patch = other_api.patch(f"/api/v1/products/{product_of_a.pk}/", {"name": "x"}, format="json")
    assert patch.status_code == 404
    assert other_api.delete(f"/api/v1/products/{product_of_a.pk}/").status_code == 404
    assert Product.objects.get(pk=product_of_a.pk).name == product_of_a.name


def test_api_key_of_other_brand_gets_404_for_exchange_rates(other_api, brand):
    rate = factories.ExchangeRateFactory(brand=brand)
    assert other_api.get(f"/api/v1/exchange-rates/{rate.pk}/").status_code == 404
    assert other_api.get("/api/v1/exchange-rates/").json()["count"] == 0


def test_switching_to_a_brand_one_is_not_a_member_of_is_404(client, brand_manager, other_brand):
    client.force_login(brand_manager)
    assert client.post(reverse("switch_brand"), {"brand": other_brand.pk}).status_code == 404
    assert client.post(reverse("switch_brand"), {"brand": "nonsense"}).status_code == 404


def test_get_for_user_raises_404_for_other_brand(brand_manager, other_brand):
    from django.http import Http404

    foreign = factories.ProductFactory(brand=other_brand)
    with pytest.raises(Http404):
        tenancy.get_for_user(Product, brand_manager, foreign.pk)


def test_superuser_sees_every_brand(brand, other_brand):
    admin = factories.UserFactory(username="root", is_superuser=True, is_staff=True)
    assert set(tenancy.brands_of(admin)) == {brand, other_brand}


def test_model_without_brand_path_is_refused():
    from django.contrib.auth.models import Group

    with pytest.raises(TypeError, match="does not say how it belongs to a brand"):
        tenancy.brand_path(Group)


def test_row_owned_through_its_parent_is_scoped(brand_manager, brand, other_brand):
    from contracts.models import Contract

    own = factories.ContractFactory(partnership__influencer__brand=brand)
    factories.ContractFactory(partnership__influencer__brand=other_brand)
    assert list(tenancy.scope(Contract.objects.all(), brand_manager)) == [own]
    assert tenancy.brand_id_of(own) == brand.pk
