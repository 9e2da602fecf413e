from datetime import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from campaigns import participants, roi, shipping
from campaigns.models import (
    CAMPAIGN_FIELDS,
    SHIPMENT_FIELDS,
    SHIPMENT_ITEM_FIELDS,
    TARGET_FIELDS,
    Campaign,
    ContentItem,
    Participant,
    Shipment,
    ShipmentItem,
)
from contracts.models import Contract, Deliverable
from influencers.models import Platform
from partnerships import tenancy
from partnerships.audience import unknown_countries
from partnerships.forms import BrandOwnedForm
from partnerships.models import Brand, Product

DATE = forms.DateInput(attrs={"type": "date"})
ALL = [("", _("All"))]


class DaysForm(forms.Form):
    """A range of days chosen on a page: GET from= and to= (YYYY-MM-DD), both or neither."""

    MAX_DAYS = 5 * 366

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # "from" is a Python keyword, so these fields are added by name.
        for name, label in (
            ("from", pgettext_lazy("date", "From")),
            ("to", pgettext_lazy("date", "To")),
        ):
            self.fields[name] = forms.DateField(
                required=False,
                label=label,
                widget=forms.DateInput(
                    attrs={"type": "date", "class": "form-control form-control-sm"}
                ),
            )

    def clean(self) -> dict:
        data = super().clean()
        if self.wants_days(data):
            self.check_days(data)
        return data

    def wants_days(self, data: dict) -> bool:
        return bool(data.get("from") or data.get("to"))

    def check_days(self, data: dict) -> None:
        first, last = data.get("from"), data.get("to")
        if first is None and "from" not in self.errors:
            self.add_error("from", _("Choose the first day."))
        if last is None and "to" not in self.errors:
            self.add_error("to", _("Choose the last day."))
        if first and last and last < first:
            self.add_error("to", _("The last day cannot come before the first."))
        elif first and last and (last - first).days >= self.MAX_DAYS:
            self.add_error("to", _("Choose at most five years."))

    def chosen(self) -> roi.DateRange | None:
        """The days chosen; None while none (or no valid ones) are."""
        if not self.is_valid() or not self.wants_days(self.cleaned_data):
            return None
        return roi.DateRange(self.cleaned_data["from"], self.cleaned_data["to"])


class CampaignFilterForm(forms.Form):
    """Search and filters of the campaign list; `when` is judged on the brand's today."""

    q = forms.CharField(required=False, label=_("Search"))
    objective = forms.ChoiceField(
        required=False, label=_("Objective"), choices=ALL + Campaign.Objective.choices
    )
    when = forms.ChoiceField(
        required=False, choices=ALL + Campaign.Phase.choices, label=_("Status")
    )

    def filter(self, campaigns: QuerySet[Campaign], today) -> QuerySet[Campaign]:
        data = self.cleaned_data
        if q := data.get("q", "").strip():
            campaigns = campaigns.filter(Q(name__icontains=q) | Q(description__icontains=q))
        if objective := data.get("objective"):
            campaigns = campaigns.filter(objective=objective)
        if when := data.get("when"):
            campaigns = campaigns.filter(Campaign.in_phase(when, today))
        return campaigns


class CountryCodesField(forms.CharField):
    """Country codes typed as "US, GB, DE"."""

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list) else value

    def to_python(self, value) -> list[str]:
        codes = participants.CODE_SEPARATORS.split(super().to_python(value) or "")
        codes = list(dict.fromkeys(code.strip().upper() for code in codes if code.strip()))
        if bad := unknown_countries(codes):
            raise ValidationError(
                gettext("Unknown country codes: %(codes)s.") % {"codes": ", ".join(bad)}
            )
        return codes


