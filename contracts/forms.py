from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contracts import compensation, deals, payouts
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
    Meeting,
    NextStep,
    Partnership,
    Statement,
)
from influencers.forms import TagsField, matching
from influencers.models import Influencer
from partnerships import tenancy
from partnerships.formatting import HUNDRED, percent_points
from partnerships.models import Brand, Product

DATE = forms.DateInput(attrs={"type": "date"})


class ContractForm(forms.ModelForm):
    """The agreement itself; the partnership is found or created from the influencer."""

    influencer = forms.ModelChoiceField(
        queryset=Influencer.objects.none(), label=gettext_lazy("Influencer")
    )
    exclusivity_categories = TagsField(required=False, label=gettext_lazy("Exclusive categories"))
    competitors = TagsField(
        required=False,
        label=gettext_lazy("Competitors"),
        help_text=gettext_lazy("Brands the influencer may not promote."),
    )
    exclusivity_territories = TagsField(
        required=False,
        label=gettext_lazy("Exclusive territories"),
        help_text=gettext_lazy("Country codes; empty means worldwide."),
    )
    usage_channels = TagsField(
        required=False,
        label=gettext_lazy("Usage channels"),
        help_text=gettext_lazy("e.g. website, marketplace listing, ads."),
    )
    usage_territories = TagsField(
        required=False,
        label=gettext_lazy("Usage territories"),
        help_text=gettext_lazy("Country codes; empty means worldwide."),
    )

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
            self.instance.partnership = deals.partnership_for(self.brand, influencer)
        super()._post_clean()

    def add_refusal(self, refusal: ValidationError) -> None:
        """Show what deals.save_contract refused, each message beside its field."""
        for name, messages in refusal.message_dict.items():
            self.add_error(name if name in self.fields else None, messages)


def _upper_codes(parse):
    return lambda value: [code.upper() for code in parse(value)]


class TiersWidget(forms.Widget):
    """Tiers as rows of (from, rate %), one more empty row to fill, and add and remove buttons
    (static/js/tiers.js); posted as repeated `<name>-from` and `<name>-rate` values."""

    class Media:
        js = ["js/tiers.js"]

    def value_from_datadict(self, data, files, name: str) -> list[tuple[str, str]] | None:
        if f"{name}-from" not in data and f"{name}-rate" not in data:
            return None
        starts, rates = data.getlist(f"{name}-from"), data.getlist(f"{name}-rate")
        rows = zip(starts, rates + [""] * (len(starts) - len(rates)), strict=False)
        return [(start.strip(), rate.strip()) for start, rate in rows]

    def value_omitted_from_data(self, data, files, name: str) -> bool:
        return self.value_from_datadict(data, files, name) is None

    def render(self, name: str, value, attrs=None, renderer=None) -> str:
        rows = [row for row in value or [] if any(row)]
        cells = format_html_join(
            "",
            '<tr><td><input class="form-control form-control-sm" name="{0}-from" value="{1}" '
            'inputmode="decimal" aria-label="{3}"></td>'
            '<td><input class="form-control form-control-sm" name="{0}-rate" value="{2}" '
            'inputmode="decimal" aria-label="{4}"></td>'
            '<td><button type="button" class="btn btn-sm btn-outline-secondary" '
            "data-tier-remove>{5}</button></td></tr>",
            (
                (
                    name,
                    start,
                    rate,
                    _("Tier %(number)s from") % {"number": number},
                    _("Tier %(number)s rate %%") % {"number": number},
                    _("Remove"),
                )
                for number, (start, rate) in enumerate([*rows, ("", "")], start=1)
            ),
        )
        # Takes the field's classes, so that an error ("is-invalid") shows under the rows.
        given = self.build_attrs(self.attrs, attrs).get("class", "")
        classes = " ".join(["tiers", *given.split()])
        return format_html(
            '<div class="{}" data-tiers><table class="table table-sm mb-1"><thead><tr>'
            "<th>{}</th><th>{}</th><th></th></tr></thead><tbody>{}</tbody></table>"
            '<button type="button" class="btn btn-sm btn-outline-primary" data-tier-add>'
            "{}</button></div>",
            classes,
            _("From"),
            _("Rate %"),
            cells,
            _("Add tier"),
        )


TIERS_HELP = gettext_lazy(
    "Each tier from an amount of the period's base, with its rate in percent; ascending."
)


class TiersField(forms.Field):
    """Ascending tiers typed as rows: from an amount of the period's base, a rate in percent.
    Cleaned to the stored form, `[{"from": "10000", "rate": "0.08"}, ...]`; a bad row is named
    by its number."""

    widget = TiersWidget

    def prepare_value(self, value) -> list[tuple[str, str]]:
        if isinstance(value, list) and all(isinstance(tier, dict) for tier in value):
            return [
                (str(tier.get("from", "")), str(percent_points(Decimal(str(tier["rate"])))))
                if "rate" in tier
                else (str(tier.get("from", "")), "")
                for tier in value
            ]
        return value or []

    def to_python(self, value) -> list[dict[str, str]]:
        tiers = []
        rows = [row for row in value or [] if any(row)]
        for number, (start, rate) in enumerate(rows, start=1):
            if not start or not rate:
                raise ValidationError(
                    _("Tier %(number)s needs both where it starts and its rate.")
                    % {"number": number}
                )
            tiers.append(
                compensation.Tier(
                    from_=_tier_number(start, _("Tier %(number)s's start") % {"number": number}),
                    rate=_tier_number(rate, _("Tier %(number)s's rate") % {"number": number})
                    / HUNDRED,
                )
            )
        for number, tier in enumerate(tiers, start=1):
            if not 0 <= tier.rate <= 1:
                raise ValidationError(
                    _("Tier %(number)s's rate must be from 0 to 100%%.") % {"number": number}
                )
        try:
            compensation.check_tiers(tiers)
        except ValueError as error:
            message = str(error).removeprefix("tiers: ")
            raise ValidationError(message[0].upper() + message[1:]) from None
        return [{"from": str(tier.from_), "rate": str(tier.rate.normalize())} for tier in tiers]

    def has_changed(self, initial, data) -> bool:
        try:
            return self.to_python(data) != self.to_python(self.prepare_value(initial))
        except ValidationError:
            return True


