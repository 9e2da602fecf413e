from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import partial

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contracts import compensation
from contracts.compensation import Tier
from partnerships import money

D = Decimal
# 0 → 5%, from 10,000 → 8%
TWO_TIERS = (Tier(D("0"), D("0.05")), Tier(D("10000"), D("0.08")))
TWO_TIERS_SMALL = (Tier(D("0"), D("0.05")), Tier(D("10"), D("0.08")))


def tiered(net: str, mode: compensation.TierMode, currency: str = "USD") -> Decimal:
    return compensation.commission(D(net), tiers=TWO_TIERS, mode=mode, currency=currency)


# --- commission: the DESIGN examples ---------------------------------------------------------


def test_commission_is_paid_on_the_aggregated_net_not_per_sale():
    assert compensation.commission(D("30.15"), rate=D("0.05"), currency="USD") == D("1.51")
    per_sale = compensation.commission(D("10.05"), rate=D("0.05"), currency="USD")
    assert 3 * per_sale == D("1.50")


def test_commission_rounds_half_up():
    assert compensation.commission(D("2.50"), rate=D("0.05"), currency="USD") == D("0.13")


def test_commission_result_has_two_decimal_places():
    assert str(compensation.commission(D("100"), rate=D("0.05"), currency="USD")) == "5.00"


@pytest.mark.parametrize(
    ("net", "whole", "marginal"),
    [
        ("9999.99", "500.00", "500.00"),  # 499.9995 either way
        ("10000", "800.00", "500.00"),  # the 8% tier is reached at exactly 10,000
        ("10000.01", "800.00", "500.00"),  # 800.0008 and 500.0008
        ("15000", "1200.00", "900.00"),  # marginal: 500 + 5,000 × 8%
    ],
)
def test_tier_modes_at_below_and_above_the_threshold(net, whole, marginal):
    assert tiered(net, "whole") == D(whole)
    assert tiered(net, "marginal") == D(marginal)


def test_sales_below_the_first_tier_earn_nothing():
    tiers = (Tier(D("1000"), D("0.10")),)

    def pay(net: str, mode: compensation.TierMode) -> Decimal:
        return compensation.commission(D(net), tiers=tiers, mode=mode, currency="USD")

    assert pay("999.99", "whole") == pay("999.99", "marginal") == D("0.00")
    # whole: reaching the tier pays 10% on all of it; marginal: only on the band above 1,000
    assert pay("1000", "whole") == D("100.00")
    assert pay("1000", "marginal") == D("0.00")
    assert pay("1500", "whole") == D("150.00")
    assert pay("1500", "marginal") == D("50.00")


@pytest.mark.parametrize("net", ["0", "-120.50"])
def test_zero_or_negative_net_earns_nothing(net):
    assert compensation.commission(D(net), rate=D("0.05"), currency="USD") == D("0.00")
    assert tiered(net, "marginal") == D("0.00")


def test_zero_decimal_currency_rounds_to_whole_units():
    assert compensation.commission(D("12345"), rate=D("0.05"), currency="JPY") == D("617")
    assert str(compensation.commission(D("12345"), rate=D("0.05"), currency="JPY")) == "617"


def test_zero_decimal_currency_rounds_a_half_unit_up():
    assert compensation.commission(D("10"), rate=D("0.05"), currency="JPY") == D("1")
    assert compensation.commission(D("30"), rate=D("0.05"), currency="KRW") == D("2")
    assert tiered("10010", "marginal", currency="VND") == D("501")  # 500.8