class CampaignPlanForm(forms.ModelForm):
    """A campaign's plan and targets, as its page and the admin edit them."""

    platforms = forms.MultipleChoiceField(
        choices=Platform.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Platforms"),
        help_text=_("Where the content goes out."),
    )
    markets = CountryCodesField(
        required=False,
        label=_("Markets"),
        help_text=_("Country codes, e.g. US, GB, DE; used by the disclosure check."),
    )

    class Meta:
        model = Campaign
        fields = ["brand", *CAMPAIGN_FIELDS, *TARGET_FIELDS]


class CampaignForm(BrandOwnedForm, CampaignPlanForm):
    class Meta(CampaignPlanForm.Meta):
        widgets = {"start": DATE, "end": DATE, "description": forms.Textarea(attrs={"rows": 3})}
        labels = {
            "target_reach": _("Reach"),
            "target_views": _("Views"),
            "target_engagements": _("Engagements"),
            "target_clicks": _("Clicks"),
            "target_conversions": _("Conversions"),
            "target_sales": _("Net sales"),
        }


class ContractChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, contract: Contract) -> str:
        influencer = contract.partnership.influencer
        return gettext("%(influencer)s — %(title)s (%(status)s)") % {
            "influencer": influencer,
            "title": contract.title,
            "status": contract.get_status_display().lower(),
        }


class ParticipantForm(forms.ModelForm):
    """A contract of the brand joining the campaign, with its promo codes."""

    contract = ContractChoiceField(queryset=Contract.objects.none(), label=_("Contract"))
    codes = forms.CharField(
        required=False,
        label=_("Promo codes"),
        help_text=_("Separated by commas, e.g. ANNA10, ANNA-YT; unique in the brand."),
    )

    class Meta:
        model = Participant
        fields = ["contract", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, campaign: Campaign, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.instance.campaign = campaign
        contracts = tenancy.scope_to_brand(Contract.objects.all(), campaign.brand).select_related(
            "partnership__influencer"
        )
        if self.instance.pk:
            self.fields["contract"].disabled = True
            self.initial["codes"] = ", ".join(c.code for c in self.instance.codes.all())
        else:
            contracts = contracts.exclude(
                status__in=[Contract.Status.TERMINATED, Contract.Status.COMPLETED]
            ).exclude(participants__campaign=campaign)
        self.fields["contract"].queryset = contracts.order_by(
            "partnership__influencer__name", "title"
        )

    def clean(self) -> dict:
        cleaned = super().clean()
        codes = participants.split_codes(cleaned.get("codes", ""))
        for problem in participants.code_problems(
            codes, brand_id=self.campaign.brand_id, participant=self.instance
        ):
            self.add_error("codes", problem)
        cleaned["codes"] = codes
        return cleaned

    def save(self, commit: bool = True) -> Participant:
        data = self.cleaned_data
        if self.instance.pk is None:
            return participants.add(
                self.campaign, data["contract"], codes=data["codes"], notes=data["notes"]
            )
        participant = super().save()
        return participants.set_codes(participant, data["codes"])


class DeliverableChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, deliverable: Deliverable) -> str:
        influencer = deliverable.contract.partnership.influencer
        return gettext("%(influencer)s: %(deliverable)s, due %(day)s") % {
            "influencer": influencer,
            "deliverable": deliverable,
            "day": date_format(deliverable.due_date, "d M Y"),
        }


class ParticipantChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, participant: Participant) -> str:
        return f"{participant.contract.partnership.influencer} — {participant.contract.title}"


def campaign_participants(campaign: Campaign) -> QuerySet[Participant]:
    return campaign.participants.select_related("contract__partnership__influencer")


