import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign, ContentItem, Participant, Shipment, TrackingCode
from partnerships.models import Role
from tests import factories
from tests.conftest import _member

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def today_of(brand) -> date:
    return timezone.localdate(timezone=brand.timezone)


@pytest.fixture
def contract(brand):
    return factories.ContractFactory(
        partnership__influencer__brand=brand,
        partnership__influencer__name="Anna Sokolova",
        title="Spring wig reviews",
        disclosure_text="#ad #LumiereHair",
    )


@pytest.fixture
def campaign(brand):
    today = today_of(brand)
    return factories.CampaignFactory(
        brand=brand,
        name="Prom season",
        start=today - timedelta(days=10),
        end=today + timedelta(days=50),
        markets=["US"],
    )


@pytest.fixture
def participant(campaign, contract):
    return factories.ParticipantFactory(campaign=campaign, contract=contract)


def add_participant(campaign, n: int) -> Participant:
    """A participant with a code, two content items (one published with snapshots), a late
    and an on-time shipment with items, and sales in two currencies."""
    participant = factories.ParticipantFactory(
        campaign=campaign,
        contract__partnership__influencer__brand=campaign.brand,
        contract__partnership__influencer__name=f"Creator {n}",
    )
    code = factories.TrackingCodeFactory(participant=participant, code=f"C{n}X")
    factories.ContentItemFactory(participant=participant, caption="wig #ad")
    published = factories.ContentItemFactory(
        participant=participant,
        status="published",
        caption="wig #ad",
        published_at=datetime(2026, 11, 3, tzinfo=UTC),
    )
    for day in (1, 2):
        factories.MetricSnapshotFactory(
            content=published, date=date(2026, 11, day), views=100 * day
        )
    today = today_of(campaign.brand)
    for requested, shipped in ((today - timedelta(days=20), None), (today, None)):
        shipment = factories.ShipmentFactory(
            participant=participant, requested_on=requested, shipped_on=shipped
        )
        factories.ShipmentItemFactory(shipment=shipment)
    for currency in ("USD", "EUR"):
        factories.SaleFactory(tracking_code=code, currency=currency)
    return participant


# --- the list ----------------------------------------------------------------------------------


def test_list_filters_by_objective_status_and_search(client, brand_manager, brand, other_brand):
    today = today_of(brand)
    factories.CampaignFactory(
        brand=brand,
        name="Prom season",
        objective="sales",
        start=today - timedelta(days=1),
        end=today + timedelta(days=1),
    )
    factories.CampaignFactory(
        brand=brand,
        name="Glueless wig launch",
        objective="launch",
        start=today - timedelta(days=90),
        end=today - timedelta(days=30),
    )
    factories.CampaignFactory(
        brand=brand,
        name="Bridal 2027",
        objective="awareness",
        description="Wedding gowns",
        start=today + timedelta(days=30),
        end=today + timedelta(days=60),
    )
    factories.CampaignFactory(brand=other_brand, name="Trail running week")
    client.force_login(brand_manager)

    def names(**params) -> list[str]:
        page = client.get(reverse("campaigns:list"), params).content.decode()
        return re.findall(r'<a href="/campaigns/\d+/">([^<]+)</a>', page)

    assert names() == ["Bridal 2027", "Prom season", "Glueless wig launch"]
    assert names(when="running") == ["Prom season"]
    assert names(when="upcoming") == ["Bridal 2027"]
    assert names(when="ended") == ["Glueless wig launch"]
    assert names(objective="launch") == ["Glueless wig launch"]
    assert names(q="wedding") == ["Bridal 2027"]
    assert names(q="trail") == []


def test_list_shows_an_empty_state_and_paginates(client, brand_manager, brand):
    client.force_login(brand_manager)
    page = client.get(reverse("campaigns:list")).content.decode()
    assert "No campaigns yet." in page
    assert "Plan the first one" in page
    assert (
        "No campaign matches these filters"
        in client.get(reverse("campaigns:list"), {"q": "nothing"}).content.decode()
    )
    for n in range(30):
        factories.CampaignFactory(brand=brand, name=f"Campaign {n:02d}")
    page = client.get(reverse("campaigns:list")).content.decode()
    assert "Page 1 of 2 · 30 in all" in page
    second = client.get(reverse("campaigns:list"), {"page": 2}).content.decode()
    assert "Campaign 29" in second
    assert "Campaign 00" not in second


