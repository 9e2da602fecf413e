"""Creators write to each brand's partnership thread from the portal; the brand is mailed
and sees it unread, the creator sees the brand's answers unread until they open the thread."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from contracts import messaging
from contracts.models import Message, Partnership
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def partnership(contract, brand_manager):
    brand_manager.email = "manager@example.com"
    brand_manager.save()
    Partnership.objects.filter(pk=contract.partnership_id).update(owner=brand_manager)
    return Partnership.objects.get(pk=contract.partnership_id)


def test_creator_writes_from_the_portal_and_the_owner_is_mailed(
    creator_client, creator, partnership, django_capture_on_commit_callbacks
):
    url = reverse("portal:thread", args=[partnership.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = creator_client.post(url, {"body": "Could the wig come in auburn?"}, follow=True)

    assert "Could the wig come in auburn?" in response.content.decode()
    message = Message.objects.get()
    assert (message.side, message.author) == ("influencer", creator)
    (notice,) = mail.outbox
    assert notice.to == ["manager@example.com"]
    assert reverse("contracts:partnership", args=[partnership.pk]) in notice.body
    brand_side = Partnership.objects.filter(pk=partnership.pk)
    assert messaging.unread_counts(brand_side, reader="brand") == {partnership.pk: 1}


def test_brand_answer_reaches_the_creator_by_mail_and_shows_unread_in_the_portal(
    creator_client, partnership, brand_manager, django_capture_on_commit_callbacks
):
    client = Client()
    client.force_login(brand_manager)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("contracts:message_create", args=[partnership.pk]),
            {"message-body": "Yes, auburn ships next week."},
        )
    (notice,) = mail.outbox
    assert notice.to == ["anna@example.com"]
    assert reverse("portal:thread", args=[partnership.pk]) in notice.body

    threads = creator_client.get(reverse("portal:threads")).content.decode()
    assert "1 new" in threads
    page = creator_client.get(reverse("portal:thread", args=[partnership.pk])).content.decode()
    assert "Yes, auburn ships next week." in page
    assert "1 new" not in creator_client.get(reverse("portal:threads")).content.decode()


def test_an_empty_portal_message_is_refused(creator_client, partnership):
    response = creator_client.post(reverse("portal:thread", args=[partnership.pk]), {"body": ""})
    assert response.status_code == 400
    assert not Message.objects.exists()


def test_creator_cannot_open_another_influencers_thread(creator_client, brand):
    other = factories.PartnershipFactory(influencer__brand=brand)
    url = reverse("portal:thread", args=[other.pk])
    assert creator_client.get(url).status_code == 404
    assert creator_client.post(url, {"body": "Hi"}).status_code == 404
    assert not Message.objects.exists()
