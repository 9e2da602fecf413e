"""Who is asking, and how often they may: the client's address behind the trusted proxies,
the sign-in lockout per user name and per address, and the API's rate limits per key and per
address."""

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest
from rest_framework import throttling
from rest_framework.request import Request


def client_address(request: HttpRequest) -> str:
    """The client's IP address: the peer's, or with TRUSTED_PROXIES = N the address the
    outermost of the N proxies saw (the N-th from the right of X-Forwarded-For). Addresses
    further left were written by the client and prove nothing."""
    proxies = settings.TRUSTED_PROXIES
    if proxies:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        hops = [hop.strip() for hop in forwarded if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "")


class SignInAttempts(AxesDatabaseHandler):
    """Failed sign-ins lock out a user name at one address after AXES_FAILURE_LIMIT, and an
    address over all user names after AXES_ADDRESS_FAILURE_LIMIT (one address trying many
    names). A successful sign-in clears only its own user name's failures at that address.

    AXES_LOCKOUT_PARAMETERS lists the two counts in this order: (user name, address), address.
    """

    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        pair, address = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        # Axes compares one count with one limit: the address's count is scaled to it.
        return max(
            pair, address * settings.AXES_FAILURE_LIMIT // settings.AXES_ADDRESS_FAILURE_LIMIT
        )

    def reset_user_attempts(self, request: HttpRequest, credentials: dict | None = None) -> int:
        pair = self.filter_user_attempts(request, credentials)[0]
        return pair.delete()[0]


class _RateThrottle(throttling.SimpleRateThrottle):
    setting: str

    def get_rate(self) -> str | None:
        return getattr(settings, self.setting)


class AddressRateThrottle(_RateThrottle):
    """Every API request from one address, signed or not (so guessing keys is slow too)."""

    scope = "address"
    setting = "API_RATE_PER_ADDRESS"

    def get_cache_key(self, request: Request, view: object) -> str:
        return self.cache_format % {"scope": self.scope, "ident": client_address(request)}


class APIKeyRateThrottle(_RateThrottle):
    """Requests made with one API key, from wherever they come."""

    scope = "api_key"
    setting = "API_RATE_PER_KEY"

    def get_cache_key(self, request: Request, view: object) -> str | None:
        prefix = getattr(request.auth, "prefix", None)
        if prefix is None:
            return None  # not made with a key: the address's limit applies
        return self.cache_format % {"scope": self.scope, "ident": prefix}
