"""`make bench`: the DESIGN §8 benchmark on PostgreSQL, reported in one run.

It builds a fresh database (`BENCH_DATABASE_URL`, by default `partnerships_bench` on the local
server) holding the portfolio of `portfolio.py` (10 brands, 10,000 influencers, 20,000
contracts, 1,000,000 sales, 200,000 metric snapshots at `BENCH_SCALE=1`), settles and approves
August and September, then measures, each against its floor (`floors.py`):

- settlement of October for every contract, one brand at a time, against hand-written SQL
  writing the same statements, lines and sale links (and the read-only aggregate, the
  physical limit);
- the refresh of one brand's daily summaries, against one INSERT … SELECT … GROUP BY;
- the pages, served by gunicorn (2 workers) to 4 concurrent signed-in clients (`serving.py`);
- the sales import of a 1,000,000-row file (`BENCH_IMPORT_ROWS`), read from disk, against
  COPY into a staging table plus one INSERT … ON CONFLICT (and bare COPY, the physical limit);
- a day's import of one brand followed by the incremental refresh from that day;
- the peak memory of the benchmark's own process, and of gunicorn's (separately).

Every figure is printed with its floor and target, and kept with a description of the machine
in `bench/results/`; the run exits non-zero when a target is missed.

    BENCH_SCALE=0.05 make bench          # a twentieth of the data, to iterate
    BENCH_PORT=8106 BENCH_DATABASE_URL=postgres://…/mine make bench
"""

import os
import secrets
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import psycopg

SCALE = float(os.environ.get("BENCH_SCALE", "1"))
IMPORT_ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", int(1_000_000 * SCALE)))
PORT = int(os.environ.get("BENCH_PORT", "8010"))
CLIENTS = 4
PAGE_REQUESTS = int(os.environ.get("BENCH_PAGE_REQUESTS", "100"))
PAGE_SECONDS = float(os.environ.get("BENCH_PAGE_SECONDS", "30"))


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
# The same key signs the sessions here and in the gunicorn the pages are served by.
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
os.environ.pop("REDIS_URL", None)  # tasks run in-process: the benchmark measures the work itself
os.environ.pop("BROKER_URL", None)
# Settlement and imports are measured against floors that write only what they write; the
# refresh after them is measured on its own.
os.environ["LIVE_FIGURES"] = "false"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnerships.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402

from campaigns import ingest, roi  # noqa: E402
from campaigns.models import Campaign, TrackingCode  # noqa: E402
from contracts.models import Contract, Statement  # noqa: E402
from contracts.periods import Period  # noqa: E402
from partnerships import tenancy  # noqa: E402
from partnerships.models import Brand, Membership, Role  # noqa: E402
from tests.benchmarks import floors, memory, portfolio, report, serving  # noqa: E402

OCTOBER = Period.month(date(2026, 10, 1))
NOW = datetime(2026, 11, 2, 6, 0, tzinfo=UTC)
HISTORY_START = datetime(2025, 1, 1, tzinfo=UTC)  # the big import back-fills a past year
DAY = date(2026, 11, 2)  # the day of the day's import
PEAKS = memory.Peaks()


class step:
    """Print what is being done, how long it took and the peak memory of the process while it
    ran (`memory.Peaks`)."""

    def __init__(self, label: str) -> None:
        self.label = label

    def __enter__(self) -> "step":
        print(f"  {self.label} ...", end="", flush=True)
        PEAKS.start_step()
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc) -> None:
        self.seconds = time.perf_counter() - self.started
        print(f" {self.seconds:.2f} s (peak {PEAKS.step():.0f} MB)", flush=True)


def ratio_check(name: str, seconds: float, floor: float, limit: float, target: float) -> list:
    return [
        report.Check(
            name=name,
            figure=f"{seconds:.2f} s",
            floor=f"{floor:.2f} s",
            ratio=seconds / floor,
            target=f"≤ {target}× floor",
            ok=seconds <= target * floor,
        ),
        report.Check(
            name=f"{name}: physical limit",
            figure=f"{seconds:.2f} s",
            floor=f"{limit:.2f} s",
            ratio=seconds / limit,
            target=report.INFORMATION,
            ok=True,
        ),
    ]


def settle(contracts: int) -> tuple[list[report.Check], dict[str, object]]:
    zone = UTC
    params = floors.settlement_params(OCTOBER.start, OCTOBER.end, *OCTOBER.bounds(zone), NOW)
    with step("physical limit: the period's totals per contract, read only") as limit:
        floors.settle_read_only(params)
    with step("floor: SQL writing statements, lines and links, checked, rolled back") as floor:
        floor_rows = floors.settle(params)
    floors.vacuum(*floors.SETTLEMENT_TABLES)
    with step(f"settling October for {contracts:,} contracts, brand by brand") as settling:
        portfolio.settle_by_brand(now=NOW, as_of=NOW.date(), period=OCTOBER)
    product_rows = floors.written(params)
    print(f"    statements, lines, sale links written: product {product_rows}, floor {floor_rows}")
    checks = ratio_check(
        "settlement of October", settling.seconds, floor.seconds, limit.seconds, 1.3
    )
    return checks, {"product_rows": product_rows, "floor_rows": floor_rows}


