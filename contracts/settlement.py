"""Settlement: every period that has ended becomes a statement, priced to the cent (DESIGN §4).

`settle_due` finds the periods that are due (ended in the brand's time zone, plus the
contract's hold days) and settles them oldest first, in chunks of contracts that share a
period; `settle_period` settles one contract's period the same way. A chunk is one
transaction:

1. lock the contracts' rows, so that two workers settling the same period queue up and the
   second one recomputes what the first wrote;
2. aggregate the period's facts in SQL, in a fixed number of queries however many sales
   (`settlement_facts`);
3. price them into lines (`statement_lines`) with `contracts.compensation`, the only place
   money is computed;
4. replace each draft statement's lines and trace them to the sales (INSERT … SELECT),
   content items and distributor orders they came from (`statement_writer`).

Periods and when they are due are `contracts.periods`.

Approved and paid statements are never touched again: refunds, late payments and sales
confirmed after them land on the next statement that is still open. A killed worker leaves
nothing half-written, because nothing is committed before the chunk's last line is.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Max

from contracts import statement_writer
from contracts.models import Contract, Statement, StatementLine
from contracts.periods import Period, contract_period, due_periods
from contracts.settlement_facts import CLOSED, Facts, History
from contracts.statement_lines import price_period
from partnerships import freshness, tenancy
from partnerships.models import Brand

LineKind = StatementLine.Kind

# Contracts that were agreed; drafts and negotiations pay nothing.
SETTLED_CONTRACTS = (
    Contract.Status.SIGNED,
    Contract.Status.ACTIVE,
    Contract.Status.COMPLETED,
    Contract.Status.TERMINATED,
)
# Contracts settled in one transaction: large enough that the queries per chunk are few next to
# the rows they read, small enough that a chunk's locks and memory stay modest.
CHUNK_SIZE = 200
# Contracts priced together for their accrued cost: nothing is locked or written, so a brand's
# contracts of one period are usually one chunk, each fact one query for all of them.
ACCRUAL_CHUNK_SIZE = 2000


# --- entry points ----------------------------------------------------------------------------


def settle_due(
    *,
    now: datetime,
    as_of: date | None = None,
    brand: Brand | None = None,
    contract: Contract | None = None,
    contract_ids: Iterable[int] | None = None,
    period: Period | None = None,
) -> list[Statement]:
    """Settle every period that is due and has no approved or paid statement yet, oldest
    first, and recompute every draft statement; return the statements written.

    `as_of` is the day to settle on; by default each brand's own date at `now`. `brand`,
    `contract` and `contract_ids` narrow the contracts; `period` keeps only the contracts'
    periods overlapping it (a month given to `manage.py settle` settles a quarterly contract's
    quarter)."""
    batches, brand_of = _due_batches(
        now=now,
        as_of=as_of,
        brand=brand,
        contract=contract,
        contract_ids=contract_ids,
        period=period,
    )
    settled = []
    for number, (due, ids) in enumerate(batches):
        settled += _settle_chunk(ids, due, now)
        if number == 0 and len(batches) > 1:
            statement_writer.analyze_statements()
    _figures_changed(settled, brand_of)
    return settled


def due_contracts(*, now: datetime, as_of: date | None = None) -> list[int]:
    """The ids of the contracts that `settle_due` would settle now, in id order."""
    batches, _brand_of = _due_batches(now=now, as_of=as_of)
    return sorted({pk for _due, ids in batches for pk in ids})


def _due_batches(
    *,
    now: datetime,
    as_of: date | None = None,
    brand: Brand | None = None,
    contract: Contract | None = None,
    contract_ids: Iterable[int] | None = None,
    period: Period | None = None,
) -> tuple[list[tuple[Period, list[int]]], dict[int, int]]:
    """What `settle_due` settles: chunks of contracts sharing a due period, oldest first; and
    each contract's brand id."""
    contracts = Contract.objects.filter(status__in=SETTLED_CONTRACTS).select_related(
        "partnership__brand"
    )
    if brand is not None:
        contracts = tenancy.scope_to_brand(contracts, brand)
    if contract is not None:
        contracts = contracts.filter(pk=contract.pk)
    if contract_ids is not None:
        contracts = contracts.filter(pk__in=list(contract_ids))
    statements = Statement.objects.filter(contract__in=contracts.values("pk"))
    # Statements are approved in period order, so everything up to a contract's latest closed
    # statement is settled for good.
    closed_until = dict(
        statements.filter(status__in=CLOSED)
        .values_list("contract_id")
        .annotate(Max("period_start"))
        .order_by()
    )
    drafts = defaultdict(list)
    for contract_id, start, end in statements.filter(status=Statement.Status.DRAFT).values_list(
        "contract_id", "period_start", "period_end"
    ):
        drafts[contract_id].append(Period(start, end))
    chunks: dict[tuple[Period, str], list[int]] = defaultdict(list)
    brand_of: dict[int, int] = {}
    for row in contracts.order_by("pk").iterator(chunk_size=2000):
        brand_of[row.pk] = row.partnership.brand_id
        zone = row.partnership.brand.timezone
        today = as_of or now.astimezone(zone).date()
        # A draft whose period has since changed (a new end date) is settled as it is now.
        periods = {draft.start: draft for draft in drafts[row.pk]}
        periods.update({due.start: due for due in due_periods(row, today)})
        for due in periods.values():
            if due.start <= closed_until.get(row.pk, date.min):
                continue
            if period is not None and not due.overlaps(period):
                continue
            chunks[(due, str(zone))].append(row.pk)
    # Oldest periods first: a statement carries the balance of the one before it.
    batches = [
        (due, ids[start : start + CHUNK_SIZE])
        for (due, _zone), ids in sorted(chunks.items(), key=lambda item: item[0])
        for start in range(0, len(ids), CHUNK_SIZE)
    ]
    return batches, brand_of


