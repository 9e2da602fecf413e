"""Influencers, their social accounts and risks in the admin, scoped to the user's brands.

Every admin write that feeds the fit score (an influencer's niches, its accounts, its open
risks) rescores the influencer afterwards, so the stored followers, engagement and fit stay
right. Influencers are imported from and exported to the CSV format of influencers.imports.
"""

from collections.abc import Iterable

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from influencers import imports, scoring
from influencers.forms import BaseSocialAccountFormSet, NamesField, TagsField
from influencers.models import SOCIAL_ACCOUNT_FIELDS, Influencer, RiskAssessment, SocialAccount
from partnerships import csv_downloads, tenancy
from partnerships.admin import (
    BRAND_FILTER,
    BrandScopedAdmin,
    BrandScopedInline,
    BrandUploadForm,
    CsvImportAdminMixin,
)
from partnerships.models import Membership
from partnerships.templatetags.formatting import percent


def rescore(influencer_ids: Iterable[int | None]) -> None:
    if ids := {pk for pk in influencer_ids if pk}:
        scoring.rescore(Influencer.objects.filter(pk__in=ids))


def risk_owners(request: HttpRequest, influencer: Influencer | None) -> models.QuerySet:
    """Who may own a risk: the members of the influencer's brand (before one is chosen, of the
    brands the user edits) and whoever owns one of its risks already. Never every account."""
    if influencer is None:
        members = Q(memberships__brand__in=tenancy.brands_of(request.user, tenancy.EDIT_ROLES))
    else:
        members = Q(memberships__brand=influencer.brand_id) | Q(
            pk__in=influencer.risks.values("owner")
        )
    return get_user_model().objects.filter(members).distinct().order_by("username")


def owner_problem(
    owner: models.Model | None, brand_id: int | None, previous_owner_id: int | None
) -> str | None:
    """Why `owner` may not own a risk of the brand's influencer, if they may not."""
    if owner is None or brand_id is None or owner.pk == previous_owner_id:
        return None
    if Membership.objects.filter(user=owner, brand=brand_id).exists():
        return None
    return _("%(owner)s is not a member of this influencer's brand.") % {"owner": owner}


class EditableInfluencerMixin:
    """An account or risk is attached only to an influencer of a brand the user edits."""

    def formfield_for_foreignkey(
        self, db_field: models.ForeignKey, request: HttpRequest, **kwargs: object
    ) -> forms.ModelChoiceField | None:
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "influencer" and formfield is not None:
            formfield.queryset = tenancy.scope(formfield.queryset, request.user, self.change_roles)
        return formfield


class RescoresInfluencerMixin:
    """Admin of a row the fit score is computed from: its influencer (and the previous one,
    when the row moved) is rescored after every save and delete."""

    def save_model(
        self, request: HttpRequest, obj: models.Model, form: forms.ModelForm, change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        rescore([obj.influencer_id, form.initial.get("influencer")])

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        super().delete_model(request, obj)
        rescore([obj.influencer_id])

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        ids = list(queryset.values_list("influencer_id", flat=True))
        super().delete_queryset(request, queryset)
        rescore(ids)


ACCOUNT_FORMFIELDS = {
    models.JSONField: {"widget": forms.Textarea(attrs={"rows": 2})},
    models.URLField: {"assume_scheme": "https"},
}


class SocialAccountFormSet(BaseSocialAccountFormSet):
    def add_fields(self, form: forms.BaseForm, index: int | None) -> None:
        super().add_fields(form, index)
        # The account's own clean() finds a handle taken in the brand, and needs the brand
        # before a new influencer is saved.
        form.instance.brand_id = self.instance.brand_id


class SocialAccountInline(BrandScopedInline):
    model = SocialAccount
    formset = SocialAccountFormSet
    fields = SOCIAL_ACCOUNT_FIELDS
    formfield_overrides = ACCOUNT_FORMFIELDS


class RiskAssessmentFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        # On the add page the owner list spans every brand the user edits.
        for form in self.forms:
            owner = form.cleaned_data.get("owner") if form.cleaned_data else None
            problem = owner_problem(owner, self.instance.brand_id, form.initial.get("owner"))
            if problem:
                form.add_error("owner", problem)


class RiskAssessmentInline(BrandScopedInline):
    model = RiskAssessment
    formset = RiskAssessmentFormSet
    fields = [
        "kind",
        "likelihood",
        "impact",
        "mitigation",
        "owner",
        "review_date",
        "is_open",
        "close_reason",
    ]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2})}}

    def get_formset(
        self, request: HttpRequest, obj: Influencer | None = None, **kwargs: object
    ) -> type[forms.BaseInlineFormSet]:
        formset = super().get_formset(request, obj, **kwargs)
        if owner := formset.form.base_fields.get("owner"):
            owner.queryset = risk_owners(request, obj)
        return formset


