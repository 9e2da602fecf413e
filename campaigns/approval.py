"""Content review: submitted → changes_requested → approved → published.

Every move is guarded (`refusal` says why not, in plain words), made under a row lock and
written to the item's comment thread with the status it moved to. Approving re-runs the
disclosure check on the caption as it is now; a failing caption is approved only with an
override reason, which is kept on the item and in the thread. Owners and managers review;
finance and viewers read. The influencer (through the portal) submits, resubmits, answers in
the thread and marks an item published; a draft they submit must pass the disclosure check
first. A contract that does not require approval lets content go straight to published.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns import disclosure
from campaigns.models import ContentComment, ContentItem
from contracts import creator_notices
from partnerships import freshness, tenancy

Status = ContentItem.Status
REVIEWER_ROLES = tenancy.EDIT_ROLES
# The moves an influencer makes on their own items.
INFLUENCER_MOVES = frozenset({Status.SUBMITTED, Status.PUBLISHED})
# Where an item may go from each status; a published item stays published.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.SUBMITTED: frozenset({Status.CHANGES_REQUESTED, Status.APPROVED, Status.PUBLISHED}),
    Status.CHANGES_REQUESTED: frozenset({Status.SUBMITTED, Status.APPROVED, Status.PUBLISHED}),
    Status.APPROVED: frozenset({Status.CHANGES_REQUESTED, Status.PUBLISHED}),
    Status.PUBLISHED: frozenset(),
}
# The brand's moves the influencer hears of at once, and how the e-mail names them.
# The e-mail's subject and text, in the influencer's language (contracts.creator_notices).
CREATOR_NOTICES = {
    Status.CHANGES_REQUESTED: (
        gettext_lazy("changes requested on your draft"),
        gettext_lazy("Changes requested on your draft: %(item)s for %(campaign)s.\n\n%(comment)s"),
    ),
    Status.APPROVED: (
        gettext_lazy("your draft is approved: publish it and add the link"),
        gettext_lazy(
            "Your draft is approved: publish it and add the link: %(item)s for %(campaign)s."
            "\n\n%(comment)s"
        ),
    ),
}
# What the thread says when a move comes without a comment.
DEFAULT_COMMENTS = {
    Status.SUBMITTED: gettext_lazy("Resubmitted."),
    Status.APPROVED: gettext_lazy("Approved."),
}


def may_review(user, item: ContentItem) -> bool:
    """Whether the user may move the item (an owner or manager of its brand)."""
    return tenancy.can(user, tenancy.brand_id_of(item), REVIEWER_ROLES)


def allowed(item: ContentItem) -> list[str]:
    """The statuses the item may move to from where it is, under its contract's rules."""
    return [
        status
        for status in Status.values
        if status in TRANSITIONS[item.status] and _contract_permits(item, status)
    ]


def _contract_permits(item: ContentItem, to: str) -> bool:
    return not (
        to == Status.PUBLISHED
        and item.status != Status.APPROVED
        and item.participant.contract.approval_required
    )


def refusal(
    item: ContentItem,
    to: str,
    *,
    now: datetime,
    comment: str = "",
    published_at: datetime | None = None,
    override_reason: str = "",
) -> str | None:
    """Why the item may not move to `to` with what was given, or None when it may. The
    reviewer's role is checked by `move`."""
    if to not in Status.values:
        return _("“%(status)s” is not a content status.") % {"status": to}
    values = {"current": item.get_status_display().lower(), "status": Status(to).label.lower()}
    if to == item.status:
        return _("The item is already %(current)s.") % values
    if to not in TRANSITIONS[item.status]:
        if item.status == Status.PUBLISHED:
            return _("A published item cannot change status.")
        if item.status == Status.APPROVED:
            return _("An %(current)s item cannot become %(status)s.") % values
        return _("A %(current)s item cannot become %(status)s.") % values
    if not _contract_permits(item, to):
        return _("The contract requires approval before publishing: approve the item first.")
    if to == Status.CHANGES_REQUESTED and not comment.strip():
        return _("Say what should change.")
    if to == Status.PUBLISHED:
        if published_at is None:
            return _("A published item needs its publishing date.")
        if published_at > now:
            return _("The publishing date is in the future.")
    if to == Status.APPROVED:
        result = disclosure.check(item)
        if not result.ok and not override_reason.strip() and not item.disclosure_override_reason:
            return _(
                "The caption fails the disclosure check: %(problems)s Request changes, or "
                "approve with a reason for overriding the check."
            ) % {"problems": result}
    return None