def test_list_counts_content_waiting_for_review(client, brand_manager, participant):
    factories.ContentItemFactory.create_batch(2, participant=participant)
    factories.ContentItemFactory(participant=participant, status="approved")
    client.force_login(brand_manager)
    page = client.get(reverse("campaigns:list")).content.decode()
    assert '<span class="badge text-bg-warning">2</span>' in page


# --- campaign form -----------------------------------------------------------------------------


def campaign_post(**extra) -> dict:
    data = {
        "name": "Prom season 2027",
        "objective": "sales",
        "start": "2027-03-01",
        "end": "2027-05-31",
        "attribution_days": "30",
        "budget": "12000.00",
        "currency": "USD",
        "platforms": ["tiktok", "youtube"],
        "markets": "us, gb",
        "target_views": "2000000",
        "target_sales": "50000.00",
    }
    data.update(extra)
    return data


def test_manager_creates_a_campaign_with_targets(client, brand_manager, brand):
    client.force_login(brand_manager)
    response = client.post(reverse("campaigns:create"), campaign_post())
    campaign = Campaign.objects.get()
    assert response.url == reverse("campaigns:detail", args=[campaign.pk])
    assert campaign.brand == brand
    assert campaign.platforms == ["tiktok", "youtube"]
    assert campaign.markets == ["US", "GB"]
    assert campaign.target_views == 2_000_000
    assert campaign.target_sales == Decimal("50000.00")
    assert campaign.target_reach is None


def test_campaign_page_names_its_platforms_as_people_know_them(client, brand_manager, campaign):
    campaign.platforms = ["aliexpress_live", "tiktok"]
    campaign.save()
    client.force_login(brand_manager)
    page = client.get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    assert ">AliExpress LIVE</span>" in page
    assert ">TikTok</span>" in page
    assert "aliexpress_live" not in page


