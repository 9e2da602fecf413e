"""Inviting an influencer into the portal: a one-time link that expires, spent on first use.

The link carries a random token; only its SHA-256 is stored, so the table alone opens nothing.
Redeeming links the person's sign-in to the influencer record: a new person sets a password
(the account is made with the invitation's e-mail), someone who already signs in for another
brand signs in and the record is added to their sign-in. One person may so be the influencer
of several brands, each seeing only its own rows.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from influencers.models import Influencer
from partnerships import languages
from portal.models import CreatorLink, Invitation

INVALID = gettext_lazy("This invitation link is not valid. Ask the brand for a new one.")
USED = gettext_lazy(
    "This invitation link was already used. Sign in, or ask the brand for a new one."
)
EXPIRED = gettext_lazy("This invitation link has expired. Ask the brand for a new one.")


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite(influencer: Influencer, *, email: str, by, now: datetime) -> tuple[Invitation, str]:
    """Make an invitation for the influencer record and e-mail its link once the transaction
    commits; returns it with the link's token (shown nowhere else). Earlier open invitations of
    the record stop working."""
    if CreatorLink.objects.filter(influencer=influencer).exists():
        raise ValidationError(
            {
                "email": _("%(influencer)s already signs in to the portal.")
                % {"influencer": influencer}
            }
        )
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        Invitation.objects.filter(influencer=influencer, used_at=None).update(expires_at=now)
        invitation = Invitation.objects.create(
            influencer=influencer,
            email=email,
            token_sha256=digest(token),
            invited_by=by,
            created_at=now,
            expires_at=now + timedelta(days=settings.PORTAL_INVITATION_DAYS),
        )
        transaction.on_commit(lambda: _send(invitation, token))
    return invitation, token


def link(token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("portal:invitation", args=[token])


def _send(invitation: Invitation, token: str) -> None:
    brand = invitation.influencer.brand
    # Written in the influencer's language, as their record has it (they have no sign-in yet).
    with languages.writing_to_influencer(invitation.influencer):
        body = render_to_string(
            "portal/invitation_email.txt",
            {"invitation": invitation, "brand": brand, "link": link(token)},
        )
        subject = _("%(brand)s invites you to its creator portal") % {"brand": brand}
    send_mail(subject, body, None, [invitation.email])


def find(token: str, *, now: datetime) -> Invitation:
    """The open invitation of this token, or ValidationError saying why the link is no good."""
    invitation = (
        Invitation.objects.select_related("influencer__brand")
        .filter(token_sha256=digest(token))
        .first()
    )
    if invitation is None:
        raise ValidationError(INVALID)
    if invitation.used_at is not None:
        raise ValidationError(USED)
    if invitation.expires_at <= now:
        raise ValidationError(EXPIRED)
    return invitation


def existing_account(invitation: Invitation) -> AbstractBaseUser | None:
    """The sign-in that already has the invitation's e-mail, if any: that person signs in
    instead of setting a password."""
    return (
        get_user_model()
        .objects.filter(email__iexact=invitation.email, is_active=True)
        .order_by("pk")
        .first()
    )


def redeem(token: str, *, user=None, password: str = "", now: datetime) -> CreatorLink:
    """Spend the invitation: link `user` (signed in) to its influencer record, or make a new
    sign-in with the invitation's e-mail and `password`. Raises ValidationError when the link
    is no good (a second use, however fast, finds it spent under the row lock)."""
    with transaction.atomic():
        invitation = find(token, now=now)
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.used_at is not None:
            raise ValidationError(USED)
        if user is None:
            user = get_user_model().objects.create_user(
                username=_free_username(invitation.email), email=invitation.email
            )
            user.set_password(password)
            user.save(update_fields=["password"])
        creator_link = CreatorLink.objects.create(user=user, influencer=invitation.influencer)
        invitation.used_at, invitation.used_by = now, user
        invitation.save(update_fields=["used_at", "used_by"])
    return creator_link


def _free_username(email: str) -> str:
    """The e-mail as the user name, or with a number after it when it is taken."""
    users = get_user_model().objects
    name, number = email.lower(), 1
    while users.filter(username=name).exists():
        number += 1
        name = f"{email.lower()}-{number}"
    return name
