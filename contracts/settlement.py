"""Settlement: every period that has ended becomes a statement, priced to the cent (DESIGN §4).

`settle_due` finds the periods that are due (ended in the brand's time zone, plus the
contract's hold days) and settles them oldest first, in chunks of contracts that share a
period; `settle_period` settles one contract's period the same way. A chunk is one
transaction:

1. lock the contracts' rows, so that two workers settling the same period queue up and the
   second one recomputes what the first wrote;
2. aggregate the period's facts in SQL, in a fixed number of queries however many sales;
3. price them with `contracts.compensation`, the only place money is computed;
4. replace each draft statement's lines and trace them to the sales (INSERT … SELECT),
   content items and distributor orders they came from.

Approved and paid statements are never touched again: refunds, late payments and sales
confirmed after them land on the next statement that is still open. A killed worker leaves
nothing half-written, because nothing is committed before the chunk's last line is.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate

from campaigns.models import (
    ContentItem,
    ContentLine,
    MetricSnapshot,
    Participant,
    Sale,
    SaleLine,
    TrackingCode,
)
from contracts import compensation, wording
from contracts.models import (
    CompensationTerm,
    ContentType,
    Contract,
    DistributorOrder,
    JointBrand,
    Statement,
    StatementLine,
)
from partnerships import freshness, money, tenancy
from partnerships.models import Brand, ExchangeRate, Product

Kind = CompensationTerm.Kind
Basis = CompensationTerm.Basis
LineKind = StatementLine.Kind
Metric = CompensationTerm.Metric
Milestone = CompensationTerm.Milestone
ZERO = Decimal(0)

# Contracts that were agreed; drafts and negotiations pay nothing.
SETTLED_CONTRACTS = (
    Contract.Status.SIGNED,
    Contract.Status.ACTIVE,
    Contract.Status.COMPLETED,
    Contract.Status.TERMINATED,
)
CLOSED = (Statement.Status.APPROVED, Statement.Status.PAID)
# Contracts settled in one transaction: large enough that the queries per chunk are few next to
# the rows they read, small enough that a chunk's locks and memory stay modest.
CHUNK_SIZE = 200
# Lines priced on a period's sales at a rate of their own: what later corrections of the
# period are priced at.
SALES_LINES = (LineKind.COMMISSION, LineKind.REVENUE_SHARE)
# Lines that pay for sales, traced sale by sale; their refunds are clawed back. A late
# confirmation pays a closed period's sales confirmed since, at that period's rate.
PAID_SALES_LINES = (*SALES_LINES, LineKind.LATE_CONFIRMATION)
SUM_FIELD = DecimalField(max_digits=24, decimal_places=2)
# Rows of a VALUES list per statement: 4 parameters each stays far below SQLite's 32,766.
SCOPE_BATCH = 2000


# --- periods ---------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Period:
    """A settlement period of whole days, half-open: [start, end) in the brand's time zone."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError(f"A period ends after it starts, not on {self.end}.")

    @classmethod
    def month(cls, day: date) -> "Period":
        """The calendar month containing `day`."""
        start = day.replace(day=1)
        return cls(start, _months_later(start, 1))

    @classmethod
    def quarter(cls, day: date) -> "Period":
        """The calendar quarter containing `day`."""
        start = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
        return cls(start, _months_later(start, 3))

    def bounds(self, zone: tzinfo) -> tuple[datetime, datetime]:
        """The period's first instant and the instant after it, in `zone`."""
        return _midnight(self.start, zone), _midnight(self.end, zone)

    def overlaps(self, other: "Period") -> bool:
        return self.start < other.end and other.start < self.end

    def __str__(self) -> str:
        if self == Period.month(self.start):
            return f"{wording.MONTHS[self.start.month - 1]} {self.start.year}"
        if self == Period.quarter(self.start):
            return f"Q{(self.start.month - 1) // 3 + 1} {self.start.year}"
        last = self.end - timedelta(days=1)
        return f"{wording.format_date(self.start)} – {wording.format_date(last)}"


