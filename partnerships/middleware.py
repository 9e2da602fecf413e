"""What every request goes through: refused NUL characters in the query; for signed-in
requests the brand's clock, and headers that keep it private."""

from collections.abc import Callable

from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    JsonResponse,
)
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from partnerships import inputs, tenancy


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


def refuse_nul_in_query(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """A NUL character in a query parameter (a search, a filter) is refused with a 400 naming
    it, before any page or API filter sends it to the database, which cannot hold it."""

    def middleware(request: HttpRequest) -> HttpResponse:
        for name, values in request.GET.lists():
            if inputs.NUL in name or any(inputs.NUL in value for value in values):
                field = name.replace(inputs.NUL, "")
                message = f"{field}: {inputs.NUL_MESSAGE}"
                if request.path.startswith("/api/"):
                    error = {"index": None, "field": field, "message": str(inputs.NUL_MESSAGE)}
                    return JsonResponse({"errors": [error]}, status=400)
                return HttpResponseBadRequest(message, content_type="text/plain")
        return get_response(request)

    return middleware
