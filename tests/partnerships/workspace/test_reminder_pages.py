from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from partnerships.models import Reminder
from tests import factories

pytestmark = pytest.mark.django_db

Kind = Reminder.Kind


def _reminder(brand, **fields) -> Reminder:
    return factories.ReminderFactory(brand=brand, **fields)


def _today(brand) -> date:
    return timezone.localdate(timezone=brand.timezone)


def test_reminders_page_groups_open_reminders_by_kind_with_links(client, brand_manager, brand):
    today = _today(brand)
    deliverable = _reminder(brand, title="Anna: 1 × Video, due 23 Nov 2026", due_on=today)
    statement = _reminder(
        brand,
        kind=Kind.STATEMENT_APPROVAL,
        subject_type="statement",
        title="Statement of $500.00 for Anna awaits approval",
        url="/statements/7/",
        due_on=today - timedelta(3),
    )
    _reminder(brand, title="Already published", resolved_at=datetime(2026, 11, 1, tzinfo=UTC))
    client.force_login(brand_manager)

    response = client.get(reverse("reminders"))

    page = response.content.decode()
    assert [r.pk for r in response.context["page"].object_list] == [deliverable.pk, statement.pk]
    assert page.index("Deliverables due") < page.index("Statements awaiting approval")
    assert 'href="/statements/7/"' in page
    assert escape(deliverable.title) in page
    assert "overdue" in page  # the statement was due three days ago
    assert "Already published" not in page


def test_reminders_page_filters_by_kind_and_answers_htmx_with_the_list(
    client, brand_manager, brand
):
    _reminder(brand, title="A deliverable")
    _reminder(brand, kind=Kind.SHIPMENT_LATE, subject_type="shipment", title="A shipment")
    client.force_login(brand_manager)

    response = client.get(
        reverse("reminders"), {"kind": Kind.SHIPMENT_LATE}, HTTP_HX_REQUEST="true"
    )

    page = response.content.decode()
    assert [r.title for r in response.context["page"].object_list] == ["A shipment"]
    assert "<html" not in page
    assert 'id="reminders"' in page
    assert response.context["kinds"] == [
        (Kind.DELIVERABLE_DUE, "Deliverables due", 1),
        (Kind.SHIPMENT_LATE, "Shipments not shipped in time", 1),
    ]


def test_unknown_kind_shows_everything(client, brand_manager, brand):
    _reminder(brand)
    client.force_login(brand_manager)
    response = client.get(reverse("reminders"), {"kind": "nonsense"})
    assert len(response.context["page"].object_list) == 1


def test_reminders_page_paginates(client, brand_manager, brand):
    for _ in range(30):
        _reminder(brand)
    client.force_login(brand_manager)
    second = client.get(reverse("reminders"), {"page": 2})
    assert len(second.context["page"].object_list) == 5
    assert "Page 2 of 2" in second.content.decode()


def test_empty_reminders_page_says_so(client, brand_manager, brand):
    _reminder(brand, resolved_at=datetime(2026, 11, 1, tzinfo=UTC))
    client.force_login(brand_manager)
    assert "Nothing needs attention." in client.get(reverse("reminders")).content.decode()
    filtered = client.get(reverse("reminders"), {"kind": Kind.CONTRACT_ENDING})
    assert "Nothing of this kind needs attention." in filtered.content.decode()


