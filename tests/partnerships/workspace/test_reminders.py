import threading
from datetime import UTC, date, datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, include, path, reverse
from django_celery_beat.models import PeriodicTask

from partnerships.celery import app
from partnerships.models import Reminder, Role
from partnerships.workspace import reminders, tasks
from tests import factories

pytestmark = pytest.mark.django_db

Kind = Reminder.Kind
SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 11, 23)
# 09:00 on TODAY in Shanghai, the test brand's time zone.
NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
# Pages for the tests that check where a reminder links when a page is missing.
urlpatterns = [path("", include("contracts.urls"))]


def _contract(brand, **fields):
    return factories.ContractFactory(partnership__influencer__brand=brand, **fields)


def _participant(brand):
    return factories.ParticipantFactory(contract=_contract(brand))


def _page(*candidates: tuple) -> str:
    """The first of the pages that exists, as a reminder links to it."""
    for name, *args in candidates:
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            continue
    raise AssertionError(f"none of {candidates} exists")


def _open(brand) -> list[Reminder]:
    return list(reminders.open_reminders(brand))


# Each kind: make a subject that needs attention on TODAY (returning it and the page that
# resolves it), then resolve it (returning the day the next run looks at).


def _deliverable_due(brand):
    deliverable = factories.DeliverableFactory(contract=_contract(brand), due_date=TODAY)
    return deliverable, _page(("contracts:detail", deliverable.contract_id))


def _publish(deliverable) -> date:
    factories.ContentItemFactory(
        participant=factories.ParticipantFactory(contract=deliverable.contract),
        deliverable=deliverable,
        status="published",
        published_at=NOW,
    )
    return TODAY


def _content_waiting(brand):
    item = factories.ContentItemFactory(participant=_participant(brand))
    page = _page(
        ("campaigns:detail", item.participant.campaign_id),
        ("contracts:detail", item.participant.contract_id),
    )
    return item, page


def _approve(item) -> date:
    item.status = "approved"
    item.approved_at = NOW
    item.save()
    return TODAY


def _shipment_late(brand):
    shipment = factories.ShipmentFactory(participant=_participant(brand))
    page = _page(
        ("campaigns:detail", shipment.participant.campaign_id),
        ("contracts:detail", shipment.participant.contract_id),
    )
    return shipment, page


def _ship(shipment) -> date:
    shipment.status = "shipped"
    shipment.shipped_on = TODAY
    shipment.save()
    return TODAY


def _installment_due(brand):
    term = factories.CompensationTermFactory(
        contract=_contract(brand), due_date=TODAY + timedelta(1)
    )
    return term, _page(("contracts:detail", term.contract_id))


def _pass_due_date(term) -> date:
    # Once its day has passed, the installment is the settlement's business.
    return term.due_date + timedelta(1)


def _statement_draft(brand):
    statement = factories.StatementFactory(contract=_contract(brand))
    return statement, _page(("contracts:statement", statement.pk))


def _approve_statement(statement) -> date:
    statement.status = "approved"
    statement.due_date = TODAY + timedelta(30)
    statement.save()
    return TODAY


def _statement_unpaid(brand):
    statement = factories.StatementFactory(
        contract=_contract(brand), status="approved", due_date=TODAY - timedelta(1)
    )
    return statement, _page(("contracts:statement", statement.pk))


def _pay(statement) -> date:
    statement.status = "paid"
    statement.paid_on = TODAY
    statement.save()
    return TODAY


def _contract_ending(brand):
    contract = _contract(brand, end=TODAY + timedelta(10))
    return contract, _page(("contracts:detail", contract.pk))


def _extend(contract) -> date:
    contract.end = date(2027, 6, 30)
    contract.save()
    return TODAY


def _usage_expiring(brand):
    # Signed on 1 Oct (Shanghai) for two months of usage: the rights end on 1 Dec.
    contract = _contract(
        brand, usage_months=2, signed_at=datetime(2026, 10, 1, 10, 0, tzinfo=SHANGHAI)
    )
    return contract, _page(("contracts:detail", contract.pk))


def _extend_usage(contract) -> date:
    contract.usage_months = 12
    contract.save()
    return TODAY


