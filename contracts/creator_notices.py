"""E-mails to an influencer's creator portal sign-in the moment something needs them there:
an offer to answer, the brand's answer about it, a draft to revise, an item approved to
publish. Sent once the change commits; nothing goes out for an influencer who was not invited
to the portal (the daily digest, `portal.digests`, repeats what is still open)."""

from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse

from influencers.models import Influencer


def portal_address(influencer: Influencer) -> str:
    """The e-mail of the influencer's portal sign-in, or "" when they have none."""
    link = getattr(influencer, "creator_link", None)  # made by the portal app
    return link.user.email if link is not None and link.user.is_active else ""


def tell(influencer: Influencer, *, subject: str, text: str, url_name: str, pk: int) -> None:
    """Queue one e-mail to the influencer's portal sign-in, linking to the portal page
    `url_name` of row `pk`, for when the current transaction commits."""
    address = portal_address(influencer)
    if not address:
        return
    url = settings.SITE_URL.rstrip("/") + reverse(url_name, args=[pk])
    body = f"Hello {influencer.name},\n\n{text}\n\n{url}\n"
    mail = EmailMessage(f"{influencer.brand}: {subject}", body, to=[address])
    transaction.on_commit(partial(mail.send))
