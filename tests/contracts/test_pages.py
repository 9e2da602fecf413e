from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contracts import amendments, workflow
from contracts.models import CompensationTerm, Contract, Deliverable, Partnership
from influencers.models import Influencer
from tests import factories
from tests.page_forms import form_values

pytestmark = pytest.mark.django_db


def management(prefix: str, total: int = 0, initial: int = 0) -> dict:
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial)}


def contract_post(influencer, method: str, **extra) -> dict:
    data = {
        "influencer": influencer.pk,
        "method": method,
        "title": "Spring wig reviews",
        "start": "2027-01-01",
        "end": "2027-06-30",
        "currency": "USD",
        "settlement_period": "monthly",
        "hold_days": "30",
        "minimum_payout": "50.00",
        "payment_terms_days": "30",
        "exclusivity": "none",
        "content_owner": "influencer",
        "disclosure_required": "on",
        "approval_required": "on",
        **management("terms"),
        **management("deliverables"),
        **management("prices"),
        **management("joint_brand"),
    }
    data.update(extra)
    return data


def term_rows(*rows: dict) -> dict:
    data = management("terms", len(rows))
    for i, row in enumerate(rows):
        data.update({f"terms-{i}-{key}": value for key, value in row.items()})
    return data


@pytest.fixture
def influencer(brand):
    return factories.InfluencerFactory(brand=brand, name="Anna Sokolova")


def test_manager_records_a_paid_media_deal(client, brand_manager, influencer):
    client.force_login(brand_manager)
    data = contract_post(
        influencer,
        "paid_media",
        **term_rows(
            {"kind": "flat_fee", "amount": "500.00", "milestone": "on_signing"},
            {"kind": "cpm", "amount": "8.00", "cap": "400.00"},
            {
                "kind": "commission",
                "basis": "total",
                "tier_mode": "marginal",
                "tiers-from": ["0", "10000"],
                "tiers-rate": ["5", "8"],
            },
        ),
        **management("deliverables", 1),
        **{
            "deliverables-0-content_type": "short",
            "deliverables-0-platform": "tiktok",
            "deliverables-0-quantity": "3",
            "deliverables-0-due_date": "2027-02-15",
        },
    )
    response = client.post(reverse("contracts:create"), data)
    contract = Contract.objects.get()
    assert response.url == reverse("contracts:detail", args=[contract.pk])
    assert contract.partnership.influencer == influencer
    assert contract.terms.count() == 3
    assert contract.deliverables.get().quantity == 3
    page = client.get(response.url).content.decode()
    assert "Spring wig reviews" in page


def test_second_contract_reuses_the_partnership(client, brand_manager, influencer):
    client.force_login(brand_manager)
    terms = term_rows({"kind": "flat_fee", "amount": "100.00", "due_date": "2027-02-01"})
    for title in ("First", "Second"):
        client.post(
            reverse("contracts:create"),
            contract_post(influencer, "distribution", title=title, **terms),
        )
    assert Partnership.objects.count() == 1
    assert Contract.objects.count() == 2


