"""Compensation terms and contract conditions in plain language.

What a brand manager and an influencer both read on the contract page, the printable summary
and the preview: "8% on total monthly net sales once they reach ¥10,000, otherwise 5%". Pure
string building over the instances passed in; no money is computed here (that is
`contracts.compensation`), amounts are only shown, rounded with `money.round`.

Payable amounts show every minor unit ($1,500.00, ¥150,000 in JPY); thresholds, which are
targets rather than payments, drop zero cents (¥10,000).
"""

from collections.abc import Iterable, Sequence
from datetime import date, datetime, tzinfo
from decimal import Decimal

from contracts import compensation
from contracts.compensation import Tier
from contracts.models import CompensationTerm, ContentType, Contract
from partnerships import money

Kind = CompensationTerm.Kind

# Symbols people recognise; any other currency is shown with its code (HKD 1,500.00).
SYMBOLS = {
    "USD": "$",
    "EUR": "€",
    "GBP": "£",
    "CNY": "¥",
    "JPY": "¥",
    "RUB": "₽",
    "KRW": "₩",
}
# Fixed English abbreviations, so "15 Jan 2027" does not depend on the server's locale.
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# How a contract reads top to bottom: fixed fees, pay per item, pay on sales, then bonuses.
KIND_ORDER = (
    Kind.FLAT_FEE,
    Kind.PER_DELIVERABLE,
    Kind.CPM,
    Kind.CPA,
    Kind.COMMISSION,
    Kind.REVENUE_SHARE,
    Kind.REBATE,
    Kind.BONUS,
)
# A milestone as "<amount> on …" and as "<amount> N days after …".
MILESTONE_WORDS = {
    CompensationTerm.Milestone.ON_SIGNING: ("on signing", "signing"),
    CompensationTerm.Milestone.ON_FIRST_PUBLISH: (
        "on the first published content",
        "the first published content",
    ),
    CompensationTerm.Milestone.ON_CAMPAIGN_END: (
        "at the end of the campaign",
        "the campaign ends",
    ),
}
# "at least $2,000.00 a month"
PER_PERIOD = {
    Contract.SettlementPeriod.MONTHLY: "a month",
    Contract.SettlementPeriod.QUARTERLY: "a quarter",
    Contract.SettlementPeriod.ON_COMPLETION: "over the contract",
}
# "Settled monthly, 30 days after each month ends"
PERIOD_NOUN = {
    Contract.SettlementPeriod.MONTHLY: "month",
    Contract.SettlementPeriod.QUARTERLY: "quarter",
}
NOT_SET = "(amount not set)"


# --- numbers ---------------------------------------------------------------------------------


def format_money(amount: Decimal | None, currency: str | None) -> str:
    """An amount to pay in the currency's usual form: $1,500.00, ¥150,000 (JPY), €0.50,
    HKD 1,500.00 for a currency without a common symbol; -$10.00 when negative. Rounded to the
    currency's minor unit with `money.round`; without a currency, a plain 1,500.00."""
    if amount is None:
        return NOT_SET
    value = money.round(amount, currency or "")
    return _in_currency(value, money.minor_unit(currency or ""), currency)


def format_threshold(amount: Decimal | None, currency: str | None) -> str:
    """A money target (a tier's start, a sales bonus): like `format_money`, without zero
    cents, so "¥10,000" rather than "¥10,000.00"."""
    if amount is None:
        return NOT_SET
    if amount == amount.to_integral_value():
        return _in_currency(amount, 0, currency)
    return format_money(amount, currency)


def _in_currency(value: Decimal, places: int, currency: str | None) -> str:
    digits = f"{abs(value):,.{places}f}"
    sign = "-" if value < 0 else ""
    if currency is None:
        return f"{sign}{digits}"
    if symbol := SYMBOLS.get(currency):
        return f"{sign}{symbol}{digits}"
    return f"{sign}{currency} {digits}"


def format_count(value: Decimal | int | None) -> str:
    """A count with grouping: 1,000,000 (a fractional one keeps its digits: 1,234.5)."""
    if value is None:
        return "(not set)"
    number = Decimal(value)
    if number == number.to_integral_value():
        return f"{int(number):,}"
    return f"{number.normalize():,f}"


