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

The nightly refresh and reminder runs stay as the safety net.
"""

import logging
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from campaigns.models import BrandMetrics
from partnerships import reminders
from partnerships.models import Brand

logger = logging.getLogger(__name__)


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
    transaction.on_commit(partial(_reevaluate, brand_id))


def _after_commit(brand_id: int, since: date | datetime | None, resolves: bool) -> None:
    if settings.LIVE_FIGURES and _mark_stale(brand_id, since):
        _queue_refresh(brand_id)
    if resolves:
        _reevaluate(brand_id)


def _queue_refresh(brand_id: int) -> None:
    from partnerships.tasks import refresh_brand_figures  # the task module imports this one

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


def _reevaluate(brand_id: int) -> None:
    reminders.reevaluate(brand_id, now=timezone.now())


def _mark_stale(brand_id: int, since: date | datetime | None) -> bool:
    """Record that the brand's summaries are stale from `since`; True when no refresh was
    waiting yet, so one is to be queued."""
    brand = Brand.objects.get(pk=brand_id)
    if isinstance(since, datetime):
        since = since.astimezone(brand.timezone).date()
    state, _ = BrandMetrics.objects.get_or_create(brand=brand)
    with transaction.atomic():
        state = BrandMetrics.objects.select_for_update().get(pk=state.pk)
        queue = not state.refresh_queued
        if queue or since is None:
            state.queued_from = since
        elif state.queued_from is not None:
            state.queued_from = min(state.queued_from, since)
        state.refresh_queued = True
        state.save(update_fields=["refresh_queued", "queued_from"])
    return queue


@dataclass(frozen=True)
class Claim:
    """A queued refresh taken by the run that does it: the brand, and from which day."""

    brand: Brand
    since: date | None


def claim_refresh(brand_id: int) -> Claim | None:
    """Take the brand's queued refresh; None when none is waiting (another run took it).
    Writes marked after this queue the next one."""
    with transaction.atomic():
        state = (
            BrandMetrics.objects.select_for_update(of=("self",))
            .select_related("brand")
            .filter(brand_id=brand_id)
            .first()
        )
        if state is None or not state.refresh_queued:
            return None
        claim = Claim(state.brand, state.queued_from)
        state.refresh_queued, state.queued_from = False, None
        state.save(update_fields=["refresh_queued", "queued_from"])
    return claim
