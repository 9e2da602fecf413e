"""Pure money rules: compensation terms and a period's facts in, statement line amounts out.

No ORM here. Settlement and the contract preview gather a period's facts (net sales, views
gained, orders, days late) and `contracts.pricing` calls one function per term; each returns
the line amount rounded exactly once with `money.round` to the currency's minor unit (DESIGN
§4). Whatever is unrounded and meant for reuse says so in its name (`effective_rate`,
`_unrounded_*`).
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal, localcontext
from typing import Literal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partnerships import money

TierMode = Literal["whole", "marginal"]
TIER_MODES: tuple[TierMode, ...] = ("whole", "marginal")

ZERO = Decimal(0)
ONE = Decimal(1)
THOUSAND = Decimal(1000)
# Room for exact products and sums of 14-digit amounts, 7-digit rates and view counts, so the
# only rounding that ever touches money is money.round.
EXACT_DIGITS = 60
# An effective rate is a quotient that may not terminate; 40 digits is far below a cent.
RATE_DIGITS = 40


@dataclass(frozen=True)
class Tier:
    """A tier of a tiered rate: reached when the period's base is ≥ `from_`.
    `rate` is a fraction (0.0800 = 8%)."""

    from_: Decimal
    rate: Decimal


# --- validation, shared with forms and model clean() ---------------------------------------


def _check_decimal(value: object, name: str) -> Decimal:
    # Floats carry binary noise into cents; amounts and rates are Decimals built from strings.
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"{name} must be a Decimal, not {type(value).__name__}.")
    value = Decimal(value)
    if not value.is_finite():
        raise ValueError(f"{name} must be a number, not {value}.")
    return value


def check_rate(value: Decimal, name: str = "rate") -> Decimal:
    """Return `value` if it is a rate, a fraction between 0 and 1 inclusive (0.0800 is 8%);
    otherwise raise ValueError naming `name`."""
    value = _check_decimal(value, name)
    if not ZERO <= value <= ONE:
        raise ValueError(f"{name} is a fraction between 0 and 1 (0.0800 is 8%), not {value}.")
    return value


def check_cap(value: Decimal, name: str = "cap") -> Decimal:
    """Return `value` if it is a positive amount (a cap, a minimum guarantee); otherwise raise
    ValueError naming `name`."""
    value = _check_decimal(value, name)
    if value <= ZERO:
        raise ValueError(f"{name} must be greater than zero, not {value}.")
    return value


def check_amount(value: Decimal, name: str = "amount") -> Decimal:
    """Return `value` if it is an amount of zero or more; otherwise raise ValueError naming
    `name`."""
    value = _check_decimal(value, name)
    if value < ZERO:
        raise ValueError(f"{name} cannot be negative, not {value}.")
    return value


def check_count(value: int, name: str) -> int:
    """Return `value` if it is a whole number of zero or more (items, orders, days); otherwise
    raise ValueError naming `name`."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be a whole number, not {type(value).__name__}.")
    if value < 0:
        raise ValueError(f"{name} cannot be negative, not {value}.")
    return value


def check_currency(currency: str) -> str:
    """Return `currency` if it is one the product knows; otherwise raise ValueError."""
    if currency not in money.CURRENCIES:
        raise ValueError(f"currency {currency!r} is not one of {', '.join(money.CURRENCIES)}.")
    return currency


def check_tier_mode(mode: str) -> TierMode:
    """Return `mode` if it is 'whole' or 'marginal'; otherwise raise ValueError."""
    if mode not in TIER_MODES:
        raise ValueError(f"mode must be 'whole' or 'marginal', not {mode!r}.")
    return mode  # type: ignore[return-value]