def _meeting_due(brand):
    # Met monthly since 1 Oct and never yet: the first meeting is overdue.
    partnership = factories.PartnershipFactory(influencer__brand=brand, since=date(2026, 10, 1))
    return partnership, _page(("contracts:partnership", partnership.pk)) + "#meetings"


def _meet(partnership) -> date:
    factories.MeetingFactory(partnership=partnership, held_on=TODAY)
    return TODAY


def _next_step_due(brand):
    step = factories.NextStepFactory(
        meeting__partnership__influencer__brand=brand, due_on=TODAY + timedelta(2)
    )
    page = _page(("contracts:partnership", step.meeting.partnership_id)) + "#next-steps"
    return step, page


def _do_step(step) -> date:
    step.done_at = NOW
    step.save()
    return TODAY


def _risk_review(brand):
    risk = factories.RiskAssessmentFactory(influencer__brand=brand, review_date=TODAY)
    return risk, _page(("influencers:detail", risk.influencer_id)) + "#risks"


def _close_risk(risk) -> date:
    risk.is_open = False
    risk.save()
    return TODAY


CASES = {
    Kind.DELIVERABLE_DUE: ("deliverable", _deliverable_due, _publish),
    Kind.CONTENT_APPROVAL: ("content", _content_waiting, _approve),
    Kind.SHIPMENT_LATE: ("shipment", _shipment_late, _ship),
    Kind.INSTALLMENT_DUE: ("term", _installment_due, _pass_due_date),
    Kind.STATEMENT_APPROVAL: ("statement", _statement_draft, _approve_statement),
    Kind.STATEMENT_OVERDUE: ("statement", _statement_unpaid, _pay),
    Kind.CONTRACT_ENDING: ("contract", _contract_ending, _extend),
    Kind.USAGE_EXPIRING: ("contract", _usage_expiring, _extend_usage),
    Kind.MEETING_DUE: ("partnership", _meeting_due, _meet),
    Kind.NEXT_STEP_DUE: ("next_step", _next_step_due, _do_step),
    Kind.RISK_REVIEW: ("risk", _risk_review, _close_risk),
}


def test_every_kind_has_a_case():
    assert set(CASES) == set(Kind.values)


@pytest.mark.parametrize("kind", list(CASES))
def test_each_kind_appears_links_to_its_page_and_disappears_when_resolved(brand, kind):
    subject_type, make, resolve = CASES[kind]
    subject, page = make(brand)

    reminders.send_reminders(now=NOW)

    (reminder,) = _open(brand)
    assert (reminder.kind, reminder.subject_type, reminder.subject_id) == (
        kind,
        subject_type,
        subject.pk,
    )
    assert reminder.url == page
    assert reminder.first_seen == TODAY
    assert reminder.title

    run = reminders.send_reminders(now=NOW, day=resolve(subject))

    assert _open(brand) == []
    assert run.resolved == 1
    reminder.refresh_from_db()
    assert reminder.resolved_at == NOW


def test_a_run_on_the_same_day_again_changes_nothing(brand):
    for _, make, _ in CASES.values():
        make(brand)
    first = reminders.send_reminders(now=NOW)
    rows = list(Reminder.objects.values())
    again = reminders.send_reminders(now=NOW + timedelta(hours=3))
    assert first.open == again.open == len(Kind.values)
    assert again.resolved == 0
    assert list(Reminder.objects.values()) == rows


def test_titles_say_what_and_when_in_plain_words(brand):
    contract = _contract(brand, title="Autumn wigs")
    contract.partnership.influencer.name = "Anna Sokolova"
    contract.partnership.influencer.save()
    factories.DeliverableFactory(contract=contract, due_date=TODAY - timedelta(2))
    factories.CompensationTermFactory(contract=contract, due_date=TODAY + timedelta(3))
    factories.StatementFactory(
        contract=contract, status="approved", due_date=date(2026, 11, 20), total="1250.00"
    )

    titles = {item.kind: item.title for item in reminders.attention(brand, TODAY)}

    assert titles == {
        Kind.DELIVERABLE_DUE: "Anna Sokolova: 1 × Video on YouTube for “Autumn wigs”, "
        "due 21 Nov 2026",
        Kind.INSTALLMENT_DUE: "$500.00 to Anna Sokolova under “Autumn wigs”, due 26 Nov 2026",
        Kind.STATEMENT_OVERDUE: "Statement of $1,250.00 for Anna Sokolova, 1 Nov 2026 to "
        "30 Nov 2026, not paid by its due date, 20 Nov 2026",
    }


