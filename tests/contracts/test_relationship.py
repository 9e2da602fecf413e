"""The partnership page, where the relationship is run (DESIGN §11): settings edited in place,
the meeting log with next steps and the next meeting due, the message thread, the timeline."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contracts import messaging, timeline
from contracts.models import Meeting, Message, NextStep, Partnership, next_meeting_on
from partnerships.models import Role
from partnerships.workspace import reminders
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def partnership(brand, brand_manager):
    return factories.PartnershipFactory(
        influencer__brand=brand,
        influencer__name="Anna Silk",
        influencer__contact_email="anna@example.com",
        owner=brand_manager,
        since=date(2026, 9, 1),
        meeting_cadence="monthly",
    )


def _url(partnership, name="contracts:partnership") -> str:
    return reverse(name, args=[partnership.pk])


def _steps(*rows: tuple[str, str, str]) -> dict:
    data = {"steps-TOTAL_FORMS": str(len(rows)), "steps-INITIAL_FORMS": "0"}
    for i, (description, owner, due) in enumerate(rows):
        data |= {
            f"steps-{i}-description": description,
            f"steps-{i}-owner": owner,
            f"steps-{i}-due_on": due,
        }
    return data


def _meeting_post(held_on="2026-11-10", steps=(), **fields) -> dict:
    return {
        "meeting-held_on": held_on,
        "meeting-attendees": "Anna, Lee",
        "meeting-agenda": "Spring launch",
        "meeting-notes": "Anna wants more lace-front wigs.",
        **{f"meeting-{k}": v for k, v in fields.items()},
        **_steps(*steps),
    }


# --- the relationship, edited in place -------------------------------------------------------


def test_manager_edits_goals_owner_and_cadence_in_place(client, brand_manager, partnership, brand):
    colleague = factories.UserFactory(username="lee", first_name="Lee")
    factories.MembershipFactory(user=colleague, brand=brand, role=Role.OWNER)
    client.force_login(brand_manager)

    form = client.get(_url(partnership, "contracts:partnership_edit"), HTTP_HX_REQUEST="true")
    assert form.status_code == 200
    assert "<html" not in form.content.decode()
    response = client.post(
        _url(partnership, "contracts:partnership_edit"),
        {
            "owner": colleague.pk,
            "status": "active",
            "since": "2026-09-01",
            "liaison": "Mia (Anna's manager)",
            "meeting_cadence": "weekly",
            "influencer_goals": "A steady income",
            "brand_goals": "Sales in the US",
        },
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="relationship"' in html
    assert "Saved." in html
    assert "Weekly" in html
    partnership.refresh_from_db()
    assert partnership.owner == colleague
    assert partnership.meeting_cadence == "weekly"
    assert (partnership.liaison, partnership.brand_goals) == (
        "Mia (Anna's manager)",
        "Sales in the US",
    )


def test_owner_from_another_brand_is_refused_with_the_field_named(
    client, brand_manager, partnership, other_brand_manager
):
    client.force_login(brand_manager)
    response = client.post(
        _url(partnership, "contracts:partnership_edit"),
        {"owner": other_brand_manager.pk, "status": "active", "meeting_cadence": "monthly"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    partnership.refresh_from_db()
    assert partnership.owner.username == "manager"


@pytest.mark.parametrize("role", ["finance", "viewer"])
def test_finance_and_viewers_read_the_page_but_change_nothing(client, request, partnership, role):
    user = request.getfixturevalue(role)
    client.force_login(user)
    page = client.get(_url(partnership)).content.decode()

    assert "Anna Silk" in page
    assert 'id="timeline"' in page
    for form in ("record-meeting", "message-form", "partnership_edit"):
        assert form not in page
    assert client.get(_url(partnership, "contracts:partnership_edit")).status_code == 403
    assert (
        client.post(_url(partnership, "contracts:meeting_create"), _meeting_post()).status_code
        == 403
    )
    assert (
        client.post(
            _url(partnership, "contracts:message_create"), {"message-body": "Hi"}
        ).status_code
        == 403
    )
    assert not Meeting.objects.exists()
    assert not Message.objects.exists()


# --- meetings and next steps -----------------------------------------------------------------


def test_recording_a_meeting_logs_it_with_next_steps_and_moves_the_next_meeting(
    client, brand_manager, partnership
):
    client.force_login(brand_manager)
    response = client.post(
        _url(partnership, "contracts:meeting_create"),
        _meeting_post(
            held_on="2026-11-10",
            steps=[
                ("Send the spring brief", str(brand_manager.pk), "2026-11-14"),
                ("Share audience figures", "", "2026-11-20"),
            ],
        ),
        follow=True,
    )

    assert response.status_code == 200
    meeting = Meeting.objects.get()
    assert (meeting.held_on, meeting.recorded_by) == (date(2026, 11, 10), brand_manager)
    assert [(s.description, s.owner) for s in meeting.next_steps.all()] == [
        ("Send the spring brief", brand_manager),
        ("Share audience figures", None),
    ]
    page = response.content.decode()
    assert "Recorded the meeting of 10 Nov 2026" in page
    assert "Anna wants more lace-front wigs." in page
    assert "Share audience figures" in page
    assert "The influencer" in page
    # Monthly after 10 Nov.
    assert response.context["next_meeting"] == date(2026, 12, 10)
    assert "10 Dec 2026" in page


def test_a_meeting_without_a_date_is_refused_and_nothing_is_saved(
    client, brand_manager, partnership
):
    client.force_login(brand_manager)
    response = client.post(
        _url(partnership, "contracts:meeting_create"),
        _meeting_post(held_on="", steps=[("Send the brief", "", "not a date")]),
    )

    assert response.status_code == 400
    assert response.context["meeting_form"].errors["held_on"]
    assert response.context["step_forms"].errors[0]["due_on"]
    assert not Meeting.objects.exists()
    assert not NextStep.objects.exists()


def test_marking_a_next_step_done_takes_it_off_the_open_list(client, brand_manager, partnership):
    step = factories.NextStepFactory(meeting__partnership=partnership, description="Ship samples")
    client.force_login(brand_manager)

    response = client.post(
        reverse("contracts:step_done", args=[step.pk]), {"done": "1"}, follow=True
    )

    step.refresh_from_db()
    assert step.done_at is not None
    assert response.context["steps"] == []
    assert "“Ship samples” is done" in response.content.decode()


@pytest.mark.parametrize(
    ("cadence", "last", "since", "due"),
    [
        ("weekly", date(2026, 11, 2), None, date(2026, 11, 9)),
        ("fortnightly", date(2026, 11, 2), None, date(2026, 11, 16)),
        ("monthly", date(2027, 1, 31), None, date(2027, 2, 28)),
        ("quarterly", date(2026, 11, 30), None, date(2027, 2, 28)),
        ("monthly", None, date(2026, 9, 1), date(2026, 9, 1)),
        ("monthly", None, None, None),
        ("ad_hoc", date(2026, 11, 2), None, None),
    ],
)
def test_next_meeting_follows_the_cadence_from_the_last_meeting(cadence, last, since, due):
    assert next_meeting_on(cadence, "active", last, since) == due


def test_a_paused_partnership_has_no_meeting_due():
    assert next_meeting_on("weekly", "paused", date(2026, 11, 2), None) is None


# --- messages --------------------------------------------------------------------------------


def test_a_member_writes_and_the_influencer_is_told_by_email(
    client, brand_manager, partnership, django_capture_on_commit_callbacks
):
    client.force_login(brand_manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _url(partnership, "contracts:message_create"),
            {"message-body": "Your samples ship on Monday."},
            follow=True,
        )

    message = Message.objects.get()
    assert (message.side, message.author, message.recorded_by) == ("brand", brand_manager, None)
    assert "Your samples ship on Monday." in response.content.decode()
    (notice,) = mail.outbox
    assert notice.to == ["anna@example.com"]
    assert "Your samples ship on Monday." in notice.body


def test_recording_a_message_received_shows_it_from_the_influencer_without_mailing(
    client, brand_manager, partnership, django_capture_on_commit_callbacks
):
    client.force_login(brand_manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _url(partnership, "contracts:message_create"),
            {"message-body": "Called: the wig was too long.", "message-received": "on"},
            follow=True,
        )

    message = Message.objects.get()
    assert (message.side, message.author, message.recorded_by) == (
        "influencer",
        None,
        brand_manager,
    )
    assert message.read_at is not None
    assert "recorded by" in response.content.decode()
    # The brand's only recipient recorded it; the influencer sent it.
    assert mail.outbox == []


def test_an_empty_message_is_refused_with_the_field_named(client, brand_manager, partnership):
    client.force_login(brand_manager)
    response = client.post(_url(partnership, "contracts:message_create"), {"message-body": "  "})

    assert response.status_code == 400
    assert response.context["message_form"].errors["body"]
    assert not Message.objects.exists()


def test_a_message_from_the_portal_side_mails_the_owner_and_counts_as_unread_until_opened(
    client, brand_manager, partnership, django_capture_on_commit_callbacks
):
    brand_manager.email = "manager@example.com"
    brand_manager.save()
    creator = factories.UserFactory(username="anna")
    with django_capture_on_commit_callbacks(execute=True):
        messaging.post(
            partnership,
            side="influencer",
            body="Can we move the shoot?",
            by=creator,
            now=datetime(2026, 11, 3, 9, 0, tzinfo=UTC),
        )
    (notice,) = mail.outbox
    assert notice.to == ["manager@example.com"]
    assert _url(partnership) in notice.body
    partnerships = Partnership.objects.filter(pk=partnership.pk)
    assert messaging.unread_counts(partnerships, reader="brand") == {partnership.pk: 1}
    assert messaging.unread_counts(partnerships, reader="influencer") == {}

    client.force_login(brand_manager)
    page = client.get(_url(partnership)).content.decode()
    assert "1 new message" in page
    assert "Can we move the shoot?" in page

    assert messaging.unread_counts(partnerships, reader="brand") == {}
    assert "new message" not in client.get(_url(partnership)).content.decode()


# --- the timeline ----------------------------------------------------------------------------


def _history(partnership, n: int, start: datetime, apart: timedelta = timedelta(hours=1)) -> None:
    """n of each kind of event, `apart` from each other from `start` on."""
    contract = factories.ContractFactory(partnership=partnership, signed_at=start)
    participant = factories.ParticipantFactory(contract=contract)
    deliverable = factories.DeliverableFactory(contract=contract)
    for i in range(n):
        at = start + i * apart
        factories.ContentItemFactory(
            participant=participant,
            deliverable=deliverable,
            status="published",
            submitted_at=at,
            approved_at=at,
            published_at=at,
        )
        factories.ShipmentFactory(
            participant=participant, requested_on=at.date(), shipped_on=at.date(), status="shipped"
        )
        factories.StatementFactory(
            contract=contract,
            period_start=date(2020 + i, 1, 1),
            period_end=date(2020 + i, 2, 1),
            status="paid",
            approved_at=at,
            paid_on=at.date(),
        )
        factories.MeetingFactory(partnership=partnership, held_on=at.date())
        factories.MessageFactory(partnership=partnership, sent_at=at)
        risk = factories.RiskAssessmentFactory(influencer=partnership.influencer)
        risk.history.update(history_date=at)


def test_timeline_has_every_kind_of_event_newest_first(partnership):
    _history(partnership, 1, datetime(2026, 10, 5, 9, 0, tzinfo=UTC))
    factories.MessageFactory(
        partnership=partnership, sent_at=datetime(2026, 11, 30, 9, 0, tzinfo=UTC), body="Latest"
    )

    page = timeline.page(partnership)

    groups = {event.group for event in page.events}
    assert groups == set(timeline.GROUPS)
    messages = [event for event in page.events if event.group == "messages"]
    assert [event.detail for event in messages] == ["Latest", "Samples arrived, thank you!"]
    keys = [
        e.at if isinstance(e.at, datetime) else datetime.combine(e.at, datetime.min.time(), UTC)
        for e in page.events
    ]
    assert keys == sorted(keys, reverse=True)
    titles = " | ".join(event.title for event in page.events)
    expected = [
        "signed",
        "Joined the campaign",
        "submitted",
        "approved",
        "published",
        "Samples shipped",
        "Meeting with",
        "Message from the influencer",
        "risk added",
    ]
    assert [words for words in expected if words not in titles] == []


def test_timeline_filters_by_kind_and_pages(client, brand_manager, partnership):
    _history(partnership, 25, datetime(2026, 10, 5, 9, 0, tzinfo=UTC))
    client.force_login(brand_manager)

    first = client.get(
        _url(partnership), {"section": "timeline", "kind": "meetings"}, HTTP_HX_REQUEST="true"
    )
    assert first.status_code == 200
    assert "<html" not in first.content.decode()
    events = first.context["timeline"].events
    assert len(events) == timeline.PAGE_SIZE
    assert {event.group for event in events} == {"meetings"}
    assert first.context["timeline"].has_next

    second = client.get(
        _url(partnership),
        {"section": "timeline", "kind": "meetings", "page": "2"},
        HTTP_HX_REQUEST="true",
    )
    rest = second.context["timeline"]
    assert len(rest.events) == 25 - timeline.PAGE_SIZE
    assert not rest.has_next
    assert {e.url for e in events}.isdisjoint({e.url for e in rest.events})


def test_an_unknown_timeline_kind_says_so_and_shows_everything(client, brand_manager, partnership):
    factories.MeetingFactory(partnership=partnership)
    client.force_login(brand_manager)
    response = client.get(_url(partnership), {"kind": "gossip"})

    assert response.status_code == 200
    assert "there is no kind “gossip”" in response.content.decode()
    assert response.context["timeline_kind"] == ""


def test_page_queries_do_not_grow_with_the_history(client, brand_manager, partnership):
    client.force_login(brand_manager)

    def count() -> int:
        client.get(_url(partnership))
        with CaptureQueriesContext(connection) as captured:
            client.get(_url(partnership))
        with CaptureQueriesContext(connection) as paged:
            client.get(
                _url(partnership), {"section": "timeline", "page": "2"}, HTTP_HX_REQUEST="true"
            )
        return len(captured), len(paged)

    # A day apart, so that each page of the timeline shows every kind of event.
    _history(partnership, 5, datetime(2026, 10, 5, 9, 0, tzinfo=UTC), timedelta(days=1))
    few = count()
    _history(partnership, 20, datetime(2025, 10, 5, 9, 0, tzinfo=UTC), timedelta(days=1))
    for step in range(5):
        factories.NextStepFactory(meeting=partnership.meetings.first(), description=f"Step {step}")
    assert count() == few


def test_other_brands_partnership_timeline_is_404(client, other_brand_manager, partnership):
    client.force_login(other_brand_manager)
    response = client.get(_url(partnership), {"section": "timeline"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 404


def test_now_is_not_needed_by_the_timeline_of_a_new_partnership(partnership):
    assert timeline.page(partnership).events == []
    assert timezone.now()


# --- the pipeline board ----------------------------------------------------------------------


def _card(response, influencer) -> str:
    html = response.content.decode()
    start = html.index(f'data-influencer="{influencer.pk}"')
    return html[start : html.index("</article>", start)]


def test_board_finds_by_name_and_by_owner(client, brand_manager, brand, partnership):
    colleague = factories.UserFactory(username="lee", first_name="Lee")
    factories.MembershipFactory(user=colleague, brand=brand, role=Role.MANAGER)
    other = factories.PartnershipFactory(
        influencer__brand=brand, influencer__name="Bo Lace", owner=colleague
    )
    client.force_login(brand_manager)
    board = reverse("contracts:board")

    def names(**query) -> set[str]:
        response = client.get(board, query, HTTP_HX_REQUEST="true")
        return {i.name for _, _, cards in response.context["columns"] for i in cards}

    assert names() == {"Anna Silk", "Bo Lace"}
    assert names(q="silk") == {"Anna Silk"}
    assert names(owner=colleague.pk) == {other.influencer.name}
    assert names(q="silk", owner=colleague.pk) == set()
    response = client.get(board, {"owner": "nobody"}, follow=True)
    assert "Owner: Select a valid choice" in response.content.decode()
    assert sum(total for _, total, _ in response.context["columns"]) == 2


def test_board_card_shows_next_meeting_open_steps_and_new_messages(
    client, brand_manager, partnership
):
    meeting = factories.MeetingFactory(partnership=partnership, held_on=date(2026, 11, 2))
    factories.NextStepFactory.create_batch(2, meeting=meeting)
    factories.NextStepFactory(meeting=meeting, done_at=datetime(2026, 11, 5, tzinfo=UTC))
    factories.MessageFactory(partnership=partnership)
    client.force_login(brand_manager)

    card = _card(client.get(reverse("contracts:board")), partnership.influencer)

    assert "Next meeting" in card
    assert "2 Dec" in card
    assert "2 open next steps" in card
    assert "1 new" in card


def test_board_queries_do_not_grow_with_meetings_and_steps(client, brand_manager, brand):
    client.force_login(brand_manager)

    def count() -> int:
        client.get(reverse("contracts:board"), {"q": "a"})
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("contracts:board"), {"q": "a"})
        return len(captured)

    def add(n: int) -> None:
        for _ in range(n):
            meeting = factories.MeetingFactory(
                partnership__influencer__brand=brand, partnership__owner=brand_manager
            )
            factories.NextStepFactory.create_batch(2, meeting=meeting)
            factories.MessageFactory(partnership=meeting.partnership)

    add(2)
    few = count()
    add(8)
    assert count() == few


def test_a_next_step_due_shows_on_the_dashboards_attention_list(client, brand_manager, partnership):
    step = factories.NextStepFactory(
        meeting__partnership=partnership,
        description="Ship the winter gowns",
        due_on=timezone.localdate(),
    )
    reminders.send_reminders(now=timezone.now())
    client.force_login(brand_manager)

    attention = client.get(reverse("dashboard")).content.decode()

    assert "Next steps due" in attention
    assert "“Ship the winter gowns”" in attention
    assert f"/partnerships/{step.meeting.partnership_id}/#next-steps" in attention


def test_a_next_step_done_leaves_the_attention_list_at_once(
    client, brand_manager, partnership, brand, django_capture_on_commit_callbacks
):
    step = factories.NextStepFactory(meeting__partnership=partnership, due_on=timezone.localdate())
    reminders.send_reminders(now=timezone.now())

    def kinds() -> set[str]:
        return {reminder.kind for reminder in reminders.open_reminders(brand)}

    assert "next_step_due" in kinds()
    client.force_login(brand_manager)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("contracts:step_done", args=[step.pk]), {"done": "1"})

    assert "next_step_due" not in kinds()
