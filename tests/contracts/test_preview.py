"""What a contract would pay on sample numbers, and reading those numbers from the form."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from contracts import preview, wording
from contracts.models import CompensationTerm, Contract
from contracts.preview import PreviewLine, Sample
from tests import factories

pytestmark = pytest.mark.django_db

D = Decimal
JANUARY = {"period_start": date(2027, 1, 1), "period_end": date(2027, 2, 1)}


def contract_of(method: str, currency: str = "USD", **fields) -> Contract:
    return factories.ContractFactory(
        method=method, currency=currency, start=date(2027, 1, 1), end=date(2027, 6, 30), **fields
    )


def terms_of(contract: Contract, *rows: dict) -> list[CompensationTerm]:
    """Saved terms, each one the model accepts, in the order given."""
    terms = []
    for fields in rows:
        term = CompensationTerm(contract=contract, **fields)
        term.full_clean()
        term.save()
        terms.append(term)
    return terms


def amounts(result: preview.Preview) -> list[tuple[str, Decimal]]:
    return [(line.kind, line.amount) for line in result.lines]


# --- paid media ------------------------------------------------------------------------------


@pytest.fixture
def paid_media() -> tuple[Contract, list[CompensationTerm]]:
    contract = contract_of("paid_media")
    terms = terms_of(
        contract,
        {"kind": "flat_fee", "amount": D("1000.00"), "due_date": date(2027, 1, 15)},
        {"kind": "flat_fee", "amount": D("1000.00"), "due_date": date(2027, 2, 15)},
        {"kind": "cpm", "amount": D("8.00"), "cap": D("400.00")},
        {"kind": "per_deliverable", "amount": D("300.00"), "content_type": "short"},
        {
            "kind": "commission",
            "basis": "total",
            "tiers": [{"from": "0", "rate": "0.05"}, {"from": "10000", "rate": "0.08"}],
            "tier_mode": "whole",
        },
        {"kind": "cpa", "amount": D("5.00")},
    )
    return contract, terms


def test_paid_media_month_pays_installment_cpm_items_and_tiered_commission(paid_media):
    contract, terms = paid_media
    sample = Sample(
        net_sales=D("12345.67"),
        views_per_item=(30_000, 80_000),
        published_items={"short": 2, "video": 1},
        **JANUARY,
    )
    result = preview.preview(contract, terms, sample)
    # January's installment only; 30k views × $8/1000 = 240, 80k = 640 capped at 400;
    # 2 shorts × 300 (the video is not paid by this contract); 12,345.67 reaches 8% = 987.6536;
    # no confirmed orders, so no CPA line.
    assert amounts(result) == [
        ("flat_fee", D("1000.00")),
        ("cpm", D("640.00")),
        ("per_deliverable", D("600.00")),
        ("commission", D("987.65")),
    ]
    assert result.total == D("3227.65")
    assert result.currency == "USD"


def test_preview_lines_are_described_like_the_contract_page(paid_media):
    contract, terms = paid_media
    result = preview.preview(contract, terms, Sample(views_per_item=(80_000,), **JANUARY))
    assert [line.description for line in result.lines] == [
        "$1,000.00 due on 15 Jan 2027",
        "$8.00 per 1,000 views, at most $400.00 per item",
    ]
    assert result.lines[1] == PreviewLine(
        "cpm", wording.describe(terms[2], contract=contract), D("400.00")
    )


def test_without_a_period_every_flat_fee_counts(paid_media):
    contract, terms = paid_media
    result = preview.preview(contract, terms, Sample())
    assert amounts(result) == [("flat_fee", D("1000.00")), ("flat_fee", D("1000.00"))]
    assert result.total == D("2000.00")


def test_an_empty_sample_in_a_quiet_month_pays_nothing(paid_media):
    contract, terms = paid_media
    result = preview.preview(
        contract, terms, Sample(period_start=date(2027, 3, 1), period_end=date(2027, 4, 1))
    )
    assert result.lines == []
    assert result.total == D("0.00")


def test_milestone_installment_counts_when_its_date_plus_offset_is_in_the_period():
    contract = contract_of("paid_media")
    terms = terms_of(
        contract,
        {
            "kind": "flat_fee",
            "amount": D("500.00"),
            "milestone": "on_first_publish",
            "offset_days": 14,
        },
    )
    in_january = Sample(milestones={"on_first_publish": date(2027, 1, 10)}, **JANUARY)
    in_february = Sample(milestones={"on_first_publish": date(2027, 1, 20)}, **JANUARY)
    not_yet = Sample(**JANUARY)
    assert preview.preview(contract, terms, in_january).total == D("500.00")
    assert preview.preview(contract, terms, in_february).total == D("0.00")
    assert preview.preview(contract, terms, not_yet).total == D("0.00")


def test_commission_on_a_category_uses_the_samples_net_sales_as_sales_in_scope():
    contract = contract_of("paid_media")
    terms = terms_of(
        contract, {"kind": "commission", "basis": "category", "category": "Wigs", "rate": D("0.1")}
    )
    result = preview.preview(contract, terms, Sample(net_sales=D("2500.05")))
    assert amounts(result) == [("commission", D("250.01"))]  # 250.005 rounds half up


def test_yen_contract_lines_are_whole_yen():
    contract = contract_of("paid_media", currency="JPY")
    terms = terms_of(
        contract,
        {"kind": "commission", "basis": "total", "rate": D("0.05")},
        {"kind": "cpa", "amount": D("300")},
    )
    result = preview.preview(contract, terms, Sample(net_sales=D("123457"), confirmed_orders=7))
    # 5% of 123,457 = 6,172.85 → ¥6,173
    assert amounts(result) == [("commission", D("6173")), ("cpa", D("2100"))]
    assert result.total == D("8273")


# --- joint brand, distribution, bonus, penalty -----------------------------------------------


def test_joint_brand_below_the_minimum_guarantee_is_topped_up():
    contract = contract_of("joint_brand")
    terms = terms_of(
        contract,
        {"kind": "revenue_share", "rate": D("0.12"), "minimum_guarantee": D("2000.00")},
    )
    low = preview.preview(contract, terms, Sample(joint_brand_sales=D("10000.00")))
    # As on the statement: 12% is 1,200.00, and a line of its own tops it up to 2,000.00.
    assert amounts(low) == [("revenue_share", D("1200.00")), ("minimum_guarantee", D("800.00"))]
    assert low.total == D("2000.00")
    assert low.lines[1].description == "Top-up to the minimum guarantee of $2,000.00"
    high = preview.preview(contract, terms, Sample(joint_brand_sales=D("25000.00")))
    assert high.total == D("3000.00")


def test_joint_brand_share_ignores_the_attributed_net_sales():
    contract = contract_of("joint_brand")
    terms = terms_of(contract, {"kind": "revenue_share", "rate": D("0.12")})
    result = preview.preview(contract, terms, Sample(net_sales=D("99999.00")))
    assert result.lines == []


def test_distribution_rebate_on_wholesale_purchases():
    contract = contract_of("distribution", currency="CNY")
    tiers = [{"from": "0", "rate": "0.02"}, {"from": "5000", "rate": "0.04"}]
    marginal = terms_of(contract, {"kind": "rebate", "tiers": tiers, "tier_mode": "marginal"})
    whole = terms_of(contract, {"kind": "rebate", "tiers": tiers, "tier_mode": "whole"})
    sample = Sample(wholesale_purchases=D("8000.00"))
    # marginal: 5,000 × 2% + 3,000 × 4% = 100 + 120; whole: 8,000 × 4%
    assert preview.preview(contract, marginal, sample).total == D("220.00")
    assert preview.preview(contract, whole, sample).total == D("320.00")
    assert preview.preview(contract, marginal, sample).lines[0].description == (
        "Rebate: 2% of monthly wholesale purchases up to ¥5,000 and 4% of the part above"
    )


def test_bonus_pays_once_the_metric_reaches_its_threshold():
    contract = contract_of("paid_media")
    terms = terms_of(
        contract,
        {
            "kind": "bonus",
            "amount": D("1000.00"),
            "metric": "views",
            "threshold": D("1000000"),
        },
    )
    reached = Sample(views_to_date=1_000_000)
    short = Sample(views_to_date=999_999)
    from_the_period = Sample(views_per_item=(600_000, 500_000))  # no total given: the period's
    assert amounts(preview.preview(contract, terms, reached)) == [("bonus", D("1000.00"))]
    assert preview.preview(contract, terms, short).lines == []
    assert preview.preview(contract, terms, from_the_period).total == D("1000.00")


def test_late_delivery_penalty_is_capped():
    contract = contract_of(
        "paid_media", late_delivery_per_day=D("50.00"), late_delivery_cap=D("500.00")
    )
    terms = terms_of(
        contract, {"kind": "per_deliverable", "amount": D("800.00"), "content_type": "video"}
    )
    result = preview.preview(contract, terms, Sample(published_items=1, days_late_per_item=(3, 10)))
    # 13 days × 50 = 650, capped at 500
    assert amounts(result) == [("per_deliverable", D("800.00")), ("late_delivery", D("-500.00"))]
    assert result.total == D("300.00")
    assert result.lines[1].description == (
        "Late delivery costs $50.00 per day for each deliverable published late, "
        "at most $500.00 in all."
    )


def test_no_penalty_line_without_a_penalty_in_the_contract():
    contract = contract_of("paid_media")
    result = preview.preview(contract, [], Sample(days_late_per_item=(5,)))
    assert result.lines == []


# --- the form --------------------------------------------------------------------------------


def test_form_data_reads_grouped_numbers_and_lists():
    sample = preview.sample_from_form_data(
        {
            "net_sales": "¥12,345.67",
            "views_per_item": "30,000, 80,000; 1,000,000",
            "confirmed_orders": "1 200",
            "published_items": "1",
            "published_short": "2",
            "wholesale_purchases": "",
            "joint_brand_sales": "10000",
            "days_late_per_item": "3,10",
            "period_start": "2027-01-01",
            "period_end": "2027-02-01",
            "on_signing": "2027-01-05",
            "csrfmiddlewaretoken": "ignored",
        }
    )
    assert sample.net_sales == D("12345.67")
    assert sample.views_per_item == (30_000, 80_000, 1_000_000)
    assert sample.confirmed_orders == 1200
    assert sample.published("short") == 2
    assert sample.published("video") == 1
    assert sample.wholesale_purchases == D(0)
    assert sample.joint_brand_sales == D("10000")
    assert sample.days_late_per_item == (3, 10)
    assert (sample.period_start, sample.period_end) == (date(2027, 1, 1), date(2027, 2, 1))
    assert sample.milestones == {"on_signing": date(2027, 1, 5)}
    assert sample.views_to_date is None


def test_blank_form_is_an_empty_sample():
    assert preview.sample_from_form_data({}) == Sample()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"net_sales": "12.5.3"}, "net_sales"),
        ({"net_sales": "12,5"}, "net_sales"),
        ({"joint_brand_sales": "-100"}, "joint_brand_sales"),
        ({"wholesale_purchases": "lots"}, "wholesale_purchases"),
        ({"views_per_item": "30000 80000"}, "views_per_item"),
        ({"views_per_item": "30,000, 1.5k"}, "views_per_item"),
        ({"confirmed_orders": "2.5"}, "confirmed_orders"),
        ({"days_late_per_item": "3, -1"}, "days_late_per_item"),
        ({"published_video": "two"}, "published_video"),
        ({"period_start": "01/02/2027"}, "period_start"),
        ({"period_start": "2027-02-01", "period_end": "2027-01-01"}, "period_end"),
        ({"on_first_publish": "soon"}, "on_first_publish"),
    ],
)
def test_bad_form_input_names_the_field(data, field):
    with pytest.raises(ValueError, match=rf"^{field}: ") as caught:
        preview.sample_from_form_data(data)
    assert caught.value.field == field


def test_every_form_field_is_listed_for_the_template():
    names = [name for name, _, _ in preview.FORM_FIELDS]
    assert {"net_sales", "views_per_item", "published_short", "on_signing"} <= set(names)
    assert len(names) == len(set(names))


# --- the preview on the contract page ----------------------------------------------------------


@pytest.fixture
def signed_paid_media(brand):
    from datetime import UTC, datetime

    contract = factories.ContractFactory(
        partnership__brand=brand,
        partnership__influencer__brand=brand,
        method=Contract.Method.PAID_MEDIA,
        status=Contract.Status.SIGNED,
        signed_at=datetime(2027, 1, 3, 9, 0, tzinfo=UTC),
        start=date(2027, 1, 1),
        end=date(2027, 6, 30),
    )
    terms_of(
        contract,
        {
            "kind": "flat_fee",
            "description": "Installment 1 of 2",
            "amount": D("500.00"),
            "milestone": "on_signing",
        },
        {
            "kind": "flat_fee",
            "description": "Launch fee",
            "amount": D("300.00"),
            "due_date": date(2027, 1, 15),
        },
        {
            "kind": "flat_fee",
            "description": "Installment 2 of 2",
            "amount": D("500.00"),
            "due_date": date(2027, 3, 1),
        },
        {"kind": "cpa", "amount": D("4.00")},
    )
    return contract


def test_preview_counts_fees_and_installments_due_in_the_sample_period(
    client, brand_manager, signed_paid_media
):
    client.force_login(brand_manager)
    response = client.post(
        reverse("contracts:preview", args=[signed_paid_media.pk]),
        {"period_start": "2027-01-01", "period_end": "2027-02-01", "confirmed_orders": "10"},
    )
    page = response.content.decode()
    # 500.00 due on signing (3 Jan), 300.00 due 15 Jan, 40.00 for ten orders; not March's
    assert page.count("<tr><td>") == 3
    assert '<td class="num" id="preview-total">840.00 USD</td>' in page


def test_preview_form_asks_only_for_what_the_contracts_terms_are_priced_on(
    client, brand_manager, signed_paid_media
):
    client.force_login(brand_manager)
    page = client.get(reverse("contracts:detail", args=[signed_paid_media.pk])).content.decode()
    form = page.split('id="preview-form"')[1].split("</form>")[0]
    assert 'name="confirmed_orders"' in form
    assert 'name="period_start"' in form
    for other in ("net_sales", "wholesale_purchases", "joint_brand_sales", "views_per_item"):
        assert f'name="{other}"' not in form


def test_preview_form_of_a_contract_without_terms_shows_its_methods_fields(
    client, brand_manager, brand
):
    contract = factories.ContractFactory(
        partnership__brand=brand,
        partnership__influencer__brand=brand,
        method=Contract.Method.DISTRIBUTION,
        start=date(2027, 1, 1),
        end=date(2027, 6, 30),
    )
    client.force_login(brand_manager)
    page = client.get(reverse("contracts:detail", args=[contract.pk])).content.decode()
    form = page.split('id="preview-form"')[1].split("</form>")[0]
    assert 'name="wholesale_purchases"' in form
    assert 'name="net_sales"' in form
    assert 'name="published_items"' not in form
    assert 'name="joint_brand_sales"' not in form
    # the period it is in (or its first) is filled in
    assert 'name="period_start" type="date" value="2027-' in form
