"""The creators' daily e-mail: what needs them in the portal (offers to answer, drafts to
revise, approved items to publish, deliverables due within a week or late), one e-mail a
person across every brand they work with; nobody with nothing to do is written to."""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from partnerships import languages
from portal import home

DUE_SOON = timedelta(days=7)


def due_now(user, today: date) -> home.Home:
    """The user's home with only the deliverables due within DUE_SOON (or late)."""
    found = home.home(user)
    soon = [d for d in found.deliverables if d.due_date <= today + DUE_SOON]
    return home.Home(
        offers=found.offers,
        deliverables=soon,
        to_revise=found.to_revise,
        to_publish=found.to_publish,
        payments=found.payments,
        shipments=found.shipments,
    )


def send_digests(*, now: datetime) -> int:
    """E-mail every creator who has something to do; returns how many e-mails went out."""
    today = timezone.localdate(now)
    portal = settings.SITE_URL.rstrip("/") + reverse("portal:home")
    messages = []
    creators = get_user_model().objects.filter(creator_links__isnull=False, is_active=True)
    for user in creators.distinct().exclude(email=""):
        due = due_now(user, today)
        if due.nothing_due:
            continue
        with languages.writing_to(user):
            body = render_to_string(
                "portal/digest_email.txt", {"user": user, "due": due, "portal": portal}
            )
            subject = _("What needs you in the creator portal")
        messages.append(EmailMessage(subject, body, to=[user.email]))
    if messages:
        get_connection().send_messages(messages)
    return len(messages)
