from django.db import migrations

TASK_NAME = "Refresh metrics and ROI (daily)"


def install_schedule(apps, schema_editor) -> None:
    """Refresh every brand's daily summaries each night; staff move the hour in the admin."""
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    # After the night's settlement has recomputed draft statements, before the morning
    # reminders (05:00 UTC), so the first page views of the day read fresh figures.
    schedule, _ = CrontabSchedule.objects.get_or_create(
        minute="30",
        hour="4",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="UTC",
    )
    PeriodicTask.objects.update_or_create(
        name=TASK_NAME,
        defaults={
            "task": "campaigns.tasks.refresh_metrics",
            "crontab": schedule,
            "enabled": True,
            "description": "Recompute the daily metric and ROI summaries of every brand.",
        },
    )


def remove_schedule(apps, schema_editor) -> None:
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0002_daily_summaries"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(install_schedule, remove_schedule)]
