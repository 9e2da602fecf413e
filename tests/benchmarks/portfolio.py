"""The benchmark's data set: a portfolio that looks like real brands.

Ten brands in three currencies, each with its influencers, two contracts per influencer of all
three methods and every term kind (whole and marginal tiers, products and categories, CPM with
caps, bonuses, revenue share with a guarantee, rebates on distributor orders, flat fees,
per-item and per-order pay, minimum payouts), campaigns, codes, published content with daily
metrics, and sales from August to October, a seventh of them in a second currency with a rate
for every day. 3 % of the sales are refunded, a third of those after their month's statement
was approved, and some pending sales are confirmed after it: August and September are settled
and approved before the benchmark settles October, so clawbacks, late confirmations and
carried balances all happen.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django.db import connection

from campaigns.models import Campaign, ContentItem, Participant, TrackingCode
from contracts import settlement
from contracts.models import (
    CompensationTerm,
    Contract,
    DistributorOrder,
    JointBrand,
    Partnership,
    Statement,
)
from contracts.periods import Period
from influencers.models import Influencer
from partnerships.models import Brand, ExchangeRate, Product

Kind = CompensationTerm.Kind
Method = Contract.Method

START = date(2026, 8, 1)
MONTHS = [date(2026, 8, 1), date(2026, 9, 1), date(2026, 10, 1)]
APPROVED_AT = datetime(2026, 10, 3, 9, 0, tzinfo=UTC)
REFUNDED_AFTER_APPROVAL = datetime(2026, 10, 15, 12, 0, tzinfo=UTC)
CURRENCIES = ("USD", "EUR", "GBP")
PRODUCTS_PER_BRAND = 50
CAMPAIGNS_PER_BRAND = 10
SNAPSHOT_DAYS = 20


@dataclass(frozen=True)
class Size:
    brands: int
    influencers_per_brand: int
    contracts_per_influencer: int
    sales: int
    content_items: int

    @classmethod
    def scaled(cls, scale: float) -> "Size":
        return cls(
            brands=10,
            influencers_per_brand=max(10, int(1_000 * scale)),
            contracts_per_influencer=2,
            sales=int(1_000_000 * scale),
            content_items=max(10, int(10_000 * scale)),
        )

    @property
    def contracts(self) -> int:
        return self.brands * self.influencers_per_brand * self.contracts_per_influencer


def foreign_currency(brand: Brand) -> str:
    """The second currency a brand sells in (its marketplace abroad)."""
    return CURRENCIES[(CURRENCIES.index(brand.default_currency) + 1) % len(CURRENCIES)]


def _tiers(*bands: tuple[int, str]) -> list[dict[str, str]]:
    return [{"from": str(start), "rate": rate} for start, rate in bands]


def _terms(contract: Contract, variant: int, products: list[Product]) -> list[CompensationTerm]:
    """The terms of the contract's variant: ten shapes of deal that cover every kind."""
    term = CompensationTerm
    whole, marginal = term.TierMode.WHOLE, term.TierMode.MARGINAL
    total, product, category = term.Basis.TOTAL, term.Basis.PRODUCT, term.Basis.CATEGORY
    shapes = {
        0: [
            term(kind=Kind.COMMISSION, basis=total, rate=Decimal("0.0800")),
            term(kind=Kind.CPA, amount=Decimal("0.50")),
        ],
        1: [
            term(
                kind=Kind.COMMISSION,
                basis=total,
                tiers=_tiers((0, "0.05"), (3000, "0.08")),
                tier_mode=whole,
            ),
            term(kind=Kind.CPM, amount=Decimal("12.00"), cap=Decimal("300.00")),
        ],
        2: [
            term(
                kind=Kind.COMMISSION,
                basis=product,
                product=products[0],
                tiers=_tiers((0, "0.06"), (500, "0.09"), (2000, "0.12")),
                tier_mode=marginal,
            ),
            term(kind=Kind.PER_DELIVERABLE, amount=Decimal("150.00"), content_type="video"),
        ],
        3: [
            term(kind=Kind.COMMISSION, basis=category, category="Wigs", rate=Decimal("0.1000")),
            term(kind=Kind.FLAT_FEE, amount=Decimal("500.00"), due_date=date(2026, 10, 15)),
            term(
                kind=Kind.BONUS,
                metric=term.Metric.SALES,
                threshold=Decimal("2000.00"),
                amount=Decimal("250.00"),
            ),
        ],
        4: [
            term(kind=Kind.COMMISSION, basis=total, rate=Decimal("0.0500")),
            term(kind=Kind.CPM, amount=Decimal("10.00"), cap=Decimal("200.00")),
            term(
                kind=Kind.BONUS,
                metric=term.Metric.VIEWS,
                threshold=Decimal("100000"),
                amount=Decimal("150.00"),
            ),
        ],
        5: [term(kind=Kind.COMMISSION, basis=total, rate=Decimal("0.0600"))],
        6: [
            term(kind=Kind.COMMISSION, basis=total, rate=Decimal("0.1000")),
            term(kind=Kind.REBATE, tiers=_tiers((0, "0.02"), (5000, "0.04")), tier_mode=whole),
        ],
        7: [
            term(kind=Kind.COMMISSION, basis=total, rate=Decimal("0.0400")),
            term(kind=Kind.REBATE, tiers=_tiers((0, "0.01"), (2000, "0.03")), tier_mode=marginal),
            term(
                kind=Kind.FLAT_FEE,
                amount=Decimal("300.00"),
                milestone=term.Milestone.ON_SIGNING,
                offset_days=30,
            ),
        ],
        8: [
            term(
                kind=Kind.REVENUE_SHARE,
                rate=Decimal("0.3000"),
                minimum_guarantee=Decimal("200.00"),
            )
        ],
        9: [
            term(kind=Kind.REVENUE_SHARE, rate=Decimal("0.2500")),
            term(kind=Kind.COMMISSION, basis=total, rate=Decimal("0.0300")),
            term(
                kind=Kind.BONUS,
                metric=term.Metric.CONVERSIONS,
                threshold=Decimal("50"),
                amount=Decimal("100.00"),
            ),
        ],
    }
    for made in shapes[variant]:
        made.contract = contract
    return shapes[variant]


