from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.models import HistoricalRecords

from contracts import compensation
from influencers.models import Influencer, Platform
from partnerships import money
from partnerships.models import MONEY, Brand, Product
from partnerships.percent import RateField

SIGNED_DOCUMENT_MAX_BYTES = 10 * 1024 * 1024


class PartnershipQuerySet(models.QuerySet):
    def with_meeting_figures(self) -> "PartnershipQuerySet":
        """Each partnership with `last_met` (its last meeting's date) and `open_steps` (next
        steps not yet done), in the same query; what `Partnership.next_meeting` reads."""
        open_steps = (
            NextStep.objects.filter(meeting__partnership=models.OuterRef("pk"), done_at=None)
            .order_by()
            .values("meeting__partnership")
            .annotate(count=models.Count("pk"))
            .values("count")
        )
        return self.annotate(
            last_met=models.Max("meetings__held_on"),
            open_steps=models.functions.Coalesce(models.Subquery(open_steps), 0),
        )


class Partnership(models.Model):
    """The long-term relationship between a brand and one influencer."""

    brand_path = "brand"

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        ENDED = "ended", _("Ended")

    class Cadence(models.TextChoices):
        WEEKLY = "weekly", _("Weekly")
        FORTNIGHTLY = "fortnightly", _("Every two weeks")
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")
        AD_HOC = "ad_hoc", _("When needed")

    brand = models.ForeignKey(
        Brand, on_delete=models.CASCADE, related_name="partnerships", verbose_name=_("brand")
    )
    influencer = models.ForeignKey(
        Influencer,
        on_delete=models.CASCADE,
        related_name="partnerships",
        verbose_name=_("influencer"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Who at the brand is responsible for the relationship."),
        verbose_name=_("owner"),
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.ACTIVE, verbose_name=_("status")
    )
    since = models.DateField(null=True, blank=True, verbose_name=_("since"))
    liaison = models.CharField(
        max_length=200,
        blank=True,
        help_text=_("The influencer's day-to-day contact."),
        verbose_name=_("liaison"),
    )
    meeting_cadence = models.CharField(
        max_length=12,
        choices=Cadence.choices,
        default=Cadence.MONTHLY,
        verbose_name=_("meeting cadence"),
    )
    influencer_goals = models.TextField(
        blank=True,
        help_text=_("What matters to the influencer."),
        verbose_name=_("influencer goals"),
    )
    brand_goals = models.TextField(
        blank=True, help_text=_("What the brand wants from it."), verbose_name=_("brand goals")
    )

    objects = PartnershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        ordering = ["influencer__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "influencer"], name="one_partnership_per_influencer"
            )
        ]

    def __str__(self) -> str:
        return f"{self.brand} × {self.influencer}"

    def clean(self) -> None:
        if self.influencer_id and self.brand_id and self.influencer.brand_id != self.brand_id:
            raise ValidationError({"influencer": _("This influencer belongs to another brand.")})

    @property
    def next_meeting(self) -> date | None:
        """When the next meeting is due; read through `with_meeting_figures`."""
        return next_meeting_on(self.meeting_cadence, self.status, self.last_met, self.since)


MEETING_INTERVALS = {
    Partnership.Cadence.WEEKLY: relativedelta(weeks=1),
    Partnership.Cadence.FORTNIGHTLY: relativedelta(weeks=2),
    Partnership.Cadence.MONTHLY: relativedelta(months=1),
    Partnership.Cadence.QUARTERLY: relativedelta(months=3),
}


def next_meeting_on(
    cadence: str, status: str, last_held: date | None, since: date | None
) -> date | None:
    """The day the next meeting is due: one cadence interval after the last meeting, or the
    partnership's start before the first one; None when meetings are held as needed or the
    partnership is not active."""
    interval = MEETING_INTERVALS.get(cadence)
    if interval is None or status != Partnership.Status.ACTIVE:
        return None
    if last_held is None:
        return since
    # relativedelta keeps month ends: monthly from 31 January is due on 28 February.
    return last_held + interval


