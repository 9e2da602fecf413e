"""Terms and contract conditions in the words both sides read."""

from datetime import date
from decimal import Decimal

import pytest

from contracts import wording
from contracts.models import CompensationTerm, Contract
from tests import factories

pytestmark = pytest.mark.django_db

D = Decimal
TWO_TIERS = [{"from": "0", "rate": "0.05"}, {"from": "10000", "rate": "0.08"}]
THREE_TIERS = [*TWO_TIERS, {"from": "50000", "rate": "0.1000"}]


def contract_in(currency: str = "USD", **fields) -> Contract:
    fields.setdefault("start", date(2027, 1, 1))
    fields.setdefault("end", date(2027, 6, 30))
    return factories.ContractFactory(currency=currency, **fields)


def described(contract: Contract, **fields) -> str:
    term = CompensationTerm(contract=contract, **fields)
    term.full_clean()  # only terms the model accepts are worth describing
    return wording.describe(term, contract=contract)


@pytest.fixture
def usd() -> Contract:
    return contract_in("USD")


@pytest.fixture
def cny() -> Contract:
    return contract_in("CNY")


# --- each kind -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "text"),
    [
        (
            {"amount": D("1500.00"), "due_date": date(2027, 1, 15)},
            "$1,500.00 due on 15 Jan 2027",
        ),
        ({"amount": D("500.00"), "milestone": "on_signing"}, "$500.00 on signing"),
        (
            {"amount": D("500.00"), "milestone": "on_first_publish", "offset_days": 14},
            "$500.00 14 days after the first published content",
        ),
        (
            {"amount": D("250.00"), "milestone": "on_campaign_end", "offset_days": 1},
            "$250.00 1 day after the campaign ends",
        ),
        (
            {"amount": D("250.00"), "milestone": "on_campaign_end"},
            "$250.00 at the end of the campaign",
        ),
    ],
)
def test_flat_fee_reads_its_due_date_or_milestone(usd, fields, text):
    assert described(usd, kind="flat_fee", **fields) == text


def test_per_deliverable_names_the_content_type(usd):
    text = described(usd, kind="per_deliverable", amount=D("300.00"), content_type="short")
    assert text == "$300.00 per published short video"


def test_cpm_with_and_without_a_cap_per_item(usd):
    capped = described(usd, kind="cpm", amount=D("8.00"), cap=D("400.00"))
    assert capped == "$8.00 per 1,000 views, at most $400.00 per item"
    assert described(usd, kind="cpm", amount=D("8.00")) == "$8.00 per 1,000 views"


def test_cpa_is_per_confirmed_order(usd):
    assert described(usd, kind="cpa", amount=D("5.00")) == "$5.00 per confirmed order"


@pytest.mark.parametrize(
    ("rate", "text"),
    [
        (D("0.0800"), "8% of monthly net sales"),
        (D("0.0125"), "1.25% of monthly net sales"),
        (D("0.1000"), "10% of monthly net sales"),
        (D("0.0005"), "0.05% of monthly net sales"),
    ],
)
def test_commission_rate_is_a_percentage_without_trailing_zeros(usd, rate, text):
    assert described(usd, kind="commission", basis="total", rate=rate) == text


def test_whole_tiers_pay_the_reached_rate_on_the_total(cny):
    text = described(cny, kind="commission", basis="total", tiers=TWO_TIERS, tier_mode="whole")
    assert text == "8% on total monthly net sales once they reach ¥10,000, otherwise 5%"


def test_marginal_tiers_pay_each_band_at_its_rate(cny):
    text = described(cny, kind="commission", basis="total", tiers=TWO_TIERS, tier_mode="marginal")
    assert text == "5% of monthly net sales up to ¥10,000 and 8% of the part above"


def test_three_whole_tiers_read_from_the_top(cny):
    text = described(cny, kind="commission", basis="total", tiers=THREE_TIERS, tier_mode="whole")
    assert text == (
        "10% on total monthly net sales once they reach ¥50,000, 8% once they reach ¥10,000, "
        "otherwise 5%"
    )


