"""What needs a brand's attention, kept as reminders and mailed once a day (DESIGN §6).

`attention` reads the facts of every app for one brand and one day, in a fixed number of
queries; `send_reminders` is the daily run that stores them as `Reminder` rows, resolves the
ones that no longer apply and mails each brand's owners and managers a digest of what they
have not yet been told about that day. Pages read the stored rows (`open_reminders`).
"""

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cached_property, partial
from itertools import groupby
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.mail import EmailMessage, get_connection
from django.db import models, transaction
from django.db.models import Case, Count, F, Q, When
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from campaigns.models import ContentItem, Shipment
from contracts.models import (
    CompensationTerm,
    Contract,
    Deliverable,
    NextStep,
    Partnership,
    Statement,
)
from influencers.models import RiskAssessment
from partnerships import languages, tenancy
from partnerships.formatting import format_date, format_money
from partnerships.models import Brand, Membership, Reminder, Role

Kind = Reminder.Kind

DUE_SOON_DAYS = 3
APPROVAL_WAIT_DAYS = 2
ENDING_SOON_DAYS = 30
DASHBOARD_ROWS = 5
# Contracts whose deliverables are owed and whose fees fall due.
LIVE = (Contract.Status.SIGNED, Contract.Status.ACTIVE)
# A completed contract's content may still be in use, so its usage rights still expire.
USING_CONTENT = (*LIVE, Contract.Status.COMPLETED)
RECIPIENT_ROLES = (Role.OWNER, Role.MANAGER)


@dataclass(frozen=True)
class Item:
    """One thing that needs doing: what kind, about which row, by when, and where to do it.
    The title names dates rather than saying "today", as it is read on later days too."""

    kind: str
    subject_type: str
    subject_id: int
    title: str
    due_on: date
    url: str

    @property
    def key(self) -> tuple[str, str, int]:
        return (self.kind, self.subject_type, self.subject_id)


@dataclass(frozen=True)
class Run:
    """What one daily run did: reminders open afterwards, resolved, and e-mails sent."""

    open: int = 0
    resolved: int = 0
    mailed: int = 0

    def __add__(self, other: "Run") -> "Run":
        return Run(
            self.open + other.open, self.resolved + other.resolved, self.mailed + other.mailed
        )


# --- what needs attention --------------------------------------------------------------------


def attention(brand: Brand, today: date) -> list[Item]:
    """Everything that needs doing in `brand` on `today` (the brand's local date), soonest
    first: deliverables due within 3 days or overdue, content waiting 2 days or more for
    approval, shipments not shipped in their window, installments due within 3 days,
    statements to approve or past their payment date, contracts and usage rights ending within
    30 days, meetings due by the partnership's cadence, next steps agreed at a meeting and
    risk reviews, each due within 3 days or overdue. One query per group, however many rows
    match. Titles are stored, so they are written in English whoever's request asks."""
    with translation.override("en"):
        items = [
            *_deliverables(brand, today),
            *_content(brand, today),
            *_shipments(brand, today),
            *_installments(brand, today),
            *_statements(brand, today),
            *_contracts(brand, today),
            *_meetings(brand, today),
            *_next_steps(brand, today),
            *_risk_reviews(brand, today),
        ]
    return sorted(items, key=lambda item: (item.due_on, item.kind, item.subject_id))


def _deliverables(brand: Brand, today: date) -> Iterable[Item]:
    published = Count("content", filter=Q(content__status=ContentItem.Status.PUBLISHED))
    rows = (
        tenancy.scope_to_brand(Deliverable.objects.all(), brand)
        .filter(contract__status__in=LIVE, due_date__lte=today + timedelta(DUE_SOON_DAYS))
        .annotate(published=published)
        .filter(published__lt=F("quantity"))
        .select_related("contract__partnership__influencer")
    )
    for deliverable in rows:
        contract = deliverable.contract
        done = f" ({deliverable.published} published)" if deliverable.published else ""
        yield Item(
            Kind.DELIVERABLE_DUE,
            "deliverable",
            deliverable.pk,
            f"{contract.partnership.influencer}: {deliverable}{done} for “{contract}”, "
            f"due {format_date(deliverable.due_date)}",
            deliverable.due_date,
            _page(contract.pk),
        )


