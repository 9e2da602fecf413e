from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from campaigns import approval, disclosure, ingest, participants, roi, shipping, tasks
from campaigns.forms import CampaignPlanForm
from campaigns.models import (
    SHIPMENT_FIELDS,
    SHIPMENT_ITEM_FIELDS,
    BrandMetrics,
    Campaign,
    ContentComment,
    ContentItem,
    DailySummary,
    ImportJob,
    MetricSnapshot,
    Participant,
    Sale,
    Shipment,
    ShipmentItem,
    ShopWebhook,
    TrackingCode,
    WebhookDelivery,
)
from partnerships import formatting, freshness, tenancy
from partnerships.admin import (
    BRAND_FILTER,
    BrandScopedAdmin,
    BrandScopedInline,
    BrandUploadForm,
    CsvImportAdminMixin,
    ReadOnlyMixin,
)
from partnerships.csv_files import Column

# --- Campaigns, participants, content and shipments ------------------------------------------
# Content moves only through campaigns.approval and shipments through campaigns.shipping (the
# actions below), so the disclosure rule and the dates always hold; tracking codes are checked
# for their brand here because the form cannot see the brand the code is copied into.

PARTICIPANT_BRAND_FILTER = ("campaign__brand", admin.RelatedOnlyFieldListFilter)
ROW_BRAND_FILTER = ("participant__campaign__brand", admin.RelatedOnlyFieldListFilter)
CAMPAIGN_FILTER = ("participant__campaign", admin.RelatedOnlyFieldListFilter)
HTTPS = {models.URLField: {"assume_scheme": "https"}}


def _influencer(participant: Participant) -> str:
    return str(participant.contract.partnership.influencer)


class ParticipantAdminForm(forms.ModelForm):
    """A participant's contract belongs to its campaign's brand. On a campaign's add page the
    campaign is not saved yet, so the model's own check cannot see it: this one can."""

    class Meta:
        model = Participant
        fields = ["campaign", "contract", "notes"]

    def clean(self) -> dict:
        cleaned = super().clean()
        campaign, contract = cleaned.get("campaign"), cleaned.get("contract")
        if (
            campaign
            and contract
            and campaign.brand_id
            and contract.partnership.brand_id != campaign.brand_id
        ):
            self.add_error("contract", _("This contract belongs to another brand."))
        return cleaned


class ParticipantInline(BrandScopedInline):
    model = Participant
    form = ParticipantAdminForm
    fields = ["contract", "notes", "tracking_codes"]
    readonly_fields = ["tracking_codes"]
    autocomplete_fields = ["contract"]
    show_change_link = True

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Participant]:
        return super().get_queryset(request).prefetch_related("codes")

    @admin.display(description=gettext_lazy("tracking codes"))
    def tracking_codes(self, obj: Participant) -> str:
        return ", ".join(code.code for code in obj.codes.all()) or "—"


@admin.register(Campaign)
class CampaignAdmin(BrandScopedAdmin):
    form = CampaignPlanForm
    list_display = ["name", "objective", "start", "end", "budget", "currency", "brand"]
    list_filter = [BRAND_FILTER, "objective", "currency"]
    search_fields = ["name", "description"]
    date_hierarchy = "start"
    inlines = [ParticipantInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "brand",
                    "name",
                    "objective",
                    "description",
                    ("start", "end"),
                    ("budget", "currency"),
                    "platforms",
                    "markets",
                ]
            },
        ),
        (
            gettext_lazy("Targets"),
            {
                "fields": [
                    ("target_reach", "target_views", "target_engagements"),
                    ("target_clicks", "target_conversions", "target_sales"),
                ]
            },
        ),
    ]

    def get_readonly_fields(self, request: HttpRequest, obj: Campaign | None = None) -> list:
        # Its participants' contracts and codes belong to this brand.
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "brand"] if obj else fields


class TrackingCodeAdminForm(forms.ModelForm):
    """A code in upper case, unique in its participant's brand."""

    url = forms.URLField(
        required=False,
        assume_scheme="https",
        label=gettext_lazy("URL"),
        help_text=gettext_lazy("For link codes."),
    )

    class Meta:
        model = TrackingCode
        fields = ["participant", "code", "kind", "url"]

    def clean_code(self) -> str:
        # The model checks how it is written; its brand is checked here, the form being blind
        # to the brand the code is copied into.
        return TrackingCode.normalise(self.cleaned_data["code"])

    def clean(self) -> dict:
        cleaned = super().clean()
        participant = cleaned.get("participant")
        code = cleaned.get("code")
        campaign = getattr(participant, "campaign", None)
        if code and campaign is not None and campaign.brand_id:
            used = participants.taken([code], brand_id=campaign.brand_id)
            if used.exclude(pk=self.instance.pk).exists():
                self.add_error(
                    "code", _("%(code)s is already used in this brand.") % {"code": code}
                )
        return cleaned


class TrackingCodeFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        rows = [
            form
            for form in self.forms
            if (form.cleaned_data or {}).get("code") and not form.cleaned_data.get("DELETE")
        ]
        for position in participants.listed_twice([form.cleaned_data["code"] for form in rows]):
            form = rows[position]
            form.add_error(
                "code", _("%(code)s is listed twice.") % {"code": form.cleaned_data["code"]}
            )


class TrackingCodeInline(BrandScopedInline):
    formfield_overrides = HTTPS
    model = TrackingCode
    form = TrackingCodeAdminForm
    formset = TrackingCodeFormSet
    fields = ["code", "kind", "url"]


class ContentItemInline(BrandScopedInline):
    """Content of a participant; it is reviewed on its own page or the campaign page."""

    formfield_overrides = HTTPS

    model = ContentItem
    fields = [
        "deliverable",
        "content_type",
        "platform",
        "url",
        "submitted_at",
        "status",
        "disclosure_ok",
    ]
    readonly_fields = ["status", "disclosure_ok"]
    show_change_link = True


class ShipmentInline(BrandScopedInline):
    model = Shipment
    fields = SHIPMENT_FIELDS
    readonly_fields = ["status"]
    show_change_link = True


@admin.register(Participant)
class ParticipantAdmin(BrandScopedAdmin):
    form = ParticipantAdminForm
    list_display = ["influencer", "campaign", "contract", "tracking_codes", "created_at"]
    list_filter = [PARTICIPANT_BRAND_FILTER, ("campaign", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["campaign", "contract__partnership__influencer"]
    search_fields = [
        "contract__partnership__influencer__name",
        "contract__title",
        "campaign__name",
        "codes__code",
    ]
    autocomplete_fields = ["campaign", "contract"]
    inlines = [TrackingCodeInline, ContentItemInline, ShipmentInline]

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Participant]:
        return super().get_queryset(request).prefetch_related("codes")

    def get_readonly_fields(self, request: HttpRequest, obj: Participant | None = None) -> list:
        # Codes, content and sales hang off the pair.
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "campaign", "contract"] if obj else fields

    def save_formset(self, request: HttpRequest, form, formset, change: bool) -> None:
        if formset.model is ContentItem:
            for item in formset.save(commit=False):
                item.participant = form.instance
                disclosure.recheck(item)
                item.save()
            for item in formset.deleted_objects:
                item.delete()
            return
        super().save_formset(request, form, formset, change)

    @admin.display(
        description=gettext_lazy("influencer"), ordering="contract__partnership__influencer__name"
    )
    def influencer(self, obj: Participant) -> str:
        return _influencer(obj)

    @admin.display(description=gettext_lazy("tracking codes"))
    def tracking_codes(self, obj: Participant) -> str:
        return ", ".join(code.code for code in obj.codes.all()) or "—"


@admin.register(TrackingCode)
class TrackingCodeAdmin(BrandScopedAdmin):
    formfield_overrides = HTTPS
    form = TrackingCodeAdminForm
    list_display = ["code", "kind", "influencer", "campaign", "brand"]
    list_filter = [BRAND_FILTER, "kind"]
    list_select_related = [
        "brand",
        "participant__campaign",
        "participant__contract__partnership__influencer",
    ]
    search_fields = ["code", "participant__contract__partnership__influencer__name"]
    autocomplete_fields = ["participant"]

    def get_readonly_fields(self, request: HttpRequest, obj: TrackingCode | None = None) -> list:
        # Sales arrive with nothing but the code: a code with sales keeps its text and owner.
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.sales.exists():
            return [*fields, "participant", "code"]
        return fields

    @admin.display(description=gettext_lazy("influencer"))
    def influencer(self, obj: TrackingCode) -> str:
        return _influencer(obj.participant)

    @admin.display(description=gettext_lazy("campaign"), ordering="participant__campaign__name")
    def campaign(self, obj: TrackingCode) -> str:
        return str(obj.participant.campaign)


class ContentCommentInline(BrandScopedInline):
    model = ContentComment
    fields = ["created_at", "author", "status", "body"]
    readonly_fields = ["created_at", "author", "status"]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2})}}

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False  # the thread is a record; new comments may be added

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False


@admin.register(ContentItem)
class ContentItemAdmin(BrandScopedAdmin):
    formfield_overrides = HTTPS
    list_display = [
        "__str__",
        "influencer",
        "campaign",
        "status",
        "disclosure_ok",
        "submitted_at",
        "approved_at",
        "published_at",
    ]
    list_filter = [
        "status",
        "disclosure_ok",
        "platform",
        "content_type",
        CAMPAIGN_FILTER,
        ("participant__campaign__brand", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = [
        "participant__campaign",
        "participant__contract__partnership__influencer",
    ]
    search_fields = [
        "caption",
        "url",
        "participant__contract__partnership__influencer__name",
        "participant__campaign__name",
    ]
    date_hierarchy = "submitted_at"
    autocomplete_fields = ["participant"]
    inlines = [ContentCommentInline]
    actions = ["approve"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "participant",
                    "deliverable",
                    ("content_type", "platform"),
                    "url",
                    "caption",
                    "draft_file",
                ]
            },
        ),
        (
            gettext_lazy("Review"),
            {
                "fields": [
                    "status",
                    "submitted_at",
                    ("approved_at", "approved_by"),
                    "published_at",
                ]
            },
        ),
        (
            gettext_lazy("Disclosure"),
            {
                "fields": [
                    "disclosure_ok",
                    "disclosure_problems",
                    "disclosure_override_reason",
                    "disclosure_override_by",
                ]
            },
        ),
    ]
    readonly_fields = [
        "status",
        "approved_at",
        "approved_by",
        "published_at",
        "disclosure_ok",
        "disclosure_problems",
        "disclosure_override_by",
    ]

    def get_readonly_fields(self, request: HttpRequest, obj: ContentItem | None = None) -> list:
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "participant"] if obj else fields

    def save_model(self, request: HttpRequest, obj: ContentItem, form, change: bool) -> None:
        disclosure.recheck(obj)
        if "disclosure_override_reason" in form.changed_data:
            approval.override(obj, by=request.user, reason=obj.disclosure_override_reason)
        else:
            super().save_model(request, obj, form, change)

    def save_formset(self, request: HttpRequest, form, formset, change: bool) -> None:
        for comment in formset.save(commit=False):
            comment.author = comment.author or request.user
            comment.save()

    @admin.display(description=gettext_lazy("influencer"))
    def influencer(self, obj: ContentItem) -> str:
        return _influencer(obj.participant)

    @admin.display(description=gettext_lazy("campaign"), ordering="participant__campaign__name")
    def campaign(self, obj: ContentItem) -> str:
        return str(obj.participant.campaign)

    @admin.action(description=gettext_lazy("Approve the selected content"), permissions=["change"])
    def approve(self, request: HttpRequest, queryset: models.QuerySet[ContentItem]) -> None:
        """Approve each item through the workflow; an item whose caption fails the disclosure
        check (and has no override reason) stays as it is, and the message says which."""
        now = timezone.now()
        approved = 0
        items = queryset.select_related("participant__contract__partnership__influencer")
        for item in items.order_by("pk"):
            try:
                approval.move(item, ContentItem.Status.APPROVED, by=request.user, now=now)
            except ValidationError as error:
                who = _influencer(item.participant)
                self.message_user(
                    request,
                    _("“%(item)s” by %(who)s (#%(pk)s) was not approved: %(reason)s")
                    % {"item": item, "who": who, "pk": item.pk, "reason": " ".join(error.messages)},
                    messages.ERROR,
                )
            else:
                approved += 1
        if approved:
            message = ngettext(
                "%(count)s content item approved.", "%(count)s content items approved.", approved
            )
            self.message_user(request, message % {"count": approved}, messages.SUCCESS)


class ShipmentItemAdminForm(forms.ModelForm):
    class Meta:
        model = ShipmentItem
        fields = SHIPMENT_ITEM_FIELDS

    def clean(self) -> dict:
        cleaned = super().clean()
        product = cleaned.get("product")
        try:
            campaign = self.instance.shipment.participant.campaign
        except ObjectDoesNotExist:  # the shipment's own form has the problem
            campaign = None
        if product and campaign is not None and product.brand_id != campaign.brand_id:
            self.add_error("product", _("This product belongs to another brand."))
        return cleaned


class ShipmentItemInline(BrandScopedInline):
    model = ShipmentItem
    form = ShipmentItemAdminForm
    fields = SHIPMENT_ITEM_FIELDS
    autocomplete_fields = ["product"]


class LateFilter(admin.SimpleListFilter):
    title = "late"
    parameter_name = "late"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return [("yes", _("Late")), ("no", _("On time"))]

    def queryset(self, request: HttpRequest, queryset: models.QuerySet) -> models.QuerySet:
        late = Shipment.late(timezone.localdate())
        if self.value() == "yes":
            return queryset.filter(late)
        if self.value() == "no":
            return queryset.exclude(late)
        return queryset


@admin.register(Shipment)
class ShipmentAdmin(BrandScopedAdmin):
    list_display = [
        "__str__",
        "campaign",
        "status",
        "requested_on",
        "ship_by",
        "late",
        "shipped_on",
        "delivered_on",
        "carrier",
        "tracking_number",
    ]
    list_filter = ["status", LateFilter, "carrier", CAMPAIGN_FILTER, ROW_BRAND_FILTER]
    list_select_related = [
        "participant__campaign__brand",
        "participant__contract__partnership__influencer",
    ]
    search_fields = [
        "tracking_number",
        "participant__contract__partnership__influencer__name",
        "participant__campaign__name",
    ]
    date_hierarchy = "requested_on"
    autocomplete_fields = ["participant"]
    fields = ["participant", *SHIPMENT_FIELDS, "feedback", "ship_by"]
    readonly_fields = ["ship_by"]
    inlines = [ShipmentItemInline]
    actions = ["mark_shipped", "mark_delivered"]

    @admin.display(description=gettext_lazy("campaign"), ordering="participant__campaign__name")
    def campaign(self, obj: Shipment) -> str:
        return str(obj.participant.campaign)

    @admin.display(description=gettext_lazy("late"), boolean=True)
    def late(self, obj: Shipment) -> bool:
        return obj.is_late(obj.participant.campaign.brand.today(timezone.now()))

    @admin.action(
        description=gettext_lazy("Mark the selected shipments shipped today"),
        permissions=["change"],
    )
    def mark_shipped(self, request: HttpRequest, queryset: models.QuerySet[Shipment]) -> None:
        self._move(request, queryset, Shipment.Status.SHIPPED)

    @admin.action(
        description=gettext_lazy("Mark the selected shipments delivered today"),
        permissions=["change"],
    )
    def mark_delivered(self, request: HttpRequest, queryset: models.QuerySet[Shipment]) -> None:
        self._move(request, queryset, Shipment.Status.DELIVERED)

    def _move(self, request: HttpRequest, queryset: models.QuerySet[Shipment], to: str) -> None:
        moved, now = 0, timezone.now()
        shipments = queryset.select_related(
            "participant__campaign__brand", "participant__contract__partnership__influencer"
        )
        for shipment in shipments.order_by("pk"):
            today = shipment.participant.campaign.brand.today(now)
            try:
                shipping.move(shipment, to, on=today, today=today)
            except ValidationError as error:
                self.message_user(
                    request,
                    _("%(shipment)s (#%(pk)s) was not changed: %(reason)s")
                    % {"shipment": shipment, "pk": shipment.pk, "reason": " ".join(error.messages)},
                    messages.ERROR,
                )
            else:
                moved += 1
        if moved:
            message = ngettext(
                "%(count)s shipment marked %(status)s.",
                "%(count)s shipments marked %(status)s.",
                moved,
            ) % {"count": moved, "status": Shipment.Status(to).label.lower()}
            self.message_user(request, message, messages.SUCCESS)


# --- Sales, metric snapshots and their imports ---------------------------------------------
# Sales and snapshots arrive through campaigns.ingest (files, the API, the buttons below), which
# checks every row; here they are read, and a sale's status is the only thing changed by hand.


class IngestUploadForm(BrandUploadForm, ingest.UploadForm):
    """A metrics file, into one of the user's brands."""


class SalesIngestUploadForm(BrandUploadForm, ingest.SalesUploadForm):
    """A sales file or order export, into one of the user's brands."""


class IngestAdminMixin(CsvImportAdminMixin):
    """The "Import CSV" page of sales or metric snapshots. The upload becomes an ImportJob of
    one of the brands the user edits: imported at once when small, by a worker otherwise."""

    import_template = "admin/campaigns/import_csv.html"
    ingest_kind: str
    ingest_columns: tuple[Column, ...]
    ingest_example: str

    def may_import(self, request: HttpRequest) -> bool:
        return self._may_change(request, None)

    def import_csv(self, request: HttpRequest) -> HttpResponse:
        if not self.may_import(request):
            raise PermissionDenied
        upload = (
            SalesIngestUploadForm if self.ingest_kind == ImportJob.Kind.SALES else IngestUploadForm
        )
        form = upload(request.POST or None, request.FILES or None, user=request.user)
        job = None
        if form.is_bound and form.is_valid():
            job = ingest.create_job(
                brand=form.cleaned_data["brand"],
                kind=self.ingest_kind,
                file=form.cleaned_data["file"],
                user=request.user,
                format=form.cleaned_data.get("format", ""),
            )
            job = tasks.start_import(job)
            if job.status == ImportJob.Status.DONE:
                message = _("%(brand)s: %(filename)s imported: %(summary)s") % {
                    "brand": job.brand,
                    "filename": job.filename,
                    "summary": job.summary(),
                }
                self.message_user(request, message, messages.SUCCESS)
                return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
            if job.status != ImportJob.Status.FAILED:
                self.message_user(
                    request,
                    _("%(filename)s is imported in the background; this page shows how far it got.")
                    % {"filename": job.filename},
                    messages.INFO,
                )
                return redirect("admin:campaigns_importjob_change", job.pk)
        return self.import_page(
            request,
            title=_("Import %(things)s CSV") % {"things": self.opts.verbose_name_plural},
            form=form,
            job=job,
            columns=self.ingest_columns,
            example=self.ingest_example,
            example_name=f"{self.ingest_kind}-example.csv",
        )


class SaleAdminForm(forms.ModelForm):
    class Meta:
        model = Sale
        fields = ["status"]

    def clean_status(self) -> str:
        status = self.cleaned_data["status"]
        sale = self.instance
        if problem := Sale.status_problem(
            status,
            net_amount=sale.net_amount,
            refunded_amount=sale.refunded_amount,
            currency=sale.currency,
        ):
            raise forms.ValidationError(problem)
        return status


@admin.register(Sale)
class SaleAdmin(IngestAdminMixin, BrandScopedAdmin):
    form = SaleAdminForm
    list_display = [
        "order_id",
        "line_id",
        "ordered_at",
        "tracking_code",
        "sku",
        "quantity",
        "net_amount",
        "currency",
        "status",
        "refunded_amount",
        "brand",
    ]
    list_filter = ["status", "currency", BRAND_FILTER]
    search_fields = ["order_id", "tracking_code__code"]
    date_hierarchy = "ordered_at"
    list_select_related = ["tracking_code", "product", "brand"]
    fields = [
        "brand",
        "order_id",
        "line_id",
        "ordered_at",
        "tracking_code",
        "product",
        "quantity",
        "net_amount",
        "currency",
        "status",
        "refunded_at",
        "refunded_amount",
        "created_at",
        "updated_at",
    ]
    readonly_fields = [name for name in fields if name != "status"]
    ingest_kind = ImportJob.Kind.SALES
    ingest_columns = ingest.SALES_COLUMNS
    ingest_example = ingest.SALES_EXAMPLE

    def has_add_permission(self, request: HttpRequest, *args: object) -> bool:
        return False  # sales come in through imports, which check them

    def has_delete_permission(self, request: HttpRequest, obj: Sale | None = None) -> bool:
        return False  # settled statements point at their sales

    @admin.display(description=gettext_lazy("SKU"), ordering="product__sku")
    def sku(self, obj: Sale) -> str:
        return obj.product.sku

    def save_model(self, request: HttpRequest, obj: Sale, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        # A confirmed or pending sale changes revenue from its order's day.
        freshness.figures_changed(obj.brand_id, obj.ordered_at)


@admin.register(MetricSnapshot)
class MetricSnapshotAdmin(IngestAdminMixin, BrandScopedAdmin):
    list_display = ["content_id", "content", "campaign", "date", *MetricSnapshot.COUNTERS]
    list_display_links = ["content_id", "content"]
    list_filter = [
        ("content__participant__campaign__brand", admin.RelatedOnlyFieldListFilter),
        ("content__participant__campaign", admin.RelatedOnlyFieldListFilter),
        "date",
    ]
    search_fields = ["content__url", "content__participant__campaign__name"]
    date_hierarchy = "date"
    list_select_related = ["content__participant__campaign"]
    raw_id_fields = ["content"]
    ingest_kind = ImportJob.Kind.METRICS
    ingest_columns = ingest.METRICS_COLUMNS
    ingest_example = ingest.METRICS_EXAMPLE

    def get_readonly_fields(
        self, request: HttpRequest, obj: MetricSnapshot | None = None
    ) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "content", "date"] if obj else fields

    @admin.display(description=gettext_lazy("content id"), ordering="content_id")
    def content_id(self, obj: MetricSnapshot) -> int:
        return obj.content_id

    @admin.display(
        description=gettext_lazy("campaign"), ordering="content__participant__campaign__name"
    )
    def campaign(self, obj: MetricSnapshot) -> str:
        return str(obj.content.participant.campaign)


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyMixin, BrandScopedAdmin):
    list_display = [
        "filename",
        "kind",
        "status",
        "created",
        "updated",
        "unchanged",
        "problems",
        "created_by",
        "created_at",
        "brand",
    ]
    list_filter = ["kind", "status", BRAND_FILTER]
    search_fields = ["filename"]
    date_hierarchy = "created_at"
    list_select_related = ["brand", "created_by"]
    fields = [
        "brand",
        "kind",
        "filename",
        "file",
        "status",
        "progress",
        "total_rows",
        "processed_rows",
        "created",
        "updated",
        "unchanged",
        "format",
        "unattributed",
        "unattributed_list",
        "created_by",
        "created_at",
        "queued_at",
        "started_at",
        "attempts",
        "finished_at",
        "error_list",
    ]
    readonly_fields = fields
    shown_errors = 500
    actions = ["retry"]

    @admin.action(description=gettext_lazy("Retry the selected imports"), permissions=["retry"])
    def retry(self, request: HttpRequest, queryset: models.QuerySet[ImportJob]) -> None:
        editable = queryset.filter(brand__in=tenancy.brands_of(request.user, self.change_roles))
        retried = tasks.retry_imports(editable)
        self.message_user(
            request,
            ngettext(
                "%(count)s import queued again; imported files are left as they are.",
                "%(count)s imports queued again; imported files are left as they are.",
                retried,
            )
            % {"count": retried},
            messages.SUCCESS,
        )

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return self._may_change(request, None)

    @admin.display(description=gettext_lazy("problems"))
    def problems(self, obj: ImportJob) -> int:
        return len(obj.errors)

    @admin.display(description=gettext_lazy("progress"))
    def progress(self, obj: ImportJob) -> str:
        return formatting.format_percent(Decimal(obj.progress) / 100, places=0)

    @admin.display(description=gettext_lazy("unattributed lines"))
    def unattributed_list(self, obj: ImportJob) -> str:
        if not obj.unattributed_lines:
            return "—"
        rows = ((line["line"], line["order"], line["reason"]) for line in obj.unattributed_lines)
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            _("Line"),
            _("Order"),
            _("Why"),
            format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td></tr>", rows),
        )

    @admin.display(description=gettext_lazy("errors"))
    def error_list(self, obj: ImportJob) -> str:
        if not obj.errors:
            return "—"
        rows = (
            (
                "—" if error.get("line") is None else error["line"],
                error.get("field") or "—",
                error.get("message", ""),
            )
            for error in obj.errors[: self.shown_errors]
        )
        more = len(obj.errors) - self.shown_errors
        return format_html(
            '<p><a href="{}">{}</a>{}</p>'
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            reverse("import_errors", args=[obj.pk]),
            _("Download all %(count)s as CSV") % {"count": len(obj.errors)},
            _("; the first %(count)s are below.") % {"count": self.shown_errors}
            if more > 0
            else "",
            _("Line"),
            _("Column"),
            _("Reason"),
            format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td></tr>", rows),
        )


@admin.register(ShopWebhook)
class ShopWebhookAdmin(BrandScopedAdmin):
    """Where a shop sends its orders: the address to give it is on the change page."""

    list_display = ["__str__", "kind", "brand", "created_at"]
    list_filter = ["kind", BRAND_FILTER]
    fields = ["brand", "kind", "shop_domain", "secret", "address"]
    readonly_fields = ["address"]

    @admin.display(description=gettext_lazy("address to give the shop"))
    def address(self, obj: ShopWebhook) -> str:
        if obj.pk is None:
            return _("Shown once saved.")
        if obj.kind == ShopWebhook.Kind.SHOPIFY:
            return reverse("webhook_shopify")
        return reverse("webhook_sales", args=[obj.pk])


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyMixin, BrandScopedAdmin):
    list_display = [
        "delivery_id",
        "topic",
        "order_ref",
        "status",
        "created",
        "updated",
        "unchanged",
        "unattributed",
        "received_at",
    ]
    list_filter = ["status", "topic"]
    list_select_related = ["webhook__brand"]
    search_fields = ["delivery_id", "order_ref"]


@admin.register(BrandMetrics)
class BrandMetricsAdmin(BrandScopedAdmin):
    list_display = ["brand", "reference_cpm", "refreshed_at", "refreshed_from"]
    readonly_fields = ["refreshed_at", "refreshed_from"]
    actions = ["refresh_now"]

    @admin.action(description=gettext_lazy("Refresh the figures of the selected brands now"))
    def refresh_now(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        brands = [state.brand for state in queryset.select_related("brand")]
        rows = roi.refresh_all(now=timezone.now(), brands=brands)
        message = ngettext(
            "%(count)s daily summary row written.", "%(count)s daily summary rows written.", rows
        )
        self.message_user(request, message % {"count": rows}, messages.SUCCESS)


@admin.register(DailySummary)
class DailySummaryAdmin(ReadOnlyMixin, BrandScopedAdmin):
    """What the pages add up, to trace a figure to its day; written only by the refresh."""

    list_display = [
        "day",
        "influencer",
        "campaign",
        "method",
        "currency",
        "statement_cost",
        "seeding_cost",
        "revenue",
        "cogs",
        "orders",
        "views",
        "brand",
    ]
    list_filter = [BRAND_FILTER, "method", "currency"]
    list_select_related = ["brand", "influencer", "campaign"]
    search_fields = ["influencer__name", "contract__title", "campaign__name"]
    date_hierarchy = "day"
