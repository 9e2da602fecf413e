"""manage.py import_sales and import_metrics: the counts, or every error and a non-zero exit
with nothing written."""

import pytest
from django.core.management import CommandError, call_command, execute_from_command_line

from campaigns.ingest import METRICS_EXAMPLE, SALES_EXAMPLE
from campaigns.models import MetricSnapshot, Sale
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(brand):
    for code in ("ANNA10", "MIA-LIVE"):
        factories.TrackingCodeFactory(
            participant__contract__partnership__influencer__brand=brand, code=code
        )
    for sku in ("WIG-BW-22", "WIG-CL-18"):
        factories.ProductFactory(brand=brand, sku=sku)
    return brand


def test_import_sales_prints_the_counts_and_the_second_run_changes_nothing(shop, tmp_path, capsys):
    path = tmp_path / "sales.csv"
    path.write_text(SALES_EXAMPLE, encoding="utf-8")

    call_command("import_sales", str(path), "--brand", "lumiere")
    call_command("import_sales", str(path), "--brand", "lumiere", "--method", "bulk")

    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        "Lumière Hair & Gowns: sales from sales.csv: 3 created, 0 updated, 0 unchanged.",
        "Lumière Hair & Gowns: sales from sales.csv: 0 created, 0 updated, 3 unchanged.",
    ]
    assert Sale.objects.filter(brand=shop).count() == 3


def test_import_sales_lists_every_error_and_exits_non_zero_with_nothing_written(
    shop, tmp_path, capsys
):
    path = tmp_path / "sales.csv"
    path.write_text(
        SALES_EXAMPLE.replace("ANNA10,WIG-BW-22", "NOPE,WIG-BW-22").replace(",USD,", ",XYZ,", 1),
        encoding="utf-8",
    )

    with pytest.raises(CommandError, match=r"Nothing was imported: 2 problems in sales\.csv"):
        call_command("import_sales", str(path), "--brand", "lumiere")

    assert capsys.readouterr().err.splitlines() == [
        "sales.csv line 2, code: Unknown tracking code 'NOPE': no code of this brand.",
        "sales.csv line 2, currency: Unknown currency 'XYZ'; write a 3-letter code such as "
        "USD, EUR or CNY.",
    ]
    assert not Sale.objects.exists()


def test_the_exit_status_is_non_zero(shop, tmp_path):
    path = tmp_path / "sales.csv"
    path.write_text("order_id\n1\n", encoding="utf-8")
    command = ["manage.py", "import_sales", str(path), "--brand", "lumiere"]

    with pytest.raises(SystemExit) as exit_info:
        execute_from_command_line(command)

    assert exit_info.value.code == 1


def test_unknown_brand_and_missing_file_are_refused(shop, tmp_path):
    with pytest.raises(CommandError, match="No brand with slug 'nope'"):
        call_command("import_sales", str(tmp_path / "x.csv"), "--brand", "nope")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_sales", str(tmp_path / "missing.csv"), "--brand", "lumiere")


def test_import_metrics(brand, other_brand, tmp_path, capsys):
    video = factories.ContentItemFactory(
        participant__contract__partnership__influencer__brand=brand
    )
    path = tmp_path / "metrics.csv"
    path.write_text(METRICS_EXAMPLE.replace("41,", f"{video.pk},"), encoding="utf-8")

    call_command("import_metrics", str(path), "--brand", "lumiere")
    with pytest.raises(CommandError, match="2 problems"):
        call_command("import_metrics", str(path), "--brand", "kestrel")

    captured = capsys.readouterr()
    assert "metric snapshots from metrics.csv: 2 created, 0 updated, 0 unchanged." in captured.out
    assert f"Unknown content item {video.pk}" in captured.err
    assert MetricSnapshot.objects.count() == 2
