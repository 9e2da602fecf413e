from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from influencers import scoring
from influencers.models import Influencer, SocialAccount
from tests import factories

pytestmark = pytest.mark.django_db

URL = "/api/v1/influencers/"

INFLUENCER = {
    "name": "Anna Ferreira",
    "country": "br",
    "niches": ["Wigs", "hair care", "wigs"],
    "languages": ["pt", "en"],
    "kind": "individual",
    "status": "contacted",
    "contact_email": "anna@example.com",
    "agency": "Rio Creators",
    "accounts": [
        {
            "platform": "tiktok",
            "handle": "@Anna.Wigs",
            "url": "https://www.tiktok.com/@anna.wigs",
            "followers": 80_000,
            "avg_views": 25_000,
            "engagement_rate": "0.0500",
            "audience": {"countries": {"BR": 70, "US": 20}, "genders": {"female": 90}},
        },
        {
            "platform": "instagram",
            "handle": "anna.wigs",
            "followers": 20_000,
            "avg_views": 4_000,
            "engagement_rate": "0.0300",
        },
    ],
}


def _account(body: dict, platform: str) -> dict:
    return next(a for a in body["accounts"] if a["platform"] == platform)


def test_influencer_round_trip_with_two_accounts(api, brand):
    created = api.post(URL, INFLUENCER, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["country"] == "BR"
    assert body["niches"] == ["wigs", "hair care"]
    assert body["followers"] == 100_000
    assert body["tier"] == "mid"
    assert body["engagement_rate"] == "0.0460"  # (80k × 5% + 20k × 3%) / 100k
    assert isinstance(body["fit_score"], int)
    tiktok = _account(body, "tiktok")
    assert tiktok["handle"] == "anna.wigs"
    assert tiktok["tier"] == "micro"
    assert tiktok["engagement_rate"] == "0.0500"
    influencer = Influencer.objects.get(pk=body["id"])
    assert influencer.brand == brand
    assert influencer.followers == 100_000
    assert influencer.accounts.count() == 2

    assert api.get(f"{URL}{influencer.pk}/").json() == body

    instagram = _account(body, "instagram")
    replaced = {
        **INFLUENCER,
        "name": "Anna F.",
        "status": "negotiating",
        "accounts": [
            {**INFLUENCER["accounts"][0], "id": tiktok["id"], "followers": 90_000},
            {
                "platform": "youtube",
                "handle": "AnnaWigsTV",
                "followers": 510_000,
                "engagement_rate": "0.0100",
            },
        ],
    }
    updated = api.put(f"{URL}{influencer.pk}/", replaced, format="json")
    assert updated.status_code == 200, updated.json()
    body = updated.json()
    assert body["name"] == "Anna F."
    assert body["status"] == "negotiating"
    assert sorted(a["platform"] for a in body["accounts"]) == ["tiktok", "youtube"]
    assert _account(body, "tiktok")["id"] == tiktok["id"]
    assert _account(body, "youtube")["tier"] == "macro"
    assert body["followers"] == 600_000
    assert not SocialAccount.objects.filter(pk=instagram["id"]).exists()
    assert api.get(f"{URL}{influencer.pk}/").json() == body


def test_put_matches_accounts_by_platform_and_handle_and_can_swap_handles(api, brand):
    influencer = factories.InfluencerFactory(brand=brand)
    first = factories.SocialAccountFactory(influencer=influencer, handle="first")
    second = factories.SocialAccountFactory(influencer=influencer, handle="second")
    payload = {
        "name": influencer.name,
        "accounts": [
            {"id": first.pk, "platform": "tiktok", "handle": "second"},
            {"id": second.pk, "platform": "tiktok", "handle": "first"},
            {"platform": "tiktok", "handle": "@FIRST"},  # the handle the second one takes
        ],
    }
    clash = api.put(f"{URL}{influencer.pk}/", payload, format="json")
    assert clash.status_code == 400
    assert {e["field"] for e in clash.json()["errors"]} == {"accounts[2].handle"}

    payload["accounts"].pop()
    swapped = api.put(f"{URL}{influencer.pk}/", payload, format="json")
    assert swapped.status_code == 200, swapped.json()
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.handle, second.handle) == ("second", "first")

    by_handle = {"name": influencer.name, "accounts": [{"platform": "tiktok", "handle": "First"}]}
    assert api.put(f"{URL}{influencer.pk}/", by_handle, format="json").status_code == 200
    assert list(influencer.accounts.values_list("pk", flat=True)) == [second.pk]


