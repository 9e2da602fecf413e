from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from campaigns.models import Campaign, Shipment
from tests import factories

pytestmark = pytest.mark.django_db


def test_tracking_codes_are_upper_case_and_unique_per_brand(brand, other_brand):
    code = factories.TrackingCodeFactory(
        participant__contract__partnership__influencer__brand=brand, code="anna10"
    )
    assert code.code == "ANNA10"
    factories.TrackingCodeFactory(
        participant__contract__partnership__influencer__brand=other_brand, code="ANNA10"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.TrackingCodeFactory(participant=code.participant, code="Anna10")


def test_a_shipment_is_late_outside_its_preparation_window(brand):
    participant = factories.ParticipantFactory(contract__partnership__influencer__brand=brand)
    waiting = factories.ShipmentFactory(participant=participant, requested_on=date(2026, 11, 1))
    on_time = factories.ShipmentFactory(
        participant=participant,
        requested_on=date(2026, 11, 1),
        status="shipped",
        shipped_on=date(2026, 11, 11),
    )
    shipped_late = factories.ShipmentFactory(
        participant=participant,
        requested_on=date(2026, 11, 1),
        status="delivered",
        shipped_on=date(2026, 11, 12),
        delivered_on=date(2026, 11, 14),
    )
    assert not waiting.is_late(date(2026, 11, 11))
    assert waiting.is_late(date(2026, 11, 12))
    assert not on_time.is_late(date(2026, 12, 1))
    assert shipped_late.is_late(date(2026, 11, 12))
    late = Shipment.objects.filter(Shipment.late(date(2026, 11, 12)))
    assert set(late) == {waiting, shipped_late}
    assert set(Shipment.objects.filter(Shipment.late(date(2026, 11, 11)))) == {shipped_late}


def test_a_refund_cannot_exceed_the_sale(brand):
    sale = factories.SaleFactory(
        tracking_code__participant__contract__partnership__influencer__brand=brand,
        net_amount=Decimal("100.00"),
    )
    sale.refunded_amount = Decimal("40.00")
    sale.save()
    assert sale.commission_base == Decimal("60.00")
    sale.refunded_amount = Decimal("100.01")
    with pytest.raises(IntegrityError), transaction.atomic():
        sale.save()


@pytest.mark.parametrize(
    ("today", "phase"),
    [
        (date(2026, 10, 31), "upcoming"),
        (date(2026, 11, 1), "running"),
        (date(2026, 12, 31), "running"),
        (date(2027, 1, 1), "ended"),
    ],
)
def test_a_campaigns_phase_reads_the_same_on_the_row_and_in_sql(brand, today, phase):
    campaign = factories.CampaignFactory(brand=brand)  # 1 Nov to 31 Dec 2026

    assert campaign.phase(today) == phase
    assert list(Campaign.objects.filter(Campaign.in_phase(phase, today))) == [campaign]
    assert Campaign.objects.annotate(now=Campaign.phase_on(today)).get().now == phase