def check_tiers(tiers: Sequence[Tier]) -> None:
    """Raise ValueError unless the tiers' thresholds (`from_`) ascend strictly, the first starts
    at 0 or above, and every rate is between 0 and 1. No tiers at all is valid here; callers
    that need tiers say so."""
    previous: Decimal | None = None
    for number, tier in enumerate(tiers, start=1):
        start = _check_decimal(tier.from_, f"tiers: tier {number}'s threshold")
        rate = _check_decimal(tier.rate, f"tiers: tier {number}'s rate")
        if not ZERO <= rate <= ONE:
            raise ValueError(
                _(
                    "tiers: tier %(number)s's rate is a fraction between 0 and 1 (0.0800 is 8%%), "
                    "not %(value)s."
                )
                % {"number": number, "value": rate}
            )
        if previous is None and start < ZERO:
            raise ValueError(
                _("tiers: the first tier must start at 0 or above, not %(start)s.")
                % {"start": start}
            )
        if previous is not None and start <= previous:
            if start == previous:
                text = _(
                    "tiers: tier %(number)s starts the same as tier %(before)s (%(start)s, after "
                    "%(previous)s); thresholds must ascend strictly."
                )
            else:
                text = _(
                    "tiers: tier %(number)s starts below tier %(before)s (%(start)s, after "
                    "%(previous)s); thresholds must ascend strictly."
                )
            raise ValueError(
                text
                % {"number": number, "before": number - 1, "start": start, "previous": previous}
            )
        previous = start


def parse_tiers(raw: object) -> tuple[Tier, ...]:
    """Tiers from their stored JSON form, `[{"from": "0", "rate": "0.05"}, ...]`, validated
    with `check_tiers`. Raises ValueError with a message fit to show next to the field, in the
    active language."""
    if not isinstance(raw, Sequence) or isinstance(raw, str | bytes):
        raise ValueError(_('tiers must be a list such as [{"from": "0", "rate": "0.05"}].'))
    tiers = []
    for number, item in enumerate(raw, start=1):
        if not isinstance(item, Mapping) or set(item) != {"from", "rate"}:
            raise ValueError(
                _('tiers: tier %(number)s must be {"from": ..., "rate": ...}.') % {"number": number}
            )
        tiers.append(
            Tier(
                from_=_parse_number(item["from"], number, TIER_THRESHOLD_WORDS),
                rate=_parse_number(item["rate"], number, TIER_RATE_WORDS),
            )
        )
    check_tiers(tiers)
    return tuple(tiers)


# What a tier's threshold and rate are refused with: not written as a string, not a number.
TIER_THRESHOLD_WORDS = (
    gettext_lazy(
        'tiers: tier %(number)s\'s threshold must be a number written as a string, such as "0.05".'
    ),
    gettext_lazy("tiers: tier %(number)s's threshold must be a number, not %(value)s."),
)
TIER_RATE_WORDS = (
    gettext_lazy(
        'tiers: tier %(number)s\'s rate must be a number written as a string, such as "0.05".'
    ),
    gettext_lazy("tiers: tier %(number)s's rate must be a number, not %(value)s."),
)


def _parse_number(value: object, number: int, words: tuple[str, str]) -> Decimal:
    # JSON gives numbers typed by hand as float; their shortest repr is what was typed.
    not_a_string, not_a_number = words
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError(not_a_string % {"number": number})
    try:
        parsed = Decimal(str(value).strip())
    except ArithmeticError:
        raise ValueError(not_a_number % {"number": number, "value": repr(value)}) from None
    if not parsed.is_finite():
        raise ValueError(not_a_number % {"number": number, "value": repr(value)})
    return parsed


# --- commission and its tiers ----------------------------------------------------------------


def _unrounded_tiered(base: Decimal, tiers: Sequence[Tier], mode: TierMode) -> Decimal:
    """Exact (unrounded) amount a tiered rate earns on `base`; 0 below the first threshold."""
    if base <= ZERO:
        return ZERO
    with localcontext(prec=EXACT_DIGITS):
        if mode == "whole":
            reached = [tier for tier in tiers if base >= tier.from_]
            return base * reached[-1].rate if reached else ZERO
        earned = ZERO
        ends = [tier.from_ for tier in tiers[1:]]
        for tier, end in zip(tiers, [*ends, None], strict=True):
            if base <= tier.from_:
                break
            top = base if end is None else min(base, end)
            earned += (top - tier.from_) * tier.rate
        return earned


