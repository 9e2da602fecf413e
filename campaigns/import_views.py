"""The /imports/ page: CSV files of influencers, sales and metrics brought into the current brand.

Influencer files, and files of exchange rates and distributor orders
(partnerships.record_imports), are imported during the upload. A sales or metrics file
becomes an ImportJob: a small one is imported during the upload too, a larger one by a Celery
worker (campaigns.tasks.start_import). The page lists the brand's recent jobs; unfinished ones
poll their row over HTMX until they end, and every job's problems download as a CSV report.
"""

from collections.abc import Callable
from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from campaigns import ingest, order_exports, tasks
from campaigns.models import ImportJob
from contracts.records_api import ORDERS_FILE
from influencers.imports import COLUMNS, EXAMPLE_CSV, ImportFileForm, import_influencers
from partnerships import csv_downloads, formatting, tenancy
from partnerships.api import RATES_FILE
from partnerships.csv_files import CsvFileForm
from partnerships.models import Brand
from partnerships.record_imports import CsvUploadForm, import_records

RECENT_JOBS = 20
RECORD_FILES = {"exchange_rates": RATES_FILE, "distributor_orders": ORDERS_FILE}
SHOWN_ERRORS = 20  # per job on the page; the CSV report has them all


@login_required
def imports(request: HttpRequest) -> HttpResponse:
    """The upload forms and the brand's recent sales and metrics imports."""
    brand = tenancy.current_brand(request)
    form, errors = ImportFileForm(), []
    uploads = {kind: form(prefix=kind) for kind, form in ingest.UPLOAD_FORMS.items()}
    records = {kind: CsvUploadForm(prefix=kind) for kind in RECORD_FILES}
    record_errors: dict[str, list] = {}
    if request.method == "POST":
        tenancy.require(request.user, brand)
        kind = request.POST.get("kind", "influencers")
        if kind in uploads:
            upload = uploads[kind] = ingest.UPLOAD_FORMS[kind](
                request.POST, request.FILES, prefix=kind
            )
            if upload.is_valid():
                job = ingest.create_job(
                    brand=brand,
                    kind=kind,
                    file=upload.cleaned_data["file"],
                    user=request.user,
                    format=upload.cleaned_data.get("format", ""),
                )
                _announce(request, tasks.start_import(job))
                return redirect(f"{reverse('imports')}?job={job.pk}#job-{job.pk}")
        elif kind in RECORD_FILES:
            records[kind] = CsvUploadForm(request.POST, request.FILES, prefix=kind)
            done = _import_now(
                request,
                records[kind],
                record_errors.setdefault(kind, []),
                brand,
                lambda file: import_records(file, RECORD_FILES[kind], brand=brand),
            )
            if done:
                return redirect("imports")
        else:
            form = ImportFileForm(request.POST, request.FILES)
            if _import_now(
                request, form, errors, brand, lambda file: import_influencers(file, brand=brand)
            ):
                return redirect("imports")
    jobs = tenancy.scope_to_brand(ImportJob.objects.all(), brand).select_related("created_by")
    return render(
        request,
        "campaigns/imports.html",
        {
            "form": form,
            "errors": errors,
            "columns": COLUMNS,
            "example": EXAMPLE_CSV,
            "sales_form": uploads[ImportJob.Kind.SALES],
            "metrics_form": uploads[ImportJob.Kind.METRICS],
            "sales_columns": ingest.SALES_COLUMNS,
            "export_formats": order_exports.FORMATS,
            "sales_example": ingest.SALES_EXAMPLE,
            "metrics_columns": ingest.METRICS_COLUMNS,
            "metrics_example": ingest.METRICS_EXAMPLE,
            "immediate_rows": tasks.IMMEDIATE_ROWS,
            "jobs": jobs[:RECENT_JOBS],
            "opened": request.GET.get("job", ""),
            "shown_errors": SHOWN_ERRORS,
            "can_edit": tenancy.can(request.user, brand),
            "record_files": [
                (kind, RECORD_FILES[kind], records[kind], record_errors.get(kind, []))
                for kind in RECORD_FILES
            ],
        },
    )


def _import_now(
    request: HttpRequest, form: CsvFileForm, errors: list, brand: Brand, run: Callable
) -> bool:
    """Import the form's file during the upload; True when it was imported, else its
    problems are added to `errors`."""
    if not form.is_valid():
        return False
    result = run(form.cleaned_data["file"])
    if not result.ok:
        errors += result.errors
        return False
    messages.success(
        request, _("%(brand)s: %(summary)s") % {"brand": brand, "summary": result.summary()}
    )
    for notice in result.notices:
        messages.warning(request, notice)
    return True


def _announce(request: HttpRequest, job: ImportJob) -> None:
    if job.status == ImportJob.Status.DONE:
        messages.success(
            request,
            _("%(filename)s imported: %(summary)s")
            % {"filename": job.filename, "summary": job.summary()},
        )
    elif job.status == ImportJob.Status.FAILED:
        count = len(job.errors)
        message = ngettext(
            "Nothing was imported from %(filename)s: %(count)s problem in the file, listed "
            "below. Fix it and upload the whole file again.",
            "Nothing was imported from %(filename)s: %(count)s problems in the file, listed "
            "below. Fix them and upload the whole file again.",
            count,
        )
        messages.error(request, message % {"filename": job.filename, "count": count})
    else:
        message = _(
            "%(filename)s has about %(rows)s rows, so it is imported in the background; its "
            "progress shows below."
        )
        messages.info(
            request,
            message % {"filename": job.filename, "rows": formatting.format_count(job.total_rows)},
        )


@login_required
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    """One job's row of the list, polled while the job runs."""
    job = tenancy.get_for_user(ImportJob.objects.select_related("created_by"), request.user, pk)
    return render(
        request,
        "campaigns/_import_job.html",
        {"job": job, "opened": str(job.pk), "shown_errors": SHOWN_ERRORS},
    )


@login_required
def import_errors(request: HttpRequest, pk: int) -> HttpResponse:
    """Every problem of a job's file as CSV: line, field, message."""
    job = tenancy.get_for_user(ImportJob, request.user, pk)
    name = f"{PurePath(job.filename).stem or 'import'}-errors.csv"
    rows = [(error.get("line"), error.get("field"), error.get("message")) for error in job.errors]
    header = (
        pgettext("error report column", "line"),
        pgettext("error report column", "field"),
        pgettext("error report column", "message"),
    )
    return csv_downloads.download([header, *rows], name)
