"""Uploads and shop deliveries never fail for a broker outage: the job is kept, the sweep sends
jobs the workers never got or lost, and staff retry a job in the admin. A job whose runs keep
dying is given up."""

import importlib
import socket
import time
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from campaigns import ingest, tasks
from campaigns.models import ImportJob, Sale, WebhookDelivery
from tests import factories
from tests.campaigns.test_import_page import SALES_EXAMPLE, post, upload
from tests.campaigns.test_import_page import shop as shop  # a fixture
from tests.campaigns.test_webhooks import ORDER, deliver
from tests.campaigns.test_webhooks import store as store  # a fixture
from tests.conftest import broker_at
from tests.waiting import until

pytestmark = pytest.mark.django_db
Status = ImportJob.Status


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@contextmanager
def broker_down():
    """Tasks sent to a broker address nothing answers at."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with broker_at(f"redis://127.0.0.1:{port}/0"):
        yield


def test_an_upload_while_the_broker_is_down_answers_at_once_and_is_imported_later(
    client, brand_manager, shop, monkeypatch
):
    monkeypatch.setattr(tasks, "IMMEDIATE_ROWS", 2)
    client.force_login(brand_manager)

    with broker_down():
        started = time.monotonic()
        response = post(client, "sales", SALES_EXAMPLE, follow=True)
        answered_in = time.monotonic() - started
        job = ImportJob.objects.get()
        assert (job.status, job.queued_at) == (Status.QUEUED, None)  # kept, not yet sent
        ImportJob.objects.update(created_at=timezone.now() - timedelta(minutes=2))
        assert tasks.requeue_stuck_imports() == 0  # still down: kept for the next sweep

    assert response.status_code == 200
    assert "imported in the background" in response.content.decode()
    assert answered_in < 5
    # The broker is back (tasks run in-process here, as a worker would run them).
    assert tasks.requeue_stuck_imports() == 1
    job.refresh_from_db()
    assert (job.status, job.created) == (Status.DONE, 3)
    assert Sale.objects.count() == 3


def test_the_sweep_takes_jobs_unsent_waiting_or_running_longer_than_any_task(brand, settings):
    now = timezone.now()
    patience = timedelta(seconds=settings.BROKER_VISIBILITY_TIMEOUT)
    long_ago, just_now = now - patience - timedelta(minutes=1), now - timedelta(seconds=10)

    def job(status, created_at=long_ago, **fields) -> int:
        made = factories.ImportJobFactory(brand=brand, status=status, **fields)
        ImportJob.objects.filter(pk=made.pk).update(created_at=created_at)
        return made.pk

    stuck = {
        job(Status.QUEUED, queued_at=None),  # the broker was down at upload
        job(Status.QUEUED, queued_at=long_ago),  # its message lost
        job(Status.RUNNING, queued_at=long_ago, started_at=long_ago),  # its worker lost
    }
    job(Status.QUEUED, queued_at=None, created_at=just_now)  # its upload is sending it
    job(Status.QUEUED, queued_at=just_now)
    job(Status.RUNNING, queued_at=long_ago, started_at=just_now)
    job(Status.DONE, queued_at=long_ago, started_at=long_ago)
    job(Status.FAILED, queued_at=long_ago, started_at=long_ago)

    assert set(tasks.stuck_imports(now).values_list("pk", flat=True)) == stuck


def test_a_job_started_three_times_without_finishing_is_given_up(brand):
    job = factories.ImportJobFactory(brand=brand, status=Status.RUNNING, attempts=3)

    ingest.run_job(job.pk)

    job.refresh_from_db()
    assert job.status == Status.FAILED
    assert job.errors[0]["message"] == ingest.GAVE_UP


def test_staff_retry_failed_and_stuck_imports_in_the_admin(
    client, brand_owner, shop, django_capture_on_commit_callbacks
):
    stopped = ingest.create_job(
        brand=shop, kind="sales", file=upload(SALES_EXAMPLE), user=brand_owner
    )
    ImportJob.objects.filter(pk=stopped.pk).update(
        status=Status.FAILED, errors=[{"line": None, "field": "", "message": ingest.STOPPED}]
    )
    imported = factories.ImportJobFactory(brand=shop, status=Status.DONE, created=7)
    client.force_login(brand_owner)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:campaigns_importjob_changelist"),
            {"action": "retry", "_selected_action": [stopped.pk, imported.pk]},
            follow=True,
        )

    assert "1 import queued again" in response.content.decode()
    stopped.refresh_from_db()
    assert (stopped.status, stopped.created, stopped.errors) == (Status.DONE, 3, [])
    imported.refresh_from_db()
    assert (imported.status, imported.created) == (Status.DONE, 7)


def test_a_viewer_is_not_offered_the_retry(client, viewer, brand):
    factories.ImportJobFactory(brand=brand, status=Status.FAILED)
    client.force_login(viewer)

    page = client.get(reverse("admin:campaigns_importjob_changelist")).content.decode()

    assert 'value="retry"' not in page


def test_a_shop_delivery_while_the_broker_is_down_is_taken_and_imported_by_the_sweep(
    client, store, settings, django_capture_on_commit_callbacks
):
    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        response = deliver(client, ORDER)

    assert (response.status_code, response.json()) == (202, {"received": True})
    assert WebhookDelivery.objects.get().status == "queued"
    assert tasks.requeue_stuck_imports() == 0  # not waiting longer than any task may take
    waited = timedelta(seconds=settings.BROKER_VISIBILITY_TIMEOUT + 60)
    WebhookDelivery.objects.update(received_at=timezone.now() - waited)
    assert tasks.requeue_stuck_imports() == 1
    assert WebhookDelivery.objects.get().status == "done"
    assert Sale.objects.count() == 2


@pytest.mark.postgres
@pytest.mark.redis
def test_an_upload_while_redis_is_down_is_imported_by_a_worker_once_the_sweep_sends_it(
    drill_redis, start_worker, client, brand_manager, shop, monkeypatch, settings
):
    monkeypatch.setattr(tasks, "IMMEDIATE_ROWS", 2)
    monkeypatch.setenv("MEDIA_ROOT", str(settings.MEDIA_ROOT))  # where the worker reads uploads
    client.force_login(brand_manager)
    with broker_at(drill_redis.url):
        drill_redis.stop()
        response = post(client, "sales", SALES_EXAMPLE, follow=True)
        assert response.status_code == 200
        assert ImportJob.objects.get().queued_at is None

        drill_redis.start()
        start_worker(queue=settings.CELERY_TASK_DEFAULT_QUEUE)
        ImportJob.objects.update(created_at=timezone.now() - timedelta(minutes=2))
        assert tasks.requeue_stuck_imports() == 1

        until(lambda: ImportJob.objects.filter(status=Status.DONE).exists(), what="the import")
    assert Sale.objects.count() == 3


def test_a_migration_schedules_the_sweep_every_five_minutes():
    # Installed again: a transactional test elsewhere may have emptied the table.
    schedule = importlib.import_module("campaigns.migrations.0009_import_job_queueing")
    schedule.install_sweep(django_apps, None)
    schedule.install_sweep(django_apps, None)

    task = PeriodicTask.objects.get(task="campaigns.tasks.requeue_stuck_imports")
    assert task.enabled
    assert (task.interval.every, task.interval.period, task.crontab) == (5, "minutes", None)
