"""What every signed-in request gets: the brand's clock, and headers that keep it private."""

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from partnerships import tenancy


def brand_time_zone(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Dates and times on pages, forms and the admin are those of the brand being worked in,
    so everyone reads and types them on the brand's clock, whatever the server's zone."""

    def middleware(request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return get_response(request)
        try:
            timezone.activate(tenancy.current_brand(request).timezone)
        except Http404:  # a member of no brand yet
            return get_response(request)
        try:
            return get_response(request)
        finally:
            timezone.deactivate()

    return middleware


def no_store_when_signed_in(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """A signed-in page holds the brand's data: no browser or proxy may keep a copy of it
    (the back button after signing out on a shared computer shows nothing)."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response

    return middleware