def _checked_terms(
    rate: Decimal | None, tiers: Sequence[Tier], mode: str
) -> tuple[Decimal | None, tuple[Tier, ...], TierMode]:
    if rate is None and not tiers:
        raise ValueError("Give either one rate or tiers.")
    if rate is not None and tiers:
        raise ValueError("Give either one rate or tiers, not both.")
    if rate is not None:
        # A flat rate has no mode; the term's stored tier_mode is blank then.
        check_rate(rate)
        return rate, (), "whole"
    check_tiers(tiers)
    return None, tuple(tiers), check_tier_mode(mode)


def _unrounded_commission(
    net_sales: Decimal, rate: Decimal | None, tiers: Sequence[Tier], mode: TierMode
) -> Decimal:
    """Exact (unrounded) commission on the period's aggregated net sales."""
    if net_sales <= ZERO:
        return ZERO
    if rate is not None:
        with localcontext(prec=EXACT_DIGITS):
            return net_sales * rate
    return _unrounded_tiered(net_sales, tiers, mode)


def commission(
    net_sales: Decimal,
    *,
    rate: Decimal | None = None,
    tiers: Sequence[Tier] = (),
    mode: TierMode = "whole",
    currency: str,
) -> Decimal:
    """Commission on one period's net sales, aggregated first and multiplied once (three sales
    of 10.05 at 5% pay 1.51, not 3 × 0.50). Give either a flat `rate` or `tiers`: a tier is
    reached when net ≥ its `from_`; 'whole' pays the reached tier's rate on all of it,
    'marginal' pays each band [from_i, from_i+1) at its own rate. Sales below the first tier
    earn 0, and so does a net of zero or less."""
    net_sales = _check_decimal(net_sales, "net_sales")
    rate, tiers, mode = _checked_terms(rate, tiers, mode)
    check_currency(currency)
    return money.round(_unrounded_commission(net_sales, rate, tiers, mode), currency)


def effective_rate(
    net_sales: Decimal,
    *,
    rate: Decimal | None = None,
    tiers: Sequence[Tier] = (),
    mode: TierMode = "whole",
) -> Decimal | None:
    """The rate a closed period actually paid: unrounded commission ÷ net sales (in 'whole'
    mode, the reached tier's rate; below the first tier, 0). None when the base is zero or
    less, since nothing was paid at any rate. Unrounded, for `clawback`; not a line amount."""
    net_sales = _check_decimal(net_sales, "net_sales")
    rate, tiers, mode = _checked_terms(rate, tiers, mode)
    if net_sales <= ZERO:
        return None
    earned = _unrounded_commission(net_sales, rate, tiers, mode)
    # A marginal quotient may not terminate. Rounding it up (by 1e-40 at most) keeps a clawback
    # that is exactly half a minor unit rounding half up, as the commission it reverses did.
    with localcontext(prec=RATE_DIGITS, rounding=ROUND_CEILING):
        return earned / net_sales


def opening_rate(
    *, rate: Decimal | None = None, tiers: Sequence[Tier] = (), mode: TierMode = "whole"
) -> Decimal:
    """The rate the first unit of net sales earns: what a closed period with no counted sales
    stands for when one of its sales is confirmed later (`effective_rate` has none at a base
    of zero). The flat rate; else the rate of the tier from 0, in either mode; else 0."""
    rate, tiers, _ = _checked_terms(rate, tiers, mode)
    if rate is not None:
        return rate
    return next((tier.rate for tier in tiers if tier.from_ <= ZERO), ZERO)


def _unrounded_at_paid_rate(amount: Decimal, effective_rate: Decimal | None, name: str) -> Decimal:
    """Exact `amount` (named `name`) × a closed period's effective rate; 0 for None."""
    amount = check_amount(amount, name)
    paid_rate = ZERO if effective_rate is None else check_rate(effective_rate, "effective_rate")
    with localcontext(prec=EXACT_DIGITS):
        return amount * paid_rate


def clawback(refunded_amount: Decimal, *, effective_rate: Decimal | None, currency: str) -> Decimal:
    """The negative line reversing what refunded sales earned on an approved or paid statement:
    −(refunded amount × the closed period's effective rate). A closed period's tiers are never
    recomputed; pass the rate from `effective_rate` (None, a period with no base, reverses no
    commission). What a wholly refunded order was paid per order is `cpa_reversal`'s."""
    reversed_amount = _unrounded_at_paid_rate(refunded_amount, effective_rate, "refunded_amount")
    check_currency(currency)
    # ROUND_HALF_UP is symmetric, so rounding the size and negating it is rounding the line.
    return -money.round(reversed_amount, currency)


