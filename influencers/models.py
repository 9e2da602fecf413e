from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
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

    NANO = "nano", _("Nano (< 10k)")
    MICRO = "micro", _("Micro (10k–100k)")
    MID = "mid", _("Mid (100k–500k)")
    MACRO = "macro", _("Macro (500k–1M)")
    MEGA = "mega", _("Mega (1M+)")

    @property
    def short_label(self) -> str:
        """The tier's name alone, for sentences and tables: "micro"."""
        return str(TIER_SHORT_LABELS[self])

    @classmethod
    def for_followers(cls, followers: int) -> "Tier":
        for tier, (low, high) in TIER_FOLLOWERS.items():
            if low <= followers and (high is None or followers < high):
                return tier
        raise ValueError(f"followers must not be negative, got {followers}")


TIER_SHORT_LABELS = {
    Tier.NANO: _("nano"),
    Tier.MICRO: _("micro"),
    Tier.MID: _("mid"),
    Tier.MACRO: _("macro"),
    Tier.MEGA: _("mega"),
}
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
    BLOG = "blog", _("Blog")


class Influencer(models.Model):
    """A brand's CRM record of one influencer (a person or a community)."""

    brand_path = "brand"

    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", _("Individual (personal IP)")
        COMMUNITY = "community", _("Community (club or circle)")

    class Monetisation(models.TextChoices):
        MEMBERSHIP = "membership", _("Membership")
        SPONSORED_POSTS = "sponsored_posts", _("Sponsored posts or ads")
        COURSES = "courses", _("Courses or talks")

    class Status(models.TextChoices):
        PROSPECT = "prospect", _("Prospect")
        CONTACTED = "contacted", _("Contacted")
        NEGOTIATING = "negotiating", _("Negotiating")
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        ENDED = "ended", _("Ended")
        BLOCKED = "blocked", _("Blocked")

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="influencers")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.INDIVIDUAL)
    country = CountryField(_("country"), blank=True)
    languages = models.JSONField(
        _("languages"), default=list, blank=True, help_text=_("Language codes, e.g. en, es, ru.")
    )
    niches = models.JSONField(
        _("niches"),
        default=list,
        blank=True,
        help_text=_("Topics, e.g. wigs, hair care, evening wear."),
    )
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    agency = models.CharField(
        _("agency or manager"), max_length=200, blank=True, help_text=_("Who negotiates for them.")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PROSPECT
    )
    notes = models.TextField(_("notes"), blank=True)
    # A community's own figures; its accounts' followers do not measure its size.
    members = models.PositiveIntegerField(
        _("members"),
        null=True,
        blank=True,
        help_text=_("Members of the community (communities only)."),
    )
    channels = models.JSONField(
        _("channels"),
        default=list,
        blank=True,
        help_text=_("Where the community meets, e.g. WeChat group, Telegram, Discord."),
    )
    monetisation = models.JSONField(
        _("monetisation offered"),
        default=list,
        blank=True,
        help_text=_("What the community sells."),
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
        verbose_name = _("influencer")
        verbose_name_plural = _("influencers")
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
                {
                    "monetisation": _("Unknown monetisation: %(values)s.")
                    % {"values": ", ".join(sorted(unknown))}
                }
            )
        if not self.is_community and (self.members or self.channels or self.monetisation):
            raise ValidationError(
                {"members": _("Members, channels and monetisation are for communities only.")}
            )


class SocialAccount(models.Model):
    brand_path = "brand"

    # The brand is copied from the influencer so that a handle is unique per brand in the database.
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+", editable=False)
    influencer = models.ForeignKey(
        Influencer,
        on_delete=models.CASCADE,
        related_name="accounts",
        verbose_name=_("influencer"),
    )
    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    handle = models.CharField(
        _("handle"), max_length=100, help_text=_("Without the @; stored in lower case.")
    )
    url = models.URLField(_("URL"), blank=True)
    followers = models.PositiveBigIntegerField(_("followers"), default=0)
    avg_views = models.PositiveBigIntegerField(_("average views"), default=0)
    engagement_rate = RateField(
        _("engagement rate"),
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
        help_text=_("In percent: average engagement ÷ followers."),
    )
    audience = models.JSONField(
        _("audience"),
        default=dict,
        blank=True,
        validators=[audience.validate_breakdown],
        help_text=_(
            'Shares in percent, e.g. {"countries": {"US": 40}, "age_bands": {"18-24": 35}, '
            '"genders": {"female": 80}}.'
        ),
    )

    class Meta:
        verbose_name = _("social account")
        verbose_name_plural = _("social accounts")
        ordering = ["-followers"]
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "platform", "handle"],
                name="handle_unique_per_brand_and_platform",
                violation_error_message=_(
                    "This brand already has an account with this platform and handle."
                ),
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
                    "handle": _("@%(handle)s on %(platform)s already belongs to %(influencer)s.")
                    % {
                        "handle": self.handle,
                        "platform": clash.get_platform_display(),
                        "influencer": clash.influencer,
                    }
                }
            )


# What is kept about an account, in the order the influencer page, the admin and the API show it.
SOCIAL_ACCOUNT_FIELDS = (
    "platform",
    "handle",
    "url",
    "followers",
    "avg_views",
    "engagement_rate",
    "audience",
)


def normalise_handle(handle: str) -> str:
    return (handle or "").strip().lstrip("@").lower()


class RiskAssessment(models.Model):
    brand_path = "influencer__brand"

    class Kind(models.TextChoices):
        REPUTATION = "reputation", _("Reputation")
        FAKE_AUDIENCE = "fake_audience", _("Fake audience")
        COMPLIANCE = "compliance", _("Compliance")
        DELIVERY = "delivery", _("Delivery")

    influencer = models.ForeignKey(
        Influencer, on_delete=models.CASCADE, related_name="risks", verbose_name=_("influencer")
    )
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    likelihood = models.PositiveSmallIntegerField(
        _("likelihood"),
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("1 (rare) to 5 (almost certain)."),
    )
    impact = models.PositiveSmallIntegerField(
        _("impact"),
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("1 (minor) to 5 (severe)."),
    )
    mitigation = models.TextField(_("mitigation"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    review_date = models.DateField(_("review date"), null=True, blank=True)
    is_open = models.BooleanField(
        _("open"), default=True, help_text=_("Closed risks no longer lower the fit score.")
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    close_reason = models.TextField(_("why it was closed"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("risk assessment")
        verbose_name_plural = _("risk assessments")
        ordering = ["-is_open", "review_date", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} risk ({self.likelihood}×{self.impact})"

    @property
    def severity(self) -> int:
        return self.likelihood * self.impact
