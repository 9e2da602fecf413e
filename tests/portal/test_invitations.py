from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from portal import invitations
from portal.models import CreatorLink, Invitation
from tests import factories
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def _invite(influencer, email="anna@example.com", by=None, now=NOW):
    return invitations.invite(influencer, email=email, by=by, now=now)


def test_manager_invites_from_the_influencer_page_and_the_email_carries_a_link(
    client, brand, brand_manager, django_capture_on_commit_callbacks
):
    influencer = factories.InfluencerFactory(brand=brand, contact_email="anna@example.com")
    client.force_login(brand_manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portal_invite", args=[influencer.pk]), {})
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == ["anna@example.com"]
    assert "/portal/invitation/" in message.body
    invitation = Invitation.objects.get(influencer=influencer)
    token = message.body.split("/portal/invitation/")[1].split("/")[0]
    # Only the token's hash is kept.
    assert invitation.token_sha256 == invitations.digest(token) != token


def test_viewer_may_not_invite(client, brand, viewer):
    influencer = factories.InfluencerFactory(brand=brand, contact_email="anna@example.com")
    client.force_login(viewer)
    assert client.post(reverse("portal_invite", args=[influencer.pk]), {}).status_code == 403
    assert not Invitation.objects.exists()


def test_invitation_without_an_email_is_refused_with_a_reason(client, brand, brand_manager):
    influencer = factories.InfluencerFactory(brand=brand, contact_email="")
    client.force_login(brand_manager)
    response = client.post(reverse("portal_invite", args=[influencer.pk]), {}, follow=True)
    assert "give the address" in response.content.decode()
    assert not Invitation.objects.exists()


def test_new_creator_sets_a_password_and_lands_in_the_portal(client, brand):
    influencer = factories.InfluencerFactory(brand=brand)
    _, token = _invite(influencer, now=datetime.now(UTC))
    url = reverse("portal:invitation", args=[token])
    assert "Choose a password" in client.get(url).content.decode()
    response = client.post(url, {"password1": "lace-front-22", "password2": "lace-front-22"})
    assert response.url == reverse("portal:home")
    user = get_user_model().objects.get(email="anna@example.com")
    assert user.check_password("lace-front-22")
    assert CreatorLink.objects.get(user=user).influencer == influencer
    assert client.get(reverse("portal:home")).status_code == 200


def test_a_weak_password_is_refused_and_the_link_stays_open(client, brand):
    influencer = factories.InfluencerFactory(brand=brand)
    _, token = _invite(influencer, now=datetime.now(UTC))
    url = reverse("portal:invitation", args=[token])
    response = client.post(url, {"password1": "12345678", "password2": "12345678"})
    assert response.status_code == 200
    assert "too common" in response.content.decode()
    assert not CreatorLink.objects.exists()
    assert Invitation.objects.get().used_at is None


def test_link_works_once(brand):
    influencer = factories.InfluencerFactory(brand=brand)
    _, token = _invite(influencer)
    invitations.redeem(token, password="lace-front-22", now=NOW)
    with pytest.raises(ValidationError, match="already used"):
        invitations.redeem(token, password="lace-front-22", now=NOW)
    assert CreatorLink.objects.count() == 1


def test_link_expires(brand, settings):
    influencer = factories.InfluencerFactory(brand=brand)
    _, token = _invite(influencer)
    later = NOW + timedelta(days=settings.PORTAL_INVITATION_DAYS, seconds=1)
    with pytest.raises(ValidationError, match="expired"):
        invitations.redeem(token, password="lace-front-22", now=later)


def test_spent_or_unknown_link_page_says_why(client, brand):
    assert client.get(reverse("portal:invitation", args=["nonsense"])).status_code == 410
    influencer = factories.InfluencerFactory(brand=brand)
    _, token = _invite(influencer, now=datetime.now(UTC))
    invitations.redeem(token, password="lace-front-22", now=datetime.now(UTC))
    response = client.get(reverse("portal:invitation", args=[token]))
    assert response.status_code == 410
    assert "already used" in response.content.decode()


def test_a_new_invitation_replaces_the_open_one(brand):
    influencer = factories.InfluencerFactory(brand=brand)
    _, first = _invite(influencer)
    _invite(influencer, now=NOW + timedelta(minutes=1))
    with pytest.raises(ValidationError, match="expired"):
        invitations.find(first, now=NOW + timedelta(minutes=2))


def test_person_working_with_two_brands_signs_in_once_and_sees_each_brand_apart(
    client, brand, other_brand
):
    mine = factories.ContractFactory(partnership__influencer__brand=brand, status="negotiating")
    theirs = factories.ContractFactory(
        partnership__influencer__brand=other_brand, status="negotiating"
    )
    _, token = _invite(mine.partnership.influencer, now=datetime.now(UTC))
    url = reverse("portal:invitation", args=[token])
    client.post(url, {"password1": "lace-front-22", "password2": "lace-front-22"})
    user = get_user_model().objects.get(email="anna@example.com")
    # The second brand invites the same person: signed in, they add it to their sign-in.
    _, token = _invite(theirs.partnership.influencer, now=datetime.now(UTC))
    response = client.get(reverse("portal:invitation", args=[token]))
    assert "Add Kestrel Running Co." in response.content.decode()
    client.post(reverse("portal:invitation", args=[token]))
    assert set(CreatorLink.objects.filter(user=user).values_list("influencer", flat=True)) == {
        mine.partnership.influencer_id,
        theirs.partnership.influencer_id,
    }
    listed = client.get(reverse("portal:contracts")).content.decode()
    assert mine.title in listed
    assert theirs.title in listed
    # Each brand sees only its own record's link, never the other brand's rows.
    assert CreatorLink.objects.filter(influencer__brand=brand).count() == 1


def test_someone_with_a_sign_in_is_asked_to_sign_in_not_to_set_a_password(client, brand):
    factories.UserFactory(username="anna", email="anna@example.com")
    influencer = factories.InfluencerFactory(brand=brand)
    _, token = _invite(influencer, now=datetime.now(UTC))
    url = reverse("portal:invitation", args=[token])
    page = client.get(url).content.decode()
    assert "already have a sign-in" in page
    # A password posted anyway makes no second account.
    client.post(url, {"password1": "lace-front-22", "password2": "lace-front-22"})
    assert get_user_model().objects.filter(email="anna@example.com").count() == 1
    assert not CreatorLink.objects.exists()


def test_creator_sign_in_is_throttled_like_everyones(client, creator, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "anna", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "anna", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_creator_lands_in_the_portal_after_signing_in(client, creator):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302  # not signed in: to sign in
    client.force_login(creator)
    assert client.get(reverse("dashboard")).url == reverse("portal:home")


def test_creator_changes_their_password_in_the_portals_layout(creator_client):
    page = creator_client.get(reverse("password_change")).content.decode()
    assert "Creator portal" in page
    assert 'href="/influencers/"' not in page
