from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F, Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from influencers import audience
from influencers.models import (
    SOCIAL_ACCOUNT_FIELDS,
    TIER_FOLLOWERS,
    Influencer,
    Platform,
    RiskAssessment,
    SocialAccount,
    Tier,
)
from partnerships import tenancy
from partnerships.audience import AGE_BANDS, GENDERS, normalise_tags
from partnerships.forms import BrandOwnedForm
from partnerships.models import Brand

GENDER_LABELS = {"female": _("Female"), "male": _("Male"), "other": _("Other")}
GENDER_CHOICES = [(gender, GENDER_LABELS[gender]) for gender in GENDERS]


class TagsField(forms.CharField):
    """A list of tags typed as "wigs, hair care"."""

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list) else value

    def to_python(self, value) -> list[str]:
        return normalise_tags((super().to_python(value) or "").split(","))


class NamesField(forms.CharField):
    """A list of names typed as "WeChat group, Telegram", kept as written."""

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list) else value

    def to_python(self, value) -> list[str]:
        names = (super().to_python(value) or "").split(",")
        return list(dict.fromkeys(name.strip() for name in names if name.strip()))


class SharesField(forms.CharField):
    """An audience breakdown typed as "US:40, GB:10" (percent)."""

    def prepare_value(self, value):
        return audience.format_shares(value) if isinstance(value, dict) else value

    def to_python(self, value) -> dict:
        try:
            return audience.parse_shares(super().to_python(value))
        except ValueError as error:
            message = _("Write shares as KEY:PERCENT, separated by commas: %(error)s.")
            raise ValidationError(message % {"error": error}) from None


class InfluencerForm(BrandOwnedForm):
    languages = TagsField(
        required=False, label=_("Languages"), help_text=_("Language codes, e.g. en, es.")
    )
    niches = TagsField(
        required=False,
        label=_("Niches"),
        help_text=_("Topics, e.g. wigs, hair care, evening wear."),
    )
    channels = NamesField(
        required=False,
        label=_("Channels"),
        help_text=_("Communities: where members meet, e.g. WeChat group, Telegram."),
    )
    monetisation = forms.MultipleChoiceField(
        required=False,
        label=_("Monetisation offered"),
        choices=Influencer.Monetisation.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Communities: what they sell to brands and members."),
    )

    class Meta:
        model = Influencer
        fields = [
            "brand",
            "name",
            "kind",
            "country",
            "languages",
            "niches",
            "status",
            "contact_email",
            "contact_phone",
            "agency",
            "notes",
            "members",
            "channels",
            "monetisation",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}


