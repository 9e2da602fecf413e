from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Shipment
from contracts.models import PayoutDetails, Statement
from tests import factories
from tests.downloads import csv_text

pytestmark = pytest.mark.django_db


def test_creator_confirms_a_shipment_received_and_it_becomes_delivered(creator_client, contract):
    shipment = factories.ShipmentFactory(
        participant__contract=contract,
        status="shipped",
        carrier="fedex",
        tracking_number="FX772019384",
        shipped_on=date(2026, 11, 3),
    )
    page = creator_client.get(reverse("portal:shipments")).content.decode()
    assert "FedEx FX772019384" in page
    creator_client.post(reverse("portal:shipment_received", args=[shipment.pk]), {"status": "lost"})
    shipment.refresh_from_db()
    assert shipment.status == Shipment.Status.DELIVERED
    assert shipment.delivered_on == timezone.localdate(timezone=contract.partnership.brand.timezone)


def test_a_shipment_not_yet_shipped_cannot_be_received(creator_client, contract):
    shipment = factories.ShipmentFactory(participant__contract=contract, status="preparing")
    response = creator_client.post(
        reverse("portal:shipment_received", args=[shipment.pk]), follow=True
    )
    assert "cannot become delivered" in response.content.decode()
    shipment.refresh_from_db()
    assert shipment.status == Shipment.Status.PREPARING


def _statement(contract, **fields):
    statement = factories.StatementFactory(contract=contract, **fields)
    factories.StatementLineFactory(statement=statement, description="Installment 1 of 3")
    return statement


def test_money_page_lists_approved_and_paid_statements_with_the_year_to_date(
    creator_client, contract
):
    paid = _statement(
        contract,
        status="paid",
        total=Decimal("1000.00"),
        paid_on=timezone.localdate(),
        payout_reference="PP-123",
    )
    _statement(
        contract,
        period_start=date(2026, 10, 1),
        period_end=date(2026, 11, 1),
        status="draft",
        total=Decimal("5.00"),
    )
    page = creator_client.get(reverse("portal:money")).content.decode()
    assert "$1,000.00" in page
    assert "PP-123" in page
    assert "1 statement" in page
    assert "$5.00" not in page  # a draft is still being computed
    detail = creator_client.get(reverse("portal:statement", args=[paid.pk])).content.decode()
    assert "Installment 1 of 3" in detail
    assert "PP-123" in detail


def test_statement_csv_has_its_lines(creator_client, contract):
    statement = _statement(contract, status="approved", total=Decimal("250.00"))
    response = creator_client.get(reverse("portal:statement_csv", args=[statement.pk]))
    body = csv_text(response)
    assert body.splitlines()[0].startswith("statement,contract,influencer")
    assert "Installment 1 of 3" in body


def test_payout_details_keep_only_the_last_four_of_the_account_shown_back(creator_client, contract):
    influencer = contract.partnership.influencer
    url = reverse("portal:payout_details", args=[influencer.pk])
    creator_client.post(
        url,
        {
            "method": "bank",
            "account_holder": "Anna Sokolova",
            "account_number": "DE89 3704 0044 0532 0130 00",
            "bank_name": "Commerzbank",
            "tax_id": "DE123456789",
            "influencer": "1",
        },
    )
    details = PayoutDetails.objects.get(influencer=influencer)
    assert details.account_number == "DE89 3704 0044 0532 0130 00"
    page = (
        creator_client.get(url).content.decode()
        + creator_client.get(reverse("portal:money")).content.decode()
    )
    assert "3000" in page
    assert "0532 0130 00" not in page
    assert "DE89" not in page
    # Saved again without typing the number: the one on file stays.
    creator_client.post(url, {"method": "bank", "account_holder": "Anna S.", "bank_name": "C"})
    details.refresh_from_db()
    assert (details.account_holder, details.account_number) == (
        "Anna S.",
        "DE89 3704 0044 0532 0130 00",
    )


