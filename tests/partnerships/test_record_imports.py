"""Exchange rates and distributor orders from a CSV file on /imports/: imported during the
upload, all or nothing, a re-imported row updating the stored one, every problem named by its
line, column and reason; another brand's contract is unknown; viewers only read."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from contracts.models import Contract, DistributorOrder
from partnerships.models import ExchangeRate
from tests import factories

pytestmark = pytest.mark.django_db

RATES = "date,from_currency,to_currency,rate\n2026-11-02,CNY,USD,0.139\n2026-11-02,EUR,USD,1.08\n"


@pytest.fixture
def contract(brand):
    for sku in ("WIG-BW-22", "WIG-CL-18"):
        factories.ProductFactory(brand=brand, sku=sku)
    return factories.ContractFactory(
        partnership__influencer__brand=brand, method=Contract.Method.DISTRIBUTION
    )


def orders(contract_id: int, quantity: str = "40") -> str:
    return (
        "contract,reference,ordered_at,sku,quantity,unit_price\n"
        f"{contract_id},PO-118,2026-11-02T14:30:00+08:00,WIG-BW-22,{quantity},42.50\n"
        f"{contract_id},PO-118,2026-11-02T14:30:00+08:00,WIG-CL-18,25,38.00\n"
    )


def post(client, kind: str, content: str):
    upload = SimpleUploadedFile(f"{kind}.csv", content.encode(), content_type="text/csv")
    return client.post(reverse("imports"), {"kind": kind, f"{kind}-file": upload}, follow=True)


def test_page_offers_both_uploads_with_their_columns(client, brand_manager):
    client.force_login(brand_manager)

    page = client.get(reverse("imports")).content.decode()

    assert 'name="exchange_rates-file"' in page
    assert 'name="distributor_orders-file"' in page
    assert "from_currency" in page
    assert "unit_price" in page


def test_rates_import_and_a_second_file_updates_them(client, brand_manager, brand):
    client.force_login(brand_manager)

    first = post(client, "exchange_rates", RATES)
    again = post(client, "exchange_rates", RATES.replace("0.139", "0.14"))

    assert "2 added, 0 updated" in first.content.decode()
    assert "0 added, 2 updated" in again.content.decode()
    assert ExchangeRate.objects.filter(brand=brand).count() == 2
    assert ExchangeRate.objects.get(from_currency="CNY").rate == Decimal("0.14")


def test_a_bad_rate_line_is_named_and_nothing_is_written(client, brand_manager, brand):
    client.force_login(brand_manager)
    bad = RATES + "2026-13-40,CNY,USD,0.1\n2026-11-03,USD,USD,-1\n"

    page = post(client, "exchange_rates", bad).content.decode()

    assert "Nothing was imported: " in page
    assert '<td class="num">4</td><td><code>date</code></td>' in page
    assert '<td class="num">5</td><td><code>rate</code></td>' in page
    assert "Must differ from the currency converted from." in page
    assert not ExchangeRate.objects.exists()


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("", "The submitted file is empty."),
        ("\n\n", "The file is empty; its first line names the columns: date,from_currency"),
        ("day,rate\n2026-11-02,1\n", "Unknown column &#x27;day&#x27;; the columns are date"),
    ],
)
def test_an_unreadable_file_says_why(client, brand_manager, content, reason):
    client.force_login(brand_manager)

    response = post(client, "exchange_rates", content)

    assert response.status_code == 200
    assert reason in response.content.decode()
    assert not ExchangeRate.objects.exists()


def test_orders_import_and_a_second_file_updates_them(client, brand_manager, contract):
    client.force_login(brand_manager)

    first = post(client, "distributor_orders", orders(contract.pk))
    again = post(client, "distributor_orders", orders(contract.pk, quantity="45"))

    assert "2 added, 0 updated" in first.content.decode()
    assert "0 added, 2 updated" in again.content.decode()
    stored = DistributorOrder.objects.filter(contract=contract)
    assert stored.count() == 2
    assert stored.get(product__sku="WIG-BW-22").quantity == 45
    assert stored.get(product__sku="WIG-BW-22").unit_price == Decimal("42.50")


def test_bad_order_lines_are_named_and_nothing_is_written(client, brand_manager, contract):
    client.force_login(brand_manager)
    bad = orders(contract.pk) + (
        f"{contract.pk},PO-119,yesterday,WIG-XX-01,0,1.00\n"
        f"{contract.pk},PO-118,2026-11-02T14:30:00+08:00,WIG-BW-22,1,1.00\n"
    )

    page = post(client, "distributor_orders", bad).content.decode()

    assert '<td class="num">4</td><td><code>ordered_at</code></td>' in page
    assert "No product with SKU “WIG-XX-01” in this brand." in page
    assert '<td class="num">4</td><td><code>quantity</code></td>' in page
    assert "is already at line 2" in page
    assert not DistributorOrder.objects.exists()


def test_another_brands_contract_is_unknown(client, brand_manager, contract, other_brand):
    theirs = factories.ContractFactory(partnership__influencer__brand=other_brand)
    client.force_login(brand_manager)

    page = post(client, "distributor_orders", orders(theirs.pk)).content.decode()

    assert f"No contract with id {theirs.pk} in this brand." in page
    assert not DistributorOrder.objects.exists()


def test_a_viewer_cannot_import(client, viewer):
    client.force_login(viewer)

    page = client.get(reverse("imports")).content.decode()
    response = post(client, "exchange_rates", RATES)

    assert 'name="exchange_rates-file"' not in page
    assert response.status_code == 403
    assert not ExchangeRate.objects.exists()