def test_commission_flat_rate_ignores_a_blank_tier_mode():
    assert compensation.commission(D("100"), rate=D("0.1"), mode="", currency="USD") == D(10)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"rate": D("1.5")}, "rate is a fraction between 0 and 1"),
        ({"rate": D("-0.05")}, "rate is a fraction between 0 and 1"),
        ({}, "Give either one rate or tiers"),
        ({"rate": D("0.05"), "tiers": TWO_TIERS}, "Give either one rate or tiers"),
        ({"tiers": TWO_TIERS, "mode": "stepped"}, "mode must be 'whole' or 'marginal'"),
        ({"rate": D("0.05"), "currency": "XYZ"}, "currency 'XYZ'"),
    ],
)
def test_commission_rejects_bad_terms_with_a_message(kwargs, message):
    kwargs = {"currency": "USD", **kwargs}
    with pytest.raises(ValueError, match=message):
        compensation.commission(D("100"), **kwargs)


def test_floats_are_refused():
    with pytest.raises(TypeError, match="rate must be a Decimal"):
        compensation.commission(D("100"), rate=0.05, currency="USD")
    with pytest.raises(TypeError, match="net_sales must be a Decimal"):
        compensation.commission(100.0, rate=D("0.05"), currency="USD")


# --- tiers -----------------------------------------------------------------------------------


def test_check_tiers_accepts_ascending_thresholds():
    compensation.check_tiers(TWO_TIERS)
    compensation.check_tiers((Tier(D("500"), D("1")),))


@pytest.mark.parametrize(
    ("tiers", "message"),
    [
        ((Tier(D("10000"), D("0.08")), Tier(D("0"), D("0.05"))), "ascend strictly"),
        ((Tier(D("0"), D("0.05")), Tier(D("0"), D("0.08"))), "ascend strictly"),
        ((Tier(D("-1"), D("0.05")),), "first tier must start at 0 or above"),
        ((Tier(D("0"), D("0.05")), Tier(D("10"), D("1.2"))), "tier 2's rate"),
        ((Tier(D("0"), D("-0.01")),), "tier 1's rate"),
    ],
)
def test_check_tiers_rejects_bad_tiers_with_a_message(tiers, message):
    with pytest.raises(ValueError, match=message):
        compensation.check_tiers(tiers)


def test_parse_tiers_reads_the_stored_json():
    raw = [{"from": "0", "rate": "0.05"}, {"from": "10000", "rate": "0.08"}]
    assert compensation.parse_tiers(raw) == TWO_TIERS


def test_parse_tiers_takes_numbers_typed_without_quotes_as_written():
    assert compensation.parse_tiers([{"from": 10000, "rate": 0.07}]) == (
        Tier(D("10000"), D("0.07")),
    )


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("0.05", "must be a list"),
        ([{"from": "0"}], 'tier 1 must be {"from": ..., "rate": ...}'),
        ([{"from": "ten", "rate": "0.05"}], "tier 1's threshold must be a number"),
        ([{"from": "0", "rate": None}], "tier 1's rate must be a number"),
        ([{"from": "5", "rate": "0.1"}, {"from": "1", "rate": "0.2"}], "ascend strictly"),
    ],
)
def test_parse_tiers_explains_what_is_wrong(raw, message):
    with pytest.raises(ValueError, match=message):
        compensation.parse_tiers(raw)


# --- effective rate and clawbacks ------------------------------------------------------------


def test_effective_rate_of_a_flat_rate_is_the_rate():
    assert compensation.effective_rate(D("123.45"), rate=D("0.05")) == D("0.05")


def test_effective_rate_in_whole_mode_is_the_reached_tiers_rate():
    assert compensation.effective_rate(D("15000"), tiers=TWO_TIERS, mode="whole") == D("0.08")


def test_effective_rate_in_marginal_mode_is_commission_over_base():
    assert compensation.effective_rate(D("15000"), tiers=TWO_TIERS, mode="marginal") == D("0.06")


def test_effective_rate_is_zero_below_the_first_tier_and_none_without_a_base():
    tiers = (Tier(D("1000"), D("0.10")),)
    assert compensation.effective_rate(D("999"), tiers=tiers, mode="whole") == 0
    assert compensation.effective_rate(D("0"), rate=D("0.05")) is None