def test_patch_of_account_followers_rescores_the_influencer(api, brand):
    brand.target_countries = ["US"]
    brand.save()
    influencer = factories.InfluencerFactory(brand=brand, niches=[])
    us = factories.SocialAccountFactory(
        influencer=influencer,
        followers=50_000,
        engagement_rate=Decimal("0.0200"),
        audience={"countries": {"US": 80}},
    )
    factories.SocialAccountFactory(
        influencer=influencer,
        platform="instagram",
        followers=50_000,
        engagement_rate=Decimal("0.0200"),
        audience={"countries": {"BR": 90}},
    )
    scoring_before = api.patch(f"{URL}{influencer.pk}/", {"status": "active"}, format="json")
    assert scoring_before.json()["fit_score"] == 67  # 40% in target; engagement at the mid norm
    assert len(scoring_before.json()["accounts"]) == 2  # no `accounts`: left alone

    response = api.patch(
        f"{URL}{influencer.pk}/", {"accounts": [{"id": us.pk, "followers": 950_000}]}, format="json"
    )
    assert response.status_code == 200, response.json()
    influencer.refresh_from_db()
    assert influencer.followers == 1_000_000
    assert influencer.fit_score == 87  # 76% of the audience is now in the target country
    assert influencer.accounts.count() == 2  # a PATCH removes no account
    body = response.json()
    assert (body["followers"], body["tier"], body["fit_score"]) == (1_000_000, "mega", 87)
    us.refresh_from_db()
    assert (us.followers, us.engagement_rate, us.audience) == (
        950_000,
        Decimal("0.0200"),
        {"countries": {"US": 80}},
    )