def test_deliverables_are_due_three_days_ahead_and_until_enough_items_are_published(brand):
    contract = _contract(brand)
    later = factories.DeliverableFactory(contract=contract, due_date=TODAY + timedelta(4))
    soon = factories.DeliverableFactory(contract=contract, due_date=TODAY + timedelta(3))
    two = factories.DeliverableFactory(contract=contract, due_date=TODAY, quantity=2)
    participant = factories.ParticipantFactory(contract=contract)
    factories.ContentItemFactory(
        participant=participant, deliverable=two, status="published", published_at=NOW
    )
    factories.ContentItemFactory(participant=participant, deliverable=two, status="approved")
    draft = _contract(brand, status="draft")
    factories.DeliverableFactory(contract=draft, due_date=TODAY)

    due = {item.subject_id: item for item in reminders.attention(brand, TODAY)}

    assert set(due) == {soon.pk, two.pk}
    assert later.pk not in due
    assert "(1 published)" in due[two.pk].title


def test_content_waits_two_days_by_the_brands_calendar(brand):
    participant = _participant(brand)
    # 23:30 on 21 Nov in Shanghai, 15:30 UTC: two days later is 23 Nov there.
    late_evening = factories.ContentItemFactory(
        participant=participant, submitted_at=datetime(2026, 11, 21, 15, 30, tzinfo=UTC)
    )
    # 00:30 on 22 Nov in Shanghai, although still 21 Nov in UTC.
    after_midnight = factories.ContentItemFactory(
        participant=participant, submitted_at=datetime(2026, 11, 21, 16, 30, tzinfo=UTC)
    )

    waiting = reminders.attention(brand, TODAY)

    assert [item.subject_id for item in waiting] == [late_evening.pk]
    assert waiting[0].due_on == TODAY
    assert after_midnight.pk in {
        item.subject_id for item in reminders.attention(brand, TODAY + timedelta(1))
    }


def test_a_shipment_that_went_out_late_needs_nothing_more(brand):
    factories.ShipmentFactory(
        participant=_participant(brand), status="delivered", shipped_on=date(2026, 11, 15)
    )
    on_time = factories.ShipmentFactory(participant=_participant(brand), requested_on=TODAY)
    assert reminders.attention(brand, TODAY) == []
    assert [item.subject_id for item in reminders.attention(brand, TODAY + timedelta(11))] == [
        on_time.pk
    ]


def test_statements_carried_forward_or_not_yet_due_need_no_payment(brand):
    contract = _contract(brand)
    factories.StatementFactory(
        contract=contract, status="approved", payable=False, due_date=TODAY - timedelta(5)
    )
    factories.StatementFactory(
        contract=contract,
        period_start=date(2026, 10, 1),
        period_end=date(2026, 11, 1),
        status="approved",
        due_date=TODAY,
    )
    assert reminders.attention(brand, TODAY) == []


def test_usage_rights_run_from_signing_or_else_from_the_start(brand):
    unsigned = _contract(brand, start=date(2026, 10, 31), usage_months=1)
    signed = _contract(
        brand,
        start=date(2026, 10, 1),
        usage_months=1,
        # 1 Nov in Shanghai, still 31 Oct in UTC
        signed_at=datetime(2026, 10, 31, 17, 0, tzinfo=UTC),
    )
    assert reminders.usage_expires(unsigned, brand) == date(2026, 11, 30)
    assert reminders.usage_expires(signed, brand) == date(2026, 12, 1)
    assert reminders.usage_expires(_contract(brand), brand) is None


def test_terminated_contracts_have_no_usage_rights_or_end_to_remind_of(brand):
    _contract(brand, status="terminated", end=TODAY + timedelta(5), usage_months=1)
    _contract(brand, status="completed", end=TODAY + timedelta(5))
    assert reminders.attention(brand, TODAY) == []


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 11, 15), 2, date(2027, 1, 15)),
        (date(2026, 3, 31), 12, date(2027, 3, 31)),
        (date(2026, 5, 1), 0, date(2026, 5, 1)),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_months_last(day, months, expected):
    assert reminders.add_months(day, months) == expected


