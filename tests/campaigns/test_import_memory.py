"""Imports stream: a 50 MB sales file, the largest upload allowed, is imported by a process
whose peak memory stays under 250 MB; the file is read a line at a time, twice (checked, then
looked up and written a chunk at a time), and never held whole."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from campaigns import ingest
from tests import factories

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
MEGABYTE = 1024 * 1024
LIMIT_MB = 250

# The peak is the process's own high-water mark (VmHWM), not ru_maxrss: Linux carries the
# parent's peak over into ru_maxrss across fork and exec, so a child of a large test run would
# report the runner's memory.
IMPORT = """
import sys
import django
django.setup()
from campaigns import ingest
from partnerships import freshness
from partnerships.models import Brand
freshness.figures_changed = lambda *args, **kwargs: None  # the figures refresh on the worker
brand = Brand.objects.get(slug=sys.argv[2])
with open(sys.argv[1], "rb") as file:
    result = ingest.import_sales_csv(file, brand=brand)
with open("/proc/self/status") as status:
    peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) // 1024
print(result.created, len(result.errors), peak)
"""


def sales_file(path: Path, megabytes: int) -> int:
    """A sales file of `megabytes`; returns its number of rows."""
    rows = 0
    with path.open("w") as file:
        file.write(",".join(ingest.SALES_HEADER) + "\n")
        while file.tell() < megabytes * MEGABYTE:
            file.write(
                f"ORD-{rows:09d},1,2026-11-05T10:{rows % 60:02d}:00+08:00,ANNA10,WIG-BW-22,1,"
                f"{10 + rows % 90}.90,USD,confirmed,,,shopify,#{rows}\n"
            )
            rows += 1
    return rows


def test_a_50_megabyte_sales_file_imports_in_less_than_250_megabytes(brand, tmp_path):
    factories.TrackingCodeFactory(
        participant__contract__partnership__influencer__brand=brand, code="ANNA10"
    )
    factories.ProductFactory(brand=brand, sku="WIG-BW-22")
    path = tmp_path / "sales.csv"
    rows = sales_file(path, ingest.MAX_FILE_MEGABYTES)
    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "1"}

    done = subprocess.run(
        [sys.executable, "-c", IMPORT, str(path), brand.slug],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )

    assert done.returncode == 0, done.stderr[-3000:]
    created, errors, peak_mb = map(int, done.stdout.split()[-3:])
    assert (created, errors) == (rows, 0)
    assert peak_mb < LIMIT_MB, f"{peak_mb} MB for a {ingest.MAX_FILE_MEGABYTES} MB file"
    print(f"{rows:,} rows ({ingest.MAX_FILE_MEGABYTES} MB) imported in {peak_mb} MB")
