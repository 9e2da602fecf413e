from django.db import migrations

TASK_NAME = "Settle ended periods (daily)"


def install_schedule(apps, schema_editor) -> None:
    """Settle every night; staff move the hour in the admin (Periodic tasks)."""
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    # Each brand's periods close at its own midnight, from East Asia (16:00 UTC) to Europe
    # (23:00 UTC); at 03:00 UTC they have, and the draft statements are fresh before the
    # metrics refresh (04:30) and the morning reminders (05:00).
    schedule, _ = CrontabSchedule.objects.get_or_create(
        minute="0",
        hour="3",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="UTC",
    )
    PeriodicTask.objects.update_or_create(
        name=TASK_NAME,
        defaults={
            "task": "contracts.tasks.settle_due_periods",
            "crontab": schedule,
            "enabled": True,
            "description": "Make or recompute the statement of every period that has ended.",
        },
    )


def remove_schedule(apps, schema_editor) -> None:
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0003_statement_line_exact_quantity_and_rate"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(install_schedule, remove_schedule)]