class InfluencerAdminForm(forms.ModelForm):
    languages = TagsField(
        required=False,
        label=gettext_lazy("Languages"),
        help_text=gettext_lazy("Language codes, e.g. en, es."),
    )
    niches = TagsField(
        required=False,
        label=gettext_lazy("Niches"),
        help_text=gettext_lazy("Topics, e.g. wigs, hair care, evening wear."),
    )
    channels = NamesField(
        required=False,
        label=gettext_lazy("Channels"),
        help_text=gettext_lazy("e.g. WeChat group, Telegram."),
    )
    monetisation = forms.MultipleChoiceField(
        required=False,
        choices=Influencer.Monetisation.choices,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Monetisation offered"),
    )

    class Meta:
        model = Influencer
        fields = [
            "brand",
            "name",
            "kind",
            "status",
            "country",
            "languages",
            "niches",
            "contact_email",
            "contact_phone",
            "agency",
            "notes",
            "members",
            "channels",
            "monetisation",
        ]


class ImportForm(BrandUploadForm, imports.ImportFileForm):
    """A file of influencers and their accounts, into one of the user's brands."""


@admin.register(Influencer)
class InfluencerAdmin(CsvImportAdminMixin, BrandScopedAdmin):
    form = InfluencerAdminForm
    import_template = "admin/influencers/influencer/import_csv.html"
    list_display = [
        "name",
        "brand",
        "country",
        "status",
        "tier",
        "followers",
        "engagement",
        "fit_score",
    ]
    # Country choices come from the visible rows, not from the whole list of countries.
    list_filter = [
        BRAND_FILTER,
        "status",
        "kind",
        ("country", admin.AllValuesFieldListFilter),
        "accounts__platform",
    ]
    search_fields = ["name", "accounts__handle"]
    readonly_fields = ["followers", "engagement", "tier", "fit_score", "fit_explanation"]
    fieldsets = [
        (None, {"fields": ["brand", "name", "kind", "status", "country", "languages", "niches"]}),
        (
            gettext_lazy("Contact"),
            {"fields": ["contact_email", "contact_phone", "agency", "notes"]},
        ),
        (gettext_lazy("Community"), {"fields": ["members", "channels", "monetisation"]}),
        (gettext_lazy("Reach and fit"), {"fields": readonly_fields}),
    ]
    inlines = [SocialAccountInline, RiskAssessmentInline]
    actions = ["export_csv"]

    def get_readonly_fields(self, request: HttpRequest, obj: Influencer | None = None) -> list[str]:
        # Accounts, partnerships and statements hang off the influencer: it never changes brand.
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "brand"] if obj else fields

    def save_related(
        self, request: HttpRequest, form: forms.ModelForm, formsets: list, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        rescore([form.instance.pk])

    @admin.display(description=gettext_lazy("tier"), ordering="followers")
    def tier(self, obj: Influencer) -> str:
        return obj.tier.label

    @admin.display(description=gettext_lazy("engagement"), ordering="engagement_rate")
    def engagement(self, obj: Influencer) -> str:
        return percent(obj.engagement_rate)

    @admin.display(description=gettext_lazy("why this fit score"))
    def fit_explanation(self, obj: Influencer) -> str:
        if not obj.fit_breakdown.get("components"):
            return "—"
        rows = ((_points(c), c.explanation) for c in scoring.explained(obj).components)
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}. {}</li>", rows))

    @admin.action(description=gettext_lazy("Export selected as CSV"))
    def export_csv(self, request: HttpRequest, queryset: models.QuerySet) -> HttpResponse:
        response = csv_downloads.download(imports.export_rows(queryset), "influencers.csv")
        if missing := queryset.filter(accounts__isnull=True).count():
            self.message_user(
                request,
                ngettext(
                    "%(count)s influencer without a social account has no row in the export.",
                    "%(count)s influencers without a social account have no row in the export.",
                    missing,
                )
                % {"count": missing},
                messages.WARNING,
            )
        return response

    def may_import(self, request: HttpRequest) -> bool:
        return self.has_add_permission(request)

    def import_csv(self, request: HttpRequest) -> HttpResponse:
        """Upload a CSV file of influencers and accounts into one of the brands the user edits."""
        if not self.may_import(request):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
        errors: list[imports.RowError] = []
        if form.is_bound and form.is_valid():
            brand = form.cleaned_data["brand"]
            result = imports.import_influencers(form.cleaned_data["file"], brand=brand)
            if result.ok:
                self.message_user(
                    request,
                    _("%(brand)s: %(summary)s") % {"brand": brand, "summary": result.summary()},
                    messages.SUCCESS,
                )
                for notice in result.notices:
                    self.message_user(request, notice, messages.WARNING)
                return redirect("admin:influencers_influencer_changelist")
            errors = result.errors
        return self.import_page(
            request,
            title=_("Import influencers and their accounts"),
            form=form,
            errors=errors,
            columns=imports.COLUMNS,
            example=imports.EXAMPLE_CSV,
        )


