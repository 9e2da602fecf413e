"""The partnership page, where the relationship is run: its settings edited in place, the
meeting log and its next steps, the message thread, open risks and the timeline."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from contracts import meetings, messaging, timeline
from contracts.forms import MeetingForm, MessageForm, NextStepFormSet, PartnershipForm
from contracts.models import Meeting, NextStep, Partnership
from influencers.models import RiskAssessment
from partnerships import tenancy

MEETINGS_SHOWN = 10
MESSAGES_SHOWN = 50


def _partnership(request: HttpRequest, pk: int) -> Partnership:
    partnerships = (
        Partnership.objects.select_related("influencer", "owner", "brand")
        .with_meeting_figures()
        .annotate(meeting_count=Count("meetings", distinct=True))
    )
    return tenancy.get_for_user(partnerships, request.user, pk)


@login_required
def partnership_detail(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    if request.htmx and request.GET.get("section") == "timeline":
        return render(request, "contracts/_timeline.html", _timeline(request, partnership))
    return _page(request, partnership)


def _page(request: HttpRequest, partnership: Partnership, **forms) -> HttpResponse:
    """The whole page; `forms` are bound forms to show again with their errors."""
    can_edit = tenancy.can(request.user, partnership.brand_id)
    brand = partnership.brand
    shown_meetings = list(
        partnership.meetings.select_related("recorded_by").prefetch_related("next_steps__owner")[
            :MEETINGS_SHOWN
        ]
    )
    thread = list(messaging.thread(partnership).order_by("-sent_at", "-pk")[:MESSAGES_SHOWN])
    thread.reverse()
    unread = sum(1 for message in thread if message.side != "brand" and message.read_at is None)
    if unread:
        messaging.mark_read(partnership, reader="brand", now=timezone.now())
    context = {
        "partnership": partnership,
        "today": brand.today(timezone.now()),
        "next_meeting": partnership.next_meeting,
        "contracts": list(partnership.contracts.all()),
        "steps": list(meetings.open_steps(partnership)),
        "meetings": shown_meetings,
        "thread": thread,
        "unread": unread,
        "risks": list(
            RiskAssessment.objects.filter(influencer_id=partnership.influencer_id, is_open=True)
        ),
        "can_edit": can_edit,
        **_timeline(request, partnership),
    }
    if can_edit:
        context |= {
            "meeting_form": MeetingForm(prefix="meeting"),
            "step_forms": NextStepFormSet(prefix="steps", form_kwargs={"brand": brand}),
            "message_form": MessageForm(prefix="message"),
            **forms,
        }
    status = 400 if forms else 200
    return render(request, "contracts/partnership_detail.html", context, status=status)


def _timeline(request: HttpRequest, partnership: Partnership) -> dict:
    group = request.GET.get("kind", "")
    if group and group not in timeline.GROUPS:
        messages.error(
            request,
            _("Timeline: there is no kind “%(kind)s”; showing everything.") % {"kind": group},
        )
        group = ""
    number = request.GET.get("page", "1")
    number = int(number) if number.isdigit() else 1
    return {
        "timeline": timeline.page(partnership, groups=[group] if group else [], number=number),
        "timeline_kinds": timeline.GROUPS,
        "timeline_kind": group,
    }


@login_required
def partnership_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The relationship's settings, edited in place on the partnership page."""
    partnership = _partnership(request, pk)
    tenancy.require(request.user, partnership.brand_id)
    form = PartnershipForm(request.POST or None, instance=partnership)
    if request.method == "POST" and form.is_valid():
        partnership = form.save()
        if not request.htmx:
            messages.success(request, _("Saved how the partnership is run."))
            return redirect("contracts:partnership", pk=partnership.pk)
        partnership = _partnership(request, pk)
        return render(
            request,
            "contracts/_relationship.html",
            {
                "partnership": partnership,
                "next_meeting": partnership.next_meeting,
                "today": partnership.brand.today(timezone.now()),
                "can_edit": True,
                "saved": True,
            },
        )
    template = "_relationship_form.html" if request.htmx else "partnership_form.html"
    status = 400 if form.errors else 200
    context = {"partnership": partnership, "form": form}
    return render(request, f"contracts/{template}", context, status=status)


@login_required
@require_POST
def meeting_create(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    tenancy.require(request.user, partnership.brand_id)
    meeting = Meeting(partnership=partnership)
    form = MeetingForm(request.POST, instance=meeting, prefix="meeting")
    steps = NextStepFormSet(
        request.POST, instance=meeting, prefix="steps", form_kwargs={"brand": partnership.brand}
    )
    if not (form.is_valid() and steps.is_valid()):
        return _page(request, partnership, meeting_form=form, step_forms=steps)
    meetings.record_meeting(meeting=form.instance, steps=steps.save(commit=False), by=request.user)
    messages.success(
        request,
        _("Recorded the meeting of %(day)s.")
        % {"day": formats.date_format(meeting.held_on, "d M Y")},
    )
    return redirect(reverse("contracts:partnership", args=[partnership.pk]) + "#meetings")


@login_required
@require_POST
def step_done(request: HttpRequest, pk: int) -> HttpResponse:
    step = tenancy.get_for_user(
        NextStep.objects.select_related("meeting__partnership"), request.user, pk
    )
    partnership = step.meeting.partnership
    tenancy.require(request.user, partnership.brand_id)
    done = request.POST.get("done", "1") == "1"
    meetings.mark_done(step, now=timezone.now(), done=done)
    messages.success(
        request,
        (_("“%(step)s” is done.") if done else _("“%(step)s” is open again.")) % {"step": step},
    )
    return redirect(reverse("contracts:partnership", args=[partnership.pk]) + "#next-steps")


@login_required
@require_POST
def message_create(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    tenancy.require(request.user, partnership.brand_id)
    form = MessageForm(request.POST, prefix="message")
    if form.is_valid():
        received = form.cleaned_data["received"]
        try:
            messaging.post(
                partnership,
                side=messaging.Side.INFLUENCER if received else messaging.Side.BRAND,
                body=form.cleaned_data["body"],
                by=request.user,
                now=timezone.now(),
                recorded=received,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Message recorded.") if received else _("Message sent."))
            return redirect(reverse("contracts:partnership", args=[partnership.pk]) + "#messages")
    return _page(request, partnership, message_form=form)
