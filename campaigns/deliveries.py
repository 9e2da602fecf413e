"""Shop deliveries (campaigns.webhooks stores them) imported by the sales rules: orders and
lines identified as in the shop's export, so a delivery, its repeat and the export all give the
same sales."""

from django.utils import timezone

from campaigns import ingest, order_exports
from campaigns.models import ShopWebhook, WebhookDelivery
from partnerships.csv_files import RowError


def process(delivery_id: int) -> WebhookDelivery:
    """Import a stored delivery by the sales rules, recording counts or errors on it."""
    delivery = WebhookDelivery.objects.select_related("webhook__brand").get(pk=delivery_id)
    if delivery.status != WebhookDelivery.Status.QUEUED:
        return delivery
    brand = delivery.webhook.brand
    if delivery.webhook.kind == ShopWebhook.Kind.SALES:
        result = ingest.import_sales(delivery.payload, brand=brand)
    else:
        order = _order_of(delivery)
        if order is None:
            message = "A refund of an order this webhook has not received; send the order first."
            result = ingest.IngestResult(errors=[RowError(None, "", message)])
        else:
            batch = ingest.read_order_lines(
                lambda: order_exports.shopify_order_lines(order),
                export=order_exports.BY_NAME["shopify"],
                brand=brand,
            )
            result = ingest.save_sales(batch, brand=brand)
    delivery.status = WebhookDelivery.Status.DONE if result.ok else WebhookDelivery.Status.FAILED
    delivery.created, delivery.updated, delivery.unchanged = (
        result.created,
        result.updated,
        result.unchanged,
    )
    delivery.unattributed = result.unattributed
    delivery.errors = result.error_records()
    delivery.processed_at = timezone.now()
    delivery.save()
    return delivery


def _order_of(delivery: WebhookDelivery) -> dict | None:
    """The order a delivery is about: its payload, or for a refund the latest order received
    with this refund and the earlier ones added."""
    if delivery.topic != "refunds/create":
        return delivery.payload
    received = (
        WebhookDelivery.objects.filter(webhook=delivery.webhook, order_ref=delivery.order_ref)
        .exclude(topic="refunds/create")
        .order_by("-received_at", "-pk")
        .first()
    )
    if received is None:
        return None
    refunds = WebhookDelivery.objects.filter(
        webhook=delivery.webhook, order_ref=delivery.order_ref, topic="refunds/create"
    ).values_list("payload", flat=True)
    order = dict(received.payload)
    known = {refund.get("id") for refund in order.get("refunds") or []}
    order["refunds"] = [*(order.get("refunds") or [])] + [
        refund for refund in refunds if refund.get("id") not in known
    ]
    return order
