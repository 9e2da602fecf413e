"""The records around contracts, by API: partnerships and their influencers' risk
assessments, contract deliverables, the price list of a distribution
contract and the orders the distributing influencer placed (which settlement reads for volume
rebates), and joint brands with their products and equity split. Rows are the key's brand's
only; each is validated as the model validates it."""

from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from campaigns.api import BrandContractField
from contracts.api import BrandInfluencerField, BrandProductField
from contracts.models import (
    Deliverable,
    DistributorOrder,
    DistributorPrice,
    JointBrand,
    Partnership,
)
from influencers import risks
from influencers.models import RiskAssessment
from partnerships import record_imports
from partnerships.api import BrandModelSerializer, BrandScopedViewSet
from partnerships.csv_files import Column


class DistributorPriceSerializer(BrandModelSerializer):
    contract = BrandContractField()
    product = BrandProductField(help_text="The product's SKU.")

    class Meta:
        model = DistributorPrice
        fields = ["id", "contract", "product", "price", "min_order_quantity"]


class DistributorOrderSerializer(BrandModelSerializer):
    contract = BrandContractField()
    product = BrandProductField(help_text="The product's SKU.")

    class Meta:
        model = DistributorOrder
        fields = ["id", "contract", "reference", "ordered_at", "product", "quantity", "unit_price"]


ORDERS = record_imports.Upsert(
    serializer=DistributorOrderSerializer,
    key=lambda item: tuple(
        str(item.get(name, "")).strip() for name in ("contract", "reference", "product")
    ),
    stored_key=lambda order: (str(order.contract_id), order.reference, order.product.sku),
    key_field="reference",
    repeated=_("This contract, reference and product is already at %(place)s."),
)
ORDERS_FILE = record_imports.RecordFile(
    title=_("Distributor orders"),
    upsert=ORDERS,
    columns=(
        Column(
            "contract", True, _("The contract's id in this brand (its page's address shows it).")
        ),
        Column(
            "reference",
            True,
            _(
                "The order's reference; with the contract and SKU it names "
                "the line, so a line imported again is updated."
            ),
        ),
        Column(
            "ordered_at",
            True,
            _("When it was ordered, ISO 8601 with its offset, e.g. 2026-11-02T14:30:00+08:00."),
        ),
        Column("sku", True, _("The SKU of a product of this brand.")),
        Column("quantity", True, _("Units bought, 1 or more.")),
        Column("unit_price", True, _("The price paid per unit, e.g. 42.50.")),
    ),
    example=(
        "contract,reference,ordered_at,sku,quantity,unit_price\n"
        "12,PO-2026-118,2026-11-02T14:30:00+08:00,WIG-BW-22,40,42.50\n"
        "12,PO-2026-118,2026-11-02T14:30:00+08:00,WIG-CL-18,25,38.00\n"
    ),
    fields={"sku": "product"},
    related=("product",),
)


class PartnershipSerializer(BrandModelSerializer):
    influencer = BrandInfluencerField()

    class Meta:
        model = Partnership
        fields = [
            "id",
            "influencer",
            "status",
            "since",
            "liaison",
            "meeting_cadence",
            "influencer_goals",
            "brand_goals",
        ]


class JointBrandSerializer(BrandModelSerializer):
    contract = BrandContractField()
    products = BrandProductField(many=True, required=False, help_text="The products' SKUs.")

    class Meta:
        model = JointBrand
        fields = [
            "id",
            "contract",
            "name",
            "product_line",
            "brand_equity",
            "influencer_equity",
            "products",
        ]

    def validate(self, attrs: dict) -> dict:
        products = attrs.pop("products", None)  # a many-to-many is set once the row is saved
        attrs = super().validate(attrs)
        if products is not None:
            attrs["products"] = products
        return attrs


class DeliverableRecordSerializer(BrandModelSerializer):
    contract = BrandContractField()

    class Meta:
        model = Deliverable
        fields = [
            "id",
            "contract",
            "content_type",
            "platform",
            "quantity",
            "due_date",
            "min_length_seconds",
            "requirements",
            "disclosure_text",
        ]


class RiskAssessmentSerializer(BrandModelSerializer):
    influencer = BrandInfluencerField()

    class Meta:
        model = RiskAssessment
        fields = [
            "id",
            "influencer",
            "kind",
            "likelihood",
            "impact",
            "mitigation",
            "review_date",
            "is_open",
            "closed_at",
            "close_reason",
        ]
        # A risk is closed with its reason through the close action, never reopened.
        read_only_fields = ["is_open", "closed_at", "close_reason"]


class RiskCloseSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text="Why the risk is closed.")


class PartnershipViewSet(BrandScopedViewSet):
    """The brand's partnerships: one per influencer."""

    model = Partnership
    serializer_class = PartnershipSerializer
    filterset_fields = ["influencer", "status"]


class ContractRowViewSet(BrandScopedViewSet):
    """Rows that belong to a contract of the brand: the brand comes with the contract."""

    related: tuple[str, ...] = ("contract", "product")

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().select_related(*self.related)

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        serializer.save()


class DistributorPriceViewSet(ContractRowViewSet):
    """Price lists of the brand's distribution contracts: one price per contract and product."""

    model = DistributorPrice
    serializer_class = DistributorPriceSerializer
    filterset_fields = ["contract"]


class DistributorOrderViewSet(ContractRowViewSet):
    """What distributing influencers bought: one line per order reference and product."""

    model = DistributorOrder
    serializer_class = DistributorOrderSerializer
    filterset_fields = ["contract", "reference"]

    def get_queryset(self) -> models.QuerySet[Any]:
        return super().get_queryset().order_by("-ordered_at", "pk")


class JointBrandViewSet(BrandScopedViewSet):
    """Joint brands of the brand's joint-brand contracts, with their products and the equity
    split (brand and influencer shares as fractions adding up to 1)."""

    model = JointBrand
    serializer_class = JointBrandSerializer
    filterset_fields = ["contract"]

    def get_queryset(self) -> models.QuerySet[JointBrand]:
        return super().get_queryset().select_related("contract").prefetch_related("products")

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        serializer.save()


class DeliverableViewSet(ContractRowViewSet):
    """What the brand's contracts ask to be delivered, one row per content piece kind."""

    model = Deliverable
    serializer_class = DeliverableRecordSerializer
    filterset_fields = ["contract", "platform"]
    related = ("contract",)


class RiskAssessmentViewSet(BrandScopedViewSet):
    """Risks assessed for the brand's influencers; open ones lower the fit score."""

    model = RiskAssessment
    serializer_class = RiskAssessmentSerializer
    filterset_fields = ["influencer", "kind", "is_open"]

    def get_queryset(self) -> models.QuerySet[RiskAssessment]:
        return super().get_queryset().select_related("influencer").order_by("pk")

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        serializer.instance = risks.save_risk(RiskAssessment(**serializer.validated_data))

    def perform_update(self, serializer: serializers.BaseSerializer) -> None:
        for name, value in serializer.validated_data.items():
            setattr(serializer.instance, name, value)
        risks.save_risk(serializer.instance)

    @extend_schema(request=RiskCloseSerializer, responses=RiskAssessmentSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        """Close the risk with the reason; who closed it and when are kept."""
        risk = self.get_object()
        body = RiskCloseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        closer = request.user if request.user.is_authenticated else None
        risks.close_risk(risk, by=closer, reason=body.validated_data["reason"], now=timezone.now())
        return Response(self.get_serializer(risk).data)