def test_bad_payload_lists_every_error_and_writes_nothing(api, brand):
    holder = factories.InfluencerFactory(brand=brand, name="Bea")
    factories.SocialAccountFactory(influencer=holder, platform="tiktok", handle="taken")
    bad = {
        **INFLUENCER,
        "country": "XX",
        "accounts": [
            {"platform": "myspace", "handle": "a"},
            {"platform": "tiktok", "handle": "b", "followers": -5},
            {"platform": "tiktok", "handle": "c", "engagement_rate": "1.5"},
            {"platform": "tiktok", "handle": "d", "audience": {"countries": {"US": 150}}},
            {"platform": "youtube", "handle": "twice"},
            {"platform": "youtube", "handle": "@Twice"},
            {"platform": "tiktok", "handle": "@Taken"},
        ],
    }
    response = api.post(URL, bad, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {(e["index"], e["field"]) for e in errors} == {
        (None, "country"),
        (None, "accounts[0].platform"),
        (None, "accounts[1].followers"),
        (None, "accounts[2].engagement_rate"),
        (None, "accounts[3].audience"),
        (None, "accounts[5].handle"),
        (None, "accounts[6].handle"),
    }
    messages = {e["field"]: e["message"] for e in errors}
    assert messages["accounts[5].handle"] == "@twice on YouTube is listed twice in accounts."
    assert messages["accounts[6].handle"] == "@taken on TikTok already belongs to Bea."
    assert Influencer.objects.count() == 1
    assert SocialAccount.objects.count() == 1

    replaced = api.put(f"{URL}{holder.pk}/", {**bad, "name": "Renamed"}, format="json")
    assert replaced.status_code == 400
    holder.refresh_from_db()
    assert holder.name == "Bea"
    assert SocialAccount.objects.count() == 1


def test_renaming_an_account_onto_another_influencers_handle_is_refused(api, brand):
    factories.SocialAccountFactory(influencer__brand=brand, handle="taken")
    mine = factories.SocialAccountFactory(influencer__brand=brand, handle="mine")
    response = api.patch(
        f"{URL}{mine.influencer_id}/",
        {"accounts": [{"id": mine.pk, "handle": "TAKEN"}]},
        format="json",
    )
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["accounts[0].handle"]
    mine.refresh_from_db()
    assert mine.handle == "mine"


def test_account_id_of_another_influencer_is_refused(api, brand):
    stranger = factories.SocialAccountFactory(influencer__brand=brand)
    influencer = factories.InfluencerFactory(brand=brand)
    response = api.patch(
        f"{URL}{influencer.pk}/", {"accounts": [{"id": stranger.pk, "followers": 1}]}, format="json"
    )
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["accounts[0].id"]
    stranger.refresh_from_db()
    assert stranger.followers == 50_000


def test_same_handle_in_another_brand_is_accepted(api, other_brand):
    factories.SocialAccountFactory(
        influencer__brand=other_brand, platform="tiktok", handle="anna.wigs"
    )
    response = api.post(URL, INFLUENCER, format="json")
    assert response.status_code == 201, response.json()
    assert SocialAccount.objects.filter(handle="anna.wigs", platform="tiktok").count() == 2


def test_other_brands_influencer_is_404(api, other_brand):
    other = factories.InfluencerFactory(brand=other_brand, name="Kestrel Runner")
    account = factories.SocialAccountFactory(influencer=other)
    url = f"{URL}{other.pk}/"
    assert api.get(url).status_code == 404
    assert api.patch(url, {"name": "Mine now"}, format="json").status_code == 404
    assert api.put(url, {**INFLUENCER, "accounts": []}, format="json").status_code == 404
    other.refresh_from_db()
    assert other.name == "Kestrel Runner"
    assert SocialAccount.objects.filter(pk=account.pk).exists()


def test_delete_is_not_allowed(api, brand):
    influencer = factories.InfluencerFactory(brand=brand)
    assert api.delete(f"{URL}{influencer.pk}/").status_code == 405
    assert Influencer.objects.filter(pk=influencer.pk).exists()


def test_list_shows_only_the_keys_brand_and_filters(api, brand, other_brand):
    anna = factories.SocialAccountFactory(
        influencer__brand=brand, influencer__name="Anna", influencer__status="active"
    ).influencer
    factories.SocialAccountFactory(
        influencer__brand=brand,
        influencer__name="Bea",
        influencer__country="GB",
        platform="youtube",
        handle="bea.gowns",
        followers=200_000,
    )
    factories.InfluencerFactory(brand=other_brand, name="Kestrel Runner", status="active")
    scoring.rescore(Influencer.objects.all())

    def names(query: str = "") -> list[str]:
        response = api.get(f"{URL}{query}")
        assert response.status_code == 200, response.json()
        return [row["name"] for row in response.json()["results"]]

    assert names() == ["Anna", "Bea"]
    assert names("?status=active") == ["Anna"]
    assert names("?country=gb") == ["Bea"]
    assert names("?platform=youtube") == ["Bea"]
    assert names("?search=gowns") == ["Bea"]
    assert names("?search=ann") == ["Anna"]
    assert names("?ordering=-name") == ["Bea", "Anna"]
    assert api.get(f"{URL}?platform=myspace").status_code == 400
    assert [row["id"] for row in api.get(f"{URL}?tier=micro").json()["results"]] == [anna.pk]


def _make_influencers(brand, count: int) -> None:
    for _ in range(count):
        influencer = factories.InfluencerFactory(brand=brand)
        factories.SocialAccountFactory(influencer=influencer)
        factories.SocialAccountFactory(influencer=influencer, platform="youtube")


def _list_queries(api) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert api.get(URL).status_code == 200
    return len(queries)


def test_list_query_count_does_not_grow_with_rows(api, brand):
    _make_influencers(brand, 5)
    few = _list_queries(api)
    _make_influencers(brand, 45)
    assert api.get(URL).json()["count"] == 50
    assert _list_queries(api) == few


def test_schema_documents_the_influencer_endpoint(client):
    text = client.get("/api/schema/").content.decode()
    assert "/api/v1/influencers/{id}/" in text
    assert "SocialAccount" in text
