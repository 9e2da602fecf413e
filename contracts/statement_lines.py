"""One contract's period priced into statement lines (DESIGN §4).

`price_period` turns what `settlement_facts` gathered for a contract into the lines of its
statement: the balance carried forward, each term, the breach terms, and the corrections of
closed statements (clawbacks, reversals, late confirmations). Every amount comes from
`contracts.compensation`, every description from `contracts.wording`; each line keeps what it
was priced on, so that `statement_writer` can trace it to its sales, content and orders.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from contracts import compensation, pricing, wording
from contracts.models import CompensationTerm, Contract, Statement, StatementLine
from contracts.periods import Period, after_end, midnight
from contracts.settlement_facts import ClosedSale, Facts, History, SalesGroup

Kind = CompensationTerm.Kind
Basis = CompensationTerm.Basis
LineKind = StatementLine.Kind
Metric = CompensationTerm.Metric
Milestone = CompensationTerm.Milestone
ZERO = Decimal(0)


@dataclass(frozen=True)
class SalesScope:
    """Which of the contract's counted sales of the period a line stands for: all of them, or
    those of some products or of a category; `per_order` links one line of each order."""

    products: frozenset[int] | None = None
    category: str = ""
    per_order: bool = False


@dataclass
class Line:
    """A statement line before it is saved, with what it is traced to."""

    kind: str
    description: wording.Phrase
    amount: Decimal
    quantity: Decimal | int | None = None
    rate: Decimal | None = None
    term: CompensationTerm | None = None
    # A clawback names the term of the line it corrects, which may have been removed since.
    term_id: int | None = None
    source_statement_id: int | None = None
    # The period's counted sales the line was priced on, linked in SQL when it is saved.
    sales: SalesScope | None = None
    # The period's distributor orders (a rebate), linked in SQL too.
    distributor_orders: bool = False
    sale_links: list[tuple[int, Decimal, int]] = field(default_factory=list)
    content_links: list[tuple[int, Decimal | int]] = field(default_factory=list)


@dataclass
class Draft:
    """One contract's statement of the period, before it is written."""

    contract: Contract
    lines: list[Line]
    problem: wording.Phrase | None = None
    # A period after the contract's end gets a statement only when something happened in it.
    wanted: bool = True


# --- pricing one contract --------------------------------------------------------------------


def price_period(contract: Contract, period: Period, facts: Facts, history: History) -> Draft:
    """The statement lines of one contract's period, priced with `compensation`."""
    wanted = not after_end(contract, period) or history.this(contract) is not None
    earlier = history.earlier(contract)
    previous = earlier[-1] if earlier else None
    if previous is not None and previous.problem:
        problem = wording.waits_for(_period_of(previous), previous)
        return Draft(contract, [], problem=problem, wanted=wanted)
    if problem := _missing_rates(contract, facts):
        return Draft(contract, [], problem=problem)
    pricer = _Pricer(contract, period, facts, history)
    lines = [*pricer.carried_forward(previous), *pricer.terms(), *pricer.late_delivery()]
    lines += [*pricer.late_payments(earlier), *pricer.late_confirmations()]
    lines += [*pricer.clawbacks(), *pricer.reversals()]
    lines = [line for line in lines if line.amount]
    wanted = wanted or any(line.kind != LineKind.CARRIED_FORWARD for line in lines)
    return Draft(contract, lines, wanted=wanted)


def _missing_rates(contract: Contract, facts: Facts) -> wording.Phrase | None:
    missing = sorted(
        (day, currency)
        for currency, day in facts.foreign_days(contract)
        if facts.rate(contract, currency, day) is None
    )
    if not missing:
        return None
    day, currency = missing[0]
    return wording.missing_rates(currency, contract.currency, day, len(missing) - 1)


def _period_of(statement: Statement) -> Period:
    """The statement's period, as line descriptions name it."""
    return Period(statement.period_start, statement.period_end)


