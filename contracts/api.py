"""The contract endpoint: contracts of the API key's brand with their compensation terms and
deliverables nested, and the status actions (DESIGN §6).

A contract is validated the way the models validate it (contracts.deals.problems runs
Contract.clean, CompensationTerm.clean and Deliverable.clean on the unsaved rows together), so
every error of a payload comes back at once, as `terms[1].rate` or `deliverables[0].due_date`,
and nothing is written; it is saved by contracts.deals.save_contract, as on the contract page
and in the admin. Terms and
deliverables sent with a contract replace all of its stored ones; leaving the key out leaves
them alone (also on PUT, so that a client that never heard of deliverables cannot wipe them).
"""

from decimal import Decimal
from typing import Any

import django_filters
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings

from contracts import compensation, deals, payouts, wording, workflow
from contracts.models import (
    CONTRACT_FIELDS,
    DELIVERABLE_FIELDS,
    STATEMENT_FIELDS,
    TERM_FORM_FIELDS,
    CompensationTerm,
    Contract,
    Deliverable,
    Statement,
    StatementLine,
)
from influencers.models import Influencer
from partnerships import tenancy
from partnerships.api import BrandScopedViewSet, CountryListField
from partnerships.apikeys import BrandAPIKeyAuthentication, HasBrandAPIKey, IsBrandMember
from partnerships.inputs import JSONParser
from partnerships.models import BrandAPIKey, Product

# What a term field sent as null means: "not used", which the model stores as "" or [].
TERM_NULLS = {
    **dict.fromkeys(
        ("description", "basis", "category", "tier_mode", "content_type", "milestone", "metric"),
        "",
    ),
    "tiers": [],
}
# Model field names that the API calls something else.
API_NAMES = {"product": "sku"}


class BrandInfluencerField(serializers.PrimaryKeyRelatedField):
    """An influencer of the key's brand, by id; another brand's id is as unknown as a made-up
    one."""

    default_error_messages = {
        "does_not_exist": _("No influencer with id {pk_value} in this brand.")
    }

    def get_queryset(self) -> models.QuerySet[Influencer]:
        brand = self.context.get("brand")
        if brand is None:  # schema generation
            return Influencer.objects.none()
        return tenancy.scope_to_brand(Influencer.objects.all(), brand)


class BrandProductField(serializers.SlugRelatedField):
    """A product of the key's brand, by SKU."""

    default_error_messages = {"does_not_exist": _("No product with SKU “{value}” in this brand.")}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(slug_field="sku", **kwargs)

    def get_queryset(self) -> models.QuerySet[Product]:
        brand = self.context.get("brand")
        if brand is None:
            return Product.objects.none()
        return tenancy.scope_to_brand(Product.objects.all(), brand)


@extend_schema_field(
    {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {
                "from": {"type": "string", "format": "decimal", "example": "0"},
                "rate": {"type": "string", "format": "decimal", "example": "0.05"},
            },
            "required": ["from", "rate"],
        },
        "description": 'Ascending thresholds on the period\'s base, e.g. [{"from": "0", '
        '"rate": "0.05"}, {"from": "10000", "rate": "0.08"}].',
    }
)
class TiersField(serializers.JSONField):
    """Tiers as sent; the model's clean() checks them (via compensation.parse_tiers). Valid ones
    are stored with decimal strings, however the numbers were written."""

    def to_internal_value(self, data: Any) -> Any:
        data = super().to_internal_value(data)
        try:
            tiers = compensation.parse_tiers(data)
        except (TypeError, ValueError):
            return data  # left for CompensationTerm.clean to explain
        return [{"from": str(tier.from_), "rate": str(tier.rate)} for tier in tiers]


class RowListSerializer(serializers.ListSerializer):
    """Terms or deliverables; an item's errors are reported under its position in the list,
    as `terms[1].rate`."""

    def to_internal_value(self, data: Any) -> list[dict]:
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as error:
            # DRF keys item errors by index in a dict; the error shape writes a list as [i].
            # Errors about the list or an item as a whole belong to it, not to a field of it.
            detail = _whole(error.detail)
            if isinstance(detail, dict) and all(isinstance(key, int) for key in detail):
                detail = [_whole(detail.get(index, {})) for index in range(len(data))]
            raise serializers.ValidationError(detail) from error


def _whole(detail: Any) -> Any:
    """`{"non_field_errors": [..]}` as just its messages."""
    if isinstance(detail, dict) and set(detail) == {api_settings.NON_FIELD_ERRORS_KEY}:
        return detail[api_settings.NON_FIELD_ERRORS_KEY]
    return detail


