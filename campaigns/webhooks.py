"""Orders pushed by shops as they happen (DESIGN §9).

`POST /api/v1/webhooks/shopify/` takes Shopify's orders/create, orders/updated and
refunds/create deliveries: the store is found by `X-Shopify-Shop-Domain`, the body must be
signed (`X-Shopify-Hmac-Sha256`: base64 HMAC-SHA256 of the raw body with the webhook's secret,
compared in constant time) and each `X-Shopify-Webhook-Id` is taken once.
`POST /api/v1/webhooks/sales/<id>/` takes a JSON list of sales CSV rows from any other shop,
signed the same way in `X-Signature-Sha256`, with its `X-Delivery-Id`.

A bad signature or an unknown store is a 401 and nothing is written. A good delivery is stored
and queued (202); a worker imports it by the sales rules (campaigns.deliveries).
"""

import base64
import hashlib
import hmac
import json
from typing import Any

from django.db import IntegrityError, transaction
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import BaseParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from campaigns import tasks
from campaigns.models import ShopWebhook, WebhookDelivery

SHOPIFY_TOPICS = ("orders/create", "orders/updated", "refunds/create")


def signature(secret: str, body: bytes) -> str:
    """The base64 HMAC-SHA256 of `body` with `secret`, as Shopify computes it."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def signed(webhook: ShopWebhook | None, body: bytes, given: str) -> bool:
    expected = signature(webhook.secret if webhook else "", body)
    return webhook is not None and hmac.compare_digest(expected.encode(), given.encode())


def receive(webhook: ShopWebhook, delivery_id: str, topic: str, payload: Any) -> bool:
    """Store a delivery and queue its import once it is committed; False if this delivery
    id was received before."""
    order_ref = ""
    if isinstance(payload, dict):
        order_ref = str(payload.get("order_id" if topic == "refunds/create" else "id") or "")
    try:
        with transaction.atomic():
            delivery = WebhookDelivery.objects.create(
                webhook=webhook,
                delivery_id=delivery_id[:128],
                topic=topic[:64],
                order_ref=order_ref[:64],
                payload=payload,
            )
    except IntegrityError:
        return False
    # Kept when the broker is down: the sweep sends it later (campaigns.tasks).
    transaction.on_commit(lambda: tasks.send(tasks.import_delivery, delivery.pk))
    return True


# --- Endpoints ------------------------------------------------------------------------------


class RawBody(BaseParser):
    """The body is read raw (it is what the signature covers) and parsed after checking."""

    media_type = "*/*"

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None):
        return None


class ReceivedSerializer(serializers.Serializer):
    received = serializers.BooleanField(help_text="False: this delivery id was received before.")


def _answer(request: Request, webhook: ShopWebhook | None, given: str, delivery: str, topic: str):
    body = request._request.body  # the raw bytes the shop signed
    if not signed(webhook, body, given):
        return Response({"errors": [{"message": "Bad signature."}]}, status=401)
    try:
        payload = json.loads(body)
    except ValueError:
        return Response({"errors": [{"message": "The body is not JSON."}]}, status=400)
    if not delivery:
        return Response({"errors": [{"message": "The delivery id header is missing."}]}, 400)
    received = receive(webhook, delivery, topic, payload)
    return Response({"received": received}, status=status.HTTP_202_ACCEPTED if received else 200)


def _documented(summary: str, *headers: str) -> Any:
    """The schema of a webhook: a signed JSON body, with its headers, and no API key."""
    return extend_schema(
        summary=summary,
        request={"application/json": dict},
        responses={202: ReceivedSerializer, 200: ReceivedSerializer},
        parameters=[
            OpenApiParameter(name, str, OpenApiParameter.HEADER, required=True) for name in headers
        ],
        auth=[],
    )


class WebhookView(APIView):
    authentication_classes = ()
    permission_classes = (AllowAny,)
    parser_classes = (RawBody,)
    throttle_classes = ()


class ShopifyWebhookView(WebhookView):
    @_documented(
        "Shopify orders/create, orders/updated and refunds/create",
        "X-Shopify-Hmac-Sha256",
        "X-Shopify-Shop-Domain",
        "X-Shopify-Topic",
        "X-Shopify-Webhook-Id",
    )
    def post(self, request: Request) -> Response:
        headers = request.headers
        topic = headers.get("X-Shopify-Topic", "")
        domain = headers.get("X-Shopify-Shop-Domain", "").strip().lower()
        webhook = (
            ShopWebhook.objects.filter(kind=ShopWebhook.Kind.SHOPIFY, shop_domain=domain)
            .select_related("brand")
            .first()
            if domain
            else None
        )
        given = headers.get("X-Shopify-Hmac-Sha256", "")
        if signed(webhook, request._request.body, given) and topic not in SHOPIFY_TOPICS:
            return Response({"received": False}, status=200)  # a topic that brings no sales
        return _answer(request, webhook, given, headers.get("X-Shopify-Webhook-Id", ""), topic)


class SalesWebhookView(WebhookView):
    @_documented("Sales CSV rows pushed by any shop", "X-Signature-Sha256", "X-Delivery-Id")
    def post(self, request: Request, pk: int) -> Response:
        webhook = ShopWebhook.objects.filter(kind=ShopWebhook.Kind.SALES, pk=pk).first()
        headers = request.headers
        return _answer(
            request,
            webhook,
            headers.get("X-Signature-Sha256", ""),
            headers.get("X-Delivery-Id", ""),
            "sales",
        )
