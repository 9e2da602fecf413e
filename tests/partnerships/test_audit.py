"""The audit trail records sign-ins, failed sign-ins, API keys made and revoked, statements
approved and paid, contracts signed, downloads and member and role changes, with who, when,
from where and what; owners read their brand's trail, staff read it in the admin, and nobody
can change it."""

from datetime import date

import pytest
from django.urls import reverse

from contracts import workflow
from contracts.models import Contract
from partnerships.models import AuditEvent, BrandAPIKey, Membership, Role
from tests import factories
from tests.contracts.statement_data import statement_with_sources
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

Action = AuditEvent.Action
ADDRESS = "203.0.113.9"


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action))


def test_sign_in_and_failed_sign_in_are_recorded_with_the_address(client, brand_manager):
    client.post(reverse("login"), {"username": "manager", "password": "wrong"}, REMOTE_ADDR=ADDRESS)
    client.post(
        reverse("login"), {"username": "manager", "password": PASSWORD}, REMOTE_ADDR=ADDRESS
    )
    [failed] = _events(Action.SIGN_IN_FAILED)
    [signed_in] = _events(Action.SIGNED_IN)
    assert (failed.username, failed.user, failed.address) == ("manager", None, ADDRESS)
    assert (signed_in.user, signed_in.address) == (brand_manager, ADDRESS)


def test_api_keys_made_and_revoked_on_the_page_are_recorded(client, brand_owner, brand):
    client.force_login(brand_owner)
    client.post(reverse("api_keys"), {"create": "1", "name": "Shop sync"}, REMOTE_ADDR=ADDRESS)
    key = BrandAPIKey.objects.get(name="Shop sync")
    client.post(reverse("api_keys"), {"revoke": key.prefix}, REMOTE_ADDR=ADDRESS)
    client.post(reverse("api_keys"), {"revoke": key.prefix})  # already revoked: no event
    [made] = _events(Action.KEY_CREATED)
    [revoked] = _events(Action.KEY_REVOKED)
    for event in (made, revoked):
        assert (event.brand, event.user, event.address) == (brand, brand_owner, ADDRESS)
        assert event.target == "Shop sync"
        assert event.details == {"prefix": key.prefix}


def test_approving_and_paying_a_statement_are_recorded_with_the_amount(client, finance, brand):
    draft = statement_with_sources(brand, due_date=date(2026, 12, 31))
    client.force_login(finance)
    client.post(reverse("contracts:statement_approve", args=[draft.pk]), REMOTE_ADDR=ADDRESS)
    client.post(
        reverse("contracts:statement_pay", args=[draft.pk]),
        {"reference": "PP-1", "paid_on": "2026-12-02"},
        REMOTE_ADDR=ADDRESS,
    )
    [approved] = _events(Action.STATEMENT_APPROVED)
    [paid] = _events(Action.STATEMENT_PAID)
    assert (approved.user, approved.address, approved.brand) == (finance, ADDRESS, brand)
    assert approved.details == {"total": str(draft.total), "currency": draft.currency}
    assert paid.details["reference"] == "PP-1"
    assert paid.details["paid_on"] == "2026-12-02"


def test_signing_a_contract_is_recorded(brand):
    contract = factories.ContractFactory(
        partnership__influencer__brand=brand, status=Contract.Status.DRAFT
    )
    factories.CompensationTermFactory(contract=contract)
    factories.DeliverableFactory(contract=contract)
    workflow.move(contract, Contract.Status.SIGNED, now=contract.created_at)
    [event] = _events(Action.CONTRACT_SIGNED)
    assert (event.brand, event.user, event.target) == (brand, None, str(contract))


def test_downloads_are_recorded_with_the_file_and_address(client, brand_manager, brand):
    client.force_login(brand_manager)
    response = client.get(reverse("product_list"), {"export": "csv"}, REMOTE_ADDR=ADDRESS)
    b"".join(response.streaming_content)
    [event] = _events(Action.EXPORT_DOWNLOADED)
    assert (event.brand, event.user, event.address) == (brand, brand_manager, ADDRESS)
    assert event.target == f"{brand.slug}-products.csv"
    assert event.details == {"path": "/products/?export=csv"}


def test_members_added_changed_and_removed_are_recorded(brand):
    user = factories.UserFactory(username="newcomer")
    membership = Membership.objects.create(user=user, brand=brand, role=Role.VIEWER)
    membership.role = Role.FINANCE
    membership.save()
    membership.save()  # unchanged: no event
    membership.delete()
    events = list(AuditEvent.objects.order_by("pk").values_list("action", "target", "details"))
    assert events == [
        (Action.MEMBER_ADDED, "newcomer", {"role": "viewer"}),
        (Action.ROLE_CHANGED, "newcomer", {"from": "viewer", "to": "finance"}),
        (Action.MEMBER_REMOVED, "newcomer", {"role": "finance"}),
    ]


def test_owner_reads_the_brands_trail_filtered_and_paged(
    client, brand_owner, brand_manager, brand, other_brand
):
    client.post(reverse("login"), {"username": "manager", "password": "wrong"})
    factories.UserFactory(username="stranger")
    client.post(reverse("login"), {"username": "stranger", "password": "wrong"})
    AuditEvent.objects.create(
        at=brand.created_at, brand=other_brand, action=Action.EXPORT_DOWNLOADED, target="theirs"
    )
    client.force_login(brand_owner)
    page = client.get(reverse("audit_trail")).content.decode()
    assert "Sign-in failed" in page
    assert "manager" in page
    assert "stranger" not in page  # not a member of this brand
    assert "theirs" not in page  # another brand's event
    filtered = client.get(reverse("audit_trail"), {"action": Action.KEY_CREATED}).content
    assert b"Nothing recorded yet" not in filtered
    assert b"No entry matches" in filtered
    for _ in range(60):
        AuditEvent.objects.create(at=brand.created_at, brand=brand, action=Action.SIGNED_IN)
    assert "Page 1 of 2" in client.get(reverse("audit_trail")).content.decode()


def test_only_owners_read_the_trail(client, brand_manager, finance):
    for user in (brand_manager, finance):
        client.force_login(user)
        assert client.get(reverse("audit_trail")).status_code == 403


def test_the_trail_cannot_be_edited_even_in_the_admin(admin_client, brand):
    event = AuditEvent.objects.create(at=brand.created_at, brand=brand, action=Action.SIGNED_IN)
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        AuditEvent.objects.update(target="changed")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    url = reverse("admin:partnerships_auditevent_change", args=[event.pk])
    assert admin_client.get(url).status_code == 200  # read
    admin_client.post(url, {"target": "changed"})
    delete = admin_client.post(reverse("admin:partnerships_auditevent_delete", args=[event.pk]))
    assert delete.status_code == 403
    event.refresh_from_db()
    assert event.target == ""
