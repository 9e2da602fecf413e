"""The contract admin: scoped to the user's brands, status moved by actions, history kept."""

import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from contracts import workflow
from contracts.forms import METHOD_SECTIONS
from contracts.models import (
    DELIVERABLE_FIELDS,
    JOINT_BRAND_FIELDS,
    PRICE_FIELDS,
    TERM_FORM_FIELDS,
    CompensationTerm,
    Contract,
    DistributorPrice,
    Partnership,
)
from partnerships.formatting import percent_points
from partnerships.models import Role
from partnerships.percent import RateField
from tests import factories
from tests.contracts.statement_data import statement_with_sources
from tests.downloads import csv_text
from tests.page_forms import form_values

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:contracts_contract_changelist"
CONTRACT_FIELDS = [
    "title",
    "start",
    "end",
    "currency",
    "settlement_period",
    "hold_days",
    "minimum_payout",
    "payment_terms_days",
    "exclusivity",
    "exclusivity_categories",
    "competitors",
    "exclusivity_territories",
    "disclosure_required",
    "disclosure_text",
    "approval_required",
    "content_owner",
    "usage_channels",
    "paid_ads_allowed",
    "usage_territories",
    "usage_months",
    "late_delivery_per_day",
    "late_delivery_cap",
    "late_payment_per_day",
    "breach_terms",
]
INLINES = {
    "terms": TERM_FORM_FIELDS,
    "deliverables": DELIVERABLE_FIELDS,
    "prices": PRICE_FIELDS,
    "joint_brand": JOINT_BRAND_FIELDS,
}


