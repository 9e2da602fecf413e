"""Who calls the API for which brand: an API key acts for the brand it belongs to; a signed-in
member (their session, as on /api/docs/) acts for the brand they work in, reading with any role
and writing as an owner or manager.

Kept apart from the viewsets because DRF imports its authentication classes while it loads.
"""

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, permissions
from rest_framework.authentication import BaseAuthentication
from rest_framework.request import Request
from rest_framework_api_key.permissions import KeyParser

from partnerships import tenancy, throttles
from partnerships.models import Brand, BrandAPIKey


class BrandAPIKeyAuthentication(BaseAuthentication):
    """`Authorization: Api-Key <key>`; the request acts for the key's brand (request.auth)."""

    keyword = "Api-Key"

    def authenticate(self, request: Request) -> tuple[AnonymousUser, BrandAPIKey] | None:
        # Counted before the key is looked at, so that unknown keys are throttled too.
        address_limit = throttles.AddressRateThrottle()
        if not address_limit.allow_request(request, None):
            raise exceptions.Throttled(address_limit.wait())
        key = KeyParser().get(request)
        if not key:
            return None
        try:
            api_key = BrandAPIKey.objects.get_from_key(key)
        except BrandAPIKey.DoesNotExist:
            raise exceptions.AuthenticationFailed(_("Unknown or revoked API key.")) from None
        if api_key.has_expired:
            raise exceptions.AuthenticationFailed(_("This API key has expired."))
        return AnonymousUser(), api_key

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class HasBrandAPIKey(permissions.BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return isinstance(request.auth, BrandAPIKey)


def brand_of(request: Request) -> Brand:
    """The brand a request acts for: its API key's, or the signed-in member's current brand
    (Http404 for a user of no brand)."""
    if isinstance(request.auth, BrandAPIKey):
        return request.auth.brand
    return tenancy.current_brand(request)


class BrandAccess(permissions.BasePermission):
    """An API key, or a signed-in member of the brand: reads for every role, writes for
    owners and managers."""

    message = _("Your role in this brand does not allow this change.")

    def has_permission(self, request: Request, view: Any) -> bool:
        if isinstance(request.auth, BrandAPIKey):
            return True
        if not request.user.is_authenticated:
            return False
        brand = brand_of(request)
        if request.method in permissions.SAFE_METHODS:
            return tenancy.role_of(request.user, brand) is not None
        return tenancy.can(request.user, brand)


class IsBrandMember(permissions.BasePermission):
    """A signed-in member of at least one brand (not an influencer's portal sign-in)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return user.is_superuser or user.memberships.exists()
