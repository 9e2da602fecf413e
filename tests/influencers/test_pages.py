from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from influencers import scoring
from influencers.models import Influencer, SocialAccount
from tests import factories
from tests.downloads import csv_text

pytestmark = pytest.mark.django_db


def make(brand, name, *, followers=50_000, rate="0.0350", platform="tiktok", **fields):
    influencer = factories.InfluencerFactory(brand=brand, name=name, **fields)
    factories.SocialAccountFactory(
        influencer=influencer,
        platform=platform,
        handle=name.lower().replace(" ", ""),
        followers=followers,
        engagement_rate=Decimal(rate),
    )
    scoring.rescore(Influencer.objects.filter(pk=influencer.pk))
    return influencer


def names(response) -> list[str]:
    return [influencer.name for influencer in response.context["page"].object_list]


@pytest.fixture
def registry(brand):
    brand.target_countries, brand.target_niches = ["US"], ["wigs"]
    brand.save()
    make(brand, "Nano Nora", followers=4_000, rate="0.0600", country="GB", niches=["wigs"])
    make(brand, "Micro Mia", followers=50_000, rate="0.0350", platform="instagram", niches=["prom"])
    make(
        brand,
        "Mega Max",
        followers=2_000_000,
        rate="0.0050",
        platform="youtube",
        status="active",
        country="DE",
        niches=["wigs", "hair care"],
    )
    factories.InfluencerFactory(brand=brand, name="Unscored Uma")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "micro"}, ["Micro Mia"]),
        ({"q": "@megamax"}, ["Mega Max"]),
        ({"platform": "instagram"}, ["Micro Mia"]),
        ({"tier": "nano"}, ["Nano Nora", "Unscored Uma"]),
        ({"tier": "mega"}, ["Mega Max"]),
        ({"country": "gb"}, ["Nano Nora"]),
        ({"niche": "hair care"}, ["Mega Max"]),
        ({"niche": "hair"}, []),
        ({"status": "active"}, ["Mega Max"]),
        ({"engagement_min": "3", "engagement_max": "4"}, ["Micro Mia"]),
        ({"followers_min": "10000", "followers_max": "100000"}, ["Micro Mia"]),
    ],
)
def test_filters_return_the_right_influencers(client, brand_manager, registry, query, expected):
    client.force_login(brand_manager)
    assert sorted(names(client.get(reverse("influencers:list"), query))) == sorted(expected)


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("followers", ["Mega Max", "Micro Mia", "Nano Nora", "Unscored Uma"]),
        ("engagement", ["Nano Nora", "Micro Mia", "Mega Max", "Unscored Uma"]),
        ("name", ["Mega Max", "Micro Mia", "Nano Nora", "Unscored Uma"]),
    ],
)
def test_sorting(client, brand_manager, registry, sort, expected):
    client.force_login(brand_manager)
    assert names(client.get(reverse("influencers:list"), {"sort": sort})) == expected


def test_default_order_is_best_fit_first_with_unscored_last(client, brand_manager, registry):
    client.force_login(brand_manager)
    listed = client.get(reverse("influencers:list")).context["page"].object_list
    scores = [influencer.fit_score for influencer in listed]
    assert scores[-1] is None
    assert scores[:-1] == sorted(scores[:-1], reverse=True)


def test_invalid_filter_is_reported_not_ignored(client, brand_manager, registry):
    client.force_login(brand_manager)
    response = client.get(reverse("influencers:list"), {"engagement_min": "500"})
    assert names(response) == []
    assert "Engagement from %" in response.content.decode()


def test_csv_export_follows_the_filters(client, brand_manager, registry):
    client.force_login(brand_manager)
    export = client.get(reverse("influencers:list"), {"tier": "mega", "export": "csv"})
    lines = csv_text(export).splitlines()
    assert lines[0] == "name,status,country,tier,followers,engagement_rate,fit_score,accounts"
    assert len(lines) == 2
    assert lines[1].startswith("Mega Max,active,DE,mega,2000000,0.0050,")
    assert lines[1].endswith(",youtube:megamax")


def test_list_queries_do_not_grow_with_rows(client, brand_manager, brand):
    client.force_login(brand_manager)

    def count() -> int:
        client.get(reverse("influencers:list"))
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("influencers:list"))
        return len(captured)

    for i in range(5):
        make(brand, f"Creator {i:02d}")
    few = count()
    for i in range(5, 50):
        make(brand, f"Creator {i:02d}")
    assert count() == few


def test_detail_shows_fit_breakdown_audience_and_hint(client, brand_manager, brand):
    brand.target_countries = ["US"]
    brand.save()
    influencer = make(brand, "Bought Bella", followers=2_000_000, rate="0.0005")
    factories.RiskAssessmentFactory(
        influencer=influencer, kind="fake_audience", likelihood=4, impact=4
    )
    scoring.rescore(Influencer.objects.filter(pk=influencer.pk))
    client.force_login(brand_manager)
    page = client.get(reverse("influencers:detail", args=[influencer.pk])).content.decode()
    assert "Why this score" in page
    assert "Audience in target countries" in page
    assert "Open risks of total severity 16" in page
    assert "Possible fake audience" in page
    assert 'id="audience-data"' in page


