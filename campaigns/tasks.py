from datetime import date

from celery import shared_task
from django.utils import timezone

from campaigns import roi


@shared_task(acks_late=True)
def refresh_metrics(since: str | None = None) -> int:
    """Recompute every brand's daily metric and ROI summaries (from `since`, an ISO date, or
    every day); returns how many summary rows were written."""
    first = date.fromisoformat(since) if since else None
    return roi.refresh_all(now=timezone.now(), since=first)