def refresh(brand: Brand) -> list[report.Check]:
    with step("floor: one INSERT … SELECT … GROUP BY of the brand's summaries") as floor:
        floor_rows = floors.refresh(brand.pk, brand.default_currency)
    floors.vacuum("campaigns_dailysummary")
    with step("refreshing the measured brand's daily summaries") as refreshing:
        rows = roi.refresh(brand, now=NOW)
    print(f"    summaries written: product {rows:,}, floor {floor_rows:,}")
    with (
        step("analyzing the tables, as autovacuum does on a live server"),
        connection.cursor() as c,
    ):
        c.execute("ANALYZE")
    return [
        report.Check(
            name="refresh of one brand",
            figure=f"{refreshing.seconds:.2f} s",
            floor=f"{floor.seconds:.2f} s",
            ratio=refreshing.seconds / floor.seconds,
            target="≤ 2× floor",
            ok=refreshing.seconds <= 2 * floor.seconds,
        )
    ]


def page_urls(brand: Brand) -> dict[str, str]:
    campaign = Campaign.objects.filter(brand=brand).order_by("pk").first()
    contract = tenancy.scope_to_brand(Contract.objects.all(), brand).order_by("pk")[3]
    statement = (
        tenancy.scope_to_brand(Statement.objects.filter(period_start=OCTOBER.start), brand)
        .order_by("-total")
        .first()
    )
    return {
        "dashboard": "/?range=last_month",
        "influencer list": "/influencers/",
        "campaign": f"/campaigns/{campaign.pk}/",
        "contract": f"/contracts/{contract.pk}/",
        "statement list": "/statements/",
        "statement": f"/statements/{statement.pk}/",
    }


def pages(brand: Brand) -> tuple[list[report.Check], list[dict[str, object]]]:
    user = get_user_model().objects.create_user("bench", password="bench")
    Membership.objects.create(user=user, brand=brand, role=Role.OWNER)
    client, session = serving.signed_in(user, brand)
    measured = []
    with (
        step(f"serving the pages with gunicorn on 127.0.0.1:{PORT}"),
        serving.Server(PORT) as server,
    ):
        for name, url in page_urls(brand).items():
            measured.append(
                serving.measure(
                    server,
                    client,
                    session,
                    name,
                    url,
                    clients=CLIENTS,
                    requests=PAGE_REQUESTS,
                    seconds=PAGE_SECONDS,
                )
            )
        served_by = memory.children_mb(server.process.pid)
    checks = [
        report.Check(
            name=f"page: {page.name}",
            figure=f"median {page.median_ms:.0f} ms, p95 {page.p95_ms:.0f} ms, "
            f"{page.rps:.1f} req/s, {page.queries} queries",
            floor="",
            ratio=None,
            target="p95 ≤ 100 ms",
            ok=page.p95_ms <= 100,
            note=f"{page.requests} requests by {CLIENTS} clients",
        )
        for page in measured
    ]
    master, *workers = served_by.values()
    checks.append(
        report.Check(
            name="peak memory of each gunicorn process",
            figure=f"master {master:.0f} MB, workers "
            + ", ".join(f"{worker:.0f}" for worker in workers)
            + " MB",
            floor="",
            ratio=None,
            target="≤ 250 MB",
            ok=max(served_by.values()) <= 250,
            note="each process's own VmHWM; a worker's counts the pages it shares with the master",
        )
    )
    return checks, [page.__dict__ for page in measured]


def write_sales_file(
    path: Path, brand: Brand, rows: int, *, prefix: str, start: datetime, minutes: float
) -> None:
    """`rows` sales of `brand` from `start`, `minutes` apart, written line by line to `path`:
    a seventh in the brand's second currency, 5 % pending and 3 % refunded."""
    codes = list(TrackingCode.objects.filter(brand=brand).values_list("code", flat=True))
    home, abroad = brand.default_currency, portfolio.foreign_currency(brand)
    header = ",".join(column.name for column in ingest.SALES_COLUMNS)
    # The floor's staging table has the columns in this order.
    assert header.split(",") == [column.split()[0] for column in floors.STAGING_COLUMNS], header
    with path.open("w") as out:
        out.write(header + "\n")
        for n in range(rows):
            at = start + timedelta(minutes=n * minutes)
            net = f"{20 + n % 100}.50"
            status, refunded_at, refunded = "confirmed", "", ""
            if n % 33 == 0:
                status, refunded_at, refunded = (
                    "refunded",
                    (at + timedelta(days=3)).isoformat(),
                    net,
                )
            elif n % 20 == 0:
                status = "pending"
            out.write(
                f"{prefix}{n},1,{at.isoformat()},{codes[n % len(codes)]},"
                f"SKU-{n % portfolio.PRODUCTS_PER_BRAND:03d},{1 + n % 3},{net},"
                f"{abroad if n % 7 == 0 else home},{status},{refunded_at},{refunded},"
                f"{'amazon' if n % 7 == 0 else 'shopify'},#{prefix}{n}\n"
            )


