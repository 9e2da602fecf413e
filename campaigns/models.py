import re
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, F, Q, Value, When

from contracts.models import ContentType, Contract, Deliverable, StatementLine
from influencers.models import Influencer, Platform
from partnerships import money
from partnerships.models import MONEY, Brand, Product

COUNT = {"default": 0}
DEFAULT_PREPARATION_DAYS = 10
DEFAULT_ATTRIBUTION_DAYS = 30
# How a tracking code is written (after TrackingCode.normalise): a shop's order carries it typed.
TRACKING_CODE = re.compile(r"^[A-Z0-9_-]{1,64}$")


class Campaign(models.Model):
    """A push with a goal, dates and a budget; influencers take part through their contracts."""

    brand_path = "brand"

    class Phase(models.TextChoices):
        RUNNING = "running", "Running"
        UPCOMING = "upcoming", "Upcoming"
        ENDED = "ended", "Ended"

    class Objective(models.TextChoices):
        SALES = "sales", "Sales"
        LAUNCH = "launch", "Launch"
        AWARENESS = "awareness", "Awareness"
        AUDIENCE = "audience", "Audience"

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="campaigns")
    name = models.CharField(max_length=200)
    objective = models.CharField(max_length=10, choices=Objective.choices)
    description = models.TextField(blank=True)
    start = models.DateField()
    end = models.DateField()
    attribution_days = models.PositiveSmallIntegerField(
        "attribution window (days)",
        default=DEFAULT_ATTRIBUTION_DAYS,
        validators=[MaxValueValidator(366)],
        help_text="Days after the end whose sales and metrics still count in the campaign's "
        "performance. Settlement pays every attributed sale whatever the window.",
    )
    budget = models.DecimalField(
        **MONEY, default=Decimal(0), validators=[MinValueValidator(Decimal(0))]
    )
    currency = models.CharField(max_length=3, choices=money.CURRENCY_CHOICES, default="USD")
    platforms = models.JSONField(
        default=list, blank=True, help_text="Platforms the content goes out on."
    )
    markets = models.JSONField(
        default=list, blank=True, help_text="Country codes of the markets, e.g. US, DE."
    )
    # Targets to compare with what happened; empty means no target.
    target_reach = models.PositiveBigIntegerField(null=True, blank=True)
    target_views = models.PositiveBigIntegerField(null=True, blank=True)
    target_engagements = models.PositiveBigIntegerField(null=True, blank=True)
    target_clicks = models.PositiveBigIntegerField(null=True, blank=True)
    target_conversions = models.PositiveBigIntegerField(null=True, blank=True)
    target_sales = models.DecimalField(
        **MONEY, null=True, blank=True, validators=[MinValueValidator(Decimal(0))]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        if self.end and self.start and self.end < self.start:
            errors["end"] = "The campaign cannot end before it starts."
        unknown = set(self.platforms or []) - set(Platform.values)
        if unknown:
            errors["platforms"] = f"Unknown platform: {', '.join(sorted(unknown))}."
        if (
            self.budget is not None
            and self.currency
            and money.round(self.budget, self.currency) != self.budget
        ):
            places = money.minor_unit(self.currency)
            errors["budget"] = f"{self.currency} amounts have {places} decimal places."
        if errors:
            raise ValidationError(errors)

    @property
    def counted_until(self) -> date:
        """The last day whose sales and metrics count in the campaign's figures."""
        return self.end + timedelta(days=self.attribution_days)

    def phase(self, today: date) -> str:
        """Where the campaign is on `today`: upcoming before its start, running from its start
        to its end, ended after."""
        if self.start > today:
            return self.Phase.UPCOMING
        return self.Phase.ENDED if self.end < today else self.Phase.RUNNING

    @classmethod
    def in_phase(cls, phase: str, today: date) -> Q:
        """The campaigns in `phase` on `today`, as a filter: the rule of `phase`, in SQL."""
        return {
            cls.Phase.RUNNING: Q(start__lte=today, end__gte=today),
            cls.Phase.UPCOMING: Q(start__gt=today),
            cls.Phase.ENDED: Q(end__lt=today),
        }[phase]

    @classmethod
    def phase_on(cls, today: date) -> Case:
        """Each campaign's phase on `today`, as an annotation."""
        return Case(
            *(When(cls.in_phase(phase, today), then=Value(phase)) for phase in cls.Phase),
            output_field=models.CharField(),
        )


# What a brand plans for a campaign, in the order its form, the admin and the API show it.
CAMPAIGN_FIELDS = (
    "name",
    "objective",
    "description",
    "start",
    "end",
    "attribution_days",
    "budget",
    "currency",
    "platforms",
    "markets",
)
# What a campaign aims for; each is stored as target_<name>.
TARGETS = ("reach", "views", "engagements", "clicks", "conversions", "sales")
TARGET_FIELDS = tuple(f"target_{name}" for name in TARGETS)


class Participant(models.Model):
    """An influencer's contract taking part in a campaign."""

    brand_path = "campaign__brand"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="participants")
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="participants")
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["campaign", "contract__partnership__influencer__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "contract"],
                name="one_participant_per_contract",
                violation_error_message="This contract already takes part in the campaign.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.contract.partnership.influencer} in {self.campaign}"

    def clean(self) -> None:
        if (
            self.campaign_id
            and self.contract_id
            and self.contract.partnership.brand_id != self.campaign.brand_id
        ):
            raise ValidationError({"contract": "This contract belongs to another brand."})


class TrackingCode(models.Model):
    """A promo code or link code that attributes sales to a participant."""

    brand_path = "brand"

    class Kind(models.TextChoices):
        PROMO = "promo", "Promo code"
        LINK = "link", "Link code"

    # Copied from the participant's campaign so that a code is unique per brand in the database.
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+", editable=False)
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="codes")
    code = models.CharField(max_length=64, help_text="Stored in upper case, e.g. ANNA10.")
    kind = models.CharField(max_length=5, choices=Kind.choices, default=Kind.PROMO)
    url = models.URLField("URL", blank=True, help_text="For link codes: where the link points.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "code"],
                name="tracking_code_unique_per_brand",
                violation_error_message="This code is already used in this brand.",
            )
        ]

    def __str__(self) -> str:
        return self.code

    def save(self, *args, **kwargs) -> None:
        self.code = self.normalise(self.code)
        if self.participant_id and not self.brand_id:
            self.brand_id = self.participant.campaign.brand_id
        super().save(*args, **kwargs)

    def clean(self) -> None:
        self.code = self.normalise(self.code)
        if self.participant_id:
            self.brand_id = self.participant.campaign.brand_id
        if not TRACKING_CODE.match(self.code):
            raise ValidationError({"code": "Use up to 64 letters, digits, - and _."})

    @staticmethod
    def normalise(code: str) -> str:
        """A code as it is stored and looked up: trimmed, in upper case."""
        return (code or "").strip().upper()


