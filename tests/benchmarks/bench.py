"""`make bench`: the DESIGN §8 benchmark on PostgreSQL, reported in one run.

It builds a fresh database (`BENCH_DATABASE_URL`, by default `partnerships_bench` on the local
server) with 10 brands, 10,000 influencers, 20,000 contracts, 1,000,000 sales and 200,000
metric snapshots, then measures:

- settlement of one month for every contract, against the floor: the same totals from one
  hand-written SQL aggregate;
- the sales import (`campaigns.ingest`) of a 100,000-row file, against a plain PostgreSQL COPY
  of the same file into a table;
- median and p95 latency and the query count of the dashboard, influencer list, campaign and
  statement pages (rendered in-process through the full middleware stack);
- the peak memory of the process.

Every figure is printed with its target; the run exits non-zero when one misses it.
"""

import io
import os
import resource
import statistics
import sys
import time
from datetime import UTC, date, datetime
from decimal import Decimal
from urllib.parse import urlsplit

import psycopg

# BENCH_SCALE=0.01 runs the same benchmark on a hundredth of the data, to try it out quickly.
SCALE = float(os.environ.get("BENCH_SCALE", "1"))
BRANDS = 10
INFLUENCERS_PER_BRAND = max(10, int(1_000 * SCALE))
CONTRACTS_PER_INFLUENCER = 2
PRODUCTS_PER_BRAND = 50
CAMPAIGNS_PER_BRAND = 10
SALES = int(1_000_000 * SCALE)
CONTENT_ITEMS = max(BRANDS, int(10_000 * SCALE))
SNAPSHOT_DAYS = 20
IMPORT_ROWS = int(100_000 * SCALE)
PAGE_REQUESTS = 30
MONTH = date(2026, 10, 1)
COMMISSION = Decimal("0.0800")  # 0.0800 = 8%
PER_ORDER = Decimal("0.50")


def _database() -> str:
    url = os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/partnerships_bench"
    )
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url


os.environ["DATABASE_URL"] = _database()
os.environ.pop("REDIS_URL", None)  # tasks run in-process: the benchmark measures the work itself
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnerships.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from campaigns import ingest, roi  # noqa: E402
from campaigns.models import Campaign, ContentItem, Participant, TrackingCode  # noqa: E402
from contracts import settlement  # noqa: E402
from contracts.models import CompensationTerm, Contract, Partnership, Statement  # noqa: E402
from influencers.models import Influencer  # noqa: E402
from partnerships import tenancy  # noqa: E402
from partnerships.models import Brand, Membership, Product, Role  # noqa: E402

NOW = datetime(2026, 11, 2, 6, 0, tzinfo=UTC)


def step(label: str):
    """Print what is being done and how long it took."""

    class _Step:
        def __enter__(self):
            print(f"  {label} ...", end="", flush=True)
            self.started = time.perf_counter()
            return self

        def __exit__(self, *exc):
            self.seconds = time.perf_counter() - self.started
            print(f" {self.seconds:.1f} s", flush=True)

    return _Step()