def _months_later(day: date, months: int) -> date:
    month = day.month - 1 + months
    return date(day.year + month // 12, month % 12 + 1, 1)


def _midnight(day: date, zone: tzinfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone)


def contract_period(contract: Contract, day: date) -> Period | None:
    """The contract's settlement period containing `day`: the calendar month or quarter, or
    for settlement on completion the whole contract. After the contract's end, the month (or
    quarter) where refunds and late payments still land. None for a contract settled on
    completion that has no end date yet."""
    if contract.settlement_period == Contract.SettlementPeriod.ON_COMPLETION:
        if contract.end is None:
            return None
        after = contract.end + timedelta(days=1)
        if day < after:
            return Period(contract.start, after)
        month = Period.month(day)
        return Period(max(month.start, after), month.end)
    if contract.settlement_period == Contract.SettlementPeriod.QUARTERLY:
        return Period.quarter(day)
    return Period.month(day)


def due_periods(contract: Contract, today: date) -> list[Period]:
    """The contract's periods that may be settled on `today`: ended `hold_days` ago or more,
    from the one the contract starts in to the one it ends in. After the end only the latest
    due period, which gathers what still happens (refunds, late payments)."""
    last_end = today - timedelta(days=contract.hold_days)
    periods = []
    period = contract_period(contract, contract.start)
    while (
        period is not None
        and period.end <= last_end
        and (contract.end is None or period.start <= contract.end)
    ):
        periods.append(period)
        period = contract_period(contract, period.end)
    if contract.end is not None and last_end > contract.end:
        latest = contract_period(contract, last_end - timedelta(days=1))
        if latest is not None and latest.end > last_end:
            latest = contract_period(contract, latest.start - timedelta(days=1))
        if latest is not None and latest.start > contract.end and latest not in periods:
            periods.append(latest)
    return periods


def _after_end(contract: Contract, period: Period) -> bool:
    return contract.end is not None and period.start > contract.end


def _last_period(contract: Contract, period: Period) -> bool:
    # No later statement of the contract will come to carry a small balance into.
    return contract.end is not None and period.end > contract.end


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
            _analyze_statements()
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


def _analyze_statements() -> None:
    """Let PostgreSQL's planner see the statements and lines a first chunk wrote. Every row
    written is checked against the statement or line it refers to by a plan made once per
    connection; made while those tables looked empty (a new database, or stale statistics
    without autovacuum) it reads them whole, and a long run slows down quadratically."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE contracts_statement, contracts_statementline")


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
        for start in range(0, len(group), CHUNK_SIZE):
            part = group[start : start + CHUNK_SIZE]
            history = _History(part, so_far)
            facts = _Facts(part, so_far, history)
            for contract in part:
                draft = _price(contract, so_far, facts, history)
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
        history = _History(contracts, period)
        open_contracts = [c for c in contracts if not history.closed(c)]
        if not open_contracts:
            return []
        facts = _Facts(open_contracts, period, history)
        drafts = [_price(contract, period, facts, history) for contract in open_contracts]
        return _write(drafts, facts, now, history)


@dataclass(frozen=True)
class _SalesScope:
    """Which of the contract's counted sales of the period a line stands for: all of them, or
    those of some products or of a category; `per_order` links one line of each order."""

    products: frozenset[int] | None = None
    category: str = ""
    per_order: bool = False


@dataclass
class _Line:
    """A statement line before it is saved, with what it is traced to."""

    kind: str
    description: str
    amount: Decimal
    quantity: Decimal | int | None = None
    rate: Decimal | None = None
    term: CompensationTerm | None = None
    # A clawback names the term of the line it corrects, which may have been removed since.
    term_id: int | None = None
    source_statement_id: int | None = None
    # The period's counted sales the line was priced on, linked in SQL when it is saved.
    sales: _SalesScope | None = None
    # The period's distributor orders (a rebate), linked in SQL too.
    distributor_orders: bool = False
    sale_links: list[tuple[int, Decimal, int]] = field(default_factory=list)
    content_links: list[tuple[int, Decimal | int]] = field(default_factory=list)


@dataclass
class _Draft:
    contract: Contract
    lines: list[_Line]
    problem: str = ""
    # A period after the contract's end gets a statement only when something happened in it.
    wanted: bool = True


# --- what earlier statements say -------------------------------------------------------------


class _History:
    """The chunk's statements and the lines of theirs that later statements depend on."""

    def __init__(self, contracts: list[Contract], period: Period) -> None:
        self.period = period
        self.statements: dict[int, list[Statement]] = defaultdict(list)
        for statement in Statement.objects.filter(contract__in=contracts).order_by("period_start"):
            self.statements[statement.contract_id].append(statement)
        others = [s.pk for rows in self.statements.values() for s in rows if not self._is_this(s)]
        self.lines = defaultdict(list)
        for line in StatementLine.objects.filter(
            statement_id__in=others,
            kind__in=(
                LineKind.FLAT_FEE,
                LineKind.BONUS,
                LineKind.LATE_DELIVERY,
                LineKind.LATE_PAYMENT,
            ),
        ).values(
            "statement__contract_id",
            "statement__status",
            "statement__period_start",
            "kind",
            "term_id",
            "amount",
            "source_statement_id",
        ):
            self.lines[line["statement__contract_id"]].append(line)

    def _is_this(self, statement: Statement) -> bool:
        return statement.period_start == self.period.start

    def this(self, contract: Contract) -> Statement | None:
        """The contract's statement of the period being settled, if there is one."""
        return next((s for s in self.statements[contract.pk] if self._is_this(s)), None)

    def closed(self, contract: Contract) -> bool:
        statement = self.this(contract)
        return statement is not None and statement.status in CLOSED

    def earlier(self, contract: Contract) -> list[Statement]:
        return [s for s in self.statements[contract.pk] if s.period_start < self.period.start]

    def has_closed(self, contract: Contract) -> bool:
        return any(s.status in CLOSED for s in self.statements[contract.pk])

    def landing_from(self, contract: Contract) -> date | None:
        """Refunds from this day on land on this period's statement: the end of the latest
        earlier statement that is still open (earlier refunds land there), None if none is."""
        ends = [s.period_end for s in self.earlier(contract) if s.status not in CLOSED]
        return max(ends, default=None)

    def _settled(self, contract: Contract) -> list[dict[str, Any]]:
        """Lines of the contract that stay where they are: on closed statements or earlier
        ones. A later draft is recomputed after this one (oldest first) and drops what this
        one takes, so a term reached sooner than first thought moves to its true period."""
        return [
            line
            for line in self.lines[contract.pk]
            if line["statement__status"] in CLOSED
            or line["statement__period_start"] < self.period.start
        ]

    def paid_terms(self, contract: Contract, kind: str) -> set[int]:
        """Terms of `kind` already paid on another statement (a fee or bonus is paid once)."""
        return {line["term_id"] for line in self._settled(contract) if line["kind"] == kind}

    def late_delivery_charged(self, contract: Contract) -> Decimal:
        """Late-delivery penalties charged on earlier statements, as a positive amount."""
        return -sum(
            (
                line["amount"]
                for line in self.lines[contract.pk]
                if line["kind"] == LineKind.LATE_DELIVERY
                and line["statement__period_start"] < self.period.start
            ),
            start=ZERO,
        )

    def interest_paid_for(self, contract: Contract) -> set[int]:
        """Statements whose late payment already earned interest on another statement."""
        return {
            line["source_statement_id"]
            for line in self._settled(contract)
            if line["kind"] == LineKind.LATE_PAYMENT
        }


# --- the period's facts, aggregated in SQL ---------------------------------------------------


def _counted(prefix: str = "") -> Q:
    """Sales that earn pay now: confirmed, and not wholly refunded."""
    return Q(**{f"{prefix}status": Sale.Status.CONFIRMED}) & Q(
        **{f"{prefix}refunded_amount__lt": F(f"{prefix}net_amount")}
    )


def _base(prefix: str = "") -> Case:
    """A sale's commission base now: its net amount less refunds, if confirmed; else 0."""
    return Case(
        When(
            **{f"{prefix}status": Sale.Status.CONFIRMED},
            then=F(f"{prefix}net_amount") - F(f"{prefix}refunded_amount"),
        ),
        default=Value(ZERO),
        output_field=SUM_FIELD,
    )


def _refunded_at(prefix: str = "") -> Coalesce:
    # A refund recorded without its time is dated when it was recorded.
    return Coalesce(f"{prefix}refunded_at", f"{prefix}updated_at")


@dataclass(frozen=True)
class _SalesGroup:
    """Counted sales of one tracking code and currency; of one product and order day when
    those matter (None when they do not)."""

    product_id: int | None
    currency: str
    day: date | None
    base: Decimal
    sales: int


@dataclass(frozen=True)
class _ClosedSale:
    """One sale's amount to correct under one term of a closed statement (`source_id`): what
    is left to claw back of a refund, or the base of a sale confirmed after it closed."""

    sale_id: int
    term_id: int | None
    source_id: int
    currency: str
    day: date
    amount: Decimal  # in the sale's currency


@dataclass(frozen=True)
class _Refund(_ClosedSale):
    """What is left to claw back of one sale paid on a closed statement under one term."""

    at: datetime


@dataclass(frozen=True)
class _Reversal:
    """An order paid per order on a closed statement and now wholly refunded."""

    sale_id: int
    term_id: int | None
    source_id: int
    at: datetime


class _Facts:
    """Everything the chunk's contracts did in the period, keyed by contract id. Each fact is
    one query for the whole chunk, asked only when some contract has a term that needs it."""

    def __init__(self, contracts: list[Contract], period: Period, history: _History) -> None:
        self.contracts = contracts
        # Contracts whose term this period is in; after its end a contract earns nothing new.
        self.in_term = [c for c in contracts if not _after_end(c, period)]
        self.period = period
        self.zone = contracts[0].partnership.brand.timezone
        self.start, self.end = period.bounds(self.zone)
        self.terms: dict[int, list[CompensationTerm]] = defaultdict(list)
        for term in CompensationTerm.objects.filter(contract__in=contracts).select_related(
            "product"
        ):
            self.terms[term.contract_id].append(term)
        self.codes: dict[int, list[int]] = defaultdict(list)
        for code_id, contract_id in TrackingCode.objects.filter(
            participant__contract__in=contracts
        ).values_list("pk", "participant__contract_id"):
            self.codes[contract_id].append(code_id)
        self.contract_of_code = {
            code: contract_id for contract_id, codes in self.codes.items() for code in codes
        }
        self.sales = self._sales()
        self.categories = self._categories()
        self.joint_brands = self._joint_brands()
        self.orders = self._orders(self._needing(Kind.CPA), since=self.start)
        self.published = self._published()
        self.views = self._views()
        self.wholesale = self._wholesale()
        self.first_published = self._first_published()
        self.campaign_ends = self._campaign_ends()
        with_closed = [c for c in contracts if history.has_closed(c)]
        self.refunds = self._refunds(with_closed)
        self.reversals = self._reversals(with_closed)
        # Sales confirmed late land on the first open statement; later drafts leave them to it.
        self.late_sales = self._late_sales(
            [c for c in with_closed if history.landing_from(c) is None]
        )
        self.paid_rates = self._paid_rates()
        bonus_metrics = {
            metric: [c for c in self.in_term if self._unpaid_bonus(c, metric, history)]
            for metric in Metric.values
        }
        self.sales_to_date = self._sales_to_date(bonus_metrics[Metric.SALES])
        self.orders_to_date = self._orders(bonus_metrics[Metric.CONVERSIONS], since=None)
        self.rates = self._rates()

    def _needing(self, *kinds: str) -> list[Contract]:
        return [c for c in self.in_term if any(t.kind in kinds for t in self.terms[c.pk])]

    def _unpaid_bonus(self, contract: Contract, metric: str, history: _History) -> bool:
        paid = history.paid_terms(contract, LineKind.BONUS)
        return any(
            t.kind == Kind.BONUS and t.metric == metric and t.pk not in paid
            for t in self.terms[contract.pk]
        )

    def _codes_of(self, contracts: Iterable[Contract]) -> list[int]:
        return [code for c in contracts for code in self.codes[c.pk]]

    def in_period(self, field_name: str) -> Q:
        """`field_name` (a moment) falls in the period."""
        return Q(**{f"{field_name}__gte": self.start, f"{field_name}__lt": self.end})

    def _sales(self) -> dict[int, list[_SalesGroup]]:
        """Counted sales of the period, summed per code, currency and, where a term needs
        them, product and order day."""
        contracts = self._needing(Kind.COMMISSION, Kind.REVENUE_SHARE)
        by_product = [
            c
            for c in contracts
            if any(
                t.kind == Kind.REVENUE_SHARE
                or (t.kind == Kind.COMMISSION and t.basis != CompensationTerm.Basis.TOTAL)
                for t in self.terms[c.pk]
            )
        ]
        return self._sales_groups(
            self._codes_of(contracts),
            self._codes_of(by_product),
            self.in_period("ordered_at"),
        )

    def _sales_groups(
        self, codes: list[int], by_product: list[int], when: Q
    ) -> dict[int, list[_SalesGroup]]:
        groups = defaultdict(list)
        if not codes:
            return groups
        rows = (
            Sale.objects.filter(_counted(), when, tracking_code__in=codes)
            .values(
                "tracking_code_id",
                "currency",
                by_product=Case(When(tracking_code__in=by_product, then=F("product_id"))),
                # The order day picks the exchange rate; the contract's own currency needs
                # none, which keeps the groups few.
                day=Case(
                    When(
                        currency=F("tracking_code__participant__contract__currency"),
                        then=Value(None),
                    ),
                    default=TruncDate("ordered_at", tzinfo=self.zone),
                ),
            )
            .annotate(base=Sum(_base()), sales=Count("pk"))
            .order_by()
        )
        for row in rows:
            groups[self.contract_of_code[row["tracking_code_id"]]].append(
                _SalesGroup(
                    row["by_product"], row["currency"], row["day"], row["base"], row["sales"]
                )
            )
        return groups

    def _categories(self) -> dict[int, str]:
        if not any(
            t.basis == CompensationTerm.Basis.CATEGORY for ts in self.terms.values() for t in ts
        ):
            return {}
        products = {g.product_id for groups in self.sales.values() for g in groups if g.product_id}
        return dict(Product.objects.filter(pk__in=products).values_list("pk", "category"))

    def _joint_brands(self) -> dict[int, tuple[str, set[int]]]:
        contracts = self._needing(Kind.REVENUE_SHARE)
        brands: dict[int, tuple[str, set[int]]] = {}
        for contract_id, name, product_id in JointBrand.objects.filter(
            contract__in=contracts
        ).values_list("contract_id", "name", "products"):
            brands.setdefault(contract_id, (name, set()))[1].add(product_id)
        return brands

    def _orders(self, contracts: list[Contract], *, since: datetime | None) -> dict[int, int]:
        """Distinct orders with a counted line, ordered in the period (or since the beginning
        up to the period's end)."""
        if not contracts:
            return {}
        sales = Sale.objects.filter(
            _counted(), tracking_code__in=self._codes_of(contracts), ordered_at__lt=self.end
        )
        if since is not None:
            sales = sales.filter(ordered_at__gte=since)
        return dict(
            sales.values_list("tracking_code__participant__contract_id")
            .annotate(orders=Count("order_id", distinct=True))
            .order_by()
        )

    def _published(self) -> dict[int, list[dict[str, Any]]]:
        """Items published in the period, with the deliverable's due date (late delivery)."""
        contracts = [
            c
            for c in self.in_term
            if c.late_delivery_per_day
            or any(t.kind == Kind.PER_DELIVERABLE for t in self.terms[c.pk])
        ]
        items = defaultdict(list)
        for item in (
            ContentItem.objects.filter(
                self.in_period("published_at"),
                participant__contract__in=contracts,
                status=ContentItem.Status.PUBLISHED,
            )
            .values(
                "pk",
                "content_type",
                "published_at",
                "deliverable__due_date",
                contract=F("participant__contract_id"),
            )
            .order_by("published_at", "pk")
        ):
            item["day"] = item["published_at"].astimezone(self.zone).date()
            items[item["contract"]].append(item)
        return items

    def _views(self) -> dict[int, list[tuple[int, int, int]]]:
        """Per published item: (item, views by the period's start, views by its end), from the
        latest snapshot dated before each."""
        contracts = [
            c
            for c in self.in_term
            if any(
                t.kind == Kind.CPM or (t.kind == Kind.BONUS and t.metric == Metric.VIEWS)
                for t in self.terms[c.pk]
            )
        ]
        views = defaultdict(list)
        if not contracts:
            return views
        latest = MetricSnapshot.objects.filter(content=OuterRef("pk")).order_by("-date")
        for row in (
            ContentItem.objects.filter(
                participant__contract__in=contracts, status=ContentItem.Status.PUBLISHED
            )
            .values("pk", contract=F("participant__contract_id"))
            .annotate(
                before=Subquery(latest.filter(date__lt=self.period.start).values("views")[:1]),
                by_end=Subquery(latest.filter(date__lt=self.period.end).values("views")[:1]),
            )
            .order_by("pk")
        ):
            views[row["contract"]].append((row["pk"], row["before"] or 0, row["by_end"] or 0))
        return views

    def _wholesale(self) -> dict[int, tuple[Decimal, int]]:
        """Wholesale purchases of the period and how many orders they were."""
        contracts = self._needing(Kind.REBATE)
        if not contracts:
            return {}
        line_total = ExpressionWrapper(F("quantity") * F("unit_price"), output_field=SUM_FIELD)
        return {
            row["contract_id"]: (row["total"], row["orders"])
            for row in DistributorOrder.objects.filter(
                self.in_period("ordered_at"), contract__in=contracts
            )
            .values("contract_id")
            .annotate(total=Sum(line_total), orders=Count("reference", distinct=True))
            .order_by()
        }

    def _milestone_contracts(self, milestone: str) -> list[Contract]:
        return [
            c
            for c in self.contracts
            if any(t.kind == Kind.FLAT_FEE and t.milestone == milestone for t in self.terms[c.pk])
        ]

    def _first_published(self) -> dict[int, date]:
        rows = (
            ContentItem.objects.filter(
                participant__contract__in=self._milestone_contracts(Milestone.ON_FIRST_PUBLISH),
                status=ContentItem.Status.PUBLISHED,
            )
            .values_list("participant__contract_id")
            .annotate(first=Min("published_at"))
            .order_by()
        )
        return {contract_id: first.astimezone(self.zone).date() for contract_id, first in rows}

    def _campaign_ends(self) -> dict[int, date]:
        return dict(
            Participant.objects.filter(
                contract__in=self._milestone_contracts(Milestone.ON_CAMPAIGN_END)
            )
            .values_list("contract_id")
            .annotate(end=Max("campaign__end"))
            .order_by()
        )

    def _refunds(self, contracts: list[Contract]) -> dict[int, list[_Refund]]:
        """Sales paid on closed statements whose base has since shrunk by a refund dated
        before the period's end: what was paid (net of earlier clawbacks) less what the sale
        earns now, per sale, term and paying statement."""
        refunds = defaultdict(list)
        codes = self._codes_of(contracts)
        if not codes:
            return refunds
        rows = (
            SaleLine.objects.filter(
                Q(sale__refunded_amount__gt=0) | ~Q(sale__status=Sale.Status.CONFIRMED),
                sale__tracking_code__in=codes,
                line__statement__status__in=CLOSED,
                line__kind__in=(*PAID_SALES_LINES, LineKind.CLAWBACK),
                orders=0,
            )
            .alias(refunded_at=_refunded_at("sale__"))
            .filter(refunded_at__lt=self.end)
            .values(
                "sale_id",
                "sale__tracking_code_id",
                "sale__currency",
                "line__term_id",
                source=Coalesce("line__source_statement_id", "line__statement_id"),
                day=TruncDate("sale__ordered_at", tzinfo=self.zone),
                at=_refunded_at("sale__"),
                now=_base("sale__"),
            )
            .annotate(paid=Sum("base"))
            .filter(paid__gt=F("now"))
            .order_by("source", "sale_id")
        )
        for row in rows:
            refunds[self.contract_of_code[row["sale__tracking_code_id"]]].append(
                _Refund(
                    sale_id=row["sale_id"],
                    term_id=row["line__term_id"],
                    source_id=row["source"],
                    currency=row["sale__currency"],
                    day=row["day"],
                    amount=row["paid"] - row["now"],
                    at=row["at"],
                )
            )
        return refunds

    def _reversals(self, contracts: list[Contract]) -> dict[int, list[_Reversal]]:
        """Orders paid per order on closed statements (and not reversed yet) whose every line
        is now wholly refunded, dated by their last refund."""
        reversals = defaultdict(list)
        codes = self._codes_of(
            c for c in contracts if any(t.kind == Kind.CPA for t in self.terms[c.pk])
        )
        if not codes:
            return reversals
        order = Sale.objects.filter(
            brand_id=OuterRef("sale__brand_id"), order_id=OuterRef("sale__order_id")
        ).order_by()
        last_refund = order.values("order_id").annotate(last=Max(_refunded_at())).values("last")
        rows = (
            SaleLine.objects.filter(
                ~_counted("sale__"),
                ~Exists(order.filter(_counted())),
                sale__tracking_code__in=codes,
                line__statement__status__in=CLOSED,
                line__kind__in=(LineKind.CPA, LineKind.CLAWBACK),
            )
            .exclude(orders=0)
            .values(
                "sale_id",
                "sale__tracking_code_id",
                "line__term_id",
                source=Coalesce("line__source_statement_id", "line__statement_id"),
                at=Subquery(last_refund),
            )
            .annotate(orders=Sum("orders"))
            .filter(orders__gt=0, at__lt=self.end)
            .order_by("source", "sale_id")
        )
        for row in rows:
            reversals[self.contract_of_code[row["sale__tracking_code_id"]]].append(
                _Reversal(row["sale_id"], row["line__term_id"], row["source"], row["at"])
            )
        return reversals

    def _late_sales(self, contracts: list[Contract]) -> dict[int, list[_ClosedSale]]:
        """Counted sales ordered in a closed period before this one that no closed statement
        paid, since they were still pending when it closed: one row per sale, the closed
        statement of its order day and each commission or revenue-share term of the contract
        that covers the sale (all sales, one product or category, the joint brand's products)."""
        late = defaultdict(list)
        codes = self._codes_of(
            c
            for c in contracts
            if any(t.kind in (Kind.COMMISSION, Kind.REVENUE_SHARE) for t in self.terms[c.pk])
        )
        if not codes:
            return late
        paid = SaleLine.objects.filter(
            sale=OuterRef("pk"),
            line__statement__status__in=CLOSED,
            line__kind__in=PAID_SALES_LINES,
        )
        statement = "tracking_code__participant__contract__statements__"
        term = "tracking_code__participant__contract__terms__"
        of_joint_brand = JointBrand.objects.filter(
            contract_id=OuterRef("tracking_code__participant__contract_id"),
            products=OuterRef("product_id"),
        )
        covers = Q(**{f"{term}kind": Kind.COMMISSION}) & (
            Q(**{f"{term}basis": Basis.TOTAL})
            | Q(**{f"{term}basis": Basis.PRODUCT, f"{term}product_id": F("product_id")})
            | Q(**{f"{term}basis": Basis.CATEGORY, f"{term}category": F("product__category")})
        ) | Q(Exists(of_joint_brand), **{f"{term}kind": Kind.REVENUE_SHARE})
        rows = (
            Sale.objects.filter(
                _counted(), ~Exists(paid), tracking_code__in=codes, ordered_at__lt=self.start
            )
            .annotate(day=TruncDate("ordered_at", tzinfo=self.zone))
            # One filter(): the closed statement and the term are one row each.
            .filter(
                covers,
                **{
                    f"{statement}status__in": CLOSED,
                    f"{statement}period_start__lte": F("day"),
                    f"{statement}period_end__gt": F("day"),
                },
            )
            .values(
                "tracking_code_id",
                "currency",
                "day",
                sale_id=F("pk"),
                term_id=F(f"{term}id"),
                source_id=F(f"{statement}id"),
                amount=F("net_amount") - F("refunded_amount"),
            )
            .order_by("source_id", "sale_id")
        )
        for row in rows:
            contract_id = self.contract_of_code[row.pop("tracking_code_id")]
            late[contract_id].append(_ClosedSale(**row))
        return late

    def _paid_rates(self) -> dict[tuple[int, int | None], Decimal]:
        """The rate each closed line being clawed back, reversed or paid late was paid at, by
        statement and term (a term has one line of these kinds per statement)."""
        sources = {
            row.source_id
            for fact in (self.refunds, self.reversals, self.late_sales)
            for rows in fact.values()
            for row in rows
        }
        if not sources:
            return {}
        return {
            (statement_id, term_id): rate
            for statement_id, term_id, rate in StatementLine.objects.filter(
                statement_id__in=sources, kind__in=(*SALES_LINES, LineKind.CPA)
            ).values_list("statement_id", "term_id", "rate")
        }

    def _sales_to_date(self, contracts: list[Contract]) -> dict[int, list[_SalesGroup]]:
        """Counted sales from the beginning to the period's end (sales bonuses)."""
        return self._sales_groups(self._codes_of(contracts), [], Q(ordered_at__lt=self.end))

    def _rates(self) -> dict[tuple[int, str, str, date], Decimal]:
        """The exchange rates every foreign-currency sale above needs, by order day."""
        wanted = set()
        for contract in self.contracts:
            for currency, day in self.foreign_days(contract):
                wanted.add((contract.partnership.brand_id, currency, contract.currency, day))
        if not wanted:
            return {}
        rows = ExchangeRate.objects.filter(
            brand_id__in={w[0] for w in wanted},
            from_currency__in={w[1] for w in wanted},
            to_currency__in={w[2] for w in wanted},
            date__gte=min(w[3] for w in wanted),
            date__lte=max(w[3] for w in wanted),
        ).values_list("brand_id", "from_currency", "to_currency", "date", "rate")
        return {(b, f, t, d): rate for b, f, t, d, rate in rows}

    def foreign_days(self, contract: Contract) -> set[tuple[str, date]]:
        """(currency, order day) of the contract's sales in another currency than its own."""
        days = {
            (group.currency, group.day)
            for group in (*self.sales[contract.pk], *self.sales_to_date[contract.pk])
        }
        days |= {
            (sale.currency, sale.day)
            for sale in (*self.refunds[contract.pk], *self.late_sales[contract.pk])
        }
        return {(currency, day) for currency, day in days if currency != contract.currency}

    def rate(self, contract: Contract, currency: str, day: date) -> Decimal | None:
        """The rate converting `currency` into the contract's on `day`; None if missing."""
        if currency == contract.currency:
            return Decimal(1)
        key = (contract.partnership.brand_id, currency, contract.currency, day)
        return self.rates.get(key)


# --- pricing one contract --------------------------------------------------------------------


def _price(contract: Contract, period: Period, facts: _Facts, history: _History) -> _Draft:
    """The statement lines of one contract's period, priced with `compensation`."""
    wanted = not _after_end(contract, period) or history.this(contract) is not None
    earlier = history.earlier(contract)
    previous = earlier[-1] if earlier else None
    if previous is not None and previous.problem:
        problem = f"Waits for the statement of {_period_of(previous)}: {previous.problem}"
        return _Draft(contract, [], problem=problem, wanted=wanted)
    if problem := _missing_rates(contract, facts):
        return _Draft(contract, [], problem=problem)
    pricer = _Pricer(contract, period, facts, history)
    lines = [*pricer.carried_forward(previous), *pricer.terms(), *pricer.late_delivery()]
    lines += [*pricer.late_payments(earlier), *pricer.late_confirmations()]
    lines += [*pricer.clawbacks(), *pricer.reversals()]
    lines = [line for line in lines if line.amount]
    wanted = wanted or any(line.kind != LineKind.CARRIED_FORWARD for line in lines)
    return _Draft(contract, lines, wanted=wanted)


def _missing_rates(contract: Contract, facts: _Facts) -> str:
    missing = sorted(
        (day, currency)
        for currency, day in facts.foreign_days(contract)
        if facts.rate(contract, currency, day) is None
    )
    if not missing:
        return ""
    day, currency = missing[0]
    message = (
        f"No exchange rate from {currency} to {contract.currency} for "
        f"{wording.format_date(day)}: add it under exchange rates and settle again."
    )
    if len(missing) > 1:
        message += f" {len(missing) - 1} more rates are missing after it."
    return message


def _period_of(statement: Statement) -> Period:
    return Period(statement.period_start, statement.period_end)


@dataclass(frozen=True)
class _Correction:
    """Sales under one term of a closed statement, corrected on a later one: refunded since,
    or confirmed since."""

    source: Statement
    term_id: int | None
    rate: Decimal | None  # the rate the closed statement paid the term at
    base: Decimal  # the sales' amounts in the contract's currency, exact
    sales: list[_ClosedSale]

    def line(self, kind: str, description: str, amount: Decimal, *, sign: int) -> _Line:
        """The correcting line, traced to its sales (a clawback's bases are negative)."""
        return _Line(
            kind,
            description,
            amount,
            quantity=self.base,
            rate=self.rate,
            term_id=self.term_id,
            source_statement_id=self.source.pk,
            sale_links=[(sale.sale_id, sign * sale.amount, 0) for sale in self.sales],
        )


class _Pricer:
    """Turns one contract's facts into lines; every amount comes from `compensation`."""

    def __init__(
        self, contract: Contract, period: Period, facts: _Facts, history: _History
    ) -> None:
        self.contract = contract
        self.currency = contract.currency
        self.period = period
        self.facts = facts
        self.history = history
        self.statements = {s.pk: s for s in history.statements[contract.pk]}

    def money(self, amount: Decimal) -> str:
        return wording.format_money(amount, self.currency)

    def converted(self, amounts: Iterable[tuple[Decimal, str, date]]) -> Decimal:
        """The exact sum of amounts in their own currencies, in the contract's currency."""
        return compensation.converted_total(
            (amount, self.facts.rate(self.contract, currency, day))
            for amount, currency, day in amounts
        )

    # -- balances carried from before

    def carried_forward(self, previous: Statement | None) -> Iterator[_Line]:
        if previous is None or previous.payable:
            return
        yield _Line(
            LineKind.CARRIED_FORWARD,
            f"Balance carried forward from the statement for {_period_of(previous)}",
            previous.total,
            source_statement_id=previous.pk,
        )

    # -- the terms

    def terms(self) -> Iterator[_Line]:
        terms = sorted(
            self.facts.terms[self.contract.pk],
            key=lambda term: wording.KIND_ORDER.index(term.kind),
        )
        pricers = {
            Kind.FLAT_FEE: self._flat_fee,
            Kind.PER_DELIVERABLE: self._per_deliverable,
            Kind.CPM: self._cpm,
            Kind.CPA: self._cpa,
            Kind.COMMISSION: self._commission,
            Kind.REVENUE_SHARE: self._revenue_share,
            Kind.REBATE: self._rebate,
            Kind.BONUS: self._bonus,
        }
        after_end = _after_end(self.contract, self.period)
        for term in terms:
            # After the contract's end only installments still fall due (a milestone plus its
            # offset); sales, views and content no longer earn anything.
            if not after_end or term.kind == Kind.FLAT_FEE:
                yield from pricers[term.kind](term)

    def _flat_fee(self, term: CompensationTerm) -> Iterator[_Line]:
        due = self.due_date(term)
        # Due before this period ends and not paid yet: a milestone recorded late is paid on
        # the first open statement rather than lost in a closed one.
        if due is None or due >= self.period.end:
            return
        if term.pk in self.history.paid_terms(self.contract, LineKind.FLAT_FEE):
            return
        name = term.description or "Flat fee"
        yield _Line(
            LineKind.FLAT_FEE,
            f"{name}, due {wording.format_date(due)}",
            compensation.flat_fee(term.amount, self.currency),
            quantity=1,
            rate=term.amount,
            term=term,
        )

    def due_date(self, term: CompensationTerm) -> date | None:
        if term.due_date:
            return term.due_date
        happened = None
        if term.milestone == Milestone.ON_SIGNING and self.contract.signed_at:
            happened = self.contract.signed_at.astimezone(self.facts.zone).date()
        elif term.milestone == Milestone.ON_FIRST_PUBLISH:
            happened = self.facts.first_published.get(self.contract.pk)
        elif term.milestone == Milestone.ON_CAMPAIGN_END:
            happened = self.facts.campaign_ends.get(self.contract.pk)
        if happened is None:
            return None
        return compensation.milestone_due(happened, term.offset_days or 0)

    def _per_deliverable(self, term: CompensationTerm) -> Iterator[_Line]:
        items = [
            item
            for item in self.facts.published[self.contract.pk]
            if item["content_type"] == term.content_type
        ]
        kind = ContentType(term.content_type).label.lower()
        yield _Line(
            LineKind.PER_DELIVERABLE,
            f"{_count(len(items), f'{kind} item')} published, {self.money(term.amount)} each",
            compensation.per_deliverable(term.amount, len(items), self.currency),
            quantity=len(items),
            rate=term.amount,
            term=term,
            content_links=[(item["pk"], 1) for item in items],
        )

    def _cpm(self, term: CompensationTerm) -> Iterator[_Line]:
        gained = [
            (item, max(by_end - before, 0))
            for item, before, by_end in self.facts.views[self.contract.pk]
        ]
        views = sum(views for _, views in gained)
        description = f"{wording.format_count(views)} views, {self.money(term.amount)} per 1,000"
        if term.cap:
            description += f", at most {self.money(term.cap)} per item"
        yield _Line(
            LineKind.CPM,
            description,
            compensation.cpm(
                [views for _, views in gained],
                amount_per_thousand=term.amount,
                cap_per_item=term.cap,
                currency=self.currency,
            ),
            quantity=views,
            rate=term.amount,
            term=term,
            content_links=[(item, views) for item, views in gained if views],
        )

    def _cpa(self, term: CompensationTerm) -> Iterator[_Line]:
        orders = self.facts.orders.get(self.contract.pk, 0)
        yield _Line(
            LineKind.CPA,
            f"{_count(orders, 'confirmed order')}, {self.money(term.amount)} each",
            compensation.cpa(term.amount, orders, self.currency),
            quantity=orders,
            rate=term.amount,
            term=term,
            sales=_SalesScope(per_order=True),
        )

    def _commission(self, term: CompensationTerm) -> Iterator[_Line]:
        basis = CompensationTerm.Basis
        groups = self.facts.sales[self.contract.pk]
        sales, scope = _SalesScope(), ""
        if term.basis == basis.PRODUCT:
            groups = [g for g in groups if g.product_id == term.product_id]
            sales, scope = _SalesScope(products=frozenset([term.product_id])), f" of {term.product}"
        elif term.basis == basis.CATEGORY:
            groups = [g for g in groups if self.facts.categories.get(g.product_id) == term.category]
            sales, scope = _SalesScope(category=term.category), f" in {term.category}"
        base = self.converted((g.base, g.currency, g.day) for g in groups)
        pricing = _rates_of(term)
        count = sum(g.sales for g in groups)
        rate = compensation.effective_rate(base, **pricing)
        description = f"Commission on {self.money(base)} net sales{scope} ({_count(count, 'sale')})"
        if pricing["tiers"]:
            description += f": {wording.describe(term, contract=self.contract)}"
        elif rate is not None:
            description += f" at {wording.format_rate(rate)}"
        yield _Line(
            LineKind.COMMISSION,
            description,
            compensation.commission(base, **pricing, currency=self.currency),
            quantity=base,
            rate=rate,
            term=term,
            sales=sales,
        )

    def _revenue_share(self, term: CompensationTerm) -> Iterator[_Line]:
        name, products = self.facts.joint_brands.get(self.contract.pk, ("the joint brand", set()))
        groups = [g for g in self.facts.sales[self.contract.pk] if g.product_id in products]
        base = self.converted((g.base, g.currency, g.day) for g in groups)
        yield _Line(
            LineKind.REVENUE_SHARE,
            f"{wording.format_rate(term.rate)} of {self.money(base)} net sales of {name}",
            compensation.revenue_share(base, rate=term.rate, currency=self.currency),
            quantity=base,
            rate=term.rate,
            term=term,
            sales=_SalesScope(products=frozenset(products)),
        )
        if term.minimum_guarantee:
            yield _Line(
                LineKind.MINIMUM_GUARANTEE,
                f"Top-up to the minimum guarantee of {self.money(term.minimum_guarantee)}",
                compensation.minimum_guarantee_top_up(
                    base,
                    rate=term.rate,
                    minimum_guarantee=term.minimum_guarantee,
                    currency=self.currency,
                ),
                term=term,
            )

    def _rebate(self, term: CompensationTerm) -> Iterator[_Line]:
        purchases, orders = self.facts.wholesale.get(self.contract.pk, (ZERO, 0))
        tiers = compensation.parse_tiers(term.tiers)
        rate = compensation.effective_rate(purchases, tiers=tiers, mode=term.tier_mode)
        description = (
            f"Volume rebate on {self.money(purchases)} wholesale purchases "
            f"({_count(orders, 'order')}): {wording.describe(term, contract=self.contract)}"
        )
        yield _Line(
            LineKind.REBATE,
            description,
            compensation.rebate(
                purchases, tiers=tiers, mode=term.tier_mode, currency=self.currency
            ),
            quantity=purchases,
            rate=rate,
            term=term,
            distributor_orders=True,
        )

    def _bonus(self, term: CompensationTerm) -> Iterator[_Line]:
        if term.pk in self.history.paid_terms(self.contract, LineKind.BONUS):
            return
        value = self.metric_to_date(term.metric)
        shown = self.money(value) if term.metric == Metric.SALES else wording.format_count(value)
        threshold = (
            wording.format_threshold(term.threshold, self.currency)
            if term.metric == Metric.SALES
            else wording.format_count(term.threshold)
        )
        name = term.description or "Bonus"
        yield _Line(
            LineKind.BONUS,
            f"{name}: {Metric(term.metric).label.lower()} reached {shown} (threshold {threshold})",
            compensation.bonus(
                value,
                threshold=term.threshold,
                amount=term.amount,
                already_paid=False,
                currency=self.currency,
            ),
            quantity=value,
            term=term,
        )

    def metric_to_date(self, metric: str) -> Decimal | int:
        contract_id = self.contract.pk
        if metric == Metric.VIEWS:
            return sum(by_end for _, _, by_end in self.facts.views[contract_id])
        if metric == Metric.SALES:
            groups = self.facts.sales_to_date[contract_id]
            return self.converted((g.base, g.currency, g.day) for g in groups)
        return self.facts.orders_to_date.get(contract_id, 0)

    # -- breach

    def late_delivery(self) -> Iterator[_Line]:
        per_day = self.contract.late_delivery_per_day
        if not per_day or _after_end(self.contract, self.period):
            return
        late = [
            (item["pk"], (item["day"] - item["deliverable__due_date"]).days)
            for item in self.facts.published[self.contract.pk]
            if item["deliverable__due_date"] is not None
        ]
        late = [(item, days) for item, days in late if days > 0]
        days = sum(days for _, days in late)
        description = (
            f"{_count(len(late), 'item')} published {_count(days, 'day')} late in all, "
            f"{self.money(per_day)} a day"
        )
        if self.contract.late_delivery_cap:
            description += f" (at most {self.money(self.contract.late_delivery_cap)} in all)"
        yield _Line(
            LineKind.LATE_DELIVERY,
            description,
            compensation.late_delivery_penalty(
                [days for _, days in late],
                per_day=per_day,
                cap=self.contract.late_delivery_cap,
                currency=self.currency,
                already_charged=self.history.late_delivery_charged(self.contract),
            ),
            quantity=days,
            rate=per_day,
            content_links=late,
        )

    def late_payments(self, earlier: list[Statement]) -> Iterator[_Line]:
        per_day = self.contract.late_payment_per_day
        if not per_day:
            return
        done = self.history.interest_paid_for(self.contract)
        for statement in earlier:
            if statement.pk in done or not (statement.paid_on and statement.due_date):
                continue
            days = (statement.paid_on - statement.due_date).days
            if days <= 0:
                continue
            yield _Line(
                LineKind.LATE_PAYMENT,
                f"The statement for {_period_of(statement)} was paid {_count(days, 'day')} late "
                f"(due {wording.format_date(statement.due_date)}, paid "
                f"{wording.format_date(statement.paid_on)}), {self.money(per_day)} a day",
                compensation.late_payment_interest(days, per_day=per_day, currency=self.currency),
                quantity=days,
                rate=per_day,
                source_statement_id=statement.pk,
            )

    # -- corrections of closed statements

    def landed(self, at: datetime) -> bool:
        """Whether a refund made at `at` lands on this statement (not an earlier open one)."""
        since = self.history.landing_from(self.contract)
        return since is None or at >= _midnight(since, self.facts.zone)

    def by_closed_line(self, sales: Iterable[_ClosedSale]) -> Iterator[_Correction]:
        """`sales` grouped by the closed statement and term they correct, oldest first."""
        groups = defaultdict(list)
        for sale in sales:
            groups[(sale.source_id, sale.term_id)].append(sale)
        for (source_id, term_id), group in sorted(groups.items(), key=_by_source):
            rate = self.facts.paid_rates.get((source_id, term_id))
            yield _Correction(
                source=self.statements[source_id],
                term_id=term_id,
                rate=self.opening_rate(term_id) if rate is None else rate,
                base=self.converted((s.amount, s.currency, s.day) for s in group),
                sales=group,
            )

    def opening_rate(self, term_id: int | None) -> Decimal | None:
        """The rate of a sales term whose closed statement has no line for it (it had no
        counted sales then): the rate of its first unit of sales; None for a removed term."""
        term = next((t for t in self.facts.terms[self.contract.pk] if t.pk == term_id), None)
        return None if term is None else compensation.opening_rate(**_rates_of(term))

    def clawbacks(self) -> Iterator[_Line]:
        refunds = [r for r in self.facts.refunds[self.contract.pk] if self.landed(r.at)]
        for refunded in self.by_closed_line(refunds):
            yield refunded.line(
                LineKind.CLAWBACK,
                f"Refunds of {_count(len(refunded.sales), 'sale')} of the statement for "
                f"{_period_of(refunded.source)}: {self.money(refunded.base)} at "
                f"{_percent(refunded.rate or ZERO)}, the rate it was paid at",
                compensation.clawback(
                    refunded.base, effective_rate=refunded.rate, currency=self.currency
                ),
                sign=-1,
            )

    def late_confirmations(self) -> Iterator[_Line]:
        """Sales of closed periods confirmed since, a line per closed statement and term at
        the rate that statement paid the term at: its tiers are not recomputed. Only the
        contract's first open statement has any (the facts read them for it alone)."""
        for confirmed in self.by_closed_line(self.facts.late_sales[self.contract.pk]):
            yield confirmed.line(
                LineKind.LATE_CONFIRMATION,
                f"{_count(len(confirmed.sales), 'sale')} of the statement for "
                f"{_period_of(confirmed.source)} confirmed after its approval: "
                f"{self.money(confirmed.base)} at {_percent(confirmed.rate or ZERO)}, "
                "the rate it was paid at",
                compensation.late_confirmation(
                    confirmed.base, effective_rate=confirmed.rate, currency=self.currency
                ),
                sign=1,
            )

    def reversals(self) -> Iterator[_Line]:
        groups = defaultdict(list)
        for reversal in self.facts.reversals[self.contract.pk]:
            if self.landed(reversal.at):
                groups[(reversal.source_id, reversal.term_id)].append(reversal)
        for (source_id, term_id), orders in sorted(groups.items(), key=_by_source):
            per_order = self.facts.paid_rates.get((source_id, term_id), ZERO)
            yield _Line(
                LineKind.CLAWBACK,
                f"{_count(len(orders), 'order')} paid on the statement for "
                f"{_period_of(self.statements[source_id])} were refunded in full, "
                f"{self.money(per_order)} each",
                compensation.cpa_reversal(per_order, len(orders), self.currency),
                quantity=len(orders),
                rate=per_order,
                term_id=term_id,
                source_statement_id=source_id,
                sale_links=[(r.sale_id, ZERO, -1) for r in orders],
            )


def _rates_of(term: CompensationTerm) -> dict[str, Any]:
    """A commission or revenue-share term's rate, tiers and tier mode, as `compensation`
    takes them (a flat rate has no tiers and no mode)."""
    tiers = compensation.parse_tiers(term.tiers) if term.tiers else ()
    return {"rate": term.rate, "tiers": tiers, "mode": term.tier_mode if tiers else "whole"}


def _percent(rate: Decimal) -> str:
    """A rate for reading, to a hundredth of a percent: 0.055 is 5.5%, 1/30 is 3.33%."""
    return f"{rate * 100:.2f}".rstrip("0").rstrip(".") + "%"


def _count(number: int, noun: str) -> str:
    """1 order, 2 orders, 1,000 orders."""
    return f"{wording.format_count(number)} {noun}{'' if number == 1 else 's'}"


def _by_source(item: tuple[tuple[int, int | None], list]) -> tuple[int, int]:
    (source_id, term_id), _ = item
    return source_id, term_id or 0


# --- writing the statements ------------------------------------------------------------------


def _write(
    drafts: list[_Draft], facts: _Facts, now: datetime, history: _History
) -> list[Statement]:
    """Create or recompute each draft statement and replace its lines and their trace."""
    period = facts.period
    statements = []
    for draft in drafts:
        contract = draft.contract
        statement = history.this(contract)
        if statement is None and not draft.wanted:
            continue
        if statement is None:
            statement = Statement(
                contract=contract, period_start=period.start, period_end=period.end
            )
        statement.contract = contract
        statement.period_end = period.end
        statement.currency = contract.currency
        statement.due_date = period.end + timedelta(days=contract.payment_terms_days)
        statement.problem = draft.problem
        statement.computed_at = now
        statement.total = sum(
            (line.amount for line in draft.lines), start=money.round(ZERO, contract.currency)
        )
        statement.payable = not draft.problem and (
            statement.total >= 0
            and (statement.total >= contract.minimum_payout or _last_period(contract, period))
        )
        statements.append((statement, draft))
    recomputed = [statement for statement, _ in statements if statement.pk]
    _update(recomputed)
    StatementLine.objects.filter(statement__in=recomputed).delete()
    Statement.objects.bulk_create([statement for statement, _ in statements if not statement.pk])
    pending = [
        (StatementLine(statement=statement, position=position, **_columns(line)), line)
        for statement, draft in statements
        for position, line in enumerate(draft.lines)
    ]
    StatementLine.objects.bulk_create([row for row, _ in pending])
    _trace(pending, facts)
    return [statement for statement, _ in statements]


# What recomputing a draft changes, written for the whole chunk in one UPDATE … FROM a VALUES
# list (bulk_update's CASE per row and field costs more than the settlement itself).
RECOMPUTED = ("period_end", "currency", "due_date", "problem", "computed_at", "total", "payable")
UPDATE_STATEMENTS = """
WITH computed (id, period_end, currency, due_date, problem, computed_at, total, payable)
    AS (VALUES {values})
UPDATE contracts_statement
SET period_end = computed.period_end, currency = computed.currency,
    due_date = computed.due_date, problem = computed.problem,
    computed_at = computed.computed_at, total = computed.total, payable = computed.payable
FROM computed
WHERE contracts_statement.id = computed.id"""


def _update(statements: list[Statement]) -> None:
    fields = [Statement._meta.pk, *(Statement._meta.get_field(name) for name in RECOMPUTED)]
    rows = [
        tuple(
            field.get_db_prep_save(getattr(statement, field.attname), connection)
            for field in fields
        )
        for statement in statements
    ]
    # PostgreSQL types the VALUES columns by these casts; SQLite would cast a date to a number.
    typed = connection.vendor == "postgresql"
    types = tuple(field.db_type(connection) if typed else "" for field in fields)
    _execute(UPDATE_STATEMENTS, types, rows, ())


def _columns(line: _Line) -> dict[str, Any]:
    return {
        "kind": line.kind,
        "description": line.description[:300],
        "quantity": line.quantity,
        "rate": line.rate,
        "amount": line.amount,
        "term_id": line.term.pk if line.term else line.term_id,
        "source_statement_id": line.source_statement_id,
    }


def _trace(pending: list[tuple[StatementLine, _Line]], facts: _Facts) -> None:
    """Link every saved line to the sales, content items and orders it was priced on: the
    chunk's sales and orders in three INSERT … SELECT statements, whatever their number."""
    by_base, by_order, by_contract = [], [], []
    sale_links, content_links = [], []
    for row, line in pending:
        contract_id = row.statement.contract_id
        if (scope := line.sales) is not None:
            codes = facts.codes[contract_id]
            if scope.per_order:
                by_order += [(code, row.pk) for code in codes]
            else:
                products = [None] if scope.products is None else sorted(scope.products)
                by_base += [
                    (code, row.pk, product, scope.category or None)
                    for code in codes
                    for product in products
                ]
        if line.distributor_orders:
            by_contract.append((contract_id, row.pk))
        sale_links += [
            SaleLine(sale_id=sale, line=row, base=base, orders=orders)
            for sale, base, orders in line.sale_links
        ]
        content_links += [
            ContentLine(content_id=item, line=row, quantity=quantity)
            for item, quantity in line.content_links
        ]
    start, end = (connection.ops.adapt_datetimefield_value(m) for m in (facts.start, facts.end))
    counted = (start, end, Sale.Status.CONFIRMED)
    _execute(SALES_BY_BASE, ("bigint", "bigint", "bigint", "varchar(80)"), by_base, counted)
    _execute(SALES_BY_ORDER, ("bigint", "bigint"), by_order, counted)
    _execute(ORDERS_BY_CONTRACT, ("bigint", "bigint"), by_contract, (start, end))
    SaleLine.objects.bulk_create(sale_links)
    ContentLine.objects.bulk_create(content_links)


# The chunk's lines are a VALUES list (`scope`) joined to the period's rows, so a chunk links
# its sales and orders in one statement each and the rows never pass through Python. The sales
# filter is `_counted()` and the base `_base()`, written in SQL.
SALES_BY_BASE = """
WITH scope (code_id, line_id, product_id, category) AS (VALUES {values})
INSERT INTO campaigns_saleline (sale_id, line_id, base, orders)
SELECT sale.id, scope.line_id, sale.net_amount - sale.refunded_amount, 0
FROM campaigns_sale sale
JOIN scope ON scope.code_id = sale.tracking_code_id
JOIN partnerships_product product ON product.id = sale.product_id
WHERE sale.ordered_at >= %s AND sale.ordered_at < %s
    AND sale.status = %s AND sale.refunded_amount < sale.net_amount
    AND (scope.product_id IS NULL OR scope.product_id = sale.product_id)
    AND (scope.category IS NULL OR scope.category = product.category)"""
# One line of each order carries the order, so the trace counts every order once.
SALES_BY_ORDER = """
WITH scope (code_id, line_id) AS (VALUES {values})
INSERT INTO campaigns_saleline (sale_id, line_id, base, orders)
SELECT sale.id, first.line_id, sale.net_amount - sale.refunded_amount, 1
FROM (
    SELECT MIN(sale.id) AS sale_id, scope.line_id AS line_id
    FROM campaigns_sale sale
    JOIN scope ON scope.code_id = sale.tracking_code_id
    WHERE sale.ordered_at >= %s AND sale.ordered_at < %s
        AND sale.status = %s AND sale.refunded_amount < sale.net_amount
    GROUP BY scope.line_id, sale.order_id
) first
JOIN campaigns_sale sale ON sale.id = first.sale_id"""
ORDERS_BY_CONTRACT = """
WITH scope (contract_id, line_id) AS (VALUES {values})
INSERT INTO contracts_statementline_orders (statementline_id, distributororder_id)
SELECT scope.line_id, distributor_order.id
FROM contracts_distributororder distributor_order
JOIN scope ON scope.contract_id = distributor_order.contract_id
WHERE distributor_order.ordered_at >= %s AND distributor_order.ordered_at < %s"""


def _execute(sql: str, types: tuple[str, ...], scope: list[tuple], params: tuple) -> None:
    """Run one of the statements above with `scope` as its VALUES list (typed where `types`
    names a type, so that a column of NULLs still compares with the column it is joined to),
    in batches that stay within every database's limit on parameters."""
    placeholders = "(" + ", ".join(f"CAST(%s AS {kind})" if kind else "%s" for kind in types) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(scope), SCOPE_BATCH):
            batch = scope[start : start + SCOPE_BATCH]
            cursor.execute(
                sql.format(values=", ".join([placeholders] * len(batch))),
                [value for row in batch for value in row] + list(params),
            )