class TermSerializer(serializers.ModelSerializer):
    """One compensation term; it carries only the fields its kind uses (null or empty ones are
    left out of the output)."""

    sku = BrandProductField(
        source="product",
        required=False,
        allow_null=True,
        help_text="The product a commission with basis `product` is paid on.",
    )
    tiers = TiersField(required=False)

    class Meta:
        model = CompensationTerm
        fields = ["id", *(API_NAMES.get(name, name) for name in TERM_FORM_FIELDS)]
        read_only_fields = ["id"]
        list_serializer_class = RowListSerializer

    def to_internal_value(self, data: Any) -> dict:
        if isinstance(data, dict):
            data = {
                name: TERM_NULLS.get(name, value) if value is None else value
                for name, value in data.items()
            }
        return super().to_internal_value(data)

    def to_representation(self, instance: CompensationTerm) -> dict:
        return {
            name: value
            for name, value in super().to_representation(instance).items()
            if value not in (None, "", [])
        }


class DeliverableSerializer(serializers.ModelSerializer):
    class Meta:
        model = Deliverable
        fields = ["id", *DELIVERABLE_FIELDS]
        read_only_fields = ["id"]
        list_serializer_class = RowListSerializer


def _tags(help_text: str) -> serializers.ListField:
    child = serializers.CharField(max_length=80)
    return serializers.ListField(child=child, required=False, help_text=help_text)


class ContractSerializer(serializers.ModelSerializer):
    """A contract with its terms and deliverables.

    `influencer` and `method` are chosen when the contract is made and stay; `status` changes
    only through the status actions.
    """

    influencer = BrandInfluencerField(
        source="partnership.influencer",
        help_text="An influencer of your brand; the brand × influencer partnership is found or "
        "made.",
    )
    partnership = serializers.PrimaryKeyRelatedField(read_only=True)
    exclusivity_categories = _tags("Categories the exclusivity covers.")
    competitors = _tags("Brands the influencer may not promote.")
    exclusivity_territories = CountryListField(
        required=False, help_text="Country codes; empty means worldwide."
    )
    usage_channels = _tags("Where the brand may reuse the content.")
    usage_territories = CountryListField(
        required=False, help_text="Country codes; empty means worldwide."
    )
    terms = TermSerializer(
        many=True,
        required=False,
        help_text="Replaces all stored terms when sent; left alone when left out.",
    )
    deliverables = DeliverableSerializer(
        many=True,
        required=False,
        help_text="Replaces all stored deliverables when sent; left alone when left out.",
    )

    class Meta:
        model = Contract
        fields = [
            "id",
            "partnership",
            "influencer",
            *CONTRACT_FIELDS,
            "status",
            "signed_at",
            "created_at",
            "terms",
            "deliverables",
        ]
        read_only_fields = ["id", "status", "signed_at", "created_at"]

    def validate(self, attrs: dict) -> dict:
        """Build the contract, its terms and its deliverables as unsaved rows and check them
        together (deals.problems), so every error is reported at once."""
        influencer = attrs.pop("partnership", {}).get("influencer")
        sent = {name: attrs.pop(name, None) for name in ROW_MODELS}
        errors: dict[str, Any] = self._fixed_field_errors(influencer)
        for name in errors:
            attrs.pop(name, None)  # checked no further, so its error stands alone

        contract = self.instance or Contract()
        if influencer and contract.pk is None:
            contract.partnership = deals.partnership_for(self.context["brand"], influencer)
        for name, value in attrs.items():
            setattr(contract, name, value)
        rows = {
            name: [ROW_MODELS[name](**values) for values in sent[name]]
            if sent[name] is not None
            else self._stored(contract, name)
            for name in ROW_MODELS
        }
        errors.update(_api_names(deals.problems(contract, rows)))
        if errors:
            raise serializers.ValidationError(errors)
        return {
            "contract": contract,
            "rows": {
                name: deals.Rows.replacing(self._stored(contract, name), rows[name])
                for name in ROW_MODELS
                if sent[name] is not None
            },
        }

    def _fixed_field_errors(self, influencer: Influencer | None) -> dict[str, list[str]]:
        """Errors for changing what a contract keeps: its influencer, its method (its terms
        were chosen for it) and its status (changed by the status actions)."""
        errors = {}
        current = self.instance
        sent_status = self.initial_data.get("status")
        if sent_status is not None and sent_status != (current.status if current else "draft"):
            errors["status"] = [
                _(
                    "The status changes only through the negotiate, sign, activate, complete and "
                    "terminate actions."
                )
            ]
        if current is None:
            return errors
        if influencer and influencer.pk != current.partnership.influencer_id:
            errors["influencer"] = [_("A contract stays with its influencer; make a new one.")]
        method = self.initial_data.get("method")
        if method in Contract.Method.values and method != current.method:
            errors["method"] = [_("The method stays once the contract is made; make a new one.")]
        return errors

    def _stored(self, contract: Contract, name: str) -> list[models.Model]:
        """The stored rows a PATCH or PUT keeps, checked again against the changed contract."""
        if contract.pk is None:
            return []
        return list(getattr(contract, name).all())


