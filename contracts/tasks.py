from datetime import date, datetime

from celery import shared_task
from django.utils import timezone

from contracts import settlement


@shared_task(acks_late=True)
def settle_due_periods(as_of: str | None = None, chunk_size: int = settlement.CHUNK_SIZE) -> int:
    """Fan out the settlement of every period that is due (beat runs this daily), on each
    brand's own today or on `as_of`, an ISO date: one task per `chunk_size` contracts, so that
    every worker takes its share. Returns how many chunks were queued."""
    now = timezone.now()
    day = date.fromisoformat(as_of) if as_of else None
    due = settlement.due_contracts(now=now, as_of=day)
    chunks = [due[start : start + chunk_size] for start in range(0, len(due), chunk_size)]
    for contract_ids in chunks:
        settle_contracts.delay(contract_ids, now.isoformat(), as_of)
    return len(chunks)


@shared_task(acks_late=True)
def settle_contracts(contract_ids: list[int], now: str, as_of: str | None = None) -> int:
    """Settle the due periods of these contracts, oldest first, as of the fan-out's `now` (or
    on `as_of`); returns how many statements were written. Running it again, after a worker
    died in it or for a chunk queued twice, recomputes the same drafts."""
    day = date.fromisoformat(as_of) if as_of else None
    written = settlement.settle_due(
        now=datetime.fromisoformat(now), as_of=day, contract_ids=contract_ids
    )
    return len(written)
