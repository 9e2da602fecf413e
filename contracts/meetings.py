"""Meetings of a partnership: the log and the next steps agreed at each. When the next meeting
is due follows from the cadence and the last meeting (`contracts.models.next_meeting_on`).
Each change re-evaluates the brand's reminders once it commits, so a next step done or a
meeting held leaves the dashboard's attention list at once."""

from datetime import datetime

from django.db import models, transaction

from contracts.models import Meeting, NextStep, Partnership
from partnerships import freshness


def open_steps(partnership: Partnership) -> models.QuerySet[NextStep]:
    """The partnership's next steps not yet done, soonest due first."""
    return NextStep.objects.filter(meeting__partnership=partnership, done_at=None).select_related(
        "owner", "meeting"
    )


def record_meeting(*, meeting: Meeting, steps: list[NextStep], by) -> Meeting:
    """Save a meeting and the next steps agreed at it, together."""
    with transaction.atomic():
        meeting.recorded_by = by
        meeting.save()
        for step in steps:
            step.meeting = meeting
        NextStep.objects.bulk_create(steps)
        freshness.reminders_changed(meeting.partnership.brand_id)
    return meeting


def mark_done(step: NextStep, *, now: datetime, done: bool = True) -> NextStep:
    """Mark a next step done (or open again)."""
    with transaction.atomic():
        step.done_at = now if done else None
        step.save(update_fields=["done_at"])
        freshness.reminders_changed(step.meeting.partnership.brand_id)
    return step
