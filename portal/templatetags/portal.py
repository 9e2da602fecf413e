from django import template
from django.utils import timezone

from portal import navigation
from portal.models import CreatorLink, Invitation

register = template.Library()


@register.inclusion_tag("portal/_nav.html", takes_context=True)
def portal_nav(context: template.Context) -> dict:
    return {"items": navigation.ITEMS, "request": context["request"]}


@register.inclusion_tag("portal/_invite.html", takes_context=True)
def portal_invite(context: template.Context, influencer) -> dict:
    """The brand's view of the influencer's portal access: signed in, invited, or neither, and
    the invitation form for those who may invite."""
    return {
        "influencer": influencer,
        "link": CreatorLink.objects.filter(influencer=influencer).first(),
        "invitation": Invitation.objects.filter(influencer=influencer).first(),
        "can_edit": context.get("can_edit"),
        "csrf_token": context.get("csrf_token"),
        "now": timezone.now(),
    }