@pytest.mark.parametrize("mode", ["whole", "marginal"])
def test_the_opening_rate_is_what_the_first_unit_of_sales_earns(mode):
    assert compensation.opening_rate(rate=D("0.05")) == D("0.05")
    assert compensation.opening_rate(tiers=TWO_TIERS, mode=mode) == TWO_TIERS[0].rate
    above_zero = (Tier(D("1000"), D("0.10")),)
    assert compensation.opening_rate(tiers=above_zero, mode=mode) == 0


def test_clawback_reverses_the_refund_at_a_closed_whole_mode_periods_rate():
    rate = compensation.effective_rate(D("15000"), tiers=TWO_TIERS, mode="whole")
    assert compensation.clawback(D("100"), effective_rate=rate, currency="USD") == D("-8.00")


def test_clawback_reverses_the_refund_at_a_closed_marginal_periods_rate():
    rate = compensation.effective_rate(D("15000"), tiers=TWO_TIERS, mode="marginal")
    assert compensation.clawback(D("100"), effective_rate=rate, currency="USD") == D("-6.00")


def test_clawback_of_an_exact_half_cent_rounds_away_from_zero():
    # Base 21.00 in marginal mode earned 1.38 (0.50 + 11 × 8%); refunding 12.25 of it reverses
    # exactly 12.25 × 1.38 / 21 = 0.805. A rate cut off at 28 digits would give −0.80.
    rate = compensation.effective_rate(D("21.00"), tiers=TWO_TIERS_SMALL, mode="marginal")
    assert compensation.clawback(D("12.25"), effective_rate=rate, currency="USD") == D("-0.81")


def test_clawback_of_the_whole_base_reverses_the_whole_commission():
    rate = compensation.effective_rate(D("21.00"), tiers=TWO_TIERS_SMALL, mode="marginal")
    assert compensation.clawback(D("21.00"), effective_rate=rate, currency="USD") == D("-1.38")


def test_clawback_in_a_zero_decimal_currency():
    assert compensation.clawback(D("10"), effective_rate=D("0.05"), currency="JPY") == D("-1")


def test_clawback_with_nothing_to_reverse_is_a_plain_zero():
    line = compensation.clawback(D("50"), effective_rate=None, currency="USD")
    assert str(line) == "0.00"


def test_clawback_rejects_a_negative_refund():
    with pytest.raises(ValueError, match="refunded_amount cannot be negative"):
        compensation.clawback(D("-1"), effective_rate=D("0.05"), currency="USD")


def test_a_late_confirmation_pays_at_the_closed_periods_rate_not_its_tiers_again():
    # The period closed at 5% on 9,000.00; 2,000.00 confirmed since is paid at 5%, though
    # 11,000.00 would have reached 8%.
    rate = compensation.effective_rate(D("9000"), tiers=TWO_TIERS, mode="whole")
    line = compensation.late_confirmation(D("2000"), effective_rate=rate, currency="USD")
    assert line == D("100.00")


def test_a_late_confirmation_mirrors_the_clawback_of_the_same_sales():
    rate = compensation.effective_rate(D("21.00"), tiers=TWO_TIERS_SMALL, mode="marginal")
    paid = compensation.late_confirmation(D("12.25"), effective_rate=rate, currency="USD")
    assert paid == -compensation.clawback(D("12.25"), effective_rate=rate, currency="USD")
    assert paid == D("0.81")


def test_a_late_confirmation_without_a_paid_rate_pays_a_plain_zero():
    line = compensation.late_confirmation(D("50"), effective_rate=None, currency="JPY")
    assert str(line) == "0"


def test_a_late_confirmation_rejects_a_negative_amount():
    with pytest.raises(ValueError, match="confirmed_amount cannot be negative"):
        compensation.late_confirmation(D("-1"), effective_rate=D("0.05"), currency="USD")


# --- the other kinds -------------------------------------------------------------------------


