import logging
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

from celery import Task, shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from kombu.exceptions import OperationalError

from campaigns import deliveries, ingest, roi, staleness
from campaigns.models import ImportJob, WebhookDelivery
from partnerships.models import Brand

logger = logging.getLogger(__name__)

# Files up to this many rows are imported during the upload request; larger ones by a worker.
IMMEDIATE_ROWS = 2_000
# An upload whose job never reached the broker is sent again by the sweep after this long.
UNSENT_GRACE = timedelta(minutes=1)


@shared_task(acks_late=True)
def refresh_metrics(since: str | None = None) -> int:
    """Fan out the refresh of every brand's daily metric and ROI summaries (from `since`, an
    ISO date, or every day): one task per brand. Returns how many brands were queued."""
    now = timezone.now().isoformat()
    brand_ids = list(Brand.objects.order_by("pk").values_list("pk", flat=True))
    for brand_id in brand_ids:
        refresh_brand.delay(brand_id, now, since)
    return len(brand_ids)


@shared_task(acks_late=True)
def refresh_brand(brand_id: int, now: str, since: str | None = None) -> int:
    """Recompute one brand's summaries as of the fan-out's `now`; returns the rows written.
    Running it again leaves the same rows."""
    brand = Brand.objects.filter(pk=brand_id).first()
    if brand is None:
        return 0  # deleted since the fan-out
    first = date.fromisoformat(since) if since else None
    return roi.refresh(brand, now=datetime.fromisoformat(now), since=first)


# Named as when the task lived in the project package: messages queued then still arrive.
@shared_task(acks_late=True, name="partnerships.tasks.refresh_brand_figures")
def refresh_brand_figures(brand_id: int) -> int:
    """Refresh one brand's summaries over the days writes marked stale (partnerships/
    freshness.py); returns how many summary rows were written."""
    claim = staleness.claim_refresh(brand_id)
    if claim is None:
        return 0
    return roi.refresh(claim.brand, now=timezone.now(), since=claim.since)


def queue_refresh(*, brand_id: int, since: date | datetime | None, **signal: Any) -> None:
    """On `partnerships.freshness.figures_stale`: mark the brand's summaries stale from `since`
    and queue one refresh unless one is already waiting."""
    if not settings.LIVE_FIGURES or not staleness.mark_stale(brand_id, since):
        return
    if refresh_brand_figures.app.conf.task_always_eager:
        # In-process, called directly: Celery's eager run flags "inside a task" in a
        # process-wide switch that two threads running one at once can leave set.
        refresh_brand_figures(brand_id)
        return
    try:
        refresh_brand_figures.delay(brand_id)
    except OperationalError:
        # The broker is away: the brand stays marked, and the nightly refresh catches up.
        logger.exception("Could not queue the refresh of brand %s", brand_id)


@shared_task(acks_late=True)
def import_file(job_id: int) -> str:
    """Import an uploaded sales or metrics file; the job records progress, counts and errors.
    Safe to run twice: a finished job is left alone."""
    return ingest.run_job(job_id).status


def start_import(job: ImportJob) -> ImportJob:
    """Import a small file now, in the request; queue a larger one for a worker once the
    upload is committed. Returns the job as it stands."""
    if job.total_rows <= IMMEDIATE_ROWS:
        return ingest.run_job(job.pk)
    transaction.on_commit(lambda: queue_import(job.pk))
    return job


@shared_task(acks_late=True)
def import_delivery(delivery_id: int) -> str:
    """Import a shop's webhook delivery; safe to run twice (a processed one is left alone)."""
    return deliveries.process(delivery_id).status


def queue_import(job_id: int) -> bool:
    """Send an unfinished job to the workers. When the broker does not answer within seconds the
    job stays queued, unsent, and the sweep sends it once the broker is back. Returns whether it
    went."""
    jobs = ImportJob.objects.filter(pk=job_id, status__in=ingest.UNFINISHED)
    jobs.update(status=ImportJob.Status.QUEUED, queued_at=timezone.now())
    if not send(import_file, job_id):
        jobs.filter(status=ImportJob.Status.QUEUED).update(queued_at=None)
        return False
    return True


def send(task: Task, *args: Any) -> bool:
    """Queue `task`; False when the broker does not answer within seconds (logged: the caller
    keeps the work and the sweep sends it later)."""
    try:
        task.delay(*args)
    except OperationalError as error:
        logger.warning(
            "%s%s kept for later: the broker does not answer (%s)", task.name, args, error
        )
        return False
    return True


def stuck_imports(now: datetime) -> QuerySet[ImportJob]:
    """Jobs that no worker will finish unless sent again: never sent (the broker was down at
    upload), sent but still waiting, or running, for longer than any task may take (the message
    or the worker was lost)."""
    patience = now - timedelta(seconds=settings.BROKER_VISIBILITY_TIMEOUT)
    Status = ImportJob.Status
    return ImportJob.objects.filter(
        Q(status=Status.QUEUED, queued_at=None, created_at__lt=now - UNSENT_GRACE)
        | Q(status=Status.QUEUED, queued_at__lt=patience)
        | Q(status=Status.RUNNING, started_at__lt=patience)
    )


def retry_imports(jobs: QuerySet[ImportJob]) -> int:
    """Start again the jobs that did not import (unfinished, or rejected: a product added since
    may make the file good), from scratch, once this transaction commits; imported ones are left
    alone. Returns how many."""
    retried = list(jobs.exclude(status=ImportJob.Status.DONE).values_list("pk", flat=True))
    ImportJob.objects.filter(pk__in=retried).update(
        status=ImportJob.Status.QUEUED,
        processed_rows=0,
        errors=[],
        attempts=0,
        queued_at=None,
        started_at=None,
        finished_at=None,
    )
    for pk in retried:
        transaction.on_commit(partial(queue_import, pk))
    return len(retried)


@shared_task
def requeue_stuck_imports() -> int:
    """Send every stuck import, and every shop delivery still waiting longer than any task may
    take, to the workers again (beat runs this every 5 minutes); returns how many were sent."""
    now = timezone.now()
    jobs = stuck_imports(now).values_list("pk", flat=True)
    deliveries = WebhookDelivery.objects.filter(
        status=WebhookDelivery.Status.QUEUED,
        received_at__lt=now - timedelta(seconds=settings.BROKER_VISIBILITY_TIMEOUT),
    ).values_list("pk", flat=True)
    return sum(queue_import(pk) for pk in jobs) + sum(
        send(import_delivery, pk) for pk in deliveries
    )
