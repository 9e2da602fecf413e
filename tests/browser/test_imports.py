import pytest
from playwright.sync_api import expect

from campaigns.ingest import SALES_EXAMPLE
from campaigns.models import ImportJob, Sale
from partnerships.models import Role
from tests import factories
from tests.browser.test_sign_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def manager(brand, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    user = factories.UserFactory(username="manager")
    factories.MembershipFactory(user=user, brand=brand, role=Role.MANAGER)
    return user


def test_a_running_import_shows_its_progress_until_it_ends(page, manager, brand):
    job = factories.ImportJobFactory(
        brand=brand, status="running", total_rows=4_000, processed_rows=1_000, errors=[]
    )
    sign_in(page, "manager", factories.PASSWORD)
    page.goto("/imports/")

    row = page.locator(f"#job-{job.pk}")
    expect(row.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "25")
    expect(row).to_contain_text("Checked 1,000 of 4,000 rows")

    ImportJob.objects.filter(pk=job.pk).update(processed_rows=3_000)
    expect(row).to_contain_text("Checked 3,000 of 4,000 rows")

    ImportJob.objects.filter(pk=job.pk).update(status="done", processed_rows=4_000, created=4_000)
    expect(row).to_contain_text("4,000 added, 0 updated, 0 unchanged")
    expect(row.get_by_role("progressbar")).to_have_count(0)
    expect(row).not_to_have_attribute("hx-trigger", "every 2s")  # the poll stopped


def test_a_manager_uploads_a_sales_file(page, manager, brand, tmp_path):
    for code in ("ANNA10", "MIA-LIVE"):
        factories.TrackingCodeFactory(
            participant__contract__partnership__influencer__brand=brand, code=code
        )
    for sku in ("WIG-BW-22", "WIG-CL-18"):
        factories.ProductFactory(brand=brand, sku=sku)
    path = tmp_path / "november.csv"
    path.write_text(SALES_EXAMPLE, encoding="utf-8")
    sign_in(page, "manager", factories.PASSWORD)
    page.goto("/imports/")

    section = page.locator("#sales-import")
    section.get_by_label("CSV file").set_input_files(path)
    section.get_by_role("button", name="Upload sales").click()

    expect(
        page.get_by_text("november.csv imported: 3 added, 0 updated, 0 unchanged.")
    ).to_be_visible()
    expect(page.locator("#import-jobs")).to_contain_text("Imported")
    assert Sale.objects.filter(brand=brand).count() == 3
