"""Fit score 0–100 of an influencer for a brand, explained term by term.

The score weighs how much of the influencer's audience the brand wants (countries, age bands,
genders), how well their niches match, and engagement against the norm of their tier; open
risks subtract. A community (club or circle) is sized by its members where a personal account
is sized by its followers: its tier, and the engagement norm it is held to, follow its members.
A component whose target the brand has not set is left out and the others are
scaled up, so a score is always out of 100.

The explanations are written in the active language: the stored breakdown in the language the
rescore ran in, so pages explain a score anew with `explained()` in the reader's.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from influencers.models import Influencer, RiskAssessment, SocialAccount, Tier
from partnerships.formatting import format_count, format_percent
from partnerships.models import Brand

WEIGHTS = {"countries": 30, "age_bands": 20, "genders": 10, "niches": 15, "engagement": 25}
LABELS = {
    "countries": gettext_lazy("Audience in target countries"),
    "age_bands": gettext_lazy("Audience in target ages"),
    "genders": gettext_lazy("Audience of target genders"),
    "niches": gettext_lazy("Niche match"),
    "engagement": gettext_lazy("Engagement for the tier"),
    "risks": gettext_lazy("Open risks"),
}
# Typical engagement rate per tier; engagement at or above the norm earns every point.
TIER_ENGAGEMENT_NORM = {
    Tier.NANO: Decimal("0.05"),
    Tier.MICRO: Decimal("0.03"),
    Tier.MID: Decimal("0.02"),
    Tier.MACRO: Decimal("0.015"),
    Tier.MEGA: Decimal("0.01"),
}
# One open risk of likelihood 5 × impact 5 costs the whole penalty; smaller ones in proportion.
RISK_PENALTY_MAX = Decimal(30)
MAX_SEVERITY = 25
# Engagement outside these multiples of the tier norm is implausible: bought followers or likes.
IMPLAUSIBLY_LOW, IMPLAUSIBLY_HIGH = Decimal("0.25"), Decimal(3)
NICHES_FOR_FULL_MATCH = 2


@dataclass(frozen=True)
class Target:
    countries: frozenset[str] = frozenset()
    age_bands: frozenset[str] = frozenset()
    genders: frozenset[str] = frozenset()
    niches: frozenset[str] = frozenset()

    @classmethod
    def of(cls, brand: Brand) -> "Target":
        return cls(
            frozenset(brand.target_countries),
            frozenset(brand.target_age_bands),
            frozenset(brand.target_genders),
            frozenset(brand.target_niches),
        )


@dataclass(frozen=True)
class Account:
    followers: int
    engagement_rate: Decimal
    audience: Mapping[str, Mapping[str, object]]


@dataclass(frozen=True)
class Component:
    name: str
    label: str
    points: Decimal  # on the 0–100 scale, negative for risks
    max_points: Decimal
    explanation: str


@dataclass(frozen=True)
class Fit:
    score: int
    components: tuple[Component, ...]

    def as_json(self) -> dict:
        return {
            "score": self.score,
            "components": [
                {
                    **asdict(c),
                    "label": str(c.label),
                    "points": str(c.points),
                    "max_points": str(c.max_points),
                }
                for c in self.components
            ],
        }


def tier_norm(followers: int) -> Decimal:
    return TIER_ENGAGEMENT_NORM[Tier.for_followers(followers)]


def audience_share(
    accounts: Sequence[Account], dimension: str, wanted: frozenset[str]
) -> Decimal | None:
    """Follower-weighted share (0–1) of the audience within `wanted`; None without any data."""
    weighted, weight = Decimal(0), 0
    for account in accounts:
        shares = account.audience.get(dimension)
        if not shares:
            continue
        inside = sum((Decimal(str(v)) for k, v in shares.items() if k in wanted), Decimal(0))
        followers = max(account.followers, 1)
        weighted += inside / 100 * followers
        weight += followers
    return weighted / weight if weight else None


def combined_engagement(accounts: Sequence[Account]) -> tuple[int, Decimal | None]:
    """Total followers and the follower-weighted engagement rate of all accounts."""
    followers = sum(a.followers for a in accounts)
    if not followers:
        return 0, None
    return followers, sum(
        (a.engagement_rate * a.followers for a in accounts), Decimal(0)
    ) / followers


def fit(
    target: Target,
    niches: Iterable[str],
    accounts: Sequence[Account],
    risk_severities: Iterable[int],
    members: int | None = None,
) -> Fit:
    """Score one influencer against a brand's target, with each component's contribution;
    `members` sizes a community in place of its accounts' followers."""
    raw: list[tuple[str, Decimal, str]] = []  # name, fraction 0–1, explanation
    for dimension in ("countries", "age_bands", "genders"):
        wanted = getattr(target, dimension)
        if not wanted:
            continue
        share = audience_share(accounts, dimension, wanted)
        if share is None:
            raw.append((dimension, Decimal(0), _("No audience data for this.")))
        else:
            text = _("%(share)s of the audience is in %(wanted)s.") % {
                "share": format_percent(share),
                "wanted": ", ".join(sorted(wanted)),
            }
            raw.append((dimension, share, text))
    if target.niches:
        matched = sorted(set(niches) & target.niches)
        fraction = min(
            Decimal(len(matched)) / min(len(target.niches), NICHES_FOR_FULL_MATCH), Decimal(1)
        )
        explanation = (
            _("Matches %(niches)s.") % {"niches": ", ".join(matched)}
            if matched
            else _("No niche in common with the target.")
        )
        raw.append(("niches", fraction, explanation))
    followers, rate = combined_engagement(accounts)
    size = members if members is not None else followers
    if rate is None:
        raw.append(("engagement", Decimal(0), _("No followers recorded.")))
    else:
        norm = tier_norm(size)
        tier = Tier.for_followers(size).short_label
        values = {"rate": format_percent(rate), "tier": tier, "norm": format_percent(norm)}
        if members is None:
            text = _("%(rate)s against a %(tier)s norm of %(norm)s.") % values
        else:
            text = _(
                "%(rate)s against a %(tier)s norm of %(norm)s. A %(tier)s community by its "
                "%(members)s members."
            ) % {**values, "members": format_count(members)}
        raw.append(("engagement", min(rate / norm, Decimal(1)), text))

    scale = Decimal(100) / sum(WEIGHTS[name] for name, _fraction, _text in raw)
    components = [
        Component(name, LABELS[name], fraction * WEIGHTS[name] * scale, WEIGHTS[name] * scale, text)
        for name, fraction, text in raw
    ]
    severity = sum(risk_severities)
    if severity:
        penalty = min(RISK_PENALTY_MAX, RISK_PENALTY_MAX * severity / MAX_SEVERITY)
        components.append(
            Component(
                "risks",
                LABELS["risks"],
                -penalty,
                Decimal(0),
                _("Open risks of total severity %(severity)s (likelihood × impact).")
                % {"severity": severity},
            )
        )
    total = sum((c.points for c in components), Decimal(0))
    score = int(min(max(total, Decimal(0)), Decimal(100)).quantize(Decimal(1), ROUND_HALF_UP))
    return Fit(score, tuple(components))


