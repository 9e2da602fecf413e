"""Owners make, list and revoke API keys on a page; signed-in members use the API with their
session, as "Try it out" on /api/docs/ does."""

import re

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from partnerships.models import BrandAPIKey, Product
from tests import factories

pytestmark = pytest.mark.django_db

PRODUCT = {
    "sku": "WIG-BOB-10",
    "name": "Blunt Bob Wig 10in",
    "category": "Wigs",
    "currency": "USD",
    "retail_price": "89.00",
    "unit_cost": "24.30",
}


def test_owner_makes_a_key_sees_it_once_and_it_works(client, brand_owner, brand):
    client.force_login(brand_owner)
    page = client.post(reverse("api_keys"), {"create": "1", "name": "Shopify orders"})
    assert page.status_code == 200
    key = re.search(r'id="new-key-value">([^<]+)<', page.content.decode()).group(1)
    stored = BrandAPIKey.objects.get()
    assert (stored.brand, stored.name) == (brand, "Shopify orders")
    assert key.startswith(stored.prefix)

    again = client.get(reverse("api_keys")).content.decode()
    assert key not in again  # shown once
    assert f"{stored.prefix}…" in again
    assert "Shopify orders" in again

    shop = APIClient()
    shop.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    assert shop.get("/api/v1/products/").status_code == 200


def test_owner_revokes_a_key_and_calls_with_it_are_refused(client, brand_owner, brand):
    api_key, key = BrandAPIKey.objects.create_key(brand=brand, name="Old shop")
    client.force_login(brand_owner)
    response = client.post(reverse("api_keys"), {"revoke": api_key.prefix})
    assert response.status_code == 302
    api_key.refresh_from_db()
    assert api_key.revoked
    page = client.get(reverse("api_keys")).content.decode()
    assert "Revoked" in page
    shop = APIClient()
    shop.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    assert shop.get("/api/v1/products/").status_code in (401, 403)


def test_a_key_needs_a_name(client, brand_owner):
    client.force_login(brand_owner)
    page = client.post(reverse("api_keys"), {"create": "1", "name": ""}).content.decode()
    assert "This field is required." in page
    assert not BrandAPIKey.objects.exists()


@pytest.mark.parametrize("persona", ["brand_manager", "finance", "viewer"])
def test_only_owners_reach_the_keys_page(client, request, brand, persona):
    BrandAPIKey.objects.create_key(brand=brand, name="Shop")
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("api_keys")).status_code == 403
    assert client.post(reverse("api_keys"), {"create": "1", "name": "Mine"}).status_code == 403
    assert BrandAPIKey.objects.count() == 1
    assert reverse("api_keys") not in client.get(reverse("dashboard")).content.decode()


def test_owner_finds_the_keys_page_in_the_header(client, brand_owner):
    client.force_login(brand_owner)
    assert reverse("api_keys") in client.get(reverse("dashboard")).content.decode()


# --- the API with a session ----------------------------------------------------------------


def _session(user) -> APIClient:
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def _csrf_token(client: APIClient) -> str:
    """The token /api/docs/ sends with "Try it out", from its start-up script."""
    script = client.get(reverse("api_docs"), {"script": ""}).content.decode()
    assert 'request.headers["X-CSRFTOKEN"]' in script
    return client.cookies["csrftoken"].value


@pytest.mark.parametrize("persona", ["brand_owner", "brand_manager", "finance", "viewer"])
def test_every_member_reads_their_brand_with_the_session(request, brand, other_brand, persona):
    own = factories.ProductFactory(brand=brand)
    factories.ProductFactory(brand=other_brand)
    response = _session(request.getfixturevalue(persona)).get("/api/v1/products/")
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [own.pk]


@pytest.mark.parametrize("persona", ["brand_owner", "brand_manager"])
def test_owners_and_managers_write_with_the_session(request, brand, persona):
    client = _session(request.getfixturevalue(persona))
    token = _csrf_token(client)
    response = client.post("/api/v1/products/", PRODUCT, format="json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 201, response.json()
    assert Product.objects.get().brand == brand


@pytest.mark.parametrize("persona", ["finance", "viewer"])
def test_finance_and_viewers_may_not_write_with_the_session(request, brand, persona):
    client = _session(request.getfixturevalue(persona))
    token = _csrf_token(client)
    response = client.post("/api/v1/products/", PRODUCT, format="json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 403
    assert "does not allow this change" in response.json()["detail"]
    assert not Product.objects.exists()


def test_a_session_write_without_the_csrf_token_is_refused(brand_manager):
    response = _session(brand_manager).post("/api/v1/products/", PRODUCT, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not Product.objects.exists()


def test_the_session_acts_for_the_brand_the_member_works_in(agency_staff, brand, other_brand):
    factories.ProductFactory(brand=brand, sku="OWN-1")
    factories.ProductFactory(brand=other_brand, sku="OTHER-1")
    client = _session(agency_staff)
    client.post(
        reverse("switch_brand"), {"brand": other_brand.pk}, HTTP_X_CSRFTOKEN=_csrf_token(client)
    )
    skus = [row["sku"] for row in client.get("/api/v1/products/").json()["results"]]
    assert skus == ["OTHER-1"]


def test_nobody_signed_in_and_no_key_is_refused(brand):
    factories.ProductFactory(brand=brand)
    assert APIClient().get("/api/v1/products/").status_code in (401, 403)
