"""A contract's status workflow and its amendment history."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from contracts import amendments, workflow
from contracts.models import CompensationTerm, Contract
from tests import factories
from tests.contracts.test_admin import change_post

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 1, 5, 9, 30, tzinfo=UTC)
Status = Contract.Status


@pytest.fixture
def draft(brand) -> Contract:
    return factories.ContractFactory(
        partnership__influencer__brand=brand,
        method=Contract.Method.PAID_MEDIA,
        status=Status.DRAFT,
        title="Spring wig reviews",
        start=date(2027, 1, 1),
        end=date(2027, 6, 30),
    )


@pytest.fixture
def ready(draft) -> Contract:
    """A paid-media draft with what signing needs: a term and a deliverable."""
    factories.CompensationTermFactory(contract=draft)
    factories.DeliverableFactory(contract=draft)
    return draft


def refusal_of(contract: Contract, to: str) -> str:
    with pytest.raises(ValidationError) as caught:
        workflow.move(contract, to, now=NOW)
    return caught.value.message_dict["status"][0]


def contract_with_status(brand, status: str) -> Contract:
    contract = factories.ContractFactory(partnership__influencer__brand=brand, status=status)
    factories.CompensationTermFactory(contract=contract)
    factories.DeliverableFactory(contract=contract)
    return contract


@pytest.mark.parametrize(
    ("status", "allowed"),
    [
        (Status.DRAFT, ["negotiating", "signed", "terminated"]),
        (Status.NEGOTIATING, ["draft", "signed", "terminated"]),
        (Status.SIGNED, ["active", "terminated"]),
        (Status.ACTIVE, ["completed", "terminated"]),
        (Status.COMPLETED, []),
        (Status.TERMINATED, []),
    ],
)
def test_each_status_offers_only_its_next_steps(brand, status, allowed):
    assert workflow.allowed(contract_with_status(brand, status)) == allowed


@pytest.mark.parametrize(
    ("status", "to"),
    [
        (Status.DRAFT, Status.NEGOTIATING),
        (Status.NEGOTIATING, Status.DRAFT),
        (Status.NEGOTIATING, Status.SIGNED),
        (Status.DRAFT, Status.SIGNED),
        (Status.SIGNED, Status.ACTIVE),
        (Status.ACTIVE, Status.COMPLETED),
        (Status.DRAFT, Status.TERMINATED),
        (Status.SIGNED, Status.TERMINATED),
        (Status.ACTIVE, Status.TERMINATED),
    ],
)
def test_allowed_transition_is_saved(brand, status, to):
    contract = contract_with_status(brand, status)
    workflow.move(contract, to, now=NOW)
    contract.refresh_from_db()
    assert contract.status == to


@pytest.mark.parametrize(
    ("status", "to", "message"),
    [
        (Status.DRAFT, Status.ACTIVE, "A draft contract cannot become active."),
        (Status.NEGOTIATING, Status.COMPLETED, "A negotiating contract cannot become completed."),
        (Status.SIGNED, Status.DRAFT, "A signed contract cannot become draft."),
        (Status.ACTIVE, Status.SIGNED, "A active contract cannot become signed."),
    ],
)
def test_skipping_or_going_back_is_refused(brand, status, to, message):
    contract = contract_with_status(brand, status)
    assert refusal_of(contract, to) == message
    contract.refresh_from_db()
    assert contract.status == status


@pytest.mark.parametrize("final", [Status.COMPLETED, Status.TERMINATED])
@pytest.mark.parametrize("to", Status.values)
def test_terminated_and_completed_contracts_never_reopen(brand, final, to):
    contract = contract_with_status(brand, final)
    label = Status(final).label.lower()
    assert refusal_of(contract, to) == f"A {label} contract cannot change status."
    contract.refresh_from_db()
    assert contract.status == final


def test_an_unknown_status_is_refused(ready):
    assert refusal_of(ready, "archived") == "'archived' is not a contract status."


def test_signing_is_refused_without_a_term(draft):
    factories.DeliverableFactory(contract=draft)
    assert refusal_of(draft, Status.SIGNED) == "Add at least one compensation term before signing."
    draft.refresh_from_db()
    assert (draft.status, draft.signed_at) == (Status.DRAFT, None)


def test_paid_media_signing_is_refused_without_a_deliverable(draft):
    factories.CompensationTermFactory(contract=draft)
    message = "Add at least one deliverable before signing a paid-media contract."
    assert refusal_of(draft, Status.SIGNED) == message


@pytest.mark.parametrize("method", [Contract.Method.DISTRIBUTION, Contract.Method.JOINT_BRAND])
def test_other_methods_sign_without_deliverables(brand, method):
    contract = factories.ContractFactory(
        partnership__influencer__brand=brand, method=method, status=Status.NEGOTIATING
    )
    factories.CompensationTermFactory(contract=contract)
    assert workflow.move(contract, Status.SIGNED, now=NOW).status == Status.SIGNED


def test_signing_records_when_and_activating_keeps_it(ready):
    signed = workflow.move(ready, Status.SIGNED, now=NOW)
    assert signed.signed_at == NOW
    later = datetime(2027, 1, 9, tzinfo=UTC)
    active = workflow.move(signed, Status.ACTIVE, now=later)
    active.refresh_from_db()
    assert (active.status, active.signed_at) == (Status.ACTIVE, NOW)


def test_a_status_change_is_kept_in_the_history(ready):
    workflow.move(ready, Status.SIGNED, now=NOW)
    statuses = list(ready.history.order_by("history_date").values_list("status", flat=True))
    assert statuses == [Status.DRAFT, Status.SIGNED]


# --- amendments ------------------------------------------------------------------------------


@pytest.fixture
def signed(ready) -> Contract:
    # Amendments are the history recorded since signing, and history is dated by the clock.
    return workflow.move(ready, Status.SIGNED, now=timezone.now())


def test_admin_change_to_a_signed_contract_is_kept_with_its_author(client, signed, brand):
    editor = factories.UserFactory(username="editor", is_staff=True)
    factories.MembershipFactory(user=editor, brand=brand)
    client.force_login(editor)

    response = client.post(
        reverse("admin:contracts_contract_change", args=[signed.pk]),
        change_post(signed, title="Spring wig reviews (extended)", end="2027-09-30"),
    )

    assert response.status_code == 302
    latest = signed.history.latest("history_date")
    assert latest.history_user == editor
    assert latest.title == "Spring wig reviews (extended)"
    assert latest.history_type == "~"
    change = amendments.amendments(signed)[0]
    assert change.who == "editor"
    assert "title: Spring wig reviews → Spring wig reviews (extended)" in change.what
    assert "end: 2027-06-30 → 2027-09-30" in change.what


def test_a_term_added_in_the_admin_after_signing_is_an_amendment(client, signed, brand):
    editor = factories.UserFactory(username="editor", is_staff=True)
    factories.MembershipFactory(user=editor, brand=brand)
    client.force_login(editor)
    bonus = {"kind": "bonus", "amount": "300.00", "metric": "views", "threshold": "1000000"}

    response = client.post(
        reverse("admin:contracts_contract_change", args=[signed.pk]),
        change_post(signed, new_terms=[bonus]),
    )

    assert response.status_code == 302
    added = CompensationTerm.history.get(contract_id=signed.pk, kind="bonus")
    assert (added.history_type, added.history_user) == ("+", editor)
    assert added.amount == Decimal("300.00")
    assert any(
        a.who == "editor" and a.what.startswith("term added") for a in amendments.amendments(signed)
    )


def test_a_change_made_outside_a_request_has_no_author(signed):
    signed.title = "Changed by a job"
    signed.save()
    assert signed.history.latest("history_date").history_user is None
    assert amendments.amendments(signed)[0].who == "API or system"


@pytest.mark.parametrize("before", ["prospect", "contacted", "negotiating"])
@pytest.mark.parametrize("to", [Status.SIGNED, Status.ACTIVE])
def test_a_contract_in_force_makes_its_influencer_active(ready, before, to):
    influencer = ready.partnership.influencer
    influencer.status = before
    influencer.save()
    if to == Status.ACTIVE:
        ready.status = Status.SIGNED
        ready.save()
    workflow.move(ready, to, now=NOW)
    influencer.refresh_from_db()
    assert influencer.status == "active"


@pytest.mark.parametrize("decided", ["paused", "ended", "blocked"])
def test_signing_keeps_a_pipeline_status_a_person_decided(ready, decided):
    influencer = ready.partnership.influencer
    influencer.status = decided
    influencer.save()
    workflow.move(ready, Status.SIGNED, now=NOW)
    influencer.refresh_from_db()
    assert influencer.status == decided


def test_negotiating_leaves_a_prospect_where_it_is(ready):
    influencer = ready.partnership.influencer
    influencer.status = "prospect"
    influencer.save()
    workflow.move(ready, Status.NEGOTIATING, now=NOW)
    influencer.refresh_from_db()
    assert influencer.status == "prospect"


def test_signing_on_the_contract_page_moves_the_influencer_on_the_board(client, brand, ready):
    manager = factories.UserFactory()
    factories.MembershipFactory(user=manager, brand=brand, role="manager")
    influencer = ready.partnership.influencer
    influencer.status = "negotiating"
    influencer.save()
    client.force_login(manager)
    client.post(reverse("contracts:status", args=[ready.pk]), {"status": "signed"})
    board = client.get(reverse("contracts:board")).content.decode()
    active_column = board.split('data-status="active"')[1].split("data-status=")[0]
    assert influencer.name in active_column