def audience_quality_hint(followers: int, engagement_rate: Decimal) -> str | None:
    """A warning when engagement is implausible for the tier: a possible fake audience."""
    if not followers:
        return None
    norm = tier_norm(followers)
    values = {
        "rate": format_percent(engagement_rate),
        "tier": Tier.for_followers(followers).short_label,
        "norm": format_percent(norm),
    }
    if engagement_rate < norm * IMPLAUSIBLY_LOW:
        return (
            _(
                "Engagement %(rate)s is far below the %(tier)s norm of %(norm)s: the audience "
                "may be bought or inactive."
            )
            % values
        )
    if engagement_rate > norm * IMPLAUSIBLY_HIGH:
        return (
            _(
                "Engagement %(rate)s is far above the %(tier)s norm of %(norm)s: likes or "
                "comments may be bought."
            )
            % values
        )
    return None


def explained(influencer: Influencer) -> Fit:
    """The influencer's fit worked out now, its explanations in the active language."""
    accounts, severities = _facts([influencer.pk])
    return _fit_of(influencer, accounts[influencer.pk], severities[influencer.pk])


def _fit_of(influencer: Influencer, accounts: list[Account], severities: list[int]) -> Fit:
    members = influencer.members if influencer.is_community else None
    return fit(Target.of(influencer.brand), influencer.niches, accounts, severities, members)


def _facts(ids: list[int]) -> tuple[dict[int, list[Account]], dict[int, list[int]]]:
    """The accounts and the open risks' severities of the given influencers, in two queries."""
    accounts: dict[int, list[Account]] = {pk: [] for pk in ids}
    for influencer_id, followers, rate, audience in SocialAccount.objects.filter(
        influencer_id__in=ids
    ).values_list("influencer_id", "followers", "engagement_rate", "audience"):
        accounts[influencer_id].append(Account(followers, rate, audience or {}))
    severities: dict[int, list[int]] = {pk: [] for pk in ids}
    for influencer_id, likelihood, impact in RiskAssessment.objects.filter(
        influencer_id__in=ids, is_open=True
    ).values_list("influencer_id", "likelihood", "impact"):
        severities[influencer_id].append(likelihood * impact)
    return accounts, severities


def rescore(influencers: models.QuerySet[Influencer]) -> int:
    """Recompute followers, engagement and fit of the given influencers in a few queries."""
    rows = list(influencers.select_related("brand"))
    accounts, severities = _facts([row.pk for row in rows])
    for row in rows:
        members = row.members if row.is_community else None
        result = _fit_of(row, accounts[row.pk], severities[row.pk])
        followers, row.engagement_rate = combined_engagement(accounts[row.pk])
        # Lists sort and filter communities by their members, where creators by followers.
        row.followers = members if members is not None else followers
        row.fit_score, row.fit_breakdown = result.score, result.as_json()
    with transaction.atomic():
        Influencer.objects.bulk_update(
            rows, ["followers", "engagement_rate", "fit_score", "fit_breakdown"], batch_size=500
        )
    return len(rows)
