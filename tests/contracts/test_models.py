"""What a contract and its terms, deliverables and joint brand check on themselves."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from contracts.models import CompensationTerm, Contract, Deliverable, JointBrand
from tests import factories

pytestmark = pytest.mark.django_db


def errors_of(row) -> dict[str, list[str]]:
    """The messages full_clean() gives, by field; {} when the row is valid."""
    try:
        row.full_clean()
    except ValidationError as error:
        return error.message_dict
    return {}


@pytest.fixture
def paid_media(brand) -> Contract:
    return factories.ContractFactory(
        partnership__influencer__brand=brand,
        method=Contract.Method.PAID_MEDIA,
        start=date(2027, 1, 1),
        end=date(2027, 6, 30),
    )


def term(contract: Contract, **fields) -> CompensationTerm:
    return CompensationTerm(contract=contract, **fields)


# --- compensation terms ----------------------------------------------------------------------


VALID_PAID_MEDIA_TERMS = [
    {"kind": "flat_fee", "amount": Decimal("500.00"), "due_date": date(2027, 1, 15)},
    {"kind": "flat_fee", "amount": Decimal("500.00"), "milestone": "on_signing"},
    {
        "kind": "flat_fee",
        "amount": Decimal("250.00"),
        "milestone": "on_first_publish",
        "offset_days": 14,
    },
    {"kind": "per_deliverable", "amount": Decimal("150.00"), "content_type": "video"},
    {"kind": "cpm", "amount": Decimal("8.00"), "cap": Decimal("400.00")},
    {"kind": "cpa", "amount": Decimal("5.00")},
    {"kind": "commission", "basis": "total", "rate": Decimal("0.0800")},
    {
        "kind": "commission",
        "basis": "total",
        "tiers": [{"from": "0", "rate": "0.05"}, {"from": "10000", "rate": "0.08"}],
        "tier_mode": "marginal",
    },
    {"kind": "commission", "basis": "category", "category": "Wigs", "rate": Decimal("0.1")},
    {"kind": "bonus", "amount": Decimal("300.00"), "metric": "views", "threshold": 1_000_000},
]


@pytest.mark.parametrize("fields", VALID_PAID_MEDIA_TERMS)
def test_valid_paid_media_terms_pass(paid_media, fields):
    assert errors_of(term(paid_media, **fields)) == {}


@pytest.mark.parametrize("rate", [Decimal("1.5"), Decimal("-0.05")])
def test_rate_outside_zero_to_one_is_refused(paid_media, rate):
    errors = errors_of(term(paid_media, kind="commission", basis="total", rate=rate))
    assert errors == {"rate": ["A rate is a fraction between 0 and 1 (0.0800 is 8%)."]}


@pytest.mark.parametrize(
    ("tiers", "message"),
    [
        (
            [{"from": "0", "rate": "0.05"}, {"from": "0", "rate": "0.08"}],
            "tiers: tier 2 starts the same as tier 1 (0, after 0); thresholds must "
            "ascend strictly.",
        ),
        (
            [{"from": "5000", "rate": "0.05"}, {"from": "1000", "rate": "0.08"}],
            "tiers: tier 2 starts below tier 1 (1000, after 5000); thresholds must "
            "ascend strictly.",
        ),
        (
            [{"from": "0", "rate": "0.05"}, {"from": "1000", "rate": "2"}],
            "tiers: tier 2's rate is a fraction between 0 and 1 (0.0800 is 8%), not 2.",
        ),
    ],
)
def test_tiers_must_ascend_strictly_with_rates_as_fractions(paid_media, tiers, message):
    row = term(paid_media, kind="commission", basis="total", tiers=tiers, tier_mode="whole")
    assert errors_of(row) == {"tiers": [message]}


def test_tiers_need_a_mode(paid_media):
    tiers = [{"from": "0", "rate": "0.05"}]
    errors = errors_of(term(paid_media, kind="commission", basis="total", tiers=tiers))
    assert errors == {"tier_mode": ["Say how the tiers apply."]}


@pytest.mark.parametrize("due", [date(2026, 12, 31), date(2027, 7, 1)])
def test_term_due_outside_the_contract_is_refused(paid_media, due):
    errors = errors_of(term(paid_media, kind="flat_fee", amount=Decimal("500"), due_date=due))
    assert errors == {"due_date": ["Must fall within the contract's dates."]}


def test_term_due_on_the_contracts_first_and_last_day_is_accepted(paid_media):
    for due in (paid_media.start, paid_media.end):
        assert errors_of(term(paid_media, kind="flat_fee", amount=Decimal(1), due_date=due)) == {}


@pytest.mark.parametrize("cap", [Decimal(0), Decimal("-10.00")])
def test_cpm_cap_must_be_greater_than_zero(paid_media, cap):
    errors = errors_of(term(paid_media, kind="cpm", amount=Decimal("8.00"), cap=cap))
    assert errors == {"cap": ["Must be greater than zero."]}


def test_minimum_guarantee_must_be_greater_than_zero(brand):
    joint = factories.ContractFactory(partnership__influencer__brand=brand, method="joint_brand")
    row = term(joint, kind="revenue_share", rate=Decimal("0.1"), minimum_guarantee=Decimal(0))
    assert errors_of(row) == {"minimum_guarantee": ["Must be greater than zero."]}


@pytest.mark.parametrize(
    ("method", "fields", "message"),
    [
        (
            "paid_media",
            {"kind": "rebate", "tiers": [{"from": "0", "rate": "0.02"}], "tier_mode": "whole"},
            "A paid self-media contract cannot have a volume rebate (distribution) term.",
        ),
        (
            "distribution",
            {"kind": "cpm", "amount": Decimal("8.00")},
            "A distribution contract cannot have a per 1,000 views (cpm) term.",
        ),
        (
            "joint_brand",
            {"kind": "per_deliverable", "amount": Decimal(100), "content_type": "video"},
            "A joint brand contract cannot have a per published item term.",
        ),
        (
            "paid_media",
            {"kind": "revenue_share", "rate": Decimal("0.1")},
            "A paid self-media contract cannot have a revenue share (joint brand) term.",
        ),
    ],
)
def test_kind_not_allowed_for_the_method_is_refused(brand, method, fields, message):
    contract = factories.ContractFactory(partnership__influencer__brand=brand, method=method)
    assert errors_of(term(contract, **fields)) == {"kind": [message]}


@pytest.mark.parametrize(
    ("fields", "unused"),
    [
        (
            {"kind": "flat_fee", "amount": Decimal(500), "due_date": date(2027, 2, 1), "cap": 1},
            "cap",
        ),
        ({"kind": "cpa", "amount": Decimal(5), "rate": Decimal("0.05")}, "rate"),
        ({"kind": "cpm", "amount": Decimal(8), "content_type": "video"}, "content_type"),
        ({"kind": "commission", "basis": "total", "rate": Decimal("0.1"), "amount": 1}, "amount"),
    ],
)
def test_a_field_the_kind_does_not_use_is_refused(paid_media, fields, unused):
    label = CompensationTerm.Kind(fields["kind"]).label.lower()
    assert errors_of(term(paid_media, **fields)) == {unused: [f"Not used by a {label} term."]}


def test_a_field_the_kind_needs_is_required(paid_media):
    errors = errors_of(term(paid_media, kind="per_deliverable", amount=Decimal(100)))
    assert errors == {"content_type": ["Required for this kind of term."]}


@pytest.mark.parametrize(
    "when",
    [{}, {"due_date": date(2027, 2, 1), "milestone": "on_signing"}],
    ids=["neither", "both"],
)
def test_flat_fee_needs_a_due_date_or_a_milestone_not_both(paid_media, when):
    errors = errors_of(term(paid_media, kind="flat_fee", amount=Decimal(500), **when))
    assert errors == {"due_date": ["Give either a due date or a milestone."]}


def test_an_offset_needs_a_milestone(paid_media):
    row = term(
        paid_media, kind="flat_fee", amount=Decimal(500), due_date=date(2027, 2, 1), offset_days=3
    )
    assert errors_of(row) == {"offset_days": ["An offset counts from a milestone."]}


@pytest.mark.parametrize(
    "pricing",
    [
        {},
        {
            "rate": Decimal("0.05"),
            "tiers": [{"from": "0", "rate": "0.05"}],
            "tier_mode": "whole",
        },
    ],
    ids=["neither", "both"],
)
def test_commission_needs_a_rate_or_tiers_not_both(paid_media, pricing):
    errors = errors_of(term(paid_media, kind="commission", basis="total", **pricing))
    if pricing:
        assert errors == {"tiers": ["Tiers set the rates: leave Rate empty, or remove the tiers."]}
    else:
        assert errors == {"rate": ["Give the commission's rate, or its tiers."]}


def test_commission_on_a_product_names_it_and_it_must_be_the_brands(paid_media, other_brand):
    unnamed = term(paid_media, kind="commission", basis="product", rate=Decimal("0.1"))
    assert errors_of(unnamed) == {"product": ["Choose the product the commission is paid on."]}

    foreign = factories.ProductFactory(brand=other_brand)
    row = term(paid_media, kind="commission", basis="product", product=foreign, rate=Decimal("0.1"))
    assert errors_of(row) == {"product": ["This product belongs to another brand."]}

    own = factories.ProductFactory(brand=paid_media.partnership.brand)
    row.product = own
    assert errors_of(row) == {}


def test_commission_on_a_category_names_it(paid_media):
    row = term(paid_media, kind="commission", basis="category", rate=Decimal("0.1"))
    assert errors_of(row) == {"category": ["Name the category the commission is paid on."]}


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        (
            {"kind": "cpa", "amount": Decimal("1500.50")},
            {"amount": ["JPY amounts have 0 decimal places."]},
        ),
        (
            {"kind": "cpm", "amount": Decimal(800), "cap": Decimal("0.5")},
            {"cap": ["JPY amounts have 0 decimal places."]},
        ),
        ({"kind": "cpa", "amount": Decimal(1500)}, {}),
    ],
)
def test_jpy_amounts_are_whole_yen(brand, fields, errors):
    contract = factories.ContractFactory(partnership__influencer__brand=brand, currency="JPY")
    assert errors_of(term(contract, **fields)) == errors


# --- deliverables and joint brands ----------------------------------------------------------


def test_deliverable_due_outside_the_contract_is_refused(paid_media):
    late = Deliverable(
        contract=paid_media, content_type="video", platform="youtube", due_date=date(2027, 7, 1)
    )
    assert errors_of(late) == {"due_date": ["Must fall within the contract's dates."]}
    late.due_date = date(2027, 6, 30)
    assert errors_of(late) == {}


def test_deliverable_of_an_open_ended_contract_may_be_due_any_time_after_start(brand):
    contract = factories.ContractFactory(
        partnership__influencer__brand=brand, start=date(2027, 1, 1), end=None
    )
    row = Deliverable(
        contract=contract, content_type="post", platform="instagram", due_date=date(2031, 1, 1)
    )
    assert errors_of(row) == {}
    row.due_date = date(2026, 12, 31)
    assert errors_of(row) == {"due_date": ["Must fall within the contract's dates."]}


def test_joint_brand_equity_must_add_up_to_one_hundred_percent(brand):
    contract = factories.ContractFactory(partnership__influencer__brand=brand, method="joint_brand")
    joint = JointBrand(
        contract=contract,
        name="Lucía × Lumière",
        brand_equity=Decimal("0.6000"),
        influencer_equity=Decimal("0.3000"),
    )
    assert errors_of(joint) == {"__all__": ["The equity split must add up to 100%."]}
    joint.influencer_equity = Decimal("0.4000")
    assert errors_of(joint) == {}


# --- contracts --------------------------------------------------------------------------------


def test_contract_cannot_end_before_it_starts(paid_media):
    paid_media.end = date(2026, 12, 31)
    assert errors_of(paid_media) == {"end": ["The contract cannot end before it starts."]}


def test_category_exclusivity_names_its_categories(paid_media):
    paid_media.exclusivity = Contract.Exclusivity.CATEGORY
    errors = errors_of(paid_media)
    assert errors == {"exclusivity_categories": ["Name the categories the exclusivity covers."]}


def test_late_delivery_cap_needs_a_penalty_per_day(paid_media):
    paid_media.late_delivery_cap = Decimal("500.00")
    errors = errors_of(paid_media)
    assert errors == {"late_delivery_cap": ["A cap needs a late-delivery penalty per day."]}
    paid_media.late_delivery_per_day = Decimal("20.00")
    assert errors_of(paid_media) == {}


def test_signed_document_is_at_most_ten_megabytes(paid_media):
    paid_media.signed_document = SimpleUploadedFile(
        "signed.pdf", b"%" * (10 * 1024 * 1024 + 1), content_type="application/pdf"
    )
    assert errors_of(paid_media) == {
        "signed_document": ["The signed document is larger than 10 MB."]
    }


# --- exclusivity overlap ----------------------------------------------------------------------


@pytest.fixture
def exclusive(paid_media) -> Contract:
    """An active contract giving the brand the influencer's wigs exclusivity in H1 2027."""
    paid_media.title = "Wig exclusivity H1"
    paid_media.exclusivity = Contract.Exclusivity.CATEGORY
    paid_media.exclusivity_categories = ["wigs"]
    paid_media.save()
    return paid_media


