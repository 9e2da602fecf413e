"""Who may see and change what: the one place that scopes rows to a user's brands.

A brand-owned model names the lookup from itself to its brand in a `brand_path` class
attribute ("brand", or "partnership__brand" for a row owned through its parent).
"""

from collections.abc import Iterable
from typing import TypeVar

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from partnerships.models import Brand, Membership, Role

M = TypeVar("M", bound=models.Model)

EDIT_ROLES = frozenset({Role.OWNER, Role.MANAGER})
OWNER_ROLES = frozenset({Role.OWNER})
SESSION_KEY = "brand_id"


def brand_path(model: type[models.Model]) -> str:
    """The lookup from `model` to its brand; "pk" for Brand itself."""
    if issubclass(model, Brand):
        return "pk"
    try:
        return model.brand_path
    except AttributeError:
        raise TypeError(f"{model.__name__} does not say how it belongs to a brand") from None


def brands_of(user, roles: Iterable[str] | None = None) -> models.QuerySet[Brand]:
    """The brands `user` is a member of (with one of `roles`, if given); all for superusers."""
    if not user.is_authenticated or not user.is_active:
        return Brand.objects.none()
    if user.is_superuser:
        return Brand.objects.all()
    memberships = Membership.objects.filter(user=user)
    if roles is not None:
        memberships = memberships.filter(role__in=roles)
    return Brand.objects.filter(pk__in=memberships.values("brand"))


def scope(
    queryset: models.QuerySet[M], user, roles: Iterable[str] | None = None
) -> models.QuerySet[M]:
    """Restrict `queryset` to rows of the brands `user` belongs to."""
    if user.is_authenticated and user.is_active and user.is_superuser:
        return queryset
    path = brand_path(queryset.model)
    return queryset.filter(**{f"{path}__in": brands_of(user, roles).values("pk")})


def scope_to_brand(queryset: models.QuerySet[M], brand: Brand) -> models.QuerySet[M]:
    """Restrict `queryset` to the rows of one brand."""
    return queryset.filter(**{brand_path(queryset.model): brand})


def get_for_user(source: type[M] | models.QuerySet[M], user, pk: object) -> M:
    """The row with `pk` if it belongs to one of the user's brands; otherwise Http404."""
    queryset = source if isinstance(source, models.QuerySet) else source._default_manager.all()
    return get_object_or_404(scope(queryset, user), pk=pk)


def brand_id_of(obj: models.Model) -> int:
    """Follow the model's brand path on an instance."""
    value = obj
    for part in brand_path(type(obj)).split("__"):
        value = getattr(value, part)
    return value if isinstance(value, int) else value.pk


def members(brand: Brand | int, roles: Iterable[str] | None = None) -> models.QuerySet:
    """The active users who are members of `brand` (with one of `roles`, if given), by name;
    what an owner field of a brand's row may choose from."""
    memberships = Membership.objects.filter(brand=brand)
    if roles is not None:
        memberships = memberships.filter(role__in=roles)
    users = get_user_model().objects.filter(is_active=True, pk__in=memberships.values("user"))
    return users.order_by("first_name", "last_name", "username")


def role_of(user, brand: Brand | int) -> Role | None:
    """The user's role in `brand` (its label in the reader's language: `.label`); superusers
    act as owners."""
    if user.is_superuser:
        return Role.OWNER
    brand_id = brand if isinstance(brand, int) else brand.pk
    role = (
        Membership.objects.filter(user=user, brand_id=brand_id)
        .values_list("role", flat=True)
        .first()
    )
    return None if role is None else Role(role)


def can(user, brand: Brand | int, roles: Iterable[str] = EDIT_ROLES) -> bool:
    return user.is_authenticated and role_of(user, brand) in roles


def require(user, brand: Brand | int, roles: Iterable[str] = EDIT_ROLES) -> None:
    """Raise PermissionDenied unless the user holds one of `roles` in `brand`."""
    if not can(user, brand, roles):
        raise PermissionDenied(_("Your role in this brand does not allow this change."))


def current_brand(request: HttpRequest) -> Brand:
    """The brand the user is working in, kept in the session; Http404 if they have none."""
    cached = getattr(request, "_current_brand", None)
    if cached is not None:
        return cached
    brands = brands_of(request.user)
    brand = brands.filter(pk=request.session.get(SESSION_KEY)).first() or brands.first()
    if brand is None:
        raise Http404(_("You are not a member of any brand yet; ask a brand owner to add you."))
    if request.session.get(SESSION_KEY) != brand.pk:
        # Only a changed choice is written: an unchanged one would save the session anew on
        # every page.
        request.session[SESSION_KEY] = brand.pk
    request._current_brand = brand
    return brand


def switch_brand(request: HttpRequest, brand_id: object) -> Brand:
    """Make one of the user's brands the current one."""
    if not str(brand_id).isdigit():
        raise Http404(_("No such brand."))
    brand = get_object_or_404(brands_of(request.user), pk=brand_id)
    request.session[SESSION_KEY] = brand.pk
    request._current_brand = brand
    return brand
