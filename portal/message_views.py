"""The creator's side of each partnership's message thread (contracts.messaging): one thread
per brand, read and written here; the brand is told by e-mail."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from contracts import messaging
from contracts.models import Partnership
from portal import access
from portal.access import creator_required
from portal.forms import MessageForm

THREAD_SHOWN = 100


def _partnerships(request: HttpRequest):
    return access.scope(Partnership.objects.select_related("brand", "influencer"), request.user)


@creator_required
def thread_list(request: HttpRequest) -> HttpResponse:
    partnerships = list(_partnerships(request).order_by("brand__name"))
    unread = messaging.unread_counts(_partnerships(request), reader=messaging.Side.INFLUENCER)
    rows = [(partnership, unread.get(partnership.pk, 0)) for partnership in partnerships]
    return render(request, "portal/thread_list.html", {"rows": rows})


@creator_required
def thread(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = access.get_for_creator(_partnerships(request), request.user, pk)
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            messaging.post(
                partnership,
                side=messaging.Side.INFLUENCER,
                body=form.cleaned_data["body"],
                by=request.user,
                now=timezone.now(),
            )
        except ValidationError as error:
            form.add_error("body", " ".join(error.messages))
        else:
            messages.success(
                request, _("Message sent to %(brand)s.") % {"brand": partnership.brand}
            )
            return redirect("portal:thread", pk=partnership.pk)
    shown = list(messaging.thread(partnership).order_by("-sent_at", "-pk")[:THREAD_SHOWN])
    shown.reverse()
    messaging.mark_read(partnership, reader=messaging.Side.INFLUENCER, now=timezone.now())
    status = 400 if form.errors else 200
    context = {"partnership": partnership, "thread": shown, "form": form}
    return render(request, "portal/thread.html", context, status=status)
