"""The /imports/ page for sales and metrics: uploads become import jobs (small files at once,
larger ones queued), the jobs list polls its unfinished rows, and each job's problems download
as a CSV report. Viewers only read; another brand's job is a 404."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campaigns import tasks
from campaigns.ingest import METRICS_EXAMPLE, SALES_EXAMPLE
from campaigns.models import ImportJob, MetricSnapshot, Sale
from tests import factories
from tests.downloads import csv_rows

pytestmark = pytest.mark.django_db

BAD_SALES = (
    SALES_EXAMPLE.replace("ANNA10,WIG-BW-22", "NOPE10,WIG-BW-22")
    .replace("WIG-CL-18,2", "WIG-CL-18,-2")
    .encode()
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def shop(brand):
    for code in ("ANNA10", "MIA-LIVE"):
        factories.TrackingCodeFactory(
            participant__contract__partnership__influencer__brand=brand, code=code
        )
    for sku in ("WIG-BW-22", "WIG-CL-18"):
        factories.ProductFactory(brand=brand, sku=sku)
    return brand


def upload(content: bytes | str, name: str = "sales.csv") -> SimpleUploadedFile:
    data = content.encode() if isinstance(content, str) else content
    return SimpleUploadedFile(name, data, content_type="text/csv")


def post(client, kind: str, content: bytes | str, name: str = "sales.csv", **extra):
    return client.post(
        reverse("imports"), {"kind": kind, f"{kind}-file": upload(content, name)}, **extra
    )


def test_page_offers_sales_and_metrics_uploads_and_says_which_files_wait(client, brand_manager):
    client.force_login(brand_manager)

    page = client.get(reverse("imports")).content.decode()

    assert "Sales and refunds" in page
    assert "Content metrics" in page
    assert 'name="sales-file"' in page
    assert 'name="metrics-file"' in page
    assert "refunded_amount" in page
    assert "Files of up to 2,000 rows are imported while you wait" in page
    assert "No sales or metrics file has been uploaded" in page


def test_a_small_good_file_is_imported_during_the_upload(client, brand_manager, shop):
    client.force_login(brand_manager)

    response = post(client, "sales", SALES_EXAMPLE, follow=True)

    job = ImportJob.objects.get()
    assert (job.status, job.kind, job.brand, job.created_by) == (
        "done",
        "sales",
        shop,
        brand_manager,
    )
    assert (job.total_rows, job.processed_rows, job.created) == (3, 3, 3)
    assert job.finished_at is not None
    assert Sale.objects.filter(brand=shop).count() == 3
    page = response.content.decode()
    assert "sales.csv imported: 3 added, 0 updated, 0 unchanged." in page
    assert f'id="job-{job.pk}"' in page
    assert "hx-trigger" not in page  # nothing left to poll


def test_a_bad_file_writes_nothing_and_lists_its_problems(client, brand_manager, shop):
    client.force_login(brand_manager)

    response = post(client, "sales", BAD_SALES, follow=True)

    job = ImportJob.objects.get()
    assert job.status == "failed"
    assert [(error["line"], error["field"]) for error in job.errors] == [
        (2, "code"),
        (3, "quantity"),
    ]
    assert not Sale.objects.exists()
    page = response.content.decode()
    assert "Nothing was imported from sales.csv: 2 problems" in page
    assert "Unknown tracking code &#x27;NOPE10&#x27;" in page
    assert reverse("import_errors", args=[job.pk]) in page


def test_error_report_downloads_every_problem_as_csv(client, brand_manager, shop):
    client.force_login(brand_manager)
    post(client, "sales", BAD_SALES, name="november sales.csv")
    job = ImportJob.objects.get()

    response = client.get(reverse("import_errors", args=[job.pk]))

    assert response.status_code == 200
    assert 'filename="november sales-errors.csv"' in response["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0] == ["line", "field", "message"]
    assert [row[:2] for row in rows[1:]] == [["2", "code"], ["3", "quantity"]]
    assert rows[2][2] == "The quantity cannot be negative."


def test_a_large_file_is_queued_and_imported_after_the_upload_commits(
    client, brand_manager, shop, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(tasks, "IMMEDIATE_ROWS", 2)
    client.force_login(brand_manager)

    with django_capture_on_commit_callbacks() as callbacks:
        response = post(client, "sales", SALES_EXAMPLE, follow=True)
    job = ImportJob.objects.get()
    queued_row = client.get(reverse("import_job", args=[job.pk])).content.decode()

    assert job.status == "queued"
    assert "imported in the background" in response.content.decode()
    assert 'hx-trigger="every 2s"' in queued_row
    assert "Queued" in queued_row
    assert not Sale.objects.exists()

    for callback in callbacks:
        callback()  # the worker's turn (tasks run in-process in tests)
    job.refresh_from_db()
    finished_row = client.get(reverse("import_job", args=[job.pk])).content.decode()

    assert (job.status, job.created) == ("done", 3)
    assert "hx-trigger" not in finished_row  # the poll stops
    assert "3 added, 0 updated, 0 unchanged" in finished_row


def test_a_running_job_shows_its_progress(client, brand_manager, brand):
    job = factories.ImportJobFactory(
        brand=brand, status="running", total_rows=40_000, processed_rows=10_000, errors=[]
    )
    client.force_login(brand_manager)

    row = client.get(reverse("import_job", args=[job.pk]), HTTP_HX_REQUEST="true")

    text = row.content.decode()
    assert row.status_code == 200
    assert 'aria-valuenow="25"' in text
    assert "Checked 10,000 of 40,000 rows" in text
    assert 'hx-get="{}"'.format(reverse("import_job", args=[job.pk])) in text


def test_metrics_upload(client, brand_manager, brand):
    video = factories.ContentItemFactory(
        participant__contract__partnership__influencer__brand=brand
    )
    client.force_login(brand_manager)
    content = METRICS_EXAMPLE.replace("41,", f"{video.pk},")

    post(client, "metrics", content, name="metrics.csv")

    job = ImportJob.objects.get()
    assert (job.kind, job.status, job.created) == ("metrics", "done", 2)
    assert MetricSnapshot.objects.filter(content=video).count() == 2


def test_upload_without_a_file_or_of_the_wrong_kind_is_refused(client, brand_manager):
    client.force_login(brand_manager)

    empty = client.post(reverse("imports"), {"kind": "sales"})
    spreadsheet = post(client, "sales", b"PK\x03\x04", name="sales.xlsx")

    assert empty.context["sales_form"].errors["file"]
    assert "Upload a .csv file" in spreadsheet.content.decode()
    assert not ImportJob.objects.exists()


def test_viewer_sees_jobs_but_cannot_upload(client, viewer, brand):
    job = factories.ImportJobFactory(brand=brand)
    client.force_login(viewer)

    page = client.get(reverse("imports")).content.decode()
    response = post(client, "sales", SALES_EXAMPLE)

    assert 'name="sales-file"' not in page
    assert f'id="job-{job.pk}"' in page
    assert response.status_code == 403
    assert ImportJob.objects.count() == 1
    assert client.get(reverse("import_errors", args=[job.pk])).status_code == 200


def test_another_brands_jobs_are_neither_listed_nor_reachable(client, other_brand_manager, brand):
    job = factories.ImportJobFactory(brand=brand, filename="lumiere-sales.csv")
    client.force_login(other_brand_manager)

    page = client.get(reverse("imports")).content.decode()

    assert "lumiere-sales.csv" not in page
    assert client.get(reverse("import_job", args=[job.pk])).status_code == 404
    assert client.get(reverse("import_errors", args=[job.pk])).status_code == 404


def test_the_job_list_shows_only_the_current_brand(client, agency_staff, brand, other_brand):
    factories.ImportJobFactory(brand=brand, filename="lumiere-sales.csv")
    factories.ImportJobFactory(brand=other_brand, filename="kestrel-sales.csv")
    client.force_login(agency_staff)
    client.post(reverse("switch_brand"), {"brand": other_brand.pk})

    page = client.get(reverse("imports")).content.decode()

    assert "kestrel-sales.csv" in page
    assert "lumiere-sales.csv" not in page
