"""Campaign endpoints of the API, scoped to the API key's brand (DESIGN §6).

Sales and metric snapshots: `POST /api/v1/sales/` and `POST /api/v1/metrics/` take a list of
rows in the CSV import's columns (campaigns.ingest) and write all of them or none, answering
`{created, updated, unchanged}`, or 400 with every problem as `{"errors": [{"index", "field",
"message"}]}`. Sending the same list again changes nothing. `GET` lists the stored rows in the
same shape.
"""

from typing import Any

import django_filters
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from campaigns import disclosure, ingest, participants, shipping, tasks
from campaigns.models import (
    CAMPAIGN_FIELDS,
    SHIPMENT_FIELDS,
    SHIPMENT_ITEM_FIELDS,
    TARGETS,
    Campaign,
    ContentComment,
    ContentItem,
    ImportJob,
    MetricSnapshot,
    Participant,
    Sale,
    Shipment,
    ShipmentItem,
    TrackingCode,
)
from contracts.api import BrandProductField
from contracts.models import ContentType, Contract, Deliverable
from influencers.models import Platform
from partnerships import tenancy
from partnerships.api import BrandScopedViewSet, CountryListField, model_errors
from partnerships.audience import unknown_countries
from partnerships.csv_files import RowError
from partnerships.inputs import JSONParser, MomentRangeFilter, MultiPartParser

# --- Sales and metrics ----------------------------------------------------------------------

MAX_ROWS_PER_REQUEST = 10_000


class SaleSerializer(serializers.ModelSerializer):
    """A sale in the columns of the sales CSV."""

    code = serializers.CharField(source="tracking_code.code", read_only=True)
    sku = serializers.CharField(source="product.sku", read_only=True)
    channel = serializers.CharField(read_only=True, help_text="Empty when not said.")

    class Meta:
        model = Sale
        fields = ["id", *ingest.SALES_HEADER]
        read_only_fields = fields


class SaleRowSerializer(serializers.Serializer):
    """One sale sent for import (documentation only: campaigns.ingest checks the rows).
    For a stored order line every field but order_id and line_id may be left out."""

    order_id = serializers.CharField(max_length=64)
    line_id = serializers.CharField(max_length=64)
    ordered_at = serializers.DateTimeField(
        required=False, help_text="ISO 8601; without an offset it is the brand's local time."
    )
    code = serializers.CharField(required=False, help_text="A tracking code of the brand.")
    sku = serializers.CharField(required=False, help_text="A product SKU of the brand.")
    quantity = serializers.IntegerField(required=False, min_value=1)
    net_amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, help_text="A decimal string, e.g. 129.90."
    )
    currency = serializers.CharField(required=False, help_text="3-letter code, e.g. USD.")
    # Text rather than a choice field: the listed Sale already names this choice set.
    status = serializers.CharField(
        required=False, help_text="pending, confirmed or refunded (the whole line refunded)."
    )
    refunded_at = serializers.DateTimeField(required=False, allow_null=True)
    refunded_amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True
    )


class SnapshotSerializer(serializers.ModelSerializer):
    """A content item's cumulative counters on one day."""

    class Meta:
        model = MetricSnapshot
        fields = ["id", "content", "date", *MetricSnapshot.COUNTERS]
        read_only_fields = fields


class SnapshotRowSerializer(serializers.Serializer):
    """One snapshot sent for import (documentation only). Counters left out keep their stored
    value, or are 0 on a new day."""

    content = serializers.IntegerField(help_text="The content item's id.")
    date = serializers.DateField()
    views = serializers.IntegerField(required=False, min_value=0)
    reach = serializers.IntegerField(required=False, min_value=0)
    impressions = serializers.IntegerField(required=False, min_value=0)
    likes = serializers.IntegerField(required=False, min_value=0)
    comments = serializers.IntegerField(required=False, min_value=0)
    shares = serializers.IntegerField(required=False, min_value=0)
    saves = serializers.IntegerField(required=False, min_value=0)
    clicks = serializers.IntegerField(required=False, min_value=0)
    conversions = serializers.IntegerField(required=False, min_value=0)
    signups = serializers.IntegerField(required=False, min_value=0)


class IngestCountsSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()


REJECTED = OpenApiResponse(
    description='Nothing was written: `{"errors": [{"index": <position in the list, or null>, '
    '"field": <key>, "message": <why>}]}`, every problem of every item.'
)


class SaleFilter(django_filters.FilterSet):
    code = django_filters.CharFilter(
        field_name="tracking_code__code", lookup_expr="iexact", help_text="A tracking code."
    )
    ordered_at = MomentRangeFilter(
        help_text="ordered_at_after and ordered_at_before: ISO 8601 times, both inclusive."
    )

    class Meta:
        model = Sale
        fields = ["code", "ordered_at", "status", "currency"]


class SnapshotFilter(django_filters.FilterSet):
    date = django_filters.DateFromToRangeFilter(help_text="date_after and date_before.")

    class Meta:
        model = MetricSnapshot
        fields = ["content", "date"]


class IngestViewSet(BrandScopedViewSet):
    """Lists the brand's rows; POST imports a list of rows, all or none."""

    http_method_names = ["get", "post", "head", "options"]
    parser_classes = [JSONParser]
    # How many rows a request may carry, in the words of the rows it takes.
    too_many: str

    def import_rows(self, rows: Any) -> ingest.IngestResult:
        raise NotImplementedError

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        rows = request.data
        if isinstance(rows, list) and len(rows) > MAX_ROWS_PER_REQUEST:
            message = self.too_many % {"count": f"{MAX_ROWS_PER_REQUEST:,}"}
            return _rejected([RowError(None, "", message)])
        result = self.import_rows(rows)
        if not result.ok:
            return _rejected(result.errors)
        return Response(result.counts(), status=status.HTTP_200_OK)


def _rejected(errors: list[RowError]) -> Response:
    return Response(
        {
            "errors": [
                {"index": error.line, "field": error.column or None, "message": error.message}
                for error in errors
            ]
        },
        status=status.HTTP_400_BAD_REQUEST,
    )


class SalesFileSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="The sales CSV or a shop's or marketplace's order export, as downloaded."
    )
    format = serializers.ChoiceField(
        choices=ingest.FORMAT_CHOICES,
        required=False,
        default="",
        help_text="The file's layout; left out, it is recognised from the header.",
    )


class ImportJobSerializer(serializers.ModelSerializer):
    class Meta:
        model = ImportJob
        fields = [
            "id",
            "filename",
            "format",
            "status",
            "total_rows",
            "processed_rows",
            "created",
            "updated",
            "unchanged",
            "unattributed",
            "unattributed_lines",
            "errors",
        ]
        read_only_fields = fields


