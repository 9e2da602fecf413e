"""Meetings of a partnership: the log, the next steps agreed, and when the next meeting is due.

The next meeting follows from the partnership's cadence and its last meeting; before the
first meeting it is due on the day the partnership began. A partnership met "when needed", or
no longer active, has no meeting due.
"""

from datetime import date, datetime

from dateutil.relativedelta import relativedelta
from django.db import models, transaction
from django.db.models import Count, Max, OuterRef, Subquery

from contracts.models import Meeting, NextStep, Partnership

Cadence = Partnership.Cadence

INTERVALS = {
    Cadence.WEEKLY: relativedelta(weeks=1),
    Cadence.FORTNIGHTLY: relativedelta(weeks=2),
    Cadence.MONTHLY: relativedelta(months=1),
    Cadence.QUARTERLY: relativedelta(months=3),
}


def next_meeting_on(
    cadence: str, status: str, last_held: date | None, since: date | None
) -> date | None:
    """The day the next meeting is due: one cadence interval after the last meeting, or the
    partnership's start before the first one; None when meetings are held as needed."""
    interval = INTERVALS.get(cadence)
    if interval is None or status != Partnership.Status.ACTIVE:
        return None
    if last_held is None:
        return since
    # relativedelta keeps month ends: monthly from 31 January is due on 28 February.
    return last_held + interval


def next_meeting(partnership: Partnership) -> date | None:
    """`next_meeting_on` for a partnership read through `with_meeting_figures`."""
    return next_meeting_on(
        partnership.meeting_cadence, partnership.status, partnership.last_met, partnership.since
    )


def with_meeting_figures(partnerships: models.QuerySet[Partnership]) -> models.QuerySet:
    """Annotate each partnership with `last_met` (its last meeting's date) and `open_steps`
    (next steps not yet done), in the same query."""
    open_steps = (
        NextStep.objects.filter(meeting__partnership=OuterRef("pk"), done_at=None)
        .order_by()
        .values("meeting__partnership")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return partnerships.annotate(
        last_met=Max("meetings__held_on"),
        open_steps=models.functions.Coalesce(Subquery(open_steps), 0),
    )


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
    return meeting


def mark_done(step: NextStep, *, now: datetime, done: bool = True) -> NextStep:
    """Mark a next step done (or open again)."""
    step.done_at = now if done else None
    step.save(update_fields=["done_at"])
    return step