def _content(brand: Brand, today: date) -> Iterable[Item]:
    # Submitted on day D, an item has waited two days from D + 2 on, in the brand's time zone.
    waiting_since = datetime.combine(
        today - timedelta(APPROVAL_WAIT_DAYS - 1), time.min, tzinfo=brand.timezone
    )
    rows = (
        tenancy.scope_to_brand(ContentItem.objects.all(), brand)
        .filter(status=ContentItem.Status.SUBMITTED, submitted_at__lt=waiting_since)
        .select_related("participant__campaign", "participant__contract__partnership__influencer")
    )
    for item in rows:
        participant = item.participant
        submitted = item.submitted_at.astimezone(brand.timezone).date()
        yield Item(
            Kind.CONTENT_APPROVAL,
            "content",
            item.pk,
            f"{item} by {participant.contract.partnership.influencer} for "
            f"{participant.campaign} is waiting for approval since {format_date(submitted)}",
            submitted + timedelta(APPROVAL_WAIT_DAYS),
            _page(participant.contract_id, ("campaigns:detail", participant.campaign_id)),
        )


def _shipments(brand: Brand, today: date) -> Iterable[Item]:
    # One that went out late is a fact for the records; only one still waiting needs doing.
    rows = (
        tenancy.scope_to_brand(Shipment.objects.all(), brand)
        .filter(Shipment.late(today), shipped_on=None)
        .select_related("participant__campaign", "participant__contract__partnership__influencer")
    )
    for shipment in rows:
        participant = shipment.participant
        yield Item(
            Kind.SHIPMENT_LATE,
            "shipment",
            shipment.pk,
            f"Samples for {participant.contract.partnership.influencer} ({participant.campaign}) "
            f"should have shipped by {format_date(shipment.ship_by)}",
            shipment.ship_by,
            _page(participant.contract_id, ("campaigns:detail", participant.campaign_id)),
        )


def _installments(brand: Brand, today: date) -> Iterable[Item]:
    # Milestone installments have no date until their event happens; settlement prices them.
    rows = (
        tenancy.scope_to_brand(CompensationTerm.objects.all(), brand)
        .filter(
            kind=CompensationTerm.Kind.FLAT_FEE,
            contract__status__in=LIVE,
            due_date__range=(today, today + timedelta(DUE_SOON_DAYS)),
        )
        .select_related("contract__partnership__influencer")
    )
    for term in rows:
        contract = term.contract
        yield Item(
            Kind.INSTALLMENT_DUE,
            "term",
            term.pk,
            f"{format_money(term.amount, contract.currency)} to "
            f"{contract.partnership.influencer} under “{contract}”, "
            f"due {format_date(term.due_date)}",
            term.due_date,
            _page(contract.pk),
        )


def _statements(brand: Brand, today: date) -> Iterable[Item]:
    overdue = Q(status=Statement.Status.APPROVED, payable=True, paid_on=None, due_date__lt=today)
    rows = (
        tenancy.scope_to_brand(Statement.objects.all(), brand)
        .filter(Q(status=Statement.Status.DRAFT) | overdue)
        .select_related("contract__partnership__influencer")
    )
    for statement in rows:
        contract = statement.contract
        what = (
            f"Statement of {format_money(statement.total, statement.currency)} for "
            f"{contract.partnership.influencer}, {format_date(statement.period_start)} to "
            f"{format_date(statement.period_end - timedelta(1))},"
        )
        page = _page(contract.pk, ("contracts:statement", statement.pk), ("contracts:statements",))
        if statement.status == Statement.Status.DRAFT:
            due = statement.due_date or statement.period_end
            yield Item(
                Kind.STATEMENT_APPROVAL,
                "statement",
                statement.pk,
                f"{what} awaits approval",
                due,
                page,
            )
        else:
            yield Item(
                Kind.STATEMENT_OVERDUE,
                "statement",
                statement.pk,
                f"{what} not paid by its due date, {format_date(statement.due_date)}",
                statement.due_date,
                page,
            )


