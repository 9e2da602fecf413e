"""Sales, metric snapshots and import jobs in the admin: read-mostly, scoped to the user's
brands, with "Import CSV" pages that go through the same import as everything else."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campaigns import ingest, tasks
from campaigns.ingest import METRICS_EXAMPLE, SALES_EXAMPLE
from campaigns.models import ImportJob, MetricSnapshot, Sale
from tests import factories

pytestmark = pytest.mark.django_db


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


def upload(content: str, name: str = "sales.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content.encode(), content_type="text/csv")


def sale_of(brand, **fields):
    return factories.SaleFactory(
        tracking_code__participant__contract__partnership__influencer__brand=brand, **fields
    )


def test_sales_list_has_its_filters_search_and_the_import_button(client, brand_owner, brand):
    sale = sale_of(brand, order_id="200045781")
    client.force_login(brand_owner)

    page = client.get(reverse("admin:campaigns_sale_changelist")).content.decode()
    found = client.get(reverse("admin:campaigns_sale_changelist"), {"q": "200045781"})
    by_code = client.get(reverse("admin:campaigns_sale_changelist"), {"q": sale.tracking_code.code})

    assert reverse("admin:campaigns_sale_import") in page
    assert "By status" in page
    assert "By currency" in page
    assert found.context["cl"].result_count == 1
    assert by_code.context["cl"].result_count == 1


def test_a_sale_is_read_only_but_its_status_and_only_consistently(client, brand_owner, brand):
    sale = sale_of(brand, status="pending")
    client.force_login(brand_owner)
    url = reverse("admin:campaigns_sale_change", args=[sale.pk])

    assert client.get(reverse("admin:campaigns_sale_add")).status_code == 403
    assert client.get(reverse("admin:campaigns_sale_delete", args=[sale.pk])).status_code == 403
    refused = client.post(url, {"status": "refunded", "quantity": 99})
    confirmed = client.post(url, {"status": "confirmed", "net_amount": "1.00"})

    assert "Only a line refunded in full is refunded" in refused.content.decode()
    assert confirmed.status_code == 302
    sale.refresh_from_db()
    assert (sale.status, sale.quantity, sale.net_amount) == ("confirmed", 1, Decimal("100.00"))


def test_import_sales_csv_page_imports_a_small_file_into_a_brand_the_user_edits(
    client, brand_owner, shop
):
    client.force_login(brand_owner)
    url = reverse("admin:campaigns_sale_import")

    form = client.get(url)
    response = client.post(url, {"brand": shop.pk, "file": upload(SALES_EXAMPLE)}, follow=True)

    assert "order_id" in form.content.decode()  # the columns are documented
    assert response.redirect_chain[-1][0] == reverse("admin:campaigns_sale_changelist")
    assert "sales.csv imported: 3 added, 0 updated, 0 unchanged." in response.content.decode()
    assert Sale.objects.filter(brand=shop).count() == 3
    assert ImportJob.objects.get().created_by == brand_owner


def test_a_rejected_file_shows_every_problem_on_the_import_page(client, brand_owner, shop):
    client.force_login(brand_owner)
    bad = SALES_EXAMPLE.replace("ANNA10", "NOPE")

    response = client.post(
        reverse("admin:campaigns_sale_import"), {"brand": shop.pk, "file": upload(bad)}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="import-errors"' in page
    assert "Nothing was imported: 2 problems in sales.csv" in page
    assert not Sale.objects.exists()


def test_a_large_file_is_queued_and_followed_on_its_job_page(
    client, brand_owner, shop, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(tasks, "IMMEDIATE_ROWS", 1)
    client.force_login(brand_owner)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:campaigns_sale_import"),
            {"brand": shop.pk, "file": upload(SALES_EXAMPLE)},
        )

    job = ImportJob.objects.get()
    assert response.url == reverse("admin:campaigns_importjob_change", args=[job.pk])
    assert job.status == "done"
    page = client.get(response.url).content.decode()
    assert "sales.csv" in page
    assert Sale.objects.count() == 3


def test_metrics_are_imported_from_their_change_list(client, brand_owner, brand):
    video = factories.ContentItemFactory(
        participant__contract__partnership__influencer__brand=brand
    )
    client.force_login(brand_owner)
    content = METRICS_EXAMPLE.replace("41,", f"{video.pk},")

    changelist = client.get(reverse("admin:campaigns_metricsnapshot_changelist"))
    client.post(
        reverse("admin:campaigns_metricsnapshot_import"),
        {"brand": brand.pk, "file": upload(content, "metrics.csv")},
    )

    assert reverse("admin:campaigns_metricsnapshot_import") in changelist.content.decode()
    assert MetricSnapshot.objects.filter(content=video).count() == 2
    listed = client.get(reverse("admin:campaigns_metricsnapshot_changelist"))
    assert listed.context["cl"].result_count == 2


def test_the_import_page_offers_only_brands_the_user_edits(client, agency_staff, brand, shop):
    viewer_brand = factories.BrandFactory(slug="viewer-brand", name="Only Watching")
    factories.MembershipFactory(user=agency_staff, brand=viewer_brand, role="viewer")
    client.force_login(agency_staff)

    response = client.post(
        reverse("admin:campaigns_sale_import"),
        {"brand": viewer_brand.pk, "file": upload(SALES_EXAMPLE)},
    )

    assert "Select a valid choice" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_staff_viewer_cannot_import(client, viewer, shop):
    client.force_login(viewer)

    changelist = client.get(reverse("admin:campaigns_sale_changelist")).content.decode()
    response = client.post(
        reverse("admin:campaigns_sale_import"), {"brand": shop.pk, "file": upload(SALES_EXAMPLE)}
    )

    assert reverse("admin:campaigns_sale_import") not in changelist
    assert response.status_code == 403
    assert not ImportJob.objects.exists()


def test_import_jobs_are_read_only_with_their_errors(client, brand_owner, brand):
    job = factories.ImportJobFactory(brand=brand)
    client.force_login(brand_owner)

    page = client.get(reverse("admin:campaigns_importjob_change", args=[job.pk]))

    text = page.content.decode()
    assert page.status_code == 200
    assert "Unknown tracking code &#x27;NOPE&#x27;." in text
    assert reverse("import_errors", args=[job.pk]) in text
    assert 'name="_save"' not in text
    assert client.get(reverse("admin:campaigns_importjob_add")).status_code == 403


def test_other_brands_sales_snapshots_and_jobs_are_404_in_the_admin(
    client, other_brand_manager, brand
):
    sale = sale_of(brand)
    snapshot = factories.MetricSnapshotFactory(
        content__participant__contract__partnership__influencer__brand=brand
    )
    job = factories.ImportJobFactory(brand=brand)
    client.force_login(other_brand_manager)

    for name, obj in [("sale", sale), ("metricsnapshot", snapshot), ("importjob", job)]:
        assert (
            client.get(reverse(f"admin:campaigns_{name}_change", args=[obj.pk])).status_code == 404
        )
        listed = client.get(reverse(f"admin:campaigns_{name}_changelist"))
        assert listed.context["cl"].result_count == 0


@pytest.mark.parametrize(
    ("net", "refunded", "status", "refused"),
    [
        ("100.00", "100.00", "confirmed", True),
        ("100.00", "100.00", "refunded", False),
        ("100.00", "40.00", "refunded", True),
        ("100.00", "40.00", "pending", False),
        ("0.00", "0.00", "refunded", False),  # a free line that came back
        ("0.00", "0.00", "confirmed", False),
    ],
)
def test_the_admin_and_the_import_agree_on_a_refunded_lines_status(
    client, brand_owner, shop, net, refunded, status, refused
):
    """One rule, whichever way the status is set: refunded in full means refunded (the import
    is sent the stored refund, since status refunded alone refunds the whole line)."""
    sale = sale_of(shop, net_amount=Decimal(net), refunded_amount=Decimal(refunded))
    if sale.refunded_amount:
        Sale.objects.filter(pk=sale.pk).update(refunded_at=sale.ordered_at + timedelta(days=3))
    client.force_login(brand_owner)
    by_hand = client.post(
        reverse("admin:campaigns_sale_change", args=[sale.pk]), {"status": status}
    )
    row = {"order_id": sale.order_id, "line_id": sale.line_id, "refunded_amount": refunded}
    imported = ingest.import_sales([{**row, "status": status}], brand=shop)

    assert (by_hand.status_code != 302) is refused
    assert (not imported.ok) is refused
