from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError

from campaigns import approval
from campaigns.models import ContentItem
from partnerships.models import Role
from tests import factories
from tests.conftest import _member

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


@pytest.fixture
def item(brand):
    return factories.ContentItemFactory(
        participant__contract__partnership__influencer__brand=brand, caption="New wig #ad"
    )


def refused(item, to, user, **kwargs) -> str:
    with pytest.raises(ValidationError) as caught:
        approval.move(item, to, by=user, now=NOW, **kwargs)
    return caught.value.message_dict["status"][0]


def test_manager_approves_and_the_approval_is_recorded(item, brand_manager):
    approval.move(item, "approved", by=brand_manager, now=NOW, comment="Lovely lighting.")
    item.refresh_from_db()
    assert item.status == "approved"
    assert item.approved_at == NOW
    assert item.approved_by == brand_manager
    assert item.disclosure_ok is True
    assert list(item.comments.values_list("body", "status", "author")) == [
        ("Lovely lighting.", "approved", brand_manager.pk)
    ]


def test_owner_may_approve(item, brand):
    owner = _member(brand, Role.OWNER, username="boss")
    approval.move(item, "approved", by=owner, now=NOW)
    assert ContentItem.objects.get(pk=item.pk).status == "approved"


@pytest.mark.parametrize("role", [Role.VIEWER, Role.FINANCE])
def test_viewer_and_finance_may_not_approve(item, brand, role):
    user = _member(brand, role, username=f"a-{role}")
    assert refused(item, "approved", user) == (
        "Only an owner or manager of the brand may review content."
    )
    item.refresh_from_db()
    assert item.status == "submitted"
    assert not item.comments.exists()


def test_manager_of_another_brand_may_not_approve(item, other_brand_manager):
    assert "Only an owner or manager" in refused(item, "approved", other_brand_manager)


def test_requesting_changes_needs_a_comment(item, brand_manager):
    assert refused(item, "changes_requested", brand_manager) == "Say what should change."
    assert refused(item, "changes_requested", brand_manager, comment="  ") == (
        "Say what should change."
    )
    approval.move(item, "changes_requested", by=brand_manager, now=NOW, comment="Add the code.")
    item.refresh_from_db()
    assert item.status == "changes_requested"
    assert item.comments.get().status == "changes_requested"


def test_resubmission_takes_the_new_caption_and_date(item, brand_manager):
    approval.move(item, "changes_requested", by=brand_manager, now=NOW, comment="Add the code.")
    later = NOW + timedelta(days=1)
    approval.move(item, "submitted", by=brand_manager, now=later, caption="New wig #ad code ANNA10")
    item.refresh_from_db()
    assert item.status == "submitted"
    assert item.submitted_at == later
    assert item.caption == "New wig #ad code ANNA10"
    assert [c.status for c in item.comments.all()] == ["changes_requested", "submitted"]


def test_publishing_needs_approval_first_when_the_contract_requires_it(item, brand_manager):
    assert refused(item, "published", brand_manager, published_at=NOW) == (
        "The contract requires approval before publishing: approve the item first."
    )
    assert "published" not in approval.allowed(item)


def test_publishing_needs_its_date(item, brand_manager):
    approval.move(item, "approved", by=brand_manager, now=NOW)
    assert refused(item, "published", brand_manager) == (
        "A published item needs its publishing date."
    )
    assert refused(item, "published", brand_manager, published_at=NOW + timedelta(hours=1)) == (
        "The publishing date is in the future."
    )
    published = NOW - timedelta(hours=2)
    approval.move(item, "published", by=brand_manager, now=NOW, published_at=published)
    item.refresh_from_db()
    assert item.status == "published"
    assert item.published_at == published
    assert item.comments.last().body == "Published on 20 Nov 2026."


def test_contract_without_approval_goes_straight_to_published(brand, brand_manager):
    item = factories.ContentItemFactory(
        participant__contract__partnership__influencer__brand=brand,
        participant__contract__approval_required=False,
        caption="no disclosure at all",
    )
    assert "published" in approval.allowed(item)
    approval.move(item, "published", by=brand_manager, now=NOW, published_at=NOW)
    item.refresh_from_db()
    assert item.status == "published"
    assert item.disclosure_ok is False  # recorded, though it did not need a review


def test_a_published_item_stays_published(item, brand_manager):
    approval.move(item, "approved", by=brand_manager, now=NOW)
    item = approval.move(item, "published", by=brand_manager, now=NOW, published_at=NOW)
    assert approval.allowed(item) == []
    assert refused(item, "changes_requested", brand_manager, comment="x") == (
        "A published item cannot change status."
    )


def test_withdrawn_approval_clears_who_approved(item, brand_manager):
    approval.move(item, "approved", by=brand_manager, now=NOW)
    approval.move(item, "changes_requested", by=brand_manager, now=NOW, comment="Wrong product.")
    item.refresh_from_db()
    assert item.approved_at is None
    assert item.approved_by is None


def test_impossible_moves_are_refused_with_a_reason(item, brand_manager):
    assert refused(item, "submitted", brand_manager) == "The item is already submitted."
    assert refused(item, "archived", brand_manager) == "“archived” is not a content status."
    approval.move(item, "approved", by=brand_manager, now=NOW)
    assert refused(item, "submitted", brand_manager) == (
        "An approved item cannot become submitted."
    )


def test_allowed_moves_follow_the_workflow(item, brand_manager):
    assert approval.allowed(item) == ["changes_requested", "approved"]
    approval.move(item, "changes_requested", by=brand_manager, now=NOW, comment="x")
    item.refresh_from_db()
    assert approval.allowed(item) == ["submitted", "approved"]
    approval.move(item, "approved", by=brand_manager, now=NOW)
    item.refresh_from_db()
    assert approval.allowed(item) == ["changes_requested", "published"]