def generate() -> Brand:
    """The data set; returns the brand whose pages are measured."""
    brands = Brand.objects.bulk_create(
        Brand(name=f"Bench brand {b}", slug=f"bench-{b}", timezone="UTC") for b in range(BRANDS)
    )
    for brand in brands:
        Product.objects.bulk_create(
            Product(
                brand=brand,
                sku=f"SKU-{p:03d}",
                name=f"Product {p}",
                category="Wigs" if p % 2 else "Gowns",
                retail_price=Decimal("189.00"),
                unit_cost=Decimal("40.00"),
            )
            for p in range(PRODUCTS_PER_BRAND)
        )
        influencers = Influencer.objects.bulk_create(
            Influencer(brand=brand, name=f"Influencer {brand.pk}-{i}", status="active")
            for i in range(INFLUENCERS_PER_BRAND)
        )
        partnerships = Partnership.objects.bulk_create(
            Partnership(brand=brand, influencer=influencer) for influencer in influencers
        )
        contracts = Contract.objects.bulk_create(
            Contract(
                partnership=partnership,
                method="paid_media",
                title=f"Contract {partnership.pk}-{n}",
                status="active",
                start=date(2026, 8, 1),
                currency="USD",
            )
            for partnership in partnerships
            for n in range(CONTRACTS_PER_INFLUENCER)
        )
        CompensationTerm.objects.bulk_create(
            term
            for contract in contracts
            for term in (
                CompensationTerm(
                    contract=contract, kind="commission", basis="total", rate=COMMISSION
                ),
                CompensationTerm(contract=contract, kind="cpa", amount=PER_ORDER),
            )
        )
        campaigns = Campaign.objects.bulk_create(
            Campaign(
                brand=brand,
                name=f"Campaign {c}",
                objective="sales",
                start=date(2026, 8, 1),
                end=date(2027, 1, 31),
                currency="USD",
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
        per_brand = CONTENT_ITEMS // BRANDS
        ContentItem.objects.bulk_create(
            ContentItem(
                participant=participants[n],
                content_type="video",
                platform="youtube",
                status="published",
                submitted_at=datetime(2026, 8, 1, tzinfo=UTC),
                published_at=datetime(2026, 8, 2, tzinfo=UTC),
            )
            for n in range(per_brand)
        )
    with connection.cursor() as cursor:
        # Sales spread over August to October across every code and product of its brand.
        cursor.execute(
            """
            WITH codes AS (
                SELECT c.id, c.brand_id, row_number() OVER (ORDER BY c.id) - 1 AS n,
                       (SELECT min(p.id) FROM partnerships_product p
                         WHERE p.brand_id = c.brand_id) AS first_product
                  FROM campaigns_trackingcode c
            ), total AS (SELECT count(*) AS codes FROM codes)
            INSERT INTO campaigns_sale (brand_id, order_id, line_id, ordered_at, tracking_code_id,
                product_id, quantity, net_amount, currency, status, refunded_at,
                refunded_amount, created_at, updated_at)
            SELECT codes.brand_id, 'O' || g, '1',
                   timestamptz '2026-08-01 00:00+00'
                       + (g::bigint * 132480 / %(sales)s) * interval '1 minute',
                   codes.id, codes.first_product + g %% %(products)s, 1 + g %% 3,
                   20.99 + g %% 180, 'USD',
                   CASE WHEN g %% 20 = 0 THEN 'pending' WHEN g %% 33 = 0 THEN 'refunded'
                        ELSE 'confirmed' END,
                   CASE WHEN g %% 33 = 0 THEN timestamptz '2026-08-04 00:00+00'
                        + (g::bigint * 132480 / %(sales)s) * interval '1 minute' END,
                   CASE WHEN g %% 33 = 0 THEN 20.99 + g %% 180 ELSE 0 END,
                   now(), now()
              FROM generate_series(1, %(sales)s) AS g, total
              JOIN codes ON true
             WHERE codes.n = g %% total.codes
            """,
            {"products": PRODUCTS_PER_BRAND, "sales": SALES},
        )
        cursor.execute(
            """
            INSERT INTO campaigns_metricsnapshot (content_id, date, views, reach, impressions,
                likes, comments, shares, saves, clicks, conversions, signups)
            SELECT c.id, date '2026-09-20' + d, 1000 * d + c.id %% 500, 800 * d, 1500 * d,
                   50 * d, 5 * d, 2 * d, 3 * d, 20 * d, d, 0
              FROM campaigns_contentitem c, generate_series(1, %s) AS d
            """,
            [SNAPSHOT_DAYS],
        )
        cursor.execute("ANALYZE")
    return brands[0]


def settle() -> tuple[float, float, bool]:
    """Seconds to settle October for every contract, seconds of the SQL floor, and whether
    both give the same grand total."""
    period = settlement.Period.month(MONTH)
    contracts = BRANDS * INFLUENCERS_PER_BRAND * CONTRACTS_PER_INFLUENCER
    with step(f"settling October for {contracts:,} contracts") as settling:
        settlement.settle_due(now=NOW, as_of=date(2026, 11, 2), period=period)
    statements = Statement.objects.filter(period_start=period.start)
    settled = sum(statements.values_list("total", flat=True), Decimal(0))
    with step("the same totals from one SQL aggregate") as floor, connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT coalesce(sum(round(base * %s, 2) + orders * %s), 0)
              FROM (SELECT p.contract_id, sum(s.net_amount - s.refunded_amount) AS base,
                           count(DISTINCT s.order_id) AS orders
                      FROM campaigns_sale s
                      JOIN campaigns_trackingcode c ON c.id = s.tracking_code_id
                      JOIN campaigns_participant p ON p.id = c.participant_id
                     WHERE s.status = 'confirmed'
                       AND s.ordered_at >= %s AND s.ordered_at < %s
                     GROUP BY p.contract_id) AS per_contract
            """,
            [COMMISSION, PER_ORDER, *period.bounds(UTC)],
        )
        expected = cursor.fetchone()[0]
    print(f"    settled total {settled}, SQL total {expected}")
    return settling.seconds, floor.seconds, settled == expected


def sales_file(brand: Brand) -> str:
    codes = list(TrackingCode.objects.filter(brand=brand).values_list("code", flat=True))
    out = io.StringIO()
    out.write(ingest_header())
    for n in range(IMPORT_ROWS):
        out.write(
            f"N{n},1,2026-10-{1 + n % 28:02d}T12:00:00+00:00,{codes[n % len(codes)]},"
            f"SKU-{n % PRODUCTS_PER_BRAND:03d},1,{20 + n % 100}.50,USD,confirmed,,\n"
        )
    return out.getvalue()


def ingest_header() -> str:
    return ",".join(column.name for column in ingest.SALES_COLUMNS) + "\n"


def import_sales(brand: Brand) -> tuple[float, float]:
    """Rows per second of the sales import and of a plain COPY of the same file."""
    text = sales_file(brand)
    with step(f"importing {IMPORT_ROWS:,} sales") as importing:
        result = ingest.import_sales_csv(text, brand=brand)
    assert not result.errors, result.errors[:3]
    with step("COPY of the same file") as copying, connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE bench_copy (order_id text, line_id text, ordered_at text,"
            " code text, sku text, quantity text, net_amount text, currency text,"
            " status text, refunded_at text, refunded_amount text)"
        )
        with cursor.copy("COPY bench_copy FROM STDIN WITH (FORMAT csv, HEADER true)") as copy:
            copy.write(text)
    return IMPORT_ROWS / importing.seconds, IMPORT_ROWS / copying.seconds


def pages(brand: Brand) -> list[tuple[str, float, float, int]]:
    """(page, median ms, p95 ms, queries) for each measured page."""
    user = get_user_model().objects.create_user("bench", password="bench")
    Membership.objects.create(user=user, brand=brand, role=Role.OWNER)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    session = client.session
    session[tenancy.SESSION_KEY] = brand.pk
    session.save()
    campaign = Campaign.objects.filter(brand=brand).order_by("pk").first()
    statement = tenancy.scope_to_brand(Statement.objects.order_by("-total"), brand).first()
    urls = {
        "dashboard": "/?range=last_month",
        "influencer list": "/influencers/",
        "campaign": f"/campaigns/{campaign.pk}/",
        "statement": f"/statements/{statement.pk}/",
    }
    results = []
    for name, url in urls.items():
        for _ in range(3):  # warm caches and connections
            assert client.get(url).status_code == 200, url
        timings = []
        for _ in range(PAGE_REQUESTS):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, url
        timings.sort()
        p95 = timings[int(len(timings) * 0.95) - 1]
        results.append((name, statistics.median(timings), p95, len(queries)))
    return results


def main() -> int:
    print("Partnerships benchmark on", connection.settings_dict["NAME"])
    with step("migrating"):
        call_command("migrate", verbosity=0)
    with step(f"generating {BRANDS} brands and {SALES:,} sales"):
        brand = generate()
    settle_seconds, floor_seconds, same = settle()
    with step("refreshing the measured brand's daily summaries"):
        roi.refresh(brand, now=NOW)
    with (
        step("analyzing the tables, as autovacuum does on a live server"),
        connection.cursor() as c,
    ):
        c.execute("ANALYZE")
    import_rate, copy_rate = import_sales(brand)
    measured = pages(brand)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    checks = [
        (
            "settlement of a month",
            f"{settle_seconds:.2f} s vs floor {floor_seconds:.2f} s "
            f"({settle_seconds / floor_seconds:.1f}×), totals {'equal' if same else 'DIFFER'}",
            same and settle_seconds <= 2 * floor_seconds,
            "≤ 2× floor",
        ),
        (
            "sales import",
            f"{import_rate:,.0f} rows/s vs COPY {copy_rate:,.0f} rows/s "
            f"({copy_rate / import_rate:.1f}× slower)",
            import_rate * 2 >= copy_rate,
            "≤ 2× COPY",
        ),
        *(
            (
                f"page: {name}",
                f"median {median:.0f} ms, p95 {p95:.0f} ms, {queries} queries",
                p95 <= 150,
                "p95 ≤ 150 ms",
            )
            for name, median, p95, queries in measured
        ),
        ("peak memory", f"{peak_mb:.0f} MB", peak_mb <= 300, "≤ 300 MB"),
    ]
    print()
    width = max(len(label) for label, *_ in checks)
    for label, figure, ok, target in checks:
        print(f"{'ok  ' if ok else 'MISS'} {label:<{width}}  {figure}  (target {target})")
    return 0 if all(ok for _, _, ok, _ in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