def test_bad_terms_are_shown_next_to_the_row_and_nothing_is_written(
    client, brand_manager, influencer
):
    client.force_login(brand_manager)
    data = contract_post(
        influencer,
        "distribution",
        **term_rows(
            {"kind": "cpm", "amount": "8.00"},
            {"kind": "commission", "basis": "total", "rate": "150"},
            {"kind": "flat_fee", "amount": "10.00", "due_date": "2030-01-01"},
        ),
    )
    response = client.post(reverse("contracts:create"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "cannot have a per 1,000 views (cpm) term" in page
    assert "Ensure this value is less than or equal to 100." in page
    assert "Must fall within the contract" in page
    assert not Contract.objects.exists()
    assert not Partnership.objects.exists()


def test_sections_the_method_does_not_use_are_ignored(client, brand_manager, influencer):
    client.force_login(brand_manager)
    data = contract_post(
        influencer,
        "distribution",
        **term_rows({"kind": "flat_fee", "amount": "100.00", "due_date": "2027-02-01"}),
        **management("deliverables", 1),
        **{
            "deliverables-0-content_type": "video",
            "deliverables-0-platform": "youtube",
            "deliverables-0-quantity": "1",
            "deliverables-0-due_date": "2027-02-01",
        },
    )
    assert client.post(reverse("contracts:create"), data).status_code == 302
    assert not Deliverable.objects.exists()


def test_status_buttons_follow_the_workflow(client, brand_manager, brand):
    contract = factories.ContractFactory(
        partnership__influencer__brand=brand, status="draft", method="distribution"
    )
    client.force_login(brand_manager)
    url = reverse("contracts:status", args=[contract.pk])
    refused = client.post(url, {"status": "signed"}, follow=True)
    assert "Add at least one compensation term before signing." in refused.content.decode()
    CompensationTerm.objects.create(
        contract=contract, kind="flat_fee", amount=Decimal("100"), due_date=date(2026, 11, 1)
    )
    client.post(url, {"status": "signed"})
    contract.refresh_from_db()
    assert contract.status == "signed"
    assert contract.signed_at is not None


def test_signed_document_upload_is_checked(client, brand_manager, brand, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    contract = factories.ContractFactory(partnership__influencer__brand=brand)
    client.force_login(brand_manager)
    url = reverse("contracts:document", args=[contract.pk])
    bad = SimpleUploadedFile("contract.exe", b"MZ", content_type="application/octet-stream")
    assert "not allowed" in client.post(url, {"signed_document": bad}, follow=True).content.decode()
    pdf = SimpleUploadedFile("contract.pdf", b"%PDF-1.4 signed", content_type="application/pdf")
    client.post(url, {"signed_document": pdf})
    download = client.get(url)
    assert b"".join(download.streaming_content) == b"%PDF-1.4 signed"


def test_board_moves_a_card_in_place(client, brand_manager, brand):
    mia = factories.InfluencerFactory(brand=brand, name="Mia", status="prospect")
    client.force_login(brand_manager)
    response = client.post(
        reverse("contracts:board"),
        {"influencer": mia.pk, "status": "contacted"},
        HTTP_HX_REQUEST="true",
    )
    assert 'id="board"' in response.content.decode()
    assert "<html" not in response.content.decode()
    mia.refresh_from_db()
    assert mia.status == "contacted"


def test_board_queries_do_not_grow_with_rows(client, brand_manager, brand):
    client.force_login(brand_manager)

    def count() -> int:
        client.get(reverse("contracts:board"))
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("contracts:board"))
        return len(captured)

    def add(n: int) -> None:
        for status in ("prospect", "active", "negotiating"):
            for contract in factories.ContractFactory.create_batch(
                n, partnership__influencer__brand=brand
            ):
                Influencer.objects.filter(pk=contract.partnership.influencer_id).update(
                    status=status
                )

    add(2)
    few = count()
    add(10)
    assert count() == few


def test_contract_page_queries_do_not_grow_with_terms(client, brand_manager, brand):
    contract = factories.ContractFactory(partnership__influencer__brand=brand, method="paid_media")
    client.force_login(brand_manager)
    url = reverse("contracts:detail", args=[contract.pk])

    def count() -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        return len(captured)

    def add(n: int) -> None:
        for i in range(n):
            CompensationTerm.objects.create(contract=contract, kind="cpa", amount=Decimal(i + 1))
            Deliverable.objects.create(
                contract=contract, content_type="short", platform="tiktok", due_date=contract.start
            )

    add(1)
    few = count()
    add(10)
    assert count() == few


@pytest.mark.parametrize("url_name", ["contracts:detail", "contracts:edit", "contracts:document"])
def test_another_brands_contract_is_404(client, other_brand_manager, brand, url_name):
    contract = factories.ContractFactory(partnership__influencer__brand=brand)
    client.force_login(other_brand_manager)
    assert client.get(reverse(url_name, args=[contract.pk])).status_code == 404
    status = client.post(reverse("contracts:status", args=[contract.pk]), {"status": "terminated"})
    assert status.status_code == 404
    partnership = reverse("contracts:partnership", args=[contract.partnership_id])
    assert client.get(partnership).status_code == 404
    contract.refresh_from_db()
    assert contract.status == "active"


def test_viewer_reads_but_cannot_change(client, viewer, brand):
    contract = factories.ContractFactory(partnership__influencer__brand=brand)
    client.force_login(viewer)
    page = client.get(reverse("contracts:detail", args=[contract.pk])).content.decode()
    assert reverse("contracts:edit", args=[contract.pk]) not in page
    assert client.get(reverse("contracts:create")).status_code == 403
    status = client.post(reverse("contracts:status", args=[contract.pk]), {"status": "terminated"})
    assert status.status_code == 403
    board = client.post(reverse("contracts:board"), {"influencer": 1, "status": "blocked"})
    assert board.status_code == 403


def test_preview_prices_sample_numbers_in_place(client, brand_manager, brand):
    contract = factories.ContractFactory(
        partnership__influencer__brand=brand, method="paid_media", currency="USD"
    )
    CompensationTerm.objects.create(contract=contract, kind="cpa", amount=Decimal("2.50"))
    CompensationTerm.objects.create(
        contract=contract, kind="commission", basis="total", rate=Decimal("0.05")
    )
    client.force_login(brand_manager)
    url = reverse("contracts:preview", args=[contract.pk])
    page = client.get(reverse("contracts:detail", args=[contract.pk])).content.decode()
    assert f'hx-post="{url}"' in page
    response = client.post(
        url, {"net_sales": "30.15", "confirmed_orders": "3"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "<html" not in html
    assert "7.50" in html  # 3 orders × 2.50
    assert "1.51" in html  # 5% of 30.15, rounded once
    assert "9.01 USD" in html
    bad = client.post(url, {"net_sales": "lots"}, HTTP_HX_REQUEST="true").content.decode()
    assert "net_sales: “lots” is not an amount" in bad


def test_preview_of_another_brands_contract_is_404(client, other_brand_manager, brand):
    contract = factories.ContractFactory(partnership__influencer__brand=brand)
    client.force_login(other_brand_manager)
    url = reverse("contracts:preview", args=[contract.pk])
    assert client.post(url, {"net_sales": "100"}).status_code == 404


# --- editing ---------------------------------------------------------------------------------


def _editable_contract(brand, **fields) -> Contract:
    contract = factories.ContractFactory(
        partnership__influencer__brand=brand,
        partnership__influencer__name="Anna Sokolova",
        partnership__brand=brand,
        status=Contract.Status.DRAFT,
        currency="EUR",
        hold_days=14,
        minimum_payout=Decimal("25.00"),
        competitors=["wigly"],
        **fields,
    )
    factories.CompensationTermFactory(contract=contract, kind="commission", rate=Decimal("0.08"))
    factories.CompensationTermFactory(contract=contract, kind="flat_fee", amount=Decimal("300"))
    factories.DeliverableFactory(contract=contract)
    return contract


def _saved_values(contract: Contract) -> tuple:
    contract.refresh_from_db()
    fields = [f.name for f in Contract._meta.concrete_fields if f.name not in ("updated_at",)]
    terms = list(contract.terms.values(*[f.name for f in CompensationTerm._meta.concrete_fields]))
    deliverables = list(contract.deliverables.values())
    return {name: getattr(contract, name) for name in fields}, terms, deliverables


def test_edit_page_shows_the_contracts_own_influencer_and_currency(client, brand_manager, brand):
    contract = _editable_contract(brand)
    assert brand.default_currency != "EUR"
    client.force_login(brand_manager)
    page = client.get(reverse("contracts:edit", args=[contract.pk])).content.decode()
    values = form_values(page, "contract-form")
    assert values["currency"] == ["EUR"]
    assert "influencer" not in values  # shown, fixed, and not posted
    assert f'<option value="{contract.partnership.influencer_id}" selected>Anna Sokolova' in page


@pytest.mark.parametrize("status", [Contract.Status.DRAFT, Contract.Status.SIGNED])
def test_saving_an_edit_form_untouched_keeps_every_value(client, brand_manager, brand, status):
    contract = _editable_contract(brand)
    if status == Contract.Status.SIGNED:
        workflow.move(contract, status, now=timezone.now())
    before, amended = _saved_values(contract), amendments.amendments(contract)
    client.force_login(brand_manager)
    page = client.get(reverse("contracts:edit", args=[contract.pk])).content.decode()
    response = client.post(
        reverse("contracts:edit", args=[contract.pk]), form_values(page, "contract-form")
    )
    assert response.status_code == 302, response.context["form"].errors
    after = _saved_values(contract)
    for part_before, part_after in zip(before, after, strict=True):
        assert part_after == part_before
    assert amendments.amendments(contract) == amended  # nothing changed, nothing to keep


def test_a_signed_contracts_new_end_date_is_kept_as_an_amendment(client, brand_manager, brand):
    contract = _editable_contract(brand)
    workflow.move(contract, Contract.Status.SIGNED, now=timezone.now())
    client.force_login(brand_manager)
    page = client.get(reverse("contracts:edit", args=[contract.pk])).content.decode()
    data = form_values(page, "contract-form")
    data["end"] = ["2027-06-30"]
    response = client.post(reverse("contracts:edit", args=[contract.pk]), data)
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.end == date(2027, 6, 30)
    assert contract.currency == "EUR"
    detail = client.get(response.url).content.decode()
    assert "end: 2027-03-31 → 2027-06-30" in detail
    assert brand_manager.username in detail


def test_a_signed_contracts_new_competitors_read_as_names_in_the_amendment(
    client, brand_manager, brand
):
    contract = _editable_contract(brand)
    workflow.move(contract, Contract.Status.SIGNED, now=timezone.now())
    client.force_login(brand_manager)
    edit = reverse("contracts:edit", args=[contract.pk])
    data = form_values(client.get(edit).content.decode(), "contract-form")
    data["competitors"] = ["Glam Wigs Co., Silk Crown Hair"]
    response = client.post(edit, data)
    assert response.status_code == 302
    detail = client.get(response.url).content.decode()
    assert "competitors: wigly → glam wigs co., silk crown hair" in detail


# --- rates in percent, tiers as rows ----------------------------------------------------------


def test_rates_and_tiers_are_shown_in_percent_on_the_edit_page(client, brand_manager, brand):
    contract = _editable_contract(brand)
    factories.CompensationTermFactory(
        contract=contract,
        kind="commission",
        rate=None,
        tiers=[{"from": "0", "rate": "0.05"}, {"from": "10000", "rate": "0.075"}],
        tier_mode="marginal",
    )
    client.force_login(brand_manager)
    page = client.get(reverse("contracts:edit", args=[contract.pk])).content.decode()
    values = form_values(page, "contract-form")
    rates = [values[f"terms-{i}-rate"] for i in range(3)]
    assert ["8"] in rates
    tiered = next(i for i in range(3) if values.get(f"terms-{i}-tiers-from", [""])[0])
    assert values[f"terms-{tiered}-tiers-from"] == ["0", "10000", ""]  # one more row to fill
    assert values[f"terms-{tiered}-tiers-rate"] == ["5", "7.5", ""]
    assert "Rates are in percent" in page
    assert "{&quot;from&quot;" not in page  # no JSON to type


def test_tier_rows_are_saved_as_fractions(client, brand_manager, influencer):
    client.force_login(brand_manager)
    tiers = {"tiers-from": ["0", "", "10,000"], "tiers-rate": ["5", "", "8.5"]}
    data = contract_post(
        influencer,
        "distribution",
        **term_rows({"kind": "rebate", "tier_mode": "whole", **tiers}),
    )
    response = client.post(reverse("contracts:create"), data)
    assert response.status_code == 302
    assert CompensationTerm.objects.get().tiers == [
        {"from": "0", "rate": "0.05"},
        {"from": "10000", "rate": "0.085"},
    ]


@pytest.mark.parametrize(
    ("starts", "rates", "message"),
    [
        (["0", "10000", "5000"], ["5", "8", "9"], "Tier 3 starts below tier 2 (5000, after 10000)"),
        (["0", "0"], ["5", "8"], "Tier 2 starts the same as tier 1"),
        (["0", "1000"], ["5", "120"], "Tier 2&#x27;s rate must be from 0 to 100%."),
        (["0", "lots"], ["5", "8"], "Tier 2&#x27;s start must be a number, not “lots”."),
        (["0", "1000"], ["5", ""], "Tier 2 needs both where it starts and its rate."),
    ],
)
def test_a_bad_tier_row_is_named_and_nothing_is_written(
    client, brand_manager, influencer, starts, rates, message
):
    client.force_login(brand_manager)
    data = contract_post(
        influencer,
        "distribution",
        **term_rows(
            {"kind": "rebate", "tier_mode": "whole", "tiers-from": starts, "tiers-rate": rates}
        ),
    )
    response = client.post(reverse("contracts:create"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Contract.objects.exists()


def test_a_commission_without_rate_or_tiers_says_what_to_give(client, brand_manager, influencer):
    client.force_login(brand_manager)
    data = contract_post(
        influencer, "distribution", **term_rows({"kind": "commission", "basis": "total"})
    )
    page = client.post(reverse("contracts:create"), data).content.decode()
    assert "Give either one rate or tiers" not in page
    assert "Give the commission&#x27;s rate, or its tiers." in page