def test_manager_creates_an_influencer_with_accounts(client, brand_manager, brand):
    client.force_login(brand_manager)
    data = {
        "name": "Lucía Fernández",
        "kind": "individual",
        "country": "ES",
        "status": "prospect",
        "languages": "es, en",
        "niches": "Evening wear, prom",
        "accounts-TOTAL_FORMS": "2",
        "accounts-INITIAL_FORMS": "0",
        "accounts-0-platform": "instagram",
        "accounts-0-handle": "@LuciaF",
        "accounts-0-followers": "120000",
        "accounts-0-avg_views": "30000",
        "accounts-0-engagement_rate": "2.5",
        "accounts-0-countries": "ES:55, MX:20",
        "accounts-0-genders": "female:90, male:10",
        # the untouched extra row, as a browser sends it
        "accounts-1-platform": "",
        "accounts-1-handle": "",
        "accounts-1-followers": "0",
        "accounts-1-avg_views": "0",
        "accounts-1-engagement_rate": "0",
    }
    response = client.post(reverse("influencers:create"), data)
    influencer = Influencer.objects.get(name="Lucía Fernández")
    assert response.url == reverse("influencers:detail", args=[influencer.pk])
    assert influencer.niches == ["evening wear", "prom"]
    account = influencer.accounts.get()
    assert account.handle == "luciaf"
    assert account.audience == {
        "countries": {"ES": 55, "MX": 20},
        "genders": {"female": 90, "male": 10},
    }
    assert influencer.followers == 120_000
    assert influencer.fit_score is not None


def test_bad_account_rows_are_reported_and_nothing_saved(client, brand_manager, brand):
    make(brand, "Taken", platform="tiktok")
    client.force_login(brand_manager)
    data = {
        "name": "Newcomer",
        "kind": "individual",
        "status": "prospect",
        "accounts-TOTAL_FORMS": "2",
        "accounts-INITIAL_FORMS": "0",
        "accounts-0-platform": "tiktok",
        "accounts-0-handle": "taken",
        "accounts-0-followers": "1",
        "accounts-0-avg_views": "1",
        "accounts-0-engagement_rate": "1",
        "accounts-1-platform": "youtube",
        "accounts-1-handle": "new",
        "accounts-1-followers": "1",
        "accounts-1-avg_views": "1",
        "accounts-1-engagement_rate": "150",
        "accounts-1-countries": "US:80, GB:40",
    }
    response = client.post(reverse("influencers:create"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "already belongs to Taken" in page
    assert "more than 100" in page
    assert "less than or equal to 100" in page
    assert not Influencer.objects.filter(name="Newcomer").exists()


def test_pipeline_status_changes_in_place(client, brand_manager, brand):
    influencer = make(brand, "Mia")
    client.force_login(brand_manager)
    url = reverse("influencers:status", args=[influencer.pk])
    response = client.post(url, {"status": "negotiating"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'id="pipeline-status"' in response.content.decode()
    assert "<html" not in response.content.decode()
    influencer.refresh_from_db()
    assert influencer.status == "negotiating"


def test_viewer_cannot_change_anything(client, viewer, brand):
    influencer = make(brand, "Mia")
    client.force_login(viewer)
    status = client.post(reverse("influencers:status", args=[influencer.pk]), {"status": "blocked"})
    assert status.status_code == 403
    assert client.get(reverse("influencers:create")).status_code == 403
    assert client.post(reverse("influencers:edit", args=[influencer.pk]), {}).status_code == 403
    assert (
        client.post(reverse("influencers:audience"), {"target_countries": "FR"}).status_code == 403
    )
    influencer.refresh_from_db()
    assert influencer.status == "prospect"
    page = client.get(reverse("influencers:detail", args=[influencer.pk])).content.decode()
    assert reverse("influencers:edit", args=[influencer.pk]) not in page


def test_target_audience_change_rescores_the_brand(
    client, brand_manager, brand, django_capture_on_commit_callbacks
):
    influencer = make(brand, "Mia")  # audience 60% US, 10% GB
    client.force_login(brand_manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("influencers:audience"),
            {
                "target_countries": "gb",
                "target_age_bands": ["18-24"],
                "target_genders": ["female"],
                "target_niches": "Wigs",
            },
        )
    assert response.status_code == 302
    brand.refresh_from_db()
    assert brand.target_countries == ["GB"]
    assert brand.target_niches == ["wigs"]
    influencer.refresh_from_db()
    countries = next(c for c in influencer.fit_breakdown["components"] if c["name"] == "countries")
    assert countries["explanation"] == "10.0% of the audience is in GB."


def test_target_audience_rejects_unknown_values(client, brand_manager, brand):
    client.force_login(brand_manager)
    response = client.post(reverse("influencers:audience"), {"target_countries": "US, XX"})
    assert "Unknown country codes: XX." in response.content.decode()
    brand.refresh_from_db()
    assert brand.target_countries == []


@pytest.mark.parametrize(
    "url_name", ["influencers:detail", "influencers:edit", "influencers:status"]
)
def test_another_brands_influencer_is_404_on_every_page(
    client, other_brand_manager, brand, url_name
):
    influencer = make(brand, "Mia")
    client.force_login(other_brand_manager)
    url = reverse(url_name, args=[influencer.pk])
    assert client.get(url).status_code in (404, 405)
    assert client.post(url, {"status": "blocked", "name": "x"}).status_code == 404
    assert Influencer.objects.get(pk=influencer.pk).status == "prospect"


def test_list_shows_only_the_current_brand(client, other_brand_manager, brand, other_brand):
    make(brand, "Mine Not")
    make(other_brand, "Theirs")
    client.force_login(other_brand_manager)
    assert names(client.get(reverse("influencers:list"))) == ["Theirs"]
    assert SocialAccount.objects.count() == 2
