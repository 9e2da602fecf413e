"""The portal's forms. Each takes only what a creator may set: a status, an amount or a brand
posted along is not a field here, so it is never read."""

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.models import ContentItem
from contracts.models import PayoutDetails

TEXTAREA = {"rows": 4}


class NewPasswordForm(forms.Form):
    password1 = forms.CharField(
        label=gettext_lazy("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=gettext_lazy("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self) -> dict:
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            probe = _User(email=self.email, username=self.email)
            try:
                password_validation.validate_password(first, probe)
            except ValidationError as error:
                self.add_error("password1", error)
        return data


class _User:
    """What the similarity check compares a new password with, before the account exists."""

    def __init__(self, **fields: str) -> None:
        self.__dict__.update(fields)


class AcceptForm(forms.Form):
    terms_sha256 = forms.CharField(widget=forms.HiddenInput, max_length=64)


class MessageForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Message"), widget=forms.Textarea(attrs=TEXTAREA), max_length=5000
    )


class DraftForm(forms.ModelForm):
    """A draft for a deliverable: a link or a file, and the caption it will go out with."""

    class Meta:
        model = ContentItem
        fields = ["url", "draft_file", "caption"]
        labels = {
            "url": gettext_lazy("Link to the draft"),
            "draft_file": gettext_lazy("Or a file"),
            "caption": gettext_lazy("Caption"),
        }
        widgets = {"caption": forms.Textarea(attrs=TEXTAREA)}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["caption"].required = True
        self.fields["url"].assume_scheme = "https"

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("url") and not data.get("draft_file"):
            raise ValidationError(_("Give a link to the draft or attach its file."))
        return data


class ResubmitForm(forms.Form):
    caption = forms.CharField(label=gettext_lazy("Caption"), widget=forms.Textarea(attrs=TEXTAREA))
    url = forms.URLField(
        required=False, assume_scheme="https", label=gettext_lazy("Link to the draft")
    )


class PublishForm(forms.Form):
    url = forms.URLField(assume_scheme="https", label=gettext_lazy("Where it is published"))


class PayoutDetailsForm(forms.ModelForm):
    """How one brand pays the creator. The account number is never shown back: left empty, the
    one on file is kept."""

    class Meta:
        model = PayoutDetails
        fields = [
            "method",
            "account_holder",
            "account_number",
            "bank_name",
            "bank_code",
            "account_email",
            "alipay_id",
            "instructions",
            "tax_id",
            "address",
        ]
        widgets = {
            "instructions": forms.Textarea(attrs={"rows": 3}),
            "address": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.on_file = self.instance.account_last4 if self.instance.pk else ""
        field = self.fields["account_number"]
        field.widget = forms.TextInput(attrs={"autocomplete": "off"})
        self.initial["account_number"] = ""
        if self.on_file:
            field.help_text = _("On file: %(last4)s. Leave empty to keep it.") % {
                "last4": self.on_file
            }

    def clean_account_number(self) -> str:
        typed = self.cleaned_data["account_number"].strip()
        return typed or (self.instance.account_number if self.instance.pk else "")
