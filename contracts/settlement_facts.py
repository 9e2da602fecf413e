"""What a chunk of contracts did in a settlement period, gathered in SQL (DESIGN §4).

`Facts` reads the period's sales, content, views, wholesale purchases, milestones and the
corrections of closed statements for every contract of a chunk at once, in a fixed number of
queries however many sales; `History` reads the chunk's statements and the lines of theirs
that later statements depend on. Nothing here prices anything: `statement_lines` does.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

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

from campaigns.models import ContentItem, MetricSnapshot, Participant, Sale, SaleLine, TrackingCode
from contracts.models import (
    CompensationTerm,
    Contract,
    DistributorOrder,
    JointBrand,
    Statement,
    StatementLine,
)
from contracts.periods import Period, after_end
from partnerships.models import ExchangeRate, Product

Kind = CompensationTerm.Kind
Basis = CompensationTerm.Basis
LineKind = StatementLine.Kind
Metric = CompensationTerm.Metric
Milestone = CompensationTerm.Milestone
ZERO = Decimal(0)

CLOSED = (Statement.Status.APPROVED, Statement.Status.PAID)
# Lines priced on a period's sales at a rate of their own: what later corrections of the
# period are priced at.
SALES_LINES = (LineKind.COMMISSION, LineKind.REVENUE_SHARE)
# Lines that pay for sales, traced sale by sale; their refunds are clawed back. A late
# confirmation pays a closed period's sales confirmed since, at that period's rate.
PAID_SALES_LINES = (*SALES_LINES, LineKind.LATE_CONFIRMATION)
SUM_FIELD = DecimalField(max_digits=24, decimal_places=2)


# --- what earlier statements say -------------------------------------------------------------


class History:
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


def counted(prefix: str = "") -> Q:
    """Sales that earn pay now: confirmed, and not wholly refunded."""
    return Q(**{f"{prefix}status": Sale.Status.CONFIRMED}) & Q(
        **{f"{prefix}refunded_amount__lt": F(f"{prefix}net_amount")}
    )


def sale_base(prefix: str = "") -> Case:
    """A sale's commission base now: its net amount less refunds, if confirmed; else 0."""
    return Case(
        When(
            **{f"{prefix}status": Sale.Status.CONFIRMED},
            then=F(f"{prefix}net_amount") - F(f"{prefix}refunded_amount"),
        ),
        default=Value(ZERO),
        output_field=SUM_FIELD,
    )


# The same two rules in SQL, over a sale aliased `sale`, for the statements that trace lines
# to their sales without the ORM (`statement_writer`); the status is the parameter.
COUNTED_SQL = "sale.status = %s AND sale.refunded_amount < sale.net_amount"
BASE_SQL = "sale.net_amount - sale.refunded_amount"  # of a counted sale, hence confirmed


def _refunded_at(prefix: str = "") -> Coalesce:
    # A refund recorded without its time is dated when it was recorded.
    return Coalesce(f"{prefix}refunded_at", f"{prefix}updated_at")


@dataclass(frozen=True)
class SalesGroup:
    """Counted sales of one tracking code and currency; of one product and order day when
    those matter (None when they do not)."""

    product_id: int | None
    currency: str
    day: date | None
    base: Decimal
    sales: int


@dataclass(frozen=True)
class ClosedSale:
    """One sale's amount to correct under one term of a closed statement (`source_id`): what
    is left to claw back of a refund, or the base of a sale confirmed after it closed."""

    sale_id: int
    term_id: int | None
    source_id: int
    currency: str
    day: date
    amount: Decimal  # in the sale's currency


@dataclass(frozen=True)
class Refund(ClosedSale):
    """What is left to claw back of one sale paid on a closed statement under one term."""

    at: datetime


@dataclass(frozen=True)
class Reversal:
    """An order paid per order on a closed statement and now wholly refunded."""

    sale_id: int
    term_id: int | None
    source_id: int
    at: datetime


class Facts:
    """Everything the chunk's contracts did in the period, keyed by contract id. Each fact is
    one query for the whole chunk, asked only when some contract has a term that needs it."""

    def __init__(self, contracts: list[Contract], period: Period, history: History) -> None:
        self.contracts = contracts
        # Contracts whose term this period is in; after its end a contract earns nothing new.
        self.in_term = [c for c in contracts if not after_end(c, period)]
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

    def _unpaid_bonus(self, contract: Contract, metric: str, history: History) -> bool:
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

    def _sales(self) -> dict[int, list[SalesGroup]]:
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
    ) -> dict[int, list[SalesGroup]]:
        groups = defaultdict(list)
        if not codes:
            return groups
        rows = (
            Sale.objects.filter(counted(), when, tracking_code__in=codes)
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
            .annotate(base=Sum(sale_base()), sales=Count("pk"))
            .order_by()
        )
        for row in rows:
            groups[self.contract_of_code[row["tracking_code_id"]]].append(
                SalesGroup(
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
            counted(), tracking_code__in=self._codes_of(contracts), ordered_at__lt=self.end
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

    def _refunds(self, contracts: list[Contract]) -> dict[int, list[Refund]]:
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
                now=sale_base("sale__"),
            )
            .annotate(paid=Sum("base"))
            .filter(paid__gt=F("now"))
            .order_by("source", "sale_id")
        )
        for row in rows:
            refunds[self.contract_of_code[row["sale__tracking_code_id"]]].append(
                Refund(
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

    def _reversals(self, contracts: list[Contract]) -> dict[int, list[Reversal]]:
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
                ~counted("sale__"),
                ~Exists(order.filter(counted())),
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
                Reversal(row["sale_id"], row["line__term_id"], row["source"], row["at"])
            )
        return reversals

    def _late_sales(self, contracts: list[Contract]) -> dict[int, list[ClosedSale]]:
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
                counted(), ~Exists(paid), tracking_code__in=codes, ordered_at__lt=self.start
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
            late[contract_id].append(ClosedSale(**row))
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

    def _sales_to_date(self, contracts: list[Contract]) -> dict[int, list[SalesGroup]]:
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
