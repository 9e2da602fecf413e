from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MinValueValidator
from django.db import models
from django.db.models import Q
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
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        ENDED = "ended", "Ended"

    class Cadence(models.TextChoices):
        WEEKLY = "weekly", "Weekly"
        FORTNIGHTLY = "fortnightly", "Every two weeks"
        MONTHLY = "monthly", "Monthly"
        QUARTERLY = "quarterly", "Quarterly"
        AD_HOC = "ad_hoc", "When needed"

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="partnerships")
    influencer = models.ForeignKey(
        Influencer, on_delete=models.CASCADE, related_name="partnerships"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who at the brand is responsible for the relationship.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    since = models.DateField(null=True, blank=True)
    liaison = models.CharField(
        max_length=200, blank=True, help_text="The influencer's day-to-day contact."
    )
    meeting_cadence = models.CharField(
        max_length=12, choices=Cadence.choices, default=Cadence.MONTHLY
    )
    influencer_goals = models.TextField(blank=True, help_text="What matters to the influencer.")
    brand_goals = models.TextField(blank=True, help_text="What the brand wants from it.")

    objects = PartnershipQuerySet.as_manager()

    class Meta:
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
            raise ValidationError({"influencer": "This influencer belongs to another brand."})

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
        DISTRIBUTION = "distribution", "Distribution"
        PAID_MEDIA = "paid_media", "Paid self-media"
        JOINT_BRAND = "joint_brand", "Joint brand"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        NEGOTIATING = "negotiating", "Negotiating"
        SIGNED = "signed", "Signed"
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        TERMINATED = "terminated", "Terminated"

    class SettlementPeriod(models.TextChoices):
        MONTHLY = "monthly", "Monthly"
        QUARTERLY = "quarterly", "Quarterly"
        ON_COMPLETION = "on_completion", "On completion"

    class Exclusivity(models.TextChoices):
        NONE = "none", "None"
        CATEGORY = "category", "In the listed categories"
        FULL = "full", "Full"

    class ContentOwner(models.TextChoices):
        BRAND = "brand", "Brand"
        INFLUENCER = "influencer", "Influencer"
        SHARED = "shared", "Shared"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="contracts")
    method = models.CharField(max_length=14, choices=Method.choices)
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    currency = models.CharField(max_length=3, choices=money.CURRENCY_CHOICES, default="USD")
    # Settlement
    settlement_period = models.CharField(
        max_length=14, choices=SettlementPeriod.choices, default=SettlementPeriod.MONTHLY
    )
    hold_days = models.PositiveSmallIntegerField(
        default=0, help_text="Days after a period ends before it is settled (returns window)."
    )
    minimum_payout = models.DecimalField(
        **MONEY,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
        help_text="Smaller balances are carried to the next statement.",
    )
    payment_terms_days = models.PositiveSmallIntegerField("payment terms (net days)", default=30)
    # Exclusivity
    exclusivity = models.CharField(
        max_length=10, choices=Exclusivity.choices, default=Exclusivity.NONE
    )
    exclusivity_categories = models.JSONField(default=list, blank=True)
    competitors = models.JSONField(default=list, blank=True)
    exclusivity_territories = models.JSONField(
        default=list, blank=True, help_text="Country codes; empty means worldwide."
    )
    # Content
    disclosure_required = models.BooleanField("ad disclosure required", default=True)
    disclosure_text = models.CharField(
        max_length=200, blank=True, help_text="e.g. #ad #LumiereHair"
    )
    approval_required = models.BooleanField("content approval required", default=True)
    content_owner = models.CharField(
        "content IP owner",
        max_length=10,
        choices=ContentOwner.choices,
        default=ContentOwner.INFLUENCER,
    )
    usage_channels = models.JSONField(
        default=list, blank=True, help_text="Where the brand may reuse the content."
    )
    paid_ads_allowed = models.BooleanField("may be used in paid ads", default=False)
    usage_territories = models.JSONField(default=list, blank=True)
    usage_months = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="How long the brand may use the content."
    )
    # Breach
    late_delivery_per_day = models.DecimalField(
        **MONEY, null=True, blank=True, validators=[MinValueValidator(Decimal(0))]
    )
    late_delivery_cap = models.DecimalField(
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text="The most late-delivery penalties may take in all.",
    )
    late_payment_per_day = models.DecimalField(
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text="Owed to the influencer per day a statement is paid late.",
    )
    breach_terms = models.TextField(blank=True)
    signed_document = models.FileField(
        upload_to="contracts/%Y/",
        blank=True,
        validators=[FileExtensionValidator(["pdf", "png", "jpg", "jpeg"])],
        help_text="PDF or image, at most 10 MB.",
    )
    signed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
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
            errors["end"] = "The contract cannot end before it starts."
        if self.exclusivity == self.Exclusivity.CATEGORY and not self.exclusivity_categories:
            errors["exclusivity_categories"] = "Name the categories the exclusivity covers."
        if self.signed_document and self.signed_document.size > SIGNED_DOCUMENT_MAX_BYTES:
            errors["signed_document"] = "The signed document is larger than 10 MB."
        if self.late_delivery_cap and not self.late_delivery_per_day:
            errors["late_delivery_cap"] = "A cap needs a late-delivery penalty per day."
        if clash := self.overlapping_exclusive_contract():
            errors["exclusivity"] = (
                f"“{clash.title}” already gives this influencer's exclusivity for an overlapping "
                f"period ({clash.start} to {clash.end or 'open end'})."
            )
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
    VIDEO = "video", "Video"
    SHORT = "short", "Short video"
    POST = "post", "Post"
    STORY = "story", "Story"
    LIVE_STREAM = "live_stream", "Live stream"
    REVIEW = "review", "Review"
    GRAPHIC = "graphic", "Graphic"