def test_campaign_form_shows_errors_next_to_fields_and_writes_nothing(client, brand_manager):
    client.force_login(brand_manager)
    response = client.post(
        reverse("campaigns:create"),
        campaign_post(end="2027-01-01", markets="US, XX", budget="100.5", currency="JPY"),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert re.search(r'id="error_\d+_id_end"[^>]*>.*The campaign cannot end before it starts', page)
    assert re.search(r'id="error_\d+_id_markets"[^>]*>.*Unknown country codes: XX', page, re.S)
    assert not Campaign.objects.exists()


def test_budget_decimals_follow_the_currency(client, brand_manager):
    client.force_login(brand_manager)
    response = client.post(
        reverse("campaigns:create"), campaign_post(budget="100.5", currency="JPY")
    )
    assert re.search(
        r'id="error_\d+_id_budget"[^>]*>.*JPY amounts have 0 decimal places',
        response.content.decode(),
        re.S,
    )
    assert not Campaign.objects.exists()


def test_manager_edits_a_campaign(client, brand_manager, campaign):
    client.force_login(brand_manager)
    url = reverse("campaigns:edit", args=[campaign.pk])
    assert "Prom season" in client.get(url).content.decode()
    client.post(url, campaign_post(name="Prom season, extended", attribution_days="45"))
    campaign.refresh_from_db()
    assert campaign.name == "Prom season, extended"
    assert campaign.attribution_days == 45
    assert campaign.counted_until == date(2027, 7, 15)


def test_viewer_may_not_create_or_edit(client, brand, campaign):
    viewer = _member(brand, Role.VIEWER, username="v")
    client.force_login(viewer)
    assert client.get(reverse("campaigns:create")).status_code == 403
    assert (
        client.post(reverse("campaigns:edit", args=[campaign.pk]), campaign_post()).status_code
        == 403
    )
    page = client.get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    assert "Add participant" not in page


# --- participants ------------------------------------------------------------------------------


def test_manager_adds_a_participant_with_codes(client, brand_manager, campaign, contract):
    client.force_login(brand_manager)
    url = reverse("campaigns:participant_create", args=[campaign.pk])
    response = client.post(url, {"contract": contract.pk, "codes": "anna10, ANNA-yt"})
    assert response.status_code == 302
    participant = Participant.objects.get()
    assert participant.contract == contract
    assert sorted(participant.codes.values_list("code", "brand")) == [
        ("ANNA-YT", campaign.brand_id),
        ("ANNA10", campaign.brand_id),
    ]
    page = client.get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    assert "ANNA10" in page


def test_a_code_used_in_the_brand_is_refused_next_to_the_field(
    client, brand_manager, campaign, contract, brand
):
    factories.TrackingCodeFactory(
        participant__contract__partnership__influencer__brand=brand,
        participant__contract__partnership__influencer__name="Mia Chen",
        code="ANNA10",
    )
    client.force_login(brand_manager)
    url = reverse("campaigns:participant_create", args=[campaign.pk])
    response = client.post(url, {"contract": contract.pk, "codes": "ANNA10, bad code!, X1, x1"})
    assert response.status_code == 200
    page = response.content.decode()
    assert re.search(
        r'id="error_\d+_id_codes"[^>]*>.*ANNA10 is already used in this brand, by Mia Chen',
        page,
        re.S,
    )
    assert "“CODE!” is not a valid code" in page
    assert "X1 is listed twice." in page
    assert not Participant.objects.filter(campaign=campaign).exists()
    assert not TrackingCode.objects.filter(code="X1").exists()


def test_only_open_contracts_of_the_brand_are_offered(
    client, brand_manager, campaign, contract, participant, brand, other_brand
):
    free = factories.ContractFactory(partnership__influencer__brand=brand, title="Free one")
    factories.ContractFactory(
        partnership__influencer__brand=brand, title="Ended one", status="terminated"
    )
    foreign = factories.ContractFactory(
        partnership__influencer__brand=other_brand, title="Foreign one"
    )
    client.force_login(brand_manager)
    url = reverse("campaigns:participant_create", args=[campaign.pk])
    page = client.get(url).content.decode()
    assert "Free one" in page
    assert "Spring wig reviews" not in page  # already takes part
    assert "Ended one" not in page
    assert "Foreign one" not in page
    response = client.post(url, {"contract": foreign.pk, "codes": ""})
    assert "Select a valid choice" in response.content.decode()
    assert not Participant.objects.filter(contract=foreign).exists()
    client.post(url, {"contract": free.pk})
    assert Participant.objects.filter(contract=free, campaign=campaign).exists()


def test_codes_are_changed_but_a_code_with_sales_stays(client, brand_manager, participant):
    sold = factories.TrackingCodeFactory(participant=participant, code="ANNA10")
    factories.TrackingCodeFactory(participant=participant, code="OLD1")
    factories.SaleFactory(tracking_code=sold)
    client.force_login(brand_manager)
    url = reverse("campaigns:participant_edit", args=[participant.campaign_id, participant.pk])
    assert 'value="ANNA10, OLD1"' in client.get(url).content.decode()
    response = client.post(url, {"codes": "NEW1", "notes": ""})
    assert "ANNA10 has sales attributed to it and cannot be removed." in response.content.decode()
    assert set(participant.codes.values_list("code", flat=True)) == {"ANNA10", "OLD1"}
    client.post(url, {"codes": "ANNA10, NEW1", "notes": "Prefers DHL."})
    assert set(participant.codes.values_list("code", flat=True)) == {"ANNA10", "NEW1"}
    participant.refresh_from_db()
    assert participant.notes == "Prefers DHL."


# --- content -----------------------------------------------------------------------------------


def test_added_content_takes_type_and_platform_from_the_deliverable(
    client, brand_manager, participant, contract
):
    deliverable = factories.DeliverableFactory(
        contract=contract, content_type="short", platform="tiktok"
    )
    client.force_login(brand_manager)
    url = reverse("campaigns:content_create", args=[participant.campaign_id])
    response = client.post(
        url,
        {
            "participant": participant.pk,
            "deliverable": deliverable.pk,
            "url": "https://www.tiktok.com/@anna/video/1",
            "caption": "New wig #ad",
        },
    )
    assert response.status_code == 302
    item = ContentItem.objects.get()
    assert (item.content_type, item.platform, item.status) == ("short", "tiktok", "submitted")
    assert item.disclosure_ok is False
    assert "#LumiereHair" in item.disclosure_problems


def test_content_without_type_or_deliverable_is_refused(client, brand_manager, participant):
    client.force_login(brand_manager)
    url = reverse("campaigns:content_create", args=[participant.campaign_id])
    response = client.post(url, {"participant": participant.pk, "caption": "x"})
    page = response.content.decode()
    assert re.search(
        r'id="error_\d+_id_content_type"[^>]*>.*Choose one, or the deliverable', page, re.S
    )
    assert not ContentItem.objects.exists()


def test_a_deliverable_of_another_contract_is_refused(client, brand_manager, participant, brand):
    other = factories.ParticipantFactory(
        campaign=participant.campaign, contract__partnership__influencer__brand=brand
    )
    deliverable = factories.DeliverableFactory(contract=other.contract)
    client.force_login(brand_manager)
    url = reverse("campaigns:content_create", args=[participant.campaign_id])
    response = client.post(url, {"participant": participant.pk, "deliverable": deliverable.pk})
    assert "This deliverable belongs to another contract." in response.content.decode()
    assert not ContentItem.objects.exists()


# --- shipments ---------------------------------------------------------------------------------


def shipment_post(participant, **extra) -> dict:
    data = {
        "participant": participant.pk,
        "requested_on": "2026-11-01",
        "preparation_days": "10",
        "status": "requested",
        "carrier": "dhl",
        "currency": "USD",
        "declared_value": "189.00",
        "shipping_cost": "25.00",
        "items-TOTAL_FORMS": "3",
        "items-INITIAL_FORMS": "0",
    }
    data.update(extra)
    return data


def test_manager_logs_a_shipment_with_items(client, brand_manager, participant, brand):
    wig, cap = factories.ProductFactory.create_batch(2, brand=brand)
    client.force_login(brand_manager)
    url = reverse("campaigns:shipment_create", args=[participant.campaign_id])
    response = client.post(
        url,
        shipment_post(
            participant,
            **{
                "items-0-product": wig.pk,
                "items-0-quantity": "2",
                "items-1-product": cap.pk,
                "items-1-quantity": "1",
            },
        ),
    )
    assert response.status_code == 302
    shipment = Shipment.objects.get()
    assert shipment.ship_by == date(2026, 11, 11)
    assert sorted(shipment.items.values_list("product__sku", "quantity")) == [
        (wig.sku, 2),
        (cap.sku, 1),
    ]


def test_shipment_errors_are_shown_and_nothing_is_written(
    client, brand_manager, participant, other_brand
):
    foreign = factories.ProductFactory(brand=other_brand)
    client.force_login(brand_manager)
    url = reverse("campaigns:shipment_create", args=[participant.campaign_id])
    response = client.post(url, shipment_post(participant, status="shipped"))
    page = response.content.decode()
    assert re.search(r'id="error_\d+_id_shipped_on"[^>]*>.*Say when it was shipped', page, re.S)
    assert "List at least one item in the shipment." in page
    response = client.post(
        url, shipment_post(participant, **{"items-0-product": foreign.pk, "items-0-quantity": "1"})
    )
    assert "Select a valid choice" in response.content.decode()
    assert not Shipment.objects.exists()


# --- the campaign page -------------------------------------------------------------------------


def test_campaign_page_has_its_sections(client, brand_manager, campaign):
    add_participant(campaign, 1)
    client.force_login(brand_manager)
    page = client.get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    for section in ("summary", "participants", "content", "shipments", "metrics", "sales"):
        assert f'<section id="{section}"' in page
    assert "C1X" in page
    assert "Creator 1" in page


def test_late_shipments_are_highlighted(client, brand_manager, campaign):
    participant = add_participant(campaign, 1)
    late, on_time = participant.shipments.order_by("requested_on")
    client.force_login(brand_manager)
    page = client.get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    assert re.search(rf'<tr id="shipment-{late.pk}" class="table-danger late"', page)
    assert re.search(rf'<tr id="shipment-{on_time.pk}" class=""', page)
    assert "1 late" in page


def test_latest_metrics_per_item_are_shown(client, brand_manager, campaign):
    participant = add_participant(campaign, 1)
    item = participant.content.get(status="published")
    factories.MetricSnapshotFactory(
        content=item, date=date(2026, 11, 5), views=12_345, likes=10, comments=5, saves=1
    )
    client.force_login(brand_manager)
    page = client.get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    metrics = page[page.index('<section id="metrics"') :]
    metrics = metrics[: metrics.index("</section>")]
    assert "5 Nov 2026" in metrics
    assert "12,345" in metrics
    assert "16" in metrics  # engagements: likes + comments + shares + saves
    assert "2 Nov 2026" not in metrics


def test_sales_are_totalled_per_currency_and_paginated(client, brand_manager, campaign):
    participant = add_participant(campaign, 1)
    code = participant.codes.get()
    factories.SaleFactory.create_batch(
        30, tracking_code=code, net_amount=Decimal("10.00"), currency="USD"
    )
    factories.SaleFactory(
        tracking_code=code,
        net_amount=Decimal("50.00"),
        refunded_amount=Decimal("20.00"),
        currency="USD",
    )
    client.force_login(brand_manager)
    page = client.get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    usd = re.search(r'<tr data-currency="USD">(.*?)</tr>', page).group(1)
    # 1 × 100.00 from add_participant, 30 × 10.00, 1 × 50.00 less 20.00 refunded
    assert re.findall(r'<td class="num[^"]*">([^<]*)</td>', usd)[:5] == [
        "32",
        "32",
        "450.00",
        "20.00",
        "430.00",
    ]
    assert '<tr data-currency="EUR">' in page
    assert "Page 1 of 2 · 33 lines" in page
    partial = client.get(
        reverse("campaigns:detail", args=[campaign.pk]), {"section": "sales", "page": 2}, **HTMX
    )
    assert "Page 2 of 2" in partial.content.decode()
    assert "<html" not in partial.content.decode()


SECTIONS = ["participants", "content", "shipments", "metrics", "sales"]


def section_page(client, campaign_pk: int, section: str, page: int) -> str:
    """One page of a section alone, as the pager asks for it in place."""
    url = reverse("campaigns:detail", args=[campaign_pk])
    response = client.get(url, {"section": section, "page": page}, **HTMX)
    assert response.status_code == 200
    return response.content.decode()


def test_campaign_page_query_count_does_not_grow_with_rows(client, brand_manager, campaign):
    client.force_login(brand_manager)
    detail = reverse("campaigns:detail", args=[campaign.pk])
    urls = [detail] + [f"{detail}?section={section}&page=2" for section in SECTIONS]

    def queries() -> list[int]:
        counts = []
        for url in urls:
            client.get(url, **HTMX)  # warm the session and caches
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url, **HTMX).status_code == 200
            counts.append(len(captured))
        return counts

    add_participant(campaign, 1)
    small = queries()
    # Past every section's page size: 30 participants, 60 content items and 60 shipments.
    for n in range(2, 31):
        add_participant(campaign, n)
    assert queries() == small
    page = client.get(urls[0]).content.decode()
    assert "Page 1 of 2 · 30 participants" in page
    assert "Page 1 of 6 · 60 items" in page
    assert "Page 1 of 3 · 60 shipments" in page


