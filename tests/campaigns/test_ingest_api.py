"""POST /api/v1/sales/ and /api/v1/metrics/: a list of rows written whole or not at all, with
every problem as {"errors": [{"index", "field", "message"}]}; GET lists the key's brand's rows."""

from decimal import Decimal

import pytest

from campaigns.models import MetricSnapshot, Sale
from tests import factories

pytestmark = pytest.mark.django_db

SALES = "/api/v1/sales/"
METRICS = "/api/v1/metrics/"


@pytest.fixture
def shop(brand):
    factories.TrackingCodeFactory(
        participant__contract__partnership__influencer__brand=brand, code="ANNA10"
    )
    factories.TrackingCodeFactory(
        participant__contract__partnership__influencer__brand=brand, code="MIA-LIVE"
    )
    factories.ProductFactory(brand=brand, sku="WIG-BW-22")
    return brand


def sale(**fields: object) -> dict:
    return {
        "order_id": "200045781",
        "line_id": "1",
        "ordered_at": "2026-11-05T14:30:00+08:00",
        "code": "ANNA10",
        "sku": "WIG-BW-22",
        "quantity": 1,
        "net_amount": "189.00",
        "currency": "USD",
        **fields,
    }


def test_posting_sales_creates_them_and_sending_again_changes_nothing(api, shop):
    payload = [sale(), sale(line_id="2", code="mia-live", quantity="2", net_amount=378)]

    created = api.post(SALES, payload, format="json")
    again = api.post(SALES, payload, format="json")

    assert created.status_code == 200, created.json()
    assert created.json() == {"created": 2, "updated": 0, "unchanged": 0}
    assert again.json() == {"created": 0, "updated": 0, "unchanged": 2}
    second = Sale.objects.get(line_id="2")
    assert (second.brand, second.tracking_code.code) == (shop, "MIA-LIVE")
    assert (second.quantity, second.net_amount) == (2, Decimal("378.00"))


def test_a_refund_updates_the_sale(api, shop):
    api.post(SALES, [sale()], format="json")

    response = api.post(
        SALES,
        [
            {
                "order_id": "200045781",
                "line_id": "1",
                "refunded_at": "2026-11-20T10:00:00Z",
                "refunded_amount": "89.00",
            }
        ],
        format="json",
    )

    assert response.json() == {"created": 0, "updated": 1, "unchanged": 0}
    stored = Sale.objects.get()
    assert (stored.status, stored.refunded_amount) == ("confirmed", Decimal("89.00"))


def test_bad_payload_is_400_with_every_error_by_index_and_field_and_writes_nothing(api, shop):
    response = api.post(
        SALES,
        [
            sale(),  # good
            sale(line_id="2", code="NOPE", quantity=-1),
            sale(line_id="3", net_amount="12,50", currency="XYZ", refund_amount="1.00"),
            sale(line_id="4", ordered_at=["2026-11-05"], refunded_amount="500.00"),
            "not an object",
            sale(line_id="1"),  # the same line as index 0
        ],
        format="json",
    )

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [(e["index"], e["field"]) for e in errors] == [
        (1, "code"),
        (1, "quantity"),
        (2, "refund_amount"),
        (2, "net_amount"),
        (2, "currency"),
        (3, "ordered_at"),
        (4, None),
        (5, "line_id"),
    ]
    assert all(set(error) == {"index", "field", "message"} for error in errors)
    assert errors[0]["message"] == "Unknown tracking code 'NOPE': no code of this brand."
    assert "already at index 0" in errors[-1]["message"]
    assert not Sale.objects.exists()


def test_a_body_that_is_not_a_list_is_refused(api, shop):
    response = api.post(SALES, sale(), format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"index": None, "field": None, "message": "Send a JSON list of sales, one object each."}
    ]