class CompensationTerm(models.Model):
    """One money rule of a contract; which fields it uses depends on its kind (DESIGN §4)."""

    brand_path = "contract__partnership__brand"

    class Kind(models.TextChoices):
        FLAT_FEE = "flat_fee", "Flat fee or installment"
        PER_DELIVERABLE = "per_deliverable", "Per published item"
        CPM = "cpm", "Per 1,000 views (CPM)"
        CPA = "cpa", "Per order (CPA)"
        COMMISSION = "commission", "Commission on sales"
        REVENUE_SHARE = "revenue_share", "Revenue share (joint brand)"
        REBATE = "rebate", "Volume rebate (distribution)"
        BONUS = "bonus", "One-time bonus"

    class Basis(models.TextChoices):
        TOTAL = "total", "All attributed sales"
        PRODUCT = "product", "One product"
        CATEGORY = "category", "One category"

    class TierMode(models.TextChoices):
        WHOLE = "whole", "Reached tier's rate on all of it"
        MARGINAL = "marginal", "Each band at its own rate"

    class Milestone(models.TextChoices):
        ON_SIGNING = "on_signing", "On signing"
        ON_FIRST_PUBLISH = "on_first_publish", "On first published content"
        ON_CAMPAIGN_END = "on_campaign_end", "On campaign end"

    class Metric(models.TextChoices):
        VIEWS = "views", "Views"
        SALES = "sales", "Net sales"
        CONVERSIONS = "conversions", "Conversions"

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="terms")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    description = models.CharField(max_length=200, blank=True)
    amount = models.DecimalField(
        **MONEY, null=True, blank=True, validators=[MinValueValidator(Decimal(0))]
    )
    rate = RateField(null=True, blank=True)  # 0.0800 = 8%
    basis = models.CharField(max_length=10, choices=Basis.choices, blank=True)
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    category = models.CharField(max_length=80, blank=True)
    tiers = models.JSONField(
        default=list,
        blank=True,
        help_text='Ascending thresholds, e.g. [{"from": "0", "rate": "0.05"}, '
        '{"from": "10000", "rate": "0.08"}].',
    )
    tier_mode = models.CharField(max_length=10, choices=TierMode.choices, blank=True)
    content_type = models.CharField(max_length=12, choices=ContentType.choices, blank=True)
    cap = models.DecimalField(**MONEY, null=True, blank=True, help_text="Most paid per item.")
    minimum_guarantee = models.DecimalField(**MONEY, null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    milestone = models.CharField(max_length=16, choices=Milestone.choices, blank=True)
    offset_days = models.PositiveSmallIntegerField(null=True, blank=True)
    metric = models.CharField(max_length=12, choices=Metric.choices, blank=True)
    threshold = models.DecimalField(**MONEY, null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        # Undated terms first on every database (PostgreSQL would put NULLs last).
        ordering = ["contract", "kind", models.F("due_date").asc(nulls_first=True), "pk"]

    def __str__(self) -> str:
        return self.description or self.get_kind_display()

    def clean(self) -> None:
        errors: dict[str, str] = {}
        kind = self.Kind(self.kind) if self.kind in self.Kind.values else None
        if kind is None:
            raise ValidationError({"kind": "Choose what the term pays for."})
        contract = _contract_of(self)
        if contract and contract.method and kind not in METHOD_KINDS.get(contract.method, ()):
            errors["kind"] = (
                f"A {contract.get_method_display().lower()} contract cannot have a "
                f"{self.get_kind_display().lower()} term."
            )
        for name in TERM_FIELDS_ALL - set(TERM_FIELDS[kind]):
            if getattr(self, name) not in (None, "", []):
                errors[name] = f"Not used by a {self.get_kind_display().lower()} term."
        for name in TERM_REQUIRED[kind]:
            if getattr(self, name) in (None, "", []):
                errors.setdefault(name, "Required for this kind of term.")
        errors.update(self._kind_rules(kind, contract))
        if errors:
            raise ValidationError(errors)

    def _kind_rules(self, kind: "CompensationTerm.Kind", contract: Contract | None) -> dict:
        errors = {}
        if self.rate is not None and not Decimal(0) <= self.rate <= Decimal(1):
            errors["rate"] = "A rate is a fraction between 0 and 1 (0.0800 is 8%)."
        for name in ("cap", "minimum_guarantee"):
            if getattr(self, name) is not None and getattr(self, name) <= 0:
                errors[name] = "Must be greater than zero."
        if self.tiers:
            try:
                compensation.parse_tiers(self.tiers)
            except ValueError as error:
                errors["tiers"] = str(error)
        if kind == self.Kind.FLAT_FEE:
            if bool(self.due_date) == bool(self.milestone):
                errors["due_date"] = "Give either a due date or a milestone."
            if self.offset_days is not None and not self.milestone:
                errors["offset_days"] = "An offset counts from a milestone."
        if kind == self.Kind.COMMISSION:
            if self.rate is None and not self.tiers:
                errors["rate"] = "Give the commission's rate, or its tiers."
            if self.rate is not None and self.tiers:
                errors["tiers"] = "Tiers set the rates: leave Rate empty, or remove the tiers."
            if self.basis == self.Basis.PRODUCT and not self.product_id:
                errors["product"] = "Choose the product the commission is paid on."
            if self.basis == self.Basis.CATEGORY and not self.category:
                errors["category"] = "Name the category the commission is paid on."
        if self.tiers and not self.tier_mode:
            errors["tier_mode"] = "Say how the tiers apply."
        if contract is None:
            return errors
        if self.due_date and not _within(contract, self.due_date):
            errors["due_date"] = "Must fall within the contract's dates."
        if self.product_id and self.product.brand_id != contract.partnership.brand_id:
            errors["product"] = "This product belongs to another brand."
        for name in ("amount", "cap", "minimum_guarantee", "threshold"):
            value = getattr(self, name)
            if value is not None and money.round(value, contract.currency) != value:
                places = money.minor_unit(contract.currency)
                errors.setdefault(
                    name, f"{contract.currency} amounts have {places} decimal places."
                )
        return errors


class Deliverable(models.Model):
    """What the influencer owes under a contract."""

    brand_path = "contract__partnership__brand"

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="deliverables")
    content_type = models.CharField(max_length=12, choices=ContentType.choices)
    platform = models.CharField(max_length=20, choices=Platform.choices)
    quantity = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1)])
    due_date = models.DateField()
    min_length_seconds = models.PositiveIntegerField(null=True, blank=True)
    requirements = models.TextField(
        blank=True, help_text="Features to highlight, quality criteria."
    )
    disclosure_text = models.CharField(max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_date", "pk"]

    def __str__(self) -> str:
        return (
            f"{self.quantity} × {self.get_content_type_display()} on {self.get_platform_display()}"
        )

    def clean(self) -> None:
        contract = _contract_of(self)
        if contract and self.due_date and not _within(contract, self.due_date):
            raise ValidationError({"due_date": "Must fall within the contract's dates."})


class DistributorPrice(models.Model):
    """What a distributing influencer pays per unit of a product."""

    brand_path = "contract__partnership__brand"

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="prices")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    price = models.DecimalField(**MONEY, validators=[MinValueValidator(Decimal(0))])
    min_order_quantity = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["product__name"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "product"], name="one_price_per_product")
        ]

    def __str__(self) -> str:
        return f"{self.product.sku} at {self.price}"

    def clean(self) -> None:
        _check_product_brand(self)


