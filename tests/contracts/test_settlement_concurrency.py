"""Two workers settling the same period at once, each on its own database connection."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from campaigns.models import SaleLine
from contracts import settlement
from contracts.models import Statement, StatementLine
from tests import factories
from tests.contracts.test_settlement import NOV, NOW, at, commission, sale

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

D = Decimal


def at_once(work, times: int = 2) -> list:
    """Run `work` in `times` threads released together; each thread has its own connection."""
    start = threading.Barrier(times)
    results, errors = [], []

    def run() -> None:
        try:
            start.wait()
            results.append(work())
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    return results


def contract_with_sales(brand, amounts: list[str]):
    contract = factories.ContractFactory(partnership__influencer__brand=brand)
    code = factories.TrackingCodeFactory(participant__contract=contract)
    commission(contract, rate=D("0.05"))
    factories.CompensationTermFactory(contract=contract, kind="cpa", amount=D("0.10"))
    for n, amount in enumerate(amounts):
        sale(code, amount, at(11, 1 + n % 30))
    return contract


def test_two_workers_settling_one_period_make_one_statement_to_the_cent(brand):
    contract = contract_with_sales(brand, ["10.05"] * 300)
    results = at_once(
        lambda: settlement.settle_period(contract_id=contract.pk, period=NOV, now=NOW)
    )
    assert len({statement.pk for statement in results}) == 1
    statement = Statement.objects.get()
    # 3,015.00 × 5% = 150.75 and 300 orders × 0.10 = 30.00
    assert statement.total == D("180.75")
    assert list(statement.lines.values_list("kind", "amount")) == [
        ("cpa", D("30.00")),
        ("commission", D("150.75")),
    ]
    assert SaleLine.objects.count() == 600


def test_two_scheduled_runs_at_once_settle_every_period_once(brand):
    contracts = [contract_with_sales(brand, ["100.00", "0.10"]) for _ in range(5)]
    at_once(lambda: settlement.settle_due(now=NOW, as_of=date(2026, 12, 1)))
    assert Statement.objects.count() == 10  # October and November of each
    november = Statement.objects.filter(period_start=NOV.start)
    assert sorted(november.values_list("contract_id", "total")) == [
        (contract.pk, D("5.21"))
        for contract in contracts  # 5.005 + 2 orders × 0.10
    ]
    assert StatementLine.objects.count() == 10
