"""The periodic jobs in django-celery-beat's schedule, installed by data migrations.

A daily job is a PeriodicTask on a crontab in UTC, a frequent one on an interval; staff change
either in the admin (Periodic tasks). The functions work on the migration's historical models
only.
"""

from collections.abc import Callable
from functools import partial
from typing import Any

RunPythonCode = Callable[[Any, Any], None]  # (apps, schema_editor)


def daily_task(
    *, name: str, task: str, hour: int, minute: int = 0, description: str
) -> tuple[RunPythonCode, RunPythonCode]:
    """The functions of a RunPython operation that install the Celery task `task` to run every
    day at hour:minute UTC under `name`, and remove it again."""
    install = partial(
        _install,
        name=name,
        task=task,
        hour=str(hour),
        minute=str(minute),
        description=description,
    )
    return install, partial(_remove, name=name)


def interval_task(
    *, name: str, task: str, minutes: int, description: str
) -> tuple[RunPythonCode, RunPythonCode]:
    """The functions of a RunPython operation that install the Celery task `task` to run every
    `minutes` minutes under `name`, and remove it again."""
    install = partial(
        _install, name=name, task=task, every_minutes=minutes, description=description
    )
    return install, partial(_remove, name=name)


def _install(
    apps,
    schema_editor,
    *,
    name: str,
    task: str,
    description: str,
    hour: str = "",
    minute: str = "",
    every_minutes: int = 0,
) -> None:
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if every_minutes:
        interval, _ = apps.get_model(
            "django_celery_beat", "IntervalSchedule"
        ).objects.get_or_create(every=every_minutes, period="minutes")
        schedule = {"interval": interval, "crontab": None}
    else:
        crontab, _ = apps.get_model("django_celery_beat", "CrontabSchedule").objects.get_or_create(
            minute=minute,
            hour=hour,
            day_of_week="*",
            day_of_month="*",
            month_of_year="*",
            timezone="UTC",
        )
        schedule = {"crontab": crontab, "interval": None}
    PeriodicTask.objects.update_or_create(
        name=name,
        defaults={"task": task, **schedule, "enabled": True, "description": description},
    )


def _remove(apps, schema_editor, *, name: str) -> None:
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=name).delete()


# Staff who serve brands edit the schedules in the admin through this group's permissions.
SCHEDULE_EDITORS = "Schedule editors"
SCHEDULE_MODELS = (
    "periodictask",
    "crontabschedule",
    "intervalschedule",
    "solarschedule",
    "clockedschedule",
)


def install_schedule_editors(apps, schema_editor) -> None:
    """Make the group whose members may view, add, change and delete every schedule."""
    from django.apps import apps as installed_apps
    from django.contrib.auth.management import create_permissions

    # Permissions are normally made after all migrations ran; the group needs them now.
    beat = installed_apps.get_app_config("django_celery_beat")
    create_permissions(beat, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=SCHEDULE_EDITORS)
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label="django_celery_beat",
            content_type__model__in=SCHEDULE_MODELS,
        )
    )


def remove_schedule_editors(apps, schema_editor) -> None:
    apps.get_model("auth", "Group").objects.filter(name=SCHEDULE_EDITORS).delete()