class DistributorOrder(models.Model):
    """Goods a distributing influencer bought at the distributor price."""

    brand_path = "contract__partnership__brand"

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="orders")
    reference = models.CharField(max_length=64)
    ordered_at = models.DateTimeField()
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    unit_price = models.DecimalField(**MONEY, validators=[MinValueValidator(Decimal(0))])

    class Meta:
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

    contract = models.OneToOneField(Contract, on_delete=models.CASCADE, related_name="joint_brand")
    name = models.CharField(max_length=120)
    product_line = models.CharField(max_length=200, blank=True)
    brand_equity = RateField(help_text="The brand's share of the joint brand, in percent.")
    influencer_equity = RateField()
    products = models.ManyToManyField(Product, blank=True, related_name="joint_brands")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        shares = (self.brand_equity, self.influencer_equity)
        if None not in shares and sum(shares) != 1:
            raise ValidationError("The equity split must add up to 100%.")


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
    "Settlement": ["settlement_period", "hold_days", "minimum_payout", "payment_terms_days"],
    "Exclusivity": [
        "exclusivity",
        "exclusivity_categories",
        "competitors",
        "exclusivity_territories",
    ],
    "Content": [
        "disclosure_required",
        "disclosure_text",
        "approval_required",
        "content_owner",
        "usage_channels",
        "paid_ads_allowed",
        "usage_territories",
        "usage_months",
    ],
    "Breach": [
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
        raise ValidationError({"product": "This product belongs to another brand."})


class Statement(models.Model):
    """What one contract earned in one settlement period, and whether it was paid."""

    brand_path = "contract__partnership__brand"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        APPROVED = "approved", "Approved"
        PAID = "paid", "Paid"

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="statements")
    # The period is half-open: [period_start, period_end) in the brand's time zone.
    period_start = models.DateField()
    period_end = models.DateField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DRAFT)
    currency = models.CharField(max_length=3, choices=money.CURRENCY_CHOICES)
    total = models.DecimalField(**MONEY, default=Decimal(0))  # the sum of the rounded lines
    # False when the total is negative or below the contract's minimum payout: carried forward.
    payable = models.BooleanField(default=True)
    due_date = models.DateField(
        null=True, blank=True, help_text="Payment is due by this day (payment terms)."
    )
    # Why settlement could not price the period (a missing exchange rate); empty when it could.
    problem = models.TextField(blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    paid_on = models.DateField(null=True, blank=True)
    payout_reference = models.CharField(max_length=100, blank=True)

    class Meta:
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
        FLAT_FEE = "flat_fee", "Flat fee"
        PER_DELIVERABLE = "per_deliverable", "Per published item"
        CPM = "cpm", "Per 1,000 views"
        CPA = "cpa", "Per order"
        COMMISSION = "commission", "Commission"
        REVENUE_SHARE = "revenue_share", "Revenue share"
        MINIMUM_GUARANTEE = "minimum_guarantee", "Minimum guarantee top-up"
        REBATE = "rebate", "Volume rebate"
        BONUS = "bonus", "Bonus"
        LATE_DELIVERY = "late_delivery", "Late-delivery penalty"
        LATE_PAYMENT = "late_payment", "Late-payment interest"
        CLAWBACK = "clawback", "Refund clawback"
        LATE_CONFIRMATION = "late_confirmation", "Sales confirmed after approval"
        CARRIED_FORWARD = "carried_forward", "Carried forward"

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=17, choices=Kind.choices)
    description = models.CharField(max_length=300)
    # Items, views, days or orders; for a line priced on sales, its base in the statement's
    # currency, exact after exchange (amounts of 2 places × rates of 8).
    quantity = models.DecimalField(max_digits=28, decimal_places=10, null=True, blank=True)
    # Per unit, or the effective fraction for rate-based lines; kept unrounded for clawbacks
    # (an effective rate has 40 significant digits).
    rate = models.DecimalField(max_digits=56, decimal_places=44, null=True, blank=True)
    amount = models.DecimalField(**MONEY)  # rounded once, to the currency's minor unit
    term = models.ForeignKey(
        CompensationTerm, on_delete=models.SET_NULL, null=True, blank=True, related_name="lines"
    )
    # A carried-forward line names the statement whose balance it carries, a late-payment
    # line the statement that was paid late, a clawback the statement that paid the sale, a
    # late confirmation the closed statement of the sale's period, whose rate it pays.
    source_statement = models.ForeignKey(
        Statement, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    orders = models.ManyToManyField(DistributorOrder, blank=True, related_name="lines")

    class Meta:
        ordering = ["statement", "position", "pk"]

    def __str__(self) -> str:
        return self.description


class Acceptance(models.Model):
    """The influencer's acceptance of a contract offer in the portal: who, when, from where,
    and the SHA-256 of the exact terms summary they were shown (kept beside it)."""

    brand_path = "contract__partnership__brand"

    contract = models.OneToOneField(Contract, on_delete=models.CASCADE, related_name="acceptance")
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    accepted_at = models.DateTimeField()
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True)
    terms_summary = models.TextField()
    terms_sha256 = models.CharField("SHA-256 of the terms summary", max_length=64)

    def __str__(self) -> str:
        return f"{self.contract} accepted {self.accepted_at:%Y-%m-%d %H:%M}"


