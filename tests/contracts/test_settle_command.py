"""`manage.py settle`: settles what is due and says what it did."""

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from contracts.models import Statement
from tests import factories
from tests.contracts.test_settlement import at, commission, sale

pytestmark = pytest.mark.django_db

D = Decimal


def settle(*args: str) -> str:
    out = StringIO()
    call_command("settle", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def anna(brand):
    contract = factories.ContractFactory(
        partnership__influencer__brand=brand, title="Spring wig reviews"
    )
    code = factories.TrackingCodeFactory(participant__contract=contract)
    commission(contract, rate=D("0.10"))
    sale(code, "1234.50", at(11, 5))
    return contract


@pytest.fixture
def mia(brand):
    contract = factories.ContractFactory(
        partnership__influencer__brand=brand, title="US distribution"
    )
    code = factories.TrackingCodeFactory(participant__contract=contract)
    commission(contract, rate=D("0.10"))
    sale(code, "100.00", at(11, 7), currency="EUR")
    return contract


def test_prints_each_statement_with_its_total_or_problem(anna, mia):
    output = settle("--period", "2026-11", "--as-of", "2026-12-01")
    assert output.splitlines() == [
        f"Spring wig reviews (#{anna.pk}), Nov 2026: $123.45, due 31 Dec 2026",
        f"US distribution (#{mia.pk}), Nov 2026: not priced. No exchange rate from EUR to "
        "USD for 7 Nov 2026: add it under exchange rates and settle again.",
        "2 statement(s) settled, 1 could not be priced.",
    ]


def test_settles_only_the_contract_and_brand_asked_for(anna, mia, other_brand):
    output = settle("--contract", str(anna.pk), "--brand", "lumiere", "--as-of", "2026-12-01")
    assert "Spring wig reviews" in output
    assert "US distribution" not in output
    assert set(Statement.objects.values_list("contract_id", flat=True)) == {anna.pk}
    assert settle("--brand", other_brand.slug, "--as-of", "2026-12-01") == "Nothing to settle.\n"


def test_says_when_a_balance_is_carried_forward(anna):
    anna.minimum_payout = D("500.00")
    anna.save()
    output = settle("--period", "2026-11", "--as-of", "2026-12-01")
    assert "Nov 2026: $123.45, carried forward to the next statement" in output


def test_nothing_is_settled_before_the_period_ends(anna):
    assert settle("--period", "2026-11", "--as-of", "2026-11-30") == "Nothing to settle.\n"
    assert not Statement.objects.filter(period_start=date(2026, 11, 1)).exists()


def test_running_it_twice_prints_the_same(anna):
    first = settle("--period", "2026-11", "--as-of", "2026-12-01")
    assert settle("--period", "2026-11", "--as-of", "2026-12-01") == first
    assert Statement.objects.count() == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--brand", "nope"], "No brand with slug 'nope'."),
        (["--contract", "999999"], "No contract with id 999999."),
    ],
)
def test_unknown_brand_or_contract_is_an_error(db, args, message):
    with pytest.raises(CommandError, match=message):
        settle(*args)


@pytest.mark.parametrize("args", [["--period", "2026-13"], ["--as-of", "30.11.2026"]])
def test_bad_month_or_day_is_an_error(db, args):
    with pytest.raises(CommandError, match="is not a"):
        settle(*args)
