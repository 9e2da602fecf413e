from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from influencers import audience
from partnerships import audience as vocabulary
from partnerships.models import Brand
from partnerships.percent import RateField

# 0.0450 = 4.5%
RATE = {"max_digits": 7, "decimal_places": 4}


class Tier(models.TextChoices):
    """Size by followers: nano < 10k ≤ micro < 100k ≤ mid < 500k ≤ macro < 1M ≤ mega."""

    NANO = "nano", "Nano (< 10k)"
    MICRO = "micro", "Micro (10k–100k)"
    MID = "mid", "Mid (100k–500k)"
    MACRO = "macro", "Macro (500k–1M)"
    MEGA = "mega", "Mega (1M+)"

    @classmethod
    def for_followers(cls, followers: int) -> "Tier":
        for tier, (low, high) in TIER_FOLLOWERS.items():
            if low <= followers and (high is None or followers < high):
                return tier
        raise ValueError(f"followers must not be negative, got {followers}")


TIER_FOLLOWERS: dict[Tier, tuple[int, int | None]] = {
    Tier.NANO: (0, 10_000),
    Tier.MICRO: (10_000, 100_000),
    Tier.MID: (100_000, 500_000),
    Tier.MACRO: (500_000, 1_000_000),
    Tier.MEGA: (1_000_000, None),
}


class Platform(models.TextChoices):
    YOUTUBE = "youtube", "YouTube"
    TIKTOK = "tiktok", "TikTok"
    INSTAGRAM = "instagram", "Instagram"
    FACEBOOK = "facebook", "Facebook"
    X = "x", "X"
    ALIEXPRESS_LIVE = "aliexpress_live", "AliExpress LIVE"
    AMAZON_LIVE = "amazon_live", "Amazon Live"
    SHOPEE_LIVE = "shopee_live", "Shopee Live"
    DOUYIN = "douyin", "Douyin"
    XIAOHONGSHU = "xiaohongshu", "Xiaohongshu"
    BILIBILI = "bilibili", "Bilibili"
    WEIBO = "weibo", "Weibo"
    BLOG = "blog", "Blog"


class Influencer(models.Model):
    """A brand's CRM record of one influencer (a person or a community)."""

    brand_path = "brand"

    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", "Individual (personal IP)"
        COMMUNITY = "community", "Community (club or circle)"

    class Monetisation(models.TextChoices):
        MEMBERSHIP = "membership", "Membership"
        SPONSORED_POSTS = "sponsored_posts", "Sponsored posts or ads"
        COURSES = "courses", "Courses or talks"

    class Status(models.TextChoices):
        PROSPECT = "prospect", "Prospect"
        CONTACTED = "contacted", "Contacted"
        NEGOTIATING = "negotiating", "Negotiating"
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        ENDED = "ended", "Ended"
        BLOCKED = "blocked", "Blocked"

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="influencers")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.INDIVIDUAL)
    country = CountryField(blank=True)
    languages = models.JSONField(
        default=list, blank=True, help_text="Language codes, e.g. en, es, ru."
    )
    niches = models.JSONField(
        default=list, blank=True, help_text="Topics, e.g. wigs, hair care, evening wear."
    )
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    agency = models.CharField(
        "agency or manager", max_length=200, blank=True, help_text="Who negotiates for them."
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PROSPECT)
    notes = models.TextField(blank=True)
    # A community's own figures; its accounts' followers do not measure its size.
    members = models.PositiveIntegerField(
        null=True, blank=True, help_text="Members of the community (communities only)."
    )
    channels = models.JSONField(
        default=list,
        blank=True,
        help_text="Where the community meets, e.g. WeChat group, Telegram, Discord.",
    )
    monetisation = models.JSONField(
        "monetisation offered", default=list, blank=True, help_text="What the community sells."
    )
    # Kept up to date from the accounts and risks by influencers.scoring.rescore(), so lists
    # can filter and sort in SQL.
    followers = models.PositiveBigIntegerField(default=0, editable=False)
    engagement_rate = models.DecimalField(**RATE, null=True, editable=False)
    fit_score = models.PositiveSmallIntegerField(null=True, editable=False)
    fit_breakdown = models.JSONField(default=dict, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["brand", "fit_score"]),
            models.Index(fields=["brand", "followers"]),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def tier(self) -> Tier:
        return Tier.for_followers(self.followers)

    @property
    def is_community(self) -> bool:
        return self.kind == self.Kind.COMMUNITY

    def monetisation_labels(self) -> list[str]:
        return [self.Monetisation(value).label for value in self.monetisation]

    def clean(self) -> None:
        self.niches = vocabulary.normalise_tags(self.niches or [])
        self.languages = vocabulary.normalise_tags(self.languages or [])
        self.channels = [str(channel).strip() for channel in self.channels or [] if channel]
        unknown = set(self.monetisation or []) - set(self.Monetisation.values)
        if unknown:
            raise ValidationError(
                {"monetisation": f"Unknown monetisation: {', '.join(sorted(unknown))}."}
            )
        if not self.is_community and (self.members or self.channels or self.monetisation):
            raise ValidationError(
                {"members": "Members, channels and monetisation are for communities only."}
            )


