"""The daily jobs in django-celery-beat's schedule, installed by data migrations.

Each job is a PeriodicTask on a crontab in UTC; staff move its hour in the admin (Periodic
tasks). The functions work on the migration's historical models only.
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


def _install(
    apps, schema_editor, *, name: str, task: str, hour: str, minute: str, description: str
) -> None:
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    schedule, _ = CrontabSchedule.objects.get_or_create(
        minute=minute,
        hour=hour,
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="UTC",
    )
    PeriodicTask.objects.update_or_create(
        name=name,
        defaults={"task": task, "crontab": schedule, "enabled": True, "description": description},
    )


def _remove(apps, schema_editor, *, name: str) -> None:
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=name).delete()