class SaleViewSet(IngestViewSet):
    """Sales of the key's brand (order lines attributed through its tracking codes).

    POST a list of sales in the columns of the sales CSV: new order lines are added, stored
    ones updated (a refund is an update: send order_id, line_id, refunded_at and
    refunded_amount), and the same list sent again changes nothing.
    """

    model = Sale
    serializer_class = SaleSerializer
    filterset_class = SaleFilter
    too_many = gettext_lazy("At most %(count)s sales per request.")

    def get_queryset(self) -> models.QuerySet[Sale]:
        return super().get_queryset().select_related("tracking_code", "product")

    def import_rows(self, rows: Any) -> ingest.IngestResult:
        return ingest.import_sales(rows, brand=self.brand)

    @extend_schema(
        request=SaleRowSerializer(many=True),
        responses={200: IngestCountsSerializer, 400: REJECTED},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().create(request, *args, **kwargs)

    @extend_schema(
        methods=["post"],
        request={"multipart/form-data": SalesFileSerializer},
        responses={201: ImportJobSerializer, 400: REJECTED},
    )
    @action(detail=False, methods=["post"], url_path="files", parser_classes=[MultiPartParser])
    def files(self, request: Request) -> Response:
        """Import a sales file as on /imports/: small files at once, larger ones on the worker
        (the job's status, counts, problems and unattributed lines come back)."""
        upload = ingest.SalesUploadForm(request.data, request.FILES)
        if not upload.is_valid():
            errors = [
                RowError(None, name, message)
                for name, messages in upload.errors.items()
                for message in messages
            ]
            return _rejected(errors)
        job = ingest.create_job(
            brand=self.brand,
            kind=ImportJob.Kind.SALES,
            file=upload.cleaned_data["file"],
            user=request.user,
            format=upload.cleaned_data.get("format", ""),
        )
        job = tasks.start_import(job)
        return Response(ImportJobSerializer(job).data, status=status.HTTP_201_CREATED)


class MetricSnapshotViewSet(IngestViewSet):
    """Metric snapshots of the key's brand's content items: cumulative counters per day.

    POST a list of snapshots: a (content, date) already stored is updated, the same list sent
    again changes nothing.
    """

    model = MetricSnapshot
    serializer_class = SnapshotSerializer
    filterset_class = SnapshotFilter
    too_many = gettext_lazy("At most %(count)s snapshots per request.")

    def import_rows(self, rows: Any) -> ingest.IngestResult:
        return ingest.import_metrics(rows, brand=self.brand)

    @extend_schema(
        request=SnapshotRowSerializer(many=True),
        responses={200: IngestCountsSerializer, 400: REJECTED},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().create(request, *args, **kwargs)


# --- Campaigns, participants and content ----------------------------------------------------
# A campaign carries its targets as one object; participants join through a contract of the
# brand with their promo codes (campaigns.participants); content items are submitted for review
# or, under a contract that needs no approval, recorded as published, and their captions get
# the disclosure check (campaigns.disclosure). Approving happens on the campaign page.


class BrandRowField(serializers.PrimaryKeyRelatedField):
    """A row of the key's brand, by id; another brand's id is as unknown as a made-up one."""

    missing = gettext_lazy("No row with id {pk_value} in this brand.")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.error_messages["does_not_exist"] = self.missing

    def get_queryset(self) -> models.QuerySet:
        brand = self.context.get("brand")
        if brand is None:  # schema generation
            return self.model.objects.none()
        return tenancy.scope_to_brand(self.model.objects.all(), brand)


class BrandContractField(BrandRowField):
    model, missing = Contract, gettext_lazy("No contract with id {pk_value} in this brand.")

    def get_queryset(self) -> models.QuerySet[Contract]:
        return super().get_queryset().select_related("partnership")


class BrandParticipantField(BrandRowField):
    model = Participant
    missing = gettext_lazy("No participant with id {pk_value} in this brand.")

    def get_queryset(self) -> models.QuerySet[Participant]:
        return super().get_queryset().select_related("contract", "campaign")


class BrandDeliverableField(BrandRowField):
    model = Deliverable
    missing = gettext_lazy("No deliverable with id {pk_value} in this brand.")


class TargetsSerializer(serializers.Serializer):
    """What the campaign should reach; null or left out means no target."""

    reach = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    views = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    engagements = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    clicks = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    conversions = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    sales = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        min_value=0,
        required=False,
        allow_null=True,
        help_text="Net sales, in the campaign's currency.",
    )


class MarketsField(CountryListField):
    """Known country codes, each once, stored upper case."""

    def to_internal_value(self, data: Any) -> list[str]:
        codes = super().to_internal_value(data)
        if bad := unknown_countries(codes):
            raise serializers.ValidationError(
                _("Unknown country codes: %(codes)s.") % {"codes": ", ".join(bad)}
            )
        return list(dict.fromkeys(codes))


class CampaignSerializer(serializers.ModelSerializer):
    """A campaign of the key's brand with its targets."""

    platforms = serializers.ListField(
        child=serializers.ChoiceField(choices=Platform.choices), required=False
    )
    markets = MarketsField(required=False, help_text="Country codes, e.g. US, DE.")
    targets = TargetsSerializer(required=False)

    class Meta:
        model = Campaign
        fields = ["id", *CAMPAIGN_FIELDS, "targets", "created_at"]
        read_only_fields = ["id", "created_at"]

    def to_representation(self, instance: Campaign) -> dict:
        data = super().to_representation(instance)
        data["targets"] = TargetsSerializer(
            {name: getattr(instance, f"target_{name}") for name in TARGETS}
        ).data
        return data

    def validate(self, attrs: dict) -> dict:
        """Check the campaign as the model does (dates, platforms, the budget's decimals)."""
        targets = attrs.pop("targets", {})
        attrs.update({f"target_{name}": value for name, value in targets.items()})
        campaign = self.instance or Campaign(brand=self.context["brand"])
        for name, value in attrs.items():
            setattr(campaign, name, value)
        errors = _model_errors(campaign, exclude=["brand"])
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class CodesField(serializers.ListField):
    """A participant's tracking codes as a list of strings."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(child=serializers.CharField(max_length=64), **kwargs)

    def to_representation(self, codes: models.Manager) -> list[str]:
        return [code.code for code in codes.all()]


class ParticipantSerializer(serializers.ModelSerializer):
    """A contract of the brand taking part in the campaign, with its promo codes."""

    contract = BrandContractField(help_text="A contract of your brand.")
    influencer = serializers.CharField(source="contract.partnership.influencer", read_only=True)
    codes = CodesField(
        required=False,
        help_text='Promo codes, unique in the brand, e.g. ["ANNA10"]; stored upper case.',
    )

    class Meta:
        model = Participant
        fields = ["id", "campaign", "contract", "influencer", "codes", "notes", "created_at"]
        read_only_fields = ["id", "campaign", "created_at"]

    def validate(self, attrs: dict) -> dict:
        campaign = self.context["campaign"]
        attrs["codes"] = [TrackingCode.normalise(code) for code in attrs.get("codes", [])]
        errors = {}
        if problem := participants.contract_problem(campaign, attrs["contract"]):
            errors["contract"] = [problem]
        if problems := participants.code_problems(attrs["codes"], brand_id=campaign.brand_id):
            errors["codes"] = problems
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def create(self, validated_data: dict) -> Participant:
        return participants.add(
            self.context["campaign"],
            validated_data["contract"],
            codes=validated_data["codes"],
            notes=validated_data.get("notes", ""),
        )


class ContentSerializer(serializers.ModelSerializer):
    """A content item: submitted for review, or published under a contract that needs no
    approval. Type and platform default to the deliverable's."""

    participant = BrandParticipantField(help_text="A participant of one of your campaigns.")
    deliverable = BrandDeliverableField(
        required=False,
        allow_null=True,
        help_text="The deliverable of the participant's contract the item fulfils.",
    )
    campaign = serializers.IntegerField(source="participant.campaign_id", read_only=True)
    content_type = serializers.ChoiceField(choices=ContentType.choices, required=False)
    platform = serializers.ChoiceField(choices=Platform.choices, required=False)
    status = serializers.ChoiceField(
        choices=ContentItem.Status.choices,
        default=ContentItem.Status.SUBMITTED,
        help_text="submitted, or published (with published_at) when the contract does not "
        "require approval. Approval happens on the campaign page.",
    )
    disclosure_problems = serializers.SerializerMethodField()

    class Meta:
        model = ContentItem
        fields = [
            "id",
            "campaign",
            "participant",
            "deliverable",
            "content_type",
            "platform",
            "url",
            "caption",
            "status",
            "submitted_at",
            "approved_at",
            "published_at",
            "disclosure_ok",
            "disclosure_problems",
        ]
        read_only_fields = ["id", "submitted_at", "approved_at", "disclosure_ok"]

    def get_disclosure_problems(self, item: ContentItem) -> list[str]:
        return item.disclosure_problems.splitlines()

    def validate(self, attrs: dict) -> dict:
        participant, deliverable = attrs["participant"], attrs.get("deliverable")
        errors: dict[str, list[str]] = {}
        for name in ("content_type", "platform"):
            if not attrs.get(name):
                if deliverable is None:
                    errors[name] = [_("Required unless the deliverable is given.")]
                else:
                    attrs[name] = getattr(deliverable, name)
        status = attrs["status"]
        if status in (ContentItem.Status.APPROVED, ContentItem.Status.CHANGES_REQUESTED):
            errors["status"] = [
                _("Content is reviewed on the campaign page; send it as submitted.")
            ]
        elif status == ContentItem.Status.PUBLISHED:
            if participant.contract.approval_required:
                errors["status"] = [
                    _(
                        "The contract requires approval before publishing: send the item as "
                        "submitted and approve it on the campaign page."
                    )
                ]
            elif attrs.get("published_at") and attrs["published_at"] > timezone.now():
                errors["published_at"] = [_("The publishing date is in the future.")]
        item = ContentItem(submitted_at=timezone.now(), **attrs)
        if "status" in errors:
            item.status = ContentItem.Status.SUBMITTED  # its own error says enough
        for name, messages in _model_errors(item, exclude=["submitted_at"]).items():
            errors.setdefault(name, messages)
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def create(self, validated_data: dict) -> ContentItem:
        item = ContentItem(submitted_at=timezone.now(), **validated_data)
        disclosure.recheck(item)
        with transaction.atomic():
            item.save()
            if item.status == ContentItem.Status.PUBLISHED:
                ContentComment.objects.create(
                    content=item,
                    body=_("Recorded as published through the API."),
                    status=item.status,
                )
        return item


def _model_errors(row: models.Model, *, exclude: list[str]) -> dict[str, Any]:
    """The row's full_clean() errors keyed as the API names the fields: a campaign's targets
    under "targets"."""
    errors: dict[str, Any] = {}
    for name, messages in model_errors(row, exclude=exclude).items():
        if name.startswith("target_"):
            errors.setdefault("targets", {})[name.removeprefix("target_")] = messages
        else:
            errors[name] = messages
    return errors


class CampaignFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Campaign
        fields = ["objective", "name"]


class CampaignViewSet(BrandScopedViewSet):
    """Campaigns of the key's brand, with their targets; participants join at
    `/campaigns/<id>/participants/`.

    There is no DELETE: a campaign's sales and statements keep pointing at it.
    """

    model = Campaign
    serializer_class = CampaignSerializer
    filterset_class = CampaignFilter
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    parser_classes = [JSONParser]

    def get_queryset(self) -> models.QuerySet[Campaign]:
        return super().get_queryset().order_by("-start", "name", "pk")

    @extend_schema(
        methods=["POST"],
        request=ParticipantSerializer,
        responses={201: ParticipantSerializer, 400: REJECTED},
    )
    @extend_schema(methods=["GET"], responses={200: ParticipantSerializer(many=True)})
    @action(detail=True, methods=["get", "post"], serializer_class=ParticipantSerializer)
    def participants(self, request: Request, pk: str | None = None) -> Response:
        """GET the campaign's participants with their codes; POST adds a contract of the brand
        with its codes, all or nothing."""
        campaign = self.get_object()
        if request.method == "GET":
            rows = (
                campaign.participants.select_related("contract__partnership__influencer")
                .prefetch_related("codes")
                .order_by("pk")
            )
            page = self.paginate_queryset(rows)
            return self.get_paginated_response(ParticipantSerializer(page, many=True).data)
        serializer = ParticipantSerializer(
            data=request.data, context={**self.get_serializer_context(), "campaign": campaign}
        )
        serializer.is_valid(raise_exception=True)
        participant = serializer.save()
        return Response(ParticipantSerializer(participant).data, status=status.HTTP_201_CREATED)


class ContentFilter(django_filters.FilterSet):
    campaign = django_filters.NumberFilter(
        field_name="participant__campaign", help_text="Campaign id."
    )

    class Meta:
        model = ContentItem
        fields = ["campaign", "participant", "status", "platform"]


class ContentViewSet(BrandScopedViewSet):
    """Content items of the key's brand's campaigns, with their disclosure check."""

    model = ContentItem
    serializer_class = ContentSerializer
    filterset_class = ContentFilter
    http_method_names = ["get", "post", "head", "options"]
    parser_classes = [JSONParser]

    def get_queryset(self) -> models.QuerySet[ContentItem]:
        return super().get_queryset().select_related("participant").order_by("-submitted_at", "-pk")

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        serializer.save()  # the brand comes with the participant


# --- Shipments ------------------------------------------------------------------------------
# A product-seeding shipment to a participant, with its items; its status only moves by the
# rules of campaigns.shipping (move/), which date the shipping and the delivery.


class ShipmentItemSerializer(serializers.ModelSerializer):
    product = BrandProductField(help_text="The product's SKU.")

    class Meta:
        model = ShipmentItem
        fields = SHIPMENT_ITEM_FIELDS


class ShipmentSerializer(serializers.ModelSerializer):
    participant = BrandParticipantField()
    items = ShipmentItemSerializer(many=True, required=False)

    class Meta:
        model = Shipment
        # The influencer's feedback on the products is recorded through the API only.
        fields = ["id", "participant", *SHIPMENT_FIELDS, "feedback", "items"]
        read_only_fields = ["status", "shipped_on", "delivered_on"]

    def validate(self, attrs: dict) -> dict:
        items = attrs.pop("items", None)
        shipment = self.instance or Shipment()
        for name, value in attrs.items():
            setattr(shipment, name, value)
        if errors := model_errors(shipment, exclude=["ship_by"]):
            raise serializers.ValidationError(errors)
        if items is not None:
            attrs["items"] = items
        return attrs

    @transaction.atomic
    def create(self, validated_data: dict) -> Shipment:
        items = validated_data.pop("items", [])
        shipment = Shipment.objects.create(**validated_data)
        ShipmentItem.objects.bulk_create(ShipmentItem(shipment=shipment, **item) for item in items)
        return shipment

    @transaction.atomic
    def update(self, instance: Shipment, validated_data: dict) -> Shipment:
        items = validated_data.pop("items", None)
        shipment = super().update(instance, validated_data)
        if items is not None:  # the items are replaced whole
            shipment.items.all().delete()
            ShipmentItem.objects.bulk_create(
                ShipmentItem(shipment=shipment, **item) for item in items
            )
        return shipment


class ShipmentMoveSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Shipment.Status.choices)
    on = serializers.DateField(
        required=False, help_text="The day it was shipped or delivered (those moves need it)."
    )


class ShipmentViewSet(BrandScopedViewSet):
    """Product-seeding shipments of the brand's campaigns, with their items. The status moves
    with move/ (requested → preparing → shipped → delivered, or returned or lost), which
    dates the shipping and the delivery."""

    model = Shipment
    serializer_class = ShipmentSerializer
    filterset_fields = ["participant", "status"]
    parser_classes = [JSONParser]

    def get_queryset(self) -> models.QuerySet[Shipment]:
        return super().get_queryset().prefetch_related("items__product").order_by("-pk")

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        serializer.save()

    @extend_schema(
        request=ShipmentMoveSerializer, responses={200: ShipmentSerializer, 400: REJECTED}
    )
    @action(detail=True, methods=["post"])
    def move(self, request: Request, pk: str | None = None) -> Response:
        shipment = self.get_object()
        asked = ShipmentMoveSerializer(data=request.data)
        asked.is_valid(raise_exception=True)
        moved = shipping.move(
            shipment,
            asked.validated_data["status"],
            on=asked.validated_data.get("on"),
            today=self.brand.today(timezone.now()),
        )
        return Response(ShipmentSerializer(moved, context=self.get_serializer_context()).data)