def _contracts(brand: Brand, today: date) -> Iterable[Item]:
    horizon = today + timedelta(ENDING_SOON_DAYS)
    ending = Q(status__in=LIVE, end__range=(today, horizon))
    # Months are not days, so when usage rights expire is worked out here rather than in SQL.
    rows = (
        tenancy.scope_to_brand(Contract.objects.all(), brand)
        .filter(ending | Q(status__in=USING_CONTENT, usage_months__isnull=False))
        .select_related("partnership__influencer")
        .only(
            "pk",
            "title",
            "status",
            "start",
            "end",
            "usage_months",
            "signed_at",
            "partnership__influencer__name",
        )
    )
    for contract in rows:
        influencer = contract.partnership.influencer
        if contract.status in LIVE and contract.end and today <= contract.end <= horizon:
            yield Item(
                Kind.CONTRACT_ENDING,
                "contract",
                contract.pk,
                f"“{contract}” with {influencer} ends on {format_date(contract.end)}",
                contract.end,
                _page(contract.pk),
            )
        expires = usage_expires(contract, brand)
        if expires and today <= expires <= horizon:
            yield Item(
                Kind.USAGE_EXPIRING,
                "contract",
                contract.pk,
                f"Rights to use {influencer}'s content under “{contract}” expire "
                f"on {format_date(expires)}",
                expires,
                _page(contract.pk),
            )


def _meetings(brand: Brand, today: date) -> Iterable[Item]:
    horizon = today + timedelta(DUE_SOON_DAYS)
    rows = (
        tenancy.scope_to_brand(Partnership.objects.all(), brand)
        .filter(status=Partnership.Status.ACTIVE)
        .exclude(meeting_cadence=Partnership.Cadence.AD_HOC)
        .select_related("influencer")
        .with_meeting_figures()
    )
    for partnership in rows:
        due = partnership.next_meeting
        if due is None or due > horizon:
            continue
        cadence = partnership.get_meeting_cadence_display().lower()
        last = (
            f"last met {format_date(partnership.last_met)}" if partnership.last_met else "never met"
        )
        yield Item(
            Kind.MEETING_DUE,
            "partnership",
            partnership.pk,
            f"Meeting with {partnership.influencer} due {format_date(due)} ({cadence}, {last})",
            due,
            reverse("contracts:partnership", args=[partnership.pk]) + "#meetings",
        )


def _next_steps(brand: Brand, today: date) -> Iterable[Item]:
    rows = (
        tenancy.scope_to_brand(NextStep.objects.all(), brand)
        .filter(done_at=None, due_on__lte=today + timedelta(DUE_SOON_DAYS))
        .select_related("owner", "meeting__partnership__influencer")
    )
    for step in rows:
        partnership = step.meeting.partnership
        owner = step.owner or partnership.influencer
        yield Item(
            Kind.NEXT_STEP_DUE,
            "next_step",
            step.pk,
            f"{partnership.influencer}: “{step}” ({owner}), agreed on "
            f"{format_date(step.meeting.held_on)}, due {format_date(step.due_on)}",
            step.due_on,
            reverse("contracts:partnership", args=[partnership.pk]) + "#next-steps",
        )


def _risk_reviews(brand: Brand, today: date) -> Iterable[Item]:
    rows = (
        tenancy.scope_to_brand(RiskAssessment.objects.all(), brand)
        .filter(is_open=True, review_date__lte=today + timedelta(DUE_SOON_DAYS))
        .select_related("influencer")
    )
    for risk in rows:
        yield Item(
            Kind.RISK_REVIEW,
            "risk",
            risk.pk,
            f"Review the {risk.get_kind_display().lower()} risk of {risk.influencer} "
            f"({risk.likelihood} × {risk.impact}) by {format_date(risk.review_date)}",
            risk.review_date,
            reverse("influencers:detail", args=[risk.influencer_id]) + "#risks",
        )