def import_sales(brand: Brand, folder: Path) -> list[report.Check]:
    path = folder / "history.csv"
    minutes = 300 * 24 * 60 / max(IMPORT_ROWS, 1)
    with step(f"writing a {IMPORT_ROWS:,}-row sales file"):
        write_sales_file(path, brand, IMPORT_ROWS, prefix="H", start=HISTORY_START, minutes=minutes)
    print(f"    {path.stat().st_size / 1e6:.0f} MB on disk")
    with step("physical limit: bare COPY of the file into a table of text") as limit:
        floors.copy_only(path)
    with step("floor: COPY into staging + one INSERT … ON CONFLICT, checked, rolled back") as floor:
        floor_rows = floors.import_sales(path, brand.pk)
    floors.vacuum("campaigns_sale")
    with step(f"importing the {IMPORT_ROWS:,} sales") as importing, path.open("rb") as file:
        result = ingest.import_sales_csv(file, brand=brand)
    assert not result.errors, result.errors[:3]
    print(f"    rows written: product {result.created + result.updated:,}, floor {floor_rows:,}")
    rate = IMPORT_ROWS / importing.seconds
    checks = ratio_check(
        f"import of {IMPORT_ROWS:,} sales", importing.seconds, floor.seconds, limit.seconds, 1.3
    )
    checks[0] = report.Check(
        **{**checks[0].__dict__, "figure": f"{importing.seconds:.2f} s ({rate:,.0f} rows/s)"}
    )
    path.unlink()
    return checks


def day_then_refresh(brand: Brand, size: portfolio.Size, folder: Path) -> list[report.Check]:
    path = folder / "day.csv"
    rows = max(10, size.sales // size.brands // 92)  # a brand's day: its sales over 92 days
    write_sales_file(
        path,
        brand,
        rows,
        prefix="D",
        start=datetime.combine(DAY, datetime.min.time(), UTC),
        minutes=1440 / rows,
    )
    with step(f"importing a day of {rows:,} sales"), path.open("rb") as file:
        result = ingest.import_sales_csv(file, brand=brand)
    assert not result.errors, result.errors[:3]
    with step("refreshing the brand's summaries from that day") as refreshing:
        roi.refresh(brand, now=NOW + timedelta(days=1), since=DAY)
    return [
        report.Check(
            name="incremental refresh after a day's import",
            figure=f"{refreshing.seconds:.2f} s",
            floor="",
            ratio=None,
            target="≤ 1 s",
            ok=refreshing.seconds <= 1,
            note=f"{rows:,} sales imported",
        )
    ]


def main() -> int:
    size = portfolio.Size.scaled(SCALE)
    print(f"Partnerships benchmark on {connection.settings_dict['NAME']} at scale {SCALE}")
    with step("migrating, in a process of its own as on a deployment"):
        # The migration state would otherwise stay in this process's memory, measured below.
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--verbosity=0"], cwd=report.ROOT, check=True
        )
    with step(
        f"generating {size.brands} brands, {size.contracts:,} contracts, {size.sales:,} sales"
    ):
        brands = portfolio.generate(size)
    with step("settling and approving August and September"):
        portfolio.settle_and_approve_earlier_months()
    portfolio.after_approval()
    brand = brands[0]
    checks, settled = settle(size.contracts)
    checks += refresh(brand)
    page_checks, page_figures = pages(brand)
    checks += page_checks
    with tempfile.TemporaryDirectory() as folder:
        checks += import_sales(brand, Path(folder))
        checks += day_then_refresh(brand, size, Path(folder))
    peak = PEAKS.whole_run()
    checks.append(
        report.Check(
            name="peak memory of the run",
            figure=f"{peak:.0f} MB",
            floor="",
            ratio=None,
            target="≤ 250 MB",
            ok=peak <= 250,
            note="the benchmark's own process (VmHWM per step)",
        )
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        database = cursor.fetchone()[0]
    result = {
        "scale": SCALE,
        "commit": report.commit(),
        "machine": report.machine(database),
        "size": {**size.__dict__, "contracts": size.contracts, "import_rows": IMPORT_ROWS},
        "settlement_rows": settled,
        "pages": page_figures,
        "checks": report.as_dicts(checks),
    }
    kept = report.save(result)
    print()
    print(report.text_table(result["checks"]))
    print(f"\nKept in {kept.relative_to(report.ROOT)}.")
    return 0 if all(check.ok for check in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
