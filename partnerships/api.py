"""The API's foundations (brand-scoped viewsets, the error shape) and the product and
exchange-rate endpoints."""

from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from partnerships import apikeys, record_imports, tenancy
from partnerships.apikeys import BrandAPIKeyAuthentication
from partnerships.csv_files import Column
from partnerships.models import Brand, ExchangeRate, Product


class BrandAPIKeyScheme(OpenApiAuthenticationExtension):
    target_class = BrandAPIKeyAuthentication
    name = "ApiKeyAuth"

    def get_security_definition(self, auto_schema: Any) -> dict:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Api-Key <key>`, made on the API keys page (`/api-keys/`).",
        }


def _flatten(detail: Any, field: str | None = None) -> list[tuple[str | None, str]]:
    """(field path, message) pairs from a nested DRF error structure."""
    if isinstance(detail, dict):
        return [
            pair
            for key, value in detail.items()
            for pair in _flatten(value, key if field is None else f"{field}.{key}")
        ]
    if isinstance(detail, list):
        if all(isinstance(item, str) for item in detail):
            return [(field, str(item)) for item in detail]
        return [
            pair
            for i, item in enumerate(detail)
            for pair in _flatten(item, f"{field}[{i}]" if field else str(i))
        ]
    return [(field, str(detail))]


def _in_use(exc: models.ProtectedError | models.RestrictedError) -> dict:
    """Why a row cannot be deleted: the rows that keep pointing at it, counted by kind."""
    users = (
        exc.protected_objects if isinstance(exc, models.ProtectedError) else exc.restricted_objects
    )
    counts = Counter(row._meta.verbose_name_plural for row in users)
    listed = ", ".join(f"{count} {name}" for name, count in sorted(counts.items()))
    message = _("Cannot be deleted while other records use it: %(uses)s.") % {"uses": listed}
    return {"index": None, "field": None, "message": message}


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """A delete refused because other rows use the row is a 409 saying which. Validation
    errors as `{"errors": [{"index", "field", "message"}]}` (DESIGN §6); the index is the
    item's position in a list payload and null for a single object. A model ValidationError
    raised by a write path a view or serializer calls becomes one here, and only here."""
    if isinstance(exc, models.ProtectedError | models.RestrictedError):
        return Response({"errors": [_in_use(exc)]}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(serializers.as_serializer_error(exc))
    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.ValidationError):
        return response
    detail = exc.detail
    items = enumerate(detail) if isinstance(detail, list) else [(None, detail)]
    response.data = {
        "errors": [
            {"index": index, "field": field, "message": message}
            for index, item in items
            for field, message in _flatten(item)
        ]
    }
    return response


class BrandScopedViewSet(viewsets.ModelViewSet):
    """Rows of the caller's brand only (the API key's, or the signed-in member's current
    brand); new rows join that brand."""

    model: type[models.Model]

    @property
    def brand(self) -> Brand:
        return apikeys.brand_of(self.request)

    def get_queryset(self) -> models.QuerySet:
        queryset = self.model._default_manager.all()
        if getattr(self, "swagger_fake_view", False):  # schema generation runs without a key
            return queryset.none()
        return tenancy.scope_to_brand(queryset, self.brand)

    def get_serializer_context(self) -> dict:
        return {
            **super().get_serializer_context(),
            "brand": None if getattr(self, "swagger_fake_view", False) else self.brand,
        }

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        serializer.save(brand=self.brand)


class CountryListField(serializers.ListField):
    """Country codes, stored upper case."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(child=serializers.CharField(max_length=2, min_length=2), **kwargs)

    def to_internal_value(self, data: Any) -> list[str]:
        return [code.upper() for code in super().to_internal_value(data)]


class BrandModelSerializer(serializers.ModelSerializer):
    """Validates like the model does (clean() and constraints), as a row of the key's brand
    (a row under a contract or influencer of the brand gets its brand through it)."""

    def validate(self, attrs: dict) -> dict:
        model = self.Meta.model
        owned = any(field.name == "brand" for field in model._meta.fields)
        instance = self.instance or (model(brand=self.context["brand"]) if owned else model())
        for name, value in attrs.items():
            setattr(instance, name, value)
        if errors := model_errors(instance):
            raise serializers.ValidationError(errors)
        return attrs


def model_errors(row: models.Model, *, exclude: Iterable[str] = ()) -> dict[str, list[str]]:
    """The row's full_clean() errors by field, those of the row as a whole under
    "non_field_errors"; empty when the row is valid."""
    try:
        row.full_clean(exclude=list(exclude))
    except DjangoValidationError as error:
        return {
            api_settings.NON_FIELD_ERRORS_KEY if name == NON_FIELD_ERRORS else name: messages
            for name, messages in error.message_dict.items()
        }
    return {}


class ProductSerializer(BrandModelSerializer):
    class Meta:
        model = Product
        fields = [
            "id",
            "sku",
            "name",
            "category",
            "currency",
            "retail_price",
            "distributor_price",
            "unit_cost",
        ]


class ExchangeRateSerializer(BrandModelSerializer):
    class Meta:
        model = ExchangeRate
        fields = ["id", "date", "from_currency", "to_currency", "rate"]


class ProductViewSet(BrandScopedViewSet):
    """Products of the key's brand."""

    model = Product
    serializer_class = ProductSerializer
    filterset_fields = ["sku", "category", "currency"]


MAX_BULK_RATES = 10_000


def _rate_key(item: dict) -> tuple[str, str, str]:
    """A rate's day and currency pair as sent, to find the stored rate it replaces."""
    return (
        str(item.get("date", "")).strip(),
        str(item.get("from_currency", "")).strip().upper(),
        str(item.get("to_currency", "")).strip().upper(),
    )


RATES = record_imports.Upsert(
    serializer=ExchangeRateSerializer,
    key=_rate_key,
    stored_key=lambda rate: (rate.date.isoformat(), rate.from_currency, rate.to_currency),
    key_field="date",
    repeated=_("This day and pair is already at %(place)s."),
)
RATES_FILE = record_imports.RecordFile(
    title=_("Exchange rates"),
    upsert=RATES,
    columns=(
        Column("date", True, _("The day the rate holds for, YYYY-MM-DD.")),
        Column("from_currency", True, _("ISO 4217 code of the currency converted from, e.g. CNY.")),
        Column("to_currency", True, _("ISO 4217 code of the currency converted to, e.g. USD.")),
        Column(
            "rate", True, _("What 1 unit of from_currency is worth in to_currency, e.g. 0.139.")
        ),
    ),
    example=(
        "date,from_currency,to_currency,rate\n"
        "2026-11-02,CNY,USD,0.13900000\n"
        "2026-11-02,EUR,USD,1.08000000\n"
    ),
)


class ExchangeRateViewSet(BrandScopedViewSet):
    """Exchange rates of the key's brand."""

    model = ExchangeRate
    serializer_class = ExchangeRateSerializer
    filterset_fields = ["date", "from_currency", "to_currency"]

    @extend_schema(
        request=ExchangeRateSerializer(many=True),
        responses={200: ExchangeRateSerializer(many=True)},
    )
    @action(detail=False, methods=["post"], pagination_class=None, filter_backends=[])
    def bulk(self, request: Request) -> Response:
        """Many rates at once, all or none: a rate for a day and pair already stored is
        replaced, so sending the same list again changes nothing."""
        items = request.data if isinstance(request.data, list) else None
        if items is None or len(items) > MAX_BULK_RATES:
            message = _("Send a JSON list of at most %(most)s rates.") % {
                "most": f"{MAX_BULK_RATES:,}"
            }
            raise serializers.ValidationError({"non_field_errors": [message]})
        places = [
            (_("index %(index)s") % {"index": index}, item) for index, item in enumerate(items)
        ]
        checked, errors = RATES.check(places, self.get_queryset(), self.get_serializer_context())
        if any(errors):
            raise serializers.ValidationError(errors)
        rates = RATES.save(checked, self.brand)
        return Response(self.get_serializer(rates, many=True).data)