def format_rate(rate: Decimal | None) -> str:
    """A rate stored as a fraction, as a percentage without trailing zeros: 0.0800 → 8%,
    0.0125 → 1.25%."""
    if rate is None:
        return "(rate not set)"
    return f"{(Decimal(rate) * 100).normalize():f}%"


def format_date(day: date) -> str:
    """15 Jan 2027."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def format_moment(moment: datetime, zone: tzinfo) -> str:
    """15 Jan 2027, 14:30 CST: a moment on the clock of `zone` (the brand's), named by its
    abbreviation, so no time on a page is read in the wrong zone."""
    local = moment.astimezone(zone)
    return f"{format_date(local)}, {local:%H:%M} {local.tzname()}"


def _days(count: int) -> str:
    return "1 day" if count == 1 else f"{count:,} days"


# --- terms -----------------------------------------------------------------------------------


def describe(term: CompensationTerm, *, contract: Contract | None = None) -> str:
    """The term in plain language, in the contract's currency and settlement period.

    `contract` defaults to the term's own (pass it, or fetch terms through the contract, to
    avoid a query); a commission on one product reads the term's product, so fetch terms with
    `select_related("product")`. Examples: "$1,500.00 due on 15 Jan 2027", "$8.00 per 1,000
    views, at most $400.00 per item", "5% of monthly net sales up to ¥10,000 and 8% of the part
    above"."""
    contract = contract if contract is not None else _contract_of(term)
    currency = contract.currency if contract is not None else None
    period = contract.settlement_period if contract is not None else None
    try:
        kind = Kind(term.kind)
    except ValueError:
        return term.description or "Unknown kind of term"
    try:
        return _DESCRIBERS[kind](term, currency, period)
    except ValueError as error:  # tiers stored in a shape the model would refuse
        return f"{kind.label}: {error}"


def _contract_of(term: CompensationTerm) -> Contract | None:
    try:
        return term.contract
    except Contract.DoesNotExist:
        return None


def _flat_fee(term: CompensationTerm, currency: str | None, period: str | None) -> str:
    amount = format_money(term.amount, currency)
    if term.due_date:
        return f"{amount} due on {format_date(term.due_date)}"
    if term.milestone in MILESTONE_WORDS:
        on, after = MILESTONE_WORDS[term.milestone]
        if term.offset_days:
            return f"{amount} {_days(term.offset_days)} after {after}"
        return f"{amount} {on}"
    return f"{amount}, due date not set"


def _per_deliverable(term: CompensationTerm, currency: str | None, period: str | None) -> str:
    content = ContentType(term.content_type).label.lower() if term.content_type else "item"
    return f"{format_money(term.amount, currency)} per published {content}"


def _cpm(term: CompensationTerm, currency: str | None, period: str | None) -> str:
    text = f"{format_money(term.amount, currency)} per 1,000 views"
    if term.cap is not None:
        text += f", at most {format_money(term.cap, currency)} per item"
    return text


def _cpa(term: CompensationTerm, currency: str | None, period: str | None) -> str:
    return f"{format_money(term.amount, currency)} per confirmed order"


def _commission(term: CompensationTerm, currency: str | None, period: str | None) -> str:
    noun = "net sales" + _scope(term)
    if term.tiers:
        tiers = compensation.parse_tiers(term.tiers)
        return _tiered(tiers, term.tier_mode, noun, period, currency)
    return f"{format_rate(term.rate)} of {_in_period(noun, period)}"


def _scope(term: CompensationTerm) -> str:
    if term.basis == CompensationTerm.Basis.PRODUCT:
        if term.product_id is None:
            return " of one product (not chosen yet)"
        return f" of {term.product.name} ({term.product.sku})"
    if term.basis == CompensationTerm.Basis.CATEGORY:
        return f" in the {term.category or '(not named)'} category"
    return ""


def _revenue_share(term: CompensationTerm, currency: str | None, period: str | None) -> str:
    noun = "net sales of the joint brand's products"
    text = f"{format_rate(term.rate)} of {_in_period(noun, period)}"
    if term.minimum_guarantee is not None:
        per = PER_PERIOD.get(period, "per settlement period")
        text += f", at least {format_money(term.minimum_guarantee, currency)} {per}"
    return text