def _posted(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return json.dumps(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _put(data: dict, name: str, value: object) -> None:
    if isinstance(value, bool):
        if value:
            data[name] = "on"  # an unticked checkbox is simply not sent
    elif hasattr(value, "all"):
        data[name] = [row.pk for row in value.all()]
    else:
        data[name] = _posted(value)


def change_post(contract: Contract, *, new_terms: list[dict] = (), **changes: object) -> dict:
    """What the admin change form of `contract` posts: its current values with `changes`, its
    existing inline rows, and `new_terms` added under them."""
    data: dict = {}
    for name in CONTRACT_FIELDS:
        _put(data, name, getattr(contract, name))
    data.update(changes)
    for prefix in METHOD_SECTIONS.get(contract.method, ()):
        rows = list(getattr(contract, prefix).all()) if prefix != "joint_brand" else []
        if prefix == "joint_brand" and hasattr(contract, "joint_brand"):
            rows = [contract.joint_brand]
        added = list(new_terms) if prefix == "terms" else []
        data |= management(prefix, total=len(rows) + len(added), initial=len(rows))
        for i, row in enumerate(rows):
            data[f"{prefix}-{i}-id"] = row.pk
            data[f"{prefix}-{i}-contract"] = contract.pk
            for name in INLINES[prefix]:
                field = row._meta.get_field(name)
                value = getattr(row, field.attname) if field.is_relation else getattr(row, name)
                if name == "tiers":  # typed as rows of (from, rate %)
                    data[f"{prefix}-{i}-tiers-from"] = [tier["from"] for tier in value]
                    data[f"{prefix}-{i}-tiers-rate"] = [
                        str(percent_points(Decimal(tier["rate"]))) for tier in value
                    ]
                    continue
                if isinstance(field, RateField) and value is not None:  # typed as a percentage
                    value = percent_points(value)
                _put(
                    data,
                    f"{prefix}-{i}-{name}",
                    getattr(row, name) if field.many_to_many else value,
                )
        for i, row in enumerate(added, start=len(rows)):
            data.update({f"{prefix}-{i}-{key}": value for key, value in row.items()})
    return data


def management(prefix: str, total: int = 0, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def run_action(client, action: str, contracts: list[Contract], **extra):
    return client.post(
        reverse(CHANGELIST),
        {"action": action, "_selected_action": [c.pk for c in contracts], **extra},
        follow=True,
    )


def page_messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def contract_of_a(brand) -> Contract:
    contract = factories.ContractFactory(
        partnership__influencer__brand=brand,
        partnership__influencer__name="Anna Sokolova",
        method=Contract.Method.PAID_MEDIA,
        status=Contract.Status.DRAFT,
        title="Spring wig reviews",
        start=date(2027, 1, 1),
        end=date(2027, 6, 30),
    )
    factories.DeliverableFactory(contract=contract)
    return contract


@pytest.fixture
def staff_manager(brand):
    user = factories.UserFactory(username="staffmanager", is_staff=True)
    factories.MembershipFactory(user=user, brand=brand, role=Role.MANAGER)
    return user


# --- tenancy ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:contracts_contract_change",
        "admin:contracts_contract_history",
        "admin:contracts_contract_delete",
    ],
)
def test_staff_of_other_brand_gets_404_on_contract_pages(
    client, other_brand_manager, contract_of_a, url_name
):
    client.force_login(other_brand_manager)
    assert client.get(reverse(url_name, args=[contract_of_a.pk])).status_code == 404


def test_staff_of_other_brand_gets_404_on_a_past_version(
    client, other_brand_manager, contract_of_a
):
    version = contract_of_a.history.earliest("history_date")
    url = reverse(
        "admin:contracts_contract_simple_history", args=[contract_of_a.pk, version.history_id]
    )
    client.force_login(other_brand_manager)
    assert client.get(url).status_code == 404
    # a revert through the version page changes nothing either
    assert client.post(url, {"title": "Hijacked"}).status_code == 404
    contract_of_a.refresh_from_db()
    assert contract_of_a.title == "Spring wig reviews"


def test_history_of_a_deleted_contract_stays_with_its_brand(
    client, staff_manager, other_brand_manager, contract_of_a
):
    url = reverse("admin:contracts_contract_history", args=[contract_of_a.pk])
    contract_of_a.delete()
    client.force_login(other_brand_manager)
    assert client.get(url).status_code == 404
    client.force_login(staff_manager)
    assert client.get(url).status_code == 200


def test_changelist_lists_only_own_brands_contracts(client, other_brand_manager, contract_of_a):
    mine = factories.ContractFactory(
        partnership__influencer__brand=other_brand_manager.memberships.get().brand,
        title="Trail running reviews",
    )
    client.force_login(other_brand_manager)
    page = client.get(reverse(CHANGELIST)).content.decode()
    assert mine.title in page
    assert "Spring wig reviews" not in page
    assert "Lumière" not in page  # not even as a brand filter choice
    assert "Anna Sokolova" not in page


def test_own_contract_history_page_shows_the_changes(client, staff_manager, contract_of_a):
    contract_of_a.title = "Spring wig reviews 2027"
    contract_of_a.save()
    client.force_login(staff_manager)
    url = reverse("admin:contracts_contract_history", args=[contract_of_a.pk])
    page = client.get(url).content.decode()
    assert "Spring wig reviews 2027" in page


def test_other_brand_cannot_export_a_contract_by_posting_its_id(
    client, other_brand_manager, contract_of_a
):
    client.force_login(other_brand_manager)
    response = client.post(
        reverse(CHANGELIST), {"action": "export_csv", "_selected_action": [contract_of_a.pk]}
    )
    assert "Spring wig reviews" not in csv_text(response)


# --- viewers ---------------------------------------------------------------------------------


def test_viewer_staff_reads_but_cannot_change_a_contract(client, viewer, contract_of_a):
    client.force_login(viewer)
    url = reverse("admin:contracts_contract_change", args=[contract_of_a.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, change_post(contract_of_a, title="Changed by a viewer"))
    assert response.status_code == 403
    contract_of_a.refresh_from_db()
    assert contract_of_a.title == "Spring wig reviews"


def test_viewer_staff_is_not_offered_the_status_actions(client, viewer, contract_of_a):
    factories.CompensationTermFactory(contract=contract_of_a)
    client.force_login(viewer)
    page = client.get(reverse(CHANGELIST)).content.decode()
    assert 'value="sign"' not in page
    assert 'value="export_csv"' in page
    run_action(client, "sign", [contract_of_a])
    contract_of_a.refresh_from_db()
    assert contract_of_a.status == Contract.Status.DRAFT


def test_viewer_cannot_revert_to_a_past_version(client, viewer, contract_of_a):
    version = contract_of_a.history.earliest("history_date")
    contract_of_a.title = "Current title"
    contract_of_a.save()
    url = reverse(
        "admin:contracts_contract_simple_history", args=[contract_of_a.pk, version.history_id]
    )
    client.force_login(viewer)
    assert client.get(url).status_code == 200
    assert (
        client.post(url, change_post(contract_of_a, title="Spring wig reviews")).status_code == 403
    )
    contract_of_a.refresh_from_db()
    assert contract_of_a.title == "Current title"


# --- status actions --------------------------------------------------------------------------


def test_sign_action_refuses_a_contract_without_terms_and_signs_one_with_a_term(
    client, staff_manager, contract_of_a, brand
):
    with_term = factories.ContractFactory(
        partnership__influencer__brand=brand,
        method=Contract.Method.DISTRIBUTION,
        status=Contract.Status.NEGOTIATING,
        title="US wig distribution",
    )
    factories.CompensationTermFactory(contract=with_term)
    client.force_login(staff_manager)

    response = run_action(client, "sign", [contract_of_a, with_term])

    assert page_messages(response) == [
        "“Spring wig reviews” was not signed: Add at least one compensation term before signing.",
        "1 contract signed.",
    ]
    contract_of_a.refresh_from_db()
    with_term.refresh_from_db()
    assert contract_of_a.status == Contract.Status.DRAFT
    assert with_term.status == Contract.Status.SIGNED
    assert with_term.signed_at is not None
    assert with_term.history.latest("history_date").history_user == staff_manager


def test_activate_complete_and_terminate_actions_follow_the_workflow(
    client, staff_manager, contract_of_a
):
    factories.CompensationTermFactory(contract=contract_of_a)
    workflow.move(contract_of_a, Contract.Status.SIGNED, now=datetime(2027, 1, 2, tzinfo=UTC))
    client.force_login(staff_manager)

    assert page_messages(run_action(client, "complete", [contract_of_a])) == [
        "“Spring wig reviews” was not completed: A signed contract cannot become completed."
    ]
    assert page_messages(run_action(client, "activate", [contract_of_a])) == [
        "1 contract activated."
    ]
    assert page_messages(run_action(client, "terminate", [contract_of_a])) == [
        "1 contract terminated."
    ]
    assert page_messages(run_action(client, "activate", [contract_of_a])) == [
        "“Spring wig reviews” was not activated: A terminated contract cannot change status."
    ]
    contract_of_a.refresh_from_db()
    assert contract_of_a.status == Contract.Status.TERMINATED


def test_action_refuses_contracts_of_a_brand_the_user_only_views(
    client, brand, other_brand, contract_of_a
):
    agency = factories.UserFactory(username="agency", is_staff=True)
    factories.MembershipFactory(user=agency, brand=other_brand, role=Role.MANAGER)
    factories.MembershipFactory(user=agency, brand=brand, role=Role.VIEWER)
    factories.CompensationTermFactory(contract=contract_of_a)
    client.force_login(agency)

    response = run_action(client, "sign", [contract_of_a])

    assert page_messages(response) == [
        "“Spring wig reviews” was not signed: your role in its brand does not allow this change."
    ]
    contract_of_a.refresh_from_db()
    assert contract_of_a.status == Contract.Status.DRAFT


def test_status_is_not_editable_in_the_change_form(client, staff_manager, contract_of_a):
    client.force_login(staff_manager)
    url = reverse("admin:contracts_contract_change", args=[contract_of_a.pk])
    assert 'name="status"' not in client.get(url).content.decode()
    response = client.post(url, change_post(contract_of_a, status="active"))
    assert response.status_code == 302
    contract_of_a.refresh_from_db()
    assert contract_of_a.status == Contract.Status.DRAFT


# --- inlines ---------------------------------------------------------------------------------


def test_invalid_inline_term_shows_its_error_and_writes_nothing(
    client, staff_manager, contract_of_a
):
    client.force_login(staff_manager)
    bad = {"kind": "commission", "basis": "total", "rate": "150"}

    response = client.post(
        reverse("admin:contracts_contract_change", args=[contract_of_a.pk]),
        change_post(contract_of_a, title="Renamed", new_terms=[bad]),
    )

    assert response.status_code == 200
    assert "Ensure this value is less than or equal to 100." in response.content.decode()
    assert not CompensationTerm.objects.exists()
    contract_of_a.refresh_from_db()
    assert contract_of_a.title == "Spring wig reviews"
    assert contract_of_a.history.count() == 1


def test_valid_inline_terms_are_saved(client, staff_manager, contract_of_a):
    client.force_login(staff_manager)
    terms = [
        {"kind": "flat_fee", "amount": "500.00", "milestone": "on_signing"},
        {
            "kind": "commission",
            "basis": "total",
            "tiers-from": ["0", "10000"],
            "tiers-rate": ["5", "8"],
            "tier_mode": "marginal",
        },
    ]
    response = client.post(
        reverse("admin:contracts_contract_change", args=[contract_of_a.pk]),
        change_post(contract_of_a, new_terms=terms),
    )
    assert response.status_code == 302
    saved = {term.kind: term for term in contract_of_a.terms.all()}
    assert saved["flat_fee"].amount == Decimal("500.00")
    assert saved["commission"].tiers[1] == {"from": "10000", "rate": "0.08"}
    assert saved["flat_fee"].tiers == []  # an empty tiers box is no tiers


def test_a_term_the_method_does_not_allow_is_refused_inline(client, staff_manager, contract_of_a):
    client.force_login(staff_manager)
    rebate = {"kind": "rebate", "tiers-from": "0", "tiers-rate": "2", "tier_mode": "whole"}
    response = client.post(
        reverse("admin:contracts_contract_change", args=[contract_of_a.pk]),
        change_post(contract_of_a, new_terms=[rebate]),
    )
    message = "A paid self-media contract cannot have a volume rebate (distribution) term."
    assert message in response.content.decode()
    assert not CompensationTerm.objects.exists()


def test_change_page_shows_the_inlines_of_the_contracts_method(client, staff_manager, brand):
    distribution = factories.ContractFactory(
        partnership__influencer__brand=brand, method=Contract.Method.DISTRIBUTION
    )
    client.force_login(staff_manager)
    page = client.get(
        reverse("admin:contracts_contract_change", args=[distribution.pk])
    ).content.decode()
    assert 'name="prices-TOTAL_FORMS"' in page
    assert 'name="terms-TOTAL_FORMS"' in page
    assert 'name="deliverables-TOTAL_FORMS"' not in page
    assert 'name="joint_brand-TOTAL_FORMS"' not in page


@pytest.mark.parametrize("method", Contract.Method.values)
def test_admin_pages_render_for_each_method(client, staff_manager, brand, method):
    contract = factories.ContractFactory(partnership__influencer__brand=brand, method=method)
    factories.CompensationTermFactory(contract=contract)
    if method == Contract.Method.JOINT_BRAND:
        factories.JointBrandFactory(
            contract=contract, products=[factories.ProductFactory(brand=brand)]
        )
    client.force_login(staff_manager)
    urls = [
        reverse("admin:contracts_contract_change", args=[contract.pk]),
        reverse("admin:contracts_contract_history", args=[contract.pk]),
        reverse("admin:contracts_contract_add"),
        reverse(CHANGELIST) + f"?method__exact={method}",
    ]
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_price_of_another_brands_product_is_refused(client, brand, other_brand, agency_staff):
    contract = factories.ContractFactory(
        partnership__influencer__brand=brand, method=Contract.Method.DISTRIBUTION
    )
    foreign = factories.ProductFactory(brand=other_brand, sku="KR-TRL-42")
    client.force_login(agency_staff)
    data = change_post(contract)
    data |= management("prices", total=1) | {
        "prices-0-product": foreign.pk,
        "prices-0-price": "89.00",
        "prices-0-min_order_quantity": "5",
    }
    response = client.post(reverse("admin:contracts_contract_change", args=[contract.pk]), data)
    assert "This product belongs to another brand." in response.content.decode()
    assert not DistributorPrice.objects.exists()


def test_manager_adds_a_contract_with_a_term_as_a_draft(client, staff_manager, brand):
    partnership = factories.PartnershipFactory(influencer__brand=brand)
    blank = Contract(currency="USD", start=date(2027, 1, 1))
    data = change_post(blank, title="New deal", start="2027-01-01", end="2027-12-31")
    data |= {"partnership": partnership.pk, "method": "distribution", "status": "active"}
    data |= management("terms", total=1) | {
        "terms-0-kind": "flat_fee",
        "terms-0-amount": "1000.00",
        "terms-0-due_date": "2027-02-01",
    }
    data |= management("prices") | management("deliverables") | management("joint_brand")
    client.force_login(staff_manager)

    response = client.post(reverse("admin:contracts_contract_add"), data)

    assert response.status_code == 302
    contract = Contract.objects.get(title="New deal")
    assert contract.status == Contract.Status.DRAFT
    assert contract.terms.get().amount == Decimal("1000.00")
    assert contract.history.get().history_user == staff_manager


def test_add_form_with_errors_is_shown_again_with_its_rows(client, staff_manager, brand):
    blank = Contract(currency="USD", start=date(2027, 1, 1))
    data = change_post(blank, title="New deal", start="not a date", end="")
    data |= {"partnership": "", "method": ""}
    data |= management("terms", total=1) | {
        "terms-0-kind": "flat_fee",
        "terms-0-amount": "1000.00",
        "terms-0-due_date": "2027-02-01",
    }
    data |= management("prices") | management("deliverables") | management("joint_brand")
    client.force_login(staff_manager)

    response = client.post(reverse("admin:contracts_contract_add"), data)

    assert response.status_code == 200
    assert "Enter a valid date." in response.content.decode()
    assert not Contract.objects.exists()


# --- CSV -------------------------------------------------------------------------------------


def test_export_csv_writes_one_row_per_contract(client, staff_manager, contract_of_a, brand):
    factories.CompensationTermFactory(contract=contract_of_a)
    risky = factories.ContractFactory(
        partnership__influencer__brand=brand, title="=HYPERLINK(evil)"
    )
    client.force_login(staff_manager)
    response = client.post(
        reverse(CHANGELIST),
        {"action": "export_csv", "_selected_action": [contract_of_a.pk, risky.pk]},
    )
    lines = csv_text(response).splitlines()
    assert lines[0].startswith("id,brand,influencer,title,method,status,start,end,currency")
    row = next(line for line in lines if "Spring wig reviews" in line)
    assert row.startswith(
        f"{contract_of_a.pk},Lumière Hair & Gowns,Anna Sokolova,Spring wig reviews,paid_media,"
        "draft,2027-01-01,2027-06-30,USD,monthly,"
    )
    assert row.endswith(",none,1,1,")  # exclusivity, terms, deliverables, not signed
    assert any("'=HYPERLINK(evil)" in line for line in lines)


# --- partnerships, orders and joint brands ---------------------------------------------------


def test_partnership_owner_is_chosen_among_the_brands_members(
    client, staff_manager, brand, other_brand
):
    partnership = factories.PartnershipFactory(influencer__brand=brand)
    member = factories.UserFactory(username="colleague")
    factories.MembershipFactory(user=member, brand=brand, role=Role.VIEWER)
    stranger = factories.UserFactory(username="stranger")
    factories.MembershipFactory(user=stranger, brand=other_brand)
    client.force_login(staff_manager)
    url = reverse("admin:contracts_partnership_change", args=[partnership.pk])

    page = client.get(url).content.decode()
    assert "colleague" in page
    assert "stranger" not in page

    post = {"owner": stranger.pk, "status": "active", "meeting_cadence": "monthly"}
    assert "Select a valid choice" in client.post(url, post).content.decode()
    assert client.post(url, {**post, "owner": member.pk}).status_code == 302
    assert Partnership.objects.get(pk=partnership.pk).owner == member


@pytest.mark.parametrize("model", ["distributororder", "jointbrand", "partnership"])
def test_other_rows_of_a_contract_are_scoped(client, other_brand_manager, brand, model):
    contract = factories.ContractFactory(
        partnership__influencer__brand=brand, method=Contract.Method.JOINT_BRAND
    )
    rows = {
        "partnership": contract.partnership,
        "jointbrand": factories.JointBrandFactory(contract=contract, name="Lucía Line"),
        "distributororder": contract.orders.create(
            reference="PO-1",
            ordered_at=datetime(2027, 1, 2, tzinfo=UTC),
            product=factories.ProductFactory(brand=brand),
            quantity=5,
            unit_price=Decimal("121.00"),
        ),
    }
    client.force_login(other_brand_manager)
    change = reverse(f"admin:contracts_{model}_change", args=[rows[model].pk])
    assert client.get(change).status_code == 404
    changelist = client.get(reverse(f"admin:contracts_{model}_changelist"))
    assert changelist.status_code == 200
    assert changelist.context["cl"].result_count == 0
    assert "Lumière" not in changelist.content.decode()  # not even as a brand filter choice


def test_joint_brand_takes_only_the_contracts_brand_products(
    client, agency_staff, brand, other_brand
):
    contract = factories.ContractFactory(
        partnership__influencer__brand=brand, method=Contract.Method.JOINT_BRAND
    )
    own = factories.ProductFactory(brand=brand, sku="GWN-MER-RD")
    foreign = factories.ProductFactory(brand=other_brand, sku="KR-TRL-42")
    client.force_login(agency_staff)
    post = {
        "contract": contract.pk,
        "name": "Lucía × Lumière",
        "brand_equity": "60",
        "influencer_equity": "40",
        "products": [own.pk, foreign.pk],
    }
    response = client.post(reverse("admin:contracts_jointbrand_add"), post)
    assert "Of another brand: KR-TRL-42." in response.content.decode()
    response = client.post(
        reverse("admin:contracts_jointbrand_add"), {**post, "products": [own.pk]}
    )
    assert response.status_code == 302
    assert list(contract.joint_brand.products.all()) == [own]


def test_joint_brand_belongs_to_a_joint_brand_contract(client, staff_manager, contract_of_a):
    client.force_login(staff_manager)
    post = {
        "contract": contract_of_a.pk,
        "name": "Wrong place",
        "brand_equity": "50",
        "influencer_equity": "50",
    }
    response = client.post(reverse("admin:contracts_jointbrand_add"), post)
    assert "Only a joint brand contract has a joint brand." in response.content.decode()


def test_admin_shows_rates_in_percent(client, staff_manager, brand, contract_of_a):
    factories.CompensationTermFactory(
        contract=contract_of_a, kind="commission", rate=Decimal("0.0450")
    )
    client.force_login(staff_manager)
    url = reverse("admin:contracts_contract_change", args=[contract_of_a.pk])
    page = client.get(url).content.decode()
    values = form_values(page, "contract_form")
    assert values["terms-0-rate"] == ["4.5"]
    assert "Rate %" in page

    statement = statement_with_sources(brand, sales=1)
    url = reverse("admin:contracts_statement_change", args=[statement.pk])
    page = client.get(url).content.decode()
    assert "8%" in page
    assert "0.0800000" not in page
