"""Input the database cannot hold, or that cannot be meant, gets a clear 4xx naming the field,
never a 500: NUL characters in any text (API bodies, query parameters, CSV files), UTC offsets
that do not exist, implausible years, a refund before its order, deleting a product that sales
use. Each case also runs on PostgreSQL in CI, where most of them used to be 500s."""

import re

import pytest
from django.urls import reverse

from campaigns import ingest
from campaigns.models import Sale
from influencers.models import Influencer
from partnerships.models import Product
from tests import factories
from tests.campaigns.test_ingest_api import SALES, sale

pytestmark = pytest.mark.django_db

NUL_REASON = "NUL character"


@pytest.fixture
def shop(brand):
    factories.TrackingCodeFactory(
        participant__contract__partnership__influencer__brand=brand, code="ANNA10"
    )
    factories.ProductFactory(brand=brand, sku="WIG-BW-22")
    return brand


def _errors(response) -> list[dict]:
    return response.json()["errors"]


def test_nul_in_a_sale_is_refused_naming_item_and_field(api, shop):
    response = api.post(SALES, [sale(), sale(line_id="2", order_id="2000\x0045")], format="json")
    assert response.status_code == 400
    [error] = _errors(response)
    assert (error["index"], error["field"]) == (1, "order_id")
    assert NUL_REASON in error["message"]
    assert not Sale.objects.exists()


def test_nul_in_a_nested_account_handle_is_refused(api, brand):
    payload = {"name": "Anna", "accounts": [{"platform": "tiktok", "handle": "anna\x00"}]}
    response = api.post("/api/v1/influencers/", payload, format="json")
    assert response.status_code == 400
    [error] = _errors(response)
    assert error["field"] == "accounts[0].handle"
    assert not Influencer.objects.exists()


@pytest.mark.parametrize("encoding", ["multipart", "urlencoded"])
def test_nul_in_a_form_encoded_body_is_refused(api, brand, encoding):
    data = {"sku": "WIG\x00-1", "name": "Wig", "category": "wigs"}
    if encoding == "multipart":
        response = api.post("/api/v1/products/", data, format="multipart")
    else:
        body = "sku=WIG%00-1&name=Wig&category=wigs"
        response = api.post(
            "/api/v1/products/", body, content_type="application/x-www-form-urlencoded"
        )
    assert response.status_code == 400, response.content
    [error] = _errors(response)
    assert error["field"] == "sku"
    assert NUL_REASON in error["message"]
    assert not Product.objects.exists()


def test_nul_in_a_query_parameter_is_refused(api, client, brand_manager):
    response = api.get("/api/v1/influencers/", {"search": "an\x00na"})
    assert response.status_code == 400
    assert _errors(response)[0]["field"] == "search"
    client.force_login(brand_manager)
    page = client.get(reverse("influencers:list"), {"q": "\x00"})
    assert page.status_code == 400
    assert NUL_REASON in page.content.decode()


def test_nul_in_a_csv_file_is_refused_by_line_and_no_message_holds_it(shop):
    header = ",".join(column.name for column in ingest.SALES_COLUMNS[:8])
    text = f"{header}\nA-1,1,2026-11-05T10:00:00Z,ANNA10,WIG\x00,1,189.00,USD\n"
    result = ingest.import_sales_csv(text.encode(), brand=shop)
    assert not result.ok
    assert [(error.line, NUL_REASON in error.message) for error in result.errors] == [(2, True)]
    assert all("\x00" not in error.message for error in result.errors)
    assert not Sale.objects.exists()


@pytest.mark.parametrize("offset", ["+16:00", "-16:00", "+23:59", "+14:30"])
def test_an_offset_that_does_not_exist_is_refused(api, shop, offset):
    response = api.post(SALES, [sale(ordered_at=f"2026-11-05T14:30:00{offset}")], format="json")
    assert response.status_code == 400
    [error] = _errors(response)
    assert error["field"] == "ordered_at"
    assert "UTC offset" in error["message"]
    filtered = api.get(SALES, {"ordered_at_after": f"2026-11-05T00:00:00{offset}"})
    assert filtered.status_code == 400
    assert "UTC offset" in _errors(filtered)[0]["message"]


def test_real_offsets_are_accepted(api, shop):
    payload = [
        sale(ordered_at="2026-11-05T14:30:00+14:00"),
        sale(line_id="2", ordered_at="2026-11-05T14:30:00-12:00"),
    ]
    assert api.post(SALES, payload, format="json").status_code == 200
    assert api.get(SALES, {"ordered_at_after": "2026-11-01T00:00:00+14:00"}).json()["count"] == 2


@pytest.mark.parametrize("moment", ["9998-06-01T10:00:00Z", "0001-01-01T10:00:00Z"])
def test_an_implausible_year_is_refused(api, shop, moment):
    response = api.post(SALES, [sale(ordered_at=moment)], format="json")
    assert response.status_code == 400
    assert "plausible" in _errors(response)[0]["message"]


def test_an_implausible_year_is_refused_on_every_endpoint(api, brand):
    response = api.post(
        "/api/v1/exchange-rates/",
        {"date": "0001-01-01", "from_currency": "EUR", "to_currency": "USD", "rate": "1.1"},
        format="json",
    )
    assert response.status_code == 400
    assert _errors(response)[0]["field"] == "date"
    assert "plausible" in _errors(response)[0]["message"]


def test_a_refund_before_its_order_is_refused(api, shop):
    refund = {"refunded_at": "2026-11-01T10:00:00Z", "refunded_amount": "10.00"}
    response = api.post(SALES, [sale(**refund)], format="json")
    assert response.status_code == 400
    assert _errors(response)[0]["field"] == "refunded_at"


def test_deleting_a_product_that_sales_use_is_a_conflict_saying_why(api, brand):
    product = factories.SaleFactory(
        tracking_code__participant__contract__partnership__influencer__brand=brand
    ).product
    response = api.delete(f"/api/v1/products/{product.pk}/")
    assert response.status_code == 409
    assert "1 sales" in _errors(response)[0]["message"]
    assert Product.objects.filter(pk=product.pk).exists()


def test_influencer_country_schema_is_not_ambiguous_for_blank(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    country = schema["components"]["schemas"]["Influencer"]["properties"]["country"]
    matching = [
        option
        for option in country["oneOf"]
        if re.fullmatch(option.get("pattern", ".*"), "") and option.get("maxLength", 1) >= 0
    ]
    assert len(matching) == 1