class ContentItem(models.Model):
    """A deliverable fulfilled: a piece of content on its way from draft to published."""

    brand_path = "participant__campaign__brand"

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        APPROVED = "approved", "Approved"
        PUBLISHED = "published", "Published"

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="content")
    deliverable = models.ForeignKey(
        Deliverable,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="content",
        help_text="The deliverable of the contract this item fulfils.",
    )
    content_type = models.CharField(max_length=12, choices=ContentType.choices)
    platform = models.CharField(max_length=20, choices=Platform.choices)
    url = models.URLField("URL", blank=True)
    caption = models.TextField(blank=True)
    draft_file = models.FileField(
        upload_to="content/%Y/",
        blank=True,
        validators=[FileExtensionValidator(["pdf", "png", "jpg", "jpeg", "mp4", "mov", "webm"])],
    )
    status = models.CharField(max_length=17, choices=Status.choices, default=Status.SUBMITTED)
    submitted_at = models.DateTimeField()
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    # The disclosure check of the caption (campaigns.disclosure); None until checked.
    disclosure_ok = models.BooleanField(null=True, blank=True)
    disclosure_problems = models.TextField(blank=True)
    disclosure_override_reason = models.TextField(
        blank=True, help_text="Why the item may be approved although the check failed."
    )
    disclosure_override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-submitted_at"]
        indexes = [models.Index(fields=["status", "submitted_at"])]

    def __str__(self) -> str:
        return f"{self.get_content_type_display()} on {self.get_platform_display()}"

    def clean(self) -> None:
        if (
            self.deliverable_id
            and self.participant_id
            and self.deliverable.contract_id != self.participant.contract_id
        ):
            raise ValidationError({"deliverable": "This deliverable belongs to another contract."})
        if self.status == self.Status.PUBLISHED and not self.published_at:
            raise ValidationError({"published_at": "A published item needs its publishing date."})


