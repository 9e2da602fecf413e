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

from contracts import compensation, wording
from contracts.models import CompensationTerm, Contract, Statement, StatementLine
from contracts.periods import Period, after_end, midnight
from contracts.settlement_facts import ClosedSale, Facts, History

Kind = CompensationTerm.Kind
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
    description: str
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
    problem: str = ""
    # A period after the contract's end gets a statement only when something happened in it.
    wanted: bool = True


# --- pricing one contract --------------------------------------------------------------------


def price_period(contract: Contract, period: Period, facts: Facts, history: History) -> Draft:
    """The statement lines of one contract's period, priced with `compensation`."""
    wanted = not after_end(contract, period) or history.this(contract) is not None
    earlier = history.earlier(contract)
    previous = earlier[-1] if earlier else None
    if previous is not None and previous.problem:
        problem = wording.waits_for(_period_of(previous), previous.problem)
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


def _missing_rates(contract: Contract, facts: Facts) -> str:
    missing = sorted(
        (day, currency)
        for currency, day in facts.foreign_days(contract)
        if facts.rate(contract, currency, day) is None
    )
    if not missing:
        return ""
    day, currency = missing[0]
    return wording.missing_rates(currency, contract.currency, day, len(missing) - 1)


def _period_of(statement: Statement) -> str:
    """The name of the statement's period, as line descriptions give it."""
    return str(Period(statement.period_start, statement.period_end))