class Contract(models.Model):
    """What was agreed within a partnership under one cooperation method."""

    brand_path = "partnership__brand"

    class Method(models.TextChoices):
        DISTRIBUTION = "distribution", _("Distribution")
        PAID_MEDIA = "paid_media", _("Paid self-media")
        JOINT_BRAND = "joint_brand", _("Joint brand")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        NEGOTIATING = "negotiating", _("Negotiating")
        SIGNED = "signed", _("Signed")
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        TERMINATED = "terminated", _("Terminated")

    class SettlementPeriod(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")
        ON_COMPLETION = "on_completion", _("On completion")

    class Exclusivity(models.TextChoices):
        NONE = "none", _("None")
        CATEGORY = "category", _("In the listed categories")
        FULL = "full", _("Full")

    class ContentOwner(models.TextChoices):
        BRAND = "brand", _("Brand")
        INFLUENCER = "influencer", _("Influencer")
        SHARED = "shared", _("Shared")

    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.CASCADE,
        related_name="contracts",
        verbose_name=_("partnership"),
    )
    method = models.CharField(max_length=14, choices=Method.choices, verbose_name=_("method"))
    title = models.CharField(max_length=200, verbose_name=_("title"))
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.DRAFT, verbose_name=_("status")
    )
    start = models.DateField(verbose_name=_("start"))
    end = models.DateField(null=True, blank=True, verbose_name=_("end"))
    currency = models.CharField(
        max_length=3, choices=money.CURRENCY_CHOICES, default="USD", verbose_name=_("currency")
    )
    # Settlement
    settlement_period = models.CharField(
        max_length=14,
        choices=SettlementPeriod.choices,
        default=SettlementPeriod.MONTHLY,
        verbose_name=_("settlement period"),
    )
    hold_days = models.PositiveSmallIntegerField(
        default=0,
        help_text=_("Days after a period ends before it is settled (returns window)."),
        verbose_name=_("hold days"),
    )
    minimum_payout = models.DecimalField(
        **MONEY,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("Smaller balances are carried to the next statement."),
        verbose_name=_("minimum payout"),
    )
    payment_terms_days = models.PositiveSmallIntegerField(_("payment terms (net days)"), default=30)
    # Exclusivity
    exclusivity = models.CharField(
        max_length=10,
        choices=Exclusivity.choices,
        default=Exclusivity.NONE,
        verbose_name=_("exclusivity"),
    )
    exclusivity_categories = models.JSONField(
        default=list, blank=True, verbose_name=_("exclusivity categories")
    )
    competitors = models.JSONField(default=list, blank=True, verbose_name=_("competitors"))
    exclusivity_territories = models.JSONField(
        default=list,
        blank=True,
        help_text=_("Country codes; empty means worldwide."),
        verbose_name=_("exclusivity territories"),
    )
    # Content
    disclosure_required = models.BooleanField(_("ad disclosure required"), default=True)
    disclosure_text = models.CharField(
        max_length=200,
        blank=True,
        help_text=_("e.g. #ad #LumiereHair"),
        verbose_name=_("disclosure text"),
    )
    approval_required = models.BooleanField(_("content approval required"), default=True)
    content_owner = models.CharField(
        _("content IP owner"),
        max_length=10,
        choices=ContentOwner.choices,
        default=ContentOwner.INFLUENCER,
    )
    usage_channels = models.JSONField(
        default=list,
        blank=True,
        help_text=_("Where the brand may reuse the content."),
        verbose_name=_("usage channels"),
    )
    paid_ads_allowed = models.BooleanField(_("may be used in paid ads"), default=False)
    usage_territories = models.JSONField(
        default=list, blank=True, verbose_name=_("usage territories")
    )
    usage_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text=_("How long the brand may use the content."),
        verbose_name=_("usage months"),
    )
    # Breach
    late_delivery_per_day = models.DecimalField(
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        verbose_name=_("late delivery per day"),
    )
    late_delivery_cap = models.DecimalField(
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("The most late-delivery penalties may take in all."),
        verbose_name=_("late delivery cap"),
    )
    late_payment_per_day = models.DecimalField(
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("Owed to the influencer per day a statement is paid late."),
        verbose_name=_("late payment per day"),
    )
    breach_terms = models.TextField(blank=True, verbose_name=_("breach terms"))
    signed_document = models.FileField(
        upload_to="contracts/%Y/",
        blank=True,
        validators=[FileExtensionValidator(["pdf", "png", "jpg", "jpeg"])],
        help_text=_("PDF or image, at most 10 MB."),
        verbose_name=_("signed document"),
    )
    signed_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("signed at")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="contract_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors = {}
        if self.end and self.start and self.end < self.start:
            errors["end"] = _("The contract cannot end before it starts.")
        if self.exclusivity == self.Exclusivity.CATEGORY and not self.exclusivity_categories:
            errors["exclusivity_categories"] = _("Name the categories the exclusivity covers.")
        if self.signed_document and self.signed_document.size > SIGNED_DOCUMENT_MAX_BYTES:
            errors["signed_document"] = _("The signed document is larger than 10 MB.")
        if self.late_delivery_cap and not self.late_delivery_per_day:
            errors["late_delivery_cap"] = _("A cap needs a late-delivery penalty per day.")
        if clash := self.overlapping_exclusive_contract():
            errors["exclusivity"] = _(
                "“%(title)s” already gives this influencer's exclusivity for an overlapping "
                "period (%(start)s to %(end)s)."
            ) % {"title": clash.title, "start": clash.start, "end": clash.end or _("open end")}
        if errors:
            raise ValidationError(errors)

    def overlapping_exclusive_contract(self) -> "Contract | None":
        """Another live exclusive contract of the same influencer overlapping in dates and
        category (full exclusivity overlaps every category)."""
        if self.exclusivity == self.Exclusivity.NONE or not (self.partnership_id and self.start):
            return None
        others = (
            Contract.objects.filter(
                partnership__influencer_id=self.partnership.influencer_id,
                start__lte=self.end or date.max,
            )
            .exclude(exclusivity=self.Exclusivity.NONE)
            .exclude(status__in=[self.Status.TERMINATED, self.Status.COMPLETED])
            .exclude(Q(end__lt=self.start))
            .exclude(pk=self.pk)
        )
        mine = set(self.exclusivity_categories)
        for other in others:
            if Contract.Exclusivity.FULL in (self.exclusivity, other.exclusivity):
                return other
            if mine & set(other.exclusivity_categories):
                return other
        return None