def usage_expires(contract: Contract, brand: Brand) -> date | None:
    """The day the brand's right to use the contract's content ends: `usage_months` after
    signing (in the brand's time zone), or after the start for a contract recorded as signed
    elsewhere; None when the contract grants no limited usage."""
    if contract.usage_months is None:
        return None
    since = contract.start
    if contract.signed_at is not None:
        since = contract.signed_at.astimezone(brand.timezone).date()
    return add_months(since, contract.usage_months)


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the month's last day when it is shorter (31 Jan → 28 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _page(contract_id: int, *preferred: tuple[str, int] | tuple[str]) -> str:
    """The first of the `preferred` pages this installation has, else the contract's page:
    campaign and statement pages arrive with their own parts of the product."""
    for name, *args in preferred:
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            continue
    return reverse("contracts:detail", args=[contract_id])


# --- the daily run ---------------------------------------------------------------------------


def send_reminders(
    *, now: datetime, day: date | None = None, brands: models.QuerySet[Brand] | None = None
) -> Run:
    """The daily run over every brand (or `brands`): store what needs attention on each
    brand's local date at `now` (or on `day`, for every brand), resolve what no longer does, and
    mail the brand's owners and managers what they have not been told about yet that day.
    Running it again on the same day mails nothing more."""
    total = Run()
    for brand_id in (brands if brands is not None else Brand.objects.all()).values_list(
        "pk", flat=True
    ):
        total += remind_brand(brand_id, now=now, day=day)
    return total


def remind_brand(brand_id: int, *, now: datetime, day: date | None = None) -> Run:
    """One brand's part of the daily run, in one transaction; the e-mails leave once it
    commits."""
    with transaction.atomic():
        # A second run of the same day waits here, then finds everything already mailed.
        brand = Brand.objects.select_for_update().get(pk=brand_id)
        today = day or brand.today(now)
        items = attention(brand, today)
        current, resolved = _store(brand, items, today=today, now=now)
        recipients = _recipients(brand)
        unsent = [reminder for reminder in current if reminder.last_sent_on != today]
        messages = []
        if recipients and unsent:
            Reminder.objects.filter(pk__in=[r.pk for r in unsent]).update(last_sent_on=today)
            messages = [_digest(brand, user, unsent, today) for user in recipients]
            transaction.on_commit(partial(_send, messages))
    return Run(open=len(current), resolved=resolved, mailed=len(messages))


def reevaluate(brand_id: int, *, now: datetime) -> Run:
    """Store what needs attention in the brand at `now`, mailing nothing: run right after a
    write, so a reminder it resolved leaves the pages at once (new ones wait for the digest)."""
    with transaction.atomic():
        brand = Brand.objects.select_for_update().get(pk=brand_id)
        today = brand.today(now)
        current, resolved = _store(brand, attention(brand, today), today=today, now=now)
    return Run(open=len(current), resolved=resolved)


def on_reminders_stale(*, brand_id: int, **signal: Any) -> None:
    """On `partnerships.freshness.reminders_stale`: store what needs attention in the brand
    now, so a reminder the write resolved leaves the pages that follow."""
    reevaluate(brand_id, now=timezone.now())


