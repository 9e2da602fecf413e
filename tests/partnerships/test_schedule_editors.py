"""Staff who serve brands edit the job schedules; nobody else does."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django_celery_beat.models import PeriodicTask

from partnerships import schedules

pytestmark = pytest.mark.django_db

SCHEDULES = "/admin/django_celery_beat/periodictask/"


def _signed_in(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def test_the_migration_gives_the_group_every_schedule_permission():
    group = Group.objects.get(name=schedules.SCHEDULE_EDITORS)
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"view_periodictask", "change_periodictask", "add_crontabschedule"} <= codenames
    assert all(name.split("_", 1)[1] in schedules.SCHEDULE_MODELS for name in codenames)


def test_demo_agency_user_moves_the_settlement_hour():
    call_command("seed_demo", force=True)
    agency = _signed_in("agency")
    assert agency.get(SCHEDULES).status_code == 200
    task = PeriodicTask.objects.get(name="Settle ended periods (daily)")
    page = agency.get(f"{SCHEDULES}{task.pk}/change/")
    assert page.status_code == 200
    assert "Save" in page.content.decode()


def test_everyone_else_is_kept_out_of_the_schedules():
    call_command("seed_demo", force=True)
    # finance works in the admin but is not in the group; demo does not work in the admin
    assert _signed_in("finance").get(SCHEDULES).status_code == 403
    response = _signed_in("demo").get(SCHEDULES)
    assert response.status_code == 302
    assert "/admin/login/" in response.url
