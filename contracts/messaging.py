"""The message thread of a partnership, between the brand and the influencer.

Every message enters through `post`, from a brand page or from the creator portal alike:
members write for the brand, the influencer writes from the portal, and a member may record
a message the influencer sent by other means. The other side is told by e-mail once the
message is saved; each side's unread messages are those of the other side it has not opened.
"""

from datetime import datetime
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import models, transaction
from django.db.models import Count
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from contracts.models import Message, Partnership
from partnerships import languages
from partnerships.models import Membership, Role

Side = Message.Side
MAX_LENGTH = 5000
# Who hears of a message to the brand when the partnership has no owner with an address.
BRAND_RECIPIENT_ROLES = (Role.OWNER, Role.MANAGER)


def other(side: str) -> str:
    return Side.INFLUENCER if side == Side.BRAND else Side.BRAND


def post(
    partnership: Partnership,
    *,
    side: str,
    body: str,
    by,
    now: datetime,
    recorded: bool = False,
) -> Message:
    """Add a message from `side`, written by `by` (or, when `recorded`, one the influencer
    sent that `by`, a member, records), and mail the other side once it is saved."""
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write the message first.")})
    if len(body) > MAX_LENGTH:
        raise ValidationError(
            {"body": _("A message has at most %(count)d characters.") % {"count": MAX_LENGTH}}
        )
    if recorded and side != Side.INFLUENCER:
        raise ValidationError({"side": _("Only a message from the influencer is recorded.")})
    message = Message(
        partnership=partnership,
        side=side,
        body=body,
        sent_at=now,
        author=None if recorded else by,
        recorded_by=by if recorded else None,
        # A member who records a message has read it.
        read_at=now if recorded else None,
    )
    with transaction.atomic():
        message.save()
        mails = [_notice(message, address) for address in _recipients(partnership, side, by)]
        if mails:
            transaction.on_commit(partial(_send, mails))
    return message


def thread(partnership: Partnership) -> models.QuerySet[Message]:
    """The partnership's messages, oldest first, with who wrote or recorded them."""
    return partnership.messages.select_related("author", "recorded_by")


def mark_read(partnership: Partnership, *, reader: str, now: datetime) -> int:
    """Mark the other side's messages read as `reader` opens the thread; how many were new."""
    return partnership.messages.filter(side=other(reader), read_at=None).update(read_at=now)


def unread_counts(partnerships: models.QuerySet[Partnership], *, reader: str) -> dict[int, int]:
    """Unread messages for `reader` per partnership id, in one query; absent means none."""
    rows = (
        Message.objects.filter(partnership__in=partnerships, side=other(reader), read_at=None)
        .order_by()
        .values_list("partnership_id")
        .annotate(count=Count("pk"))
    )
    return dict(rows)


def _recipients(partnership: Partnership, side: str, by) -> list[str]:
    """E-mail addresses of the other side: the influencer's contact address and portal
    sign-in, or the partnership's owner (its owners and managers when it has none); never
    the writer."""
    if side == Side.BRAND:
        # The creator portal's sign-in, when the influencer was invited to it.
        link = getattr(partnership.influencer, "creator_link", None)
        portal = link.user.email if link is not None and link.user.is_active else ""
        return sorted({a for a in (partnership.influencer.contact_email, portal) if a})
    owner = partnership.owner
    if owner is not None and owner.is_active and owner.email:
        users = [owner]
    else:
        users = [
            membership.user
            for membership in Membership.objects.filter(
                brand_id=partnership.brand_id, role__in=BRAND_RECIPIENT_ROLES, user__is_active=True
            )
            .exclude(user__email="")
            .select_related("user")
        ]
    return sorted({user.email for user in users if user != by})


def _notice(message: Message, address: str) -> EmailMessage:
    partnership = message.partnership
    site = settings.SITE_URL.rstrip("/")
    to_brand = message.side == Side.INFLUENCER
    if to_brand:
        url = reverse("contracts:partnership", args=[partnership.pk]) + "#messages"
        language = languages.of_address(address)
    else:
        url = reverse("portal:thread", args=[partnership.pk])
        language = languages.of_address(address, languages.of_influencer(partnership.influencer))
    with translation.override(language):
        return _written(message, address, to_brand, site + url)


def _written(message: Message, address: str, to_brand: bool, url: str) -> EmailMessage:
    partnership = message.partnership
    body = render_to_string(
        "contracts/message_email.txt",
        {
            "message": message,
            "brand": partnership.brand,
            "influencer": partnership.influencer,
            "to_brand": to_brand,
            "url": url,
        },
    )
    sender = partnership.influencer if to_brand else partnership.brand
    return EmailMessage(_("New message from %(sender)s") % {"sender": sender}, body, to=[address])


def _send(mails: list[EmailMessage]) -> None:
    get_connection().send_messages(mails)
