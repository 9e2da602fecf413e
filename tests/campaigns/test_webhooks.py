"""Shops pushing orders: Shopify's signed order and refund deliveries and the generic signed
sales rows; a forged signature is a 401 that writes nothing, a delivery sent twice is taken
once, and orders and lines are the same sales as the store's export gives."""

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from campaigns import webhooks
from campaigns.ingest import import_sales_csv
from campaigns.models import Sale, ShopWebhook, WebhookDelivery
from tests.campaigns.test_order_exports import sample, shop  # noqa: F401

pytestmark = pytest.mark.django_db

SECRET = "shpss_sample-secret-0123456789"

ORDER = {
    "id": 5100001001,
    "name": "#1001",
    "created_at": "2026-10-31T22:30:00-04:00",
    "currency": "USD",
    "financial_status": "paid",
    "cancelled_at": None,
    "discount_codes": [{"code": "anna10", "amount": "43.90", "type": "fixed_amount"}],
    "line_items": [
        {"id": 11, "sku": "WIG-BW-22", "quantity": 1, "price": "189.00", "total_discount": "18.90"},
        {"id": 12, "sku": "WIG-CL-18", "quantity": 2, "price": "125.00", "total_discount": "25.00"},
    ],
    "refunds": [],
}
REFUND = {
    "id": 7001,
    "order_id": 5100001001,
    "created_at": "2026-11-20T09:00:00-05:00",
    "refund_line_items": [{"line_item_id": 12, "quantity": 1, "subtotal": "112.50"}],
}


@pytest.fixture
def store(shop):  # noqa: F811
    return ShopWebhook.objects.create(
        brand=shop, kind="shopify", shop_domain="Wigs.myshopify.com", secret=SECRET
    )


def deliver(client, payload, *, topic="orders/create", delivery="d-1", secret=SECRET, **headers):
    body = json.dumps(payload).encode()
    return client.post(
        reverse("webhook_shopify"),
        body,
        content_type="application/json",
        headers={
            "X-Shopify-Hmac-Sha256": webhooks.signature(secret, body),
            "X-Shopify-Shop-Domain": "wigs.myshopify.com",
            "X-Shopify-Topic": topic,
            "X-Shopify-Webhook-Id": delivery,
            **headers,
        },
    )


def stored(brand):
    return {
        (sale.order_id, sale.line_id): sale
        for sale in Sale.objects.filter(brand=brand).select_related("tracking_code")
    }


def test_a_signed_order_is_queued_and_imported(client, store, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = deliver(client, ORDER)

    assert (response.status_code, response.json()) == (202, {"received": True})
    sales = stored(store.brand)
    assert sales["shopify:#1001", "1"].net_amount == Decimal("170.10")
    assert sales["shopify:#1001", "2"].net_amount == Decimal("225.00")
    assert sales["shopify:#1001", "1"].tracking_code.code == "ANNA10"
    assert WebhookDelivery.objects.get().status == "done"


def test_the_same_delivery_twice_is_taken_once(client, store, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        deliver(client, ORDER)
    with django_capture_on_commit_callbacks(execute=True) as queued:
        again = deliver(client, ORDER)

    assert (again.status_code, again.json()) == (200, {"received": False})
    assert queued == []
    assert WebhookDelivery.objects.count() == 1
    assert Sale.objects.count() == 2


def test_a_forged_signature_is_401_and_writes_nothing(client, store):
    response = deliver(client, ORDER, secret="not-the-secret")

    assert response.status_code == 401
    assert not WebhookDelivery.objects.exists()
    assert not Sale.objects.exists()


def test_an_unknown_store_is_401(client, store):
    response = deliver(client, ORDER, **{"X-Shopify-Shop-Domain": "other.myshopify.com"})

    assert response.status_code == 401
    assert not WebhookDelivery.objects.exists()


def test_a_refund_updates_the_order_and_the_export_agrees(
    client, store, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        deliver(client, ORDER)
        deliver(client, REFUND, topic="refunds/create", delivery="d-2")

    sale = stored(store.brand)["shopify:#1001", "2"]
    assert (sale.status, sale.refunded_amount) == ("confirmed", Decimal("112.50"))
    assert sale.refunded_at.isoformat() == "2026-11-20T14:00:00+00:00"
    # The updated order (sent after the refund, with it) changes nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        deliver(client, {**ORDER, "refunds": [REFUND]}, topic="orders/updated", delivery="d-3")
    assert WebhookDelivery.objects.get(delivery_id="d-3").unchanged == 2
    # The store's export of the same order gives the same sale lines.
    export = sample("shopify-orders.csv").decode().split("\n")[:3]
    result = import_sales_csv("\n".join(export) + "\n", brand=store.brand)
    assert result.created == 0


def test_a_refund_of_an_order_never_received_is_rejected(
    client, store, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        deliver(client, REFUND, topic="refunds/create", delivery="d-9")

    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "failed"
    assert "not received" in delivery.errors[0]["message"]


def test_a_cancelled_order_is_refunded_in_full(client, store, django_capture_on_commit_callbacks):
    cancelled = {**ORDER, "financial_status": "voided", "cancelled_at": "2026-11-02T08:00:00Z"}
    with django_capture_on_commit_callbacks(execute=True):
        deliver(client, cancelled, topic="orders/updated")

    assert {sale.status for sale in stored(store.brand).values()} == {"refunded"}


def test_generic_sales_rows_signed_for_one_brand(client, shop, django_capture_on_commit_callbacks):  # noqa: F811
    hook = ShopWebhook.objects.create(brand=shop, kind="sales", secret=SECRET)
    rows = [
        {
            "order_id": "W-1",
            "line_id": "1",
            "ordered_at": "2026-11-05T10:00:00+08:00",
            "code": "ANNA10",
            "sku": "WIG-BW-22",
            "quantity": "1",
            "net_amount": "189.00",
            "currency": "USD",
            "channel": "other",
        }
    ]
    body = json.dumps(rows).encode()
    url = reverse("webhook_sales", args=[hook.pk])

    def post(signature: str, delivery: str = "s-1"):
        return client.post(
            url,
            body,
            content_type="application/json",
            headers={"X-Signature-Sha256": signature, "X-Delivery-Id": delivery},
        )

    assert post(webhooks.signature("wrong", body)).status_code == 401
    assert not Sale.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert post(webhooks.signature(SECRET, body)).status_code == 202
        assert post(webhooks.signature(SECRET, body)).status_code == 200
    assert Sale.objects.get().channel == "other"
    # Another brand's webhook secret signs nothing here.
    other = ShopWebhook.objects.create(
        brand=factories_brand(), kind="sales", secret="another-brands-secret"
    )
    assert post(webhooks.signature(other.secret, body), "s-2").status_code == 401


def factories_brand():
    from tests import factories

    return factories.BrandFactory()