def _method(variant: int) -> str:
    return (
        Method.DISTRIBUTION
        if variant in (6, 7)
        else (Method.JOINT_BRAND if variant in (8, 9) else Method.PAID_MEDIA)
    )


def generate(size: Size) -> list[Brand]:
    """Write the portfolio up to the end of October; returns the brands."""
    brands = Brand.objects.bulk_create(
        Brand(
            name=f"Bench brand {b}",
            slug=f"bench-{b}",
            timezone="UTC",
            default_currency=CURRENCIES[b % len(CURRENCIES)],
        )
        for b in range(size.brands)
    )
    for brand in brands:
        _brand(brand, size)
    _sales(brands, size)
    _metrics()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return brands


def _brand(brand: Brand, size: Size) -> None:
    currency = brand.default_currency
    days = (date(2026, 12, 1) - date(2026, 7, 25)).days
    ExchangeRate.objects.bulk_create(
        ExchangeRate(
            brand=brand,
            date=date(2026, 7, 25) + timedelta(days=d),
            from_currency=foreign_currency(brand),
            to_currency=currency,
            rate=Decimal("1.08") + Decimal(d % 10) / 1000,
        )
        for d in range(days)
    )
    products = Product.objects.bulk_create(
        Product(
            brand=brand,
            sku=f"SKU-{p:03d}",
            name=f"Product {p}",
            category="Wigs" if p % 2 else "Gowns",
            currency=currency,
            retail_price=Decimal("189.00"),
            distributor_price=Decimal("95.00"),
            unit_cost=Decimal("40.00"),
        )
        for p in range(PRODUCTS_PER_BRAND)
    )
    influencers = Influencer.objects.bulk_create(
        Influencer(brand=brand, name=f"Influencer {brand.pk}-{i}", status="active")
        for i in range(size.influencers_per_brand)
    )
    partnerships = Partnership.objects.bulk_create(
        Partnership(brand=brand, influencer=influencer) for influencer in influencers
    )
    numbered = [
        (partnership, n * size.contracts_per_influencer + c)
        for n, partnership in enumerate(partnerships)
        for c in range(size.contracts_per_influencer)
    ]
    contracts = Contract.objects.bulk_create(
        Contract(
            partnership=partnership,
            method=_method(number % 10),
            title=f"Contract {partnership.pk}-{number}",
            status="active",
            start=START,
            currency=currency,
            # A third carry small balances forward instead of paying them.
            minimum_payout=Decimal("50.00") if number % 3 == 0 else Decimal(0),
        )
        for partnership, number in numbered
    )
    variants = [number % 10 for _, number in numbered]
    CompensationTerm.objects.bulk_create(
        term
        for contract, variant in zip(contracts, variants, strict=True)
        for term in _terms(contract, variant, products)
    )
    joint = [c for c, v in zip(contracts, variants, strict=True) if v in (8, 9)]
    joint_brands = JointBrand.objects.bulk_create(
        JointBrand(
            contract=contract,
            name=f"Joint line {contract.pk}",
            brand_equity=Decimal("0.6000"),
            influencer_equity=Decimal("0.4000"),
        )
        for contract in joint
    )
    JointBrand.products.through.objects.bulk_create(
        JointBrand.products.through(jointbrand=joint_brand, product=product)
        for joint_brand in joint_brands
        for product in products[:10]
    )
    distributing = [c for c, v in zip(contracts, variants, strict=True) if v in (6, 7)]
    DistributorOrder.objects.bulk_create(
        DistributorOrder(
            contract=contract,
            reference=f"W{contract.pk}-{month.month}-{n}",
            ordered_at=datetime(month.year, month.month, 5 + 10 * n, tzinfo=UTC),
            product=products[(contract.pk + n) % PRODUCTS_PER_BRAND],
            quantity=10 + (contract.pk + n) % 40,
            unit_price=Decimal("95.00"),
        )
        for contract in distributing
        for month in MONTHS
        for n in range(2)
    )
    campaigns = Campaign.objects.bulk_create(
        Campaign(
            brand=brand,
            name=f"Campaign {c}",
            objective="sales",
            start=START,
            end=date(2027, 1, 31),
            currency=currency,
        )
        for c in range(CAMPAIGNS_PER_BRAND)
    )
    participants = Participant.objects.bulk_create(
        Participant(campaign=campaigns[n % CAMPAIGNS_PER_BRAND], contract=contract)
        for n, contract in enumerate(contracts)
    )
    TrackingCode.objects.bulk_create(
        TrackingCode(brand=brand, participant=participant, code=f"B{brand.pk}P{participant.pk}")
        for participant in participants
    )
    # Content goes to the contracts paid on it (per item, CPM, a views bonus) first.
    on_content = [p for p, v in zip(participants, variants, strict=True) if v in (1, 2, 4)]
    per_brand = size.content_items // size.brands
    ContentItem.objects.bulk_create(
        ContentItem(
            participant=on_content[n % len(on_content)],
            content_type="video",
            platform="youtube",
            status="published",
            submitted_at=datetime(2026, 8, 1, tzinfo=UTC) + timedelta(hours=n * 2000 // per_brand),
            published_at=datetime(2026, 8, 2, tzinfo=UTC) + timedelta(hours=n * 2000 // per_brand),
        )
        for n in range(per_brand)
    )


# Sales spread over August to October across every code and product of their brand; every
# seventh sale in the brand's second currency. Of each 99 sales one is refunded after approval
# (written as confirmed here, refunded by `after_approval`), two more are refunded before
# (one whole, one half); one in twenty is pending.
SALES = """
WITH currencies (brand_id, home, abroad) AS (VALUES {currencies}),
codes AS (
    SELECT c.id, c.brand_id, row_number() OVER (ORDER BY c.id) - 1 AS n,
           (SELECT min(p.id) FROM partnerships_product p WHERE p.brand_id = c.brand_id)
               AS first_product
      FROM campaigns_trackingcode c
), total AS (SELECT count(*) AS codes FROM codes),
made AS (
    SELECT g, codes.brand_id, codes.id AS code_id, codes.first_product,
           timestamptz '2026-08-01 00:00+00'
               + (g::bigint * 132480 / %(sales)s) * interval '1 minute' AS ordered_at,
           20.99 + g %% 180 AS net
      FROM generate_series(1, %(sales)s) AS g, total
      JOIN codes ON true
     WHERE codes.n = g %% total.codes
)
INSERT INTO campaigns_sale (brand_id, order_id, line_id, ordered_at, tracking_code_id,
    product_id, quantity, net_amount, currency, status, refunded_at, refunded_amount,
    channel, order_reference, created_at, updated_at)
SELECT made.brand_id, 'O' || g, '1', ordered_at, code_id,
       first_product + g %% {products}, 1 + g %% 3, net,
       CASE WHEN g %% 7 = 0 THEN currencies.abroad ELSE currencies.home END,
       CASE WHEN g %% 99 = 0 THEN 'confirmed'
            WHEN g %% 66 = 0 THEN 'refunded'
            WHEN g %% 20 = 0 THEN 'pending'
            ELSE 'confirmed' END,
       CASE WHEN g %% 33 = 0 AND g %% 99 <> 0 THEN ordered_at + interval '3 days' END,
       CASE WHEN g %% 66 = 0 AND g %% 99 <> 0 THEN net
            WHEN g %% 33 = 0 AND g %% 99 <> 0 THEN round(net / 2, 2)
            ELSE 0 END,
       CASE WHEN g %% 7 = 0 THEN 'amazon' ELSE 'shopify' END, '#' || g,
       now(), now()
  FROM made JOIN currencies ON currencies.brand_id = made.brand_id
"""


def _sales(brands: list[Brand], size: Size) -> None:
    currencies = ", ".join(
        f"({brand.pk}, '{brand.default_currency}', '{foreign_currency(brand)}')" for brand in brands
    )
    with connection.cursor() as cursor:
        cursor.execute(
            SALES.format(currencies=currencies, products=PRODUCTS_PER_BRAND),
            {"sales": size.sales},
        )


def _metrics() -> None:
    """Twenty snapshots of each item, every other day from mid-September."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO campaigns_metricsnapshot (content_id, date, views, reach, impressions,
                likes, comments, shares, saves, clicks, conversions, signups)
            SELECT c.id, date '2026-09-12' + 2 * d, 1000 * d + c.id %% 500, 800 * d, 1500 * d,
                   50 * d, 5 * d, 2 * d, 3 * d, 20 * d, d, 0
              FROM campaigns_contentitem c, generate_series(1, %s) AS d
            """,
            [SNAPSHOT_DAYS],
        )


def settle_by_brand(*, now: datetime, as_of: date, period: Period) -> int:
    """Settle what is due in `period` one brand at a time, as the daily task's chunks do, so
    that the statements written are never all held at once; returns how many were written."""
    return sum(
        len(settlement.settle_due(now=now, as_of=as_of, brand=brand, period=period))
        for brand in Brand.objects.order_by("pk")
    )


def settle_and_approve_earlier_months() -> int:
    """Settle August and September on October 2nd and approve every statement on the 3rd;
    returns how many statements that made."""
    written = settle_by_brand(
        now=datetime(2026, 10, 2, 6, 0, tzinfo=UTC),
        as_of=date(2026, 10, 2),
        period=Period(MONTHS[0], MONTHS[2]),
    )
    Statement.objects.update(status=Statement.Status.APPROVED, approved_at=APPROVED_AT)
    return written


def after_approval() -> None:
    """What happens once August and September are approved: a third of the refunds, and half
    of the pending sales confirmed."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE campaigns_sale
               SET status = 'refunded', refunded_at = %s, refunded_amount = net_amount,
                   updated_at = %s
             WHERE substr(order_id, 2)::bigint %% 99 = 0 AND ordered_at < %s
            """,
            [REFUNDED_AFTER_APPROVAL, REFUNDED_AFTER_APPROVAL, MONTHS[2]],
        )
        cursor.execute(
            """
            UPDATE campaigns_sale SET status = 'confirmed', updated_at = %s
             WHERE status = 'pending' AND substr(order_id, 2)::bigint %% 40 = 0
               AND ordered_at < %s
            """,
            [REFUNDED_AFTER_APPROVAL, MONTHS[2]],
        )
        cursor.execute("ANALYZE")
