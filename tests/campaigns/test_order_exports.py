"""Order files as shops and marketplaces export them (docs/samples/), imported by the sales
rules: each layout is recognised from its header, its lines become sales with their channel and
order reference (multi-line orders, discounts, refunds in full, in part and by cancellation,
other currencies, time offsets), attributed by code, content or creator; unattributed lines are
counted and listed, never errors; a known code with an unknown SKU is."""

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from campaigns import ingest, order_exports
from campaigns.ingest import import_sales_csv
from campaigns.models import Sale
from tests import factories

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parents[2] / "docs" / "samples"


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


@pytest.fixture
def shop(brand):
    """ANNA10 and MIA-LIVE are codes of two participants; Mia has a TikTok account and a
    TikTok video in her campaign."""
    brand.timezone = "UTC"
    brand.save()
    anna = factories.TrackingCodeFactory(
        participant__contract__partnership__influencer__brand=brand, code="ANNA10"
    )
    mia = factories.TrackingCodeFactory(
        participant__contract__partnership__influencer__brand=brand, code="MIA-LIVE"
    )
    influencer = mia.participant.contract.partnership.influencer
    factories.SocialAccountFactory(influencer=influencer, platform="tiktok", handle="mia.styles")
    factories.ContentItemFactory(
        participant=mia.participant,
        platform="tiktok",
        url="https://www.tiktok.com/@mia.styles/video/7301234567890123456",
    )
    for sku in ("WIG-BW-22", "WIG-CL-18"):
        factories.ProductFactory(brand=brand, sku=sku)
    assert anna.participant != mia.participant
    return brand


def sales(brand) -> dict[tuple[str, str], Sale]:
    rows = Sale.objects.filter(brand=brand).select_related("tracking_code", "product")
    return {(sale.order_id, sale.line_id): sale for sale in rows}


def shape(sale: Sale) -> tuple:
    return (
        sale.tracking_code.code,
        sale.product.sku,
        sale.quantity,
        sale.net_amount,
        sale.currency,
        sale.status,
        sale.refunded_amount,
    )


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_each_sample_is_recognised_from_its_header():
    names = {
        "shopify-orders.csv": "shopify",
        "amazon-all-orders.txt": "amazon",
        "tiktok-affiliate-orders.csv": "tiktok",
        "shopee-orders.csv": "shopee",
        "lazada-orders.csv": "lazada",
        "aliexpress-orders.csv": "aliexpress",
    }
    for name, layout in names.items():
        first = sample(name).decode().split("\n", 1)[0]
        header = first.split("\t" if "\t" in first and layout == "amazon" else ",")
        assert order_exports.detect(header).name == layout, name


def test_shopify_export(shop):
    result = import_sales_csv(sample("shopify-orders.csv"), brand=shop)

    assert result.errors == []
    assert result.counts() == {"created": 7, "updated": 0, "unchanged": 0}
    stored = sales(shop)
    # A two-line order with line discounts; order-level columns only on its first row.
    assert shape(stored["shopify:#1001", "1"]) == (
        "ANNA10", "WIG-BW-22", 1, Decimal("170.10"), "USD", "confirmed", Decimal(0)
    )  # fmt: skip
    assert shape(stored["shopify:#1001", "2"])[2:4] == (2, Decimal("225.00"))
    # Its offset moves it from October (in New York) into November.
    assert stored["shopify:#1001", "1"].ordered_at == at("2026-11-01T02:30:00+00:00")
    assert (stored["shopify:#1001", "1"].channel, stored["shopify:#1001", "1"].order_reference) == (
        "shopify",
        "#1001",
    )
    # Partly refunded: 60 EUR shared over the lines by their nets; from December into November.
    assert [stored["shopify:#1002", line].refunded_amount for line in "12"] == [
        Decimal("45.00"),
        Decimal("15.00"),
    ]
    assert stored["shopify:#1002", "1"].status == "confirmed"
    assert stored["shopify:#1002", "1"].tracking_code.code == "MIA-LIVE"
    assert stored["shopify:#1002", "1"].ordered_at == at("2026-11-30T23:30:00+00:00")
    assert stored["shopify:#1002", "1"].refunded_at is not None
    # Refunded in full, and cancelled (voided) at its cancellation time; codes in any case.
    assert shape(stored["shopify:#1003", "1"])[5:] == ("refunded", Decimal("189.00"))
    assert stored["shopify:#1004", "1"].status == "refunded"
    assert stored["shopify:#1004", "1"].refunded_at == at("2026-11-13T13:00:00+00:00")
    # Another currency, whole yen; pending until paid.
    assert shape(stored["shopify:#1006", "1"])[3:6] == (Decimal("10800"), "JPY", "pending")
    # A discount code of no participant leaves the order unattributed: listed, not written.
    assert result.unattributed == 1
    assert [(line.row, line.order) for line in result.unattributed_lines] == [(8, "#1005")]
    assert "WELCOME5" in result.unattributed_lines[0].reason


