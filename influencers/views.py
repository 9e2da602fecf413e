from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse


@login_required
def influencer_list(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError


@login_required
def influencer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    raise NotImplementedError


@login_required
def influencer_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    raise NotImplementedError


@login_required
def influencer_status(request: HttpRequest, pk: int) -> HttpResponse:
    raise NotImplementedError


@login_required
def target_audience(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError


# --- Imports page (/imports/) -------------------------------------------------


@login_required
def imports(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError
