"""Partnerships, contracts and what hangs off a contract in the admin, scoped to the user's brands.

A contract's status moves only through `contracts.workflow` (the Sign, Activate, Complete and
Terminate actions), never by editing the field, so the checks before signing always run. Every
change to a contract, its terms and deliverables is kept by django-simple-history with the admin
user as its author; the history pages are scoped like the change pages.
"""

import itertools
from collections.abc import Callable, Iterable

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from contracts import deals, payouts, statement_export, wording, workflow
from contracts.forms import (
    METHOD_SECTIONS,
    TIERS_HELP,
    PartnershipForm,
    PaymentForm,
    TiersField,
    formset_rows,
)
from contracts.models import (
    CONTRACT_SECTIONS,
    DELIVERABLE_FIELDS,
    JOINT_BRAND_FIELDS,
    PRICE_FIELDS,
    STATEMENT_FIELDS,
    TERM_FORM_FIELDS,
    Acceptance,
    CompensationTerm,
    Contract,
    Deliverable,
    DistributorOrder,
    DistributorPrice,
    JointBrand,
    Meeting,
    Message,
    NextStep,
    Partnership,
    PayoutDetails,
    Statement,
    StatementLine,
)
from contracts.templatetags import statements
from partnerships import csv_downloads, tenancy
from partnerships.admin import (
    BRAND_FILTER,
    BrandScopedAdmin,
    BrandScopedInline,
    BrandScopedMixin,
    ReadOnlyMixin,
)
from partnerships.models import Membership

CONTRACT_BRAND_FILTER = ("partnership__brand", admin.RelatedOnlyFieldListFilter)
ROW_BRAND_FILTER = ("contract__partnership__brand", admin.RelatedOnlyFieldListFilter)
SHORT_JSON = {models.JSONField: {"widget": forms.Textarea(attrs={"rows": 1, "cols": 30})}}
CSV_COLUMNS = [
    "id",
    "brand",
    "influencer",
    "title",
    "method",
    "status",
    "start",
    "end",
    "currency",
    "settlement_period",
    "hold_days",
    "minimum_payout",
    "payment_terms_days",
    "exclusivity",
    "terms",
    "deliverables",
    "signed_at",
]


# What a status action says of a refused contract, and of those it moved.
CONTRACT_MOVES = {
    Contract.Status.SIGNED: (
        gettext_lazy("“%(contract)s” was not signed: %(reason)s"),
        ngettext_lazy("%(count)d contract signed.", "%(count)d contracts signed.", "count"),
    ),
    Contract.Status.ACTIVE: (
        gettext_lazy("“%(contract)s” was not activated: %(reason)s"),
        ngettext_lazy("%(count)d contract activated.", "%(count)d contracts activated.", "count"),
    ),
    Contract.Status.COMPLETED: (
        gettext_lazy("“%(contract)s” was not completed: %(reason)s"),
        ngettext_lazy("%(count)d contract completed.", "%(count)d contracts completed.", "count"),
    ),
    Contract.Status.TERMINATED: (
        gettext_lazy("“%(contract)s” was not terminated: %(reason)s"),
        ngettext_lazy("%(count)d contract terminated.", "%(count)d contracts terminated.", "count"),
    ),
}
STATEMENT_MOVES = {
    "approve": (
        gettext_lazy("“%(statement)s” was not approved: %(reason)s"),
        ngettext_lazy("%(count)d statement approved.", "%(count)d statements approved.", "count"),
    ),
    "pay": (
        gettext_lazy("“%(statement)s” was not marked paid: %(reason)s"),
        ngettext_lazy(
            "%(count)d statement marked paid.", "%(count)d statements marked paid.", "count"
        ),
    ),
}


# --- partnerships ----------------------------------------------------------------------------


def brand_members(
    brand_ids: Iterable[int] | models.QuerySet, keep: int | None = None
) -> models.QuerySet:
    """Who may own a partnership: members of the given brands, plus the current owner `keep`
    (who may have left the brand since). Never every account of the installation."""
    members = Q(memberships__brand__in=brand_ids)
    if keep is not None:
        members |= Q(pk=keep)
    return get_user_model().objects.filter(members).distinct().order_by("username")


class PartnershipAdminForm(forms.ModelForm):
    class Meta:
        model = Partnership
        fields = ["brand", "influencer", *PartnershipForm.Meta.fields]

    def clean(self) -> dict:
        cleaned = super().clean()
        owner = cleaned.get("owner")
        # On the add page the owner list spans every brand the user edits.
        brand = cleaned.get("brand") or (self.instance.brand if self.instance.brand_id else None)
        if (
            owner
            and brand
            and owner.pk != self.initial.get("owner")
            and not Membership.objects.filter(user=owner, brand=brand).exists()
        ):
            self.add_error(
                "owner",
                _("%(owner)s is not a member of %(brand)s.") % {"owner": owner, "brand": brand},
            )
        return cleaned


@admin.register(Partnership)
class PartnershipAdmin(BrandScopedAdmin):
    form = PartnershipAdminForm
    list_display = ["influencer", "brand", "status", "owner", "since", "meeting_cadence"]
    list_filter = [BRAND_FILTER, "status", "meeting_cadence"]
    list_select_related = ["influencer", "brand", "owner"]
    search_fields = ["influencer__name", "liaison"]
    autocomplete_fields = ["influencer"]

    def get_readonly_fields(self, request: HttpRequest, obj: Partnership | None = None) -> list:
        # Contracts and statements hang off the pair: it never changes brand or influencer.
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "brand", "influencer"] if obj else fields

    def get_form(
        self, request: HttpRequest, obj: Partnership | None = None, **kwargs: object
    ) -> type[forms.ModelForm]:
        form = super().get_form(request, obj, **kwargs)
        if owner := form.base_fields.get("owner"):
            if obj is None:
                owner.queryset = brand_members(tenancy.brands_of(request.user, self.change_roles))
            else:
                owner.queryset = brand_members([obj.brand_id], keep=obj.owner_id)
        return form


class NextStepInline(BrandScopedInline):
    model = NextStep
    fields = ["description", "owner", "due_on", "done_at"]


