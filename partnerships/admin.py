from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy
from rest_framework_api_key.admin import APIKeyModelAdmin
from rest_framework_api_key.models import APIKey

from partnerships import tenancy
from partnerships.models import (
    AuditEvent,
    Brand,
    BrandAPIKey,
    ExchangeRate,
    Membership,
    Product,
    Reminder,
)

admin.site.site_header = _("Partnerships administration")
admin.site.site_title = pgettext_lazy("product name", "Partnerships")
# Keys here always belong to a brand (BrandAPIKey); the library's brandless key stays unused.
admin.site.unregister(APIKey)

# Filter choices come from the rows the user can see, so other tenants' names never show.
BRAND_FILTER = ("brand", admin.RelatedOnlyFieldListFilter)


class BrandScopedMixin:
    """Admin permissions and querysets from brand memberships: rows of the user's brands only,
    changes only where the user's role allows them (superusers may do anything)."""

    change_roles = tenancy.EDIT_ROLES

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        return tenancy.scope(super().get_queryset(request), request.user)

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        related = db_field.related_model
        if issubclass(related, Brand):
            kwargs["queryset"] = tenancy.brands_of(request.user, self.change_roles)
        elif hasattr(related, "brand_path"):
            # Only rows of brands the user may change: a viewer's brand is no place to attach to.
            kwargs["queryset"] = tenancy.scope(
                related._default_manager.all(), request.user, self.change_roles
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None):
        # Django redirects to the index for a missing row; another brand's row is a plain 404.
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404(_("Nothing with this id in your brands."))
        return obj

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return request.user.is_staff and tenancy.brands_of(request.user).exists()

    def has_add_permission(self, request: HttpRequest, *args: object) -> bool:
        return self._may_change(request, None)

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return self._may_change(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return self._may_change(request, obj)

    def _may_change(self, request: HttpRequest, obj: models.Model | None) -> bool:
        if not request.user.is_staff:
            return False
        brands = tenancy.brands_of(request.user, self.change_roles)
        if obj is None or obj.pk is None:
            return brands.exists()
        return brands.filter(pk=tenancy.brand_id_of(obj)).exists()


class ReadOnlyMixin:
    """Rows the product writes itself (statements, import jobs, summaries): read in the admin,
    never added, changed or deleted by hand."""

    def has_add_permission(self, request: HttpRequest, *args: object) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False


class BrandScopedAdmin(BrandScopedMixin, admin.ModelAdmin):
    list_select_related = True


class BrandScopedInline(BrandScopedMixin, admin.TabularInline):
    extra = 0


class BrandUploadForm(forms.Form):
    """An upload in the admin, into one of the brands the user owns or manages."""

    brand = forms.ModelChoiceField(
        queryset=Brand.objects.none(),
        label=_("Brand"),
        help_text=_("The brand to import into: one you own or manage."),
    )
    field_order = ["brand", "file"]

    def __init__(self, *args: object, user: models.Model, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        brands = tenancy.brands_of(user, tenancy.EDIT_ROLES)
        self.fields["brand"].queryset = brands
        if len(brands) == 1:
            self.initial["brand"] = brands[0].pk


class CsvImportAdminMixin:
    """A change list with an "Import CSV" button for those who may import, leading to the
    admin's import page at import-csv/ (admin:<app>_<model>_import)."""

    change_list_template = "admin/import_change_list.html"
    import_template: str  # extends admin/import_csv.html

    def may_import(self, request: HttpRequest) -> bool:
        raise NotImplementedError

    def import_csv(self, request: HttpRequest) -> HttpResponse:
        raise NotImplementedError

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        extra_context = {**(extra_context or {}), "may_import": self.may_import(request)}
        return super().changelist_view(request, extra_context)

    def get_urls(self) -> list:
        view = self.admin_site.admin_view(self.import_csv)
        name = f"{self.opts.app_label}_{self.opts.model_name}_import"
        return [path("import-csv/", view, name=name), *super().get_urls()]

    def import_page(self, request: HttpRequest, **context: object) -> TemplateResponse:
        """The import page with its form, columns, example and problems in `context`."""
        context = {**self.admin_site.each_context(request), "opts": self.opts, **context}
        return TemplateResponse(request, self.import_template, context)


class MembershipUserMixin:
    """Members are named by user name: a picker would list every account of the installation."""

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        if db_field.name == "user":
            return forms.ModelChoiceField(
                queryset=get_user_model().objects.filter(is_active=True),
                to_field_name="username",
                widget=forms.TextInput,
                label=_("User name"),
                help_text=_("The user name of an existing, active account."),
                error_messages={"invalid_choice": _("There is no active account with that name.")},
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class MembershipInline(MembershipUserMixin, BrandScopedInline):
    model = Membership
    change_roles = tenancy.OWNER_ROLES


@admin.register(Brand)
class BrandAdmin(BrandScopedAdmin):
    list_display = ["name", "slug", "default_currency", "timezone"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]
    change_roles = tenancy.OWNER_ROLES

    def has_add_permission(self, request: HttpRequest, *args: object) -> bool:
        # A new tenant is created by the people who run the installation.
        return request.user.is_superuser


@admin.register(Membership)
class MembershipAdmin(MembershipUserMixin, BrandScopedAdmin):
    list_display = ["user", "brand", "role"]
    list_filter = ["role", BRAND_FILTER]
    search_fields = ["user__username", "user__email", "brand__name"]
    change_roles = tenancy.OWNER_ROLES


@admin.register(Product)
class ProductAdmin(BrandScopedAdmin):
    list_display = [
        "sku",
        "name",
        "category",
        "retail_price",
        "distributor_price",
        "unit_cost",
        "currency",
        "brand",
    ]
    list_filter = [BRAND_FILTER, "category", "currency"]
    search_fields = ["sku", "name", "category"]


@admin.register(ExchangeRate)
class ExchangeRateAdmin(BrandScopedAdmin):
    list_display = ["date", "from_currency", "to_currency", "rate", "brand"]
    list_filter = [BRAND_FILTER, "from_currency", "to_currency"]
    date_hierarchy = "date"


@admin.register(BrandAPIKey)
class BrandAPIKeyAdmin(BrandScopedMixin, APIKeyModelAdmin):
    list_display = [*APIKeyModelAdmin.list_display, "brand"]
    list_filter = [BRAND_FILTER, "revoked", "created"]
    change_roles = tenancy.OWNER_ROLES
    actions = ["revoke"]

    @admin.action(description=_("Revoke the selected keys"))
    def revoke(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        allowed = tenancy.scope(queryset, request.user, self.change_roles)
        count = allowed.filter(revoked=False).update(revoked=True)
        self.message_user(
            request,
            ngettext("Revoked %(count)d key.", "Revoked %(count)d keys.", count) % {"count": count},
            messages.SUCCESS,
        )


class ReminderStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        return [("open", _("Open")), ("resolved", _("Resolved"))]

    def queryset(self, request: HttpRequest, queryset: models.QuerySet) -> models.QuerySet:
        if self.value() in ("open", "resolved"):
            return queryset.filter(resolved_at__isnull=self.value() == "open")
        return queryset


@admin.register(Reminder)
class ReminderAdmin(BrandScopedAdmin):
    """Reminders are worked out by the daily run: here they are read, not written."""

    list_display = ["title", "kind", "due_on", "first_seen", "last_sent_on", "resolved_at", "brand"]
    list_filter = ["kind", ReminderStateFilter, BRAND_FILTER]
    search_fields = ["title"]
    date_hierarchy = "due_on"
    readonly_fields = [
        "brand",
        "kind",
        "subject_type",
        "subject_id",
        "title",
        "url",
        "due_on",
        "first_seen",
        "last_sent_on",
        "resolved_at",
    ]

    def has_add_permission(self, request: HttpRequest, *args: object) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyMixin, BrandScopedAdmin):
    """The audit trail, read only: not even a superuser edits or deletes an entry."""

    list_display = ["at", "username", "address", "action", "target", "brand"]
    list_filter = ["action", BRAND_FILTER]
    search_fields = ["username", "target", "address"]
    date_hierarchy = "at"
    fields = ["at", "brand", "username", "address", "action", "target", "details"]
    readonly_fields = fields
    actions = None
