from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.timezone import localdate
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from rest_framework_api_key.models import AbstractAPIKey, APIKeyManager
from timezone_field import TimeZoneField

from partnerships import audience, money, titles

MONEY = {"max_digits": 14, "decimal_places": 2}


class Brand(models.Model):
    """The tenant: every business row belongs to one brand."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(
        _("slug"), unique=True, help_text=_("Short name used in commands and URLs.")
    )
    default_currency = models.CharField(
        _("default currency"), max_length=3, choices=money.CURRENCY_CHOICES, default="USD"
    )
    timezone = TimeZoneField(
        _("time zone"),
        default="UTC",
        help_text=_("Settlement periods and 'today' follow this time zone."),
    )
    target_countries = models.JSONField(
        _("target countries"),
        default=list,
        blank=True,
        help_text=_("Country codes of the buyers the brand wants, e.g. US, GB."),
    )
    target_age_bands = models.JSONField(_("target age bands"), default=list, blank=True)
    target_genders = models.JSONField(_("target genders"), default=list, blank=True)
    target_niches = models.JSONField(
        _("target niches"),
        default=list,
        blank=True,
        help_text=_("Topics the brand's buyers follow, e.g. wigs, evening wear."),
    )
    # The buyer's side of a self-billed invoice.
    legal_name = models.CharField(
        _("legal name"), max_length=200, blank=True, help_text=_("As on invoices.")
    )
    address = models.TextField(_("address"), blank=True)
    tax_id = models.CharField(_("tax identifier"), max_length=60, blank=True)
    require_second_factor = models.BooleanField(
        _("require a second factor"),
        default=False,
        help_text=_("Owners and finance members must sign in with an authenticator app code."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def today(self, now: datetime) -> date:
        """The day it is in the brand's time zone at `now`: the brand's 'today'."""
        return localdate(now, self.timezone)

    def clean(self) -> None:
        self.target_niches = audience.normalise_tags(self.target_niches or [])
        audience.validate_target(
            self.target_countries or [], self.target_age_bands or [], self.target_genders or []
        )


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    MANAGER = "manager", _("Manager")
    FINANCE = "finance", _("Finance")
    VIEWER = "viewer", _("Viewer")


class Membership(models.Model):
    """What a user may do in one brand."""

    brand_path = "brand"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(
        _("role"),
        max_length=10,
        choices=Role.choices,
        default=Role.VIEWER,
        help_text=_("Owners and managers edit; finance approves statements; viewers only read."),
    )

    class Meta:
        ordering = ["brand__name", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "brand"], name="one_membership_per_brand")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} of {self.brand}"


class Product(models.Model):
    brand_path = "brand"

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="products")
    sku = models.CharField(_("SKU"), max_length=64)
    name = models.CharField(_("name"), max_length=200)
    category = models.CharField(_("category"), max_length=80, blank=True)
    currency = models.CharField(
        _("currency"), max_length=3, choices=money.CURRENCY_CHOICES, default="USD"
    )
    retail_price = models.DecimalField(
        _("retail price"), **MONEY, validators=[MinValueValidator(Decimal(0))]
    )
    distributor_price = models.DecimalField(
        _("distributor price"),
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text=_(
            "What a distributing influencer pays per unit; leave empty if not distributed."
        ),
    )
    unit_cost = models.DecimalField(
        _("unit cost"),
        **MONEY,
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("Landed cost per unit, used for gross profit and seeding cost."),
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "sku"],
                name="product_sku_unique_per_brand",
                violation_error_message=_("A product with this SKU already exists in this brand."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.sku} — {self.name}"

    def clean(self) -> None:
        errors = {}
        for field in ("retail_price", "distributor_price", "unit_cost"):
            amount = getattr(self, field)
            if (
                amount is not None
                and self.currency
                and money.round(amount, self.currency) != amount
            ):
                places = money.minor_unit(self.currency)
                errors[field] = ngettext(
                    "%(currency)s amounts have %(places)d decimal place.",
                    "%(currency)s amounts have %(places)d decimal places.",
                    places,
                ) % {"currency": self.currency, "places": places}
        price = self.retail_price
        if (
            self.distributor_price is not None
            and price is not None
            and self.distributor_price > price
        ):
            errors.setdefault("distributor_price", _("Must not exceed the retail price."))
        if errors:
            raise ValidationError(errors)


class ExchangeRate(models.Model):
    """1 unit of `from_currency` is worth `rate` units of `to_currency` on `date`."""

    brand_path = "brand"

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="exchange_rates")
    date = models.DateField()
    from_currency = models.CharField(max_length=3, choices=money.CURRENCY_CHOICES)
    to_currency = models.CharField(max_length=3, choices=money.CURRENCY_CHOICES)
    rate = models.DecimalField(max_digits=18, decimal_places=8)

    class Meta:
        ordering = ["-date", "from_currency", "to_currency"]
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "date", "from_currency", "to_currency"],
                name="one_rate_per_pair_and_day",
                violation_error_message=_("This brand already has a rate for this pair and date."),
            ),
            models.CheckConstraint(condition=Q(rate__gt=0), name="rate_positive"),
            models.CheckConstraint(
                condition=~Q(from_currency=F("to_currency")), name="rate_between_two_currencies"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date}: 1 {self.from_currency} = {self.rate} {self.to_currency}"

    def clean(self) -> None:
        errors = {}
        if self.from_currency and self.from_currency == self.to_currency:
            errors["to_currency"] = _("Must differ from the currency converted from.")
        if self.rate is not None and self.rate <= 0:
            errors["rate"] = _("Must be greater than zero.")
        if errors:
            raise ValidationError(errors)


class BrandAPIKeyManager(APIKeyManager):
    def get_usable_keys(self) -> models.QuerySet:
        return super().get_usable_keys().select_related("brand")


class BrandAPIKey(AbstractAPIKey):
    """An API key: stored hashed, belongs to one brand, revocable."""

    brand_path = "brand"
    objects = BrandAPIKeyManager()

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="api_keys")

    class Meta(AbstractAPIKey.Meta):
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")


class Reminder(models.Model):
    """Something a brand has to do, kept while it needs doing.

    The subject is named by type and id (a deliverable, a statement…) rather than by foreign
    key, since brands sit below the apps whose rows need attention; `url` is the page where it
    is resolved. One row per brand, kind and subject: a subject that needs attention again
    reopens its row, so it is never mailed twice on one day.
    """

    brand_path = "brand"

    class Kind(models.TextChoices):
        DELIVERABLE_DUE = "deliverable_due", _("Deliverables due")
        CONTENT_APPROVAL = "content_approval", _("Content awaiting approval")
        SHIPMENT_LATE = "shipment_late", _("Shipments not shipped in time")
        INSTALLMENT_DUE = "installment_due", _("Installments due")
        STATEMENT_APPROVAL = "statement_approval", _("Statements awaiting approval")
        STATEMENT_OVERDUE = "statement_overdue", _("Statements past their payment date")
        CONTRACT_ENDING = "contract_ending", _("Contracts ending")
        USAGE_EXPIRING = "usage_expiring", _("Usage rights expiring")
        MEETING_DUE = "meeting_due", _("Meetings due")
        NEXT_STEP_DUE = "next_step_due", _("Next steps due")
        RISK_REVIEW = "risk_review", _("Risk reviews due")

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=18, choices=Kind.choices)
    subject_type = models.CharField(max_length=20, help_text=_("e.g. deliverable, statement."))
    subject_id = models.PositiveBigIntegerField()
    title = models.TextField()  # in English; `text` is the title in the reader's language
    # The title's message and what it names (partnerships.titles); empty for a title kept only
    # as written.
    title_parts = models.JSONField(default=dict, blank=True, editable=False)
    url = models.CharField(_("URL"), max_length=300, help_text=_("The page that resolves it."))
    due_on = models.DateField()
    first_seen = models.DateField()
    last_sent_on = models.DateField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "kind", "subject_type", "subject_id"],
                name="one_reminder_per_subject",
            )
        ]
        indexes = [models.Index(fields=["brand", "resolved_at", "due_on"])]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        """The title in the active language."""
        return titles.read(self.title_parts) if self.title_parts else self.title

    @property
    def key(self) -> tuple[str, str, int]:
        """What the reminder is about: its kind and its subject."""
        return (self.kind, self.subject_type, self.subject_id)


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs: object) -> int:
        raise PermissionError("The audit trail is never edited.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("The audit trail is never edited.")


class AuditEvent(models.Model):
    """One act in the audit trail (partnerships.audit records them); only ever added."""

    class Action(models.TextChoices):
        SIGNED_IN = "signed_in", _("Signed in")
        SIGN_IN_FAILED = "sign_in_failed", _("Sign-in failed")
        SECOND_FACTOR_ENROLLED = "second_factor_enrolled", _("Second factor enrolled")
        KEY_CREATED = "api_key_created", _("API key created")
        KEY_REVOKED = "api_key_revoked", _("API key revoked")
        STATEMENT_APPROVED = "statement_approved", _("Statement approved")
        STATEMENT_PAID = "statement_paid", _("Statement marked paid")
        CONTRACT_SIGNED = "contract_signed", _("Contract signed")
        CONTRACT_ACCEPTED = "contract_accepted", _("Contract accepted")
        EXPORT_DOWNLOADED = "export_downloaded", _("Export downloaded")
        MEMBER_ADDED = "member_added", _("Member added")
        ROLE_CHANGED = "role_changed", _("Role changed")
        MEMBER_REMOVED = "member_removed", _("Member removed")
        PERSONAL_DATA_EXPORTED = "personal_data_exported", _("Personal data exported")
        PERSONAL_DATA_ERASED = "personal_data_erased", _("Personal data erased")

    brand_path = "brand"

    at = models.DateTimeField(db_index=True)
    # Null for acts of a person rather than in a brand (signing in); the trail keeps the
    # event when the brand or user goes, with the user name as it was.
    brand = models.ForeignKey(
        Brand, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_events"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    username = models.CharField(max_length=150, blank=True)
    address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    action = models.CharField(max_length=30, choices=Action.choices)
    target = models.CharField(max_length=300, blank=True, help_text=_("What it was about."))
    details = models.JSONField(default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["brand", "-at"]),
            models.Index(fields=["username", "-at"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username or 'system'}: {self.get_action_display()}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise PermissionError("The audit trail is never edited.")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise PermissionError("The audit trail is never edited.")


class Profile(models.Model):
    """What a person chose for themselves, whichever brands they work in: the language of
    their pages and e-mails (blank until chosen: pages follow the browser, e-mails the one it
    asked for at their last sign-in; see partnerships.languages)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, blank=True
    )
    browser_language = models.CharField(
        _("language of the last sign-in's browser"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
    )

    def __str__(self) -> str:
        return str(self.user)