def test_reimporting_changes_nothing_and_a_later_export_refunds(shop):
    import_sales_csv(sample("shopify-orders.csv"), brand=shop)
    refunded_at = sales(shop)["shopify:#1002", "1"].refunded_at

    again = import_sales_csv(sample("shopify-orders.csv"), brand=shop)

    assert again.counts() == {"created": 0, "updated": 0, "unchanged": 7}
    assert sales(shop)["shopify:#1002", "1"].refunded_at == refunded_at
    later = (
        sample("shopify-orders.csv")
        .decode()
        .replace("#1001,buyer@example.com,paid", "#1001,buyer@example.com,refunded")
    )
    result = import_sales_csv(later, brand=shop)
    assert result.counts() == {"created": 0, "updated": 2, "unchanged": 5}
    assert {sales(shop)["shopify:#1001", line].status for line in "12"} == {"refunded"}


def test_amazon_report(shop):
    result = import_sales_csv(sample("amazon-all-orders.txt"), brand=shop)

    assert result.errors == []
    stored = sales(shop)
    # item-price is the line's total; the promotion discount is written negative.
    assert shape(stored["amazon:111-0000001-0000001", "WIG-BW-22"]) == (
        "ANNA10", "WIG-BW-22", 2, Decimal("340.20"), "USD", "confirmed", Decimal(0)
    )  # fmt: skip
    assert stored["amazon:111-0000001-0000001", "WIG-CL-18"].net_amount == Decimal("125.00")
    # GMT in the report: 18:30 on 30 November is 1 December in the brand's Shanghai.
    sale = stored["amazon:111-0000001-0000001", "WIG-BW-22"]
    assert sale.ordered_at.astimezone(ZoneInfo("Asia/Shanghai")).date().isoformat() == (
        "2026-12-01"
    )
    # Cancelled with a quantity: refunded in full when last updated.
    cancelled = stored["amazon:111-0000004-0000004", "WIG-CL-18"]
    assert (cancelled.status, cancelled.refunded_amount) == ("refunded", Decimal("125.00"))
    assert cancelled.refunded_at == at("2026-11-09T16:00:00+00:00")
    # Cancelled before it had a quantity: nothing to record.
    assert ("amazon:111-0000002-0000002", "WIG-BW-22") not in stored
    # A promotion list naming the code among others; euros.
    assert shape(stored["amazon:302-0000005-0000005", "WIG-BW-22"])[3:5] == (
        Decimal("143.10"),
        "EUR",
    )
    assert result.unattributed == 1
    assert "US CORE FREE SHIPPING" in result.unattributed_lines[0].reason
    assert result.counts() == {"created": 4, "updated": 0, "unchanged": 1}


def test_amazon_cancellation_later_refunds_the_stored_line(shop):
    import_sales_csv(sample("amazon-all-orders.txt"), brand=shop)
    text = sample("amazon-all-orders.txt").decode()
    shipped = next(line for line in text.split("\n") if "111-0000001" in line)
    cancelled = (
        shipped.replace("\tShipped\t", "\tCancelled\t")
        .replace("\t2\tUSD\t378.00", "\t0\tUSD\t")
        .replace("-37.80", "")
    )
    result = import_sales_csv(text.split("\n")[0] + "\n" + cancelled + "\n", brand=shop)

    assert result.errors == []
    sale = sales(shop)["amazon:111-0000001-0000001", "WIG-BW-22"]
    assert (sale.status, sale.refunded_amount, sale.quantity) == (
        "refunded",
        Decimal("340.20"),
        2,
    )