def test_another_brands_rows_never_become_its_reminders(brand, other_brand):
    for _, make, _ in CASES.values():
        make(other_brand)
    reminders.send_reminders(now=NOW)
    assert _open(brand) == []
    assert len(_open(other_brand)) == len(Kind.values)


def test_attention_reads_a_fixed_number_of_queries(brand):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            reminders.attention(brand, TODAY)
        return len(captured)

    for _, make, _ in CASES.values():
        make(brand)
    few = queries()
    for _ in range(4):
        for _, make, _ in CASES.values():
            make(brand)
    assert len(reminders.attention(brand, TODAY)) == 5 * len(Kind.values)
    assert queries() == few


@pytest.mark.urls(__name__)
def test_links_fall_back_to_the_contract_page_when_a_page_is_missing(brand):
    item, _ = _content_waiting(brand)
    (reminder,) = reminders.attention(brand, TODAY)
    assert reminder.url == reverse("contracts:detail", args=[item.participant.contract_id])


def test_a_reminder_that_comes_back_reopens_with_its_history(brand):
    deliverable, _ = _deliverable_due(brand)
    reminders.send_reminders(now=NOW)
    deliverable.contract.status = "signed"
    deliverable.contract.save()
    deliverable.due_date = TODAY + timedelta(30)
    deliverable.save()
    reminders.send_reminders(now=NOW)
    deliverable.due_date = TODAY + timedelta(2)
    deliverable.save()
    reminders.send_reminders(now=NOW + timedelta(days=1), day=TODAY + timedelta(1))

    (reminder,) = Reminder.objects.all()
    assert reminder.resolved_at is None
    assert reminder.first_seen == TODAY + timedelta(1)
    assert reminder.due_on == TODAY + timedelta(2)


# --- e-mail ----------------------------------------------------------------------------------


@pytest.fixture
def team(brand, other_brand):
    """Who works in the brand: owner and manager get reminders, finance and viewers do not."""
    people = {}
    for role in Role:
        user = factories.UserFactory(username=f"{role}", first_name=role.label)
        factories.MembershipFactory(user=user, brand=brand, role=role)
        people[role] = user
    outsider = factories.UserFactory(username="outsider")
    factories.MembershipFactory(user=outsider, brand=other_brand, role=Role.OWNER)
    no_address = factories.UserFactory(username="noaddress", email="")
    factories.MembershipFactory(user=no_address, brand=brand, role=Role.MANAGER)
    return people


