from datetime import date

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from campaigns import ingest, roi, webhooks
from campaigns.models import ImportJob

# Files up to this many rows are imported during the upload request; larger ones by a worker.
IMMEDIATE_ROWS = 2_000


@shared_task(acks_late=True)
def refresh_metrics(since: str | None = None) -> int:
    """Recompute every brand's daily metric and ROI summaries (from `since`, an ISO date, or
    every day); returns how many summary rows were written."""
    first = date.fromisoformat(since) if since else None
    return roi.refresh_all(now=timezone.now(), since=first)


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
    transaction.on_commit(lambda: import_file.delay(job.pk))
    return job


@shared_task(acks_late=True)
def import_delivery(delivery_id: int) -> str:
    """Import a shop's webhook delivery; safe to run twice (a processed one is left alone)."""
    return webhooks.process(delivery_id).status