# The rows a contract payload may carry, by field name (the contract's related names).
ROW_MODELS: dict[str, type[models.Model]] = {
    "terms": CompensationTerm,
    "deliverables": Deliverable,
}


def _api_names(errors: dict[str, Any]) -> dict[str, Any]:
    """deals.problems with field names as the API says them: the contract's or a row's own
    errors under "non_field_errors", a term's product as its SKU."""
    return {
        _api_name(name): [
            {_api_name(field): messages for field, messages in row.items()} for row in found
        ]
        if name in ROW_MODELS
        else found
        for name, found in errors.items()
    }


def _api_name(name: str) -> str:
    return (
        api_settings.NON_FIELD_ERRORS_KEY if name == NON_FIELD_ERRORS else API_NAMES.get(name, name)
    )


def with_details(queryset: models.QuerySet[Contract]) -> models.QuerySet[Contract]:
    """Contracts with what the serializer reads, in a fixed number of queries."""
    return queryset.select_related("partnership").prefetch_related(
        models.Prefetch("terms", queryset=CompensationTerm.objects.select_related("product")),
        "deliverables",
    )


class ContractFilter(django_filters.FilterSet):
    influencer = django_filters.NumberFilter(
        field_name="partnership__influencer", help_text="Influencer id."
    )

    class Meta:
        model = Contract
        fields = ["status", "method", "influencer"]


REFUSED = OpenApiResponse(
    description='Not allowed from the current status: `{"errors": [{"index": null, '
    '"field": "status", "message": <why>}]}`.'
)


class ContractViewSet(BrandScopedViewSet):
    """Contracts of the key's brand, with their terms and deliverables.

    There is no DELETE: a contract ends by being terminated or completed, and its statements
    and history stay.
    """

    model = Contract
    serializer_class = ContractSerializer
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    parser_classes = [JSONParser]  # nested terms have no form encoding
    filterset_class = ContractFilter

    def get_queryset(self) -> models.QuerySet[Contract]:
        return with_details(super().get_queryset()).order_by("-start", "-pk")

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        self._save(serializer)  # the brand comes with the influencer's partnership

    def perform_update(self, serializer: serializers.BaseSerializer) -> None:
        self._save(serializer)

    def _save(self, serializer: serializers.BaseSerializer) -> None:
        user = self.request.user
        contract = deals.save_contract(
            **serializer.validated_data,
            by=user if user.is_authenticated else None,  # an API key writes as the system
            now=timezone.now(),
        )
        serializer.instance = with_details(Contract.objects.all()).get(pk=contract.pk)

    @extend_schema(request=None, responses={200: ContractSerializer, 400: REFUSED})
    @action(detail=True, methods=["post"])
    def negotiate(self, request: Request, pk: str | None = None) -> Response:
        """Start negotiating a draft."""
        return self._move(Contract.Status.NEGOTIATING)

    @extend_schema(request=None, responses={200: ContractSerializer, 400: REFUSED})
    @action(detail=True, methods=["post"])
    def sign(self, request: Request, pk: str | None = None) -> Response:
        """Sign: needs a compensation term, and a deliverable for paid media."""
        return self._move(Contract.Status.SIGNED)

    @extend_schema(request=None, responses={200: ContractSerializer, 400: REFUSED})
    @action(detail=True, methods=["post"])
    def activate(self, request: Request, pk: str | None = None) -> Response:
        """Start a signed contract."""
        return self._move(Contract.Status.ACTIVE)

    @extend_schema(request=None, responses={200: ContractSerializer, 400: REFUSED})
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str | None = None) -> Response:
        """Close an active contract as fulfilled; it never reopens."""
        return self._move(Contract.Status.COMPLETED)

    @extend_schema(request=None, responses={200: ContractSerializer, 400: REFUSED})
    @action(detail=True, methods=["post"])
    def terminate(self, request: Request, pk: str | None = None) -> Response:
        """End the contract early; it never reopens."""
        return self._move(Contract.Status.TERMINATED)

    def _move(self, to: str) -> Response:
        contract = self.get_object()
        workflow.move(contract, to, now=timezone.now())
        contract = self.get_queryset().get(pk=contract.pk)
        return Response(self.get_serializer(contract).data)


# --- statements ------------------------------------------------------------------------------