def _rebate(term: CompensationTerm, currency: str | None, period: str | None) -> str:
    tiers = compensation.parse_tiers(term.tiers)
    if not tiers:
        return "Rebate on wholesale purchases, tiers not set"
    return "Rebate: " + _tiered(tiers, term.tier_mode, "wholesale purchases", period, currency)


def _bonus(term: CompensationTerm, currency: str | None, period: str | None) -> str:
    amount = format_money(term.amount, currency)
    if term.metric == CompensationTerm.Metric.SALES:
        target = f"net sales first reach {format_threshold(term.threshold, currency)}"
    elif term.metric in (CompensationTerm.Metric.VIEWS, CompensationTerm.Metric.CONVERSIONS):
        target = f"{term.metric} first reach {format_count(term.threshold)}"
    else:
        target = f"the target of {format_count(term.threshold)} is first reached"
    return f"{amount} once, when {target}"


_DESCRIBERS = {
    Kind.FLAT_FEE: _flat_fee,
    Kind.PER_DELIVERABLE: _per_deliverable,
    Kind.CPM: _cpm,
    Kind.CPA: _cpa,
    Kind.COMMISSION: _commission,
    Kind.REVENUE_SHARE: _revenue_share,
    Kind.REBATE: _rebate,
    Kind.BONUS: _bonus,
}


def _in_period(noun: str, period: str | None) -> str:
    """Sales with their period: monthly net sales, net sales over the contract."""
    if period in (Contract.SettlementPeriod.MONTHLY, Contract.SettlementPeriod.QUARTERLY):
        return f"{period} {noun}"
    if period == Contract.SettlementPeriod.ON_COMPLETION:
        return f"{noun} over the contract"
    return noun


def _tiered(
    tiers: Sequence[Tier], mode: str, noun: str, period: str | None, currency: str | None
) -> str:
    """Tiers in words. Whole: "8% on total monthly net sales once they reach ¥10,000,
    otherwise 5%". Marginal: "5% of monthly net sales up to ¥10,000 and 8% of the part
    above"."""
    sales = _in_period(noun, period)
    rates = [format_rate(tier.rate) for tier in tiers]
    starts = [format_threshold(tier.from_, currency) for tier in tiers]
    from_zero = tiers[0].from_ <= 0
    if len(tiers) == 1 and from_zero:
        return f"{rates[0]} of {sales}"
    if mode == CompensationTerm.TierMode.MARGINAL:
        if from_zero:
            parts = [f"{rates[0]} of {sales} up to {starts[1]}"]
            bands = range(1, len(tiers))
        else:
            parts = [f"nothing on the first {starts[0]} of {sales}"]
            bands = range(len(tiers))
        for number in bands:
            if number == len(tiers) - 1:
                # The part before ended "up to <this start>", so the start needs no repeating.
                parts.append(f"{rates[number]} of the part above")
            else:
                parts.append(
                    f"{rates[number]} of the part from {starts[number]} up to {starts[number + 1]}"
                )
        return _join(parts)
    top = len(tiers) - 1
    parts = [f"{rates[top]} on total {sales} once they reach {starts[top]}"]
    parts += [
        f"{rates[number]} once they reach {starts[number]}" for number in range(top - 1, 0, -1)
    ]
    if top > 0:
        parts.append(
            f"otherwise {rates[0]}"
            if from_zero
            else f"{rates[0]} once they reach {starts[0]}, nothing below that"
        )
    elif not from_zero:
        parts.append("nothing below that")
    return ", ".join(parts)


def _join(parts: Sequence[str]) -> str:
    if len(parts) == 1:
        return parts[0]
    return f"{', '.join(parts[:-1])} and {parts[-1]}"


# --- the whole contract ----------------------------------------------------------------------


def describe_late_delivery(contract: Contract) -> str | None:
    """The late-delivery penalty in words, or None when the contract has none."""
    if not contract.late_delivery_per_day:
        return None
    text = (
        f"Late delivery costs {format_money(contract.late_delivery_per_day, contract.currency)} "
        "per day for each deliverable published late"
    )
    if contract.late_delivery_cap:
        text += f", at most {format_money(contract.late_delivery_cap, contract.currency)} in all"
    return text + "."