def late_confirmation(
    confirmed_amount: Decimal, *, effective_rate: Decimal | None, currency: str
) -> Decimal:
    """The positive line paying sales of an approved or paid period that were still pending
    when it closed and are confirmed since: confirmed amount × the closed period's effective
    rate. The mirror of `clawback`: a closed period's tiers are never recomputed, so pass the
    rate from `effective_rate` it was paid at (None, nothing earned at any rate, pays
    nothing)."""
    confirmed = _unrounded_at_paid_rate(confirmed_amount, effective_rate, "confirmed_amount")
    check_currency(currency)
    return money.round(confirmed, currency)


def converted_total(amounts: Iterable[tuple[Decimal, Decimal]]) -> Decimal:
    """The exact (unrounded) sum of `amount × rate` over (amount, rate) pairs: amounts in the
    currency they were sold in, each with the exchange rate of its order date into the
    contract's currency (1 for the contract's own currency). A period's base is converted
    sale by sale and summed before anything is priced on it, so conversion never rounds."""
    total = ZERO
    with localcontext(prec=EXACT_DIGITS):
        for number, (amount, rate) in enumerate(amounts, start=1):
            amount = _check_decimal(amount, f"amounts[{number}]")
            rate = _check_decimal(rate, f"rates[{number}]")
            if rate <= ZERO:
                raise ValueError(f"rates[{number}]: an exchange rate is positive, not {rate}.")
            total += amount * rate
    return total


def rebate(
    wholesale_purchases: Decimal, *, tiers: Sequence[Tier], mode: TierMode, currency: str
) -> Decimal:
    """Volume rebate for a distributor: a tiered rate on the influencer's wholesale purchases
    in the period, with the same tiers and modes as `commission`."""
    if not tiers:
        raise ValueError("tiers: a rebate needs at least one tier.")
    return commission(wholesale_purchases, tiers=tiers, mode=mode, currency=currency)


def revenue_share(net_sales: Decimal, *, rate: Decimal, currency: str) -> Decimal:
    """Joint brand: `rate` on the period's net sales of the joint brand's products. A minimum
    guarantee is paid as its own line, `minimum_guarantee_top_up`."""
    net_sales = _check_decimal(net_sales, "net_sales")
    check_rate(rate)
    check_currency(currency)
    with localcontext(prec=EXACT_DIGITS):
        share = max(net_sales, ZERO) * rate
    return money.round(share, currency)


def minimum_guarantee_top_up(
    net_sales: Decimal, *, rate: Decimal, minimum_guarantee: Decimal, currency: str
) -> Decimal:
    """What tops the period's revenue share up to the minimum guarantee, as its own line: the
    guarantee less the share's rounded line, 0 when the share reaches it. The two lines add up
    to exactly the guarantee (rounding the gap itself could make them a minor unit more). The
    guarantee is a floor for that period's own share; it is never recovered later."""
    guarantee = money.round(check_cap(minimum_guarantee, "minimum_guarantee"), currency)
    share = revenue_share(net_sales, rate=rate, currency=currency)
    return max(guarantee - share, money.round(ZERO, currency))


# --- fees per thing --------------------------------------------------------------------------


def flat_fee(amount: Decimal, currency: str) -> Decimal:
    """A lump sum or one installment. Which period it falls in is settlement's job (the due
    date's, or the milestone's via `milestone_due`)."""
    amount = check_amount(amount)
    check_currency(currency)
    return money.round(amount, currency)


def milestone_due(milestone_date: date, offset_days: int = 0) -> date:
    """The due date of an installment tied to a milestone: the day it happened plus the offset."""
    check_count(offset_days, "offset_days")
    return milestone_date + timedelta(days=offset_days)


def per_deliverable(amount_per_item: Decimal, items: int, currency: str) -> Decimal:
    """`amount_per_item` × the content items of the term's type published in the period."""
    amount_per_item = check_amount(amount_per_item, "amount_per_item")
    check_count(items, "items")
    check_currency(currency)
    with localcontext(prec=EXACT_DIGITS):
        return money.round(amount_per_item * items, currency)