def _tier_number(text: str, name: str) -> Decimal:
    try:
        number = Decimal(text.replace(",", "").replace(" ", ""))
    except ArithmeticError:
        raise ValidationError(
            _("%(name)s must be a number, not “%(text)s”.") % {"name": name, "text": text}
        ) from None
    if not number.is_finite() or number < 0:
        raise ValidationError(
            _("%(name)s must be a number of 0 or more, not “%(text)s”.")
            % {"name": name, "text": text}
        )
    return number


class TermForm(forms.ModelForm):
    tiers = TiersField(required=False, label=gettext_lazy("Tiers"), help_text=TIERS_HELP)

    class Meta:
        model = CompensationTerm
        fields = TERM_FORM_FIELDS
        widgets = {"due_date": DATE}

    def __init__(self, *args, brand: Brand, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = tenancy.scope_to_brand(Product.objects.all(), brand)
        for name, field in self.fields.items():
            field.widget.attrs["data-field"] = name


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


def formset_rows(formset: forms.BaseInlineFormSet) -> deals.Rows:
    """What a valid formset of rows under a contract writes: its new and changed rows, the
    deleted ones and their many-to-many values (deals.save_contract saves them)."""
    saved = formset.save(commit=False)
    return deals.Rows(save=saved, delete=formset.deleted_objects, save_m2m=formset.save_m2m)


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
        required=False,
        label=gettext_lazy("Status"),
        choices=[("", gettext_lazy("Any status")), *Statement.Status.choices],
    )
    period = forms.DateField(
        required=False,
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        label=gettext_lazy("Period"),
        help_text=gettext_lazy("Statements whose period ends in this month."),
        error_messages={"invalid": gettext_lazy("Give a month as YYYY-MM.")},
    )
    influencer = forms.ModelChoiceField(
        required=False,
        queryset=Influencer.objects.none(),
        label=gettext_lazy("Influencer"),
        empty_label=gettext_lazy("Any influencer"),
    )
    method = forms.ChoiceField(
        required=False,
        label=gettext_lazy("Method"),
        choices=[("", gettext_lazy("Any method")), *Contract.Method.choices],
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
        label=gettext_lazy("Payout reference"),
        max_length=payouts.REFERENCE_MAX_LENGTH,
        help_text=gettext_lazy("The bank transfer or payment batch id."),
        error_messages={"required": payouts.REFERENCE_MISSING},
    )
    paid_on = forms.DateField(
        label=gettext_lazy("Paid on"),
        widget=DATE,
        error_messages={"required": payouts.PAID_ON_MISSING},
    )


class PartnershipForm(forms.ModelForm):
    """How the relationship is run: who owns it, the influencer's liaison, how often both
    sides meet and what each wants from it."""

    class Meta:
        model = Partnership
        fields = [
            "owner",
            "status",
            "since",
            "liaison",
            "meeting_cadence",
            "influencer_goals",
            "brand_goals",
        ]
        labels = {
            "influencer_goals": gettext_lazy("Influencer's goals"),
            "brand_goals": gettext_lazy("Brand's goals"),
        }
        widgets = {
            "since": DATE,
            "influencer_goals": forms.Textarea(attrs={"rows": 3}),
            "brand_goals": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = tenancy.members(self.instance.brand_id, tenancy.EDIT_ROLES)


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["held_on", "attendees", "agenda", "notes"]
        widgets = {
            "held_on": DATE,
            "agenda": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }


class NextStepForm(forms.ModelForm):
    class Meta:
        model = NextStep
        fields = ["description", "owner", "due_on"]
        labels = {"description": gettext_lazy("Next step")}
        widgets = {"due_on": DATE}

    def __init__(self, *args, brand: Brand, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = tenancy.members(brand)
        self.fields["owner"].empty_label = _("The influencer")


NextStepFormSet = forms.inlineformset_factory(
    Meeting, NextStep, form=NextStepForm, extra=3, can_delete=False
)


class MessageForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    received = forms.BooleanField(
        required=False,
        label=gettext_lazy("Record a message received from the influencer"),
        help_text=gettext_lazy("For one that came by e-mail, phone or chat; it is not sent again."),
    )


class BoardFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, label=gettext_lazy("Search"))
    owner = forms.ModelChoiceField(
        queryset=None,
        required=False,
        empty_label=gettext_lazy("Any owner"),
        label=gettext_lazy("Owner"),
    )

    def __init__(self, *args, brand: Brand, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = tenancy.members(brand, tenancy.EDIT_ROLES)

    def filter(self, influencers: models.QuerySet[Influencer]) -> models.QuerySet[Influencer]:
        """Influencers whose name or handle contains the search, of the chosen owner's
        partnerships."""
        if q := self.cleaned_data.get("q", "").strip():
            influencers = matching(influencers, q).distinct()
        if owner := self.cleaned_data.get("owner"):
            influencers = influencers.filter(partnerships__owner=owner)
        return influencers

    def problem(self) -> str:
        field, errors = next(iter(self.errors.items()))
        return _("%(field)s: %(error)s Showing everyone.") % {
            "field": self.fields[field].label,
            "error": errors[0],
        }