def section_of(page: str, name: str) -> str:
    section = page[page.index(f'<section id="{name}"') :]
    return section[: section.index("</section>")]


def test_content_pages_in_place_with_waiting_items_first(client, brand_manager, participant):
    old = datetime(2026, 11, 1, tzinfo=UTC)
    waiting = [
        factories.ContentItemFactory(
            participant=participant, caption="wig #ad", submitted_at=old + timedelta(hours=n)
        )
        for n in range(12)
    ]
    published = factories.ContentItemFactory.create_batch(
        3, participant=participant, status="published", published_at=old, submitted_at=old
    )
    client.force_login(brand_manager)
    url = reverse("campaigns:detail", args=[participant.campaign_id])
    content = section_of(client.get(url).content.decode(), "content")
    shown = [int(pk) for pk in re.findall(r'id="content-(\d+)"', content)]
    assert shown == [item.pk for item in reversed(waiting[2:])]  # newest waiting first
    assert "12 waiting" in content
    assert "3 published · 15 in all" in content
    assert "Page 1 of 2 · 15 items" in content

    partial = section_page(client, participant.campaign_id, "content", 2)
    assert partial.lstrip().startswith('<section id="content"')
    shown = [int(pk) for pk in re.findall(r'id="content-(\d+)"', partial)]
    assert shown == [waiting[1].pk, waiting[0].pk, *(item.pk for item in published)]
    assert "12 waiting" in partial
    assert "Page 2 of 2" in partial

    # Without JavaScript the pager's links open the campaign page at that page.
    assert f'href="{url}?content_page=1#content"' in partial
    assert f'hx-get="{url}?section=content&amp;page=1"' in partial
    content = section_of(client.get(url, {"content_page": 2}).content.decode(), "content")
    assert f'id="content-{waiting[0].pk}"' in content
    assert f'id="content-{waiting[2].pk}"' not in content