class SocialAccount(models.Model):
    brand_path = "brand"

    # The brand is copied from the influencer so that a handle is unique per brand in the database.
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+", editable=False)
    influencer = models.ForeignKey(Influencer, on_delete=models.CASCADE, related_name="accounts")
    platform = models.CharField(max_length=20, choices=Platform.choices)
    handle = models.CharField(max_length=100, help_text="Without the @; stored in lower case.")
    url = models.URLField("URL", blank=True)
    followers = models.PositiveBigIntegerField(default=0)
    avg_views = models.PositiveBigIntegerField("average views", default=0)
    engagement_rate = RateField(
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
        help_text="In percent: average engagement ÷ followers.",
    )
    audience = models.JSONField(
        default=dict,
        blank=True,
        validators=[audience.validate_breakdown],
        help_text='Shares in percent, e.g. {"countries": {"US": 40}, "age_bands": {"18-24": 35}, '
        '"genders": {"female": 80}}.',
    )

    class Meta:
        ordering = ["-followers"]
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "platform", "handle"],
                name="handle_unique_per_brand_and_platform",
                violation_error_message="This brand already has an account with this platform "
                "and handle.",
            )
        ]

    def __str__(self) -> str:
        return f"@{self.handle} on {self.get_platform_display()}"

    def save(self, *args, **kwargs) -> None:
        self.handle = normalise_handle(self.handle)
        self.brand_id = self.influencer.brand_id
        super().save(*args, **kwargs)

    @property
    def tier(self) -> Tier:
        return Tier.for_followers(self.followers)

    def clean(self) -> None:
        self.handle = normalise_handle(self.handle)
        if self.influencer_id:
            self.brand_id = self.influencer.brand_id
        if not (self.brand_id and self.platform and self.handle):
            return
        clash = (
            SocialAccount.objects.filter(
                brand_id=self.brand_id, platform=self.platform, handle=self.handle
            )
            .exclude(pk=self.pk)
            .select_related("influencer")
            .first()
        )
        if clash:
            raise ValidationError(
                {
                    "handle": f"@{self.handle} on {clash.get_platform_display()} already belongs "
                    f"to {clash.influencer}."
                }
            )


# What is kept about an account, in the order the influencer page, the admin and the API show it.
SOCIAL_ACCOUNT_FIELDS = [
    "platform",
    "handle",
    "url",
    "followers",
    "avg_views",
    "engagement_rate",
    "audience",
]


def normalise_handle(handle: str) -> str:
    return (handle or "").strip().lstrip("@").lower()


class RiskAssessment(models.Model):
    brand_path = "influencer__brand"

    class Kind(models.TextChoices):
        REPUTATION = "reputation", "Reputation"
        FAKE_AUDIENCE = "fake_audience", "Fake audience"
        COMPLIANCE = "compliance", "Compliance"
        DELIVERY = "delivery", "Delivery"

    influencer = models.ForeignKey(Influencer, on_delete=models.CASCADE, related_name="risks")
    kind = models.CharField(max_length=14, choices=Kind.choices)
    likelihood = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="1 (rare) to 5 (almost certain).",
    )
    impact = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="1 (minor) to 5 (severe).",
    )
    mitigation = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    review_date = models.DateField(null=True, blank=True)
    is_open = models.BooleanField(
        "open", default=True, help_text="Closed risks no longer lower the fit score."
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    close_reason = models.TextField("why it was closed", blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-is_open", "review_date", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} risk ({self.likelihood}×{self.impact})"

    @property
    def severity(self) -> int:
        return self.likelihood * self.impact
