from datetime import date

from celery import shared_task
from django.utils import timezone

from contracts import settlement


@shared_task(acks_late=True)
def settle_due_periods(as_of: str | None = None) -> int:
    """Settle every period that is due (beat runs this daily), on each brand's own today or on
    `as_of`, an ISO date; returns how many statements were written."""
    day = date.fromisoformat(as_of) if as_of else None
    return len(settlement.settle_due(now=timezone.now(), as_of=day))