@admin.register(SocialAccount)
class SocialAccountAdmin(RescoresInfluencerMixin, EditableInfluencerMixin, BrandScopedAdmin):
    list_display = [
        "handle",
        "platform",
        "influencer",
        "followers",
        "avg_views",
        "engagement_rate",
        "brand",
    ]
    list_editable = ["followers", "avg_views", "engagement_rate"]
    list_filter = [BRAND_FILTER, "platform"]
    search_fields = ["handle", "influencer__name"]
    autocomplete_fields = ["influencer"]
    formfield_overrides = ACCOUNT_FORMFIELDS
    fields = ["influencer", *SOCIAL_ACCOUNT_FIELDS]


class RiskAssessmentForm(forms.ModelForm):
    class Meta:
        model = RiskAssessment
        fields = [
            "influencer",
            "kind",
            "likelihood",
            "impact",
            "mitigation",
            "owner",
            "review_date",
            "is_open",
        ]

    def clean(self) -> dict:
        cleaned = super().clean()
        # The influencer is chosen on the add page only; later the owner list is the brand's.
        if influencer := cleaned.get("influencer"):
            owner = cleaned.get("owner")
            if problem := owner_problem(owner, influencer.brand_id, self.initial.get("owner")):
                self.add_error("owner", problem)
        return cleaned


@admin.register(RiskAssessment)
class RiskAssessmentAdmin(RescoresInfluencerMixin, EditableInfluencerMixin, BrandScopedAdmin):
    form = RiskAssessmentForm
    list_display = [
        "kind",
        "influencer",
        "likelihood",
        "impact",
        "severity",
        "owner",
        "review_date",
        "is_open",
    ]
    list_editable = ["likelihood", "impact", "review_date", "is_open"]
    list_filter = [
        ("influencer__brand", admin.RelatedOnlyFieldListFilter),
        "kind",
        "is_open",
        "review_date",
    ]
    search_fields = ["influencer__name", "mitigation"]
    autocomplete_fields = ["influencer"]
    list_select_related = ["influencer", "owner"]

    def get_readonly_fields(
        self, request: HttpRequest, obj: RiskAssessment | None = None
    ) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "influencer"] if obj else fields

    def get_form(
        self, request: HttpRequest, obj: RiskAssessment | None = None, **kwargs: object
    ) -> type[forms.ModelForm]:
        form = super().get_form(request, obj, **kwargs)
        if owner := form.base_fields.get("owner"):
            owner.queryset = risk_owners(request, obj.influencer if obj else None)
        return form

    @admin.display(description=gettext_lazy("severity"))
    def severity(self, obj: RiskAssessment) -> int:
        return obj.severity


def _points(component: scoring.Component) -> str:
    """A component's points, e.g. "Niche match: 7.5 of 15.0 points"; a penalty has no maximum."""
    values = {
        "label": component.label,
        "points": f"{component.points:.1f}",
        "most": f"{component.max_points:.1f}",
    }
    if component.max_points:
        return _("%(label)s: %(points)s of %(most)s points") % values
    return _("%(label)s: %(points)s points") % values