def test_tiktok_affiliate_export_attributes_by_content_and_creator(shop):
    result = import_sales_csv(sample("tiktok-affiliate-orders.csv"), brand=shop)

    assert result.errors == []
    stored = sales(shop)
    first = stored["tiktok:580791600000000001", "1730000000000000001"]
    assert shape(first) == (
        "MIA-LIVE", "WIG-BW-22", 2, Decimal("359520"), "VND", "confirmed", Decimal(0)
    )  # fmt: skip
    # DD/MM/YYYY in the brand's time: the last evening of November.
    assert first.ordered_at == at("2026-11-30T23:30:00+00:00")
    partly = stored["tiktok:580791600000000001", "1730000000000000002"]
    assert (partly.status, partly.refunded_amount) == ("confirmed", Decimal("50000"))
    # Ineligible (cancelled or refunded): in full; attributed by its content id.
    ineligible = stored["tiktok:580791600000000002", "1730000000000000001"]
    assert (ineligible.status, ineligible.tracking_code.code) == ("refunded", "MIA-LIVE")
    # @Mia.Styles is the influencer's TikTok account, whatever its case.
    assert stored["tiktok:580791600000000003", "1730000000000000001"].tracking_code.code == (
        "MIA-LIVE"
    )
    assert [line.order for line in result.unattributed_lines] == ["580791600000000004"]


def test_tiktok_export_in_vietnamese(shop):
    text = sample("tiktok-affiliate-orders.csv").decode()
    header, rest = text.split("\n", 1)
    english = {english: vietnamese for vietnamese, english in order_exports.TIKTOK_ALIASES.items()}
    translated = ",".join(english.get(name.lower(), name) for name in header.split(","))
    result = import_sales_csv(translated + "\n" + rest, brand=shop)

    assert result.errors == []
    assert result.created == 4


def test_shopee_export(shop):
    result = import_sales_csv(sample("shopee-orders.csv"), brand=shop)

    assert result.errors == []
    stored = sales(shop)
    assert shape(stored["shopee:261130ABCDEF01", "WIG-BW-22"]) == (
        "ANNA10", "WIG-BW-22", 1, Decimal("7990.00"), "PHP", "confirmed", Decimal(0)
    )  # fmt: skip
    returned = stored["shopee:261130ABCDEF01", "WIG-CL-18"]
    assert (returned.status, returned.refunded_amount) == ("confirmed", Decimal("2500.00"))
    assert stored["shopee:261105GHIJKL02", "WIG-BW-22"].status == "refunded"
    assert result.unattributed == 1


def test_lazada_export(shop):
    result = import_sales_csv(sample("lazada-orders.csv"), brand=shop)

    assert result.errors == []
    stored = sales(shop)
    # One row per unit: two lines of one order.
    assert shape(stored["lazada:700000001", "900000001"]) == (
        "ANNA10", "WIG-BW-22", 1, Decimal("359.00"), "MYR", "confirmed", Decimal(0)
    )  # fmt: skip
    assert stored["lazada:700000001", "900000002"].refunded_amount == Decimal("100.00")
    returned = stored["lazada:700000002", "900000003"]
    assert (returned.status, returned.refunded_at) == ("refunded", at("2026-11-07T09:00+00:00"))
    assert result.unattributed == 1


def test_aliexpress_export(shop):
    result = import_sales_csv(sample("aliexpress-orders.csv"), brand=shop)

    assert result.errors == []
    stored = sales(shop)
    assert shape(stored["aliexpress:8100000000000001", "WIG-CL-18"]) == (
        "ANNA10", "WIG-CL-18", 2, Decimal("30.00"), "USD", "confirmed", Decimal("10.00")
    )  # fmt: skip
    assert stored["aliexpress:8100000000000002", "WIG-BW-22"].status == "refunded"
    assert result.unattributed == 1


def test_a_known_code_with_an_unknown_sku_is_an_error_and_nothing_is_written(shop):
    text = sample("shopify-orders.csv").decode().replace(",WIG-CL-18,true", ",WIG-XX-99,true", 1)

    result = import_sales_csv(text, brand=shop)

    assert [(error.line, error.column) for error in result.errors] == [(3, "sku")]
    assert "WIG-XX-99" in result.errors[0].message
    assert not Sale.objects.exists()


