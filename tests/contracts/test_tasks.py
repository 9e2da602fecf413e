"""The scheduled settlement: fanned out in chunks of contracts, in-process and on real Celery
workers, one or two, one of them killed mid-chunk."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from campaigns.models import SaleLine
from contracts import settlement
from contracts.models import Contract, Statement, StatementLine
from contracts.tasks import settle_contracts, settle_due_periods
from partnerships.celery import app
from tests import factories
from tests.contracts.test_settlement import at, commission, sale
from tests.waiting import until

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
def test_the_task_queues_one_task_per_chunk_of_contracts_and_each_settles_its_own(brand):
    first = contract_with_sales(brand, "100.00", "23.45")
    second = contract_with_sales(brand, "50.00")
    third = contract_with_sales(brand, "10.00")
    # In-process here, each chunk runs as it is queued.
    assert settle_due_periods.delay("2026-12-01", chunk_size=2).get() == 2
    assert november_totals() == {first.pk: D("12.35"), second.pk: D("5.00"), third.pk: D("1.00")}
    assert settle_due_periods.delay("2026-12-01").get() == 1  # drafts again, in one chunk


@pytest.mark.django_db
def test_a_chunk_settles_each_contracts_periods_oldest_first_and_again_the_same(brand):
    contract = contract_with_sales(brand, "100.00")
    contract.start = date(2026, 10, 1)
    contract.save()
    sale(contract.participants.get().codes.get(), "40.00", at(10, 20))
    factories.ContractFactory(partnership__influencer__brand=brand)  # not in the chunk
    now = "2026-12-02T03:00:00+00:00"

    assert settle_contracts([contract.pk], now, "2026-12-01") == 2
    settled = statements()
    assert [(start.month, total) for _, start, total, _ in settled] == [
        (10, D("4.00")),
        (11, D("10.00")),
    ]
    assert settle_contracts([contract.pk], now, "2026-12-01") == 2  # the drafts recomputed
    assert statements() == settled


@pytest.mark.django_db
def test_a_migration_schedules_the_task_daily_in_the_admin():
    task = PeriodicTask.objects.get(task="contracts.tasks.settle_due_periods")
    assert task.enabled
    assert (task.crontab.minute, task.crontab.hour, task.crontab.day_of_month) == ("0", "3", "*")


def statements() -> list[tuple]:
    """Every statement as it stands: contract, period, total and lines."""
    return [
        (
            statement.contract_id,
            statement.period_start,
            statement.total,
            sorted((line.kind, line.description, line.amount) for line in statement.lines.all()),
        )
        for statement in Statement.objects.order_by("contract_id", "period_start").prefetch_related(
            "lines"
        )
    ]


def portfolio(brand, contracts: int = 6) -> None:
    """Contracts since October with sales in October and November, and a refund."""
    for number in range(contracts):
        contract = contract_with_sales(brand, f"{100 + number}.00", "19.99")
        Contract.objects.filter(pk=contract.pk).update(start=date(2026, 10, 1))
        code = contract.participants.get().codes.get()
        sale(code, f"{number + 1}0.00", at(10, 9))
        sale(code, "30.00", at(10, 12), refunded_at=at(11, 2), refunded_amount=D("30.00"))


def fan_out(queue: str, chunk_size: int = 2) -> None:
    app.send_task(
        "contracts.tasks.settle_due_periods",
        kwargs={"as_of": "2026-12-01", "chunk_size": chunk_size},
        queue=queue,
    )


@pytest.mark.postgres
@pytest.mark.redis
def test_two_workers_write_the_same_statements_as_one(broker, start_worker, brand):
    portfolio(brand)
    one = start_worker()
    fan_out(one.queue)
    until(lambda: Statement.objects.count() == 12, what="one worker's settlement")
    by_one, links = statements(), SaleLine.objects.count()
    Statement.objects.all().delete()

    start_worker(queue=one.queue)  # a second worker on the same queue
    fan_out(one.queue, chunk_size=1)
    until(lambda: Statement.objects.count() == 12, what="two workers' settlement")

    assert statements() == by_one
    assert SaleLine.objects.count() == links


@pytest.fixture
def pause_file(tmp_path, monkeypatch) -> Path:
    """Set before the workers start, so that the first chunk settled waits to be killed."""
    path = tmp_path / "settling"
    monkeypatch.setenv("SETTLEMENT_PAUSE_FILE", str(path))
    return path


@pytest.mark.postgres
@pytest.mark.redis
def test_a_worker_killed_mid_chunk_loses_nothing_another_worker_settles_it(
    pause_file, broker, start_worker, brand
):
    portfolio(brand, contracts=4)
    # Redis hands the killed worker's chunk on after the visibility timeout (3 s here),
    # RabbitMQ as soon as the worker's connection drops.
    quick = {"BROKER_VISIBILITY_TIMEOUT": "3"}
    first = start_worker(**quick)
    fan_out(first.queue)
    until(lambda: pause_file.exists() and pause_file.read_text(), what="the first chunk")
    first.kill()
    assert Statement.objects.count() == StatementLine.objects.count() == 0

    start_worker(queue=first.queue, **quick)
    until(lambda: Statement.objects.count() == 8, what="the other worker")

    settled = statements()
    Statement.objects.all().delete()
    settlement.settle_due(now=timezone.now(), as_of=date(2026, 12, 1))
    assert statements() == settled  # what one process settles without a worker killed
