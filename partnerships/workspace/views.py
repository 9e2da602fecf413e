from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from partnerships import csv_downloads, tenancy
from partnerships.models import Reminder
from partnerships.views import PAGE_SIZE
from partnerships.workspace import dashboard as dashboard_figures
from partnerships.workspace import reminders
from partnerships.workspace.forms import DashboardRangeForm


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    if not tenancy.brands_of(request.user).exists():
        if request.user.creator_links.exists():
            return redirect("portal:home")  # an influencer's sign-in: their portal
        return render(request, "workspace/no_brand.html")
    brand = tenancy.current_brand(request)
    today = brand.today(timezone.now())
    form = DashboardRangeForm(request.GET or None)
    dates = form.dates(today)
    if request.GET.get("export") == "csv":
        filename = f"{brand.slug}-roi-{dates.first}-{dates.last}.csv"
        return csv_downloads.download(dashboard_figures.roi_table_rows(brand, dates), filename)
    context = {
        "form": form,
        "overview": dashboard_figures.overview(brand, dates),
        "currency": brand.default_currency,
        "today": today,
    }
    if request.htmx:
        return render(request, "workspace/_roi.html", context)
    context["figures"] = dashboard_figures.figures(brand, today)
    if not request.GET:  # a range asked for is shown, figures or not
        context["getting_started"] = dashboard_figures.getting_started(brand)
    return render(request, "workspace/dashboard.html", context)


@login_required
def reminder_list(request: HttpRequest) -> HttpResponse:
    brand = tenancy.current_brand(request)
    open_reminders = reminders.open_reminders(brand)
    kind = request.GET.get("kind", "")
    if kind in Reminder.Kind.values:
        open_reminders = open_reminders.filter(kind=kind)
    page = Paginator(reminders.grouped(open_reminders), PAGE_SIZE).get_page(request.GET.get("page"))
    template = "workspace/_reminder_list.html" if request.htmx else "workspace/reminders.html"
    return render(
        request,
        template,
        {
            "page": page,
            "kind": kind,
            "kinds": reminders.counts_by_kind(brand),
            "today": brand.today(timezone.now()),
        },
    )