def second_contract(exclusive: Contract, **fields) -> Contract:
    values = {
        "partnership": exclusive.partnership,
        "method": Contract.Method.DISTRIBUTION,
        "title": "Second deal",
        "start": date(2027, 3, 1),
        "end": date(2027, 9, 30),
        "exclusivity": Contract.Exclusivity.CATEGORY,
        "exclusivity_categories": ["wigs", "gowns"],
    }
    return Contract(**{**values, **fields})


CLASH = (
    "“Wig exclusivity H1” already gives this influencer's exclusivity for an overlapping period "
    "(2027-01-01 to 2027-06-30)."
)


def test_two_exclusive_contracts_overlapping_in_dates_and_categories_clash(exclusive):
    assert errors_of(second_contract(exclusive)) == {"exclusivity": [CLASH]}


def test_overlap_of_a_single_day_clashes(exclusive):
    row = second_contract(exclusive, start=date(2027, 6, 30))
    assert errors_of(row) == {"exclusivity": [CLASH]}


def test_full_exclusivity_clashes_with_any_category(exclusive):
    row = second_contract(exclusive, exclusivity="full", exclusivity_categories=[])
    assert errors_of(row) == {"exclusivity": [CLASH]}


def test_open_ended_exclusive_contract_clashes_with_everything_after_it(exclusive):
    exclusive.end = None
    exclusive.save()
    row = second_contract(exclusive, start=date(2030, 1, 1), end=None)
    message = CLASH.replace("2027-06-30", "open end")
    assert errors_of(row) == {"exclusivity": [message]}


@pytest.mark.parametrize(
    "difference",
    [
        {"exclusivity_categories": ["gowns"]},
        {"start": date(2027, 7, 1)},
        {"start": date(2026, 6, 1), "end": date(2026, 12, 31)},
        {"exclusivity": "none", "exclusivity_categories": []},
    ],
    ids=["other categories", "starts after", "ends before", "not exclusive"],
)
def test_no_clash_when_categories_or_dates_differ(exclusive, difference):
    assert errors_of(second_contract(exclusive, **difference)) == {}


@pytest.mark.parametrize("status", [Contract.Status.TERMINATED, Contract.Status.COMPLETED])
def test_a_terminated_or_completed_contract_no_longer_clashes(exclusive, status):
    exclusive.status = status
    exclusive.save()
    assert errors_of(second_contract(exclusive)) == {}


def test_another_influencers_exclusivity_does_not_clash(exclusive, brand):
    other = factories.PartnershipFactory(influencer__brand=brand)
    assert errors_of(second_contract(exclusive, partnership=other)) == {}


def test_a_contract_does_not_clash_with_itself(exclusive):
    exclusive.title = "Renamed"
    assert errors_of(exclusive) == {}