class ContentType(models.TextChoices):
    VIDEO = "video", _("Video")
    SHORT = "short", _("Short video")
    POST = "post", _("Post")
    STORY = "story", _("Story")
    LIVE_STREAM = "live_stream", _("Live stream")
    REVIEW = "review", _("Review")
    GRAPHIC = "graphic", _("Graphic")


class CompensationTerm(models.Model):
    """One money rule of a contract; which fields it uses depends on its kind (DESIGN §4)."""

    brand_path = "contract__partnership__brand"

    class Kind(models.TextChoices):
        FLAT_FEE = "flat_fee", _("Flat fee or installment")
        PER_DELIVERABLE = "per_deliverable", _("Per published item")
        CPM = "cpm", _("Per 1,000 views (CPM)")
        CPA = "cpa", _("Per order (CPA)")
        COMMISSION = "commission", _("Commission on sales")
        REVENUE_SHARE = "revenue_share", _("Revenue share (joint brand)")
        REBATE = "rebate", _("Volume rebate (distribution)")
        BONUS = "bonus", _("One-time bonus")

    class Basis(models.TextChoices):
        TOTAL = "total", _("All attributed sales")
        PRODUCT = "product", _("One product")
        CATEGORY = "category", _("One category")

    class TierMode(models.TextChoices):
        WHOLE = "whole", _("Reached tier's rate on all of it")
        MARGINAL = "marginal", _("Each band at its own rate")

    class Milestone(models.TextChoices):
        ON_SIGNING = "on_signing", _("On signing")
        ON_FIRST_PUBLISH = "on_first_publish", _("On first published content")
        ON_CAMPAIGN_END = "on_campaign_end", _("On campaign end")

    class Metric(models.TextChoices):
        VIEWS = "views", _("Views")
        SALES = "sales", _("Net sales")
        CONVERSIONS = "conversions", _("Conversions")

    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="terms", verbose_name=_("contract")
    )
    kind = models.CharField(max_length=16, choices=Kind.choices, verbose_name=_("kind"))
    description = models.CharField(max_length=200, blank=True, verbose_name=_("description"))
    amount = models.DecimalField(
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        verbose_name=_("amount"),
    )
    rate = RateField(null=True, blank=True, verbose_name=_("rate"))  # 0.0800 = 8%
    basis = models.CharField(
        max_length=10, choices=Basis.choices, blank=True, verbose_name=_("basis")
    )
    product = models.ForeignKey(
        Product,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("product"),
    )
    category = models.CharField(max_length=80, blank=True, verbose_name=_("category"))
    tiers = models.JSONField(
        default=list,
        blank=True,
        help_text=_(
            'Ascending thresholds, e.g. [{"from": "0", "rate": "0.05"}, '
            '{"from": "10000", "rate": "0.08"}].'
        ),
        verbose_name=_("tiers"),
    )
    tier_mode = models.CharField(
        max_length=10, choices=TierMode.choices, blank=True, verbose_name=_("tier mode")
    )
    content_type = models.CharField(
        max_length=12, choices=ContentType.choices, blank=True, verbose_name=_("content type")
    )
    cap = models.DecimalField(
        **MONEY, null=True, blank=True, help_text=_("Most paid per item."), verbose_name=_("cap")
    )
    minimum_guarantee = models.DecimalField(
        **MONEY, null=True, blank=True, verbose_name=_("minimum guarantee")
    )
    due_date = models.DateField(null=True, blank=True, verbose_name=_("due date"))
    milestone = models.CharField(
        max_length=16, choices=Milestone.choices, blank=True, verbose_name=_("milestone")
    )
    offset_days = models.PositiveSmallIntegerField(
        null=True, blank=True, verbose_name=_("offset days")
    )
    metric = models.CharField(
        max_length=12, choices=Metric.choices, blank=True, verbose_name=_("metric")
    )
    threshold = models.DecimalField(**MONEY, null=True, blank=True, verbose_name=_("threshold"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("compensation term")
        verbose_name_plural = _("compensation terms")
        # Undated terms first on every database (PostgreSQL would put NULLs last).
        ordering = ["contract", "kind", models.F("due_date").asc(nulls_first=True), "pk"]

    def __str__(self) -> str:
        return self.description or self.get_kind_display()

    def clean(self) -> None:
        errors: dict[str, str] = {}
        kind = self.Kind(self.kind) if self.kind in self.Kind.values else None
        if kind is None:
            raise ValidationError({"kind": _("Choose what the term pays for.")})
        contract = _contract_of(self)
        if contract and contract.method and kind not in METHOD_KINDS.get(contract.method, ()):
            errors["kind"] = _("A %(method)s contract cannot have a %(kind)s term.") % {
                "method": contract.get_method_display().lower(),
                "kind": self.get_kind_display().lower(),
            }
        for name in TERM_FIELDS_ALL - set(TERM_FIELDS[kind]):
            if getattr(self, name) not in (None, "", []):
                errors[name] = _("Not used by a %(kind)s term.") % {
                    "kind": self.get_kind_display().lower()
                }
        for name in TERM_REQUIRED[kind]:
            if getattr(self, name) in (None, "", []):
                errors.setdefault(name, _("Required for this kind of term."))
        errors.update(self._kind_rules(kind, contract))
        if errors:
            raise ValidationError(errors)

    def _kind_rules(self, kind: "CompensationTerm.Kind", contract: Contract | None) -> dict:
        errors = {}
        if self.rate is not None and not Decimal(0) <= self.rate <= Decimal(1):
            errors["rate"] = _("A rate is a fraction between 0 and 1 (0.0800 is 8%).")
        for name in ("cap", "minimum_guarantee"):
            if getattr(self, name) is not None and getattr(self, name) <= 0:
                errors[name] = _("Must be greater than zero.")
        if self.tiers:
            try:
                compensation.parse_tiers(self.tiers)
            except ValueError as error:
                errors["tiers"] = str(error)
        if kind == self.Kind.FLAT_FEE:
            if bool(self.due_date) == bool(self.milestone):
                errors["due_date"] = _("Give either a due date or a milestone.")
            if self.offset_days is not None and not self.milestone:
                errors["offset_days"] = _("An offset counts from a milestone.")
        if kind == self.Kind.COMMISSION:
            if self.rate is None and not self.tiers:
                errors["rate"] = _("Give the commission's rate, or its tiers.")
            if self.rate is not None and self.tiers:
                errors["tiers"] = _("Tiers set the rates: leave Rate empty, or remove the tiers.")
            if self.basis == self.Basis.PRODUCT and not self.product_id:
                errors["product"] = _("Choose the product the commission is paid on.")
            if self.basis == self.Basis.CATEGORY and not self.category:
                errors["category"] = _("Name the category the commission is paid on.")
        if self.tiers and not self.tier_mode:
            errors["tier_mode"] = _("Say how the tiers apply.")
        if contract is None:
            return errors
        if self.due_date and not _within(contract, self.due_date):
            errors["due_date"] = _("Must fall within the contract's dates.")
        if self.product_id and self.product.brand_id != contract.partnership.brand_id:
            errors["product"] = _("This product belongs to another brand.")
        for name in ("amount", "cap", "minimum_guarantee", "threshold"):
            value = getattr(self, name)
            if value is not None and money.round(value, contract.currency) != value:
                places = money.minor_unit(contract.currency)
                errors.setdefault(
                    name,
                    ngettext(
                        "%(currency)s amounts have %(places)d decimal place.",
                        "%(currency)s amounts have %(places)d decimal places.",
                        places,
                    )
                    % {"currency": contract.currency, "places": places},
                )
        return errors


class Deliverable(models.Model):
    """What the influencer owes under a contract."""

    brand_path = "contract__partnership__brand"

    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="deliverables", verbose_name=_("contract")
    )
    content_type = models.CharField(
        max_length=12, choices=ContentType.choices, verbose_name=_("content type")
    )
    platform = models.CharField(max_length=20, choices=Platform.choices, verbose_name=_("platform"))
    quantity = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1)], verbose_name=_("quantity")
    )
    due_date = models.DateField(verbose_name=_("due date"))
    min_length_seconds = models.PositiveIntegerField(
        null=True, blank=True, verbose_name=_("min length seconds")
    )
    requirements = models.TextField(
        blank=True,
        help_text=_("Features to highlight, quality criteria."),
        verbose_name=_("requirements"),
    )
    disclosure_text = models.CharField(
        max_length=200, blank=True, verbose_name=_("disclosure text")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("deliverable")
        verbose_name_plural = _("deliverables")
        ordering = ["due_date", "pk"]

    def __str__(self) -> str:
        return _("%(quantity)s × %(content_type)s on %(platform)s") % {
            "quantity": self.quantity,
            "content_type": self.get_content_type_display(),
            "platform": self.get_platform_display(),
        }

    def clean(self) -> None:
        contract = _contract_of(self)
        if contract and self.due_date and not _within(contract, self.due_date):
            raise ValidationError({"due_date": _("Must fall within the contract's dates.")})


class DistributorPrice(models.Model):
    """What a distributing influencer pays per unit of a product."""

    brand_path = "contract__partnership__brand"

    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="prices", verbose_name=_("contract")
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="+", verbose_name=_("product")
    )
    price = models.DecimalField(
        **MONEY, validators=[MinValueValidator(Decimal(0))], verbose_name=_("price")
    )
    min_order_quantity = models.PositiveIntegerField(
        default=1, verbose_name=_("min order quantity")
    )

    class Meta:
        verbose_name = _("distributor price")
        verbose_name_plural = _("distributor prices")
        ordering = ["product__name"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "product"], name="one_price_per_product")
        ]

    def __str__(self) -> str:
        return _("%(sku)s at %(price)s") % {"sku": self.product.sku, "price": self.price}

    def clean(self) -> None:
        _check_product_brand(self)


