from decimal import Decimal

import pytest

from partnerships.models import BrandAPIKey, ExchangeRate, Product
from tests import factories

pytestmark = pytest.mark.django_db

PRODUCT = {
    "sku": "GWN-MER-RD",
    "name": "Mermaid Sequin Evening Gown",
    "category": "Evening gowns",
    "currency": "USD",
    "retail_price": "249.00",
    "distributor_price": "159.00",
    "unit_cost": "72.00",
}


def test_product_round_trip(api, brand):
    created = api.post("/api/v1/products/", PRODUCT, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["retail_price"] == "249.00"
    product = Product.objects.get(pk=body["id"])
    assert product.brand == brand
    assert product.unit_cost == Decimal("72.00")
    updated = api.patch(f"/api/v1/products/{product.pk}/", {"unit_cost": "70.50"}, format="json")
    assert updated.json()["unit_cost"] == "70.50"
    assert api.get("/api/v1/products/?category=Evening gowns").json()["count"] == 1


def test_bad_product_payload_lists_every_error_and_writes_nothing(api, brand):
    factories.ProductFactory(brand=brand, sku="GWN-MER-RD")
    bad = {**PRODUCT, "retail_price": "abc", "currency": "XXX"}
    response = api.post("/api/v1/products/", bad, format="json")
    assert response.status_code == 400
    errors = {(e["field"], e["index"]) for e in response.json()["errors"]}
    assert errors == {("retail_price", None), ("currency", None)}
    duplicate = api.post("/api/v1/products/", PRODUCT, format="json")
    assert duplicate.status_code == 400
    assert duplicate.json()["errors"][0]["field"] == "non_field_errors"
    assert "SKU already exists" in duplicate.json()["errors"][0]["message"]
    assert Product.objects.count() == 1


def test_same_sku_in_two_brands_is_fine(api, other_brand):
    factories.ProductFactory(brand=other_brand, sku=PRODUCT["sku"])
    assert api.post("/api/v1/products/", PRODUCT, format="json").status_code == 201


def test_exchange_rate_round_trip_and_validation(api, brand):
    rate = {
        "date": "2026-11-02",
        "from_currency": "CNY",
        "to_currency": "USD",
        "rate": "0.13900000",
    }
    assert api.post("/api/v1/exchange-rates/", rate, format="json").status_code == 201
    assert ExchangeRate.objects.get().brand == brand
    same_pair = {**rate, "to_currency": "CNY", "rate": "0"}
    errors = api.post("/api/v1/exchange-rates/", same_pair, format="json").json()["errors"]
    assert {e["field"] for e in errors} == {"to_currency", "rate"}
    listed = api.get("/api/v1/exchange-rates/?date=2026-11-02&from_currency=CNY").json()
    assert [row["rate"] for row in listed["results"]] == ["0.13900000"]
    assert api.get("/api/v1/exchange-rates/?date=not-a-date").status_code == 400


def test_requests_without_a_valid_key_are_refused(client, brand):
    assert client.get("/api/v1/products/").status_code == 401
    bad = client.get("/api/v1/products/", HTTP_AUTHORIZATION="Api-Key nope.nope")
    assert bad.status_code == 401


def test_revoked_key_stops_working(brand):
    from rest_framework.test import APIClient

    api_key, key = BrandAPIKey.objects.create_key(brand=brand, name="shop")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    assert client.get("/api/v1/products/").status_code == 200
    api_key.revoked = True
    api_key.save()
    assert client.get("/api/v1/products/").status_code == 401


def test_keys_are_stored_hashed(brand):
    api_key, key = BrandAPIKey.objects.create_key(brand=brand, name="shop")
    stored = BrandAPIKey.objects.filter(pk=api_key.pk).values_list("id", "hashed_key").get()
    assert all(key.split(".")[1] not in value for value in stored)


def test_create_api_key_command_prints_a_working_key(brand, capsys):
    from django.core.management import call_command
    from rest_framework.test import APIClient

    call_command("create_api_key", brand="lumiere", name="shop sync")
    key = capsys.readouterr().out.strip()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    assert client.get("/api/v1/products/").status_code == 200
    assert BrandAPIKey.objects.get().name == "shop sync"


def test_create_api_key_for_unknown_brand_fails(db):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="No brand with slug 'nope'"):
        call_command("create_api_key", brand="nope", name="x")


def test_schema_and_docs_are_served(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    text = schema.content.decode()
    assert "/api/v1/products/" in text
    assert "ApiKeyAuth" in text
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert "cdn" not in docs.content.decode().lower()


def test_admin_revokes_keys(client, brand, brand_owner):
    from django.urls import reverse

    api_key, _ = BrandAPIKey.objects.create_key(brand=brand, name="shop")
    client.force_login(brand_owner)
    client.post(
        reverse("admin:partnerships_brandapikey_changelist"),
        {"action": "revoke", "_selected_action": [api_key.pk]},
    )
    api_key.refresh_from_db()
    assert api_key.revoked
