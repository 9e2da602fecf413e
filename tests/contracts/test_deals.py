"""One write path for contracts (contracts/deals.py): the contract page, the admin and the API
refuse the same overlap with the same message, wait for the influencer's lock before the
exclusivity check, and keep a signed contract's changes as the same amendments."""

import threading
import time
from collections.abc import Callable
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from contracts import amendments, deals, workflow
from contracts.models import Contract
from partnerships.models import Role
from tests import factories
from tests.contracts.test_admin import change_post
from tests.contracts.test_admin import management as admin_management
from tests.contracts.test_api import URL as API_URL
from tests.contracts.test_api import paid_media
from tests.contracts.test_pages import contract_post
from tests.page_forms import form_values

OVERLAP = (
    "“Spring wig reviews” already gives this influencer's exclusivity for an overlapping period "
    "(2027-01-01 to 2027-06-30)."
)


@pytest.fixture
def influencer(brand):
    return factories.InfluencerFactory(brand=brand, name="Anna Ferreira")


@pytest.fixture
def staff_manager(brand):
    user = factories.UserFactory(username="staffmanager", is_staff=True)
    factories.MembershipFactory(user=user, brand=brand, role=Role.MANAGER)
    return user


def exclusive(influencer, **fields) -> Contract:
    """An unsaved exclusive contract of the influencer from January to June 2027."""
    values = {
        "method": Contract.Method.PAID_MEDIA,
        "title": "Spring wig reviews",
        "start": date(2027, 1, 1),
        "end": date(2027, 6, 30),
        "exclusivity": Contract.Exclusivity.FULL,
    }
    partnership = deals.partnership_for(influencer.brand, influencer)
    return Contract(partnership=partnership, **values | fields)


# Each path makes "Summer gowns", exclusive from March, and answers what it refused
# about the exclusivity ([] when it saved the contract).


def through_the_page(client, api, influencer) -> list[str]:
    data = contract_post(
        influencer, "paid_media", title="Summer gowns", start="2027-03-01", exclusivity="full"
    )
    response = client.post(reverse("contracts:create"), data)
    if response.status_code == 302:
        return []
    return response.context["form"].errors["exclusivity"]


def through_the_admin(client, api, influencer) -> list[str]:
    blank = Contract(currency="USD", start=date(2027, 3, 1))
    data = change_post(blank, title="Summer gowns", end="2027-09-30", exclusivity="full")
    data |= {"partnership": deals.partnership_for(influencer.brand, influencer).pk}
    data |= {"method": "paid_media"}
    for prefix in ("terms", "deliverables", "prices", "joint_brand"):
        data |= admin_management(prefix)
    response = client.post(reverse("admin:contracts_contract_add"), data)
    if response.status_code == 302:
        return []
    return response.context["adminform"].form.errors["exclusivity"]


def through_the_api(client, api, influencer) -> list[str]:
    payload = paid_media(influencer) | {
        "title": "Summer gowns",
        "start": "2027-03-01",
        "end": "2027-09-30",
        "exclusivity": "full",
        "deliverables": [],
    }
    response = api.post(API_URL, payload, format="json")
    if response.status_code == 201:
        return []
    assert response.status_code == 400, response.json()
    return [e["message"] for e in response.json()["errors"] if e["field"] == "exclusivity"]


PATHS = [through_the_page, through_the_admin, through_the_api]


@pytest.mark.django_db
@pytest.mark.parametrize("path", PATHS)
def test_each_path_refuses_an_overlapping_exclusive_contract_with_the_same_message(
    client, api, staff_manager, influencer, path: Callable
):
    first = deals.save_contract(
        contract=exclusive(influencer), rows={}, by=None, now=timezone.now()
    )
    client.force_login(staff_manager)

    assert path(client, api, influencer) == [OVERLAP]
    assert list(Contract.objects.all()) == [first]


@pytest.mark.django_db
@pytest.mark.parametrize("path", PATHS)
def test_each_path_saves_a_contract_that_does_not_overlap(
    client, api, staff_manager, influencer, path: Callable
):
    deals.save_contract(
        contract=exclusive(influencer, status=Contract.Status.TERMINATED),
        rows={},
        by=None,
        now=timezone.now(),
    )
    client.force_login(staff_manager)

    assert path(client, api, influencer) == []
    summer = Contract.objects.get(title="Summer gowns")
    assert summer.partnership.influencer == influencer
    assert Contract.objects.count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", PATHS)
def test_each_path_waits_for_the_influencers_lock_and_then_refuses_the_overlap(
    client, api, staff_manager, influencer, path: Callable
):
    factories.PartnershipFactory(influencer=influencer)  # chosen by its id in the admin
    client.force_login(staff_manager)
    held = threading.Event()
    answers: list[list[str]] = []
    errors: list[Exception] = []

    def first() -> None:
        with transaction.atomic():
            deals.save_contract(
                contract=exclusive(influencer), rows={}, by=None, now=timezone.now()
            )
            held.set()
            # Without the lock the second save checks now, sees nothing committed, and saves.
            time.sleep(1)

    def second() -> None:
        held.wait(timeout=30)
        answers.append(path(client, api, influencer))

    def run(work: Callable[[], None]) -> None:
        try:
            work()
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(work,)) for work in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert answers == [[OVERLAP]]
    assert list(Contract.objects.values_list("title", flat=True)) == ["Spring wig reviews"]


@pytest.mark.django_db
def test_a_signed_contract_edited_in_the_admin_keeps_the_amendment_the_page_keeps(
    client, staff_manager, brand
):
    def signed() -> Contract:
        contract = factories.ContractFactory(
            partnership__influencer__brand=brand,
            status=Contract.Status.DRAFT,
            title="Spring wig reviews",
            start=date(2027, 1, 1),
            end=date(2027, 6, 30),
        )
        factories.CompensationTermFactory(contract=contract)
        factories.DeliverableFactory(contract=contract)
        return workflow.move(contract, Contract.Status.SIGNED, now=timezone.now())

    on_the_page, in_the_admin = signed(), signed()
    client.force_login(staff_manager)
    edit = reverse("contracts:edit", args=[on_the_page.pk])
    data = form_values(client.get(edit).content.decode(), "contract-form")
    data["end"] = ["2027-09-30"]
    assert client.post(edit, data).status_code == 302
    response = client.post(
        reverse("admin:contracts_contract_change", args=[in_the_admin.pk]),
        change_post(in_the_admin, end="2027-09-30"),
    )
    assert response.status_code == 302

    def kept(contract: Contract) -> list[tuple[str, str]]:
        return [(a.who, a.what) for a in amendments.amendments(contract)]

    assert kept(on_the_page)[0] == ("staffmanager", "end: 2027-06-30 → 2027-09-30")
    assert kept(in_the_admin) == kept(on_the_page)


@pytest.mark.django_db
def test_a_save_that_breaks_a_rule_writes_nothing_not_even_the_partnership(influencer):
    contract = exclusive(influencer, end=date(2026, 12, 31))  # ends before it starts
    assert contract.partnership.pk is None

    with pytest.raises(ValidationError) as refused:
        deals.save_contract(contract=contract, rows={}, by=None, now=timezone.now())

    assert refused.value.message_dict == {"end": ["The contract cannot end before it starts."]}
    assert not Contract.objects.exists()
    assert not influencer.partnerships.exists()