def test_three_marginal_tiers_name_the_middle_band(cny):
    text = described(cny, kind="commission", basis="total", tiers=THREE_TIERS, tier_mode="marginal")
    assert text == (
        "5% of monthly net sales up to ¥10,000, 8% of the part from ¥10,000 up to ¥50,000 "
        "and 10% of the part above"
    )


def test_tiers_starting_above_zero_say_nothing_is_paid_below(cny):
    tiers = [{"from": "5000", "rate": "0.05"}, {"from": "10000", "rate": "0.08"}]
    whole = described(cny, kind="commission", basis="total", tiers=tiers, tier_mode="whole")
    assert whole == (
        "8% on total monthly net sales once they reach ¥10,000, 5% once they reach ¥5,000, "
        "nothing below that"
    )
    marginal = described(cny, kind="commission", basis="total", tiers=tiers, tier_mode="marginal")
    assert marginal == (
        "nothing on the first ¥5,000 of monthly net sales, 5% of the part from ¥5,000 up to "
        "¥10,000 and 8% of the part above"
    )


def test_commission_on_one_product_names_its_sku_and_name(usd):
    product = factories.ProductFactory(
        brand=usd.partnership.brand, sku="WIG-613", name="Honey Blonde Lace Front"
    )
    text = described(usd, kind="commission", basis="product", product=product, rate=D("0.1"))
    assert text == "10% of monthly net sales of Honey Blonde Lace Front (WIG-613)"


def test_commission_on_a_category_names_it(usd):
    text = described(usd, kind="commission", basis="category", category="Wigs", rate=D("0.1"))
    assert text == "10% of monthly net sales in the Wigs category"


@pytest.mark.parametrize(
    ("period", "text"),
    [
        ("quarterly", "8% of quarterly net sales"),
        ("on_completion", "8% of net sales over the contract"),
    ],
)
def test_sales_are_those_of_the_settlement_period(period, text):
    contract = contract_in(settlement_period=period)
    assert described(contract, kind="commission", basis="total", rate=D("0.08")) == text


def test_revenue_share_with_its_minimum_guarantee():
    contract = contract_in(method="joint_brand")
    text = described(contract, kind="revenue_share", rate=D("0.12"), minimum_guarantee=D("2000.00"))
    assert text == (
        "12% of monthly net sales of the joint brand's products, at least $2,000.00 a month"
    )


def test_revenue_share_guarantee_follows_a_quarterly_period():
    contract = contract_in(method="joint_brand", settlement_period="quarterly")
    text = described(contract, kind="revenue_share", rate=D("0.1"), minimum_guarantee=D("5000"))
    assert text.endswith("at least $5,000.00 a quarter")


def test_rebate_tiers_are_on_wholesale_purchases():
    contract = contract_in(method="distribution")
    tiers = [{"from": "0", "rate": "0.02"}, {"from": "5000", "rate": "0.04"}]
    assert described(contract, kind="rebate", tiers=tiers, tier_mode="whole") == (
        "Rebate: 4% on total monthly wholesale purchases once they reach $5,000, otherwise 2%"
    )
    assert described(contract, kind="rebate", tiers=tiers, tier_mode="marginal") == (
        "Rebate: 2% of monthly wholesale purchases up to $5,000 and 4% of the part above"
    )


@pytest.mark.parametrize(
    ("metric", "threshold", "text"),
    [
        ("views", D("1000000"), "$1,000.00 once, when views first reach 1,000,000"),
        ("conversions", D("500"), "$1,000.00 once, when conversions first reach 500"),
        ("sales", D("50000.00"), "$1,000.00 once, when net sales first reach $50,000"),
        ("sales", D("50000.50"), "$1,000.00 once, when net sales first reach $50,000.50"),
    ],
)
def test_bonus_names_its_metric_and_threshold(usd, metric, threshold, text):
    fields = {"amount": D("1000.00"), "metric": metric, "threshold": threshold}
    assert described(usd, kind="bonus", **fields) == text


# --- currencies ------------------------------------------------------------------------------


def test_yen_amounts_have_no_decimals():
    jpy = contract_in("JPY")
    fee = described(jpy, kind="flat_fee", amount=D("150000"), due_date=date(2027, 3, 1))
    assert fee == "¥150,000 due on 1 Mar 2027"
    cpm = described(jpy, kind="cpm", amount=D("800"), cap=D("40000"))
    assert cpm == "¥800 per 1,000 views, at most ¥40,000 per item"