class DistributorOrder(models.Model):
    """Goods a distributing influencer bought at the distributor price."""

    brand_path = "contract__partnership__brand"

    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="orders", verbose_name=_("contract")
    )
    reference = models.CharField(max_length=64, verbose_name=_("reference"))
    ordered_at = models.DateTimeField(verbose_name=_("ordered at"))
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="+", verbose_name=_("product")
    )
    quantity = models.PositiveIntegerField(
        validators=[MinValueValidator(1)], verbose_name=_("quantity")
    )
    unit_price = models.DecimalField(
        **MONEY, validators=[MinValueValidator(Decimal(0))], verbose_name=_("unit price")
    )

    class Meta:
        verbose_name = _("distributor order")
        verbose_name_plural = _("distributor orders")
        ordering = ["-ordered_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "reference", "product"], name="one_order_line_per_product"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.quantity} × {self.product.sku}"

    def clean(self) -> None:
        _check_product_brand(self)


class JointBrand(models.Model):
    """A brand developed together with the influencer under a joint-brand contract."""

    brand_path = "contract__partnership__brand"

    contract = models.OneToOneField(
        Contract, on_delete=models.CASCADE, related_name="joint_brand", verbose_name=_("contract")
    )
    name = models.CharField(max_length=120, verbose_name=_("name"))
    product_line = models.CharField(max_length=200, blank=True, verbose_name=_("product line"))
    brand_equity = RateField(
        help_text=_("The brand's share of the joint brand, in percent."),
        verbose_name=_("brand equity"),
    )
    influencer_equity = RateField(verbose_name=_("influencer equity"))
    products = models.ManyToManyField(
        Product, blank=True, related_name="joint_brands", verbose_name=_("products")
    )

    class Meta:
        verbose_name = _("joint brand")
        verbose_name_plural = _("joint brands")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        shares = (self.brand_equity, self.influencer_equity)
        if None not in shares and sum(shares) != 1:
            raise ValidationError(_("The equity split must add up to 100%."))


Kind = CompensationTerm.Kind
# Which term kinds each cooperation method may use.
METHOD_KINDS = {
    Contract.Method.DISTRIBUTION: {Kind.FLAT_FEE, Kind.COMMISSION, Kind.REBATE, Kind.BONUS},
    Contract.Method.PAID_MEDIA: {
        Kind.FLAT_FEE,
        Kind.PER_DELIVERABLE,
        Kind.CPM,
        Kind.CPA,
        Kind.COMMISSION,
        Kind.BONUS,
    },
    Contract.Method.JOINT_BRAND: {Kind.FLAT_FEE, Kind.REVENUE_SHARE, Kind.COMMISSION, Kind.BONUS},
}
# The fields each kind uses; every other term field stays empty.
TERM_FIELDS = {
    Kind.FLAT_FEE: ("amount", "due_date", "milestone", "offset_days"),
    Kind.PER_DELIVERABLE: ("amount", "content_type"),
    Kind.CPM: ("amount", "cap"),
    Kind.CPA: ("amount",),
    Kind.COMMISSION: ("rate", "basis", "product", "category", "tiers", "tier_mode"),
    Kind.REVENUE_SHARE: ("rate", "minimum_guarantee"),
    Kind.REBATE: ("tiers", "tier_mode"),
    Kind.BONUS: ("amount", "metric", "threshold"),
}
TERM_REQUIRED = {
    Kind.FLAT_FEE: ("amount",),
    Kind.PER_DELIVERABLE: ("amount", "content_type"),
    Kind.CPM: ("amount",),
    Kind.CPA: ("amount",),
    Kind.COMMISSION: ("basis",),
    Kind.REVENUE_SHARE: ("rate",),
    Kind.REBATE: ("tiers", "tier_mode"),
    Kind.BONUS: ("amount", "metric", "threshold"),
}
TERM_FIELDS_ALL = {name for names in TERM_FIELDS.values() for name in names}

# What people fill in for a contract and the rows under it, in the order the contract form,
# the admin and the API show them.
CONTRACT_SECTIONS = {
    _("Settlement"): ["settlement_period", "hold_days", "minimum_payout", "payment_terms_days"],
    _("Exclusivity"): [
        "exclusivity",
        "exclusivity_categories",
        "competitors",
        "exclusivity_territories",
    ],
    _("Content"): [
        "disclosure_required",
        "disclosure_text",
        "approval_required",
        "content_owner",
        "usage_channels",
        "paid_ads_allowed",
        "usage_territories",
        "usage_months",
    ],
    _("Breach"): [
        "late_delivery_per_day",
        "late_delivery_cap",
        "late_payment_per_day",
        "breach_terms",
    ],
}
CONTRACT_FIELDS = (
    "method",
    "title",
    "start",
    "end",
    "currency",
    *(name for names in CONTRACT_SECTIONS.values() for name in names),
)
TERM_FORM_FIELDS = (
    "kind",
    "description",
    "amount",
    "rate",
    "basis",
    "product",
    "category",
    "tiers",
    "tier_mode",
    "content_type",
    "cap",
    "minimum_guarantee",
    "due_date",
    "milestone",
    "offset_days",
    "metric",
    "threshold",
)
DELIVERABLE_FIELDS = (
    "content_type",
    "platform",
    "quantity",
    "due_date",
    "min_length_seconds",
    "requirements",
    "disclosure_text",
)
PRICE_FIELDS = ("product", "price", "min_order_quantity")
JOINT_BRAND_FIELDS = ("name", "product_line", "brand_equity", "influencer_equity", "products")


def _contract_of(row: models.Model) -> Contract | None:
    """The contract a term or deliverable belongs to, also while both are still being made
    (a form sets the unsaved contract on the row)."""
    try:
        return row.contract
    except Contract.DoesNotExist:
        return None


def _within(contract: Contract, day: date) -> bool:
    if contract.start is None:
        return True  # the contract's own validation reports the missing start
    return contract.start <= day and (contract.end is None or day <= contract.end)


def _check_product_brand(row: models.Model) -> None:
    """A price list, order or joint brand only takes the contract's brand's products."""
    contract = _contract_of(row)
    product = row.product if row.product_id else None
    if contract and product and product.brand_id != contract.partnership.brand_id:
        raise ValidationError({"product": _("This product belongs to another brand.")})


class Statement(models.Model):
    """What one contract earned in one settlement period, and whether it was paid."""

    brand_path = "contract__partnership__brand"

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")
        PAID = "paid", _("Paid")

    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, related_name="statements", verbose_name=_("contract")
    )
    # The period is half-open: [period_start, period_end) in the brand's time zone.
    period_start = models.DateField(verbose_name=_("period start"))
    period_end = models.DateField(verbose_name=_("period end"))
    status = models.CharField(
        max_length=8, choices=Status.choices, default=Status.DRAFT, verbose_name=_("status")
    )
    currency = models.CharField(
        max_length=3, choices=money.CURRENCY_CHOICES, verbose_name=_("currency")
    )
    # The sum of the rounded lines.
    total = models.DecimalField(**MONEY, default=Decimal(0), verbose_name=_("total"))
    # False when the total is negative or below the contract's minimum payout: carried forward.
    payable = models.BooleanField(default=True, verbose_name=_("payable"))
    due_date = models.DateField(
        null=True,
        blank=True,
        help_text=_("Payment is due by this day (payment terms)."),
        verbose_name=_("due date"),
    )
    # Why settlement could not price the period (a missing exchange rate); empty when it could.
    problem = models.TextField(blank=True, verbose_name=_("problem"))
    # The problem as a phrase and the facts it names (contracts.wording.Phrase), written out in
    # the reader's language; `problem` keeps it in the site's.
    problem_phrase = models.JSONField(
        default=dict, blank=True, editable=False, verbose_name=_("problem phrase")
    )
    computed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("computed at"))
    approved_at = models.DateTimeField(null=True, blank=True, verbose_name=_("approved at"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    paid_on = models.DateField(null=True, blank=True, verbose_name=_("paid on"))
    payout_reference = models.CharField(
        max_length=100, blank=True, verbose_name=_("payout reference")
    )

    class Meta:
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        ordering = ["-period_start", "contract"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "period_start"], name="one_statement_per_contract_period"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gt=models.F("period_start")),
                name="statement_period_not_empty",
            ),
        ]
        indexes = [models.Index(fields=["status", "period_start"])]

    def __str__(self) -> str:
        return f"{self.contract} {self.period_start:%Y-%m-%d}–{self.period_end:%Y-%m-%d}"


