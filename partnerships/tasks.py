from datetime import date

from celery import shared_task
from django.utils import timezone

from campaigns import roi
from partnerships import freshness, reminders


@shared_task(acks_late=True)
def send_daily_reminders(day: str | None = None) -> int:
    """Remind every brand of what needs doing (on each brand's own today, or on `day`, an ISO
    date); returns how many e-mails went out."""
    on = date.fromisoformat(day) if day else None
    return reminders.send_reminders(now=timezone.now(), day=on).mailed


@shared_task(acks_late=True)
def refresh_brand_figures(brand_id: int) -> int:
    """Refresh one brand's summaries over the days writes marked stale (partnerships/
    freshness.py); returns how many summary rows were written."""
    claim = freshness.claim_refresh(brand_id)
    if claim is None:
        return 0
    return roi.refresh(claim.brand, now=timezone.now(), since=claim.since)
