from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from campaigns import approval
from campaigns.models import ContentComment, ContentItem
from tests import factories

pytestmark = pytest.mark.django_db
Status = ContentItem.Status
GOOD = "Prom install in 20 minutes #ad #LumiereHair"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def deliverable(contract):
    factories.ParticipantFactory(contract=contract)
    return factories.DeliverableFactory(contract=contract, quantity=2)


def _submit(client, deliverable, **data):
    return client.post(reverse("portal:deliverable_submit", args=[deliverable.pk]), data)


def test_draft_failing_the_disclosure_check_is_not_submitted_and_says_what_is_missing(
    creator_client, deliverable
):
    response = _submit(
        creator_client, deliverable, url="https://youtu.be/draft1", caption="Prom install!"
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "The caption lacks #ad, which the contract requires." in page
    assert "The caption lacks #LumiereHair, which the contract requires." in page
    assert not ContentItem.objects.exists()


def test_fixed_draft_lands_in_the_brands_approval_queue(
    creator_client, client, brand_manager, creator, deliverable
):
    response = _submit(
        creator_client,
        deliverable,
        url="https://youtu.be/draft1",
        caption=GOOD,
        status="approved",
        participant="999",
    )
    item = ContentItem.objects.get()
    assert response.url == reverse("portal:content", args=[item.pk])
    # What a creator may not set is not read: the item waits for review.
    assert item.status == Status.SUBMITTED
    assert item.disclosure_ok is True
    assert (item.deliverable, item.participant.contract) == (deliverable, deliverable.contract)
    assert ContentComment.objects.get(content=item).author == creator
    brand = Client()
    brand.force_login(brand_manager)
    campaign_page = brand.get(reverse("campaigns:detail", args=[item.participant.campaign_id]))
    assert GOOD in campaign_page.content.decode()


def test_draft_can_be_a_file(creator_client, deliverable):
    upload = SimpleUploadedFile("draft.mp4", b"\x00\x00\x00 ftypmp4", content_type="video/mp4")
    _submit(creator_client, deliverable, draft_file=upload, caption=GOOD)
    assert ContentItem.objects.get().draft_file.name.endswith(".mp4")


def test_draft_needs_a_link_or_a_file(creator_client, deliverable):
    response = _submit(creator_client, deliverable, caption=GOOD)
    assert "Give a link to the draft or attach its file." in response.content.decode()
    assert not ContentItem.objects.exists()


def test_creator_resubmits_after_changes_requested_and_publishes_once_approved(
    creator_client, brand_manager, deliverable
):
    _submit(creator_client, deliverable, url="https://youtu.be/draft1", caption=GOOD)
    item = ContentItem.objects.get()
    now = datetime.now(UTC)
    approval.move(
        item, Status.CHANGES_REQUESTED, by=brand_manager, now=now, comment="Show the lace."
    )
    page = creator_client.get(reverse("portal:content", args=[item.pk])).content.decode()
    assert "Show the lace." in page
    assert "Revise and resubmit" in page
    # A resubmission that drops the disclosure is refused with what is missing.
    response = creator_client.post(
        reverse("portal:content_resubmit", args=[item.pk]), {"caption": "Lace melt closeup"}
    )
    assert "The caption lacks #ad" in response.content.decode()
    item.refresh_from_db()
    assert item.status == Status.CHANGES_REQUESTED
    creator_client.post(
        reverse("portal:content_resubmit", args=[item.pk]),
        {"caption": GOOD + " lace melt", "url": "https://youtu.be/draft2"},
    )
    item.refresh_from_db()
    assert (item.status, item.url) == (Status.SUBMITTED, "https://youtu.be/draft2")
    approval.move(item, Status.APPROVED, by=brand_manager, now=datetime.now(UTC))
    creator_client.post(
        reverse("portal:content_publish", args=[item.pk]),
        {"url": "https://www.youtube.com/watch?v=live1"},
    )
    item.refresh_from_db()
    assert item.status == Status.PUBLISHED
    assert item.url == "https://www.youtube.com/watch?v=live1"
    assert item.published_at is not None


def test_creator_cannot_publish_before_approval_or_approve_themselves(
    creator_client, creator, deliverable
):
    _submit(creator_client, deliverable, url="https://youtu.be/draft1", caption=GOOD)
    item = ContentItem.objects.get()
    response = creator_client.post(
        reverse("portal:content_publish", args=[item.pk]),
        {"url": "https://www.youtube.com/watch?v=live1"},
        follow=True,
    )
    assert "approve the item first" in response.content.decode()
    with pytest.raises(Exception, match="Only the brand reviews content"):
        approval.move(item, Status.APPROVED, by=creator, now=datetime.now(UTC), as_influencer=True)
    item.refresh_from_db()
    assert item.status == Status.SUBMITTED


def test_creator_answers_in_the_items_thread(creator_client, creator, deliverable):
    _submit(creator_client, deliverable, url="https://youtu.be/draft1", caption=GOOD)
    item = ContentItem.objects.get()
    creator_client.post(reverse("portal:content_reply", args=[item.pk]), {"body": "Recut today."})
    assert ContentComment.objects.filter(content=item, author=creator, body="Recut today.").exists()


def test_a_deliverable_with_all_its_items_sent_is_not_open(creator_client, deliverable):
    for n in range(2):
        _submit(creator_client, deliverable, url=f"https://youtu.be/d{n}", caption=GOOD)
    assert ContentItem.objects.count() == 2
    response = creator_client.get(reverse("portal:deliverable_submit", args=[deliverable.pk]))
    assert response.status_code == 404
