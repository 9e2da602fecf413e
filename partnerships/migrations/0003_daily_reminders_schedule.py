from django.db import migrations

TASK_NAME = "Send reminders (daily)"


def install_schedule(apps, schema_editor) -> None:
    """Run the reminders every morning; staff move the hour in the admin (Periodic tasks)."""
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    # Each brand is reminded about its own local date; at 05:00 UTC that date has begun from
    # the Americas' east coast to East Asia, and the mail is there before work in Europe.
    schedule, _ = CrontabSchedule.objects.get_or_create(
        minute="0",
        hour="5",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="UTC",
    )
    PeriodicTask.objects.update_or_create(
        name=TASK_NAME,
        defaults={
            "task": "partnerships.tasks.send_daily_reminders",
            "crontab": schedule,
            "enabled": True,
            "description": "Store and mail what needs attention in every brand.",
        },
    )


def remove_schedule(apps, schema_editor) -> None:
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0002_reminder"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(install_schedule, remove_schedule)]