def test_flat_fee_is_the_amount_in_the_currencys_unit():
    assert str(compensation.flat_fee(D("1500"), "USD")) == "1500.00"
    assert compensation.flat_fee(D("1999.50"), "JPY") == D("2000")


def test_flat_fee_rejects_a_negative_amount():
    with pytest.raises(ValueError, match="amount cannot be negative"):
        compensation.flat_fee(D("-1"), "USD")


def test_milestone_due_adds_the_offset():
    assert compensation.milestone_due(date(2025, 1, 31), 14) == date(2025, 2, 14)
    assert compensation.milestone_due(date(2025, 1, 31)) == date(2025, 1, 31)
    with pytest.raises(ValueError, match="offset_days cannot be negative"):
        compensation.milestone_due(date(2025, 1, 31), -1)


def test_per_deliverable_pays_each_published_item():
    assert compensation.per_deliverable(D("350"), 3, "USD") == D("1050.00")
    assert compensation.per_deliverable(D("350"), 0, "USD") == D("0.00")


def test_cpm_pays_per_thousand_views_and_ignores_negative_gains():
    views = [12_000, 500, -300]  # 102.00 + 4.25 + 0
    assert compensation.cpm(views, amount_per_thousand=D("8.50"), currency="USD") == D("106.25")


def test_cpm_caps_each_item_separately():
    views = [12_000, 500]  # min(102.00, 50) + 4.25
    assert compensation.cpm(
        views, amount_per_thousand=D("8.50"), cap_per_item=D("50"), currency="USD"
    ) == D("54.25")


def test_cpm_sums_items_before_rounding_once():
    # three items at 0.005 each: 0.015 → 0.02, not 3 × 0.01 nor 3 × 0.00
    assert compensation.cpm([1, 1, 1], amount_per_thousand=D("5"), currency="USD") == D("0.02")


def test_cpm_rejects_a_cap_of_zero():
    with pytest.raises(ValueError, match="cap_per_item must be greater than zero"):
        compensation.cpm([1000], amount_per_thousand=D("5"), cap_per_item=D("0"), currency="USD")


def test_cpa_pays_each_confirmed_order():
    assert compensation.cpa(D("2.50"), 7, "USD") == D("17.50")


def test_revenue_share_below_the_minimum_guarantee_is_topped_up():
    args = {"rate": D("0.10"), "currency": "USD"}
    top_up = partial(compensation.minimum_guarantee_top_up, minimum_guarantee=D("500"), **args)
    assert (compensation.revenue_share(D("3000"), **args), top_up(D("3000"))) == (300, 200)
    assert (compensation.revenue_share(D("0"), **args), top_up(D("0"))) == (0, D("500.00"))


def test_revenue_share_above_the_minimum_guarantee_is_the_share():
    args = {"rate": D("0.10"), "currency": "USD"}
    top_up = partial(compensation.minimum_guarantee_top_up, minimum_guarantee=D("500"), **args)
    assert (compensation.revenue_share(D("8000"), **args), top_up(D("8000"))) == (800, 0)
    assert (compensation.revenue_share(D("5000"), **args), top_up(D("5000"))) == (500, 0)


def test_revenue_share_without_a_guarantee_rounds_the_share():
    share = compensation.revenue_share(D("1234.56"), rate=D("0.15"), currency="USD")
    assert share == D("185.18")  # 185.184


def test_rebate_uses_the_commission_tiers_in_both_modes():
    tiers = (Tier(D("0"), D("0.02")), Tier(D("5000"), D("0.04")))
    assert compensation.rebate(D("6000"), tiers=tiers, mode="whole", currency="USD") == D(240)
    assert compensation.rebate(D("6000"), tiers=tiers, mode="marginal", currency="USD") == D(140)


def test_rebate_needs_tiers():
    with pytest.raises(ValueError, match="rebate needs at least one tier"):
        compensation.rebate(D("6000"), tiers=(), mode="whole", currency="USD")


