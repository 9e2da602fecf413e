"""What needs a brand's attention, kept as reminders and mailed once a day (DESIGN §6).

`attention` reads the facts of every app for one brand and one day, in a fixed number of
queries; `send_reminders` is the daily run that stores them as `Reminder` rows, resolves the
ones that no longer apply and mails each brand's owners and managers a digest of what they
have not yet been told about that day. Pages read the stored rows (`open_reminders`).
"""

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, field
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
from django.utils.translation import gettext_noop, ngettext

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
from partnerships import languages, tenancy, titles
from partnerships.formatting import format_date
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
    title: str  # in English; `parts` reads it in each reader's language (partnerships.titles)
    due_on: date
    url: str
    parts: dict = field(default_factory=dict)

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


def _item(
    kind: str, subject: tuple[str, int], due_on: date, url: str, message: str, /, **values: object
) -> Item:
    """An item titled `message % values`, kept to be read in each reader's language."""
    parts = titles.parts(message, **values)
    return Item(kind, *subject, titles.english(parts), due_on, url, parts)


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
        if deliverable.published:
            message = gettext_noop(
                "%(influencer)s: %(deliverable)s (%(published)s published) for “%(contract)s”, "
                "due %(due)s"
            )
        else:
            message = gettext_noop(
                "%(influencer)s: %(deliverable)s for “%(contract)s”, due %(due)s"
            )
        yield _item(
            Kind.DELIVERABLE_DUE,
            ("deliverable", deliverable.pk),
            deliverable.due_date,
            _page(contract.pk),
            message,
            influencer=contract.partnership.influencer,
            deliverable=deliverable,
            published=deliverable.published,
            contract=contract,
            due=deliverable.due_date,
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
        yield _item(
            Kind.CONTENT_APPROVAL,
            ("content", item.pk),
            submitted + timedelta(APPROVAL_WAIT_DAYS),
            _page(participant.contract_id, ("campaigns:detail", participant.campaign_id)),
            gettext_noop(
                "%(item)s by %(influencer)s for %(campaign)s is waiting for approval since "
                "%(since)s"
            ),
            item=item,
            influencer=participant.contract.partnership.influencer,
            campaign=participant.campaign,
            since=submitted,
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
        yield _item(
            Kind.SHIPMENT_LATE,
            ("shipment", shipment.pk),
            shipment.ship_by,
            _page(participant.contract_id, ("campaigns:detail", participant.campaign_id)),
            gettext_noop("Samples for %(influencer)s (%(campaign)s) should have shipped by %(by)s"),
            influencer=participant.contract.partnership.influencer,
            campaign=participant.campaign,
            by=shipment.ship_by,
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
        yield _item(
            Kind.INSTALLMENT_DUE,
            ("term", term.pk),
            term.due_date,
            _page(contract.pk),
            gettext_noop("%(amount)s to %(influencer)s under “%(contract)s”, due %(due)s"),
            amount=titles.amount(term.amount, contract.currency),
            influencer=contract.partnership.influencer,
            contract=contract,
            due=term.due_date,
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
        what = {
            "total": titles.amount(statement.total, statement.currency),
            "influencer": contract.partnership.influencer,
            "first": statement.period_start,
            "last": statement.period_end - timedelta(1),
        }
        page = _page(contract.pk, ("contracts:statement", statement.pk), ("contracts:statements",))
        if statement.status == Statement.Status.DRAFT:
            yield _item(
                Kind.STATEMENT_APPROVAL,
                ("statement", statement.pk),
                statement.due_date or statement.period_end,
                page,
                gettext_noop(
                    "Statement of %(total)s for %(influencer)s, %(first)s to %(last)s, awaits "
                    "approval"
                ),
                **what,
            )
        else:
            yield _item(
                Kind.STATEMENT_OVERDUE,
                ("statement", statement.pk),
                statement.due_date,
                page,
                gettext_noop(
                    "Statement of %(total)s for %(influencer)s, %(first)s to %(last)s, not paid "
                    "by its due date, %(due)s"
                ),
                **what,
                due=statement.due_date,
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
            yield _item(
                Kind.CONTRACT_ENDING,
                ("contract", contract.pk),
                contract.end,
                _page(contract.pk),
                gettext_noop("“%(contract)s” with %(influencer)s ends on %(end)s"),
                contract=contract,
                influencer=influencer,
                end=contract.end,
            )
        expires = usage_expires(contract, brand)
        if expires and today <= expires <= horizon:
            yield _item(
                Kind.USAGE_EXPIRING,
                ("contract", contract.pk),
                expires,
                _page(contract.pk),
                gettext_noop(
                    "Rights to use %(influencer)s's content under “%(contract)s” expire on "
                    "%(expires)s"
                ),
                influencer=influencer,
                contract=contract,
                expires=expires,
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
        if partnership.last_met:
            message = gettext_noop(
                "Meeting with %(influencer)s due %(due)s (%(cadence)s, last met %(last)s)"
            )
        else:
            message = gettext_noop(
                "Meeting with %(influencer)s due %(due)s (%(cadence)s, never met)"
            )
        yield _item(
            Kind.MEETING_DUE,
            ("partnership", partnership.pk),
            due,
            reverse("contracts:partnership", args=[partnership.pk]) + "#meetings",
            message,
            influencer=partnership.influencer,
            due=due,
            cadence=titles.choice(Partnership.Cadence(partnership.meeting_cadence).label),
            last=partnership.last_met,
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
        yield _item(
            Kind.NEXT_STEP_DUE,
            ("next_step", step.pk),
            step.due_on,
            reverse("contracts:partnership", args=[partnership.pk]) + "#next-steps",
            gettext_noop("%(influencer)s: “%(step)s” (%(owner)s), agreed on %(held)s, due %(due)s"),
            influencer=partnership.influencer,
            step=step,
            owner=owner,
            held=step.meeting.held_on,
            due=step.due_on,
        )


def _risk_reviews(brand: Brand, today: date) -> Iterable[Item]:
    rows = (
        tenancy.scope_to_brand(RiskAssessment.objects.all(), brand)
        .filter(is_open=True, review_date__lte=today + timedelta(DUE_SOON_DAYS))
        .select_related("influencer")
    )
    for risk in rows:
        yield _item(
            Kind.RISK_REVIEW,
            ("risk", risk.pk),
            risk.review_date,
            reverse("influencers:detail", args=[risk.influencer_id]) + "#risks",
            gettext_noop(
                "Review the %(kind)s risk of %(influencer)s (%(likelihood)s × %(impact)s) by %(by)s"
            ),
            kind=titles.choice(RiskAssessment.Kind(risk.kind).label),
            influencer=risk.influencer,
            likelihood=risk.likelihood,
            impact=risk.impact,
            by=risk.review_date,
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
        elif (reminder.title_parts, reminder.url, reminder.due_on) != (
            item.parts,
            item.url,
            item.due_on,
        ):
            changed.append(reminder)
        reminder.title, reminder.title_parts = item.title, item.parts
        reminder.url, reminder.due_on = item.url, item.due_on
        current.append(reminder)
    Reminder.objects.bulk_create(added)
    Reminder.objects.bulk_update(
        changed,
        ["title", "title_parts", "url", "due_on", "first_seen", "resolved_at"],
        batch_size=500,
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
