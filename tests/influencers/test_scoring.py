from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from influencers import scoring
from influencers.models import Tier
from influencers.scoring import Account, Target

TARGET = Target(
    countries=frozenset({"US"}),
    age_bands=frozenset({"18-24"}),
    genders=frozenset({"female"}),
    niches=frozenset({"wigs", "prom"}),
)
MICRO = Account(
    followers=50_000,
    engagement_rate=Decimal("0.0150"),
    audience={
        "countries": {"US": 50, "GB": 30},
        "age_bands": {"18-24": 40},
        "genders": {"female": 80, "male": 20},
    },
)


def points(fit: scoring.Fit) -> dict[str, Decimal]:
    return {c.name: c.points for c in fit.components}


def test_hand_computed_score_with_every_component():
    fit = scoring.fit(TARGET, ["wigs"], [MICRO], [])
    # 50% in US of 30, 40% aged 18-24 of 20, 80% female of 10, one of two niches of 15,
    # 1.5% against the micro norm of 3% of 25
    assert points(fit) == {
        "countries": 15,
        "age_bands": 8,
        "genders": 8,
        "niches": Decimal("7.5"),
        "engagement": Decimal("12.5"),
    }
    assert fit.score == 51


def test_open_risks_subtract_in_proportion_to_severity():
    fit = scoring.fit(TARGET, ["wigs"], [MICRO], [2 * 3])
    assert points(fit)["risks"] == Decimal("-7.2")  # 30 × 6 / 25
    assert fit.score == 44  # 43.8 rounded half up


def test_penalty_is_capped():
    fit = scoring.fit(TARGET, [], [MICRO], [25, 25, 25])
    assert points(fit)["risks"] == -30
    assert fit.score == 14  # 43.5 - 30 = 13.5, rounded half up


def test_score_never_goes_below_zero():
    silent = Account(5_000, Decimal(0), {})
    assert scoring.fit(TARGET, [], [silent], [25]).score == 0


def test_unset_targets_are_left_out_and_the_rest_scaled_to_100():
    fit = scoring.fit(Target(niches=frozenset({"wigs", "prom"})), ["wigs"], [MICRO], [])
    assert points(fit) == {"niches": Decimal("18.75"), "engagement": Decimal("31.25")}
    assert fit.score == 50
    assert sum(c.max_points for c in fit.components) == 100


def test_accounts_are_weighted_by_followers():
    small = Account(10_000, Decimal("0.05"), {"countries": {"US": 100}})
    large = Account(30_000, Decimal("0.05"), {"countries": {"GB": 100}})
    assert scoring.audience_share([small, large], "countries", frozenset({"US"})) == Decimal("0.25")


def test_missing_audience_data_earns_nothing_and_says_so():
    fit = scoring.fit(
        Target(countries=frozenset({"US"})), [], [Account(5_000, Decimal("0.05"), {})], []
    )
    countries = next(c for c in fit.components if c.name == "countries")
    assert countries.points == 0
    assert countries.explanation == "No audience data for this."


@pytest.mark.parametrize(
    ("followers", "tier"),
    [
        (0, Tier.NANO),
        (9_999, Tier.NANO),
        (10_000, Tier.MICRO),
        (99_999, Tier.MICRO),
        (100_000, Tier.MID),
        (500_000, Tier.MACRO),
        (999_999, Tier.MACRO),
        (1_000_000, Tier.MEGA),
    ],
)
def test_tiers_follow_the_follower_thresholds(followers, tier):
    assert Tier.for_followers(followers) == tier


@pytest.mark.parametrize(
    ("followers", "rate", "flagged"),
    [
        (50_000, "0.0300", None),
        (50_000, "0.0050", "below"),
        (50_000, "0.1200", "above"),
        (2_000_000, "0.0010", "below"),
        (2_000_000, "0.0100", None),
    ],
)
def test_audience_quality_hint_flags_implausible_engagement(followers, rate, flagged):
    hint = scoring.audience_quality_hint(followers, Decimal(rate))
    if flagged is None:
        assert hint is None
    else:
        assert f"far {flagged}" in hint


shares = st.integers(min_value=0, max_value=50)
accounts = st.builds(
    Account,
    followers=st.integers(min_value=0, max_value=5_000_000),
    engagement_rate=st.decimals(min_value=0, max_value=1, places=4),
    audience=st.fixed_dictionaries(
        {
            "countries": st.fixed_dictionaries({"US": shares, "GB": shares}),
            "age_bands": st.fixed_dictionaries({"18-24": shares, "35-44": shares}),
            "genders": st.fixed_dictionaries({"female": shares, "male": shares}),
        }
    ),
)
targets = st.builds(
    Target,
    countries=st.frozensets(st.sampled_from(["US", "GB", "DE"])),
    age_bands=st.frozensets(st.sampled_from(["18-24", "25-34"])),
    genders=st.frozensets(st.sampled_from(["female", "male"])),
    niches=st.frozensets(st.sampled_from(["wigs", "prom", "bridal"])),
)
niches = st.lists(st.sampled_from(["wigs", "prom", "bridal", "gaming"]), max_size=3)
severities = st.lists(st.integers(min_value=1, max_value=25), max_size=4)


@given(targets, niches, st.lists(accounts, max_size=3), severities)
def test_score_is_always_between_0_and_100(target, niches_, accounts_, risks):
    fit = scoring.fit(target, niches_, accounts_, risks)
    assert 0 <= fit.score <= 100


@given(accounts, st.integers(min_value=1, max_value=50), niches, severities)
def test_better_audience_overlap_never_lowers_the_score(account, moved, niches_, risks):
    """Moving audience from a country outside the target into it cannot lower the score."""
    target = Target(countries=frozenset({"US"}), niches=frozenset({"wigs"}))
    countries = account.audience["countries"]
    moved = min(moved, countries["GB"])
    better = Account(
        account.followers,
        account.engagement_rate,
        {
            **account.audience,
            "countries": {"US": countries["US"] + moved, "GB": countries["GB"] - moved},
        },
    )
    before = scoring.fit(target, niches_, [account], risks)
    after = scoring.fit(target, niches_, [better], risks)
    assert after.score >= before.score