def describe_late_payment(contract: Contract) -> str | None:
    """The late-payment interest in words, or None when the contract has none."""
    if not contract.late_payment_per_day:
        return None
    per_day = format_money(contract.late_payment_per_day, contract.currency)
    return (
        f"A statement paid after its due date earns the influencer {per_day} per day late, "
        "added to the next statement."
    )


def describe_settlement(contract: Contract) -> list[str]:
    """When statements are made, when small balances wait, and when statements are paid."""
    noun = PERIOD_NOUN.get(contract.settlement_period)
    if noun is None:
        when = "Settled once, "
        after = "the contract ends"
    else:
        when = f"Settled {contract.settlement_period}, "
        after = f"each {noun} ends"
    if contract.hold_days:
        sentences = [
            f"{when}{_days(contract.hold_days)} after {after}, so orders returned within that "
            "window are left out."
        ]
    else:
        sentences = [f"{when}{'when' if noun is None else 'as soon as'} {after}."]
    if contract.minimum_payout:
        minimum = format_money(contract.minimum_payout, contract.currency)
        sentences.append(
            f"A statement below {minimum} is not paid; its balance carries to the next statement."
        )
    if contract.payment_terms_days:
        sentences.append(
            f"Approved statements are paid within {_days(contract.payment_terms_days)} "
            f"(net {contract.payment_terms_days})."
        )
    else:
        sentences.append("Approved statements are paid on approval.")
    return sentences


def describe_contract(
    contract: Contract,
    *,
    terms: Iterable[CompensationTerm] | None = None,
    include_terms: bool = True,
) -> list[str]:
    """The contract's money conditions as sentences: each term (its own note first, when it
    has one), then the breach terms, then settlement, minimum payout and payment terms.

    `terms` defaults to the contract's terms, from a prefetch when there is one (else one
    query, products joined). `include_terms=False` gives only the conditions, for pages that
    list the terms themselves."""
    sentences = []
    if include_terms:
        if terms is None:
            terms = _terms_of(contract)
        ordered = sorted(terms, key=lambda term: _kind_rank(term.kind))
        for term in ordered:
            text = describe(term, contract=contract)
            note = term.description.strip()
            sentences.append(f"{note}: {text}" if note and note != text else text)
    for breach in (describe_late_delivery(contract), describe_late_payment(contract)):
        if breach:
            sentences.append(breach)
    if contract.breach_terms.strip():
        sentences.append(contract.breach_terms.strip())
    sentences.extend(describe_settlement(contract))
    return sentences


def _terms_of(contract: Contract) -> list[CompensationTerm]:
    if "terms" in getattr(contract, "_prefetched_objects_cache", {}):
        return list(contract.terms.all())
    if contract.pk is None:
        return []
    return list(contract.terms.select_related("product"))


def _kind_rank(kind: str) -> int:
    return KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)


# --- statement lines -------------------------------------------------------------------------
# What each line of a statement says it pays for, from the figures it was priced on; a period
# is given by its name ("Nov 2026", "Q4 2026").


def count_of(number: int, noun: str) -> str:
    """1 order, 2 orders, 1,000 orders."""
    return f"{format_count(number)} {noun}{'' if number == 1 else 's'}"


def _paid_rate(rate: Decimal) -> str:
    """A rate for reading, to a hundredth of a percent: 0.055 is 5.5%, 1/30 is 3.33%."""
    return f"{rate * 100:.2f}".rstrip("0").rstrip(".") + "%"


def waits_for(period: str, problem: str) -> str:
    """Why a statement is not computed: the one before it has a problem."""
    return f"Waits for the statement of {period}: {problem}"


def missing_rates(from_currency: str, to_currency: str, day: date, more: int) -> str:
    """Why a statement is not computed: the first exchange rate it lacks, and how many more."""
    message = (
        f"No exchange rate from {from_currency} to {to_currency} for "
        f"{format_date(day)}: add it under exchange rates and settle again."
    )
    if more:
        message += f" {more} more rates are missing after it."
    return message


def carried_forward_line(period: str) -> str:
    return f"Balance carried forward from the statement for {period}"


def flat_fee_line(term: CompensationTerm, due: date) -> str:
    return f"{term.description or 'Flat fee'}, due {format_date(due)}"


