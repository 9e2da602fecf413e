import itertools
from base64 import b32encode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.http import require_POST

from partnerships import audit, csv_downloads, languages, second_factor, tenancy
from partnerships.forms import APIKeyForm, AuditFilterForm, ProductFilterForm, ProductForm
from partnerships.models import BrandAPIKey, Product

PAGE_SIZE = 25


@login_required
@require_POST
def switch_brand(request: HttpRequest) -> HttpResponse:
    brand = tenancy.switch_brand(request, request.POST.get("brand"))
    messages.info(request, _("You are now working in %(brand)s.") % {"brand": brand})
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "dashboard"
    return redirect(target)


@require_POST
def choose_language(request: HttpRequest) -> HttpResponse:
    """The language menu: Django's set_language (the cookie, back to the page), and for a
    signed-in person their profile, so every device and their e-mails follow."""
    response = i18n.set_language(request)
    if request.user.is_authenticated:
        languages.keep(request.user, request.POST.get("language", ""))
    return response


@login_required
def product_list(request: HttpRequest) -> HttpResponse:
    brand = tenancy.current_brand(request)
    products = tenancy.scope_to_brand(Product.objects.all(), brand)
    categories = list(
        products.exclude(category="")
        .order_by("category")
        .values_list("category", flat=True)
        .distinct()
    )
    form = ProductFilterForm(request.GET, categories=categories)
    if form.is_valid():
        if q := form.cleaned_data["q"]:
            products = products.filter(
                Q(sku__icontains=q) | Q(name__icontains=q) | Q(category__icontains=q)
            )
        if category := form.cleaned_data["category"]:
            products = products.filter(category=category)
    if request.GET.get("export") == "csv":
        return _products_csv(products, brand.slug)
    page = Paginator(products, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "partnerships/product_list.html",
        {"form": form, "page": page, "can_edit": tenancy.can(request.user, brand)},
    )


def _products_csv(products, slug: str) -> StreamingHttpResponse:
    columns = [
        "sku",
        "name",
        "category",
        "currency",
        "retail_price",
        "distributor_price",
        "unit_cost",
    ]
    rows = itertools.chain([columns], products.values_list(*columns))
    return csv_downloads.download(rows, f"{slug}-products.csv")


@login_required
def product_detail(request: HttpRequest, pk: int) -> HttpResponse:
    product = tenancy.get_for_user(Product.objects.select_related("brand"), request.user, pk)
    return render(
        request,
        "partnerships/product_detail.html",
        {"product": product, "can_edit": tenancy.can(request.user, product.brand_id)},
    )


@login_required
def product_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if pk is None:
        product, brand = None, tenancy.current_brand(request)
    else:
        product = tenancy.get_for_user(Product.objects.select_related("brand"), request.user, pk)
        brand = product.brand
    tenancy.require(request.user, brand)
    form = ProductForm(request.POST or None, instance=product, brand=brand)
    if request.method == "POST" and form.is_valid():
        product = form.save()
        messages.success(request, _("Saved %(product)s.") % {"product": product})
        return redirect("product_detail", pk=product.pk)
    return render(request, "partnerships/product_form.html", {"form": form, "product": product})


@login_required
def api_keys(request: HttpRequest) -> HttpResponse:
    """The current brand's API keys, for its owners: make one (its key is shown once, on the
    answer to that request only), see them all, revoke one."""
    brand = tenancy.current_brand(request)
    tenancy.require(request.user, brand, tenancy.OWNER_ROLES)
    keys = tenancy.scope_to_brand(BrandAPIKey.objects.all(), brand)
    form = APIKeyForm(request.POST if "create" in request.POST else None)
    new_key = None
    if request.method == "POST" and "revoke" in request.POST:
        key = get_object_or_404(keys, prefix=request.POST["revoke"])
        if not key.revoked:
            key.revoked = True
            key.save(update_fields=["revoked"])
        messages.success(
            request,
            _("Revoked “%(name)s”: calls made with it are refused.") % {"name": key.name},
        )
        return redirect("api_keys")
    if form.is_valid():
        _key, new_key = BrandAPIKey.objects.create_key(brand=brand, **form.cleaned_data)
    return render(
        request,
        "partnerships/api_keys.html",
        {"keys": keys.order_by("revoked", "-created"), "form": form, "new_key": new_key},
    )


AUDIT_PAGE_SIZE = 50


@login_required
def audit_trail(request: HttpRequest) -> HttpResponse:
    """The brand's audit trail, newest first, for its owners."""
    brand = tenancy.current_brand(request)
    tenancy.require(request.user, brand, tenancy.OWNER_ROLES)
    form = AuditFilterForm(request.GET or None)
    events = form.filter(audit.trail_of(brand), brand.timezone).select_related("brand")
    page = Paginator(events, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "partnerships/audit_trail.html", {"form": form, "page": page})


def _next_page(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("dashboard")


@login_required
def second_factor_enrol(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: scan the code, type one code back, keep the recovery
    codes shown once. Owners and finance members only."""
    if not second_factor.may_enrol(request.user):
        raise PermissionDenied(_("A second factor is for owners and finance members."))
    device = second_factor.pending_device(request.user)
    error = ""
    if request.method == "POST":
        codes = second_factor.confirm(request, device, request.POST.get("code", ""))
        if codes is not None:
            return render(
                request,
                "registration/second_factor_codes.html",
                {"codes": codes, "next": _next_page(request)},
            )
        error = _("That code is not the one the app shows now; wait a moment and try the next.")
    return render(
        request,
        "registration/second_factor_enrol.html",
        {
            "qr_code": second_factor.qr_code_src(device),
            "secret": b32encode(device.bin_key).decode(),
            "error": error,
            "required": second_factor.required_for(request.user),
            "next": request.GET.get("next", ""),
        },
    )


@login_required
def second_factor_verify(request: HttpRequest) -> HttpResponse:
    """After the password: the code from the authenticator app, or a recovery code."""
    if not second_factor.has_enrolled(request.user):
        raise Http404(_("No second factor is set up for this sign-in."))
    error = ""
    if request.method == "POST":
        if second_factor.verify(request, request.POST.get("code", "")):
            return redirect(_next_page(request))
        error = _(
            "That code is not right; wait a moment, then use the app's current code or a "
            "recovery code."
        )
    return render(
        request,
        "registration/second_factor_verify.html",
        {"error": error, "next": request.GET.get("next", "")},
    )