def test_bonus_is_paid_when_the_metric_reaches_the_threshold():
    args = {"threshold": D("100000"), "amount": D("500"), "currency": "USD"}
    assert compensation.bonus(100_000, **args) == D("500.00")
    assert compensation.bonus(99_999, **args) == D("0.00")


def test_late_delivery_penalty_is_negative_per_day_late():
    line = compensation.late_delivery_penalty([3, 0, -2, 5], per_day=D("20"), currency="USD")
    assert line == D("-160.00")


def test_late_delivery_penalty_is_capped():
    line = compensation.late_delivery_penalty([3, 5], per_day=D("20"), cap=D("100"), currency="USD")
    assert line == D("-100.00")


def test_late_delivery_cap_counts_penalties_already_charged_on_the_contract():
    args = {"per_day": D("20"), "cap": D("100"), "currency": "USD"}
    assert compensation.late_delivery_penalty([8], already_charged=D("70"), **args) == D("-30")
    spent = compensation.late_delivery_penalty([8], already_charged=D("100"), **args)
    assert str(spent) == "0.00"


def test_late_delivery_penalty_rejects_a_negative_cap():
    with pytest.raises(ValueError, match="cap must be greater than zero"):
        compensation.late_delivery_penalty([1], per_day=D("20"), cap=D("-100"), currency="USD")


def test_late_payment_interest_is_earned_per_day_late():
    assert compensation.late_payment_interest(4, per_day=D("12.50"), currency="USD") == D("50.00")
    assert compensation.late_payment_interest(0, per_day=D("12.50"), currency="USD") == D("0.00")
    assert compensation.late_payment_interest(-3, per_day=D("12.50"), currency="USD") == D("0")


# --- validation helpers for forms ------------------------------------------------------------


def test_check_rate_accepts_the_bounds_and_names_the_field():
    assert compensation.check_rate(D("0")) == 0
    assert compensation.check_rate(D("1")) == 1
    with pytest.raises(ValueError, match="minimum_rate is a fraction between 0 and 1"):
        compensation.check_rate(D("15"), "minimum_rate")


def test_check_cap_requires_a_positive_amount():
    assert compensation.check_cap(D("0.01")) == D("0.01")
    with pytest.raises(ValueError, match="late_delivery_cap must be greater than zero"):
        compensation.check_cap(D("0"), "late_delivery_cap")


# --- properties ------------------------------------------------------------------------------

amounts = st.decimals(min_value=0, max_value=10**9, places=2)
signed_amounts = st.decimals(min_value=-(10**6), max_value=10**9, places=2)
rates = st.decimals(min_value=0, max_value=1, places=4)
currencies = st.sampled_from(money.CURRENCIES)
modes = st.sampled_from(["whole", "marginal"])


@st.composite
def tier_lists(draw: st.DrawFn, ascending_rates: bool = False) -> tuple[Tier, ...]:
    starts = sorted(draw(st.lists(amounts, min_size=1, max_size=5, unique=True)))
    tier_rates = draw(st.lists(rates, min_size=len(starts), max_size=len(starts)))
    if ascending_rates:
        tier_rates.sort()
    return tuple(Tier(start, rate) for start, rate in zip(starts, tier_rates, strict=True))


def exact_tiered(net: Decimal, tiers: tuple[Tier, ...], mode: str) -> Fraction:
    """Independent reference in exact fractions."""
    net_f = Fraction(net)
    if mode == "whole":
        reached = [t for t in tiers if net_f >= Fraction(t.from_)]
        return max(net_f, 0) * Fraction(reached[-1].rate) if reached else Fraction(0)
    total = Fraction(0)
    for i, tier in enumerate(tiers):
        top = net_f if i + 1 == len(tiers) else min(net_f, Fraction(tiers[i + 1].from_))
        total += max(top - Fraction(tier.from_), 0) * Fraction(tier.rate)
    return total