def test_approving_an_item_on_page_two_works_in_place(client, brand_manager, participant):
    old = datetime(2026, 11, 1, tzinfo=UTC)
    first, *newer = [
        factories.ContentItemFactory(
            participant=participant,
            caption="wig #ad #LumiereHair",
            submitted_at=old + timedelta(hours=n),
        )
        for n in range(11)
    ]
    client.force_login(brand_manager)
    url = reverse("campaigns:detail", args=[participant.campaign_id])
    partial = section_page(client, participant.campaign_id, "content", 2)
    assert f'hx-post="{reverse("campaigns:content_review", args=[first.pk])}"' in partial

    page = review(client, first, to="approved").content.decode()
    assert page.lstrip().startswith("<article")
    assert f'id="content-{first.pk}" data-status="approved"' in page
    # The heading's counts follow out of band.
    assert '<span id="content-counts" hx-swap-oob="true">' in page
    assert "10 waiting" in page
    assert "1 approved · 11 in all" in page
    first.refresh_from_db()
    assert first.status == "approved"

    # Without JavaScript the review leads back to the page the item is on now.
    response = client.post(
        reverse("campaigns:content_review", args=[newer[0].pk]), {"to": "approved"}
    )
    assert response.url == f"{url}?content_item={newer[0].pk}#content-{newer[0].pk}"
    content = section_of(client.get(response.url).content.decode(), "content")
    assert f'id="content-{newer[0].pk}" data-status="approved"' in content
    # 9 waiting, then the approved ones newest first: the first item is now on page 2.
    content = section_of(client.get(url, {"content_item": first.pk}).content.decode(), "content")
    assert "Page 2 of 2" in content
    assert f'id="content-{first.pk}" data-status="approved"' in content


