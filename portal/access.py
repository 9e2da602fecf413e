"""What a creator may see in the portal: the rows of the influencer records their sign-in is
linked to, and nothing else. The portal's counterpart of `partnerships.tenancy`.

A row reaches its influencer through the lookup in INFLUENCER_PATHS; a row of another
influencer, or of a model not listed, is a 404.
"""

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from django.contrib.auth.views import redirect_to_login
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from campaigns.models import ContentItem, Shipment
from contracts.models import Contract, Deliverable, Partnership, PayoutDetails, Statement
from influencers.models import Influencer
from portal.models import CreatorLink

M = TypeVar("M", bound=models.Model)

INFLUENCER_PATHS: dict[type[models.Model], str] = {
    Influencer: "pk",
    Partnership: "influencer",
    Contract: "partnership__influencer",
    Deliverable: "contract__partnership__influencer",
    ContentItem: "participant__contract__partnership__influencer",
    Shipment: "participant__contract__partnership__influencer",
    Statement: "contract__partnership__influencer",
    PayoutDetails: "influencer",
}


def influencers_of(user) -> models.QuerySet[Influencer]:
    """The influencer records the user signs in as, one per brand."""
    if not user.is_authenticated or not user.is_active:
        return Influencer.objects.none()
    return Influencer.objects.filter(
        pk__in=CreatorLink.objects.filter(user=user).values("influencer")
    )


def is_creator(user) -> bool:
    return user.is_authenticated and CreatorLink.objects.filter(user=user).exists()


def scope(queryset: models.QuerySet[M], user) -> models.QuerySet[M]:
    """Restrict `queryset` to the rows of the user's influencer records."""
    path = INFLUENCER_PATHS[queryset.model]
    return queryset.filter(**{f"{path}__in": influencers_of(user).values("pk")})


def get_for_creator(source: type[M] | models.QuerySet[M], user, pk: object) -> M:
    """The row with `pk` if it is one of the user's own; otherwise Http404."""
    queryset = source if isinstance(source, models.QuerySet) else source._default_manager.all()
    return get_object_or_404(scope(queryset, user), pk=pk)


def creator_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Portal pages: signed in, and linked to at least one influencer record; anyone else is
    sent to sign in (a brand member without a link gets a 404 page that says so)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_creator(request.user):
            raise Http404(_("This sign-in is not linked to an influencer in the portal."))
        return view(request, *args, **kwargs)

    return wrapper
