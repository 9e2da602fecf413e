"""Campaigns, participants, codes, content and shipments in the admin: scoped to the user's
brands, content approved and shipments moved only through their workflows."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign, ContentComment, ContentItem, Participant, TrackingCode
from tests import factories

pytestmark = pytest.mark.django_db


def today_of(brand):
    return timezone.localdate(timezone=brand.timezone)


def run_action(client, model: str, action: str, rows: list, **extra):
    return client.post(
        reverse(f"admin:campaigns_{model}_changelist"),
        {"action": action, "_selected_action": [row.pk for row in rows], **extra},
        follow=True,
    )


def inline(prefix: str, rows: list[dict] = (), initial: int = 0) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
    }
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{key}": value for key, value in row.items()})
    return data


@pytest.fixture
def participant(brand):
    return factories.ParticipantFactory(
        contract__partnership__influencer__brand=brand,
        contract__partnership__influencer__name="Anna Sokolova",
        contract__disclosure_text="#LumiereHair",
    )


# --- approving content -------------------------------------------------------------------------


def test_approve_action_skips_items_failing_the_disclosure_check(client, brand_owner, participant):
    good = factories.ContentItemFactory(participant=participant, caption="#ad #LumiereHair")
    bad = factories.ContentItemFactory(participant=participant, caption="no disclosure")
    client.force_login(brand_owner)
    response = run_action(client, "contentitem", "approve", [good, bad])
    page = response.content.decode()
    assert "1 content item approved." in page
    assert f"“Video on YouTube” by Anna Sokolova (#{bad.pk}) was not approved" in page
    assert "The caption lacks #LumiereHair, which the contract requires." in page
    good.refresh_from_db()
    bad.refresh_from_db()
    assert (good.status, good.approved_by) == ("approved", brand_owner)
    assert bad.status == "submitted"


def test_override_reason_typed_in_the_admin_is_kept_and_lets_approval_through(
    client, brand_owner, participant
):
    item = factories.ContentItemFactory(participant=participant, caption="no disclosure")
    client.force_login(brand_owner)
    url = reverse("admin:campaigns_contentitem_change", args=[item.pk])
    data = {
        "deliverable": "",
        "content_type": "video",
        "platform": "youtube",
        "url": item.url,
        "caption": item.caption,
        "submitted_at_0": "2026-11-02",
        "submitted_at_1": "09:00:00",
        "disclosure_override_reason": "Disclosed out loud in the video.",
        **inline("comments"),
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    item.refresh_from_db()
    assert item.disclosure_override_by == brand_owner
    assert item.disclosure_ok is False
    assert ContentComment.objects.get(content=item).body == (
        "Disclosure check overridden: Disclosed out loud in the video."
    )
    run_action(client, "contentitem", "approve", [item])
    item.refresh_from_db()
    assert item.status == "approved"


def test_viewer_staff_cannot_approve(client, viewer, participant):
    item = factories.ContentItemFactory(participant=participant, caption="#ad #LumiereHair")
    client.force_login(viewer)
    run_action(client, "contentitem", "approve", [item])
    item.refresh_from_db()
    assert item.status == "submitted"


def test_status_is_read_only_on_the_content_page(client, brand_owner, participant):
    item = factories.ContentItemFactory(participant=participant)
    client.force_login(brand_owner)
    page = client.get(reverse("admin:campaigns_contentitem_change", args=[item.pk]))
    assert 'name="status"' not in page.content.decode()


# --- shipments ---------------------------------------------------------------------------------


def test_mark_shipped_and_delivered_actions(client, brand_owner, participant, brand):
    today = today_of(brand)
    waiting = factories.ShipmentFactory(
        participant=participant, requested_on=today - timedelta(days=3)
    )
    requested = factories.ShipmentFactory(participant=participant, requested_on=today)
    client.force_login(brand_owner)
    page = run_action(client, "shipment", "mark_delivered", [waiting]).content.decode()
    assert f"(#{waiting.pk}) was not changed: A requested shipment cannot become delivered." in page
    page = run_action(client, "shipment", "mark_shipped", [waiting, requested]).content.decode()
    assert "2 shipments marked shipped." in page
    waiting.refresh_from_db()
    assert (waiting.status, waiting.shipped_on) == ("shipped", today)
    page = run_action(client, "shipment", "mark_delivered", [waiting]).content.decode()
    assert "1 shipment marked delivered." in page
    waiting.refresh_from_db()
    assert (waiting.status, waiting.delivered_on) == ("delivered", today)


def test_late_filter_lists_late_shipments(client, brand_owner, participant, brand):
    today = today_of(brand)
    late = factories.ShipmentFactory(
        participant=participant, requested_on=today - timedelta(days=30), tracking_number="LATE1"
    )
    factories.ShipmentFactory(participant=participant, requested_on=today, tracking_number="OK1")
    client.force_login(brand_owner)
    page = client.get(reverse("admin:campaigns_shipment_changelist"), {"late": "yes"})
    page = page.content.decode()
    assert "LATE1" in page
    assert "OK1" not in page
    assert late.is_late(today)


def test_shipment_items_of_another_brand_are_refused(
    client, agency_staff, participant, other_brand
):
    shipment = factories.ShipmentFactory(participant=participant)
    foreign = factories.ProductFactory(brand=other_brand)
    client.force_login(agency_staff)
    url = reverse("admin:campaigns_shipment_change", args=[shipment.pk])
    response = client.post(
        url,
        {
            "participant": participant.pk,
            "status": "requested",
            "currency": "USD",
            "declared_value": "0",
            "shipping_cost": "0",
            "requested_on": "2026-11-01",
            "preparation_days": "10",
            **inline("items", [{"product": foreign.pk, "quantity": "1"}]),
        },
    )
    assert "This product belongs to another brand." in response.content.decode()
    assert not shipment.items.exists()


# --- campaigns, participants and codes ---------------------------------------------------------


def test_campaign_with_a_participant_inline(client, brand_owner, brand):
    contract = factories.ContractFactory(partnership__influencer__brand=brand)
    client.force_login(brand_owner)
    response = client.post(
        reverse("admin:campaigns_campaign_add"),
        {
            "brand": brand.pk,
            "name": "Prom season",
            "objective": "sales",
            "start": "2027-03-01",
            "end": "2027-05-31",
            "budget": "1000.00",
            "currency": "USD",
            "platforms": ["tiktok"],
            "markets": "us, de",
            **inline("participants", [{"contract": contract.pk, "notes": ""}]),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    campaign = Campaign.objects.get()
    assert campaign.markets == ["US", "DE"]
    assert campaign.participants.get().contract == contract


def test_a_contract_of_another_brand_cannot_join(client, agency_staff, brand, other_brand):
    foreign = factories.ContractFactory(partnership__influencer__brand=other_brand)
    client.force_login(agency_staff)
    response = client.post(
        reverse("admin:campaigns_campaign_add"),
        {
            "brand": brand.pk,
            "name": "Prom season",
            "objective": "sales",
            "start": "2027-03-01",
            "end": "2027-05-31",
            "budget": "0",
            "currency": "USD",
            "markets": "",
            **inline("participants", [{"contract": foreign.pk, "notes": ""}]),
        },
    )
    assert "This contract belongs to another brand." in response.content.decode()
    assert not Campaign.objects.exists()
    assert not Participant.objects.exists()


def test_codes_under_a_participant_are_unique_in_the_brand(client, brand_owner, participant):
    factories.TrackingCodeFactory(
        participant__contract__partnership__influencer__brand=participant.campaign.brand,
        code="TAKEN",
    )
    client.force_login(brand_owner)
    url = reverse("admin:campaigns_participant_change", args=[participant.pk])
    data = {
        "notes": "",
        **inline("codes", [{"code": "taken", "kind": "promo"}, {"code": "new1", "kind": "promo"}]),
        **inline("content"),
        **inline("shipments"),
    }
    page = client.post(url, data).content.decode()
    assert "TAKEN is already used in this brand." in page
    assert not participant.codes.exists()
    data.update(
        inline("codes", [{"code": "new1", "kind": "promo"}, {"code": "NEW1", "kind": "promo"}])
    )
    assert "NEW1 is listed twice." in client.post(url, data).content.decode()
    data.update(inline("codes", [{"code": "anna10", "kind": "promo"}]))
    assert client.post(url, data).status_code == 302
    code = participant.codes.get()
    assert (code.code, code.brand_id) == ("ANNA10", participant.campaign.brand_id)


def test_content_added_under_a_participant_is_checked(client, brand_owner, participant):
    client.force_login(brand_owner)
    url = reverse("admin:campaigns_participant_change", args=[participant.pk])
    data = {
        "notes": "",
        **inline("codes"),
        **inline(
            "content",
            [
                {
                    "content_type": "video",
                    "platform": "youtube",
                    "url": "https://youtu.be/x",
                    "submitted_at_0": "2026-11-02",
                    "submitted_at_1": "09:00:00",
                }
            ],
        ),
        **inline("shipments"),
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    item = ContentItem.objects.get()
    assert item.disclosure_ok is False


# --- scoping -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "model", ["campaign", "participant", "trackingcode", "contentitem", "shipment"]
)
def test_other_brands_rows_are_404_and_not_listed(client, other_brand_manager, participant, model):
    rows = {
        "campaign": participant.campaign,
        "participant": participant,
        "trackingcode": factories.TrackingCodeFactory(participant=participant, code="ANNA10"),
        "contentitem": factories.ContentItemFactory(participant=participant),
        "shipment": factories.ShipmentFactory(participant=participant),
    }
    row = rows[model]
    client.force_login(other_brand_manager)
    change = reverse(f"admin:campaigns_{model}_change", args=[row.pk])
    assert client.get(change).status_code == 404
    assert client.post(change, {}).status_code == 404
    page = client.get(reverse(f"admin:campaigns_{model}_changelist")).content.decode()
    assert f"/{row.pk}/change/" not in page
    assert "Lumière" not in page


def test_actions_do_not_reach_another_brands_rows(client, other_brand_manager, participant):
    item = factories.ContentItemFactory(participant=participant, caption="#ad #LumiereHair")
    shipment = factories.ShipmentFactory(participant=participant)
    client.force_login(other_brand_manager)
    run_action(client, "contentitem", "approve", [item])
    run_action(client, "shipment", "mark_shipped", [shipment])
    item.refresh_from_db()
    shipment.refresh_from_db()
    assert item.status == "submitted"
    assert shipment.status == "requested"


def test_autocomplete_offers_only_own_brand_participants(
    client, other_brand_manager, participant, other_brand
):
    own = factories.ParticipantFactory(contract__partnership__influencer__brand=other_brand)
    client.force_login(other_brand_manager)
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "campaigns",
            "model_name": "shipment",
            "field_name": "participant",
            "term": "",
        },
    )
    ids = [int(row["id"]) for row in response.json()["results"]]
    assert ids == [own.pk]
    assert TrackingCode.objects.count() == 0