def test_participants_page_in_place(client, brand_manager, campaign):
    for n in range(27):
        factories.ParticipantFactory(
            campaign=campaign,
            contract__partnership__influencer__brand=campaign.brand,
            contract__partnership__influencer__name=f"Creator {n:02}",
        )
    client.force_login(brand_manager)
    url = reverse("campaigns:detail", args=[campaign.pk])
    participants = section_of(client.get(url).content.decode(), "participants")
    assert participants.count("<tr data-participant=") == 25
    assert "Creator 24" in participants
    assert "Creator 25" not in participants
    assert '<span class="text-body-secondary small">27</span>' in participants
    assert "Page 1 of 2 · 27 participants" in participants
    partial = section_page(client, campaign.pk, "participants", 2)
    assert partial.count("<tr data-participant=") == 2
    assert "Creator 25" in partial
    assert "Creator 26" in partial
    assert "Page 2 of 2" in partial
    participants = section_of(
        client.get(url, {"participants_page": 2}).content.decode(), "participants"
    )
    assert "Creator 26" in participants


def test_shipments_page_late_first_and_the_badge_counts_every_late_one(
    client, brand_manager, participant, brand
):
    today = today_of(brand)
    on_time = factories.ShipmentFactory.create_batch(
        20, participant=participant, requested_on=today
    )
    late = factories.ShipmentFactory.create_batch(
        10, participant=participant, requested_on=today - timedelta(days=30)
    )
    client.force_login(brand_manager)
    url = reverse("campaigns:detail", args=[participant.campaign_id])
    shipments = section_of(client.get(url).content.decode(), "shipments")
    rows = re.findall(r'<tr id="shipment-(\d+)" class="([^"]*)"', shipments)
    assert len(rows) == 25
    assert [int(pk) for pk, _ in rows[:10]] == sorted(s.pk for s in late)
    assert all(css == "table-danger late" for _, css in rows[:10])
    assert "10 late" in shipments
    assert "Page 1 of 2 · 30 shipments" in shipments
    partial = section_page(client, participant.campaign_id, "shipments", 2)
    rows = re.findall(r'<tr id="shipment-(\d+)" class="([^"]*)"', partial)
    assert [int(pk) for pk, _ in rows] == sorted(s.pk for s in on_time)[15:]
    assert "10 late" in partial
    assert "Log shipment" in partial