def per_deliverable_line(term: CompensationTerm, items: int, currency: str) -> str:
    kind = ContentType(term.content_type).label.lower()
    return (
        f"{count_of(items, f'{kind} item')} published, {format_money(term.amount, currency)} each"
    )


def cpm_line(term: CompensationTerm, views: int, currency: str) -> str:
    text = f"{format_count(views)} views, {format_money(term.amount, currency)} per 1,000"
    if term.cap:
        text += f", at most {format_money(term.cap, currency)} per item"
    return text


def cpa_line(term: CompensationTerm, orders: int, currency: str) -> str:
    return f"{count_of(orders, 'confirmed order')}, {format_money(term.amount, currency)} each"


def commission_line(
    term: CompensationTerm, contract: Contract, base: Decimal, sales: int, rate: Decimal | None
) -> str:
    """The commission on the sales in the term's scope, at the rate they earned: the tiers in
    words when the term has tiers."""
    scope = ""
    if term.basis == CompensationTerm.Basis.PRODUCT:
        scope = f" of {term.product}"
    elif term.basis == CompensationTerm.Basis.CATEGORY:
        scope = f" in {term.category}"
    text = (
        f"Commission on {format_money(base, contract.currency)} net sales{scope} "
        f"({count_of(sales, 'sale')})"
    )
    if term.tiers:
        text += f": {describe(term, contract=contract)}"
    elif rate is not None:
        text += f" at {format_rate(rate)}"
    return text


def revenue_share_line(
    term: CompensationTerm, base: Decimal, joint_brand: str, currency: str
) -> str:
    return f"{format_rate(term.rate)} of {format_money(base, currency)} net sales of {joint_brand}"


def minimum_guarantee_line(term: CompensationTerm, currency: str) -> str:
    return f"Top-up to the minimum guarantee of {format_money(term.minimum_guarantee, currency)}"


def rebate_line(term: CompensationTerm, contract: Contract, purchases: Decimal, orders: int) -> str:
    return (
        f"Volume rebate on {format_money(purchases, contract.currency)} wholesale purchases "
        f"({count_of(orders, 'order')}): {describe(term, contract=contract)}"
    )


def bonus_line(term: CompensationTerm, value: Decimal | int, currency: str) -> str:
    if term.metric == CompensationTerm.Metric.SALES:
        shown = format_money(value, currency)
        threshold = format_threshold(term.threshold, currency)
    else:
        shown, threshold = format_count(value), format_count(term.threshold)
    metric = CompensationTerm.Metric(term.metric).label.lower()
    name = term.description or "Bonus"
    return f"{name}: {metric} reached {shown} (threshold {threshold})"


def late_delivery_line(contract: Contract, items: int, days: int) -> str:
    per_day = format_money(contract.late_delivery_per_day, contract.currency)
    text = (
        f"{count_of(items, 'item')} published {count_of(days, 'day')} late in all, {per_day} a day"
    )
    if contract.late_delivery_cap:
        text += f" (at most {format_money(contract.late_delivery_cap, contract.currency)} in all)"
    return text


def late_payment_line(
    period: str, days: int, due: date, paid: date, per_day: Decimal, currency: str
) -> str:
    return (
        f"The statement for {period} was paid {count_of(days, 'day')} late "
        f"(due {format_date(due)}, paid {format_date(paid)}), "
        f"{format_money(per_day, currency)} a day"
    )


def clawback_line(
    sales: int, period: str, base: Decimal, rate: Decimal | None, currency: str
) -> str:
    return (
        f"Refunds of {count_of(sales, 'sale')} of the statement for {period}: "
        f"{format_money(base, currency)} at {_paid_rate(rate or Decimal(0))}, "
        "the rate it was paid at"
    )


def late_confirmation_line(
    sales: int, period: str, base: Decimal, rate: Decimal | None, currency: str
) -> str:
    return (
        f"{count_of(sales, 'sale')} of the statement for {period} confirmed after its "
        f"approval: {format_money(base, currency)} at {_paid_rate(rate or Decimal(0))}, "
        "the rate it was paid at"
    )


def reversal_line(orders: int, period: str, per_order: Decimal, currency: str) -> str:
    return (
        f"{count_of(orders, 'order')} paid on the statement for {period} were refunded in "
        f"full, {format_money(per_order, currency)} each"
    )
