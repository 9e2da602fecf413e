"""Exchange rates in bulk by API: all or none, a stored day and pair replaced, the same list
sent again changing nothing, every problem named by its index."""

from decimal import Decimal

import pytest

from partnerships.models import ExchangeRate

pytestmark = pytest.mark.django_db

RATES = [
    {"date": "2026-11-02", "from_currency": "CNY", "to_currency": "USD", "rate": "0.13900000"},
    {"date": "2026-11-02", "from_currency": "EUR", "to_currency": "USD", "rate": "1.08000000"},
]


def test_rates_in_bulk_replace_stored_ones(api, brand):
    first = api.post("/api/v1/exchange-rates/bulk/", RATES, format="json")
    again = api.post("/api/v1/exchange-rates/bulk/", RATES, format="json")
    changed = api.post(
        "/api/v1/exchange-rates/bulk/", [{**RATES[0], "rate": "0.14000000"}], format="json"
    )

    assert (first.status_code, again.status_code, changed.status_code) == (200, 200, 200)
    assert ExchangeRate.objects.filter(brand=brand).count() == 2
    assert ExchangeRate.objects.get(from_currency="CNY").rate == Decimal("0.14")


def test_a_bad_rate_rejects_the_list(api, brand):
    bad = [RATES[0], {**RATES[1], "rate": "-1"}, RATES[0]]

    response = api.post("/api/v1/exchange-rates/bulk/", bad, format="json")

    assert response.status_code == 400
    located = {(error["index"], error["field"]) for error in response.json()["errors"]}
    assert {(1, "rate"), (2, "date")} <= located
    assert not ExchangeRate.objects.exists()