def test_metrics_page_most_viewed_first_with_totals_of_every_item(
    client, brand_manager, participant
):
    for n in range(30):
        item = factories.ContentItemFactory(
            participant=participant,
            status="published",
            published_at=datetime(2026, 11, 3, tzinfo=UTC),
        )
        factories.MetricSnapshotFactory(content=item, date=date(2026, 11, 4), views=1)
        factories.MetricSnapshotFactory(
            content=item, date=date(2026, 11, 5), views=1000 + n, likes=1
        )
    client.force_login(brand_manager)
    url = reverse("campaigns:detail", args=[participant.campaign_id])
    metrics = section_of(client.get(url).content.decode(), "metrics")
    views = re.findall(r'<td class="num">(1,0\d\d)</td>', metrics)
    assert views == [f"1,0{n:02}" for n in range(29, 4, -1)]
    # All 30 items: 1,000 + … + 1,029 views and one like each, over every page.
    assert "All 30 items" in metrics
    assert "30,435" in metrics
    assert "Page 1 of 2 · 30 items" in metrics
    item = ContentItem.objects.get(snapshots__views=1029)
    assert f"?content_item={item.pk}#content-{item.pk}" in metrics
    partial = section_page(client, participant.campaign_id, "metrics", 2)
    assert re.findall(r'<td class="num">(1,0\d\d)</td>', partial) == [
        f"1,0{n:02}" for n in range(4, -1, -1)
    ]
    assert "30,435" in partial


# --- review in place ---------------------------------------------------------------------------


def review(client, item, **data):
    return client.post(reverse("campaigns:content_review", args=[item.pk]), data, **HTMX)


def test_manager_approves_in_place(client, brand_manager, participant):
    item = factories.ContentItemFactory(participant=participant, caption="wig #ad #LumiereHair")
    client.force_login(brand_manager)
    response = review(client, item, to="approved")
    page = response.content.decode()
    assert page.lstrip().startswith("<article")
    assert f'id="content-{item.pk}" data-status="approved"' in page
    assert "Saved" in page
    item.refresh_from_db()
    assert item.status == "approved"
    assert item.approved_by == brand_manager


def test_failing_disclosure_needs_a_reason_in_place(client, brand_manager, participant):
    item = factories.ContentItemFactory(participant=participant, caption="wig")
    client.force_login(brand_manager)
    page = client.get(reverse("campaigns:detail", args=[participant.campaign_id])).content.decode()
    assert "Override and approve" in page
    page = review(client, item, to="approved").content.decode()
    assert 'role="alert">The caption fails the disclosure check' in page
    assert 'data-status="submitted"' in page
    page = review(
        client, item, to="approved", override_reason="Said in the video."
    ).content.decode()
    assert 'data-status="approved"' in page
    assert "Check overridden by manager: “Said in the video.”" in page
    item.refresh_from_db()
    assert item.disclosure_override_reason == "Said in the video."