# What a statement says, in the order the admin and the API show it; settlement writes it,
# approving and paying change it, nobody edits it.
STATEMENT_FIELDS = (
    "contract",
    "period_start",
    "period_end",
    "status",
    "currency",
    "total",
    "payable",
    "problem",
    "due_date",
    "approved_at",
    "paid_on",
    "payout_reference",
)


class StatementLine(models.Model):
    """One priced line of a statement, traced to the term and the rows it came from."""

    brand_path = "statement__contract__partnership__brand"

    class Kind(models.TextChoices):
        FLAT_FEE = "flat_fee", _("Flat fee")
        PER_DELIVERABLE = "per_deliverable", _("Per published item")
        CPM = "cpm", _("Per 1,000 views")
        CPA = "cpa", _("Per order")
        COMMISSION = "commission", _("Commission")
        REVENUE_SHARE = "revenue_share", _("Revenue share")
        MINIMUM_GUARANTEE = "minimum_guarantee", _("Minimum guarantee top-up")
        REBATE = "rebate", _("Volume rebate")
        BONUS = "bonus", _("Bonus")
        LATE_DELIVERY = "late_delivery", _("Late-delivery penalty")
        LATE_PAYMENT = "late_payment", _("Late-payment interest")
        CLAWBACK = "clawback", _("Refund clawback")
        LATE_CONFIRMATION = "late_confirmation", _("Sales confirmed after approval")
        CARRIED_FORWARD = "carried_forward", _("Carried forward")

    statement = models.ForeignKey(
        Statement, on_delete=models.CASCADE, related_name="lines", verbose_name=_("statement")
    )
    position = models.PositiveSmallIntegerField(default=0, verbose_name=_("position"))
    kind = models.CharField(max_length=17, choices=Kind.choices, verbose_name=_("kind"))
    description = models.CharField(max_length=300, verbose_name=_("description"))
    # The description as a phrase and the facts it names (contracts.wording.Phrase), written
    # out in the reader's language; `description` keeps it in the site's.
    phrase = models.JSONField(default=dict, blank=True, editable=False, verbose_name=_("phrase"))
    # Items, views, days or orders; for a line priced on sales, its base in the statement's
    # currency, exact after exchange (amounts of 2 places × rates of 8).
    quantity = models.DecimalField(
        max_digits=28, decimal_places=10, null=True, blank=True, verbose_name=_("quantity")
    )
    # Per unit, or the effective fraction for rate-based lines; kept unrounded for clawbacks
    # (an effective rate has 40 significant digits).
    rate = models.DecimalField(
        max_digits=56, decimal_places=44, null=True, blank=True, verbose_name=_("rate")
    )
    # Rounded once, to the currency's minor unit.
    amount = models.DecimalField(**MONEY, verbose_name=_("amount"))
    term = models.ForeignKey(
        CompensationTerm,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lines",
        verbose_name=_("term"),
    )
    # A carried-forward line names the statement whose balance it carries, a late-payment
    # line the statement that was paid late, a clawback the statement that paid the sale, a
    # late confirmation the closed statement of the sale's period, whose rate it pays.
    source_statement = models.ForeignKey(
        Statement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("source statement"),
    )
    orders = models.ManyToManyField(
        DistributorOrder, blank=True, related_name="lines", verbose_name=_("orders")
    )

    class Meta:
        verbose_name = _("statement line")
        verbose_name_plural = _("statement lines")
        ordering = ["statement", "position", "pk"]

    def __str__(self) -> str:
        return self.description