def decimal_places(amount: Decimal) -> int:
    return max(0, -amount.as_tuple().exponent)


@given(low=amounts, high=amounts, rate=rates)
def test_flat_commission_never_falls_as_sales_grow(low, high, rate):
    low, high = sorted((low, high))
    assert compensation.commission(low, rate=rate, currency="USD") <= compensation.commission(
        high, rate=rate, currency="USD"
    )


@given(low=amounts, high=amounts, tiers=tier_lists())
def test_marginal_commission_never_falls_as_sales_grow(low, high, tiers):
    low, high = sorted((low, high))
    args = {"tiers": tiers, "mode": "marginal", "currency": "USD"}
    assert compensation.commission(low, **args) <= compensation.commission(high, **args)


@given(net=amounts, tiers=tier_lists(ascending_rates=True))
def test_marginal_never_pays_more_than_whole_when_rates_ascend(net, tiers):
    marginal = compensation.commission(net, tiers=tiers, mode="marginal", currency="USD")
    whole = compensation.commission(net, tiers=tiers, mode="whole", currency="USD")
    assert marginal <= whole


@given(
    views=st.lists(st.integers(min_value=-(10**6), max_value=10**10), max_size=20),
    per_thousand=amounts,
    cap=st.decimals(min_value=D("0.01"), max_value=10**6, places=2),
)
def test_cpm_never_exceeds_the_cap_times_the_items(views, per_thousand, cap):
    line = compensation.cpm(
        views, amount_per_thousand=per_thousand, cap_per_item=cap, currency="USD"
    )
    assert line <= cap * len(views)


@given(net=signed_amounts, rate=rates, tiers=tier_lists(), mode=modes, currency=currencies)
def test_every_line_has_at_most_the_currencys_decimal_places(net, rate, tiers, mode, currency):
    places = money.minor_unit(currency)
    positive = max(net, D(0))
    paid_rate = compensation.effective_rate(positive, tiers=tiers, mode=mode)
    lines = [
        compensation.commission(net, rate=rate, currency=currency),
        compensation.commission(net, tiers=tiers, mode=mode, currency=currency),
        compensation.rebate(net, tiers=tiers, mode=mode, currency=currency),
        compensation.revenue_share(net, rate=rate, currency=currency),
        compensation.minimum_guarantee_top_up(
            positive, rate=rate, minimum_guarantee=D("10"), currency=currency
        ),
        compensation.clawback(positive, effective_rate=paid_rate, currency=currency),
        compensation.late_confirmation(positive, effective_rate=paid_rate, currency=currency),
        compensation.flat_fee(positive, currency),
        compensation.per_deliverable(positive, 3, currency),
        compensation.cpa(positive, 3, currency),
        compensation.cpm([1234, 5], amount_per_thousand=positive, currency=currency),
        compensation.bonus(1, threshold=D(0), amount=positive, currency=currency),
        compensation.late_delivery_penalty([7], per_day=positive, currency=currency),
        compensation.late_payment_interest(7, per_day=positive, currency=currency),
    ]
    assert all(decimal_places(line) <= places for line in lines)


@given(net=signed_amounts, rate=rates)
def test_flat_commission_rounding_loses_at_most_half_a_cent(net, rate):
    exact = max(Fraction(net), 0) * Fraction(rate)
    line = compensation.commission(net, rate=rate, currency="USD")
    assert abs(Fraction(line) - exact) <= Fraction("0.005")


@given(net=amounts, tiers=tier_lists(), mode=modes)
def test_tiered_commission_rounding_loses_at_most_half_a_cent(net, tiers, mode):
    exact = exact_tiered(net, tiers, mode)
    line = compensation.commission(net, tiers=tiers, mode=mode, currency="USD")
    assert abs(Fraction(line) - exact) <= Fraction("0.005")