def test_request_changes_resubmit_and_publish_in_place(client, brand_manager, participant, brand):
    item = factories.ContentItemFactory(participant=participant, caption="wig #ad #LumiereHair")
    client.force_login(brand_manager)
    page = review(client, item, to="changes_requested").content.decode()
    assert "Say what should change." in page
    review(client, item, to="changes_requested", comment="Show the lace.")
    review(client, item, to="submitted", caption="wig #ad #LumiereHair lace close-up")
    review(client, item, to="approved")
    page = review(client, item, to="published", published_at="2026-11-10T20:30").content.decode()
    assert 'data-status="published"' in page
    item.refresh_from_db()
    assert item.caption == "wig #ad #LumiereHair lace close-up"
    # typed in the brand's time zone (Asia/Shanghai, UTC+8)
    assert item.published_at == datetime(2026, 11, 10, 12, 30, tzinfo=UTC)
    assert [c.status for c in item.comments.all()] == [
        "changes_requested",
        "submitted",
        "approved",
        "published",
    ]


def test_review_without_htmx_redirects_with_a_message(client, brand_manager, participant):
    item = factories.ContentItemFactory(participant=participant, caption="wig")
    client.force_login(brand_manager)
    response = client.post(
        reverse("campaigns:content_review", args=[item.pk]), {"to": "approved"}, follow=True
    )
    assert "The caption fails the disclosure check" in response.content.decode()


@pytest.mark.parametrize("role", [Role.VIEWER, Role.FINANCE])
def test_viewer_and_finance_see_no_buttons_and_cannot_review(client, brand, participant, role):
    item = factories.ContentItemFactory(participant=participant, caption="wig #ad #LumiereHair")
    user = _member(brand, role, username=f"u-{role}")
    client.force_login(user)
    page = client.get(reverse("campaigns:detail", args=[participant.campaign_id])).content.decode()
    assert "Approve</button>" not in page
    assert review(client, item, to="approved").status_code == 403
    item.refresh_from_db()
    assert item.status == "submitted"


# --- shipments in place ------------------------------------------------------------------------


def test_shipment_status_changes_in_place(client, brand_manager, participant, brand):
    today = today_of(brand)
    shipment = factories.ShipmentFactory(
        participant=participant, requested_on=today - timedelta(days=12)
    )
    client.force_login(brand_manager)
    url = reverse("campaigns:shipment_status", args=[shipment.pk])
    page = client.post(url, {"to": "shipped", "on": str(today)}, **HTMX).content.decode()
    assert page.lstrip().startswith("<tr")
    assert 'data-status="shipped"' in page
    assert "table-danger" in page  # shipped after its window: still late
    shipment.refresh_from_db()
    assert (shipment.status, shipment.shipped_on) == ("shipped", today)
    page = client.post(
        url, {"to": "delivered", "on": str(today - timedelta(days=20))}, **HTMX
    ).content.decode()
    assert "pick that day or later" in page
    page = client.post(url, {"to": "delivered"}, **HTMX).content.decode()
    shipment.refresh_from_db()
    assert (shipment.status, shipment.delivered_on) == ("delivered", today)


# --- tenancy -----------------------------------------------------------------------------------


def test_every_page_is_404_for_another_brand(client, other_brand_manager, campaign):
    participant = add_participant(campaign, 1)
    item = participant.content.first()
    shipment = participant.shipments.first()
    client.force_login(other_brand_manager)
    gets = [
        reverse("campaigns:detail", args=[campaign.pk]),
        reverse("campaigns:edit", args=[campaign.pk]),
        reverse("campaigns:participant_create", args=[campaign.pk]),
        reverse("campaigns:participant_edit", args=[campaign.pk, participant.pk]),
        reverse("campaigns:content_create", args=[campaign.pk]),
        reverse("campaigns:shipment_create", args=[campaign.pk]),
    ]
    for url in gets:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {}).status_code == 404, url
    posts = [
        reverse("campaigns:content_review", args=[item.pk]),
        reverse("campaigns:shipment_status", args=[shipment.pk]),
    ]
    for url in posts:
        assert client.post(url, {"to": "approved"}, **HTMX).status_code == 404, url
    item.refresh_from_db()
    assert item.status == "submitted"
    assert campaign.name not in client.get(reverse("campaigns:list")).content.decode()


def test_a_participant_of_another_campaign_is_404_under_this_one(client, brand_manager, brand):
    first = factories.CampaignFactory(brand=brand)
    participant = factories.ParticipantFactory(contract__partnership__influencer__brand=brand)
    client.force_login(brand_manager)
    url = reverse("campaigns:participant_edit", args=[first.pk, participant.pk])
    assert client.get(url).status_code == 404
