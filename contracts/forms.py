from django import forms
from django.db import models

from contracts import payouts
from contracts.models import (
    CONTRACT_FIELDS,
    DELIVERABLE_FIELDS,
    JOINT_BRAND_FIELDS,
    PRICE_FIELDS,
    TERM_FIELDS,
    TERM_FORM_FIELDS,
    CompensationTerm,
    Contract,
    Deliverable,
    DistributorPrice,
    JointBrand,
    Partnership,
    Statement,
)
from influencers.forms import TagsField
from influencers.models import Influencer
from partnerships import tenancy
from partnerships.models import Brand, Product

DATE = forms.DateInput(attrs={"type": "date"})


class ContractForm(forms.ModelForm):
    """The agreement itself; the partnership is found or created from the influencer."""

    influencer = forms.ModelChoiceField(queryset=Influencer.objects.none())
    exclusivity_categories = TagsField(required=False, label="Exclusive categories")
    competitors = TagsField(required=False, help_text="Brands the influencer may not promote.")
    exclusivity_territories = TagsField(
        required=False,
        label="Exclusive territories",
        help_text="Country codes; empty means worldwide.",
    )
    usage_channels = TagsField(required=False, help_text="e.g. website, marketplace listing, ads.")
    usage_territories = TagsField(required=False, help_text="Country codes; empty means worldwide.")

    class Meta:
        model = Contract
        fields = ["influencer", *CONTRACT_FIELDS]
        widgets = {"start": DATE, "end": DATE, "breach_terms": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, brand: Brand, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.brand = brand
        self.fields["influencer"].queryset = tenancy.scope_to_brand(Influencer.objects.all(), brand)
        if self.instance.pk:
            self.fields["influencer"].initial = self.instance.partnership.influencer_id
            self.fields["influencer"].disabled = True
            self.fields["method"].disabled = True  # its terms were chosen for this method
        for name in ("exclusivity_territories", "usage_territories"):
            self.fields[name].to_python = _upper_codes(self.fields[name].to_python)

    def _post_clean(self) -> None:
        # The partnership must be known before the model's own checks (exclusivity overlap).
        influencer = self.cleaned_data.get("influencer")
        if influencer and not self.instance.partnership_id:
            self.instance.partnership = Partnership.objects.filter(
                brand=self.brand, influencer=influencer
            ).first() or Partnership(brand=self.brand, influencer=influencer)
        super()._post_clean()

    def save(self, commit: bool = True) -> Contract:
        partnership = self.instance.partnership
        if partnership.pk is None:
            partnership.save()
            self.instance.partnership = partnership
        return super().save(commit)


def _upper_codes(parse):
    return lambda value: [code.upper() for code in parse(value)]


class TermForm(forms.ModelForm):
    tiers = forms.JSONField(
        required=False,
        initial=list,
        widget=forms.TextInput(attrs={"placeholder": '[{"from": "0", "rate": "0.05"}]'}),
        help_text='Ascending: [{"from": "0", "rate": "0.05"}, {"from": "10000", "rate": "0.08"}]',
    )

    class Meta:
        model = CompensationTerm
        fields = TERM_FORM_FIELDS
        widgets = {"due_date": DATE}

    def __init__(self, *args, brand: Brand, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = tenancy.scope_to_brand(Product.objects.all(), brand)
        for name, field in self.fields.items():
            field.widget.attrs["data-field"] = name

    def clean_tiers(self) -> list:
        return self.cleaned_data["tiers"] or []


class DeliverableForm(forms.ModelForm):
    class Meta:
        model = Deliverable
        fields = DELIVERABLE_FIELDS
        widgets = {"due_date": DATE, "requirements": forms.TextInput}


class DistributorPriceForm(forms.ModelForm):
    class Meta:
        model = DistributorPrice
        fields = PRICE_FIELDS

    def __init__(self, *args, brand: Brand, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = tenancy.scope_to_brand(Product.objects.all(), brand)


class JointBrandForm(forms.ModelForm):
    class Meta:
        model = JointBrand
        fields = JOINT_BRAND_FIELDS
        widgets = {"products": forms.CheckboxSelectMultiple}

    def __init__(self, *args, brand: Brand, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["products"].queryset = tenancy.scope_to_brand(Product.objects.all(), brand)


def _formset(model, form, extra: int):
    return forms.inlineformset_factory(Contract, model, form=form, extra=extra, can_delete=True)


TermFormSet = _formset(CompensationTerm, TermForm, extra=2)
DeliverableFormSet = _formset(Deliverable, DeliverableForm, extra=1)
PriceFormSet = _formset(DistributorPrice, DistributorPriceForm, extra=2)
JointBrandFormSet = forms.inlineformset_factory(
    Contract, JointBrand, form=JointBrandForm, extra=1, max_num=1, can_delete=False
)
# Which sections of the form each cooperation method shows.
METHOD_SECTIONS = {
    Contract.Method.DISTRIBUTION: {"terms", "prices"},
    Contract.Method.PAID_MEDIA: {"terms", "deliverables"},
    Contract.Method.JOINT_BRAND: {"terms", "joint_brand", "deliverables"},
}
KIND_FIELDS = {kind.value: list(fields) for kind, fields in TERM_FIELDS.items()}


class SignedDocumentForm(forms.ModelForm):
    class Meta:
        model = Contract
        fields = ["signed_document"]


# --- statements ------------------------------------------------------------------------------


class StatementFilterForm(forms.Form):
    status = forms.ChoiceField(
        required=False, choices=[("", "Any status"), *Statement.Status.choices]
    )
    period = forms.DateField(
        required=False,
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        help_text="Statements whose period ends in this month.",
        error_messages={"invalid": "Give a month as YYYY-MM."},
    )
    influencer = forms.ModelChoiceField(
        required=False, queryset=Influencer.objects.none(), empty_label="Any influencer"
    )
    method = forms.ChoiceField(
        required=False, choices=[("", "Any method"), *Contract.Method.choices]
    )

    def __init__(self, *args: object, brand: Brand, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # Only influencers who have statements, so the list stays short and useful.
        self.fields["influencer"].queryset = (
            tenancy.scope_to_brand(Influencer.objects.all(), brand)
            .filter(partnerships__contracts__statements__isnull=False)
            .distinct()
            .order_by("name")
        )

    def filter(self, statements: models.QuerySet[Statement]) -> models.QuerySet[Statement]:
        """Apply the valid filters to a queryset of statements."""
        data = self.cleaned_data
        if status := data.get("status"):
            statements = statements.filter(status=status)
        if period := data.get("period"):
            statements = payouts.ending_in_month(statements, period)
        if influencer := data.get("influencer"):
            statements = statements.filter(contract__partnership__influencer=influencer)
        if method := data.get("method"):
            statements = statements.filter(contract__method=method)
        return statements


class PaymentForm(forms.Form):
    """How an approved statement was paid."""

    reference = forms.CharField(
        label="Payout reference",
        max_length=payouts.REFERENCE_MAX_LENGTH,
        help_text="The bank transfer or payment batch id.",
        error_messages={"required": payouts.REFERENCE_MISSING},
    )
    paid_on = forms.DateField(
        label="Paid on", widget=DATE, error_messages={"required": payouts.PAID_ON_MISSING}
    )
