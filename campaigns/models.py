import re
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

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
        RUNNING = "running", _("Running")
        UPCOMING = "upcoming", _("Upcoming")
        ENDED = "ended", _("Ended")

    class Objective(models.TextChoices):
        SALES = "sales", _("Sales")
        LAUNCH = "launch", _("Launch")
        AWARENESS = "awareness", _("Awareness")
        AUDIENCE = "audience", _("Audience")

    brand = models.ForeignKey(
        Brand, on_delete=models.CASCADE, related_name="campaigns", verbose_name=_("brand")
    )
    name = models.CharField(_("name"), max_length=200)
    objective = models.CharField(_("objective"), max_length=10, choices=Objective.choices)
    description = models.TextField(_("description"), blank=True)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    attribution_days = models.PositiveSmallIntegerField(
        _("attribution window (days)"),
        default=DEFAULT_ATTRIBUTION_DAYS,
        validators=[MaxValueValidator(366)],
        help_text=_(
            "Days after the end whose sales and metrics still count in the campaign's "
            "performance. Settlement pays every attributed sale whatever the window."
        ),
    )
    budget = models.DecimalField(
        _("budget"), **MONEY, default=Decimal(0), validators=[MinValueValidator(Decimal(0))]
    )
    currency = models.CharField(
        _("currency"), max_length=3, choices=money.CURRENCY_CHOICES, default="USD"
    )
    platforms = models.JSONField(
        _("platforms"), default=list, blank=True, help_text=_("Platforms the content goes out on.")
    )
    markets = models.JSONField(
        _("markets"),
        default=list,
        blank=True,
        help_text=_("Country codes of the markets, e.g. US, DE."),
    )
    # Targets to compare with what happened; empty means no target.
    target_reach = models.PositiveBigIntegerField(_("target reach"), null=True, blank=True)
    target_views = models.PositiveBigIntegerField(_("target views"), null=True, blank=True)
    target_engagements = models.PositiveBigIntegerField(
        _("target engagements"), null=True, blank=True
    )
    target_clicks = models.PositiveBigIntegerField(_("target clicks"), null=True, blank=True)
    target_conversions = models.PositiveBigIntegerField(
        _("target conversions"), null=True, blank=True
    )
    target_sales = models.DecimalField(
        _("target sales"),
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-start", "name"]

    def __str__(self) -> str:
        return self.name

    def platform_labels(self) -> list[str]:
        return [Platform(value).label for value in self.platforms]

    def clean(self) -> None:
        errors = {}
        if self.end and self.start and self.end < self.start:
            errors["end"] = gettext("The campaign cannot end before it starts.")
        unknown = set(self.platforms or []) - set(Platform.values)
        if unknown:
            errors["platforms"] = gettext("Unknown platform: %(platforms)s.") % {
                "platforms": ", ".join(sorted(unknown))
            }
        if (
            self.budget is not None
            and self.currency
            and money.round(self.budget, self.currency) != self.budget
        ):
            places = money.minor_unit(self.currency)
            errors["budget"] = gettext("%(currency)s amounts have %(places)s decimal places.") % {
                "currency": self.currency,
                "places": places,
            }
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

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="participants", verbose_name=_("campaign")
    )
    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, related_name="participants", verbose_name=_("contract")
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["campaign", "contract__partnership__influencer__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "contract"],
                name="one_participant_per_contract",
                violation_error_message=_("This contract already takes part in the campaign."),
            )
        ]

    def __str__(self) -> str:
        return gettext("%(influencer)s in %(campaign)s") % {
            "influencer": self.contract.partnership.influencer,
            "campaign": self.campaign,
        }

    def clean(self) -> None:
        if (
            self.campaign_id
            and self.contract_id
            and self.contract.partnership.brand_id != self.campaign.brand_id
        ):
            raise ValidationError({"contract": gettext("This contract belongs to another brand.")})