class RiskForm(forms.ModelForm):
    """A risk assessment as owners and managers add or revise it on the influencer page."""

    class Meta:
        model = RiskAssessment
        fields = ["kind", "likelihood", "impact", "mitigation", "owner", "review_date"]
        widgets = {
            "mitigation": forms.Textarea(attrs={"rows": 2}),
            "review_date": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, brand: Brand, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = tenancy.members(brand)


class CloseRiskForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it is closed"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class StatusForm(forms.ModelForm):
    class Meta:
        model = Influencer
        fields = ["status"]
        widgets = {"status": forms.Select(attrs={"class": "form-select form-select-sm"})}


class SocialAccountForm(forms.ModelForm):
    url = forms.URLField(required=False, assume_scheme="https", label=_("URL"))
    countries = SharesField(
        required=False, label=_("Audience countries"), help_text=_("e.g. US:40, GB:10")
    )
    age_bands = SharesField(
        required=False,
        label=_("Audience ages"),
        help_text=format_lazy(_("Bands {bands}"), bands=", ".join(AGE_BANDS)),
    )
    genders = SharesField(required=False, label=_("Audience genders"), help_text=", ".join(GENDERS))

    class Meta:
        model = SocialAccount
        # The audience is typed as its three breakdowns above.
        fields = [name for name in SOCIAL_ACCOUNT_FIELDS if name != "audience"]

    def __init__(self, *args, brand: Brand, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.brand = brand  # a new influencer has no brand link yet
        for dimension in audience.DIMENSIONS:
            self.initial.setdefault(dimension, self.instance.audience.get(dimension, {}))

    def clean(self) -> dict:
        cleaned = super().clean()
        breakdown = {d: cleaned[d] for d in audience.DIMENSIONS if cleaned.get(d)}
        try:
            audience.validate_breakdown(breakdown)
        except ValidationError as error:
            self.add_error(None, error)
        self.instance.audience = breakdown
        return cleaned


class BaseSocialAccountFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        seen = set()
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            key = (form.cleaned_data.get("platform"), form.instance.handle)
            if key in seen:
                form.add_error("handle", _("This account is listed twice."))
            seen.add(key)


SocialAccountFormSet = forms.inlineformset_factory(
    Influencer,
    SocialAccount,
    form=SocialAccountForm,
    formset=BaseSocialAccountFormSet,
    extra=1,
    can_delete=True,
)


class TargetAudienceForm(forms.ModelForm):
    target_countries = TagsField(
        required=False, label=_("Countries"), help_text=_("Codes, e.g. US, GB, DE.")
    )
    target_age_bands = forms.MultipleChoiceField(
        required=False,
        label=_("Age bands"),
        choices=[(b, b) for b in AGE_BANDS],
        widget=forms.CheckboxSelectMultiple,
    )
    target_genders = forms.MultipleChoiceField(
        required=False,
        label=_("Genders"),
        choices=GENDER_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )
    target_niches = TagsField(
        required=False, label=_("Niches"), help_text=_("e.g. wigs, evening wear.")
    )

    class Meta:
        model = Brand
        fields = ["target_countries", "target_age_bands", "target_genders", "target_niches"]

    def clean_target_countries(self) -> list[str]:
        return [code.upper() for code in self.cleaned_data["target_countries"]]


TIER_CHOICES = [("", _("Any tier")), *Tier.choices]
SORTS = {
    "fit": _("Best fit"),
    "followers": _("Most followers"),
    "engagement": _("Highest engagement"),
    "name": _("Name"),
}


def matching(influencers, q: str):
    """Influencers whose name, or the handle of one of whose accounts, contains `q`."""
    handle = q.lstrip("@").lower()
    return influencers.filter(Q(name__icontains=q) | Q(accounts__handle__icontains=handle))


class InfluencerFilterForm(forms.Form):
    q = forms.CharField(required=False, label=_("Search"), help_text=_("Name or handle"))
    platform = forms.ChoiceField(
        required=False, label=_("Platform"), choices=[("", _("Any platform")), *Platform.choices]
    )
    tier = forms.ChoiceField(required=False, label=_("Tier"), choices=TIER_CHOICES)
    country = forms.CharField(required=False, label=_("Country"), max_length=2)
    niche = forms.CharField(required=False, label=_("Niche"))
    status = forms.ChoiceField(
        required=False,
        label=_("Status"),
        choices=[("", _("Any status")), *Influencer.Status.choices],
    )
    kind = forms.ChoiceField(
        required=False, label=_("Kind"), choices=[("", _("Any kind")), *Influencer.Kind.choices]
    )
    engagement_min = forms.DecimalField(
        required=False, min_value=0, max_value=100, label=_("Engagement from %")
    )
    engagement_max = forms.DecimalField(
        required=False, min_value=0, max_value=100, label=_("Engagement to %")
    )
    followers_min = forms.IntegerField(required=False, min_value=0, label=_("Followers from"))
    followers_max = forms.IntegerField(required=False, min_value=0, label=_("Followers to"))
    sort = forms.ChoiceField(required=False, label=_("Sort by"), choices=list(SORTS.items()))

    def filter(self, influencers):
        """Apply the valid filters and the chosen order to a queryset of influencers."""
        data = self.cleaned_data
        if q := data.get("q"):
            influencers = matching(influencers, q)
        if platform := data.get("platform"):
            influencers = influencers.filter(accounts__platform=platform)
        if tier := data.get("tier"):
            low, high = TIER_FOLLOWERS[Tier(tier)]
            influencers = influencers.filter(followers__gte=low)
            if high is not None:
                influencers = influencers.filter(followers__lt=high)
        if country := data.get("country"):
            influencers = influencers.filter(country=country.upper())
        if niche := data.get("niche"):
            # matches the whole tag inside the stored JSON list, on every database
            influencers = influencers.filter(niches__icontains=f'"{niche.strip().lower()}"')
        if status := data.get("status"):
            influencers = influencers.filter(status=status)
        if kind := data.get("kind"):
            influencers = influencers.filter(kind=kind)
        for bound, lookup in (("engagement_min", "gte"), ("engagement_max", "lte")):
            if data.get(bound) is not None:
                rate = data[bound] / Decimal(100)
                influencers = influencers.filter(**{f"engagement_rate__{lookup}": rate})
        if data.get("followers_min") is not None:
            influencers = influencers.filter(followers__gte=data["followers_min"])
        if data.get("followers_max") is not None:
            influencers = influencers.filter(followers__lte=data["followers_max"])
        return influencers.distinct().order_by(*ORDERINGS[data.get("sort") or "fit"])


ORDERINGS = {
    "fit": [F("fit_score").desc(nulls_last=True), "name"],
    "followers": ["-followers", "name"],
    "engagement": [F("engagement_rate").desc(nulls_last=True), "name"],
    "name": ["name"],
}
