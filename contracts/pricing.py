"""A contract's terms priced on one period's figures: the one place that says which
`contracts.compensation` rule prices a term of each kind, and on which figure.

Settlement (`contracts.statement_lines`) gathers the figures from what happened and the
contract page's preview (`contracts.preview`) from numbers typed in; both hand them to
`price_term` through the `Figures` they implement, so that they agree line for line and to
the cent on the same figures. Pure: no ORM query, no wording.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

from contracts import compensation
from contracts.models import CompensationTerm, Contract, StatementLine

Kind = CompensationTerm.Kind
LineKind = StatementLine.Kind


@dataclass(frozen=True)
class Priced:
    """A line a term (or the late-delivery penalty) pays in the period, before it is
    described: a statement line kind, its amount in the contract's currency, and what it was
    priced on (items, views, orders or the base, and the rate or amount per unit)."""

    kind: str
    amount: Decimal
    quantity: Decimal | int | None = None
    rate: Decimal | None = None


class Figures(Protocol):
    """One contract's period, as its terms are priced on it."""

    # The day each milestone of the contract happened, for installments tied to one.
    milestones: Mapping[str, date]

    def fee_counts(self, due: date | None) -> bool:
        """Whether a flat fee due on `due` (None: not known yet) is paid in this period."""

    def paid_before(self, term: CompensationTerm) -> bool:
        """Whether a flat fee or a bonus, paid once, was paid on another statement."""

    def published(self, content_type: str) -> int:
        """Items of `content_type` published in the period."""

    def views_gained(self) -> Sequence[int]:
        """The views each published item gained in the period."""

    def orders(self) -> int:
        """Confirmed attributed orders of the period."""

    def sales_in_scope(self, term: CompensationTerm) -> Decimal:
        """Net sales of the period in a commission term's scope, in the contract's currency."""

    def sales_of_joint_brand(self) -> Decimal:
        """Net sales of the period of the joint brand's products."""

    def purchases(self) -> Decimal:
        """The distributor's purchases of the period."""

    def metric(self, metric: str) -> Decimal | int:
        """A bonus metric's value for the contract, to the end of the period."""


def price_term(term: CompensationTerm, figures: Figures, currency: str) -> list[Priced]:
    """The lines `term` pays on `figures`, in `currency`: none for a fee not due or paid
    before, and for a bonus paid before; two for a revenue share with a minimum guarantee
    (the share, and what tops it up to the guarantee). A line may be of zero."""
    match term.kind:
        case Kind.FLAT_FEE:
            if figures.paid_before(term) or not figures.fee_counts(
                due_date(term, figures.milestones)
            ):
                return []
            amount = compensation.flat_fee(term.amount, currency)
            return [Priced(LineKind.FLAT_FEE, amount, quantity=1, rate=term.amount)]
        case Kind.PER_DELIVERABLE:
            items = figures.published(term.content_type)
            amount = compensation.per_deliverable(term.amount, items, currency)
            return [Priced(LineKind.PER_DELIVERABLE, amount, quantity=items, rate=term.amount)]
        case Kind.CPM:
            views = figures.views_gained()
            amount = compensation.cpm(
                views, amount_per_thousand=term.amount, cap_per_item=term.cap, currency=currency
            )
            gained = sum(max(item, 0) for item in views)
            return [Priced(LineKind.CPM, amount, quantity=gained, rate=term.amount)]
        case Kind.CPA:
            orders = figures.orders()
            amount = compensation.cpa(term.amount, orders, currency)
            return [Priced(LineKind.CPA, amount, quantity=orders, rate=term.amount)]
        case Kind.COMMISSION:
            base = figures.sales_in_scope(term)
            rates = rates_of(term)
            amount = compensation.commission(base, **rates, currency=currency)
            rate = compensation.effective_rate(base, **rates)
            return [Priced(LineKind.COMMISSION, amount, quantity=base, rate=rate)]
        case Kind.REVENUE_SHARE:
            return _revenue_share(term, figures.sales_of_joint_brand(), currency)
        case Kind.REBATE:
            purchases = figures.purchases()
            tiers = compensation.parse_tiers(term.tiers)
            amount = compensation.rebate(
                purchases, tiers=tiers, mode=term.tier_mode, currency=currency
            )
            rate = compensation.effective_rate(purchases, tiers=tiers, mode=term.tier_mode)
            return [Priced(LineKind.REBATE, amount, quantity=purchases, rate=rate)]
        case Kind.BONUS:
            if figures.paid_before(term):
                return []
            value = figures.metric(term.metric)
            amount = compensation.bonus(
                value, threshold=term.threshold, amount=term.amount, currency=currency
            )
            return [Priced(LineKind.BONUS, amount, quantity=value)]
    raise ValueError(f"kind: cannot price a term of kind {term.kind!r}.")


def _revenue_share(term: CompensationTerm, base: Decimal, currency: str) -> list[Priced]:
    share = compensation.revenue_share(base, rate=term.rate, currency=currency)
    lines = [Priced(LineKind.REVENUE_SHARE, share, quantity=base, rate=term.rate)]
    if term.minimum_guarantee:
        top_up = compensation.minimum_guarantee_top_up(
            base, rate=term.rate, minimum_guarantee=term.minimum_guarantee, currency=currency
        )
        lines.append(Priced(LineKind.MINIMUM_GUARANTEE, top_up))
    return lines


def late_delivery(
    contract: Contract, days_late_per_item: Sequence[int], *, already_charged: Decimal
) -> Priced:
    """The contract's late-delivery penalty for deliverables published late: a negative line
    at most what is left of the cap once earlier statements `already_charged` theirs."""
    days = [max(late, 0) for late in days_late_per_item]
    amount = compensation.late_delivery_penalty(
        days,
        per_day=contract.late_delivery_per_day,
        cap=contract.late_delivery_cap,
        currency=contract.currency,
        already_charged=already_charged,
    )
    return Priced(
        LineKind.LATE_DELIVERY, amount, quantity=sum(days), rate=contract.late_delivery_per_day
    )


def due_date(term: CompensationTerm, milestones: Mapping[str, date]) -> date | None:
    """When a flat fee is due: its date, or its milestone's day plus its offset; None while
    the milestone has not happened."""
    if term.due_date:
        return term.due_date
    happened = milestones.get(term.milestone)
    if happened is None:
        return None
    return compensation.milestone_due(happened, term.offset_days or 0)


def known_milestones(contract: Contract) -> dict[str, date]:
    """The milestones the contract itself records: its signing day, in the brand's zone."""
    if contract.signed_at is None:
        return {}
    zone = contract.partnership.brand.timezone
    return {CompensationTerm.Milestone.ON_SIGNING: contract.signed_at.astimezone(zone).date()}


def rates_of(term: CompensationTerm) -> dict[str, Any]:
    """A commission or revenue-share term's rate, tiers and tier mode, as `compensation`
    takes them (a flat rate has no tiers and no mode)."""
    tiers = compensation.parse_tiers(term.tiers) if term.tiers else ()
    return {"rate": term.rate, "tiers": tiers, "mode": term.tier_mode if tiers else "whole"}