@dataclass(frozen=True)
class _Correction:
    """Sales under one term of a closed statement, corrected on a later one: refunded since,
    or confirmed since."""

    source: Statement
    term_id: int | None
    rate: Decimal | None  # the rate the closed statement paid the term at
    base: Decimal  # the sales' amounts in the contract's currency, exact
    sales: list[ClosedSale]

    def line(self, kind: str, description: wording.Phrase, amount: Decimal, *, sign: int) -> Line:
        """The correcting line, traced to its sales (a clawback's bases are negative)."""
        return Line(
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
    """Turns one contract's facts into lines; every amount comes from `compensation`, the
    terms' through `pricing`, to which the pricer is the period's `pricing.Figures`."""

    def __init__(self, contract: Contract, period: Period, facts: Facts, history: History) -> None:
        self.contract = contract
        self.currency = contract.currency
        self.period = period
        self.facts = facts
        self.history = history
        self.statements = {s.pk: s for s in history.statements[contract.pk]}
        happened = {
            **pricing.known_milestones(contract),
            Milestone.ON_FIRST_PUBLISH: facts.first_published.get(contract.pk),
            Milestone.ON_CAMPAIGN_END: facts.campaign_ends.get(contract.pk),
        }
        self.milestones = {name: day for name, day in happened.items() if day is not None}

    def converted(self, amounts: Iterable[tuple[Decimal, str, date]]) -> Decimal:
        """The exact sum of amounts in their own currencies, in the contract's currency."""
        return compensation.converted_total(
            (amount, self.facts.rate(self.contract, currency, day))
            for amount, currency, day in amounts
        )

    # -- balances carried from before

    def carried_forward(self, previous: Statement | None) -> Iterator[Line]:
        if previous is None or previous.payable:
            return
        yield Line(
            LineKind.CARRIED_FORWARD,
            wording.carried_forward_line(_period_of(previous)),
            previous.total,
            source_statement_id=previous.pk,
        )

    # -- the terms

    def terms(self) -> Iterator[Line]:
        terms = sorted(
            self.facts.terms[self.contract.pk],
            key=lambda term: wording.KIND_ORDER.index(term.kind),
        )
        ended = after_end(self.contract, self.period)
        for term in terms:
            # After the contract's end only installments still fall due (a milestone plus its
            # offset); sales, views and content no longer earn anything.
            if not ended or term.kind == Kind.FLAT_FEE:
                for priced in pricing.price_term(term, self, self.currency):
                    yield self._term_line(term, priced)

    def _term_line(self, term: CompensationTerm, priced: pricing.Priced) -> Line:
        """The statement line of what `term` pays, described and traced to what it was
        priced on."""
        trace: dict[str, Any] = {}
        match priced.kind:
            case LineKind.FLAT_FEE:
                due = pricing.due_date(term, self.milestones)
                description = wording.flat_fee_line(term, due)
            case LineKind.PER_DELIVERABLE:
                items = self._items(term.content_type)
                description = wording.per_deliverable_line(term, len(items), self.currency)
                trace["content_links"] = [(item["pk"], 1) for item in items]
            case LineKind.CPM:
                description = wording.cpm_line(term, priced.quantity, self.currency)
                trace["content_links"] = [(item, views) for item, views in self._gained() if views]
            case LineKind.CPA:
                description = wording.cpa_line(term, priced.quantity, self.currency)
                trace["sales"] = SalesScope(per_order=True)
            case LineKind.COMMISSION:
                groups, trace["sales"] = self._in_scope(term)
                count = sum(g.sales for g in groups)
                description = wording.commission_line(
                    term, self.contract, priced.quantity, count, priced.rate
                )
            case LineKind.REVENUE_SHARE:
                name, products = self._joint_brand()
                description = wording.revenue_share_line(term, priced.quantity, name, self.currency)
                trace["sales"] = SalesScope(products=frozenset(products))
            case LineKind.MINIMUM_GUARANTEE:
                description = wording.minimum_guarantee_line(term, self.currency)
            case LineKind.REBATE:
                _, orders = self._wholesale()
                description = wording.rebate_line(term, self.contract, priced.quantity, orders)
                trace["distributor_orders"] = True
            case LineKind.BONUS:
                description = wording.bonus_line(term, priced.quantity, self.currency)
        return Line(
            priced.kind,
            description,
            priced.amount,
            quantity=priced.quantity,
            rate=priced.rate,
            term=term,
            **trace,
        )

    # -- the period's figures, as `pricing` prices the terms on them

    def fee_counts(self, due: date | None) -> bool:
        # Due before this period ends and not paid yet: a milestone recorded late is paid on
        # the first open statement rather than lost in a closed one.
        return due is not None and due < self.period.end

    def paid_before(self, term: CompensationTerm) -> bool:
        return term.pk in self.history.paid_terms(self.contract, term.kind)

    def published(self, content_type: str) -> int:
        return len(self._items(content_type))

    def views_gained(self) -> list[int]:
        return [views for _, views in self._gained()]

    def orders(self) -> int:
        return self.facts.orders.get(self.contract.pk, 0)

    def sales_in_scope(self, term: CompensationTerm) -> Decimal:
        groups, _ = self._in_scope(term)
        return self.converted((g.base, g.currency, g.day) for g in groups)

    def sales_of_joint_brand(self) -> Decimal:
        _, products = self._joint_brand()
        groups = [g for g in self.facts.sales[self.contract.pk] if g.product_id in products]
        return self.converted((g.base, g.currency, g.day) for g in groups)

    def purchases(self) -> Decimal:
        purchases, _ = self._wholesale()
        return purchases

    def metric(self, metric: str) -> Decimal | int:
        contract_id = self.contract.pk
        if metric == Metric.VIEWS:
            return sum(by_end for _, _, by_end in self.facts.views[contract_id])
        if metric == Metric.SALES:
            groups = self.facts.sales_to_date[contract_id]
            return self.converted((g.base, g.currency, g.day) for g in groups)
        return self.facts.orders_to_date.get(contract_id, 0)

    def _items(self, content_type: str) -> list[dict[str, Any]]:
        return [
            item
            for item in self.facts.published[self.contract.pk]
            if item["content_type"] == content_type
        ]

    def _gained(self) -> list[tuple[int, int]]:
        """(item, views it gained in the period) per published item."""
        return [
            (item, max(by_end - before, 0))
            for item, before, by_end in self.facts.views[self.contract.pk]
        ]

    def _in_scope(self, term: CompensationTerm) -> tuple[list[SalesGroup], SalesScope]:
        """The sales groups of a commission term's scope, and that scope."""
        groups = self.facts.sales[self.contract.pk]
        if term.basis == Basis.PRODUCT:
            groups = [g for g in groups if g.product_id == term.product_id]
            return groups, SalesScope(products=frozenset([term.product_id]))
        if term.basis == Basis.CATEGORY:
            groups = [g for g in groups if self.facts.categories.get(g.product_id) == term.category]
            return groups, SalesScope(category=term.category)
        return groups, SalesScope()

    def _joint_brand(self) -> tuple[str, set[int]]:
        return self.facts.joint_brands.get(self.contract.pk, ("the joint brand", set()))

    def _wholesale(self) -> tuple[Decimal, int]:
        return self.facts.wholesale.get(self.contract.pk, (ZERO, 0))

    # -- breach

    def late_delivery(self) -> Iterator[Line]:
        if not self.contract.late_delivery_per_day or after_end(self.contract, self.period):
            return
        late = [
            (item["pk"], (item["day"] - item["deliverable__due_date"]).days)
            for item in self.facts.published[self.contract.pk]
            if item["deliverable__due_date"] is not None
        ]
        late = [(item, days) for item, days in late if days > 0]
        priced = pricing.late_delivery(
            self.contract,
            [days for _, days in late],
            already_charged=self.history.late_delivery_charged(self.contract),
        )
        yield Line(
            priced.kind,
            wording.late_delivery_line(self.contract, len(late), priced.quantity),
            priced.amount,
            quantity=priced.quantity,
            rate=priced.rate,
            content_links=late,
        )

    def late_payments(self, earlier: list[Statement]) -> Iterator[Line]:
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
            yield Line(
                LineKind.LATE_PAYMENT,
                wording.late_payment_line(
                    _period_of(statement),
                    days,
                    statement.due_date,
                    statement.paid_on,
                    per_day,
                    self.currency,
                ),
                compensation.late_payment_interest(days, per_day=per_day, currency=self.currency),
                quantity=days,
                rate=per_day,
                source_statement_id=statement.pk,
            )

    # -- corrections of closed statements

    def landed(self, at: datetime) -> bool:
        """Whether a refund made at `at` lands on this statement (not an earlier open one)."""
        since = self.history.landing_from(self.contract)
        return since is None or at >= midnight(since, self.facts.zone)

    def by_closed_line(self, sales: Iterable[ClosedSale]) -> Iterator[_Correction]:
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
        return None if term is None else compensation.opening_rate(**pricing.rates_of(term))

    def clawbacks(self) -> Iterator[Line]:
        refunds = [r for r in self.facts.refunds[self.contract.pk] if self.landed(r.at)]
        for refunded in self.by_closed_line(refunds):
            yield refunded.line(
                LineKind.CLAWBACK,
                wording.clawback_line(
                    len(refunded.sales),
                    _period_of(refunded.source),
                    refunded.base,
                    refunded.rate,
                    self.currency,
                ),
                compensation.clawback(
                    refunded.base, effective_rate=refunded.rate, currency=self.currency
                ),
                sign=-1,
            )

    def late_confirmations(self) -> Iterator[Line]:
        """Sales of closed periods confirmed since, a line per closed statement and term at
        the rate that statement paid the term at: its tiers are not recomputed. Only the
        contract's first open statement has any (the facts read them for it alone)."""
        for confirmed in self.by_closed_line(self.facts.late_sales[self.contract.pk]):
            yield confirmed.line(
                LineKind.LATE_CONFIRMATION,
                wording.late_confirmation_line(
                    len(confirmed.sales),
                    _period_of(confirmed.source),
                    confirmed.base,
                    confirmed.rate,
                    self.currency,
                ),
                compensation.late_confirmation(
                    confirmed.base, effective_rate=confirmed.rate, currency=self.currency
                ),
                sign=1,
            )

    def reversals(self) -> Iterator[Line]:
        groups = defaultdict(list)
        for reversal in self.facts.reversals[self.contract.pk]:
            if self.landed(reversal.at):
                groups[(reversal.source_id, reversal.term_id)].append(reversal)
        for (source_id, term_id), orders in sorted(groups.items(), key=_by_source):
            per_order = self.facts.paid_rates.get((source_id, term_id), ZERO)
            yield Line(
                LineKind.CLAWBACK,
                wording.reversal_line(
                    len(orders), _period_of(self.statements[source_id]), per_order, self.currency
                ),
                compensation.cpa_reversal(per_order, len(orders), self.currency),
                quantity=len(orders),
                rate=per_order,
                term_id=term_id,
                source_statement_id=source_id,
                sale_links=[(r.sale_id, ZERO, -1) for r in orders],
            )


def _by_source(item: tuple[tuple[int, int | None], list]) -> tuple[int, int]:
    (source_id, term_id), _ = item
    return source_id, term_id or 0
