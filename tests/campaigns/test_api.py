from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaigns.models import Campaign, ContentComment, ContentItem, Participant, TrackingCode
from tests import factories

pytestmark = pytest.mark.django_db

CAMPAIGN = {
    "name": "Prom season 2027",
    "objective": "sales",
    "start": "2027-03-01",
    "end": "2027-05-31",
    "budget": "12000.00",
    "currency": "USD",
    "platforms": ["tiktok", "youtube"],
    "markets": ["us", "GB"],
    "targets": {"reach": 500000, "views": 2000000, "sales": "50000.00"},
}


def fields(response) -> list[tuple]:
    return sorted((e["index"], e["field"], e["message"]) for e in response.json()["errors"])


@pytest.fixture
def contract(brand):
    return factories.ContractFactory(
        partnership__influencer__brand=brand, partnership__influencer__name="Anna Sokolova"
    )


@pytest.fixture
def campaign(brand):
    return factories.CampaignFactory(brand=brand, name="Prom season")


@pytest.fixture
def participant(campaign, contract):
    return factories.ParticipantFactory(campaign=campaign, contract=contract)


# --- campaigns ---------------------------------------------------------------------------------


def test_create_a_campaign_with_targets(api, brand):
    response = api.post("/api/v1/campaigns/", CAMPAIGN, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    campaign = Campaign.objects.get()
    assert campaign.brand == brand
    assert (campaign.target_reach, campaign.target_views) == (500_000, 2_000_000)
    assert campaign.target_sales == Decimal("50000.00")
    assert campaign.target_clicks is None
    assert campaign.markets == ["US", "GB"]
    assert body["targets"] == {
        "reach": 500000,
        "views": 2000000,
        "engagements": None,
        "clicks": None,
        "conversions": None,
        "sales": "50000.00",
    }
    listed = api.get("/api/v1/campaigns/").json()["results"]
    assert [row["name"] for row in listed] == ["Prom season 2027"]


def test_bad_campaign_gets_every_error_and_nothing_is_written(api):
    payload = {
        **CAMPAIGN,
        "end": "2027-01-01",
        "markets": ["XX"],
        "platforms": ["myspace"],
        "targets": {"views": -5},
        "objective": "fame",
    }
    response = api.post("/api/v1/campaigns/", payload, format="json")
    assert response.status_code == 400
    errors = fields(response)
    assert (None, "objective", '"fame" is not a valid choice.') in errors
    assert (None, "markets", "Unknown country codes: XX.") in errors
    assert (None, "platforms.0", '"myspace" is not a valid choice.') in errors or any(
        field.startswith("platforms") for _, field, _ in errors
    )
    assert any(field == "targets.views" for _, field, _ in errors)
    assert not Campaign.objects.exists()


def test_campaign_model_rules_come_back_as_field_errors(api):
    response = api.post(
        "/api/v1/campaigns/",
        {**CAMPAIGN, "end": "2027-01-01", "currency": "JPY", "budget": "100.50"},
        format="json",
    )
    assert fields(response) == [
        (None, "budget", "JPY amounts have 0 decimal places."),
        (None, "end", "The campaign cannot end before it starts."),
    ]
    assert not Campaign.objects.exists()


def test_patch_changes_one_target(api, campaign):
    response = api.patch(
        f"/api/v1/campaigns/{campaign.pk}/", {"targets": {"clicks": 900}}, format="json"
    )
    assert response.status_code == 200, response.json()
    campaign.refresh_from_db()
    assert campaign.target_clicks == 900


def test_another_brands_campaign_is_404(other_api, campaign, contract):
    assert other_api.get(f"/api/v1/campaigns/{campaign.pk}/").status_code == 404
    assert other_api.get("/api/v1/campaigns/").json()["count"] == 0
    url = f"/api/v1/campaigns/{campaign.pk}/participants/"
    assert other_api.post(url, {"contract": contract.pk}, format="json").status_code == 404
    assert other_api.get(url).status_code == 404
    patch = other_api.patch(f"/api/v1/campaigns/{campaign.pk}/", {"name": "x"}, format="json")
    assert patch.status_code == 404
    assert not Participant.objects.exists()


# --- participants ------------------------------------------------------------------------------


def test_add_a_participant_with_codes(api, campaign, contract, brand):
    url = f"/api/v1/campaigns/{campaign.pk}/participants/"
    response = api.post(
        url, {"contract": contract.pk, "codes": ["anna10", "ANNA-YT"]}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["contract"] == contract.pk
    assert body["influencer"] == "Anna Sokolova"
    assert sorted(body["codes"]) == ["ANNA-YT", "ANNA10"]
    participant = Participant.objects.get()
    assert set(TrackingCode.objects.values_list("code", "brand", "participant")) == {
        ("ANNA10", brand.pk, participant.pk),
        ("ANNA-YT", brand.pk, participant.pk),
    }
    listed = api.get(url).json()  # paged, as the schema says
    assert listed["count"] == 1
    assert [row["id"] for row in listed["results"]] == [participant.pk]


def test_bad_participant_gets_400_and_nothing_is_written(api, campaign, contract, brand):
    factories.TrackingCodeFactory(
        participant__contract__partnership__influencer__brand=brand,
        participant__contract__partnership__influencer__name="Mia Chen",
        code="TAKEN",
    )
    url = f"/api/v1/campaigns/{campaign.pk}/participants/"
    response = api.post(
        url,
        {"contract": contract.pk, "codes": ["NEW1", "taken", "bad code", "NEW1"]},
        format="json",
    )
    assert response.status_code == 400
    messages = [message for _, field, message in fields(response) if field == "codes"]
    assert sorted(messages) == sorted(
        [
            "“BAD CODE” is not a valid code: use up to 64 letters, digits, - and _.",
            "NEW1 is listed twice.",
            "TAKEN is already used in this brand, by Mia Chen in "
            + str(TrackingCode.objects.get(code="TAKEN").participant.campaign)
            + ".",
        ]
    )
    assert not Participant.objects.filter(campaign=campaign).exists()
    assert not TrackingCode.objects.filter(code="NEW1").exists()


def test_a_contract_takes_part_once(api, participant):
    url = f"/api/v1/campaigns/{participant.campaign_id}/participants/"
    response = api.post(url, {"contract": participant.contract_id}, format="json")
    assert fields(response) == [
        (None, "contract", "This contract already takes part in the campaign.")
    ]


def test_another_brands_contract_is_unknown(api, campaign, other_brand):
    foreign = factories.ContractFactory(partnership__influencer__brand=other_brand)
    url = f"/api/v1/campaigns/{campaign.pk}/participants/"
    response = api.post(url, {"contract": foreign.pk, "codes": ["X1"]}, format="json")
    assert fields(response) == [
        (None, "contract", f"No contract with id {foreign.pk} in this brand.")
    ]
    assert not TrackingCode.objects.exists()


# --- content -----------------------------------------------------------------------------------


def test_submit_content_with_defaults_from_the_deliverable(api, participant, contract):
    deliverable = factories.DeliverableFactory(
        contract=contract, content_type="short", platform="tiktok"
    )
    response = api.post(
        "/api/v1/content/",
        {
            "participant": participant.pk,
            "deliverable": deliverable.pk,
            "url": "https://www.tiktok.com/@anna/video/1",
            "caption": "My new wig #adventure",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["content_type"], body["platform"], body["status"]) == (
        "short",
        "tiktok",
        "submitted",
    )
    assert body["campaign"] == participant.campaign_id
    assert body["disclosure_ok"] is False
    assert body["disclosure_problems"] == [
        "The caption has no ad disclosure: add #ad, #sponsored, “Paid partnership” or 广告."
    ]
    item = ContentItem.objects.get()
    assert item.submitted_at is not None
    listed = api.get("/api/v1/content/", {"campaign": participant.campaign_id}).json()
    assert [row["id"] for row in listed["results"]] == [item.pk]


def test_published_content_needs_a_contract_without_approval(api, brand):
    free = factories.ParticipantFactory(
        contract__partnership__influencer__brand=brand, contract__approval_required=False
    )
    strict = factories.ParticipantFactory(contract__partnership__influencer__brand=brand)
    base = {"content_type": "video", "platform": "youtube", "caption": "#ad", "status": "published"}
    response = api.post("/api/v1/content/", {**base, "participant": strict.pk}, format="json")
    assert fields(response) == [
        (
            None,
            "status",
            "The contract requires approval before publishing: send the item as submitted and "
            "approve it on the campaign page.",
        )
    ]
    response = api.post("/api/v1/content/", {**base, "participant": free.pk}, format="json")
    assert fields(response) == [
        (None, "published_at", "A published item needs its publishing date.")
    ]
    response = api.post(
        "/api/v1/content/",
        {**base, "participant": free.pk, "published_at": "2026-11-03T10:00:00Z"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    item = ContentItem.objects.get()
    assert item.published_at == datetime(2026, 11, 3, 10, tzinfo=UTC)
    assert ContentComment.objects.get(content=item).status == "published"


def test_content_cannot_be_approved_through_the_api(api, participant):
    response = api.post(
        "/api/v1/content/",
        {
            "participant": participant.pk,
            "content_type": "video",
            "platform": "youtube",
            "status": "approved",
        },
        format="json",
    )
    assert fields(response) == [
        (None, "status", "Content is reviewed on the campaign page; send it as submitted.")
    ]
    assert not ContentItem.objects.exists()


def test_bad_content_gets_every_error(api, participant, brand):
    other = factories.DeliverableFactory(contract__partnership__influencer__brand=brand)
    response = api.post(
        "/api/v1/content/",
        {"participant": participant.pk, "deliverable": other.pk, "url": "not a url"},
        format="json",
    )
    assert response.status_code == 400
    assert "url" in {field for _, field, _ in fields(response)}
    response = api.post(
        "/api/v1/content/", {"participant": participant.pk, "deliverable": other.pk}, format="json"
    )
    assert fields(response) == [
        (None, "deliverable", "This deliverable belongs to another contract.")
    ]
    response = api.post("/api/v1/content/", {"participant": participant.pk}, format="json")
    assert fields(response) == [
        (None, "content_type", "Required unless the deliverable is given."),
        (None, "platform", "Required unless the deliverable is given."),
    ]
    assert not ContentItem.objects.exists()


def test_another_brands_participant_and_content_are_unknown(other_api, participant):
    item = factories.ContentItemFactory(participant=participant)
    response = other_api.post(
        "/api/v1/content/",
        {"participant": participant.pk, "content_type": "video", "platform": "youtube"},
        format="json",
    )
    assert fields(response) == [
        (None, "participant", f"No participant with id {participant.pk} in this brand.")
    ]
    assert other_api.get(f"/api/v1/content/{item.pk}/").status_code == 404
    assert other_api.get("/api/v1/content/").json()["count"] == 0
    assert ContentItem.objects.count() == 1


def test_another_brands_deliverable_is_unknown(api, participant, other_brand):
    foreign = factories.DeliverableFactory(contract__partnership__influencer__brand=other_brand)
    response = api.post(
        "/api/v1/content/",
        {"participant": participant.pk, "deliverable": foreign.pk},
        format="json",
    )
    assert fields(response) == [
        (None, "deliverable", f"No deliverable with id {foreign.pk} in this brand.")
    ]


def test_the_schema_describes_the_campaign_endpoints(api, client):
    schema = client.get("/api/schema/").content.decode()
    for path in ("/api/v1/campaigns/", "/api/v1/campaigns/{id}/participants/", "/api/v1/content/"):
        assert path in schema


def test_listing_content_and_participants_takes_a_fixed_number_of_queries(api, participant):
    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert api.get(url).status_code == 200
        return len(captured)

    participants = f"/api/v1/campaigns/{participant.campaign_id}/participants/"
    factories.ContentItemFactory(participant=participant)
    factories.TrackingCodeFactory(participant=participant)
    few = count("/api/v1/content/"), count(participants)
    for _ in range(3):
        other = factories.ParticipantFactory(
            campaign=participant.campaign,
            contract__partnership__influencer__brand=participant.campaign.brand,
        )
        factories.ContentItemFactory(participant=other)
        factories.TrackingCodeFactory(participant=other)
    assert (count("/api/v1/content/"), count(participants)) == few
