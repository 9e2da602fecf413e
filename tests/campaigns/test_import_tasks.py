"""Import jobs: queued → running → done or failed, progress by chunk, harmless to run twice, and
a real Celery worker running one."""

import time

import pytest
from django.core.files.base import ContentFile

from campaigns import ingest, tasks
from campaigns.models import ImportJob, Sale
from tests import factories

HEADER = "order_id,line_id,ordered_at,code,sku,quantity,net_amount,currency"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path, monkeypatch):
    # The worker process reads uploads from the same place (it takes MEDIA_ROOT from the
    # environment).
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setenv("MEDIA_ROOT", str(tmp_path))


@pytest.fixture
def shop(brand):
    factories.TrackingCodeFactory(
        participant__contract__partnership__influencer__brand=brand, code="ANNA10"
    )
    factories.ProductFactory(brand=brand, sku="WIG-BW-22")
    return brand


def sales_file(rows: int, code: str = "ANNA10") -> bytes:
    lines = [HEADER] + [
        f"O-{n},1,2026-11-05T10:00:00Z,{code},WIG-BW-22,1,10.00,USD" for n in range(rows)
    ]
    return "\n".join(lines).encode()


def queued_job(brand, content: bytes, user=None) -> ImportJob:
    upload = ContentFile(content, name="sales.csv")
    upload.chunks = lambda: iter([content])  # what an uploaded file offers
    return ingest.create_job(brand=brand, kind="sales", file=upload, user=user)


@pytest.mark.django_db
def test_a_job_records_its_progress_every_chunk_and_ends_done(shop, monkeypatch):
    monkeypatch.setattr(ingest, "CHECK_CHUNK", 4)
    job = queued_job(shop, sales_file(10))
    assert (job.status, job.total_rows, job.filename) == ("queued", 10, "sales.csv")
    stored = ImportJob.objects.filter(pk=job.pk).values_list("status", "processed_rows")
    seen = []
    read = ingest.read_sales_csv

    def reader(data, *, brand, progress, format):
        def recorded(done: int, total: int) -> None:
            progress(done, total)
            seen.append(stored.get())

        return read(data, brand=brand, progress=recorded, format=format)

    monkeypatch.setattr(ingest, "read_sales_csv", reader)
    ingest.run_job(job.pk)

    job.refresh_from_db()
    assert seen == [("running", 4), ("running", 8), ("running", 10)]
    assert (job.status, job.processed_rows, job.created, job.errors) == ("done", 10, 10, [])
    assert job.finished_at is not None


@pytest.mark.django_db
def test_a_rejected_file_fails_with_every_error_and_writes_nothing(shop):
    job = queued_job(shop, sales_file(3, code="NOPE"))

    ingest.run_job(job.pk)

    job.refresh_from_db()
    assert job.status == "failed"
    assert [(e["line"], e["field"]) for e in job.errors] == [(2, "code"), (3, "code"), (4, "code")]
    assert (job.created, job.processed_rows, job.progress) == (0, 3, 100)
    assert not Sale.objects.exists()


@pytest.mark.django_db
def test_running_a_finished_job_again_changes_nothing(shop):
    job = queued_job(shop, sales_file(3))
    ingest.run_job(job.pk)
    Sale.objects.all().delete()

    again = tasks.import_file.delay(job.pk).get()

    assert again == "done"
    assert not Sale.objects.exists()  # not imported a second time
    assert ImportJob.objects.get().created == 3


@pytest.mark.django_db
def test_an_unexpected_error_fails_the_job_and_says_nothing_was_written(shop, monkeypatch):
    job = queued_job(shop, sales_file(3))

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setitem(ingest.SAVERS, "sales", broken)
    with pytest.raises(RuntimeError):
        ingest.run_job(job.pk)

    job.refresh_from_db()
    assert job.status == "failed"
    assert job.errors[0]["message"].startswith("The import stopped on an unexpected error")
    assert not Sale.objects.exists()


@pytest.mark.postgres
@pytest.mark.redis
def test_a_real_worker_imports_a_queued_job(worker, shop):
    job = queued_job(shop, sales_file(2_500))

    tasks.import_file.apply_async(args=[job.pk], queue=worker)

    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status in ("done", "failed"):
            break
        time.sleep(0.5)
    assert (job.status, job.errors) == ("done", [])
    assert (job.total_rows, job.processed_rows) == (2_500, 2_500)
    assert (job.created, job.updated, job.unchanged) == (2_500, 0, 0)
    assert Sale.objects.filter(brand=shop).count() == 2_500