def test_listing_sales_is_paginated_and_filters_by_code_and_time(api, shop):
    api.post(
        SALES,
        [
            sale(),
            sale(line_id="2", code="MIA-LIVE", ordered_at="2026-11-20T10:00:00Z"),
            sale(order_id="200045800", ordered_at="2026-12-02T10:00:00Z"),
        ],
        format="json",
    )

    everything = api.get(SALES).json()
    by_code = api.get(SALES, {"code": "mia-live"}).json()
    november = api.get(
        SALES,
        {"ordered_at_after": "2026-11-01T00:00:00Z", "ordered_at_before": "2026-11-30T23:59:59Z"},
    ).json()

    assert everything["count"] == 3
    first = everything["results"][0]
    assert first == {
        "id": first["id"],
        "order_id": "200045800",
        "line_id": "1",
        "ordered_at": "2026-12-02T10:00:00Z",
        "code": "ANNA10",
        "sku": "WIG-BW-22",
        "quantity": 1,
        "net_amount": "189.00",
        "currency": "USD",
        "status": "confirmed",
        "refunded_at": None,
        "refunded_amount": "0.00",
        "channel": "",
        "order_reference": "",
    }
    assert [row["line_id"] for row in by_code["results"]] == ["2"]
    assert november["count"] == 2


def test_another_brands_key_neither_sees_nor_touches_this_brands_sales(api, other_api, shop):
    api.post(SALES, [sale()], format="json")
    mine = Sale.objects.get()

    listed = other_api.get(SALES).json()
    detail = other_api.get(f"{SALES}{mine.pk}/")
    refund = other_api.post(
        SALES,
        [sale(refunded_at="2026-11-20T10:00:00Z", refunded_amount="189.00")],
        format="json",
    )

    assert listed["count"] == 0
    assert detail.status_code == 404
    assert refund.status_code == 400
    assert {(e["field"], e["message"]) for e in refund.json()["errors"]} == {
        ("code", "Unknown tracking code 'ANNA10': no code of this brand."),
        ("sku", "Unknown SKU 'WIG-BW-22': no product of this brand."),
    }
    mine.refresh_from_db()
    assert (mine.refunded_amount, mine.status) == (0, "confirmed")


def test_without_a_key_nothing_is_read_or_written(client, shop):
    assert client.get(SALES).status_code in (401, 403)
    assert client.post(SALES, [sale()], content_type="application/json").status_code in (401, 403)
    assert not Sale.objects.exists()


def test_sales_cannot_be_changed_or_deleted_one_by_one(api, shop):
    api.post(SALES, [sale()], format="json")
    pk = Sale.objects.get().pk

    assert api.patch(f"{SALES}{pk}/", {"quantity": 3}, format="json").status_code == 405
    assert api.delete(f"{SALES}{pk}/").status_code == 405


# --- Metrics --------------------------------------------------------------------------------


@pytest.fixture
def video(brand):
    return factories.ContentItemFactory(participant__contract__partnership__influencer__brand=brand)


def test_posting_metrics_creates_updates_and_keeps(api, video):
    day = {"content": video.pk, "date": "2026-11-10", "views": 1000, "likes": 50}

    created = api.post(METRICS, [day], format="json")
    again = api.post(METRICS, [day], format="json")
    updated = api.post(METRICS, [{**day, "views": 1500, "likes": None}], format="json")

    assert created.json() == {"created": 1, "updated": 0, "unchanged": 0}
    assert again.json() == {"created": 0, "updated": 0, "unchanged": 1}
    assert updated.json() == {"created": 0, "updated": 1, "unchanged": 0}
    snapshot = MetricSnapshot.objects.get()
    assert (snapshot.views, snapshot.likes) == (1500, 50)
    listed = api.get(METRICS, {"content": video.pk}).json()["results"]
    assert [(row["date"], row["views"]) for row in listed] == [("2026-11-10", 1500)]


def test_bad_metrics_are_400_and_another_brands_content_is_unknown(api, other_api, video):
    response = other_api.post(
        METRICS,
        [
            {"content": video.pk, "date": "2026-11-10", "views": 1000},
            {"content": video.pk, "date": "tomorrow", "views": -5},
        ],
        format="json",
    )

    assert response.status_code == 400
    assert [(e["index"], e["field"]) for e in response.json()["errors"]] == [
        (0, "content"),
        (1, "content"),
        (1, "date"),
        (1, "views"),
    ]
    assert not MetricSnapshot.objects.exists()
    assert other_api.get(METRICS).json()["count"] == 0
    assert api.get(METRICS).json()["count"] == 0


def test_schema_documents_the_sales_and_metrics_endpoints(client):
    text = client.get("/api/schema/").content.decode()

    assert "/api/v1/sales/" in text
    assert "/api/v1/metrics/" in text
    assert "refunded_amount" in text