@pytest.mark.parametrize(
    ("currency", "text"),
    [
        ("EUR", "€1,500.00 on signing"),
        ("GBP", "£1,500.00 on signing"),
        ("RUB", "₽1,500.00 on signing"),
        ("KRW", "₩1,500 on signing"),
        ("HKD", "HKD 1,500.00 on signing"),
    ],
)
def test_currency_symbol_where_common_else_the_code(currency, text):
    contract = contract_in(currency)
    assert described(contract, kind="flat_fee", amount=D("1500"), milestone="on_signing") == text


# --- queries and the whole contract ----------------------------------------------------------


def test_describe_uses_the_terms_own_contract_when_none_is_passed(cny):
    term = CompensationTerm.objects.create(contract=cny, kind="cpa", amount=D("5.00"))
    term = CompensationTerm.objects.select_related("contract").get(pk=term.pk)
    assert wording.describe(term) == "¥5.00 per confirmed order"


def test_describing_prefetched_terms_makes_no_queries(usd, django_assert_num_queries):
    product = factories.ProductFactory(brand=usd.partnership.brand)
    CompensationTerm.objects.create(
        contract=usd, kind="commission", basis="product", product=product, rate=D("0.1")
    )
    CompensationTerm.objects.create(contract=usd, kind="cpa", amount=D("5.00"))
    terms = list(usd.terms.select_related("product"))
    with django_assert_num_queries(0):
        texts = [wording.describe(term, contract=usd) for term in terms]
    assert texts == [
        f"10% of monthly net sales of {product.name} ({product.sku})",
        "$5.00 per confirmed order",
    ]


@pytest.fixture
def full_contract() -> Contract:
    contract = contract_in(
        "USD",
        hold_days=30,
        minimum_payout=D("100.00"),
        payment_terms_days=15,
        late_delivery_per_day=D("50.00"),
        late_delivery_cap=D("500.00"),
        late_payment_per_day=D("20.00"),
    )
    CompensationTerm.objects.create(contract=contract, kind="cpa", amount=D("5.00"))
    CompensationTerm.objects.create(
        contract=contract,
        kind="flat_fee",
        amount=D("1500.00"),
        due_date=date(2027, 1, 15),
        description="First installment",
    )
    return contract


def test_describe_contract_lists_terms_then_breach_and_settlement(full_contract):
    assert wording.describe_contract(full_contract) == [
        "First installment: $1,500.00 due on 15 Jan 2027",
        "$5.00 per confirmed order",
        "Late delivery costs $50.00 per day for each deliverable published late, "
        "at most $500.00 in all.",
        "A statement paid after its due date earns the influencer $20.00 per day late, "
        "added to the next statement.",
        "Settled monthly, 30 days after each month ends, so orders returned within that "
        "window are left out.",
        "A statement below $100.00 is not paid; its balance carries to the next statement.",
        "Approved statements are paid within 15 days (net 15).",
    ]


def test_describe_contract_without_terms_gives_the_conditions_only(full_contract):
    conditions = wording.describe_contract(full_contract, include_terms=False)
    assert conditions[0].startswith("Late delivery costs $50.00 per day")
    assert len(conditions) == 5


def test_describe_contract_reads_prefetched_terms_without_queries(
    full_contract, django_assert_num_queries
):
    contract = Contract.objects.prefetch_related("terms").get(pk=full_contract.pk)
    with django_assert_num_queries(0):
        sentences = wording.describe_contract(contract)
    assert sentences[1] == "$5.00 per confirmed order"


def test_a_plain_contract_settles_as_soon_as_the_period_ends(usd):
    assert wording.describe_contract(usd) == [
        "Settled monthly, as soon as each month ends.",
        "Approved statements are paid within 30 days (net 30).",
    ]


def test_a_contract_settled_on_completion_waits_its_hold_days():
    contract = contract_in(settlement_period="on_completion", hold_days=14)
    assert wording.describe_settlement(contract)[0] == (
        "Settled once, 14 days after the contract ends, so orders returned within that "
        "window are left out."
    )