def test_owners_and_managers_get_one_digest_each_with_links(
    brand, team, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://partnerships.example.com/"
    _, page = _deliverable_due(brand)
    _, statement_page = _statement_draft(brand)

    with django_capture_on_commit_callbacks(execute=True):
        run = reminders.send_reminders(now=NOW)

    assert run.mailed == 2
    assert sorted(mail.to[0] for mail in mailoutbox) == ["manager@example.com", "owner@example.com"]
    mail = mailoutbox[0]
    assert mail.subject == f"{brand.name}: 2 things to attend to"
    assert "Hello Manager," in mail.body
    assert "Deliverables due\n- " in mail.body
    assert f"https://partnerships.example.com{page}\n" in mail.body
    assert f"https://partnerships.example.com{statement_page}\n" in mail.body
    assert "https://partnerships.example.com/reminders/" in mail.body
    assert f"in {brand.name} today, 23 Nov 2026:" in mail.body


def test_each_subject_is_mailed_once_a_day_however_often_the_run_goes(
    brand, team, mailoutbox, django_capture_on_commit_callbacks
):
    _deliverable_due(brand)
    with django_capture_on_commit_callbacks(execute=True):
        reminders.send_reminders(now=NOW)
        again = reminders.send_reminders(now=NOW + timedelta(hours=5))
    assert again.mailed == 0
    assert len(mailoutbox) == 2

    _statement_draft(brand)
    with django_capture_on_commit_callbacks(execute=True):
        reminders.send_reminders(now=NOW + timedelta(hours=6))
    # only what was new since the morning
    assert len(mailoutbox) == 4
    assert "Statements awaiting approval" in mailoutbox[-1].body
    assert "Deliverables due" not in mailoutbox[-1].body

    with django_capture_on_commit_callbacks(execute=True):
        reminders.send_reminders(now=NOW + timedelta(days=1))
    # the next day, everything still open once more
    assert len(mailoutbox) == 6
    assert "1 × Video" in mailoutbox[-1].body
    assert "Statements awaiting approval" in mailoutbox[-1].body


@pytest.mark.postgres
def test_two_runs_at_once_mail_each_subject_once(transactional_db, brand, team, mailoutbox):
    _deliverable_due(brand)
    start = threading.Barrier(2)
    errors = []

    def run() -> None:
        start.wait()
        try:
            reminders.send_reminders(now=NOW)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    runs = [threading.Thread(target=run) for _ in range(2)]
    for thread in runs:
        thread.start()
    for thread in runs:
        thread.join()

    assert errors == []
    assert sorted(mail.to[0] for mail in mailoutbox) == ["manager@example.com", "owner@example.com"]
    assert Reminder.objects.count() == 1


def test_mail_leaves_only_when_the_run_commits(
    brand, team, mailoutbox, django_capture_on_commit_callbacks
):
    _deliverable_due(brand)
    with django_capture_on_commit_callbacks() as callbacks:
        reminders.send_reminders(now=NOW)
    assert mailoutbox == []
    assert len(callbacks) == 1
    assert Reminder.objects.get().last_sent_on == TODAY


def test_without_anyone_to_tell_nothing_counts_as_sent(brand, mailoutbox):
    _deliverable_due(brand)
    run = reminders.send_reminders(now=NOW)
    assert (run.open, run.mailed) == (1, 0)
    assert Reminder.objects.get().last_sent_on is None


def test_nothing_to_attend_to_sends_nothing(
    brand, team, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.send_reminders(now=NOW).mailed == 0
    assert mailoutbox == []


# --- command, task and schedule ----------------------------------------------------------------


def test_command_runs_one_brand_on_a_given_day(brand, other_brand, team, capsys, mailoutbox):
    _installment_due(brand)
    _installment_due(other_brand)
    call_command("send_reminders", "--brand", brand.slug, "--date", "2026-11-22")
    assert capsys.readouterr().out.strip() == "1 open reminder(s), 0 resolved, 2 e-mail(s) sent."
    assert Reminder.objects.get().brand == brand


def test_command_refuses_an_unknown_brand_or_a_bad_date(brand):
    with pytest.raises(CommandError, match="No brand with slug 'nobody'"):
        call_command("send_reminders", "--brand", "nobody")
    with pytest.raises(CommandError, match="is not a date"):
        call_command("send_reminders", "--date", "23/11/2026")


def test_task_runs_every_brand_and_counts_the_mails(brand, other_brand, team):
    _deliverable_due(brand)
    _deliverable_due(other_brand)
    # owner and manager of one brand, the owner of the other
    assert tasks.send_daily_reminders.delay(TODAY.isoformat()).get() == 3
    assert Reminder.objects.filter(resolved_at=None).count() == 2


def test_the_daily_schedule_is_installed():
    task = PeriodicTask.objects.get(task="partnerships.tasks.send_daily_reminders")
    assert task.enabled
    assert (task.crontab.minute, task.crontab.hour, task.crontab.day_of_week) == ("0", "5", "*")


@pytest.mark.postgres
@pytest.mark.redis
def test_a_worker_sends_the_daily_reminders_once_a_day(worker, brand, team):
    _deliverable_due(brand)
    _statement_unpaid(brand)
    send = partial(
        app.send_task,
        "partnerships.tasks.send_daily_reminders",
        args=[TODAY.isoformat()],
        queue=worker,
        ignore_result=False,
    )

    assert send().get(timeout=60) == 2
    assert send().get(timeout=60) == 0

    assert {reminder.kind for reminder in Reminder.objects.all()} == {
        Kind.DELIVERABLE_DUE,
        Kind.STATEMENT_OVERDUE,
    }
    assert set(Reminder.objects.values_list("last_sent_on", flat=True)) == {TODAY}
