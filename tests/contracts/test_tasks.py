"""The scheduled settlement task, in-process and in a real Celery worker."""

import os
import signal
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django_celery_beat.models import PeriodicTask

from campaigns.models import SaleLine
from contracts.models import Statement, StatementLine
from contracts.tasks import settle_due_periods
from partnerships.celery import app
from tests import factories
from tests.contracts.test_settlement import at, commission, sale

D = Decimal


def contract_with_sales(brand, *amounts: str):
    contract = factories.ContractFactory(
        partnership__influencer__brand=brand, start=date(2026, 11, 1)
    )
    code = factories.TrackingCodeFactory(participant__contract=contract)
    commission(contract, rate=D("0.10"))
    for amount in amounts:
        sale(code, amount, at(11, 5))
    return contract


def november_totals() -> dict[int, Decimal]:
    return dict(
        Statement.objects.filter(period_start=date(2026, 11, 1)).values_list("contract_id", "total")
    )


@pytest.mark.django_db
def test_the_task_settles_what_is_due_and_counts_the_statements(brand):
    contract = contract_with_sales(brand, "100.00", "23.45")
    assert settle_due_periods.delay("2026-12-01").get() == 1
    assert november_totals() == {contract.pk: D("12.35")}  # 12.345 rounds half up


@pytest.mark.django_db
def test_a_migration_schedules_the_task_daily_in_the_admin():
    task = PeriodicTask.objects.get(task="contracts.tasks.settle_due_periods")
    assert task.enabled
    assert (task.crontab.minute, task.crontab.hour, task.crontab.day_of_month) == ("0", "3", "*")


@pytest.mark.postgres
@pytest.mark.redis
def test_a_worker_runs_the_settlement(worker, brand):
    first = contract_with_sales(brand, "100.00")
    second = contract_with_sales(brand, "250.00", "0.05")
    result = app.send_task(
        "contracts.tasks.settle_due_periods", kwargs={"as_of": "2026-12-01"}, queue=worker
    )
    assert result.get(timeout=60) == 2
    assert november_totals() == {first.pk: D("10.00"), second.pk: D("25.01")}


@pytest.fixture
def pause_file(tmp_path, monkeypatch) -> Path:
    """Set before the worker starts, so that its first settlement waits to be killed."""
    path = tmp_path / "settling"
    monkeypatch.setenv("SETTLEMENT_PAUSE_FILE", str(path))
    return path


def wait_for(path: Path, seconds: int = 60) -> str:
    deadline = time.monotonic() + seconds
    while not (path.exists() and path.read_text()):
        assert time.monotonic() < deadline, "the worker never reached the settlement"
        time.sleep(0.1)
    return path.read_text()


@pytest.mark.postgres
@pytest.mark.redis
def test_a_worker_killed_mid_settlement_leaves_nothing_and_the_next_run_completes(
    pause_file, worker, brand
):
    first = contract_with_sales(brand, "100.00")
    second = contract_with_sales(brand, "250.00")
    app.send_task(
        "contracts.tasks.settle_due_periods", kwargs={"as_of": "2026-12-01"}, queue=worker
    )
    os.kill(int(wait_for(pause_file)), signal.SIGKILL)
    assert Statement.objects.count() == 0
    assert StatementLine.objects.count() == SaleLine.objects.count() == 0
    assert settle_due_periods("2026-12-01") == 2
    assert november_totals() == {first.pk: D("10.00"), second.pk: D("25.00")}
    assert SaleLine.objects.count() == 2
