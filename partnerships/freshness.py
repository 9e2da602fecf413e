"""Live figures (DESIGN §5): every write that changes a brand's figures calls `figures_changed`
inside its transaction — imports, publications, shipments, settlement, approvals, payments,
changed terms — and once that transaction commits:

- the brand's summaries are marked stale from the earliest day the write touched, and one
  refresh is queued: on the Celery worker when a broker is set, in-process otherwise. While it
  waits, further writes only move its first day earlier, so a burst of writes for one brand
  makes one refresh; pages say "updating…" meanwhile (`BrandFigures.updating`);
- when the write resolves a reminder (a statement approved, content published, samples
  shipped), the brand's reminders are re-evaluated at once, so the reminder and the header
  count go with the page that follows.

The writers stand below the apps that act on a change (the summaries are campaigns', the
reminders the workspace's), so this module names no app: once the write commits it sends
`figures_stale` and `reminders_stale`, which those apps connect to when they start
(`campaigns.tasks.queue_refresh`, `partnerships.workspace.reminders.on_reminders_stale`).

The nightly refresh and reminder runs stay as the safety net.
"""

from datetime import date, datetime
from functools import partial

from django.db import transaction
from django.dispatch import Signal

# Sent once a write that changed a brand's figures has committed: `brand_id`, and `since`, the
# first day it touched (a day, or a moment read in the brand's time zone; None for every day).
figures_stale = Signal()
# Sent once a write that may have resolved some of a brand's reminders has committed: `brand_id`.
reminders_stale = Signal()


def figures_changed(
    brand_id: int, since: date | datetime | None, *, resolves_reminders: bool = False
) -> None:
    """Refresh the brand's figures from `since` (a day, or a moment read in the brand's time
    zone; None for every day) once the current transaction commits, and re-evaluate its
    reminders then when `resolves_reminders`."""
    transaction.on_commit(partial(_after_commit, brand_id, since, resolves_reminders))


def reminders_changed(brand_id: int) -> None:
    """Re-evaluate the brand's reminders once the current transaction commits: for a write
    that resolves one without changing any figure (content approved, a contract ended)."""
    transaction.on_commit(partial(reminders_stale.send, sender=None, brand_id=brand_id))


def _after_commit(brand_id: int, since: date | datetime | None, resolves: bool) -> None:
    figures_stale.send(sender=None, brand_id=brand_id, since=since)
    if resolves:
        reminders_stale.send(sender=None, brand_id=brand_id)
