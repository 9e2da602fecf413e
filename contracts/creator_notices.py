"""E-mails to an influencer's creator portal sign-in the moment something needs them there:
an offer to answer, the brand's answer about it, a draft to revise, an item approved to
publish. Sent once the change commits; nothing goes out for an influencer who was not invited
to the portal (the daily digest, `portal.digests`, repeats what is still open). Each is written
in the influencer's language (partnerships.languages.of_influencer)."""

from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from influencers.models import Influencer
from partnerships import languages


def portal_address(influencer: Influencer) -> str:
    """The e-mail of the influencer's portal sign-in, or "" when they have none."""
    link = getattr(influencer, "creator_link", None)  # made by the portal app
    return link.user.email if link is not None and link.user.is_active else ""


def tell(
    influencer: Influencer,
    *,
    subject: Promise,
    text: Promise,
    values: dict[str, Any],
    url_name: str,
    pk: int,
) -> None:
    """Queue one e-mail to the influencer's portal sign-in, linking to the portal page
    `url_name` of row `pk`, for when the current transaction commits. `subject` and `text` are
    messages (gettext_lazy) whose %(name)s placeholders `values` fills, in the influencer's
    language."""
    address = portal_address(influencer)
    if not address:
        return
    url = settings.SITE_URL.rstrip("/") + reverse(url_name, args=[pk])
    with languages.writing_to_influencer(influencer):
        greeting = _("Hello %(name)s,") % {"name": influencer.name}
        body = f"{greeting}\n\n{text % values}\n\n{url}\n"
        subject = _("%(brand)s: %(subject)s") % {
            "brand": influencer.brand,
            "subject": subject % values,
        }
    mail = EmailMessage(subject, body, to=[address])
    transaction.on_commit(partial(mail.send))