class ContractMessage(models.Model):
    """One message in a contract offer's thread: the influencer's requests for changes and the
    brand's answers."""

    brand_path = "contract__partnership__brand"

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    from_influencer = models.BooleanField(default=False)
    body = models.TextField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.body[:60]


class PayoutDetails(models.Model):
    """How the influencer is paid by one brand, kept by the influencer in the portal; finance
    reads them in the payment batch."""

    brand_path = "influencer__brand"

    class Method(models.TextChoices):
        BANK = "bank", "Bank transfer"
        PAYPAL = "paypal", "PayPal"
        ALIPAY = "alipay", "Alipay"
        WISE = "wise", "Wise"
        OTHER = "other", "Other"

    influencer = models.OneToOneField(
        Influencer, on_delete=models.CASCADE, related_name="payout_details"
    )
    method = models.CharField(max_length=6, choices=Method.choices)
    account_holder = models.CharField(max_length=200, help_text="As the bank or service knows you.")
    account_number = models.CharField(
        max_length=64, blank=True, help_text="IBAN or account number (bank transfer)."
    )
    bank_name = models.CharField(max_length=200, blank=True)
    bank_code = models.CharField(
        "SWIFT/BIC or routing code", max_length=34, blank=True, help_text="Bank transfer."
    )
    account_email = models.EmailField(
        blank=True, help_text="The e-mail of your PayPal or Wise account."
    )
    alipay_id = models.CharField(
        "Alipay account",
        max_length=100,
        blank=True,
        help_text="The phone or e-mail of the account.",
    )
    instructions = models.TextField(blank=True, help_text="How to pay you (other methods).")
    tax_id = models.CharField("tax identifier", max_length=60, blank=True)
    address = models.TextField(blank=True, help_text="Your address, as on invoices.")
    updated_at = models.DateTimeField(auto_now=True)

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
        verbose_name_plural = "payout details"

    def __str__(self) -> str:
        return f"{self.get_method_display()} for {self.influencer}"

    def clean(self) -> None:
        errors = {
            name: f"Required for {self.get_method_display()}."
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

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField("date")
    attendees = models.CharField(max_length=300, help_text="Who took part, separated by commas.")
    agenda = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["partnership", "held_on"])]

    def __str__(self) -> str:
        return f"Meeting of {self.held_on:%d %b %Y}"


class NextStep(models.Model):
    """Something agreed at a meeting: who does what by when; open until marked done."""

    brand_path = "meeting__partnership__brand"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="next_steps")
    description = models.CharField(max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who at the brand sees it through; blank when the influencer does.",
    )
    due_on = models.DateField("due date")
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
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
        BRAND = "brand", "Brand"
        INFLUENCER = "influencer", "Influencer"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="messages")
    side = models.CharField(max_length=10, choices=Side.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    body = models.TextField()
    sent_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["sent_at", "pk"]
        indexes = [models.Index(fields=["partnership", "side", "read_at"])]

    def __str__(self) -> str:
        return f"Message from the {self.get_side_display().lower()} of {self.sent_at:%d %b %Y}"