def test_reminders_page_needs_sign_in(client):
    response = client.get(reverse("reminders"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_another_brands_reminders_never_show_on_the_page_or_in_the_header(
    client, other_brand_manager, brand, other_brand
):
    _reminder(brand, title="Lumière business")
    _reminder(brand, title="More Lumière business")
    _reminder(other_brand, title="Kestrel business")
    client.force_login(other_brand_manager)

    response = client.get(reverse("reminders"))

    page = response.content.decode()
    assert "Lumière business" not in page
    assert "Kestrel business" in page
    assert response.context["attention"].count == 1
    assert [kind for kind, _, _ in response.context["kinds"]] == [Kind.DELIVERABLE_DUE]


def test_switching_brand_switches_the_reminders(client, agency_staff, brand, other_brand):
    _reminder(brand, title="Lumière business")
    _reminder(other_brand, title="Kestrel business")
    client.force_login(agency_staff)
    client.post(reverse("switch_brand"), {"brand": brand.pk})
    assert "Kestrel business" not in client.get(reverse("reminders")).content.decode()
    client.post(reverse("switch_brand"), {"brand": other_brand.pk})
    page = client.get(reverse("reminders")).content.decode()
    assert "Kestrel business" in page
    assert "Lumière business" not in page


def test_header_shows_the_count_of_open_reminders(client, brand_manager, brand):
    for _ in range(3):
        _reminder(brand)
    _reminder(brand, resolved_at=datetime(2026, 11, 1, tzinfo=UTC))
    client.force_login(brand_manager)
    page = client.get(reverse("product_list")).content.decode()
    header = page[page.index('id="reminder-count"') :]
    assert header.split("</a>")[0].endswith(
        '<span class="badge rounded-pill text-bg-danger">3</span>'
    )


def test_header_count_costs_one_query(client, brand_manager, brand):
    client.force_login(brand_manager)
    url = reverse("product_list")
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    reminder_queries = [q["sql"] for q in captured if "partnerships_reminder" in q["sql"]]
    assert len(reminder_queries) == 1


def test_dashboard_lists_the_soonest_open_reminders(client, brand_manager, brand):
    today = _today(brand)
    for days in range(7):
        _reminder(brand, title=f"Due in {days} days", due_on=today + timedelta(days))
    client.force_login(brand_manager)

    page = client.get(reverse("dashboard")).content.decode()

    attention = page[page.index('id="attention"') :]
    assert "Due in 0 days" in attention
    assert "Due in 4 days" in attention
    assert "Due in 5 days" not in attention
    assert "All 7" in attention


def test_dashboard_says_when_nothing_needs_attention(client, brand_manager):
    client.force_login(brand_manager)
    assert "Nothing needs attention today." in client.get(reverse("dashboard")).content.decode()


def _queries(client, url: str) -> int:
    client.get(url)  # the first visit stores the current brand in the session
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("url_name", ["reminders", "dashboard"])
def test_page_queries_do_not_grow_with_reminders(client, brand_manager, brand, url_name):
    client.force_login(brand_manager)
    for kind in (Kind.DELIVERABLE_DUE, Kind.STATEMENT_OVERDUE):
        _reminder(brand, kind=kind)
    few = _queries(client, reverse(url_name))
    for kind in Kind.values:
        for _ in range(5):
            _reminder(brand, kind=kind)
    assert _queries(client, reverse(url_name)) == few


# --- admin -----------------------------------------------------------------------------------


def test_admin_lists_only_the_users_brands_reminders_and_filters_them(
    client, other_brand_manager, brand, other_brand
):
    _reminder(brand, title="Lumière business")
    _reminder(other_brand, title="Kestrel open")
    _reminder(other_brand, title="Kestrel done", resolved_at=datetime(2026, 11, 1, tzinfo=UTC))
    client.force_login(other_brand_manager)
    url = reverse("admin:partnerships_reminder_changelist")

    everything = client.get(url).content.decode()
    resolved = client.get(url, {"state": "resolved"}).content.decode()

    assert "Kestrel open" in everything
    assert "Kestrel done" in everything
    assert "Lumière business" not in everything
    assert "Kestrel done" in resolved
    assert "Kestrel open" not in resolved


def test_admin_shows_another_brands_reminder_as_404(client, other_brand_manager, brand):
    reminder = _reminder(brand)
    client.force_login(other_brand_manager)
    url = reverse("admin:partnerships_reminder_change", args=[reminder.pk])
    assert client.get(url).status_code == 404


def test_reminders_are_not_added_by_hand_in_the_admin(client, other_brand_manager):
    client.force_login(other_brand_manager)
    assert client.get(reverse("admin:partnerships_reminder_add")).status_code == 403