def _figures_changed(statements: list[Statement], brand_of: dict[int, int]) -> None:
    """One refresh per brand whose statements were written, from its earliest period."""
    since: dict[int, date] = {}
    for statement in statements:
        brand_id = brand_of[statement.contract_id]
        since[brand_id] = min(since.get(brand_id, date.max), statement.period_start)
    for brand_id, day in since.items():
        freshness.figures_changed(brand_id, day)


def settle_period(*, contract_id: int, period: Period, now: datetime) -> Statement | None:
    """Settle one period of one contract: its draft statement is created or recomputed from
    scratch; an approved or paid one is returned untouched. Returns None for a period after
    the contract's end in which nothing happened.

    1. lock the contract row  2. aggregate the period's facts in SQL  3. price them with
    `compensation`  4. replace the draft statement's lines, all in one transaction."""
    contract = Contract.objects.get(pk=contract_id)
    if contract.status not in SETTLED_CONTRACTS:
        raise ValueError(f"“{contract}” is not signed, so it has nothing to settle.")
    if contract_period(contract, period.start) != period:
        raise ValueError(f"{period} is not one of the settlement periods of “{contract}”.")
    written = _settle_chunk([contract_id], period, now)
    if written:
        _figures_changed(written, {contract_id: tenancy.brand_id_of(contract)})
        return written[0]
    return Statement.objects.filter(
        contract_id=contract_id, period_start=period.start, status__in=CLOSED
    ).first()


# --- accrued cost: the periods not settled yet, priced so far ---------------------------------


@dataclass(frozen=True)
class Accrual:
    """What a contract has earned so far in a period that has no statement yet."""

    contract_id: int
    period: Period  # the whole period its statement will cover
    currency: str
    # The period's lines so far; a carried-forward balance is left out, as it was counted on
    # the statement it comes from.
    amount: Decimal


def accrued(brand: Brand, *, today: date) -> list[Accrual]:
    """The accrued cost of the brand's contracts on `today` (the brand's date): each period
    that has begun and has no statement yet — the one running, and ended ones still inside
    their hold days — priced by the same rules as its statement, over its days up to `today`.
    Nothing is saved, approved or paid; once the period ends and nothing changes, the
    statement pays exactly this. A fixed number of queries per chunk of contracts."""
    contracts = tenancy.scope_to_brand(
        Contract.objects.filter(status__in=SETTLED_CONTRACTS), brand
    ).select_related("partnership__brand")
    settled = set(
        Statement.objects.filter(contract__in=contracts.values("pk")).values_list(
            "contract_id", "period_start"
        )
    )
    tomorrow = today + timedelta(days=1)
    chunks: dict[tuple[Period, Period], list[Contract]] = defaultdict(list)
    for contract in contracts.order_by("pk"):
        for period in _unsettled_periods(contract, today, settled):
            so_far = Period(period.start, min(period.end, tomorrow))
            chunks[(period, so_far)].append(contract)
    accruals = []
    for (period, so_far), group in sorted(chunks.items(), key=lambda item: item[0]):
        for start in range(0, len(group), ACCRUAL_CHUNK_SIZE):
            part = group[start : start + ACCRUAL_CHUNK_SIZE]
            history = History(part, so_far)
            facts = Facts(part, so_far, history)
            for contract in part:
                draft = price_period(contract, so_far, facts, history)
                if draft.problem or not draft.wanted:
                    continue
                amount = sum(
                    (line.amount for line in draft.lines if line.kind != LineKind.CARRIED_FORWARD),
                    Decimal(0),
                )
                accruals.append(Accrual(contract.pk, period, contract.currency, amount))
    return accruals


def _unsettled_periods(
    contract: Contract, today: date, settled: set[tuple[int, date]]
) -> Iterator[Period]:
    period = contract_period(contract, contract.start)
    while (
        period is not None
        and period.start <= today
        and (contract.end is None or period.start <= contract.end)
    ):
        if (contract.pk, period.start) not in settled:
            yield period
        period = contract_period(contract, period.end)


# --- one chunk: lock, gather, price, write ---------------------------------------------------


def _settle_chunk(contract_ids: list[int], period: Period, now: datetime) -> list[Statement]:
    with transaction.atomic():
        # Locked in id order, so two workers with overlapping chunks never deadlock.
        contracts = list(
            Contract.objects.select_for_update(of=("self",))
            .select_related("partnership__brand")
            .filter(pk__in=contract_ids)
            .order_by("pk")
        )
        history = History(contracts, period)
        open_contracts = [c for c in contracts if not history.closed(c)]
        if not open_contracts:
            return []
        facts = Facts(open_contracts, period, history)
        drafts = [price_period(contract, period, facts, history) for contract in open_contracts]
        return statement_writer.write(drafts, facts, now, history)