def cpm(
    views_gained_per_item: Sequence[int],
    *,
    amount_per_thousand: Decimal,
    cap_per_item: Decimal | None = None,
    currency: str,
) -> Decimal:
    """Pay per 1,000 views gained in the period, item by item: views ÷ 1000 × amount, each item
    capped at `cap_per_item` when set, summed and rounded once. A negative gain (a platform
    correcting its count) counts as 0."""
    amount_per_thousand = check_amount(amount_per_thousand, "amount_per_thousand")
    if cap_per_item is not None:
        check_cap(cap_per_item, "cap_per_item")
    check_currency(currency)
    total = ZERO
    with localcontext(prec=EXACT_DIGITS):
        for number, views in enumerate(views_gained_per_item, start=1):
            if isinstance(views, bool) or not isinstance(views, int):
                raise TypeError(f"views_gained_per_item[{number}] must be a whole number.")
            earned = max(views, 0) * amount_per_thousand / THOUSAND
            total += earned if cap_per_item is None else min(earned, cap_per_item)
        return money.round(total, currency)


def cpa(amount_per_order: Decimal, confirmed_orders: int, currency: str) -> Decimal:
    """`amount_per_order` × the confirmed attributed orders of the period."""
    amount_per_order = check_amount(amount_per_order, "amount_per_order")
    check_count(confirmed_orders, "confirmed_orders")
    check_currency(currency)
    with localcontext(prec=EXACT_DIGITS):
        return money.round(amount_per_order * confirmed_orders, currency)


def cpa_reversal(amount_per_order: Decimal, reversed_orders: int, currency: str) -> Decimal:
    """The negative line taking back the pay for orders now fully refunded, at the amount per
    order they were paid at."""
    return -cpa(amount_per_order, reversed_orders, currency)


def bonus(
    metric_value: Decimal | int, *, threshold: Decimal, amount: Decimal, currency: str
) -> Decimal:
    """The bonus `amount` when the metric has reached the threshold (≥); otherwise 0. It is paid
    once: a bonus paid on an earlier statement is not priced again."""
    metric_value = _check_decimal(metric_value, "metric_value")
    threshold = check_amount(threshold, "threshold")
    amount = check_amount(amount)
    check_currency(currency)
    earned = amount if metric_value >= threshold else ZERO
    return money.round(earned, currency)


# --- breach ----------------------------------------------------------------------------------


def late_delivery_penalty(
    days_late_per_item: Sequence[int],
    *,
    per_day: Decimal,
    cap: Decimal | None = None,
    currency: str,
    already_charged: Decimal = ZERO,
) -> Decimal:
    """The negative line for deliverables published late: −(`per_day` × total days late). The
    cap bounds all late-delivery penalties of the contract, so pass what earlier statements
    already charged (as a positive `already_charged`); this line takes at most what is left.
    Items published on time or early (0 or fewer days late) cost nothing."""
    per_day = check_amount(per_day, "per_day")
    if cap is not None:
        check_cap(cap)
    already_charged = check_amount(already_charged, "already_charged")
    check_currency(currency)
    days = 0
    for number, days_late in enumerate(days_late_per_item, start=1):
        if isinstance(days_late, bool) or not isinstance(days_late, int):
            raise TypeError(f"days_late_per_item[{number}] must be a whole number of days.")
        days += max(days_late, 0)
    with localcontext(prec=EXACT_DIGITS):
        penalty = per_day * days
        if cap is not None:
            penalty = min(penalty, max(cap - already_charged, ZERO))
    return -money.round(penalty, currency)


def late_payment_interest(days_late: int, *, per_day: Decimal, currency: str) -> Decimal:
    """What the influencer earns for a statement paid `days_late` days after its due date
    (`per_day` × days), put on their next statement. Paid on time or early earns 0."""
    if isinstance(days_late, bool) or not isinstance(days_late, int):
        raise TypeError("days_late must be a whole number of days.")
    per_day = check_amount(per_day, "per_day")
    check_currency(currency)
    with localcontext(prec=EXACT_DIGITS):
        return money.round(per_day * max(days_late, 0), currency)
