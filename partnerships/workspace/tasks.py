from datetime import date

from celery import shared_task
from django.utils import timezone

from partnerships.workspace import reminders


# The name stored schedules run it by (partnerships/migrations/0003).
@shared_task(acks_late=True, name="partnerships.tasks.send_daily_reminders")
def send_daily_reminders(day: str | None = None) -> int:
    """Remind every brand of what needs doing (on each brand's own today, or on `day`, an ISO
    date); returns how many e-mails went out."""
    on = date.fromisoformat(day) if day else None
    return reminders.send_reminders(now=timezone.now(), day=on).mailed