class ContentComment(models.Model):
    """One message in a content item's review thread."""

    brand_path = "content__participant__campaign__brand"

    content = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField()
    # The status the item moved to with this comment, if it moved.
    status = models.CharField(max_length=17, choices=ContentItem.Status.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.body[:60]


class Shipment(models.Model):
    """Product seeding: gifts, trials and samples sent to a participant."""

    brand_path = "participant__campaign__brand"

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        PREPARING = "preparing", "Preparing"
        SHIPPED = "shipped", "Shipped"
        DELIVERED = "delivered", "Delivered"
        RETURNED = "returned", "Returned"
        LOST = "lost", "Lost"

    class Carrier(models.TextChoices):
        UPS = "ups", "UPS"
        DHL = "dhl", "DHL"
        EMS = "ems", "EMS"
        FEDEX = "fedex", "FedEx"
        CHINA_POST = "china_post", "China Post"
        CAINIAO = "cainiao", "Cainiao"
        OTHER = "other", "Other"

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="shipments")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    carrier = models.CharField(max_length=10, choices=Carrier.choices, blank=True)
    tracking_number = models.CharField(max_length=64, blank=True)
    currency = models.CharField(max_length=3, choices=money.CURRENCY_CHOICES, default="USD")
    declared_value = models.DecimalField(
        **MONEY, default=Decimal(0), validators=[MinValueValidator(Decimal(0))]
    )
    shipping_cost = models.DecimalField(
        **MONEY, default=Decimal(0), validators=[MinValueValidator(Decimal(0))]
    )
    requested_on = models.DateField()
    preparation_days = models.PositiveSmallIntegerField(
        default=DEFAULT_PREPARATION_DAYS,
        help_text="Days allowed between the request and shipping; later than that is late.",
    )
    shipped_on = models.DateField(null=True, blank=True)
    delivered_on = models.DateField(null=True, blank=True)
    feedback_required = models.BooleanField(default=False)
    feedback = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    # requested_on + preparation_days, kept by save() so late shipments can be found in SQL.
    ship_by = models.DateField(editable=False)

    WAITING = (Status.REQUESTED, Status.PREPARING)

    class Meta:
        ordering = ["-requested_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(shipped_on__isnull=True) | Q(shipped_on__gte=F("requested_on")),
                name="shipment_shipped_after_request",
            )
        ]

    def __str__(self) -> str:
        return f"Shipment to {self.participant.contract.partnership.influencer}"

    def save(self, *args, **kwargs) -> None:
        self.ship_by = self.requested_on + timedelta(days=self.preparation_days)
        super().save(*args, **kwargs)

    def is_late(self, today: date) -> bool:
        """Not shipped inside its preparation window, or shipped after it."""
        ship_by = self.requested_on + timedelta(days=self.preparation_days)
        if self.shipped_on is not None:
            return self.shipped_on > ship_by
        return self.status in self.WAITING and today > ship_by

    @classmethod
    def late(cls, today: date) -> Q:
        """The rule of `is_late` as a filter."""
        waiting = Q(status__in=cls.WAITING, shipped_on=None, ship_by__lt=today)
        return waiting | Q(shipped_on__gt=F("ship_by"))

    def clean(self) -> None:
        errors = {}
        if self.shipped_on and self.requested_on and self.shipped_on < self.requested_on:
            errors["shipped_on"] = "Cannot ship before the request."
        if self.delivered_on and not self.shipped_on:
            errors["delivered_on"] = "A delivered shipment needs its shipping date."
        if self.delivered_on and self.shipped_on and self.delivered_on < self.shipped_on:
            errors["delivered_on"] = "Cannot be delivered before it was shipped."
        if self.status in (self.Status.SHIPPED, self.Status.DELIVERED) and not self.shipped_on:
            errors["shipped_on"] = "Say when it was shipped."
        if errors:
            raise ValidationError(errors)


class ShipmentItem(models.Model):
    brand_path = "shipment__participant__campaign__brand"

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(default=1, validators=[MinValueValidator(1)])

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product.sku}"


# What a brand records about a shipment and what is in it, in the order the campaign page, the
# admin and the API show them.
SHIPMENT_FIELDS = (
    "requested_on",
    "preparation_days",
    "status",
    "carrier",
    "tracking_number",
    "shipped_on",
    "delivered_on",
    "currency",
    "declared_value",
    "shipping_cost",
    "feedback_required",
    "notes",
)
SHIPMENT_ITEM_FIELDS = ("product", "quantity")