class ContentItemForm(forms.ModelForm):
    """A piece of content submitted for review; type and platform default to the
    deliverable's."""

    participant = ParticipantChoiceField(queryset=Participant.objects.none(), label=_("Influencer"))
    deliverable = DeliverableChoiceField(
        queryset=Deliverable.objects.none(), required=False, label=_("Deliverable")
    )
    url = forms.URLField(required=False, assume_scheme="https", label=_("URL"))

    class Meta:
        model = ContentItem
        fields = [
            "participant",
            "deliverable",
            "content_type",
            "platform",
            "url",
            "caption",
            "draft_file",
        ]
        widgets = {"caption": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"caption": _("Checked for the contract's ad disclosure.")}

    def __init__(self, *args, campaign: Campaign, now: datetime, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participant"].queryset = campaign_participants(campaign)
        self.fields["deliverable"].queryset = Deliverable.objects.filter(
            contract__participants__campaign=campaign
        ).select_related("contract__partnership__influencer")
        for name in ("content_type", "platform"):
            self.fields[name].required = False
            self.fields[name].help_text = gettext("Taken from the deliverable when left empty.")
        self.instance.submitted_at = now

    def clean(self) -> dict:
        cleaned = super().clean()
        deliverable = cleaned.get("deliverable")
        for name in ("content_type", "platform"):
            if not cleaned.get(name):
                if deliverable is not None:
                    cleaned[name] = getattr(deliverable, name)
                elif name not in self.errors:
                    self.add_error(
                        name, gettext("Choose one, or the deliverable the item fulfils.")
                    )
        return cleaned


class ShipmentForm(forms.ModelForm):
    participant = ParticipantChoiceField(queryset=Participant.objects.none(), label=_("Influencer"))

    class Meta:
        model = Shipment
        fields = ["participant", *SHIPMENT_FIELDS]
        widgets = {
            "requested_on": DATE,
            "shipped_on": DATE,
            "delivered_on": DATE,
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, campaign: Campaign, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participant"].queryset = campaign_participants(campaign)


class ShipmentItemForm(forms.ModelForm):
    class Meta:
        model = ShipmentItem
        fields = SHIPMENT_ITEM_FIELDS

    def __init__(self, *args, brand: Brand, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = tenancy.scope_to_brand(Product.objects.all(), brand)

    def has_changed(self) -> bool:
        # A spare row left at its default quantity is empty, whether or not the quantity came.
        quantity = self["quantity"].data
        return bool(self["product"].data) or quantity not in (None, "", "1")


class BaseShipmentItemFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        filled = [form for form in self.forms if form.cleaned_data]
        if not filled:
            raise ValidationError(gettext("List at least one item in the shipment."))


ShipmentItemFormSet = forms.inlineformset_factory(
    Shipment,
    ShipmentItem,
    form=ShipmentItemForm,
    formset=BaseShipmentItemFormSet,
    extra=3,
    can_delete=False,
)


class BrandDateTimeField(forms.DateTimeField):
    """A date and time typed in the brand's time zone."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def __init__(self, *args, tz=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.tz = tz

    def to_python(self, value):
        value = super().to_python(value)
        if value is None or self.tz is None:
            return value
        # Django read the wall time in the site's zone; it was meant in the brand's.
        return timezone.make_aware(timezone.make_naive(value), self.tz)


class ReviewForm(forms.Form):
    """One move of a content item, as posted by the buttons of the approval queue."""

    to = forms.ChoiceField(choices=ContentItem.Status.choices)
    comment = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    override_reason = forms.CharField(
        required=False,
        label=_("Why approve anyway"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept with the item: why it may go out although the disclosure check failed."),
    )
    published_at = BrandDateTimeField(required=False, label=_("Published at"))
    caption = forms.CharField(
        required=False, label=_("Caption"), widget=forms.Textarea(attrs={"rows": 3})
    )
    url = forms.URLField(required=False, assume_scheme="https", label=_("URL"))

    def __init__(self, *args, brand: Brand, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["published_at"].tz = brand.timezone


class ShipmentStatusForm(forms.Form):
    to = forms.ChoiceField(choices=Shipment.Status.choices, label=_("Status"))
    on = forms.DateField(required=False, widget=DATE, label=_("On"))

    def __init__(self, *args, shipment: Shipment, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [
            (status, Shipment.Status(status).label) for status in shipping.allowed(shipment)
        ]
