from datetime import date, datetime, time, timedelta, tzinfo

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from partnerships.models import AuditEvent, Brand, Product


class BrandOwnedForm(forms.ModelForm):
    """A form for a row of one brand: the brand is fixed by the page, not posted, and still
    takes part in the model's validation (unique per brand)."""

    def __init__(self, *args, brand: Brand, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["brand"]
        field.disabled = True
        field.widget = forms.HiddenInput()
        field.queryset = Brand.objects.filter(pk=brand.pk)
        self.initial["brand"] = brand.pk


class ProductForm(BrandOwnedForm):
    class Meta:
        model = Product
        fields = [
            "brand",
            "sku",
            "name",
            "category",
            "currency",
            "retail_price",
            "distributor_price",
            "unit_cost",
        ]


class APIKeyForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=50,
        help_text=_("Who or what will use it, e.g. “Shopify orders”."),
    )
    expiry_date = forms.DateTimeField(
        required=False,
        label=_("Expires"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty for a key that works until revoked."),
    )


class ProductFilterForm(forms.Form):
    q = forms.CharField(required=False, label=_("Search"), help_text=_("SKU, name or category"))
    category = forms.ChoiceField(
        required=False, widget=forms.Select(attrs={"class": "form-select"})
    )

    def __init__(self, *args, categories: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("All categories"))] + [(c, c) for c in categories]


class AuditFilterForm(forms.Form):
    """Filters of the audit trail page: what happened, by whom, between which days."""

    action = forms.ChoiceField(
        required=False,
        choices=[("", _("Every action")), *AuditEvent.Action.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    user = forms.CharField(
        required=False,
        max_length=150,
        label=_("User name"),
        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": _("User name")}),
    )
    since = forms.DateField(
        required=False,
        label=pgettext_lazy("date", "From"),
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
    )
    until = forms.DateField(
        required=False,
        label=pgettext_lazy("date", "To"),
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
    )

    def filter(self, events: models.QuerySet[AuditEvent], tz: tzinfo) -> models.QuerySet:
        """The events that pass the filters; days are the brand's days."""
        if not self.is_valid():
            return events
        data = self.cleaned_data
        if data["action"]:
            events = events.filter(action=data["action"])
        if data["user"]:
            events = events.filter(username__iexact=data["user"])
        if data["since"]:
            events = events.filter(at__gte=_start_of(data["since"], tz))
        if data["until"]:
            events = events.filter(at__lt=_start_of(data["until"] + timedelta(days=1), tz))
        return events


def _start_of(day: date, tz: tzinfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=tz)
