"""Every e-mail goes out in its recipient's language: a brand member's reminders in theirs,
a creator's e-mails in the creator's (their portal choice, else their record's languages)."""

from datetime import UTC, date, datetime

import pytest
from django.urls import reverse
from django.utils import translation

from contracts import workflow
from contracts.models import Contract
from partnerships.formatting import format_date
from partnerships.models import Profile, Role
from partnerships.workspace import reminders
from portal import digests, invitations
from portal.models import CreatorLink
from tests import factories

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)


def _member(brand, username: str, role: str, **profile) -> None:
    user = factories.UserFactory(username=username, email=f"{username}@example.com")
    factories.MembershipFactory(user=user, brand=brand, role=role)
    if profile:
        Profile.objects.create(user=user, **profile)


def test_a_brands_reminders_are_written_in_each_recipients_language(
    brand, mailoutbox, django_capture_on_commit_callbacks
):
    _member(brand, "owner", Role.OWNER, language="ru")
    _member(brand, "manager", Role.MANAGER, browser_language="zh-hans")
    _member(brand, "other", Role.MANAGER)
    contract = factories.ContractFactory(partnership__influencer__brand=brand)
    factories.DeliverableFactory(contract=contract, due_date=date(2026, 11, 23))

    with django_capture_on_commit_callbacks(execute=True):
        reminders.send_reminders(now=NOW)

    subjects = {mail.to[0]: mail.subject for mail in mailoutbox}
    assert subjects == {
        "owner@example.com": f"{brand.name}: 1 дело требует внимания",
        "manager@example.com": f"{brand.name}：1 件事项需要处理",
        "other@example.com": f"{brand.name}: 1 thing to attend to",
    }


@pytest.fixture
def influencer(brand):
    return factories.InfluencerFactory(brand=brand, name="Анна", languages=["es", "ru"])


def test_an_invitation_is_written_in_the_influencers_language(
    influencer, brand_manager, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitations.invite(influencer, email="anna@example.com", by=brand_manager, now=NOW)
    [mail] = mailoutbox
    assert mail.subject == f"{influencer.brand.name} приглашает вас в кабинет автора"


def test_a_creators_e_mails_follow_the_language_chosen_in_the_portal(
    influencer, mailoutbox, django_capture_on_commit_callbacks
):
    creator = factories.UserFactory(username="anna", email="anna@example.com")
    CreatorLink.objects.create(user=creator, influencer=influencer)
    Profile.objects.create(user=creator, language="zh-hans")
    offer = factories.ContractFactory(
        partnership__influencer=influencer, status=Contract.Status.DRAFT, title="Winter"
    )

    with django_capture_on_commit_callbacks(execute=True):
        workflow.move(offer, Contract.Status.NEGOTIATING, now=NOW)
    assert digests.send_digests(now=NOW) == 1

    notice, digest = mailoutbox
    assert notice.body.startswith("Анна，您好：")
    assert digest.subject == "达人中心有待您处理的事项"


def test_a_reminder_reads_in_the_language_of_whoever_reads_it(
    client, brand, brand_manager, mailoutbox, django_capture_on_commit_callbacks
):
    _member(brand, "owner", Role.OWNER, language="zh-hans")
    contract = factories.ContractFactory(
        partnership__influencer__brand=brand, partnership__influencer__name="Анна", title="Весна"
    )
    factories.DeliverableFactory(contract=contract, due_date=date(2026, 11, 23))
    with django_capture_on_commit_callbacks(execute=True):
        reminders.send_reminders(now=NOW)
    [mail] = [mail for mail in mailoutbox if mail.to == ["owner@example.com"]]
    assert "Анна：" in mail.body
    assert "，用于“Весна”，截止 2026年11月23日" in mail.body

    client.force_login(brand_manager)
    page = client.get(reverse("reminders"), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    with translation.override("ru"):
        assert f"по «Весна», срок {format_date(date(2026, 11, 23))}" in page
    english = client.get(reverse("reminders")).content.decode()
    assert "for “Весна”, due 23 Nov 2026" in english
