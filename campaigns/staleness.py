"""Which days of a brand's summaries are stale, and the one refresh waiting for them
(`BrandMetrics`): writes mark them (partnerships.freshness, through `campaigns.tasks`), the
refresh that runs claims them."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction

from campaigns.models import BrandMetrics
from partnerships.models import Brand


def mark_stale(brand_id: int, since: date | datetime | None) -> bool:
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