class Acceptance(models.Model):
    """The influencer's acceptance of a contract offer in the portal: who, when, from where,
    and the SHA-256 of the exact terms summary they were shown (kept beside it)."""

    brand_path = "contract__partnership__brand"

    contract = models.OneToOneField(
        Contract, on_delete=models.CASCADE, related_name="acceptance", verbose_name=_("contract")
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    accepted_at = models.DateTimeField(verbose_name=_("accepted at"))
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    terms_summary = models.TextField(verbose_name=_("terms summary"))
    terms_sha256 = models.CharField(_("SHA-256 of the terms summary"), max_length=64)

    class Meta:
        verbose_name = _("acceptance")
        verbose_name_plural = _("acceptances")

    def __str__(self) -> str:
        return _("%(contract)s accepted %(at)s") % {
            "contract": self.contract,
            "at": f"{self.accepted_at:%Y-%m-%d %H:%M}",
        }


class ContractMessage(models.Model):
    """One message in a contract offer's thread: the influencer's requests for changes and the
    brand's answers."""

    brand_path = "contract__partnership__brand"

    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="messages", verbose_name=_("contract")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
    )
    from_influencer = models.BooleanField(default=False, verbose_name=_("from influencer"))
    body = models.TextField(verbose_name=_("body"))
    created_at = models.DateTimeField(verbose_name=_("created at"))

    class Meta:
        verbose_name = _("contract message")
        verbose_name_plural = _("contract messages")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.body[:60]