@dataclass(frozen=True)
class _Correction:
    """Sales under one term of a closed statement, corrected on a later one: refunded since,
    or confirmed since."""

    source: Statement
    term_id: int | None
    rate: Decimal | None  # the rate the closed statement paid the term at
    base: Decimal  # the sales' amounts in the contract's currency, exact
    sales: list[ClosedSale]

    def line(self, kind: str, description: str, amount: Decimal, *, sign: int) -> Line:
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
    """Turns one contract's facts into lines; every amount comes from `compensation`."""

    def __init__(self, contract: Contract, period: Period, facts: Facts, history: History) -> None:
        self.contract = contract
        self.currency = contract.currency
        self.period = period
        self.facts = facts
        self.history = history
        self.statements = {s.pk: s for s in history.statements[contract.pk]}

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
        ended = after_end(self.contract, self.period)
        for term in terms:
            # After the contract's end only installments still fall due (a milestone plus its
            # offset); sales, views and content no longer earn anything.
            if not ended or term.kind == Kind.FLAT_FEE:
                yield from pricers[term.kind](term)

    def _flat_fee(self, term: CompensationTerm) -> Iterator[Line]:
        due = self.due_date(term)
        # Due before this period ends and not paid yet: a milestone recorded late is paid on
        # the first open statement rather than lost in a closed one.
        if due is None or due >= self.period.end:
            return
        if term.pk in self.history.paid_terms(self.contract, LineKind.FLAT_FEE):
            return
        yield Line(
            LineKind.FLAT_FEE,
            wording.flat_fee_line(term, due),
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

    def _per_deliverable(self, term: CompensationTerm) -> Iterator[Line]:
        items = [
            item
            for item in self.facts.published[self.contract.pk]
            if item["content_type"] == term.content_type
        ]
        yield Line(
            LineKind.PER_DELIVERABLE,
            wording.per_deliverable_line(term, len(items), self.currency),
            compensation.per_deliverable(term.amount, len(items), self.currency),
            quantity=len(items),
            rate=term.amount,
            term=term,
            content_links=[(item["pk"], 1) for item in items],
        )

    def _cpm(self, term: CompensationTerm) -> Iterator[Line]:
        gained = [
            (item, max(by_end - before, 0))
            for item, before, by_end in self.facts.views[self.contract.pk]
        ]
        views = sum(views for _, views in gained)
        yield Line(
            LineKind.CPM,
            wording.cpm_line(term, views, self.currency),
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

    def _cpa(self, term: CompensationTerm) -> Iterator[Line]:
        orders = self.facts.orders.get(self.contract.pk, 0)
        yield Line(
            LineKind.CPA,
            wording.cpa_line(term, orders, self.currency),
            compensation.cpa(term.amount, orders, self.currency),
            quantity=orders,
            rate=term.amount,
            term=term,
            sales=SalesScope(per_order=True),
        )

    def _commission(self, term: CompensationTerm) -> Iterator[Line]:
        basis = CompensationTerm.Basis
        groups = self.facts.sales[self.contract.pk]
        sales = SalesScope()
        if term.basis == basis.PRODUCT:
            groups = [g for g in groups if g.product_id == term.product_id]
            sales = SalesScope(products=frozenset([term.product_id]))
        elif term.basis == basis.CATEGORY:
            groups = [g for g in groups if self.facts.categories.get(g.product_id) == term.category]
            sales = SalesScope(category=term.category)
        base = self.converted((g.base, g.currency, g.day) for g in groups)
        pricing = rates_of(term)
        count = sum(g.sales for g in groups)
        rate = compensation.effective_rate(base, **pricing)
        yield Line(
            LineKind.COMMISSION,
            wording.commission_line(term, self.contract, base, count, rate),
            compensation.commission(base, **pricing, currency=self.currency),
            quantity=base,
            rate=rate,
            term=term,
            sales=sales,
        )

    def _revenue_share(self, term: CompensationTerm) -> Iterator[Line]:
        name, products = self.facts.joint_brands.get(self.contract.pk, ("the joint brand", set()))
        groups = [g for g in self.facts.sales[self.contract.pk] if g.product_id in products]
        base = self.converted((g.base, g.currency, g.day) for g in groups)
        yield Line(
            LineKind.REVENUE_SHARE,
            wording.revenue_share_line(term, base, name, self.currency),
            compensation.revenue_share(base, rate=term.rate, currency=self.currency),
            quantity=base,
            rate=term.rate,
            term=term,
            sales=SalesScope(products=frozenset(products)),
        )
        if term.minimum_guarantee:
            yield Line(
                LineKind.MINIMUM_GUARANTEE,
                wording.minimum_guarantee_line(term, self.currency),
                compensation.minimum_guarantee_top_up(
                    base,
                    rate=term.rate,
                    minimum_guarantee=term.minimum_guarantee,
                    currency=self.currency,
                ),
                term=term,
            )

    def _rebate(self, term: CompensationTerm) -> Iterator[Line]:
        purchases, orders = self.facts.wholesale.get(self.contract.pk, (ZERO, 0))
        tiers = compensation.parse_tiers(term.tiers)
        rate = compensation.effective_rate(purchases, tiers=tiers, mode=term.tier_mode)
        yield Line(
            LineKind.REBATE,
            wording.rebate_line(term, self.contract, purchases, orders),
            compensation.rebate(
                purchases, tiers=tiers, mode=term.tier_mode, currency=self.currency
            ),
            quantity=purchases,
            rate=rate,
            term=term,
            distributor_orders=True,
        )

    def _bonus(self, term: CompensationTerm) -> Iterator[Line]:
        if term.pk in self.history.paid_terms(self.contract, LineKind.BONUS):
            return
        value = self.metric_to_date(term.metric)
        yield Line(
            LineKind.BONUS,
            wording.bonus_line(term, value, self.currency),
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

    def late_delivery(self) -> Iterator[Line]:
        per_day = self.contract.late_delivery_per_day
        if not per_day or after_end(self.contract, self.period):
            return
        late = [
            (item["pk"], (item["day"] - item["deliverable__due_date"]).days)
            for item in self.facts.published[self.contract.pk]
            if item["deliverable__due_date"] is not None
        ]
        late = [(item, days) for item, days in late if days > 0]
        days = sum(days for _, days in late)
        yield Line(
            LineKind.LATE_DELIVERY,
            wording.late_delivery_line(self.contract, len(late), days),
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
        return None if term is None else compensation.opening_rate(**rates_of(term))

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


def rates_of(term: CompensationTerm) -> dict[str, Any]:
    """A commission or revenue-share term's rate, tiers and tier mode, as `compensation`
    takes them (a flat rate has no tiers and no mode)."""
    tiers = compensation.parse_tiers(term.tiers) if term.tiers else ()
    return {"rate": term.rate, "tiers": tiers, "mode": term.tier_mode if tiers else "whole"}


def _by_source(item: tuple[tuple[int, int | None], list]) -> tuple[int, int]:
    (source_id, term_id), _ = item
    return source_id, term_id or 0