def test_payout_details_name_the_field_a_method_needs(creator_client, contract):
    url = reverse("portal:payout_details", args=[contract.partnership.influencer.pk])
    response = creator_client.post(url, {"method": "paypal", "account_holder": "Anna"})
    assert "Required for PayPal." in response.content.decode()
    assert not PayoutDetails.objects.exists()


def test_self_billed_invoice_names_both_parties(creator_client, finance, contract):
    brand = contract.partnership.brand
    brand.legal_name, brand.address, brand.tax_id = "Lumière Ltd.", "1 Century Ave", "CN-91310"
    brand.save()
    PayoutDetails.objects.create(
        influencer=contract.partnership.influencer,
        method="paypal",
        account_holder="Anna Sokolova",
        account_email="anna@example.com",
        tax_id="RU-7701",
        address="Tverskaya 1, Moscow",
    )
    statement = _statement(contract, status="approved", total=Decimal("250.00"))
    brand_client = Client()
    brand_client.force_login(finance)
    for who, url in (
        (creator_client, reverse("portal:statement_invoice", args=[statement.pk])),
        (brand_client, reverse("contracts:invoice", args=[statement.pk])),
    ):
        page = who.get(url).content.decode()
        for text in ("Self-billed invoice", "Lumière Ltd.", "1 Century Ave", "CN-91310"):
            assert text in page
        for text in ("Anna Sokolova", "Tverskaya 1, Moscow", "RU-7701", "Installment 1 of 3"):
            assert text in page
        assert f"SB-LUMIERE-{statement.pk:06d}" in page


def test_home_shows_what_is_due_and_what_is_coming(creator_client, contract):
    offer = factories.ContractFactory(
        partnership=contract.partnership, status="negotiating", title="Winter try-ons"
    )
    factories.DeliverableFactory(contract=contract)
    factories.ShipmentFactory(participant__contract=contract, status="shipped",
                              shipped_on=date(2026, 11, 3), tracking_number="FX1")  # fmt: skip
    _statement(contract, status="approved", total=Decimal("250.00"))
    page = creator_client.get(reverse("portal:home")).content.decode()
    assert offer.title in page
    assert "1 × Video on YouTube" in page
    assert "$250.00" in page
    assert "FX1" in page


def test_home_queries_do_not_grow_with_rows(creator_client, contract):
    def load() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert creator_client.get(reverse("portal:home")).status_code == 200
        return len(captured)

    few = load()
    for n in range(5):
        factories.DeliverableFactory(contract=contract)
        factories.ShipmentFactory(participant__contract=contract, status="shipped",
                                  shipped_on=date(2026, 11, 3))  # fmt: skip
        factories.StatementFactory(
            contract=contract,
            status=Statement.Status.APPROVED,
            period_start=date(2025, n + 1, 1),
            period_end=date(2025, n + 2, 1),
        )
    assert load() == few


@pytest.mark.parametrize(
    "name",
    ["portal:home", "portal:contracts", "portal:content_list", "portal:shipments", "portal:money"],
)
def test_portal_lists_take_the_same_queries_however_many_rows(creator_client, contract, name):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert creator_client.get(reverse(name)).status_code == 200
        return len(captured)

    def add_rows(month: int) -> None:
        other = factories.ContractFactory(partnership=contract.partnership, status="negotiating")
        participant = factories.ParticipantFactory(contract=contract)
        factories.DeliverableFactory(contract=contract)
        factories.ContentItemFactory(participant=participant)
        shipment = factories.ShipmentFactory(participant=participant, status="shipped",
                                             shipped_on=date(2026, 11, 3))  # fmt: skip
        factories.ShipmentItemFactory(shipment=shipment)
        factories.StatementFactory(
            contract=other,
            status=Statement.Status.PAID,
            paid_on=timezone.localdate(),
            period_start=date(2025, month, 1),
            period_end=date(2025, month + 1, 1),
        )

    add_rows(1)
    few = queries()
    for month in range(2, 6):
        add_rows(month)
    assert queries() == few