class PayoutDetails(models.Model):
    """How the influencer is paid by one brand, kept by the influencer in the portal; finance
    reads them in the payment batch."""

    brand_path = "influencer__brand"

    class Method(models.TextChoices):
        BANK = "bank", _("Bank transfer")
        PAYPAL = "paypal", _("PayPal")
        ALIPAY = "alipay", _("Alipay")
        WISE = "wise", _("Wise")
        OTHER = "other", _("Other")

    influencer = models.OneToOneField(
        Influencer,
        on_delete=models.CASCADE,
        related_name="payout_details",
        verbose_name=_("influencer"),
    )
    method = models.CharField(max_length=6, choices=Method.choices, verbose_name=_("method"))
    account_holder = models.CharField(
        max_length=200,
        help_text=_("As the bank or service knows you."),
        verbose_name=_("account holder"),
    )
    account_number = models.CharField(
        max_length=64,
        blank=True,
        help_text=_("IBAN or account number (bank transfer)."),
        verbose_name=_("account number"),
    )
    bank_name = models.CharField(max_length=200, blank=True, verbose_name=_("bank name"))
    bank_code = models.CharField(
        _("SWIFT/BIC or routing code"), max_length=34, blank=True, help_text=_("Bank transfer.")
    )
    account_email = models.EmailField(
        blank=True,
        help_text=_("The e-mail of your PayPal or Wise account."),
        verbose_name=_("account email"),
    )
    alipay_id = models.CharField(
        _("Alipay account"),
        max_length=100,
        blank=True,
        help_text=_("The phone or e-mail of the account."),
    )
    instructions = models.TextField(
        blank=True, help_text=_("How to pay you (other methods)."), verbose_name=_("instructions")
    )
    tax_id = models.CharField(_("tax identifier"), max_length=60, blank=True)
    address = models.TextField(
        blank=True, help_text=_("Your address, as on invoices."), verbose_name=_("address")
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    # The fields each method uses, and those it needs filled in.
    FIELDS = {
        Method.BANK: ("account_number", "bank_name", "bank_code"),
        Method.PAYPAL: ("account_email",),
        Method.ALIPAY: ("alipay_id",),
        Method.WISE: ("account_email",),
        Method.OTHER: ("instructions",),
    }
    REQUIRED = {
        Method.BANK: ("account_number", "bank_name"),
        Method.PAYPAL: ("account_email",),
        Method.ALIPAY: ("alipay_id",),
        Method.WISE: ("account_email",),
        Method.OTHER: ("instructions",),
    }

    class Meta:
        verbose_name = _("payout details")
        verbose_name_plural = _("payout details")
        verbose_name_plural = "payout details"

    def __str__(self) -> str:
        return _("%(method)s for %(influencer)s") % {
            "method": self.get_method_display(),
            "influencer": self.influencer,
        }

    def clean(self) -> None:
        errors = {
            name: _("Required for %(method)s.") % {"method": self.get_method_display()}
            for name in self.REQUIRED.get(self.method, ())
            if not str(getattr(self, name)).strip()
        }
        if errors:
            raise ValidationError(errors)

    @property
    def account_last4(self) -> str:
        """The only part of the account number shown back: its last four characters."""
        number = self.account_number.replace(" ", "")
        return f"•••• {number[-4:]}" if number else ""


class Meeting(models.Model):
    """One meeting held within a partnership, with what was said and agreed."""

    brand_path = "partnership__brand"

    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.CASCADE,
        related_name="meetings",
        verbose_name=_("partnership"),
    )
    held_on = models.DateField(_("date"))
    attendees = models.CharField(
        max_length=300,
        help_text=_("Who took part, separated by commas."),
        verbose_name=_("attendees"),
    )
    agenda = models.TextField(blank=True, verbose_name=_("agenda"))
    notes = models.TextField(blank=True, verbose_name=_("notes"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["partnership", "held_on"])]

    def __str__(self) -> str:
        return _("Meeting of %(day)s") % {"day": formats.date_format(self.held_on, "d M Y")}