class MetricSnapshot(models.Model):
    """Cumulative counters of one content item on one day; a period's value is a difference."""

    brand_path = "content__participant__campaign__brand"

    content = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="snapshots")
    date = models.DateField()
    views = models.PositiveBigIntegerField(**COUNT)
    reach = models.PositiveBigIntegerField(**COUNT)
    impressions = models.PositiveBigIntegerField(**COUNT)
    likes = models.PositiveBigIntegerField(**COUNT)
    comments = models.PositiveBigIntegerField(**COUNT)
    shares = models.PositiveBigIntegerField(**COUNT)
    saves = models.PositiveBigIntegerField(**COUNT)
    clicks = models.PositiveBigIntegerField(**COUNT)
    conversions = models.PositiveBigIntegerField(**COUNT)
    signups = models.PositiveBigIntegerField("sign-ups", **COUNT)

    COUNTERS = (
        "views",
        "reach",
        "impressions",
        "likes",
        "comments",
        "shares",
        "saves",
        "clicks",
        "conversions",
        "signups",
    )

    class Meta:
        ordering = ["content", "date"]
        constraints = [
            models.UniqueConstraint(fields=["content", "date"], name="one_snapshot_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.content} on {self.date}"


class Sale(models.Model):
    """An order line attributed to a participant through a tracking code."""

    brand_path = "brand"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        CONFIRMED = "confirmed", "Confirmed"
        REFUNDED = "refunded", "Refunded"

    class Channel(models.TextChoices):
        SHOPIFY = "shopify", "Shopify"
        AMAZON = "amazon", "Amazon"
        TIKTOK = "tiktok", "TikTok Shop"
        SHOPEE = "shopee", "Shopee"
        LAZADA = "lazada", "Lazada"
        ALIEXPRESS = "aliexpress", "AliExpress"
        TMALL = "tmall", "Tmall"
        OTHER = "other", "Other shop"

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    order_id = models.CharField(max_length=64)
    line_id = models.CharField(max_length=64)
    ordered_at = models.DateTimeField()
    tracking_code = models.ForeignKey(TrackingCode, on_delete=models.PROTECT, related_name="sales")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    # After discounts, without tax and shipping.
    net_amount = models.DecimalField(**MONEY, validators=[MinValueValidator(Decimal(0))])
    currency = models.CharField(max_length=3, choices=money.CURRENCY_CHOICES)
    status = models.CharField(max_length=9, choices=Status.choices, default=Status.CONFIRMED)
    refunded_at = models.DateTimeField(null=True, blank=True)
    refunded_amount = models.DecimalField(
        **MONEY, default=Decimal(0), validators=[MinValueValidator(Decimal(0))]
    )
    channel = models.CharField(
        max_length=10, choices=Channel.choices, blank=True, help_text="Where the order was placed."
    )
    order_reference = models.CharField(
        max_length=64, blank=True, help_text="The order's reference in its channel, e.g. #1001."
    )
    # The statement lines this sale was paid on (settlement keeps the trace).
    statement_lines = models.ManyToManyField(
        StatementLine, through="SaleLine", related_name="sales", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-ordered_at", "order_id", "line_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "order_id", "line_id"], name="sale_line_unique_per_brand"
            ),
            models.CheckConstraint(
                condition=Q(refunded_amount__lte=F("net_amount")),
                name="sale_refund_within_amount",
            ),
        ]
        indexes = [
            models.Index(fields=["tracking_code", "ordered_at"]),
            models.Index(fields=["tracking_code", "refunded_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}/{self.line_id}"

    @property
    def commission_base(self) -> Decimal:
        """What commission is paid on: the net amount less what was refunded of it."""
        return self.net_amount - self.refunded_amount

    @staticmethod
    def refunded_in_full(net_amount: Decimal, refunded_amount: Decimal) -> bool:
        """Whether the whole line was refunded (nothing is refunded of a line worth nothing)."""
        return bool(refunded_amount) and refunded_amount == net_amount

    @classmethod
    def status_problem(
        cls, status: str, *, net_amount: Decimal, refunded_amount: Decimal, currency: str
    ) -> str | None:
        """Why a line may not have `status` with what was refunded of it, or None: a line
        refunded in full is refunded, a partly refunded one stays pending or confirmed (a line
        worth nothing may be either). Imports, webhooks and the admin all check by this."""
        if cls.refunded_in_full(net_amount, refunded_amount):
            if status != cls.Status.REFUNDED:
                return "The whole line was refunded, so its status is refunded."
        elif status == cls.Status.REFUNDED and net_amount:
            return (
                f"Only a line refunded in full is refunded, and {refunded_amount} of {net_amount} "
                f"{currency} of this one was: a partly refunded line stays confirmed or pending. "
                "A refund is recorded by importing its refunded_at and refunded_amount."
            )
        return None


class SaleLine(models.Model):
    """A sale's part in a statement line: the base it contributed (negative in a clawback)."""

    brand_path = "sale__brand"

    sale = models.ForeignKey(Sale, on_delete=models.CASCADE, related_name="settled")
    line = models.ForeignKey(StatementLine, on_delete=models.CASCADE, related_name="sale_links")
    base = models.DecimalField(**MONEY)
    orders = models.SmallIntegerField(
        default=0, help_text="Orders counted for pay per order: 1, or -1 when reversed."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["sale", "line"], name="one_link_per_sale_and_line")
        ]

    def __str__(self) -> str:
        return f"{self.sale} on {self.line}"


class ContentLine(models.Model):
    """A content item's part in a statement line: items, views or days late it counted."""

    brand_path = "content__participant__campaign__brand"

    content = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="settled")
    line = models.ForeignKey(StatementLine, on_delete=models.CASCADE, related_name="content_links")
    quantity = models.DecimalField(max_digits=18, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content", "line"], name="one_link_per_content_and_line"
            )
        ]

    def __str__(self) -> str:
        return f"{self.content} on {self.line}"


