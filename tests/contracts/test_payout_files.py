"""The payment batch in PayPal's and Wise's bulk formats, and with payout details for finance."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from contracts import payout_files, payouts
from contracts.models import PayoutDetails
from partnerships import csv_downloads
from tests import factories

pytestmark = pytest.mark.django_db
BATCH = reverse("contracts:payment_batch")


def _paid_by(brand, method: str, *, currency="USD", total="250.00", **details):
    statement = factories.StatementFactory(
        contract__partnership__influencer__brand=brand,
        contract__currency=currency,
        contract__title=f"Reviews by {method}",
        status="approved",
        total=Decimal(total),
        due_date=date(2026, 12, 31),
    )
    PayoutDetails.objects.create(
        influencer=statement.contract.partnership.influencer,
        method=method,
        account_holder=details.pop("account_holder", "Anna Sokolova"),
        **details,
    )
    return statement


def _rows(response) -> list[list[str]]:
    """A provider's file: PayPal's has no byte-order mark to read as part of its first cell."""
    data = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(data.removeprefix(csv_downloads.BOM))))


def test_paypal_file_has_no_header_and_one_row_per_paypal_payout(client, finance, brand):
    paypal = _paid_by(brand, "paypal", account_email="anna@example.com")
    _paid_by(brand, "bank", account_number="DE89370400440532013000", bank_name="Commerzbank")
    client.force_login(finance)
    response = client.get(BATCH, {"format": "paypal"})
    data = response.getvalue().decode()
    assert not data.startswith(csv_downloads.BOM)
    rows = list(csv.reader(io.StringIO(data)))
    assert rows == [
        [
            "anna@example.com",
            "250.00",
            "USD",
            f"statement-{paypal.pk}",
            f"{brand}: Reviews by paypal, 01 Nov 2026 – 30 Nov 2026",
        ]
    ]
    assert len(rows[0][3]) <= 30
    assert " " not in rows[0][3]


def test_paypal_takes_one_currency_a_file(client, finance, brand):
    _paid_by(brand, "paypal", account_email="anna@example.com")
    _paid_by(brand, "paypal", currency="EUR", account_email="mia@example.com")
    client.force_login(finance)
    refused = client.get(BATCH, {"format": "paypal"})
    assert refused.status_code == 400
    assert "EUR, USD" in refused.content.decode()
    rows = _rows(client.get(BATCH, {"format": "paypal", "currency": "EUR"}))
    assert [row[:3] for row in rows] == [["mia@example.com", "250.00", "EUR"]]


def test_wise_file_follows_the_send_by_email_template(client, finance, brand):
    wise = _paid_by(brand, "wise", account_email="lucia@example.com", account_holder="Lucía F.")
    _paid_by(brand, "paypal", account_email="anna@example.com")
    client.force_login(finance)
    rows = _rows(client.get(BATCH, {"format": "wise"}))
    assert rows[0] == payout_files.WISE_COLUMNS
    assert rows[1:] == [
        [
            "Lucía F.",
            "lucia@example.com",
            f"Statement {wise.pk}",
            "PRIVATE",
            "target",
            "250.00",
            brand.default_currency,
            "USD",
        ]
    ]


def test_plain_batch_shows_finance_the_whole_account(client, finance, brand):
    _paid_by(
        brand,
        "bank",
        account_number="DE89370400440532013000",
        bank_name="Commerzbank",
        bank_code="COBADEFFXXX",
        tax_id="DE123456789",
        address="Unter den Linden 1\nBerlin",
    )
    client.force_login(finance)
    header, row = _rows(client.get(BATCH))
    cells = dict(zip(header, row, strict=True))
    assert cells["payout_method"] == "bank"
    assert cells["account"] == "DE89370400440532013000"
    assert cells["bank_code"] == "COBADEFFXXX"
    assert cells["tax_id"] == "DE123456789"
    assert cells["address"] == "Unter den Linden 1 Berlin"


def test_unknown_batch_format_is_refused_with_the_choices(client, finance):
    client.force_login(finance)
    response = client.get(BATCH, {"format": "swift"})
    assert response.status_code == 400
    assert "csv, paypal, wise" in response.content.decode()


def test_batch_reads_payout_details_in_one_query_however_many(brand, django_assert_num_queries):
    for n in range(5):
        _paid_by(brand, "paypal", account_email=f"p{n}@example.com")
    statements = payouts.payment_batch(brand, None)
    with django_assert_num_queries(1):
        assert len(list(payout_files.paypal_rows(statements, "USD"))) == 5


def test_statement_page_tells_finance_whom_to_pay_how(client, finance, brand_manager, brand):
    statement = _paid_by(
        brand, "bank", account_number="DE89370400440532013000", bank_name="Commerzbank"
    )
    url = reverse("contracts:statement", args=[statement.pk])
    client.force_login(finance)
    pay_to = client.get(url).content.decode()
    assert "Pay to" in pay_to
    assert "DE89370400440532013000 at Commerzbank" in pay_to
    client.force_login(brand_manager)
    assert "DE89370400440532013000" not in client.get(url).content.decode()