def _store(
    brand: Brand, items: list[Item], *, today: date, now: datetime
) -> tuple[list[Reminder], int]:
    """Make the brand's open reminders exactly `items`: new ones added, changed ones updated,
    resolved ones reopened, the rest resolved. Returns the open reminders and how many were
    resolved."""
    known = {
        reminder.key: reminder
        for reminder in Reminder.objects.filter(brand=brand).filter(
            Q(resolved_at=None) | Q(subject_id__in={item.subject_id for item in items})
        )
    }
    added, changed, current = [], [], []
    for item in items:
        reminder = known.pop(item.key, None)
        if reminder is None:
            reminder = Reminder(
                brand=brand,
                kind=item.kind,
                subject_type=item.subject_type,
                subject_id=item.subject_id,
                first_seen=today,
            )
            added.append(reminder)
        elif reminder.resolved_at is not None:
            reminder.resolved_at, reminder.first_seen = None, today
            changed.append(reminder)
        elif (reminder.title, reminder.url, reminder.due_on) != (item.title, item.url, item.due_on):
            changed.append(reminder)
        reminder.title, reminder.url, reminder.due_on = item.title, item.url, item.due_on
        current.append(reminder)
    Reminder.objects.bulk_create(added)
    Reminder.objects.bulk_update(
        changed, ["title", "url", "due_on", "first_seen", "resolved_at"], batch_size=500
    )
    gone = [reminder.pk for reminder in known.values() if reminder.resolved_at is None]
    resolved = Reminder.objects.filter(pk__in=gone).update(resolved_at=now) if gone else 0
    return current, resolved


def _recipients(brand: Brand) -> list[AbstractUser]:
    memberships = (
        Membership.objects.filter(brand=brand, role__in=RECIPIENT_ROLES, user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
        .order_by("user__username")
    )
    return [membership.user for membership in memberships]


def _digest(
    brand: Brand, user: AbstractUser, reminders: list[Reminder], today: date
) -> EmailMessage:
    site = settings.SITE_URL.rstrip("/")
    groups = [
        (Kind(kind).label, list(rows))
        for kind, rows in groupby(sorted(reminders, key=_kind_order), key=lambda r: r.kind)
    ]
    count = len(reminders)
    with languages.writing_to(user):
        body = render_to_string(
            "workspace/reminders_email.txt",
            {
                "brand": brand,
                "user": user,
                "today": format_date(today),
                "groups": groups,
                "site": site,
                "reminders_url": site + reverse("reminders"),
            },
        )
        subject = ngettext(
            "%(brand)s: %(count)d thing to attend to",
            "%(brand)s: %(count)d things to attend to",
            count,
        ) % {"brand": brand, "count": count}
    return EmailMessage(subject, body, to=[user.email])


def _send(messages: list[EmailMessage]) -> None:
    get_connection().send_messages(messages)


def _kind_order(reminder: Reminder) -> tuple[int, date, int]:
    return (Kind.values.index(reminder.kind), reminder.due_on, reminder.pk or 0)


# --- what pages show -------------------------------------------------------------------------


def open_reminders(brand: Brand) -> models.QuerySet[Reminder]:
    """The brand's reminders that still need doing, soonest first."""
    return tenancy.scope_to_brand(Reminder.objects.filter(resolved_at=None), brand)


def grouped(reminders: models.QuerySet[Reminder]) -> models.QuerySet[Reminder]:
    """`reminders` in the order of the kinds (as listed on `Reminder.Kind`), soonest first
    within each, for showing them grouped."""
    position = Case(
        *(When(kind=kind, then=index) for index, kind in enumerate(Kind.values)),
        output_field=models.IntegerField(),
    )
    return reminders.order_by(position, "due_on", "pk")


def counts_by_kind(brand: Brand) -> list[tuple[str, str, int]]:
    """(kind, label, open reminders) for each kind that has any, in the order of the kinds."""
    counts = dict(open_reminders(brand).order_by().values_list("kind").annotate(count=Count("pk")))
    return [(kind, label, counts[kind]) for kind, label in Kind.choices if kind in counts]


class OpenReminders:
    """A brand's open reminders as the page header and the dashboard show them; each figure
    is read once, when a page first uses it."""

    def __init__(self, brand: Brand, today: date) -> None:
        self.brand = brand
        self.today = today

    @cached_property
    def count(self) -> int:
        return open_reminders(self.brand).count()

    @cached_property
    def top(self) -> list[Reminder]:
        return list(open_reminders(self.brand)[:DASHBOARD_ROWS])