class TrackingCode(models.Model):
    """A promo code or link code that attributes sales to a participant."""

    brand_path = "brand"

    class Kind(models.TextChoices):
        PROMO = "promo", _("Promo code")
        LINK = "link", _("Link code")

    # Copied from the participant's campaign so that a code is unique per brand in the database.
    brand = models.ForeignKey(
        Brand, on_delete=models.CASCADE, related_name="+", editable=False, verbose_name=_("brand")
    )
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="codes", verbose_name=_("participant")
    )
    code = models.CharField(
        _("code"), max_length=64, help_text=_("Stored in upper case, e.g. ANNA10.")
    )
    kind = models.CharField(_("kind"), max_length=5, choices=Kind.choices, default=Kind.PROMO)
    url = models.URLField(
        _("URL"), blank=True, help_text=_("For link codes: where the link points.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "code"],
                name="tracking_code_unique_per_brand",
                violation_error_message=_("This code is already used in this brand."),
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
            raise ValidationError({"code": gettext("Use up to 64 letters, digits, - and _.")})

    @staticmethod
    def normalise(code: str) -> str:
        """A code as it is stored and looked up: trimmed, in upper case."""
        return (code or "").strip().upper()


class ContentItem(models.Model):
    """A deliverable fulfilled: a piece of content on its way from draft to published."""

    brand_path = "participant__campaign__brand"

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        APPROVED = "approved", _("Approved")
        PUBLISHED = "published", _("Published")

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="content", verbose_name=_("participant")
    )
    deliverable = models.ForeignKey(
        Deliverable,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="content",
        help_text=_("The deliverable of the contract this item fulfils."),
        verbose_name=_("deliverable"),
    )
    content_type = models.CharField(_("content type"), max_length=12, choices=ContentType.choices)
    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    url = models.URLField(_("URL"), blank=True)
    caption = models.TextField(_("caption"), blank=True)
    draft_file = models.FileField(
        _("draft file"),
        upload_to="content/%Y/",
        blank=True,
        validators=[FileExtensionValidator(["pdf", "png", "jpg", "jpeg", "mp4", "mov", "webm"])],
    )
    status = models.CharField(
        _("status"), max_length=17, choices=Status.choices, default=Status.SUBMITTED
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # The disclosure check of the caption (campaigns.disclosure); None until checked.
    disclosure_ok = models.BooleanField(_("disclosure ok"), null=True, blank=True)
    disclosure_problems = models.TextField(_("disclosure problems"), blank=True)
    disclosure_override_reason = models.TextField(
        _("disclosure override reason"),
        blank=True,
        help_text=_("Why the item may be approved although the check failed."),
    )
    disclosure_override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("disclosure override by"),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-submitted_at"]
        indexes = [models.Index(fields=["status", "submitted_at"])]

    def __str__(self) -> str:
        return gettext("%(type)s on %(platform)s") % {
            "type": self.get_content_type_display(),
            "platform": self.get_platform_display(),
        }

    def clean(self) -> None:
        if (
            self.deliverable_id
            and self.participant_id
            and self.deliverable.contract_id != self.participant.contract_id
        ):
            raise ValidationError(
                {"deliverable": gettext("This deliverable belongs to another contract.")}
            )
        if self.status == self.Status.PUBLISHED and not self.published_at:
            raise ValidationError(
                {"published_at": gettext("A published item needs its publishing date.")}
            )


class ContentComment(models.Model):
    """One message in a content item's review thread."""

    brand_path = "content__participant__campaign__brand"

    content = models.ForeignKey(
        ContentItem, on_delete=models.CASCADE, related_name="comments", verbose_name=_("content")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
    )
    body = models.TextField(_("body"))
    # The status the item moved to with this comment, if it moved.
    status = models.CharField(
        _("status"), max_length=17, choices=ContentItem.Status.choices, blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.body[:60]


class Shipment(models.Model):
    """Product seeding: gifts, trials and samples sent to a participant."""

    brand_path = "participant__campaign__brand"

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        PREPARING = "preparing", _("Preparing")
        SHIPPED = "shipped", _("Shipped")
        DELIVERED = "delivered", _("Delivered")
        RETURNED = "returned", _("Returned")
        LOST = "lost", _("Lost")

    class Carrier(models.TextChoices):
        UPS = "ups", _("UPS")
        DHL = "dhl", _("DHL")
        EMS = "ems", _("EMS")
        FEDEX = "fedex", _("FedEx")
        CHINA_POST = "china_post", _("China Post")
        CAINIAO = "cainiao", _("Cainiao")
        OTHER = "other", _("Other")

    participant = models.ForeignKey(
        Participant,
        on_delete=models.CASCADE,
        related_name="shipments",
        verbose_name=_("participant"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED
    )
    carrier = models.CharField(_("carrier"), max_length=10, choices=Carrier.choices, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=64, blank=True)
    currency = models.CharField(
        _("currency"), max_length=3, choices=money.CURRENCY_CHOICES, default="USD"
    )
    declared_value = models.DecimalField(
        _("declared value"), **MONEY, default=Decimal(0), validators=[MinValueValidator(Decimal(0))]
    )
    shipping_cost = models.DecimalField(
        _("shipping cost"), **MONEY, default=Decimal(0), validators=[MinValueValidator(Decimal(0))]
    )
    requested_on = models.DateField(_("requested on"))
    preparation_days = models.PositiveSmallIntegerField(
        _("preparation days"),
        default=DEFAULT_PREPARATION_DAYS,
        help_text=_("Days allowed between the request and shipping; later than that is late."),
    )
    shipped_on = models.DateField(_("shipped on"), null=True, blank=True)
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    feedback_required = models.BooleanField(_("feedback required"), default=False)
    feedback = models.TextField(_("feedback"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # requested_on + preparation_days, kept by save() so late shipments can be found in SQL.
    ship_by = models.DateField(_("ship by"), editable=False)

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
        return gettext("Shipment to %(influencer)s") % {
            "influencer": self.participant.contract.partnership.influencer
        }

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
            errors["shipped_on"] = gettext("Cannot ship before the request.")
        if self.delivered_on and not self.shipped_on:
            errors["delivered_on"] = gettext("A delivered shipment needs its shipping date.")
        if self.delivered_on and self.shipped_on and self.delivered_on < self.shipped_on:
            errors["delivered_on"] = gettext("Cannot be delivered before it was shipped.")
        if self.status in (self.Status.SHIPPED, self.Status.DELIVERED) and not self.shipped_on:
            errors["shipped_on"] = gettext("Say when it was shipped.")
        if errors:
            raise ValidationError(errors)


class ShipmentItem(models.Model):
    brand_path = "shipment__participant__campaign__brand"

    shipment = models.ForeignKey(
        Shipment, on_delete=models.CASCADE, related_name="items", verbose_name=_("shipment")
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="+", verbose_name=_("product")
    )
    quantity = models.PositiveIntegerField(
        _("quantity"), default=1, validators=[MinValueValidator(1)]
    )

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

    content = models.ForeignKey(
        ContentItem, on_delete=models.CASCADE, related_name="snapshots", verbose_name=_("content")
    )
    date = models.DateField(_("date"))
    views = models.PositiveBigIntegerField(_("views"), **COUNT)
    reach = models.PositiveBigIntegerField(_("reach"), **COUNT)
    impressions = models.PositiveBigIntegerField(_("impressions"), **COUNT)
    likes = models.PositiveBigIntegerField(_("likes"), **COUNT)
    comments = models.PositiveBigIntegerField(_("comments"), **COUNT)
    shares = models.PositiveBigIntegerField(_("shares"), **COUNT)
    saves = models.PositiveBigIntegerField(_("saves"), **COUNT)
    clicks = models.PositiveBigIntegerField(_("clicks"), **COUNT)
    conversions = models.PositiveBigIntegerField(_("conversions"), **COUNT)
    signups = models.PositiveBigIntegerField(_("sign-ups"), **COUNT)

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
        return gettext("%(content)s on %(day)s") % {"content": self.content, "day": self.date}


class Sale(models.Model):
    """An order line attributed to a participant through a tracking code."""

    brand_path = "brand"

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        CONFIRMED = "confirmed", _("Confirmed")
        REFUNDED = "refunded", _("Refunded")

    class Channel(models.TextChoices):
        SHOPIFY = "shopify", _("Shopify")
        AMAZON = "amazon", _("Amazon")
        TIKTOK = "tiktok", _("TikTok Shop")
        SHOPEE = "shopee", _("Shopee")
        LAZADA = "lazada", _("Lazada")
        ALIEXPRESS = "aliexpress", _("AliExpress")
        TMALL = "tmall", _("Tmall")
        OTHER = "other", _("Other shop")

    brand = models.ForeignKey(
        Brand, on_delete=models.CASCADE, related_name="+", verbose_name=_("brand")
    )
    order_id = models.CharField(_("order id"), max_length=64)
    line_id = models.CharField(_("line id"), max_length=64)
    ordered_at = models.DateTimeField(_("ordered at"))
    tracking_code = models.ForeignKey(
        TrackingCode,
        on_delete=models.PROTECT,
        related_name="sales",
        verbose_name=_("tracking code"),
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="+", verbose_name=_("product")
    )
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    # After discounts, without tax and shipping.
    net_amount = models.DecimalField(
        _("net amount"), **MONEY, validators=[MinValueValidator(Decimal(0))]
    )
    currency = models.CharField(_("currency"), max_length=3, choices=money.CURRENCY_CHOICES)
    status = models.CharField(
        _("status"), max_length=9, choices=Status.choices, default=Status.CONFIRMED
    )
    refunded_at = models.DateTimeField(_("refunded at"), null=True, blank=True)
    refunded_amount = models.DecimalField(
        _("refunded amount"),
        **MONEY,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
    )
    channel = models.CharField(
        _("channel"),
        max_length=10,
        choices=Channel.choices,
        blank=True,
        help_text=_("Where the order was placed."),
    )
    order_reference = models.CharField(
        _("order reference"),
        max_length=64,
        blank=True,
        help_text=_("The order's reference in its channel, e.g. #1001."),
    )
    # The statement lines this sale was paid on (settlement keeps the trace).
    statement_lines = models.ManyToManyField(
        StatementLine,
        through="SaleLine",
        related_name="sales",
        blank=True,
        verbose_name=_("statement lines"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

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
            # A brand's sales from a day on: what a refresh from that day reads.
            models.Index(fields=["brand", "ordered_at"], name="sale_brand_ordered_at"),
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
                return gettext("The whole line was refunded, so its status is refunded.")
        elif status == cls.Status.REFUNDED and net_amount:
            return gettext(
                "Only a line refunded in full is refunded, and %(refunded)s of %(net)s "
                "%(currency)s of this one was: a partly refunded line stays confirmed or pending. "
                "A refund is recorded by importing its refunded_at and refunded_amount."
            ) % {"refunded": refunded_amount, "net": net_amount, "currency": currency}
        return None


class SaleLine(models.Model):
    """A sale's part in a statement line: the base it contributed (negative in a clawback)."""

    brand_path = "sale__brand"

    sale = models.ForeignKey(
        Sale, on_delete=models.CASCADE, related_name="settled", verbose_name=_("sale")
    )
    line = models.ForeignKey(
        StatementLine, on_delete=models.CASCADE, related_name="sale_links", verbose_name=_("line")
    )
    base = models.DecimalField(_("base"), **MONEY)
    orders = models.SmallIntegerField(
        _("orders"),
        default=0,
        help_text=_("Orders counted for pay per order: 1, or -1 when reversed."),
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

    content = models.ForeignKey(
        ContentItem, on_delete=models.CASCADE, related_name="settled", verbose_name=_("content")
    )
    line = models.ForeignKey(
        StatementLine,
        on_delete=models.CASCADE,
        related_name="content_links",
        verbose_name=_("line"),
    )
    quantity = models.DecimalField(_("quantity"), max_digits=18, decimal_places=2)

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
        SALES = "sales", _("Sales")
        METRICS = "metrics", _("Metrics")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Rejected")

    brand = models.ForeignKey(
        Brand, on_delete=models.CASCADE, related_name="import_jobs", verbose_name=_("brand")
    )
    kind = models.CharField(_("kind"), max_length=7, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    filename = models.CharField(_("filename"), max_length=255)
    status = models.CharField(
        _("status"), max_length=7, choices=Status.choices, default=Status.QUEUED
    )
    total_rows = models.PositiveIntegerField(_("total rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("processed rows"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    # Every bad row: [{"line": 3, "field": "code", "message": "..."}].
    errors = models.JSONField(_("errors"), default=list, blank=True)
    format = models.CharField(
        _("format"),
        max_length=10,
        blank=True,
        help_text=_("The file's layout; empty: recognised from its header."),
    )
    # Order lines nothing attributes (a shop's or marketplace's file): how many, and the first
    # of them: [{"line": 4, "order": "#1001", "reason": "..."}].
    unattributed = models.PositiveIntegerField(_("unattributed"), default=0)
    unattributed_lines = models.JSONField(_("unattributed lines"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    # The language of the upload, which the problems of a file imported later are written in.
    language = models.CharField(_("language"), max_length=10, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # When the job was last sent to the workers; empty while the broker could not be reached.
    queued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    # When its latest run started, and how many runs started (a run cut short counts too).
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return gettext("%(kind)s import of %(filename)s") % {
            "kind": self.get_kind_display(),
            "filename": self.filename,
        }

    def summary(self) -> str:
        """A finished job's counts in one sentence."""
        counts = {"added": self.created, "updated": self.updated, "unchanged": self.unchanged}
        if not self.unattributed:
            return (
                gettext("%(added)s added, %(updated)s updated, %(unchanged)s unchanged.") % counts
            )
        return ngettext(
            "%(added)s added, %(updated)s updated, %(unchanged)s unchanged; %(unattributed)s "
            "unattributed order line(s) left out.",
            "%(added)s added, %(updated)s updated, %(unchanged)s unchanged; %(unattributed)s "
            "unattributed order line(s) left out.",
            self.unattributed,
        ) % {**counts, "unattributed": self.unattributed}

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

    brand = models.ForeignKey(
        Brand, on_delete=models.CASCADE, related_name="+", verbose_name=_("brand")
    )
    day = models.DateField(_("day"))
    currency = models.CharField(_("currency"), max_length=3, choices=money.CURRENCY_CHOICES)
    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="+", verbose_name=_("contract")
    )
    # Copied from the contract and the participant so figures group without joins.
    influencer = models.ForeignKey(
        Influencer, on_delete=models.CASCADE, related_name="+", verbose_name=_("influencer")
    )
    method = models.CharField(_("method"), max_length=14, choices=Contract.Method.choices)
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("campaign"),
    )
    # Empty for a contract's cost that belongs to no campaign.
    participant = models.ForeignKey(
        Participant,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("participant"),
    )
    # Set on rows of one content item: its metrics and the statement lines it was paid on.
    content = models.ForeignKey(
        ContentItem,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("content"),
    )
    statement_cost = models.DecimalField(_("statement cost"), **MONEY, default=Decimal(0))
    # The settlement rules applied to periods not settled yet (contracts.settlement.accrued).
    accrued_cost = models.DecimalField(_("accrued cost"), **MONEY, default=Decimal(0))
    seeding_cost = models.DecimalField(_("seeding cost"), **MONEY, default=Decimal(0))
    revenue = models.DecimalField(_("revenue"), **MONEY, default=Decimal(0))
    cogs = models.DecimalField(_("cost of goods sold"), **MONEY, default=Decimal(0))
    orders = models.IntegerField(_("orders"), default=0)
    # A platform may correct a counter downwards, so a day's difference can be negative.
    views = models.BigIntegerField(_("views"), default=0)
    reach = models.BigIntegerField(_("reach"), default=0)
    impressions = models.BigIntegerField(_("impressions"), default=0)
    likes = models.BigIntegerField(_("likes"), default=0)
    comments = models.BigIntegerField(_("comments"), default=0)
    shares = models.BigIntegerField(_("shares"), default=0)
    saves = models.BigIntegerField(_("saves"), default=0)
    clicks = models.BigIntegerField(_("clicks"), default=0)
    conversions = models.BigIntegerField(_("conversions"), default=0)

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
            # The few rows holding an accrued cost, which every refresh replaces.
            models.Index(
                fields=["brand", "day"],
                condition=~Q(accrued_cost=0),
                name="summary_accrued_by_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract} on {self.day}"


class BrandMetrics(models.Model):
    """A brand's metric settings and when its daily summaries were last refreshed."""

    brand_path = "brand"

    brand = models.OneToOneField(
        Brand, on_delete=models.CASCADE, related_name="metrics", verbose_name=_("brand")
    )
    reference_cpm = models.DecimalField(
        _("reference CPM"),
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text=_(
            "What 1,000 impressions would cost as advertising, in the brand's currency; "
            "used for earned media value (EMV). Leave empty to not show EMV."
        ),
    )
    refreshed_at = models.DateTimeField(_("refreshed at"), null=True, blank=True, editable=False)
    # The first day the last refresh recomputed; empty when it recomputed every day.
    refreshed_from = models.DateField(_("refreshed from"), null=True, blank=True, editable=False)
    # A write changed figures and their refresh waits (partnerships/freshness.py) from this
    # day on; every day when empty.
    refresh_queued = models.BooleanField(_("refresh queued"), default=False, editable=False)
    queued_from = models.DateField(_("queued from"), null=True, blank=True, editable=False)

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
        SHOPIFY = "shopify", _("Shopify store")
        SALES = "sales", _("Sales rows (any shop)")

    brand = models.ForeignKey(
        Brand, on_delete=models.CASCADE, related_name="+", verbose_name=_("brand")
    )
    kind = models.CharField(_("kind"), max_length=7, choices=Kind.choices)
    shop_domain = models.CharField(
        _("shop domain"),
        max_length=255,
        blank=True,
        help_text=_("Shopify: the store's domain as Shopify sends it, e.g. wigs.myshopify.com."),
    )
    secret = models.CharField(
        _("secret"),
        max_length=200,
        help_text=_(
            "Shopify: the signing secret shown under Settings → Notifications → Webhooks; "
            "any other shop: a long random value both sides keep."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["shop_domain"],
                condition=~Q(shop_domain=""),
                name="one_webhook_per_shop_domain",
                violation_error_message=_("This store already sends its orders to a brand."),
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
        QUEUED = "queued", _("Queued")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Rejected")

    webhook = models.ForeignKey(
        ShopWebhook, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("webhook")
    )
    delivery_id = models.CharField(_("delivery id"), max_length=128)
    topic = models.CharField(_("topic"), max_length=64, blank=True)
    order_ref = models.CharField(
        _("order ref"), max_length=64, blank=True, help_text=_("The shop's order id.")
    )
    payload = models.JSONField(_("payload"))
    status = models.CharField(
        _("status"), max_length=6, choices=Status.choices, default=Status.QUEUED
    )
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    unattributed = models.PositiveIntegerField(_("unattributed"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.UniqueConstraint(fields=["webhook", "delivery_id"], name="one_delivery_per_id")
        ]
        indexes = [models.Index(fields=["webhook", "order_ref"])]

    def __str__(self) -> str:
        return f"{self.topic or 'delivery'} {self.delivery_id}"