def move(
    item: ContentItem,
    to: str,
    *,
    by,
    now: datetime,
    comment: str = "",
    published_at: datetime | None = None,
    override_reason: str = "",
    caption: str | None = None,
    url: str | None = None,
    as_influencer: bool = False,
) -> ContentItem:
    """Move the item to `to`, or raise ValidationError({"status": reason}).

    `comment` goes to the thread (required when asking for changes); `published_at` is
    required for published; `override_reason` lets a caption that fails the disclosure check
    be approved; `caption` and `url` replace the item's on resubmission or publishing.
    `as_influencer`: `by` is the item's influencer (the portal has checked it), who may only
    resubmit or publish, and resubmits only a caption that passes the disclosure check.
    """
    with transaction.atomic():
        # of=("self",): PostgreSQL does not lock the nullable side of an outer join.
        item = (
            ContentItem.objects.select_for_update(of=("self",))
            .select_related("participant__contract", "participant__campaign__brand", "deliverable")
            .get(pk=item.pk)
        )
        if as_influencer and to not in INFLUENCER_MOVES:
            raise ValidationError({"status": _("Only the brand reviews content.")})
        if not as_influencer and not may_review(by, item):
            raise ValidationError(
                {"status": _("Only an owner or manager of the brand may review content.")}
            )
        if to in (Status.SUBMITTED, Status.PUBLISHED):
            if caption is not None:
                item.caption = caption
            if url is not None:
                item.url = url
        reason = refusal(
            item,
            to,
            now=now,
            comment=comment,
            published_at=published_at,
            override_reason=override_reason,
        )
        if reason:
            raise ValidationError({"status": reason})
        result = disclosure.recheck(item)
        if as_influencer and to == Status.SUBMITTED and not result.ok:
            raise ValidationError({"caption": list(result.problems)})
        _apply(item, to, by=by, now=now, published_at=published_at)
        item.full_clean()
        if to == Status.APPROVED and not result.ok and override_reason.strip():
            override(item, by=by, reason=override_reason)
        else:
            item.save()
        body = comment.strip() or str(DEFAULT_COMMENTS.get(to) or _published_comment(item))
        ContentComment.objects.create(content=item, author=by, body=body, status=to)
        brand_id = item.participant.campaign.brand_id
        if to == Status.PUBLISHED:
            freshness.figures_changed(brand_id, item.published_at, resolves_reminders=True)
        else:
            freshness.reminders_changed(brand_id)
        if not as_influencer and to in CREATOR_NOTICES:
            creator_notices.tell(
                item.participant.contract.partnership.influencer,
                subject=CREATOR_NOTICES[to][0],
                text=CREATOR_NOTICES[to][1],
                values={"item": item, "campaign": item.participant.campaign, "comment": body},
                url_name="portal:content",
                pk=item.pk,
            )
    return item


def _apply(item: ContentItem, to: str, *, by, now: datetime, published_at: datetime | None) -> None:
    if to == Status.APPROVED:
        item.approved_at, item.approved_by = now, by
    elif to == Status.CHANGES_REQUESTED:
        item.approved_at = item.approved_by = None
    elif to == Status.SUBMITTED:
        # A new version: the previous override was about a caption that may be gone.
        item.submitted_at = now
        item.disclosure_override_reason, item.disclosure_override_by = "", None
    elif to == Status.PUBLISHED:
        item.published_at = published_at
    item.status = to


def _published_comment(item: ContentItem) -> str:
    day = timezone.localtime(item.published_at, item.participant.campaign.brand.timezone)
    return _("Published on %(day)s.") % {"day": date_format(day, "j M Y")}


def override(item: ContentItem, *, by, reason: str) -> None:
    """Keep `reason` for letting the item's caption through although it fails the disclosure
    check, and who gave it, on the item and in its thread; an empty reason clears the
    override. Saves the item, with whatever else the caller changed on it."""
    reason = reason.strip()
    item.disclosure_override_reason = reason
    item.disclosure_override_by = by if reason else None
    item.save()
    if reason:
        ContentComment.objects.create(
            content=item,
            author=by,
            body=_("Disclosure check overridden: %(reason)s") % {"reason": reason},
        )


def submit(item: ContentItem, *, by, now: datetime, as_influencer: bool = False) -> ContentItem:
    """Put a new item (participant, deliverable, caption, URL or file set) into the approval
    queue as submitted, with the disclosure verdict kept on it. A draft the influencer submits
    must pass the check: ValidationError({"caption": [what is missing, ...]}) otherwise."""
    result = disclosure.recheck(item)
    if as_influencer and not result.ok:
        raise ValidationError({"caption": list(result.problems)})
    item.status, item.submitted_at = Status.SUBMITTED, now
    item.full_clean()
    with transaction.atomic():
        item.save()
        ContentComment.objects.create(
            content=item, author=by, body=_("Submitted."), status=item.status
        )
    return item


def comment(item: ContentItem, *, by, body: str, as_influencer: bool = False) -> ContentComment:
    """Add a message to the item's thread without moving it (`as_influencer`: see `move`)."""
    if not body.strip():
        raise ValidationError({"body": _("Write a comment.")})
    if not as_influencer and not may_review(by, item):
        raise ValidationError({"body": _("Only an owner or manager of the brand may comment.")})
    return ContentComment.objects.create(content=item, author=by, body=body.strip())