class ImportJob(models.Model):
    """One uploaded sales or metrics file and how far its import got."""

    brand_path = "brand"

    class Kind(models.TextChoices):
        SALES = "sales", "Sales"
        METRICS = "metrics", "Metrics"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Imported"
        FAILED = "failed", "Rejected"

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="import_jobs")
    kind = models.CharField(max_length=7, choices=Kind.choices)
    file = models.FileField(upload_to="imports/%Y/%m/")
    filename = models.CharField(max_length=255)
    status = models.CharField(max_length=7, choices=Status.choices, default=Status.QUEUED)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    # Every bad row: [{"line": 3, "field": "code", "message": "..."}].
    errors = models.JSONField(default=list, blank=True)
    format = models.CharField(
        max_length=10, blank=True, help_text="The file's layout; empty: recognised from its header."
    )
    # Order lines nothing attributes (a shop's or marketplace's file): how many, and the first
    # of them: [{"line": 4, "order": "#1001", "reason": "..."}].
    unattributed = models.PositiveIntegerField(default=0)
    unattributed_lines = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # The language of the upload, which the problems of a file imported later are written in.
    language = models.CharField(max_length=10, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # When the job was last sent to the workers; empty while the broker could not be reached.
    queued_at = models.DateTimeField(null=True, blank=True)
    # When its latest run started, and how many runs started (a run cut short counts too).
    started_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} import of {self.filename}"

    def summary(self) -> str:
        """A finished job's counts in one sentence."""
        counts = f"{self.created} added, {self.updated} updated, {self.unchanged} unchanged"
        if self.unattributed:
            counts += f"; {self.unattributed} unattributed order line(s) left out"
        return counts + "."

    @property
    def progress(self) -> int:
        """Percent of rows processed."""
        if self.status in (self.Status.DONE, self.Status.FAILED):
            return 100
        return self.processed_rows * 100 // self.total_rows if self.total_rows else 0


