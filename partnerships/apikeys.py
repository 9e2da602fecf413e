"""API keys: each belongs to one brand, and a request made with one acts for that brand.

Kept apart from the viewsets because DRF imports its authentication classes while it loads.
"""

from typing import Any

from django.contrib.auth.models import AnonymousUser
from rest_framework import exceptions, permissions
from rest_framework.authentication import BaseAuthentication
from rest_framework.request import Request
from rest_framework_api_key.permissions import KeyParser

from partnerships import throttles
from partnerships.models import BrandAPIKey


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
            raise exceptions.AuthenticationFailed("Unknown or revoked API key.") from None
        if api_key.has_expired:
            raise exceptions.AuthenticationFailed("This API key has expired.")
        return AnonymousUser(), api_key

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class HasBrandAPIKey(permissions.BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return isinstance(request.auth, BrandAPIKey)