@given(
    views=st.lists(st.integers(min_value=0, max_value=10**9), max_size=10),
    per_thousand=amounts,
)
def test_cpm_rounding_loses_at_most_half_a_cent(views, per_thousand):
    exact = sum(Fraction(v, 1000) * Fraction(per_thousand) for v in views)
    line = compensation.cpm(views, amount_per_thousand=per_thousand, currency="USD")
    assert abs(Fraction(line) - exact) <= Fraction("0.005")


@given(net=amounts, tiers=tier_lists(), mode=modes, currency=currencies)
def test_refunding_a_whole_period_claws_back_exactly_what_it_paid(net, tiers, mode, currency):
    paid = compensation.commission(net, tiers=tiers, mode=mode, currency=currency)
    rate = compensation.effective_rate(net, tiers=tiers, mode=mode)
    assert compensation.clawback(net, effective_rate=rate, currency=currency) == -paid


def half_up(exact: Fraction, currency: str) -> Fraction:
    unit = Fraction(1, 10 ** money.minor_unit(currency))
    return (exact / unit + Fraction(1, 2)).__floor__() * unit


@given(
    net=st.decimals(min_value=D("0.01"), max_value=10**9, places=2),
    share=st.fractions(min_value=0, max_value=1),
    tiers=tier_lists(),
    currency=currencies,
)
def test_partial_clawback_is_the_exact_reversal_rounded_half_up(net, share, tiers, currency):
    refunded = (net * D(share.numerator) / D(share.denominator)).quantize(D("0.01"), "ROUND_DOWN")
    rate = compensation.effective_rate(net, tiers=tiers, mode="marginal")
    exact = Fraction(refunded) * exact_tiered(net, tiers, "marginal") / Fraction(net)
    line = compensation.clawback(refunded, effective_rate=rate, currency=currency)
    assert Fraction(line) == -half_up(exact, currency)


# --- exchange, guarantee top-up and order reversals ------------------------------------------


def test_converted_total_is_exact_and_unrounded():
    amounts = [(D("100.05"), D("1.08200000")), (D("10.00"), D("1"))]
    assert compensation.converted_total(amounts) == D("118.2541")


def test_converted_total_refuses_a_rate_that_is_not_positive():
    with pytest.raises(ValueError, match="rates\\[1\\]"):
        compensation.converted_total([(D("1.00"), D("0"))])


def test_top_up_and_share_add_up_to_exactly_the_guarantee_at_half_a_cent():
    share = compensation.revenue_share(D("5000.05"), rate=D("0.1"), currency="USD")
    top_up = compensation.minimum_guarantee_top_up(
        D("5000.05"), rate=D("0.1"), minimum_guarantee=D("1000.00"), currency="USD"
    )
    assert (share, top_up) == (D("500.01"), D("499.99"))


def test_no_top_up_when_the_share_reaches_the_guarantee():
    top_up = compensation.minimum_guarantee_top_up(
        D("20000"), rate=D("0.1"), minimum_guarantee=D("1000.00"), currency="USD"
    )
    assert top_up == D("0.00")


@given(
    net=st.decimals(min_value=0, max_value=10**9, places=2),
    guarantee=st.decimals(min_value="0.01", max_value=10**7, places=2),
    rate=st.decimals(min_value=0, max_value=1, places=4),
)
def test_share_and_top_up_pay_the_guarantee_or_the_share_whichever_is_more(net, guarantee, rate):
    share = compensation.revenue_share(net, rate=rate, currency="USD")
    top_up = compensation.minimum_guarantee_top_up(
        net, rate=rate, minimum_guarantee=guarantee, currency="USD"
    )
    assert share + top_up == max(share, guarantee)


def test_cpa_reversal_takes_back_the_orders_pay():
    assert compensation.cpa_reversal(D("5.00"), 3, "USD") == D("-15.00")
    assert compensation.cpa_reversal(D("300"), 2, "JPY") == D("-600")
