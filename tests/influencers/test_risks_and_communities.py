"""Risks kept on the influencer page (added, revised, closed with who and why, rescored) and
communities sized by their members (DESIGN §11)."""

from datetime import date

import pytest
from django.urls import reverse

from influencers import scoring
from influencers.models import Influencer, RiskAssessment
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def influencer(brand):
    influencer = factories.InfluencerFactory(brand=brand, name="Anna Silk")
    factories.SocialAccountFactory(influencer=influencer)
    scoring.rescore(Influencer.objects.filter(pk=influencer.pk))
    influencer.refresh_from_db()
    return influencer


def _risk_post(prefix: str = "risk", **fields) -> dict:
    values = {"kind": "delivery", "likelihood": "4", "impact": "5", "mitigation": "Pay on delivery"}
    return {f"{prefix}-{key}": value for key, value in {**values, **fields}.items()}


def test_manager_adds_a_risk_and_the_fit_score_drops(client, brand_manager, influencer):
    before = influencer.fit_score
    client.force_login(brand_manager)

    response = client.post(
        reverse("influencers:risk_create", args=[influencer.pk]),
        _risk_post(owner=brand_manager.pk, review_date="2026-12-01"),
        follow=True,
    )

    risk = RiskAssessment.objects.get()
    assert (risk.kind, risk.severity, risk.owner, risk.review_date) == (
        "delivery",
        20,
        brand_manager,
        date(2026, 12, 1),
    )
    page = response.content.decode()
    assert "Added the delivery risk." in page
    assert "Pay on delivery" in page
    influencer.refresh_from_db()
    assert influencer.fit_score < before
    assert risk.history.get().history_user == brand_manager


def test_manager_revises_a_risk(client, brand_manager, influencer):
    risk = factories.RiskAssessmentFactory(influencer=influencer)
    client.force_login(brand_manager)

    client.post(
        reverse("influencers:risk_edit", args=[risk.pk]),
        _risk_post(f"risk-{risk.pk}", kind="compliance", likelihood="1", impact="2"),
    )

    risk.refresh_from_db()
    assert (risk.kind, risk.likelihood, risk.impact) == ("compliance", 1, 2)


def test_closing_a_risk_records_who_and_why_and_restores_the_score(
    client, brand_manager, influencer
):
    client.force_login(brand_manager)
    client.post(reverse("influencers:risk_create", args=[influencer.pk]), _risk_post())
    risk = RiskAssessment.objects.get()

    response = client.post(
        reverse("influencers:risk_close", args=[risk.pk]),
        {"reason": "Delivered on time for a year."},
        follow=True,
    )

    risk.refresh_from_db()
    assert not risk.is_open
    assert risk.closed_by == brand_manager
    assert risk.closed_at is not None
    assert risk.close_reason == "Delivered on time for a year."
    assert "Closed by manager" in response.content.decode()
    influencer.refresh_from_db()
    assert "risks" not in {c["name"] for c in influencer.fit_breakdown["components"]}


def test_closing_without_a_reason_is_refused_and_changes_nothing(client, brand_manager, influencer):
    risk = factories.RiskAssessmentFactory(influencer=influencer)
    client.force_login(brand_manager)

    response = client.post(
        reverse("influencers:risk_close", args=[risk.pk]), {"reason": " "}, follow=True
    )

    assert "Why it is closed: This field is required." in response.content.decode()
    risk.refresh_from_db()
    assert risk.is_open


def test_a_bad_likelihood_is_named_and_nothing_is_added(client, brand_manager, influencer):
    client.force_login(brand_manager)
    response = client.post(
        reverse("influencers:risk_create", args=[influencer.pk]),
        _risk_post(likelihood="9"),
        follow=True,
    )
    assert "Likelihood: Ensure this value is less than or equal to 5." in response.content.decode()
    assert not RiskAssessment.objects.exists()


@pytest.mark.parametrize("role", ["finance", "viewer"])
def test_finance_and_viewers_see_risks_but_cannot_change_them(client, request, influencer, role):
    risk = factories.RiskAssessmentFactory(influencer=influencer, mitigation="Audit followers")
    client.force_login(request.getfixturevalue(role))

    page = client.get(reverse("influencers:detail", args=[influencer.pk])).content.decode()
    assert "Audit followers" in page
    assert "Add a risk" not in page
    assert "Close risk" not in page
    for url, data in [
        (reverse("influencers:risk_create", args=[influencer.pk]), _risk_post()),
        (reverse("influencers:risk_edit", args=[risk.pk]), _risk_post(f"risk-{risk.pk}")),
        (reverse("influencers:risk_close", args=[risk.pk]), {"reason": "Fine"}),
    ]:
        assert client.post(url, data).status_code == 403
    risk.refresh_from_db()
    assert (risk.is_open, risk.kind, RiskAssessment.objects.count()) == (True, "reputation", 1)


# --- communities ------------------------------------------------------------------------------


def _community_post(brand, **fields) -> dict:
    return {
        "brand": brand.pk,
        "name": "Glam Wig Club",
        "kind": "community",
        "status": "prospect",
        "members": "48000",
        "channels": "Facebook group, WhatsApp",
        "monetisation": ["membership", "sponsored_posts"],
        "accounts-TOTAL_FORMS": "1",
        "accounts-INITIAL_FORMS": "0",
        "accounts-0-platform": "tiktok",
        "accounts-0-handle": "glamwigclub",
        "accounts-0-followers": "900",
        "accounts-0-avg_views": "100",
        "accounts-0-engagement_rate": "2.5",
        **fields,
    }


def test_a_community_records_members_channels_and_monetisation_and_is_sized_by_members(
    client, brand_manager, brand
):
    client.force_login(brand_manager)
    response = client.post(reverse("influencers:create"), _community_post(brand), follow=True)

    club = Influencer.objects.get(name="Glam Wig Club")
    assert (club.members, club.channels) == (48_000, ["Facebook group", "WhatsApp"])
    assert club.monetisation == ["membership", "sponsored_posts"]
    # Sized by its 48,000 members, not its account's 900 followers: a micro community.
    assert club.followers == 48_000
    assert club.tier == "micro"
    engagement = next(c for c in club.fit_breakdown["components"] if c["name"] == "engagement")
    assert "by its 48,000 members" in engagement["explanation"]
    page = response.content.decode()
    assert 'id="community"' in page
    assert "Membership, Sponsored posts or ads" in page
    assert "Facebook group, WhatsApp" in page


def test_an_individual_cannot_have_members(client, brand_manager, brand):
    client.force_login(brand_manager)
    response = client.post(reverse("influencers:create"), _community_post(brand, kind="individual"))
    assert response.status_code == 200
    assert (
        "Members, channels and monetisation are for communities only." in response.content.decode()
    )
    assert not Influencer.objects.exists()


def test_registry_filters_by_kind(client, brand_manager, brand):
    factories.InfluencerFactory(brand=brand, name="Glam Wig Club", kind="community")
    factories.InfluencerFactory(brand=brand, name="Anna Silk", kind="individual")
    client.force_login(brand_manager)

    def names(kind: str) -> set[str]:
        page = client.get(reverse("influencers:list"), {"kind": kind}).context["page"]
        return {row.name for row in page.object_list}

    assert names("community") == {"Glam Wig Club"}
    assert names("individual") == {"Anna Silk"}
    assert names("") == {"Glam Wig Club", "Anna Silk"}