class ExactDecimalField(serializers.DecimalField):
    """A stored quantity or rate as an exact decimal string without padding zeros: "0.08",
    not "0.0800…0" to the column's 44 places."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_digits=None, decimal_places=None, read_only=True, **kwargs)

    def to_representation(self, value: Decimal) -> str:
        return format(value.normalize(), "f")


class StatementLineSerializer(serializers.ModelSerializer):
    description = serializers.SerializerMethodField(
        help_text="What the line pays for, in the request's language (Accept-Language)."
    )
    quantity = ExactDecimalField(help_text="Items, views, days or orders; the base for rates.")
    rate = ExactDecimalField(help_text="Per unit, or a fraction for rate-based lines.")

    class Meta:
        model = StatementLine
        fields = ["kind", "description", "quantity", "rate", "amount"]
        read_only_fields = fields

    def get_description(self, line: StatementLine) -> str:
        return wording.line_text(line)


class StatementSerializer(serializers.ModelSerializer):
    """A statement and its lines. `period_end` is the day after the period (periods are
    half-open); `payable` is false when the balance is carried to the next statement."""

    lines = StatementLineSerializer(many=True, read_only=True)

    class Meta:
        model = Statement
        fields = ["id", *STATEMENT_FIELDS, "lines"]
        read_only_fields = fields


class PaymentSerializer(serializers.Serializer):
    reference = serializers.CharField(
        max_length=payouts.REFERENCE_MAX_LENGTH,
        help_text="The bank transfer or batch id.",
        error_messages={
            "required": payouts.REFERENCE_MISSING,
            "blank": payouts.REFERENCE_MISSING,
            "null": payouts.REFERENCE_MISSING,
        },
    )
    paid_on = serializers.DateField(
        required=False, help_text="When it was paid; today in the brand's time zone if left out."
    )


class StatementFilter(django_filters.FilterSet):
    # A number, not a choice of contracts: an id of another brand finds nothing, like a
    # made-up one.
    contract = django_filters.NumberFilter(help_text="Contract id.")

    class Meta:
        model = Statement
        fields = ["contract", "period_start", "status"]


API_KEY_MAY_NOT_APPROVE = _(
    "An API key cannot approve or pay statements: it belongs to a brand, not to one of its "
    "finance members or owners. Sign in as one of them to do this."
)
NOT_ALLOWED = OpenApiResponse(
    description="An API key, or a user whose role in the brand is not finance or owner."
)


class StatementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Statements with their lines, read with the brand's API key or as a signed-in member of
    its brand. Approving and paying are for a signed-in finance member or owner of the brand."""

    serializer_class = StatementSerializer
    filterset_class = StatementFilter
    authentication_classes = [BrandAPIKeyAuthentication, SessionAuthentication]
    permission_classes = [HasBrandAPIKey | IsBrandMember]

    def get_queryset(self) -> models.QuerySet[Statement]:
        statements = Statement.objects.prefetch_related("lines").order_by("-period_start", "pk")
        if getattr(self, "swagger_fake_view", False):  # schema generation runs without a key
            return statements.none()
        if isinstance(self.request.auth, BrandAPIKey):
            return tenancy.scope_to_brand(statements, self.request.auth.brand)
        return tenancy.scope(statements, self.request.user)

    @extend_schema(
        request=None, responses={200: StatementSerializer, 400: REFUSED, 403: NOT_ALLOWED}
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        """Approve a draft statement."""
        statement = self._to_change()
        payouts.approve(statement, user=request.user, now=timezone.now())
        return Response(self.get_serializer(self.get_queryset().get(pk=statement.pk)).data)

    @extend_schema(
        request=PaymentSerializer,
        responses={200: StatementSerializer, 400: REFUSED, 403: NOT_ALLOWED},
    )
    @action(detail=True, methods=["post"])
    def pay(self, request: Request, pk: str | None = None) -> Response:
        """Mark an approved statement paid: `{"reference": "...", "paid_on": "YYYY-MM-DD"}`."""
        statement = self._to_change()
        payment = PaymentSerializer(data=request.data)
        payment.is_valid(raise_exception=True)
        today = statement.contract.partnership.brand.today(timezone.now())
        payouts.mark_paid(
            statement,
            user=request.user,
            reference=payment.validated_data["reference"],
            paid_on=payment.validated_data.get("paid_on", today),
            today=today,
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=statement.pk)).data)

    def _to_change(self) -> Statement:
        """The statement, if the caller may approve and pay it: another brand's is a 404 first,
        then an API key or another role is refused before the payload is looked at."""
        statement = self.get_object()
        if isinstance(self.request.auth, BrandAPIKey):
            raise exceptions.PermissionDenied(API_KEY_MAY_NOT_APPROVE)
        tenancy.require(self.request.user, tenancy.brand_id_of(statement), payouts.APPROVE_ROLES)
        return statement