class DailySummary(models.Model):
    """One day of figures of a participant, or of one of its content items, kept by
    `campaigns.roi.refresh` so that pages add up summaries instead of raw rows.

    Amounts are in the brand's default currency; an amount that had no exchange rate on its day
    stays in its own currency on a row of its own, so it is reported and never added.
    Counters are what the day added: differences of the cumulative snapshots.
    """

    brand_path = "brand"

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    currency = models.CharField(max_length=3, choices=money.CURRENCY_CHOICES)
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="+")
    # Copied from the contract and the participant so figures group without joins.
    influencer = models.ForeignKey(Influencer, on_delete=models.CASCADE, related_name="+")
    method = models.CharField(max_length=14, choices=Contract.Method.choices)
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # Empty for a contract's cost that belongs to no campaign.
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # Set on rows of one content item: its metrics and the statement lines it was paid on.
    content = models.ForeignKey(
        ContentItem, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    statement_cost = models.DecimalField(**MONEY, default=Decimal(0))
    # The settlement rules applied to periods not settled yet (contracts.settlement.accrued).
    accrued_cost = models.DecimalField(**MONEY, default=Decimal(0))
    seeding_cost = models.DecimalField(**MONEY, default=Decimal(0))
    revenue = models.DecimalField(**MONEY, default=Decimal(0))
    cogs = models.DecimalField("cost of goods sold", **MONEY, default=Decimal(0))
    orders = models.IntegerField(default=0)
    # A platform may correct a counter downwards, so a day's difference can be negative.
    views = models.BigIntegerField(default=0)
    reach = models.BigIntegerField(default=0)
    impressions = models.BigIntegerField(default=0)
    likes = models.BigIntegerField(default=0)
    comments = models.BigIntegerField(default=0)
    shares = models.BigIntegerField(default=0)
    saves = models.BigIntegerField(default=0)
    clicks = models.BigIntegerField(default=0)
    conversions = models.BigIntegerField(default=0)

    AMOUNTS = ("statement_cost", "accrued_cost", "seeding_cost", "revenue", "cogs")
    COUNTERS = (
        "orders",
        "views",
        "reach",
        "impressions",
        "likes",
        "comments",
        "shares",
        "saves",
        "clicks",
        "conversions",
    )

    class Meta:
        verbose_name_plural = "daily summaries"
        ordering = ["brand", "day", "pk"]
        indexes = [
            models.Index(fields=["brand", "day"]),
            models.Index(fields=["campaign", "day"]),
            models.Index(fields=["influencer", "day"]),
        ]

    def __str__(self) -> str:
        return f"{self.contract} on {self.day}"


class BrandMetrics(models.Model):
    """A brand's metric settings and when its daily summaries were last refreshed."""

    brand_path = "brand"

    brand = models.OneToOneField(Brand, on_delete=models.CASCADE, related_name="metrics")
    reference_cpm = models.DecimalField(
        "reference CPM",
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text="What 1,000 impressions would cost as advertising, in the brand's currency; "
        "used for earned media value (EMV). Leave empty to not show EMV.",
    )
    refreshed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The first day the last refresh recomputed; empty when it recomputed every day.
    refreshed_from = models.DateField(null=True, blank=True, editable=False)
    # A write changed figures and their refresh waits (partnerships/freshness.py) from this
    # day on; every day when empty.
    refresh_queued = models.BooleanField(default=False, editable=False)
    queued_from = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "brand metrics"
        verbose_name_plural = "brand metrics"

    def __str__(self) -> str:
        return f"Metrics of {self.brand}"


class ShopWebhook(models.Model):
    """A shop that pushes its orders to a brand, each delivery signed with the webhook's secret
    (HMAC-SHA256 of the body): a Shopify store (orders and refunds as Shopify sends them), or
    any other shop sending rows of the sales CSV as JSON."""

    brand_path = "brand"

    class Kind(models.TextChoices):
        SHOPIFY = "shopify", "Shopify store"
        SALES = "sales", "Sales rows (any shop)"

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=7, choices=Kind.choices)
    shop_domain = models.CharField(
        max_length=255,
        blank=True,
        help_text="Shopify: the store's domain as Shopify sends it, e.g. wigs.myshopify.com.",
    )
    secret = models.CharField(
        max_length=200,
        help_text="Shopify: the signing secret shown under Settings → Notifications → Webhooks; "
        "any other shop: a long random value both sides keep.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["shop_domain"],
                condition=~Q(shop_domain=""),
                name="one_webhook_per_shop_domain",
                violation_error_message="This store already sends its orders to a brand.",
            )
        ]

    def __str__(self) -> str:
        return self.shop_domain or f"{self.get_kind_display()} #{self.pk}"

    def save(self, *args, **kwargs) -> None:
        self.shop_domain = self.shop_domain.strip().lower()
        super().save(*args, **kwargs)


class WebhookDelivery(models.Model):
    """One delivery received: kept once per delivery id, its payload imported by a worker."""

    brand_path = "webhook__brand"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        DONE = "done", "Imported"
        FAILED = "failed", "Rejected"

    webhook = models.ForeignKey(ShopWebhook, on_delete=models.CASCADE, related_name="deliveries")
    delivery_id = models.CharField(max_length=128)
    topic = models.CharField(max_length=64, blank=True)
    order_ref = models.CharField(max_length=64, blank=True, help_text="The shop's order id.")
    payload = models.JSONField()
    status = models.CharField(max_length=6, choices=Status.choices, default=Status.QUEUED)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    unattributed = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.UniqueConstraint(fields=["webhook", "delivery_id"], name="one_delivery_per_id")
        ]
        indexes = [models.Index(fields=["webhook", "order_ref"])]

    def __str__(self) -> str:
        return f"{self.topic or 'delivery'} {self.delivery_id}"