class NextStep(models.Model):
    """Something agreed at a meeting: who does what by when; open until marked done."""

    brand_path = "meeting__partnership__brand"

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="next_steps", verbose_name=_("meeting")
    )
    description = models.CharField(max_length=300, verbose_name=_("description"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Who at the brand sees it through; blank when the influencer does."),
        verbose_name=_("owner"),
    )
    due_on = models.DateField(_("due date"))
    done_at = models.DateTimeField(null=True, blank=True, verbose_name=_("done at"))

    class Meta:
        verbose_name = _("next step")
        verbose_name_plural = _("next steps")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.description


class Message(models.Model):
    """One message of a partnership's thread between the brand and the influencer.

    `side` says who wrote it. A member writes for the brand; the influencer writes from the
    creator portal (`author` is then their portal user), or a member records a message the
    influencer sent by other means (`recorded_by`, with no author). `read_at` is when the
    other side first saw it."""

    brand_path = "partnership__brand"

    class Side(models.TextChoices):
        BRAND = "brand", _("Brand")
        INFLUENCER = "influencer", _("Influencer")

    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.CASCADE,
        related_name="messages",
        verbose_name=_("partnership"),
    )
    side = models.CharField(max_length=10, choices=Side.choices, verbose_name=_("side"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    body = models.TextField(verbose_name=_("body"))
    sent_at = models.DateTimeField(verbose_name=_("sent at"))
    read_at = models.DateTimeField(null=True, blank=True, verbose_name=_("read at"))

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["sent_at", "pk"]
        indexes = [models.Index(fields=["partnership", "side", "read_at"])]

    def __str__(self) -> str:
        return _("Message from the %(side)s of %(day)s") % {
            "side": self.get_side_display().lower(),
            "day": formats.date_format(self.sent_at, "d M Y"),
        }