def test_a_bad_cell_names_its_line_and_column(shop):
    text = sample("amazon-all-orders.txt").decode().replace("378.00", "3x8", 1)

    result = import_sales_csv(text, brand=shop)

    assert [(error.line, error.column) for error in result.errors] == [(2, "item-price")]
    assert not Sale.objects.exists()


def test_an_unknown_layout_lists_the_columns_found_and_the_formats_known(shop):
    result = import_sales_csv("Order,When,Total\nA1,2026-11-01,10\n", brand=shop)

    (error,) = result.errors
    assert "Order, When, Total" in error.message
    for export in order_exports.FORMATS:
        assert str(export.label) in error.message
    assert "order_id" in error.message


def test_a_picked_format_says_which_of_its_columns_are_missing(shop):
    result = import_sales_csv(sample("shopify-orders.csv"), brand=shop, format="amazon")

    assert {error.column for error in result.errors} >= {"amazon-order-id", "item-price"}


def test_the_command_imports_an_export_with_its_format(shop, capsys):
    path = SAMPLES / "amazon-all-orders.txt"
    call_command("import_sales", str(path), "--brand", shop.slug, "--format", "amazon")

    out = capsys.readouterr().out
    assert "4 created" in out
    assert "1 unattributed" in out
    with pytest.raises(CommandError):
        call_command("import_sales", str(path), "--brand", shop.slug, "--format", "shopify")


def test_a_job_keeps_the_unattributed_lines(shop, settings, tmp_path):
    from django.core.files.base import ContentFile

    settings.MEDIA_ROOT = tmp_path
    upload = ContentFile(sample("shopify-orders.csv"), name="orders_export.csv")
    upload.chunks = lambda: iter([sample("shopify-orders.csv")])
    job = ingest.create_job(brand=shop, kind="sales", file=upload, user=None, format="shopify")

    job = ingest.run_job(job.pk)

    assert (job.status, job.created, job.unattributed) == ("done", 7, 1)
    assert job.unattributed_lines[0]["order"] == "#1005"


def test_time_zone_of_naive_export_times_is_the_brands(shop):
    shop.timezone = "Asia/Shanghai"
    shop.save()
    import_sales_csv(sample("tiktok-affiliate-orders.csv"), brand=shop)

    sale = sales(shop)["tiktok:580791600000000001", "1730000000000000001"]
    assert sale.ordered_at == datetime(2026, 11, 30, 15, 30, tzinfo=UTC)


def test_an_export_uploaded_on_the_imports_page_lists_its_unattributed_lines(
    client, brand_manager, shop, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    settings.MEDIA_ROOT = tmp_path
    client.force_login(brand_manager)
    upload = SimpleUploadedFile("Orders.txt", sample("amazon-all-orders.txt"))

    response = client.post(
        reverse("imports"), {"kind": "sales", "sales-file": upload, "sales-format": ""}, follow=True
    )

    page = response.content.decode()
    assert "4 added, 0 updated, 1 unchanged; 1 unattributed order line(s) left out." in page
    assert "Line 5, order 111-0000003-0000003" in page
    assert Sale.objects.filter(brand=shop, channel="amazon").count() == 4


def test_the_admin_imports_an_export_with_a_picked_format(admin_client, shop, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("export.csv", sample("lazada-orders.csv"))

    response = admin_client.post(
        reverse("admin:campaigns_sale_import"),
        {"brand": shop.pk, "file": upload, "format": "lazada"},
        follow=True,
    )

    assert "3 added" in response.content.decode()
    assert Sale.objects.filter(brand=shop, channel="lazada").count() == 3


def test_the_api_imports_an_export_file(api, shop, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("tiktok.csv", sample("tiktok-affiliate-orders.csv"))

    response = api.post("/api/v1/sales/files/", {"file": upload}, format="multipart")

    assert response.status_code == 201, response.content
    job = response.json()
    assert (job["status"], job["created"], job["unattributed"]) == ("done", 4, 1)
    assert job["unattributed_lines"][0]["order"] == "580791600000000004"
    bad = api.post("/api/v1/sales/files/", {"format": "amazon"}, format="multipart")
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["field"] == "file"
