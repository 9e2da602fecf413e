"""Shipments by API: created with their items for a participant of the key's brand, validated
by the model, and moved through their statuses by the shipping rules (dated moves)."""

import pytest

from campaigns.models import Shipment
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def participant(brand):
    return factories.ParticipantFactory(
        campaign__brand=brand, contract__partnership__influencer__brand=brand
    )


def test_a_shipment_with_items_moves_through_its_statuses(api, brand, participant):
    factories.ProductFactory(brand=brand, sku="WIG-BW-22")
    made = api.post(
        "/api/v1/shipments/",
        {
            "participant": participant.pk,
            "requested_on": "2026-11-02",
            "carrier": "dhl",
            "items": [{"product": "WIG-BW-22", "quantity": 2}],
        },
        format="json",
    )
    assert made.status_code == 201, made.content
    url = f"/api/v1/shipments/{made.json()['id']}/move/"

    undated = api.post(url, {"status": "shipped"}, format="json")
    shipped = api.post(url, {"status": "shipped", "on": "2026-11-03"}, format="json")
    backwards = api.post(url, {"status": "requested"}, format="json")

    assert undated.status_code == 400
    assert (shipped.status_code, shipped.json()["status"]) == (200, "shipped")
    assert shipped.json()["items"] == [{"product": "WIG-BW-22", "quantity": 2}]
    assert backwards.status_code == 400
    assert Shipment.objects.get().shipped_on.isoformat() == "2026-11-03"


def test_the_api_takes_items_after_the_shipment_page_was_shown(
    api, client, brand, brand_manager, participant
):
    # The page's item formset adds its foreign key to its form's field list; the list shared
    # with the API must not change with it.
    factories.ProductFactory(brand=brand, sku="WIG-BW-22")
    client.force_login(brand_manager)
    page = client.get(f"/campaigns/{participant.campaign.pk}/shipments/new/")
    made = api.post(
        "/api/v1/shipments/",
        {
            "participant": participant.pk,
            "requested_on": "2026-11-02",
            "items": [{"product": "WIG-BW-22", "quantity": 1}],
        },
        format="json",
    )

    assert page.status_code == 200
    assert made.status_code == 201, made.content


def test_another_brands_participant_or_product_is_unknown(api, brand, other_brand, participant):
    theirs = factories.ParticipantFactory(campaign__brand=other_brand)
    factories.ProductFactory(brand=other_brand, sku="THEIRS")

    response = api.post(
        "/api/v1/shipments/",
        {
            "participant": theirs.pk,
            "requested_on": "2026-11-02",
            "items": [{"product": "THEIRS", "quantity": 1}],
        },
        format="json",
    )

    assert response.status_code == 400
    assert {error["field"] for error in response.json()["errors"]} >= {"participant"}
    assert not Shipment.objects.exists()