@admin.register(Meeting)
class MeetingAdmin(BrandScopedAdmin):
    list_display = ["partnership", "held_on", "attendees", "recorded_by"]
    list_filter = [("partnership__brand", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["partnership__influencer__name", "attendees", "agenda", "notes"]
    date_hierarchy = "held_on"
    fields = ["partnership", "held_on", "attendees", "agenda", "notes"]
    inlines = [NextStepInline]

    def save_model(self, request: HttpRequest, obj: Meeting, form, change: bool) -> None:
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Message)
class MessageAdmin(BrandScopedAdmin):
    """The thread as it was written: readable here, written through the partnership page or
    the creator portal so that the other side is told."""

    list_display = ["partnership", "side", "sent_at", "author", "recorded_by", "read_at"]
    list_filter = [("partnership__brand", admin.RelatedOnlyFieldListFilter), "side"]
    search_fields = ["partnership__influencer__name", "body"]
    readonly_fields = ["partnership", "side", "author", "recorded_by", "body", "sent_at", "read_at"]

    def has_add_permission(self, request: HttpRequest, *args: object) -> bool:
        return False


# --- rows under a contract -------------------------------------------------------------------


def _checkable(contract: Contract | None) -> bool:
    """Whether a contract is complete enough to check its rows against (method, dates, brand)."""
    return bool(
        contract is not None
        and contract.method in Contract.Method.values
        and contract.partnership_id
        and contract.start
    )


ORDER_FIELDS = ("contract", "reference", "ordered_at", "product", "quantity", "unit_price")


class ContractRowForm(forms.ModelForm):
    """A row of a contract, checked against it; for an agency member the product lists span
    several brands, so a product of another brand is refused here."""

    only_for_method: str | None = None

    def _post_clean(self) -> None:
        # On the add page a contract whose own form is invalid may lack its method, dates or
        # partnership; its rows are checked against it once it is valid.
        if "contract" in self.cleaned_data and not _checkable(self.cleaned_data["contract"]):
            return
        super()._post_clean()

    def clean(self) -> dict:
        cleaned = super().clean()
        contract = cleaned.get("contract")
        if not _checkable(contract):
            return cleaned
        if self.only_for_method and contract.method != self.only_for_method:
            method = Contract.Method(self.only_for_method).label.lower()
            raise ValidationError(
                _("Only a %(method)s contract has a %(row)s.")
                % {"method": method, "row": self._meta.model._meta.verbose_name}
            )
        brand_id = contract.partnership.brand_id
        if (product := cleaned.get("product")) and product.brand_id != brand_id:
            self.add_error("product", _("This product belongs to another brand."))
        if foreign := [p for p in cleaned.get("products") or [] if p.brand_id != brand_id]:
            names = ", ".join(p.sku for p in foreign)
            self.add_error("products", _("Of another brand: %(skus)s.") % {"skus": names})
        return cleaned


class CompensationTermForm(ContractRowForm):
    tiers = TiersField(required=False, help_text=TIERS_HELP)

    class Meta:
        model = CompensationTerm
        fields = TERM_FORM_FIELDS


class DistributorPriceForm(ContractRowForm):
    only_for_method = Contract.Method.DISTRIBUTION

    class Meta:
        model = DistributorPrice
        fields = PRICE_FIELDS


class DistributorOrderForm(ContractRowForm):
    only_for_method = Contract.Method.DISTRIBUTION

    class Meta:
        model = DistributorOrder
        fields = ORDER_FIELDS


class JointBrandForm(ContractRowForm):
    only_for_method = Contract.Method.JOINT_BRAND

    class Meta:
        model = JointBrand
        fields = ["contract", *JOINT_BRAND_FIELDS]


class DeliverableForm(ContractRowForm):
    class Meta:
        model = Deliverable
        fields = DELIVERABLE_FIELDS
        widgets = {"requirements": forms.Textarea(attrs={"rows": 2, "cols": 30})}


class ScopedProductsMixin:
    """Product pickers list only the products of the brands the user edits."""

    def formfield_for_manytomany(
        self, db_field: models.ManyToManyField, request: HttpRequest, **kwargs: object
    ) -> forms.ModelMultipleChoiceField | None:
        if hasattr(db_field.related_model, "brand_path"):
            kwargs["queryset"] = tenancy.scope(
                db_field.related_model._default_manager.all(), request.user, self.change_roles
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class CompensationTermInline(BrandScopedInline):
    model = CompensationTerm
    form = CompensationTermForm
    section = "terms"
    fields = TERM_FORM_FIELDS


class DeliverableInline(BrandScopedInline):
    model = Deliverable
    form = DeliverableForm
    section = "deliverables"
    fields = DELIVERABLE_FIELDS


class DistributorPriceInline(BrandScopedInline):
    model = DistributorPrice
    form = DistributorPriceForm
    section = "prices"
    fields = PRICE_FIELDS


class JointBrandInline(ScopedProductsMixin, BrandScopedInline):
    model = JointBrand
    form = JointBrandForm
    section = "joint_brand"
    fields = JOINT_BRAND_FIELDS
    max_num = 1
    filter_horizontal = ["products"]


# --- contracts -------------------------------------------------------------------------------


@admin.register(Contract)
class ContractAdmin(BrandScopedMixin, SimpleHistoryAdmin):
    list_display = ["title", "influencer", "brand", "method", "status", "start", "end", "currency"]
    list_filter = ["method", "status", CONTRACT_BRAND_FILTER, "settlement_period"]
    list_select_related = ["partnership__influencer", "partnership__brand"]
    search_fields = ["title", "partnership__influencer__name"]
    date_hierarchy = "start"
    autocomplete_fields = ["partnership"]
    readonly_fields = ["status", "signed_at", "created_at"]
    formfield_overrides = SHORT_JSON
    fieldsets = [
        (
            None,
            {"fields": ["partnership", "method", "title", "status", "start", "end", "currency"]},
        ),
        *((section, {"fields": fields}) for section, fields in CONTRACT_SECTIONS.items()),
        (gettext_lazy("Signature"), {"fields": ["signed_document", "signed_at", "created_at"]}),
    ]
    inlines = [CompensationTermInline, DeliverableInline, DistributorPriceInline, JointBrandInline]
    actions = ["sign", "activate", "complete", "terminate", "export_csv"]

    def get_readonly_fields(self, request: HttpRequest, obj: Contract | None = None) -> list:
        # Its terms were chosen for this method and this partnership's brand.
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "partnership", "method"] if obj else fields

    def get_inline_instances(self, request: HttpRequest, obj: Contract | None = None) -> list:
        inlines = super().get_inline_instances(request, obj)
        if obj is None:
            return inlines
        sections = METHOD_SECTIONS[Contract.Method(obj.method)]
        return [inline for inline in inlines if inline.section in sections]

    @admin.display(description=gettext_lazy("influencer"), ordering="partnership__influencer__name")
    def influencer(self, obj: Contract) -> str:
        return str(obj.partnership.influencer)

    # Saving: the contract and its rows together, through deals.save_contract like everywhere.

    def save_model(self, request: HttpRequest, obj: Contract, form, change: bool) -> None:
        """Saved with its rows in save_related."""

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        deals.save_contract(
            contract=form.instance,
            rows={formset.prefix: formset_rows(formset) for formset in formsets},
            by=request.user,
            now=timezone.now(),
        )

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError:
            # Refused under the influencer's lock: another exclusive contract was saved while
            # this one was checked. The form's own check sees it now, beside its field.
            return super().changeform_view(request, object_id, form_url, extra_context)

    @admin.display(description=gettext_lazy("brand"), ordering="partnership__brand__name")
    def brand(self, obj: Contract) -> str:
        return str(obj.partnership.brand)

    # History: simple_history looks the rows up by id alone, so both pages check scope first.

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict | None = None
    ) -> HttpResponse:
        self._contract_for_history(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(
        self,
        request: HttpRequest,
        object_id: str,
        version_id: str,
        extra_context: dict | None = None,
    ) -> HttpResponse:
        contract = self._contract_for_history(request, object_id)
        # A POST here reverts the contract to the version shown.
        if request.method == "POST" and not self.has_change_permission(request, contract):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def _contract_for_history(self, request: HttpRequest, object_id: str) -> Contract:
        """The contract whose history is asked for, if it belongs to one of the user's brands;
        a deleted one by the partnership of its last version. Http404 otherwise."""
        object_id = unquote(object_id)
        try:
            return self.get_object(request, object_id)
        except Http404:
            if not object_id.isdigit() or Contract.objects.filter(pk=object_id).exists():
                raise
            last = Contract.history.filter(id=object_id).order_by("-history_date").first()
            visible = tenancy.scope(Partnership.objects.all(), request.user)
            if last is None or not visible.filter(pk=last.partnership_id).exists():
                raise
            return last.instance

    # Status actions: each contract goes through the workflow, refusals are reported one by one.

    @admin.action(description=gettext_lazy("Sign the selected contracts"), permissions=["change"])
    def sign(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        self._move(request, queryset, Contract.Status.SIGNED)

    @admin.action(
        description=gettext_lazy("Activate the selected contracts"), permissions=["change"]
    )
    def activate(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        self._move(request, queryset, Contract.Status.ACTIVE)

    @admin.action(
        description=gettext_lazy("Complete the selected contracts"), permissions=["change"]
    )
    def complete(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        self._move(request, queryset, Contract.Status.COMPLETED)

    @admin.action(
        description=gettext_lazy("Terminate the selected contracts"), permissions=["change"]
    )
    def terminate(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        self._move(request, queryset, Contract.Status.TERMINATED)

    def _move(self, request: HttpRequest, queryset: models.QuerySet, to: str) -> None:
        # An agency member may manage one brand and only view another.
        editable = set(
            tenancy.scope(queryset, request.user, self.change_roles).values_list("pk", flat=True)
        )
        now = timezone.now()
        moved = 0
        for contract in queryset.order_by("title", "pk"):
            if contract.pk not in editable:
                reason = _("your role in its brand does not allow this change.")
            else:
                try:
                    workflow.move(contract, to, now=now)
                except ValidationError as error:
                    reason = error.message_dict["status"][0]
                else:
                    moved += 1
                    continue
            refused = CONTRACT_MOVES[to][0] % {"contract": contract, "reason": reason}
            self.message_user(request, refused, messages.ERROR)
        if moved:
            self.message_user(request, CONTRACT_MOVES[to][1] % {"count": moved}, messages.SUCCESS)

    @admin.action(description=gettext_lazy("Export selected as CSV"))
    def export_csv(self, request: HttpRequest, queryset: models.QuerySet) -> HttpResponse:
        rows = queryset.annotate(
            term_count=models.Count("terms", distinct=True),
            deliverable_count=models.Count("deliverables", distinct=True),
        ).order_by("partnership__brand__name", "-start", "pk")
        lines = itertools.chain([CSV_COLUMNS], (_csv_row(contract) for contract in rows))
        return csv_downloads.download(lines, "contracts.csv")


def _csv_row(contract: Contract) -> list:
    return [
        contract.pk,
        contract.partnership.brand.name,
        contract.partnership.influencer.name,
        contract.title,
        contract.method,
        contract.status,
        contract.start.isoformat(),
        contract.end.isoformat() if contract.end else "",
        contract.currency,
        contract.settlement_period,
        contract.hold_days,
        contract.minimum_payout,
        contract.payment_terms_days,
        contract.exclusivity,
        contract.term_count,
        contract.deliverable_count,
        contract.signed_at.isoformat() if contract.signed_at else "",
    ]


# --- distribution orders and joint brands ----------------------------------------------------


@admin.register(DistributorOrder)
class DistributorOrderAdmin(BrandScopedAdmin):
    form = DistributorOrderForm
    list_display = ["reference", "contract", "product", "quantity", "unit_price", "ordered_at"]
    list_filter = [ROW_BRAND_FILTER, "ordered_at"]
    list_select_related = ["contract", "product"]
    search_fields = ["reference", "product__sku", "contract__title"]
    date_hierarchy = "ordered_at"
    autocomplete_fields = ["contract"]


@admin.register(JointBrand)
class JointBrandAdmin(ScopedProductsMixin, BrandScopedAdmin):
    form = JointBrandForm
    list_display = ["name", "contract", "product_line", "brand_equity", "influencer_equity"]
    list_filter = [ROW_BRAND_FILTER]
    list_select_related = ["contract"]
    search_fields = ["name", "product_line", "contract__title"]
    autocomplete_fields = ["contract"]
    filter_horizontal = ["products"]


# --- statements ------------------------------------------------------------------------------
# Settlement makes statements and their lines; here they are read, approved, marked paid and
# exported, through contracts.payouts like everywhere else. Nothing is edited by hand.


class StatementLineInline(ReadOnlyMixin, BrandScopedInline):
    model = StatementLine
    fk_name = "statement"
    fields = [
        "position",
        "kind",
        "shown_description",
        "quantity",
        "shown_rate",
        "amount",
        "term",
    ]
    readonly_fields = fields
    can_delete = False

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        return super().get_queryset(request).select_related("term", "statement")

    @admin.display(description=gettext_lazy("description"))
    def shown_description(self, line: StatementLine) -> str:
        return wording.line_text(line)

    @admin.display(description=gettext_lazy("rate"))
    def shown_rate(self, line: StatementLine) -> str:
        # As on the statement page: 8% for a commission, an amount per unit for a fee.
        return statements.line_rate(line, line.statement.currency)


@admin.register(Statement)
class StatementAdmin(ReadOnlyMixin, BrandScopedAdmin):
    list_display = [
        "__str__",
        "influencer",
        "status",
        "period_start",
        "period_end",
        "total",
        "currency",
        "payable",
        "due_date",
        "paid_on",
        "problem_shown",
    ]
    list_filter = ["status", "period_start", "contract__method", ROW_BRAND_FILTER, "payable"]
    list_select_related = ["contract__partnership__influencer"]
    search_fields = ["contract__title", "contract__partnership__influencer__name"]
    date_hierarchy = "period_start"
    fields = [*STATEMENT_FIELDS, "computed_at", "approved_by"]
    inlines = [StatementLineInline]
    actions = ["approve", "mark_paid", "export_csv"]

    @admin.display(
        description=gettext_lazy("influencer"), ordering="contract__partnership__influencer__name"
    )
    def influencer(self, obj: Statement) -> str:
        return str(obj.contract.partnership.influencer)

    @admin.display(description=gettext_lazy("problem"))
    def problem_shown(self, obj: Statement) -> str:
        return wording.problem_text(obj) or "—"

    def has_approve_permission(self, request: HttpRequest) -> bool:
        """Offer approve and mark paid to finance members and owners; each statement is still
        checked against the user's role in its own brand."""
        return (
            request.user.is_staff
            and tenancy.brands_of(request.user, payouts.APPROVE_ROLES).exists()
        )

    @admin.action(
        description=gettext_lazy("Approve the selected statements"), permissions=["approve"]
    )
    def approve(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        now = timezone.now()
        # Period order: a contract's earlier statement is approved before the one carrying on.
        self._each(
            request,
            queryset.order_by("contract", "period_start"),
            lambda statement: payouts.approve(statement, user=request.user, now=now),
            STATEMENT_MOVES["approve"],
        )

    @admin.action(
        description=gettext_lazy("Mark the selected statements paid…"), permissions=["approve"]
    )
    def mark_paid(self, request: HttpRequest, queryset: models.QuerySet) -> TemplateResponse | None:
        """Asks for the payout reference and date first, then records them on each statement."""
        form = PaymentForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            reference, paid_on = form.cleaned_data["reference"], form.cleaned_data["paid_on"]

            def pay(statement: Statement) -> Statement:
                brand = statement.contract.partnership.brand
                today = brand.today(timezone.now())
                return payouts.mark_paid(
                    statement, user=request.user, reference=reference, paid_on=paid_on, today=today
                )

            statements = queryset.select_related("contract__partnership__brand").order_by("pk")
            self._each(request, statements, pay, STATEMENT_MOVES["pay"])
            return None
        if not form.is_bound:
            form = PaymentForm(initial={"paid_on": timezone.localdate()})
        context = {
            **self.admin_site.each_context(request),
            "title": _("Mark statements paid"),
            "opts": self.opts,
            "form": form,
            "statements": queryset.select_related("contract__partnership__influencer"),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/contracts/statement/mark_paid.html", context)

    @admin.action(
        description=gettext_lazy("Export the selected statements as CSV, with their source rows")
    )
    def export_csv(self, request: HttpRequest, queryset: models.QuerySet) -> StreamingHttpResponse:
        return csv_downloads.download(statement_export.csv_rows(queryset), "statements.csv")

    def _each(
        self,
        request: HttpRequest,
        statements: models.QuerySet,
        move: Callable[[Statement], Statement],
        said: tuple[str, str],
    ) -> None:
        """Move each statement; refusals are reported one by one."""
        moved = 0
        for statement in statements:
            try:
                move(statement)
            except PermissionDenied:
                reason = _("your role in its brand does not allow this.")
            except ValidationError as error:
                reason = " ".join(error.messages)
            else:
                moved += 1
                continue
            refused = said[0] % {"statement": statement, "reason": reason}
            self.message_user(request, refused, messages.ERROR)
        if moved:
            self.message_user(request, said[1] % {"count": moved}, messages.SUCCESS)


# Kept by the influencer in the creator portal: read here, never changed by the brand.
@admin.register(PayoutDetails)
class PayoutDetailsAdmin(ReadOnlyMixin, BrandScopedAdmin):
    list_display = ["influencer", "method", "account_holder", "tax_id", "updated_at"]
    list_filter = ["method", ("influencer__brand", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["influencer"]
    search_fields = ["influencer__name", "account_holder"]


# The record of an influencer accepting an offer in the portal.
@admin.register(Acceptance)
class AcceptanceAdmin(ReadOnlyMixin, BrandScopedAdmin):
    list_display = ["contract", "accepted_by", "accepted_at", "ip_address", "terms_sha256"]
    list_filter = [ROW_BRAND_FILTER]
    list_select_related = ["contract", "accepted_by"]
    search_fields = ["contract__title", "terms_sha256"]
